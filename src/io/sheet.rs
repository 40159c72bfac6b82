//! Workbooks (XLSX, XLSM, XLS, ODS; calamine) to the same raw table of cells as a CSV file,
//! so that one parser and one planner serve both. Cells become the text a person sees: a
//! whole number stored as 3.0 is "3", a date cell is an ISO date-time, TRUE is "yes", an
//! error cell is its error text ("#N/A"). Rows keep their sheet row numbers, and problems are
//! later placed as `Sheet!F4`.
//!
//! Guards before and while reading: the zip directory's total uncompressed size (zip bombs),
//! the number of rows, the length of a cell, and (XLSX, read cell by cell) the number of cells.

use super::records::{MAX_FIELD_CHARS, MAX_ROWS, RawRow, RawTable};
use super::{Problem, Problems};
use calamine::{Data, DataType, Reader, SheetType, Sheets};
use std::io::Cursor;

/// The most a workbook may unpack to (its zip directory's total uncompressed size).
pub const MAX_UNPACKED_BYTES: u128 = 512 * 1024 * 1024;

/// The most parts a workbook's zip package may have.
pub const MAX_PARTS: usize = 10_000;

/// The most cells (counting blanks up to each row's last cell) a sheet may hold.
pub const MAX_CELLS: usize = 20_000_000;

/// How many rows from the top the header may be (as for CSV).
use super::parse::HEADER_SEARCH_ROWS;

/// Which sheet was read, and the workbook's other sheets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRead {
    /// The workbook's type: "XLSX", "XLS" or "ODS".
    pub kind: &'static str,
    /// The sheet read.
    pub name: String,
    /// Every sheet of the workbook, in order.
    pub sheets: Vec<String>,
    /// A workbook capmatrix wrote, read by default: the sheet the notes, interest and dates
    /// came from ("Ratings"), beside the levels of the Matrix sheet.
    pub details: Option<String>,
}

/// A workbook's sheet as a raw table, and for capmatrix's own workbook its Ratings sheet too.
#[derive(Debug)]
pub struct SplitWorkbook {
    /// The sheet read.
    pub table: RawTable,
    /// How it was read.
    pub read: SheetRead,
    /// The Ratings sheet of a workbook capmatrix exported, when its Matrix sheet is read by
    /// default.
    pub details: Option<RawTable>,
}

/// The sheets of capmatrix's own workbook that are read together by default.
const OWN_MATRIX: &str = "Matrix";
const OWN_DETAILS: &str = "Ratings";

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Whether the bytes are a workbook (a zip package or an OLE compound file) rather than text.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(CFB_MAGIC)
}

fn problems(p: Problem) -> Problems {
    let mut list = Problems::default();
    list.push(p);
    list
}

fn damaged(detail: impl std::fmt::Display) -> Problems {
    problems(Problem::file(format!(
        "the workbook is damaged or cut short and cannot be read ({detail}); open it in your spreadsheet program and save it again"
    )))
}

fn password() -> Problems {
    problems(Problem::file(
        "the workbook is protected with a password; save a copy without the password and import that",
    ))
}

type Book<'a> = Sheets<Cursor<&'a [u8]>>;

