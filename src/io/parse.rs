//! Raw records to typed rows: finds the format from the header (wide matrix or long list),
//! matches columns to skills, and reads every cell, collecting every problem with its line
//! and column. Knows the framework but not the database.

use super::records::{RawRow, RawTable};
use super::{Problem, Problems, unguard};
use crate::model::{
    Framework, LEVEL_CHOICES, Level, RoleLevelId, SkillId, clean_name, name_key, nearest,
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
    /// The assessment date, if the file says.
    pub at: Option<crate::model::Date>,
    /// The interested flag, if the file has that column.
    pub interested: Option<bool>,
    /// The note, if the file has that column.
    pub note: Option<String>,
    /// Whose rating, if the file has a Source column (long format).
    pub source: Option<crate::model::Source>,
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
    /// A history file's events for them (joined, moved, role, left), in file order.
    pub events: Vec<ParsedEvent>,
    /// A history file's Member id: one person across teams and role levels.
    pub file_id: Option<String>,
}

/// A member event of a history file (`export --history`): what happened on a date, with
/// the team and role level the row gives (where they moved, their new role level).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedEvent {
    /// Where it was.
    pub line: usize,
    /// Joined, left, moved or role.
    pub kind: crate::model::EventKind,
    /// The day.
    pub on: crate::model::Date,
    /// The row's team.
    pub team: String,
    /// The row's role level.
    pub role_level: Option<RoleLevelId>,
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
    /// Retired skills the file names (a wide file's columns, a long file's Skill cells):
    /// their ratings are left out, and listed so the person knows.
    pub retired_skills: Vec<String>,
    /// Of `ignored_columns`, those whose cells hold levels: ratings that would be lost, so
    /// an import refuses them (at the column's header) unless they are created as skills.
    pub level_columns: Vec<(String, Problem)>,
    /// capmatrix's workbook: ratings whose level in the Ratings sheet differs from the
    /// Matrix sheet's. The import decides against the database which one was edited.
    pub conflicts: Vec<SheetConflict>,
}

/// A rating whose level differs between capmatrix's workbook's Matrix and Ratings sheets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetConflict {
    /// Index into [`ParsedFile::members`].
    pub member: usize,
    /// The skill.
    pub skill: SkillId,
    /// The Matrix sheet's level and its row.
    pub matrix: (Option<Level>, usize),
    /// The Ratings sheet's level, date and row.
    pub ratings: (Option<Level>, Option<crate::model::Date>, usize),
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
    Source,
    Event,
    MemberId,
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
        "source" => Col::Source,
        "event" => Col::Event,
        "member id" => Col::MemberId,
        _ => return None,
    })
}

/// Header cells: trimmed, a stray byte order mark removed.
/// Header cells: a stray byte order mark removed, and runs of spaces and line breaks made one
/// space (a spreadsheet header often breaks a long name over two lines: Alt+Enter in Excel,
/// and capmatrix's own workbook does it to keep its header row short).
fn header_name(cell: &str) -> String {
    cell.trim_start_matches('\u{FEFF}')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The header row understood: the layout, what each column is, where each kind sits.
struct Header {
    names: Vec<String>,
    format: FileFormat,
    cols: Vec<Col>,
    seen: HashMap<Col, usize>,
    ignored_columns: Vec<String>,
    retired_skills: Vec<String>,
}

impl Header {
    /// How many columns are skills.
    fn skill_columns(&self) -> usize {
        self.cols
            .iter()
            .filter(|c| matches!(c, Col::SkillColumn(_)))
            .count()
    }

    /// A text cell as written by the person: the formula guard removed. CSV files carry it;
    /// so does a guarded CSV that went through a spreadsheet and came back as a workbook
    /// (LibreOffice keeps the `'`), and capmatrix's workbook guards the texts that need it to
    /// survive this (those starting with `'`).
    fn text<'c>(&self, cell: &'c str) -> &'c str {
        unguard(cell)
    }

    /// The position of a column kind, if the file has it.
    fn find(&self, c: Col) -> Option<usize> {
        self.seen.get(&c).copied()
    }
}

