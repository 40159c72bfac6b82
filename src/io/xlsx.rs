//! The matrix as an Excel workbook (rust_xlsxwriter), built in memory from the same rows as
//! the CSV export ([`super::export::table`]) and the same gap report as `gaps`
//! ([`super::report`]). Sheets: Matrix (levels as names, coloured by conditional formats so
//! that a level changed in Excel recolours, a dropdown of the levels on every level cell,
//! cells below the role's requirement outlined with a note), Gaps, Below role, Ratings (real
//! dates), Framework, About. Every name and note is written as a text cell, never as a formula.

use super::export::{Cell, ExportFormat, LONG_HEADER, Table, table};
use super::report::{GAPS_HEADER, GapsReport, gap_cells, gaps_report};
use crate::error::{Error, Result};
use crate::model::analysis::{Fit, Scope, member_fit, scope_members, wide_skills};
use crate::model::{Level, OGL_CREDIT, RoleLevelId, Snapshot, Timestamp};
use crate::palette::{self, Rgb};
use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, DataValidation,
    DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Note, Workbook, Worksheet,
    XlsxError,
};
use std::collections::BTreeSet;

/// The sheets of an exported workbook, in order.
pub const SHEETS: [&str; 6] = [
    "Matrix",
    "Gaps",
    "Below role",
    "Ratings",
    "Framework",
    "About",
];

/// Where and when a workbook was exported, for its About sheet.
#[derive(Debug, Clone, Copy)]
pub struct WorkbookInfo<'a> {
    /// The database it came from, as the person knows it (a path).
    pub database: &'a str,
    /// When it was exported.
    pub exported_at: Timestamp,
    /// What it covers: a team's name or "All teams".
    pub title: &'a str,
}

/// The most "needs <level>" notes a Matrix sheet gets. Beyond this (a profession-wide
/// export) the orange outline alone marks the cells, and the Below role sheet lists each with the
/// level needed: 39,000 notes made LibreOffice take 74 s to open a workbook it otherwise
/// opens in 2 s.
pub const MAX_BELOW_NOTES: usize = 2_000;

/// Days from Excel's epoch (1899-12-30) to 1970-01-01.
const EXCEL_UNIX_EPOCH: f64 = 25_569.0;
const MS_PER_DAY: f64 = 86_400_000.0;

/// A timestamp as an Excel date serial number (days since 1899-12-30, UTC).
pub fn excel_serial(t: Timestamp) -> f64 {
    t.0 as f64 / MS_PER_DAY + EXCEL_UNIX_EPOCH
}

/// A calendar date as an Excel date serial number (whole days since 1899-12-30).
pub fn excel_day(d: crate::model::Date) -> f64 {
    jiff::civil::date(1899, 12, 30)
        .until(d)
        .map_or(0.0, |span| f64::from(span.get_days()))
}

/// An Excel date serial number as a timestamp, to the millisecond (the inverse, to check the
/// dates written; import reads dates through calamine).
#[cfg(test)]
fn from_excel_serial(serial: f64) -> Option<Timestamp> {
    let ms = ((serial - EXCEL_UNIX_EPOCH) * MS_PER_DAY).round();
    (0.0..253_402_300_800_000.0)
        .contains(&ms)
        .then_some(Timestamp(ms as i64))
}

#[allow(clippy::needless_pass_by_value)] // used as map_err(xlsx_err)
fn xlsx_err(e: XlsxError) -> Error {
    Error::output(std::io::Error::other(format!(
        "cannot build the workbook: {e}"
    )))
}

fn color(c: Rgb) -> Color {
    Color::RGB(c.hex())
}

/// The formats the sheets share.
struct Formats {
    header: Format,
    skill_header: Format,
    text: Format,
    level: Format,
    below: Format,
    date: Format,
    day: Format,
    wrap: Format,
    short: Format,
    single: Format,
    title: Format,
}

