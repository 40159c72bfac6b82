//! The command line: argument definitions (clap) and each command as a thin layer over
//! [`Core`]. Output goes to the writer given, so tests can capture it.

use crate::core::Core;
use crate::error::{Error, Result};
use crate::io::report::{self, GapsReport};
use crate::io::{Problem, ProblemKind};
use crate::model::analysis::Scope;
use crate::model::{Framework, Level, Snapshot, plural};
use crate::store::Store;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

/// capmatrix: rate a team against the DDaT capability framework, see coverage and gaps.
#[derive(Debug, Parser)]
#[command(name = "capmatrix", version, about, long_about = None)]
pub struct Cli {
    /// The database file (default: capmatrix.db in the platform's data directory). Created and
    /// seeded with the framework if it does not exist.
    #[arg(long, global = true, env = "CAPMATRIX_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// What to do; without a command, the desktop app opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Output formats for tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Aligned text for reading.
    Text,
    /// CSV for spreadsheets.
    Csv,
}

/// Output formats for the gap analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GapsFormat {
    /// Aligned text for reading.
    Text,
    /// CSV for spreadsheets.
    Csv,
    /// JSON for other programs.
    Json,
    /// Parquet for a data platform (with --by-team and --out).
    Parquet,
}

/// Output formats for trends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrendFormat {
    /// CSV for spreadsheets.
    Csv,
    /// JSON for other programs.
    Json,
}

/// How often a trend samples the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EveryArg {
    /// Each month's end.
    Month,
    /// Each quarter's end.
    Quarter,
}

/// A yes/no argument, read as every file's flags are (`io::parse::parse_yes_no`); empty is
/// not an answer here.
fn yes_no_arg(text: &str) -> std::result::Result<bool, String> {
    match crate::io::parse::parse_yes_no(text) {
        Some(flag) if !text.trim().is_empty() => Ok(flag),
        _ => Err(format!(
            "\"{text}\" is not {}",
            crate::io::parse::YES_NO_CHOICES
        )),
    }
}

/// Whose ratings a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    /// The lead's ratings (what coverage and gaps use).
    Lead,
    /// The people's own ratings (self-assessment).
    #[value(name = "self")]
    SelfAssessed,
}

/// Whose ratings to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportSourceArg {
    /// The lead's ratings.
    Lead,
    /// The people's own ratings.
    #[value(name = "self")]
    SelfAssessed,
    /// Both, in the long layout with a Source column.
    Both,
}

/// What `skills` changes. Every change is one transaction.
#[derive(Debug, Subcommand)]
pub enum SkillsCommand {
    /// Add a skill of your own (e.g. a technology your team runs), rated like any other.
    Add {
        /// Its name (not a framework skill's, ignoring case and accents).
        name: String,
        /// A grouping such as "Technology".
        #[arg(long, value_name = "NAME")]
        category: Option<String>,
        /// What the skill is.
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
    },
    /// Rename a custom skill (ratings and history follow it).
    Rename {
        /// Its name now.
        old: String,
        /// Its new name.
        new: String,
    },
    /// Retire a skill: hidden from the matrix and analysis, its ratings and history kept.
    Retire {
        /// The skill.
        name: String,
    },
    /// Bring a retired skill back, with its ratings.
    Restore {
        /// The skill.
        name: String,
    },
    /// Set the level a role level requires in a custom skill (`none` removes it).
    Require {
        /// The custom skill.
        skill: String,
        /// The role level, e.g. "Lead data engineer".
        role_level: String,
        /// The level: a name, a letter (A W P E), a number 1-4, or `none`.
        level: String,
    },
}

/// What `framework` does.
#[derive(Debug, Subcommand)]
pub enum FrameworkCommand {
    /// Write the framework as JSON, in the format of data/ddat/framework.json (data/README.md).
    Export {
        /// The JSON file to write (`-` for standard output).
        file: PathBuf,
    },
    /// List what a framework file would change against the database: skills added, removed,
    /// renamed, descriptors and required levels changed, role levels added or removed, with
    /// the ratings affected. Changes nothing.
    Diff {
        /// A framework JSON file (the format of data/ddat/framework.json, optionally with a
        /// "renamed" object of old name: new name).
        file: PathBuf,
    },
    /// Apply a framework file, in one transaction after a backup beside the database:
    /// renamed skills keep their ratings and history, removed ones are retired (kept, hidden),
    /// new ones appear; role levels likewise.
    Update {
        /// A framework JSON file (as for `diff`).
        file: PathBuf,
        /// List what would change, change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Import modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportMode {
    /// Add and update members and ratings.
    Merge,
    /// Make each team in the file hold exactly the file's members and ratings.
    Replace,
}

/// Export layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormatArg {
    /// One row per member, one column per skill.
    Wide,
    /// One row per rating.
    Long,
}

