//! Assessment packs: one workbook per person to fill in without capmatrix, and reading them
//! back as that person's own ratings. Pure: bytes in, bytes out.
//!
//! A pack has a visible "Assessment" sheet (instructions; per skill its description, the
//! descriptor at each level, the level their role expects unless hidden, and three input
//! cells: their level from a list, interested Yes/No, evidence) protected so that only the
//! input cells change, and a hidden "capmatrix" sheet that says which database, team and
//! person it is for and on which row each skill sits, so a renamed file still imports to the
//! right person.

use super::records::RawRow;
use super::sheet::{cell_ref, column_letters};
use crate::model::{Date, Level, Member, OGL_CREDIT, SkillId, Snapshot, Source};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Workbook,
    XlsxError,
};

/// The visible sheet.
pub const PACK_SHEET: &str = "Assessment";
/// The hidden sheet that identifies the pack.
pub const ID_SHEET: &str = "capmatrix";
/// What the identifying sheet's first row says.
pub const PACK_KIND: &str = "capmatrix assessment pack";
/// The pack format's version.
pub const PACK_VERSION: &str = "1";

/// The answers "Interested" takes.
const YES_NO: [&str; 2] = ["Yes", "No"];

/// What a pack is made with.
#[derive(Debug, Clone, Copy)]
pub struct PackOptions<'a> {
    /// The database's id (packs from another database are refused on import).
    pub database_id: &'a str,
    /// Leave out the level the role expects, so it does not anchor the answer.
    pub hide_expected: bool,
    /// The day the pack is made.
    pub today: Date,
}

/// The skills a person's pack asks about: those their role level requires, those their
/// team set a target for, and any they are already rated in (by the lead or themselves), in
/// framework order.
pub fn pack_skills(snapshot: &Snapshot, member: &Member) -> Vec<SkillId> {
    let fw = &snapshot.framework;
    let mut wanted = vec![false; fw.skills.len()];
    if let Some(rl) = member.role_level {
        for q in fw
            .role_level(rl)
            .requires
            .iter()
            .filter(|q| q.level.is_some())
        {
            wanted[q.skill.index()] = true;
        }
    }
    for (s, _) in snapshot.explicit_targets(member.team) {
        wanted[s.index()] = true;
    }
    for s in member.ratings.keys().chain(member.self_ratings.keys()) {
        wanted[s.index()] = true;
    }
    fw.skills_in_order()
        .filter(|s| wanted[s.id.index()])
        .map(|s| s.id)
        .collect()
}

/// A file name for a person's pack: "<name> self-assessment.xlsx", with characters that
/// file systems refuse replaced.
pub fn pack_file_name(name: &str) -> String {
    let safe = super::file_stem(name);
    // File names stop at 255 bytes: keep the name to 120 characters (up to 480 bytes of
    // UTF-8 would still be too many for some; 60 are).
    let safe: String = safe.chars().take(60).collect();
    format!(
        "{} self-assessment.xlsx",
        if safe.is_empty() {
            "member"
        } else {
            safe.trim_end()
        }
    )
}

/// The columns of the Assessment sheet: fixed ones, then (unless hidden) Expected, then the
/// three input columns.
struct Layout {
    expected: Option<u16>,
    level: u16,
    interested: u16,
    evidence: u16,
}

impl Layout {
    fn new(hide_expected: bool) -> Layout {
        let first = if hide_expected { 6 } else { 7 };
        Layout {
            expected: (!hide_expected).then_some(6),
            level: first,
            interested: first + 1,
            evidence: first + 2,
        }
    }
}

/// The row (0-based) of the Assessment sheet's header.
const HEADER_ROW: u32 = 7;

