//! The core: the one place where state changes. [`Core`] owns the store and the in-memory
//! snapshot; [`Core::apply`] validates an [`Action`] against the snapshot, writes it through
//! the store in one transaction, updates the snapshot in place (no reload) and records how to
//! undo it. The window and the command line both go through here, so they cannot disagree.

use crate::error::{Error, Result};
use crate::model::framework_edit::{self, SkillText};
use crate::model::{
    DEFAULT_REVIEW_MONTHS, Date, EventKind, HistoryEntry, Level, Member, MemberEvent, MemberId,
    Rating, RoleLevelId, SkillId, Snapshot, Source, Target, Team, TeamId, Timestamp,
};
use crate::model::{Framework, RoleLevel, Skill};
use crate::store::{Store, Writer};
use std::path::Path;
use std::sync::Arc;

pub use crate::model::MAX_NAME_CHARS;

/// How many steps undo remembers.
pub const UNDO_DEPTH: usize = 500;

/// A change to the matrix. Every change the program makes is one of these.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Create a team.
    CreateTeam {
        /// Its name, unique ignoring case.
        name: String,
    },
    /// Rename a team.
    RenameTeam {
        /// The team.
        team: TeamId,
        /// The new name.
        name: String,
    },
    /// Remove a team with its members, ratings and targets.
    RemoveTeam {
        /// The team.
        team: TeamId,
    },
    /// Add a member to a team. A former member of the team with that name comes back
    /// (with their ratings and history) instead.
    AddMember {
        /// The team.
        team: TeamId,
        /// The name, unique in the team ignoring case.
        name: String,
        /// The role level, if known.
        role_level: Option<RoleLevelId>,
        /// The day they joined; `None` means today (an import gives its earliest rating date).
        joined_on: Option<Date>,
    },
    /// Rename a member.
    RenameMember {
        /// The member.
        member: MemberId,
        /// The new name.
        name: String,
    },
    /// Change (or clear) a member's role level.
    SetRoleLevel {
        /// The member.
        member: MemberId,
        /// The new role level.
        role_level: Option<RoleLevelId>,
    },
    /// Move a member to another team.
    MoveMember {
        /// The member.
        member: MemberId,
        /// The team to move to.
        team: TeamId,
    },
    /// Move a member to another team on a past date (a history file imported).
    MoveMemberOn {
        /// The member.
        member: MemberId,
        /// The team to move to.
        team: TeamId,
        /// The day they moved.
        on: Date,
    },
    /// Change a member's role level on a past date (a history file imported).
    SetRoleLevelOn {
        /// The member.
        member: MemberId,
        /// The new role level.
        role_level: Option<RoleLevelId>,
        /// The day it changed.
        on: Date,
    },
    /// The member leaves the team today: kept as a former member with their ratings and
    /// history, in as-of views before today.
    RemoveMember {
        /// The member.
        member: MemberId,
    },
    /// The member left on a past date (as [`Action::RemoveMember`], dated; demo data and
    /// scripts).
    Leave {
        /// The member.
        member: MemberId,
        /// The day they left.
        on: Date,
    },
    /// Delete a member (current or former) and their history permanently (right to erasure).
    EraseMember {
        /// The member.
        member: MemberId,
    },
    /// Set a member's rating in a skill.
    SetRating {
        /// The member.
        member: MemberId,
        /// The skill.
        skill: SkillId,
        /// The level.
        level: Level,
        /// Evidence, possibly empty.
        note: String,
        /// Interested in developing the skill.
        interested: bool,
        /// The assessment date. `None`: today, or the rating's own date when only the note or
        /// the flag changes. Imports of dated ratings and `rate --on` set it.
        on: Option<Date>,
    },
    /// Set a member's own rating (self-assessment) in a skill. Coverage and gaps do not use it.
    SetSelfRating {
        /// The member.
        member: MemberId,
        /// The skill.
        skill: SkillId,
        /// The level they gave themselves.
        level: Level,
        /// Their evidence, possibly empty.
        note: String,
        /// Interested in developing the skill.
        interested: bool,
        /// The assessment date (as for [`Action::SetRating`]).
        on: Option<Date>,
    },
    /// Clear a member's own rating in a skill.
    ClearSelfRating {
        /// The member.
        member: MemberId,
        /// The skill.
        skill: SkillId,
    },
    /// "Reviewed, still at this level": re-stamp a rating's assessment date.
    ReviewRating {
        /// The member.
        member: MemberId,
        /// The skill.
        skill: SkillId,
        /// The assessment date; `None` means today.
        on: Option<Date>,
    },
    /// Clear a member's rating in a skill (back to "not rated").
    ClearRating {
        /// The member.
        member: MemberId,
        /// The skill.
        skill: SkillId,
    },
    /// Set a team's target for a skill, or with `None` go back to the default.
    SetTarget {
        /// The team.
        team: TeamId,
        /// The skill.
        skill: SkillId,
        /// The target, or `None` for the default.
        target: Option<Target>,
    },
    /// Add a skill of the lead's own (a custom skill).
    AddSkill {
        /// Its name, category, description and descriptors.
        text: SkillText,
    },
    /// Change a custom skill's name, category, description or descriptors (or a framework
    /// skill's category).
    EditSkill {
        /// The skill.
        skill: SkillId,
        /// The new text.
        text: SkillText,
    },
    /// Retire a skill (hidden from the matrix and analysis, ratings and history kept) or
    /// restore it.
    SetSkillRetired {
        /// The skill.
        skill: SkillId,
        /// Retired or restored.
        retired: bool,
    },
    /// Set the level a role level requires in a custom skill (`None`: not required).
    SetCustomRequirement {
        /// The role level.
        role_level: RoleLevelId,
        /// The custom skill.
        skill: SkillId,
        /// The level, or `None`.
        level: Option<Level>,
    },
    /// Take away a just-added custom skill (used by undo): deleted when nothing refers to it
    /// and it is the last skill, otherwise retired.
    DeleteSkill {
        /// The skill.
        skill: SkillId,
    },
    /// Replace the framework with another with the same ids (a framework update merged by
    /// [`crate::model::framework_edit::merge`], or its undo).
    UpdateFramework {
        /// The framework after the change.
        framework: Box<Framework>,
    },
    /// Set how many months a team's ratings stay fresh.
    SetReviewPeriod {
        /// The team.
        team: TeamId,
        /// Months, 1 to 120.
        months: u32,
    },
    /// Undo a rating change: records a retraction of its history entry and puts the rating
    /// back as it was (used by undo).
    RetractRating {
        /// The member.
        member: MemberId,
        /// The skill.
        skill: SkillId,
        /// The history entry undone.
        entry: i64,
        /// The rating before it.
        restore: Option<Rating>,
        /// Whose rating.
        source: Source,
        /// The past assessment the entry recorded, when it was older than the rating held
        /// and so left it as it was (history only): its redo records it again.
        past: Option<Rating>,
    },
    /// Undo a member event (joined again, left, moved, role change): records a retraction and
    /// puts the member back as they were (used by undo).
    RetractEvent {
        /// The member.
        member: MemberId,
        /// The event undone.
        event: i64,
        /// Its kind (so redo can repeat it).
        kind: EventKind,
        /// Its date (so redo repeats it on the same day).
        on: Date,
        /// The team before it.
        team: TeamId,
        /// The role level before it.
        role_level: Option<RoleLevelId>,
        /// When they had left, before it.
        left_on: Option<Date>,
    },
    /// Put back a removed team exactly as it was (used by undo).
    RestoreTeam(Box<TeamRecord>),
    /// Put back a removed member exactly as they were (used by undo).
    RestoreMember(Box<MemberRecord>),
}

