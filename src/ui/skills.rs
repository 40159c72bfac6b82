//! The Skills dialog (every skill, the lead's own added, edited, retired and restored, a
//! custom skill's required levels and whether the team on screen tracks it) and the
//! framework update dialog (a release's changes previewed, then applied as one undo step).

use super::dialogs::{buttons, focus_first, role_level_combo, window};
use super::{Command, Frame, UiState};
use crate::core::Action;
use crate::model::analysis::target_for;
use crate::model::framework_edit::SkillText;
use crate::model::{
    DEFAULT_TARGET_COUNT, Level, RoleLevelId, Skill, SkillId, Snapshot, Target, plural, search_key,
};
use egui::Context;

/// The Skills dialog's state.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillsDialog {
    /// Narrows the list (name or category).
    pub filter: String,
    /// Lists retired skills too.
    pub show_retired: bool,
    /// The skill shown on the right.
    pub selected: Option<SkillId>,
    /// The new skill's name, as typed.
    pub new_name: String,
    /// The new skill's category, as typed.
    pub new_category: String,
    /// A skill just added, selected once it appears.
    pub select_name: Option<String>,
    /// The selected custom skill's text, as edited.
    pub form: Option<SkillForm>,
    /// The role level and level for "Require".
    pub require: (Option<RoleLevelId>, Level),
}

impl Default for SkillsDialog {
    fn default() -> SkillsDialog {
        SkillsDialog {
            filter: String::new(),
            show_retired: false,
            selected: None,
            new_name: String::new(),
            new_category: String::new(),
            select_name: None,
            form: None,
            require: (None, Level::Practitioner),
        }
    }
}

/// A custom skill's text being edited: descriptors one bullet per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillForm {
    /// The skill.
    pub skill: SkillId,
    /// Its name.
    pub name: String,
    /// Its category.
    pub category: String,
    /// What it is.
    pub description: String,
    /// Awareness, Working, Practitioner, Expert: one bullet per line.
    pub descriptors: [String; 4],
}

impl SkillForm {
    fn of(skill: &Skill) -> SkillForm {
        SkillForm {
            skill: skill.id,
            name: skill.name.clone(),
            category: skill.category.clone().unwrap_or_default(),
            description: skill.description.clone().unwrap_or_default(),
            descriptors: skill
                .descriptors
                .clone()
                .map(|d| d.map(|lines| lines.join("\n")).unwrap_or_default()),
        }
    }

    fn text(&self) -> SkillText {
        let some = |t: &str| Some(t.to_string()).filter(|t| !t.trim().is_empty());
        SkillText {
            name: self.name.clone(),
            category: some(&self.category),
            description: some(&self.description),
            descriptors: self
                .descriptors
                .clone()
                .map(|t| some(&t).map(|t| t.lines().map(str::to_string).collect())),
        }
    }
}

/// The framework update dialog's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FrameworkUpdateDialog {
    /// The framework file, as typed.
    pub path: String,
    /// What the file would change, once read.
    pub preview: Option<FrameworkPreview>,
}

/// What a framework file would change, computed by the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkPreview {
    /// The file previewed (stale when the path changes).
    pub path: String,
    /// The changes, one per line (empty: none), or why the file cannot be applied.
    pub result: Result<Vec<String>, String>,
    /// The file's framework, e.g. "Digital and Data Profession Capability Framework 2026-06-01".
    pub title: String,
}

/// How a skill is listed: its name, then its category and where it comes from.
fn list_text(skill: &Skill) -> String {
    match &skill.category {
        Some(c) => format!("{}   ({c}, {})", skill.name, skill.source()),
        None if skill.custom || skill.retired => format!("{}   ({})", skill.name, skill.source()),
        None => skill.name.clone(),
    }
}

