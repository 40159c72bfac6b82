//! Teams, members, ratings and targets: the matrix a lead edits, held in memory as a
//! [`Snapshot`]. Pure data with incremental updates; the core keeps it in step with the store.

use super::{Framework, Level, RoleLevelId, SkillId, name_key};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// A team, by its database id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct TeamId(pub i64);

/// A member, by its database id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct MemberId(pub i64);

/// Milliseconds since 1970-01-01 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-25T14:30:00.000Z`.
    ///
    /// ```
    /// use capmatrix::model::Timestamp;
    /// assert_eq!(Timestamp(0).to_rfc3339(), "1970-01-01T00:00:00.000Z");
    /// assert_eq!(Timestamp(i64::MAX).to_rfc3339(), "9999-12-31T23:59:59.999Z");
    /// assert_eq!(Timestamp(-5).date(), "1970-01-01");
    /// assert_eq!(Timestamp::parse("2026-11-25"), Some(Timestamp(1_795_564_800_000)));
    /// assert_eq!(Timestamp::parse("25/11/2026 09:30"), Timestamp::parse("2026-11-25T09:30:00Z"));
    /// ```
    pub fn to_rfc3339(self) -> String {
        // RFC 3339 stops at year 9999; a date outside 1970-9999 (only possible in a
        // hand-edited file) is shown at the nearest end rather than failing.
        const LAST_MS: i64 = 253_402_300_799_999;
        let ms = self.0.clamp(0, LAST_MS) as u64;
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
        humantime::format_rfc3339_millis(t).to_string()
    }

    /// The date alone, `YYYY-MM-DD`.
    pub fn date(self) -> String {
        self.to_rfc3339()[..10].to_string()
    }

    /// Parses an ISO 8601 date or date-time in UTC (`2026-11-25`, `2026-11-25T14:30`,
    /// `2026-11-25 14:30:00`, `2026-11-25T14:30:00.123Z`) or a UK-style `25/11/2026` with an
    /// optional time, as spreadsheets rewrite dates. Dates before 1970 are not accepted.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        let (date, time) = match text.split_once(['T', ' ']) {
            Some((d, t)) => (d, t.trim_end_matches('Z')),
            None => (text, ""),
        };
        let date = match date.split('/').collect::<Vec<_>>()[..] {
            [d, m, y] if d.len() <= 2 && m.len() <= 2 && y.len() == 4 => {
                format!("{y}-{m:0>2}-{d:0>2}")
            }
            _ => date.to_string(),
        };
        let time = match time.len() {
            0 => "00:00:00".to_string(),
            4 | 5 => format!("{time:0>5}:00"),
            _ => time.to_string(),
        };
        let t = humantime::parse_rfc3339_weak(&format!("{date}T{time}")).ok()?;
        let ms = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
        i64::try_from(ms).ok().map(Timestamp)
    }
}

/// A member's current rating in one skill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    /// The level.
    pub level: Level,
    /// Evidence for the rating; empty when none was given.
    pub note: String,
    /// Whether the member is interested in developing this skill.
    pub interested: bool,
    /// When this rating was last changed.
    pub rated_at: Timestamp,
}

/// One entry of a rating's append-only history. `level: None` records that the rating was
/// cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The skill.
    pub skill: SkillId,
    /// The level set, or `None` when the rating was cleared.
    pub level: Option<Level>,
    /// The note at that time.
    pub note: String,
    /// The interested flag at that time.
    pub interested: bool,
    /// When it happened.
    pub at: Timestamp,
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
    /// Its members.
    pub members: BTreeSet<MemberId>,
}

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
    /// Current ratings; a skill absent here is "not rated".
    pub ratings: BTreeMap<SkillId, Rating>,
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
}

impl Snapshot {
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

    /// A team by id.
    pub fn team(&self, id: TeamId) -> Option<&Team> {
        self.teams.get(&id)
    }

    /// The team with this name (ignoring case).
    pub fn team_named(&self, name: &str) -> Option<&Team> {
        self.teams.get(self.team_index.get(&name_key(name))?)
    }

    /// A member by id.
    pub fn member(&self, id: MemberId) -> Option<&Member> {
        self.members.get(&id)
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
        if let Some(team) = self.teams.remove(&id) {
            self.team_index.remove(&name_key(&team.name));
            for m in team.members {
                if let Some(member) = self.members.remove(&m) {
                    self.rating_count -= member.ratings.len();
                    self.member_index.remove(&(id, name_key(&member.name)));
                }
            }
        }
        let skills: Vec<SkillId> = self.explicit_targets(id).map(|(s, _)| s).collect();
        for s in skills {
            self.targets.remove(&(id, s));
        }
    }

    /// Adds or replaces a member, keeping its team's member set in step.
    pub fn put_member(&mut self, member: Member) {
        self.remove_member(member.id);
        if let Some(t) = self.teams.get_mut(&member.team) {
            t.members.insert(member.id);
        }
        self.rating_count += member.ratings.len();
        self.member_index
            .insert((member.team, name_key(&member.name)), member.id);
        self.members.insert(member.id, member);
    }

    /// Removes a member and its ratings.
    pub fn remove_member(&mut self, id: MemberId) -> Option<Member> {
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

    /// Sets or clears (`None`: back to the default) a team's target for a skill.
    pub fn set_target(&mut self, team: TeamId, skill: SkillId, target: Option<Target>) {
        match target {
            Some(t) => self.targets.insert((team, skill), t),
            None => self.targets.remove(&(team, skill)),
        };
    }
}