/// A removed member with everything needed to put them back.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRecord {
    /// The member with ratings.
    pub member: Member,
    /// Their rating history, in recorded order.
    pub history: Vec<HistoryEntry>,
    /// Their events, in recorded order.
    pub events: Vec<MemberEvent>,
}

/// A removed team with everything needed to put it back.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRecord {
    /// The team's id.
    pub id: TeamId,
    /// Its name.
    pub name: String,
    /// Its review period in months.
    pub review_months: u32,
    /// Its own targets.
    pub targets: Vec<(SkillId, Target)>,
    /// Its members, current and former.
    pub members: Vec<MemberRecord>,
    /// Where a rolled-up team came from, so a later roll-up of that file still recognises
    /// it after undo.
    pub rollup: Option<crate::store::RollupOrigin>,
}

/// What applying an action produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// The team created or restored, if any.
    pub team: Option<TeamId>,
    /// The member added or restored, if any.
    pub member: Option<MemberId>,
    /// The skill added, if any.
    pub skill: Option<SkillId>,
    /// False when the action changed nothing (e.g. setting a rating to what it already is).
    pub changed: bool,
}

/// One step of undo or redo: the actions that revert a step, applied in order, in one
/// transaction.
#[derive(Debug, Clone)]
struct Step {
    label: String,
    actions: Vec<Action>,
}

/// The store, the snapshot and the undo history.
#[derive(Debug)]
pub struct Core {
    store: Store,
    snapshot: Snapshot,
    undo: Vec<Step>,
    redo: Vec<Step>,
    generation: u64,
}

/// Applies actions inside one transaction; handed to the closure of [`Core::apply_batch`].
pub struct Batch<'a, 'w> {
    snapshot: &'a mut Snapshot,
    writer: &'a Writer<'w>,
    now: Now,
    inverses: Vec<Action>,
}

impl Batch<'_, '_> {
    /// Makes room for `additional` more undo steps (an import knows how many changes it
    /// applies).
    pub fn reserve(&mut self, additional: usize) {
        self.inverses.reserve(additional);
    }

    /// Applies one action as part of the batch.
    pub fn apply(&mut self, action: Action) -> Result<Outcome> {
        let (outcome, inverse) = apply_one(self.snapshot, self.writer, action, self.now)?;
        self.inverses.extend(inverse);
        Ok(outcome)
    }

    /// The snapshot as it stands after the actions applied so far.
    pub fn snapshot(&self) -> &Snapshot {
        self.snapshot
    }
}

/// The current time.
pub fn now() -> Timestamp {
    Timestamp::now()
}

impl Core {
    /// Opens (creating and seeding if needed) the database at `path` and loads it.
    pub fn open(path: &Path) -> Result<Core> {
        Core::with_store(Store::open(path)?)
    }

    /// Opens the database at `path` for reading only, without the write lock (see
    /// [`Store::open_read_only`]), and loads it inside one read transaction that later reads
    /// (history) share, so a command sees one consistent state while others edit.
    pub fn open_read_only(path: &Path) -> Result<Core> {
        let store = Store::open_read_only(path)?;
        store.begin_read()?;
        Core::with_store(store)
    }

    /// A core over a fresh in-memory database.
    ///
    /// ```
    /// use capmatrix::core::{Action, Core};
    /// let mut core = Core::open_in_memory().unwrap();
    /// let team = core.apply(Action::CreateTeam { name: "Platform".into() }).unwrap().team.unwrap();
    /// assert_eq!(core.snapshot().team(team).unwrap().name, "Platform");
    /// core.undo().unwrap();
    /// assert!(core.snapshot().team(team).is_none());
    /// ```
    pub fn open_in_memory() -> Result<Core> {
        Core::with_store(Store::open_in_memory()?)
    }

    /// A core over an open store.
    pub fn with_store(store: Store) -> Result<Core> {
        let snapshot = store.load()?;
        Ok(Core {
            store,
            snapshot,
            undo: Vec::new(),
            redo: Vec::new(),
            generation: 0,
        })
    }

    /// What screens and commands read.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// A number that changes whenever the snapshot may have changed, so screens can cache
    /// what they derive from it (analysis, sorted rows).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The store, for the crate's own reads (info, check, export history).
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// The matrix as the database holds it now, read afresh: to check that the in-memory
    /// snapshot agrees with what was written.
    pub fn read_back(&self) -> Result<Snapshot> {
        self.store.load()
    }

    /// Counts of teams, members, ratings and history entries in the database.
    pub fn counts(&self) -> Result<crate::store::Counts> {
        self.store.counts()
    }

