//! How big a workbook's sheets are, found before calamine reads them. calamine builds each
//! XLS and ODS sheet as a dense grid of its bounding box when the workbook is opened, so a small
//! file whose cells sit far apart (or repeat a row a million times) would ask for gigabytes:
//! a fuzzed 8 KB .xls took 24 GB and 42 s. These scans read only the cells' positions and
//! refuse a sheet whose grid would exceed [`MAX_GRID_CELLS`]. (XLSX is read cell by cell; only
//! its shared-strings count, which calamine reserves up front, is checked.)

use std::io::Read;

/// The largest grid (rows times columns of a sheet's bounding box) an .xls or .ods sheet may
/// have: calamine allocates it whole, about 40 bytes a cell (200 MB at this limit). An .xls
/// sheet holds at most 65,536 x 256; a bigger matrix belongs in .xlsx or CSV.
pub const MAX_GRID_CELLS: u64 = 5_000_000;

/// The most shared strings an .xlsx may declare (calamine reserves room for them all).
pub const MAX_SHARED_STRINGS: u64 = 8_000_000;

/// What a scan found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// A sheet's grid is bigger than the limit.
    TooBig,
    /// The workbook is encrypted (an XLS FILEPASS record).
    Password,
    /// The structure cannot be read.
    Damaged(String),
}

/// The extent of the cells seen in one sheet.
#[derive(Default)]
struct Extent {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Extent {
    fn add(&mut self, row: u32, first_col: u32, last_col: u32) {
        let grow = |range: &mut Option<(u32, u32)>, lo: u32, hi: u32| {
            *range = Some(match *range {
                Some((a, b)) => (a.min(lo), b.max(hi)),
                None => (lo, hi),
            });
        };
        grow(&mut self.rows, row, row);
        grow(
            &mut self.cols,
            first_col.min(last_col),
            first_col.max(last_col),
        );
    }

    fn cells(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1),
            _ => 0,
        }
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 2)
        .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Checks an .xlsx file's shared-strings part: the count it declares (which calamine
/// reserves room for) must fit the part's size and the limit.
pub fn check_shared_strings(part: impl std::io::BufRead, part_bytes: u64) -> Result<(), Bound> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(part);
    let mut buf = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| Bound::Damaged(e.to_string()))?
        {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sst" => {
                let declared: u64 = e
                    .try_get_attribute("uniqueCount")
                    .ok()
                    .flatten()
                    .and_then(|a| a.value.trim().parse().ok())
                    .unwrap_or(0);
                // Each string takes at least "<si></si>", 9 bytes.
                if declared > MAX_SHARED_STRINGS || declared > part_bytes / 9 + 1 {
                    return Err(Bound::Damaged(format!(
                        "its shared-strings table declares {declared} strings in {part_bytes} bytes"
                    )));
                }
                return Ok(());
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// Checks an OLE compound file before calamine reads it: its structure (the `cfb` crate
/// refuses a sector chain that loops, on which calamine's own reader would grow without end),
/// encryption (an encrypted .xlsx package, or an .xls FILEPASS record), and the extent of each
/// sheet's cells in the workbook stream (BIFF records).
pub fn check_xls(bytes: &[u8]) -> Result<(), Bound> {
    let mut file = cfb::CompoundFile::open(std::io::Cursor::new(bytes))
        .map_err(|e| Bound::Damaged(e.to_string()))?;
    if file.is_stream("/EncryptedPackage") {
        return Err(Bound::Password);
    }
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or_else(|| Bound::Damaged("it has no workbook stream".into()))?;
    let mut stream = Vec::new();
    file.open_stream(name)
        .and_then(|s| s.take(bytes.len() as u64 * 2).read_to_end(&mut stream))
        .map_err(|e| Bound::Damaged(e.to_string()))?;
    let mut at = 0;
    let mut depth = 0u32;
    let mut extent = Extent::default();
    while let (Some(kind), Some(len)) = (u16_at(&stream, at), u16_at(&stream, at + 2)) {
        let data = stream.get(at + 4..at + 4 + len as usize).unwrap_or(&[]);
        at += 4 + len as usize;
        match kind {
            0x002F if depth <= 1 => return Err(Bound::Password),
            0x0809 => {
                depth += 1;
                if depth == 1 {
                    extent = Extent::default();
                }
            }
            0x000A => {
                if depth == 1 && extent.cells() > MAX_GRID_CELLS {
                    return Err(Bound::TooBig);
                }
                depth = depth.saturating_sub(1);
            }
            // DIMENSIONS: calamine reserves the whole grid it declares.
            0x0200 => {
                // BIFF8: rows as u32, then columns as u16; BIFF5: all u16.
                let (rows_at, cols_at) = match data.len() {
                    10 => ((u16_at(data, 0), u16_at(data, 2)), 4),
                    14 | 16 => ((u32_at(data, 0), u32_at(data, 4)), 8),
                    _ => ((None, None), 0),
                };
                if let ((Some(first_row), Some(last_row)), Some(first_col), Some(last_col)) =
                    (rows_at, u16_at(data, cols_at), u16_at(data, cols_at + 2))
                {
                    let rows = u64::from(last_row.saturating_sub(first_row)) + 1;
                    let cols = u64::from(last_col.saturating_sub(first_col)) + 1;
                    if rows.saturating_mul(cols) > MAX_GRID_CELLS {
                        return Err(Bound::TooBig);
                    }
                }
            }
            // The cell records calamine keeps: row and column first.
            0x0006 | 0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                    extent.add(r, c, c);
                }
            }
            // MULRK: row, first column, ..., last column in the last two bytes.
            0x00BD => {
                if let (Some(r), Some(c), Some(last)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    u16_at(data, data.len().saturating_sub(2)),
                ) {
                    extent.add(r, c, last);
                }
            }
            _ => {}
        }
    }
    if extent.cells() > MAX_GRID_CELLS {
        return Err(Bound::TooBig);
    }
    Ok(())
}