/// How levels are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelsArg {
    /// None, Awareness, Working, Practitioner, Expert.
    Names,
    /// 0-4.
    Numbers,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Database path, schema version and counts, one `key: value` per line.
    Info,
    /// The skills a role level requires and at which level; with --all every skill; with a
    /// subcommand, add, rename, retire or restore skills of your own.
    #[command(args_conflicts_with_subcommands = true)]
    Skills {
        /// Add, rename, retire, restore a skill, or set a custom skill's required level.
        #[command(subcommand)]
        action: Option<SkillsCommand>,
        /// The role level (default: the lead level of the framework's central role, for DDaT
        /// Lead data engineer).
        #[arg(long, value_name = "NAME", conflicts_with = "all")]
        role_level: Option<String>,
        /// List every skill (framework, custom and retired) with its category and source.
        #[arg(long)]
        all: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TableFormat,
    },
    /// A team's capability gaps, worst first; every team's with --by-team; what if people
    /// leave or join with --without and --hire.
    Gaps {
        /// The team (default: everyone, as one pool).
        #[arg(long, value_name = "NAME", conflicts_with = "by_team")]
        team: Option<String>,
        /// Every team's gaps against its own targets: teams in name order, each team's gaps
        /// worst first.
        #[arg(long)]
        by_team: bool,
        /// What if this member left (with --team; repeat for more).
        #[arg(
            long,
            value_name = "MEMBER",
            requires = "team",
            conflicts_with = "as_of"
        )]
        without: Vec<String>,
        /// What if someone at this role level joined, rated at what it requires (with --team;
        /// repeat for more).
        #[arg(
            long,
            value_name = "ROLE_LEVEL",
            requires = "team",
            conflicts_with = "as_of"
        )]
        hire: Vec<String>,
        /// Write to this file instead of standard output (needed for --format parquet).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: GapsFormat,
        /// List every skill of the team, not only the gaps.
        #[arg(long)]
        all: bool,
        /// The gaps as they stood at the end of this date (e.g. 2026-03-31 or 31/03/2026).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Set, change or re-stamp one rating.
    Rate {
        /// The member's name.
        member: String,
        /// The skill's name.
        skill: String,
        /// The level: a name, a letter (A W P E), a number 0-4, or `clear` to remove the
        /// rating. Without it, only the note, the flag or the date change.
        level: Option<String>,
        /// The member's team (needed when the name is in more than one team).
        #[arg(long, value_name = "NAME")]
        team: Option<String>,
        /// Evidence for the rating (replaces the note).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// Interested in developing the skill: yes or no (Y/N, true/false, 1/0, any case).
        #[arg(long, value_name = "YES|NO", value_parser = yes_no_arg)]
        interested: Option<bool>,
        /// The assessment date (default: today; a note or flag change alone keeps the date).
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        /// Reviewed, still at this level: re-stamp the assessment date (today, or --on).
        #[arg(long)]
        reviewed: bool,
    },
    /// Ratings due for review (assessed longer ago than the team's review period) and skills
    /// a member's role level requires that were never rated.
    Review {
        /// Only this team (default: all teams).
        #[arg(long, value_name = "NAME")]
        team: Option<String>,
        /// List ratings older than this many months instead of each team's review period.
        #[arg(long, value_name = "MONTHS", value_parser = clap::value_parser!(u32).range(0..=1200))]
        older_than: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TableFormat,
    },
    /// Coverage over time: per period end and skill, the people covering it against the
    /// target.
    Trend {
        /// The team (default: everyone, as one pool).
        #[arg(long, value_name = "NAME")]
        team: Option<String>,
        /// The first date (default: the earliest date in the history).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// The last date (default: today).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// How often to sample.
        #[arg(long, value_enum, default_value = "month")]
        every: EveryArg,
        /// Output format.
        #[arg(long, value_enum, default_value = "csv")]
        format: TrendFormat,
    },
    /// Add generated demonstration teams, members and ratings.
    Demo {
        /// How many members (1 to 1,000,000).
        #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        members: u64,
        /// How many teams (default: one per 10 members; at most 1,000,000).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        teams: Option<u64>,
        /// The random seed; the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Months of plausible history behind today's ratings (reassessments, people
        /// improving, joining and leaving); 0 rates everything today.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=240))]
        history_months: u32,
    },
    /// Full integrity check; exits 1 if the database is damaged.
    Check,
    /// Import a matrix from CSV or a workbook (wide or long, detected), all of it or nothing.
    Import {
        /// A CSV file (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab) or a workbook
        /// (.xlsx, .xlsm, .xls, .ods); `-` reads standard input. Filled assessment packs are
        /// recognised: several at once, or a folder of them, import as the people's own ratings.
        #[arg(required = true, num_args = 1.., value_name = "FILE")]
        files: Vec<PathBuf>,
        /// A workbook's sheet (default: the first with a Member column).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// Team for rows whose Team cell is empty or absent.
        #[arg(long, value_name = "NAME")]
        team: Option<String>,
        /// merge: add and update; replace: each team in the file holds exactly its members.
        #[arg(long, value_enum, default_value = "merge")]
        mode: ImportMode,
        /// Report what would change, change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Whose ratings the rows are (a long file's Source column says it row by row).
        #[arg(long, value_enum, default_value = "lead")]
        source: SourceArg,
        /// The assessment date of ratings the file does not date (no Rated on cell): bring
        /// last year's matrix in for its history. Older than a rating held, a rating is
        /// recorded in history on its date and the current rating is kept.
        #[arg(long, value_name = "DATE")]
        assessed_on: Option<String>,
        /// Create a wide file's unknown columns (not a capmatrix column, not a skill, not close
        /// to a skill's name) as custom skills; their cells must then be levels.
        #[arg(long)]
        add_skills: bool,
    },
    /// Export the matrix; the file's extension picks the type: .csv/.txt (CSV; `-` for
    /// standard output), .xlsx (an Excel workbook), .parquet (the long table, typed, for a
    /// data platform), .svg or .png (a picture of the heatmap).
    Export {
        /// Where to write (replaced only when the export succeeds).
        file: PathBuf,
        /// Only this team (default: all teams).
        #[arg(long, value_name = "NAME")]
        team: Option<String>,
        /// The CSV layout. wide: one row per member; long: one row per rating.
        #[arg(long, value_enum, default_value = "wide")]
        format: ExportFormatArg,
        /// Write levels as names or as numbers 0-4.
        #[arg(long, value_enum, default_value = "names")]
        levels: LevelsArg,
        /// With --format long: every historical rating, not just the current ones.
        #[arg(long)]
        history: bool,
        /// The matrix as it stood at the end of this date (members who had left by then
        /// excluded, undone edits ignored).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Whose ratings (CSV and Parquet): the lead's, the people's own, or both (long layout,
        /// with a Source column).
        #[arg(long, value_enum, default_value = "lead")]
        source: ExportSourceArg,
    },
    /// Write one assessment pack (an XLSX workbook) per member, for them to fill in with their
    /// own levels, interest and evidence; import the filled packs back with `import`.
    Pack {
        /// Only this team's members (default: everyone).
        #[arg(long, value_name = "NAME")]
        team: Option<String>,
        /// The folder to write them to (created if needed; existing files are never replaced).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Leave out the level each person's role expects, so it does not anchor their answer.
        #[arg(long)]
        hide_expected: bool,
    },
    /// One person's skills profile as a picture: their levels against what their role
    /// requires, their own ratings, interests, assessment dates and recent history.
    Profile {
        /// The member's name.
        member: String,
        /// The member's team (needed when the name is in more than one team).
        #[arg(long, value_name = "NAME")]
        team: Option<String>,
        /// The picture to write: .svg or .png.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// The capability framework held in the database.
    Framework {
        /// What to do with it.
        #[command(subcommand)]
        action: FrameworkCommand,
    },
    /// Write a consistent copy of the database to FILE while it stays in use.
    Backup {
        /// Where to write the copy (must not exist).
        file: PathBuf,
    },
    /// Copy team databases into an organisation database (created if needed): their teams,
    /// members, ratings, targets and history. The team files are only read. Running again
    /// with updated files replaces what each file gave before.
    Rollup {
        /// The organisation database (--db is not used).
        org: PathBuf,
        /// The team databases.
        #[arg(required = true, value_name = "TEAM_DB")]
        teams: Vec<PathBuf>,
        /// Replace member names with stable pseudonyms made with this key (see keygen), and
        /// drop notes.
        #[arg(long, value_name = "KEYFILE")]
        pseudonymise: Option<PathBuf>,
        /// Name a file's team in the organisation database: FILE:TEAM=NEW (the file as given
        /// or by its file name). Without it, a name two team files hold becomes
        /// "NAME (FILE)" for each.
        #[arg(long = "name", value_name = "FILE:TEAM=NEW")]
        names: Vec<crate::rollup::TeamName>,
        /// Make the teams of this name in the team files one team (they are one team kept in
        /// several files); refused if a person is in two of them or their targets differ.
        #[arg(long = "merge", value_name = "TEAM")]
        merge: Vec<String>,
    },
    /// Make a secret key for `rollup --pseudonymise` from the operating system's random
    /// source, readable by you only. Never replaces a file.
    Keygen {
        /// Where to write the key (must not exist).
        file: PathBuf,
    },
}

/// The default database: capmatrix.db in the platform's data directory, created if needed.
pub fn default_db_path() -> Result<PathBuf> {
    let Some(dirs) = directories::ProjectDirs::from("", "", "capmatrix") else {
        return Err(Error::NoHome);
    };
    let dir = dirs.data_dir();
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        action: "create the data directory",
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(dir.join("capmatrix.db"))
}

/// The database the command line asked for, or the default.
pub fn db_path(cli: &Cli) -> Result<PathBuf> {
    match &cli.db {
        Some(p) => Ok(p.clone()),
        None => default_db_path(),
    }
}

fn out_err(e: std::io::Error) -> Error {
    Error::output(e)
}

