//! The heatmap as a picture for a slide: SVG written directly (one shape per cell, names as
//! `<text>`, a `<title>` per cell for hover), and PNG rendered from that same SVG by resvg
//! with the font egui bundles, so the picture is the same on every machine. Light background,
//! the window's palette ([`crate::palette`]), every cell's level also written as its letter.

use crate::error::{Error, Result};
use crate::model::analysis::{self, Fit, Scope, member_fit, scope_members, wide_skills};
use crate::model::{Level, Snapshot, Timestamp, plural};
use crate::palette::{self, Rgb};
use std::fmt::Write as _;

/// The most members a picture shows: beyond this it is no longer legible on a slide.
pub const MAX_PICTURE_MEMBERS: usize = 200;

/// The font family the SVG asks for (egui's bundled Ubuntu, which the PNG renderer loads),
/// then the viewer's sans-serif.
const FONT: &str = "Ubuntu, sans-serif";

const MARGIN: f64 = 24.0;
const CELL_W: f64 = 30.0;
const ROW_H: f64 = 22.0;
const FONT_SIZE: f64 = 12.0;
/// Average advance of a character at [`FONT_SIZE`] in Ubuntu Light, for laying out columns.
const CHAR_W: f64 = 6.4;
/// Skill names are written at this angle (degrees, upwards).
const ANGLE: f64 = 55.0;

/// Escapes text for SVG content and attributes.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A text shortened to about `max` characters with an ellipsis.
fn elide(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// Skill names longer than this go on two lines.
const WRAP_CHARS: usize = 34;

/// A name on one line, or on two split at the space nearest its middle (pictures and the
/// workbook's header row).
pub(crate) fn wrap_in_two(text: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return vec![text.to_string()];
    }
    let middle = chars.len() / 2;
    let split = chars
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == ' ')
        .map(|(i, _)| i)
        .min_by_key(|&i| i.abs_diff(middle));
    match split {
        Some(i) => vec![chars[..i].iter().collect(), chars[i + 1..].iter().collect()],
        None => vec![text.to_string()],
    }
}

fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_W
}

/// A picture's width: its content's right edge, the title (20 px type), the subtitle and the
/// licence credit (10 px), whichever is widest, plus the margin.
fn page_width(content_right: f64, title: &str, subtitle: &str) -> f64 {
    let width = [
        content_right,
        MARGIN + text_width(title) * 20.0 / FONT_SIZE,
        MARGIN + text_width(subtitle),
        MARGIN + text_width(crate::model::OGL_CREDIT) * 10.0 / FONT_SIZE,
    ]
    .into_iter()
    .fold(0.0, f64::max);
    (width + MARGIN).ceil()
}

/// Opens a picture: the SVG element, a white page, the title and the subtitle.
fn open_page(s: &mut String, width: f64, height: f64, title: &str, subtitle: &str) {
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="{FONT_SIZE}">
<rect width="100%" height="100%" fill="#ffffff"/>
"##
    );
    let _ = writeln!(
        s,
        r#"<text x="{MARGIN}" y="{}" font-size="20" fill="{}">{}</text>"#,
        MARGIN + 16.0,
        palette::INK.css(),
        esc(title)
    );
    let _ = writeln!(
        s,
        r#"<text x="{MARGIN}" y="{}" fill="{}">{}</text>"#,
        MARGIN + 36.0,
        palette::MUTED.css(),
        esc(subtitle)
    );
}

/// Closes a picture with the licence credit at its foot.
fn close_page(s: &mut String, height: f64) {
    let _ = writeln!(
        s,
        r#"<text x="{MARGIN}" y="{}" font-size="10" fill="{}">{}</text>"#,
        height - MARGIN + 8.0,
        palette::MUTED.css(),
        esc(crate::model::OGL_CREDIT)
    );
    s.push_str("</svg>\n");
}

/// A skill's footer cell: coverage against the team's target, or, across several teams,
/// the teams at their own target out of those with one.
struct FooterCell {
    /// "1/2", or "12/20" teams.
    figure: String,
    /// What it says in words (the cell's tooltip).
    words: String,
    short: bool,
    single: bool,
    best: Option<crate::model::Level>,
}

