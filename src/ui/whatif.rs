//! What-if planning in the window: a banner while a plan is shown (who leaves, who might be
//! hired, a role level picker for hires, the way back), and the side panel's comparison of
//! the plan with today, skill by skill, new shortfalls and single points of failure first.
//! The matrix itself is the plan's snapshot, built by the app: these functions only read it.

use super::{Frame, UiState, theme};
use crate::model::whatif::Hire;
use egui::{RichText, Ui};

/// The banner above the matrix while a what-if is shown; nothing otherwise.
pub fn banner_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState) {
    let (Some(outcome), Some(plan)) = (f.what_if, state.what_if.as_mut()) else {
        return;
    };
    let fw = &f.snapshot.framework;
    let team = f
        .today_snapshot
        .team(plan.team)
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let mut end = false;
    egui::Panel::top("what_if_banner")
        .frame(egui::Frame::side_top_panel(ui.style()).fill(theme::WHAT_IF_BANNER))
        .show(ui, |ui| {
            // Light controls on the lilac banner, whatever the theme.
            *ui.visuals_mut() = egui::Visuals::light();
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new("WHAT IF").strong().size(15.0));
                ui.label(format!(
                    "{team}: {} under this plan ({} today). Targets are today's. Nothing is saved or changed.",
                    crate::model::plural(
                        f.view.in_scope,
                        "member",
                        "members"
                    ),
                    f.today_snapshot.team_members(plan.team).len()
                ));
                let worse = outcome.worse().count();
                if worse > 0 {
                    ui.label(
                        RichText::new(format!(
                            "{} worse",
                            crate::model::plural(worse, "skill", "skills")
                        ))
                        .color(theme::FELL)
                        .strong(),
                    );
                }
                if ui.button("End what-if").clicked() {
                    end = true;
                }
            });
            ui.horizontal_wrapped(|ui| {
                ui.label("Leaving:");
                if plan.plan.leaving.is_empty() {
                    ui.weak("nobody (right-click a name: \"What if they left\")");
                }
                let mut back = None;
                for &m in &plan.plan.leaving {
                    let name = f
                        .today_snapshot
                        .member(m)
                        .map_or_else(String::new, |m| m.name.clone());
                    if ui
                        .button(format!("{name}  x"))
                        .on_hover_text(format!("{name} stays"))
                        .clicked()
                    {
                        back = Some(m);
                    }
                }
                if let Some(m) = back {
                    plan.toggle_leaving(m);
                }
                ui.separator();
                ui.label("Hires:");
                let mut drop_hire = None;
                for (i, h) in outcome.hires.iter().enumerate() {
                    if ui
                        .button(format!("{}  x", h.name))
                        .on_hover_text("Remove this hire")
                        .clicked()
                    {
                        drop_hire = Some(i);
                    }
                }
                if let Some(i) = drop_hire
                    && i < plan.plan.hires.len()
                {
                    plan.plan.hires.remove(i);
                    plan.version += 1;
                }
                let chosen = plan
                    .hire_role
                    .map_or("Role level...".to_string(), |rl| {
                        fw.role_level(rl).name.clone()
                    });
                let label = ui.label("Hire at:");
                egui::ComboBox::from_id_salt("what_if_hire_role")
                    .selected_text(chosen)
                    .width(200.0)
                    .height(360.0)
                    .show_ui(ui, |ui| {
                        // The team's own roles first (their levels, junior to senior), then
                        // every other role level by name.
                        let roles: std::collections::BTreeSet<_> = f
                            .today_snapshot
                            .team_members(plan.team)
                            .iter()
                            .filter_map(|m| m.role_level)
                            .map(|rl| fw.role_level(rl).role)
                            .collect();
                        let (mut own, mut others): (Vec<_>, Vec<_>) = fw
                            .role_levels
                            .iter()
                            .filter(|l| !l.retired)
                            .partition(|l| roles.contains(&l.role));
                        own.sort_by_key(|l| (l.role, l.rank));
                        others.sort_by(|a, b| a.name.cmp(&b.name));
                        for l in &own {
                            ui.selectable_value(&mut plan.hire_role, Some(l.id), &l.name);
                        }
                        if !own.is_empty() {
                            ui.separator();
                        }
                        for l in &others {
                            ui.selectable_value(&mut plan.hire_role, Some(l.id), &l.name);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if ui
                    .add_enabled(plan.hire_role.is_some(), egui::Button::new("Add hire"))
                    .on_hover_text("Someone at this role level, rated at what it requires")
                    .clicked()
                    && let Some(role_level) = plan.hire_role
                {
                    plan.plan.hires.push(Hire { role_level });
                    plan.version += 1;
                }
            });
        });
    if end {
        state.what_if = None;
    }
}

/// The side panel's comparison of the plan with today: skills that got worse (new or deeper
/// shortfalls, new single points of failure) first, then those that got better.
pub fn changes_ui(ui: &mut Ui, f: &Frame<'_>, _state: &UiState) {
    let Some(outcome) = f.what_if else {
        return;
    };
    let fw = &f.snapshot.framework;
    ui.add_space(4.0);
    ui.strong("What if, against today");
    let mut any = false;
    for c in outcome.worse() {
        any = true;
        let today = c.today.as_ref().map_or("-".to_string(), |t| {
            format!("{}/{}", t.covered, t.target.count)
        });
        let flags = c.worse_words();
        ui.colored_label(
            theme::FELL,
            format!(
                "{}: {today} -> {}/{}  {}",
                fw.skill(c.skill).name,
                c.then.covered,
                c.then.target.count,
                flags.join(", ")
            ),
        );
    }
    for c in outcome.changes.iter().filter(|c| c.improved()) {
        any = true;
        let today = c.today.as_ref().map_or("-".to_string(), |t| {
            format!("{}/{}", t.covered, t.target.count)
        });
        ui.colored_label(
            theme::ROSE,
            format!(
                "{}: {today} -> {}/{}  better",
                fw.skill(c.skill).name,
                c.then.covered,
                c.then.target.count
            ),
        );
    }
    for c in outcome.changes.iter().filter(|c| {
        c.changed()
            && matches!(
                c.verdict(),
                crate::model::whatif::Verdict::Same | crate::model::whatif::Verdict::New
            )
    }) {
        any = true;
        let today = c.today.as_ref().map_or("-".to_string(), |t| {
            format!("{}/{}", t.covered, t.target.count)
        });
        ui.label(format!(
            "{}: {today} -> {}/{}",
            fw.skill(c.skill).name,
            c.then.covered,
            c.then.target.count
        ));
    }
    if !any {
        ui.weak("No skill's coverage changes under this plan.");
    }
    ui.separator();
}