/// How many rows from the top the header may be, below a title and notes (a spreadsheet
/// template often starts "Skills matrix - Platform team", then a blank row).
pub const HEADER_SEARCH_ROWS: usize = 20;

/// The header row: the first record with a Member cell among the first
/// [`HEADER_SEARCH_ROWS`] (rows above it are titles and are skipped), or else the first
/// record (which then gets the "no Member column" problem). Returns it and the data rows.
fn find_header(table: &RawTable) -> (&RawRow, &[RawRow]) {
    let has_member = |row: &RawRow| {
        row.cells
            .iter()
            .any(|c| header_name(c).eq_ignore_ascii_case("member"))
    };
    if has_member(&table.header) {
        return (&table.header, &table.rows);
    }
    match table
        .rows
        .iter()
        .take(HEADER_SEARCH_ROWS - 1)
        .position(has_member)
    {
        Some(i) => (&table.rows[i], &table.rows[i + 1..]),
        None => (&table.header, &table.rows),
    }
}

/// Works out the layout and what each header cell is. Problems that make the rows unreadable
/// (no Member column, no Skill and Level in a long file, too many unknown columns) are
/// line-level; problems with one column are cell-level and let the rows be read too.
fn read_header(header_row: &RawRow, framework: &Framework, problems: &mut Problems) -> Header {
    let line = header_row.line;
    let names: Vec<String> = header_row.cells.iter().map(header_name).collect();
    let keys: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let format = if keys.iter().any(|k| k == "skill") && keys.iter().any(|k| k == "level") {
        FileFormat::Long
    } else {
        FileFormat::Wide
    };
    let mut header = Header {
        names,
        format,
        cols: Vec::with_capacity(keys.len()),
        seen: HashMap::new(),
        ignored_columns: Vec::new(),
        retired_skills: Vec::new(),
    };
    let mut unknown = 0usize;
    for (i, key) in keys.iter().enumerate() {
        let name = header.names[i].as_str();
        let col = classify_column(
            name,
            key,
            format,
            framework,
            &mut unknown,
            (&mut header.ignored_columns, &mut header.retired_skills),
            line,
            problems,
        );
        if col != Col::Ignored
            && let Some(first) = header.seen.insert(col, i)
        {
            problems.push(Problem::cell(
                line,
                name,
                format!("appears twice (columns {} and {})", first + 1, i + 1),
            ));
        }
        header.cols.push(col);
    }
    if header.find(Col::Member).is_none() {
        // Without a Member column the header is probably not what we think: say only that.
        *problems = Problems::default();
        problems.push(Problem::line(
            line,
            format!(
                "no Member column: a header row such as Member,Team,Role level,Testing must be within the first 20 rows (the first row has: {})",
                header.names.iter().filter(|n| !n.is_empty()).map(String::as_str).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if format == FileFormat::Long
        && (header.find(Col::Skill).is_none() || header.find(Col::Level).is_none())
    {
        problems.push(Problem::line(
            line,
            "the long format needs Skill and Level columns",
        ));
    }
    header
}

/// What one header cell is. Unknown names in a wide file: near a skill name is an error with a
/// suggestion; anything else (Email, Manager) is ignored and listed. After
/// [`MAX_UNKNOWN_COLUMNS`] unknown columns the near-name search stops: such a header is not a
/// matrix, and the search would take minutes on a huge one.
#[allow(clippy::too_many_arguments)]
fn classify_column(
    name: &str,
    key: &str,
    format: FileFormat,
    framework: &Framework,
    unknown: &mut usize,
    (ignored, retired): (&mut Vec<String>, &mut Vec<String>),
    line: usize,
    problems: &mut Problems,
) -> Col {
    if name.is_empty() {
        return Col::Ignored;
    }
    if let Some(col) = fixed_column(key) {
        if format == FileFormat::Wide
            && matches!(
                col,
                Col::Interested | Col::Note | Col::Event | Col::MemberId
            )
        {
            problems.push(Problem::cell(
                line,
                name,
                "belongs to the long format, which also needs Skill and Level columns",
            ));
        }
        return col;
    }
    if format == FileFormat::Long {
        // As in a wide file: a near miss of a column name is an error, anything else (Email,
        // Manager) is ignored and listed.
        let near = nearest(name, super::export::LONG_HEADER.into_iter());
        match near {
            Some(near) => problems.push(Problem::cell(
                line,
                name,
                format!(
                    "is not a column of the long format; did you mean \"{near}\"? ({})",
                    super::export::LONG_HEADER.join(", ")
                ),
            )),
            None => ignored.push(name.to_string()),
        }
        return Col::Ignored;
    }
    if let Some(skill) = framework.skill_named(name) {
        if framework.skill(skill).retired {
            retired.push(framework.skill(skill).name.clone());
            return Col::Ignored;
        }
        return Col::SkillColumn(skill);
    }
    *unknown += 1;
    if *unknown > MAX_UNKNOWN_COLUMNS {
        if *unknown == MAX_UNKNOWN_COLUMNS + 1 {
            problems.push(Problem::line(
                line,
                format!(
                    "more than {MAX_UNKNOWN_COLUMNS} columns are not skills: is this a skills matrix?"
                ),
            ));
        }
    } else if let Some(near) = nearest_skill(framework, name) {
        problems.push(Problem::cell(
            line,
            name,
            format!("\"{name}\" {}", unknown_skill_message(framework, near)),
        ));
    } else {
        ignored.push(name.to_string());
    }
    Col::Ignored
}

/// Ignored columns of a wide file whose cells all read as levels (at least one filled):
/// "Data wizardry" with Expert in it is ratings of a skill the framework does not have, not
/// a column like Email to pass over. Each comes with its problem, placed at the header.
fn level_columns(
    header: &Header,
    header_row: &RawRow,
    data: &[RawRow],
    sheet: Option<&str>,
) -> Vec<(String, Problem)> {
    let mut out = Vec::new();
    for (i, name) in header.names.iter().enumerate() {
        if header.cols[i] != Col::Ignored || !header.ignored_columns.contains(name) {
            continue;
        }
        let mut example = None;
        let all_levels = data.iter().all(|row| {
            let text = header.text(row.cells.get(i).unwrap_or("")).trim();
            if text.is_empty() {
                return true;
            }
            let level = Level::parse(text).is_some();
            if level && example.is_none() {
                example = Some((text.to_string(), row.line));
            }
            level
        });
        let Some((text, line)) = example.filter(|_| all_levels) else {
            continue;
        };
        let mut problem = Problem::cell(
            header_row.line,
            name,
            format!(
                "\"{name}\" holds levels (\"{text}\" on {} {line}) but names no skill of the framework: correct the heading to a skill's name, or create it as a custom skill (import --add-skills, or tick it in the window's import preview). Columns without levels, like Email, are passed over",
                if sheet.is_some() { "row" } else { "line" }
            ),
        );
        if let Some(sheet) = sheet {
            place_problems(
                std::slice::from_mut(&mut problem),
                sheet,
                header_row,
                header,
                false,
            );
        }
        out.push((name.clone(), problem));
    }
    out
}

/// Cells beyond the header, or under a column with no header.
fn check_row_shape(row: &RawRow, header: &Header, problems: &mut Problems) {
    let names = &header.names;
    if row.cells.len() > names.len()
        && row
            .cells
            .iter()
            .skip(names.len())
            .any(|c| !c.trim().is_empty())
    {
        problems.push(Problem::line(
            row.line,
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
                row.line,
                format!(
                    "column {} has no header but this row has \"{}\" in it",
                    i + 1,
                    c.trim()
                ),
            ));
        }
    }
}

/// Who a row is about: the member's name, team and role level (names cleaned as stored).
struct Identity {
    name: String,
    team: String,
    role_level: Option<Option<RoleLevelId>>,
}

fn read_identity(
    row: &RawRow,
    header: &Header,
    framework: &Framework,
    default_team: Option<&str>,
    problems: &mut Problems,
) -> Identity {
    let line = row.line;
    let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i));
    let raw_name = header.text(cell(header.find(Col::Member)).unwrap_or(""));
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
    let team_cell = header.text(cell(header.find(Col::Team)).unwrap_or(""));
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
    let role_level = header.find(Col::RoleLevel).map(|i| {
        let text = header.text(cell(Some(i)).unwrap_or("")).trim();
        if text.is_empty() {
            return None;
        }
        match framework.find_role_level(text) {
            Ok(rl) => Some(rl),
            Err(e) => {
                let hint = match &e {
                    crate::Error::NotFound { hint: Some(h), .. } => format!(" ({h})"),
                    _ => String::new(),
                };
                problems.push(Problem::cell(
                    line,
                    &header.names[i],
                    format!("\"{text}\" is not a role level{hint}"),
                ));
                None
            }
        }
    });
    Identity {
        name,
        team,
        role_level,
    }
}

/// A wide row's ratings: one per skill column; an empty cell is "no rating given". A Rated
/// on column dates the row's ratings (a past matrix brought in for its history).
fn read_wide_ratings(
    row: &RawRow,
    header: &Header,
    problems: &mut Problems,
    today: crate::model::Date,
) -> Vec<ParsedRating> {
    let at = rated_on(row, header, problems, today);
    // A wide file of people's own ratings says so in its Source column.
    let source = source_of(row, header, problems);
    let mut ratings = Vec::with_capacity(header.skill_columns());
    for (i, col) in header.cols.iter().enumerate() {
        let Col::SkillColumn(skill) = *col else {
            continue;
        };
        let text = row.cells.get(i).unwrap_or("").trim();
        let level = if text.is_empty() {
            None
        } else if let Some(l) = Level::parse(text) {
            Some(l)
        } else {
            problems.push(level_problem(row.line, &header.names[i], text));
            continue;
        };
        ratings.push(ParsedRating {
            line: row.line,
            skill,
            level,
            at,
            interested: None,
            note: None,
            source,
        });
    }
    ratings
}

/// A history file's Event cell, when the row is an event (`None`: a rating's row;
/// `Some(None)`: an event row whose word is no event, its problem recorded). An event row
/// leaves Skill empty.
fn event_of(
    row: &RawRow,
    header: &Header,
    problems: &mut Problems,
) -> Option<Option<crate::model::EventKind>> {
    let text = header
        .find(Col::Event)
        .and_then(|i| row.cells.get(i))?
        .trim();
    if text.is_empty() {
        return None;
    }
    let kind = crate::model::EventKind::from_code(&text.to_lowercase());
    if kind.is_none() {
        problems.push(Problem::cell(
            row.line,
            "Event",
            format!(
                "\"{text}\" is not an event (joined, left, moved, role; empty on a rating's row)"
            ),
        ));
    }
    let skill = header
        .find(Col::Skill)
        .and_then(|i| row.cells.get(i))
        .unwrap_or("")
        .trim();
    if !skill.is_empty() {
        problems.push(Problem::cell(
            row.line,
            "Skill",
            format!(
                "\"{skill}\" is on an event row: an event row (Event \"{text}\") must leave Skill empty, and a rating's row must leave Event empty"
            ),
        ));
    }
    Some(kind)
}

/// A history file's Member id cell (`None`: no column, or empty).
fn member_id_of<'r>(row: &'r RawRow, header: &Header) -> Option<&'r str> {
    let id = header
        .find(Col::MemberId)
        .and_then(|i| row.cells.get(i))?
        .trim();
    (!id.is_empty()).then_some(id)
}

