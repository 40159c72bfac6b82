//! Coverage and gap analysis over a snapshot: how each member compares with what their role
//! level requires, how well a team covers each of its skills against its targets, and the
//! team's gaps ranked worst first. Pure functions of the snapshot.

use super::{DEFAULT_TARGET_COUNT, Target};
use super::{Framework, Level, Member, MemberId, RoleLevelId, SkillId, Snapshot, TeamId};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

/// How a member's rating in a skill compares with what their role level requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// The role level does not require the skill (or has no role level, or no defined level).
    NotRequired,
    /// Required, but the member has not been rated.
    NotRated {
        /// The level the role level requires.
        required: Level,
    },
    /// Rated below the requirement by `by` levels.
    Below {
        /// The level the role level requires.
        required: Level,
        /// How many levels short.
        by: u8,
    },
    /// Rated exactly at the requirement.
    Meets {
        /// The level the role level requires.
        required: Level,
    },
    /// Rated above the requirement by `by` levels.
    Exceeds {
        /// The level the role level requires.
        required: Level,
        /// How many levels above.
        by: u8,
    },
}

/// The level a member's role level requires in a skill, if any.
pub fn required_level(framework: &Framework, member: &Member, skill: SkillId) -> Option<Level> {
    member
        .role_level
        .and_then(|rl| framework.required(rl, skill))
}

/// How a member compares with their role level's requirement in a skill.
pub fn member_fit(framework: &Framework, member: &Member, skill: SkillId) -> Fit {
    let Some(required) = required_level(framework, member, skill) else {
        return Fit::NotRequired;
    };
    let Some(rating) = member.ratings.get(&skill) else {
        return Fit::NotRated { required };
    };
    let (have, need) = (rating.level.number(), required.number());
    match have.cmp(&need) {
        std::cmp::Ordering::Less => Fit::Below {
            required,
            by: need - have,
        },
        std::cmp::Ordering::Equal => Fit::Meets { required },
        std::cmp::Ordering::Greater => Fit::Exceeds {
            required,
            by: have - need,
        },
    }
}

/// Which members an analysis covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One team, with its own targets.
    Team(TeamId),
    /// Everyone, as one pool, with default targets.
    All,
}

/// How a team covers one skill.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkillCoverage {
    /// The skill.
    pub skill: SkillId,
    /// The target in force.
    pub target: Target,
    /// Whether the target is the default (not set by the team).
    pub default_target: bool,
    /// Members at or above the target level.
    pub covered: u32,
    /// Target count minus covered, never below 0.
    pub shortfall: u32,
    /// Exactly one member covers the skill.
    pub single_point_of_failure: bool,
    /// The best level anyone in the team is rated at (`None`: nobody rated).
    pub best: Option<Level>,
    /// Who covers it, best first.
    pub covered_by: Vec<MemberId>,
    /// Who is rated in it but below the target, closest first (highest level, then
    /// interested, then name); at most [`CLOSEST`]. People not rated in the skill are not
    /// "close": nothing is known of them.
    pub closest: Vec<MemberId>,
    /// Who said they are interested in developing it.
    pub interested: Vec<MemberId>,
}

impl SkillCoverage {
    /// Whether this is a gap: short of the target, or resting on one person.
    pub fn is_gap(&self) -> bool {
        self.shortfall > 0 || self.single_point_of_failure
    }

    /// How many levels the best member is below the target level (nobody rated counts as one
    /// below None).
    pub fn levels_below_target(&self) -> u8 {
        let best = self.best.map_or(-1, |l| i16::from(l.number()));
        (i16::from(self.target.level.number()) - best).max(0) as u8
    }
}

/// A member below what their role level requires in a skill.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MemberShortfall {
    /// The member.
    pub member: MemberId,
    /// The skill.
    pub skill: SkillId,
    /// What the role level requires.
    pub required: Level,
    /// The member's level, `None` if not rated.
    pub actual: Option<Level>,
}

