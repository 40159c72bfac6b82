//! Text to raw records: the `sep=` line, the delimiter (comma, semicolon or tab, detected),
//! line endings (LF, CRLF, CR), quoted fields, and the guards the csv crate does not give:
//! a quote left open at the end of the file, the row limit and the field-length limit. Blank
//! rows are dropped; every record keeps the line it starts on.

use super::{Problem, Problems};

/// The most rows a file may have (Excel's sheet limit).
pub const MAX_ROWS: usize = 1_048_576;
/// The longest field, in characters (Excel's cell limit).
pub const MAX_FIELD_CHARS: usize = 32_767;

/// One record with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// 1-based line in the file.
    pub line: usize,
    /// The cells, as written (not trimmed), without trailing empty cells. A `StringRecord`
    /// keeps them in one buffer, so memory stays close to the file's size.
    pub cells: csv::StringRecord,
}

/// A file split into a header and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTable {
    /// The delimiter found.
    pub delimiter: u8,
    /// The header row (the first non-blank record).
    pub header: RawRow,
    /// The data rows, without blank ones.
    pub rows: Vec<RawRow>,
    /// The sheet the rows come from, for a workbook (`None`: a text file, whose cells carry
    /// the formula guard and whose places are lines).
    pub sheet: Option<String>,
}

/// A readable name for a delimiter.
pub fn delimiter_name(d: u8) -> &'static str {
    match d {
        b';' => "semicolon",
        b'\t' => "tab",
        _ => "comma",
    }
}

/// Excel's "sep=;" first line: the delimiter it names and the text after it, or the text as
/// it was.
fn sep_line(text: &str) -> Result<(Option<u8>, &str), Problem> {
    let first_end = text.find(['\r', '\n']).unwrap_or(text.len());
    let first = text[..first_end].trim();
    let Some(sep) = first
        .strip_prefix("sep=")
        .or_else(|| first.strip_prefix("SEP="))
    else {
        return Ok((None, text));
    };
    let delimiter = match sep {
        "," => b',',
        ";" => b';',
        "\t" | "" => b'\t',
        other => {
            return Err(Problem::line(
                1,
                format!(
                    "\"sep={other}\" names a delimiter capmatrix does not read (use , ; or tab)"
                ),
            ));
        }
    };
    let rest = &text[first_end..];
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
        .or_else(|| rest.strip_prefix('\r'))
        .unwrap_or(rest);
    Ok((Some(delimiter), rest))
}

/// The quoting mistake, if any, as a problem on its line (and column, when the header names
/// it).
fn quote_problem(text: &str, delimiter: u8, line_offset: usize) -> Option<Problem> {
    Some(match quote_fault(text, delimiter)? {
        QuoteFault::Unclosed { line } => Problem::line(
            line + line_offset,
            "a quote opened here is never closed: the rest of the file would be one cell (check for a stray \" in this row)",
        ),
        QuoteFault::Stray { line, field } => {
            let message = "a quoted cell goes on after its closing quote (as in \"B\"junk): put the whole cell in quotes and double any quote inside it (\"B\"\"junk\")";
            let column = (line > 1)
                .then(|| header_cell(text, delimiter, field))
                .flatten();
            match column {
                Some(name) => Problem::cell(line + line_offset, &name, message),
                None => Problem::line(
                    line + line_offset,
                    format!("column {}: {message}", field + 1),
                ),
            }
        }
    })
}

/// Splits text into records. Problems stop the import: they are returned, all of them.
pub fn split(text: &str) -> Result<RawTable, Problems> {
    let mut problems = Problems::default();
    // A file with CR line endings only (old Mac Excel): make them LF so lines count right.
    // Fields cannot hold LF in such a file, so nothing is lost.
    let converted;
    let mut text = text;
    if !text.contains('\n') && text.contains('\r') {
        converted = text.replace('\r', "\n");
        text = &converted;
    }
    let (delimiter, text) = match sep_line(text) {
        Ok(found) => found,
        Err(p) => {
            problems.push(p);
            return Err(problems);
        }
    };
    let line_offset = usize::from(delimiter.is_some());
    let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(text));
    if let Some(p) = quote_problem(text, delimiter, line_offset) {
        problems.push(p);
        return Err(problems);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut header: Option<RawRow> = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut count = 0usize;
    let mut lines = LineCounter::new(text.as_bytes());
    loop {
        let more = match reader.read_record(&mut record) {
            Ok(more) => more,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize) + line_offset;
                problems.push(Problem::line(line, format!("cannot read this row: {e}")));
                return Err(problems);
            }
        };
        if !more {
            break;
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        count += 1;
        let line = record
            .position()
            .map_or(0, |p| lines.line_of(p.byte() as usize))
            + line_offset;
        if count > MAX_ROWS {
            problems.push(Problem::line(
                line,
                format!("the file has more than {MAX_ROWS} rows, the most capmatrix imports"),
            ));
            return Err(problems);
        }
        let cells = trimmed_cells(&record, line, header.as_ref(), &mut problems);
        let row = RawRow { line, cells };
        if header.is_none() {
            header = Some(row);
        } else {
            rows.push(row);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let Some(header) = header else {
        problems.push(Problem::file(
            "the file is empty: expected a header row such as Member,Team,Role level,Testing",
        ));
        return Err(problems);
    };
    Ok(RawTable {
        delimiter,
        header,
        rows,
        sheet: None,
    })
}

/// Line numbers of records: the csv crate's own skip blank lines, so line breaks are counted
/// up to each record's first byte instead (LF, CRLF and a lone CR each end a line).
struct LineCounter<'t> {
    bytes: &'t [u8],
    counted_to: usize,
    line_at: usize,
}

