//! The window's screens, egui only. Each `*_ui` function reads the snapshot (and the view
//! derived from it), keeps its own transient state in [`UiState`], and pushes what the user
//! asked for as [`Command`]s; the app runs them through the core after the frame. Never
//! touches the store or the file system.

mod detail;
mod dialogs;
mod heatmap;
mod org;
mod skills;
pub mod theme;
mod time;
mod whatif;

use crate::core::Action;
use crate::io::Mode;
use crate::model::analysis::{self, Analysis, Scope};
use crate::model::history::{self, Due, Every, Timeline, Trend};
use crate::model::{Date, HistoryEntry, Level, MemberId, SkillId, Snapshot, TeamId, search_key};
use std::collections::HashMap;
use std::path::Path;

pub use dialogs::{Dialog, ExportDialog, ExportTarget, ImportDialog, ImportPreview, PreviewError};
pub use heatmap::drawn_in_full;
pub use org::OrgTable;
pub use skills::{FrameworkPreview, FrameworkUpdateDialog, SkillForm, SkillsDialog};

/// What the user asked for, run by the app after the frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Apply an action through the core.
    Apply(Action),
    /// Undo the last step.
    Undo,
    /// Redo the last undone step.
    Redo,
    /// Import the sample team shipped with the app.
    LoadSample,
    /// Create a team and add a member to it, as one step.
    AddMemberToNewTeam {
        /// The new team's name.
        team: String,
        /// The member's name.
        name: String,
        /// The role level.
        role_level: Option<crate::model::RoleLevelId>,
    },
    /// Open a file dialog to pick the import file.
    BrowseImport,
    /// Read the chosen import file and show what it would do.
    PreviewImport,
    /// Import the previewed file.
    RunImport,
    /// Open a file dialog to pick a framework file.
    BrowseFramework,
    /// Read the chosen framework file and show what it would change.
    PreviewFramework,
    /// Apply the previewed framework file.
    ApplyFramework,
    /// Open a save dialog for the export.
    BrowseExport,
    /// Write the export.
    RunExport,
    /// Delete a member and their history permanently (confirmed; not undoable).
    Erase(MemberId),
    /// Write assessment packs into a folder.
    WritePacks {
        /// The team, or everyone.
        team: Option<TeamId>,
        /// The folder, as typed.
        dir: String,
        /// Leave out the expected level.
        hide_expected: bool,
    },
    /// Import filled assessment packs (a file or a folder).
    ImportPacks {
        /// As typed.
        path: String,
    },
    /// Save a member's profile picture (.png or .svg) to a path.
    SaveProfile {
        /// Whose.
        member: MemberId,
        /// Where, as typed.
        path: String,
    },
}

/// A profile window for a member, suggesting "<name> profile.png" in the documents folder.
pub fn profile_window_for(
    state: &UiState,
    snapshot: &Snapshot,
    m: &crate::model::Member,
) -> ProfileWindow {
    // The team too: the same name can be in two teams.
    let team = snapshot
        .team(m.team)
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let label = if team.is_empty() {
        m.name.clone()
    } else {
        format!("{} ({team})", m.name)
    };
    ProfileWindow {
        member: m.id,
        path: state
            .documents_dir
            .join(format!("{} profile.png", crate::io::file_stem(&label)))
            .display()
            .to_string(),
    }
}

/// The profile window: whose, and where "Save picture" writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileWindow {
    /// Whose profile.
    pub member: MemberId,
    /// The picture's path, as typed.
    pub path: String,
}

/// How heatmap rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SortKey {
    /// By name (across teams in "All teams").
    Name,
    /// By team, then name ("All teams" only).
    Team,
    /// By role level (seniority).
    Role,
    /// By the sum of levels.
    Total,
    /// By the level in one skill.
    Skill(u32),
}

/// Preferences kept between runs (through eframe's storage; the data lives only in SQLite).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Prefs {
    /// Cells show the gap to the role's requirement instead of the level.
    pub gap_mode: bool,
    /// Row order.
    pub sort: SortKey,
    /// Descending order.
    pub descending: bool,
    /// The team last shown, by name.
    pub team: Option<String>,
}

impl Default for Prefs {
    fn default() -> Prefs {
        Prefs {
            gap_mode: false,
            sort: SortKey::Name,
            descending: false,
            team: None,
        }
    }
}

/// A message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
}

/// The window's state that is not data: selection, filters, open dialogs.
#[derive(Debug, Default)]
pub struct UiState {
    /// Kept between runs.
    pub prefs: Prefs,
    /// The team shown; `None` for all teams.
    pub team: Option<TeamId>,
    /// Filters members by name.
    pub search: String,
    /// The selected cell.
    pub selected: Option<(MemberId, SkillId)>,
    /// The level editor is open for the selected cell.
    pub editor_open: bool,
    /// The level editor's "Assessed on" field: empty means today.
    pub editor_date: String,
    /// The open dialog, if any.
    pub dialog: Option<Dialog>,
    /// The About box is open.
    pub about_open: bool,
    /// The keyboard shortcut sheet is open.
    pub shortcuts_open: bool,
    /// Typed in the team picker to find a team among many.
    pub team_filter: String,
    /// The last notice.
    pub notice: Option<Notice>,
    /// Horizontal scroll of the skill columns, in points.
    pub h_scroll: f32,
    /// The note being edited in the detail panel: (member, skill, text).
    pub note_draft: Option<(MemberId, SkillId, String)>,
    /// Name being typed in the member section of the detail panel.
    pub rename_draft: Option<(MemberId, String)>,
    /// Which kind of dialog was open last frame (its first frame focuses its first field).
    pub dialog_seen: Option<std::mem::Discriminant<Dialog>>,
    /// Select this member once the view shows them (a member just added).
    pub select_member: Option<MemberId>,
    /// The detail panel's note field should take the keyboard (from a cell's "Note...").
    pub focus_note: bool,
    /// The rows and columns should scroll to the selected cell (after undo, redo or a move).
    pub scroll_to_selection: bool,
    /// The rows' scroll offset and visible height, as of the last frame.
    pub rows_viewport: Option<(f32, f32)>,
    /// The rows should scroll back to the top (the team or the search changed).
    pub scroll_to_top: bool,
    /// Where exports go by default (the user's documents folder; set by the app).
    pub documents_dir: std::path::PathBuf,
    /// The matrix is shown as it stood at the end of this date (read-only).
    pub as_of: Option<Date>,
    /// The date typed in the "As of" field.
    pub as_of_text: String,
    /// Cells and gaps are compared with the matrix as of this date.
    pub compare: Option<Date>,
    /// The date typed in the "Compare with" field.
    pub compare_text: String,
    /// The Trends window is open.
    pub trends_open: bool,
    /// The skill the Trends window charts.
    pub trend_skill: Option<SkillId>,
    /// Cells show the lead's level and the person's own side by side.
    pub self_vs_lead: bool,
    /// With `self_vs_lead`: only people whose own rating and the lead's differ by two levels
    /// or more somewhere.
    pub only_disagreements: bool,
    /// The open profile window, if any.
    pub profile: Option<ProfileWindow>,
    /// The cell whose details the side panel last scrolled to.
    pub detail_shown: Option<(MemberId, SkillId)>,
    /// A what-if plan for the team shown: the matrix, coverage and gaps show the team under
    /// it, nothing can be changed, and nothing is saved.
    pub what_if: Option<WhatIfPlan>,
    /// The Organisation view (teams as rows, skills as columns) instead of the matrix.
    pub org_view: bool,
    /// The Organisation view's order.
    pub org_sort: OrgSort,
    /// The Organisation view's order turned round (a second click on its column).
    pub org_reverse: bool,
    /// How far the Organisation view's skill columns are scrolled sideways, in points.
    pub org_h_scroll: f32,
}