/// A team's coverage, skills ranked worst first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Analysis {
    /// Every skill of the team, worst first.
    pub skills: Vec<SkillCoverage>,
    /// Members below their role level's requirement (not rated counts), by member then skill.
    pub members_below: Vec<MemberShortfall>,
}

impl Analysis {
    /// The gaps only (shortfall or single point of failure), worst first.
    pub fn gaps(&self) -> impl Iterator<Item = &SkillCoverage> {
        self.skills.iter().filter(|s| s.is_gap())
    }
}

/// The members an analysis covers.
pub fn scope_members(snapshot: &Snapshot, scope: Scope) -> Vec<&Member> {
    match scope {
        Scope::Team(team) => snapshot.team_members(team),
        Scope::All => snapshot.all_members(),
    }
}

/// A team's skills: those its members' role levels require (with a defined level), plus any
/// skill the team set a target for.
pub fn team_skills(snapshot: &Snapshot, scope: Scope) -> BTreeSet<SkillId> {
    let members = scope_members(snapshot, scope);
    skills_of(snapshot, scope, &role_levels_of(&members))
}

/// The distinct role levels of some members (a handful, however many members).
fn role_levels_of(members: &[&Member]) -> BTreeSet<RoleLevelId> {
    members.iter().filter_map(|m| m.role_level).collect()
}

fn skills_of(
    snapshot: &Snapshot,
    scope: Scope,
    role_levels: &BTreeSet<RoleLevelId>,
) -> BTreeSet<SkillId> {
    let framework = &snapshot.framework;
    let mut skills: BTreeSet<SkillId> = role_levels
        .iter()
        .flat_map(|&rl| framework.role_level(rl).requires.iter())
        .filter(|q| q.level.is_some())
        .map(|q| q.skill)
        .collect();
    if let Scope::Team(team) = scope {
        skills.extend(snapshot.explicit_targets(team).map(|(s, _)| s));
    }
    skills
}

/// The default target for a skill: the level the lead level of each member's role requires
/// (the highest, when roles differ; e.g. Lead data engineer for data engineers), falling back
/// to the highest level any member's role level requires; and [`DEFAULT_TARGET_COUNT`] people.
pub fn default_target(
    framework: &Framework,
    members: &[&Member],
    skill: SkillId,
) -> Option<Target> {
    default_target_for(framework, &role_levels_of(members), skill)
}

fn default_target_for(
    framework: &Framework,
    role_levels: &BTreeSet<RoleLevelId>,
    skill: SkillId,
) -> Option<Target> {
    let roles: BTreeSet<_> = role_levels
        .iter()
        .filter(|&&rl| framework.required(rl, skill).is_some())
        .map(|&rl| framework.role_level(rl).role)
        .collect();
    let from_leads = roles
        .iter()
        .filter_map(|&role| framework.lead_level(role))
        .filter_map(|lead| framework.required(lead, skill))
        .max();
    let level = from_leads.or_else(|| {
        role_levels
            .iter()
            .filter_map(|&rl| framework.required(rl, skill))
            .max()
    })?;
    Some(Target {
        level,
        count: DEFAULT_TARGET_COUNT,
    })
}

/// The target in force for a team and skill: the team's own, or the default.
pub fn target_for(snapshot: &Snapshot, scope: Scope, skill: SkillId) -> Option<(Target, bool)> {
    if let Scope::Team(team) = scope
        && let Some(t) = snapshot.explicit_target(team, skill)
    {
        return Some((t, false));
    }
    let members = scope_members(snapshot, scope);
    default_target(&snapshot.framework, &members, skill).map(|t| (t, true))
}

/// The full analysis of a team (or of everyone).
pub fn analyse(snapshot: &Snapshot, scope: Scope) -> Analysis {
    analyse_members(snapshot, scope, &scope_members(snapshot, scope))
}

/// The analysis of a scope whose members (from [`scope_members`]) the caller already has.
pub fn analyse_members(snapshot: &Snapshot, scope: Scope, members: &[&Member]) -> Analysis {
    analyse_with_targets(snapshot, members, &targets_of(snapshot, scope, members))
}

