//! Dialogs: add member, teams (create, rename, remove, targets), confirmations, import preview,
//! export options, About. Each returns what the user chose as [`Command`]s.

use super::{Command, Frame, UiState, mode_name};
use crate::core::Action;
use crate::io::{Mode, ProblemKind, Problems};
use crate::model::analysis::{target_for, team_skills};
use crate::model::{Level, MemberId, RoleLevelId, Snapshot, Target, TeamId};
use crate::transfer::{ExportType, ImportReport};
use egui::{Align2, Context, Id, Vec2};

/// The preview of an import, computed by the app from the chosen file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPreview {
    /// The file previewed (the preview is stale when the path field changes).
    pub path: String,
    /// How the file was read and what importing it would do, or why it cannot be imported.
    pub result: Result<Box<ImportReport>, PreviewError>,
}

/// Why a previewed file cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreviewError {
    /// The file's problems, each with its line and column.
    Problems(Problems),
    /// Anything else (the file cannot be read).
    Other(String),
}

/// The import dialog's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportDialog {
    /// The file to import.
    pub path: String,
    /// Merge or replace.
    pub mode: Mode,
    /// Team for rows without one.
    pub team: String,
    /// A workbook's sheet; empty: the first with a Member column.
    pub sheet: String,
    /// The preview of `path`, once read.
    pub preview: Option<ImportPreview>,
    /// The wide file's unknown columns (neither a capmatrix column nor a skill), from the
    /// last preview that read the file: each can be created as a custom skill.
    pub unknown_columns: Vec<String>,
    /// Those of `unknown_columns` to create as custom skills.
    pub add_skills: Vec<String>,
    /// Whose ratings the file's rows are, unless its Source column says (the lead's by
    /// default; people's own for a self-assessment).
    pub source: crate::model::Source,
}

/// The export dialog's state.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportDialog {
    /// Where to write.
    pub path: String,
    /// Long format instead of wide.
    pub long: bool,
    /// Levels as numbers instead of names.
    pub numbers: bool,
    /// Every historical rating (long format only).
    pub history: bool,
    /// Only this team.
    pub team: Option<TeamId>,
    /// The user confirmed replacing an existing file.
    pub overwrite: bool,
    /// What is at `path` (the path it was checked for), found by the app, so the dialog
    /// itself never touches the file system.
    pub target: Option<(String, ExportTarget)>,
    /// Why the last attempt failed, shown in the dialog.
    pub error: Option<String>,
    /// The type chosen: by the Type buttons, or by typing a name with a known extension
    /// (typing a name without one leaves it as it was).
    pub kind: ExportType,
    /// The date of the as-of view the dialog was opened in: what the window shows is what
    /// is written (the matrix as it stood then).
    pub as_of: Option<crate::model::Date>,
}

impl ExportDialog {
    /// A dialog exporting the team on screen, to a file named after the team in `dir` (the
    /// user's documents folder, found by the app).
    pub fn new(snapshot: &Snapshot, team: Option<TeamId>, dir: &std::path::Path) -> ExportDialog {
        ExportDialog::of_kind(snapshot, team, dir, ExportType::Csv)
    }

    /// A dialog writing a file of this type ("Save picture..." asks for a PNG).
    pub fn of_kind(
        snapshot: &Snapshot,
        team: Option<TeamId>,
        dir: &std::path::Path,
        kind: ExportType,
    ) -> ExportDialog {
        let name = team.and_then(|t| snapshot.team(t)).map(|t| t.name.as_str());
        ExportDialog {
            path: dir
                .join(crate::transfer::export_file_name(name, kind))
                .display()
                .to_string(),
            long: false,
            numbers: false,
            history: false,
            team,
            overwrite: false,
            target: None,
            error: None,
            kind,
            as_of: None,
        }
    }

    /// The dialog of an as-of view: writes the matrix as of `date`, and says so in the file
    /// name ("Platform skills as of 2025-06-30.csv").
    pub fn as_of(mut self, snapshot: &Snapshot, date: Option<crate::model::Date>) -> ExportDialog {
        let Some(date) = date else {
            return self;
        };
        self.as_of = Some(date);
        let name = self
            .team
            .and_then(|t| snapshot.team(t))
            .map(|t| t.name.as_str());
        let file = crate::transfer::export_file_name_as_of(name, self.kind, Some(date));
        let path = std::path::Path::new(self.path.trim()).with_file_name(file);
        self.path = path.display().to_string();
        self
    }
}

impl ExportDialog {
    /// The type chosen.
    pub fn kind(&self) -> ExportType {
        self.kind
    }

    /// Whether the file name's extension is one export writes (it decides the type).
    pub fn extension_known(&self) -> bool {
        ExportType::of(std::path::Path::new(self.path.trim())).is_ok()
    }

    /// Chooses a type and gives the file name its extension.
    pub fn set_kind(&mut self, kind: ExportType) {
        self.kind = kind;
        let path = std::path::Path::new(self.path.trim()).with_extension(kind.extension());
        self.path = path.display().to_string();
        self.overwrite = false;
        self.error = None;
    }

    /// After the file name was typed: a known extension chooses the type.
    fn path_typed(&mut self) {
        self.overwrite = false;
        if let Ok(kind) = ExportType::of(std::path::Path::new(self.path.trim())) {
            self.kind = kind;
        }
    }
}

/// What the export dialog's path points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportTarget {
    /// Nothing yet: a new file.
    New,
    /// A file that will be replaced (after confirmation).
    Exists,
    /// The folder does not exist.
    NoFolder,
}

