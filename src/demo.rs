//! Demonstration data: realistic generated teams of data engineers, with plausible names, role
//! levels spread across the family and ratings that follow what each role level requires.
//! Deterministic for a seed. Everything goes through the core in one batch (one transaction,
//! one undo step).

use crate::core::{Action, Core};
use crate::error::{Error, Result};
use crate::model::time::{Date, months_before};
use crate::model::{Level, RoleLevelId, TeamId};

const FIRST: &[&str] = &[
    "Aisha", "Ben", "Chloe", "Dev", "Ellie", "Farah", "George", "Hannah", "Imran", "Jess", "Kwame",
    "Laura", "Mohammed", "Niamh", "Oliver", "Priya", "Quentin", "Rhys", "Sophie", "Tom", "Uma",
    "Vikram", "Wendy", "Xavier", "Yasmin", "Zoe", "Amir", "Bethan", "Callum", "Deepa", "Euan",
    "Fiona", "Gareth", "Hollie", "Isla", "Jamal", "Kirsty", "Liam", "Megan", "Nathan", "Olu",
    "Poppy", "Rory", "Sana", "Tariq", "Ffion", "Siobhán", "Zoë", "Łukasz", "Marta",
];

const LAST: &[&str] = &[
    "Ahmed",
    "Baker",
    "Campbell",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "MacDonald",
    "Nowak",
    "O'Brien",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Uddin",
    "Vaughan",
    "Williams",
    "Xu",
    "Young",
    "Zielinski",
    "Adeyemi",
    "Begum",
    "Chen",
    "Doherty",
    "Edwards",
    "Fletcher",
    "Gallagher",
    "Harris",
    "Ibrahim",
    "Jenkins",
    "Kowalski",
    "Lloyd",
    "Murphy",
    "Nguyen",
    "Okafor",
    "Price",
    "Reid",
    "Shah",
    "Thomas",
    "Walsh",
    "Wright",
];

const TEAMS: &[&str] = &[
    "Data Platform",
    "Analytics Engineering",
    "Data Products",
    "Integration Services",
    "Reference Data",
    "Data Operations",
    "Open Data",
    "Statistics Pipelines",
];

const NOTES: &[&str] = &[
    "Led the move of the nightly batch to streaming",
    "Built the schema registry and its CI checks",
    "Ran the data modelling community of practice",
    "Reviewed by peers in the last quarter",
    "Shadowing a senior engineer on this",
    "Presented to the service's senior stakeholders",
];

/// What `demo` added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    /// Teams created.
    pub teams: usize,
    /// Members added.
    pub members: usize,
    /// Ratings set.
    pub ratings: usize,
}

/// Adds `teams` generated teams holding `members` members between them, with ratings, in one
/// transaction. The same seed gives the same data.
pub fn add_demo(core: &mut Core, members: usize, teams: usize, seed: u64) -> Result<DemoSummary> {
    add_demo_with_history(core, members, teams, seed, 0)
}

/// Adds `days` days to a date (clamped to the calendar's range).
fn plus_days(date: Date, days: u32) -> Date {
    date.checked_add(jiff::Span::new().days(i64::from(days)))
        .unwrap_or(date)
}

/// One generated person's time in the team: when they joined, whether they left, and whether
/// their lead reassesses them (a "lax" lead rates once and never again, so those ratings go
/// stale).
struct Tenure {
    joined: Date,
    left: Option<Date>,
    lax: bool,
}

impl Tenure {
    fn new(rng: &mut fastrand::Rng, start: Date, today: Date, months: u32) -> Tenure {
        let joined = if rng.u32(0..100) < 12 {
            plus_days(start, rng.u32(30..=months.max(2) * 30)).min(today)
        } else {
            start
                .checked_sub(jiff::Span::new().days(i64::from(rng.u32(0..365))))
                .unwrap_or(start)
        };
        let earliest_leave = plus_days(joined.max(start), 90);
        let left = (rng.u32(0..100) < 6 && earliest_leave < today).then(|| {
            let span = earliest_leave
                .until(today)
                .map_or(1, |s| s.get_days().max(1));
            plus_days(earliest_leave, rng.u32(0..span as u32))
        });
        Tenure {
            joined,
            left,
            lax: rng.u32(0..100) < 20,
        }
    }

    /// The dates and levels of one skill's assessments, ending at `last` (today's level).
    fn assessments(
        &self,
        rng: &mut fastrand::Rng,
        start: Date,
        today: Date,
        last: Level,
    ) -> Vec<(Date, Level)> {
        let end = self.left.unwrap_or(today);
        let first = plus_days(self.joined.max(start), rng.u32(0..45)).min(end);
        let mut dates = vec![first];
        if !self.lax {
            let mut d = plus_days(first, rng.u32(150..240));
            while d <= end {
                dates.push(d);
                d = plus_days(d, rng.u32(150..240));
            }
        }
        let wanted: u32 = match rng.u32(0..100) {
            0..45 => 0,
            45..85 => 1,
            _ => 2,
        };
        let mut steps = wanted
            .min(dates.len() as u32 - 1)
            .min(u32::from(last.number()));
        let mut level = u32::from(last.number()) - steps;
        let mut out = Vec::with_capacity(dates.len());
        let count = dates.len();
        for (i, d) in dates.into_iter().enumerate() {
            let left_after = (count - i) as u32;
            if i > 0 && steps > 0 && (rng.bool() || left_after <= steps) {
                level += 1;
                steps -= 1;
            }
            out.push((d, Level::from_number(i64::from(level)).unwrap_or(last)));
        }
        out
    }
}