/// A row's Source cell: whose its ratings are (`None`: empty or no column, the import's).
fn source_of(
    row: &RawRow,
    header: &Header,
    problems: &mut Problems,
) -> Option<crate::model::Source> {
    let text = header
        .find(Col::Source)
        .and_then(|i| row.cells.get(i))?
        .trim();
    if text.is_empty() {
        return None;
    }
    let source = crate::model::Source::parse(text);
    if source.is_none() {
        problems.push(Problem::cell(
            row.line,
            "Source",
            format!("\"{text}\" is not lead or self (whose rating it is; empty for the import's)"),
        ));
    }
    source
}

/// A row's Rated on cell: the assessment date of its ratings (`None`: empty or no column).
/// Not a date, or a date in the future, is a problem at its cell.
fn rated_on(
    row: &RawRow,
    header: &Header,
    problems: &mut Problems,
    today: crate::model::Date,
) -> Option<crate::model::Date> {
    let line = row.line;
    let text = header
        .find(Col::RatedOn)
        .and_then(|i| row.cells.get(i))?
        .trim();
    if text.is_empty() {
        return None;
    }
    let t = crate::model::time::parse_date(text);
    match t {
        None => problems.push(Problem::cell(
            line,
            "Rated on",
            format!(
                "\"{text}\" is not a date (expected e.g. 2026-11-25, 25/11/2026 or 2026-11-25T14:30:00Z)"
            ),
        )),
        Some(d) if d > today => problems.push(Problem::cell(
            line,
            "Rated on",
            format!("{d} is in the future (today is {today})"),
        )),
        Some(_) => {}
    }
    t
}

