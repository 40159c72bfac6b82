//! Teams, members, ratings and targets: the matrix a lead edits, held in memory as a
//! [`Snapshot`]. Pure data with incremental updates; the core keeps it in step with the store.

use super::time::{Date, Timestamp};
use super::{Framework, Level, RoleLevelId, SkillId, name_key};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// A team, by its database id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct TeamId(pub i64);

/// A member, by its database id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct MemberId(pub i64);

/// A member's current rating in one skill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    /// The level.
    pub level: Level,
    /// Evidence for the rating; empty when none was given.
    pub note: String,
    /// Whether the member is interested in developing this skill.
    pub interested: bool,
    /// The day the lead judged the level (kept when only the note or the flag changes).
    pub assessed_on: Date,
}

/// One entry of a rating's append-only history. `level: None` records that the rating was
/// cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Its id: entries are numbered in the order they were recorded.
    pub id: i64,
    /// The skill.
    pub skill: SkillId,
    /// The level set, or `None` when the rating was cleared.
    pub level: Option<Level>,
    /// The note at that time.
    pub note: String,
    /// The interested flag at that time.
    pub interested: bool,
    /// The assessment date the entry gave the rating.
    pub assessed_on: Date,
    /// Whose rating: the lead's or the person's own.
    pub source: Source,
    /// When it was recorded (never backdated).
    pub recorded: Timestamp,
    /// When it was undone, if it was: an undone entry is kept for audit and ignored by
    /// as-of views and trends.
    pub undone: Option<Timestamp>,
}

/// Whose rating: the lead's (what coverage, gaps and the heatmap use) or the person's own
/// self-assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub enum Source {
    /// The lead's rating.
    #[default]
    Lead,
    /// The person's own rating.
    #[serde(rename = "self")]
    SelfAssessed,
}

impl Source {
    /// The word stored and written in files: `lead` or `self`.
    pub fn code(self) -> &'static str {
        match self {
            Source::Lead => "lead",
            Source::SelfAssessed => "self",
        }
    }

    /// The source written as `code` (any case, surrounding spaces ignored).
    pub fn parse(text: &str) -> Option<Source> {
        match text.trim().to_ascii_lowercase().as_str() {
            "lead" => Some(Source::Lead),
            "self" => Some(Source::SelfAssessed),
            _ => None,
        }
    }
}

/// What happened to a member, for the matrix as of a past date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum EventKind {
    /// Joined a team (or came back).
    Joined,
    /// Left.
    Left,
    /// Moved to another team.
    Moved,
    /// Changed role level.
    Role,
}

impl EventKind {
    /// The word stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Joined => "joined",
            EventKind::Left => "left",
            EventKind::Moved => "moved",
            EventKind::Role => "role",
        }
    }

    /// The kind stored as `code`.
    pub fn from_code(code: &str) -> Option<EventKind> {
        [
            EventKind::Joined,
            EventKind::Left,
            EventKind::Moved,
            EventKind::Role,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// One entry of a member's append-only record of joining, leaving, moving and role changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEvent {
    /// Its id, in recorded order.
    pub id: i64,
    /// What happened.
    pub kind: EventKind,
    /// The day it happened.
    pub on: Date,
    /// When it was recorded.
    pub recorded: Timestamp,
    /// The team after the event (joined, moved).
    pub team: Option<TeamId>,
    /// The role level after the event (joined, role).
    pub role_level: Option<RoleLevelId>,
    /// When it was undone, if it was.
    pub undone: Option<Timestamp>,
}

/// How many people a team wants at or above which level in a skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Target {
    /// The level that counts as covering the skill.
    pub level: Level,
    /// How many people should cover it.
    pub count: u32,
}

/// The number of people a default target asks for.
pub const DEFAULT_TARGET_COUNT: u32 = 2;

/// A team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// Its id.
    pub id: TeamId,
    /// Its name, unique (ignoring case).
    pub name: String,
    /// Its current members (former members are kept apart, see [`Snapshot::former_members`]).
    pub members: BTreeSet<MemberId>,
    /// Ratings assessed longer ago than this many months are due for review.
    pub review_months: u32,
}