/// The target in force for each skill of a scope: the team's own (`false`), or the default
/// from the members' role levels (`true`). A what-if pins these, so that removing the only
/// lead does not lower a default target.
pub fn targets_of(
    snapshot: &Snapshot,
    scope: Scope,
    members: &[&Member],
) -> BTreeMap<SkillId, (Target, bool)> {
    let role_levels = role_levels_of(members);
    let explicit: BTreeMap<SkillId, Target> = match scope {
        Scope::Team(team) => snapshot.explicit_targets(team).collect(),
        Scope::All => BTreeMap::new(),
    };
    skills_of(snapshot, scope, &role_levels)
        .into_iter()
        .filter_map(|skill| match explicit.get(&skill) {
            Some(&t) => Some((skill, (t, false))),
            None => default_target_for(&snapshot.framework, &role_levels, skill)
                .map(|t| (skill, (t, true))),
        })
        .collect()
}

/// The analysis of some members against given targets (one per skill analysed).
pub fn analyse_with_targets(
    snapshot: &Snapshot,
    members: &[&Member],
    targets: &BTreeMap<SkillId, (Target, bool)>,
) -> Analysis {
    let framework = &snapshot.framework;
    let mut skills: Vec<SkillCoverage> = targets
        .iter()
        .map(|(&skill, &(target, default_target))| coverage(members, skill, target, default_target))
        .collect();
    rank_worst_first(framework, &mut skills);
    let members_below = members
        .iter()
        .flat_map(|m| member_shortfalls(framework, m))
        .collect();
    Analysis {
        skills,
        members_below,
    }
}

/// Orders coverages worst first: the largest shortfall, then the furthest below the target
/// level, then single points of failure, then by name.
pub fn rank_worst_first(framework: &Framework, skills: &mut [SkillCoverage]) {
    skills.sort_by(|a, b| {
        b.shortfall
            .cmp(&a.shortfall)
            .then(b.levels_below_target().cmp(&a.levels_below_target()))
            .then(b.single_point_of_failure.cmp(&a.single_point_of_failure))
            .then_with(|| {
                framework
                    .skill(a.skill)
                    .name
                    .to_lowercase()
                    .cmp(&framework.skill(b.skill).name.to_lowercase())
            })
    });
}

/// Where a member is below their role level's requirement, in the requirements' order.
pub fn member_shortfalls(framework: &Framework, m: &Member) -> Vec<MemberShortfall> {
    let Some(rl) = m.role_level else {
        return Vec::new();
    };
    framework
        .role_level(rl)
        .requires
        .iter()
        .filter_map(|q| {
            let required = q.level?;
            let actual = m.ratings.get(&q.skill).map(|r| r.level);
            actual
                .is_none_or(|l| l < required)
                .then_some(MemberShortfall {
                    member: m.id,
                    skill: q.skill,
                    required,
                    actual,
                })
        })
        .collect()
}

/// Whether a team meets its own target in a skill (`None`: it has no target in it, or no
/// members): the one team's share of [`teams_meeting_targets`], for updating it after an
/// edit.
pub fn team_meets_target(snapshot: &Snapshot, team: TeamId, skill: SkillId) -> Option<bool> {
    let members = snapshot.team_members(team);
    if members.is_empty() {
        return None;
    }
    let target = match snapshot.explicit_target(team, skill) {
        Some(t) => t,
        None => {
            let role_levels = role_levels_of(&members);
            if !skills_of(snapshot, Scope::Team(team), &role_levels).contains(&skill) {
                return None;
            }
            default_target_for(&snapshot.framework, &role_levels, skill)?
        }
    };
    let covered = covering(&members, skill, target.level);
    Some(covered >= target.count)
}

/// How many of some members are rated at or above a level in a skill.
fn covering(members: &[&Member], skill: SkillId, level: Level) -> u32 {
    members
        .iter()
        .filter(|m| m.ratings.get(&skill).is_some_and(|r| r.level >= level))
        .count() as u32
}