/// A long row's one rating: skill, level (empty: cleared), date, interest and note.
fn read_long_rating(
    row: &RawRow,
    header: &Header,
    framework: &Framework,
    (near_names, retired): (&mut HashMap<String, String>, &mut Vec<String>),
    problems: &mut Problems,
    today: crate::model::Date,
) -> Option<ParsedRating> {
    let line = row.line;
    let cell = |c: Col| header.find(c).and_then(|i| row.cells.get(i));
    let skill_text = cell(Col::Skill).unwrap_or("").trim();
    let skill = if skill_text.is_empty() {
        problems.push(Problem::cell(
            line,
            "Skill",
            "is empty: every row of the long format names a skill",
        ));
        None
    } else {
        let found = framework.skill_named(skill_text);
        if let Some(skill) = found.filter(|&s| framework.skill(s).retired) {
            let name = &framework.skill(skill).name;
            if !retired.contains(name) {
                retired.push(name.clone());
            }
            return None;
        }
        if found.is_none() {
            // Once the list of problems is full, more are only counted: no near-name search
            // (a file of 100,000 bad rows would take minutes). The same name is searched once.
            let message = if problems.list.len() >= super::MAX_PROBLEMS {
                String::new()
            } else {
                near_names
                    .entry(skill_text.to_string())
                    .or_insert_with(|| match nearest_skill(framework, skill_text) {
                        Some(near) => unknown_skill_message(framework, near),
                        None => unknown_skill_hint(framework),
                    })
                    .clone()
            };
            problems.push(Problem::cell(
                line,
                "Skill",
                format!("\"{skill_text}\" {message}"),
            ));
        }
        found
    };
    let level_text = cell(Col::Level).unwrap_or("").trim();
    let level = if level_text.is_empty() {
        None
    } else {
        let parsed = Level::parse(level_text);
        if parsed.is_none() {
            problems.push(level_problem(line, "Level", level_text));
        }
        parsed
    };
    let at = rated_on(row, header, problems, today);
    let interested = header.find(Col::Interested).and_then(|i| {
        let text = row.cells.get(i).unwrap_or("").trim();
        let flag = parse_yes_no(text);
        if flag.is_none() {
            problems.push(Problem::cell(
                line,
                "Interested",
                format!("\"{text}\" is not {YES_NO_CHOICES}; empty is no"),
            ));
        }
        flag
    });
    let note = header
        .find(Col::Note)
        .map(|i| header.text(row.cells.get(i).unwrap_or("")).to_string());
    let source = source_of(row, header, problems);
    Some(ParsedRating {
        line,
        skill: skill?,
        level,
        at,
        interested,
        note,
        source,
    })
}

