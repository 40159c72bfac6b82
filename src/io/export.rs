//! Export in two steps: the rows are built once from the snapshot ([`table`], typed cells),
//! then encoded ([`encode_csv`]: UTF-8 with BOM, CRLF, commas, quotes only where needed, text
//! cells guarded against formulas). Other encoders reuse the rows. Deterministic: teams,
//! members and skills in name order.

use super::guard;
use crate::error::{Error, Result};
use crate::model::analysis::{Scope, scope_members};
use crate::model::{Date, HistoryEntry, Level, Member, MemberId, SkillId, Snapshot};
use std::collections::HashMap;

/// The two layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    /// One row per member, one column per skill.
    #[default]
    Wide,
    /// One row per rating.
    Long,
}

/// How levels are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LevelStyle {
    /// None, Awareness, Working, Practitioner, Expert.
    #[default]
    Names,
    /// 0 to 4.
    Numbers,
}

/// Whose ratings to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportSource {
    /// The lead's (what coverage and gaps use; today's files).
    #[default]
    Lead,
    /// The people's own (self-assessment).
    SelfAssessed,
    /// Both, the long layout with a Source column.
    Both,
}

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    /// Which members.
    pub scope: Scope,
    /// The layout.
    pub format: ExportFormat,
    /// How levels are written.
    pub levels: LevelStyle,
    /// Whose ratings.
    pub source: ExportSource,
}

/// The header of the long format.
pub const LONG_HEADER: [&str; 8] = [
    "Member",
    "Team",
    "Role level",
    "Skill",
    "Level",
    "Rated on",
    "Interested",
    "Note",
];

fn level_cell(level: Option<Level>, style: LevelStyle) -> String {
    match (level, style) {
        (None, _) => String::new(),
        (Some(l), LevelStyle::Names) => l.name().to_string(),
        (Some(l), LevelStyle::Numbers) => l.number().to_string(),
    }
}

/// One exported value, typed, before any encoding: CSV writes text (guarded against
/// formulas), a level in the chosen style, a date as RFC 3339 and a flag as yes/no; other
/// encoders (a workbook, Parquet) can write real dates and numbers from the same rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    /// Text: a name, a skill, a note.
    Text(&'a str),
    /// A level, or empty.
    Level(Option<Level>),
    /// The day a rating was assessed.
    Date(Date),
    /// Yes or no.
    Flag(bool),
    /// Text made for the row (a member id).
    Owned(String),
}

/// The rows of an export, built once from the snapshot, ready for an encoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table<'a> {
    /// Column names.
    pub header: Vec<&'a str>,
    /// One row per member (wide) or rating (long).
    pub rows: Vec<Vec<Cell<'a>>>,
}

/// Builds the rows of an export of the lead's ratings. `history` (long format only) gives
/// every entry of each member's history instead of the current ratings.
pub fn table<'a>(
    snapshot: &'a Snapshot,
    scope: Scope,
    format: ExportFormat,
    history: Option<&'a HashMap<MemberId, Vec<HistoryEntry>>>,
) -> Table<'a> {
    table_of(snapshot, scope, format, history, ExportSource::Lead)
}