/// A what-if being considered in the window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WhatIfPlan {
    /// The team.
    pub team: TeamId,
    /// Who leaves and who joins.
    pub plan: crate::model::whatif::Plan,
    /// The role level picked for the next hire.
    pub hire_role: Option<crate::model::RoleLevelId>,
    /// Counts changes, so the view is rebuilt after each.
    pub version: u64,
}

impl WhatIfPlan {
    /// Marks a member as leaving, or (when they already are) as staying.
    pub fn toggle_leaving(&mut self, member: MemberId) {
        if !self.plan.leaving.remove(&member) {
            self.plan.leaving.insert(member);
        }
        self.version += 1;
    }
}

/// How the Organisation view orders its teams.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OrgSort {
    /// By name.
    #[default]
    Name,
    /// Most members first.
    Members,
    /// Most skills short of target first.
    Short,
    /// Most short in one skill first.
    Skill(SkillId),
}

impl UiState {
    /// Shows a notice in the status bar.
    pub fn notify(&mut self, text: impl Into<String>, error: bool) {
        self.notice = Some(Notice {
            text: text.into(),
            error,
        });
    }

    /// Starts a what-if for the team shown (none for all teams), or ends the one running.
    pub fn toggle_what_if(&mut self) {
        self.what_if = match (&self.what_if, self.team) {
            (None, Some(team)) => Some(WhatIfPlan {
                team,
                ..WhatIfPlan::default()
            }),
            _ => None,
        };
        if self.what_if.is_some() {
            self.as_of = None;
            self.as_of_text.clear();
            self.compare = None;
            self.editor_open = false;
            // Dialogs change data (targets, former members, imports), and an export would
            // write today's matrix, not the plan on screen: all are closed.
            self.dialog = None;
        }
    }

    /// The scope the screens analyse.
    pub fn scope(&self) -> Scope {
        self.team.map_or(Scope::All, Scope::Team)
    }
}

/// What a [`View`] was built from: generation, team, search, order, direction, as-of date.
type ViewKey = (
    u64,
    Option<TeamId>,
    String,
    SortKey,
    bool,
    Option<Date>,
    bool,
    Option<u64>,
);

/// The person's own level minus the lead's in a skill (not rated counts as None), when both
/// rated it; 0 otherwise.
pub fn disagreement(m: &crate::model::Member, skill: SkillId) -> i8 {
    match (m.ratings.get(&skill), m.self_ratings.get(&skill)) {
        (Some(lead), Some(own)) => own.level.number() as i8 - lead.level.number() as i8,
        _ => 0,
    }
}

/// Where each skill's coverage is in an analysis's ranked list.
fn coverage_index(a: &Analysis) -> HashMap<SkillId, usize> {
    a.skills
        .iter()
        .enumerate()
        .map(|(i, c)| (c.skill, i))
        .collect()
}

/// People below their role level from the analysis's list (in member order): (member, skills
/// below, of which not rated), most skills first.
fn below_role(below: &[analysis::MemberShortfall]) -> Vec<(MemberId, usize, usize)> {
    let mut out: Vec<(MemberId, usize, usize)> = Vec::new();
    for s in below {
        match out.last_mut() {
            Some(p) if p.0 == s.member => {
                p.1 += 1;
                p.2 += usize::from(s.actual.is_none());
            }
            _ => out.push((s.member, 1, usize::from(s.actual.is_none()))),
        }
    }
    out.sort_by_key(|p| std::cmp::Reverse(p.1));
    out
}

/// What the screens derive from the snapshot, recomputed only when the data, the team, the
/// filter or the order change (so a frame stays cheap at 10,000 members).
#[derive(Debug, Clone, Default)]
pub struct View {
    key: Option<ViewKey>,
    /// Members shown, in display order.
    pub rows: Vec<MemberId>,
    /// Skill columns, in display order.
    pub skills: Vec<SkillId>,
    /// The team's coverage and gaps.
    pub analysis: Analysis,
    /// Index into `analysis.skills` by skill.
    pub coverage: HashMap<SkillId, usize>,
    /// How many members the team (or all teams) has, before the search.
    pub in_scope: usize,
    /// People below their role level: (member, skills below, of which not rated), most
    /// skills first; built with the analysis, not each frame.
    pub below_role: Vec<(MemberId, usize, usize)>,
    /// "All teams": per skill, how many teams meet their own target, of those that need it.
    pub teams_meeting: std::collections::BTreeMap<SkillId, (usize, usize)>,
    /// Ratings due for review and required skills never rated, oldest first.
    pub due: Vec<Due>,
    /// The members in scope in name order (what the analysis ran over), and each one's
    /// place: an edit updates coverage over the same list.
    order: Vec<MemberId>,
    position: HashMap<MemberId, usize>,
    /// "All teams": whether each team meets its target in each skill (what `teams_meeting`
    /// counts), so an edit changes one team's count.
    team_met: std::collections::BTreeMap<(TeamId, SkillId), bool>,
    /// The rating edit that took the data from one generation to the next: (before, after,
    /// member, skill).
    edit: Option<(u64, u64, MemberId, SkillId)>,
    /// How many times the whole analysis was built (an edit updates it in place instead).
    pub rebuilds: u64,
}

