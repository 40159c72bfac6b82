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

/// What a plan does to one skill, judged once for every place that shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Fewer people cover it, or its shortfall deepens (targets are pinned, so the two go
    /// together).
    Worse,
    /// More people cover it, or its shortfall shrinks.
    Better,
    /// As many people cover it as today (its best level may still move).
    Same,
    /// Not a skill of the team today: a hire's role level brings it.
    New,
}

impl Change {
    /// Worse, better or the same as today: never two at once.
    pub fn verdict(&self) -> Verdict {
        use std::cmp::Ordering::{Greater, Less};
        let Some(t) = &self.today else {
            return Verdict::New;
        };
        match (
            self.then.covered.cmp(&t.covered),
            self.then.shortfall.cmp(&t.shortfall),
        ) {
            (Less, _) | (_, Greater) => Verdict::Worse,
            (Greater, _) | (_, Less) => Verdict::Better,
            _ => Verdict::Same,
        }
    }

    /// Short of the target under the plan where it meets it today (or where a hire brings
    /// the skill and its target).
    pub fn new_shortfall(&self) -> bool {
        self.then.shortfall > 0 && self.today.as_ref().is_none_or(|t| t.shortfall == 0)
    }

    /// Short today and more so under the plan: `Some((today, then))` people short.
    pub fn deeper_shortfall(&self) -> Option<(u32, u32)> {
        let t = self.today.as_ref()?;
        (t.shortfall > 0 && self.then.shortfall > t.shortfall)
            .then_some((t.shortfall, self.then.shortfall))
    }

    /// Resting on one person under the plan where two or more cover it today. (One person
    /// where nobody covered it is better, not a new risk.)
    pub fn new_single_point_of_failure(&self) -> bool {
        self.then.single_point_of_failure && self.today.as_ref().is_some_and(|t| t.covered > 1)
    }

    /// Covered by someone today and by nobody under the plan.
    pub fn now_uncovered(&self) -> bool {
        self.then.covered == 0 && self.today.as_ref().is_some_and(|t| t.covered > 0)
    }