/// As [`table`], for whose ratings `source` says: with [`ExportSource::Both`] the long layout
/// has a Source column (`lead`, `self`); the wide layout holds one source (the lead's when
/// both are asked for: the caller refuses that).
pub fn table_of<'a>(
    snapshot: &'a Snapshot,
    scope: Scope,
    format: ExportFormat,
    history: Option<&'a HashMap<MemberId, Vec<HistoryEntry>>>,
    source: ExportSource,
) -> Table<'a> {
    let sources: &[crate::model::Source] = match source {
        ExportSource::Lead => &[crate::model::Source::Lead],
        ExportSource::SelfAssessed => &[crate::model::Source::SelfAssessed],
        ExportSource::Both => &[
            crate::model::Source::Lead,
            crate::model::Source::SelfAssessed,
        ],
    };
    let ratings_of = |m: &'a Member, s: crate::model::Source| match s {
        crate::model::Source::Lead => &m.ratings,
        crate::model::Source::SelfAssessed => &m.self_ratings,
    };
    let fw = &snapshot.framework;
    let members = scope_members(snapshot, scope);
    let team_name = |m: &Member| {
        snapshot
            .team(m.team)
            .map(|t| t.name.as_str())
            .unwrap_or_default()
    };
    let role_name = |m: &'a Member| {
        m.role_level
            .map(|rl| fw.role_level(rl).name.as_str())
            .unwrap_or_default()
    };
    match format {
        ExportFormat::Wide => {
            let mut skills = crate::model::analysis::wide_skills(snapshot, &members);
            if sources[0] == crate::model::Source::SelfAssessed {
                // Their own ratings may name skills the lead's do not.
                let extra: std::collections::BTreeSet<SkillId> = members
                    .iter()
                    .flat_map(|m| m.self_ratings.keys().copied())
                    .filter(|s| !skills.contains(s))
                    .collect();
                skills.extend(extra);
                skills.sort_by(|a, b| fw.skill(*a).name.cmp(&fw.skill(*b).name));
            }
            let mut header: Vec<&str> = vec!["Member", "Team", "Role level"];
            // A file of people's own ratings says so in a column import reads, so that it
            // never comes back as the lead's.
            let own = sources[0] == crate::model::Source::SelfAssessed;
            if own {
                header.push("Source");
            }
            header.extend(skills.iter().map(|&s| fw.skill(s).name.as_str()));
            let rows = members
                .iter()
                .map(|m| {
                    let mut row = Vec::with_capacity(header.len());
                    row.push(Cell::Text(&m.name));
                    row.push(Cell::Text(team_name(m)));
                    row.push(Cell::Text(role_name(m)));
                    if own {
                        row.push(Cell::Text(crate::model::Source::SelfAssessed.code()));
                    }
                    let ratings = ratings_of(m, sources[0]);
                    row.extend(
                        skills
                            .iter()
                            .map(|s| Cell::Level(ratings.get(s).map(|r| r.level))),
                    );
                    row
                })
                .collect();
            Table { header, rows }
        }
        ExportFormat::Long => {
            let mut rows = Vec::new();
            // Any file that is not the lead's says whose its ratings are, so importing it back
            // never turns them into the lead's.
            let with_source = source != ExportSource::Lead;
            for m in &members {
                let row = |skill: SkillId,
                           level: Option<Level>,
                           at: Date,
                           interested: bool,
                           note: &'a str,
                           whose: crate::model::Source| {
                    let mut cells = vec![
                        Cell::Text(&m.name),
                        Cell::Text(team_name(m)),
                        Cell::Text(role_name(m)),
                        Cell::Text(fw.skill(skill).name.as_str()),
                        Cell::Level(level),
                        Cell::Date(at),
                        Cell::Flag(interested),
                        Cell::Text(note),
                    ];
                    if with_source {
                        cells.push(Cell::Text(whose.code()));
                    }
                    cells
                };
                match history {
                    Some(h) => {
                        // Undone entries are kept in the database for audit, not exported
                        // as history that happened.
                        let entries = h.get(&m.id).map(Vec::as_slice).unwrap_or_default();
                        for e in entries
                            .iter()
                            .filter(|e| e.undone.is_none() && sources.contains(&e.source))
                        {
                            rows.push(row(
                                e.skill,
                                e.level,
                                e.assessed_on,
                                e.interested,
                                &e.note,
                                e.source,
                            ));
                        }
                    }
                    None => {
                        for &whose in sources {
                            let mut ratings: Vec<_> = ratings_of(m, whose).iter().collect();
                            ratings.sort_by_key(|(s, _)| **s);
                            for (&s, r) in ratings {
                                rows.push(row(
                                    s,
                                    Some(r.level),
                                    r.assessed_on,
                                    r.interested,
                                    &r.note,
                                    whose,
                                ));
                            }
                        }
                    }
                }
            }
            let mut header = LONG_HEADER.to_vec();
            if with_source {
                header.push("Source");
            }
            Table { header, rows }
        }
    }
}

/// The extra columns of a history export: what happened to the member on a row's date (an
/// event row: joined, left, moved, role; empty on a rating's row) and who the row is about
/// (the database's member id: one person across teams, moves and promotions).
pub const HISTORY_COLUMNS: [&str; 2] = ["Event", "Member id"];