impl View {
    /// Coverage, gaps, skill columns, people below their role level and (all teams) the
    /// teams meeting their targets, for the members in scope.
    fn analyse(&mut self, snapshot: &Snapshot, state: &UiState, members: &[&crate::model::Member]) {
        let scope = state.scope();
        self.rebuilds += 1;
        self.in_scope = members.len();
        self.analysis = analysis::analyse_members(snapshot, scope, members);
        self.coverage = coverage_index(&self.analysis);
        self.skills = analysis::wide_skills(snapshot, members);
        self.below_role = below_role(&self.analysis.members_below);
        self.order = members.iter().map(|m| m.id).collect();
        self.position = self
            .order
            .iter()
            .enumerate()
            .map(|(i, &m)| (m, i))
            .collect();
        self.team_met = if state.team.is_none() {
            analysis::team_targets_met(snapshot)
        } else {
            Default::default()
        };
        self.teams_meeting.clear();
        for (&(_, skill), &met) in &self.team_met {
            let entry = self.teams_meeting.entry(skill).or_default();
            entry.1 += 1;
            entry.0 += usize::from(met);
        }
        let today = state.as_of.unwrap_or_else(crate::model::time::today);
        self.due = history::due_for_review(snapshot, scope, today, None);
    }

    /// Records that one rating (the lead's) changed between two generations: the next refresh
    /// updates that member and skill instead of rebuilding everything.
    pub fn note_edit(&mut self, before: u64, after: u64, member: MemberId, skill: SkillId) {
        self.edit = Some((before, after, member, skill));
    }

    /// Updates the analysis for one changed rating: the skill's coverage (re-ranked), the
    /// member's shortfalls against their role, their team's count of teams meeting the
    /// target, and the rating's place in the review list. `false` when the edit cannot be
    /// applied this way (a skill outside the team's, a member not in the list) and a full
    /// rebuild is needed.
    fn update_for_edit(
        &mut self,
        snapshot: &Snapshot,
        state: &UiState,
        member: MemberId,
        skill: SkillId,
    ) -> bool {
        let (Some(&i), Some(m)) = (self.coverage.get(&skill), snapshot.member(member)) else {
            return false;
        };
        let Some(&pos) = self.position.get(&member) else {
            return false;
        };
        let fw = &snapshot.framework;
        let members: Vec<&crate::model::Member> = self
            .order
            .iter()
            .filter_map(|&id| snapshot.member(id))
            .collect();
        if members.len() != self.order.len() {
            return false;
        }
        let old = &self.analysis.skills[i];
        let updated = analysis::coverage_of(&members, skill, old.target, old.default_target);
        self.analysis.skills[i] = updated;
        analysis::rank_worst_first(fw, &mut self.analysis.skills);
        self.coverage = coverage_index(&self.analysis);

        // The member's shortfalls, in place (the list runs in member order).
        let below = &mut self.analysis.members_below;
        let at = |p: &HashMap<MemberId, usize>, id: MemberId| p.get(&id).copied().unwrap_or(0);
        let start = below.partition_point(|s| at(&self.position, s.member) < pos);
        let end = below.partition_point(|s| at(&self.position, s.member) <= pos);
        below.splice(start..end, analysis::member_shortfalls(fw, m));
        self.below_role = below_role(&self.analysis.members_below);

        if state.team.is_none()
            && let Some(old) = self.team_met.get(&(m.team, skill)).copied()
            && let Some(now) = analysis::team_meets_target(snapshot, m.team, skill)
            && old != now
        {
            self.team_met.insert((m.team, skill), now);
            if let Some(entry) = self.teams_meeting.get_mut(&skill) {
                entry.0 = if now {
                    entry.0 + 1
                } else {
                    entry.0.saturating_sub(1)
                };
            }
        }

        let today = state.as_of.unwrap_or_else(crate::model::time::today);
        self.due
            .retain(|d| !(d.member == member && d.skill == skill));
        if let Some(d) = history::due_of(snapshot, member, skill, today) {
            let key = history::due_order(snapshot, &d);
            let at = self
                .due
                .partition_point(|e| history::due_order(snapshot, e) < key);
            self.due.insert(at, d);
        }
        true
    }