/// Runs a command against the database at `db`, writing to `out`. Commands that only read
/// (`info`, `skills`, `gaps`, `export`, `check`, `backup`) open the database without the write
/// lock and read one consistent state, so they never block or fail someone editing.
pub fn run(command: &Command, db: &Path, out: &mut dyn Write) -> Result<()> {
    match command {
        Command::Info => info(&Store::open_read_only(db)?, out),
        Command::Skills {
            action: Some(action),
            ..
        } => skills_change(db, action, out),
        Command::Skills {
            action: None,
            all: true,
            format,
            ..
        } => all_skills(Core::open_read_only(db)?.snapshot(), *format, out),
        Command::Skills {
            action: None,
            role_level,
            format,
            ..
        } => skills(
            Core::open_read_only(db)?.snapshot(),
            role_level.as_deref(),
            *format,
            out,
        ),
        Command::Gaps {
            team,
            by_team,
            without,
            hire,
            out: file,
            format,
            all,
            as_of,
        } => {
            let core = Core::open_read_only(db)?;
            let then;
            let snapshot = match as_of {
                Some(text) => {
                    let date = date_arg("--as-of", text)?;
                    then = crate::model::history::as_of(core.snapshot(), &core.timeline()?, date);
                    &then
                }
                None => core.snapshot(),
            };
            let ask = GapsAsk {
                team: team.as_deref(),
                by_team: *by_team,
                without,
                hire,
                format: *format,
                all: *all,
            };
            match file {
                Some(path) => {
                    crate::transfer::check_export_target(path, db)?;
                    let mut bytes = Vec::new();
                    let rows = gaps(snapshot, &ask, &mut bytes)?;
                    crate::transfer::write_atomically(path, &bytes)?;
                    writeln!(
                        out,
                        "wrote {} to {}",
                        plural(rows, "row", "rows"),
                        path.display()
                    )
                    .map_err(out_err)
                }
                None if *format == GapsFormat::Parquet => Err(Error::Usage(
                    "--format parquet writes a file: give it with --out FILE.parquet".into(),
                )),
                None => gaps(snapshot, &ask, out).map(drop),
            }
        }
        Command::Rate {
            member,
            skill,
            level,
            team,
            note,
            interested,
            on,
            reviewed,
        } => rate(
            db,
            &RateArgs {
                member,
                skill,
                level: level.as_deref(),
                team: team.as_deref(),
                note: note.as_deref(),
                interested: *interested,
                on: on.as_deref().map(|t| date_arg("--on", t)).transpose()?,
                reviewed: *reviewed,
            },
            out,
        ),
        Command::Review {
            team,
            older_than,
            format,
        } => review(
            Core::open_read_only(db)?.snapshot(),
            team.as_deref(),
            *older_than,
            *format,
            out,
        ),
        Command::Trend {
            team,
            from,
            to,
            every,
            format,
        } => {
            let from = from.as_deref().map(|t| date_arg("--from", t)).transpose()?;
            let to = to.as_deref().map(|t| date_arg("--to", t)).transpose()?;
            let every = match every {
                EveryArg::Month => crate::model::history::Every::Month,
                EveryArg::Quarter => crate::model::history::Every::Quarter,
            };
            trend(
                &Core::open_read_only(db)?,
                team.as_deref(),
                from,
                to,
                every,
                *format,
                out,
            )
        }
        Command::Demo {
            members,
            teams,
            seed,
            history_months,
        } => {
            let members = *members as usize;
            let teams = teams.map_or(members.div_ceil(10).max(1), |t| t as usize);
            let mut core = Core::open(db)?;
            let s = crate::demo::add_demo_with_history(
                &mut core,
                members,
                teams,
                *seed,
                *history_months,
            )?;
            writeln!(
                out,
                "added {}, {} and {} to {}",
                plural(s.teams, "team", "teams"),
                plural(s.members, "member", "members"),
                plural(s.ratings, "rating", "ratings"),
                db.display()
            )
            .map_err(out_err)
        }
        Command::Check => check(db, out),
        Command::Import {
            files,
            sheet,
            team,
            mode,
            dry_run,
            source,
            add_skills,
            assessed_on,
        } => {
            let assessed_on = assessed_on
                .as_deref()
                .map(|t| date_arg("--assessed-on", t))
                .transpose()?;
            let today = crate::model::time::today();
            if let Some(date) = assessed_on.filter(|&d| d > today) {
                // As `rate --on` says it.
                return Err(Error::FutureDate { date, today });
            }
            let options = crate::transfer::ImportOptions {
                assessed_on,
                add_skills: if *add_skills {
                    crate::transfer::AddSkills::AllUnknown
                } else {
                    crate::transfer::AddSkills::No
                },
                team: team.clone(),
                mode: match mode {
                    ImportMode::Merge => crate::io::Mode::Merge,
                    ImportMode::Replace => crate::io::Mode::Replace,
                },
                dry_run: *dry_run,
                sheet: sheet.clone(),
                source: match source {
                    SourceArg::Lead => crate::model::Source::Lead,
                    SourceArg::SelfAssessed => crate::model::Source::SelfAssessed,
                },
            };
            let [file] = files.as_slice() else {
                return import_packs(files, &options, db, out);
            };
            // A folder holding workbooks: filled packs. (Any other folder is refused below,
            // as import reads regular files.)
            if file.is_dir()
                && crate::transfer::pack_files(files).is_ok_and(|found| !found.is_empty())
            {
                return import_packs(files, &options, db, out);
            }
            if options.source == crate::model::Source::SelfAssessed
                && options.mode == crate::io::Mode::Replace
            {
                return Err(Error::Usage(
                    "--mode replace decides who is in each team; people's own ratings are added with --mode merge"
                        .into(),
                ));
            }
            import(file, &options, db, out)
        }
        Command::Export {
            file,
            team,
            format,
            levels,
            history,
            as_of,
            source,
        } => {
            let as_of = as_of
                .as_deref()
                .map(|t| date_arg("--as-of", t))
                .transpose()?;
            let source = match source {
                ExportSourceArg::Lead => crate::io::export::ExportSource::Lead,
                ExportSourceArg::SelfAssessed => crate::io::export::ExportSource::SelfAssessed,
                ExportSourceArg::Both => crate::io::export::ExportSource::Both,
            };
            // An unknown extension is refused by export_file, after the target's own checks.
            let kind = if file == Path::new("-") {
                Ok(crate::transfer::ExportType::Csv)
            } else {
                crate::transfer::ExportType::of(file)
            };
            // Parquet is always the long table (typed levels, a source column): --history
            // and --source apply to it as they do to a long CSV.
            let parquet = kind
                .as_ref()
                .is_ok_and(|k| *k == crate::transfer::ExportType::Parquet);
            if parquet && *levels != LevelsArg::Names {
                return Err(Error::Usage(
                    "--levels chooses a CSV file's level cells; Parquet holds both (level and level_name columns)"
                        .into(),
                ));
            }
            let long = parquet || *format == ExportFormatArg::Long;
            if source == crate::io::export::ExportSource::Both && !long {
                return Err(Error::Usage(
                    "--source both needs --format long (a Source column says whose each rating is)"
                        .into(),
                ));
            }
            if *history && !long {
                return Err(Error::Usage(
                    "--history needs --format long (the wide format holds current ratings only)"
                        .into(),
                ));
            }
            if !parquet && kind.is_ok_and(|k| k != crate::transfer::ExportType::Csv) {
                if *history {
                    return Err(Error::HistoryNeedsCsv);
                }
                if *format != ExportFormatArg::Wide
                    || *levels != LevelsArg::Names
                    || source != crate::io::export::ExportSource::Lead
                {
                    return Err(Error::Usage(
                        "--format, --levels and --source choose a CSV file's layout; a workbook holds both layouts (its Matrix and Ratings sheets) and a picture shows levels as letters, both of the lead's ratings"
                            .into(),
                    ));
                }
            }
            let core = Core::open_read_only(db)?;
            let scope = match team {
                Some(name) => Scope::Team(find_team(core.snapshot(), name)?),
                None => Scope::All,
            };
            let options = crate::io::ExportOptions {
                scope,
                format: match format {
                    ExportFormatArg::Wide => crate::io::ExportFormat::Wide,
                    ExportFormatArg::Long => crate::io::ExportFormat::Long,
                },
                levels: match levels {
                    LevelsArg::Names => crate::io::LevelStyle::Names,
                    LevelsArg::Numbers => crate::io::LevelStyle::Numbers,
                },
                source,
            };
            let written =
                crate::transfer::export_file_as_of(&core, file, options, *history, as_of)?;
            if file != Path::new("-") {
                let what = crate::transfer::ExportType::of(file)?.describe(written);
                writeln!(
                    out,
                    "exported {what} ({} bytes) to {}",
                    written.bytes,
                    file.display()
                )
                .map_err(out_err)?;
            }
            Ok(())
        }
        Command::Pack {
            team,
            out: dir,
            hide_expected,
        } => pack(db, team.as_deref(), dir, *hide_expected, out),
        Command::Profile {
            member,
            team,
            out: file,
        } => {
            let core = Core::open_read_only(db)?;
            let id = find_member(core.snapshot(), member, team.as_deref())?;
            let bytes = crate::transfer::write_profile(&core, id, file)?;
            writeln!(
                out,
                "wrote the profile of {} ({bytes} bytes) to {}",
                core.snapshot().member(id).map_or("", |m| m.name.as_str()),
                file.display()
            )
            .map_err(out_err)
        }
        Command::Framework {
            action: FrameworkCommand::Export { file },
        } => {
            let core = Core::open_read_only(db)?;
            let fw = &core.snapshot().framework;
            let text = fw.to_json();
            if file == Path::new("-") {
                return out.write_all(text.as_bytes()).map_err(out_err);
            }
            crate::transfer::check_export_target(file, core.store().path())?;
            crate::transfer::write_atomically(file, text.as_bytes())?;
            writeln!(
                out,
                "exported the framework ({}, {}) to {}",
                plural(
                    fw.skills.iter().filter(|s| s.is_framework()).count(),
                    "skill",
                    "skills"
                ),
                plural(
                    fw.role_levels.iter().filter(|l| !l.retired).count(),
                    "role level",
                    "role levels"
                ),
                file.display()
            )
            .map_err(out_err)
        }
        Command::Framework {
            action: FrameworkCommand::Diff { file },
        } => framework_diff(db, file, out),
        Command::Framework {
            action: FrameworkCommand::Update { file, dry_run },
        } => framework_update(db, file, *dry_run, out),
        Command::Rollup {
            org,
            teams,
            pseudonymise,
            names,
            merge,
        } => rollup(org, teams, pseudonymise.as_deref(), (names, merge), out),
        Command::Keygen { file } => {
            crate::rollup::keygen(file)?;
            writeln!(
                out,
                "wrote a new key to {} (readable by you only). Keep it secret and keep a copy: \
                 the same key gives the same pseudonyms in every roll-up",
                file.display()
            )
            .map_err(out_err)
        }
        Command::Backup { file } => {
            Store::open_read_only(db)?.backup_to(file)?;
            writeln!(out, "backed up {} to {}", db.display(), file.display()).map_err(out_err)
        }
    }
}