    /// What got worse, in words: "NEW SHORTFALL", "worse (1 short -> 2 short)",
    /// "NEW single point of failure", "now uncovered"; empty unless the verdict is worse.
    pub fn worse_words(&self) -> Vec<String> {
        if self.verdict() != Verdict::Worse {
            return Vec::new();
        }
        let mut words = Vec::new();
        if self.new_shortfall() {
            words.push("NEW SHORTFALL".to_string());
        }
        if let Some((a, b)) = self.deeper_shortfall() {
            words.push(format!("worse ({a} short -> {b} short)"));
        }
        if self.new_single_point_of_failure() {
            words.push("NEW single point of failure".to_string());
        }
        if self.now_uncovered() {
            words.push("now uncovered".to_string());
        }
        if words.is_empty() {
            words.push("fewer people cover it".to_string());
        }
        words
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

    /// Better than today: more people cover it, or it is less short (see [`Verdict`]).
    pub fn improved(&self) -> bool {
        self.verdict() == Verdict::Better
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
    /// The skills that got worse (fewer people cover them, a new or deeper shortfall),
    /// worst first.
    pub fn worse(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.verdict() == Verdict::Worse)
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

    #[test]
    fn taking_out_the_only_expert_deepens_the_shortfall_and_is_never_also_better() {
        let snap = snapshot_with(&[
            (
                "Ann",
                "Lead data engineer",
                &[("Data development process", Level::Expert)],
            ),
            (
                "Bob",
                "Data engineer",
                &[("Data development process", Level::Working)],
            ),
        ]);
        let skill = snap
            .framework
            .skill_named("Data development process")
            .unwrap();
        let plan = Plan {
            leaving: [MemberId(1)].into(),
            hires: Vec::new(),
        };
        let o = what_if(&snap, TeamId(1), &plan, Date::new(2026, 6, 1).unwrap());
        let c = o.changes.iter().find(|c| c.skill == skill).unwrap();
        // Today 1 of 2 at Expert (short 1, one person); then 0 of 2 (short 2).
        assert_eq!(c.verdict(), Verdict::Worse);
        assert!(!c.improved());
        assert!(!c.new_shortfall(), "short today already: deeper, not new");
        assert_eq!(c.deeper_shortfall(), Some((1, 2)));
        assert!(c.now_uncovered());
        assert_eq!(
            c.worse_words(),
            ["worse (1 short -> 2 short)", "now uncovered"]
        );
        assert_eq!(o.worse().filter(|w| w.skill == skill).count(), 1);
        assert!(!o.changes.iter().any(|c| c.skill == skill && c.improved()));
    }

    proptest::proptest! {
        /// Over random teams and plans: one verdict per skill, matching the figures (targets
        /// are pinned, so fewer people covering is a deeper shortfall or none), and the
        /// words agree with it.
        #[test]
        fn every_skill_gets_one_verdict_that_matches_its_figures(
            people in proptest::collection::vec(
                (0usize..4, proptest::collection::vec((0usize..6, 0u8..5), 0..6)),
                1..7,
            ),
            leaving in proptest::collection::vec(proptest::bool::ANY, 7),
            hires in proptest::collection::vec(0usize..4, 0..3),
        ) {
            const ROLES: [&str; 4] = [
                "Data engineer",
                "Senior data engineer",
                "Lead data engineer",
                "Head of data engineering",
            ];
            const SKILLS: [&str; 6] = [
                "Data development process",
                "Data modelling",
                "Testing",
                "Data innovation",
                "Problem management",
                "Data integration design",
            ];
            let names: Vec<String> = (0..people.len()).map(|i| format!("P{i}")).collect();
            let ratings: Vec<Vec<(&str, Level)>> = people
                .iter()
                .map(|(_, rs)| {
                    rs.iter()
                        .map(|&(s, l)| (SKILLS[s], Level::from_number(i64::from(l)).unwrap()))
                        .collect()
                })
                .collect();
            let members: Vec<Person<'_>> = people
                .iter()
                .enumerate()
                .map(|(i, (role, _))| (names[i].as_str(), ROLES[*role], ratings[i].as_slice()))
                .collect();
            let snap = snapshot_with(&members);
            let plan = Plan {
                leaving: (0..people.len())
                    .filter(|&i| leaving[i])
                    .map(|i| MemberId(i as i64 + 1))
                    .collect(),
                hires: hires
                    .iter()
                    .map(|&r| Hire {
                        role_level: snap.framework.role_level_named(ROLES[r]).unwrap(),
                    })
                    .collect(),
            };
            let o = what_if(&snap, TeamId(1), &plan, Date::new(2026, 6, 1).unwrap());
            for c in &o.changes {
                let worse = o.worse().any(|w| w.skill == c.skill);
                proptest::prop_assert!(!(worse && c.improved()), "worse and better: {c:?}");
                let Some(t) = &c.today else {
                    proptest::prop_assert_eq!(c.verdict(), Verdict::New);
                    continue;
                };
                proptest::prop_assert_eq!(t.target, c.then.target, "targets are pinned");
                let expected = match c.then.covered.cmp(&t.covered) {
                    std::cmp::Ordering::Less => Verdict::Worse,
                    std::cmp::Ordering::Greater => Verdict::Better,
                    std::cmp::Ordering::Equal => Verdict::Same,
                };
                proptest::prop_assert_eq!(c.verdict(), expected);
                proptest::prop_assert_eq!(worse, expected == Verdict::Worse);
                proptest::prop_assert_eq!(c.worse_words().is_empty(), expected != Verdict::Worse);
                if c.new_shortfall() {
                    proptest::prop_assert_eq!(t.shortfall, 0);
                }
                if c.deeper_shortfall().is_some() {
                    proptest::prop_assert!(t.shortfall > 0 && !c.new_shortfall());
                }
            }
        }
    }
}