/// An open dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    /// Add a member.
    AddMember {
        /// The team, by name (created if new).
        team: String,
        /// The member's name.
        name: String,
        /// The role level.
        role_level: Option<RoleLevelId>,
    },
    /// Confirm that a member left (today, or on a date typed).
    ConfirmRemoveMember {
        /// Who.
        member: MemberId,
        /// The day they left, as typed (empty: today).
        on: String,
    },
    /// Create a team.
    CreateTeam {
        /// Its name.
        name: String,
    },
    /// Rename a team.
    RenameTeam {
        /// Which.
        team: TeamId,
        /// The new name.
        name: String,
    },
    /// Former members: bring one back, or delete one permanently.
    FormerMembers {
        /// The team shown, or all teams.
        team: Option<TeamId>,
    },
    /// Confirm deleting a member and their history permanently.
    ConfirmErase {
        /// Who (current or former).
        member: MemberId,
    },
    /// Confirm removing a team.
    ConfirmRemoveTeam {
        /// Which.
        team: TeamId,
    },
    /// Write assessment packs for a team's members, or import filled ones.
    Packs {
        /// The team, or all teams.
        team: Option<TeamId>,
        /// The folder to write to, as typed.
        dir: String,
        /// Leave out the expected level.
        hide_expected: bool,
        /// Filled packs to import: a file or a folder, as typed.
        filled: String,
    },
    /// Edit a team's targets.
    Targets {
        /// Which.
        team: TeamId,
    },
    /// Rename a member.
    RenameMember {
        /// Who.
        member: MemberId,
        /// The new name.
        name: String,
    },
    /// Change a member's role level.
    SetRoleLevel {
        /// Who.
        member: MemberId,
        /// The role level chosen.
        role_level: Option<RoleLevelId>,
    },
    /// Move a member to another team.
    MoveMember {
        /// Who.
        member: MemberId,
        /// The team chosen.
        team: TeamId,
    },
    /// Import a CSV file or a workbook.
    Import(ImportDialog),
    /// Every skill; add and change your own.
    Skills(super::skills::SkillsDialog),
    /// Apply a new release of the framework.
    FrameworkUpdate(super::skills::FrameworkUpdateDialog),
    /// Export a CSV file.
    Export(ExportDialog),
}

impl Dialog {
    /// "Add member" for the team on screen (or the first team), at the first level of the
    /// framework's central role by default (DDaT: Data engineer).
    pub fn add_member(snapshot: &Snapshot, team: Option<TeamId>) -> Dialog {
        let team = team
            .and_then(|t| snapshot.team(t))
            .or_else(|| snapshot.teams().next())
            .map(|t| t.name.clone())
            .unwrap_or_default();
        Dialog::AddMember {
            team,
            name: String::new(),
            role_level: snapshot
                .framework
                .central_role()
                .and_then(|r| snapshot.framework.role(r).levels.first().copied()),
        }
    }
}

pub(super) fn window(title: &str) -> egui::Window<'static> {
    egui::Window::new(title.to_string())
        .id(Id::unique(("dialog", title)))
        .collapsible(false)
        .resizable(false)
        .anchor(Align2::CENTER_CENTER, Vec2::ZERO)
}

/// Shows the open dialog, if any.
pub fn dialogs_ui(ctx: &Context, f: &Frame<'_>, state: &mut UiState, out: &mut Vec<Command>) {
    let Some(mut dialog) = state.dialog.take() else {
        state.dialog_seen = None;
        return;
    };
    // The first frame of a dialog gives its first field the keyboard (see `focus_first`).
    let kind = std::mem::discriminant(&dialog);
    let first = state.dialog_seen != Some(kind);
    state.dialog_seen = Some(kind);
    ctx.data_mut(|d| d.insert_temp(first_frame_id(), first));
    // "Delete permanently..." in the former members' list opens its confirmation.
    let mut erase = None;
    let keep = match &mut dialog {
        Dialog::AddMember {
            team,
            name,
            role_level,
        } => add_member_ui(ctx, f.snapshot, team, name, role_level, out),
        Dialog::ConfirmRemoveMember { member, on } => leaving_ui(ctx, f.snapshot, *member, on, out),
        Dialog::CreateTeam { name } => {
            name_ui(ctx, "New team", "Team name:", name, "Create", |n| {
                out.push(Command::Apply(Action::CreateTeam { name: n }));
            })
        }
        Dialog::RenameTeam { team, name } => {
            let team = *team;
            name_ui(ctx, "Rename team", "Team name:", name, "Rename", |n| {
                out.push(Command::Apply(Action::RenameTeam { team, name: n }));
            })
        }
        Dialog::FormerMembers { team } => {
            former_members_ui(ctx, f.snapshot, *team, &mut erase, out)
        }
        Dialog::ConfirmErase { member } => {
            let who = f
                .snapshot
                .anyone(*member)
                .map_or(String::new(), |m| m.name.clone());
            confirm_ui(
                ctx,
                "Delete a person permanently",
                &format!(
                    "Delete {who} and their whole history permanently? Every rating, note and date recorded for them is erased from this database (the right to erasure). This cannot be undone, and the undo history is cleared. Backups taken earlier still hold them."
                ),
                "Delete permanently",
                || out.push(Command::Erase(*member)),
            )
        }
        Dialog::ConfirmRemoveTeam { team } => {
            let t = f.snapshot.team(*team);
            let (name, count) = t.map_or((String::new(), 0), |t| (t.name.clone(), t.members.len()));
            confirm_ui(
                ctx,
                "Remove team",
                &format!(
                    "Remove team {name} with its {count} members (and any former members), their ratings, their whole history and the team's targets? Nothing of the team stays in as-of views or trends. You can undo this."
                ),
                "Remove",
                || out.push(Command::Apply(Action::RemoveTeam { team: *team })),
            )
        }
        Dialog::Targets { team } => targets_ui(ctx, f.snapshot, *team, out),
        Dialog::Packs {
            team,
            dir,
            hide_expected,
            filled,
        } => packs_ui(ctx, f.snapshot, *team, (dir, hide_expected, filled), out),
        Dialog::RenameMember { member, name } => {
            let member = *member;
            name_ui(ctx, "Rename member", "New name:", name, "Rename", |n| {
                out.push(Command::Apply(Action::RenameMember { member, name: n }));
            })
        }
        Dialog::SetRoleLevel { member, role_level } => {
            member_role_ui(ctx, f.snapshot, *member, role_level, out)
        }
        Dialog::MoveMember { member, team } => member_move_ui(ctx, f.snapshot, *member, team, out),
        Dialog::Import(d) => import_ui(ctx, d, out),
        Dialog::Skills(d) => super::skills::skills_ui(ctx, f, state, d, out),
        Dialog::FrameworkUpdate(d) => super::skills::framework_update_ui(ctx, f, d, out),
        Dialog::Export(d) => export_ui(ctx, f.snapshot, d, out),
    };
    if let Some(member) = erase {
        state.dialog = Some(Dialog::ConfirmErase { member });
    } else if keep && state.dialog.is_none() {
        state.dialog = Some(dialog);
    }
}