    /// Brings the view up to date with the snapshot and the state; cheap when nothing changed.
    /// Returns whether the team or the search changed (the rows should scroll to the top).
    pub fn refresh(&mut self, snapshot: &Snapshot, generation: u64, state: &UiState) -> bool {
        let key = (
            generation,
            state.team,
            state.search.clone(),
            state.prefs.sort,
            state.prefs.descending,
            state.as_of,
            state.self_vs_lead && state.only_disagreements,
            state.what_if.as_ref().map(|w| w.version),
        );
        if self.key.as_ref() == Some(&key) {
            return false;
        }
        let new_rows = self
            .key
            .as_ref()
            .is_none_or(|k| k.1 != key.1 || k.2 != key.2);
        let scope = state.scope();
        // The analysis depends on the data and the team, not on the search or the order:
        // typing in the search box only filters and sorts rows.
        let edit = self.edit.take();
        // One rating changed and nothing else: update that member and skill.
        let edited = match (&self.key, edit) {
            (Some(k), Some((before, after, member, skill)))
                if k.0 == before
                    && key.0 == after
                    && (&k.1, &k.2, k.3, k.4, k.5, k.6, k.7)
                        == (&key.1, &key.2, key.3, key.4, key.5, key.6, key.7)
                    && !key.6
                    && !matches!(state.prefs.sort, SortKey::Total | SortKey::Skill(_)) =>
            {
                self.update_for_edit(snapshot, state, member, skill)
            }
            _ => false,
        };
        if edited {
            self.key = Some(key);
            return false;
        }
        let members = analysis::scope_members(snapshot, scope);
        if self
            .key
            .as_ref()
            .is_none_or(|k| k.0 != key.0 || k.1 != key.1 || k.5 != key.5 || k.7 != key.7)
        {
            self.analyse(snapshot, state, &members);
        }
        let needle = search_key(state.search.trim());
        let mut rows: Vec<&crate::model::Member> = if needle.is_empty() {
            members
        } else {
            members
                .into_iter()
                .filter(|m| search_key(&m.name).contains(&needle))
                .collect()
        };
        if key.6 {
            rows.retain(|m| self.skills.iter().any(|&s| disagreement(m, s).abs() >= 2));
        }
        let fw = &snapshot.framework;
        let total = |m: &crate::model::Member| -> u32 {
            m.ratings
                .values()
                .map(|r| u32::from(r.level.number()))
                .sum()
        };
        let role_rank = |m: &crate::model::Member| {
            m.role_level.map(|rl| {
                let l = fw.role_level(rl);
                (fw.role(l.role).name.clone(), l.rank)
            })
        };
        let team_name = |m: &crate::model::Member| {
            snapshot
                .team(m.team)
                .map(|t| crate::model::natural_key(&t.name))
        };
        match state.prefs.sort {
            // Members come team by team: a name sort goes across teams.
            SortKey::Name => rows.sort_by_cached_key(|m| (m.name.to_lowercase(), team_name(m))),
            SortKey::Team => rows.sort_by_cached_key(|m| (team_name(m), m.name.to_lowercase())),
            SortKey::Role => rows.sort_by_cached_key(|m| role_rank(m)),
            SortKey::Total => rows.sort_by_key(|m| total(m)),
            SortKey::Skill(s) => rows.sort_by_key(|m| m.ratings.get(&SkillId(s)).map(|r| r.level)),
        }
        if state.prefs.descending {
            rows.reverse();
        }
        self.rows = rows.iter().map(|m| m.id).collect();
        self.key = Some(key);
        new_rows
    }
}

/// Everything a frame reads.
pub struct Frame<'a> {
    /// The data.
    pub snapshot: &'a Snapshot,
    /// What is derived from it.
    pub view: &'a View,
    /// The selected cell's rating history, oldest first.
    pub history: &'a [HistoryEntry],
    /// The database file.
    pub db_path: &'a Path,
    /// What undo would revert.
    pub undo: Option<&'a str>,
    /// What redo would re-apply.
    pub redo: Option<&'a str>,
    /// The date the matrix shown stands on: today, or the "as of" date.
    pub today: Date,
    /// The "as of" date, when the window shows the past (read-only).
    pub as_of: Option<Date>,
    /// The comparison with another date, if one is asked for.
    pub compare: Option<&'a Compare>,
    /// The trend charts' data, while the Trends window is open.
    pub trends: Option<&'a Trends>,
    /// Every rating entry and member event, once a view of the past has read them.
    pub timeline: Option<&'a Timeline>,
    /// The open profile's picture, drawn by the app, with its summary in words.
    pub profile: Option<(&'a egui::TextureHandle, &'a str)>,
    /// The what-if outcome, while a what-if is shown (the snapshot is then the plan's).
    pub what_if: Option<&'a crate::model::whatif::Outcome>,
    /// Today's matrix, while a what-if is shown (for names of people leaving).
    pub today_snapshot: &'a Snapshot,
    /// The Organisation view's rows, while it is shown.
    pub org: Option<&'a org::OrgTable>,
    /// The team file the team shown was rolled up from: a copy, read-only here.
    pub rolled_up: Option<&'a str>,
}

impl Frame<'_> {
    /// Whether the matrix shown can be changed: not the past, not a what-if.
    pub fn editable(&self) -> bool {
        // A rolled-up team is read-only too, but the core says so per change: removing the
        // team, erasing a person, undo and the rest of the window stay available.
        self.as_of.is_none() && self.what_if.is_none()
    }
}

/// The matrix compared with another date: the baseline, the gaps opened and closed since,
/// and how many cells rose or fell.
#[derive(Debug, Clone)]
pub struct Compare {
    /// The date compared with.
    pub date: Date,
    /// The matrix as of that date.
    pub baseline: Snapshot,
    /// Skills that are gaps now and were not then.
    pub opened: Vec<SkillId>,
    /// Skills that were gaps then and are not now.
    pub closed: Vec<SkillId>,
    /// Cells (member, skill) whose level rose, of the members shown.
    pub rose: usize,
    /// Cells whose level fell (or were cleared).
    pub fell: usize,
    /// People in the scope now who were not then (joined, came back or moved in).
    pub joined: Vec<String>,
    /// People in the scope then who are not now (left or moved away).
    pub gone: Vec<String>,
    /// "All teams": per skill whose count changed, the teams short of their own target then
    /// and now.
    pub teams_short: Vec<(SkillId, usize, usize)>,
}

/// A level for comparing two dates: not rated counts as None (0), so rating someone "None"
/// for the first time is not a rise.
fn compared(level: Option<Level>) -> u8 {
    level.map_or(0, Level::number)
}