/// `rollup`: every team file into the organisation database, one line per file.
fn rollup(
    org: &Path,
    teams: &[PathBuf],
    key_file: Option<&Path>,
    (names, merge): (&[crate::rollup::TeamName], &[String]),
    out: &mut dyn Write,
) -> Result<()> {
    let key = key_file.map(crate::rollup::read_key).transpose()?;
    let started = std::time::Instant::now();
    let summaries = crate::rollup::rollup(org, teams, key.as_ref(), names, merge)?;
    let mut members = 0;
    // A merged team comes from several files: counted once.
    let team_count = summaries
        .iter()
        .flat_map(|s| &s.teams)
        .map(|t| crate::model::name_key(t))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    for s in &summaries {
        members += s.members;
        let mut line = format!(
            "{}: {} ({}), {}",
            s.path.display(),
            plural(s.teams.len(), "team", "teams"),
            s.teams.join(", "),
            plural(s.members, "member", "members"),
        );
        if s.replaced > 0 {
            line.push_str(&format!(
                ", replacing {} rolled up before",
                plural(s.replaced, "team", "teams")
            ));
        }
        if !s.new_skills.is_empty() {
            line.push_str(&format!(
                "; custom skills added: {}",
                crate::model::quoted(&s.new_skills)
            ));
        }
        for (from, to, why) in &s.renamed {
            line.push_str(&format!("; team \"{from}\" named \"{to}\" ({why})"));
        }
        writeln!(out, "{line}").map_err(out_err)?;
    }
    writeln!(
        out,
        "rolled up {} with {} from {} into {}{} in {}",
        plural(team_count, "team", "teams"),
        plural(members, "member", "members"),
        plural(summaries.len(), "file", "files"),
        org.display(),
        if key.is_some() {
            " (names pseudonymised, notes dropped)"
        } else {
            ""
        },
        match started.elapsed().as_millis() {
            ms @ 0..1000 => format!("{ms} ms"),
            ms => format!("{:.1} s", ms as f64 / 1000.0),
        }
    )
    .map_err(out_err)
}

/// A date argument, in the user's time zone: ISO (2026-11-25), UK (25/11/2026) or an instant
/// with an offset.
fn date_arg(flag: &str, text: &str) -> Result<crate::model::Date> {
    crate::model::time::parse_date(text).ok_or_else(|| {
        Error::Usage(format!(
            "{flag}: \"{text}\" is not a date (e.g. 2026-11-25 or 25/11/2026)"
        ))
    })
}

/// What `rate` was asked to do.
struct RateArgs<'a> {
    member: &'a str,
    skill: &'a str,
    level: Option<&'a str>,
    team: Option<&'a str>,
    note: Option<&'a str>,
    interested: Option<bool>,
    on: Option<crate::model::Date>,
    reviewed: bool,
}

/// The member with this name (in `team`, or in the one team that has the name).
fn find_member(
    snapshot: &Snapshot,
    name: &str,
    team: Option<&str>,
) -> Result<crate::model::MemberId> {
    if let Some(team) = team {
        let t = find_team(snapshot, team)?;
        return snapshot
            .member_named(t, name)
            .map(|m| m.id)
            .ok_or_else(|| Error::NotFound {
                kind: "member",
                name: name.to_string(),
                hint: snapshot
                    .former_named(t, name)
                    .and_then(|m| m.left_on)
                    .map(|d| format!("they left on {d}")),
            });
    }
    let mut found: Vec<&crate::model::Member> = snapshot
        .teams()
        .filter_map(|t| snapshot.member_named(t.id, name))
        .collect();
    if found.is_empty() {
        // As the window's search: "Siobhan" finds Siobhán.
        let key = crate::model::search_key(name.trim());
        found = snapshot
            .all_members()
            .into_iter()
            .filter(|m| crate::model::search_key(&m.name) == key)
            .collect();
    }
    match found[..] {
        [m] => Ok(m.id),
        [] => Err(Error::NotFound {
            kind: "member",
            name: name.to_string(),
            hint: None,
        }),
        _ => {
            let teams: Vec<&str> = found
                .iter()
                .filter_map(|m| snapshot.team(m.team).map(|t| t.name.as_str()))
                .collect();
            Err(Error::Usage(format!(
                "\"{name}\" is a member of {}: give --team",
                teams.join(", ")
            )))
        }
    }
}

/// `rate`: one rating set, changed, cleared or re-stamped, through the core.
fn rate(db: &Path, a: &RateArgs<'_>, out: &mut dyn Write) -> Result<()> {
    use crate::core::Action;
    let mut core = Core::open(db)?;
    let snap = core.snapshot();
    let member = find_member(snap, a.member, a.team)?;
    let skill = snap.framework.find_skill(a.skill)?;
    let Some(m) = snap.member(member) else {
        return Err(Error::UnknownId {
            kind: "member",
            id: member.0,
        });
    };
    let old = m.ratings.get(&skill).cloned();
    let clear = a
        .level
        .is_some_and(|l| l.trim().eq_ignore_ascii_case("clear"));
    let action = if clear {
        if a.note.is_some() || a.interested.is_some() || a.on.is_some() || a.reviewed {
            return Err(Error::Usage(
                "`clear` removes the rating: --note, --interested, --on and --reviewed do not go with it"
                    .into(),
            ));
        }
        Action::ClearRating { member, skill }
    } else {
        let level = match a.level {
            Some(text) => Some(Level::parse(text).ok_or_else(|| {
                Error::Usage(format!(
                    "\"{text}\" is not a level ({})",
                    crate::model::LEVEL_CHOICES
                ))
            })?),
            None => None,
        };
        match (level, &old) {
            (None, None) => {
                return Err(Error::NotRated {
                    member: m.name.clone(),
                    skill: snap.framework.skill(skill).name.clone(),
                });
            }
            (None, Some(_)) if a.reviewed && a.note.is_none() && a.interested.is_none() => {
                Action::ReviewRating {
                    member,
                    skill,
                    on: a.on,
                }
            }
            (None, Some(_)) if a.note.is_none() && a.interested.is_none() && a.on.is_none() => {
                return Err(Error::Usage(
                    "nothing to change: give a LEVEL, --note, --interested, --on or --reviewed"
                        .into(),
                ));
            }
            (level, old) => {
                let restamp = a.reviewed.then(crate::model::time::today);
                Action::SetRating {
                    member,
                    skill,
                    level: level
                        .or(old.as_ref().map(|o| o.level))
                        .unwrap_or(Level::None),
                    note: a
                        .note
                        .map(str::to_string)
                        .or_else(|| old.as_ref().map(|o| o.note.clone()))
                        .unwrap_or_default(),
                    interested: a
                        .interested
                        .or(old.as_ref().map(|o| o.interested))
                        .unwrap_or(false),
                    on: a.on.or(restamp),
                }
            }
        }
    };
    let who = format!(
        "{} ({}), {}",
        m.name,
        snap.team(m.team)
            .map(|t| t.name.as_str())
            .unwrap_or_default(),
        snap.framework.skill(skill).name
    );
    let outcome = core.apply(action)?;
    let now = core
        .snapshot()
        .member(member)
        .and_then(|m| m.ratings.get(&skill));
    let state = match now {
        Some(r) => format!("{}, assessed on {}", r.level, r.assessed_on),
        None => "not rated".to_string(),
    };
    if outcome.changed
        && let (Some(on), Some(r)) = (a.on, now)
        && on < r.assessed_on
    {
        // The time rule: an older assessment is history, never the present.
        return writeln!(
            out,
            "{who}: recorded in history as assessed on {on}; the current rating, assessed later, is kept: {state}"
        )
        .map_err(out_err);
    }
    let verb = if outcome.changed { "" } else { "unchanged: " };
    writeln!(out, "{verb}{who}: {state}").map_err(out_err)
}

/// The header of `review`.
pub const REVIEW_HEADER: [&str; 6] = ["Member", "Team", "Skill", "Level", "Assessed on", "Months"];