    /// Writes a consistent copy of the database to `dest` (see [`Store::backup_to`]).
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        self.store.backup_to(dest)
    }

    /// Applies one action in one transaction and records it for undo. When it changes nothing,
    /// nothing is written and undo is untouched.
    pub fn apply(&mut self, action: Action) -> Result<Outcome> {
        // Refused before the write transaction, so a refusal costs nothing.
        check_not_rolled_up(&self.snapshot, &action)?;
        let label = action_label(&action);
        let mut outcome = Outcome::default();
        let inverses = self.run(vec![action], |o| outcome = o)?;
        if outcome.changed {
            self.push_undo(label, inverses);
        }
        Ok(outcome)
    }

    /// Closes the database and leaves the matrix and undo steps in memory for the process's
    /// exit to free: for a command about to exit, which would otherwise free 100,000 ratings
    /// and their undo steps one by one (4% of a large import's time).
    pub fn close_for_exit(self) {
        let Core {
            store,
            snapshot,
            undo,
            redo,
            ..
        } = self;
        drop(store);
        std::mem::forget((snapshot, undo, redo));
    }

    /// Applies many actions in one transaction, as one undo step: all of them, or (on any
    /// error) none of them.
    pub fn apply_batch<T>(
        &mut self,
        label: &str,
        f: impl FnOnce(&mut Batch<'_, '_>) -> Result<T>,
    ) -> Result<T> {
        let now = now();
        self.generation += 1;
        let Core {
            store, snapshot, ..
        } = self;
        let result = store.write(|writer| {
            let mut batch = Batch {
                snapshot,
                writer,
                now: Now::of(now),
                inverses: Vec::new(),
            };
            let value = f(&mut batch)?;
            Ok((value, batch.inverses))
        });
        match result {
            Ok((value, mut inverses)) => {
                inverses.reverse();
                if !inverses.is_empty() {
                    self.push_undo(label.to_string(), inverses);
                }
                Ok(value)
            }
            Err(e) => {
                // Some actions may have updated the snapshot before the failure.
                self.snapshot = self.store.load()?;
                Err(e)
            }
        }
    }

    /// Runs actions in one transaction; returns the actions that revert them, in order.
    fn run(&mut self, actions: Vec<Action>, mut last: impl FnMut(Outcome)) -> Result<Vec<Action>> {
        let now = Now::of(now());
        self.generation += 1;
        let Core {
            store, snapshot, ..
        } = self;
        let result = store.write(|writer| {
            let mut inverses = Vec::new();
            for action in actions {
                let (outcome, inverse) = apply_one(snapshot, writer, action, now)?;
                last(outcome);
                inverses.extend(inverse);
            }
            Ok(inverses)
        });
        match result {
            Ok(mut inverses) => {
                inverses.reverse();
                Ok(inverses)
            }
            Err(e) => {
                // A failed commit (or a failure after the first of several actions) can leave
                // the snapshot ahead of the database: read it back.
                self.snapshot = self.store.load()?;
                Err(e)
            }
        }
    }

    fn push_undo(&mut self, label: String, actions: Vec<Action>) {
        self.undo.push(Step { label, actions });
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// The member (and skill, for a rating) the next undo would touch, so the window can show
    /// it.
    pub fn undo_focus(&self) -> Option<(MemberId, Option<SkillId>)> {
        self.undo.last().and_then(|s| step_focus(&s.actions))
    }

    /// The member (and skill) the next redo would touch.
    pub fn redo_focus(&self) -> Option<(MemberId, Option<SkillId>)> {
        self.redo.last().and_then(|s| step_focus(&s.actions))
    }

    /// The rating history of a member (optionally one skill), in recorded order, undone
    /// entries marked.
    pub fn history(&self, member: MemberId, skill: Option<SkillId>) -> Result<Vec<HistoryEntry>> {
        self.store.history(member, skill)
    }

    /// A member's events (joined, left, moved, role changes), in recorded order.
    pub fn events(&self, member: MemberId) -> Result<Vec<MemberEvent>> {
        self.store.events(member)
    }

    /// Every rating entry and member event, for as-of views and trends.
    pub fn timeline(&self) -> Result<crate::model::history::Timeline> {
        self.store.timeline()
    }

    /// Forgets every undo and redo step (after a permanent deletion, so that nothing of the
    /// erased person stays in memory).
    pub fn forget_undo(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }

    /// The database file.
    pub fn db_path(&self) -> &Path {
        self.store.path()
    }

    /// Whether this process can write (holds the write lock).
    pub fn is_writable(&self) -> bool {
        self.store.is_writable()
    }

    /// Why the database cannot be written, if it cannot (see [`Store::read_only_reason`]).
    pub fn read_only_reason(&self) -> Option<String> {
        self.store.read_only_reason()
    }

    /// What undo would revert, if anything.
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|s| s.label.as_str())
    }

    /// What redo would re-apply, if anything.
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|s| s.label.as_str())
    }

    /// Reverts the last step. Returns false when there was nothing to undo.
    pub fn undo(&mut self) -> Result<bool> {
        let Some(step) = self.undo.pop() else {
            return Ok(false);
        };
        match self.run(step.actions.clone(), |_| {}) {
            Ok(redo) => {
                self.redo.push(Step {
                    label: step.label,
                    actions: redo,
                });
                Ok(true)
            }
            Err(e) => {
                self.undo.push(step);
                Err(e)
            }
        }
    }

    /// Re-applies the last undone step. Returns false when there was nothing to redo.
    pub fn redo(&mut self) -> Result<bool> {
        let Some(step) = self.redo.pop() else {
            return Ok(false);
        };
        match self.run(step.actions.clone(), |_| {}) {
            Ok(undo) => {
                self.undo.push(Step {
                    label: step.label,
                    actions: undo,
                });
                Ok(true)
            }
            Err(e) => {
                self.redo.push(step);
                Err(e)
            }
        }
    }
}

impl Action {
    /// Sets `source`'s rating of a member in a skill: the lead's ([`Action::SetRating`]) or
    /// their own ([`Action::SetSelfRating`]).
    pub fn set_rating_of(
        source: Source,
        (member, skill): (MemberId, SkillId),
        (level, note, interested): (Level, String, bool),
        on: Option<Date>,
    ) -> Action {
        match source {
            Source::Lead => Action::SetRating {
                member,
                skill,
                level,
                note,
                interested,
                on,
            },
            Source::SelfAssessed => Action::SetSelfRating {
                member,
                skill,
                level,
                note,
                interested,
                on,
            },
        }
    }
}

/// The member and skill a step's actions are about: the first action that names a member.
fn step_focus(actions: &[Action]) -> Option<(MemberId, Option<SkillId>)> {
    actions.iter().find_map(|a| match a {
        Action::SetRating { member, skill, .. }
        | Action::SetSelfRating { member, skill, .. }
        | Action::ClearSelfRating { member, skill }
        | Action::ReviewRating { member, skill, .. }
        | Action::RetractRating { member, skill, .. }
        | Action::ClearRating { member, skill } => Some((*member, Some(*skill))),
        Action::RenameMember { member, .. }
        | Action::SetRoleLevel { member, .. }
        | Action::SetRoleLevelOn { member, .. }
        | Action::MoveMember { member, .. }
        | Action::MoveMemberOn { member, .. }
        | Action::RetractEvent { member, .. }
        | Action::EraseMember { member }
        | Action::Leave { member, .. }
        | Action::RemoveMember { member } => Some((*member, None)),
        Action::RestoreMember(record) => Some((record.member.id, None)),
        _ => None,
    })
}

/// A short description of an action, for "Undo ..." labels.
pub fn action_label(action: &Action) -> String {
    match action {
        Action::CreateTeam { .. } => "create team",
        Action::RenameTeam { .. } => "rename team",
        Action::RemoveTeam { .. } => "remove team",
        Action::AddMember { .. } => "add member",
        Action::RenameMember { .. } => "rename member",
        Action::SetRoleLevel { .. } | Action::SetRoleLevelOn { .. } => "change role level",
        Action::MoveMember { .. } | Action::MoveMemberOn { .. } => "move member",
        Action::RemoveMember { .. } | Action::Leave { .. } => "member leaving",
        Action::EraseMember { .. } => "delete member permanently",
        Action::SetRating { .. } => "set rating",
        Action::ReviewRating { .. } => "mark reviewed",
        Action::SetSelfRating { .. } => "set self-assessment",
        Action::ClearSelfRating { .. } => "clear self-assessment",
        Action::SetReviewPeriod { .. } => "set review period",
        Action::RetractRating { .. } => "undo rating",
        Action::RetractEvent { .. } => "undo member change",
        Action::ClearRating { .. } => "clear rating",
        Action::SetTarget { .. } => "set team target",
        Action::AddSkill { .. } => "add skill",
        Action::EditSkill { .. } => "edit skill",
        Action::SetSkillRetired { retired: true, .. } => "retire skill",
        Action::SetSkillRetired { retired: false, .. } => "restore skill",
        Action::SetCustomRequirement { .. } => "set required level",
        Action::DeleteSkill { .. } => "remove skill",
        Action::UpdateFramework { .. } => "framework update",
        Action::RestoreTeam(_) => "restore team",
        Action::RestoreMember(_) => "restore member",
    }
    .to_string()
}

fn clean_name(kind: &'static str, name: &str) -> Result<String> {
    Ok(crate::model::clean_name(kind, name)?)
}

fn team_of(snapshot: &Snapshot, id: TeamId) -> Result<&Team> {
    snapshot.team(id).ok_or(Error::UnknownId {
        kind: "team",
        id: id.0,
    })
}

