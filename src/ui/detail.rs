//! The side panel: the team's gaps ranked worst first, and the detail of the selected cell
//! (skill, level descriptors, history, note, interest) and of its member (name, role level,
//! team).

use super::{Command, Dialog, Frame, UiState, theme};
use crate::core::Action;
use crate::model::analysis::required_level;
use crate::model::{Level, Member, SkillId};
use egui::{RichText, Ui};

/// "All teams": the skills some teams fall short in, most teams short first. (Everyone as
/// one pool against a two-person target would say nothing about any team.)
fn team_gaps_ui(ui: &mut Ui, f: &Frame<'_>) {
    let fw = &f.snapshot.framework;
    let mut short: Vec<(usize, usize, &str)> = f
        .view
        .teams_meeting
        .iter()
        .filter(|(_, (meeting, needing))| meeting < needing)
        .map(|(s, (meeting, needing))| (needing - meeting, *needing, fw.skill(*s).name.as_str()))
        .collect();
    short.sort_by(|a, b| b.0.cmp(&a.0).then(a.2.cmp(b.2)));
    ui.heading(format!("Skills short in some teams ({})", short.len()));
    if f.view.in_scope == 0 {
        ui.label("No members yet.");
    } else if short.is_empty() {
        ui.label("Every team meets its targets.");
    }
    for (teams_short, needing, name) in short {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.strong(name);
            ui.label(format!(
                "{teams_short} of {} short of their target",
                super::dialogs::plural(needing, "team", "teams")
            ));
        });
    }
}

/// The gaps, worst first, each with who is closest to filling it and who is interested.
pub fn gaps_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState) {
    if state.team.is_none() {
        team_gaps_ui(ui, f);
        below_role_ui(ui, f, state);
        return;
    }
    let fw = &f.snapshot.framework;
    let gaps: Vec<_> = f.view.analysis.gaps().collect();
    ui.heading(format!("Gaps ({})", gaps.len()));
    if f.view.in_scope == 0 {
        ui.label(if state.team.is_some() {
            "This team has no members yet, so there is nothing to cover: add members or import a file."
        } else {
            "No members yet."
        });
    } else if f.view.analysis.skills.is_empty() {
        ui.label("No targets yet: give members their role levels, or set the team's targets (Team > Team targets...).");
    } else if gaps.is_empty() {
        ui.label("Every skill meets its target.");
    }
    let name = |id| {
        f.snapshot
            .member(id)
            .map(|m: &Member| m.name.as_str())
            .unwrap_or("?")
    };
    // Those who said in their own self-assessment that they are interested in something: a
    // short list, made once a frame (no sort of the whole team per gap card).
    let mut team_members: Vec<&Member> = state
        .team
        .and_then(|t| f.snapshot.team(t))
        .into_iter()
        .flat_map(|t| t.members.iter())
        .filter_map(|&id| f.snapshot.member(id))
        .filter(|m| m.self_ratings.values().any(|r| r.interested))
        .collect();
    team_members.sort_by_cached_key(|m| m.name.to_lowercase());
    for c in gaps {
        let skill = fw.skill(c.skill);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                let title = ui.add(
                    egui::Label::new(RichText::new(&skill.name).strong())
                        .sense(egui::Sense::click()),
                );
                if title.clicked()
                    && let Some(&first) = f.view.rows.first()
                {
                    state.selected = Some((first, c.skill));
                }
                if c.single_point_of_failure {
                    ui.label(
                        RichText::new(" single point of failure ")
                            .background_color(theme::SINGLE)
                            .color(egui::Color32::BLACK),
                    );
                }
            });
            let best = c
                .best
                .map_or("nobody rated".to_string(), |l| format!("best {l}"));
            let short = if c.shortfall > 0 {
                format!(", short by {}", c.shortfall)
            } else {
                String::new()
            };
            ui.label(format!(
                "{} of {} at {} or above{short}; {best}",
                c.covered, c.target.count, c.target.level
            ));
            if let Some(who) =
                crate::model::analysis::held_only_by(f.snapshot, c, crate::model::time::today())
            {
                ui.label(format!("Held only by {who}"));
            }
            if c.shortfall > 0 && !c.closest.is_empty() {
                let closest: Vec<String> = c
                    .closest
                    .iter()
                    .take(3)
                    .filter_map(|&id| f.snapshot.member(id))
                    .filter_map(|m| {
                        m.ratings
                            .get(&c.skill)
                            .map(|r| format!("{} ({})", m.name, r.level))
                    })
                    .collect();
                ui.label(format!("Closest: {}", closest.join(", ")));
            }
            // Interest the lead recorded, then interest people gave in their own
            // self-assessment (a pack), marked as their own view.
            let mut names: Vec<String> = c
                .interested
                .iter()
                .map(|&id| name(id).to_string())
                .collect();
            names.extend(
                team_members
                    .iter()
                    .filter(|m| !c.interested.contains(&m.id))
                    .filter(|m| m.self_ratings.get(&c.skill).is_some_and(|r| r.interested))
                    .map(|m| format!("{} (own view)", m.name)),
            );
            if !names.is_empty() {
                ui.label(format!("Interested: {}", names.join(", ")));
            }
        });
    }
    below_role_ui(ui, f, state);
}