impl<'t> LineCounter<'t> {
    fn new(bytes: &'t [u8]) -> Self {
        LineCounter {
            bytes,
            counted_to: 0,
            line_at: 1,
        }
    }

    /// The 1-based line of the record starting at `offset`.
    fn line_of(&mut self, offset: usize) -> usize {
        let bytes = self.bytes;
        // The reported position can sit before the line breaks that end the previous record.
        let mut offset = offset.min(bytes.len());
        while offset < bytes.len() && matches!(bytes[offset], b'\r' | b'\n') {
            offset += 1;
        }
        for i in self.counted_to..offset {
            let lone_cr = bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
            if bytes[i] == b'\n' || lone_cr {
                self.line_at += 1;
            }
        }
        self.counted_to = self.counted_to.max(offset);
        self.line_at
    }
}

/// A record without its trailing empty cells, each cell checked against the length limit.
fn trimmed_cells(
    record: &csv::StringRecord,
    line: usize,
    header: Option<&RawRow>,
    problems: &mut Problems,
) -> csv::StringRecord {
    let mut cells = record.clone();
    let used = (0..cells.len())
        .rev()
        .find(|&i| cells.get(i).is_some_and(|c| !c.is_empty()))
        .map_or(0, |i| i + 1);
    cells.truncate(used);
    for (i, cell) in cells.iter().enumerate() {
        // A cell's characters are at most its bytes: most cells need no count.
        let chars = if cell.len() > MAX_FIELD_CHARS {
            cell.chars().count()
        } else {
            cell.len()
        };
        if chars > MAX_FIELD_CHARS {
            let column = header
                .and_then(|h| h.cells.get(i))
                .map_or_else(|| format!("{}", i + 1), |c| c.trim().to_string());
            problems.push(Problem::cell(
                line,
                &column,
                format!(
                    "the cell has {chars} characters; a cell can have at most {MAX_FIELD_CHARS}"
                ),
            ));
        }
    }
    cells
}

/// The delimiter that occurs most, outside quotes, on the first non-blank line: comma on a tie.
fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut in_quotes = false;
    let mut seen_content = false;
    for c in text.bytes() {
        match c {
            b'"' => in_quotes = !in_quotes,
            b'\r' | b'\n' if !in_quotes && seen_content => break,
            b'\r' | b'\n' if !in_quotes => {}
            _ if !in_quotes => {
                if let Some(entry) = counts.iter_mut().find(|(d, _)| *d == c) {
                    entry.1 += 1;
                }
                seen_content = true;
            }
            _ => {}
        }
    }
    counts
        .iter()
        .fold(
            (b',', 0),
            |best, &(d, n)| if n > best.1 { (d, n) } else { best },
        )
        .0
}

/// A quoting mistake the csv crate would pass over silently.
#[derive(Debug, PartialEq, Eq)]
enum QuoteFault {
    /// A quoted field opens on this line and never closes.
    Unclosed { line: usize },
    /// A quoted field closes and more text follows before the delimiter (`"B"junk`), which
    /// the csv crate would silently glue on. `field` is 0-based.
    Stray { line: usize, field: usize },
}

/// Scans for quoting mistakes, following the csv crate's rules: a quote is special only at
/// the start of a field, and "" inside quotes is a literal quote.
fn quote_fault(text: &str, delimiter: u8) -> Option<QuoteFault> {
    #[derive(PartialEq)]
    enum S {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
        /// Spaces after a closing quote, before the delimiter: hand-edited files have them,
        /// and the cell is still clear.
        SpaceAfterQuote,
    }
    let delimiter = char::from(delimiter);
    let mut state = S::FieldStart;
    let (mut line, mut opened_on, mut field) = (1, 1, 0);
    let mut prev_cr = false;
    for c in text.chars() {
        let newline = c == '\r' || (c == '\n' && !prev_cr);
        prev_cr = c == '\r';
        let ends_record = c == '\r' || c == '\n';
        state = match (state, c) {
            (S::FieldStart, '"') => {
                opened_on = line;
                S::Quoted
            }
            (S::Quoted, '"') => S::QuoteInQuoted,
            (S::Quoted, _) => S::Quoted,
            (S::QuoteInQuoted, '"') => S::Quoted,
            (S::QuoteInQuoted | S::SpaceAfterQuote, ' ') => S::SpaceAfterQuote,
            (S::QuoteInQuoted | S::SpaceAfterQuote, c) if c != delimiter && !ends_record => {
                return Some(QuoteFault::Stray { line, field });
            }
            _ if c == delimiter => {
                field += 1;
                S::FieldStart
            }
            _ if ends_record => {
                field = 0;
                S::FieldStart
            }
            _ => S::Unquoted,
        };
        if newline {
            line += 1;
        }
    }
    (state == S::Quoted).then_some(QuoteFault::Unclosed { line: opened_on })
}