impl Compare {
    /// Compares `now` (with its view) against `baseline`, the matrix as of `date`.
    pub fn new(
        baseline: Snapshot,
        date: Date,
        now: &Snapshot,
        view: &View,
        scope: Scope,
    ) -> Compare {
        let then = analysis::analyse(&baseline, scope);
        let gap_then: std::collections::BTreeSet<SkillId> = then.gaps().map(|c| c.skill).collect();
        let gap_now: std::collections::BTreeSet<SkillId> =
            view.analysis.gaps().map(|c| c.skill).collect();
        let (mut rose, mut fell) = (0, 0);
        for &m in &view.rows {
            let Some(member) = now.member(m) else {
                continue;
            };
            let before = baseline.member(m);
            for &s in &view.skills {
                let a = compared(before.and_then(|b| b.ratings.get(&s)).map(|r| r.level));
                let b = compared(member.ratings.get(&s).map(|r| r.level));
                match b.cmp(&a) {
                    std::cmp::Ordering::Greater => rose += 1,
                    std::cmp::Ordering::Less => fell += 1,
                    std::cmp::Ordering::Equal => {}
                }
            }
        }
        let ids = |snap: &Snapshot| -> std::collections::BTreeSet<MemberId> {
            analysis::scope_members(snap, scope)
                .iter()
                .map(|m| m.id)
                .collect()
        };
        let (then_ids, now_ids) = (ids(&baseline), ids(now));
        let names = |set: Vec<&MemberId>, snap: &Snapshot| -> Vec<String> {
            let mut v: Vec<String> = set
                .into_iter()
                .filter_map(|id| snap.member(*id).map(|m| m.name.clone()))
                .collect();
            v.sort_by_key(|n| n.to_lowercase());
            v
        };
        let joined = names(now_ids.difference(&then_ids).collect(), now);
        let gone = names(then_ids.difference(&now_ids).collect(), &baseline);
        let teams_short = if scope == Scope::All {
            let short = |snap: &Snapshot| -> std::collections::BTreeMap<SkillId, usize> {
                analysis::teams_meeting_targets(snap)
                    .into_iter()
                    .map(|(s, (meeting, needing))| (s, needing.saturating_sub(meeting)))
                    .collect()
            };
            let (a, b) = (short(&baseline), short(now));
            let skills: std::collections::BTreeSet<SkillId> =
                a.keys().chain(b.keys()).copied().collect();
            skills
                .into_iter()
                .map(|s| {
                    (
                        s,
                        a.get(&s).copied().unwrap_or(0),
                        b.get(&s).copied().unwrap_or(0),
                    )
                })
                .filter(|(_, x, y)| x != y)
                .collect()
        } else {
            Vec::new()
        };
        Compare {
            date,
            opened: gap_now.difference(&gap_then).copied().collect(),
            closed: gap_then.difference(&gap_now).copied().collect(),
            baseline,
            rose,
            fell,
            joined,
            gone,
            teams_short,
        }
    }

    /// A member's level in a skill on the compared date.
    pub fn level(&self, member: MemberId, skill: SkillId) -> Option<Level> {
        self.baseline
            .member(member)
            .and_then(|m| m.ratings.get(&skill))
            .map(|r| r.level)
    }
}

/// What the Trends window charts: the team's coverage at each month end over the record.
#[derive(Debug, Clone, Default)]
pub struct Trends {
    /// The month ends sampled.
    pub dates: Vec<Date>,
    /// Coverage per date and skill, and people below their role level per date.
    pub trend: Trend,
}

impl Trends {
    /// At most this many month ends are charted (the last ten years).
    pub const MAX_MONTHS: u32 = 120;

    /// The trend of a scope from its first assessment (at most ten years back) to today.
    pub fn new(current: &Snapshot, timeline: &Timeline, scope: Scope) -> Trends {
        let today = crate::model::time::today();
        let earliest = crate::model::time::months_before(today, Self::MAX_MONTHS);
        let from = timeline.first_date().unwrap_or(today).max(earliest);
        let dates = history::period_ends(from, today, Every::Month);
        let trend = history::trend(current, timeline, scope, &dates);
        Trends { dates, trend }
    }
}

/// The whole main screen.
pub fn main_ui(ui: &mut egui::Ui, f: &Frame<'_>, state: &mut UiState, out: &mut Vec<Command>) {
    shortcuts(ui, f, state, out);
    egui::Panel::top("top_bar").show(ui, |ui| top_bar_ui(ui, f, state, out));
    time::time_bar(ui, f, state);
    whatif::banner_ui(ui, f, state);
    if let Some(file) = f.rolled_up.filter(|_| !state.org_view) {
        egui::Panel::top("rolled_up_banner")
            .frame(egui::Frame::side_top_panel(ui.style()).fill(theme::PAST_BANNER))
            .show(ui, |ui| {
                *ui.visuals_mut() = egui::Visuals::light();
                ui.label(match file.strip_prefix("merged:\n") {
                    Some(files) => format!(
                        "Read-only: this team is merged from the team files {} (rollup --merge). Change it in those files and roll them up again.",
                        files.replace('\n', ", ")
                    ),
                    None => format!(
                        "Read-only: this team is a copy rolled up from {file}. Change it in that file and roll it up again. (Its name is yours: Team > Rename team... names it for every later roll-up.)"
                    ),
                });
            });
    }
    egui::Panel::bottom("status_bar").show(ui, |ui| status_bar_ui(ui, f, state));
    if f.snapshot.member_count() == 0 && f.snapshot.teams().count() == 0 {
        egui::CentralPanel::default().show(ui, |ui| first_run_ui(ui, state, out));
    } else if state.org_view {
        egui::CentralPanel::default().show(ui, |ui| org::org_ui(ui, f, state));
    } else {
        egui::Panel::right("side_panel")
            .resizable(true)
            .default_size(320.0)
            .min_size(260.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("side_scroll")
                    .show(ui, |ui| {
                        whatif::changes_ui(ui, f, state);
                        detail::changes_ui(ui, f, state.team.is_none());
                        detail::gaps_ui(ui, f, state);
                        detail::due_ui(ui, f, state);
                        ui.separator();
                        detail::detail_ui(ui, f, state, out);
                    });
            });
        egui::CentralPanel::default().show(ui, |ui| heatmap::heatmap_ui(ui, f, state, out));
    }
    dialogs::dialogs_ui(ui.ctx(), f, state, out);
    if state.editor_open {
        dialogs::level_editor_ui(ui.ctx(), f, state, out);
    }
    if state.about_open {
        dialogs::about_ui(ui.ctx(), f, state);
    }
    if state.shortcuts_open {
        dialogs::shortcuts_ui(ui.ctx(), state);
    }
    if state.trends_open {
        time::trends_window(ui.ctx(), f, state);
    }
    if state.profile.is_some() {
        dialogs::profile_window(ui.ctx(), f, state, out);
    }
}