/// The selected cell and its member.
pub fn detail_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState, out: &mut Vec<Command>) {
    let Some((member_id, skill_id)) = state.selected else {
        ui.weak("Select a cell to see the skill, the level descriptors, the member's history and notes.");
        return;
    };
    let Some(m) = f.snapshot.member(member_id) else {
        state.selected = None;
        return;
    };
    if !f.snapshot.framework.has_skill(skill_id) {
        state.selected = None;
        return;
    }
    skill_detail_ui(ui, f, state, out, m, skill_id);
    ui.separator();
    if f.what_if.is_some() {
        ui.colored_label(
            theme::FELL,
            "What if: nothing here can be changed. \"End what-if\" (above) to edit.",
        );
    }
    ui.add_enabled_ui(f.editable(), |ui| member_ui(ui, f, state, out, m));
}

fn skill_detail_ui(
    ui: &mut Ui,
    f: &Frame<'_>,
    state: &mut UiState,
    out: &mut Vec<Command>,
    m: &Member,
    skill_id: SkillId,
) {
    let fw = &f.snapshot.framework;
    let skill = fw.skill(skill_id);
    let heading = ui.heading(&skill.name);
    // A newly selected cell brings its details into view (in a short window they sit below
    // the gaps).
    if state.detail_shown != Some((m.id, skill_id)) {
        state.detail_shown = Some((m.id, skill_id));
        heading.scroll_to_me(Some(egui::Align::TOP));
    }
    ui.label(
        skill
            .description
            .as_deref()
            .unwrap_or("The framework gives no description for this skill."),
    );
    let rating = m.ratings.get(&skill_id);
    let current = rating.map(|r| r.level);
    let required = required_level(fw, m, skill_id);
    ui.add_space(4.0);
    ui.label(format!(
        "{}: {}{}",
        m.name,
        current.map_or("not rated".to_string(), |l| l.to_string()),
        required.map_or(String::new(), |r| format!(" (role needs {r})"))
    ));
    if let Some(r) = rating {
        let months = f
            .snapshot
            .team(m.team)
            .map_or(crate::model::DEFAULT_REVIEW_MONTHS, |t| t.review_months);
        let age = crate::model::time::months_between(r.assessed_on, f.today);
        let stale = crate::model::history::is_stale(r.assessed_on, f.today, months);
        ui.horizontal_wrapped(|ui| {
            let text = format!(
                "Assessed on {} ({})",
                r.assessed_on,
                match age {
                    0 => "this month".to_string(),
                    n => format!(
                        "{} ago",
                        crate::model::plural(n as usize, "month", "months")
                    ),
                }
            );
            if stale {
                ui.label(
                    RichText::new(format!("{text}: due for review (every {months} months)"))
                        .strong(),
                );
            } else {
                ui.label(text);
            }
            if f.editable()
                && r.assessed_on != f.today
                && ui
                    .button(format!("Reviewed, still {}", r.level))
                    .on_hover_text(
                        "Re-stamp the assessment date as today without changing the level (R)",
                    )
                    .clicked()
            {
                out.push(Command::Apply(Action::ReviewRating {
                    member: m.id,
                    skill: skill_id,
                    on: None,
                }));
            }
        });
    }
    self_rating_ui(ui, f, out, m, skill_id);
    descriptors_ui(
        ui,
        skill,
        current,
        required,
        m.self_ratings.get(&skill_id).map(|r| r.level),
    );
    ui.add_enabled_ui(f.editable(), |ui| {
        evidence_ui(ui, f, state, out, m, skill_id);
    });
    history_ui(ui, f);
}

