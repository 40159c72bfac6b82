//! Parquet for the data platform: the long table of ratings and the gap table of every team,
//! with typed columns (strings as UTF8/STRING, dates as DATE, levels as INT32, flags as
//! BOOLEAN), Snappy-compressed, written with the low-level `parquet` writer (no arrow).
//! Encoders only: the rows come from [`super::export::table_of`] and
//! [`super::report::by_team_reports`], as for CSV.

use super::export::{Cell, Table};
use super::report::GapsReport;
use crate::error::{Error, Result};
use crate::model::{Date, Framework};
use ::parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use ::parquet::data_type::{BoolType, ByteArray, ByteArrayType, Int32Type};
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::writer::SerializedFileWriter;
use ::parquet::schema::types::Type;
use std::sync::Arc;

/// Rows per row group: large enough for good compression, small enough that a reader can
/// split a 100,000-member file.
const ROW_GROUP: usize = 250_000;

/// One column's values, typed.
enum Values {
    Text(Vec<Option<ByteArray>>),
    Int(Vec<Option<i32>>),
    Flag(Vec<Option<bool>>),
}

/// A column to write: name, whether it may be null, logical type and values.
struct Column {
    name: &'static str,
    optional: bool,
    values: Values,
    date: bool,
}

impl Column {
    fn text(name: &'static str, optional: bool, values: Vec<Option<ByteArray>>) -> Column {
        Column {
            name,
            optional,
            values: Values::Text(values),
            date: false,
        }
    }
    fn int(name: &'static str, optional: bool, values: Vec<Option<i32>>) -> Column {
        Column {
            name,
            optional,
            values: Values::Int(values),
            date: false,
        }
    }
    fn date(name: &'static str, values: Vec<Option<i32>>) -> Column {
        Column {
            name,
            optional: true,
            values: Values::Int(values),
            date: true,
        }
    }
    fn flag(name: &'static str, values: Vec<Option<bool>>) -> Column {
        Column {
            name,
            optional: false,
            values: Values::Flag(values),
            date: false,
        }
    }

    fn schema(&self) -> Result<Type> {
        let (physical, logical) = match self.values {
            Values::Text(_) => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
            Values::Int(_) if self.date => (Physical::INT32, Some(LogicalType::Date)),
            Values::Int(_) => (Physical::INT32, None),
            Values::Flag(_) => (Physical::BOOLEAN, None),
        };
        Type::primitive_type_builder(self.name, physical)
            .with_repetition(if self.optional {
                Repetition::OPTIONAL
            } else {
                Repetition::REQUIRED
            })
            .with_logical_type(logical)
            .build()
            .map_err(parquet_error)
    }
}

#[allow(clippy::needless_pass_by_value)] // used as `map_err(parquet_error)`
fn parquet_error(e: ::parquet::errors::ParquetError) -> Error {
    Error::output(std::io::Error::other(e.to_string()))
}

/// Days since 1970-01-01, as Parquet's DATE stores them.
fn epoch_days(d: Date) -> i32 {
    let epoch = Date::constant(1970, 1, 1);
    d.since(epoch).ok().map_or(0, |span| span.get_days())
}

/// Writes columns of equal length as one Parquet file, in memory.
fn encode(columns: &[Column], rows: usize) -> Result<Vec<u8>> {
    let fields = columns
        .iter()
        .map(|c| c.schema().map(Arc::new))
        .collect::<Result<Vec<_>>>()?;
    let schema = Arc::new(
        Type::group_type_builder("capmatrix")
            .with_fields(fields)
            .build()
            .map_err(parquet_error)?,
    );
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("capmatrix {}", env!("CARGO_PKG_VERSION")))
            .build(),
    );
    let mut out = Vec::with_capacity(rows * 16 + 1024);
    let mut writer = SerializedFileWriter::new(&mut out, schema, props).map_err(parquet_error)?;
    let mut start = 0;
    loop {
        let end = (start + ROW_GROUP).min(rows);
        let mut group = writer.next_row_group().map_err(parquet_error)?;
        for c in columns {
            let Some(mut col) = group.next_column().map_err(parquet_error)? else {
                break;
            };
            macro_rules! put {
                ($kind:ty, $values:expr) => {{
                    let slice = &$values[start..end];
                    let present: Vec<_> = slice.iter().filter_map(|v| v.clone()).collect();
                    let levels: Vec<i16> = slice.iter().map(|v| i16::from(v.is_some())).collect();
                    col.typed::<$kind>()
                        .write_batch(&present, c.optional.then_some(&levels[..]), None)
                        .map_err(parquet_error)?;
                }};
            }
            match &c.values {
                Values::Text(v) => put!(ByteArrayType, v),
                Values::Int(v) => put!(Int32Type, v),
                Values::Flag(v) => put!(BoolType, v),
            }
            col.close().map_err(parquet_error)?;
        }
        group.close().map_err(parquet_error)?;
        start = end;
        if start >= rows {
            break;
        }
    }
    writer.close().map_err(parquet_error)?;
    Ok(out)
}

