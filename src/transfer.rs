//! Files in and out: reads an import file (with its size limit) and applies its plan through
//! the core in one transaction; writes exports to a temporary file beside the target and
//! renames it into place, so a failed export never leaves a half-written file.

use crate::core::{Action, Core};
use crate::error::{Error, Result};
use crate::io::{self, ExportOptions, Mode, Plan, Problem, Problems, ReadFile, Summary};
use crate::model::TeamId;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// How to import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Fills empty or absent Team cells.
    pub team: Option<String>,
    /// Merge or replace.
    pub mode: Mode,
    /// Work out and report what would change, change nothing.
    pub dry_run: bool,
    /// A workbook's sheet to read (default: the first with a Member column).
    pub sheet: Option<String>,
    /// Whose ratings the file's rows are, unless a Source column says (default: the lead's).
    pub source: crate::model::Source,
    /// Which of a wide file's unknown columns to create as custom skills.
    pub add_skills: AddSkills,
    /// The assessment date of ratings the file does not date (`import --assessed-on`): a
    /// past matrix brought in is recorded on its date. Ratings older than those held become
    /// history and leave the current ratings as they are.
    pub assessed_on: Option<crate::model::Date>,
}

/// Which unknown columns of a wide file an import creates as custom skills (columns that are
/// neither a capmatrix column nor a skill nor close to a skill's name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AddSkills {
    /// None: they are ignored and listed.
    #[default]
    No,
    /// Every one (`import --add-skills`).
    AllUnknown,
    /// Those named (the window's import preview).
    These(Vec<String>),
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
    /// The first [`MAX_LISTED_CHANGES`] changes, one by one.
    pub changes: Vec<io::plan::Change>,
    /// How many changes there are in all.
    pub changes_total: usize,
    /// Custom skills the import creates (or would), from unknown columns.
    pub new_skills: Vec<String>,
    /// capmatrix's workbook: levels taken from its Ratings sheet, where they were edited
    /// and the Matrix sheet still held the database's level.
    pub taken_from_ratings: usize,
}

/// How many single changes an import report lists.
pub const MAX_LISTED_CHANGES: usize = 200;

impl ImportReport {
    /// A description of how the file was read, e.g. "wide (one row per member), UTF-8 with
    /// BOM, comma-separated, 12 rows".
    pub fn description(&self) -> String {
        let rows = self.read.parsed.rows;
        if let Some(sheet) = &self.read.sheet {
            let others: Vec<&str> = sheet
                .sheets
                .iter()
                .filter(|s| **s != sheet.name && Some(*s) != sheet.details.as_ref())
                .map(String::as_str)
                .collect();
            let details = sheet
                .details
                .as_ref()
                .map(|d| format!(" with notes, interest and dates from sheet \"{d}\""))
                .unwrap_or_default();
            return format!(
                "{}, {} sheet \"{}\"{details}, {rows} {}{}",
                self.read.parsed.format,
                sheet.kind,
                sheet.name,
                if rows == 1 { "row" } else { "rows" },
                if others.is_empty() {
                    String::new()
                } else {
                    format!(" (other sheets: {})", others.join(", "))
                }
            );
        }
        format!(
            "{}, {}, {}-separated, {rows} {}",
            self.read.parsed.format,
            self.read.encoding,
            io::records::delimiter_name(self.read.delimiter),
            if rows == 1 { "row" } else { "rows" }
        )
    }