/// A current member (a former member gets [`Error::MemberLeft`]).
fn member_of(snapshot: &Snapshot, id: MemberId) -> Result<&Member> {
    if let Some(m) = snapshot.member(id) {
        return Ok(m);
    }
    match snapshot.former(id) {
        Some(m) => Err(Error::MemberLeft {
            member: m.name.clone(),
            team: snapshot
                .team(m.team)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            left_on: m.left_on.unwrap_or(crate::model::time::EARLIEST),
        }),
        None => Err(Error::UnknownId {
            kind: "member",
            id: id.0,
        }),
    }
}

/// A member, current or former.
fn anyone_of(snapshot: &Snapshot, id: MemberId) -> Result<&Member> {
    snapshot.anyone(id).ok_or(Error::UnknownId {
        kind: "member",
        id: id.0,
    })
}

/// Refuses an assessment date after today.
fn check_date(on: Option<Date>, today: Date) -> Result<()> {
    match on {
        Some(date) if date > today => Err(Error::FutureDate { date, today }),
        _ => Ok(()),
    }
}

fn check_team_name_free(snapshot: &Snapshot, name: &str, except: Option<TeamId>) -> Result<()> {
    match snapshot.team_named(name) {
        Some(t) if Some(t.id) != except => Err(Error::NameTaken {
            kind: "team",
            name: t.name.clone(),
            team: None,
        }),
        _ => Ok(()),
    }
}

fn check_member_name_free(
    snapshot: &Snapshot,
    team: TeamId,
    name: &str,
    except: Option<MemberId>,
) -> Result<()> {
    let team_name = &team_of(snapshot, team)?.name;
    if let Some(m) = snapshot.member_named(team, name)
        && Some(m.id) != except
    {
        return Err(Error::NameTaken {
            kind: "member",
            name: m.name.clone(),
            team: Some(team_name.clone()),
        });
    }
    match snapshot.former_named(team, name) {
        Some(m) if Some(m.id) != except => Err(Error::NameTaken {
            kind: "former member",
            name: m.name.clone(),
            team: Some(team_name.clone()),
        }),
        _ => Ok(()),
    }
}

fn check_skill(snapshot: &Snapshot, skill: SkillId) -> Result<()> {
    if snapshot.framework.has_skill(skill) {
        Ok(())
    } else {
        Err(Error::UnknownId {
            kind: "skill",
            id: i64::from(skill.0),
        })
    }
}

/// A skill that is in use: a retired skill cannot be rated or targeted until restored.
fn check_active_skill(snapshot: &Snapshot, skill: SkillId) -> Result<()> {
    check_skill(snapshot, skill)?;
    let s = snapshot.framework.skill(skill);
    if s.retired {
        return Err(Error::Skill(format!(
            "the skill \"{}\" is retired; restore it first (Skills > Skills... in the window, or capmatrix skills restore)",
            s.name
        )));
    }
    Ok(())
}

fn check_role_level(snapshot: &Snapshot, role_level: Option<RoleLevelId>) -> Result<()> {
    match role_level {
        Some(rl) if !snapshot.framework.has_role_level(rl) => Err(Error::UnknownId {
            kind: "role level",
            id: i64::from(rl.0),
        }),
        _ => Ok(()),
    }
}

/// A role level someone can be given: known and not retired.
fn check_assignable_role_level(snapshot: &Snapshot, role_level: Option<RoleLevelId>) -> Result<()> {
    check_role_level(snapshot, role_level)?;
    match role_level {
        Some(rl) if snapshot.framework.role_level(rl).retired => Err(Error::Skill(format!(
            "the role level \"{}\" is no longer in the framework (retired by a framework update); choose a current one",
            snapshot.framework.role_level(rl).name
        ))),
        _ => Ok(()),
    }
}

fn changed() -> Outcome {
    Outcome {
        changed: true,
        ..Outcome::default()
    }
}

/// Validates, writes and applies one action to the snapshot; returns what it did and the
/// action that reverts it (none when nothing changed). Validation happens before any write,
/// and the snapshot changes only after the writes succeeded.
/// What applying one action gives: its outcome, and the action that undoes it (none when
/// nothing changed).
type Applied = (Outcome, Option<Action>);

/// Applies one action: validates it against the snapshot, writes it through the writer, then
/// updates the snapshot. One method per action.
/// Refuses a change to a team that is a roll-up's copy of a team file: the next roll-up of
/// that file would replace it silently. Removing the team (and undoing that), erasing a
/// person, undo records and the framework stay allowed.
fn check_not_rolled_up(snapshot: &Snapshot, action: &Action) -> Result<()> {
    let team_of_member = |m: &MemberId| snapshot.anyone(*m).map(|m| m.team);
    let teams: Vec<TeamId> = match action {
        // Renaming a rolled-up team is naming it for every later roll-up (see rename_team).
        Action::SetReviewPeriod { team, .. }
        | Action::AddMember { team, .. }
        | Action::SetTarget { team, .. } => vec![*team],
        Action::MoveMember { member, team } | Action::MoveMemberOn { member, team, .. } => {
            team_of_member(member).into_iter().chain([*team]).collect()
        }
        Action::RenameMember { member, .. }
        | Action::SetRoleLevel { member, .. }
        | Action::SetRoleLevelOn { member, .. }
        | Action::RemoveMember { member }
        | Action::Leave { member, .. }
        | Action::SetRating { member, .. }
        | Action::SetSelfRating { member, .. }
        | Action::ClearSelfRating { member, .. }
        | Action::ReviewRating { member, .. }
        | Action::ClearRating { member, .. } => team_of_member(member).into_iter().collect(),
        _ => Vec::new(),
    };
    for team in teams {
        if let Some(source) = snapshot.rolled_up_from(team) {
            return Err(Error::RolledUp {
                team: snapshot
                    .team(team)
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                file: source.to_string(),
            });
        }
    }
    Ok(())
}

/// The instant a batch of actions is recorded at, with its local date (found once: the time
/// zone lookup is not free, and a batch may be 100,000 actions).
#[derive(Clone, Copy)]
struct Now {
    now: Timestamp,
    today: Date,
}

impl Now {
    fn of(now: Timestamp) -> Now {
        Now {
            now,
            today: now.local_date(),
        }
    }
}