fn text(s: &str) -> Option<ByteArray> {
    Some(ByteArray::from(s.as_bytes().to_vec()))
}

/// The long table (member, team, role level, skill, level, rated on, interested, note, and
/// source when the table has it) as Parquet, with the skill's category beside its name. With
/// `with_note` false the note column is left out (a pseudonymised roll-up).
pub fn encode_long(table: &Table<'_>, framework: &Framework, with_note: bool) -> Result<Vec<u8>> {
    let n = table.rows.len();
    let mut member = Vec::with_capacity(n);
    let mut team = Vec::with_capacity(n);
    let mut role = Vec::with_capacity(n);
    let mut skill = Vec::with_capacity(n);
    let mut category = Vec::with_capacity(n);
    let mut level = Vec::with_capacity(n);
    let mut level_name = Vec::with_capacity(n);
    let mut assessed = Vec::with_capacity(n);
    let mut interested = Vec::with_capacity(n);
    let mut source = Vec::with_capacity(n);
    let mut note = Vec::with_capacity(n);
    let mut categories = std::collections::HashMap::new();
    for row in &table.rows {
        let [
            Cell::Text(m),
            Cell::Text(t),
            Cell::Text(r),
            Cell::Text(s),
            Cell::Level(l),
            Cell::Date(d),
            Cell::Flag(i),
            Cell::Text(note_text),
            rest @ ..,
        ] = row.as_slice()
        else {
            return Err(Error::output(std::io::Error::other(
                "the long table has an unexpected shape",
            )));
        };
        member.push(text(m));
        team.push(text(t));
        role.push((!r.is_empty()).then(|| text(r)).flatten());
        skill.push(text(s));
        let cat = categories.entry(*s).or_insert_with(|| {
            framework
                .skill_named(s)
                .and_then(|id| framework.skill(id).category.clone())
        });
        category.push(cat.as_deref().and_then(text));
        level.push(l.map(|l| i32::from(l.number())));
        level_name.push(l.and_then(|l| text(l.name())));
        assessed.push(Some(epoch_days(*d)));
        interested.push(Some(*i));
        source.push(match rest.first() {
            Some(Cell::Text(s)) => text(s),
            _ => text("lead"),
        });
        note.push(text(note_text));
    }
    let mut columns = vec![
        Column::text("member", false, member),
        Column::text("team", false, team),
        Column::text("role_level", true, role),
        Column::text("skill", false, skill),
        Column::text("skill_category", true, category),
        Column::int("level", true, level),
        Column::text("level_name", true, level_name),
        Column::date("assessed_on", assessed),
        Column::flag("interested", interested),
        Column::text("source", false, source),
    ];
    if with_note {
        columns.push(Column::text("note", false, note));
    }
    encode(&columns, n)
}

/// The gap table of every team (`gaps --by-team --format parquet`): the columns of
/// [`super::report::BY_TEAM_HEADER`], levels as names and counts as INT32.
pub fn encode_gaps(reports: &[GapsReport]) -> Result<Vec<u8>> {
    let rows: Vec<_> = reports
        .iter()
        .flat_map(|r| r.skills.iter().map(move |g| (r.team.as_str(), g)))
        .collect();
    let count = |v: u32| Some(i32::try_from(v).unwrap_or(i32::MAX));
    let columns = vec![
        Column::text("team", false, rows.iter().map(|(t, _)| text(t)).collect()),
        Column::text(
            "skill",
            false,
            rows.iter().map(|(_, g)| text(&g.skill)).collect(),
        ),
        Column::text(
            "target_level",
            false,
            rows.iter()
                .map(|(_, g)| text(g.target_level.name()))
                .collect(),
        ),
        Column::int(
            "target_count",
            false,
            rows.iter().map(|(_, g)| count(g.target_count)).collect(),
        ),
        Column::int(
            "covered",
            false,
            rows.iter().map(|(_, g)| count(g.covered)).collect(),
        ),
        Column::int(
            "shortfall",
            false,
            rows.iter().map(|(_, g)| count(g.shortfall)).collect(),
        ),
        Column::flag(
            "single_point_of_failure",
            rows.iter()
                .map(|(_, g)| Some(g.single_point_of_failure))
                .collect(),
        ),
        Column::text(
            "best_level",
            true,
            rows.iter()
                .map(|(_, g)| g.best_level.and_then(|l| text(l.name())))
                .collect(),
        ),
    ];
    encode(&columns, rows.len())
}