    /// What the person should know although the import can go ahead: columns ignored.
    pub fn warnings(&self) -> Vec<String> {
        let ignored: Vec<&String> = self
            .read
            .parsed
            .ignored_columns
            .iter()
            .filter(|c| !self.new_skills.contains(c))
            .collect();
        let mut out = Vec::new();
        if self.taken_from_ratings > 0 {
            out.push(format!(
                "took {} from the Ratings sheet, edited there (the Matrix sheet still held the database's level)",
                crate::model::plural(self.taken_from_ratings, "level", "levels")
            ));
        }
        let retired = &self.read.parsed.retired_skills;
        if !retired.is_empty() {
            out.push(format!(
                "left out the ratings in retired {}: {} (restore {} to import them)",
                if retired.len() == 1 {
                    "skill"
                } else {
                    "skills"
                },
                crate::model::quoted(retired),
                if retired.len() == 1 { "it" } else { "them" }
            ));
        }
        if ignored.is_empty() {
            return out;
        }
        out.push(format!(
            "ignored {} {} not a skill or a capmatrix column: {}",
            if ignored.len() == 1 {
                "column"
            } else {
                "columns"
            },
            if ignored.len() == 1 {
                "that is"
            } else {
                "that are"
            },
            crate::model::quoted(&ignored)
        ));
        out
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

/// What a path is, when it is not a regular file, for messages.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// Reads an import file (or standard input for `-`), refusing anything that is not a regular
/// file before opening it (so a FIFO never blocks and a device is never read), and enforcing
/// the size limit while reading rather than trusting the size the file reports.
pub fn read_import(path: &Path) -> Result<Vec<u8>> {
    let limit = io::text::MAX_FILE_BYTES as u64;
    let too_big = || {
        file_problem(
            path,
            Problem::file("the file is too big: the largest file capmatrix imports is 64 MiB"),
        )
    };
    let io_err = |source| Error::Io {
        action: "read the import file",
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(io_err)?;
    } else {
        let meta = std::fs::metadata(path).map_err(io_err)?;
        if !meta.is_file() {
            return Err(file_problem(
                path,
                Problem::file(format!(
                    "it is {}; capmatrix imports regular files (a file a spreadsheet saved)",
                    kind_of(&meta)
                ))
                .with_kind(io::ProblemKind::NotAFile),
            ));
        }
        if meta.len() > limit {
            return Err(too_big());
        }
        let file = std::fs::File::open(path).map_err(io_err)?;
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(io_err)?;
    }
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    Ok(bytes)
}

/// capmatrix's workbook with a level that differs between its Matrix and Ratings sheets:
/// the sheet still holding the database's level is the one not edited, so the other is
/// taken (an edit in the Ratings sheet with its date; one in the Matrix sheet as today's);
/// both edited, or no database level to tell by, is refused naming both cells. Returns how
/// many levels were taken from the Ratings sheet.
fn resolve_sheet_conflicts(
    snapshot: &crate::model::Snapshot,
    read: &mut io::ReadFile,
    path: &Path,
) -> Result<usize> {
    let conflicts = std::mem::take(&mut read.parsed.conflicts);
    let mut problems = crate::problem::Problems::default();
    let mut from_ratings = 0;
    let level = |l: Option<crate::model::Level>| l.map_or("empty".to_string(), |l| l.to_string());
    for c in conflicts {
        let m = &read.parsed.members[c.member];
        let held = snapshot
            .team_named(&m.team)
            .and_then(|t| snapshot.member_named(t.id, &m.name))
            .and_then(|x| x.ratings.get(&c.skill))
            .map(|r| r.level);
        if held.is_some() && held == c.matrix.0 {
            // The Ratings sheet was edited: take its level and date.
            let m = &mut read.parsed.members[c.member];
            if let Some(r) = m.ratings.iter_mut().find(|r| r.skill == c.skill) {
                r.level = c.ratings.0;
                r.at = c.ratings.1;
            }
            from_ratings += 1;
        } else if held.is_some() && held == c.ratings.0 {
            // The Matrix sheet was edited: its level, assessed today (as an edit).
        } else {
            let skill = &snapshot.framework.skill(c.skill).name;
            problems.push(crate::problem::Problem::file(format!(
                "{} ({}), {skill}: the Matrix sheet says {} (Matrix, row {}) and the Ratings sheet says {} (Ratings, row {}); change one so they agree",
                m.name,
                m.team,
                level(c.matrix.0),
                c.matrix.1,
                level(c.ratings.0),
                c.ratings.2,
            )));
        }
    }
    if problems.list.is_empty() {
        Ok(from_ratings)
    } else {
        Err(Error::Import {
            problems,
            path: path.to_path_buf(),
        })
    }
}

/// Imports a file: reads and checks all of it, then applies it in one transaction (one undo
/// step), or with `dry_run` only reports what it would do.
pub fn import_file(core: &mut Core, path: &Path, options: &ImportOptions) -> Result<ImportReport> {
    let bytes = read_import(path)?;
    import_bytes(core, &bytes, path, options)
}

/// Imports a file's bytes; `path` names the file in messages and the undo label.
pub fn import_bytes(
    core: &mut Core,
    bytes: &[u8],
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let read_with = |framework: &crate::model::Framework| {
        io::read_sheet(
            bytes,
            framework,
            options.team.as_deref(),
            options.sheet.as_deref(),
        )
        .map_err(|problems| Error::Import {
            problems,
            path: path.to_path_buf(),
        })
    };
    let mut read = read_with(&core.snapshot().framework)?;
    // Unknown columns to create as skills: the file is read again against the framework
    // with them, and planned against a copy of the matrix that has them.
    let new_skills: Vec<String> = match &options.add_skills {
        AddSkills::No => Vec::new(),
        AddSkills::AllUnknown => read.parsed.ignored_columns.clone(),
        AddSkills::These(names) => read
            .parsed
            .ignored_columns
            .iter()
            .filter(|c| names.contains(c))
            .cloned()
            .collect(),
    };
    let taken_from_ratings = resolve_sheet_conflicts(core.snapshot(), &mut read, path)?;
    // Columns holding levels under a heading that names no skill are ratings that would be
    // lost: refused unless they are created as skills (never dropped silently).
    let lost: Vec<crate::problem::Problem> = read
        .parsed
        .level_columns
        .iter()
        .filter(|(name, _)| !new_skills.contains(name))
        .map(|(_, p)| p.clone())
        .collect();
    if !lost.is_empty() {
        let mut problems = crate::problem::Problems::default();
        for p in lost {
            problems.push(p);
        }
        problems.creatable_columns = read.parsed.ignored_columns.clone();
        return Err(Error::Import {
            problems,
            path: path.to_path_buf(),
        });
    }
    let extended;
    let snapshot = if new_skills.is_empty() {
        core.snapshot()
    } else {
        for (i, a) in new_skills.iter().enumerate() {
            if let Some(b) = new_skills[..i]
                .iter()
                .find(|b| crate::model::search_key(b) == crate::model::search_key(a))
            {
                return Err(Error::Skill(format!(
                    "the columns \"{b}\" and \"{a}\" would be the same new skill; keep one ({})",
                    path.display()
                )));
            }
        }
        let (framework, _) = crate::model::framework_edit::add_custom_skills(
            &core.snapshot().framework,
            &new_skills,
            None,
        )
        .map_err(|e| Error::Skill(format!("{e} ({})", path.display())))?;
        read = read_with(&framework).map_err(|e| match e {
            Error::Import { mut problems, path } => {
                problems.list.insert(
                    0,
                    Problem::file(format!(
                        "columns created as custom skills must hold levels: {}",
                        crate::model::quoted(&new_skills)
                    )),
                );
                Error::Import { problems, path }
            }
            other => other,
        })?;
        let mut copy = core.snapshot().clone();
        copy.framework = std::sync::Arc::new(framework);
        extended = copy;
        &extended
    };
    if let Some(on) = options.assessed_on {
        for r in read
            .parsed
            .members
            .iter_mut()
            .flat_map(|m| m.ratings.iter_mut())
        {
            r.at.get_or_insert(on);
        }
    }
    let mut plan = io::plan_from(snapshot, &read.parsed, options.mode, options.source);
    if plan.summary.ratings_older > 0 {
        // Past assessments already recorded (the same file imported twice) are left out:
        // history holds each assessment once.
        let timeline = core.timeline()?;
        plan.drop_known_past(&|member, source, skill, on, level| {
            timeline.entries(member).iter().any(|(_, e)| {
                e.source == source
                    && e.skill == skill
                    && e.undone.is_none()
                    && e.assessed_on == on
                    && e.level == Some(level)
            })
        });
    }
    // A rolled-up team is a copy (the next roll-up would replace an import into it): refused
    // in the dry run too, where the preview would otherwise promise changes.
    for t in plan.teams.iter().filter_map(|t| t.existing) {
        if let Some(file) = snapshot.rolled_up_from(t) {
            return Err(Error::RolledUp {
                team: snapshot.team(t).map(|t| t.name.clone()).unwrap_or_default(),
                file: file.to_string(),
            });
        }
    }
    let (changes, changes_total) = plan.changes(snapshot, MAX_LISTED_CHANGES);
    if !options.dry_run {
        let label = format!(
            "import {}",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        apply_plan_adding(core, &plan, &new_skills, &label)?;
    }
    Ok(ImportReport {
        read,
        summary: plan.summary,
        dry_run: options.dry_run,
        changes,
        changes_total,
        new_skills,
        taken_from_ratings,
    })
}

/// The action for one planned rating change of a member, the lead's or their own.
fn rating_action(
    member: crate::model::MemberId,
    change: &io::plan::RatingChange,
    source: crate::model::Source,
) -> Action {
    use crate::model::Source;
    use io::plan::RatingChange;
    match change {
        RatingChange::Set {
            skill,
            level,
            note,
            interested,
            at,
        } => Action::set_rating_of(
            source,
            (member, *skill),
            (*level, note.clone(), *interested),
            *at,
        ),
        // Older than the rating held: the core records it in history only.
        RatingChange::Past {
            skill,
            level,
            note,
            interested,
            at,
        } => Action::set_rating_of(
            source,
            (member, *skill),
            (*level, note.clone(), *interested),
            Some(*at),
        ),
        RatingChange::Clear { skill } => match source {
            Source::Lead => Action::ClearRating {
                member,
                skill: *skill,
            },
            Source::SelfAssessed => Action::ClearSelfRating {
                member,
                skill: *skill,
            },
        },
    }
}

/// Applies an import plan through the core, in one transaction.
pub fn apply_plan(core: &mut Core, plan: &Plan, label: &str) -> Result<()> {
    apply_plan_adding(core, plan, &[], label)
}

/// Applies an import plan that rates custom skills it creates first (named in the order
/// their ids were given when planning), all in one transaction.
fn apply_plan_adding(
    core: &mut Core,
    plan: &Plan,
    new_skills: &[String],
    label: &str,
) -> Result<()> {
    if plan.summary.is_empty() && new_skills.is_empty() {
        return Ok(());
    }
    core.apply_batch(label, |b| {
        b.reserve(
            plan.teams.len()
                + plan.removals.len()
                + plan
                    .members
                    .iter()
                    .map(|m| 1 + m.ratings.len() + m.self_ratings.len())
                    .sum::<usize>(),
        );
        for name in new_skills {
            b.apply(Action::AddSkill {
                text: crate::model::framework_edit::SkillText::named(name),
            })?;
        }
        let mut teams: Vec<TeamId> = Vec::with_capacity(plan.teams.len());
        for t in &plan.teams {
            let id = match t.existing {
                Some(id) => id,
                None => b
                    .apply(Action::CreateTeam {
                        name: t.name.clone(),
                    })?
                    .team
                    .ok_or(Error::UnknownId {
                        kind: "team",
                        id: 0,
                    })?,
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
                        // A history file says when they joined; otherwise a new member
                        // joined no later than their earliest dated rating.
                        joined_on: m.history.as_ref().map(|(joined, _)| *joined).or_else(|| {
                            m.ratings
                                .iter()
                                .filter_map(|c| match c {
                                    io::plan::RatingChange::Set { at, .. } => *at,
                                    io::plan::RatingChange::Past { at, .. } => Some(*at),
                                    io::plan::RatingChange::Clear { .. } => None,
                                })
                                .min()
                        }),
                    })?
                    .member
                    .ok_or(Error::UnknownId {
                        kind: "member",
                        id: 0,
                    })?,
            };
            for change in &m.ratings {
                b.apply(rating_action(member, change, crate::model::Source::Lead))?;
            }
            for change in &m.self_ratings {
                b.apply(rating_action(
                    member,
                    change,
                    crate::model::Source::SelfAssessed,
                ))?;
            }
            // A history file's moves, role changes and leaving, on their dates.
            for e in m.history.iter().flat_map(|(_, events)| events) {
                b.apply(match *e {
                    io::plan::PlannedEvent::Moved(team, on) => Action::MoveMemberOn {
                        member,
                        team: teams[team],
                        on,
                    },
                    io::plan::PlannedEvent::Role(role_level, on) => Action::SetRoleLevelOn {
                        member,
                        role_level,
                        on,
                    },
                    io::plan::PlannedEvent::Left(on) => Action::Leave { member, on },
                })?;
            }
        }
        for &member in &plan.removals {
            b.apply(Action::RemoveMember { member })?;
        }
        Ok(())
    })
}

/// Reads a framework file (data/README.md's format) and its `renamed` map; refuses a file
/// that is not one, naming it and saying why.
pub fn read_framework_file(
    path: &Path,
) -> Result<(
    crate::model::Framework,
    std::collections::BTreeMap<String, String>,
)> {
    use crate::model::framework_diff::renamed_map;
    let bytes = read_import(path)?;
    let not_framework = |why: String| Error::Skill(format!("{why} ({})", path.display()));
    let text =
        String::from_utf8(bytes).map_err(|_| not_framework("the file is not UTF-8 text".into()))?;
    let new = crate::model::Framework::from_json(&text).map_err(|e| {
        not_framework(format!(
            "it is not a capmatrix framework file: {}",
            e.to_string().trim_start_matches("framework data: ")
        ))
    })?;
    let renamed = renamed_map(&text).map_err(not_framework)?;
    Ok((new, renamed))
}

/// What a framework file would do to the database's framework (see
/// [`crate::model::framework_edit::merge`]); errors name the file.
pub fn plan_framework_update(
    snapshot: &crate::model::Snapshot,
    new: &crate::model::Framework,
    renamed: &std::collections::BTreeMap<String, String>,
    path: &Path,
) -> Result<crate::model::framework_edit::Update> {
    crate::model::framework_edit::merge(&snapshot.framework, new, renamed).map_err(|e| {
        Error::Skill(format!(
            "{} ({})",
            e.to_string().trim_start_matches("framework data: "),
            path.display()
        ))
    })
}

/// One line per change of a framework update, with the ratings each affects: "removed: X
/// (3 ratings, kept as a retired skill)", "renamed: A -> B (5 ratings)", ...
pub fn framework_diff_lines(
    snapshot: &crate::model::Snapshot,
    update: &crate::model::framework_edit::Update,
) -> Vec<String> {
    use crate::model::{Level, plural};
    let d = &update.diff;
    if !update.changed {
        return vec!["no changes: the file's framework is the database's".to_string()];
    }
    // Ratings (the lead's and their own, current and former members) in a skill.
    let ratings = |skill: crate::model::SkillId| -> usize {
        snapshot
            .all_members()
            .into_iter()
            .chain(snapshot.all_former())
            .map(|m| {
                usize::from(m.ratings.contains_key(&skill))
                    + usize::from(m.self_ratings.contains_key(&skill))
            })
            .sum()
    };
    let mut lines: Vec<String> = Vec::new();
    let text = |t: &Option<String>| t.clone().unwrap_or_else(|| "(none)".to_string());
    if let Some((before, after)) = &d.name {
        lines.push(format!("name: {} -> {}", text(before), text(after)));
    }
    if let Some((before, after)) = &d.version {
        lines.push(format!("version: {} -> {}", text(before), text(after)));
    }
    for (name, id) in &d.removed {
        lines.push(format!(
            "removed: {name} ({}, kept as a retired skill)",
            plural(ratings(*id), "rating", "ratings")
        ));
    }
    for r in &d.renamed {
        lines.push(format!(
            "renamed: {} -> {} ({}{})",
            r.old,
            r.new,
            plural(ratings(r.skill), "rating", "ratings"),
            if r.explicit { "" } else { "; same description" }
        ));
    }
    for name in &d.added {
        lines.push(format!("added: {name}"));
    }
    for name in &d.descriptors_changed {
        lines.push(format!("descriptors changed: {name}"));
    }
    let level = |l: Option<Level>| l.map_or("none".to_string(), |l| l.name().to_string());
    for c in &d.requirements_changed {
        lines.push(format!(
            "required level changed: {} in {}: {} -> {}",
            c.role_level,
            c.skill,
            level(c.old),
            level(c.new)
        ));
    }
    for name in &d.role_levels_added {
        lines.push(format!("role level added: {name}"));
    }
    for name in &d.role_levels_removed {
        lines.push(format!("role level removed: {name}"));
    }
    for name in &d.still_retired {
        lines.push(format!(
            "still retired: {name} (retired here; its text follows the file)"
        ));
    }
    if lines.is_empty() {
        lines.push(
            "other changes: descriptions, ranks or lead levels of roles and role levels".into(),
        );
    }
    lines
}

/// Applies a planned framework update in one transaction (one undo step), after a backup
/// beside the database; returns the backup's path (none for an in-memory database).
pub fn apply_framework_update(
    core: &mut Core,
    update: crate::model::framework_edit::Update,
) -> Result<Option<PathBuf>> {
    let backup = core.store().backup_before("framework-update")?;
    if let Err(e) = core.apply(Action::UpdateFramework {
        framework: Box::new(update.framework),
    }) {
        // Nothing changed: the copy of an unchanged database is not kept.
        if let Some(b) = &backup {
            let _ = std::fs::remove_file(b);
        }
        return Err(e);
    }
    Ok(backup)
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Data rows (members in the wide layout, ratings in the long one), without the header.
    pub rows: usize,
    /// Bytes.
    pub bytes: usize,
}

/// Exports to a file (or standard output for `-`). `history` (long format only) writes every
/// historical rating. Returns what was written. Refuses, writing nothing, a target
/// that is the open database or one of its companions, any SQLite file, or anything that is
/// not a regular file (see [`check_export_target`]).
pub fn export_file(
    core: &Core,
    target: &Path,
    options: ExportOptions,
    history: bool,
) -> Result<Written> {
    export_file_as_of(core, target, options, history, None)
}

/// As [`export_file`], with the matrix as it stood at the end of `as_of` (members who had left
/// by then excluded, undone edits ignored) when a date is given.
pub fn export_file_as_of(
    core: &Core,
    target: &Path,
    options: ExportOptions,
    history: bool,
    as_of: Option<crate::model::Date>,
) -> Result<Written> {
    if history && as_of.is_some() {
        return Err(Error::Usage(
            "--history lists every entry; --as-of gives the matrix on one date: use one of them"
                .into(),
        ));
    }
    let then;
    let snapshot = match as_of {
        Some(date) => {
            then = crate::model::history::as_of(core.snapshot(), &core.timeline()?, date);
            &then
        }
        None => core.snapshot(),
    };
    let to_stdout = target == Path::new("-");
    let kind = if to_stdout {
        ExportType::Csv
    } else {
        check_export_target(target, core.store().path())?;
        ExportType::of(target)?
    };
    if history && !matches!(kind, ExportType::Csv | ExportType::Parquet) {
        return Err(Error::HistoryNeedsCsv);
    }
    if history && options.format != io::ExportFormat::Long && kind != ExportType::Parquet {
        return Err(Error::HistoryNeedsLong);
    }
    let members = crate::model::analysis::scope_members(snapshot, options.scope).len();
    let title = match as_of {
        Some(date) => format!("{} as of {date}", scope_title(core, options.scope)),
        None => scope_title(core, options.scope),
    };
    // Every entry and event (CSV and Parquet with --history), read once: former members'
    // and retired skills' included.
    let timeline = if history {
        Some(core.store().whole_timeline()?)
    } else {
        None
    };
    let (bytes, rows) = match kind {
        ExportType::Csv => {
            let table = match &timeline {
                // Events as rows too, so the file imports back to the same matrix on every
                // date.
                Some(t) => {
                    io::export::history_table(snapshot, options.scope, options.source, t, true)
                }
                None => io::export::table_of(
                    snapshot,
                    options.scope,
                    options.format,
                    None,
                    options.source,
                ),
            };
            (
                io::export::encode_csv(&table, options.levels)?,
                table.rows.len(),
            )
        }
        ExportType::Parquet => {
            // Always the long table: one typed row per rating, what a data platform loads.
            let table = match &timeline {
                Some(t) => {
                    io::export::history_table(snapshot, options.scope, options.source, t, false)
                }
                None => io::export::table_of(
                    snapshot,
                    options.scope,
                    io::ExportFormat::Long,
                    None,
                    options.source,
                ),
            };
            let with_note = !core.store().is_pseudonymised()?;
            (
                io::parquet::encode_long(&table, &snapshot.framework, with_note)?,
                table.rows.len(),
            )
        }
        ExportType::Xlsx => {
            let db = core.store().path();
            let database = std::fs::canonicalize(db)
                .unwrap_or_else(|_| db.to_path_buf())
                .display()
                .to_string();
            let info = io::xlsx::WorkbookInfo {
                database: &database,
                exported_at: crate::core::now(),
                title: &title,
            };
            let bytes =
                io::xlsx::encode_xlsx(snapshot, options.scope, &info).map_err(|e| match e {
                    Error::Workbook { reason, .. } => Error::Workbook {
                        reason,
                        path: Some(target.to_path_buf()),
                    },
                    other => other,
                })?;
            (bytes, members)
        }
        ExportType::Svg | ExportType::Png => {
            let svg =
                io::picture::heatmap_svg(snapshot, options.scope, &title, crate::core::now())?;
            let bytes = if kind == ExportType::Png {
                io::picture::render_png(&svg)?
            } else {
                svg.into_bytes()
            };
            (bytes, members)
        }
    };
    if to_stdout {
        let mut out = std::io::stdout().lock();
        // A reader that stops early (`| head`) ends the command quietly: see `main`.
        out.write_all(&bytes)
            .and_then(|()| out.flush())
            .map_err(Error::output)?;
    } else {
        write_atomically(target, &bytes)?;
    }
    Ok(Written {
        rows,
        bytes: bytes.len(),
    })
}

/// What a scope is called in a title: the team's name, or "All teams".
fn scope_title(core: &Core, scope: crate::model::Scope) -> String {
    match scope {
        crate::model::Scope::Team(id) => core
            .snapshot()
            .team(id)
            .map(|t| t.name.clone())
            .unwrap_or_default(),
        crate::model::Scope::All => "All teams".to_string(),
    }
}

/// The kinds of file an export can write, picked by the target's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportType {
    /// Comma-separated text (`.csv`, `.txt`), in the wide or long layout.
    Csv,
    /// An Excel workbook (`.xlsx`): matrix, gaps, ratings, framework, about.
    Xlsx,
    /// The heatmap as a vector picture (`.svg`).
    Svg,
    /// The heatmap as a bitmap picture (`.png`).
    Png,
    /// The long table with typed columns for a data platform (`.parquet`).
    Parquet,
}

