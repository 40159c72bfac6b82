//! Raw records to typed rows: finds the format from the header (wide matrix or long list),
//! matches columns to skills, and reads every cell, collecting every problem with its line
//! and column. Knows the framework but not the database.

use super::records::RawTable;
use super::{Problem, Problems, unguard};
use crate::model::{
    Framework, LEVEL_CHOICES, Level, RoleLevelId, SkillId, Timestamp, clean_name, name_key, nearest,
};
use std::collections::HashMap;

/// The two file layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// One row per member, one column per skill.
    Wide,
    /// One row per rating.
    Long,
}

impl std::fmt::Display for FileFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileFormat::Wide => "wide (one row per member)",
            FileFormat::Long => "long (one row per rating)",
        })
    }
}

/// One rating cell (wide) or row (long).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRating {
    /// Where it was.
    pub line: usize,
    /// The skill.
    pub skill: SkillId,
    /// The level; `None` for an empty cell.
    pub level: Option<Level>,
    /// When it was rated, if the file says.
    pub at: Option<Timestamp>,
    /// The interested flag, if the file has that column.
    pub interested: Option<bool>,
    /// The note, if the file has that column.
    pub note: Option<String>,
}

/// A member as the file describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedMember {
    /// The first line they appear on.
    pub line: usize,
    /// Their team (from the Team column or the default team).
    pub team: String,
    /// Their name.
    pub name: String,
    /// `None`: no Role level column; `Some(None)`: the cell is empty.
    pub role_level: Option<Option<RoleLevelId>>,
    /// Their ratings in file order.
    pub ratings: Vec<ParsedRating>,
}

/// A whole file, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    /// The layout.
    pub format: FileFormat,
    /// The members, in the order they first appear.
    pub members: Vec<ParsedMember>,
    /// The skill columns of a wide file, in file order.
    pub skill_columns: Vec<SkillId>,
    /// How many data rows the file has.
    pub rows: usize,
    /// Columns of a wide file that are neither a capmatrix column nor close to a skill name
    /// (Email, Manager): ignored, and listed so the person knows.
    pub ignored_columns: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Member,
    Team,
    RoleLevel,
    Skill,
    Level,
    RatedOn,
    Interested,
    Note,
    SkillColumn(SkillId),
    Ignored,
}

fn fixed_column(name: &str) -> Option<Col> {
    Some(match name {
        "member" => Col::Member,
        "team" => Col::Team,
        "role level" => Col::RoleLevel,
        "skill" => Col::Skill,
        "level" => Col::Level,
        "rated on" => Col::RatedOn,
        "interested" => Col::Interested,
        "note" => Col::Note,
        _ => return None,
    })
}

/// Header cells: trimmed, a stray byte order mark removed.
fn header_name(cell: &str) -> &str {
    cell.trim().trim_start_matches('\u{FEFF}').trim()
}