/// Opens a workbook, telling damage, encryption and "not a workbook" apart.
fn open(bytes: &[u8]) -> Result<(Book<'_>, &'static str), Problems> {
    use calamine::{Ods, Xls, Xlsx, XlsxError, open_workbook_from_rs};
    let cursor = || Cursor::new(bytes);
    if bytes.starts_with(ZIP_MAGIC) {
        let mut zip = zip::ZipArchive::new(cursor()).map_err(damaged)?;
        // The central directory's sizes (a data descriptor repeats them after each part).
        let mut unpacked = 0u128;
        for i in 0..zip.len() {
            unpacked += u128::from(zip.by_index_raw(i).map_err(damaged)?.size());
        }
        if zip.len() > MAX_PARTS || unpacked > MAX_UNPACKED_BYTES {
            return Err(problems(Problem::file(format!(
                "the workbook unpacks to more than {} MiB, the most capmatrix reads",
                MAX_UNPACKED_BYTES / (1024 * 1024)
            ))));
        }
        let names: Vec<String> = zip
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect();
        if names.iter().any(|n| n == "content.xml") {
            let content = zip.by_name("content.xml").map_err(damaged)?;
            bounded(super::bounds::check_ods(std::io::BufReader::new(content)))?;
            return open_workbook_from_rs::<Ods<_>, _>(cursor())
                .map(|b| (Sheets::Ods(b), "ODS"))
                .map_err(damaged);
        }
        if !names.iter().any(|n| n.starts_with("xl/")) {
            return Err(problems(Problem::file(
                "it is a zip file but not a workbook (XLSX or ODS)",
            )));
        }
        if let Ok(part) = zip.by_name("xl/sharedStrings.xml") {
            let size = part.size();
            bounded(super::bounds::check_shared_strings(
                std::io::BufReader::new(part),
                size,
            ))?;
        }
        return match open_workbook_from_rs::<Xlsx<_>, _>(cursor()) {
            Ok(b) => Ok((Sheets::Xlsx(b), "XLSX")),
            Err(XlsxError::Password) => Err(password()),
            Err(e) => Err(damaged(e)),
        };
    }
    // An OLE compound file: an old .xls, or an encrypted .xlsx (Excel wraps those in one).
    // Checked (structure, encryption, size) before calamine reads it.
    bounded(super::bounds::check_xls(bytes))?;
    match open_workbook_from_rs::<Xls<_>, _>(cursor()) {
        Ok(b) => Ok((Sheets::Xls(b), "XLS")),
        Err(calamine::XlsError::Password) => Err(password()),
        Err(e) => Err(damaged(e)),
    }
}

/// A bounds scan's finding as the problem the person sees.
fn bounded(scan: Result<(), super::bounds::Bound>) -> Result<(), Problems> {
    use super::bounds::Bound;
    match scan {
        Ok(()) => Ok(()),
        Err(Bound::Password) => Err(password()),
        Err(Bound::Damaged(detail)) => Err(damaged(detail)),
        Err(Bound::TooBig) => Err(problems(Problem::file(format!(
            "a sheet spans more than {} cells (rows times columns, counting the empty cells between its first and last), the most capmatrix reads from .xls and .ods files; save it as .xlsx or CSV",
            super::bounds::MAX_GRID_CELLS
        )))),
    }
}

/// A cell as the text a person sees in it.
fn cell_text(value: &Data) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, da, h, mi, s, ms) = d.to_ymd_hms_milli();
            format!("{y:04}-{mo:02}-{da:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
        }
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A column number (0-based) as its letters: 0 -> A, 27 -> AB.
pub fn column_letters(mut col: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A cell reference as the spreadsheet shows it: `Matrix!F4`, the sheet quoted when needed.
pub fn cell_ref(sheet: &str, row: usize, col: usize) -> String {
    format!("{}!{}{row}", sheet_ref(sheet), column_letters(col))
}

/// A sheet name as a reference writes it: quoted when it has spaces or punctuation.
pub fn sheet_ref(sheet: &str) -> String {
    // Excel quotes a name that is not a plain word, starts with a digit, or reads as a cell
    // reference (Q1, AB12).
    let letters = sheet.chars().take_while(char::is_ascii_alphabetic).count();
    let looks_like_cell = (1..=3).contains(&letters)
        && sheet.len() > letters
        && sheet[letters..].chars().all(|c| c.is_ascii_digit());
    let plain = sheet
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && sheet.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain && !looks_like_cell {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    }
}

/// Rows being collected from a sheet: sparse cells placed by row and column, blank rows
/// dropped, with the guards on rows, cells and cell length.
struct Rows<'s> {
    sheet: &'s str,
    rows: Vec<RawRow>,
    current: Option<(usize, csv::StringRecord)>,
    /// The last row's bytes and cells: the next row's record starts that big (rows of a
    /// table are alike), not growing from nothing cell by cell.
    last_size: (usize, usize),
    cells: usize,
    problems: Problems,
}