impl FooterCell {
    /// As the window's footer: one person only (amber) before short (orange) before met.
    fn colours(&self) -> (palette::Rgb, palette::Rgb) {
        if self.single {
            (palette::SINGLE, palette::INK)
        } else if self.short {
            (palette::SHORT, palette::WHITE)
        } else {
            (palette::COVERED, palette::WHITE)
        }
    }
}

/// The footer of a picture of `scope`: one team's coverage, or (several teams) how many
/// teams meet their own target, never everyone pooled against one target.
fn footer_cells(
    snapshot: &Snapshot,
    scope: Scope,
) -> std::collections::HashMap<crate::model::SkillId, FooterCell> {
    let best_of = |skill| {
        scope_members(snapshot, scope)
            .iter()
            .filter_map(|m| m.ratings.get(&skill).map(|r| r.level))
            .max()
    };
    let Some(team) = analysis::single_team(snapshot, scope) else {
        let teams = analysis::analyse_teams(snapshot);
        return analysis::across_teams(&snapshot.framework, &teams)
            .into_iter()
            .map(|a| {
                let met = a.teams_with - a.teams_short.len();
                let cell = FooterCell {
                    figure: format!("{met}/{}", a.teams_with),
                    words: format!(
                        "{met} of {} teams at their own target; {} short ({} people missing); {} resting on one person",
                        a.teams_with,
                        a.teams_short.len(),
                        a.missing,
                        a.teams_single.len()
                    ),
                    short: !a.teams_short.is_empty(),
                    single: a.teams_short.is_empty() && !a.teams_single.is_empty(),
                    best: best_of(a.skill),
                };
                (a.skill, cell)
            })
            .collect();
    };
    analysis::analyse(snapshot, Scope::Team(team))
        .skills
        .into_iter()
        .map(|cov| {
            let cell = FooterCell {
                figure: format!("{}/{}", cov.covered, cov.target.count),
                words: format!(
                    "{} of {} at {} or above{}{}",
                    cov.covered,
                    cov.target.count,
                    cov.target.level.name(),
                    if cov.shortfall > 0 {
                        format!(", {} short", cov.shortfall)
                    } else {
                        String::new()
                    },
                    if cov.single_point_of_failure {
                        ", rests on one person"
                    } else {
                        ""
                    }
                ),
                short: cov.shortfall > 0,
                single: cov.single_point_of_failure,
                best: cov.best,
            };
            (cov.skill, cell)
        })
        .collect()
}

