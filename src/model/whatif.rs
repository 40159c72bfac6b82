//! What-if planning, pure: a team with some people marked as leaving and some hypothetical
//! hires (each rated at what their role level requires), analysed against today's targets,
//! beside today's analysis, with what got worse picked out. Nothing is written anywhere.

use super::analysis::{self, Analysis, Scope, SkillCoverage};
use super::{Date, Member, MemberId, Rating, RoleLevelId, SkillId, Snapshot, TeamId};
use std::collections::{BTreeMap, BTreeSet};

/// A hypothetical hire: a role level, rated at what it requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hire {
    /// The role level.
    pub role_level: RoleLevelId,
}

/// The change being considered for one team.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Current members marked as leaving.
    pub leaving: BTreeSet<MemberId>,
    /// People who might join.
    pub hires: Vec<Hire>,
}

impl Plan {
    /// Whether nothing is being considered.
    pub fn is_empty(&self) -> bool {
        self.leaving.is_empty() && self.hires.is_empty()
    }
}

/// How one skill changes under a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The skill.
    pub skill: SkillId,
    /// Today's coverage (`None`: the skill is new to the team, brought by a hire).
    pub today: Option<SkillCoverage>,
    /// The coverage under the plan.
    pub then: SkillCoverage,
}

impl Change {
    /// Short of the target under the plan, and more so than today.
    pub fn new_shortfall(&self) -> bool {
        self.then.shortfall > self.today.as_ref().map_or(0, |t| t.shortfall)
    }

    /// Resting on one person under the plan, and not today.
    pub fn new_single_point_of_failure(&self) -> bool {
        self.then.single_point_of_failure
            && !self
                .today
                .as_ref()
                .is_some_and(|t| t.single_point_of_failure)
    }

    /// Whether the plan changes the skill's figures: target, people covering, shortfall,
    /// single point of failure or best level (not who covers it).
    pub fn changed(&self) -> bool {
        self.today.as_ref().is_none_or(|t| {
            (
                t.target,
                t.covered,
                t.shortfall,
                t.single_point_of_failure,
                t.best,
            ) != (
                self.then.target,
                self.then.covered,
                self.then.shortfall,
                self.then.single_point_of_failure,
                self.then.best,
            )
        })
    }

    /// Better than today: less short, or no longer on one person.
    pub fn improved(&self) -> bool {
        self.today.as_ref().is_some_and(|t| {
            self.then.shortfall < t.shortfall
                || (t.single_point_of_failure && !self.then.single_point_of_failure)
        })
    }
}

/// A team today and under a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Today's analysis.
    pub today: Analysis,
    /// The analysis under the plan, against today's targets (pinned).
    pub then: Analysis,
    /// Every skill of either, worst first as under the plan.
    pub changes: Vec<Change>,
    /// The hypothetical members (negative ids), as analysed.
    pub hires: Vec<Member>,
    /// How many members the team has under the plan.
    pub then_members: usize,
}

impl Outcome {
    /// The skills that got worse (a new or deeper shortfall, or a new single point of
    /// failure), worst first.
    pub fn worse(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.new_shortfall() || c.new_single_point_of_failure())
    }
}

/// The hypothetical member for hire `index` of `team`: a negative id, never a real one.
pub fn hire_member(
    snapshot: &Snapshot,
    team: TeamId,
    index: usize,
    hire: &Hire,
    on: Date,
) -> Member {
    let fw = &snapshot.framework;
    let role = fw.role_level(hire.role_level);
    let ratings = role
        .requires
        .iter()
        .filter(|q| fw.is_active(q.skill))
        .filter_map(|q| {
            Some((
                q.skill,
                Rating {
                    level: q.level?,
                    note: String::new(),
                    interested: false,
                    assessed_on: on,
                },
            ))
        })
        .collect();
    Member {
        id: MemberId(-1 - index as i64),
        team,
        name: format!("New hire {} ({})", index + 1, role.name),
        role_level: Some(hire.role_level),
        ratings,
        self_ratings: BTreeMap::new(),
        left_on: None,
    }
}

/// A team today and under `plan`. Targets are today's, pinned: a skill's default target does
/// not fall because the person whose role set it is leaving. A skill only a hire's role level
/// requires gets the default target that role level gives it.
pub fn what_if(snapshot: &Snapshot, team: TeamId, plan: &Plan, on: Date) -> Outcome {
    let scope = Scope::Team(team);
    let today_members = analysis::scope_members(snapshot, scope);
    let mut targets = analysis::targets_of(snapshot, scope, &today_members);
    let today = analysis::analyse_with_targets(snapshot, &today_members, &targets);

    let hires: Vec<Member> = plan
        .hires
        .iter()
        .enumerate()
        .map(|(i, h)| hire_member(snapshot, team, i, h, on))
        .collect();
    let mut then_members: Vec<&Member> = today_members
        .iter()
        .copied()
        .filter(|m| !plan.leaving.contains(&m.id))
        .collect();
    then_members.extend(hires.iter());
    for (skill, target) in analysis::targets_of(snapshot, scope, &then_members) {
        targets.entry(skill).or_insert(target);
    }
    let then = analysis::analyse_with_targets(snapshot, &then_members, &targets);
    let then_count = then_members.len();

    let before: BTreeMap<SkillId, &SkillCoverage> =
        today.skills.iter().map(|c| (c.skill, c)).collect();
    let changes = then
        .skills
        .iter()
        .map(|c| Change {
            skill: c.skill,
            today: before.get(&c.skill).map(|&t| t.clone()),
            then: c.clone(),
        })
        .collect();
    Outcome {
        today,
        then,
        changes,
        hires,
        then_members: then_count,
    }
}