impl<'s> Rows<'s> {
    fn new(sheet: &'s str) -> Rows<'s> {
        Rows {
            sheet,
            rows: Vec::new(),
            current: None,
            last_size: (0, 0),
            cells: 0,
            problems: Problems::default(),
        }
    }

    /// Adds a cell at a 0-based position; cells arrive row by row. Returns false to stop.
    /// Cells go straight into the row's record (one buffer a row, no string per cell).
    fn add(&mut self, row: usize, col: usize, text: &str) -> bool {
        if text.is_empty() {
            return true;
        }
        if row >= MAX_ROWS {
            self.problems.push(Problem::file(format!(
                "sheet {} has more than {MAX_ROWS} rows, the most capmatrix imports",
                self.sheet
            )));
            return false;
        }
        if text.len() > MAX_FIELD_CHARS {
            let chars = text.chars().count();
            if chars > MAX_FIELD_CHARS {
                self.problems.push(Problem::file(format!(
                    "{}: the cell has {chars} characters; a cell can have at most {MAX_FIELD_CHARS}",
                    cell_ref(self.sheet, row + 1, col)
                )));
                return self.problems.total() < super::MAX_PROBLEMS;
            }
        }
        if self.current.as_ref().is_some_and(|(r, _)| *r != row) {
            self.finish_row();
        }
        let (bytes, fields) = self.last_size;
        let (_, record) = self
            .current
            .get_or_insert_with(|| (row, csv::StringRecord::with_capacity(bytes, fields)));
        if col >= record.len() {
            self.cells += col + 1 - record.len();
            while record.len() < col {
                record.push_field("");
            }
            record.push_field(text);
        } else {
            // A cell before one already read (files written out of order): rebuild the row.
            let mut cells: Vec<String> = record.iter().map(String::from).collect();
            cells[col] = text.to_string();
            *record = csv::StringRecord::from(cells);
        }
        if self.cells > MAX_CELLS {
            self.problems.push(Problem::file(format!(
                "sheet {} has more than {MAX_CELLS} cells, the most capmatrix imports",
                self.sheet
            )));
            return false;
        }
        true
    }

    fn finish_row(&mut self) {
        if let Some((row, cells)) = self.current.take()
            && cells.iter().any(|c| !c.trim().is_empty())
        {
            self.last_size = (cells.as_byte_record().as_slice().len(), cells.len());
            self.rows.push(RawRow {
                line: row + 1,
                cells,
            });
        }
    }

    fn finish(mut self) -> Result<Vec<RawRow>, Problems> {
        self.finish_row();
        if self.problems.is_empty() {
            // Cells may arrive out of row order in hand-made files.
            self.rows.sort_by_key(|r| r.line);
            Ok(self.rows)
        } else {
            Err(self.problems)
        }
    }
}

/// A sheet's rows, or why they cannot be read.
type SheetRows = Result<Vec<RawRow>, Problems>;

/// Every non-blank row of a sheet, with its sheet row number.
fn sheet_rows(book: &mut Book<'_>, name: &str) -> Result<Vec<RawRow>, Problems> {
    let mut rows = Rows::new(name);
    match book {
        // XLSX cell by cell, so a sparse sheet (a stray cell at XFD1048576) costs what it
        // holds, not its bounding box.
        Sheets::Xlsx(x) => {
            let mut reader = x.worksheet_cells_reader(name).map_err(damaged)?;
            while let Some(cell) = reader.next_cell().map_err(damaged)? {
                let (r, c) = cell.get_position();
                let text = match cell.get_value() {
                    calamine::DataRef::SharedString(s) => std::borrow::Cow::Borrowed(*s),
                    calamine::DataRef::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
                    other => std::borrow::Cow::Owned(cell_text(&Data::from(other.clone()))),
                };
                if !rows.add(r as usize, c as usize, &text) {
                    break;
                }
            }
        }
        _ => {
            let range = book.worksheet_range(name).map_err(damaged)?;
            let (top, left) = range.start().unwrap_or((0, 0));
            'rows: for (i, row) in range.rows().enumerate() {
                for (j, value) in row.iter().enumerate() {
                    if value.is_empty() {
                        continue;
                    }
                    if !rows.add(top as usize + i, left as usize + j, &cell_text(value)) {
                        break 'rows;
                    }
                }
            }
        }
    }
    rows.finish()
}

/// Whether rows look like a capmatrix table: a Member cell in the first rows.
fn has_header(rows: &[RawRow]) -> bool {
    rows.iter().take(HEADER_SEARCH_ROWS).any(|r| {
        r.cells.iter().any(|c| {
            c.trim()
                .trim_start_matches('\u{FEFF}')
                .eq_ignore_ascii_case("member")
        })
    })
}

/// [`split_workbook`], with a panic in the workbook reader (calamine indexes out of bounds on
/// some damaged files; found by fuzzing) turned into a "damaged" problem. The panic hook is
/// silenced for the call, so no panic message reaches the person; it is process-wide, so a
/// panic in another thread during the call would go unprinted (it still fails).
pub fn split_workbook_guarded(
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<SplitWorkbook, Problems> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| split_workbook(bytes, sheet));
    std::panic::set_hook(hook);
    result.unwrap_or_else(|_| Err(damaged("the reader stopped on malformed data")))
}

