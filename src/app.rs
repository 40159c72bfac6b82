//! The desktop app: owns the [`Core`] and the window's state; each frame it refreshes the view
//! derived from the snapshot, draws the screens (`ui`), then runs the commands they emitted
//! through the core. File dialogs (rfd) live here and nowhere else.

use crate::core::{Action, Core};
use crate::error::Result;
use crate::io::{ExportFormat, ExportOptions, LevelStyle};
use crate::model::analysis::Scope;
use crate::model::history::Timeline;
use crate::model::{Date, HistoryEntry, MemberId, SkillId, Snapshot, TeamId, plural};
use crate::transfer::{self, ImportOptions};
use crate::ui::{self, Command, Dialog, ImportPreview, Prefs, UiState, View};
use std::path::{Path, PathBuf};

/// The sample team shown on the first-run screen (data/examples), compiled in.
pub const SAMPLE_TEAM: &[u8] = include_bytes!("../data/examples/data-engineering-team.csv");
const PREFS_KEY: &str = "capmatrix-prefs";

/// The application.
pub struct CapmatrixApp {
    core: Core,
    state: UiState,
    view: View,
    history_key: Option<(MemberId, SkillId, u64)>,
    history: Vec<HistoryEntry>,
    commands: Vec<Command>,
    native_dialogs: bool,
    /// Every rating entry and member event, read when a view of the past needs them, by
    /// generation.
    timeline: Option<(u64, Timeline)>,
    /// The matrix as of the chosen date, by (generation, date).
    past: Option<((u64, Date), Snapshot)>,
    /// The comparison shown, by (generation, date shown, compared date, team).
    compare: Option<(CompareKey, ui::Compare)>,
    /// The trend charts' data, by (generation, team).
    trends: Option<((u64, Option<TeamId>), ui::Trends)>,
    /// The open profile's picture and summary, by (member, generation).
    profile: Option<((MemberId, u64), egui::TextureHandle, String)>,
    /// The matrix under the what-if plan and its outcome, by (generation, plan version).
    what_if: WhatIfShown,
    /// The Organisation view's table, by (generation, order).
    org: Option<(OrgKey, ui::OrgTable)>,
}

type CompareKey = (u64, Option<Date>, Date, Option<TeamId>);

/// What the Organisation view's table was built from: generation, order, as-of date.
type OrgKey = (u64, (ui::OrgSort, bool), Option<Date>);

type WhatIfShown = Option<(
    (u64, u64),
    crate::model::Snapshot,
    crate::model::whatif::Outcome,
)>;

/// The matrix the window shows: under the what-if plan, as of the chosen date, or today.
fn shown<'a>(
    what_if: &'a WhatIfShown,
    past: &'a Option<((u64, Date), crate::model::Snapshot)>,
    state: &UiState,
    core: &'a Core,
) -> &'a crate::model::Snapshot {
    match (what_if, past, state.as_of) {
        (Some((_, plan, _)), _, _) if state.what_if.is_some() => plan,
        (_, Some((_, past)), Some(_)) => past,
        _ => core.snapshot(),
    }
}

/// "Ann Lee, Testing (Platform)" for a step's member and skill, with the member's team.
fn describe_focus(
    snapshot: &crate::model::Snapshot,
    (member, skill): (MemberId, Option<SkillId>),
) -> Option<(String, TeamId)> {
    let m = snapshot.member(member)?;
    let team = snapshot.team(m.team).map_or("", |t| t.name.as_str());
    let what = match skill {
        Some(s) => format!("{}, {} ({team})", m.name, snapshot.framework.skill(s).name),
        None => format!("{} ({team})", m.name),
    };
    Some((what, m.team))
}

/// The notice when there is no system file dialog (tests, no desktop portal).
const TYPE_THE_PATH: &str = "Type the file's path in the dialog";
/// The notice when the system file dialog returned nothing.
const NO_FILE_CHOSEN: &str = "No file chosen (if no dialog appeared, type the file's path instead)";

impl CapmatrixApp {
    /// An app over an open core, with saved preferences.
    pub fn new(core: Core, prefs: Prefs) -> CapmatrixApp {
        let mut state = UiState {
            prefs,
            documents_dir: directories::UserDirs::new()
                .and_then(|d| {
                    d.document_dir()
                        .map(Path::to_path_buf)
                        .or_else(|| Some(d.home_dir().to_path_buf()))
                })
                .or_else(|| std::path::absolute(".").ok())
                .unwrap_or_else(|| PathBuf::from(".")),
            ..UiState::default()
        };
        state.team = state
            .prefs
            .team
            .as_deref()
            .and_then(|name| core.snapshot().team_named(name))
            .map(|t| t.id)
            .or_else(|| core.snapshot().teams().next().map(|t| t.id));
        CapmatrixApp {
            core,
            state,
            view: View::default(),
            history_key: None,
            history: Vec::new(),
            commands: Vec::new(),
            native_dialogs: false,
            timeline: None,
            past: None,
            what_if: None,
            org: None,
            compare: None,
            trends: None,
            profile: None,
        }
    }