impl Formats {
    fn new() -> Formats {
        let header = Format::new()
            .set_bold()
            .set_background_color(color(palette::HEADER))
            .set_border_bottom(FormatBorder::Thin)
            .set_align(FormatAlign::Bottom);
        Formats {
            skill_header: header
                .clone()
                .set_rotation(90)
                .set_text_wrap()
                .set_align(FormatAlign::Center),
            header,
            text: Format::new(),
            level: Format::new()
                .set_align(FormatAlign::Center)
                .set_border(FormatBorder::Thin)
                .set_border_color(color(palette::GRID)),
            below: Format::new()
                .set_align(FormatAlign::Center)
                .set_border(FormatBorder::Medium)
                .set_border_color(color(palette::SHORT)),
            date: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            day: Format::new().set_num_format("yyyy-mm-dd"),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            short: Format::new()
                .set_bold()
                .set_background_color(color(palette::SHORT_TINT)),
            single: Format::new().set_background_color(color(palette::SINGLE)),
            title: Format::new().set_bold().set_font_size(14),
        }
    }
}

/// Column width in characters for a column of texts: the longest, within limits.
fn width_of<'a>(texts: impl Iterator<Item = &'a str>, min: usize, max: usize) -> f64 {
    texts
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(min, max) as f64
        + 2.0
}

/// Skill names longer than this take two lines in the Matrix header.
const HEADER_WRAP_CHARS: usize = 30;

/// Excel's rows a sheet, and characters (UTF-16 units) a cell.
const EXCEL_ROWS: usize = 1_048_576;
const EXCEL_CELL_UNITS: usize = 32_767;

/// Refuses, naming what and where, a matrix that does not fit Excel's limits, before anything
/// is built: too many rows for a sheet, a note too long for a cell.
fn check_fits(wide: &Table<'_>, long: &Table<'_>) -> Result<()> {
    for (sheet, rows) in [(SHEETS[0], wide.rows.len()), (SHEETS[3], long.rows.len())] {
        if rows >= EXCEL_ROWS {
            return Err(Error::Workbook {
                reason: format!(
                    "the {sheet} sheet would have {rows} rows and Excel's sheets hold {} below the header: export one team, or export CSV",
                    EXCEL_ROWS - 1
                ),
                path: None,
            });
        }
    }
    for row in &long.rows {
        for cell in row {
            if let Cell::Text(t) = cell
                && t.encode_utf16().count() > EXCEL_CELL_UNITS
            {
                let text = |i: usize| match row.get(i) {
                    Some(Cell::Text(t)) => *t,
                    _ => "",
                };
                return Err(Error::Workbook {
                    reason: format!(
                        "the note of {} ({}) in {} is {} characters long and an Excel cell holds {EXCEL_CELL_UNITS}: shorten it, or export CSV",
                        text(0),
                        text(1),
                        text(3),
                        t.chars().count()
                    ),
                    path: None,
                });
            }
        }
    }
    Ok(())
}

/// Writes the matrix as an XLSX workbook's bytes.
pub fn encode_xlsx(snapshot: &Snapshot, scope: Scope, info: &WorkbookInfo<'_>) -> Result<Vec<u8>> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    let wide = table(snapshot, scope, ExportFormat::Wide, None);
    let long = table(snapshot, scope, ExportFormat::Long, None);
    check_fits(&wide, &long)?;
    matrix_sheet(book.add_worksheet(), snapshot, scope, &wide, &formats).map_err(xlsx_err)?;
    let reports = gaps_sheet(book.add_worksheet(), snapshot, scope, &formats).map_err(xlsx_err)?;
    below_sheet(book.add_worksheet(), &reports, &formats).map_err(xlsx_err)?;
    ratings_sheet(book.add_worksheet(), &long, &formats).map_err(xlsx_err)?;
    framework_sheet(book.add_worksheet(), snapshot, scope, &formats).map_err(xlsx_err)?;
    about_sheet(book.add_worksheet(), snapshot, scope, info, &formats).map_err(xlsx_err)?;
    book.save_to_buffer().map_err(xlsx_err)
}

/// Writes a row of header cells.
fn header_row(
    sheet: &mut Worksheet,
    row: u32,
    names: &[&str],
    f: &Format,
) -> Result<(), XlsxError> {
    for (c, name) in names.iter().enumerate() {
        sheet.write_string_with_format(row, c as u16, *name, f)?;
    }
    Ok(())
}