fn first_frame_id() -> Id {
    Id::unique("capmatrix_dialog_first_frame")
}

/// Gives `field` the keyboard on the dialog's first frame, so typing starts at once.
pub(super) fn focus_first(ui: &egui::Ui, field: &egui::Response) {
    if ui
        .data(|d| d.get_temp::<bool>(first_frame_id()))
        .unwrap_or(false)
    {
        field.request_focus();
    }
}

/// The OK and Cancel buttons: Enter confirms (when OK is enabled), Escape cancels.
pub(super) fn buttons(ui: &mut egui::Ui, ok: &str, ok_enabled: bool) -> (bool, bool) {
    let mut result = (false, false);
    ui.horizontal(|ui| {
        let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
        result.0 =
            ui.add_enabled(ok_enabled, egui::Button::new(ok)).clicked() || (ok_enabled && enter);
        result.1 = ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape));
    });
    result
}

/// A person's profile: the same picture "Save picture" writes (and `capmatrix profile`),
/// with a summary in words for screen readers.
pub fn profile_window(ctx: &Context, f: &Frame<'_>, state: &mut UiState, out: &mut Vec<Command>) {
    let Some(p) = state.profile.as_mut() else {
        return;
    };
    let name = f
        .snapshot
        .anyone(p.member)
        .map_or(String::new(), |m| m.name.clone());
    let mut open = true;
    egui::Window::new(format!("Profile: {name}"))
        .id(Id::unique("profile_window"))
        .open(&mut open)
        .default_size([760.0, 600.0])
        .show(ctx, |ui| {
            match f.profile {
                Some((texture, summary)) => {
                    ui.label(summary);
                    egui::ScrollArea::both()
                        .max_height(ui.available_height() - 40.0)
                        .show(ui, |ui| {
                            // Drawn at the screen's scale: one texture pixel per screen pixel.
                            let ppp = ui.ctx().pixels_per_point();
                            ui.add(egui::Image::new(texture).fit_to_original_size(1.0 / ppp));
                        });
                }
                None => {
                    ui.weak("Drawing...");
                }
            }
            ui.horizontal(|ui| {
                let l = ui.label("Save as:");
                ui.add(egui::TextEdit::singleline(&mut p.path).desired_width(360.0))
                    .labelled_by(l.id);
                let ok = !p.path.trim().is_empty();
                if ui
                    .add_enabled(ok, egui::Button::new("Save picture"))
                    .on_hover_text("PNG or SVG, by the file's extension")
                    .clicked()
                {
                    out.push(Command::SaveProfile {
                        member: p.member,
                        path: p.path.trim().to_string(),
                    });
                }
            });
        });
    if !open {
        state.profile = None;
    }
}

/// "Assessment packs": write one workbook per member for them to fill in, and import the
/// filled ones as their own ratings.
fn packs_ui(
    ctx: &Context,
    snapshot: &Snapshot,
    team: Option<TeamId>,
    (dir, hide_expected, filled): (&mut String, &mut bool, &mut String),
    out: &mut Vec<Command>,
) -> bool {
    let team_name = team.and_then(|t| snapshot.team(t)).map(|t| t.name.clone());
    let mut keep = true;
    window("Assessment packs").min_width(520.0).show(ctx, |ui| {
        match &team_name {
            Some(name) => ui.label(format!(
                "One Excel workbook for each member of {name}, to fill in without capmatrix: their own level in each skill their role needs (from a list, with what each level means), whether they are interested, and evidence. Only those cells can be changed."
            )),
            None => ui.label(
                "Packs are written team by team: choose a team in the Team picker first. (For a whole organisation, capmatrix pack --out FOLDER writes everyone's.)",
            ),
        };
        ui.horizontal(|ui| {
            let l = ui.label("Folder:");
            let edit = ui
                .add(egui::TextEdit::singleline(dir).desired_width(360.0))
                .labelled_by(l.id);
            focus_first(ui, &edit);
        });
        ui.checkbox(hide_expected, "Leave out the level their role expects (so it does not anchor the answer)");
        if ui
            .add_enabled(
                team_name.is_some() && !dir.trim().is_empty(),
                egui::Button::new("Write packs"),
            )
            .clicked()
        {
            out.push(Command::WritePacks {
                team,
                dir: dir.trim().to_string(),
                hide_expected: *hide_expected,
            });
        }
        ui.separator();
        ui.label("Filled packs come back as their own ratings (beside yours; coverage and gaps keep using yours). Give one file or a folder of them: all are imported, or none if any has a problem.");
        ui.horizontal(|ui| {
            let l = ui.label("Filled packs:");
            ui.add(egui::TextEdit::singleline(filled).desired_width(330.0))
                .labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!filled.trim().is_empty(), egui::Button::new("Import packs"))
                .clicked()
            {
                out.push(Command::ImportPacks {
                    path: filled.trim().to_string(),
                });
            }
            if ui.button("Close").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                keep = false;
            }
        });
    });
    keep
}

