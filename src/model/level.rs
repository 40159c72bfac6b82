//! The skill-level scale: None (0) < Awareness (1) < Working (2) < Practitioner (3) < Expert (4).
//! "Not rated" is not a level: it is the absence of one (`Option<Level>`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A skill level on the DDaT scale. `Level::None` means "rated, and has none of this skill",
/// which is different from "not rated" (`Option::<Level>::None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    /// 0: rated as having none of the skill.
    None = 0,
    /// 1: knows about the skill and how it is applied.
    Awareness = 1,
    /// 2: can apply the skill, its tools and techniques.
    Working = 2,
    /// 3: can share the skill with others and define the tools and techniques to use.
    Practitioner = 3,
    /// 4: a recognised specialist and adviser who can lead others in it.
    Expert = 4,
}

impl Level {
    /// All levels, lowest first.
    pub const ALL: [Level; 5] = [
        Level::None,
        Level::Awareness,
        Level::Working,
        Level::Practitioner,
        Level::Expert,
    ];

    /// The four framework levels that have descriptors, lowest first.
    pub const DESCRIBED: [Level; 4] = [
        Level::Awareness,
        Level::Working,
        Level::Practitioner,
        Level::Expert,
    ];

    /// The level's number, 0 to 4.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The level with this number, if it is 0 to 4.
    pub fn from_number(n: i64) -> Option<Level> {
        Level::ALL.into_iter().find(|l| i64::from(l.number()) == n)
    }

    /// The level's name as the framework writes it.
    pub fn name(self) -> &'static str {
        match self {
            Level::None => "None",
            Level::Awareness => "Awareness",
            Level::Working => "Working",
            Level::Practitioner => "Practitioner",
            Level::Expert => "Expert",
        }
    }

    /// One character for compact display: 0, A, W, P, E.
    pub fn letter(self) -> char {
        match self {
            Level::None => '0',
            Level::Awareness => 'A',
            Level::Working => 'W',
            Level::Practitioner => 'P',
            Level::Expert => 'E',
        }
    }

    /// Parses a level name (any case, surrounding spaces ignored) or its number 0 to 4.
    ///
    /// ```
    /// use capmatrix::model::Level;
    /// assert_eq!(Level::parse(" practitioner "), Some(Level::Practitioner));
    /// assert_eq!(Level::parse("4"), Some(Level::Expert));
    /// assert_eq!(Level::parse("Expertt"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Level> {
        let text = text.trim();
        if let Ok(n) = text.parse::<i64>() {
            return Level::from_number(n);
        }
        Level::ALL.into_iter().find(|l| {
            l.name().eq_ignore_ascii_case(text)
                || (text.len() == 1 && text.eq_ignore_ascii_case(&l.letter().to_string()))
        })
    }

    /// Index into a skill's four descriptors (Awareness = 0 .. Expert = 3); `None` for `Level::None`.
    pub fn descriptor_index(self) -> Option<usize> {
        (self.number() as usize).checked_sub(1)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The accepted spellings, for error messages.
pub const LEVEL_CHOICES: &str =
    "None, Awareness, Working, Practitioner, Expert, their letters A W P E, or 0-4";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_is_ordered_and_numbered() {
        assert!(Level::None < Level::Awareness);
        assert!(Level::Awareness < Level::Working);
        assert!(Level::Working < Level::Practitioner);
        assert!(Level::Practitioner < Level::Expert);
        for (n, level) in Level::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(level.number()), n);
            assert_eq!(Level::from_number(n as i64), Some(level));
        }
        assert_eq!(Level::from_number(5), None);
        assert_eq!(Level::from_number(-1), None);
    }

    #[test]
    fn parse_accepts_names_in_any_case_and_numbers() {
        assert_eq!(Level::parse("none"), Some(Level::None));
        assert_eq!(Level::parse("AWARENESS"), Some(Level::Awareness));
        assert_eq!(Level::parse("Working"), Some(Level::Working));
        assert_eq!(Level::parse("0"), Some(Level::None));
        assert_eq!(Level::parse(""), None);
        assert_eq!(Level::parse("5"), None);
        assert_eq!(Level::parse("Work"), None);
    }

    #[test]
    fn not_rated_is_distinct_from_none() {
        // "None" is a level a person is rated at (0, "no knowledge yet"); not rated is the
        // absence of a rating. They parse, number and order differently.
        assert_eq!(Level::parse("None"), Some(Level::None));
        assert_eq!(Level::parse("0"), Some(Level::None));
        assert_eq!(Level::parse(""), None);
        assert_eq!(Level::None.number(), 0);
        assert!(
            Some(Level::None) > None,
            "a None rating ranks above not rated"
        );
        assert_eq!(Level::from_number(0), Some(Level::None));
        assert_eq!(Level::from_number(5), None);
    }
}