/// `review`: ratings due for review, oldest first, then required skills never rated.
fn review(
    snapshot: &Snapshot,
    team: Option<&str>,
    older_than: Option<u32>,
    format: TableFormat,
    out: &mut dyn Write,
) -> Result<()> {
    let scope = match team {
        Some(name) => Scope::Team(find_team(snapshot, name)?),
        None => Scope::All,
    };
    let today = crate::model::time::today();
    let due = crate::model::history::due_for_review(snapshot, scope, today, older_than);
    let fw = &snapshot.framework;
    let rows: Vec<[String; 6]> = due
        .iter()
        .map(|d| {
            [
                snapshot
                    .member(d.member)
                    .map(|m| m.name.clone())
                    .unwrap_or_default(),
                snapshot
                    .team(d.team)
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                fw.skill(d.skill).name.clone(),
                level_text(d.level, ""),
                d.assessed_on.map(|a| a.to_string()).unwrap_or_default(),
                d.months.map(|m| m.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    match format {
        TableFormat::Csv => write_csv(out, &REVIEW_HEADER, rows),
        TableFormat::Text => {
            let stale = due.iter().filter(|d| d.level.is_some()).count();
            let never = due.len() - stale;
            let period = match older_than {
                Some(m) => format!("older than {}", plural(m as usize, "month", "months")),
                None => "older than each team's review period".to_string(),
            };
            writeln!(
                out,
                "{} due for review ({period}); {} required by a role level never rated.",
                plural(stale, "rating", "ratings"),
                plural(never, "skill", "skills")
            )
            .map_err(out_err)?;
            if rows.is_empty() {
                return Ok(());
            }
            let rows: Vec<[String; 6]> = rows
                .into_iter()
                .map(|mut r| {
                    if r[3].is_empty() {
                        r[3] = "never rated".into();
                    }
                    r
                })
                .collect();
            writeln!(out).map_err(out_err)?;
            write_table(out, &REVIEW_HEADER, &rows)
        }
    }
}

/// The header of `trend --format csv`.
/// The header of `trend` across several teams (no `--team`): each team against its own
/// target on each date.
pub const TREND_TEAMS_HEADER: [&str; 6] = [
    "Date",
    "Skill",
    "Teams with a target",
    "Teams short",
    "People missing",
    "Teams on one person",
];

pub const TREND_HEADER: [&str; 6] = [
    "Date",
    "Skill",
    "Covered",
    "Target count",
    "Shortfall",
    "Best level",
];

/// Most periods a trend samples (50 years of months).
const MAX_TREND_PERIODS: usize = 600;

/// `trend`: coverage per period end and skill.
fn trend(
    core: &Core,
    team: Option<&str>,
    from: Option<crate::model::Date>,
    to: Option<crate::model::Date>,
    every: crate::model::history::Every,
    format: TrendFormat,
    out: &mut dyn Write,
) -> Result<()> {
    use crate::model::history;
    let snapshot = core.snapshot();
    let (scope, team_name) = scope_named(snapshot, team)?;
    let timeline = core.timeline()?;
    let today = crate::model::time::today();
    let to = to.unwrap_or(today);
    let from = from.or_else(|| timeline.first_date()).unwrap_or(to);
    if from > to {
        return Err(Error::Usage(format!("--from {from} is after --to {to}")));
    }
    let dates = history::period_ends(from, to, every);
    if dates.len() > MAX_TREND_PERIODS {
        return Err(Error::Usage(format!(
            "{from} to {to} is {} periods; at most {MAX_TREND_PERIODS}: give a later --from or --every quarter",
            dates.len()
        )));
    }
    let fw = &snapshot.framework;
    if team.is_none() && crate::model::analysis::single_team(snapshot, Scope::All).is_none() {
        // Several teams: teams short per period, each against its own target.
        let points = history::trend_across_teams(snapshot, &timeline, &dates);
        return match format {
            TrendFormat::Csv => {
                let rows: Vec<[String; 6]> = points
                    .iter()
                    .map(|p| {
                        [
                            p.date.to_string(),
                            fw.skill(p.skill).name.clone(),
                            p.teams_with_target.to_string(),
                            p.teams_short.to_string(),
                            p.people_missing.to_string(),
                            p.teams_on_one_person.to_string(),
                        ]
                    })
                    .collect();
                write_csv(out, &TREND_TEAMS_HEADER, rows)
            }
            TrendFormat::Json => {
                #[derive(serde::Serialize)]
                struct Row<'a> {
                    date: String,
                    skill: &'a str,
                    teams_with_target: usize,
                    teams_short: usize,
                    people_missing: u32,
                    teams_on_one_person: usize,
                }
                #[derive(serde::Serialize)]
                struct Doc<'a> {
                    scope: &'a str,
                    from: String,
                    to: String,
                    rows: Vec<Row<'a>>,
                }
                let doc = Doc {
                    scope: "All teams (each against its own target)",
                    from: from.to_string(),
                    to: to.to_string(),
                    rows: points
                        .iter()
                        .map(|p| Row {
                            date: p.date.to_string(),
                            skill: &fw.skill(p.skill).name,
                            teams_with_target: p.teams_with_target,
                            teams_short: p.teams_short,
                            people_missing: p.people_missing,
                            teams_on_one_person: p.teams_on_one_person,
                        })
                        .collect(),
                };
                serde_json::to_writer_pretty(&mut *out, &doc)
                    .map_err(|e| out_err(std::io::Error::from(e)))?;
                writeln!(out).map_err(out_err)
            }
        };
    }
    let scope = match (team, crate::model::analysis::single_team(snapshot, scope)) {
        (None, Some(only)) => Scope::Team(only),
        _ => scope,
    };
    let tr = history::trend(snapshot, &timeline, scope, &dates);
    match format {
        TrendFormat::Csv => {
            let rows: Vec<[String; 6]> = tr
                .points
                .iter()
                .map(|p| {
                    [
                        p.date.to_string(),
                        fw.skill(p.skill).name.clone(),
                        p.covered.to_string(),
                        p.target_count.to_string(),
                        p.shortfall.to_string(),
                        level_text(p.best, ""),
                    ]
                })
                .collect();
            write_csv(out, &TREND_HEADER, rows)
        }
        TrendFormat::Json => {
            #[derive(serde::Serialize)]
            struct Row<'a> {
                date: String,
                skill: &'a str,
                covered: u32,
                target_count: u32,
                shortfall: u32,
                best_level: Option<Level>,
            }
            #[derive(serde::Serialize)]
            struct Below {
                date: String,
                members_below_role: usize,
            }
            #[derive(serde::Serialize)]
            struct Doc<'a> {
                team: String,
                from: String,
                to: String,
                rows: Vec<Row<'a>>,
                below_role: Vec<Below>,
            }
            let doc = Doc {
                team: team_name,
                from: from.to_string(),
                to: to.to_string(),
                rows: tr
                    .points
                    .iter()
                    .map(|p| Row {
                        date: p.date.to_string(),
                        skill: &fw.skill(p.skill).name,
                        covered: p.covered,
                        target_count: p.target_count,
                        shortfall: p.shortfall,
                        best_level: p.best,
                    })
                    .collect(),
                below_role: tr
                    .below_role
                    .iter()
                    .map(|(d, n)| Below {
                        date: d.to_string(),
                        members_below_role: *n,
                    })
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &doc)
                .map_err(|e| out_err(std::io::Error::from(e)))?;
            writeln!(out).map_err(out_err)
        }
    }
}

/// `import` of filled assessment packs: a line per pack, all imported or none. Packs say
/// whose and which ratings they hold, so only `--dry-run` applies.
fn import_packs(
    files: &[PathBuf],
    options: &crate::transfer::ImportOptions,
    db: &Path,
    out: &mut dyn Write,
) -> Result<()> {
    if options.sheet.is_some()
        || options.team.is_some()
        || options.mode != crate::io::Mode::Merge
        || options.source != crate::model::Source::Lead
        || options.add_skills != crate::transfer::AddSkills::No
    {
        return Err(Error::Usage(
            "assessment packs say whose and which ratings they hold: --sheet, --team, --mode, --source and --add-skills do not apply".into(),
        ));
    }
    let dry_run = options.dry_run;
    let mut core = if dry_run {
        Core::open_read_only(db)?
    } else {
        Core::open(db)?
    };
    let lines = crate::transfer::import_packs(&mut core, files, dry_run)?;
    let mut total = 0;
    for l in &lines {
        total += l.filled;
        writeln!(
            out,
            "{} ({}): {} filled, {} left blank ({})",
            l.member,
            l.team,
            plural(l.filled, "skill", "skills"),
            l.blank,
            l.file.display()
        )
        .map_err(out_err)?;
    }
    let verb = if dry_run { "would import" } else { "imported" };
    writeln!(
        out,
        "{verb} {} from {} as the people's own ratings",
        plural(total, "rating", "ratings"),
        plural(lines.len(), "pack", "packs")
    )
    .map_err(out_err)
}

/// `pack`: one assessment pack per member.
fn pack(
    db: &Path,
    team: Option<&str>,
    dir: &Path,
    hide_expected: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let core = Core::open_read_only(db)?;
    let team = team.map(|t| find_team(core.snapshot(), t)).transpose()?;
    let written = crate::transfer::write_packs(&core, dir, team, hide_expected)?;
    writeln!(
        out,
        "wrote {} to {}",
        plural(written.len(), "assessment pack", "assessment packs"),
        dir.display()
    )
    .map_err(out_err)
}