    /// Lets Import... and Export... open the system's file dialogs (off by default, so tests
    /// never open one; the window turns it on).
    pub fn with_native_dialogs(mut self, on: bool) -> CapmatrixApp {
        self.native_dialogs = on;
        self
    }

    /// The app as eframe creates it, with preferences from eframe's storage.
    pub fn from_creation_context(cc: &eframe::CreationContext<'_>, core: Core) -> CapmatrixApp {
        let prefs = cc
            .storage
            .and_then(|s| eframe::get_value::<Prefs>(s, PREFS_KEY))
            .unwrap_or_default();
        CapmatrixApp::new(core, prefs).with_native_dialogs(true)
    }

    /// The core, for tests and tools.
    pub fn core(&self) -> &Core {
        &self.core
    }

    /// The window's state.
    pub fn state(&self) -> &UiState {
        &self.state
    }

    /// The window's state, for tests.
    pub fn state_mut(&mut self) -> &mut UiState {
        &mut self.state
    }

    /// What the screens derive from the snapshot (as of the last frame).
    pub fn view(&self) -> &ui::View {
        &self.view
    }

    /// The members in the heatmap, in display order (as of the last frame).
    pub fn visible_rows(&self) -> &[MemberId] {
        &self.view.rows
    }

    /// One frame: draw, then apply what the user asked for.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        if self
            .state
            .team
            .is_some_and(|t| self.core.snapshot().team(t).is_none())
        {
            self.state.team = None;
        }
        // A what-if belongs to the team it was started for, and to today.
        if self
            .state
            .what_if
            .as_ref()
            .is_some_and(|w| Some(w.team) != self.state.team || self.state.as_of.is_some())
        {
            self.state.what_if = None;
        }
        self.refresh_time();
        self.refresh_what_if();
        self.refresh_org();
        let snapshot = shown(&self.what_if, &self.past, &self.state, &self.core);
        if self
            .view
            .refresh(snapshot, self.core.generation(), &self.state)
        {
            self.state.scroll_to_top = true;
        }
        self.select_added_member();
        self.refresh_history();
        self.refresh_export_target();
        self.refresh_compare();
        self.refresh_trends();
        self.refresh_profile(ui.ctx());
        let snapshot = shown(&self.what_if, &self.past, &self.state, &self.core);
        let frame = ui::Frame {
            snapshot,
            view: &self.view,
            history: &self.history,
            db_path: self.core.db_path(),
            undo: self.core.undo_label(),
            redo: self.core.redo_label(),
            today: self.state.as_of.unwrap_or_else(crate::model::time::today),
            as_of: self.state.as_of,
            compare: self
                .compare
                .as_ref()
                .filter(|_| self.state.compare.is_some())
                .map(|(_, c)| c),
            trends: self
                .trends
                .as_ref()
                .filter(|_| self.state.trends_open)
                .map(|(_, t)| t),
            timeline: self.timeline.as_ref().map(|(_, t)| t),
            profile: self
                .profile
                .as_ref()
                .filter(|((m, _), _, _)| {
                    self.state.profile.as_ref().is_some_and(|p| p.member == *m)
                })
                .map(|(_, t, s)| (t, s.as_str())),
            what_if: self
                .what_if
                .as_ref()
                .filter(|_| self.state.what_if.is_some())
                .map(|(_, _, o)| o),
            today_snapshot: self.core.snapshot(),
            rolled_up: self
                .state
                .team
                .and_then(|t| self.core.snapshot().rolled_up_from(t)),
            org: self
                .org
                .as_ref()
                .filter(|_| self.state.org_view)
                .map(|(_, t)| t),
        };
        let mut commands = std::mem::take(&mut self.commands);
        ui::main_ui(ui, &frame, &mut self.state, &mut commands);
        let had_commands = !commands.is_empty();
        for command in commands.drain(..) {
            self.run(command);
        }
        self.commands = commands;
        if had_commands {
            ui.ctx().request_repaint();
        }
    }

    /// Whether the export dialog's file exists, looked up once per path typed (the dialog
    /// never touches the file system itself).
    fn refresh_export_target(&mut self) {
        // "No file chosen" is stale once a path has been typed.
        let typed = match &self.state.dialog {
            Some(Dialog::Export(d)) => !d.path.trim().is_empty(),
            Some(Dialog::Import(d)) => !d.path.trim().is_empty(),
            Some(Dialog::FrameworkUpdate(d)) => !d.path.trim().is_empty(),
            _ => false,
        };
        if typed
            && self
                .state
                .notice
                .as_ref()
                .is_some_and(|n| n.text == NO_FILE_CHOSEN || n.text == TYPE_THE_PATH)
        {
            self.state.notice = None;
        }
        if let Some(Dialog::Export(d)) = &mut self.state.dialog {
            let path = d.path.trim();
            if d.target.as_ref().is_none_or(|(p, _)| p != path) {
                let file = Path::new(path);
                let folder = match file.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                let target = if file.exists() {
                    ui::ExportTarget::Exists
                } else if folder.is_dir() {
                    ui::ExportTarget::New
                } else {
                    ui::ExportTarget::NoFolder
                };
                d.target = Some((path.to_string(), target));
                d.error = None;
            }
        }
    }

    /// Reads the timeline afresh after any change, when a view of the past needs it; false
    /// (with the error shown) when it cannot be read.
    fn load_timeline(&mut self) -> bool {
        let generation = self.core.generation();
        if self.timeline.as_ref().is_none_or(|(g, _)| *g != generation) {
            match self.core.timeline() {
                Ok(t) => self.timeline = Some((generation, t)),
                Err(e) => {
                    self.state.notify(e.to_string(), true);
                    self.state.as_of = None;
                    self.state.compare = None;
                    self.state.trends_open = false;
                    return false;
                }
            }
        }
        true
    }

    /// The matrix as of the chosen date, rebuilt when the date or the data change.
    fn refresh_time(&mut self) {
        let Some(date) = self.state.as_of else {
            self.past = None;
            return;
        };
        let key = (self.core.generation(), date);
        if self.past.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        if !self.load_timeline() {
            return;
        }
        let Some((_, timeline)) = &self.timeline else {
            return;
        };
        let past = crate::model::history::as_of(self.core.snapshot(), timeline, date);
        self.past = Some((key, past));
    }

    /// The matrix under the what-if plan, rebuilt when the plan or the data change.
    fn refresh_what_if(&mut self) {
        let Some(plan) = &self.state.what_if else {
            self.what_if = None;
            return;
        };
        let key = (self.core.generation(), plan.version);
        if self.what_if.as_ref().is_some_and(|(k, _, _)| *k == key) {
            return;
        }
        let (snapshot, outcome) = crate::model::whatif::plan_snapshot(
            self.core.snapshot(),
            plan.team,
            &plan.plan,
            crate::model::time::today(),
        );
        self.what_if = Some((key, snapshot, outcome));
    }

    /// The Organisation view's table, rebuilt when the data or the order change.
    fn refresh_org(&mut self) {
        if !self.state.org_view {
            return;
        }
        let key = (
            self.core.generation(),
            (self.state.org_sort, self.state.org_reverse),
            self.state.as_of,
        );
        if self.org.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        // As of a date, the organisation as it stood then.
        let snapshot = match (&self.past, self.state.as_of) {
            (Some((_, past)), Some(_)) => past,
            _ => self.core.snapshot(),
        };
        // Where rolled-up teams came from (none in a team's own database).
        let sources = match self.core.store().rollup_sources() {
            Ok(rows) => rows
                .into_iter()
                .map(|r| (r.team, (r.source, r.source_time)))
                .collect(),
            Err(e) => {
                // The view still shows; only the "rolled up from" notes are missing.
                self.state.notify(e.to_string(), true);
                Default::default()
            }
        };
        let table = ui::OrgTable::build(
            snapshot,
            (self.state.org_sort, self.state.org_reverse),
            &sources,
        );
        self.org = Some((key, table));
    }

    /// The comparison with an earlier (or later) date.
    fn refresh_compare(&mut self) {
        let Some(date) = self.state.compare else {
            self.compare = None;
            return;
        };
        let key = (
            self.core.generation(),
            self.state.as_of,
            date,
            self.state.team,
        );
        if self.compare.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        if !self.load_timeline() {
            return;
        }
        let Some((_, timeline)) = &self.timeline else {
            return;
        };
        let baseline = crate::model::history::as_of(self.core.snapshot(), timeline, date);
        let now = match (&self.past, self.state.as_of) {
            (Some((_, past)), Some(_)) => past,
            _ => self.core.snapshot(),
        };
        let compare = ui::Compare::new(baseline, date, now, &self.view, self.state.scope());
        self.compare = Some((key, compare));
    }

    /// The open profile's picture (the same SVG `capmatrix profile` writes, drawn at the
    /// screen's scale), redrawn after any change.
    fn refresh_profile(&mut self, ctx: &egui::Context) {
        let Some(member) = self.state.profile.as_ref().map(|p| p.member) else {
            self.profile = None;
            return;
        };
        let key = (member, self.core.generation());
        if self.profile.as_ref().is_some_and(|(k, _, _)| *k == key) {
            return;
        }
        let Some(m) = self.core.snapshot().anyone(member) else {
            self.state.profile = None;
            return;
        };
        let history = self.core.history(member, None).unwrap_or_default();
        let today = crate::model::time::today();
        let svg = crate::io::picture::profile_svg(self.core.snapshot(), m, &history, today);
        let below = crate::io::pack::pack_skills(self.core.snapshot(), m)
            .into_iter()
            .filter(|&s| {
                matches!(
                    crate::model::analysis::member_fit(&self.core.snapshot().framework, m, s),
                    crate::model::Fit::Below { .. } | crate::model::Fit::NotRated { .. }
                )
            })
            .count();
        let summary = format!(
            "{}: {} rated by the lead, {} below what their role requires, {} rated by themselves.",
            m.name,
            plural(m.ratings.len(), "skill", "skills"),
            below,
            m.self_ratings.len()
        );
        // At the screen's scale: sharp, one texture pixel per screen pixel.
        match crate::io::picture::render_rgba(&svg, ctx.pixels_per_point()) {
            Ok((w, h, rgba)) => {
                let image =
                    egui::ColorImage::from_rgba_premultiplied([w as usize, h as usize], &rgba);
                let texture = ctx.load_texture("profile", image, egui::TextureOptions::LINEAR);
                self.profile = Some((key, texture, summary));
            }
            Err(e) => {
                self.state.notify(e.to_string(), true);
                self.state.profile = None;
            }
        }
    }

    /// The trend charts' data, when the Trends window is open.
    fn refresh_trends(&mut self) {
        if !self.state.trends_open {
            return;
        }
        let key = (self.core.generation(), self.state.team);
        if self.trends.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        let scope = self.state.scope();
        if !self.load_timeline() {
            return;
        }
        let Some((_, timeline)) = &self.timeline else {
            return;
        };
        let trends = ui::Trends::new(self.core.snapshot(), timeline, scope);
        self.trends = Some((key, trends));
    }

    fn refresh_history(&mut self) {
        let key = self
            .state
            .selected
            .map(|(m, s)| (m, s, self.core.generation()));
        if key == self.history_key {
            return;
        }
        self.history_key = key;
        self.history = match key {
            Some((m, s, _)) => self.core.history(m, Some(s)).unwrap_or_default(),
            None => Vec::new(),
        };
    }

    /// Undo (or redo) one step, saying what was undone in the status bar. A step about one
    /// member is shown: the window switches to their team (unless all teams are shown) and
    /// selects the cell, and the status line names member, skill and team.
    fn step(&mut self, undo: bool) {
        let (label, focus) = if undo {
            (self.core.undo_label(), self.core.undo_focus())
        } else {
            (self.core.redo_label(), self.core.redo_focus())
        };
        let Some(label) = label.map(str::to_string) else {
            return;
        };
        // Who and what, read before the step too: a member the step removes is gone after it.
        let before = focus.and_then(|f| describe_focus(self.core.snapshot(), f));
        let result = if undo {
            self.core.undo()
        } else {
            self.core.redo()
        };
        if let Err(e) = result {
            self.state.notify(e.to_string(), true);
            return;
        }
        let verb = if undo { "Undid" } else { "Redid" };
        let after = focus.and_then(|f| describe_focus(self.core.snapshot(), f));
        let text = match after.as_ref().or(before.as_ref()) {
            Some((what, _)) => format!("{verb} {label}: {what}"),
            None => format!("{verb} {label}"),
        };
        self.state.notify(text, false);
        let (Some((member, skill)), Some((_, team))) = (focus, after) else {
            return;
        };
        if self.state.team.is_some() && self.state.team != Some(team) {
            self.state.team = Some(team);
        }
        if let Some(s) = skill {
            self.state.selected = Some((member, s));
            self.state.scroll_to_selection = true;
        }
    }

    fn apply(&mut self, action: Action) {
        let created_team = matches!(action, Action::CreateTeam { .. });
        // Taking their own level as the lead's: say what changed.
        let accepted = match &action {
            Action::SetRating {
                member,
                skill,
                level,
                ..
            } => self
                .core
                .snapshot()
                .member(*member)
                .filter(|m| {
                    m.self_ratings.get(skill).is_some_and(|r| r.level == *level)
                        && m.ratings.get(skill).is_none_or(|r| r.level != *level)
                })
                .map(|m| {
                    format!(
                        "{}'s {} is now {} (their own level; Undo takes it back)",
                        m.name,
                        self.core.snapshot().framework.skill(*skill).name,
                        level
                    )
                }),
            _ => None,
        };
        // Adding a former member's name brings them back: say so.
        let back = match &action {
            Action::AddMember { team, name, .. } => self
                .core
                .snapshot()
                .former_named(*team, name)
                .map(|m| (m.name.clone(), *team)),
            _ => None,
        };
        let added_member = matches!(action, Action::AddMember { .. });
        let moved = match action {
            Action::MoveMember { member, team } => Some((member, team)),
            _ => None,
        };
        let from = moved
            .and_then(|(m, _)| self.core.snapshot().member(m))
            .map(|m| m.team);
        // What a removal takes away, said once it is done.
        let removed = match &action {
            Action::RemoveMember { member } => {
                describe_focus(self.core.snapshot(), (*member, None)).map(|(what, _)| {
                    format!("{what} left: kept under Show former members (Undo brings them back)")
                })
            }
            Action::RemoveTeam { team } => self.core.snapshot().team(*team).map(|t| {
                format!(
                    "Removed team {} and its {} (Undo brings it back)",
                    t.name,
                    plural(t.members.len(), "member", "members")
                )
            }),
            _ => None,
        };
        // One rating of the lead's: the view updates that member and skill only.
        let rating = match &action {
            Action::SetRating { member, skill, .. }
            | Action::ClearRating { member, skill }
            | Action::ReviewRating { member, skill, .. } => Some((*member, *skill)),
            _ => None,
        };
        let before = self.core.generation();
        match self.core.apply(action) {
            Ok(outcome) => {
                if let Some((member, skill)) = rating {
                    self.view
                        .note_edit(before, self.core.generation(), member, skill);
                }
                if created_team && let Some(t) = outcome.team {
                    self.state.team = Some(t);
                }
                if added_member {
                    self.state.select_member = outcome.member;
                }
                if let (Some((member, team)), Some(from)) = (moved, from) {
                    self.followed_move(member, team, from);
                }
                if let Some(what) = removed {
                    self.state.notify(what, false);
                }
                if let Some(what) = accepted {
                    self.state.notify(what, false);
                }
                if let Some((name, team)) = back {
                    let team = self
                        .core
                        .snapshot()
                        .team(team)
                        .map_or(String::new(), |t| t.name.clone());
                    self.state.notify(
                        format!("{name} is back in {team}, with their ratings and history"),
                        false,
                    );
                }
            }
            Err(e) => self.state.notify(e.to_string(), true),
        }
    }

    /// Selects a member just added (in their team), once the view shows them, and brings
    /// them into view.
    fn select_added_member(&mut self) {
        let Some(member) = self.state.select_member else {
            return;
        };
        let Some(m) = self.core.snapshot().member(member) else {
            self.state.select_member = None;
            return;
        };
        if self.state.team.is_some() && self.state.team != Some(m.team) {
            self.state.team = Some(m.team);
            return; // the next frame's view holds their team
        }
        self.state.select_member = None;
        let skill = self
            .state
            .selected
            .map(|(_, s)| s)
            .filter(|s| self.view.skills.contains(s))
            .or_else(|| self.view.skills.first().copied());
        if let Some(skill) = skill {
            self.state.selected = Some((member, skill));
            self.state.scroll_to_selection = true;
        }
    }

    /// After a member moved team: the window follows them (when their old team was shown),
    /// keeps them selected, and says where they went.
    fn followed_move(&mut self, member: MemberId, team: TeamId, from: TeamId) {
        let snapshot = self.core.snapshot();
        let (Some(m), Some(t)) = (snapshot.member(member), snapshot.team(team)) else {
            return;
        };
        let text = format!(
            "Moved {} from {} to {}",
            m.name,
            snapshot.team(from).map_or("", |t| t.name.as_str()),
            t.name
        );
        if self.state.team == Some(from) {
            self.state.team = Some(team);
        }
        if self.state.selected.is_some_and(|(m, _)| m == member) {
            self.state.scroll_to_selection = true;
        }
        self.state.notify(text, false);
    }

    /// Runs one command.
    pub fn run(&mut self, command: Command) {
        let changes = !matches!(
            command,
            Command::BrowseImport
                | Command::PreviewImport
                | Command::BrowseFramework
                | Command::PreviewFramework
                | Command::BrowseExport
                | Command::RunExport
                | Command::SaveProfile { .. }
                | Command::WritePacks { .. }
        );
        if changes && let Some(date) = self.state.as_of {
            self.state.notify(
                format!(
                    "Read-only: this is the matrix as of {date}. Press \"Back to today\" to make changes."
                ),
                true,
            );
            return;
        }
        if changes && self.state.what_if.is_some() {
            self.state.notify(
                "What if: nothing can be changed while a plan is shown. Press \"End what-if\" first.",
                true,
            );
            return;
        }
        match command {
            Command::Erase(member) => self.erase(member),
            Command::WritePacks {
                team,
                dir,
                hide_expected,
            } => {
                let dir = PathBuf::from(dir);
                match transfer::write_packs(&self.core, &dir, team, hide_expected) {
                    Ok(files) => self.state.notify(
                        format!(
                            "Wrote {} to {}",
                            plural(files.len(), "assessment pack", "assessment packs"),
                            dir.display()
                        ),
                        false,
                    ),
                    Err(e) => self.state.notify(e.to_string(), true),
                }
            }
            Command::ImportPacks { path } => {
                match transfer::import_packs(&mut self.core, &[PathBuf::from(path)], false) {
                    Ok(lines) => {
                        let filled: usize = lines.iter().map(|l| l.filled).sum();
                        self.state.notify(
                            format!(
                                "Imported {} from {} as their own ratings (Self vs lead shows them beside yours)",
                                plural(filled, "rating", "ratings"),
                                plural(lines.len(), "pack", "packs")
                            ),
                            false,
                        );
                        self.state.dialog = None;
                    }
                    Err(e) => self.state.notify(e.to_string(), true),
                }
            }
            Command::SaveProfile { member, path } => {
                let path = PathBuf::from(path);
                match transfer::write_profile(&self.core, member, &path) {
                    Ok(bytes) => self.state.notify(
                        format!("Saved the profile ({bytes} bytes) to {}", path.display()),
                        false,
                    ),
                    Err(e) => self.state.notify(e.to_string(), true),
                }
            }
            Command::Apply(action) => self.apply(action),
            Command::Undo => self.step(true),
            Command::Redo => self.step(false),
            Command::LoadSample => self.load_sample(),
            Command::AddMemberToNewTeam {
                team,
                name,
                role_level,
            } => self.add_member_to_new_team(&team, &name, role_level),
            Command::BrowseImport | Command::BrowseExport | Command::BrowseFramework
                if !self.native_dialogs =>
            {
                self.state.notify(TYPE_THE_PATH, false);
            }
            Command::BrowseImport => self.browse_import(),
            Command::PreviewImport => self.preview_import(),
            Command::BrowseFramework => self.browse_framework(),
            Command::PreviewFramework => self.preview_framework(),
            Command::ApplyFramework => self.apply_framework(),
            Command::RunImport => self.run_import(),
            Command::BrowseExport => self.browse_export(),
            Command::RunExport => self.run_export(),
        }
    }

    /// "Delete permanently": the person and their whole history, with nothing kept for undo.
    fn erase(&mut self, member: MemberId) {
        let name = self
            .core
            .snapshot()
            .anyone(member)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        match self.core.apply(Action::EraseMember { member }) {
            Ok(_) => {
                // Undo steps hold the person's data: forget them all, so nothing of the
                // erased person stays, even in memory.
                self.core.forget_undo();
                if self.state.selected.is_some_and(|(m, _)| m == member) {
                    self.state.selected = None;
                }
                self.state.notify(
                    format!("Deleted {name} and their whole history permanently"),
                    false,
                );
            }
            Err(e) => self.state.notify(e.to_string(), true),
        }
    }

    /// The first-run screen's sample team.
    fn load_sample(&mut self) {
        let path = Path::new("data-engineering-team.csv");
        match transfer::import_bytes(&mut self.core, SAMPLE_TEAM, path, &ImportOptions::default()) {
            Ok(report) => {
                // The first run starts empty: the newest team is the sample's.
                self.state.team = self.core.snapshot().teams().map(|t| t.id).max();
                self.state.notify(
                    format!(
                        "Loaded the sample team: {}",
                        plural(report.summary.members_added, "member", "members")
                    ),
                    false,
                );
            }
            Err(e) => self.state.notify(e.to_string(), true),
        }
    }

    /// A member added with a team that does not exist yet: both in one undo step.
    fn add_member_to_new_team(
        &mut self,
        team: &str,
        name: &str,
        role_level: Option<crate::model::RoleLevelId>,
    ) {
        let result = self.core.apply_batch("add member", |b| {
            let t = b
                .apply(Action::CreateTeam {
                    name: team.to_string(),
                })?
                .team
                .ok_or(crate::Error::UnknownId {
                    kind: "team",
                    id: 0,
                })?;
            let m = b
                .apply(Action::AddMember {
                    team: t,
                    name: name.to_string(),
                    role_level,
                    joined_on: None,
                })?
                .member;
            Ok((t, m))
        });
        match result {
            Ok((t, m)) => {
                self.state.team = Some(t);
                self.state.select_member = m;
            }
            Err(e) => self.state.notify(e.to_string(), true),
        }
    }

    /// The system's open dialog (rfd) for the import file.
    fn browse_import(&mut self) {
        let picked = rfd::FileDialog::new()
            .set_title("Import a skills matrix")
            .add_filter(
                "Spreadsheets and CSV",
                &["csv", "txt", "tsv", "xlsx", "xlsm", "xls", "ods"],
            )
            .pick_file();
        match picked {
            Some(path) => {
                if let Some(Dialog::Import(d)) = &mut self.state.dialog {
                    d.path = path.display().to_string();
                }
                self.run(Command::PreviewImport);
            }
            None => self.state.notify(NO_FILE_CHOSEN, false),
        }
    }

    /// The system's file dialog (rfd) for a framework file.
    fn browse_framework(&mut self) {
        let picked = rfd::FileDialog::new()
            .set_title("Apply a framework release")
            .add_filter("Framework (JSON)", &["json"])
            .pick_file();
        match picked {
            Some(path) => {
                if let Some(Dialog::FrameworkUpdate(d)) = &mut self.state.dialog {
                    d.path = path.display().to_string();
                }
                self.run(Command::PreviewFramework);
            }
            None => self.state.notify(NO_FILE_CHOSEN, false),
        }
    }

    /// Reads the framework file and lists what it would change.
    fn preview_framework(&mut self) {
        let Some(Dialog::FrameworkUpdate(d)) = &mut self.state.dialog else {
            return;
        };
        let path = PathBuf::from(d.path.trim());
        let snapshot = self.core.snapshot();
        let planned = transfer::read_framework_file(&path).and_then(|(new, renamed)| {
            let update = transfer::plan_framework_update(snapshot, &new, &renamed, &path)?;
            Ok((new.title(), update))
        });
        d.preview = Some(match planned {
            Ok((title, update)) => ui::FrameworkPreview {
                path: d.path.clone(),
                result: Ok(if update.changed {
                    transfer::framework_diff_lines(snapshot, &update)
                } else {
                    Vec::new()
                }),
                title,
            },
            Err(e) => ui::FrameworkPreview {
                path: d.path.clone(),
                result: Err(e.to_string()),
                title: String::new(),
            },
        });
    }

    /// Applies the previewed framework file (read again: it may have changed since).
    fn apply_framework(&mut self) {
        let Some(Dialog::FrameworkUpdate(d)) = &self.state.dialog else {
            return;
        };
        let path = PathBuf::from(d.path.trim());
        let result = transfer::read_framework_file(&path).and_then(|(new, renamed)| {
            let update =
                transfer::plan_framework_update(self.core.snapshot(), &new, &renamed, &path)?;
            transfer::apply_framework_update(&mut self.core, update)
        });
        match result {
            Ok(backup) => {
                self.state.dialog = None;
                self.state.notify(
                    format!(
                        "Updated the framework to {}{}. Undo reverts it.",
                        self.core.snapshot().framework.title(),
                        backup
                            .map(|b| format!(
                                "; the database before it is backed up as {}",
                                b.display()
                            ))
                            .unwrap_or_default()
                    ),
                    false,
                );
            }
            Err(e) => self.state.notify(e.to_string(), true),
        }
    }

    /// The system's save dialog (rfd) for the export file.
    fn browse_export(&mut self) {
        let kind = match &self.state.dialog {
            Some(Dialog::Export(d)) => d.kind(),
            _ => transfer::ExportType::Csv,
        };
        let (filter, extensions): (&str, &[&str]) = match kind {
            transfer::ExportType::Csv => ("CSV", &["csv", "txt"]),
            transfer::ExportType::Xlsx => ("Excel workbook", &["xlsx"]),
            transfer::ExportType::Png => ("PNG picture", &["png"]),
            transfer::ExportType::Svg => ("SVG picture", &["svg"]),
            transfer::ExportType::Parquet => ("Parquet", &["parquet"]),
        };
        let picked = rfd::FileDialog::new()
            .set_title("Export the skills matrix")
            .add_filter(filter, extensions)
            .set_file_name(crate::transfer::export_file_name_as_of(
                self.state
                    .team
                    .and_then(|t| self.core.snapshot().team(t))
                    .map(|t| t.name.as_str()),
                kind,
                match &self.state.dialog {
                    Some(Dialog::Export(d)) => d.as_of,
                    _ => None,
                },
            ))
            .save_file();
        match picked {
            Some(path) => {
                if let Some(Dialog::Export(d)) = &mut self.state.dialog {
                    d.path = path.display().to_string();
                    // The system dialog has already asked about replacing the file.
                    d.overwrite = true;
                }
            }
            None => self.state.notify(NO_FILE_CHOSEN, false),
        }
    }

    fn import_options(d: &ui::ImportDialog, dry_run: bool) -> ImportOptions {
        ImportOptions {
            team: Some(d.team.trim().to_string()).filter(|t| !t.is_empty()),
            mode: d.mode,
            dry_run,
            sheet: Some(d.sheet.trim().to_string()).filter(|s| !s.is_empty()),
            source: d.source,
            add_skills: crate::transfer::AddSkills::These(d.add_skills.clone()),
            assessed_on: None,
        }
    }

    fn preview_import(&mut self) {
        let Some(Dialog::Import(d)) = &mut self.state.dialog else {
            return;
        };
        let path = PathBuf::from(d.path.trim());
        // The file is read once: to tell a pack apart, then to preview.
        let bytes = transfer::read_import(&path);
        if bytes.as_ref().is_ok_and(|b| transfer::is_pack(b)) {
            d.preview = Some(ImportPreview {
                path: d.path.clone(),
                result: Err(ui::PreviewError::Other(
                    "This is a filled assessment pack: import it with Team > Assessment packs... (it becomes the person's own ratings)".into(),
                )),
            });
            return;
        }
        // A new file starts with no columns to create.
        if d.preview.as_ref().is_some_and(|p| p.path != d.path) {
            d.unknown_columns.clear();
            d.add_skills.clear();
        }
        let options = Self::import_options(d, true);
        let result =
            bytes.and_then(|bytes| transfer::import_bytes(&mut self.core, &bytes, &path, &options));
        if let Ok(report) = &result {
            d.unknown_columns = report.new_skills.clone();
            d.unknown_columns
                .extend(report.read.parsed.ignored_columns.iter().cloned());
        }
        d.preview = Some(ImportPreview {
            path: d.path.clone(),
            result: match result {
                Ok(report) => Ok(Box::new(report)),
                Err(crate::Error::Import { problems, .. }) => {
                    // Columns that hold levels can still be ticked to create them.
                    if !problems.creatable_columns.is_empty() {
                        d.unknown_columns = problems.creatable_columns.clone();
                    }
                    Err(ui::PreviewError::Problems(problems))
                }
                Err(e) => Err(ui::PreviewError::Other(e.to_string())),
            },
        });
    }

    fn run_import(&mut self) {
        let Some(Dialog::Import(d)) = &self.state.dialog else {
            return;
        };
        let path = PathBuf::from(d.path.trim());
        let options = Self::import_options(d, false);
        match transfer::import_file(&mut self.core, &path, &options) {
            Ok(report) => {
                let s = report.summary;
                self.state.notify(
                    format!(
                        "Imported {}: {} added, {} back, {} updated, {} left; {} set, {} changed, {} cleared{}{}",
                        path.display(),
                        plural(s.members_added, "member", "members"),
                        s.members_rejoining,
                        s.members_updated,
                        s.members_removed,
                        plural(s.ratings_set, "rating", "ratings"),
                        s.ratings_changed,
                        s.ratings_cleared,
                        if s.own_ratings_set + s.own_ratings_changed + s.own_ratings_cleared > 0 {
                            format!(
                                "; own ratings: {} set, {} changed, {} cleared",
                                s.own_ratings_set, s.own_ratings_changed, s.own_ratings_cleared
                            )
                        } else {
                            String::new()
                        },
                        if s.ratings_older > 0 {
                            format!(
                                "; {} past assessments recorded in history",
                                s.ratings_older
                            )
                        } else {
                            String::new()
                        }
                    ),
                    false,
                );
                if let Some(first) = report.read.parsed.members.first() {
                    self.state.team = self.core.snapshot().team_named(&first.team).map(|t| t.id);
                }
                self.state.dialog = None;
            }
            Err(e) => self.state.notify(e.to_string(), true),
        }
    }

    fn run_export(&mut self) {
        let Some(Dialog::Export(d)) = &self.state.dialog else {
            return;
        };
        let path = PathBuf::from(d.path.trim());
        let options = ExportOptions {
            scope: d.team.map_or(Scope::All, Scope::Team),
            format: if d.long {
                ExportFormat::Long
            } else {
                ExportFormat::Wide
            },
            levels: if d.numbers {
                LevelStyle::Numbers
            } else {
                LevelStyle::Names
            },
            source: Default::default(),
        };
        match transfer::export_file_as_of(
            &self.core,
            &path,
            options,
            d.long && d.history && d.kind() == transfer::ExportType::Csv && d.as_of.is_none(),
            d.as_of,
        ) {
            Ok(written) => {
                let what = transfer::ExportType::of(&path)
                    .map_or_else(|_| String::new(), |kind| kind.describe(written));
                let full = std::path::absolute(&path).unwrap_or(path);
                // The next export suggests the same folder.
                if let Some(dir) = full.parent().filter(|d| d.is_dir()) {
                    self.state.documents_dir = dir.to_path_buf();
                }
                self.state
                    .notify(format!("Exported {what} to {}", full.display()), false);
                self.state.dialog = None;
            }
            Err(e) => {
                // Said in the dialog, where the person is looking, and in the status line.
                if let Some(Dialog::Export(d)) = &mut self.state.dialog {
                    d.error = Some(e.to_string());
                }
                self.state.notify(e.to_string(), true);
            }
        }
    }
}