/// The matrix under a plan, for a window to show like any other: the leavers gone, the hires
/// in the team (negative ids), and every target of the team pinned as it is today (written as
/// the team's own, so no default can move). With the outcome beside it.
pub fn plan_snapshot(
    snapshot: &Snapshot,
    team: TeamId,
    plan: &Plan,
    on: Date,
) -> (Snapshot, Outcome) {
    let outcome = what_if(snapshot, team, plan, on);
    let mut then = snapshot.clone();
    for &m in &plan.leaving {
        then.remove_member(m);
    }
    for hire in &outcome.hires {
        then.put_member(hire.clone());
    }
    for c in &outcome.then.skills {
        then.set_target(team, c.skill, Some(c.target));
    }
    (then, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Framework, Level, Team};
    use std::sync::Arc;

    type Person<'a> = (&'a str, &'a str, &'a [(&'a str, Level)]);

    fn snapshot_with(members: &[Person<'_>]) -> Snapshot {
        let fw = Arc::new(Framework::ddat().unwrap());
        let mut snap = Snapshot::new(fw.clone());
        snap.put_team(Team {
            id: TeamId(1),
            name: "Platform".into(),
            members: Default::default(),
            review_months: 12,
        });
        for (i, (name, role, ratings)) in members.iter().enumerate() {
            let ratings = ratings
                .iter()
                .map(|(s, l)| {
                    (
                        fw.skill_named(s).unwrap(),
                        Rating {
                            level: *l,
                            note: String::new(),
                            interested: false,
                            assessed_on: Date::new(2026, 1, 1).unwrap(),
                        },
                    )
                })
                .collect();
            snap.put_member(Member {
                id: MemberId(i as i64 + 1),
                team: TeamId(1),
                name: (*name).into(),
                role_level: Some(fw.role_level_named(role).unwrap()),
                ratings,
                self_ratings: Default::default(),
                left_on: None,
            });
        }
        snap
    }

    #[test]
    fn removing_the_only_lead_keeps_the_targets_and_flags_new_gaps() {
        let snap = snapshot_with(&[
            (
                "Ann",
                "Lead data engineer",
                &[
                    ("Data modelling", Level::Expert),
                    ("Programming and build (data engineering)", Level::Expert),
                ],
            ),
            (
                "Bob",
                "Senior data architect",
                &[("Data modelling", Level::Expert)],
            ),
        ]);
        let fw = &snap.framework;
        let modelling = fw.skill_named("Data modelling").unwrap();
        let plan = Plan {
            leaving: [MemberId(1)].into(),
            hires: vec![],
        };
        let out = what_if(&snap, TeamId(1), &plan, Date::new(2026, 1, 1).unwrap());
        let change = out.changes.iter().find(|c| c.skill == modelling).unwrap();
        let today = change.today.as_ref().unwrap();
        // The target is today's (set by the lead's role), not what Data engineer alone needs.
        assert_eq!(change.then.target, today.target);
        assert_eq!((today.covered, change.then.covered), (2, 1));
        assert!(change.new_single_point_of_failure());
        assert!(change.new_shortfall());
        assert!(out.worse().any(|c| c.skill == modelling));
        // Without pinning, the default target would come from Bob's role alone: lower.
        let alone = analysis::analyse_members(
            &snap,
            Scope::Team(TeamId(1)),
            &[snap.member(MemberId(2)).unwrap()],
        );
        let unpinned = alone.skills.iter().find(|c| c.skill == modelling).unwrap();
        assert!(unpinned.target.level < today.target.level);
    }

    #[test]
    fn a_hire_is_rated_at_what_their_role_level_requires_and_can_close_a_gap() {
        let snap = snapshot_with(&[(
            "Ann",
            "Lead data engineer",
            &[("Data modelling", Level::Expert)],
        )]);
        let fw = &snap.framework;
        let lead = fw.role_level_named("Lead data engineer").unwrap();
        let modelling = fw.skill_named("Data modelling").unwrap();
        let plan = Plan {
            leaving: Default::default(),
            hires: vec![Hire { role_level: lead }],
        };
        let out = what_if(&snap, TeamId(1), &plan, Date::new(2026, 1, 1).unwrap());
        let hire = &out.hires[0];
        assert_eq!(hire.id, MemberId(-1));
        assert_eq!(
            hire.ratings.get(&modelling).map(|r| r.level),
            fw.required(lead, modelling)
        );
        let change = out.changes.iter().find(|c| c.skill == modelling).unwrap();
        assert!(change.improved(), "{change:?}");
        assert!(out.then.skills.iter().all(|c| c.covered >= 1));
        assert!(Plan::default().is_empty() && !plan.is_empty());
        // The snapshot under the plan: the hire is a member of the team, analysed alike.
        let (then, out2) = plan_snapshot(&snap, TeamId(1), &plan, Date::new(2026, 1, 1).unwrap());
        assert_eq!(then.team_members(TeamId(1)).len(), 2);
        let again = analysis::analyse(&then, Scope::Team(TeamId(1)));
        let figures = |a: &Analysis| -> Vec<(SkillId, u32, u32)> {
            let mut v: Vec<_> = a
                .skills
                .iter()
                .map(|c| (c.skill, c.covered, c.target.count))
                .collect();
            v.sort();
            v
        };
        assert_eq!(figures(&again), figures(&out2.then));
    }
}