/// Writes one person's pack.
pub fn encode_pack(
    snapshot: &Snapshot,
    member: &Member,
    options: &PackOptions<'_>,
) -> Result<Vec<u8>, XlsxError> {
    let fw = &snapshot.framework;
    let team = snapshot
        .team(member.team)
        .map_or(String::new(), |t| t.name.clone());
    let role = member
        .role_level
        .map_or("not set".to_string(), |rl| fw.role_level(rl).name.clone());
    let skills = pack_skills(snapshot, member);
    let layout = Layout::new(options.hide_expected);
    let mut book = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(rust_xlsxwriter::Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let input = Format::new()
        .set_unlocked()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(rust_xlsxwriter::Color::RGB(0xFFF2CC))
        .set_border(FormatBorder::Thin);

    let sheet = book.add_worksheet();
    sheet.set_name(PACK_SHEET)?;
    sheet.write_string_with_format(
        0,
        0,
        format!("Skills self-assessment: {}", member.name),
        &title,
    )?;
    sheet.write_string(
        1,
        0,
        format!(
            "Role level: {role}. Team: {team}. Made on {}.",
            options.today
        ),
    )?;
    let steps = [
        "1. For each skill, read what it is and what each level looks like, then choose in \"Your level\" the one that describes what you do now (from the list).",
        "2. In \"Interested\" say Yes if you would like to develop the skill; in \"Evidence\" give an example of your work that shows your level.",
        "3. Only the yellow cells can be changed. Save the file (keep its name or not) and send it back to your lead.",
    ];
    for (i, step) in steps.iter().enumerate() {
        sheet.write_string(2 + i as u32, 0, *step)?;
    }
    let prefilled = skills.iter().any(|s| member.self_ratings.contains_key(s));
    if prefilled {
        sheet.write_string(
            5,
            0,
            "Your answers from last time are filled in: change what has changed.",
        )?;
        sheet.write_string(6, 0, OGL_CREDIT)?;
    } else {
        sheet.write_string(5, 0, OGL_CREDIT)?;
    }
    let mut names: Vec<&str> = vec![
        "Skill",
        "What it is",
        "Awareness",
        "Working",
        "Practitioner",
        "Expert",
    ];
    if layout.expected.is_some() {
        names.push("Expected for your role");
    }
    names.extend(["Your level", "Interested", "Evidence"]);
    for (c, n) in names.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, *n, &header)?;
    }
    sheet.set_row_height(HEADER_ROW, 32)?;
    for (i, &s) in skills.iter().enumerate() {
        let r = HEADER_ROW + 1 + i as u32;
        let skill = fw.skill(s);
        sheet.write_string_with_format(r, 0, &skill.name, &bold)?;
        sheet.write_string_with_format(
            r,
            1,
            skill
                .description
                .as_deref()
                .unwrap_or("The framework gives no description; the levels say what it covers."),
            &wrap,
        )?;
        // Tall enough for the longest text: about 40 characters a line in these columns.
        let lines = |text: &str, per_line: usize| -> usize {
            text.lines()
                .map(|l| l.chars().count().div_ceil(per_line).max(1))
                .sum()
        };
        let mut tallest =
            lines(&skill.name, 22).max(lines(skill.description.as_deref().unwrap_or(""), 34));
        for (k, level) in Level::DESCRIBED.into_iter().enumerate() {
            let text = skill.descriptor(level).map_or(
                "Not defined by the framework.".to_string(),
                |lines| {
                    lines
                        .iter()
                        .map(|l| format!("• {l}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                },
            );
            tallest = tallest.max(lines(&text, 38));
            sheet.write_string_with_format(r, 2 + k as u16, text, &wrap)?;
        }
        if let Some(c) = layout.expected {
            let expected = member
                .role_level
                .and_then(|rl| fw.required(rl, s))
                .map_or("", |l| l.name());
            sheet.write_string_with_format(r, c, expected, &wrap)?;
        }
        let own = member.self_ratings.get(&s);
        sheet.write_string_with_format(
            r,
            layout.level,
            own.map_or("", |o| o.level.name()),
            &input,
        )?;
        sheet.write_string_with_format(
            r,
            layout.interested,
            own.map_or("", |o| if o.interested { "Yes" } else { "No" }),
            &input,
        )?;
        sheet.write_string_with_format(
            r,
            layout.evidence,
            own.map_or("", |o| o.note.as_str()),
            &input,
        )?;
        sheet.set_row_height(r, (tallest as f64 * 15.0 + 6.0).clamp(30.0, 409.0))?;
    }
    if !skills.is_empty() {
        let last = HEADER_ROW + skills.len() as u32;
        let levels: Vec<&str> = Level::ALL.iter().map(|l| l.name()).collect();
        let level_list = DataValidation::new()
            .allow_list_strings(&levels)?
            .set_error_title("Not a level")?
            .set_error_message(format!("Choose one of: {}.", levels.join(", ")))?
            .set_error_style(DataValidationErrorStyle::Stop);
        sheet.add_data_validation(
            HEADER_ROW + 1,
            layout.level,
            last,
            layout.level,
            &level_list,
        )?;
        let yes_no = DataValidation::new()
            .allow_list_strings(&YES_NO)?
            .set_error_style(DataValidationErrorStyle::Stop);
        sheet.add_data_validation(
            HEADER_ROW + 1,
            layout.interested,
            last,
            layout.interested,
            &yes_no,
        )?;
    }
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 36)?;
    for c in 2..6 {
        sheet.set_column_width(c, 40)?;
    }
    if let Some(c) = layout.expected {
        sheet.set_column_width(c, 14)?;
    }
    sheet.set_column_width(layout.level, 14)?;
    sheet.set_column_width(layout.interested, 11)?;
    sheet.set_column_width(layout.evidence, 50)?;
    sheet.set_freeze_panes(HEADER_ROW + 1, 1)?;
    // A4 (9), landscape, one page wide and as many tall as it takes.
    sheet
        .set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    // Protected without a password: the framework text cannot be changed by accident.
    sheet.protect();

    let id = book.add_worksheet();
    id.set_name(ID_SHEET)?;
    id.set_hidden(true);
    let facts: [(&str, String); 9] = [
        ("kind", PACK_KIND.to_string()),
        ("version", PACK_VERSION.to_string()),
        ("database", options.database_id.to_string()),
        ("team", team),
        ("member id", member.id.0.to_string()),
        ("member", member.name.clone()),
        ("made on", options.today.to_string()),
        ("level column", column_letters(usize::from(layout.level))),
        (
            "evidence column",
            column_letters(usize::from(layout.evidence)),
        ),
    ];
    for (r, (k, v)) in facts.iter().enumerate() {
        id.write_string(r as u32, 0, *k)?;
        id.write_string(r as u32, 1, v)?;
    }
    for (i, &s) in skills.iter().enumerate() {
        let r = (facts.len() + i) as u32;
        id.write_string(r, 0, "skill")?;
        id.write_string(r, 1, &fw.skill(s).name)?;
        id.write_number(r, 2, f64::from(HEADER_ROW + 2 + i as u32))?;
        // The skill's id: a pack answers the skill it asked, even after a framework update
        // renames it (or a custom skill takes its old name).
        id.write_number(r, 3, f64::from(s.0))?;
    }
    id.protect();
    book.save_to_buffer()
}

/// One answer read from a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackAnswer {
    /// The skill.
    pub skill: SkillId,
    /// The level chosen, or `None` when left blank.
    pub level: Option<Level>,
    /// Interested (blank reads as no).
    pub interested: bool,
    /// Evidence, possibly empty.
    pub evidence: String,
}