fn shortcuts(ui: &egui::Ui, f: &Frame<'_>, state: &mut UiState, out: &mut Vec<Command>) {
    // Shortcuts work while the matrix has the keyboard (it always does once a cell was
    // clicked); only a text field being typed in, or a dialog, keeps them.
    let typing = ui.ctx().egui_wants_keyboard_input()
        && ui.memory(|m| m.focused()) != Some(heatmap::grid_id());
    if state.dialog.is_some() || typing {
        return;
    }
    let (undo, redo) = ui.input_mut(|i| {
        let redo = i.consume_key(
            egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
            egui::Key::Z,
        ) || i.consume_key(egui::Modifiers::COMMAND, egui::Key::Y);
        let undo = i.consume_key(egui::Modifiers::COMMAND, egui::Key::Z);
        (undo, redo)
    });
    let help = ui.input_mut(|i| {
        i.consume_key(egui::Modifiers::NONE, egui::Key::F1)
            || i.consume_key(egui::Modifiers::SHIFT, egui::Key::Questionmark)
            || i.consume_key(egui::Modifiers::NONE, egui::Key::Questionmark)
    });
    if help {
        state.shortcuts_open = !state.shortcuts_open;
    }
    // Undo and redo change data: not in the past or a what-if (the app refuses them too).
    if undo && f.undo.is_some() && f.editable() {
        out.push(Command::Undo);
    }
    if redo && f.redo.is_some() && f.editable() {
        out.push(Command::Redo);
    }
}

fn top_bar_ui(ui: &mut egui::Ui, f: &Frame<'_>, state: &mut UiState, out: &mut Vec<Command>) {
    ui.add_space(4.0);
    // Wraps onto a second line in a narrow window, so every control stays reachable.
    ui.horizontal_wrapped(|ui| {
        ui.heading("capmatrix");
        ui.separator();
        team_picker_ui(ui, f, state);
        team_menu_ui(ui, f, state);
        ui.toggle_value(&mut state.org_view, "Organisation")
            .on_hover_text("Every team's coverage against its own targets: teams as rows, skills as columns");
        let what_if_on = state.what_if.is_some();
        if ui
            .add_enabled(
                state.team.is_some() && f.as_of.is_none(),
                egui::Button::new("What if...").selected(what_if_on),
            )
            .on_hover_text("Mark people as leaving and add hypothetical hires; see the coverage and gaps under the plan beside today's")
            .on_disabled_hover_text("Pick a team first (and show today)")
            .clicked()
        {
            state.toggle_what_if();
            state.org_view = false;
        }
        skills_menu_ui(ui, f, state, out);
        let editable = f.editable();
        if ui
            .add_enabled(editable, egui::Button::new("Add member..."))
            .clicked()
        {
            state.dialog = Some(Dialog::add_member(f.snapshot, state.team));
        }
        ui.separator();
        search_ui(ui, state);
        ui.separator();
        files_ui(ui, f, state, out);
        ui.separator();
        undo_redo_ui(ui, f, out);
        ui.separator();
        view_options_ui(ui, f, state);
    });
    ui.add_space(4.0);
}

/// The team shown, or all teams.
fn team_picker_ui(ui: &mut egui::Ui, f: &Frame<'_>, state: &mut UiState) {
    /// More teams than this are narrowed by typing rather than listed.
    const LISTED: usize = 200;
    let label = ui.label("Team:");
    let current = state
        .team
        .and_then(|t| f.snapshot.team(t))
        .map_or("All teams".to_string(), |t| t.name.clone());
    let teams = f.snapshot.teams().count();
    egui::ComboBox::from_id_salt("team_picker")
        .selected_text(current)
        .width(180.0)
        .height(420.0)
        .show_ui(ui, |ui| {
            // With many teams (an organisation), type to find one.
            if teams > 12 {
                let find = ui.add(
                    egui::TextEdit::singleline(&mut state.team_filter)
                        .hint_text(format!("find among {teams} teams"))
                        .desired_width(200.0),
                );
                if !find.has_focus() && state.team_filter.is_empty() {
                    find.request_focus();
                }
            }
            if ui
                .selectable_label(state.team.is_none(), "All teams")
                .clicked()
            {
                state.team = None;
                state.team_filter.clear();
            }
            let needle = search_key(state.team_filter.trim());
            let mut shown = 0;
            for t in f.snapshot.teams_in_order() {
                if !needle.is_empty() && !search_key(&t.name).contains(&needle) {
                    continue;
                }
                shown += 1;
                if shown > LISTED {
                    ui.weak("... type to narrow the list");
                    break;
                }
                if ui
                    .selectable_label(state.team == Some(t.id), &t.name)
                    .clicked()
                {
                    state.team = Some(t.id);
                    state.team_filter.clear();
                }
            }
        })
        .response
        .labelled_by(label.id);
}

/// New, rename, targets, remove.
fn team_menu_ui(ui: &mut egui::Ui, f: &Frame<'_>, state: &mut UiState) {
    ui.menu_button("Team", |ui| {
        let editable = f.editable();
        if ui
            .add_enabled(editable, egui::Button::new("New team..."))
            .clicked()
        {
            state.dialog = Some(Dialog::CreateTeam {
                name: String::new(),
            });
        }
        let team = state.team.and_then(|t| f.snapshot.team(t));
        if ui
            .add_enabled(
                team.is_some() && editable,
                egui::Button::new("Rename team..."),
            )
            .clicked()
            && let Some(t) = team
        {
            state.dialog = Some(Dialog::RenameTeam {
                team: t.id,
                name: t.name.clone(),
            });
        }
        if ui
            .add_enabled(
                team.is_some() && editable,
                egui::Button::new("Team targets..."),
            )
            .clicked()
            && let Some(t) = team
        {
            state.dialog = Some(Dialog::Targets { team: t.id });
        }
        if ui
            .add_enabled(editable, egui::Button::new("Assessment packs..."))
            .clicked()
        {
            let name = team.map_or("All teams", |t| t.name.as_str());
            state.dialog = Some(Dialog::Packs {
                team: state.team,
                // Dated, so next quarter's round goes to a folder of its own.
                dir: state
                    .documents_dir
                    .join(format!("{name} packs {}", crate::model::time::today()))
                    .display()
                    .to_string(),
                hide_expected: false,
                filled: String::new(),
            });
        }
        if ui.button("Show former members...").clicked() {
            state.dialog = Some(Dialog::FormerMembers { team: state.team });
        }
        if ui
            .add_enabled(
                team.is_some() && editable,
                egui::Button::new("Remove team..."),
            )
            .clicked()
            && let Some(t) = team
        {
            state.dialog = Some(Dialog::ConfirmRemoveTeam { team: t.id });
        }
    });
}

