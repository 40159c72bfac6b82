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

/// Rows per row group: the columns of one group are built, written and dropped before the
/// next, so memory stays flat however many ratings there are.
const ROW_GROUP: usize = 131_072;

/// One column's values, typed; a null is absent from `values` and 0 in the column's levels.
enum Values {
    Text(Vec<ByteArray>),
    Int(Vec<i32>),
    Flag(Vec<bool>),
}

/// A column to write: name, whether it may be null, logical type, and the values of the row
/// group being built.
struct Column {
    name: &'static str,
    optional: bool,
    date: bool,
    values: Values,
    /// Definition levels (1 present, 0 null) of an optional column.
    defs: Vec<i16>,
}

impl Column {
    fn new(name: &'static str, optional: bool, values: Values) -> Column {
        Column {
            name,
            optional,
            date: false,
            values,
            defs: Vec::new(),
        }
    }
    fn text(name: &'static str, optional: bool) -> Column {
        Column::new(name, optional, Values::Text(Vec::new()))
    }
    fn int(name: &'static str, optional: bool) -> Column {
        Column::new(name, optional, Values::Int(Vec::new()))
    }
    fn date(name: &'static str) -> Column {
        Column {
            date: true,
            ..Column::new(name, false, Values::Int(Vec::new()))
        }
    }
    fn flag(name: &'static str) -> Column {
        Column::new(name, false, Values::Flag(Vec::new()))
    }