/// The person's own rating beside the lead's, with "Accept" to take their level as the
/// lead's (one undoable step; the lead's note is kept, or theirs used when the lead has none).
fn self_rating_ui(ui: &mut Ui, f: &Frame<'_>, out: &mut Vec<Command>, m: &Member, skill: SkillId) {
    let Some(own) = m.self_ratings.get(&skill) else {
        return;
    };
    let lead = m.ratings.get(&skill);
    let by = super::disagreement(m, skill);
    ui.horizontal_wrapped(|ui| {
        let text = format!(
            "Their own rating: {} (assessed on {}){}",
            own.level,
            own.assessed_on,
            if own.note.is_empty() {
                String::new()
            } else {
                format!(" — {}", own.note)
            }
        );
        let text = match by {
            2.. => RichText::new(text).color(theme::SELF_ABOVE).strong(),
            ..=-2 => RichText::new(text).color(theme::SELF_BELOW).strong(),
            _ => RichText::new(text),
        };
        ui.label(text);
        if own.interested {
            ui.label("Interested in developing it (their own view, from their self-assessment)");
        }
        if f.editable()
            && lead.map(|r| r.level) != Some(own.level)
            && ui
                .button(format!("Accept {} as the lead's", own.level))
                .on_hover_text("Set the lead's rating to their own level (undoable)")
                .clicked()
        {
            let note = match lead {
                Some(r) if !r.note.is_empty() => r.note.clone(),
                _ => own.note.clone(),
            };
            out.push(Command::Apply(Action::SetRating {
                member: m.id,
                skill,
                level: own.level,
                note,
                interested: lead.is_some_and(|r| r.interested) || own.interested,
                on: None,
            }));
        }
    });
}

/// The framework's descriptor at each level; the member's level and the role's are open.
fn descriptors_ui(
    ui: &mut Ui,
    skill: &crate::model::Skill,
    current: Option<Level>,
    required: Option<Level>,
    own: Option<Level>,
) {
    for level in Level::DESCRIBED {
        let mut title = level.name().to_string();
        let mut marks = Vec::new();
        // With their own rating beside it, "their level" would be ambiguous.
        if current == Some(level) {
            marks.push(if own.is_some() {
                "the lead's rating"
            } else {
                "their level"
            });
        }
        if own == Some(level) {
            marks.push("their own rating");
        }
        if required == Some(level) {
            marks.push("role needs");
        }
        if !marks.is_empty() {
            title = format!("{title}  <- {}", marks.join(", "));
        }
        let highlight = !marks.is_empty();
        egui::CollapsingHeader::new(if highlight {
            RichText::new(title).strong()
        } else {
            RichText::new(title)
        })
        .id_salt(("descriptor", level.number()))
        .default_open(highlight)
        .show(ui, |ui| match skill.descriptor(level) {
            Some(lines) => {
                for line in lines {
                    ui.label(format!("• {line}"));
                }
            }
            None => {
                ui.weak("Not defined by the framework.");
            }
        });
    }
}

