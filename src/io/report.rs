//! The gap analysis by names, as every output writes it: `gaps` (text, CSV, JSON) and the
//! workbook's Gaps sheet. Pure: a function of the snapshot.

use crate::model::analysis::{self, Scope, SkillCoverage};
use crate::model::{Level, MemberId, Snapshot, whatif};

/// One row of the gap analysis, as written to CSV and JSON.
#[derive(serde::Serialize)]
pub struct GapRow {
    pub skill: String,
    pub target_level: Level,
    pub target_count: u32,
    pub default_target: bool,
    pub covered: u32,
    pub shortfall: u32,
    pub single_point_of_failure: bool,
    pub best_level: Option<Level>,
    pub covered_by: Vec<String>,
    pub closest: Vec<String>,
    pub interested: Vec<String>,
    /// Where one person covers it: who, at what level, assessed when, and whether that
    /// rating is due for review ("Chloe Davies (Expert, assessed 2025-06-01, due for
    /// review)").
    pub held_only_by: Option<String>,
}

#[derive(serde::Serialize)]
pub struct MemberRow {
    pub member: String,
    pub team: String,
    pub role_level: String,
    pub skill: String,
    pub required: Level,
    pub actual: Option<Level>,
}

#[derive(serde::Serialize)]
pub struct GapsReport {
    pub team: String,
    pub members: usize,
    pub skills: Vec<GapRow>,
    pub members_below_role: Vec<MemberRow>,
}

/// The header of the gap table (`gaps --format csv`, the workbook's Gaps sheet).
pub const GAPS_HEADER: [&str; 8] = [
    "Skill",
    "Target level",
    "Target count",
    "Covered",
    "Shortfall",
    "Single point of failure",
    "Best level",
    "Held only by",
];

/// One gap row as text, in the order of [`GAPS_HEADER`].
pub fn gap_cells(r: &GapRow) -> [String; 8] {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    [
        r.skill.clone(),
        r.target_level.name().to_string(),
        r.target_count.to_string(),
        r.covered.to_string(),
        r.shortfall.to_string(),
        yes_no(r.single_point_of_failure),
        r.best_level
            .map_or_else(|| "not rated".to_string(), |l| l.name().to_string()),
        r.held_only_by.clone().unwrap_or_default(),
    ]
}

/// The one person a skill rests on, in words (see [`analysis::held_only_by`]); a
/// hypothetical hire of a what-if by their name alone.
fn held_only_by(
    snapshot: &Snapshot,
    c: &SkillCoverage,
    name_of: &dyn Fn(MemberId) -> String,
) -> Option<String> {
    let &id = c.covered_by.first().filter(|_| c.single_point_of_failure)?;
    analysis::held_only_by(snapshot, c, crate::model::time::today()).or_else(|| Some(name_of(id)))
}

/// One coverage as a gap row, names resolved by `name_of`.
fn gap_row(snapshot: &Snapshot, c: &SkillCoverage, name_of: &dyn Fn(MemberId) -> String) -> GapRow {
    let names = |ids: &[MemberId]| ids.iter().map(|&id| name_of(id)).collect::<Vec<_>>();
    GapRow {
        skill: snapshot.framework.skill(c.skill).name.clone(),
        target_level: c.target.level,
        target_count: c.target.count,
        default_target: c.default_target,
        covered: c.covered,
        shortfall: c.shortfall,
        single_point_of_failure: c.single_point_of_failure,
        best_level: c.best,
        covered_by: names(&c.covered_by),
        closest: names(&c.closest[..c.closest.len().min(3)]),
        interested: names(&c.interested),
        held_only_by: held_only_by(snapshot, c, name_of),
    }
}

/// A member's name by id (current members), empty if unknown.
fn member_name(snapshot: &Snapshot, id: MemberId) -> String {
    snapshot
        .member(id)
        .map(|m| m.name.clone())
        .unwrap_or_default()
}

/// The gap analysis of `scope` (named `team_name` in the report): every skill with `all`,
/// else only the gaps, ranked; and the members below their role's requirement.
pub fn gaps_report(snapshot: &Snapshot, scope: Scope, team_name: String, all: bool) -> GapsReport {
    let analysis = analysis::analyse(snapshot, scope);
    let members = analysis::scope_members(snapshot, scope);
    let name_of = |id| member_name(snapshot, id);
    GapsReport {
        team: team_name,
        members: members.len(),
        skills: analysis
            .skills
            .iter()
            .filter(|c| all || c.is_gap())
            .map(|c| gap_row(snapshot, c, &name_of))
            .collect(),
        members_below_role: member_rows(snapshot, &analysis.members_below),
    }
}

