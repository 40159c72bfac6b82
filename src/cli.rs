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
    /// The skills a role level requires and at which level.
    Skills {
        /// The role level (default: the lead level of the framework's central role, for DDaT
        /// Lead data engineer).
        #[arg(long, value_name = "NAME")]
        role_level: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: TableFormat,
    },
    /// A team's capability gaps, worst first.
    Gaps {
        /// The team (default: everyone, as one pool).
        #[arg(long, value_name = "NAME")]
        team: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: GapsFormat,
        /// List every skill of the team, not only the gaps.
        #[arg(long)]
        all: bool,
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
    },
    /// Full integrity check; exits 1 if the database is damaged.
    Check,
    /// Import a matrix from CSV or a workbook (wide or long, detected), all of it or nothing.
    Import {
        /// A CSV file (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab) or a workbook
        /// (.xlsx, .xlsm, .xls, .ods); `-` reads standard input.
        file: PathBuf,
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
    },
    /// Export the matrix; the file's extension picks the type: .csv/.txt (CSV; `-` for
    /// standard output), .xlsx (an Excel workbook), .svg or .png (a picture of the heatmap).
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
    },
    /// Write a consistent copy of the database to FILE while it stays in use.
    Backup {
        /// Where to write the copy (must not exist).
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
        Command::Info => info(&Core::open_read_only(db)?, out),
        Command::Skills { role_level, format } => skills(
            Core::open_read_only(db)?.snapshot(),
            role_level.as_deref(),
            *format,
            out,
        ),
        Command::Gaps { team, format, all } => gaps(
            Core::open_read_only(db)?.snapshot(),
            team.as_deref(),
            *format,
            *all,
            out,
        ),
        Command::Demo {
            members,
            teams,
            seed,
        } => {
            let members = *members as usize;
            let teams = teams.map_or(members.div_ceil(10).max(1), |t| t as usize);
            let mut core = Core::open(db)?;
            let s = crate::demo::add_demo(&mut core, members, teams, *seed)?;
            writeln!(
                out,
                "added {} teams, {} members and {} ratings to {}",
                s.teams,
                s.members,
                s.ratings,
                db.display()
            )
            .map_err(out_err)
        }
        Command::Check => check(db, out),
        Command::Import {
            file,
            sheet,
            team,
            mode,
            dry_run,
        } => import(
            file,
            &crate::transfer::ImportOptions {
                team: team.clone(),
                mode: match mode {
                    ImportMode::Merge => crate::io::Mode::Merge,
                    ImportMode::Replace => crate::io::Mode::Replace,
                },
                dry_run: *dry_run,
                sheet: sheet.clone(),
            },
            db,
            out,
        ),
        Command::Export {
            file,
            team,
            format,
            levels,
            history,
        } => {
            if *history && *format != ExportFormatArg::Long {
                return Err(Error::Usage(
                    "--history needs --format long (the wide format holds current ratings only)"
                        .into(),
                ));
            }
            // An unknown extension is refused by export_file, after the target's own checks.
            let kind = if file == Path::new("-") {
                Ok(crate::transfer::ExportType::Csv)
            } else {
                crate::transfer::ExportType::of(file)
            };
            if kind.is_ok_and(|k| k != crate::transfer::ExportType::Csv) {
                if *history {
                    return Err(Error::HistoryNeedsCsv);
                }
                if *format != ExportFormatArg::Wide || *levels != LevelsArg::Names {
                    return Err(Error::Usage(
                        "--format and --levels choose a CSV file's layout; a workbook holds both layouts (its Matrix and Ratings sheets) and a picture shows levels as letters"
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
            };
            let written = crate::transfer::export_file(&core, file, options, *history)?;
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
        Command::Backup { file } => {
            Store::open_read_only(db)?.backup_to(file)?;
            writeln!(out, "backed up {} to {}", db.display(), file.display()).map_err(out_err)
        }
    }
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
    for line in report.summary.lines() {
        writeln!(out, "{line}").map_err(out_err)?;
    }
    if report.dry_run {
        writeln!(out, "nothing was changed (dry run)").map_err(out_err)?;
    }
    Ok(())
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

fn info(core: &Core, out: &mut dyn Write) -> Result<()> {
    let store = core.store();
    let counts = store.counts()?;
    let fw = &core.snapshot().framework;
    let writable = match store.read_only_reason() {
        Some(reason) => format!("no ({reason})"),
        None => "yes".to_string(),
    };
    let lines = [
        ("database", store.path().display().to_string()),
        ("schema version", store.schema_version()?.to_string()),
        ("teams", counts.teams.to_string()),
        ("members", counts.members.to_string()),
        ("ratings", counts.ratings.to_string()),
        ("rating history", counts.history.to_string()),
        ("framework skills", fw.skills.len().to_string()),
        ("framework role levels", fw.role_levels.len().to_string()),
        ("writable", writable),
    ];
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

/// `gaps`: the report, then one rendering of it.
fn gaps(
    snapshot: &Snapshot,
    team: Option<&str>,
    format: GapsFormat,
    all: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let report = gaps_report(snapshot, team, all)?;
    match format {
        GapsFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)
                .map_err(|e| out_err(std::io::Error::from(e)))?;
            writeln!(out).map_err(out_err)
        }
        GapsFormat::Csv => gaps_csv(&report, out),
        GapsFormat::Text => gaps_text(&report, all, out),
    }
}

/// The gap analysis of a team (or everyone) by names, as every format writes it.
fn gaps_report(snapshot: &Snapshot, team: Option<&str>, all: bool) -> Result<GapsReport> {
    let (scope, team_name) = match team {
        Some(name) => {
            let id = find_team(snapshot, name)?;
            let name = snapshot
                .team(id)
                .map(|t| t.name.clone())
                .unwrap_or_default();
            (Scope::Team(id), name)
        }
        None => (Scope::All, "All teams".to_string()),
    };
    Ok(report::gaps_report(snapshot, scope, team_name, all))
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
                if r.single_point_of_failure {
                    flags.push("single point of failure".to_string());
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
    let below = &report.members_below_role;
    if !below.is_empty() {
        let people: std::collections::BTreeSet<(&str, &str)> = below
            .iter()
            .map(|r| (r.team.as_str(), r.member.as_str()))
            .collect();
        writeln!(
            out,
            "\n{} below their role level's requirement in {} (use --format json for the list).",
            if people.len() == 1 {
                "1 member is".to_string()
            } else {
                format!("{} members are", people.len())
            },
            plural(below.len(), "skill", "skills")
        )
        .map_err(out_err)?;
    }
    Ok(())
}