/// Interest and the note (evidence) for the rating; a note typed is never lost.
fn evidence_ui(
    ui: &mut Ui,
    f: &Frame<'_>,
    state: &mut UiState,
    out: &mut Vec<Command>,
    m: &Member,
    skill_id: SkillId,
) {
    let rating = m.ratings.get(&skill_id);
    ui.add_space(6.0);
    ui.strong("Evidence and interest");
    let draft_matches = state
        .note_draft
        .as_ref()
        .is_some_and(|(dm, ds, _)| *dm == m.id && *ds == skill_id);
    if !draft_matches {
        // Moving to another cell keeps a note typed but not saved: never lose an edit.
        if let Some((dm, ds, text)) = state.note_draft.take() {
            out.extend(save_note(f, dm, ds, text));
        }
        state.note_draft = Some((
            m.id,
            skill_id,
            rating.map(|r| r.note.clone()).unwrap_or_default(),
        ));
    }
    if let Some(r) = rating {
        let mut interested = r.interested;
        if ui
            .checkbox(&mut interested, "Interested in developing this skill")
            .changed()
        {
            out.push(Command::Apply(Action::SetRating {
                member: m.id,
                skill: skill_id,
                level: r.level,
                note: r.note.clone(),
                interested,
                on: None,
            }));
        }
        if let Some((_, _, text)) = state.note_draft.as_mut() {
            let label = ui.label("Note (evidence):");
            let edit = ui
                .add(
                    egui::TextEdit::multiline(text)
                        .desired_rows(3)
                        .desired_width(ui.available_width() - 8.0),
                )
                .labelled_by(label.id);
            if std::mem::take(&mut state.focus_note) {
                edit.request_focus();
            }
            let changed = *text != r.note;
            let save = ui
                .add_enabled(changed, egui::Button::new("Save note"))
                .clicked();
            // Leaving the note field saves it too, as a spreadsheet cell would.
            if changed && (save || edit.lost_focus()) {
                out.extend(save_note(f, m.id, skill_id, text.clone()));
            }
        }
    } else {
        ui.weak("Rate this skill first (type 0-4 or A/W/P/E, or double-click the cell); then you can add evidence and mark interest.");
    }
}

/// The rating's history in recorded order, latest first: each entry's assessment date,
/// level and note, and when it was recorded; undone entries struck through and marked.
fn history_ui(ui: &mut Ui, f: &Frame<'_>) {
    ui.add_space(6.0);
    ui.strong("History");
    if f.history.is_empty() {
        ui.weak("No changes recorded.");
    }
    for h in f.history.iter().rev() {
        let what = h.level.map_or("cleared".to_string(), |l| l.to_string());
        let extra = if h.note.is_empty() {
            String::new()
        } else {
            format!(" — {}", h.note)
        };
        let after = f
            .as_of
            .is_some_and(|d| h.assessed_on > d || h.recorded.local_date() > d);
        let later = if after {
            "  (after the date shown)"
        } else {
            ""
        };
        let whose = match h.source {
            crate::model::Source::Lead => "",
            crate::model::Source::SelfAssessed => "their own: ",
        };
        let mut text =
            egui::RichText::new(format!("{}  {whose}{what}{extra}{later}", h.assessed_on));
        if h.undone.is_some() {
            text = text.strikethrough().weak();
        } else if after {
            text = text.weak();
        }
        ui.label(text);
        let recorded = match h.undone {
            Some(u) => format!(
                "recorded {}, undone {}",
                h.recorded.local_minute(),
                u.local_minute()
            ),
            None => format!("recorded {}", h.recorded.local_minute()),
        };
        ui.label(egui::RichText::new(recorded).small());
    }
}