/// "Member leaving": they leave today or on a past date typed; kept as a former member.
fn leaving_ui(
    ctx: &Context,
    snapshot: &Snapshot,
    member: MemberId,
    on: &mut String,
    out: &mut Vec<Command>,
) -> bool {
    let (who, team) = snapshot.member(member).map_or_else(Default::default, |m| {
        let team = snapshot.team(m.team).map(|t| t.name.clone());
        (m.name.clone(), team.unwrap_or_default())
    });
    let today = crate::model::time::today();
    let date = match on.trim() {
        "" => Ok(None),
        text => match crate::model::time::parse_date(text) {
            Some(d) if d > today => Err(format!("{d} is in the future")),
            Some(d) => Ok(Some(d)),
            None => Err(format!("\"{text}\" is not a date (e.g. 31/10/2026)")),
        },
    };
    let mut keep = true;
    window("Member leaving").show(ctx, |ui| {
        let when = match &date {
            Ok(Some(d)) => format!("on {d}"),
            _ => "today".to_string(),
        };
        ui.label(format!(
            "{who} leaves {team} {when}. Their ratings and history are kept: they are listed under Show former members and stay in the matrix as of earlier dates. You can undo this."
        ));
        ui.horizontal(|ui| {
            let l = ui.label("Left on:");
            let edit = ui
                .add(
                    egui::TextEdit::singleline(on)
                        .hint_text("today")
                        .desired_width(110.0),
                )
                .labelled_by(l.id);
            focus_first(ui, &edit);
        });
        if let Err(e) = &date {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        ui.add_space(6.0);
        let (yes, no) = buttons(ui, "Mark as left", date.is_ok());
        if yes && let Ok(d) = date {
            out.push(Command::Apply(match d {
                Some(on) => Action::Leave { member, on },
                None => Action::RemoveMember { member },
            }));
        }
        keep = !(yes || no);
    });
    keep
}

/// Former members of a team (or all teams), with when they left: bring one back, or delete
/// one permanently.
fn former_members_ui(
    ctx: &Context,
    snapshot: &Snapshot,
    team: Option<TeamId>,
    erase: &mut Option<MemberId>,
    out: &mut Vec<Command>,
) -> bool {
    let former = match team {
        Some(t) => snapshot.former_members(t),
        None => snapshot.all_former(),
    };
    let mut keep = true;
    let title = match team.and_then(|t| snapshot.team(t)) {
        Some(t) => format!("Former members of {}", t.name),
        None => "Former members".to_string(),
    };
    window(&title).min_width(460.0).show(ctx, |ui| {
        if former.is_empty() {
            ui.label("Nobody has left. When someone leaves (Mark as left...), they are listed here with their ratings and history, and stay in the matrix as of earlier dates.");
        } else {
            ui.label("People who left, kept with their ratings and history: they appear in the matrix as of dates before they left.");
        }
        egui::ScrollArea::vertical().max_height(360.0).id_salt("former_scroll").show(ui, |ui| {
            egui::Grid::new("former_grid").num_columns(4).striped(true).show(ui, |ui| {
                for m in &former {
                    ui.label(&m.name);
                    let team_name = snapshot.team(m.team).map_or("", |t| t.name.as_str());
                    ui.label(format!(
                        "{team_name}, left {}",
                        m.left_on.map_or(String::new(), |d| d.to_string())
                    ));
                    if ui.button("Bring back").clicked() {
                        out.push(Command::Apply(Action::AddMember {
                            team: m.team,
                            name: m.name.clone(),
                            role_level: None,
                            joined_on: None,
                        }));
                    }
                    if ui.button("Delete permanently...").clicked() {
                        *erase = Some(m.id);
                    }
                    ui.end_row();
                }
            });
        });
        ui.add_space(6.0);
        if ui.button("Close").clicked() {
            keep = false;
        }
    });
    keep
}

fn confirm_ui(ctx: &Context, title: &str, text: &str, ok: &str, on_ok: impl FnOnce()) -> bool {
    let mut keep = true;
    window(title).show(ctx, |ui| {
        ui.label(text);
        ui.add_space(6.0);
        let (yes, no) = buttons(ui, ok, true);
        if yes {
            on_ok();
        }
        keep = !(yes || no);
    });
    keep
}

fn member_role_ui(
    ctx: &Context,
    snapshot: &Snapshot,
    member: MemberId,
    role_level: &mut Option<RoleLevelId>,
    out: &mut Vec<Command>,
) -> bool {
    let who = snapshot.member(member).map_or("", |m| m.name.as_str());
    let mut keep = true;
    window("Role level").show(ctx, |ui| {
        ui.horizontal(|ui| {
            let l = ui.label(format!("Role level of {who}:"));
            role_level_combo(ui, "dialog_role_level", snapshot, role_level, 220.0)
                .labelled_by(l.id);
        });
        let (yes, no) = buttons(ui, "Set", true);
        if yes {
            out.push(Command::Apply(Action::SetRoleLevel {
                member,
                role_level: *role_level,
            }));
        }
        keep = !(yes || no);
    });
    keep
}

fn member_move_ui(
    ctx: &Context,
    snapshot: &Snapshot,
    member: MemberId,
    team: &mut TeamId,
    out: &mut Vec<Command>,
) -> bool {
    let Some(m) = snapshot.member(member) else {
        return false;
    };
    let mut keep = true;
    window("Move member").show(ctx, |ui| {
        ui.horizontal(|ui| {
            let l = ui.label(format!("Move {} to:", m.name));
            let current = snapshot.team(*team).map_or("", |t| t.name.as_str());
            egui::ComboBox::from_id_salt("dialog_move_team")
                .selected_text(current)
                .width(200.0)
                .show_ui(ui, |ui| {
                    for t in snapshot.teams_in_order() {
                        ui.selectable_value(team, t.id, &t.name);
                    }
                })
                .response
                .labelled_by(l.id);
        });
        let ok = *team != m.team;
        let (yes, no) = buttons(ui, "Move", ok);
        if yes {
            out.push(Command::Apply(Action::MoveMember {
                member,
                team: *team,
            }));
        }
        keep = !(yes || no);
    });
    keep
}

fn name_ui(
    ctx: &Context,
    title: &str,
    label: &str,
    name: &mut String,
    ok: &str,
    on_ok: impl FnOnce(String),
) -> bool {
    let mut keep = true;
    window(title).show(ctx, |ui| {
        let l = ui.label(label);
        let edit = ui
            .add(egui::TextEdit::singleline(name).desired_width(260.0))
            .labelled_by(l.id);
        focus_first(ui, &edit);
        let (yes, no) = buttons(ui, ok, !name.trim().is_empty());
        if yes && !name.trim().is_empty() {
            on_ok(name.trim().to_string());
            keep = false;
        }
        if no {
            keep = false;
        }
    });
    keep
}

/// A combo box of role levels, grouped by role, the framework's central role first.
pub fn role_level_combo(
    ui: &mut egui::Ui,
    id: &str,
    snapshot: &Snapshot,
    value: &mut Option<RoleLevelId>,
    width: f32,
) -> egui::Response {
    let fw = &snapshot.framework;
    let text = value.map_or("none".to_string(), |rl| {
        let l = fw.role_level(rl);
        if l.retired {
            format!("{} (retired)", l.name)
        } else {
            l.name.clone()
        }
    });
    let de = fw.central_role();
    let mut roles: Vec<_> = fw.roles.iter().collect();
    roles.sort_by_key(|r| Some(r.id) != de);
    egui::ComboBox::from_id_salt(id)
        .selected_text(text)
        .width(width)
        .height(400.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, "none");
            // Role levels a framework update retired are kept for those who hold them, not
            // offered.
            for role in roles.into_iter().filter(|r| fw.is_role_active(r.id)) {
                ui.label(egui::RichText::new(&role.name).weak());
                for &rl in role.levels.iter().filter(|&&l| !fw.role_level(l).retired) {
                    ui.selectable_value(value, Some(rl), format!("   {}", fw.role_level(rl).name));
                }
            }
        })
        .response
}