/// Skills: every skill and your own; a framework update.
fn skills_menu_ui(ui: &mut egui::Ui, f: &Frame<'_>, state: &mut UiState, out: &mut Vec<Command>) {
    ui.menu_button("Skills", |ui| {
        if ui.button("Skills...").clicked() {
            state.dialog = Some(Dialog::Skills(SkillsDialog::default()));
        }
        if ui
            .add_enabled(f.editable(), egui::Button::new("Update framework..."))
            .clicked()
        {
            state.dialog = Some(Dialog::FrameworkUpdate(FrameworkUpdateDialog::default()));
            out.push(Command::BrowseFramework);
        }
    });
}

/// The member search (the match count shows above the names, so the toolbar never moves).
fn search_ui(ui: &mut egui::Ui, state: &mut UiState) {
    let search = ui.label("Search:");
    ui.add(
        egui::TextEdit::singleline(&mut state.search)
            .hint_text("member name")
            .desired_width(150.0),
    )
    .labelled_by(search.id);
}

/// Import and export.
fn files_ui(ui: &mut egui::Ui, f: &Frame<'_>, state: &mut UiState, out: &mut Vec<Command>) {
    if ui
        .add_enabled(f.editable(), egui::Button::new("Import..."))
        .clicked()
    {
        state.dialog = Some(Dialog::Import(ImportDialog::default()));
        out.push(Command::BrowseImport);
    }
    // What is exported is what the window shows: an as-of view writes that date's matrix; a
    // what-if plan is not data, so it is not exported.
    let planning = f.what_if.is_some();
    let why = "A what-if plan is not saved data: End what-if to export the matrix";
    let export = ui.add_enabled(!planning, egui::Button::new("Export..."));
    let export = if planning {
        export.on_disabled_hover_text(why)
    } else {
        export
    };
    if export.clicked() {
        state.dialog = Some(Dialog::Export(
            ExportDialog::new(f.snapshot, state.team, &state.documents_dir)
                .as_of(f.snapshot, state.as_of),
        ));
    }
    let picture = ui
        .add_enabled(!planning, egui::Button::new("Save picture..."))
        .on_hover_text("The heatmap as a PNG or SVG picture for a slide");
    let picture = if planning {
        picture.on_disabled_hover_text(why)
    } else {
        picture
    };
    if picture.clicked() {
        state.dialog = Some(Dialog::Export(
            ExportDialog::of_kind(
                f.snapshot,
                state.team,
                &state.documents_dir,
                crate::transfer::ExportType::Png,
            )
            .as_of(f.snapshot, state.as_of),
        ));
    }
}

fn undo_redo_ui(ui: &mut egui::Ui, f: &Frame<'_>, out: &mut Vec<Command>) {
    let undo = ui
        .add_enabled(f.undo.is_some() && f.editable(), egui::Button::new("Undo"))
        .on_hover_text(
            f.undo
                .map_or("Nothing to undo".into(), |l| format!("Undo {l} (Ctrl+Z)")),
        );
    if undo.clicked() {
        out.push(Command::Undo);
    }
    let redo = ui
        .add_enabled(f.redo.is_some() && f.editable(), egui::Button::new("Redo"))
        .on_hover_text(f.redo.map_or("Nothing to redo".into(), |l| {
            format!("Redo {l} (Ctrl+Shift+Z)")
        }));
    if redo.clicked() {
        out.push(Command::Redo);
    }
}

/// Gap mode, theme, shortcuts, About.
fn view_options_ui(ui: &mut egui::Ui, f: &Frame<'_>, state: &mut UiState) {
    ui.toggle_value(&mut state.prefs.gap_mode, "Gap to role target")
        .on_hover_text(
            "Show each cell as levels above or below what the member's role level requires",
        );
    ui.toggle_value(&mut state.self_vs_lead, "Self vs lead")
        .on_hover_text("Each cell shows the lead's level (left) and the person's own (right)");
    if state.self_vs_lead {
        ui.checkbox(&mut state.only_disagreements, "Only disagreements")
            .on_hover_text(
                "Only people whose own rating differs from the lead's by two levels or more",
            );
        if state.only_disagreements {
            ui.weak(format!("{} of {}", f.view.rows.len(), f.view.in_scope));
        }
    }
    // Light, dark or follow the system; egui keeps the choice between runs. (Words, not
    // egui's sun/moon icons: the default fonts have no such glyphs.)
    ui.menu_button("Theme", |ui| {
        let mut pref = ui.ctx().options(|o| o.theme_preference);
        for (value, name) in [
            (egui::ThemePreference::System, "Follow the system"),
            (egui::ThemePreference::Light, "Light"),
            (egui::ThemePreference::Dark, "Dark"),
        ] {
            if ui.radio_value(&mut pref, value, name).clicked() {
                ui.ctx().set_theme(pref);
                ui.close();
            }
        }
    });
    if ui
        .button("Shortcuts")
        .on_hover_text("Keyboard shortcuts (F1 or ?)")
        .clicked()
    {
        state.shortcuts_open = true;
    }
    if ui.button("About").clicked() {
        state.about_open = true;
    }
}

fn status_bar_ui(ui: &mut egui::Ui, f: &Frame<'_>, state: &UiState) {
    // The notice has a line of its own, so a long message is never cut off by the legend.
    if let Some(n) = &state.notice {
        let color = if n.error {
            ui.visuals().error_fg_color
        } else {
            ui.visuals().text_color()
        };
        ui.add(egui::Label::new(egui::RichText::new(&n.text).color(color)).wrap());
        ui.separator();
    }
    ui.horizontal_wrapped(|ui| {
        if state.self_vs_lead {
            self_legend_ui(ui);
        } else if state.prefs.gap_mode {
            gap_legend_ui(ui);
        } else {
            legend_ui(ui);
        }
        time_legend_ui(ui, f);
    });
}

/// The legend in gap mode: levels below (orange) or above (blue) the role's requirement.
fn gap_legend_ui(ui: &mut egui::Ui) {
    for (gap, text, meaning) in [
        (-2, "-2", "2 below role"),
        (-1, "-1", "1 below"),
        (0, "=", "meets"),
        (1, "+1", "1 above"),
        (2, "+2", "2 above"),
    ] {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(22.0, 16.0), egui::Sense::hover());
        ui.painter().rect_filled(rect, 2.0, theme::gap_fill(gap));
        ui.painter().text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            text,
            egui::FontId::proportional(11.0),
            theme::gap_text(gap),
        );
        ui.label(meaning);
    }
    ui.label("?  required but not rated");
}