/// As [`add_demo`], with `months` months of plausible history behind today's ratings: people
/// joined before or during the period (a few left), were reassessed every five to eight months
/// (some improving a level or two), and a fifth of them only once, so their ratings are due
/// for review. With 0 months, everything is rated today, as [`add_demo`].
pub fn add_demo_with_history(
    core: &mut Core,
    members: usize,
    teams: usize,
    seed: u64,
    months: u32,
) -> Result<DemoSummary> {
    if teams == 0 {
        return Err(Error::Usage("demo needs at least one team".into()));
    }
    let framework = core.snapshot().framework.clone();
    let role = framework
        .central_role()
        .ok_or_else(|| Error::Framework("the framework names no central role".into()))?;
    let levels: Vec<RoleLevelId> = framework
        .role(role)
        .levels
        .iter()
        .copied()
        .filter(|&l| !framework.role_level(l).retired)
        .collect();
    if levels.is_empty() {
        return Err(Error::Framework(
            "every level of the framework's central role is retired".into(),
        ));
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    // History draws from its own generator, so the same seed gives the same matrix today
    // with or without history.
    let mut hist = fastrand::Rng::with_seed(seed ^ 0x7157_0A7E_5EED);
    let today = crate::model::time::today();
    let start = months_before(today, months);
    core.apply_batch("add demo data", |batch| {
        let mut team_ids: Vec<TeamId> = Vec::new();
        for t in 0..teams {
            let base = TEAMS[t % TEAMS.len()];
            let round = t / TEAMS.len();
            let mut name = if round == 0 {
                base.to_string()
            } else {
                format!("{base} {}", round + 1)
            };
            let mut n = 2;
            while batch.snapshot().team_named(&name).is_some() {
                name = format!("{base} ({n})");
                n += 1;
            }
            let outcome = batch.apply(Action::CreateTeam { name })?;
            team_ids.extend(outcome.team);
        }
        let mut ratings = 0;
        for i in 0..members {
            let team = team_ids[i % team_ids.len()];
            // Roughly 45% engineers, 30% senior, 18% lead, 7% head.
            let roll = rng.u32(0..100);
            let level_index = match roll {
                0..45 => 0,
                45..75 => 1,
                75..93 => 2,
                _ => 3,
            }
            .min(levels.len().saturating_sub(1));
            let role_level = levels.get(level_index).copied();
            let mut name = format!(
                "{} {}",
                FIRST[rng.usize(0..FIRST.len())],
                LAST[rng.usize(0..LAST.len())]
            );
            let mut n = 2;
            while batch.snapshot().member_named(team, &name).is_some() {
                let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
                name = format!("{base} {n}");
                n += 1;
            }
            let tenure = (months > 0).then(|| Tenure::new(&mut hist, start, today, months));
            let Some(member) = batch
                .apply(Action::AddMember {
                    team,
                    name,
                    role_level,
                    joined_on: tenure.as_ref().map(|t| t.joined),
                })?
                .member
            else {
                continue;
            };
            let Some(rl) = role_level else {
                if let Some(left) = tenure.as_ref().and_then(|t| t.left) {
                    batch.apply(Action::Leave { member, on: left })?;
                }
                continue;
            };
            for q in &framework.role_level(rl).requires {
                let Some(required) = q.level else { continue };
                if rng.u32(0..100) < 8 {
                    continue; // not rated yet
                }
                let delta: i64 = match rng.u32(0..100) {
                    0..5 => -2,
                    5..30 => -1,
                    30..75 => 0,
                    75..95 => 1,
                    _ => 2,
                };
                let level = Level::from_number((i64::from(required.number()) + delta).clamp(0, 4))
                    .unwrap_or(required);
                let note = if rng.u32(0..100) < 10 {
                    NOTES[rng.usize(0..NOTES.len())].to_string()
                } else {
                    String::new()
                };
                let interested = rng.u32(0..100) < 15;
                let steps = match &tenure {
                    Some(t) => t.assessments(&mut hist, start, today, level),
                    None => Vec::new(),
                };
                if steps.is_empty() {
                    batch.apply(Action::SetRating {
                        member,
                        skill: q.skill,
                        level,
                        note: note.clone(),
                        interested,
                        on: None,
                    })?;
                }
                for (on, level) in steps {
                    batch.apply(Action::SetRating {
                        member,
                        skill: q.skill,
                        level,
                        note: note.clone(),
                        interested,
                        on: Some(on),
                    })?;
                }
                ratings += 1;
            }
            if let Some(left) = tenure.as_ref().and_then(|t| t.left) {
                batch.apply(Action::Leave { member, on: left })?;
            }
        }
        Ok(DemoSummary {
            teams: team_ids.len(),
            members,
            ratings,
        })
    })
}
