//! Files in and out: reads an import file (with its size limit) and applies its plan through
//! the core in one transaction; writes exports to a temporary file beside the target and
//! renames it into place, so a failed export never leaves a half-written file.

use crate::core::{Action, Core};
use crate::error::{Error, Result};
use crate::io::{self, ExportOptions, Mode, Plan, Problem, Problems, ReadFile, Summary};
use crate::model::TeamId;
use std::io::Write;
use std::path::Path;

/// How to import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Fills empty or absent Team cells.
    pub team: Option<String>,
    /// Merge or replace.
    pub mode: Mode,
    /// Work out and report what would change, change nothing.
    pub dry_run: bool,
}

/// What an import did (or would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// How the file was read.
    pub read: ReadFile,
    /// The counts.
    pub summary: Summary,
    /// Whether nothing was changed because it was a dry run.
    pub dry_run: bool,
}

impl ImportReport {
    /// A description of how the file was read, e.g. "wide (one row per member), UTF-8 with
    /// BOM, comma-separated, 12 rows".
    pub fn description(&self) -> String {
        let rows = self.read.parsed.rows;
        format!(
            "{}, {}, {}-separated, {rows} {}",
            self.read.parsed.format,
            self.read.encoding,
            io::records::delimiter_name(self.read.delimiter),
            if rows == 1 { "row" } else { "rows" }
        )
    }
}

fn file_problem(path: &Path, p: Problem) -> Error {
    let mut problems = Problems::default();
    problems.push(p);
    Error::Import {
        problems,
        path: path.to_path_buf(),
    }
}

/// Reads an import file's bytes, refusing files over the size limit before reading them.
pub fn read_file_bytes(path: &Path) -> Result<Vec<u8>> {
    let io_err = |source| Error::Io {
        action: "read the import file",
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io_err)?.len();
    if size > io::text::MAX_FILE_BYTES as u64 {
        return Err(file_problem(
            path,
            Problem::file(format!(
                "the file is {:.1} MiB; the largest file capmatrix imports is 64 MiB",
                size as f64 / 1048576.0
            )),
        ));
    }
    std::fs::read(path).map_err(io_err)
}

/// Imports a file: reads and checks all of it, then applies it in one transaction (one undo
/// step), or with `dry_run` only reports what it would do.
pub fn import_file(core: &mut Core, path: &Path, options: &ImportOptions) -> Result<ImportReport> {
    let bytes = read_file_bytes(path)?;
    import_bytes(core, &bytes, path, options)
}

/// Imports a file's bytes; `path` names the file in messages and the undo label.
pub fn import_bytes(
    core: &mut Core,
    bytes: &[u8],
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let read = io::read(bytes, &core.snapshot().framework, options.team.as_deref()).map_err(
        |problems| Error::Import {
            problems,
            path: path.to_path_buf(),
        },
    )?;
    let plan = io::plan(core.snapshot(), &read.parsed, options.mode);
    if !options.dry_run {
        let label = format!(
            "import {}",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        apply_plan(core, &plan, &label)?;
    }
    Ok(ImportReport {
        read,
        summary: plan.summary,
        dry_run: options.dry_run,
    })
}

/// Applies an import plan through the core, in one transaction.
pub fn apply_plan(core: &mut Core, plan: &Plan, label: &str) -> Result<()> {
    if plan.summary.is_empty() {
        return Ok(());
    }
    core.apply_batch(label, |b| {
        let mut teams: Vec<TeamId> = Vec::with_capacity(plan.teams.len());
        for t in &plan.teams {
            let id = match t.existing {
                Some(id) => id,
                None => b
                    .apply(Action::CreateTeam {
                        name: t.name.clone(),
                    })?
                    .team
                    .ok_or_else(|| Error::invalid("team was not created"))?,
            };
            teams.push(id);
        }
        for m in &plan.members {
            let member = match m.existing {
                Some(id) => {
                    if let Some(role_level) = m.role_level {
                        b.apply(Action::SetRoleLevel {
                            member: id,
                            role_level,
                        })?;
                    }
                    id
                }
                None => b
                    .apply(Action::AddMember {
                        team: teams[m.team],
                        name: m.name.clone(),
                        role_level: m.role_level.flatten(),
                    })?
                    .member
                    .ok_or_else(|| Error::invalid("member was not added"))?,
            };
            for change in &m.ratings {
                let action = match change {
                    io::plan::RatingChange::Set {
                        skill,
                        level,
                        note,
                        interested,
                        at,
                    } => Action::SetRating {
                        member,
                        skill: *skill,
                        level: *level,
                        note: note.clone(),
                        interested: *interested,
                        at: *at,
                    },
                    io::plan::RatingChange::Clear { skill } => Action::ClearRating {
                        member,
                        skill: *skill,
                    },
                };
                b.apply(action)?;
            }
        }
        for &member in &plan.removals {
            b.apply(Action::RemoveMember { member })?;
        }
        Ok(())
    })
}

/// Exports to a file (or standard output for `-`). `history` (long format only) writes every
/// historical rating. Returns the number of bytes written.
pub fn export_file(
    core: &Core,
    target: &Path,
    options: ExportOptions,
    history: bool,
) -> Result<usize> {
    if history && options.format != io::ExportFormat::Long {
        return Err(Error::Usage(
            "--history needs --format long (the wide format holds current ratings only)".into(),
        ));
    }
    let all_history = if history {
        Some(core.store().all_history()?)
    } else {
        None
    };
    let bytes = io::export(core.snapshot(), options, all_history.as_ref())?;
    if target == Path::new("-") {
        let mut out = std::io::stdout().lock();
        out.write_all(&bytes)
            .and_then(|()| out.flush())
            .map_err(|e| Error::Output(e.to_string()))?;
    } else {
        write_atomically(target, &bytes)?;
    }
    Ok(bytes.len())
}

/// Writes bytes to a temporary file in the target's directory, flushes it to disk and renames
/// it over the target. On any failure the target is untouched and the temporary file removed.
pub fn write_atomically(target: &Path, bytes: &[u8]) -> Result<()> {
    let io_err = |source| Error::Io {
        action: "write the export",
        path: target.to_path_buf(),
        source,
    };
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if target.is_dir() {
        return Err(Error::invalid(format!(
            "cannot write the export: it is a directory ({})",
            target.display()
        )));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".capmatrix-export-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err)?;
    tmp.write_all(bytes).map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(target).map_err(|e| io_err(e.error))?;
    Ok(())
}