/// The members of a file in the order they first appear, found by (team, name).
#[derive(Default)]
struct Members {
    list: Vec<ParsedMember>,
    index: HashMap<(String, String), usize>,
    /// A history file's Member id per (team, name) of its rows: one person, one id.
    ids: HashMap<(String, String), (String, usize)>,
    /// What a place in the file is called: "line" (text) or "row" (a sheet).
    unit: &'static str,
}

impl Members {
    /// Adds a row's member and ratings: a wide file may name a member once per team; a long
    /// file names them on each of their rows, with one role level.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        who: Identity,
        line: usize,
        ratings: Vec<ParsedRating>,
        format: FileFormat,
        framework: &Framework,
        problems: &mut Problems,
        file_id: Option<&str>,
    ) -> Option<usize> {
        // One person (a team and name on a row) has one Member id.
        if let Some(id) = file_id {
            let at = (name_key(&who.team), name_key(&who.name));
            match self.ids.get(&at) {
                Some((other, first)) if other != id => {
                    problems.push(Problem::cell(
                        line,
                        "Member id",
                        format!(
                            "{id} here, but \"{}\" of team \"{}\" has Member id {other} on {} {first}: one person has one id",
                            who.name, who.team, self.unit
                        ),
                    ));
                    return None;
                }
                Some(_) => {}
                None => {
                    self.ids.insert(at, (id.to_string(), line));
                }
            }
        }
        // A history file's Member id is the person, whatever team or role level a row gives.
        let key = match file_id {
            Some(id) => ("\0id".to_string(), id.to_string()),
            None => (name_key(&who.team), name_key(&who.name)),
        };
        let Some(&i) = self.index.get(&key) else {
            self.index.insert(key, self.list.len());
            self.list.push(ParsedMember {
                line,
                team: who.team,
                name: who.name,
                role_level: who.role_level,
                ratings,
                events: Vec::new(),
                file_id: file_id.map(str::to_string),
            });
            return Some(self.list.len() - 1);
        };
        let m = &mut self.list[i];
        if let Some(id) = file_id
            && name_key(&m.name) != name_key(&who.name)
        {
            // One id is one person: two names under it would merge two people.
            problems.push(Problem::cell(
                line,
                "Member id",
                format!(
                    "{id} is \"{}\" on {} {} but \"{}\" here: one Member id is one person",
                    m.name, self.unit, m.line, who.name
                ),
            ));
            return None;
        }
        if file_id.is_some() {
            // Rows in date order: the last says where they are now.
            if !who.team.is_empty() {
                m.team = who.team;
            }
            if who.role_level.is_some() {
                m.role_level = who.role_level;
            }
            m.ratings.extend(ratings);
            return Some(i);
        }
        if format == FileFormat::Wide {
            problems.push(Problem::cell(
                line,
                "Member",
                format!(
                    "\"{}\" appears twice in team \"{}\" (also on {} {})",
                    who.name, who.team, self.unit, m.line
                ),
            ));
            return None;
        }
        match (m.role_level, who.role_level) {
            (Some(Some(a)), Some(Some(b))) if a != b => {
                problems.push(Problem::cell(
                    line,
                    "Role level",
                    format!(
                        "\"{}\" has role level \"{}\" here but \"{}\" on {} {}",
                        who.name,
                        framework.role_level(b).name,
                        framework.role_level(a).name,
                        self.unit,
                        m.line
                    ),
                ));
            }
            (None | Some(None), Some(Some(b))) => m.role_level = Some(Some(b)),
            _ => {}
        }
        m.ratings.extend(ratings);
        Some(i)
    }
}