/// Writes the heatmap of `scope` as SVG. `title` names it ("Platform team" or "All teams");
/// `date` is printed under the title. Refuses more than [`MAX_PICTURE_MEMBERS`] members.
pub fn heatmap_svg(
    snapshot: &Snapshot,
    scope: Scope,
    title: &str,
    date: Timestamp,
) -> Result<String> {
    let fw = &snapshot.framework;
    let members = scope_members(snapshot, scope);
    if members.len() > MAX_PICTURE_MEMBERS {
        return Err(Error::PictureTooBig {
            members: members.len(),
            limit: MAX_PICTURE_MEMBERS,
        });
    }
    let skills = wide_skills(snapshot, &members);
    let coverage = footer_cells(snapshot, scope);
    let across_teams = analysis::single_team(snapshot, scope).is_none();
    let show_team = matches!(scope, Scope::All);
    let team_of = |m: &crate::model::Member| {
        snapshot
            .team(m.team)
            .map(|t| elide(&t.name, 28))
            .unwrap_or_default()
    };
    let role_of = |m: &crate::model::Member| {
        m.role_level
            .map(|rl| elide(&fw.role_level(rl).name, 34))
            .unwrap_or_default()
    };
    let names: Vec<String> = members.iter().map(|m| elide(&m.name, 34)).collect();
    let column = |texts: &mut dyn Iterator<Item = f64>, min: f64| texts.fold(min, f64::max) + 16.0;
    let team_w = if show_team {
        column(&mut members.iter().map(|m| text_width(&team_of(m))), 40.0)
    } else {
        0.0
    };
    let name_w = column(
        &mut names.iter().map(|n| text_width(n)),
        text_width("Team best"),
    );
    let role_w = column(&mut members.iter().map(|m| text_width(&role_of(m))), 60.0);
    // Full names; a long one on two lines, so the header stays a sensible height.
    let skill_names: Vec<Vec<String>> = skills
        .iter()
        .map(|&s| wrap_in_two(&fw.skill(s).name, WRAP_CHARS))
        .collect();
    let line_width = |lines: &Vec<String>| lines.iter().map(|l| text_width(l)).fold(0.0, f64::max);
    let longest = skill_names.iter().map(line_width).fold(0.0, f64::max);
    let (sin, cos) = ANGLE.to_radians().sin_cos();
    let header_h = longest * sin + 16.0;
    let left = MARGIN + team_w + name_w + role_w;
    let grid_w = skills.len() as f64 * CELL_W;
    let top = MARGIN + 52.0 + header_h;
    let rows = members.len() as f64;
    let footer_top = top + rows * ROW_H + 6.0;
    let legend_top = footer_top + 2.0 * ROW_H + 18.0;
    // The rightmost reach of the angled names decides the width.
    let reach = skill_names
        .iter()
        .enumerate()
        .map(|(i, n)| left + i as f64 * CELL_W + CELL_W / 2.0 + line_width(n) * cos + 8.0)
        .fold(left + grid_w, f64::max);
    let mut key = String::new();
    let key_right = legend(&mut key, legend_top);
    let title = format!("{}: skills", elide(title, 60));
    let subtitle = format!(
        "{} · {} · {} · DDaT capability framework",
        plural(members.len(), "member", "members"),
        plural(skills.len(), "skill", "skills"),
        date.local_date()
    );
    // Everything decides the width: the angled names, the key, the title (20 px type).
    let width = page_width(reach.max(key_right), &title, &subtitle);
    let height = (legend_top + 62.0 + MARGIN).ceil();

    let mut s = String::with_capacity(4096 + members.len() * skills.len() * 220);
    open_page(&mut s, width, height, &title, &subtitle);
    let ink = palette::INK.css();
    let muted = palette::MUTED.css();
    let empty_edge = palette::EMPTY_EDGE.css();

    // Column headings.
    let heading_y = top - 6.0;
    let mut x = MARGIN;
    for (label, w, shown) in [
        ("Team", team_w, show_team),
        ("Member", name_w, true),
        ("Role level", role_w, true),
    ] {
        if shown {
            let _ = writeln!(
                s,
                r#"<text x="{x}" y="{heading_y}" fill="{muted}">{label}</text>"#
            );
            x += w;
        }
    }
    for (i, lines) in skill_names.iter().enumerate() {
        let cx = left + i as f64 * CELL_W + CELL_W / 2.0 - 3.0;
        // Two lines sit either side of the one-line baseline, both turned about it.
        let first = if lines.len() == 2 { -6.5 } else { 0.0 };
        for (j, line) in lines.iter().enumerate() {
            let y = heading_y + first + j as f64 * 13.0;
            let _ = writeln!(
                s,
                r#"<text x="{cx}" y="{y}" fill="{ink}" transform="rotate(-{ANGLE} {cx} {heading_y})">{}</text>"#,
                esc(line)
            );
        }
    }
    // Rows.
    for (r, m) in members.iter().enumerate() {
        let y = top + r as f64 * ROW_H;
        let text_y = y + ROW_H / 2.0 + 4.0;
        if r % 2 == 1 {
            let _ = writeln!(
                s,
                r##"<rect x="{MARGIN}" y="{y}" width="{}" height="{ROW_H}" fill="{}"/>"##,
                left - MARGIN,
                palette::STRIPE.css()
            );
        }
        let mut x = MARGIN;
        if show_team {
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{text_y}" fill="{muted}">{}</text>"#,
                x + 4.0,
                esc(&team_of(m))
            );
            x += team_w;
        }
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{text_y}" fill="{ink}">{}</text>"#,
            x + 4.0,
            esc(&names[r])
        );
        x += name_w;
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{text_y}" fill="{muted}">{}</text>"#,
            x + 4.0,
            esc(&role_of(m))
        );
        for (c, &skill) in skills.iter().enumerate() {
            let cx = left + c as f64 * CELL_W;
            let level = m.ratings.get(&skill).map(|r| r.level);
            let fit = member_fit(fw, m, skill);
            let mut tip = format!(
                "{} — {}: {}",
                m.name,
                fw.skill(skill).name,
                level.map_or("not rated", Level::name)
            );
            match fit {
                Fit::Below { required, .. } | Fit::NotRated { required } => {
                    let _ = write!(tip, " (role level needs {})", required.name());
                }
                _ => {}
            }
            let _ = write!(s, r#"<g><title>{}</title>"#, esc(&tip));
            match level {
                Some(l) => {
                    let _ = write!(
                        s,
                        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff"/><text x="{}" y="{text_y}" text-anchor="middle" fill="{}">{}</text>"##,
                        cx,
                        y,
                        CELL_W,
                        ROW_H,
                        palette::level_fill(l).css(),
                        cx + CELL_W / 2.0,
                        palette::level_text(l).css(),
                        l.letter()
                    );
                }
                None => {
                    let _ = write!(
                        s,
                        r##"<rect x="{cx}" y="{y}" width="{CELL_W}" height="{ROW_H}" fill="#ffffff" stroke="{empty_edge}"/>"##
                    );
                }
            }
            match fit {
                Fit::Below { .. } => {
                    let _ = write!(
                        s,
                        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
                        cx + 1.5,
                        y + 1.5,
                        CELL_W - 3.0,
                        ROW_H - 3.0,
                        palette::SHORT.css()
                    );
                }
                Fit::NotRated { .. } => {
                    let _ = write!(
                        s,
                        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}" stroke-width="1.5" stroke-dasharray="3 2"/>"#,
                        cx + 1.5,
                        y + 1.5,
                        CELL_W - 3.0,
                        ROW_H - 3.0,
                        palette::SHORT.css()
                    );
                }
                _ => {}
            }
            s.push_str("</g>\n");
        }
    }
    // Footer: coverage against the target, and the team's best level.
    let label_x = MARGIN + team_w + 4.0;
    let labels = if across_teams {
        ["Teams meeting", "Best anywhere"]
    } else {
        ["Coverage", "Team best"]
    };
    for (i, label) in labels.iter().enumerate() {
        let y = footer_top + i as f64 * ROW_H;
        let _ = writeln!(
            s,
            r#"<text x="{label_x}" y="{}" fill="{ink}">{label}</text>"#,
            y + ROW_H / 2.0 + 4.0
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" fill="{muted}">{}</text>"#,
        label_x + name_w,
        footer_top + ROW_H / 2.0 + 4.0,
        if across_teams {
            "teams at target / with one"
        } else {
            "covered / target"
        }
    );
    for (c, skill) in skills.iter().enumerate() {
        let cx = left + c as f64 * CELL_W;
        let Some(cell) = coverage.get(skill) else {
            continue;
        };
        let (fill, text) = cell.colours();
        let tip = format!("{}: {}", fw.skill(*skill).name, cell.words);
        let y = footer_top;
        let _ = writeln!(
            s,
            r##"<g><title>{}</title><rect x="{cx}" y="{y}" width="{CELL_W}" height="{ROW_H}" fill="{}" stroke="#ffffff"/><text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text></g>"##,
            esc(&tip),
            fill.css(),
            cx + CELL_W / 2.0,
            y + ROW_H / 2.0 + 4.0,
            text.css(),
            cell.figure
        );
        let y = footer_top + ROW_H;
        match cell.best {
            Some(l) => {
                let _ = writeln!(
                    s,
                    r##"<rect x="{cx}" y="{y}" width="{CELL_W}" height="{ROW_H}" fill="{}" stroke="#ffffff"/><text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>"##,
                    palette::level_fill(l).css(),
                    cx + CELL_W / 2.0,
                    y + ROW_H / 2.0 + 4.0,
                    palette::level_text(l).css(),
                    l.letter()
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    r##"<rect x="{cx}" y="{y}" width="{CELL_W}" height="{ROW_H}" fill="#ffffff" stroke="{empty_edge}"/>"##
                );
            }
        }
    }
    s.push_str(&key);
    close_page(&mut s, height);
    Ok(s)
}

