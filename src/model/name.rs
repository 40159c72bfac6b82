//! Names of people and teams: how they are cleaned before they are stored, and how they are
//! compared. A name is stored in Unicode NFC, trimmed, with every run of white space made one
//! space; invisible format characters (zero-width spaces, byte order marks, bidirectional
//! controls) and control characters are refused, because they make two names that look the
//! same differ. Comparison ignores case; search also ignores accents.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The longest name a team or member may have, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    /// Nothing left after trimming.
    #[error("a {kind} name cannot be empty")]
    Empty {
        /// "team" or "member".
        kind: &'static str,
    },
    /// Over [`MAX_NAME_CHARS`].
    #[error("a {kind} name can have at most {MAX_NAME_CHARS} characters")]
    TooLong {
        /// "team" or "member".
        kind: &'static str,
    },
    /// An invisible or control character.
    #[error("a {kind} name cannot hold the invisible character U+{code:04X} ({what})")]
    Invisible {
        /// "team" or "member".
        kind: &'static str,
        /// The code point.
        code: u32,
        /// Its common name.
        what: &'static str,
    },
}

/// What an invisible character is, if `c` is one a name may not hold.
fn invisible(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{200B}' => "zero-width space",
        '\u{2060}' => "word joiner",
        '\u{FEFF}' => "byte order mark",
        '\u{00AD}' => "soft hyphen",
        '\u{200E}' | '\u{200F}' | '\u{061C}' => "bidirectional mark",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => "bidirectional control",
        '\u{2061}'..='\u{2064}' => "invisible operator",
        '\u{FFF9}'..='\u{FFFB}' => "interlinear annotation",
        c if c.is_control() && !c.is_whitespace() => "control character",
        _ => return None,
    })
}

/// NFC, trimmed, white-space runs as one space (no checks).
pub fn normalize_name(text: &str) -> String {
    // ASCII is already NFC: skip the normaliser (100,000 names load in a third of the time).
    if text.is_ascii() {
        collapse_spaces(text.len(), text.chars(), |c| c)
    } else {
        collapse_spaces(text.len(), text.nfc(), |c| c)
    }
}

/// The characters trimmed, each white-space run as one space, the others through `each`.
fn collapse_spaces(
    len: usize,
    chars: impl Iterator<Item = char>,
    each: impl Fn(char) -> char,
) -> String {
    let mut out = String::with_capacity(len);
    let mut space = false;
    for c in chars {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(each(c));
        }
    }
    out
}

/// A stored name made valid, for names written before names were checked (the upgrade to
/// schema 3): invisible characters dropped, then normalised; never empty.
pub fn repair_name(text: &str) -> String {
    let visible: String = text.chars().filter(|&c| invisible(c).is_none()).collect();
    let name: String = normalize_name(&visible)
        .chars()
        .take(MAX_NAME_CHARS)
        .collect();
    if name.is_empty() {
        "(no name)".to_string()
    } else {
        name
    }
}

/// The name as it is stored, or why it cannot be one.
///
/// ```
/// use capmatrix::model::clean_name;
/// assert_eq!(clean_name("member", "  Jose\u{301}   Garci\u{301}a ").unwrap(), "José García");
/// assert!(clean_name("member", "Ann\u{200B}").is_err());
/// ```
pub fn clean_name(kind: &'static str, text: &str) -> Result<String, NameProblem> {
    if let Some((c, what)) = text.chars().find_map(|c| invisible(c).map(|w| (c, w))) {
        return Err(NameProblem::Invisible {
            kind,
            code: c as u32,
            what,
        });
    }
    let name = normalize_name(text);
    if name.is_empty() {
        return Err(NameProblem::Empty { kind });
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(NameProblem::TooLong { kind });
    }
    Ok(name)
}

/// The key two names are compared by: normalised, ignoring case.
pub fn name_key(name: &str) -> String {
    if name.is_ascii() {
        // In one pass (a 100,000-member file opens keying every name).
        collapse_spaces(name.len(), name.chars(), |c| c.to_ascii_lowercase())
    } else {
        normalize_name(name).to_lowercase()
    }
}