/// The coverage of one skill by some members (in name order) against a target: what
/// [`analyse`] computes per skill, for updating one skill after an edit.
pub fn coverage_of(
    members: &[&Member],
    skill: SkillId,
    target: Target,
    default_target: bool,
) -> SkillCoverage {
    coverage(members, skill, target, default_target)
}

/// Per skill, how many teams meet their own target (their explicit target, or the default
/// from their members' role levels) and how many teams have the skill at all. Empty teams
/// are left out. A lean pass for the "All teams" view: counts only, no rankings.
pub fn teams_meeting_targets(snapshot: &Snapshot) -> BTreeMap<SkillId, (usize, usize)> {
    let mut out: BTreeMap<SkillId, (usize, usize)> = BTreeMap::new();
    for ((_, skill), met) in team_targets_met(snapshot) {
        let entry = out.entry(skill).or_default();
        entry.1 += 1;
        entry.0 += usize::from(met);
    }
    out
}

/// Per team and skill with a target, whether the team meets it: what
/// [`teams_meeting_targets`] counts.
pub fn team_targets_met(snapshot: &Snapshot) -> BTreeMap<(TeamId, SkillId), bool> {
    let framework = &snapshot.framework;
    let mut out = BTreeMap::new();
    for team in snapshot.teams() {
        let members: Vec<&Member> = team
            .members
            .iter()
            .filter_map(|&m| snapshot.member(m))
            .collect();
        if members.is_empty() {
            continue;
        }
        let role_levels = role_levels_of(&members);
        let scope = Scope::Team(team.id);
        for skill in skills_of(snapshot, scope, &role_levels) {
            let target = match snapshot.explicit_target(team.id, skill) {
                Some(t) => t,
                None => match default_target_for(framework, &role_levels, skill) {
                    Some(t) => t,
                    None => continue,
                },
            };
            let covered = covering(&members, skill, target.level);
            out.insert((team.id, skill), covered >= target.count);
        }
    }
    out
}

/// Whether a scope is one team's: one team, or "everyone" when the database holds only
/// one team with members (then everyone *is* that team, with its own targets). `None`: the
/// scope spans several teams, where the unit is the team ([`across_teams`]).
pub fn single_team(snapshot: &Snapshot, scope: Scope) -> Option<TeamId> {
    match scope {
        Scope::Team(team) => Some(team),
        Scope::All => {
            let mut with_members = snapshot.teams().filter(|t| !t.members.is_empty());
            match (with_members.next(), with_members.next()) {
                (Some(t), None) => Some(t.id),
                (None, _) => snapshot.teams().next().map(|t| t.id),
                _ => None,
            }
        }
    }
}

/// The analysis of every team with members against its own targets, teams in
/// [`Snapshot::teams_in_order`].
pub fn analyse_teams(snapshot: &Snapshot) -> Vec<(TeamId, Analysis)> {
    snapshot
        .teams_in_order()
        .into_iter()
        .filter(|t| !t.members.is_empty())
        .map(|t| (t.id, analyse(snapshot, Scope::Team(t.id))))
        .collect()
}

/// One skill across several teams, each team against its own target: the unit is the
/// team, never everyone pooled against one team's target.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AcrossTeams {
    /// The skill.
    pub skill: SkillId,
    /// Teams with a target in it.
    pub teams_with: usize,
    /// Teams short of their own target in it.
    pub teams_short: Vec<TeamId>,
    /// People missing in all: the sum of the teams' shortfalls.
    pub missing: u32,
    /// Teams whose cover rests on one person.
    pub teams_single: Vec<TeamId>,
    /// People covering it, each at their own team's target level.
    pub people: u32,
}

impl AcrossTeams {
    /// Whether some team is short in it, or rests on one person.
    pub fn is_gap(&self) -> bool {
        !self.teams_short.is_empty() || !self.teams_single.is_empty()
    }
}