/// The review period a new team starts with.
pub const DEFAULT_REVIEW_MONTHS: u32 = 12;

/// A person in a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its id.
    pub id: MemberId,
    /// The team.
    pub team: TeamId,
    /// The name, unique within the team (ignoring case).
    pub name: String,
    /// The role level, if known.
    pub role_level: Option<RoleLevelId>,
    /// Current ratings (the lead's); a skill absent here is "not rated".
    pub ratings: BTreeMap<SkillId, Rating>,
    /// The person's own ratings (self-assessment), apart from the lead's.
    pub self_ratings: BTreeMap<SkillId, Rating>,
    /// The day they left, for a former member (kept with their ratings and history).
    pub left_on: Option<Date>,
}

/// Everything in the database a screen or a command reads: the framework and the matrix.
/// Updated in place by the core after each committed action.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// The framework, shared because it never changes while the program runs.
    pub framework: Arc<Framework>,
    teams: BTreeMap<TeamId, Team>,
    members: HashMap<MemberId, Member>,
    /// (team, name key) -> member, so name lookups stay O(1) in a 10,000-member team.
    member_index: HashMap<(TeamId, String), MemberId>,
    /// name key -> team, so a team lookup is O(1) whatever the number of teams.
    team_index: HashMap<String, TeamId>,
    targets: BTreeMap<(TeamId, SkillId), Target>,
    rating_count: usize,
    /// Former members (they left), with their ratings, apart from the current matrix.
    former: HashMap<MemberId, Member>,
    /// (team, name key) -> former member.
    former_index: HashMap<(TeamId, String), MemberId>,
    /// Teams that are a roll-up's copies of team files, with the file each came from: the
    /// core refuses changes to them (the next roll-up would replace the changes).
    rolled_up: BTreeMap<TeamId, String>,
}

impl Snapshot {
    /// The team file a rolled-up team was copied from, if it is one.
    pub fn rolled_up_from(&self, team: TeamId) -> Option<&str> {
        self.rolled_up.get(&team).map(String::as_str)
    }

    /// Records that a team is a roll-up's copy of a team file (`None`: it is not).
    pub fn set_rolled_up(&mut self, team: TeamId, source: Option<String>) {
        match source {
            Some(s) => self.rolled_up.insert(team, s),
            None => self.rolled_up.remove(&team),
        };
    }

    /// An empty matrix over a framework.
    pub fn new(framework: Arc<Framework>) -> Snapshot {
        Snapshot {
            framework,
            ..Snapshot::default()
        }
    }

    /// All teams, by id.
    pub fn teams(&self) -> impl Iterator<Item = &Team> {
        self.teams.values()
    }

    /// All teams in the order people read them: by name, naturally ("Team 2" before
    /// "Team 10"), ignoring case. The team picker, the Organisation view, `gaps --by-team`
    /// and the workbook list teams in this order.
    pub fn teams_in_order(&self) -> Vec<&Team> {
        let mut teams: Vec<&Team> = self.teams.values().collect();
        teams.sort_by_cached_key(|t| (super::natural_key(&t.name), t.id));
        teams
    }

    /// A team by id.
    pub fn team(&self, id: TeamId) -> Option<&Team> {
        self.teams.get(&id)
    }

    /// The team with this name (ignoring case).
    pub fn team_named(&self, name: &str) -> Option<&Team> {
        self.teams.get(self.team_index.get(&name_key(name))?)
    }

    /// A current member by id.
    pub fn member(&self, id: MemberId) -> Option<&Member> {
        self.members.get(&id)
    }

    /// A former member by id.
    pub fn former(&self, id: MemberId) -> Option<&Member> {
        self.former.get(&id)
    }

    /// A member, current or former, by id.
    pub fn anyone(&self, id: MemberId) -> Option<&Member> {
        self.members.get(&id).or_else(|| self.former.get(&id))
    }

    /// The former member of a team with this name (ignoring case).
    pub fn former_named(&self, team: TeamId, name: &str) -> Option<&Member> {
        let id = self.former_index.get(&(team, name_key(name)))?;
        self.former.get(id)
    }