/// Reads a table against the framework. `default_team` fills empty or absent Team cells.
pub fn parse(
    table: &RawTable,
    framework: &Framework,
    default_team: Option<&str>,
) -> Result<ParsedFile, Problems> {
    let mut problems = Problems::default();
    let header_line = table.header.line;
    let names: Vec<&str> = table.header.cells.iter().map(header_name).collect();
    let keys: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let format = if keys.iter().any(|k| k == "skill") && keys.iter().any(|k| k == "level") {
        FileFormat::Long
    } else {
        FileFormat::Wide
    };

    // Columns.
    let mut cols = Vec::with_capacity(names.len());
    let mut seen: HashMap<Col, usize> = HashMap::new();
    let mut unknown = 0usize;
    let mut ignored_columns = Vec::new();
    for (i, (name, key)) in names.iter().zip(&keys).enumerate() {
        let col = if name.is_empty() {
            Col::Ignored
        } else if let Some(col) = fixed_column(key) {
            if format == FileFormat::Wide
                && matches!(col, Col::RatedOn | Col::Interested | Col::Note)
            {
                problems.push(Problem::cell(
                    header_line,
                    name,
                    "belongs to the long format, which also needs Skill and Level columns",
                ));
            }
            col
        } else if format == FileFormat::Long {
            problems.push(Problem::cell(
                header_line,
                name,
                format!(
                    "is not a column of the long format ({})",
                    super::export::LONG_HEADER.join(", ")
                ),
            ));
            Col::Ignored
        } else if let Some(skill) = framework.skill_named(name) {
            Col::SkillColumn(skill)
        } else {
            unknown += 1;
            // A header of thousands of unknown columns is not a matrix: stop looking for
            // near names once the problem list is full.
            if unknown > MAX_UNKNOWN_COLUMNS {
                if unknown == MAX_UNKNOWN_COLUMNS + 1 {
                    problems.push(Problem::line(
                        header_line,
                        format!(
                            "more than {MAX_UNKNOWN_COLUMNS} columns are not skills: is this a skills matrix?"
                        ),
                    ));
                }
            } else if let Some(near) = nearest_skill(framework, name) {
                problems.push(Problem::cell(
                    header_line,
                    name,
                    format!("\"{name}\" {}", unknown_skill_message(framework, near)),
                ));
            } else {
                ignored_columns.push(name.to_string());
            }
            Col::Ignored
        };
        if col != Col::Ignored
            && let Some(first) = seen.insert(col, i)
        {
            problems.push(Problem::cell(
                header_line,
                name,
                format!("appears twice (columns {} and {})", first + 1, i + 1),
            ));
        }
        cols.push(col);
    }
    let find = |c: Col| seen.get(&c).copied();
    let member_col = find(Col::Member);
    if member_col.is_none() {
        // Without a Member column the header is probably not what we think: say only that.
        problems = Problems::default();
        problems.push(Problem::line(
            header_line,
            format!(
                "no Member column: the first row must be a header such as Member,Team,Role level,Testing (found: {})",
                names.iter().filter(|n| !n.is_empty()).copied().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if format == FileFormat::Long && find(Col::Skill).is_none() | find(Col::Level).is_none() {
        problems.push(Problem::line(
            header_line,
            "the long format needs Skill and Level columns",
        ));
    }
    // Without the columns that say who and what, the rows cannot be read; otherwise read on,
    // so that the header's problems and the rows' come in one list.
    if member_col.is_none() || problems.list.iter().any(|p| p.column.is_none()) {
        return Err(problems);
    }
    let skill_columns: Vec<SkillId> = cols
        .iter()
        .filter_map(|c| {
            if let Col::SkillColumn(s) = c {
                Some(*s)
            } else {
                None
            }
        })
        .collect();

    // Rows.
    let mut members: Vec<ParsedMember> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for row in &table.rows {
        let line = row.line;
        let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i));
        let column_name = |i: usize| names[i];
        let before = problems.total();

        if row.cells.len() > names.len()
            && row
                .cells
                .iter()
                .skip(names.len())
                .any(|c| !c.trim().is_empty())
        {
            problems.push(Problem::line(
                line,
                format!(
                    "this row has {} cells but the header has {} columns",
                    row.cells.len(),
                    names.len()
                ),
            ));
        }
        for (i, c) in row.cells.iter().enumerate().take(names.len()) {
            if names[i].is_empty() && !c.trim().is_empty() {
                problems.push(Problem::line(
                    line,
                    format!(
                        "column {} has no header but this row has \"{}\" in it",
                        i + 1,
                        c.trim()
                    ),
                ));
            }
        }

        let raw_name = unguard(cell(member_col).unwrap_or(""));
        let name = if raw_name.trim().is_empty() {
            problems.push(Problem::cell(
                line,
                "Member",
                "is empty: every row needs the member's name",
            ));
            String::new()
        } else {
            clean_name("member", raw_name).unwrap_or_else(|e| {
                problems.push(Problem::cell(line, "Member", e.to_string()));
                String::new()
            })
        };
        let team_cell = unguard(cell(find(Col::Team)).unwrap_or(""));
        let raw_team = if !team_cell.trim().is_empty() {
            Some(team_cell)
        } else {
            default_team.filter(|t| !t.trim().is_empty())
        };
        let team = match raw_team {
            Some(t) => clean_name("team", t).unwrap_or_else(|e| {
                problems.push(Problem::cell(line, "Team", e.to_string()));
                String::new()
            }),
            None => {
                problems.push(
                    Problem::cell(
                        line,
                        "Team",
                        "no team for this member: fill in the Team column or give a team for rows without one",
                    )
                    .with_kind(super::ProblemKind::NoTeam),
                );
                String::new()
            }
        };
        let role_level = match find(Col::RoleLevel) {
            None => None,
            Some(i) => {
                let text = unguard(cell(Some(i)).unwrap_or("")).trim();
                if text.is_empty() {
                    Some(None)
                } else {
                    match framework.find_role_level(text) {
                        Ok(rl) => Some(Some(rl)),
                        Err(e) => {
                            let hint = match &e {
                                crate::Error::NotFound { hint: Some(h), .. } => format!(" ({h})"),
                                _ => String::new(),
                            };
                            problems.push(Problem::cell(
                                line,
                                column_name(i),
                                format!("\"{text}\" is not a role level{hint}"),
                            ));
                            None
                        }
                    }
                }
            }
        };

        let mut ratings = Vec::new();
        match format {
            FileFormat::Wide => {
                for (i, col) in cols.iter().enumerate() {
                    let Col::SkillColumn(skill) = *col else {
                        continue;
                    };
                    let text = cell(Some(i)).unwrap_or("").trim();
                    let level = if text.is_empty() {
                        None
                    } else if let Some(l) = Level::parse(text) {
                        Some(l)
                    } else {
                        problems.push(level_problem(line, column_name(i), text));
                        continue;
                    };
                    ratings.push(ParsedRating {
                        line,
                        skill,
                        level,
                        at: None,
                        interested: None,
                        note: None,
                    });
                }
            }
            FileFormat::Long => {
                let skill_i = find(Col::Skill);
                let skill_text = cell(skill_i).unwrap_or("").trim();
                let skill = if skill_text.is_empty() {
                    problems.push(Problem::cell(
                        line,
                        "Skill",
                        "is empty: every row of the long format names a skill",
                    ));
                    None
                } else {
                    match framework.skill_named(skill_text) {
                        Some(s) => Some(s),
                        None => {
                            let message = match nearest_skill(framework, skill_text) {
                                Some(near) => unknown_skill_message(framework, near),
                                None => unknown_skill_hint(framework),
                            };
                            problems.push(Problem::cell(
                                line,
                                "Skill",
                                format!("\"{skill_text}\" {message}"),
                            ));
                            None
                        }
                    }
                };
                let level_text = cell(find(Col::Level)).unwrap_or("").trim();
                let level = if level_text.is_empty() {
                    None
                } else {
                    let parsed = Level::parse(level_text);
                    if parsed.is_none() {
                        problems.push(level_problem(line, "Level", level_text));
                    }
                    parsed
                };
                let at = match cell(find(Col::RatedOn)).map(str::trim) {
                    None | Some("") => None,
                    Some(text) => {
                        let t = Timestamp::parse(text);
                        if t.is_none() {
                            problems.push(Problem::cell(
                                line,
                                "Rated on",
                                format!("\"{text}\" is not a date (expected e.g. 2026-11-25 or 2026-11-25T14:30:00Z)"),
                            ));
                        }
                        t
                    }
                };
                let interested = match find(Col::Interested) {
                    None => None,
                    Some(i) => {
                        let text = cell(Some(i)).unwrap_or("").trim();
                        let flag = parse_yes_no(text);
                        if flag.is_none() {
                            problems.push(Problem::cell(
                                line,
                                "Interested",
                                format!("\"{text}\" is not yes or no (yes/no, true/false, 1/0, or empty for no)"),
                            ));
                        }
                        flag
                    }
                };
                let note =
                    find(Col::Note).map(|i| unguard(cell(Some(i)).unwrap_or("")).to_string());
                if let Some(skill) = skill {
                    ratings.push(ParsedRating {
                        line,
                        skill,
                        level,
                        at,
                        interested,
                        note,
                    });
                }
            }
        }

        if problems.total() > before || name.is_empty() || team.is_empty() {
            continue;
        }
        let key = (name_key(&team), name_key(&name));
        match index.get(&key) {
            Some(&i) if format == FileFormat::Wide => {
                problems.push(Problem::cell(
                    line,
                    "Member",
                    format!(
                        "\"{name}\" appears twice in team \"{team}\" (also on line {})",
                        members[i].line
                    ),
                ));
            }
            Some(&i) => {
                let m = &mut members[i];
                match (m.role_level, role_level) {
                    (Some(Some(a)), Some(Some(b))) if a != b => {
                        problems.push(Problem::cell(
                            line,
                            "Role level",
                            format!(
                                "\"{name}\" has role level \"{}\" here but \"{}\" on line {}",
                                framework.role_level(b).name,
                                framework.role_level(a).name,
                                m.line
                            ),
                        ));
                    }
                    (None | Some(None), Some(Some(b))) => m.role_level = Some(Some(b)),
                    _ => {}
                }
                m.ratings.extend(ratings);
            }
            None => {
                index.insert(key, members.len());
                members.push(ParsedMember {
                    line,
                    team,
                    name,
                    role_level,
                    ratings,
                });
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ParsedFile {
        format,
        members,
        skill_columns,
        rows: table.rows.len(),
        ignored_columns,
    })
}

fn level_problem(line: usize, column: &str, text: &str) -> Problem {
    Problem::cell(
        line,
        column,
        format!("\"{text}\" is not a level ({LEVEL_CHOICES})"),
    )
}

/// The most columns of a wide file that may be neither capmatrix columns nor skills.
pub const MAX_UNKNOWN_COLUMNS: usize = super::MAX_PROBLEMS;

fn nearest_skill<'a>(framework: &'a Framework, name: &str) -> Option<&'a str> {
    nearest(name, framework.skills.iter().map(|s| s.name.as_str()))
}

fn unknown_skill_message(framework: &Framework, near: &str) -> String {
    format!(
        "is not a skill in the framework; did you mean \"{near}\"? {}",
        unknown_skill_hint(framework)
    )
}

/// What skill names look like: the skills of the framework's central role level (for DDaT,
/// Lead data engineer), taken from the data.
fn unknown_skill_hint(framework: &Framework) -> String {
    let Some(rl) = framework.central_role_level() else {
        return "skill names must be written exactly as in the framework".to_string();
    };
    let level = framework.role_level(rl);
    let known: Vec<&str> = level
        .requires
        .iter()
        .map(|q| framework.skill(q.skill).name.as_str())
        .collect();
    format!(
        "Skill names must be written exactly as in the framework, e.g. the skills of {}: {}",
        level.name,
        known.join(", ")
    )
}

/// yes/no, true/false, 1/0, y/n (any case); empty is no.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}