/// Members below their role level's requirement, by names.
fn member_rows(snapshot: &Snapshot, below: &[analysis::MemberShortfall]) -> Vec<MemberRow> {
    let fw = &snapshot.framework;
    below
        .iter()
        .filter_map(|s| {
            let m = snapshot.member(s.member)?;
            Some(MemberRow {
                member: m.name.clone(),
                team: snapshot
                    .team(m.team)
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                role_level: m
                    .role_level
                    .map(|rl| fw.role_level(rl).name.clone())
                    .unwrap_or_default(),
                skill: fw.skill(s.skill).name.clone(),
                required: s.required,
                actual: s.actual,
            })
        })
        .collect()
}

/// One skill across teams (`gaps` with several teams, no `--team`): each team against its
/// own target.
#[derive(serde::Serialize)]
pub struct OrgGapRow {
    pub skill: String,
    pub teams_with_target: usize,
    pub teams_short: usize,
    pub people_missing: u32,
    pub teams_on_one_person: usize,
    pub people_covering: u32,
    /// The teams short, in name order.
    pub short_teams: Vec<String>,
    /// The teams resting on one person, in name order.
    pub one_person_teams: Vec<String>,
}

/// The gaps of several teams, the team as the unit.
#[derive(serde::Serialize)]
pub struct OrgGapsReport {
    /// "All teams".
    pub scope: String,
    /// Teams with members.
    pub teams: usize,
    pub members: usize,
    /// Teams short of a target in at least one skill.
    pub teams_short: usize,
    pub skills: Vec<OrgGapRow>,
    pub members_below_role: Vec<MemberRow>,
}

/// The header of [`OrgGapRow`] as CSV (`gaps` across teams, the picture's notes).
pub const ORG_GAPS_HEADER: [&str; 8] = [
    "Skill",
    "Teams with a target",
    "Teams short",
    "People missing",
    "Teams on one person",
    "People covering",
    "Short teams",
    "One-person teams",
];

/// One across-teams row as text, in the order of [`ORG_GAPS_HEADER`].
pub fn org_gap_cells(r: &OrgGapRow) -> [String; 8] {
    [
        r.skill.clone(),
        r.teams_with_target.to_string(),
        r.teams_short.to_string(),
        r.people_missing.to_string(),
        r.teams_on_one_person.to_string(),
        r.people_covering.to_string(),
        r.short_teams.join("; "),
        r.one_person_teams.join("; "),
    ]
}

