//! Bytes to text: the size limit, recognising files that are not text (an Excel workbook, a
//! binary), and the encodings spreadsheets write: UTF-8 with or without BOM, UTF-16 with BOM
//! (Excel's "Unicode Text") or without, and Windows-1252 when the bytes are not UTF-8.

use super::Problem;
use std::fmt;

/// The largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// UTF-16 little-endian (Excel's "Unicode Text").
    Utf16Le,
    /// UTF-16 big-endian.
    Utf16Be,
    /// Windows-1252 (Excel's "CSV" on Windows in western locales).
    Windows1252,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16 LE",
            Encoding::Utf16Be => "UTF-16 BE",
            Encoding::Windows1252 => "Windows-1252",
        })
    }
}

/// Decodes a file's bytes to text, or says why it cannot be read as text.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), Problem> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Problem::file(format!(
            "the file is {:.1} MiB; the largest file capmatrix imports is 64 MiB",
            bytes.len() as f64 / 1048576.0
        )));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(Problem::file(
            "this is a workbook (.xlsx or .ods), not CSV: save it as CSV (File > Save As > CSV UTF-8) and import that",
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Problem::file(
            "this is an old Excel workbook (.xls), not CSV: save it as CSV (File > Save As > CSV UTF-8) and import that",
        ));
    }
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        (utf8(rest)?, Encoding::Utf8Bom)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (utf16(rest, Encoding::Utf16Le)?, Encoding::Utf16Le)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (utf16(rest, Encoding::Utf16Be)?, Encoding::Utf16Be)
    } else if let Some(enc) = utf16_without_bom(bytes) {
        (utf16(bytes, enc)?, enc)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_string(), Encoding::Utf8)
    } else {
        if let Some(problem) = broken_utf8(bytes) {
            return Err(problem);
        }
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        (text.into_owned(), Encoding::Windows1252)
    };
    if !looks_like_text(&text) {
        return Err(Problem::file(
            "the file is not text (it holds binary data): export the matrix from your spreadsheet as CSV",
        ));
    }
    Ok((text, encoding))
}

/// A file that is not valid UTF-8 but holds at least one valid multi-byte UTF-8 sequence is
/// UTF-8 with a few damaged bytes, not Windows-1252: reading it as Windows-1252 would turn
/// every "é" into "Ã©" (and a replace import would then remove the real person). Names the
/// line and byte of the first invalid sequence.
fn broken_utf8(bytes: &[u8]) -> Option<Problem> {
    let mut has_multibyte = false;
    let mut first_bad = None;
    let mut offset = 0;
    for chunk in bytes.utf8_chunks() {
        has_multibyte |= !chunk.valid().is_ascii();
        offset += chunk.valid().len();
        if !chunk.invalid().is_empty() && first_bad.is_none() {
            first_bad = Some(offset);
        }
        offset += chunk.invalid().len();
    }
    let bad = first_bad?;
    if !has_multibyte {
        return None;
    }
    let before = &bytes[..bad];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Some(Problem::line(
        line,
        format!(
            "byte {} of the line (0x{:02X}) is not UTF-8, yet the rest of the file is UTF-8: the file is damaged or mixes encodings; save it again as CSV UTF-8",
            bad - line_start + 1,
            bytes[bad]
        ),
    ))
}

fn utf8(bytes: &[u8]) -> Result<String, Problem> {
    std::str::from_utf8(bytes).map(str::to_string).map_err(|e| {
        Problem::file(format!(
            "the file starts with a UTF-8 byte order mark but byte {} is not UTF-8",
            e.valid_up_to() + 3
        ))
    })
}

fn utf16(bytes: &[u8], enc: Encoding) -> Result<String, Problem> {
    let codec = if enc == Encoding::Utf16Be {
        encoding_rs::UTF_16BE
    } else {
        encoding_rs::UTF_16LE
    };
    codec
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
        .ok_or_else(|| Problem::file(format!("the file looks like {enc} but is not valid {enc}")))
}

/// UTF-16 written without a byte order mark: most of one byte in each pair is zero.
fn utf16_without_bom(bytes: &[u8]) -> Option<Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let pairs = bytes.len() / 2;
    let zeros_at = |offset: usize| {
        bytes
            .iter()
            .skip(offset)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    if odd * 10 >= pairs * 9 && even == 0 {
        Some(Encoding::Utf16Le)
    } else if even * 10 >= pairs * 9 && odd == 0 {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Text has no NULs and few control characters other than tab, CR and LF.
fn looks_like_text(text: &str) -> bool {
    let mut controls = 0usize;
    let mut total = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return false;
        }
        if c.is_control() && !matches!(c, '\t' | '\r' | '\n') {
            controls += 1;
        }
    }
    controls * 100 <= total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_a_few_bad_bytes_is_refused_not_read_as_windows_1252() {
        // "José" in UTF-8, then a lone 0xE9 (Windows-1252 é) on line 3.
        let mixed = b"Member,Team\nJos\xC3\xA9,A\nRen\xE9,A\n";
        let p = decode(mixed).unwrap_err();
        assert_eq!(p.line, Some(3));
        assert!(
            p.message
                .starts_with("byte 4 of the line (0xE9) is not UTF-8"),
            "{p}"
        );
        // No valid multi-byte sequence at all: Windows-1252.
        let (text, enc) = decode(b"Member,Team\nRen\xE9,A\n").unwrap();
        assert_eq!(enc, Encoding::Windows1252);
        assert!(text.contains("René"));
    }

    #[test]
    fn encodings_are_recognised() {
        assert_eq!(
            decode(b"Member\r\nAnn").unwrap(),
            ("Member\r\nAnn".into(), Encoding::Utf8)
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBFMember").unwrap(),
            ("Member".into(), Encoding::Utf8Bom)
        );
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Siobhán".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&le).unwrap(), ("Siobhán".into(), Encoding::Utf16Le));
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Zoë".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&be).unwrap(), ("Zoë".into(), Encoding::Utf16Be));
        let no_bom: Vec<u8> = "Member,Team"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&no_bom).unwrap().1, Encoding::Utf16Le);
        assert_eq!(
            decode(b"Siobh\xE1n \x93quoted\x94").unwrap(),
            (
                "Siobhán \u{201C}quoted\u{201D}".into(),
                Encoding::Windows1252
            )
        );
    }

    #[test]
    fn binary_and_workbooks_are_refused() {
        assert!(
            decode(b"PK\x03\x04rest")
                .unwrap_err()
                .message
                .contains(".xlsx")
        );
        assert!(
            decode(&[0xD0, 0xCF, 0x11, 0xE0, 1, 2])
                .unwrap_err()
                .message
                .contains(".xls")
        );
        assert!(
            decode(b"abc\0def")
                .unwrap_err()
                .message
                .contains("not text")
        );
        assert!(
            decode(&[0x01; 50])
                .unwrap_err()
                .message
                .contains("not text")
        );
        assert!(
            decode(b"\xEF\xBB\xBFok\xFF")
                .unwrap_err()
                .message
                .contains("not UTF-8")
        );
    }
}