/// Reads a table against the framework. `default_team` fills empty or absent Team cells.
/// Every problem of the file is collected (up to the cap), header and rows alike.
pub fn parse(
    table: &RawTable,
    framework: &Framework,
    default_team: Option<&str>,
) -> Result<ParsedFile, Problems> {
    let mut problems = Problems::default();
    let (header_row, data) = find_header(table);
    let header = read_header(header_row, framework, &mut problems);
    if let Some(sheet) = &table.sheet {
        place_problems(&mut problems.list, sheet, header_row, &header, false);
    }
    // Without the columns that say who and what, the rows cannot be read; otherwise read on,
    // so that the header's problems and the rows' come in one list.
    if problems.list.iter().any(|p| p.column.is_none()) {
        return Err(problems);
    }
    let mut members = Members {
        unit: if table.sheet.is_some() { "row" } else { "line" },
        ..Members::default()
    };
    let mut near_names = HashMap::new();
    let mut retired_rows: Vec<String> = Vec::new();
    let today = crate::model::time::today();
    // A long file lists a member's ratings on consecutive rows: while the Member, Team and
    // Role level cells are those of the last row read cleanly, the member is already known
    // (names are not cleaned and looked up again: a third of a long import's time).
    fn identity_cells<'r>(row: &'r RawRow, header: &Header) -> [&'r str; 3] {
        [Col::Member, Col::Team, Col::RoleLevel]
            .map(|c| header.find(c).and_then(|i| row.cells.get(i)).unwrap_or(""))
    }
    let mut last: Option<([String; 3], usize)> = None;
    for row in data {
        let before = problems.total();
        let listed = problems.list.len();
        check_row_shape(row, &header, &mut problems);
        if let Some(kind) = event_of(row, &header, &mut problems) {
            // A history file's event row: joined, left, moved or role, on its date (an
            // unknown event word is its one problem: the row is not read as a rating).
            let Some(kind) = kind else {
                last = None;
                if let Some(sheet) = &table.sheet {
                    place_problems(&mut problems.list[listed..], sheet, row, &header, true);
                }
                continue;
            };
            let who = read_identity(row, &header, framework, default_team, &mut problems);
            let on = rated_on(row, &header, &mut problems, today);
            if on.is_none() && problems.total() == before {
                problems.push(Problem::cell(
                    row.line,
                    "Rated on",
                    "is empty: an event row gives the day it happened",
                ));
            }
            if problems.total() == before
                && let Some(on) = on
            {
                let event = ParsedEvent {
                    line: row.line,
                    kind,
                    on,
                    team: who.team.clone(),
                    role_level: who.role_level.flatten(),
                };
                let file_id = member_id_of(row, &header);
                if let Some(i) = members.add(
                    who,
                    row.line,
                    Vec::new(),
                    header.format,
                    framework,
                    &mut problems,
                    file_id,
                ) {
                    members.list[i].events.push(event);
                }
            }
            last = None;
            if let Some(sheet) = &table.sheet {
                place_problems(&mut problems.list[listed..], sheet, row, &header, true);
            }
            continue;
        }
        if header.format == FileFormat::Long
            && let Some((cells, i)) = &last
            && identity_cells(row, &header) == cells.each_ref().map(String::as_str)
        {
            let rating = read_long_rating(
                row,
                &header,
                framework,
                (&mut near_names, &mut retired_rows),
                &mut problems,
                today,
            );
            if problems.total() == before {
                members.list[*i].ratings.extend(rating);
            }
            if let Some(sheet) = &table.sheet {
                place_problems(&mut problems.list[listed..], sheet, row, &header, true);
            }
            continue;
        }
        let who = read_identity(row, &header, framework, default_team, &mut problems);
        let ratings = match header.format {
            FileFormat::Wide => read_wide_ratings(row, &header, &mut problems, today),
            FileFormat::Long => read_long_rating(
                row,
                &header,
                framework,
                (&mut near_names, &mut retired_rows),
                &mut problems,
                today,
            )
            .into_iter()
            .collect(),
        };
        if problems.total() == before && !who.name.is_empty() && !who.team.is_empty() {
            let file_id = member_id_of(row, &header);
            let added = members.add(
                who,
                row.line,
                ratings,
                header.format,
                framework,
                &mut problems,
                file_id,
            );
            last = added
                .filter(|_| problems.total() == before)
                .map(|i| (identity_cells(row, &header).map(String::from), i));
        } else {
            last = None;
        }
        if let Some(sheet) = &table.sheet {
            place_problems(&mut problems.list[listed..], sheet, row, &header, true);
        }
    }
    // A history file's events happen after joining.
    for m in &members.list {
        let joined = m
            .events
            .iter()
            .filter(|e| e.kind == crate::model::EventKind::Joined)
            .map(|e| e.on)
            .min();
        if let Some(joined) = joined {
            for e in m.events.iter().filter(|e| e.on < joined) {
                problems.push(Problem::cell(
                    e.line,
                    "Rated on",
                    format!(
                        "{} is before \"{}\" joined ({joined}): an event ({}) comes after joining",
                        e.on,
                        m.name,
                        e.kind.code()
                    ),
                ));
            }
        }
    }
    let level_columns = if header.format == FileFormat::Wide {
        level_columns(&header, header_row, data, table.sheet.as_deref())
    } else {
        Vec::new()
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ParsedFile {
        format: header.format,
        members: members.list,
        skill_columns: header
            .cols
            .iter()
            .filter_map(|c| match c {
                Col::SkillColumn(s) => Some(*s),
                _ => None,
            })
            .collect(),
        rows: data.len(),
        level_columns,
        conflicts: Vec::new(),
        ignored_columns: header.ignored_columns,
        retired_skills: {
            let mut all = header.retired_skills;
            all.extend(
                retired_rows
                    .into_iter()
                    .filter(|n| !all.contains(n))
                    .collect::<Vec<_>>(),
            );
            all
        },
    })
}