/// The Skills dialog. Returns false when closed.
pub fn skills_ui(
    ctx: &Context,
    f: &Frame<'_>,
    state: &UiState,
    d: &mut SkillsDialog,
    out: &mut Vec<Command>,
) -> bool {
    let fw = &f.snapshot.framework;
    if let Some(name) = &d.select_name
        && let Some(id) = fw.skill_named(name)
    {
        d.selected = Some(id);
        d.select_name = None;
    }
    if d.form.as_ref().map(|form| form.skill) != d.selected {
        d.form = d
            .selected
            .filter(|&s| fw.has_skill(s) && fw.skill(s).custom)
            .map(|s| SkillForm::of(fw.skill(s)));
    }
    let editable = f.editable();
    let mut keep = true;
    window("Skills")
        .resizable(true)
        .default_size([820.0, 560.0])
        .show(ctx, |ui| {
            ui.label(format!(
                "The framework: {}. Add skills of your own (the technologies your team runs, say); they are rated, analysed and exported like the framework's.",
                fw.title()
            ));
            ui.horizontal(|ui| {
                let l = ui.label("Find:");
                let find = ui
                    .add(
                        egui::TextEdit::singleline(&mut d.filter)
                            .hint_text("skill or category")
                            .desired_width(220.0),
                    )
                    .labelled_by(l.id);
                focus_first(ui, &find);
                ui.checkbox(&mut d.show_retired, "Show retired skills");
            });
            ui.separator();
            ui.horizontal_top(|ui| {
                // A fixed height, or the divider grows the window to the screen's bottom.
                ui.set_max_height(470.0);
                ui.allocate_ui(egui::vec2(330.0, 470.0), |ui| {
                    ui.vertical(|ui| {
                        list_ui(ui, f.snapshot, d);
                        ui.separator();
                        new_skill_ui(ui, d, editable, out);
                    });
                });
                ui.separator();
                ui.vertical(|ui| {
                    ui.set_min_width(380.0);
                    match d.selected.filter(|&s| fw.has_skill(s)) {
                        Some(skill) => details_ui(ui, f, state, d, skill, out),
                        None => {
                            ui.weak("Choose a skill on the left to see what it means, or add one of your own.");
                        }
                    }
                });
            });
            ui.separator();
            if ui.button("Close").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                keep = false;
            }
        });
    keep
}

fn list_ui(ui: &mut egui::Ui, snapshot: &Snapshot, d: &mut SkillsDialog) {
    let fw = &snapshot.framework;
    let needle = search_key(d.filter.trim());
    let mut skills: Vec<&Skill> = fw
        .skills_in_order()
        .filter(|s| d.show_retired || !s.retired)
        .filter(|s| {
            needle.is_empty()
                || search_key(&s.name).contains(&needle)
                || s.category
                    .as_deref()
                    .is_some_and(|c| search_key(c).contains(&needle))
        })
        .collect();
    // Your own first (the ones you look for here), then the framework's, retired last.
    skills.sort_by_key(|s| (s.retired, !s.custom));
    let custom = fw.active_skills().filter(|s| s.custom).count();
    ui.weak(format!(
        "{} shown; {} of your own",
        plural(skills.len(), "skill", "skills"),
        custom
    ));
    egui::ScrollArea::vertical()
        .id_salt("skills_list")
        .max_height(330.0)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for s in skills {
                let text = list_text(s);
                let text = if s.retired {
                    egui::RichText::new(text).weak()
                } else if s.custom {
                    egui::RichText::new(text).strong()
                } else {
                    egui::RichText::new(text)
                };
                if ui
                    .selectable_label(d.selected == Some(s.id), text)
                    .clicked()
                {
                    d.selected = Some(s.id);
                }
            }
        });
}

fn new_skill_ui(ui: &mut egui::Ui, d: &mut SkillsDialog, editable: bool, out: &mut Vec<Command>) {
    ui.strong("A skill of your own");
    egui::Grid::new("new_skill").num_columns(2).show(ui, |ui| {
        let l = ui.label("Name:");
        ui.add(
            egui::TextEdit::singleline(&mut d.new_name)
                .hint_text("e.g. Apache Spark")
                .desired_width(200.0),
        )
        .labelled_by(l.id);
        ui.end_row();
        let l = ui.label("Category:");
        ui.add(
            egui::TextEdit::singleline(&mut d.new_category)
                .hint_text("e.g. Technology")
                .desired_width(200.0),
        )
        .labelled_by(l.id);
        ui.end_row();
    });
    let ready = editable && !d.new_name.trim().is_empty();
    if ui
        .add_enabled(ready, egui::Button::new("Add skill"))
        .clicked()
    {
        let name = d.new_name.trim().to_string();
        out.push(Command::Apply(Action::AddSkill {
            text: SkillText {
                category: Some(d.new_category.trim().to_string()).filter(|c| !c.is_empty()),
                ..SkillText::named(&name)
            },
        }));
        d.select_name = Some(name);
        d.new_name.clear();
    }
}