fn add_member_ui(
    ctx: &Context,
    snapshot: &Snapshot,
    team: &mut String,
    name: &mut String,
    role_level: &mut Option<RoleLevelId>,
    out: &mut Vec<Command>,
) -> bool {
    let mut keep = true;
    window("Add member").show(ctx, |ui| {
        egui::Grid::new("add_member_grid")
            .num_columns(2)
            .show(ui, |ui| {
                let l = ui.label("Name:");
                let field = ui
                    .add(egui::TextEdit::singleline(name).desired_width(240.0))
                    .labelled_by(l.id);
                focus_first(ui, &field);
                ui.end_row();
                let l = ui.label("Team:");
                ui.add(
                    egui::TextEdit::singleline(team)
                        .desired_width(240.0)
                        .hint_text("existing or new team"),
                )
                .labelled_by(l.id);
                ui.end_row();
                let l = ui.label("Role level:");
                role_level_combo(ui, "add_member_role", snapshot, role_level, 240.0)
                    .labelled_by(l.id);
                ui.end_row();
            });
        let existing = snapshot.team_named(team).map(|t| t.id);
        let clash = existing
            .and_then(|t| snapshot.member_named(t, name))
            .is_some();
        if clash {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("{} is already in {}", name.trim(), team.trim()),
            );
        } else if let Some(f) = existing.and_then(|t| snapshot.former_named(t, name)) {
            ui.label(format!(
                "{} left {} on {}: adding brings them back, with their ratings and history.",
                f.name,
                team.trim(),
                f.left_on.map_or(String::new(), |d| d.to_string())
            ));
        } else if existing.is_none() && !team.trim().is_empty() {
            ui.weak(format!("A new team \"{}\" will be created.", team.trim()));
        }
        if team.trim().is_empty() {
            ui.weak("Type a team: an existing one, or a new one to create.");
        }
        let ok = !name.trim().is_empty() && !team.trim().is_empty() && !clash;
        let (yes, no) = buttons(ui, "Add", ok);
        if yes {
            let action_team = existing;
            let member = (name.trim().to_string(), *role_level);
            match action_team {
                Some(t) => out.push(Command::Apply(Action::AddMember {
                    team: t,
                    name: member.0,
                    role_level: member.1,
                    joined_on: None,
                })),
                None => out.push(Command::AddMemberToNewTeam {
                    team: team.trim().to_string(),
                    name: member.0,
                    role_level: member.1,
                }),
            }
            keep = false;
        }
        if no {
            keep = false;
        }
    });
    keep
}