/// Places a workbook row's problems as the spreadsheet shows them: `Matrix!F4 (Ann Lee,
/// Testing)` for a cell, `Matrix, row 4 (Ann Lee)` for the row.
fn place_problems(
    list: &mut [Problem],
    sheet: &str,
    row: &RawRow,
    header: &Header,
    data_row: bool,
) {
    if list.is_empty() {
        return;
    }
    let cell = |c: Col| {
        header
            .find(c)
            .and_then(|i| row.cells.get(i))
            .map(|t| header.text(t).trim())
            .filter(|t| !t.is_empty())
    };
    for p in list {
        let col = p.column.as_deref().and_then(|name| {
            header.names.iter().position(|n| *n == name).or_else(|| {
                header
                    .names
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(name))
            })
        });
        let mut about: Vec<&str> = Vec::new();
        if data_row {
            if let Some(member) = cell(Col::Member) {
                about.push(member);
            }
            match col.map(|i| header.cols[i]) {
                Some(Col::SkillColumn(_)) => {
                    if let Some(i) = col {
                        about.push(&header.names[i]);
                    }
                }
                _ => {
                    if let Some(skill) = cell(Col::Skill) {
                        about.push(skill);
                    }
                }
            }
        }
        let about = if about.is_empty() {
            String::new()
        } else {
            format!(" ({})", about.join(", "))
        };
        let line = p.line.unwrap_or(row.line);
        p.place = Some(match col {
            Some(i) => format!("{}{about}", super::sheet::cell_ref(sheet, line, i)),
            None => format!("{}, row {line}{about}", super::sheet::sheet_ref(sheet)),
        });
    }
}

