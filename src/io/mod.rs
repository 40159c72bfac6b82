//! Import and export formats: bytes -> text ([`text`]) -> raw records ([`records`]) -> typed
//! rows with every problem located by line and column ([`parse`]) -> what an import would do
//! ([`plan`]); and snapshot -> CSV bytes ([`export`]). No database access and no file I/O here:
//! `crate::transfer` reads and writes the files and applies plans through the core.

mod bounds;
pub mod export;
mod guard;
pub mod pack;
pub mod parquet;
pub mod parse;
pub mod picture;
pub mod plan;
pub mod records;
pub mod report;
pub mod sheet;
pub mod text;
pub mod xlsx;

pub use crate::problem::{MAX_PROBLEMS, Problem, ProblemKind, Problems};
pub use export::{ExportFormat, ExportOptions, LevelStyle, export};
pub use guard::{guard, unguard};
pub use parse::{FileFormat, ParsedFile, parse};
pub use plan::{Mode, Plan, Summary, plan, plan_from};
pub use text::Encoding;

/// A file read and checked, ready to plan: the parsed rows and how the file was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFile {
    /// The rows.
    pub parsed: ParsedFile,
    /// The encoding found.
    pub encoding: Encoding,
    /// The delimiter found.
    pub delimiter: u8,
    /// For a workbook: the sheet read and the others (the encoding and delimiter then mean
    /// nothing).
    pub sheet: Option<sheet::SheetRead>,
}

/// Bytes to checked rows: decoding, splitting and parsing, all problems collected.
pub fn read(
    bytes: &[u8],
    framework: &crate::model::Framework,
    default_team: Option<&str>,
) -> Result<ReadFile, Problems> {
    read_sheet(bytes, framework, default_team, None)
}

/// As [`read`], for a workbook or a text file by its content; `sheet` picks a workbook's
/// sheet (a text file with `sheet` is a problem).
pub fn read_sheet(
    bytes: &[u8],
    framework: &crate::model::Framework,
    default_team: Option<&str>,
    sheet: Option<&str>,
) -> Result<ReadFile, Problems> {
    if sheet::is_workbook(bytes) {
        let book = sheet::split_workbook_guarded(bytes, sheet)?;
        let mut parsed = parse::parse(&book.table, framework, default_team)?;
        if let Some(details) = &book.details {
            let details = parse::parse(details, framework, default_team)?;
            parse::take_details(&mut parsed, &details);
        }
        return Ok(ReadFile {
            parsed,
            encoding: Encoding::Utf8,
            delimiter: book.table.delimiter,
            sheet: Some(book.read),
        });
    }
    if sheet.is_some() {
        let mut problems = Problems::default();
        problems.push(Problem::file(
            "a sheet was named but this is a text (CSV) file, not a workbook",
        ));
        return Err(problems);
    }
    let (text, encoding) = text::decode(bytes).map_err(|p| {
        let mut problems = Problems::default();
        problems.push(p);
        problems
    })?;
    let table = records::split(&text)?;
    let parsed = parse::parse(&table, framework, default_team)?;
    Ok(ReadFile {
        parsed,
        encoding,
        delimiter: table.delimiter,
        sheet: None,
    })
}

/// A name made safe as a file name's stem (exports, packs, profiles): characters file systems
/// refuse become "-", surrounding spaces and leading dots go. Possibly empty.
///
/// ```
/// assert_eq!(capmatrix::io::file_stem(" ../A:B* "), "-A-B-");
/// ```
pub fn file_stem(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect();
    safe.trim().trim_start_matches('.').to_string()
}