/// The key: each level's colour and letter, the below-role marks, the coverage colours.
/// Returns its right edge.
fn legend(s: &mut String, top: f64) -> f64 {
    let ink = palette::INK.css();
    let mut x = MARGIN;
    let swatch = |s: &mut String, x: f64, y: f64, fill: Rgb, letter: &str, label: &str| {
        let _ = writeln!(
            s,
            r#"<rect x="{x}" y="{y}" width="{CELL_W}" height="{ROW_H}" fill="{}"/><text x="{}" y="{}" text-anchor="middle" fill="{}">{letter}</text><text x="{}" y="{}" fill="{ink}">{label}</text>"#,
            fill.css(),
            x + CELL_W / 2.0,
            y + ROW_H / 2.0 + 4.0,
            if fill == palette::level_fill(Level::Practitioner)
                || fill == palette::level_fill(Level::Expert)
            {
                palette::WHITE.css()
            } else {
                ink.clone()
            },
            x + CELL_W + 6.0,
            y + ROW_H / 2.0 + 4.0,
        );
        x + CELL_W + 20.0 + text_width(label)
    };
    for level in Level::ALL {
        x = swatch(
            s,
            x,
            top,
            palette::level_fill(level),
            &level.letter().to_string(),
            level.name(),
        );
    }
    let y = top + ROW_H + 8.0;
    let short = palette::SHORT.css();
    let _ = writeln!(
        s,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" stroke="{short}" stroke-width="2"/><text x="{}" y="{}" fill="{ink}">below role level</text>"##,
        MARGIN + 1.5,
        y + 1.5,
        CELL_W - 3.0,
        ROW_H - 3.0,
        MARGIN + CELL_W + 6.0,
        y + ROW_H / 2.0 + 4.0
    );
    let mut x = MARGIN + CELL_W + 18.0 + text_width("below role level");
    let _ = writeln!(
        s,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" stroke="{short}" stroke-width="1.5" stroke-dasharray="3 2"/><text x="{}" y="{}" fill="{ink}">required, not rated</text>"##,
        x + 1.5,
        y + 1.5,
        CELL_W - 3.0,
        ROW_H - 3.0,
        x + CELL_W + 6.0,
        y + ROW_H / 2.0 + 4.0
    );
    x += CELL_W + 18.0 + text_width("required, not rated");
    x = swatch(s, x, y, palette::COVERED, "", "target met");
    x = swatch(s, x, y, palette::SHORT, "", "short of target");
    swatch(s, x, y, palette::SINGLE, "", "rests on one person")
}