/// The key names are listed by: ignoring case, with runs of digits compared as numbers, so
/// "Team 2" comes before "Team 10" (as a file manager lists them). Ties fall to the name
/// itself, so the order is total and stable.
///
/// ```
/// use capmatrix::model::natural_key;
/// let mut teams = vec!["Team 10", "team 2", "Team 1", "Alpha"];
/// teams.sort_by_key(|t| natural_key(t));
/// assert_eq!(teams, ["Alpha", "Team 1", "team 2", "Team 10"]);
/// ```
pub fn natural_key(name: &str) -> NaturalKey {
    let mut parts = Vec::new();
    let mut chars = name.chars().peekable();
    while let Some(&c) = chars.peek() {
        let digits = c.is_ascii_digit();
        let mut run = String::new();
        while let Some(&c) = chars.peek().filter(|c| c.is_ascii_digit() == digits) {
            run.push(c);
            chars.next();
        }
        parts.push(if digits {
            let trimmed = run.trim_start_matches('0');
            NaturalPart::Number(trimmed.len(), trimmed.to_string())
        } else {
            NaturalPart::Text(run.to_lowercase())
        });
    }
    NaturalKey(parts, name.to_string())
}

/// What [`natural_key`] returns: compare two of them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NaturalKey(Vec<NaturalPart>, String);

/// A run of a name: a number (by its length without leading zeros, then its digits) sorts
/// before text at the same place, as digits come before letters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum NaturalPart {
    Number(usize, String),
    Text(String),
}

/// A count with its noun: "1 member", "3 members".
///
/// ```
/// use capmatrix::model::plural;
/// assert_eq!(plural(1, "skill", "skills"), "1 skill");
/// assert_eq!(plural(0, "skill", "skills"), "0 skills");
/// ```
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Names in quotes, joined by commas: `"dbt", "Kafka"`.
///
/// ```
/// assert_eq!(capmatrix::model::quoted(&["dbt", "Kafka"]), "\"dbt\", \"Kafka\"");
/// ```
pub fn quoted<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| format!("\"{}\"", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The key search compares by: also ignoring accents ("siobhan" finds "Siobhán").
pub fn search_key(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_ascii_name_key_is_the_general_one() {
        for name in [
            "  Ann   Lee ",
            "ANN\tLEE",
            "a\u{0B}b\u{0C}c\r\nd",
            "O'Brien-Smith",
            "",
            "   ",
            "x\u{1F}y",
        ] {
            assert_eq!(
                name_key(name),
                normalize_name(name).to_lowercase(),
                "{name:?}"
            );
        }
    }

    use super::*;

    #[test]
    fn composed_and_decomposed_names_are_one_name() {
        let composed = clean_name("member", "José").unwrap();
        let decomposed = clean_name("member", "Jose\u{301}").unwrap();
        assert_eq!(composed, decomposed);
        assert_eq!(name_key("JOSE\u{301}"), name_key("josé"));
        assert_ne!(name_key("Jose"), name_key("José"));
    }

    #[test]
    fn spaces_are_trimmed_and_collapsed() {
        assert_eq!(
            clean_name("team", " Data \t  Platform\n").unwrap(),
            "Data Platform"
        );
        assert_eq!(name_key("Data  platform"), name_key("data platform"));
    }

    #[test]
    fn invisible_characters_are_refused_by_name() {
        for (text, what) in [
            ("Ann\u{200B}", "zero-width space"),
            ("\u{FEFF}Ann", "byte order mark"),
            ("Ann\u{202E}", "bidirectional control"),
            ("A\u{0007}nn", "control character"),
        ] {
            let err = clean_name("member", text).unwrap_err().to_string();
            assert!(err.contains(what), "{text:?}: {err}");
        }
        assert!(matches!(
            clean_name("team", "   "),
            Err(NameProblem::Empty { kind: "team" })
        ));
        assert!(clean_name("team", &"x".repeat(MAX_NAME_CHARS + 1)).is_err());
        assert!(clean_name("team", &"é".repeat(MAX_NAME_CHARS)).is_ok());
    }

    #[test]
    fn repair_makes_any_stored_name_valid() {
        assert_eq!(
            repair_name("  Jose\u{301}\u{200B}  Garci\u{301}a "),
            "José García"
        );
        assert_eq!(repair_name("\u{FEFF}"), "(no name)");
        assert!(clean_name("member", &repair_name("A\u{202E}b\tc")).is_ok());
    }

    #[test]
    fn search_ignores_case_and_accents() {
        assert_eq!(search_key("Siobhán"), search_key("siobhan"));
        assert!(search_key("Zoë O'Brien").contains(&search_key("zoe")));
    }
}