/// The rows of the named sheets (hidden ones too), or `None` when the workbook lacks one of
/// them: for capmatrix's own files (assessment packs). Guarded as [`split_workbook_guarded`].
pub fn named_sheets(bytes: &[u8], names: &[&str]) -> Result<Option<Vec<Vec<RawRow>>>, Problems> {
    let read = || -> Result<Option<Vec<Vec<RawRow>>>, Problems> {
        let (mut book, _) = open(bytes)?;
        let present: Vec<String> = book.sheet_names();
        if !names.iter().all(|n| present.iter().any(|p| p == n)) {
            return Ok(None);
        }
        names
            .iter()
            .map(|n| sheet_rows(&mut book, n))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    };
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(read);
    std::panic::set_hook(hook);
    result.unwrap_or_else(|_| Err(damaged("the reader stopped on malformed data")))
}

/// Reads a workbook's sheet into a raw table: `sheet` names it, or the first worksheet with a
/// Member column in its first rows is taken. When that is the Matrix sheet of a workbook
/// capmatrix wrote (a Matrix sheet and a Ratings sheet with a Member column), the Ratings
/// sheet comes too, for the notes, interest and dates the Matrix does not hold.
pub fn split_workbook(bytes: &[u8], sheet: Option<&str>) -> Result<SplitWorkbook, Problems> {
    let (mut book, kind) = open(bytes)?;
    let meta = book.sheets_metadata().to_vec();
    let names: Vec<String> = meta.iter().map(|s| s.name.clone()).collect();
    let listed = names.join(", ");
    let table = |name: &str, rows: Vec<RawRow>| {
        let mut rows = rows.into_iter();
        let header = rows.next()?;
        Some(RawTable {
            delimiter: b',',
            header,
            rows: rows.collect(),
            sheet: Some(name.to_string()),
        })
    };
    let read = |name: &str| SheetRead {
        kind,
        name: name.to_string(),
        sheets: names.clone(),
        details: None,
    };
    let only = |table: RawTable, read: SheetRead| SplitWorkbook {
        table,
        read,
        details: None,
    };
    if let Some(wanted) = sheet {
        let found = meta
            .iter()
            .find(|s| s.name == wanted)
            .or_else(|| meta.iter().find(|s| s.name.eq_ignore_ascii_case(wanted)));
        let Some(found) = found else {
            return Err(problems(Problem::file(format!(
                "the workbook has no sheet named \"{wanted}\"; its sheets are: {listed}"
            ))));
        };
        if found.typ != SheetType::WorkSheet {
            return Err(problems(Problem::file(format!(
                "sheet \"{}\" is a chart or macro sheet, not a table; the sheets are: {listed}",
                found.name
            ))));
        }
        let rows = sheet_rows(&mut book, &found.name)?;
        return match table(&found.name, rows) {
            Some(t) => Ok(only(t, read(&found.name))),
            None => Err(problems(Problem::file(format!(
                "sheet \"{}\" is empty",
                found.name
            )))),
        };
    }
    let mut first_rows = None;
    let shown = || {
        meta.iter().filter(|s| {
            s.typ == SheetType::WorkSheet && s.visible == calamine::SheetVisible::Visible
        })
    };
    let has_details = meta
        .iter()
        .any(|d| d.name == OWN_DETAILS && d.typ == SheetType::WorkSheet);
    // capmatrix's own workbook: its Ratings sheet (ten times the Matrix's cells) is read on a
    // second core, from a second reader of the same bytes, while this one reads the Matrix.
    let mut prefetched: Option<(Vec<RawRow>, SheetRows)> = None;
    if has_details && shown().next().is_some_and(|s| s.name == OWN_MATRIX) {
        let (matrix, details) = std::thread::scope(|scope| {
            let details = scope.spawn(|| {
                let (mut second, _) = open(bytes)?;
                sheet_rows(&mut second, OWN_DETAILS)
            });
            let matrix = sheet_rows(&mut book, OWN_MATRIX);
            let details = details
                .join()
                .unwrap_or_else(|_| Err(damaged("the reader stopped on malformed data")));
            (matrix, details)
        });
        prefetched = Some((matrix?, details));
    }
    for s in shown() {
        let rows = match prefetched.as_mut() {
            Some((matrix, _)) if s.name == OWN_MATRIX => std::mem::take(matrix),
            _ => sheet_rows(&mut book, &s.name)?,
        };
        if has_header(&rows) {
            if let Some(t) = table(&s.name, rows) {
                let own_details = meta
                    .iter()
                    .any(|d| d.name == OWN_DETAILS && d.typ == SheetType::WorkSheet)
                    && s.name == OWN_MATRIX;
                if own_details {
                    let rows = match prefetched.take() {
                        Some((_, details)) => details?,
                        None => sheet_rows(&mut book, OWN_DETAILS)?,
                    };
                    if has_header(&rows)
                        && let Some(details) = table(OWN_DETAILS, rows)
                    {
                        let mut read = read(&s.name);
                        read.details = Some(OWN_DETAILS.to_string());
                        return Ok(SplitWorkbook {
                            table: t,
                            read,
                            details: Some(details),
                        });
                    }
                }
                return Ok(only(t, read(&s.name)));
            }
        } else if first_rows.is_none() && !rows.is_empty() {
            first_rows = Some(s.name.clone());
        }
    }
    Err(problems(Problem::file(match first_rows {
        Some(_) => format!(
            "no sheet has a Member column in its first {HEADER_SEARCH_ROWS} rows (sheets: {listed}); a header row such as Member,Team,Role level,Testing names the columns"
        ),
        None if names.is_empty() => "the workbook has no sheets".to_string(),
        None => format!("every sheet is empty or a chart (sheets: {listed})"),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_count_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(5), "F");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16_383), "XFD");
        assert_eq!(cell_ref("Matrix", 4, 5), "Matrix!F4");
        assert_eq!(cell_ref("Team A", 2, 0), "'Team A'!A2");
        assert_eq!(cell_ref("2024", 2, 0), "'2024'!A2");
        assert_eq!(cell_ref("Q1", 2, 0), "'Q1'!A2");
        assert_eq!(cell_ref("Bob's", 2, 0), "'Bob''s'!A2");
        assert_eq!(cell_ref("Ratings2026", 2, 1), "Ratings2026!B2");
        assert_eq!(cell_ref("Équipe", 2, 1), "Équipe!B2");
    }

    #[test]
    fn the_guards_stop_long_cells_too_many_rows_and_too_many_cells() {
        let mut rows = Rows::new("Matrix");
        assert!(rows.add(0, 0, "Member"));
        rows.add(3, 5, &"é".repeat(MAX_FIELD_CHARS + 1));
        let err = rows.finish().unwrap_err();
        assert_eq!(
            err.list[0].to_string(),
            "Matrix!F4: the cell has 32768 characters; a cell can have at most 32767"
        );
        let mut rows = Rows::new("Matrix");
        assert!(rows.add(MAX_ROWS - 1, 0, "last row Excel has"));
        assert!(!rows.add(MAX_ROWS, 0, "x"));
        let err = rows.finish().unwrap_err();
        assert!(
            err.list[0].message.contains("more than 1048576 rows"),
            "{err}"
        );
        // A cell at the last column of every row: the blanks before it count.
        let mut rows = Rows::new("Wide");
        let mut row = 0;
        while rows.add(row, 16_383, "x") {
            row += 1;
        }
        assert_eq!(row, MAX_CELLS / 16_384);
        let err = rows.finish().unwrap_err();
        assert!(
            err.list[0].message.contains("more than 20000000 cells"),
            "{err}"
        );
        // Blank and space-only rows are dropped; rows keep their sheet row numbers.
        let mut rows = Rows::new("Matrix");
        rows.add(4, 1, "Member");
        rows.add(6, 0, "   ");
        rows.add(9, 2, "Ann");
        let kept = rows.finish().unwrap();
        assert_eq!(kept.iter().map(|r| r.line).collect::<Vec<_>>(), [5, 10]);
        assert_eq!(&kept[1].cells[2], "Ann");
        assert_eq!(&kept[1].cells[0], "");
    }

    #[test]
    fn cells_read_as_a_person_sees_them() {
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(3.5)), "3.5");
        assert_eq!(cell_text(&Data::Int(2)), "2");
        assert_eq!(cell_text(&Data::Bool(true)), "yes");
        assert_eq!(cell_text(&Data::Bool(false)), "no");
        assert_eq!(cell_text(&Data::Empty), "");
        assert_eq!(cell_text(&Data::Error(calamine::CellErrorType::NA)), "#N/A");
    }
}