fn targets_ui(ctx: &Context, snapshot: &Snapshot, team: TeamId, out: &mut Vec<Command>) -> bool {
    let mut keep = true;
    let Some(t) = snapshot.team(team) else {
        return false;
    };
    let scope = crate::model::analysis::Scope::Team(team);
    window(&format!("Targets for {}", t.name)).min_width(640.0).show(ctx, |ui| {
        ui.horizontal(|ui| {
            let label = ui.label("Review period:");
            // A choice, not a drag: each change is one undo step.
            let mut months = t.review_months;
            let mut choices = vec![3, 6, 9, 12, 18, 24, 36];
            if !choices.contains(&months) {
                choices.push(months);
                choices.sort_unstable();
            }
            egui::ComboBox::from_id_salt("review_period")
                .selected_text(format!("{months} months"))
                .show_ui(ui, |ui| {
                    for m in choices {
                        ui.selectable_value(&mut months, m, format!("{m} months"));
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text("Ratings assessed longer ago are marked due for review");
            if months != t.review_months {
                out.push(Command::Apply(Action::SetReviewPeriod { team, months }));
            }
            ui.weak("ratings older than this are due for review");
        });
        ui.separator();
        ui.label("How many people the team wants at or above which level, per skill. Defaults come from the lead role level's requirements, 2 people.");
        // A mixed team can have dozens of skills: they scroll, the buttons stay in view.
        egui::ScrollArea::vertical().max_height(420.0).id_salt("targets_scroll").show(ui, |ui| {
        egui::Grid::new("targets_grid").num_columns(4).striped(true).show(ui, |ui| {
            ui.strong("Skill");
            ui.strong("Level");
            ui.strong("People");
            ui.end_row();
            for skill in team_skills(snapshot, scope) {
                let Some((target, default)) = target_for(snapshot, scope, skill) else { continue };
                let name = &snapshot.framework.skill(skill).name;
                let name_label = ui.label(name);
                let mut level = target.level;
                egui::ComboBox::from_id_salt(("target_level", skill.0))
                    .selected_text(level.name())
                    .show_ui(ui, |ui| {
                        for l in Level::DESCRIBED {
                            ui.selectable_value(&mut level, l, l.name());
                        }
                    })
                    .response
                    .labelled_by(name_label.id);
                let mut count = target.count;
                ui.add(egui::DragValue::new(&mut count).range(0..=50))
                    .labelled_by(name_label.id);
                if level != target.level || count != target.count {
                    out.push(Command::Apply(Action::SetTarget { team, skill, target: Some(Target { level, count }) }));
                }
                if default {
                    ui.weak("default");
                } else if ui.small_button("Reset").clicked() {
                    out.push(Command::Apply(Action::SetTarget { team, skill, target: None }));
                }
                ui.end_row();
            }
        });
        });
        track_more_ui(ui, snapshot, team, out);
        if ui.button("Close").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            keep = false;
        }
    });
    keep
}

/// "Also track": a skill the team's roles do not require (a skill of your own, say) gets a
/// target, which makes it one of the team's skills.
fn track_more_ui(ui: &mut egui::Ui, snapshot: &Snapshot, team: TeamId, out: &mut Vec<Command>) {
    let fw = &snapshot.framework;
    let tracked = team_skills(snapshot, crate::model::analysis::Scope::Team(team));
    let mut choices: Vec<&crate::model::Skill> = fw
        .active_skills()
        .filter(|s| !tracked.contains(&s.id))
        .collect();
    // Your own skills first: those are the ones no role requires.
    choices.sort_by_key(|s| !s.custom);
    let id = Id::unique(("track_more", team.0));
    // The choice is kept between frames; a skill gone since (undo) or retired is dropped.
    let mut pick: Option<crate::model::SkillId> = ui
        .data(|d| d.get_temp(id))
        .flatten()
        .filter(|&s| fw.is_active(s));
    ui.horizontal_wrapped(|ui| {
        let l = ui.label("Also track:");
        egui::ComboBox::from_id_salt(id)
            .selected_text(pick.map_or("a skill...".to_string(), |s| fw.skill(s).name.clone()))
            .width(260.0)
            .height(360.0)
            .show_ui(ui, |ui| {
                for s in choices {
                    let text = if s.custom {
                        format!("{} (your own)", s.name)
                    } else {
                        s.name.clone()
                    };
                    ui.selectable_value(&mut pick, Some(s.id), text);
                }
            })
            .response
            .labelled_by(l.id);
        if ui
            .add_enabled(pick.is_some(), egui::Button::new("Track"))
            .on_hover_text("Adds it with a target of Practitioner, 2 people; change it above")
            .clicked()
            && let Some(skill) = pick.take()
        {
            out.push(Command::Apply(Action::SetTarget {
                team,
                skill,
                target: Some(Target {
                    level: Level::Practitioner,
                    count: crate::model::DEFAULT_TARGET_COUNT,
                }),
            }));
        }
    });
    ui.data_mut(|d| d.insert_temp(id, pick));
}

fn import_ui(ctx: &Context, d: &mut ImportDialog, out: &mut Vec<Command>) -> bool {
    let mut keep = true;
    window("Import a matrix")
        .resizable(true)
        .default_width(560.0)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                let l = ui.label("File:");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut d.path)
                            .desired_width(340.0)
                            .hint_text("a .csv, .xlsx, .ods or .xls file"),
                    )
                    .labelled_by(l.id);
                // Ready to type or paste a path as soon as the dialog opens.
                focus_first(ui, &field);
                if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    out.push(Command::PreviewImport);
                }
                if ui.button("Browse...").clicked() {
                    out.push(Command::BrowseImport);
                }
                if ui
                    .add_enabled(!d.path.trim().is_empty(), egui::Button::new("Preview"))
                    .clicked()
                {
                    out.push(Command::PreviewImport);
                }
            });
            ui.horizontal(|ui| {
                let l = ui.label("Team for rows without one:");
                ui.add(egui::TextEdit::singleline(&mut d.team).desired_width(200.0))
                    .labelled_by(l.id);
            });
            ui.horizontal(|ui| {
                let l = ui.label("Sheet (workbooks):");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut d.sheet)
                            .desired_width(200.0)
                            .hint_text("the first with a Member column"),
                    )
                    .labelled_by(l.id);
                if field.lost_focus() && !d.path.trim().is_empty() {
                    out.push(Command::PreviewImport);
                }
            });
            ui.horizontal(|ui| {
                for mode in [Mode::Merge, Mode::Replace] {
                    // Own ratings are added to; they never decide who is in a team.
                    let allowed = mode == Mode::Merge || d.source == crate::model::Source::Lead;
                    if ui
                        .add_enabled(
                            allowed,
                            egui::RadioButton::new(d.mode == mode, mode_name(mode)),
                        )
                        .clicked()
                        && d.mode != mode
                    {
                        d.mode = mode;
                        out.push(Command::PreviewImport);
                    }
                }
            });
            ui.horizontal(|ui| {
                ui.label("Whose ratings:");
                for (source, words) in [
                    (crate::model::Source::Lead, "Mine, the lead's"),
                    (
                        crate::model::Source::SelfAssessed,
                        "Their own (a self-assessment)",
                    ),
                ] {
                    if ui.radio(d.source == source, words).clicked() && d.source != source {
                        d.source = source;
                        if source == crate::model::Source::SelfAssessed {
                            d.mode = Mode::Merge;
                        }
                        out.push(Command::PreviewImport);
                    }
                }
            });
            ui.separator();
            if !d.unknown_columns.is_empty() {
                ui.label("Columns that are not skills: tick one to create it as a custom skill of your own.");
                ui.horizontal_wrapped(|ui| {
                    for column in d.unknown_columns.clone() {
                        let mut on = d.add_skills.contains(&column);
                        if ui
                            .checkbox(&mut on, format!("Create \"{column}\""))
                            .changed()
                        {
                            d.add_skills.retain(|c| *c != column);
                            if on {
                                d.add_skills.push(column);
                            }
                            out.push(Command::PreviewImport);
                        }
                    }
                });
                ui.separator();
            }
            let fresh = d.preview.as_ref().filter(|p| p.path == d.path);
            let ready = match fresh.map(|p| &p.result) {
                None => {
                    ui.weak("Choose a file and press Preview to see what the import would change.");
                    false
                }
                Some(Ok(report)) => {
                    import_report_ui(ui, report);
                    true
                }
                Some(Err(e)) => {
                    import_problems_ui(ui, e);
                    false
                }
            };
            ui.separator();
            let (yes, no) = buttons(ui, "Import", ready);
            if yes {
                out.push(Command::RunImport);
            }
            if no {
                keep = false;
            }
        });
    keep
}

