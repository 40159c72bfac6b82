//! The gap analysis by names, as every output writes it: `gaps` (text, CSV, JSON) and the
//! workbook's Gaps sheet. Pure: a function of the snapshot.

use crate::model::analysis::{self, Scope};
use crate::model::{Level, Snapshot};

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
pub const GAPS_HEADER: [&str; 7] = [
    "Skill",
    "Target level",
    "Target count",
    "Covered",
    "Shortfall",
    "Single point of failure",
    "Best level",
];

/// One gap row as text, in the order of [`GAPS_HEADER`].
pub fn gap_cells(r: &GapRow) -> [String; 7] {
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
    ]
}

/// The gap analysis of `scope` (named `team_name` in the report): every skill with `all`,
/// else only the gaps, ranked; and the members below their role's requirement.
pub fn gaps_report(snapshot: &Snapshot, scope: Scope, team_name: String, all: bool) -> GapsReport {
    let fw = &snapshot.framework;
    let analysis = analysis::analyse(snapshot, scope);
    let members = analysis::scope_members(snapshot, scope);
    let name_of = |id| {
        snapshot
            .member(id)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };
    let names =
        |ids: &[crate::model::MemberId]| ids.iter().map(|&id| name_of(id)).collect::<Vec<_>>();
    GapsReport {
        team: team_name,
        members: members.len(),
        skills: analysis
            .skills
            .iter()
            .filter(|c| all || c.is_gap())
            .map(|c| GapRow {
                skill: fw.skill(c.skill).name.clone(),
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
            })
            .collect(),
        members_below_role: analysis
            .members_below
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
            .collect(),
    }
}