/// The header's name for a field, reading only the first record.
fn header_cell(text: &str, delimiter: u8, field: usize) -> Option<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let record = reader.records().next()?.ok()?;
    let name = record
        .get(field)?
        .trim()
        .trim_start_matches('\u{FEFF}')
        .trim();
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(t: &RawTable) -> Vec<Vec<&str>> {
        t.rows.iter().map(|r| r.cells.iter().collect()).collect()
    }

    #[test]
    fn delimiters_are_detected_and_sep_is_honoured() {
        assert_eq!(split("Member;Team\nAnn;A").unwrap().delimiter, b';');
        assert_eq!(split("Member\tTeam\nAnn\tA").unwrap().delimiter, b'\t');
        assert_eq!(split("Member,Team\nAnn,A").unwrap().delimiter, b',');
        // Commas inside quotes do not count.
        assert_eq!(split("\"a,b,c\";Team\nx;y").unwrap().delimiter, b';');
        let t = split("sep=;\r\nMember;Team\r\nAnn, Jr;A\r\n").unwrap();
        assert_eq!(t.delimiter, b';');
        assert_eq!(t.header.line, 2);
        assert_eq!(cells(&t), vec![vec!["Ann, Jr", "A"]]);
        assert_eq!(t.rows[0].line, 3);
    }

    #[test]
    fn line_endings_quotes_and_blank_rows() {
        for text in [
            "M,T\nA,B\n\nC,D\n",
            "M,T\r\nA,B\r\n\r\nC,D\r\n",
            "M,T\rA,B\r\rC,D\r",
        ] {
            let t = split(text).unwrap();
            assert_eq!(cells(&t), vec![vec!["A", "B"], vec!["C", "D"]], "{text:?}");
            assert_eq!(t.rows[1].line, 4, "{text:?}");
        }
        let t = split("M,N\n\"Lee, Ann\",\"said \"\"hi\"\"\nthen left\"\n,,\nB,x\n").unwrap();
        assert_eq!(
            cells(&t),
            vec![vec!["Lee, Ann", "said \"hi\"\nthen left"], vec!["B", "x"]]
        );
        assert_eq!(t.rows[1].line, 5);
    }

    #[test]
    fn an_open_quote_at_the_end_is_an_error_on_its_line() {
        let err = split("M,N\nA,ok\nB,\"never closed\nC,x\n").unwrap_err();
        assert_eq!(err.list[0].line, Some(3));
        assert!(err.list[0].message.contains("never closed"));
        // A quote in the middle of an unquoted field is an ordinary character.
        assert!(split("M,N\nA,5\" disk\n").is_ok());
    }

    #[test]
    fn a_stray_quote_after_a_quoted_cell_is_an_error_naming_line_and_column() {
        let err = split("Member,Team,Note\nAnn,A,ok\nBob,\"B\"junk,x\n").unwrap_err();
        assert_eq!(err.list[0].line, Some(3));
        assert_eq!(err.list[0].column.as_deref(), Some("Team"));
        assert!(err.list[0].message.contains("after its closing quote"));
        // With a semicolon delimiter a comma after the quote is just as stray.
        let err = split("Member;Team\n\"Ann\",x;A\n").unwrap_err();
        assert_eq!(err.list[0].column.as_deref(), Some("Member"));
        // In the header itself the column is given by number.
        let err = split("Member,\"Team\"s\nAnn,A\n").unwrap_err();
        assert!(
            err.list[0].message.starts_with("column 2:"),
            "{}",
            err.list[0]
        );
        // Spaces after the closing quote are not stray.
        assert!(split("M,N\n\"Ann\" ,x\n").is_ok());
        assert!(split("M,N\n\"Ann\"  junk,x\n").is_err());
        // Doubled quotes, quotes closing before a delimiter or line end are fine.
        let t = split("M,N\n\"say \"\"hi\"\"\",\"x\"\r\n\"a\nb\",c\n").unwrap();
        assert_eq!(cells(&t), vec![vec!["say \"hi\"", "x"], vec!["a\nb", "c"]]);
    }

    #[test]
    fn empty_files_and_long_fields() {
        assert!(split("").unwrap_err().list[0].message.contains("empty"));
        assert!(
            split("\n\n,,\n").unwrap_err().list[0]
                .message
                .contains("empty")
        );
        let long = format!("M,Note\nA,{}\n", "x".repeat(MAX_FIELD_CHARS + 1));
        let err = split(&long).unwrap_err();
        assert_eq!(err.list[0].line, Some(2));
        assert_eq!(err.list[0].column.as_deref(), Some("Note"));
        let ok = format!("M,Note\nA,{}\n", "é".repeat(MAX_FIELD_CHARS));
        assert!(split(&ok).is_ok());
    }
}