/// Gives a wide file's ratings the notes, interest and dates of the same ratings in a long
/// file (capmatrix's workbook: the Matrix sheet's levels, the Ratings sheet's details). A
/// level that differs between the two is listed in [`ParsedFile::conflicts`]: the import
/// decides, against the database, which sheet was edited (an edit takes today's date).
pub fn take_details(wide: &mut ParsedFile, long: &ParsedFile) {
    let index: HashMap<(String, String), &ParsedMember> = long
        .members
        .iter()
        .map(|m| ((name_key(&m.team), name_key(&m.name)), m))
        .collect();
    let mut conflicts = Vec::new();
    for (i, m) in wide.members.iter_mut().enumerate() {
        let Some(details) = index.get(&(name_key(&m.team), name_key(&m.name))) else {
            continue;
        };
        for r in &mut m.ratings {
            if r.level.is_none() {
                continue;
            }
            // The last row for the skill, as an import of the long file would keep.
            let Some(d) = details.ratings.iter().rev().find(|d| d.skill == r.skill) else {
                continue;
            };
            r.note = d.note.clone();
            r.interested = d.interested;
            if d.level == r.level {
                r.at = d.at;
            } else {
                conflicts.push(SheetConflict {
                    member: i,
                    skill: r.skill,
                    matrix: (r.level, r.line),
                    ratings: (d.level, d.at, d.line),
                });
            }
        }
    }
    wide.conflicts = conflicts;
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

/// What [`parse_yes_no`] takes, for messages.
pub const YES_NO_CHOICES: &str = "yes or no (Yes/No, Y/N, True/False, 1/0, any case)";

/// yes/no, true/false, 1/0, y/n (any case); empty is no. The one reading of a flag for
/// every file (CSV, workbooks, packs) and the command line.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}