/// The preview of an import that can go ahead: how the file was read, warnings, the counts
/// and the changes one by one.
fn import_report_ui(ui: &mut egui::Ui, report: &ImportReport) {
    ui.label(format!("Read as {}.", report.description()));
    for w in report.warnings() {
        ui.colored_label(ui.visuals().warn_fg_color, format!("Note: {w}."));
    }
    if !report.new_skills.is_empty() {
        ui.label(format!(
            "New custom {}: {}.",
            if report.new_skills.len() == 1 {
                "skill"
            } else {
                "skills"
            },
            crate::model::quoted(&report.new_skills)
        ));
    }
    if report.summary.is_empty() && report.new_skills.is_empty() {
        ui.weak("Nothing to change: the database already holds this file.");
        return;
    }
    ui.label("Importing will change:");
    for line in report.summary.lines() {
        ui.label(format!("   {line}"));
    }
    egui::ScrollArea::vertical()
        .max_height(200.0)
        .id_salt("import_changes")
        .show(ui, |ui| {
            for c in &report.changes {
                ui.label(c.to_string());
            }
            let rest = report.changes_total - report.changes.len();
            if rest > 0 {
                ui.weak(format!(
                    "and {rest} more {}",
                    if rest == 1 { "change" } else { "changes" }
                ));
            }
        });
}

/// Why a previewed file cannot be imported, every problem with its place.
fn import_problems_ui(ui: &mut egui::Ui, e: &PreviewError) {
    let lines: Vec<String> = match e {
        PreviewError::Problems(problems) => {
            let mut lines: Vec<String> = Vec::new();
            if problems.has(ProblemKind::NoTeam) {
                lines.push(
                    "Some rows have no team: type one in \"Team for rows without one\" above."
                        .to_string(),
                );
            }
            lines.extend(problems.list.iter().map(ToString::to_string));
            if problems.more > 0 {
                lines.push(format!("and {} more", problems.more));
            }
            lines
        }
        PreviewError::Other(text) => vec![text.clone()],
    };
    let count = match e {
        PreviewError::Problems(p) => p.total(),
        PreviewError::Other(_) => 1,
    };
    ui.colored_label(
        ui.visuals().error_fg_color,
        format!(
            "The file cannot be imported ({}); nothing will change:",
            plural(count, "problem", "problems")
        ),
    );
    egui::ScrollArea::vertical()
        .max_height(220.0)
        .id_salt("import_problems")
        .show(ui, |ui| {
            for p in &lines {
                ui.label(p);
            }
        });
}

pub use crate::model::plural;

fn export_ui(
    ctx: &Context,
    snapshot: &Snapshot,
    d: &mut ExportDialog,
    out: &mut Vec<Command>,
) -> bool {
    let mut keep = true;
    window("Export the matrix").show(ctx, |ui| {
        let kind = d.kind();
        ui.horizontal_wrapped(|ui| {
            ui.label("Type:");
            for (k, label) in [
                (ExportType::Csv, "CSV"),
                (ExportType::Xlsx, "Excel workbook"),
                (ExportType::Png, "Picture (PNG)"),
                (ExportType::Svg, "Picture (SVG)"),
                (ExportType::Parquet, "Parquet"),
            ] {
                if ui.radio(kind == k, label).clicked() && kind != k {
                    d.set_kind(k);
                }
            }
        });
        // Layout and levels are CSV's choices; a workbook and a picture have their own.
        if kind == ExportType::Csv {
            ui.horizontal(|ui| {
                ui.label("Layout:");
                ui.radio_value(&mut d.long, false, "Wide (one row per member)");
                ui.radio_value(&mut d.long, true, "Long (one row per rating)");
            });
            ui.horizontal(|ui| {
                ui.label("Levels:");
                ui.radio_value(&mut d.numbers, false, "Names");
                ui.radio_value(&mut d.numbers, true, "Numbers 0-4");
            });
            ui.add_enabled(
                d.long && d.as_of.is_none(),
                egui::Checkbox::new(&mut d.history, "Every historical rating"),
            );
        }
        if let Some(date) = d.as_of {
            ui.label(format!(
                "The matrix as of {date}, as the window shows it (not today's)."
            ));
        }
        ui.weak(match kind {
            ExportType::Csv => "Comma-separated text for any spreadsheet or script.",
            ExportType::Xlsx => {
                "Sheets: Matrix (coloured, with level dropdowns), Gaps, Below role, Ratings, Framework, About."
            }
            ExportType::Png | ExportType::Svg => {
                "The heatmap for a slide: names, levels, coverage, legend (up to 200 members)."
            }
            ExportType::Parquet => {
                "One typed row per rating for a data platform (DuckDB, Spark, BigQuery, Databricks)."
            }
        });
        let team = d
            .team
            .and_then(|t| snapshot.team(t))
            .map_or("All teams".to_string(), |t| t.name.clone());
        ui.label(format!("Members: {team}"));
        ui.horizontal(|ui| {
            let l = ui.label("File:");
            // A fixed id: the rows above change with the type, and the field must keep the
            // keyboard while a name is typed.
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut d.path)
                        .id_salt("export file")
                        .desired_width(340.0),
                )
                .labelled_by(l.id);
            focus_first(ui, &field);
            if field.changed() {
                d.path_typed();
            }
            if ui.button("Choose...").clicked() {
                out.push(Command::BrowseExport);
            }
        });
        let target = d
            .target
            .as_ref()
            .filter(|(p, _)| p == d.path.trim())
            .map_or(ExportTarget::New, |(_, t)| *t);
        // The same row whatever it says, so the buttons do not jump when the question appears.
        ui.horizontal(|ui| match target {
            ExportTarget::Exists => {
                ui.checkbox(&mut d.overwrite, "Replace the existing file");
            }
            ExportTarget::New if !d.extension_known() => {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "End the name with {}: the extension decides the type.",
                        crate::transfer::EXPORT_EXTENSIONS
                    ),
                );
            }
            ExportTarget::New => {
                ui.weak("A new file will be created.");
            }
            ExportTarget::NoFolder => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    "That folder does not exist: choose another.",
                );
            }
        });
        if let Some(e) = &d.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        let (yes, no) = buttons(
            ui,
            "Export",
            !d.path.trim().is_empty()
                && d.extension_known()
                && match target {
                    ExportTarget::New => true,
                    ExportTarget::Exists => d.overwrite,
                    ExportTarget::NoFolder => false,
                },
        );
        if yes {
            out.push(Command::RunExport);
        }
        if no {
            keep = false;
        }
    });
    keep
}