fn apply_one(
    snapshot: &mut Snapshot,
    w: &Writer<'_>,
    action: Action,
    Now { now, today }: Now,
) -> Result<Applied> {
    check_not_rolled_up(snapshot, &action)?;
    let mut a = Applier {
        snapshot,
        w,
        now,
        today,
    };
    match action {
        Action::CreateTeam { name } => a.create_team(&name),
        Action::RenameTeam { team, name } => a.rename_team(team, &name),
        Action::RemoveTeam { team } => a.remove_team(team),
        Action::RestoreTeam(record) => a.restore_team(*record),
        Action::SetReviewPeriod { team, months } => a.set_review_period(team, months),
        Action::AddMember {
            team,
            name,
            role_level,
            joined_on,
        } => a.add_member(team, &name, role_level, joined_on),
        Action::RenameMember { member, name } => a.rename_member(member, &name),
        Action::SetRoleLevel { member, role_level } => a.set_role_level(member, role_level, None),
        Action::SetRoleLevelOn {
            member,
            role_level,
            on,
        } => a.set_role_level(member, role_level, Some(on)),
        Action::MoveMember { member, team } => a.move_member(member, team, None),
        Action::MoveMemberOn { member, team, on } => a.move_member(member, team, Some(on)),
        Action::RemoveMember { member } => a.leave(member, None),
        Action::Leave { member, on } => a.leave(member, Some(on)),
        Action::EraseMember { member } => a.erase_member(member),
        Action::RestoreMember(record) => a.restore_member(*record),
        Action::RetractEvent {
            member,
            event,
            kind,
            on,
            team,
            role_level,
            left_on,
        } => a.retract_event(member, event, (kind, on), team, role_level, left_on),
        Action::SetRating {
            member,
            skill,
            level,
            note,
            interested,
            on,
        } => a.set_rating(Source::Lead, (member, skill), level, note, interested, on),
        Action::SetSelfRating {
            member,
            skill,
            level,
            note,
            interested,
            on,
        } => a.set_rating(
            Source::SelfAssessed,
            (member, skill),
            level,
            note,
            interested,
            on,
        ),
        Action::ClearSelfRating { member, skill } => {
            a.clear_rating(Source::SelfAssessed, member, skill)
        }
        Action::ReviewRating { member, skill, on } => a.review_rating(member, skill, on),
        Action::ClearRating { member, skill } => a.clear_rating(Source::Lead, member, skill),
        Action::RetractRating {
            member,
            skill,
            entry,
            restore,
            source,
            past,
        } => a.retract_rating(source, (member, skill), entry, restore, past),
        Action::SetTarget {
            team,
            skill,
            target,
        } => a.set_target(team, skill, target),
        Action::AddSkill { text } => a.add_skill(text),
        Action::EditSkill { skill, text } => a.edit_skill(skill, text),
        Action::SetSkillRetired { skill, retired } => a.set_skill_retired(skill, retired),
        Action::SetCustomRequirement {
            role_level,
            skill,
            level,
        } => a.set_custom_requirement(role_level, skill, level),
        Action::DeleteSkill { skill } => a.delete_skill(skill),
        Action::UpdateFramework { framework } => a.update_framework(*framework),
    }
}

/// The snapshot, the writer of the open transaction, the time of the change and the user's
/// date then.
struct Applier<'a, 'w> {
    snapshot: &'a mut Snapshot,
    w: &'a Writer<'w>,
    now: Timestamp,
    today: Date,
}

impl Applier<'_, '_> {
    /// Writes a framework that changes no one's ratings (skills added or edited) and puts it
    /// in the snapshot.
    fn put_framework(&mut self, framework: Framework) -> Result<()> {
        self.w.write_framework(&framework)?;
        self.snapshot.framework = Arc::new(framework);
        Ok(())
    }

    /// Writes a framework that may change what is shown (skills retired or restored, a
    /// framework update) and reloads the snapshot from the transaction.
    fn put_framework_and_reload(&mut self, framework: &Framework) -> Result<()> {
        self.w.write_framework(framework)?;
        *self.snapshot = self.w.load()?;
        Ok(())
    }

    fn add_skill(&mut self, text: SkillText) -> Result<Applied> {
        let (next, skill) = framework_edit::add_custom_skill(&self.snapshot.framework, text)?;
        self.put_framework(next)?;
        let outcome = Outcome {
            skill: Some(skill),
            ..changed()
        };
        Ok((outcome, Some(Action::DeleteSkill { skill })))
    }

    fn delete_skill(&mut self, skill: SkillId) -> Result<Applied> {
        let fw = &self.snapshot.framework;
        check_skill(self.snapshot, skill)?;
        let text = SkillText::of(fw.skill(skill));
        if skill.index() + 1 == fw.skills.len()
            && fw.skill(skill).custom
            && !self.w.skill_referenced(skill)?
        {
            let mut next = (**fw).clone();
            next.skills.pop();
            let next = next.rebuilt()?;
            self.put_framework(next)?;
            return Ok((changed(), Some(Action::AddSkill { text })));
        }
        self.set_skill_retired(skill, true)
    }

    fn edit_skill(&mut self, skill: SkillId, text: SkillText) -> Result<Applied> {
        check_skill(self.snapshot, skill)?;
        let old = SkillText::of(self.snapshot.framework.skill(skill));
        let next = framework_edit::edit_skill(&self.snapshot.framework, skill, text)?;
        if SkillText::of(next.skill(skill)) == old {
            return Ok((Outcome::default(), None));
        }
        self.put_framework(next)?;
        Ok((changed(), Some(Action::EditSkill { skill, text: old })))
    }

    fn set_skill_retired(&mut self, skill: SkillId, retired: bool) -> Result<Applied> {
        check_skill(self.snapshot, skill)?;
        if self.snapshot.framework.skill(skill).retired == retired {
            return Ok((Outcome::default(), None));
        }
        let next = framework_edit::set_retired(&self.snapshot.framework, skill, retired)?;
        self.put_framework_and_reload(&next)?;
        Ok((
            changed(),
            Some(Action::SetSkillRetired {
                skill,
                retired: !retired,
            }),
        ))
    }

    fn set_custom_requirement(
        &mut self,
        role_level: RoleLevelId,
        skill: SkillId,
        level: Option<Level>,
    ) -> Result<Applied> {
        check_skill(self.snapshot, skill)?;
        check_role_level(self.snapshot, Some(role_level))?;
        let old = self.snapshot.framework.required(role_level, skill);
        if old == level {
            return Ok((Outcome::default(), None));
        }
        let next = framework_edit::set_custom_requirement(
            &self.snapshot.framework,
            role_level,
            skill,
            level,
        )?;
        self.put_framework(next)?;
        Ok((
            changed(),
            Some(Action::SetCustomRequirement {
                role_level,
                skill,
                level: old,
            }),
        ))
    }

    fn update_framework(&mut self, framework: Framework) -> Result<Applied> {
        let old = (*self.snapshot.framework).clone();
        // Ids never move and nothing is deleted: what the new framework lacks at the end
        // (skills and role levels an update added, when it is undone) stays, retired.
        // Ids never move. What the new framework lacks at the end (skills and role levels an
        // update added, when it is undone) is deleted when nothing uses it, from the end;
        // otherwise it stays, retired.
        let mut next = framework;
        let mut skills_kept = old.skills.len();
        while skills_kept > next.skills.len()
            && !self.w.skill_used(SkillId(skills_kept as u32 - 1))?
        {
            skills_kept -= 1;
        }
        for s in &old.skills[next.skills.len().min(skills_kept)..skills_kept] {
            next.skills.push(Skill {
                retired: true,
                ..s.clone()
            });
        }
        let mut levels_kept = old.role_levels.len();
        while levels_kept > next.role_levels.len()
            && !self
                .w
                .role_level_used(RoleLevelId(levels_kept as u32 - 1))?
        {
            levels_kept -= 1;
        }
        for l in &old.role_levels[next.role_levels.len().min(levels_kept)..levels_kept] {
            next.role_levels.push(RoleLevel {
                retired: true,
                ..l.clone()
            });
        }
        let roles_needed = next
            .role_levels
            .iter()
            .map(|l| l.role.index() + 1)
            .max()
            .unwrap_or(0);
        for r in old.roles.iter().take(roles_needed).skip(next.roles.len()) {
            next.roles.push(r.clone());
        }
        let families_needed = next
            .roles
            .iter()
            .map(|r| r.family.index() + 1)
            .max()
            .unwrap_or(0);
        for f in old
            .families
            .iter()
            .take(families_needed)
            .skip(next.families.len())
        {
            next.families.push(f.clone());
        }
        let (skills, levels) = (next.skills.len(), next.role_levels.len());
        for r in &mut next.roles {
            r.levels.retain(|l| l.index() < levels);
        }
        for l in &mut next.role_levels {
            l.requires.retain(|q| q.skill.index() < skills);
            l.dormant.retain(|q| q.skill.index() < skills);
        }
        let next = framework_edit::settled(next.rebuilt()?);
        if next == old {
            return Ok((Outcome::default(), None));
        }
        self.put_framework_and_reload(&next)?;
        Ok((
            changed(),
            Some(Action::UpdateFramework {
                framework: Box::new(old),
            }),
        ))
    }