fn matrix_sheet(
    sheet: &mut Worksheet,
    snapshot: &Snapshot,
    scope: Scope,
    wide: &Table<'_>,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[0])?;
    let fw = &snapshot.framework;
    let members = scope_members(snapshot, scope);
    let skills = wide_skills(snapshot, &members);
    header_row(sheet, 0, &wide.header[..3], &f.header)?;
    for (i, &skill) in skills.iter().enumerate() {
        let col = (i + 3) as u16;
        let s = fw.skill(skill);
        // A long name on two lines (import reads a line break in a header as a space), so
        // the frozen header row stays short.
        let lines = super::picture::wrap_in_two(&s.name, HEADER_WRAP_CHARS);
        sheet.write_string_with_format(0, col, lines.join("\n"), &f.skill_header)?;
        if let Some(d) = &s.description {
            let note = Note::new(truncate(d, 30_000))
                .add_author_prefix(false)
                .set_width(360)
                .set_height(160);
            sheet.insert_note(0, col, &note)?;
        }
        sheet.set_column_width(col, 13)?;
    }
    let longest = skills
        .iter()
        .flat_map(|&s| super::picture::wrap_in_two(&fw.skill(s).name, HEADER_WRAP_CHARS))
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0);
    // Names written upwards in full: about 6.5 points per character, within Excel's 409.
    sheet.set_row_height(0, (longest as f64 * 6.5 + 12.0).clamp(40.0, 409.0))?;
    for (c, min) in [(0u16, 12), (1, 8), (2, 12)] {
        let texts = wide.rows.iter().filter_map(|r| match r.get(c as usize) {
            Some(Cell::Text(t)) => Some(*t),
            _ => None,
        });
        sheet.set_column_width(c, width_of(texts.chain([wide.header[c as usize]]), min, 40))?;
    }
    // What each member's role level needs where they fall short, found once for the
    // outlines and the notes.
    let below: Vec<Vec<Option<Level>>> = members
        .iter()
        .map(|m| {
            skills
                .iter()
                .map(|&s| match member_fit(fw, m, s) {
                    Fit::Below { required, .. } | Fit::NotRated { required } => Some(required),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let below_cells = below.iter().flatten().flatten().count();
    let notes = below_cells <= MAX_BELOW_NOTES;
    for (r, (row, below)) in wide.rows.iter().zip(&below).enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c16 = c as u16;
            match cell {
                Cell::Text(t) => {
                    sheet.write_string_with_format(r, c16, text_cell(t), &f.text)?;
                }
                Cell::Owned(t) => {
                    sheet.write_string_with_format(r, c16, text_cell(t), &f.text)?;
                }
                Cell::Level(level) => {
                    let below = below[c - 3];
                    let format = if below.is_some() { &f.below } else { &f.level };
                    match level {
                        Some(l) => sheet.write_string_with_format(r, c16, l.name(), format)?,
                        None => sheet.write_blank(r, c16, format)?,
                    };
                    if let Some(required) = below.filter(|_| notes) {
                        let note = Note::new(format!("needs {}", required.name()))
                            .add_author_prefix(false)
                            .set_width(140)
                            .set_height(24);
                        sheet.insert_note(r, c16, &note)?;
                    }
                }
                Cell::Date(_) | Cell::Flag(_) => {}
            }
        }
    }
    let last_row = wide.rows.len() as u32;
    if !skills.is_empty() && last_row > 0 {
        let (first_col, last_col) = (3u16, (skills.len() + 2) as u16);
        for level in Level::ALL {
            let rule = ConditionalFormatCell::new()
                .set_rule(ConditionalFormatCellRule::EqualTo(level.name()))
                .set_format(
                    Format::new()
                        .set_background_color(color(palette::level_fill(level)))
                        .set_font_color(color(palette::level_text(level))),
                );
            sheet.add_conditional_format(1, first_col, last_row, last_col, &rule)?;
        }
        let names: Vec<&str> = Level::ALL.iter().map(|l| l.name()).collect();
        let dropdown = DataValidation::new()
            .allow_list_strings(&names)?
            .set_error_title("Not a level")?
            .set_error_message(format!("Choose one of: {}.", names.join(", ")))?
            .set_error_style(DataValidationErrorStyle::Stop);
        sheet.add_data_validation(1, first_col, last_row, last_col, &dropdown)?;
    }
    sheet.set_freeze_panes(1, 3)?;
    print_setup(sheet)?;
    Ok(())
}

/// A name or note as a text cell. Text cells are never formulas, so no guard is needed,
/// except that import removes the CSV guard from workbooks too (a guarded CSV saved as a
/// workbook keeps its `'`): a text that starts with `'` is guarded so it comes back as it was.
fn text_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with('\'') {
        super::guard(text)
    } else {
        text.into()
    }
}