    /// A team's former members, ordered by name then id.
    pub fn former_members(&self, team: TeamId) -> Vec<&Member> {
        let mut out: Vec<&Member> = self.former.values().filter(|m| m.team == team).collect();
        out.sort_by_cached_key(|m| (m.name.to_lowercase(), m.id));
        out
    }

    /// Every former member, ordered by team, name and id.
    pub fn all_former(&self) -> Vec<&Member> {
        let mut out: Vec<&Member> = self.former.values().collect();
        out.sort_by_cached_key(|m| (m.team, m.name.to_lowercase(), m.id));
        out
    }

    /// How many former members there are.
    pub fn former_count(&self) -> usize {
        self.former.len()
    }

    /// The member of a team with this name (ignoring case).
    pub fn member_named(&self, team: TeamId, name: &str) -> Option<&Member> {
        let id = self.member_index.get(&(team, name_key(name)))?;
        self.members.get(id)
    }

    /// A team's members, ordered by name then id.
    pub fn team_members(&self, team: TeamId) -> Vec<&Member> {
        let mut out: Vec<&Member> = self
            .team(team)
            .map(|t| {
                t.members
                    .iter()
                    .filter_map(|m| self.members.get(m))
                    .collect()
            })
            .unwrap_or_default();
        // Stored names are already normalised (model::clean_name): case is all that is left.
        out.sort_by_cached_key(|m| (m.name.to_lowercase(), m.id));
        out
    }

    /// Every member, ordered by team then name.
    pub fn all_members(&self) -> Vec<&Member> {
        self.teams
            .keys()
            .flat_map(|&t| self.team_members(t))
            .collect()
    }

    /// How many members there are.
    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    /// How many current ratings there are.
    pub fn rating_count(&self) -> usize {
        self.rating_count
    }

    /// The target a team set for a skill, if it set one (see `analysis` for the default).
    pub fn explicit_target(&self, team: TeamId, skill: SkillId) -> Option<Target> {
        self.targets.get(&(team, skill)).copied()
    }