/// What the profile says beside a skill's bar: when it was assessed (and whether it is due
/// for review), interest, the lead's note and their own view.
fn skill_note(
    member: &crate::model::Member,
    skill: crate::model::SkillId,
    fw: &crate::model::Framework,
    today: crate::model::Date,
    months: u32,
) -> String {
    let lead = member.ratings.get(&skill);
    let required = member.role_level.and_then(|rl| fw.required(rl, skill));
    let mut note = String::new();
    if let Some(r) = lead {
        note = format!("assessed {}", r.assessed_on);
        if crate::model::history::is_stale(r.assessed_on, today, months) {
            note.push_str(", due for review");
        }
    } else if required.is_some() {
        note = "not rated".to_string();
    }
    if lead.is_some_and(|r| r.interested) {
        note.push_str(" · interested");
    }
    if let Some(r) = lead.filter(|r| !r.note.is_empty()) {
        note.push_str(" · ");
        note.push_str(&elide(&r.note, 60));
    }
    if let Some(own) = member.self_ratings.get(&skill) {
        if own.interested && !lead.is_some_and(|r| r.interested) {
            note.push_str(" · interested (their own view)");
        }
        if !own.note.is_empty() {
            note.push_str(" · their evidence: ");
            note.push_str(&elide(&own.note, 50));
        }
    }
    note
}

