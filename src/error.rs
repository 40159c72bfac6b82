//! The crate's one error type. Every message names what went wrong and where; a path, when
//! there is one, comes last. Nothing here imports egui or touches the database itself.

use std::path::PathBuf;

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in capmatrix, worded for the person who will read it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("cannot {action}: {} ({})", os_reason(source), path.display())]
    Io {
        /// What we were trying to do, e.g. "create the data directory".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },

    /// The file exists but is not a capmatrix database; it was left untouched.
    #[error("not a capmatrix database: {reason}; the file was left untouched ({})", path.display())]
    NotCapmatrix {
        /// Why we think so.
        reason: String,
        /// The file.
        path: PathBuf,
    },

    /// The database was written by a newer capmatrix; it was left untouched.
    #[error(
        "this database has schema version {found}, written by a newer capmatrix; this capmatrix {app} \
         reads schema versions up to {supported}; the file was left untouched ({})", path.display()
    )]
    NewerSchema {
        /// The schema version in the file.
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
        /// This build's version.
        app: &'static str,
        /// The file.
        path: PathBuf,
    },

    /// The integrity check found damage.
    #[error("the database is damaged ({}); restore a backup ({})", one_line(detail), path.display())]
    Damaged {
        /// What SQLite's check reported.
        detail: String,
        /// The file.
        path: PathBuf,
    },

    /// Another capmatrix process holds the write lock.
    #[error("the database is already open by another capmatrix{}; close it and try again ({})",
        pid.map(|p| format!(" (process {p})")).unwrap_or_default(), path.display())]
    Locked {
        /// The other process, when it wrote its id into the lock file.
        pid: Option<u32>,
        /// The database file.
        path: PathBuf,
    },

    /// The lock file beside the database cannot be created or opened (a read-only folder).
    #[error("cannot create the lock file in {}: {}", dir.display(), os_reason(source))]
    LockFile {
        /// The folder that should hold it.
        dir: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },

    /// `check` (or another reader) was pointed at a path with no file.
    #[error("there is no database here; nothing was created ({})", path.display())]
    NoDatabase {
        /// The path asked for.
        path: PathBuf,
    },

    /// Writing a backup failed (a full disk); no partial file was left.
    #[error("cannot write the backup: {source}; no partial file was left ({})", path.display())]
    BackupFailed {
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
        /// The backup's path.
        path: PathBuf,
    },

    /// An older database that must be upgraded before it can be read, in a file we may not
    /// write.
    #[error(
        "this database was written by an older capmatrix and is upgraded the first time it is opened, which needs to write it, but {reason}: make it writable and open it once (a backup is kept) ({})",
        path.display()
    )]
    NeedsUpgrade {
        /// Why it cannot be written.
        reason: &'static str,
        /// The file.
        path: PathBuf,
    },

    /// A write through a store opened for reading only.
    #[error("cannot change the database: {reason} ({})", path.display())]
    ReadOnly {
        /// Why, e.g. "the file is read-only".
        reason: &'static str,
        /// The database file.
        path: PathBuf,
    },

    /// An export that would write over something that is not ours to replace.
    #[error("cannot export: {reason}; nothing was written ({})", path.display())]
    WontOverwrite {
        /// Why, e.g. "it is the open database".
        reason: String,
        /// The target.
        path: PathBuf,
    },

    /// A change to a team that is a roll-up's copy of a team file (the next roll-up would
    /// replace it).
    #[error(
        "team \"{team}\" is a copy rolled up from {file}: change it in that file and roll it up \
         again (a change made here would be replaced by the next roll-up)"
    )]
    RolledUp {
        /// The team.
        team: String,
        /// The team file it came from.
        file: String,
    },

    /// A merged team (`rollup --merge`) renamed in the organisation database.
    #[error(
        "team \"{team}\" was merged from several team files (rollup --merge {team}): it takes its name from them; rename it in the team files, or roll them up apart and name each"
    )]
    MergedTeamName {
        /// The team.
        team: String,
    },

    /// A roll-up refused before anything was written.
    #[error("cannot roll up: {reason}; nothing was changed ({})", path.display())]
    Rollup {
        /// What is wrong.
        reason: String,
        /// The team file concerned.
        path: PathBuf,
    },

    /// A pseudonymisation key file that cannot be made or used.
    #[error("cannot {action} the key file: {reason} ({})", path.display())]
    Key {
        /// "use" or "make".
        action: &'static str,
        /// What is wrong.
        reason: String,
        /// The key file.
        path: PathBuf,
    },

    /// A name (team, member, skill, role level) that does not exist.
    #[error("no {kind} named \"{name}\"{}", hint_suffix(hint))]
    NotFound {
        /// "team", "member", "skill", "role level".
        kind: &'static str,
        /// The name asked for.
        name: String,
        /// The valid choices or the nearest one, if useful.
        hint: Option<String>,
    },

    /// A team or member name that cannot be stored.
    #[error(transparent)]
    Name(#[from] crate::model::NameProblem),

    /// A name already used: a team name, or a member name within a team (ignoring case).
    #[error("{}", name_taken(kind, name, team.as_deref()))]
    NameTaken {
        /// "team" or "member".
        kind: &'static str,
        /// The name as stored.
        name: String,
        /// For a member, their team.
        team: Option<String>,
    },

    /// An assessment date after today.
    #[error("the assessment date {date} is in the future (today is {today})")]
    FutureDate {
        /// The date given.
        date: crate::model::Date,
        /// Today, in the user's time zone.
        today: crate::model::Date,
    },

    /// Marking as reviewed a rating that does not exist.
    #[error("{member} has no rating in {skill} to mark as reviewed; give a level")]
    NotRated {
        /// The member's name.
        member: String,
        /// The skill's name.
        skill: String,
    },

    /// A review period outside 1-120 months.
    #[error("a review period must be 1 to 120 months, not {months}")]
    ReviewPeriod {
        /// The number given.
        months: u32,
    },

    /// An assessment pack would replace a file.
    #[error("packs never replace a file; choose an empty folder: {} exists", .path.display())]
    PackExists {
        /// The file.
        path: std::path::PathBuf,
    },

    /// Assessment packs that cannot be imported; nothing was.
    #[error("{refused} of {total} assessment packs refused, so none was imported:\n{detail}")]
    PacksRefused {
        /// How many were refused.
        refused: usize,
        /// How many were read.
        total: usize,
        /// One line per pack refused, with why.
        detail: String,
    },

    /// Leaving dated before the member (last) joined.
    #[error("{member} cannot have left on {left}: they joined on {joined}")]
    LeftBeforeJoining {
        /// The member's name.
        member: String,
        /// The leaving date given.
        left: crate::model::Date,
        /// When they joined.
        joined: crate::model::Date,
    },

    /// A change to a member who has left (bring them back first).
    #[error(
        "{member} left {team} on {left_on}; bring them back (Show former members) to change them"
    )]
    MemberLeft {
        /// The member's name.
        member: String,
        /// Their team's name.
        team: String,
        /// When they left.
        left_on: crate::model::Date,
    },

    /// An id that does not exist (a stale reference: a team, member, skill or role level).
    #[error("{kind} {id} does not exist")]
    UnknownId {
        /// "team", "member", "skill" or "role level".
        kind: &'static str,
        /// The id.
        id: i64,
    },

    /// Putting back something whose id is in use again.
    #[error("{kind} {id} already exists")]
    IdInUse {
        /// "team" or "member".
        kind: &'static str,
        /// The id.
        id: i64,
    },

    /// No display to open the window on.
    #[error(
        "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); the command line works without one: capmatrix --help"
    )]
    NoDisplay,

    /// The window could not be opened (no OpenGL, a display that went away).
    #[error("cannot open the window: {source}")]
    Window {
        /// eframe's reason.
        #[source]
        source: eframe::Error,
    },

    /// The whole rating history asked for in the wide layout, which holds current ratings.
    #[error("the whole rating history is written in the long layout only (one row per rating)")]
    HistoryNeedsLong,

    /// The whole rating history asked for in a workbook or picture.
    #[error(
        "the whole rating history is written to CSV (.csv or .txt) and Parquet (.parquet) files only; a workbook's Ratings sheet holds the current ratings"
    )]
    HistoryNeedsCsv,

    /// The matrix does not fit Excel's limits; the path is filled in by whoever knows it.
    #[error("cannot write the workbook: {reason}{}", in_file(path.as_deref()))]
    Workbook {
        /// What does not fit.
        reason: String,
        /// The workbook's path.
        path: Option<PathBuf>,
    },

    /// A heatmap picture asked for more members than a slide can show legibly.
    #[error(
        "a picture shows at most {limit} members and this has {members}: pick one team (--team NAME on the command line, the team picker in the window)"
    )]
    PictureTooBig {
        /// Members in the scope asked for.
        members: usize,
        /// The most a picture shows.
        limit: usize,
    },

    /// No home directory for the default database.
    #[error("cannot find a home directory for the default database; use --db PATH")]
    NoHome,

    /// The framework data shipped in the binary or stored in the database is inconsistent.
    #[error("framework data: {0}")]
    Framework(String),

    /// SQLite reported an error we did not expect.
    #[error("database error: {source} ({})", path.display())]
    Sqlite {
        /// SQLite's error.
        source: rusqlite::Error,
        /// The database file.
        path: PathBuf,
    },

    /// An import file has problems; nothing was imported.
    #[error("{}", import_message(problems, path))]
    Import {
        /// Every problem found (up to the cap).
        problems: crate::problem::Problems,
        /// The file.
        path: PathBuf,
    },

    /// A skill edit or a framework update that cannot be made (the message says why).
    #[error("{0}")]
    Skill(String),

    /// The command line asked for something that does not fit together.
    #[error("{0}")]
    Usage(String),

    /// Writing a command's output (CSV, JSON, text) failed. A closed pipe (`| head`) is
    /// not reported: see `main`.
    #[error("cannot write output: {}", os_reason(source))]
    Output {
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
}