/// The extensions export understands, for messages.
pub const EXPORT_EXTENSIONS: &str = ".csv, .txt, .xlsx, .parquet, .svg or .png";

impl ExportType {
    /// The type for a target path, from its extension (any case); an error names the ones
    /// supported.
    pub fn of(target: &Path) -> Result<ExportType> {
        let ext = target
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase());
        match ext.as_deref() {
            Some("csv" | "txt") => Ok(ExportType::Csv),
            Some("xlsx") => Ok(ExportType::Xlsx),
            Some("svg") => Ok(ExportType::Svg),
            Some("png") => Ok(ExportType::Png),
            Some("parquet") => Ok(ExportType::Parquet),
            Some(other) => Err(Error::WontOverwrite {
                reason: format!(
                    "capmatrix cannot write .{other} files; name the file {EXPORT_EXTENSIONS}"
                ),
                path: target.to_path_buf(),
            }),
            None => Err(Error::WontOverwrite {
                reason: format!("the file name has no extension; name it {EXPORT_EXTENSIONS}"),
                path: target.to_path_buf(),
            }),
        }
    }

    /// Whether the file is a picture of the heatmap.
    pub fn is_picture(self) -> bool {
        matches!(self, ExportType::Svg | ExportType::Png)
    }

    /// The usual extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportType::Csv => "csv",
            ExportType::Xlsx => "xlsx",
            ExportType::Svg => "svg",
            ExportType::Png => "png",
            ExportType::Parquet => "parquet",
        }
    }

    /// What was written, for a message: "12 rows", "a workbook of 10 members", "a picture
    /// of 10 members".
    pub fn describe(self, written: Written) -> String {
        match self {
            ExportType::Csv | ExportType::Parquet => {
                crate::model::plural(written.rows, "row", "rows")
            }
            ExportType::Xlsx => format!(
                "a workbook of {}",
                crate::model::plural(written.rows, "member", "members")
            ),
            ExportType::Svg | ExportType::Png => format!(
                "a picture of {}",
                crate::model::plural(written.rows, "member", "members")
            ),
        }
    }
}