    fn create_team(&mut self, name: &str) -> Result<Applied> {
        let name = clean_name("team", name)?;
        check_team_name_free(self.snapshot, &name, None)?;
        let id = self.w.insert_team(None, &name)?;
        self.snapshot.put_team(Team {
            id,
            name,
            members: Default::default(),
            review_months: DEFAULT_REVIEW_MONTHS,
        });
        let outcome = Outcome {
            team: Some(id),
            ..changed()
        };
        Ok((outcome, Some(Action::RemoveTeam { team: id })))
    }

    fn rename_team(&mut self, team: TeamId, name: &str) -> Result<Applied> {
        let name = clean_name("team", name)?;
        let old = team_of(self.snapshot, team)?.name.clone();
        if old == name {
            return Ok((Outcome::default(), None));
        }
        check_team_name_free(self.snapshot, &name, Some(team))?;
        if let Some(source) = self.snapshot.rolled_up_from(team) {
            let source = source.to_string();
            self.name_for_rollups(&source, (&old, &name))?;
        }
        self.w.rename_team(team, &name)?;
        self.snapshot.rename_team(team, &name);
        Ok((changed(), Some(Action::RenameTeam { team, name: old })))
    }

    /// A rolled-up team renamed in the organisation database keeps its name in every later
    /// roll-up of its file: the rule giving it `old` now gives `new` (or a new rule maps the
    /// name the roll-up gives it to `new`).
    fn name_for_rollups(&mut self, source: &str, (old, new): (&str, &str)) -> Result<()> {
        if source.starts_with("merged:") {
            return Err(Error::MergedTeamName {
                team: old.to_string(),
            });
        }
        let prefix = format!("{}{source}\t", crate::store::ROLLUP_NAME_RULE);
        let rules = self.w.info_prefixed(&prefix)?;
        let mut found = false;
        for (key, value) in rules {
            if crate::model::name_key(&value) == crate::model::name_key(old) {
                self.w.set_info(&key, new)?;
                found = true;
            }
        }
        if !found {
            self.w
                .set_info(&format!("{prefix}{}", crate::model::name_key(old)), new)?;
        }
        Ok(())
    }

    fn set_review_period(&mut self, team: TeamId, months: u32) -> Result<Applied> {
        if !(1..=120).contains(&months) {
            return Err(Error::ReviewPeriod { months });
        }
        let old = team_of(self.snapshot, team)?.review_months;
        if old == months {
            return Ok((Outcome::default(), None));
        }
        self.w.set_review_months(team, months)?;
        self.snapshot.set_review_months(team, months);
        Ok((
            changed(),
            Some(Action::SetReviewPeriod { team, months: old }),
        ))
    }

    fn member_record(&self, member: &Member) -> Result<MemberRecord> {
        Ok(MemberRecord {
            history: self.w.history(member.id)?,
            events: self.w.events(member.id)?,
            member: member.clone(),
        })
    }

    fn remove_team(&mut self, team: TeamId) -> Result<Applied> {
        let t = team_of(self.snapshot, team)?;
        let mut members = Vec::new();
        for &m in &t.members {
            members.push(self.member_record(member_of(self.snapshot, m)?)?);
        }
        for m in self.snapshot.former_members(team) {
            members.push(self.member_record(m)?);
        }
        let record = TeamRecord {
            id: team,
            name: t.name.clone(),
            review_months: t.review_months,
            targets: self.snapshot.explicit_targets(team).collect(),
            members,
            rollup: self.w.rollup_of(team)?,
        };
        self.w.delete_team(team)?;
        self.snapshot.remove_team(team);
        Ok((changed(), Some(Action::RestoreTeam(Box::new(record)))))
    }

    fn restore_team(&mut self, record: TeamRecord) -> Result<Applied> {
        if self.snapshot.team(record.id).is_some() {
            return Err(Error::IdInUse {
                kind: "team",
                id: record.id.0,
            });
        }
        check_team_name_free(self.snapshot, &record.name, None)?;
        let id = self.w.insert_team(Some(record.id), &record.name)?;
        self.w.set_review_months(id, record.review_months)?;
        if let Some(origin) = &record.rollup {
            self.w.record_rollup(id, origin)?;
            self.snapshot.set_rolled_up(id, Some(origin.source.clone()));
        }
        for &(skill, target) in &record.targets {
            self.w.set_target(id, skill, Some(target))?;
        }
        for m in &record.members {
            insert_member_record(self.w, m, self.now)?;
        }
        self.snapshot.put_team(Team {
            id,
            name: record.name.clone(),
            members: Default::default(),
            review_months: record.review_months,
        });
        for &(skill, target) in &record.targets {
            self.snapshot.set_target(id, skill, Some(target));
        }
        for m in record.members {
            self.snapshot.put_member(m.member);
        }
        let outcome = Outcome {
            team: Some(id),
            ..changed()
        };
        Ok((outcome, Some(Action::RemoveTeam { team: id })))
    }

    /// Appends a member event dated `on` and returns its id.
    fn event(
        &self,
        member: MemberId,
        kind: EventKind,
        on: Date,
        team: Option<TeamId>,
        role_level: Option<RoleLevelId>,
    ) -> Result<i64> {
        self.w.append_event(
            member,
            &MemberEvent {
                id: 0,
                kind,
                on,
                recorded: self.now,
                team,
                role_level,
                undone: None,
            },
        )
    }

    /// The action that undoes an event of `member` (as they are before it).
    fn retraction(member: &Member, event: i64, kind: EventKind, on: Date) -> Action {
        Action::RetractEvent {
            member: member.id,
            event,
            kind,
            on,
            team: member.team,
            role_level: member.role_level,
            left_on: member.left_on,
        }
    }