/// The whole record of a scope, for `export --history`: every entry (undone ones aside),
/// former members' and retired skills' included, each labelled with the team and role level
/// the member held on its date. With `events`, each member's events are rows too (the
/// [`HISTORY_COLUMNS`] added), so that importing the file into a new database gives the same
/// matrix as of every date. Rows per member in date order: joining, ratings, moves and role
/// changes as recorded, leaving last on its day.
pub fn history_table<'a>(
    snapshot: &'a Snapshot,
    scope: Scope,
    source: ExportSource,
    timeline: &'a crate::model::history::Timeline,
    with_events: bool,
) -> Table<'a> {
    use crate::model::{EventKind, Source};
    let sources: &[Source] = match source {
        ExportSource::Lead => &[Source::Lead],
        ExportSource::SelfAssessed => &[Source::SelfAssessed],
        ExportSource::Both => &[Source::Lead, Source::SelfAssessed],
    };
    let with_source = source != ExportSource::Lead;
    let fw = &snapshot.framework;
    let people = history_people(snapshot, scope, timeline);
    let team_name = |t: crate::model::TeamId| {
        snapshot
            .team(t)
            .map(|t| t.name.as_str())
            .unwrap_or_default()
    };
    let role_name = |rl: Option<crate::model::RoleLevelId>| {
        rl.map(|rl| fw.role_level(rl).name.as_str())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    for m in people {
        let entries: Vec<&HistoryEntry> = timeline
            .entries(m.id)
            .iter()
            .map(|(_, e)| e)
            .filter(|e| e.undone.is_none())
            .collect();
        let first_rated = entries
            .iter()
            .filter(|e| e.source == Source::Lead)
            .map(|e| e.assessed_on)
            .min();
        let events = timeline.events(m.id);
        // Where they stood on a date: their team and role level then (today's, for a date
        // outside their time in a team).
        let on = |date: Date| {
            crate::model::history::member_on(m, events, first_rated, date)
                .map_or((m.team, m.role_level), |s| (s.team, s.role_level))
        };
        let id = m.id.0.to_string();
        // (date, order within the day, recorded order, row)
        let mut mine: Vec<(Date, u8, i64, Vec<Cell<'a>>)> = Vec::new();
        for e in entries.iter().filter(|e| sources.contains(&e.source)) {
            let (team, role) = on(e.assessed_on);
            if let Scope::Team(t) = scope
                && team != t
            {
                continue;
            }
            let mut cells = vec![
                Cell::Text(&m.name),
                Cell::Text(team_name(team)),
                Cell::Text(role_name(role)),
                Cell::Text(fw.skill(e.skill).name.as_str()),
                Cell::Level(e.level),
                Cell::Date(e.assessed_on),
                Cell::Flag(e.interested),
                Cell::Text(&e.note),
            ];
            if with_source {
                cells.push(Cell::Text(e.source.code()));
            }
            if with_events {
                cells.push(Cell::Text(""));
                cells.push(Cell::Owned(id.clone()));
            }
            mine.push((e.assessed_on, 1, e.id, cells));
        }
        if with_events {
            for e in events.iter().filter(|e| e.undone.is_none()) {
                let (team, role) = match e.kind {
                    // Where they went, in the role they had.
                    EventKind::Moved | EventKind::Joined => {
                        (e.team.unwrap_or(m.team), e.role_level.or(on(e.on).1))
                    }
                    EventKind::Role => (on(e.on).0, e.role_level),
                    EventKind::Left => on(e.on.yesterday().unwrap_or(e.on)),
                };
                let order = match e.kind {
                    EventKind::Joined => 0,
                    EventKind::Moved | EventKind::Role => 2,
                    EventKind::Left => 3,
                };
                let mut cells = vec![
                    Cell::Text(&m.name),
                    Cell::Text(team_name(team)),
                    Cell::Text(role_name(role)),
                    Cell::Text(""),
                    Cell::Level(None),
                    Cell::Date(e.on),
                    Cell::Text(""),
                    Cell::Text(""),
                ];
                if with_source {
                    cells.push(Cell::Text(""));
                }
                cells.push(Cell::Text(e.kind.code()));
                cells.push(Cell::Owned(id.clone()));
                mine.push((e.on, order, e.id, cells));
            }
        }
        mine.sort_by_key(|(date, order, id, _)| (*date, *order, *id));
        rows.extend(mine.into_iter().map(|(_, _, _, cells)| cells));
    }
    let mut header = LONG_HEADER.to_vec();
    if with_source {
        header.push("Source");
    }
    if with_events {
        header.extend(HISTORY_COLUMNS);
    }
    Table { header, rows }
}

/// Everyone whose record a history export of `scope` holds: current members, former members,
/// and (one team) those who were in it once and moved away.
fn history_people<'a>(
    snapshot: &'a Snapshot,
    scope: Scope,
    timeline: &crate::model::history::Timeline,
) -> Vec<&'a Member> {
    let mut people: Vec<&Member> = scope_members(snapshot, scope);
    match scope {
        Scope::All => people.extend(snapshot.all_former()),
        Scope::Team(team) => {
            people.extend(snapshot.former_members(team));
            let mut moved: Vec<&Member> = snapshot
                .all_members()
                .into_iter()
                .chain(snapshot.all_former())
                .filter(|m| m.team != team)
                .filter(|m| timeline.events(m.id).iter().any(|e| e.team == Some(team)))
                .collect();
            moved.sort_by_key(|m| m.id);
            people.extend(moved);
        }
    }
    people
}

/// Encodes rows as CSV that spreadsheets open cleanly: UTF-8 with BOM, CRLF, text guarded
/// against formulas.
pub fn encode_csv(table: &Table<'_>, levels: LevelStyle) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64 + table.rows.len() * 64);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(&table.header).map_err(Error::csv_output)?;
    let mut record: Vec<std::borrow::Cow<'_, str>> = Vec::with_capacity(table.header.len());
    for row in &table.rows {
        record.clear();
        record.extend(row.iter().map(|cell| match cell {
            Cell::Text(t) => guard(t),
            Cell::Owned(t) => guard(t),
            Cell::Level(l) => level_cell(*l, levels).into(),
            Cell::Date(d) => d.to_string().into(),
            Cell::Flag(b) => if *b { "yes" } else { "no" }.into(),
        }));
        w.write_record(record.iter().map(|c| c.as_bytes()))
            .map_err(Error::csv_output)?;
    }
    w.into_inner().map_err(|e| Error::output(e.into_error()))
}

/// Writes the matrix as CSV bytes: [`table`], then [`encode_csv`].
pub fn export(
    snapshot: &Snapshot,
    options: ExportOptions,
    history: Option<&HashMap<MemberId, Vec<HistoryEntry>>>,
) -> Result<Vec<u8>> {
    encode_csv(
        &table_of(
            snapshot,
            options.scope,
            options.format,
            history,
            options.source,
        ),
        options.levels,
    )
}