/// Printing (and PDF): landscape, one page wide, the header row on every page.
fn print_setup(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_landscape().set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

/// How many lines a text takes wrapped in a column about `width` characters wide.
fn wrapped_lines(text: &str, width: usize) -> usize {
    text.split('\n')
        .map(|p| p.chars().count().div_ceil(width).max(1))
        .sum()
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// The Gaps sheet; returns the reports, for the Below role sheet.
fn gaps_sheet(
    sheet: &mut Worksheet,
    snapshot: &Snapshot,
    scope: Scope,
    f: &Formats,
) -> Result<Vec<GapsReport>, XlsxError> {
    sheet.set_name(SHEETS[1])?;
    let teams: Vec<(Scope, String)> = match scope {
        Scope::Team(id) => vec![(
            scope,
            snapshot
                .team(id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
        )],
        Scope::All => snapshot
            .teams_in_order()
            .into_iter()
            .map(|t| (Scope::Team(t.id), t.name.clone()))
            .collect(),
    };
    // One team: exactly the columns of `gaps --format csv`; all teams: a Team column first.
    let with_team = matches!(scope, Scope::All);
    let offset = u16::from(with_team);
    let mut header: Vec<&str> = Vec::new();
    if with_team {
        header.push("Team");
    }
    header.extend(GAPS_HEADER);
    header_row(sheet, 0, &header, &f.header)?;
    let reports: Vec<GapsReport> = teams
        .into_iter()
        .map(|(scope, name)| gaps_report(snapshot, scope, name, true))
        .collect();
    // Column widths follow what is written in them (both tables share the columns).
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    widths.resize(header.len().max(8), 0);
    let mut seen = |c: usize, text: &str| {
        if let Some(w) = widths.get_mut(c) {
            *w = (*w).max(text.chars().count());
        }
    };
    let centred = |format: &Format| format.clone().set_align(FormatAlign::Center);
    let number = Format::new().set_align(FormatAlign::Center);
    let mut r = 1u32;
    for report in &reports {
        for g in &report.skills {
            if with_team {
                sheet.write_string(r, 0, &report.team)?;
                seen(0, &report.team);
            }
            let cells = gap_cells(g);
            for (c, text) in cells.iter().enumerate() {
                let col = c as u16 + offset;
                seen(col as usize, text);
                // Numbers centred under their headings, so a column cannot be misread.
                match c {
                    2 => sheet.write_number_with_format(r, col, g.target_count, &number)?,
                    3 => sheet.write_number_with_format(r, col, g.covered, &number)?,
                    4 if g.shortfall > 0 => {
                        sheet.write_number_with_format(r, col, g.shortfall, &centred(&f.short))?
                    }
                    4 => sheet.write_number_with_format(r, col, g.shortfall, &number)?,
                    5 if g.single_point_of_failure => {
                        sheet.write_string_with_format(r, col, text, &centred(&f.single))?
                    }
                    5 => sheet.write_string_with_format(r, col, text, &number)?,
                    _ => sheet.write_string(r, col, text)?,
                };
            }
            r += 1;
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w).clamp(8, 60) as f64 + 2.0)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    print_setup(sheet)?;
    Ok(reports)
}

/// Everyone below what their role level requires, skill by skill.
fn below_sheet(
    sheet: &mut Worksheet,
    reports: &[GapsReport],
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[2])?;
    let header = [
        "Member",
        "Team",
        "Role level",
        "Skill",
        "Required",
        "Actual",
    ];
    header_row(sheet, 0, &header, &f.header)?;
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    let mut r = 1u32;
    for report in reports {
        for m in &report.members_below_role {
            let actual = m.actual.map_or("not rated", |l| l.name());
            let cells = [
                m.member.as_str(),
                &m.team,
                &m.role_level,
                &m.skill,
                m.required.name(),
                actual,
            ];
            for (c, text) in cells.iter().enumerate() {
                widths[c] = widths[c].max(text.chars().count());
                if c == 5 {
                    sheet.write_string_with_format(r, c as u16, *text, &f.short)?;
                } else {
                    sheet.write_string(r, c as u16, *text)?;
                }
            }
            r += 1;
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w).clamp(8, 60) as f64 + 2.0)?;
    }
    sheet.set_freeze_panes(1, 1)?;
    sheet.autofilter(0, 0, r.saturating_sub(1).max(1), 5)?;
    print_setup(sheet)?;
    Ok(())
}

fn ratings_sheet(sheet: &mut Worksheet, long: &Table<'_>, f: &Formats) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[3])?;
    header_row(sheet, 0, &LONG_HEADER, &f.header)?;
    for (r, row) in long.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => sheet.write_string(r, c, text_cell(t))?,
                Cell::Owned(t) => sheet.write_string(r, c, text_cell(t))?,
                Cell::Level(Some(l)) => sheet.write_string(r, c, l.name())?,
                Cell::Level(None) => sheet,
                Cell::Date(d) => sheet.write_number_with_format(r, c, excel_day(*d), &f.day)?,
                Cell::Flag(b) => sheet.write_string(r, c, if *b { "yes" } else { "no" })?,
            };
        }
    }
    for (c, w) in [24, 20, 24, 30, 13, 17, 11, 50].into_iter().enumerate() {
        sheet.set_column_width(c as u16, w)?;
    }
    sheet.set_freeze_panes(1, 1)?;
    sheet.autofilter(0, 0, long.rows.len() as u32, (LONG_HEADER.len() - 1) as u16)?;
    print_setup(sheet)?;
    Ok(())
}