/// One person's profile as SVG: per skill (those their role requires, their team targets,
/// or they are rated in) a bar of the lead's level against a tick at what their role
/// requires, their own level as a ring, interest, and the assessment date (marked when due
/// for review); then their recent history. `today` dates the picture and decides what is due.
pub fn profile_svg(
    snapshot: &Snapshot,
    member: &crate::model::Member,
    history: &[crate::model::HistoryEntry],
    today: crate::model::Date,
) -> String {
    let fw = &snapshot.framework;
    let skills = super::pack::pack_skills(snapshot, member);
    let team = snapshot.team(member.team);
    let months = team.map_or(crate::model::DEFAULT_REVIEW_MONTHS, |t| t.review_months);
    let role = member.role_level.map_or("no role level".to_string(), |rl| {
        fw.role_level(rl).name.clone()
    });
    let names: Vec<String> = skills
        .iter()
        .map(|&s| elide(&fw.skill(s).name, 64))
        .collect();
    let name_w = names.iter().map(|n| text_width(n)).fold(120.0, f64::max) + 16.0;
    let unit = 48.0; // one level on the bar
    let bar_left = MARGIN + name_w;
    let bar_w = 4.0 * unit;
    let date_left = bar_left + bar_w + 28.0;
    let top = MARGIN + 76.0;
    // The latest assessments first (by their date, then as recorded).
    let mut recent: Vec<&crate::model::HistoryEntry> = history.iter().collect();
    recent.sort_by_key(|h| std::cmp::Reverse((h.assessed_on, h.id)));
    recent.truncate(12);
    // The key sits right under the bars, before the history.
    let key_top = top + skills.len() as f64 * ROW_H + 30.0;
    let history_top = key_top + 36.0;
    let bottom = history_top + 22.0 + recent.len() as f64 * 16.0;
    let title = format!("{}: skills profile", elide(&member.name, 60));
    let subtitle = format!(
        "{role} · {} · {today} · DDaT capability framework",
        team.map_or("", |t| t.name.as_str())
    );
    // The notes beside the bars decide the width, as the names do on the left.
    let notes: Vec<String> = skills
        .iter()
        .map(|&skill| skill_note(member, skill, fw, today, months))
        .collect();
    let widest_note = notes.iter().map(|n| text_width(n)).fold(0.0, f64::max);
    let width = page_width(date_left + widest_note + 16.0, &title, &subtitle);
    let height = (bottom + MARGIN + 20.0).ceil();
    let ink = palette::INK.css();
    let muted = palette::MUTED.css();
    let short = palette::SHORT.css();
    let mut s = String::with_capacity(4096 + skills.len() * 600);
    open_page(&mut s, width, height, &title, &subtitle);

    // The level scale over the bars.
    for level in Level::ALL {
        let x = bar_left + f64::from(level.number()) * unit;
        let _ = writeln!(
            s,
            r#"<text x="{x}" y="{}" text-anchor="middle" font-size="10" fill="{muted}">{}</text><line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{}" stroke-width="1"/>"#,
            top - 8.0,
            level.letter(),
            top - 4.0,
            top + skills.len() as f64 * ROW_H,
            palette::GRID.css()
        );
    }
    for (i, (&skill, name)) in skills.iter().zip(&names).enumerate() {
        let y = top + i as f64 * ROW_H;
        let mid = y + ROW_H / 2.0 + 4.0;
        let _ = writeln!(
            s,
            r#"<text x="{MARGIN}" y="{mid}" fill="{ink}">{}</text>"#,
            esc(name)
        );
        let lead = member.ratings.get(&skill);
        if let Some(r) = lead {
            let w = f64::from(r.level.number()) * unit;
            let _ = writeln!(
                s,
                r#"<rect x="{bar_left}" y="{}" width="{w}" height="{}" fill="{}"/>"#,
                y + 4.0,
                ROW_H - 8.0,
                palette::level_fill(r.level).css()
            );
        }
        let required = member.role_level.and_then(|rl| fw.required(rl, skill));
        if let Some(req) = required {
            let x = bar_left + f64::from(req.number()) * unit;
            let below = lead.is_none_or(|r| r.level < req);
            let _ = writeln!(
                s,
                r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{}" stroke-width="3"/>"#,
                y + 1.0,
                y + ROW_H - 1.0,
                if below { short.clone() } else { ink.clone() }
            );
        }
        if let Some(own) = member.self_ratings.get(&skill) {
            let x = bar_left + f64::from(own.level.number()) * unit;
            let _ = writeln!(
                s,
                r#"<circle cx="{x}" cy="{}" r="5" fill="none" stroke="{}" stroke-width="2"/>"#,
                y + ROW_H / 2.0,
                palette::SELF_MARK.css()
            );
        }
        let note = &notes[i];
        let _ = writeln!(
            s,
            r#"<text x="{date_left}" y="{mid}" fill="{muted}">{}</text>"#,
            esc(note)
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{MARGIN}" y="{history_top}" fill="{ink}" font-weight="bold">Recent history</text>"#
    );
    if recent.is_empty() {
        let _ = writeln!(
            s,
            r#"<text x="{MARGIN}" y="{}" fill="{muted}">No changes recorded.</text>"#,
            history_top + 18.0
        );
    }
    for (i, h) in recent.iter().enumerate() {
        let whose = match h.source {
            crate::model::Source::Lead => "lead: ",
            crate::model::Source::SelfAssessed => "own rating: ",
        };
        let line = format!(
            "{}  {}  {whose}{}{}",
            h.assessed_on,
            fw.skill(h.skill).name,
            h.level
                .map_or("cleared".to_string(), |l| l.name().to_string()),
            if h.undone.is_some() { " (undone)" } else { "" }
        );
        let _ = writeln!(
            s,
            r#"<text x="{MARGIN}" y="{}" fill="{muted}">{}</text>"#,
            history_top + 18.0 + i as f64 * 16.0,
            esc(&elide(&line, 110))
        );
    }
    // The key.
    let y = key_top;
    let _ = writeln!(
        s,
        r#"<rect x="{MARGIN}" y="{}" width="30" height="14" fill="{}"/><text x="{}" y="{}" fill="{ink}">the lead's level</text>"#,
        y - 11.0,
        palette::level_fill(Level::Working).css(),
        MARGIN + 36.0,
        y
    );
    let x = MARGIN + 60.0 + text_width("the lead's level");
    let _ = writeln!(
        s,
        r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{ink}" stroke-width="3"/><text x="{}" y="{y}" fill="{ink}">what their role requires (orange: not met)</text>"#,
        y - 12.0,
        y + 2.0,
        x + 8.0
    );
    let x2 = x + 28.0 + text_width("what their role requires (orange: not met)");
    let _ = writeln!(
        s,
        r#"<circle cx="{x2}" cy="{}" r="5" fill="none" stroke="{}" stroke-width="2"/><text x="{}" y="{y}" fill="{ink}">their own rating</text>"#,
        y - 4.0,
        palette::SELF_MARK.css(),
        x2 + 10.0
    );
    close_page(&mut s, height);
    s
}

/// Renders the SVG as PNG at twice its size (sharp on a slide), with egui's bundled font.
pub fn render_png(svg: &str) -> Result<Vec<u8>> {
    let pixmap = render(svg, 2.0)?;
    pixmap.encode_png().map_err(|e| draw_failed(e.to_string()))
}

/// A picture's pixels, for the window: (width, height, premultiplied RGBA) at `scale`.
pub fn render_rgba(svg: &str, scale: f32) -> Result<(u32, u32, Vec<u8>)> {
    let pixmap = render(svg, scale)?;
    Ok((pixmap.width(), pixmap.height(), pixmap.take()))
}

#[allow(clippy::needless_pass_by_value)] // used as map_err(draw_failed) on String messages
fn draw_failed(what: String) -> Error {
    Error::output(std::io::Error::other(format!(
        "cannot draw the picture: {what}"
    )))
}

/// Renders an SVG at `scale` with egui's bundled fonts only.
fn render(svg: &str, scale: f32) -> Result<resvg::tiny_skia::Pixmap> {
    use resvg::{tiny_skia, usvg};
    let fail = draw_failed;
    // The fonts the window has: Ubuntu for text, Hack as the fallback for characters Ubuntu
    // lacks (the emoji fonts are not built in; such characters show as boxes, as in the
    // window).
    let mut fonts = usvg::fontdb::Database::new();
    for font in [
        epaint_default_fonts::UBUNTU_LIGHT,
        epaint_default_fonts::HACK_REGULAR,
    ] {
        fonts.load_font_data(font.to_vec());
    }
    fonts.set_sans_serif_family("Ubuntu");
    let options = usvg::Options {
        font_family: "Ubuntu".to_string(),
        fontdb: std::sync::Arc::new(fonts),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| fail(e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| fail("it is empty".into()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
        fail(format!(
            "{}x{} pixels is too big",
            size.width(),
            size.height()
        ))
    })?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Ok(pixmap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_skill_names_split_in_two_near_the_middle_and_keep_every_word() {
        assert_eq!(wrap_in_two("Testing", 34), ["Testing"]);
        let name =
            "Shaping the direction of organisational strategy through digital, data and technology";
        let lines = wrap_in_two(name, 34);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.join(" "), name);
        assert!(lines.iter().all(|l| l.chars().count() <= 50), "{lines:?}");
        assert_eq!(wrap_in_two(&"x".repeat(40), 34), ["x".repeat(40)]);
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            esc("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(esc("bell\u{7}"), "bell ");
    }
}