/// `framework diff`: what a framework file would change, with the ratings affected.
fn framework_diff(db: &Path, file: &Path, out: &mut dyn Write) -> Result<()> {
    let (new, renamed) = crate::transfer::read_framework_file(file)?;
    let core = Core::open_read_only(db)?;
    let update = crate::transfer::plan_framework_update(core.snapshot(), &new, &renamed, file)?;
    for l in crate::transfer::framework_diff_lines(core.snapshot(), &update) {
        writeln!(out, "{l}").map_err(out_err)?;
    }
    Ok(())
}

fn framework_update(db: &Path, file: &Path, dry_run: bool, out: &mut dyn Write) -> Result<()> {
    let (new, renamed) = crate::transfer::read_framework_file(file)?;
    let mut core = if dry_run {
        Core::open_read_only(db)?
    } else {
        Core::open(db)?
    };
    let update = crate::transfer::plan_framework_update(core.snapshot(), &new, &renamed, file)?;
    for l in crate::transfer::framework_diff_lines(core.snapshot(), &update) {
        writeln!(out, "{l}").map_err(out_err)?;
    }
    if !update.changed {
        return Ok(());
    }
    if dry_run {
        return writeln!(out, "dry run: nothing changed").map_err(out_err);
    }
    let backup = crate::transfer::apply_framework_update(&mut core, update)?;
    if let Some(b) = backup {
        writeln!(out, "backup: {}", b.display()).map_err(out_err)?;
    }
    writeln!(out, "updated to {}", core.snapshot().framework.title()).map_err(out_err)
}

/// `check`: never creates a file; reports a missing, empty or damaged one.
fn check(db: &Path, out: &mut dyn Write) -> Result<()> {
    let problems = Store::open_for_check(db)?.check()?;
    if problems.is_empty() {
        writeln!(out, "ok: {}", db.display()).map_err(out_err)
    } else {
        let shown: Vec<&str> = problems.iter().take(5).map(String::as_str).collect();
        Err(Error::Damaged {
            detail: format!(
                "{}: {}",
                plural(problems.len(), "problem", "problems"),
                shown.join("; ")
            ),
            path: db.to_path_buf(),
        })
    }
}

/// `import`: the file is read (and refused if it is not a regular file or too big) before
/// the database is opened, so a slow or hostile input never holds the write lock.
fn import(
    file: &Path,
    options: &crate::transfer::ImportOptions,
    db: &Path,
    out: &mut dyn Write,
) -> Result<()> {
    if options.team.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return Err(Error::Usage(
            "--team needs a team name (it fills empty Team cells)".to_string(),
        ));
    }
    let bytes = match crate::transfer::read_import(file) {
        Err(Error::Import { mut problems, path }) if problems.has(ProblemKind::NotAFile) => {
            problems.push(Problem::file("give - to read standard input"));
            return Err(Error::Import { problems, path });
        }
        other => other?,
    };
    if file != Path::new("-") && crate::transfer::is_pack(&bytes) {
        return import_packs(&[file.to_path_buf()], options, db, out);
    }
    let mut core = if options.dry_run {
        Core::open_read_only(db)?
    } else {
        Core::open(db)?
    };
    let report = match crate::transfer::import_bytes(&mut core, &bytes, file, options) {
        Err(Error::Import { mut problems, path }) if problems.has(ProblemKind::NoTeam) => {
            problems.list.insert(
                0,
                Problem::file(
                    "rows without a team: import with --team NAME to put them in one team",
                ),
            );
            return Err(Error::Import { problems, path });
        }
        other => other?,
    };
    let verb = if report.dry_run {
        "dry run of"
    } else {
        "imported"
    };
    writeln!(out, "{verb} {}: {}", file.display(), report.description()).map_err(out_err)?;
    for warning in report.warnings() {
        writeln!(out, "warning: {warning}").map_err(out_err)?;
    }
    if !report.new_skills.is_empty() {
        writeln!(
            out,
            "custom skills {}: {}",
            if report.dry_run { "to add" } else { "added" },
            crate::model::quoted(&report.new_skills)
        )
        .map_err(out_err)?;
    }
    for line in report.summary.lines() {
        writeln!(out, "{line}").map_err(out_err)?;
    }
    if report.dry_run {
        writeln!(out, "nothing was changed (dry run)").map_err(out_err)?;
    }
    core.close_for_exit();
    Ok(())
}

/// The scope `--team` names, with its name as reports print it ("All teams" without one).
fn scope_named(snapshot: &Snapshot, team: Option<&str>) -> Result<(Scope, String)> {
    Ok(match team {
        Some(name) => {
            let id = find_team(snapshot, name)?;
            let name = snapshot
                .team(id)
                .map(|t| t.name.clone())
                .unwrap_or_default();
            (Scope::Team(id), name)
        }
        None => (Scope::All, "All teams".to_string()),
    })
}

/// The team with this name, or an error listing the teams.
fn find_team(snapshot: &Snapshot, name: &str) -> Result<crate::model::TeamId> {
    if let Some(t) = snapshot.team_named(name) {
        return Ok(t.id);
    }
    let names: Vec<&str> = snapshot.teams().map(|t| t.name.as_str()).collect();
    let hint = if names.is_empty() {
        "there are no teams yet".to_string()
    } else {
        format!("teams are: {}", names.join(", "))
    };
    Err(Error::NotFound {
        kind: "team",
        name: name.to_string(),
        hint: Some(hint),
    })
}

/// `info`: counts by SQL and the framework alone, never the whole matrix, so it answers at
/// once for a 100,000-member organisation database.
fn info(store: &Store, out: &mut dyn Write) -> Result<()> {
    store.begin_read()?;
    let counts = store.counts()?;
    let framework = store.load_framework()?;
    let fw = &framework;
    let sources = store.rollup_sources()?;
    let writable = match store.read_only_reason() {
        Some(reason) => format!("no ({reason})"),
        None => "yes".to_string(),
    };
    let lines = [
        ("database", store.path().display().to_string()),
        ("schema version", store.schema_version()?.to_string()),
        ("teams", counts.teams.to_string()),
        ("members", counts.members.to_string()),
        ("former members", counts.former.to_string()),
        ("ratings", counts.ratings.to_string()),
        ("own ratings", counts.own_ratings.to_string()),
        ("former members' ratings", counts.former_ratings.to_string()),
        ("rating history", counts.history.to_string()),
        ("framework", fw.title()),
        (
            "framework skills",
            fw.skills
                .iter()
                .filter(|s| s.is_framework())
                .count()
                .to_string(),
        ),
        (
            "custom skills",
            fw.active_skills().filter(|s| s.custom).count().to_string(),
        ),
        (
            "retired skills",
            fw.skills.iter().filter(|s| s.retired).count().to_string(),
        ),
        (
            "framework role levels",
            fw.role_levels
                .iter()
                .filter(|l| !l.retired)
                .count()
                .to_string(),
        ),
        ("writable", writable),
    ];
    let mut lines = lines.to_vec();
    if !sources.is_empty() {
        let files: std::collections::BTreeSet<&str> =
            sources.iter().map(|r| r.source.as_str()).collect();
        lines.push((
            "rolled-up teams",
            format!(
                "{} from {}{}",
                sources.len(),
                plural(files.len(), "team file", "team files"),
                if sources.iter().any(|r| r.pseudonymised) {
                    " (names pseudonymised)"
                } else {
                    ""
                }
            ),
        ));
    }
    for (key, value) in lines {
        writeln!(out, "{key}: {value}").map_err(out_err)?;
    }
    Ok(())
}

fn level_text(level: Option<Level>, missing: &str) -> String {
    level.map_or_else(|| missing.to_string(), |l| l.name().to_string())
}

fn skills(
    snapshot: &Snapshot,
    role_level: Option<&str>,
    format: TableFormat,
    out: &mut dyn Write,
) -> Result<()> {
    let fw: &Framework = &snapshot.framework;
    let id = match role_level {
        Some(name) => fw.find_role_level(name)?,
        None => fw.central_role_level().ok_or_else(|| {
            Error::Usage("the framework names no central role: give --role-level NAME".into())
        })?,
    };
    let rl = fw.role_level(id);
    let rows: Vec<[String; 2]> = rl
        .requires
        .iter()
        .map(|q| {
            [
                fw.skill(q.skill).name.clone(),
                level_text(q.level, "not defined"),
            ]
        })
        .collect();
    match format {
        TableFormat::Csv => write_csv(out, &["Skill", "Required level"], rows),
        TableFormat::Text => {
            writeln!(out, "{} ({})", rl.name, fw.role(rl.role).name).map_err(out_err)?;
            write_table(out, &["Skill", "Required level"], &rows)
        }
    }
}