fn details_ui(
    ui: &mut egui::Ui,
    f: &Frame<'_>,
    state: &UiState,
    d: &mut SkillsDialog,
    skill: SkillId,
    out: &mut Vec<Command>,
) {
    let fw = &f.snapshot.framework;
    let s = fw.skill(skill);
    let editable = f.editable();
    ui.heading(&s.name);
    let rated = f
        .snapshot
        .all_members()
        .iter()
        .filter(|m| m.ratings.contains_key(&skill))
        .count();
    ui.weak(format!(
        "{}{} · rated for {}",
        s.source(),
        s.category
            .as_ref()
            .map(|c| format!(" · {c}"))
            .unwrap_or_default(),
        plural(rated, "person", "people")
    ));
    egui::ScrollArea::vertical()
        .id_salt("skill_details")
        .max_height(400.0)
        .show(ui, |ui| {
            match d.form.as_mut().filter(|form| form.skill == skill) {
                Some(form) => form_ui(ui, form, editable, out),
                None => framework_text_ui(ui, s),
            }
            ui.separator();
            let (label, hint) = if s.retired {
                (
                    "Restore",
                    "Bring it back into the matrix and analysis, with its ratings",
                )
            } else {
                (
                    "Retire",
                    "Hide it from the matrix and analysis; its ratings and history are kept",
                )
            };
            if ui
                .add_enabled(editable, egui::Button::new(label))
                .on_hover_text(hint)
                .clicked()
            {
                out.push(Command::Apply(Action::SetSkillRetired {
                    skill,
                    retired: !s.retired,
                }));
            }
            if s.retired {
                return;
            }
            track_ui(ui, f, state, skill, editable, out);
            if s.custom {
                requirements_ui(ui, f.snapshot, d, skill, editable, out);
            }
        });
}

/// A framework skill's text, read-only.
fn framework_text_ui(ui: &mut egui::Ui, s: &Skill) {
    if let Some(text) = &s.description {
        ui.label(text);
    }
    for level in Level::DESCRIBED {
        ui.strong(level.name());
        match s.descriptor(level) {
            Some(lines) => {
                for l in lines {
                    ui.label(format!("• {l}"));
                }
            }
            None => {
                ui.weak("not defined");
            }
        }
    }
}

fn form_ui(ui: &mut egui::Ui, form: &mut SkillForm, editable: bool, out: &mut Vec<Command>) {
    egui::Grid::new("skill_form").num_columns(2).show(ui, |ui| {
        let l = ui.label("Name:");
        ui.add(egui::TextEdit::singleline(&mut form.name).desired_width(260.0))
            .labelled_by(l.id);
        ui.end_row();
        let l = ui.label("Category:");
        ui.add(egui::TextEdit::singleline(&mut form.category).desired_width(260.0))
            .labelled_by(l.id);
        ui.end_row();
        let l = ui.label("What it is:");
        ui.add(
            egui::TextEdit::multiline(&mut form.description)
                .desired_rows(2)
                .desired_width(260.0),
        )
        .labelled_by(l.id);
        ui.end_row();
        for (i, level) in Level::DESCRIBED.iter().enumerate() {
            let l = ui.label(format!("{}:", level.name()));
            ui.add(
                egui::TextEdit::multiline(&mut form.descriptors[i])
                    .hint_text("what someone at this level can do, one point per line")
                    .desired_rows(2)
                    .desired_width(260.0),
            )
            .labelled_by(l.id);
            ui.end_row();
        }
    });
    if ui
        .add_enabled(
            editable && !form.name.trim().is_empty(),
            egui::Button::new("Save changes"),
        )
        .clicked()
    {
        out.push(Command::Apply(Action::EditSkill {
            skill: form.skill,
            text: form.text(),
        }));
    }
}

/// Whether the team on screen tracks the skill, and a button to start or stop.
fn track_ui(
    ui: &mut egui::Ui,
    f: &Frame<'_>,
    state: &UiState,
    skill: SkillId,
    editable: bool,
    out: &mut Vec<Command>,
) {
    let Some(team) = state.team.and_then(|t| f.snapshot.team(t)) else {
        ui.weak("Choose a team at the top to set its target for this skill.");
        return;
    };
    let scope = crate::model::analysis::Scope::Team(team.id);
    match (
        f.snapshot.explicit_target(team.id, skill),
        target_for(f.snapshot, scope, skill),
    ) {
        (Some(t), _) => {
            ui.label(format!(
                "{} tracks it: {} at {} or above (change it in Team targets...).",
                team.name,
                plural(t.count as usize, "person", "people"),
                t.level.name()
            ));
            if ui
                .add_enabled(editable, egui::Button::new("Stop tracking"))
                .clicked()
            {
                out.push(Command::Apply(Action::SetTarget {
                    team: team.id,
                    skill,
                    target: None,
                }));
            }
        }
        (None, Some((t, _))) => {
            ui.label(format!(
                "{}'s roles require it: the default target is {} at {} or above.",
                team.name,
                plural(t.count as usize, "person", "people"),
                t.level.name()
            ));
        }
        (None, None) => {
            let target = Target {
                level: Level::Practitioner,
                count: DEFAULT_TARGET_COUNT,
            };
            if ui
                .add_enabled(
                    editable,
                    egui::Button::new(format!("Track in {}", team.name)),
                )
                .on_hover_text(format!(
                    "A target of {} at Practitioner or above; change it in Team targets...",
                    plural(target.count as usize, "person", "people")
                ))
                .clicked()
            {
                out.push(Command::Apply(Action::SetTarget {
                    team: team.id,
                    skill,
                    target: Some(target),
                }));
            }
        }
    }
}