/// A legend swatch: a small cell painted by `paint`, then its meaning.
fn swatch(ui: &mut egui::Ui, meaning: &str, paint: impl FnOnce(&egui::Painter, egui::Rect)) {
    // Swatch and meaning together, so a wrapping legend never parts them; a pair that does
    // not fit the rest of the line starts the next one.
    let text = ui.painter().layout_no_wrap(
        meaning.to_string(),
        egui::TextStyle::Body.resolve(ui.style()),
        ui.visuals().text_color(),
    );
    let needed = 24.0 + 3.0 * ui.spacing().item_spacing.x + text.size().x;
    if ui.available_size_before_wrap().x < needed {
        ui.end_row();
    }
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(24.0, 16.0), egui::Sense::hover());
        paint(ui.painter(), rect);
        ui.label(meaning);
    });
}

/// The legend: every colour and mark the heatmap uses, in words.
fn legend_ui(ui: &mut egui::Ui) {
    let dark = ui.visuals().dark_mode;
    let text_color = ui.visuals().text_color();
    let small = egui::FontId::proportional(11.0);
    for level in Level::ALL {
        swatch(ui, level.name(), |p, r| {
            p.rect_filled(r, 2.0, theme::level_fill(level, dark));
            p.text(
                r.center(),
                egui::Align2::CENTER_CENTER,
                level.letter(),
                small.clone(),
                theme::level_text(level, dark),
            );
        });
    }
    let visuals = ui.visuals().clone();
    swatch(ui, "required, not rated", |p, r| {
        heatmap::paint_not_rated(p, r, &visuals);
    });
    swatch(ui, "below the role's need", |p, r| {
        p.rect_stroke(
            r,
            2.0,
            (1.0, visuals.weak_text_color()),
            egui::StrokeKind::Inside,
        );
        heatmap::paint_below_mark(p, r);
    });
    swatch(ui, "not required (faded)", |p, r| {
        p.rect_filled(
            r,
            2.0,
            theme::level_fill(Level::Working, dark).gamma_multiply(0.35),
        );
        p.text(
            r.center(),
            egui::Align2::CENTER_CENTER,
            "W",
            small.clone(),
            text_color,
        );
    });
    swatch(ui, "interested", |p, r| {
        p.rect_filled(r, 2.0, theme::level_fill(Level::Awareness, dark));
        p.circle(
            egui::pos2(r.left() + 6.0, r.top() + 6.0),
            3.5,
            theme::SINGLE,
            egui::Stroke::new(1.0, egui::Color32::from_gray(40)),
        );
    });
    ui.separator();
    ui.label("Coverage:");
    for (fill, text, sample, meaning) in [
        (theme::COVERED, egui::Color32::WHITE, "2/2", "met"),
        (theme::SHORT, egui::Color32::WHITE, "0/2", "short"),
        (theme::SINGLE, egui::Color32::BLACK, "1/2", "one person"),
    ] {
        swatch(ui, meaning, |p, r| {
            p.rect_filled(r, 2.0, fill);
            p.text(
                r.center(),
                egui::Align2::CENTER_CENTER,
                sample,
                egui::FontId::proportional(10.0),
                text,
            );
        });
    }
}

/// The legend of "Self vs lead": the split cell and the disagreement outlines.
fn self_legend_ui(ui: &mut egui::Ui) {
    let dark = ui.visuals().dark_mode;
    swatch(ui, "left: the lead's level, right: their own", |p, r| {
        heatmap::paint_split(p, r, Some(Level::Working), Some(Level::Practitioner), dark);
    });
    swatch(ui, "own rating 2+ levels above the lead's", |p, r| {
        heatmap::paint_split(
            p,
            r,
            Some(Level::Awareness),
            Some(Level::Practitioner),
            dark,
        );
        heatmap::paint_disagreement(p, r, 2);
    });
    swatch(ui, "own rating 2+ levels below", |p, r| {
        heatmap::paint_split(p, r, Some(Level::Expert), Some(Level::Working), dark);
        heatmap::paint_disagreement(p, r, -2);
    });
    swatch(ui, "– not rated (by the lead, or by them)", |p, r| {
        heatmap::paint_split(p, r, Some(Level::Working), None, dark);
    });
}

/// The marks of time: a rating due for review, and (comparing) a cell that rose or fell.
fn time_legend_ui(ui: &mut egui::Ui, f: &Frame<'_>) {
    ui.separator();
    let dark = ui.visuals().dark_mode;
    swatch(ui, "due for review", |p, r| {
        p.rect_filled(r, 2.0, theme::level_fill(Level::Working, dark));
        heatmap::paint_stale_mark(p, r);
    });
    if let Some(c) = f.compare {
        for (rose, meaning) in [(true, "rose"), (false, "fell")] {
            swatch(ui, &format!("{meaning} since {}", c.date), |p, r| {
                p.rect_filled(r, 2.0, theme::level_fill(Level::Working, dark));
                heatmap::paint_change_mark(p, r, rose);
            });
        }
    }
}

fn first_run_ui(ui: &mut egui::Ui, state: &mut UiState, out: &mut Vec<Command>) {
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.2);
        ui.heading("Welcome to capmatrix");
        ui.add_space(8.0);
        ui.label("Rate your team against the DDaT capability framework, see where it is thin, and share the matrix as CSV.");
        ui.label("This database is empty. Start with one of these:");
        ui.add_space(16.0);
        if ui.add(egui::Button::new("Load the sample team").min_size(egui::vec2(240.0, 32.0))).clicked() {
            out.push(Command::LoadSample);
        }
        if ui.add(egui::Button::new("Import a spreadsheet...").min_size(egui::vec2(240.0, 32.0))).clicked() {
            state.dialog = Some(Dialog::Import(ImportDialog::default()));
            out.push(Command::BrowseImport);
        }
        if ui.add(egui::Button::new("Add a member").min_size(egui::vec2(240.0, 32.0))).clicked() {
            state.dialog = Some(Dialog::AddMember {
                team: String::new(),
                name: String::new(),
                role_level: None,
            });
        }
        ui.add_space(16.0);
        ui.weak(crate::model::OGL_CREDIT);
    });
}

/// Import mode names for the dialog.
pub fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Merge => "Merge (add and update)",
        Mode::Replace => "Replace (team holds exactly the file)",
    }
}