/// Scans an ODS file's content.xml for the extent of each table's cells, counting repeated
/// rows and columns: rows up to the last with content, times the widest row's content.
pub fn check_ods(content: impl std::io::BufRead) -> Result<(), Bound> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(content);
    let mut buf = Vec::new();
    let repeats = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> u64 {
        e.try_get_attribute(name)
            .ok()
            .flatten()
            .and_then(|a| a.value.trim().parse().ok())
            .unwrap_or(1)
    };
    let has_content = |e: &quick_xml::events::BytesStart<'_>| {
        ["office:value-type", "table:formula"]
            .iter()
            .any(|n| e.try_get_attribute(n).ok().flatten().is_some())
    };
    // Per table: rows so far, the last row with content, the widest content.
    let (mut rows, mut last_row, mut width) = (0u64, 0u64, 0u64);
    // Per row: its repeat count, columns so far, the end of its content.
    let (mut row_repeats, mut col, mut row_width) = (1u64, 0u64, 0u64);
    let too_big = |last_row: u64, width: u64| last_row.saturating_mul(width) > MAX_GRID_CELLS;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| Bound::Damaged(e.to_string()))?;
        match event {
            // A self-closing row has no cells, only its repeats.
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                rows = rows.saturating_add(repeats(&e, "table:number-rows-repeated"));
            }
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "table:table" => (rows, last_row, width) = (0, 0, 0),
                "table:table-row" => {
                    row_repeats = repeats(&e, "table:number-rows-repeated");
                    (col, row_width) = (0, 0);
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    col = col.saturating_add(repeats(&e, "table:number-columns-repeated"));
                    if has_content(&e) {
                        row_width = col;
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "table:table-row" => {
                    rows = rows.saturating_add(row_repeats);
                    if row_width > 0 {
                        last_row = rows;
                        width = width.max(row_width);
                        if too_big(last_row, width) {
                            return Err(Bound::TooBig);
                        }
                    }
                }
                "table:table" if too_big(last_row, width) => return Err(Bound::TooBig),
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut r = kind.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0u8; 10]);
        record(0x0203, &d)
    }

    /// A compound file with one workbook stream of these records.
    fn xls(records: &[Vec<u8>]) -> Vec<u8> {
        let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        let mut stream = file.create_stream("/Workbook").unwrap();
        stream.write_all(&records.concat()).unwrap();
        drop(stream);
        file.into_inner().into_inner()
    }

    #[test]
    fn an_xls_sheet_is_measured_from_its_cell_records() {
        let bof = record(0x0809, &[0; 16]);
        let eof = record(0x000A, &[]);
        // A globals substream, then a sheet with two cells far apart.
        let small = xls(&[
            bof.clone(),
            eof.clone(),
            bof.clone(),
            number(0, 0),
            number(3, 5),
            eof.clone(),
        ]);
        assert_eq!(check_xls(&small), Ok(()));
        // 65,536 rows x 65,536 columns: 4 billion cells for calamine's grid.
        let far = xls(&[
            bof.clone(),
            number(0, 0),
            number(65_535, 65_535),
            eof.clone(),
        ]);
        assert_eq!(check_xls(&far), Err(Bound::TooBig));
        // MULRK: its last column is in its last two bytes.
        let mut mulrk = 0u16.to_le_bytes().to_vec();
        mulrk.extend(0u16.to_le_bytes());
        mulrk.extend([0u8; 6]);
        mulrk.extend(60_000u16.to_le_bytes());
        let wide = xls(&[
            bof.clone(),
            number(1_000, 0),
            record(0x00BD, &mulrk),
            eof.clone(),
        ]);
        assert_eq!(check_xls(&wide), Err(Bound::TooBig));
        // DIMENSIONS declaring a grid calamine would reserve whole (BIFF8: u32 rows).
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(0x7FFF_FFFFu32.to_le_bytes());
        dims.extend([0, 0, 10, 0, 0, 0]);
        let declared = xls(&[bof.clone(), record(0x0200, &dims), eof.clone()]);
        assert_eq!(check_xls(&declared), Err(Bound::TooBig));
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(100u32.to_le_bytes());
        dims.extend([0, 0, 14, 0, 0, 0]);
        let sensible = xls(&[bof.clone(), record(0x0200, &dims), eof.clone()]);
        assert_eq!(check_xls(&sensible), Ok(()));
        // Encryption, and not a workbook at all.
        let encrypted = xls(&[bof.clone(), record(0x002F, &[1, 0]), eof]);
        assert_eq!(check_xls(&encrypted), Err(Bound::Password));
        assert!(matches!(
            check_xls(b"not a compound file"),
            Err(Bound::Damaged(_))
        ));
    }

    #[test]
    fn a_shared_strings_count_must_fit_its_part() {
        let part = r#"<?xml version="1.0"?><sst xmlns="x" count="2" uniqueCount="2"><si><t>a</t></si><si><t>b</t></si></sst>"#;
        assert_eq!(
            check_shared_strings(part.as_bytes(), part.len() as u64),
            Ok(())
        );
        let lying = part.replace("uniqueCount=\"2\"", "uniqueCount=\"100000\"");
        assert!(matches!(
            check_shared_strings(lying.as_bytes(), lying.len() as u64),
            Err(Bound::Damaged(_))
        ));
    }

    fn ods(rows: &str) -> Result<(), Bound> {
        let xml = format!(
            r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="A">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        check_ods(xml.as_bytes())
    }

    #[test]
    fn an_ods_table_is_measured_with_its_repeats() {
        let cell =
            r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;
        let row = |repeats: u32, cells: &str| {
            format!(
                r#"<table:table-row table:number-rows-repeated="{repeats}">{cells}</table:table-row>"#
            )
        };
        assert_eq!(ods(&row(10, cell)), Ok(()));
        // LibreOffice pads a sheet with a million empty rows and columns: no content, no cost.
        let padding = format!(
            r#"{}<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row table:number-rows-repeated="5"/>"#,
            row(3, cell)
        );
        assert_eq!(ods(&padding), Ok(()));
        // A row of 100 repeated values, repeated a million times: 100 million cells.
        let repeated = r#"<table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1"/>"#;
        assert_eq!(ods(&row(1_000_000, repeated)), Err(Bound::TooBig));
        // Content far from the first row: the rows between count.
        let far = format!(
            r#"{}<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row>{}"#,
            row(
                1,
                &format!(r#"<table:table-cell table:number-columns-repeated="30"/>{cell}"#)
            ),
            row(1, cell)
        );
        assert_eq!(ods(&far), Err(Bound::TooBig));
        assert!(matches!(
            ods("<table:table-row>"),
            Err(Bound::Damaged(_)) | Ok(())
        ));
    }
}