fn framework_sheet(
    sheet: &mut Worksheet,
    snapshot: &Snapshot,
    scope: Scope,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[4])?;
    let fw = &snapshot.framework;
    let members = scope_members(snapshot, scope);
    let skills = wide_skills(snapshot, &members);
    let role_levels: BTreeSet<RoleLevelId> = members.iter().filter_map(|m| m.role_level).collect();
    let mut header: Vec<String> = vec!["Skill".into(), "Description".into()];
    header.extend(Level::ALL[1..].iter().map(|l| l.name().to_string()));
    header.extend(
        role_levels
            .iter()
            .map(|&rl| format!("{} requires", fw.role_level(rl).name)),
    );
    let names: Vec<&str> = header.iter().map(String::as_str).collect();
    header_row(sheet, 0, &names, &f.header.clone().set_text_wrap())?;
    for (r, &skill) in skills.iter().enumerate() {
        let r = r as u32 + 1;
        let s = fw.skill(skill);
        sheet.write_string_with_format(r, 0, &s.name, &f.wrap)?;
        sheet.write_string_with_format(r, 1, s.description.as_deref().unwrap_or(""), &f.wrap)?;
        let mut lines = wrapped_lines(s.description.as_deref().unwrap_or(""), 45);
        for (i, level) in Level::ALL[1..].iter().enumerate() {
            let text = s
                .descriptor(*level)
                .map(|lines| truncate(&lines.join("\n"), 32_000))
                .unwrap_or_default();
            lines = lines.max(wrapped_lines(&text, 45));
            sheet.write_string_with_format(r, (i + 2) as u16, &text, &f.wrap)?;
        }
        // Rows tall enough for their wrapped text (spreadsheets do not grow rows written by
        // a program themselves): about 15 points a line, within Excel's 409.
        sheet.set_row_height(r, (lines as f64 * 15.0).clamp(15.0, 409.0))?;
        for (i, &rl) in role_levels.iter().enumerate() {
            let text = fw.required(rl, skill).map_or("", |l| l.name());
            sheet.write_string(r, (i + 6) as u16, text)?;
        }
    }
    sheet.set_column_width(0, 24)?;
    for c in 1..6u16 {
        sheet.set_column_width(c, 45)?;
    }
    for i in 0..role_levels.len() {
        sheet.set_column_width((i + 6) as u16, 16)?;
    }
    sheet.set_freeze_panes(1, 1)?;
    let note_row = skills.len() as u32 + 2;
    sheet.write_string(note_row, 0, OGL_CREDIT)?;
    print_setup(sheet)?;
    Ok(())
}