/// A filled pack, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilledPack {
    /// The database it was made from.
    pub database_id: String,
    /// The member's id in that database.
    pub member_id: i64,
    /// The member's name when it was made.
    pub member: String,
    /// Their team's name when it was made.
    pub team: String,
    /// The answers, one per skill asked.
    pub answers: Vec<PackAnswer>,
    /// Cells that could not be read, with where and why ("Assessment!H12: ...").
    pub problems: Vec<String>,
}

impl FilledPack {
    /// How many skills were given a level.
    pub fn filled(&self) -> usize {
        self.answers.iter().filter(|a| a.level.is_some()).count()
    }
}

/// Whose ratings a pack's answers become.
pub const PACK_SOURCE: Source = Source::SelfAssessed;

/// Reads the two sheets of a pack (as [`super::sheet::named_sheets`] gives them, Assessment
/// then capmatrix). `None` when the identifying sheet is not a pack's.
pub fn read_pack(snapshot: &Snapshot, sheets: &[Vec<RawRow>]) -> Option<FilledPack> {
    let [assessment, id] = sheets else {
        return None;
    };
    let cell = |row: &RawRow, c: usize| row.cells.get(c).unwrap_or("").trim().to_string();
    let fact = |key: &str| id.iter().find(|r| cell(r, 0) == key).map(|r| cell(r, 1));
    if fact("kind").as_deref() != Some(PACK_KIND) {
        return None;
    }
    let mut problems = Vec::new();
    if fact("version").as_deref() != Some(PACK_VERSION) {
        problems.push(format!(
            "it is a version {} pack; this capmatrix reads version {PACK_VERSION}",
            fact("version").unwrap_or_default()
        ));
    }
    // A column as its letters (at most three: XFD is the last a sheet has).
    let column = |key: &str| -> Option<usize> {
        let letters = fact(key)?;
        if letters.is_empty() || letters.len() > 3 {
            return None;
        }
        letters
            .chars()
            .try_fold(0usize, |n, ch| {
                ch.is_ascii_uppercase()
                    .then(|| n * 26 + (ch as usize - 'A' as usize + 1))
            })
            .and_then(|n| n.checked_sub(1))
    };
    let (Some(level_col), Some(evidence_col)) = (column("level column"), column("evidence column"))
    else {
        problems.push("its identifying sheet is damaged (no level or evidence column)".into());
        return Some(FilledPack {
            database_id: fact("database").unwrap_or_default(),
            member_id: 0,
            member: fact("member").unwrap_or_default(),
            team: fact("team").unwrap_or_default(),
            answers: Vec::new(),
            problems,
        });
    };
    let interested_col = level_col + 1;
    let fw = &snapshot.framework;
    let rows: std::collections::HashMap<usize, &RawRow> =
        assessment.iter().map(|r| (r.line, r)).collect();
    // The input columns are where the identifying sheet says only if the header says so too.
    let header = assessment
        .iter()
        .find(|r| cell(r, 0) == "Skill" && cell(r, 1) == "What it is");
    let headed = |c: usize, name: &str| header.is_some_and(|h| cell(h, c) == name);
    if !headed(level_col, "Your level")
        || !headed(interested_col, "Interested")
        || !headed(evidence_col, "Evidence")
    {
        problems
            .push("its Assessment sheet's columns are not where its identifying sheet says".into());
    }
    let mut answers = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let skill_rows: Vec<&RawRow> = id.iter().filter(|r| cell(r, 0) == "skill").collect();
    if skill_rows.len() > fw.skills.len() {
        problems.push("its identifying sheet lists more skills than the framework has".into());
        return Some(FilledPack {
            database_id: fact("database").unwrap_or_default(),
            member_id: 0,
            member: fact("member").unwrap_or_default(),
            team: fact("team").unwrap_or_default(),
            answers,
            problems,
        });
    }
    for r in skill_rows {
        let name = cell(r, 1);
        // By the id the pack was made with; packs made before ids were written, by name.
        let by_id = cell(r, 3)
            .parse::<u32>()
            .ok()
            .map(SkillId)
            .filter(|&s| fw.has_skill(s));
        let skill = match (cell(r, 3).is_empty(), by_id) {
            (true, _) => fw.skill_named(&name),
            (false, found) => found,
        };
        let Some(skill) = skill else {
            problems.push(format!(
                "the skill \"{name}\" is not in this database's framework"
            ));
            continue;
        };
        let retired = fw.skill(skill).retired;
        if !seen.insert(skill) {
            problems.push(format!("the skill \"{name}\" is listed twice"));
            continue;
        }
        let Ok(line) = cell(r, 2).parse::<usize>() else {
            problems.push(format!("the row of \"{name}\" is missing"));
            continue;
        };
        let row = rows.get(&line).copied();
        if row.is_none_or(|x| cell(x, 0) != name) {
            problems.push(format!(
                "{}: the row of \"{name}\" does not name it",
                cell_ref(PACK_SHEET, line, 0)
            ));
            continue;
        }
        let get = |c: usize| row.map(|x| cell(x, c)).unwrap_or_default();
        let level_text = get(level_col);
        // Every problem of the row is said at once (the level and the interest).
        let mut bad = false;
        let level = if level_text.is_empty() {
            None
        } else {
            match Level::parse(&level_text) {
                Some(l) => Some(l),
                None => {
                    problems.push(format!(
                        "{}: \"{level_text}\" is not a level ({}) ({name})",
                        cell_ref(PACK_SHEET, line, level_col),
                        crate::model::LEVEL_CHOICES
                    ));
                    bad = true;
                    None
                }
            }
        };
        // One meaning of yes and no everywhere (packs, CSV, workbooks).
        let interested_text = get(interested_col);
        let interested = match super::parse::parse_yes_no(&interested_text) {
            Some(flag) => flag,
            None => {
                problems.push(format!(
                    "{}: \"{interested_text}\" is not {} ({name})",
                    cell_ref(PACK_SHEET, line, interested_col),
                    super::parse::YES_NO_CHOICES
                ));
                bad = true;
                false
            }
        };
        if retired {
            // A skill retired since the pack was made: a blank answer is no answer.
            if level.is_some() {
                problems.push(format!(
                    "{}: \"{name}\" was retired since the pack was made: leave it blank or make a new pack",
                    cell_ref(PACK_SHEET, line, level_col)
                ));
            }
            continue;
        }
        if bad {
            continue;
        }
        answers.push(PackAnswer {
            skill,
            level,
            interested,
            evidence: get(evidence_col),
        });
    }
    Some(FilledPack {
        database_id: fact("database").unwrap_or_default(),
        member_id: fact("member id").and_then(|v| v.parse().ok()).unwrap_or(0),
        member: fact("member").unwrap_or_default(),
        team: fact("team").unwrap_or_default(),
        answers,
        problems,
    })
}