    fn add_member(
        &mut self,
        team: TeamId,
        name: &str,
        role_level: Option<RoleLevelId>,
        joined_on: Option<Date>,
    ) -> Result<Applied> {
        let name = clean_name("member", name)?;
        team_of(self.snapshot, team)?;
        check_assignable_role_level(self.snapshot, role_level)?;
        check_date(joined_on, self.today)?;
        let on = joined_on.unwrap_or(self.today);
        if let Some(former) = self.snapshot.former_named(team, &name) {
            return self.rejoin(former.id, role_level, on);
        }
        check_member_name_free(self.snapshot, team, &name, None)?;
        let id = self.w.insert_member(None, team, &name, role_level, None)?;
        self.event(id, EventKind::Joined, on, Some(team), role_level)?;
        self.snapshot.put_member(Member {
            id,
            team,
            name,
            role_level,
            ratings: Default::default(),
            self_ratings: Default::default(),
            left_on: None,
        });
        let outcome = Outcome {
            member: Some(id),
            ..changed()
        };
        Ok((outcome, Some(Action::EraseMember { member: id })))
    }

    /// A former member comes back, with their ratings and history (and a new role level, if
    /// given).
    fn rejoin(
        &mut self,
        member: MemberId,
        role_level: Option<RoleLevelId>,
        on: Date,
    ) -> Result<Applied> {
        let before = anyone_of(self.snapshot, member)?.clone();
        let role_level = role_level.or(before.role_level);
        // Back no earlier than the day they left (an import dates a new member from their
        // earliest rating, which for someone coming back is from their first time).
        let on = before.left_on.map_or(on, |left| on.max(left));
        self.w.set_left(member, None)?;
        if role_level != before.role_level {
            self.w.set_role_level(member, role_level)?;
        }
        let event = self.event(member, EventKind::Joined, on, Some(before.team), role_level)?;
        self.snapshot.put_member(Member {
            left_on: None,
            role_level,
            ..before.clone()
        });
        let outcome = Outcome {
            member: Some(member),
            ..changed()
        };
        Ok((
            outcome,
            Some(Self::retraction(&before, event, EventKind::Joined, on)),
        ))
    }

    fn rename_member(&mut self, member: MemberId, name: &str) -> Result<Applied> {
        let name = clean_name("member", name)?;
        let m = anyone_of(self.snapshot, member)?;
        let old = m.name.clone();
        if old == name {
            return Ok((Outcome::default(), None));
        }
        check_member_name_free(self.snapshot, m.team, &name, Some(member))?;
        self.w.rename_member(member, &name)?;
        self.snapshot.rename_member(member, &name);
        Ok((changed(), Some(Action::RenameMember { member, name: old })))
    }

    /// A role level change, today or on a past date.
    fn set_role_level(
        &mut self,
        member: MemberId,
        role_level: Option<RoleLevelId>,
        on: Option<Date>,
    ) -> Result<Applied> {
        check_role_level(self.snapshot, role_level)?;
        check_date(on, self.today)?;
        let on = on.unwrap_or(self.today);
        let before = member_of(self.snapshot, member)?.clone();
        if before.role_level == role_level {
            return Ok((Outcome::default(), None));
        }
        check_assignable_role_level(self.snapshot, role_level)?;
        self.w.set_role_level(member, role_level)?;
        let event = self.event(member, EventKind::Role, on, None, role_level)?;
        self.snapshot.set_role_level(member, role_level);
        Ok((
            changed(),
            Some(Self::retraction(&before, event, EventKind::Role, on)),
        ))
    }

    /// A move to another team, today or on a past date.
    fn move_member(&mut self, member: MemberId, team: TeamId, on: Option<Date>) -> Result<Applied> {
        check_date(on, self.today)?;
        let on = on.unwrap_or(self.today);
        let before = member_of(self.snapshot, member)?.clone();
        if before.team == team {
            return Ok((Outcome::default(), None));
        }
        check_member_name_free(self.snapshot, team, &before.name, Some(member))?;
        self.w.move_member(member, team)?;
        let event = self.event(member, EventKind::Moved, on, Some(team), before.role_level)?;
        self.snapshot.move_member(member, team);
        Ok((
            changed(),
            Some(Self::retraction(&before, event, EventKind::Moved, on)),
        ))
    }

    /// The member leaves (today, or on a past date); their ratings and history stay.
    fn leave(&mut self, member: MemberId, on: Option<Date>) -> Result<Applied> {
        check_date(on, self.today)?;
        let on = on.unwrap_or(self.today);
        let before = member_of(self.snapshot, member)?.clone();
        let joined = self
            .w
            .events(member)?
            .into_iter()
            .filter(|e| e.kind == EventKind::Joined && e.undone.is_none())
            .map(|e| e.on)
            .max();
        if let Some(joined) = joined
            && on < joined
        {
            return Err(Error::LeftBeforeJoining {
                member: before.name.clone(),
                left: on,
                joined,
            });
        }
        self.w.set_left(member, Some(on))?;
        let event = self.event(member, EventKind::Left, on, None, None)?;
        self.snapshot.put_member(Member {
            left_on: Some(on),
            ..before.clone()
        });
        Ok((
            changed(),
            Some(Self::retraction(&before, event, EventKind::Left, on)),
        ))
    }

    fn retract_event(
        &mut self,
        member: MemberId,
        event: i64,
        (kind, on): (EventKind, Date),
        team: TeamId,
        role_level: Option<RoleLevelId>,
        left_on: Option<Date>,
    ) -> Result<Applied> {
        let now = anyone_of(self.snapshot, member)?.clone();
        team_of(self.snapshot, team)?;
        check_role_level(self.snapshot, role_level)?;
        if team != now.team {
            check_member_name_free(self.snapshot, team, &now.name, Some(member))?;
        }
        // Redo repeats the change, recorded anew.
        let redo = match kind {
            EventKind::Joined => Action::AddMember {
                team: now.team,
                name: now.name.clone(),
                role_level: now.role_level,
                joined_on: Some(on),
            },
            EventKind::Left => Action::Leave { member, on },
            EventKind::Moved => Action::MoveMemberOn {
                member,
                team: now.team,
                on,
            },
            EventKind::Role => Action::SetRoleLevelOn {
                member,
                role_level: now.role_level,
                on,
            },
        };
        self.w.retract_event(member, event, self.now)?;
        if team != now.team {
            self.w.move_member(member, team)?;
        }
        if role_level != now.role_level {
            self.w.set_role_level(member, role_level)?;
        }
        if left_on != now.left_on {
            self.w.set_left(member, left_on)?;
        }
        self.snapshot.put_member(Member {
            team,
            role_level,
            left_on,
            ..now
        });
        let outcome = Outcome {
            member: Some(member),
            ..changed()
        };
        Ok((outcome, Some(redo)))
    }

    fn erase_member(&mut self, member: MemberId) -> Result<Applied> {
        let m = anyone_of(self.snapshot, member)?;
        let record = self.member_record(m)?;
        self.w.delete_member(member)?;
        self.snapshot.remove_member(member);
        Ok((changed(), Some(Action::RestoreMember(Box::new(record)))))
    }

    fn restore_member(&mut self, record: MemberRecord) -> Result<Applied> {
        let m = &record.member;
        if self.snapshot.anyone(m.id).is_some() {
            return Err(Error::IdInUse {
                kind: "member",
                id: m.id.0,
            });
        }
        check_member_name_free(self.snapshot, m.team, &m.name, None)?;
        check_role_level(self.snapshot, m.role_level)?;
        insert_member_record(self.w, &record, self.now)?;
        let id = m.id;
        self.snapshot.put_member(record.member);
        let outcome = Outcome {
            member: Some(id),
            ..changed()
        };
        Ok((outcome, Some(Action::EraseMember { member: id })))
    }

