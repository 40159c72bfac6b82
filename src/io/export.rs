//! Snapshot to CSV bytes that spreadsheets open cleanly: UTF-8 with BOM, CRLF, commas, quotes
//! only where needed, text cells guarded against formulas. Deterministic: teams, members and
//! skills in name order.

use super::guard;
use crate::error::{Error, Result};
use crate::model::analysis::{Scope, scope_members};
use crate::model::{HistoryEntry, Level, Member, MemberId, SkillId, Snapshot};
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

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    /// Which members.
    pub scope: Scope,
    /// The layout.
    pub format: ExportFormat,
    /// How levels are written.
    pub levels: LevelStyle,
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

/// Writes the matrix as CSV bytes. `history` (long format only) replaces the current ratings
/// with every entry of each member's history.
pub fn export(
    snapshot: &Snapshot,
    options: ExportOptions,
    history: Option<&HashMap<MemberId, Vec<HistoryEntry>>>,
) -> Result<Vec<u8>> {
    let fw = &snapshot.framework;
    let members = scope_members(snapshot, options.scope);
    let mut out = Vec::with_capacity(64 + members.len() * 64);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let err = Error::csv_output;
    let team_name = |m: &Member| {
        snapshot
            .team(m.team)
            .map(|t| t.name.as_str())
            .unwrap_or_default()
    };
    let role_name = |m: &Member| {
        m.role_level
            .map(|rl| fw.role_level(rl).name.as_str())
            .unwrap_or_default()
    };
    match options.format {
        ExportFormat::Wide => {
            let skills = crate::model::analysis::wide_skills(snapshot, &members);
            let mut header: Vec<&str> = vec!["Member", "Team", "Role level"];
            header.extend(skills.iter().map(|&s| fw.skill(s).name.as_str()));
            w.write_record(&header).map_err(err)?;
            let mut row: Vec<String> = Vec::with_capacity(header.len());
            for m in &members {
                row.clear();
                row.push(guard(&m.name).into_owned());
                row.push(guard(team_name(m)).into_owned());
                row.push(guard(role_name(m)).into_owned());
                for s in &skills {
                    row.push(level_cell(
                        m.ratings.get(s).map(|r| r.level),
                        options.levels,
                    ));
                }
                w.write_record(&row).map_err(err)?;
            }
        }
        ExportFormat::Long => {
            w.write_record(LONG_HEADER).map_err(err)?;
            for m in &members {
                let (name, team, role) = (guard(&m.name), guard(team_name(m)), guard(role_name(m)));
                let mut write = |skill: SkillId,
                                 level: Option<Level>,
                                 at: String,
                                 interested: bool,
                                 note: &str| {
                    w.write_record([
                        &*name,
                        &*team,
                        &*role,
                        fw.skill(skill).name.as_str(),
                        &level_cell(level, options.levels),
                        &at,
                        if interested { "yes" } else { "no" },
                        &guard(note),
                    ])
                };
                match history {
                    Some(h) => {
                        for e in h.get(&m.id).map(Vec::as_slice).unwrap_or_default() {
                            write(e.skill, e.level, e.at.to_rfc3339(), e.interested, &e.note)
                                .map_err(err)?;
                        }
                    }
                    None => {
                        let mut ratings: Vec<_> = m.ratings.iter().collect();
                        ratings.sort_by_key(|(s, _)| **s);
                        for (&s, r) in ratings {
                            write(
                                s,
                                Some(r.level),
                                r.rated_at.to_rfc3339(),
                                r.interested,
                                &r.note,
                            )
                            .map_err(err)?;
                        }
                    }
                }
            }
        }
    }
    w.into_inner().map_err(|e| Error::output(e.into_error()))
}