    fn defined(&mut self, present: bool) {
        if self.optional {
            self.defs.push(i16::from(present));
        }
    }
    fn put_text(&mut self, v: Option<ByteArray>) {
        self.defined(v.is_some());
        if let (Values::Text(values), Some(v)) = (&mut self.values, v) {
            values.push(v);
        }
    }
    fn put_int(&mut self, v: Option<i32>) {
        self.defined(v.is_some());
        if let (Values::Int(values), Some(v)) = (&mut self.values, v) {
            values.push(v);
        }
    }
    fn put_flag(&mut self, v: bool) {
        self.defined(true);
        if let Values::Flag(values) = &mut self.values {
            values.push(v);
        }
    }
    fn clear(&mut self) {
        self.defs.clear();
        match &mut self.values {
            Values::Text(v) => v.clear(),
            Values::Int(v) => v.clear(),
            Values::Flag(v) => v.clear(),
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

/// One shared copy of each distinct string: a column of 1,000,000 cells naming 11 skills holds
/// 11 buffers, not a million.
#[derive(Default)]
struct Interner<'a> {
    map: std::collections::HashMap<&'a str, ByteArray>,
}

impl<'a> Interner<'a> {
    fn get(&mut self, s: &'a str) -> ByteArray {
        self.map
            .entry(s)
            .or_insert_with(|| ByteArray::from(s.as_bytes().to_vec()))
            .clone()
    }
}

/// Writes `rows` rows as one Parquet file in memory: `fill` puts the rows of a range into
/// the columns (left empty by the caller), a row group at a time.
fn encode(
    columns: &mut [Column],
    rows: usize,
    mut fill: impl FnMut(&mut [Column], std::ops::Range<usize>) -> Result<()>,
) -> Result<Vec<u8>> {
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
    let mut out = Vec::with_capacity(rows * 4 + 1024);
    let mut writer = SerializedFileWriter::new(&mut out, schema, props).map_err(parquet_error)?;
    let mut start = 0;
    loop {
        let end = (start + ROW_GROUP).min(rows);
        for c in columns.iter_mut() {
            c.clear();
        }
        fill(columns, start..end)?;
        let mut group = writer.next_row_group().map_err(parquet_error)?;
        for c in columns.iter() {
            let Some(mut col) = group.next_column().map_err(parquet_error)? else {
                break;
            };
            let defs = c.optional.then_some(&c.defs[..]);
            match &c.values {
                Values::Text(v) => col.typed::<ByteArrayType>().write_batch(v, defs, None),
                Values::Int(v) => col.typed::<Int32Type>().write_batch(v, defs, None),
                Values::Flag(v) => col.typed::<BoolType>().write_batch(v, defs, None),
            }
            .map_err(parquet_error)?;
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
    let mut columns = vec![
        Column::text("member", false),
        Column::text("team", false),
        Column::text("role_level", true),
        Column::text("skill", false),
        Column::text("skill_category", true),
        Column::int("level", true),
        Column::text("level_name", true),
        Column::date("assessed_on"),
        Column::flag("interested"),
        Column::text("source", false),
    ];
    if with_note {
        columns.push(Column::text("note", false));
    }
    let mut names = Interner::default();
    let mut categories: std::collections::HashMap<&str, Option<ByteArray>> = Default::default();
    let levels: Vec<ByteArray> = crate::model::Level::ALL
        .iter()
        .map(|l| ByteArray::from(l.name().as_bytes().to_vec()))
        .collect();
    let lead = ByteArray::from(&b"lead"[..]);
    encode(&mut columns, table.rows.len(), |cols, range| {
        for row in &table.rows[range] {
            let [
                Cell::Text(m),
                Cell::Text(t),
                Cell::Text(r),
                Cell::Text(s),
                Cell::Level(l),
                Cell::Date(d),
                Cell::Flag(i),
                Cell::Text(note),
                rest @ ..,
            ] = row.as_slice()
            else {
                return Err(Error::output(std::io::Error::other(
                    "the long table has an unexpected shape",
                )));
            };
            cols[0].put_text(Some(names.get(m)));
            cols[1].put_text(Some(names.get(t)));
            cols[2].put_text((!r.is_empty()).then(|| names.get(r)));
            cols[3].put_text(Some(names.get(s)));
            let category = categories.entry(s).or_insert_with(|| {
                framework
                    .skill_named(s)
                    .and_then(|id| framework.skill(id).category.as_deref())
                    .and_then(text)
            });
            cols[4].put_text(category.clone());
            cols[5].put_int(l.map(|l| i32::from(l.number())));
            cols[6].put_text(l.map(|l| levels[usize::from(l.number())].clone()));
            cols[7].put_int(Some(epoch_days(*d)));
            cols[8].put_flag(*i);
            cols[9].put_text(Some(match rest.first() {
                Some(Cell::Text(s)) => names.get(s),
                _ => lead.clone(),
            }));
            if let Some(c) = cols.get_mut(10) {
                c.put_text(Some(names.get(note)));
            }
        }
        Ok(())
    })
}

/// The gap table of every team (`gaps --by-team --format parquet`): the columns of
/// [`super::report::BY_TEAM_HEADER`], levels as names and counts as INT32.
pub fn encode_gaps(reports: &[GapsReport]) -> Result<Vec<u8>> {
    let rows: Vec<_> = reports
        .iter()
        .flat_map(|r| r.skills.iter().map(move |g| (r.team.as_str(), g)))
        .collect();
    let count = |v: u32| Some(i32::try_from(v).unwrap_or(i32::MAX));
    let mut columns = vec![
        Column::text("team", false),
        Column::text("skill", false),
        Column::text("target_level", false),
        Column::int("target_count", false),
        Column::int("covered", false),
        Column::int("shortfall", false),
        Column::flag("single_point_of_failure"),
        Column::text("best_level", true),
    ];
    encode(&mut columns, rows.len(), |cols, range| {
        for (team, g) in &rows[range] {
            cols[0].put_text(text(team));
            cols[1].put_text(text(&g.skill));
            cols[2].put_text(text(g.target_level.name()));
            cols[3].put_int(count(g.target_count));
            cols[4].put_int(count(g.covered));
            cols[5].put_int(count(g.shortfall));
            cols[6].put_flag(g.single_point_of_failure);
            cols[7].put_text(g.best_level.and_then(|l| text(l.name())));
        }
        Ok(())
    })
}