    /// A member's current ratings from one source.
    fn ratings_of(
        &self,
        source: Source,
        member: MemberId,
    ) -> Result<&std::collections::BTreeMap<SkillId, Rating>> {
        let m = member_of(self.snapshot, member)?;
        Ok(match source {
            Source::Lead => &m.ratings,
            Source::SelfAssessed => &m.self_ratings,
        })
    }

    /// Puts a rating (or none) into the snapshot for one source.
    fn put_in_snapshot(
        &mut self,
        source: Source,
        member: MemberId,
        skill: SkillId,
        rating: Option<Rating>,
    ) {
        match source {
            Source::Lead => self.snapshot.set_rating(member, skill, rating),
            Source::SelfAssessed => self.snapshot.set_self_rating(member, skill, rating),
        }
    }

    fn set_rating(
        &mut self,
        source: Source,
        (member, skill): (MemberId, SkillId),
        level: Level,
        note: String,
        interested: bool,
        on: Option<Date>,
    ) -> Result<Applied> {
        check_active_skill(self.snapshot, skill)?;
        check_date(on, self.today)?;
        let old = self.ratings_of(source, member)?.get(&skill).cloned();
        if let (Some(held), Some(date)) = (&old, on)
            && date < held.assessed_on
        {
            // The time rule: the current rating is the latest assessment. An older one is
            // history on its date (as-of views, trends and the profile show it there) and
            // leaves the rating held, its review date included, as it is.
            let past = Rating {
                level,
                note,
                interested,
                assessed_on: date,
            };
            let entry = self.w.append_history(
                member,
                &HistoryEntry {
                    id: 0,
                    skill,
                    level: Some(level),
                    note: past.note.clone(),
                    interested,
                    assessed_on: date,
                    recorded: self.now,
                    undone: None,
                    source,
                },
            )?;
            return Ok((
                changed(),
                Some(Action::RetractRating {
                    member,
                    skill,
                    entry,
                    restore: old,
                    source,
                    past: Some(past),
                }),
            ));
        }
        // Only the note or the flag changing keeps the assessment date.
        let assessed_on = on.unwrap_or(match &old {
            Some(o) if o.level == level => o.assessed_on,
            _ => self.today,
        });
        let rating = Rating {
            level,
            note,
            interested,
            assessed_on,
        };
        if old.as_ref() == Some(&rating) {
            return Ok((Outcome::default(), None));
        }
        let entry =
            self.w
                .record_rating(source, member, (skill, &rating), self.now, old.is_some())?;
        self.put_in_snapshot(source, member, skill, Some(rating));
        Ok((
            changed(),
            Some(Action::RetractRating {
                member,
                skill,
                entry,
                restore: old,
                source,
                past: None,
            }),
        ))
    }

    fn review_rating(
        &mut self,
        member: MemberId,
        skill: SkillId,
        on: Option<Date>,
    ) -> Result<Applied> {
        check_active_skill(self.snapshot, skill)?;
        let m = member_of(self.snapshot, member)?;
        let Some(r) = m.ratings.get(&skill).cloned() else {
            return Err(Error::NotRated {
                member: m.name.clone(),
                skill: self.snapshot.framework.skill(skill).name.clone(),
            });
        };
        let on = Some(on.unwrap_or(self.today));
        self.set_rating(
            Source::Lead,
            (member, skill),
            r.level,
            r.note,
            r.interested,
            on,
        )
    }

    fn clear_rating(
        &mut self,
        source: Source,
        member: MemberId,
        skill: SkillId,
    ) -> Result<Applied> {
        check_active_skill(self.snapshot, skill)?;
        let Some(old) = self.ratings_of(source, member)?.get(&skill).cloned() else {
            return Ok((Outcome::default(), None));
        };
        self.w.delete_rating_of(source, member, skill)?;
        let entry = self.w.append_history(
            member,
            &HistoryEntry {
                id: 0,
                skill,
                level: None,
                note: String::new(),
                interested: false,
                assessed_on: self.today,
                recorded: self.now,
                undone: None,
                source,
            },
        )?;
        self.put_in_snapshot(source, member, skill, None);
        Ok((
            changed(),
            Some(Action::RetractRating {
                member,
                skill,
                entry,
                restore: Some(old),
                source,
                past: None,
            }),
        ))
    }

    fn retract_rating(
        &mut self,
        source: Source,
        (member, skill): (MemberId, SkillId),
        entry: i64,
        restore: Option<Rating>,
        past: Option<Rating>,
    ) -> Result<Applied> {
        check_active_skill(self.snapshot, skill)?;
        let current = self.ratings_of(source, member)?.get(&skill).cloned();
        self.w.retract_history(member, entry, self.now)?;
        if let Some(p) = past {
            // A past assessment left the rating held as it was: only its entry goes, and its
            // redo records it on its date again.
            let redo = Action::set_rating_of(
                source,
                (member, skill),
                (p.level, p.note, p.interested),
                Some(p.assessed_on),
            );
            return Ok((changed(), Some(redo)));
        }
        match &restore {
            Some(r) => self.w.put_rating_of(source, member, skill, r, self.now)?,
            None => self.w.delete_rating_of(source, member, skill)?,
        }
        self.put_in_snapshot(source, member, skill, restore);
        // Redo records the change anew, with the date it had.
        let redo = match (current, source) {
            (Some(r), _) => Action::set_rating_of(
                source,
                (member, skill),
                (r.level, r.note, r.interested),
                Some(r.assessed_on),
            ),
            (None, Source::Lead) => Action::ClearRating { member, skill },
            (None, Source::SelfAssessed) => Action::ClearSelfRating { member, skill },
        };
        Ok((changed(), Some(redo)))
    }

    fn set_target(
        &mut self,
        team: TeamId,
        skill: SkillId,
        target: Option<Target>,
    ) -> Result<Applied> {
        check_active_skill(self.snapshot, skill)?;
        team_of(self.snapshot, team)?;
        let old = self.snapshot.explicit_target(team, skill);
        if old == target {
            return Ok((Outcome::default(), None));
        }
        self.w.set_target(team, skill, target)?;
        self.snapshot.set_target(team, skill, target);
        Ok((
            changed(),
            Some(Action::SetTarget {
                team,
                skill,
                target: old,
            }),
        ))
    }
}

/// Writes a member back with their ratings, history (undone entries retracted again) and
/// events, in their recorded order.
fn insert_member_record(w: &Writer<'_>, record: &MemberRecord, now: Timestamp) -> Result<()> {
    let m = &record.member;
    w.insert_member(Some(m.id), m.team, &m.name, m.role_level, m.left_on)?;
    for (&skill, rating) in &m.ratings {
        w.put_rating(m.id, skill, rating, now)?;
    }
    for (&skill, rating) in &m.self_ratings {
        w.put_rating_of(Source::SelfAssessed, m.id, skill, rating, now)?;
    }
    for h in &record.history {
        let id = w.append_history(m.id, h)?;
        if let Some(at) = h.undone {
            w.retract_history(m.id, id, at)?;
        }
    }
    for e in &record.events {
        let id = w.append_event(m.id, e)?;
        if let Some(at) = e.undone {
            w.retract_event(m.id, id, at)?;
        }
    }
    Ok(())
}