fn member_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState, out: &mut Vec<Command>, m: &Member) {
    ui.heading("Member");
    if state
        .rename_draft
        .as_ref()
        .is_none_or(|(id, _)| *id != m.id)
    {
        state.rename_draft = Some((m.id, m.name.clone()));
    }
    ui.horizontal(|ui| {
        let label = ui.label("Name:");
        if let Some((_, name)) = state.rename_draft.as_mut() {
            let edit = ui
                .add(egui::TextEdit::singleline(name).desired_width(150.0))
                .labelled_by(label.id);
            let valid = name.trim() != m.name && !name.trim().is_empty();
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.add_enabled(valid, egui::Button::new("Rename")).clicked() || (valid && enter) {
                out.push(Command::Apply(Action::RenameMember {
                    member: m.id,
                    name: name.clone(),
                }));
            }
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Role level:");
        let mut role_level = m.role_level;
        let id = format!("member_role_level_{}", m.id.0);
        super::dialogs::role_level_combo(ui, &id, f.snapshot, &mut role_level, 180.0)
            .labelled_by(label.id);
        if role_level != m.role_level {
            out.push(Command::Apply(Action::SetRoleLevel {
                member: m.id,
                role_level,
            }));
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Team:");
        let current = f
            .snapshot
            .team(m.team)
            .map_or(String::new(), |t| t.name.clone());
        egui::ComboBox::from_id_salt(("member_team", m.id))
            .selected_text(current)
            .width(180.0)
            .show_ui(ui, |ui| {
                for t in f.snapshot.teams_in_order() {
                    if ui.selectable_label(t.id == m.team, &t.name).clicked() && t.id != m.team {
                        out.push(Command::Apply(Action::MoveMember {
                            member: m.id,
                            team: t.id,
                        }));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
    // Wrapped: three buttons must not widen the side panel (and push skills out of view).
    ui.horizontal_wrapped(|ui| {
        if ui.button("Show profile...").clicked() {
            state.profile = Some(super::profile_window_for(state, f.snapshot, m));
        }
        if ui.button("Mark as left...").clicked() {
            state.dialog = Some(Dialog::ConfirmRemoveMember {
                member: m.id,
                on: String::new(),
            });
        }
        if ui
            .button("Delete permanently...")
            .on_hover_text("Erase this person and their whole history (cannot be undone)")
            .clicked()
        {
            state.dialog = Some(Dialog::ConfirmErase { member: m.id });
        }
    });
}

/// The action that stores a note typed for a rating, if the rating still exists and the note
/// differs from the stored one.
fn save_note(
    f: &Frame<'_>,
    member: crate::model::MemberId,
    skill: SkillId,
    note: String,
) -> Option<Command> {
    let r = f.snapshot.member(member)?.ratings.get(&skill)?;
    if r.note == note {
        return None;
    }
    Some(Command::Apply(Action::SetRating {
        member,
        skill,
        level: r.level,
        note,
        interested: r.interested,
        on: None,
    }))
}

/// People below what their role level requires, most shortfalls first.
fn below_role_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState) {
    let below = &f.view.analysis.members_below;
    let people = &f.view.below_role;
    if people.is_empty() {
        return;
    }
    ui.add_space(4.0);
    egui::CollapsingHeader::new(format!("People below their role level ({})", people.len()))
        .id_salt("below_role")
        .show(ui, |ui| {
            for &(member, count, unrated) in people.iter().take(12) {
                let Some(m) = f.snapshot.member(member) else {
                    continue;
                };
                let unrated = if unrated > 0 {
                    format!(" ({unrated} not rated)")
                } else {
                    String::new()
                };
                let text = format!(
                    "{}: {}{unrated}",
                    m.name,
                    crate::model::plural(count, "skill", "skills")
                );
                if ui
                    .add(egui::Label::new(text).sense(egui::Sense::click()))
                    .clicked()
                    && let Some(first) = below.iter().find(|s| s.member == member)
                {
                    state.selected = Some((member, first.skill));
                }
            }
            if people.len() > 12 {
                ui.weak(format!("and {} more", people.len() - 12));
            }
        });
}

/// "Due for review": ratings assessed longer ago than the team's review period, oldest first,
/// then skills a member's role level requires that were never rated. A line selects the cell.
pub fn due_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState) {
    /// Lines listed before "and N more".
    const SHOWN: usize = 30;
    let due = &f.view.due;
    let stale = due.iter().filter(|d| d.level.is_some()).count();
    let never = due.len() - stale;
    ui.add_space(4.0);
    egui::CollapsingHeader::new(format!(
        "Due for review ({stale} stale, {never} never rated)"
    ))
    .id_salt("due_for_review")
    .show(ui, |ui| {
        if due.is_empty() {
            ui.label("Every rating was assessed within its team's review period.");
            return;
        }
        let fw = &f.snapshot.framework;
        for d in due.iter().take(SHOWN) {
            let Some(m) = f.snapshot.member(d.member) else {
                continue;
            };
            let what = match (d.level, d.assessed_on, d.months) {
                (Some(level), Some(on), Some(months)) => {
                    format!("{level}, {on} ({months} months)")
                }
                _ => "never rated".to_string(),
            };
            let text = if state.team.is_none() {
                let team = f.snapshot.team(d.team).map_or("", |t| t.name.as_str());
                format!("{} ({team}): {} — {what}", m.name, fw.skill(d.skill).name)
            } else {
                format!("{}: {} — {what}", m.name, fw.skill(d.skill).name)
            };
            if ui
                .add(egui::Label::new(text).sense(egui::Sense::click()))
                .on_hover_text("Select this cell")
                .clicked()
            {
                state.selected = Some((d.member, d.skill));
                state.scroll_to_selection = true;
            }
        }
        if due.len() > SHOWN {
            ui.weak(format!(
                "and {} more (pick one team to see its own; the command `capmatrix review` lists every one)",
                due.len() - SHOWN
            ));
        }
    });
}

/// With "Compare with": the gaps opened and closed since that date.
pub fn changes_ui(ui: &mut Ui, f: &Frame<'_>, all_teams: bool) {
    let Some(c) = f.compare else {
        return;
    };
    let fw = &f.snapshot.framework;
    ui.add_space(4.0);
    ui.strong(format!("Since {}", c.date));
    ui.label(format!(
        "{} rose, {} fell.",
        crate::model::plural(c.rose, "cell", "cells"),
        c.fell
    ));
    let list = |names: &[String]| {
        let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
        let more = names.len().saturating_sub(8);
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    if !c.gone.is_empty() {
        ui.label(format!(
            "{} gone (left or moved away): {}",
            crate::model::plural(c.gone.len(), "person", "people"),
            list(&c.gone)
        ));
    }
    if !c.joined.is_empty() {
        ui.label(format!(
            "{} new (joined, back or moved in): {}",
            crate::model::plural(c.joined.len(), "person", "people"),
            list(&c.joined)
        ));
    }
    for &(s, then, now) in &c.teams_short {
        let color = if now > then { theme::FELL } else { theme::ROSE };
        ui.colored_label(
            color,
            format!("{}: {then} -> {now} teams short", fw.skill(s).name),
        );
    }
    // All teams: each team against its own target (above), not the pool's gaps.
    let (opened, closed) = if all_teams {
        (&[][..], &[][..])
    } else {
        (c.opened.as_slice(), c.closed.as_slice())
    };
    if opened.is_empty() && closed.is_empty() && c.teams_short.is_empty() {
        ui.label("No gap opened or closed.");
    }
    for &s in opened {
        ui.colored_label(theme::FELL, format!("Gap opened: {}", fw.skill(s).name));
    }
    for &s in closed {
        ui.colored_label(theme::ROSE, format!("Gap closed: {}", fw.skill(s).name));
    }
}