/// A file name for exporting a team (or all teams): "Data Engineering skills.csv",
/// "Data Engineering skills.xlsx", "Data Engineering heatmap.png", with characters file
/// systems refuse replaced.
pub fn export_file_name(team: Option<&str>, kind: ExportType) -> String {
    export_file_name_as_of(team, kind, None)
}

/// As [`export_file_name`], for the matrix as of a date: "Platform skills as of
/// 2025-06-30.csv".
pub fn export_file_name_as_of(
    team: Option<&str>,
    kind: ExportType,
    as_of: Option<crate::model::Date>,
) -> String {
    let base = team.unwrap_or("All teams");
    let safe = io::file_stem(base);
    format!(
        "{} {}{}.{}",
        if safe.is_empty() { "capmatrix" } else { &safe },
        if kind.is_picture() {
            "heatmap"
        } else {
            "skills"
        },
        as_of.map_or_else(String::new, |d| format!(" as of {d}")),
        kind.extension()
    )
}

/// Refuses an export target that is not ours to replace: the database `db` or its `-wal`,
/// `-shm` and `.lock` files (the same file under any name: canonical paths and file
/// identity are compared), any SQLite database, and anything that is not a regular file (a
/// folder, device, FIFO or socket). A regular file that is not a database may be replaced.
pub fn check_export_target(target: &Path, db: &Path) -> Result<()> {
    let refuse = |reason: String| Error::WontOverwrite {
        reason,
        path: target.to_path_buf(),
    };
    let db_files: Vec<(std::path::PathBuf, &str)> = {
        let base = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
        let mut v = vec![(base.clone(), "the open database")];
        let names = [
            "the open database's write-ahead log",
            "the open database's shared memory",
            "the open database's lock file",
        ];
        for (p, what) in crate::store::companions(&base).into_iter().zip(names) {
            v.push((p, what));
        }
        v
    };
    let meta = match std::fs::metadata(target) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(Error::Io {
                action: "look at the export target",
                path: target.to_path_buf(),
                source,
            });
        }
    };
    let canonical = match &meta {
        Some(_) => std::fs::canonicalize(target).ok(),
        None => target.file_name().and_then(|name| {
            let dir = match target.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            std::fs::canonicalize(dir).ok().map(|d| d.join(name))
        }),
    };
    for (path, what) in &db_files {
        let same_path = canonical.as_deref() == Some(path.as_path());
        let same_file = match (&meta, std::fs::metadata(path)) {
            (Some(a), Ok(b)) => same_identity(a, &b),
            _ => false,
        };
        if same_path || same_file {
            return Err(refuse(format!("it is {what}")));
        }
    }
    let Some(meta) = meta else {
        return Ok(());
    };
    if !meta.is_file() {
        return Err(refuse(format!(
            "it is {}, not a regular file",
            kind_of(&meta)
        )));
    }
    let mut head = Vec::with_capacity(16);
    if let Ok(f) = std::fs::File::open(target) {
        let _ = f.take(16).read_to_end(&mut head);
    }
    if head == b"SQLite format 3\0" {
        return Err(refuse("it is an SQLite database".to_string()));
    }
    Ok(())
}