impl eframe::App for CapmatrixApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.state.prefs.team = self
            .state
            .team
            .and_then(|t| self.core.snapshot().team(t))
            .map(|t| t.name.clone());
        eframe::set_value(storage, PREFS_KEY, &self.state.prefs);
    }
}

/// Whether a display is available to open a window on.
pub fn display_available() -> bool {
    if cfg!(target_os = "linux") {
        std::env::var_os("DISPLAY").is_some_and(|v| !v.is_empty())
            || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty())
    } else {
        true
    }
}

/// Opens the window on a database; returns when the window closes.
pub fn run_window(db: &Path) -> Result<()> {
    if !display_available() {
        return Err(crate::Error::NoDisplay);
    }
    let core = Core::open(db)?;
    let file = db.file_name().map_or_else(
        || db.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    // The icon in assets/ (drawn by tools/make_icon.py); a missing icon is not worth failing for.
    let icon =
        eframe::icon_data::from_png_bytes(include_bytes!("../assets/icon.png")).unwrap_or_default();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(match core.read_only_reason() {
                None => format!("capmatrix - {file}"),
                Some(reason) => format!("capmatrix - {file} (read-only: {reason})"),
            })
            .with_app_id("capmatrix")
            .with_inner_size([1400.0, 860.0])
            .with_min_inner_size([800.0, 500.0])
            .with_icon(icon),
        ..Default::default()
    };
    eframe::run_native(
        "capmatrix",
        options,
        Box::new(move |cc| Ok(Box::new(CapmatrixApp::from_creation_context(cc, core)))),
    )
    .map_err(|source| crate::Error::Window { source })
}