/// Per skill, the teams of `analyses` short of their own target, the people missing in all
/// and the teams resting on one person; worst first (most teams short, then most people
/// missing, then most teams on one person, then by name).
pub fn across_teams(framework: &Framework, analyses: &[(TeamId, Analysis)]) -> Vec<AcrossTeams> {
    let mut per_skill: BTreeMap<SkillId, AcrossTeams> = BTreeMap::new();
    for (team, a) in analyses {
        for c in &a.skills {
            let s = per_skill.entry(c.skill).or_insert_with(|| AcrossTeams {
                skill: c.skill,
                teams_with: 0,
                teams_short: Vec::new(),
                missing: 0,
                teams_single: Vec::new(),
                people: 0,
            });
            s.teams_with += 1;
            if c.shortfall > 0 {
                s.teams_short.push(*team);
            }
            if c.single_point_of_failure {
                s.teams_single.push(*team);
            }
            s.missing += c.shortfall;
            s.people += c.covered;
        }
    }
    let mut out: Vec<AcrossTeams> = per_skill.into_values().collect();
    out.sort_by_cached_key(|s| {
        (
            Reverse(s.teams_short.len()),
            Reverse(s.missing),
            Reverse(s.teams_single.len()),
            framework.skill(s.skill).name.to_lowercase(),
        )
    });
    out
}

/// The one person a skill rests on, in words: "Chloe Davies (Expert, assessed 2025-06-01,
/// due for review)", the review due by their team's review period on `today`. `None`
/// unless exactly one current member covers it.
pub fn held_only_by(snapshot: &Snapshot, c: &SkillCoverage, today: super::Date) -> Option<String> {
    let &id = c.covered_by.first().filter(|_| c.single_point_of_failure)?;
    let m = snapshot.member(id)?;
    let r = m.ratings.get(&c.skill)?;
    let months = snapshot
        .team(m.team)
        .map_or(super::DEFAULT_REVIEW_MONTHS, |t| t.review_months);
    let due = super::history::is_stale(r.assessed_on, today, months);
    Some(format!(
        "{} ({}, assessed {}{})",
        m.name,
        r.level.name(),
        r.assessed_on,
        if due { ", due for review" } else { "" }
    ))
}

/// How many of the closest non-covering members a coverage lists.
pub const CLOSEST: usize = 10;

fn coverage(
    members: &[&Member],
    skill: SkillId,
    target: Target,
    default_target: bool,
) -> SkillCoverage {
    // One rating lookup per member; the sorts below then compare plain keys.
    // (position in name order, level, interested)
    let rows: Vec<(usize, Option<Level>, bool)> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let r = m.ratings.get(&skill);
            (i, r.map(|r| r.level), r.is_some_and(|r| r.interested))
        })
        .collect();
    let (mut covering, mut others): (Vec<_>, Vec<_>) = rows
        .iter()
        .copied()
        .filter(|&(_, level, _)| level.is_some())
        .partition(|&(_, level, _)| level.is_some_and(|l| l >= target.level));
    covering.sort_by_key(|&(i, level, _)| (Reverse(level), i));
    let closest_key = |&(i, level, interested): &(usize, Option<Level>, bool)| {
        (Reverse(level), Reverse(interested), i)
    };
    if others.len() > CLOSEST {
        others.select_nth_unstable_by_key(CLOSEST, closest_key);
        others.truncate(CLOSEST);
    }
    others.sort_by_key(closest_key);
    let covered = covering.len() as u32;
    let id = |&(i, _, _): &(usize, Option<Level>, bool)| members[i].id;
    SkillCoverage {
        skill,
        target,
        default_target,
        covered,
        shortfall: target.count.saturating_sub(covered),
        single_point_of_failure: covered == 1,
        best: rows.iter().filter_map(|&(_, level, _)| level).max(),
        covered_by: covering.iter().map(id).collect(),
        closest: others.iter().map(id).collect(),
        interested: rows.iter().filter(|r| r.2).map(id).collect(),
    }
}