#[cfg(unix)]
fn same_identity(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_identity(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

/// Writes bytes to a temporary file in the target's directory, flushes it to disk and renames
/// it over the target. On any failure the target is untouched and the temporary file removed.
/// A replaced file keeps its permissions; a new one gets the usual permissions (0666 less
/// the umask).
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
    if !dir.is_dir() {
        return Err(Error::WontOverwrite {
            reason: format!("the folder {} does not exist", dir.display()),
            path: target.to_path_buf(),
        });
    }
    let existing = std::fs::metadata(target).ok();
    if let Some(m) = &existing
        && !m.is_file()
    {
        return Err(Error::WontOverwrite {
            reason: format!("it is {}, not a regular file", kind_of(m)),
            path: target.to_path_buf(),
        });
    }
    let mut tmp = crate::store::new_file_builder(".capmatrix-export-")
        .tempfile_in(dir)
        .map_err(io_err)?;
    if let Some(m) = existing {
        tmp.as_file()
            .set_permissions(m.permissions())
            .map_err(io_err)?;
    }
    tmp.write_all(bytes).map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(target).map_err(|e| io_err(e.error))?;
    Ok(())
}

/// Writes one assessment pack per current member of `team` (all teams when `None`) into
/// `dir` (created if needed). Refuses, writing nothing, when any of the files exists. Returns
/// the files written.
pub fn write_packs(
    core: &Core,
    dir: &Path,
    team: Option<TeamId>,
    hide_expected: bool,
) -> Result<Vec<PathBuf>> {
    let snapshot = core.snapshot();
    let members = crate::model::analysis::scope_members(
        snapshot,
        team.map_or(crate::model::Scope::All, crate::model::Scope::Team),
    );
    let mut plan: Vec<(PathBuf, &crate::model::Member)> = Vec::new();
    let mut names = std::collections::HashSet::new();
    for m in members {
        // The same name in two teams: the team tells them apart; a name that still clashes
        // (two names the file system spells alike) gets a number.
        let team = snapshot.team(m.team).map_or("", |t| t.name.as_str());
        let mut file = io::pack::pack_file_name(&m.name);
        let mut n = 1;
        while !names.insert(file.to_lowercase()) {
            file = io::pack::pack_file_name(&match n {
                1 => format!("{} ({team})", m.name),
                _ => format!("{} ({team}) {n}", m.name),
            });
            n += 1;
        }
        plan.push((dir.join(file), m));
    }
    if let Some((path, _)) = plan.iter().find(|(p, _)| p.exists()) {
        return Err(Error::PackExists { path: path.clone() });
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        action: "create the folder",
        path: dir.to_path_buf(),
        source,
    })?;
    let database_id = core.store().database_id()?;
    let options = io::pack::PackOptions {
        database_id: &database_id,
        hide_expected,
        today: crate::model::time::today(),
    };
    let mut written = Vec::new();
    for (path, m) in plan {
        let bytes = io::pack::encode_pack(snapshot, m, &options).map_err(|e| {
            Error::output(std::io::Error::other(format!("cannot build the pack: {e}")))
        })?;
        write_atomically(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// What importing one assessment pack did, or why it was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackLine {
    /// The file.
    pub file: PathBuf,
    /// Who it is for (as the pack says).
    pub member: String,
    /// Their team (as the pack says).
    pub team: String,
    /// Skills given a level.
    pub filled: usize,
    /// Skills left blank.
    pub blank: usize,
    /// Why it was refused (empty when it imports).
    pub refused: Vec<String>,
}

/// The files a list of paths names: files as given, and the workbooks (`.xlsx`, `.xlsm`,
/// `.ods`; not Excel's `~$` lock files) of folders, in name order.
pub fn pack_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|source| Error::Io {
                    action: "read the folder",
                    path: p.clone(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.extension().is_some_and(|x| {
                        ["xlsx", "xlsm", "ods"]
                            .iter()
                            .any(|e| x.eq_ignore_ascii_case(e))
                    }) && !f.file_name().is_some_and(|n| {
                        let n = n.to_string_lossy();
                        // Excel's lock files and macOS's resource forks.
                        n.starts_with("~$") || n.starts_with("._")
                    })
                })
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Whether a file is an assessment pack (a workbook with the pack's identifying sheet).
pub fn is_pack(bytes: &[u8]) -> bool {
    io::sheet::is_workbook(bytes)
        && matches!(
            io::sheet::named_sheets(bytes, &[io::pack::PACK_SHEET, io::pack::ID_SHEET]),
            Ok(Some(_))
        )
}

/// Imports filled assessment packs (files, or folders of them) as the people's own ratings:
/// all of them in one transaction (one undo step), or, when any is refused (not a pack, from
/// another database, for someone no longer in the team, a cell that is not a level), none.
/// With `dry_run`, only reports.
pub fn import_packs(core: &mut Core, paths: &[PathBuf], dry_run: bool) -> Result<Vec<PackLine>> {
    let files = pack_files(paths)?;
    let database_id = core.store().database_id()?;
    let mut lines = Vec::new();
    let mut answers: Vec<(crate::model::MemberId, io::pack::PackAnswer)> = Vec::new();
    for file in files {
        let bytes = read_import(&file)?;
        let sheets = io::sheet::named_sheets(&bytes, &[io::pack::PACK_SHEET, io::pack::ID_SHEET])
            .map_err(|problems| Error::Import {
            problems,
            path: file.clone(),
        })?;
        let pack = sheets.and_then(|s| io::pack::read_pack(core.snapshot(), &s));
        let Some(pack) = pack else {
            lines.push(PackLine {
                file,
                member: String::new(),
                team: String::new(),
                filled: 0,
                blank: 0,
                refused: vec!["it is not a capmatrix assessment pack".into()],
            });
            continue;
        };
        let mut refused = pack.problems.clone();
        if pack.database_id != database_id {
            refused.push("it was made from another capmatrix database".into());
        }
        let id = crate::model::MemberId(pack.member_id);
        let snapshot = core.snapshot();
        if refused.is_empty() {
            match (snapshot.member(id), snapshot.former(id)) {
                // Ids can be used again after a deletion: the name must agree too.
                (Some(m), _)
                    if crate::model::name_key(&m.name) != crate::model::name_key(&pack.member) =>
                {
                    refused.push(format!(
                        "it is {}'s pack, but that person is not in this database any more (the id now belongs to {})",
                        pack.member, m.name
                    ));
                }
                (Some(_), _) => {}
                (None, Some(f)) => refused.push(format!(
                    "{} left {} on {}: bring them back first",
                    f.name,
                    pack.team,
                    f.left_on.map_or(String::new(), |d| d.to_string())
                )),
                (None, None) => {
                    refused.push(format!("{} is no longer in this database", pack.member))
                }
            }
        }
        if refused.is_empty()
            && let Some(earlier) = lines.iter().find(|l: &&PackLine| {
                l.refused.is_empty() && l.member == pack.member && l.team == pack.team
            })
        {
            refused.push(format!(
                "a second pack for {} (the first is {}): import one of them",
                pack.member,
                earlier.file.display()
            ));
        }
        let filled = pack.filled();
        lines.push(PackLine {
            file,
            member: pack.member.clone(),
            team: pack.team.clone(),
            filled,
            blank: pack.answers.len() - filled,
            refused: refused.clone(),
        });
        if refused.is_empty() {
            answers.extend(pack.answers.into_iter().map(|a| (id, a)));
        }
    }
    let bad: Vec<&PackLine> = lines.iter().filter(|l| !l.refused.is_empty()).collect();
    if !bad.is_empty() {
        let detail = bad
            .iter()
            .map(|l| format!("{} ({})", l.refused.join("; "), l.file.display()))
            .collect::<Vec<_>>()
            .join("\n");
        return Err(Error::PacksRefused {
            refused: bad.len(),
            total: lines.len(),
            detail,
        });
    }
    if !dry_run && !answers.is_empty() {
        let label = format!(
            "import {}",
            crate::model::plural(lines.len(), "assessment pack", "assessment packs")
        );
        core.apply_batch(&label, |b| {
            for (member, a) in &answers {
                if let Some(level) = a.level {
                    b.apply(Action::SetSelfRating {
                        member: *member,
                        skill: a.skill,
                        level,
                        note: a.evidence.clone(),
                        interested: a.interested,
                        on: None,
                    })?;
                }
            }
            Ok(())
        })?;
    }
    Ok(lines)
}

/// Writes one person's profile as a picture (`.svg` or `.png`, by the extension), with the
/// same checks and atomic write as an export. Returns the bytes written.
pub fn write_profile(core: &Core, member: crate::model::MemberId, target: &Path) -> Result<usize> {
    check_export_target(target, core.store().path())?;
    let kind = ExportType::of(target).ok();
    let Some(kind) = kind.filter(|k| k.is_picture()) else {
        return Err(Error::WontOverwrite {
            reason: "a profile is a picture: name the file .svg or .png".into(),
            path: target.to_path_buf(),
        });
    };
    if !kind.is_picture() {
        return Err(Error::WontOverwrite {
            reason: "a profile is a picture: name the file .svg or .png".into(),
            path: target.to_path_buf(),
        });
    }
    let Some(m) = core.snapshot().anyone(member) else {
        return Err(Error::UnknownId {
            kind: "member",
            id: member.0,
        });
    };
    let history = core.history(member, None)?;
    let svg = io::picture::profile_svg(core.snapshot(), m, &history, crate::model::time::today());
    let bytes = if kind == ExportType::Png {
        io::picture::render_png(&svg)?
    } else {
        svg.into_bytes()
    };
    write_atomically(target, &bytes)?;
    Ok(bytes.len())
}