fn about_sheet(
    sheet: &mut Worksheet,
    snapshot: &Snapshot,
    scope: Scope,
    info: &WorkbookInfo<'_>,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[5])?;
    sheet.write_string_with_format(0, 0, format!("Skills matrix: {}", info.title), &f.title)?;
    let members = scope_members(snapshot, scope).len();
    let rows: [(&str, String); 6] = [
        ("Exported", String::new()),
        ("From database", info.database.to_string()),
        ("Members", members.to_string()),
        (
            "Exported by",
            format!("capmatrix {}", env!("CARGO_PKG_VERSION")),
        ),
        ("Framework", snapshot.framework.title()),
        ("Licence", OGL_CREDIT.to_string()),
    ];
    for (i, (label, value)) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        sheet.write_string_with_format(r, 0, *label, &f.header)?;
        if i == 0 {
            let date = f.date.clone().set_align(FormatAlign::Left);
            sheet.write_number_with_format(r, 1, excel_serial(info.exported_at), &date)?;
        } else if let Ok(n) = value.parse::<u32>() {
            sheet.write_number_with_format(r, 1, n, &Format::new().set_align(FormatAlign::Left))?;
        } else {
            sheet.write_string(r, 1, value)?;
        }
    }
    let r = rows.len() as u32 + 3;
    sheet.write_url_with_text(
        r,
        1,
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "Open Government Licence v3.0",
    )?;
    let lines = [
        "Matrix: one row per member; change a level with the dropdown and the colour follows.",
        "Cells outlined in orange were below what the member's role level requires when exported: the cell's note says which level (up to 2,000 such cells; the Below role sheet lists them all).",
        "Gaps: each skill's target, how many people cover it, the shortfall and single points of failure, as exported.",
        "Below role: each member below what their role level requires, skill by skill.",
        "The outlines, notes, Gaps and Below role do not follow edits made here: import the workbook into capmatrix and export again.",
        "Ratings: every rating with its date, interest and note. Framework: what each level means.",
        "Import this workbook back with: capmatrix import FILE.xlsx (the Matrix sheet), or --sheet Ratings.",
    ];
    for (i, line) in lines.iter().enumerate() {
        sheet.write_string(r + 2 + i as u32, 0, *line)?;
    }
    sheet.set_column_width(0, 18)?;
    sheet.set_column_width(1, 70)?;
    print_setup(sheet)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_past_excels_row_limit_is_refused_before_anything_is_built() {
        let table = |rows: usize| Table {
            header: vec!["Member"],
            rows: vec![Vec::new(); rows],
        };
        assert!(check_fits(&table(10), &table(EXCEL_ROWS - 1)).is_ok());
        let err = check_fits(&table(10), &table(EXCEL_ROWS)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot write the workbook: the Ratings sheet would have 1048576 rows and Excel's sheets hold 1048575 below the header: export one team, or export CSV"
        );
        let err = check_fits(&table(EXCEL_ROWS), &table(0)).unwrap_err();
        assert!(
            err.to_string()
                .contains("the Matrix sheet would have 1048576 rows")
        );
    }

    #[test]
    fn excel_serials_round_trip_to_the_millisecond() {
        for ms in [
            0i64,
            1,
            999,
            1_795_564_800_123,
            1_700_000_000_001,
            253_402_300_799_999,
        ] {
            let t = Timestamp(ms);
            assert_eq!(from_excel_serial(excel_serial(t)), Some(t), "{ms}");
        }
        // 2026-11-25 is day 46351 in Excel.
        assert_eq!(excel_serial(Timestamp(1_795_564_800_000)), 46_351.0);
        assert_eq!(from_excel_serial(-1.0), None);
        assert_eq!(excel_day(jiff::civil::date(2026, 11, 25)), 46_351.0);
    }
}