    /// The targets a team set, by skill.
    pub fn explicit_targets(&self, team: TeamId) -> impl Iterator<Item = (SkillId, Target)> + '_ {
        self.targets
            .range((team, SkillId(0))..=(team, SkillId(u32::MAX)))
            .map(|(&(_, s), &t)| (s, t))
    }

    // ---- incremental updates, called by the core after a successful write ----

    /// Adds or replaces a team (its member set is kept as given).
    pub fn put_team(&mut self, team: Team) {
        if let Some(old) = self.teams.get(&team.id) {
            self.team_index.remove(&name_key(&old.name));
        }
        self.team_index.insert(name_key(&team.name), team.id);
        self.teams.insert(team.id, team);
    }

    /// Renames a team.
    pub fn rename_team(&mut self, id: TeamId, name: &str) {
        if let Some(t) = self.teams.get_mut(&id) {
            self.team_index.remove(&name_key(&t.name));
            t.name = name.to_string();
            self.team_index.insert(name_key(name), id);
        }
    }

    /// Removes a team with its members and targets.
    pub fn remove_team(&mut self, id: TeamId) {
        self.rolled_up.remove(&id);
        if let Some(team) = self.teams.remove(&id) {
            self.team_index.remove(&name_key(&team.name));
            for m in team.members {
                if let Some(member) = self.members.remove(&m) {
                    self.rating_count -= member.ratings.len();
                    self.member_index.remove(&(id, name_key(&member.name)));
                }
            }
            self.former.retain(|_, m| m.team != id);
            self.former_index.retain(|(t, _), _| *t != id);
        }
        let skills: Vec<SkillId> = self.explicit_targets(id).map(|(s, _)| s).collect();
        for s in skills {
            self.targets.remove(&(id, s));
        }
    }

    /// Makes room for `n` more current members (a load knows how many are coming).
    pub fn reserve_members(&mut self, n: usize) {
        self.members.reserve(n);
        self.member_index.reserve(n);
    }

    /// Adds or replaces a member, keeping its team's member set in step. A member with
    /// `left_on` set goes to the former members.
    pub fn put_member(&mut self, member: Member) {
        self.remove_member(member.id);
        if member.left_on.is_some() {
            self.former_index
                .insert((member.team, name_key(&member.name)), member.id);
            self.former.insert(member.id, member);
            return;
        }
        if let Some(t) = self.teams.get_mut(&member.team) {
            t.members.insert(member.id);
        }
        self.rating_count += member.ratings.len();
        self.member_index
            .insert((member.team, name_key(&member.name)), member.id);
        self.members.insert(member.id, member);
    }

    /// Removes a member (current or former) and its ratings.
    pub fn remove_member(&mut self, id: MemberId) -> Option<Member> {
        if let Some(m) = self.former.remove(&id) {
            self.former_index.remove(&(m.team, name_key(&m.name)));
            return Some(m);
        }
        let member = self.members.remove(&id)?;
        if let Some(t) = self.teams.get_mut(&member.team) {
            t.members.remove(&id);
        }
        self.member_index
            .remove(&(member.team, name_key(&member.name)));
        self.rating_count -= member.ratings.len();
        Some(member)
    }

    /// Renames a member.
    pub fn rename_member(&mut self, id: MemberId, name: &str) {
        if let Some(m) = self.members.get_mut(&id) {
            self.member_index.remove(&(m.team, name_key(&m.name)));
            m.name = name.to_string();
            self.member_index.insert((m.team, name_key(name)), id);
        } else if let Some(m) = self.former.get_mut(&id) {
            self.former_index.remove(&(m.team, name_key(&m.name)));
            m.name = name.to_string();
            self.former_index.insert((m.team, name_key(name)), id);
        }
    }

    /// Sets a team's review period.
    pub fn set_review_months(&mut self, team: TeamId, months: u32) {
        if let Some(t) = self.teams.get_mut(&team) {
            t.review_months = months;
        }
    }

    /// Changes a member's role level.
    pub fn set_role_level(&mut self, id: MemberId, role_level: Option<RoleLevelId>) {
        if let Some(m) = self.members.get_mut(&id) {
            m.role_level = role_level;
        }
    }

    /// Moves a member to another team.
    pub fn move_member(&mut self, id: MemberId, team: TeamId) {
        let Some(m) = self.members.get_mut(&id) else {
            return;
        };
        let old = std::mem::replace(&mut m.team, team);
        let key = name_key(&m.name);
        self.member_index.remove(&(old, key.clone()));
        self.member_index.insert((team, key), id);
        if let Some(t) = self.teams.get_mut(&old) {
            t.members.remove(&id);
        }
        if let Some(t) = self.teams.get_mut(&team) {
            t.members.insert(id);
        }
    }

    /// Sets or clears (`None`) a member's current rating in a skill.
    pub fn set_rating(&mut self, id: MemberId, skill: SkillId, rating: Option<Rating>) {
        let Some(m) = self.members.get_mut(&id) else {
            return;
        };
        let old = match rating {
            Some(r) => m.ratings.insert(skill, r),
            None => m.ratings.remove(&skill),
        };
        let had = usize::from(old.is_some());
        let has = usize::from(m.ratings.contains_key(&skill));
        self.rating_count = self.rating_count + has - had;
    }

    /// Sets or clears a member's own rating (self-assessment) in a skill.
    pub fn set_self_rating(&mut self, id: MemberId, skill: SkillId, rating: Option<Rating>) {
        let Some(m) = self.members.get_mut(&id) else {
            return;
        };
        match rating {
            Some(r) => m.self_ratings.insert(skill, r),
            None => m.self_ratings.remove(&skill),
        };
    }

    /// Sets or clears (`None`: back to the default) a team's target for a skill.
    pub fn set_target(&mut self, team: TeamId, skill: SkillId, target: Option<Target>) {
        match target {
            Some(t) => self.targets.insert((team, skill), t),
            None => self.targets.remove(&(team, skill)),
        };
    }
}