/// The skill columns of a wide matrix (the heatmap, a wide export): every skill the members'
/// role levels require, every skill their teams set a target for, and every skill anyone is
/// rated in; the framework's in name order, then custom skills.
pub fn wide_skills(snapshot: &Snapshot, members: &[&Member]) -> Vec<SkillId> {
    let fw = &snapshot.framework;
    // A flag per framework skill: cheaper than a set when 10,000 members are scanned.
    let mut used = vec![false; fw.skills.len()];
    let mut role_levels = BTreeSet::new();
    let mut teams = BTreeSet::new();
    for m in members {
        role_levels.extend(m.role_level);
        teams.insert(m.team);
        for s in m.ratings.keys() {
            used[s.index()] = true;
        }
    }
    // A skill a team tracks (has a target for) is a column even before anyone is rated in it.
    for team in teams {
        for (s, _) in snapshot.explicit_targets(team) {
            used[s.index()] = true;
        }
    }
    for rl in role_levels {
        for q in fw
            .role_level(rl)
            .requires
            .iter()
            .filter(|q| q.level.is_some())
        {
            used[q.skill.index()] = true;
        }
    }
    fw.skills_in_order()
        .filter(|s| used[s.id.index()])
        .map(|s| s.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Rating, Team};
    use std::sync::Arc;

    struct T {
        snap: Snapshot,
        next: i64,
    }

    impl T {
        fn new() -> T {
            let mut snap = Snapshot::new(Arc::new(Framework::ddat().unwrap()));
            snap.put_team(Team {
                id: TeamId(1),
                name: "Platform".into(),
                members: Default::default(),
                review_months: 12,
            });
            T { snap, next: 1 }
        }
        fn fw(&self) -> &Framework {
            &self.snap.framework
        }
        fn skill(&self, name: &str) -> SkillId {
            self.fw().skill_named(name).unwrap()
        }
        fn add(
            &mut self,
            name: &str,
            role_level: &str,
            ratings: &[(&str, Level, bool)],
        ) -> MemberId {
            let id = MemberId(self.next);
            self.next += 1;
            let rl = self.fw().role_level_named(role_level).unwrap();
            let ratings = ratings
                .iter()
                .map(|&(s, level, interested)| {
                    (
                        self.skill(s),
                        Rating {
                            level,
                            note: String::new(),
                            interested,
                            assessed_on: crate::model::time::EARLIEST,
                        },
                    )
                })
                .collect();
            self.snap.put_member(Member {
                id,
                team: TeamId(1),
                name: name.into(),
                role_level: Some(rl),
                ratings,
                self_ratings: Default::default(),
                left_on: None,
            });
            id
        }
        fn cov(&self, skill: &str) -> SkillCoverage {
            let s = self.skill(skill);
            analyse(&self.snap, Scope::Team(TeamId(1)))
                .skills
                .into_iter()
                .find(|c| c.skill == s)
                .unwrap()
        }
    }

    #[test]
    fn member_fit_compares_with_role_requirement() {
        let mut t = T::new();
        let ann = t.add(
            "Ann",
            "Senior data engineer",
            &[
                ("Data modelling", Level::Working, false),
                ("Testing", Level::Expert, false),
            ],
        );
        let ann = t.snap.member(ann).unwrap().clone();
        let fw = t.fw();
        // Senior requires Practitioner in Data modelling, Working in Testing.
        assert_eq!(
            member_fit(fw, &ann, t.skill("Data modelling")),
            Fit::Below {
                required: Level::Practitioner,
                by: 1
            }
        );
        assert_eq!(
            member_fit(fw, &ann, t.skill("Testing")),
            Fit::Exceeds {
                required: Level::Working,
                by: 2
            }
        );
        assert_eq!(
            member_fit(fw, &ann, t.skill("Data innovation")),
            Fit::NotRated {
                required: Level::Working
            }
        );
        assert_eq!(
            member_fit(fw, &ann, t.skill("Accessibility")),
            Fit::NotRequired
        );
    }

    #[test]
    fn default_target_is_lead_level_and_two_people() {
        let mut t = T::new();
        t.add("Ann", "Data engineer", &[]);
        // Lead data engineer requires Expert in Data modelling; a Data engineer only Working.
        let c = t.cov("Data modelling");
        assert_eq!(
            c.target,
            Target {
                level: Level::Expert,
                count: 2
            }
        );
        assert!(c.default_target);
        // Testing: Working at every level.
        assert_eq!(t.cov("Testing").target.level, Level::Working);
        // The team's skills are the 11 its role levels require.
        assert_eq!(team_skills(&t.snap, Scope::Team(TeamId(1))).len(), 11);
    }

    #[test]
    fn coverage_counts_shortfall_and_single_point_of_failure() {
        let mut t = T::new();
        let ann = t.add(
            "Ann",
            "Lead data engineer",
            &[("Testing", Level::Practitioner, false)],
        );
        let bob = t.add(
            "Bob",
            "Data engineer",
            &[("Testing", Level::Awareness, true)],
        );
        let cy = t.add("Cy", "Data engineer", &[]);
        let c = t.cov("Testing");
        assert_eq!(c.covered, 1);
        assert_eq!(c.shortfall, 1);
        assert!(c.single_point_of_failure);
        assert_eq!(c.best, Some(Level::Practitioner));
        assert_eq!(c.covered_by, vec![ann]);
        // Cy is not rated in Testing: not "closest", nothing is known.
        assert_eq!(c.closest, vec![bob]);
        assert!(!c.closest.contains(&cy));
        assert_eq!(c.interested, vec![bob]);

        t.snap.set_rating(
            bob,
            t.skill("Testing"),
            Some(Rating {
                level: Level::Working,
                note: String::new(),
                interested: false,
                assessed_on: crate::model::time::EARLIEST,
            }),
        );
        let c = t.cov("Testing");
        assert_eq!(
            (c.covered, c.shortfall, c.single_point_of_failure),
            (2, 0, false)
        );
        assert!(!c.is_gap());

        // Nobody covers Data modelling at Expert: full shortfall, no single point of failure.
        let c = t.cov("Data modelling");
        assert_eq!(
            (c.covered, c.shortfall, c.single_point_of_failure),
            (0, 2, false)
        );
        assert_eq!(c.best, None);
    }

    #[test]
    fn team_target_overrides_default() {
        let mut t = T::new();
        t.add(
            "Ann",
            "Data engineer",
            &[("Testing", Level::Working, false)],
        );
        let testing = t.skill("Testing");
        t.snap.set_target(
            TeamId(1),
            testing,
            Some(Target {
                level: Level::Working,
                count: 1,
            }),
        );
        let c = t.cov("Testing");
        assert_eq!(c.target.count, 1);
        assert!(!c.default_target);
        assert_eq!(c.shortfall, 0);
        assert!(c.single_point_of_failure);
        // A target on a skill the roles do not require adds it to the team's skills.
        let a11y = t.skill("Accessibility");
        t.snap.set_target(
            TeamId(1),
            a11y,
            Some(Target {
                level: Level::Awareness,
                count: 1,
            }),
        );
        assert_eq!(t.cov("Accessibility").shortfall, 1);
        t.snap.set_target(TeamId(1), a11y, None);
        assert!(!team_skills(&t.snap, Scope::Team(TeamId(1))).contains(&a11y));
    }

    #[test]
    fn gaps_are_ranked_by_shortfall_then_distance_below_target() {
        let mut t = T::new();
        t.add(
            "Ann",
            "Lead data engineer",
            &[
                ("Testing", Level::Working, false),
                ("Data modelling", Level::Practitioner, false),
                ("Data innovation", Level::Working, false),
            ],
        );
        t.add(
            "Bob",
            "Lead data engineer",
            &[
                ("Testing", Level::Working, false),
                ("Data innovation", Level::Awareness, false),
            ],
        );
        let a = analyse(&t.snap, Scope::Team(TeamId(1)));
        let names: Vec<&str> = a
            .skills
            .iter()
            .map(|c| t.fw().skill(c.skill).name.as_str())
            .collect();
        // Shortfall 2 and nobody rated (distance target+1) come first, alphabetically among equals.
        let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
        // Data innovation (target Practitioner, best Working: 1 below) and Data modelling
        // (target Expert, best Practitioner: 1 below) both short by 2, behind the unrated ones.
        assert!(pos("Problem management") < pos("Data innovation"));
        assert!(pos("Data innovation") < pos("Data modelling"));
        assert_eq!(names.last(), Some(&"Testing"));
        assert_eq!(a.skills.last().unwrap().shortfall, 0);
        assert_eq!(a.gaps().count(), 10);
        for w in a.skills.windows(2) {
            assert!(w[0].shortfall >= w[1].shortfall);
        }
    }

    #[test]
    fn members_below_lists_unrated_and_low_requirements() {
        let mut t = T::new();
        let ann = t.add(
            "Ann",
            "Data engineer",
            &[("Testing", Level::Awareness, false)],
        );
        let a = analyse(&t.snap, Scope::Team(TeamId(1)));
        let testing = t.skill("Testing");
        assert!(a.members_below.contains(&MemberShortfall {
            member: ann,
            skill: testing,
            required: Level::Working,
            actual: Some(Level::Awareness)
        }));
        // 11 required skills, all either below or not rated.
        assert_eq!(a.members_below.len(), 11);
    }

    #[test]
    fn mixed_roles_take_the_highest_lead_requirement() {
        // A data engineer and an infrastructure engineer: both roles require Technical
        // understanding; Lead data engineer needs Practitioner, Lead infrastructure engineer
        // Expert. The team's default target is the higher of the two.
        let mut t = T::new();
        t.add("Ann", "Data engineer", &[]);
        let de_only: Vec<MemberId> = t
            .snap
            .team_members(TeamId(1))
            .iter()
            .map(|m| m.id)
            .collect();
        let skill = t.skill("Technical understanding");
        let fw = t.fw().clone();
        {
            let members: Vec<&Member> = de_only.iter().filter_map(|&m| t.snap.member(m)).collect();
            assert_eq!(
                default_target(&fw, &members, skill).map(|t| t.level),
                Some(Level::Practitioner)
            );
        }
        t.add("Ifeoma", "Associate infrastructure engineer", &[]);
        let members: Vec<&Member> = t.snap.team_members(TeamId(1));
        assert_eq!(members.len(), 2);
        assert_eq!(
            default_target(&fw, &members, skill).map(|t| t.level),
            Some(Level::Expert)
        );
    }

    #[test]
    fn teams_meeting_targets_counts_each_team_against_its_own_target() {
        let mut t = T::new();
        t.add(
            "Ann",
            "Lead data engineer",
            &[("Testing", Level::Practitioner, false)],
        );
        t.add(
            "Bob",
            "Lead data engineer",
            &[("Testing", Level::Practitioner, false)],
        );
        let team = t.snap.teams().next().unwrap().id;
        let testing = t.skill("Testing");
        let counts = teams_meeting_targets(&t.snap);
        // One team, two people at Practitioner: the default target (2 x the lead level's
        // requirement, Practitioner) is met in Testing and missed elsewhere.
        let per_team = analyse(&t.snap, Scope::Team(team));
        let met = per_team.skills.iter().find(|c| c.skill == testing).unwrap();
        assert_eq!(counts[&testing], (usize::from(met.shortfall == 0), 1));
        assert_eq!(counts.len(), per_team.skills.len());
        for c in &per_team.skills {
            assert_eq!(counts[&c.skill], (usize::from(c.shortfall == 0), 1));
        }
        // A team target of 3 people turns the met skill into a miss.
        t.snap.set_target(
            team,
            testing,
            Some(Target {
                level: Level::Practitioner,
                count: 3,
            }),
        );
        assert_eq!(teams_meeting_targets(&t.snap)[&testing], (0, 1));
    }
}
