//! A problem found in an input file, located by line and column, worded for the person who
//! will fix it in their spreadsheet. Its own module (not inside `io`) so that the error type
//! can hold problems without depending on the formats. Imports nothing of the crate.

use std::fmt;

/// The most problems an error lists before "and N more".
pub const MAX_PROBLEMS: usize = 100;

/// One problem in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line in the file (1-based, as a text editor counts), if the problem has one.
    pub line: Option<usize>,
    /// The column's header name, if the problem is in one column.
    pub column: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
    /// What kind of problem it is, for a caller that words the fix in its own terms (the
    /// command line names its flags, the window its controls).
    pub kind: ProblemKind,
    /// In a workbook: where the person finds it, as their spreadsheet names it
    /// (`Matrix!F4`, or `Matrix, row 4`) and whose row and which skill it is about. Shown in
    /// place of the line and column.
    pub place: Option<String>,
}

/// Problems a caller may add its own advice to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProblemKind {
    /// Any other problem.
    #[default]
    Other,
    /// A row has no team and no default team was given.
    NoTeam,
    /// The path is not a regular file (a device, a named pipe, a folder).
    NotAFile,
}

impl Problem {
    /// A problem with the whole file.
    pub fn file(message: impl Into<String>) -> Problem {
        Problem {
            line: None,
            column: None,
            message: message.into(),
            kind: ProblemKind::Other,
            place: None,
        }
    }

    /// A problem on a line.
    pub fn line(line: usize, message: impl Into<String>) -> Problem {
        Problem {
            line: Some(line),
            column: None,
            message: message.into(),
            kind: ProblemKind::Other,
            place: None,
        }
    }

    /// A problem in one cell.
    pub fn cell(line: usize, column: &str, message: impl Into<String>) -> Problem {
        Problem {
            line: Some(line),
            column: Some(column.to_string()),
            message: message.into(),
            kind: ProblemKind::Other,
            place: None,
        }
    }

    /// The same problem marked as a kind a caller may advise on.
    pub fn with_kind(mut self, kind: ProblemKind) -> Problem {
        self.kind = kind;
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(place) = &self.place {
            return write!(f, "{place}: {}", self.message);
        }
        match (&self.line, &self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column \"{c}\": {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            (None, Some(c)) => write!(f, "column \"{c}\": {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// Collects problems up to [`MAX_PROBLEMS`], counting the rest.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Problems {
    /// The problems kept, in the order found.
    pub list: Vec<Problem>,
    /// How many more were found but not kept.
    pub more: usize,
    /// Columns of the file that could be created as custom skills (the window offers them
    /// while the problems stand).
    pub creatable_columns: Vec<String>,
}

impl Problems {
    /// Records a problem.
    pub fn push(&mut self, p: Problem) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(p);
        } else {
            self.more += 1;
        }
    }

    /// Whether none were found.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// How many were found in all.
    pub fn total(&self) -> usize {
        self.list.len() + self.more
    }

    /// Whether any problem kept is of this kind.
    pub fn has(&self, kind: ProblemKind) -> bool {
        self.list.iter().any(|p| p.kind == kind)
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.list.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        if self.more > 0 {
            write!(f, "\nand {} more", self.more)?;
        }
        Ok(())
    }
}