/// Every skill with its category and source: the framework's by name, then custom ones,
/// then retired ones.
fn all_skills(snapshot: &Snapshot, format: TableFormat, out: &mut dyn Write) -> Result<()> {
    let fw: &Framework = &snapshot.framework;
    let mut list: Vec<&crate::model::Skill> = fw.skills_in_order().collect();
    list.sort_by_key(|s| s.retired);
    let rows: Vec<[String; 3]> = list
        .iter()
        .map(|s| {
            [
                s.name.clone(),
                s.category.clone().unwrap_or_default(),
                s.source().to_string(),
            ]
        })
        .collect();
    let header = ["Skill", "Category", "Source"];
    match format {
        TableFormat::Csv => write_csv(out, &header, rows),
        TableFormat::Text => {
            writeln!(out, "{}", fw.title()).map_err(out_err)?;
            write_table(out, &header, &rows)
        }
    }
}

/// A skill by name, retired or not, or an error suggesting the nearest name.
fn skill_by_name(fw: &Framework, name: &str) -> Result<crate::model::SkillId> {
    fw.find_skill(name)
}

/// `skills add|rename|retire|restore|require`: one change, one transaction.
fn skills_change(db: &Path, action: &SkillsCommand, out: &mut dyn Write) -> Result<()> {
    use crate::core::Action;
    use crate::model::framework_edit::SkillText;
    let mut core = Core::open(db)?;
    let fw = core.snapshot().framework.clone();
    let (action, done) = match action {
        SkillsCommand::Add {
            name,
            category,
            description,
        } => (
            Action::AddSkill {
                text: SkillText {
                    category: category.clone(),
                    description: description.clone(),
                    ..SkillText::named(name)
                },
            },
            "added".to_string(),
        ),
        SkillsCommand::Rename { old, new } => {
            let skill = skill_by_name(&fw, old)?;
            let mut text = SkillText::of(fw.skill(skill));
            text.name = new.clone();
            (
                Action::EditSkill { skill, text },
                format!("renamed from \"{}\"", fw.skill(skill).name),
            )
        }
        SkillsCommand::Retire { name } => {
            let skill = skill_by_name(&fw, name)?;
            (
                Action::SetSkillRetired {
                    skill,
                    retired: true,
                },
                "retired (hidden from the matrix and analysis; its ratings and history are kept)"
                    .to_string(),
            )
        }
        SkillsCommand::Restore { name } => {
            let skill = skill_by_name(&fw, name)?;
            (
                Action::SetSkillRetired {
                    skill,
                    retired: false,
                },
                "restored".to_string(),
            )
        }
        SkillsCommand::Require {
            skill,
            role_level,
            level,
        } => {
            let id = skill_by_name(&fw, skill)?;
            let rl = fw.find_role_level(role_level)?;
            let level = match level.trim().to_lowercase().as_str() {
                "none" | "clear" | "-" => None,
                text => match Level::parse(text).filter(|&l| l > Level::None) {
                    Some(l) => Some(l),
                    None => {
                        return Err(Error::Usage(format!(
                            "\"{level}\" is not a level (Awareness, Working, Practitioner, Expert, or none)"
                        )));
                    }
                },
            };
            (
                Action::SetCustomRequirement {
                    role_level: rl,
                    skill: id,
                    level,
                },
                format!(
                    "now {} for {}",
                    level_text(level, "not required"),
                    fw.role_level(rl).name
                ),
            )
        }
    };
    let named = match &action {
        Action::AddSkill { text } => text.name.clone(),
        Action::EditSkill { text, .. } => text.name.clone(),
        Action::SetSkillRetired { skill, .. } | Action::SetCustomRequirement { skill, .. } => {
            fw.skill(*skill).name.clone()
        }
        _ => String::new(),
    };
    let outcome = core.apply(action)?;
    let name = outcome
        .skill
        .map_or(named, |s| core.snapshot().framework.skill(s).name.clone());
    if outcome.changed {
        writeln!(out, "\"{name}\": {done}").map_err(out_err)?;
    } else {
        writeln!(out, "\"{name}\": nothing to change").map_err(out_err)?;
    }
    Ok(())
}

fn write_csv<const N: usize>(
    out: &mut dyn Write,
    header: &[&str; N],
    rows: Vec<[String; N]>,
) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header).map_err(Error::csv_output)?;
    for row in rows {
        w.write_record(&row).map_err(Error::csv_output)?;
    }
    w.flush().map_err(out_err)
}

fn write_table<const N: usize>(
    out: &mut dyn Write,
    header: &[&str; N],
    rows: &[[String; N]],
) -> Result<()> {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(header.to_vec())).map_err(out_err)?;
    for row in rows {
        writeln!(out, "{}", line(row.iter().map(String::as_str).collect())).map_err(out_err)?;
    }
    Ok(())
}

/// What `gaps` was asked for.
struct GapsAsk<'a> {
    team: Option<&'a str>,
    by_team: bool,
    without: &'a [String],
    hire: &'a [String],
    format: GapsFormat,
    all: bool,
}

/// `gaps`: the report, then one rendering of it. Returns the number of data rows.
fn gaps(snapshot: &Snapshot, ask: &GapsAsk<'_>, out: &mut dyn Write) -> Result<usize> {
    let json = |out: &mut dyn Write, value: &dyn erased::Json| -> Result<()> {
        value.write_pretty(out)?;
        writeln!(out).map_err(out_err)
    };
    if ask.by_team {
        let reports = report::by_team_reports(snapshot, ask.all);
        let cells = report::by_team_cells(&reports);
        match ask.format {
            GapsFormat::Json => json(out, &reports)?,
            GapsFormat::Csv => write_csv(out, &report::BY_TEAM_HEADER, cells.clone())?,
            GapsFormat::Text => by_team_text(&reports, &cells, ask.all, out)?,
            GapsFormat::Parquet => out
                .write_all(&crate::io::parquet::encode_gaps(&reports)?)
                .map_err(out_err)?,
        }
        return Ok(cells.len());
    }
    if !ask.without.is_empty() || !ask.hire.is_empty() {
        let Some(team) = ask.team else {
            return Err(Error::Usage("--without and --hire need --team NAME".into()));
        };
        let team = find_team(snapshot, team)?;
        let plan = what_if_plan(snapshot, team, ask.without, ask.hire)?;
        let today = crate::model::time::today();
        let report = report::what_if_report(snapshot, team, &plan, today, ask.all);
        match ask.format {
            GapsFormat::Json => json(out, &report)?,
            GapsFormat::Csv => write_csv(
                out,
                &report::WHAT_IF_HEADER,
                report.skills.iter().map(report::what_if_cells).collect(),
            )?,
            GapsFormat::Text => what_if_text(&report, out)?,
            GapsFormat::Parquet => {
                return Err(Error::Usage(
                    "--format parquet is for --by-team; use csv or json for a what-if".into(),
                ));
            }
        }
        return Ok(report.skills.len());
    }
    if ask.team.is_none() && crate::model::analysis::single_team(snapshot, Scope::All).is_none() {
        // Several teams: each against its own target, never everyone pooled.
        let report = report::org_gaps_report(snapshot, ask.all);
        match ask.format {
            GapsFormat::Json => json(out, &report)?,
            GapsFormat::Csv => write_csv(
                out,
                &report::ORG_GAPS_HEADER,
                report.skills.iter().map(report::org_gap_cells).collect(),
            )?,
            GapsFormat::Text => org_gaps_text(&report, ask.all, out)?,
            GapsFormat::Parquet => {
                return Err(Error::Usage(
                    "--format parquet is for --by-team (every team's gaps)".into(),
                ));
            }
        }
        return Ok(report.skills.len());
    }
    let report = gaps_report(snapshot, ask.team, ask.all)?;
    match ask.format {
        GapsFormat::Json => json(out, &report)?,
        GapsFormat::Csv => gaps_csv(&report, out)?,
        GapsFormat::Text => gaps_text(&report, ask.all, out)?,
        GapsFormat::Parquet => {
            return Err(Error::Usage(
                "--format parquet is for --by-team (every team's gaps)".into(),
            ));
        }
    }
    Ok(report.skills.len())
}

/// Serialising any report as pretty JSON through one function.
mod erased {
    use super::*;
    pub trait Json {
        fn write_pretty(&self, out: &mut dyn Write) -> Result<()>;
    }
    impl<T: serde::Serialize> Json for T {
        fn write_pretty(&self, out: &mut dyn Write) -> Result<()> {
            serde_json::to_writer_pretty(out, self).map_err(|e| out_err(std::io::Error::from(e)))
        }
    }
}