fn import_message(problems: &crate::problem::Problems, path: &std::path::Path) -> String {
    let path = path.display();
    match problems.total() {
        1 => format!("cannot import, nothing was changed: {problems} ({path})"),
        n => format!(
            "cannot import, nothing was changed: {n} problems ({path})\n  {}",
            problems.to_string().replace('\n', "\n  ")
        ),
    }
}

/// Multi-line text (SQLite's integrity report) as one line.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The operating system's reason in lower case without the error number, e.g. "permission
/// denied".
pub fn os_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::ReadOnlyFilesystem => "read-only file system".to_string(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_string(),
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::StorageFull => "the disk is full".to_string(),
        _ => {
            let text = e.to_string();
            // Drop the error number, and the temporary file's name tempfile appends.
            let text = text.split(" (os error").next().unwrap_or(&text);
            let text = text.split(" at path ").next().unwrap_or(text);
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_lowercase().chain(chars).collect::<String>()
            })
        }
    }
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref().map(|h| format!("; {h}")).unwrap_or_default()
}

fn name_taken(kind: &str, name: &str, team: Option<&str>) -> String {
    match team {
        Some(team) if kind == "former member" => format!(
            "\"{name}\" is a former member of team \"{team}\": bring them back (Show former members) or use another name"
        ),
        Some(team) => format!("\"{name}\" is already a member of team \"{team}\""),
        None => format!("a {kind} named \"{name}\" already exists"),
    }
}

impl Error {
    /// Writing output failed.
    pub fn output(source: std::io::Error) -> Self {
        Error::Output { source }
    }

    /// Writing CSV output failed (the csv crate wraps the I/O error).
    pub fn csv_output(e: csv::Error) -> Self {
        match e.into_kind() {
            csv::ErrorKind::Io(source) => Error::Output { source },
            other => Error::Output {
                source: std::io::Error::other(format!("{other:?}")),
            },
        }
    }

    /// Whether this is output to a reader that has gone (`| head`), which ends quietly.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output { source } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// " (path)" for a message that may know its file.
fn in_file(path: Option<&std::path::Path>) -> String {
    path.map(|p| format!(" ({})", p.display()))
        .unwrap_or_default()
}