/// The levels role levels require in a custom skill, and a row to set one.
fn requirements_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    d: &mut SkillsDialog,
    skill: SkillId,
    editable: bool,
    out: &mut Vec<Command>,
) {
    let fw = &snapshot.framework;
    ui.separator();
    ui.strong("Required by role level");
    let required: Vec<(RoleLevelId, Level)> = fw
        .role_levels
        .iter()
        .filter_map(|l| l.required(skill).map(|q| (l.id, q)))
        .collect();
    if required.is_empty() {
        ui.weak("No role level requires it.");
    }
    for (rl, level) in required {
        ui.horizontal(|ui| {
            ui.label(format!("{}: {}", fw.role_level(rl).name, level.name()));
            if ui
                .add_enabled(editable, egui::Button::new("Remove").small())
                .clicked()
            {
                out.push(Command::Apply(Action::SetCustomRequirement {
                    role_level: rl,
                    skill,
                    level: None,
                }));
            }
        });
    }
    ui.horizontal_wrapped(|ui| {
        let (role_level, level) = &mut d.require;
        let l = ui.label("Role level:");
        role_level_combo(ui, "require_role_level", snapshot, role_level, 200.0).labelled_by(l.id);
        let l = ui.label("Level:");
        egui::ComboBox::from_id_salt("require_level")
            .selected_text(level.name())
            .show_ui(ui, |ui| {
                for l in Level::DESCRIBED {
                    ui.selectable_value(level, l, l.name());
                }
            })
            .response
            .labelled_by(l.id);
        if ui
            .add_enabled(
                editable && role_level.is_some(),
                egui::Button::new("Require"),
            )
            .clicked()
            && let Some(rl) = *role_level
        {
            out.push(Command::Apply(Action::SetCustomRequirement {
                role_level: rl,
                skill,
                level: Some(*level),
            }));
        }
    });
}

/// The framework update dialog. Returns false when closed.
pub fn framework_update_ui(
    ctx: &Context,
    f: &Frame<'_>,
    d: &mut FrameworkUpdateDialog,
    out: &mut Vec<Command>,
) -> bool {
    let mut keep = true;
    window("Update the framework")
        .resizable(true)
        .default_width(620.0)
        .show(ctx, |ui| {
            ui.label(format!(
                "This database holds {}. A new release (a framework JSON file, the format `capmatrix framework export` writes) renames, adds and removes skills: renamed skills keep their ratings and history, removed ones are retired (kept, hidden).",
                f.snapshot.framework.title()
            ));
            ui.horizontal(|ui| {
                let l = ui.label("File:");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut d.path)
                            .desired_width(360.0)
                            .hint_text("a framework .json file"),
                    )
                    .labelled_by(l.id);
                focus_first(ui, &field);
                if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    out.push(Command::PreviewFramework);
                }
                if ui.button("Browse...").clicked() {
                    out.push(Command::BrowseFramework);
                }
                if ui
                    .add_enabled(!d.path.trim().is_empty(), egui::Button::new("Preview"))
                    .clicked()
                {
                    out.push(Command::PreviewFramework);
                }
            });
            ui.separator();
            let fresh = d.preview.as_ref().filter(|p| p.path == d.path);
            let ready = match fresh.map(|p| (&p.result, &p.title)) {
                None => {
                    ui.weak("Choose a file and press Preview to see what the update would change.");
                    false
                }
                Some((Ok(lines), title)) if lines.is_empty() => {
                    ui.label(format!("No changes: the database already holds {title}."));
                    false
                }
                Some((Ok(lines), title)) => {
                    ui.label(format!(
                        "Updating to {title} will change ({}):",
                        plural(lines.len(), "change", "changes")
                    ));
                    egui::ScrollArea::vertical()
                        .id_salt("framework_changes")
                        .max_height(300.0)
                        .show(ui, |ui| {
                            for l in lines {
                                ui.label(l);
                            }
                        });
                    ui.weak("A backup is written beside the database first, and Undo reverts the update.");
                    true
                }
                Some((Err(e), _)) => {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!("This file cannot be applied; nothing will change: {e}"),
                    );
                    false
                }
            };
            ui.separator();
            let (yes, no) = buttons(ui, "Apply update", ready && f.editable());
            if yes {
                out.push(Command::ApplyFramework);
            }
            if no {
                keep = false;
            }
        });
    keep
}