/// The plan of a what-if from names: members of `team` leaving, role levels joining.
fn what_if_plan(
    snapshot: &Snapshot,
    team: crate::model::TeamId,
    without: &[String],
    hire: &[String],
) -> Result<crate::model::whatif::Plan> {
    let mut plan = crate::model::whatif::Plan::default();
    for name in without {
        let Some(m) = snapshot.member_named(team, name) else {
            let team_name = snapshot
                .team(team)
                .map(|t| t.name.clone())
                .unwrap_or_default();
            return Err(Error::NotFound {
                kind: "member",
                name: name.clone(),
                hint: Some(format!("--without names a current member of {team_name}")),
            });
        };
        plan.leaving.insert(m.id);
    }
    for name in hire {
        let role_level = snapshot.framework.find_role_level(name)?;
        plan.hires.push(crate::model::whatif::Hire { role_level });
    }
    Ok(plan)
}

fn what_if_text(report: &report::WhatIfReport, out: &mut dyn Write) -> Result<()> {
    let mut change = Vec::new();
    if !report.leaving.is_empty() {
        change.push(format!("{} left", report.leaving.join(", ")));
    }
    if !report.hires.is_empty() {
        change.push(format!("{} joined", report.hires.join(", ")));
    }
    writeln!(
        out,
        "What if {}: {} ({} today). Targets are today's.",
        change.join(" and "),
        plural(report.members_then, "member", "members"),
        report.members_today
    )
    .map_err(out_err)?;
    if report.skills.is_empty() {
        return writeln!(out, "No gaps, and no skill changes.").map_err(out_err);
    }
    let rows: Vec<[String; 6]> = report
        .skills
        .iter()
        .map(|r| {
            // One verdict per skill: what got worse, or "better", never both.
            let mut flags = r.worse.clone();
            if r.verdict == "better" {
                flags.push("better".to_string());
            }
            if let Some(who) = r
                .then
                .held_only_by
                .as_ref()
                .filter(|_| !r.new_single_point_of_failure)
            {
                flags.push(format!("held only by {who}"));
            } else if let Some(who) = &r.then.held_only_by {
                flags.push(format!("now held only by {who}"));
            }
            if r.covered_today.is_none() {
                flags.push("new to the team".to_string());
            }
            [
                r.then.skill.clone(),
                format!("{} x {}", r.then.target_count, r.then.target_level),
                r.covered_today.map_or_else(
                    || "-".to_string(),
                    |c| format!("{c}/{}", r.then.target_count),
                ),
                format!("{}/{}", r.then.covered, r.then.target_count),
                r.then.shortfall.to_string(),
                flags.join("; "),
            ]
        })
        .collect();
    writeln!(out).map_err(out_err)?;
    write_table(
        out,
        &["Skill", "Target", "Today", "Then", "Short", "Notes"],
        &rows,
    )
}

fn by_team_text(
    reports: &[GapsReport],
    cells: &[[String; 9]],
    all: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let short = reports
        .iter()
        .filter(|r| r.skills.iter().any(|g| g.shortfall > 0))
        .count();
    writeln!(
        out,
        "{}; {} short of a target.",
        plural(reports.len(), "team with members", "teams with members"),
        short
    )
    .map_err(out_err)?;
    if cells.is_empty() {
        return writeln!(out, "No gaps: every team meets its targets.").map_err(out_err);
    }
    writeln!(
        out,
        "\n{} by team, worst first:",
        if all { "Skills" } else { "Gaps" }
    )
    .map_err(out_err)?;
    let rows: Vec<[String; 6]> = cells
        .iter()
        .map(|c| {
            [
                c[0].clone(),
                c[1].clone(),
                format!("{} x {}", c[3], c[2]),
                format!("{}/{}", c[4], c[3]),
                c[5].clone(),
                if c[6] == "yes" {
                    format!("held only by {}", c[8])
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    write_table(
        out,
        &["Team", "Skill", "Target", "Covered", "Short", "Notes"],
        &rows,
    )
}

/// The gap analysis of a team by names, as every format writes it. Without a name, the
/// database's one team with members.
fn gaps_report(snapshot: &Snapshot, team: Option<&str>, all: bool) -> Result<GapsReport> {
    let (scope, team_name) = match team {
        Some(_) => scope_named(snapshot, team)?,
        None => match crate::model::analysis::single_team(snapshot, Scope::All) {
            Some(id) => (
                Scope::Team(id),
                snapshot
                    .team(id)
                    .map_or_else(|| "All teams".to_string(), |t| t.name.clone()),
            ),
            None => scope_named(snapshot, None)?,
        },
    };
    Ok(report::gaps_report(snapshot, scope, team_name, all))
}

/// `gaps` across several teams: per skill, the teams short of their own target, the people
/// missing in all and the teams resting on one person.
fn org_gaps_text(report: &report::OrgGapsReport, all: bool, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "{}: {} in {}; {} short of a target.",
        report.scope,
        plural(report.members, "member", "members"),
        plural(report.teams, "team", "teams"),
        plural(report.teams_short, "team", "teams"),
    )
    .map_err(out_err)?;
    if report.skills.is_empty() {
        writeln!(
            out,
            "No gaps: every team meets its targets, and no team rests on one person."
        )
        .map_err(out_err)?;
    } else {
        writeln!(
            out,
            "\n{} worst first (each team against its own target; --by-team lists them):",
            if all {
                "Skills across teams,"
            } else {
                "Gaps across teams,"
            }
        )
        .map_err(out_err)?;
        let rows: Vec<[String; 4]> = report
            .skills
            .iter()
            .map(|r| {
                [
                    r.skill.clone(),
                    format!("{} of {}", r.teams_short, r.teams_with_target),
                    r.people_missing.to_string(),
                    format!("{} of {}", r.teams_on_one_person, r.teams_with_target),
                ]
            })
            .collect();
        write_table(
            out,
            &[
                "Skill",
                "Teams short",
                "People missing",
                "Teams on one person",
            ],
            &rows,
        )?;
    }
    below_role_text(&report.members_below_role, out)
}

fn gaps_csv(report: &GapsReport, out: &mut dyn Write) -> Result<()> {
    write_csv(
        out,
        &report::GAPS_HEADER,
        report.skills.iter().map(report::gap_cells).collect(),
    )
}

fn gaps_text(report: &GapsReport, all: bool, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "{}: {}",
        report.team,
        plural(report.members, "member", "members")
    )
    .map_err(out_err)?;
    if report.members == 0 {
        writeln!(out, "No members yet: nothing to cover.").map_err(out_err)?;
    } else if report.skills.is_empty() {
        writeln!(out, "No gaps: every skill meets its target.").map_err(out_err)?;
    } else {
        writeln!(
            out,
            "\n{} worst first:",
            if all { "Skills," } else { "Gaps," }
        )
        .map_err(out_err)?;
        let rows: Vec<[String; 6]> = report
            .skills
            .iter()
            .map(|r| {
                let mut flags = Vec::new();
                if let Some(who) = &r.held_only_by {
                    flags.push(format!("held only by {who}"));
                }
                if let Some(next) = r.closest.first().filter(|_| r.shortfall > 0) {
                    flags.push(format!("closest: {next}"));
                }
                if !r.interested.is_empty() {
                    flags.push(format!("interested: {}", r.interested.join(", ")));
                }
                [
                    r.skill.clone(),
                    format!("{} x {}", r.target_count, r.target_level),
                    format!("{}/{}", r.covered, r.target_count),
                    r.shortfall.to_string(),
                    level_text(r.best_level, "not rated"),
                    flags.join("; "),
                ]
            })
            .collect();
        write_table(
            out,
            &["Skill", "Target", "Covered", "Short", "Best", "Notes"],
            &rows,
        )?;
    }
    below_role_text(&report.members_below_role, out)
}

/// The closing line of `gaps`: who is below their role level, counted as people, skills and
/// (member, skill) pairs, each named for what it counts.
fn below_role_text(below: &[report::MemberRow], out: &mut dyn Write) -> Result<()> {
    if below.is_empty() {
        return Ok(());
    }
    let people: std::collections::BTreeSet<(&str, &str)> = below
        .iter()
        .map(|r| (r.team.as_str(), r.member.as_str()))
        .collect();
    let skills: std::collections::BTreeSet<&str> = below.iter().map(|r| r.skill.as_str()).collect();
    writeln!(
        out,
        "\n{} below their role level's requirement: {} short across {} (use --format json for the list).",
        plural(people.len(), "member is", "members are"),
        plural(below.len(), "member-skill pair", "member-skill pairs"),
        plural(skills.len(), "skill", "skills"),
    )
    .map_err(out_err)
}