/// The gaps across every team with members (every skill with `all`, else those where some
/// team is short or rests on one person), worst first; and everyone below their role's
/// requirement.
pub fn org_gaps_report(snapshot: &Snapshot, all: bool) -> OrgGapsReport {
    let analyses = analysis::analyse_teams(snapshot);
    let team_name = |id: crate::model::TeamId| {
        snapshot
            .team(id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    let teams_short = analyses
        .iter()
        .filter(|(_, a)| a.skills.iter().any(|c| c.shortfall > 0))
        .count();
    let below: Vec<analysis::MemberShortfall> = analyses
        .iter()
        .flat_map(|(_, a)| a.members_below.iter().cloned())
        .collect();
    OrgGapsReport {
        scope: "All teams".into(),
        teams: analyses.len(),
        members: snapshot.all_members().len(),
        teams_short,
        skills: analysis::across_teams(&snapshot.framework, &analyses)
            .into_iter()
            .filter(|s| all || s.is_gap())
            .map(|s| OrgGapRow {
                skill: snapshot.framework.skill(s.skill).name.clone(),
                teams_with_target: s.teams_with,
                teams_short: s.teams_short.len(),
                people_missing: s.missing,
                teams_on_one_person: s.teams_single.len(),
                people_covering: s.people,
                short_teams: s.teams_short.iter().map(|&t| team_name(t)).collect(),
                one_person_teams: s.teams_single.iter().map(|&t| team_name(t)).collect(),
            })
            .collect(),
        members_below_role: member_rows(snapshot, &below),
    }
}

/// The header of the gap table of every team (`gaps --by-team`).
pub const BY_TEAM_HEADER: [&str; 9] = [
    "Team",
    "Skill",
    "Target level",
    "Target count",
    "Covered",
    "Shortfall",
    "Single point of failure",
    "Best level",
    "Held only by",
];

/// The gap report of every team with members, teams in natural name order (`gaps --by-team`).
pub fn by_team_reports(snapshot: &Snapshot, all: bool) -> Vec<GapsReport> {
    snapshot
        .teams_in_order()
        .into_iter()
        .filter(|t| !t.members.is_empty())
        .map(|t| gaps_report(snapshot, Scope::Team(t.id), t.name.clone(), all))
        .collect()
}

/// The rows of [`BY_TEAM_HEADER`]: each team's gap rows with the team's name first.
pub fn by_team_cells(reports: &[GapsReport]) -> Vec<[String; 9]> {
    reports
        .iter()
        .flat_map(|r| {
            r.skills.iter().map(|g| {
                let [a, b, c, d, e, f, h, i] = gap_cells(g);
                [r.team.clone(), a, b, c, d, e, f, h, i]
            })
        })
        .collect()
}

/// One skill of a what-if: the coverage under the plan, today's beside it, and what got
/// worse.
#[derive(serde::Serialize)]
pub struct WhatIfRow {
    /// Under the plan.
    #[serde(flatten)]
    pub then: GapRow,
    /// Covered today (`None`: the skill is new to the team, brought by a hire).
    pub covered_today: Option<u32>,
    /// Shortfall today.
    pub shortfall_today: Option<u32>,
    /// A single point of failure today.
    pub single_point_of_failure_today: Option<bool>,
    /// Short under the plan where it meets its target today.
    pub new_shortfall: bool,
    /// Resting on one person under the plan where two or more cover it today.
    pub new_single_point_of_failure: bool,
    /// "worse", "better", "same" or "new to the team": one verdict per skill.
    pub verdict: &'static str,
    /// What got worse, in words ("worse (1 short -> 2 short)"); empty unless worse.
    pub worse: Vec<String>,
}

/// A what-if of one team (`gaps --team NAME --without MEMBER`).
#[derive(serde::Serialize)]
pub struct WhatIfReport {
    pub team: String,
    pub members_today: usize,
    pub members_then: usize,
    pub leaving: Vec<String>,
    pub hires: Vec<String>,
    pub skills: Vec<WhatIfRow>,
}

/// The header of a what-if as CSV: the gap table under the plan, then today's figures.
pub const WHAT_IF_HEADER: [&str; 14] = [
    "Skill",
    "Target level",
    "Target count",
    "Covered",
    "Shortfall",
    "Single point of failure",
    "Best level",
    "Held only by",
    "Covered today",
    "Shortfall today",
    "Single point of failure today",
    "New shortfall",
    "New single point of failure",
    "Verdict",
];

/// A what-if by names: every skill with `all`, else the gaps under the plan and every skill
/// whose coverage changed.
pub fn what_if_report(
    snapshot: &Snapshot,
    team: crate::model::TeamId,
    plan: &whatif::Plan,
    on: crate::model::Date,
    all: bool,
) -> WhatIfReport {
    let outcome = whatif::what_if(snapshot, team, plan, on);
    let name_of = |id: MemberId| match outcome.hires.iter().find(|h| h.id == id) {
        Some(h) => h.name.clone(),
        None => member_name(snapshot, id),
    };
    WhatIfReport {
        team: snapshot
            .team(team)
            .map(|t| t.name.clone())
            .unwrap_or_default(),
        members_today: snapshot.team_members(team).len(),
        members_then: outcome.then_members,
        leaving: plan
            .leaving
            .iter()
            .map(|&id| member_name(snapshot, id))
            .collect(),
        hires: outcome.hires.iter().map(|h| h.name.clone()).collect(),
        skills: outcome
            .changes
            .iter()
            .filter(|c| all || c.then.is_gap() || c.changed())
            .map(|c| WhatIfRow {
                then: gap_row(snapshot, &c.then, &name_of),
                covered_today: c.today.as_ref().map(|t| t.covered),
                shortfall_today: c.today.as_ref().map(|t| t.shortfall),
                single_point_of_failure_today: c.today.as_ref().map(|t| t.single_point_of_failure),
                new_shortfall: c.new_shortfall(),
                new_single_point_of_failure: c.new_single_point_of_failure(),
                verdict: verdict_word(c.verdict()),
                worse: c.worse_words(),
            })
            .collect(),
    }
}

/// A what-if verdict as the reports write it.
pub fn verdict_word(v: whatif::Verdict) -> &'static str {
    match v {
        whatif::Verdict::Worse => "worse",
        whatif::Verdict::Better => "better",
        whatif::Verdict::Same => "same",
        whatif::Verdict::New => "new to the team",
    }
}

/// One what-if row as text, in the order of [`WHAT_IF_HEADER`].
pub fn what_if_cells(r: &WhatIfRow) -> [String; 14] {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let [a, b, c, d, e, f, g, h] = gap_cells(&r.then);
    let opt = |v: Option<u32>| v.map_or_else(String::new, |v| v.to_string());
    [
        a,
        b,
        c,
        d,
        e,
        f,
        g,
        h,
        opt(r.covered_today),
        opt(r.shortfall_today),
        r.single_point_of_failure_today
            .map_or_else(String::new, yes_no),
        yes_no(r.new_shortfall),
        yes_no(r.new_single_point_of_failure),
        r.verdict.to_string(),
    ]
}