/// Every keyboard shortcut, on one sheet (F1 or ?).
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Arrows, Tab, Shift+Tab", "move between cells"),
    (
        "0 1 2 3 4, or A W P E",
        "set the level (0 None, Awareness, Working, Practitioner, Expert)",
    ),
    ("Delete or Backspace", "clear the rating"),
    (
        "R",
        "reviewed, still at this level: re-stamp the assessment date",
    ),
    (
        "Enter or double-click",
        "open the level editor with the descriptors",
    ),
    (
        "Right-click a cell or a name",
        "the cell's or the member's actions",
    ),
    ("Ctrl+Z", "undo"),
    ("Ctrl+Shift+Z or Ctrl+Y", "redo"),
    ("Enter in a dialog", "confirm"),
    ("Escape", "close a dialog or this sheet"),
    ("F1 or ?", "show or hide this sheet"),
];

/// The keyboard shortcut sheet.
pub fn shortcuts_ui(ctx: &Context, state: &mut UiState) {
    let mut open = true;
    window("Keyboard shortcuts")
        .open(&mut open)
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts_grid")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    for (keys, what) in SHORTCUTS {
                        ui.strong(*keys);
                        ui.label(*what);
                        ui.end_row();
                    }
                });
        });
    if !open || ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
        state.shortcuts_open = false;
    }
}

/// Version, database path and the Open Government Licence credit.
pub fn about_ui(ctx: &Context, f: &Frame<'_>, state: &mut UiState) {
    let mut open = true;
    window("About capmatrix").open(&mut open).show(ctx, |ui| {
        ui.heading(format!("capmatrix {}", env!("CARGO_PKG_VERSION")));
        ui.label("A local, private skills matrix for team leads.");
        ui.label(format!("Database: {}", f.db_path.display()));
        ui.add_space(6.0);
        ui.label(format!("Framework: {}.", f.snapshot.framework.title()));
        let custom = f
            .snapshot
            .framework
            .active_skills()
            .filter(|s| s.custom)
            .count();
        if custom > 0 {
            ui.label(format!(
                "With {} of your own.",
                plural(custom, "skill", "skills")
            ));
        }
        ui.label(crate::model::OGL_CREDIT);
        ui.hyperlink("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/");
    });
    if !open || ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
        state.about_open = false;
    }
}

/// The small editor for the selected cell: the five levels with their descriptors.
pub fn level_editor_ui(
    ctx: &egui::Context,
    f: &Frame<'_>,
    state: &mut UiState,
    out: &mut Vec<Command>,
) {
    let Some((member, skill)) = state.selected else {
        state.editor_open = false;
        return;
    };
    let (Some(m), fw) = (f.snapshot.member(member), &f.snapshot.framework) else {
        state.editor_open = false;
        return;
    };
    let s = fw.skill(skill);
    let held = m.ratings.get(&skill);
    let current = held.map(|r| r.level);
    let required = crate::model::analysis::required_level(fw, m, skill);
    let mut open = true;
    let mut done = false;
    // The assessment date: today unless the lead says when they judged it.
    let today = crate::model::time::today();
    let typed = state.editor_date.trim().to_string();
    let date = if typed.is_empty() {
        Ok(today)
    } else {
        match crate::model::time::parse_date(&typed) {
            Some(d) if d > today => Err(format!("{d} is in the future (today is {today})")),
            Some(d) => Ok(d),
            None => Err(format!(
                "\"{typed}\" is not a date (e.g. {today} or 25/11/2026)"
            )),
        }
    };
    egui::Window::new(format!("{} — {}", m.name, s.name))
        .id(Id::unique("level_editor"))
        .collapsible(false)
        .resizable(false)
        .default_width(420.0)
        .anchor(Align2::CENTER_CENTER, Vec2::ZERO)
        .open(&mut open)
        .show(ctx, |ui| {
            if let Some(req) = required {
                ui.label(format!("Their role level needs {req}."));
            }
            ui.horizontal(|ui| {
                let label = ui.label("Assessed on");
                ui.add(
                    egui::TextEdit::singleline(&mut state.editor_date)
                        .hint_text(format!("today, {today}"))
                        .desired_width(130.0),
                )
                .labelled_by(label.id);
            });
            match (&date, held) {
                (Err(problem), _) => {
                    ui.colored_label(super::theme::BELOW, problem);
                }
                (Ok(d), Some(r)) if *d < r.assessed_on => {
                    ui.colored_label(
                        super::theme::BELOW,
                        format!(
                            "Older than the rating held (assessed {}): recorded in history on {d}; the current rating stays.",
                            r.assessed_on
                        ),
                    );
                }
                _ => {}
            }
            for level in Level::ALL {
                let selected = current == Some(level);
                let text = format!("{} {}", level.letter(), level.name());
                let button =
                    egui::Button::selectable(selected, text).min_size(egui::vec2(140.0, 24.0));
                ui.horizontal(|ui| {
                    if ui.add_enabled(date.is_ok(), button).clicked() {
                        let mut action =
                            super::heatmap::rating_action(f.snapshot, member, skill, Some(level));
                        if let (Action::SetRating { on, .. }, Ok(d)) = (&mut action, &date)
                            && !typed.is_empty()
                        {
                            *on = Some(*d);
                        }
                        out.push(Command::Apply(action));
                        done = true;
                    }
                    let desc = s.descriptor(level).map(|d| d.join("; "));
                    let desc = match (level, desc) {
                        (Level::None, _) => {
                            "No knowledge or experience of the skill yet".to_string()
                        }
                        (_, Some(d)) => d,
                        (_, None) => "Not defined by the framework".to_string(),
                    };
                    // Body size and the normal text colour: these are what the lead reads.
                    ui.add(egui::Label::new(desc).wrap());
                });
            }
            ui.separator();
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(current.is_some(), egui::Button::new("Clear rating"))
                    .clicked()
                {
                    out.push(Command::Apply(Action::ClearRating { member, skill }));
                    done = true;
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    done = true;
                }
            });
        });
    if !open || done {
        state.editor_open = false;
        state.editor_date.clear();
        ctx.memory_mut(|mem| mem.request_focus(super::heatmap::grid_id()));
    }
}
