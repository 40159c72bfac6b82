//! The matrix over time, pure: a [`Timeline`] holds every rating entry and member event, and
//! [`as_of`] rebuilds the matrix as it stood on a date; [`trend`] samples coverage at period
//! ends; [`due_for_review`] lists stale and never-rated required ratings.
//!
//! The rules:
//! - an entry or event that was undone is ignored;
//! - a rating as of D is the entry with the latest assessment date among those assessed on or
//!   before D, ties going to the last recorded (a correction made the same day wins): an
//!   assessment recorded later but dated earlier is history on its date, never the present,
//!   and the matrix as of today is the current matrix;
//! - a member is in the matrix as of D when their last event on or before D (joined, left,
//!   moved, role) leaves them in a team; their team and role level are those of that moment.

use super::analysis::{self, Scope};
use super::time::{Date, months_before, months_between};
use super::{
    EventKind, HistoryEntry, Level, Member, MemberEvent, MemberId, Rating, SkillId, Snapshot,
    Source, TeamId,
};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Every rating entry and member event, indexed by member.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// Rating entries sorted by (member, skill, id).
    entries: Vec<(MemberId, HistoryEntry)>,
    by_member: HashMap<MemberId, Range<usize>>,
    events: HashMap<MemberId, Vec<MemberEvent>>,
}

impl Timeline {
    /// A timeline from entries and events in any order.
    pub fn new(
        mut entries: Vec<(MemberId, HistoryEntry)>,
        events: Vec<(MemberId, MemberEvent)>,
    ) -> Timeline {
        entries.sort_unstable_by_key(|(m, e)| (*m, e.skill, e.id));
        let mut by_member: HashMap<MemberId, Range<usize>> = HashMap::new();
        for (i, (m, _)) in entries.iter().enumerate() {
            by_member
                .entry(*m)
                .and_modify(|r| r.end = i + 1)
                .or_insert(i..i + 1);
        }
        let mut events = events;
        events.sort_unstable_by_key(|(m, e)| (*m, e.id));
        let mut by: HashMap<MemberId, Vec<MemberEvent>> = HashMap::new();
        for (m, e) in events {
            by.entry(m).or_default().push(e);
        }
        Timeline {
            entries,
            by_member,
            events: by,
        }
    }

    /// A member's rating entries, by skill then recorded order.
    pub fn entries(&self, member: MemberId) -> &[(MemberId, HistoryEntry)] {
        self.by_member
            .get(&member)
            .map_or(&[], |r| &self.entries[r.clone()])
    }

    /// A member's events, in recorded order.
    pub fn events(&self, member: MemberId) -> &[MemberEvent] {
        self.events.get(&member).map_or(&[], Vec::as_slice)
    }

    /// The earliest assessment date (undone entries aside), if anything was assessed: where a
    /// trend starts by default.
    pub fn first_date(&self) -> Option<Date> {
        self.entries
            .iter()
            .filter(|(_, e)| e.undone.is_none() && e.source == Source::Lead)
            .map(|(_, e)| e.assessed_on)
            .min()
    }

    /// How many rating entries there are (undone ones included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no rating entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The level of a member in a skill as of a date (see the module's rules).
    pub fn level_on(&self, member: MemberId, skill: SkillId, date: Date) -> Option<Level> {
        let list = self.entries(member);
        let start = list.partition_point(|(_, e)| e.skill < skill);
        let end = list.partition_point(|(_, e)| e.skill <= skill);
        effective(list[start..end].iter().map(|(_, e)| e), date).and_then(|e| e.level)
    }
}

/// The lead's entry with the latest assessment date on or before `date` (ties: the last
/// recorded), undone ones aside.
fn effective<'a>(
    entries: impl Iterator<Item = &'a HistoryEntry>,
    date: Date,
) -> Option<&'a HistoryEntry> {
    effective_of(entries, date, Source::Lead)
}

/// As [`effective`], for one source's entries.
fn effective_of<'a>(
    entries: impl Iterator<Item = &'a HistoryEntry>,
    date: Date,
    source: Source,
) -> Option<&'a HistoryEntry> {
    // Entries come in recorded order: of equal dates, the later one replaces the best.
    entries
        .filter(|e| e.source == source && e.undone.is_none() && e.assessed_on <= date)
        .fold(None, |best: Option<&HistoryEntry>, e| match best {
            Some(b) if b.assessed_on > e.assessed_on => Some(b),
            _ => Some(e),
        })
}

/// Where a member stood on a date: their team and role level, or `None` when they were not
/// in a team (not yet joined, or left). `first_rated` is their earliest assessment date: a
/// person assessed before the day they were added (a spreadsheet imported with its history, a
/// backdated rating) was there then, so their first joining counts from that day.
pub fn member_on(
    member: &Member,
    events: &[MemberEvent],
    first_rated: Option<Date>,
    date: Date,
) -> Option<Member> {
    let mut state = Member {
        ratings: BTreeMap::new(),
        self_ratings: BTreeMap::new(),
        left_on: None,
        ..member.clone()
    };
    let live: Vec<&MemberEvent> = events.iter().filter(|e| e.undone.is_none()).collect();
    if live.is_empty() {
        // No record of joining (a database from before events were kept): present throughout,
        // until they left.
        return match member.left_on {
            Some(left) if left <= date => None,
            _ => Some(state),
        };
    }
    // Events apply in date order (recorded order within a day). The first joining counts
    // from the first assessment when that is earlier.
    let first_join = live
        .iter()
        .find(|e| e.kind == EventKind::Joined)
        .map(|e| e.id);
    let mut dated: Vec<(Date, &MemberEvent)> = live
        .into_iter()
        .map(|e| match (Some(e.id) == first_join, first_rated) {
            (true, Some(first)) => (e.on.min(first), e),
            _ => (e.on, e),
        })
        .collect();
    dated.sort_by_key(|(on, e)| (*on, e.id));
    let mut present = false;
    for (on, e) in dated {
        if on > date {
            break;
        }
        match e.kind {
            EventKind::Joined => {
                present = true;
                state.team = e.team.unwrap_or(state.team);
                state.role_level = e.role_level;
            }
            EventKind::Left => present = false,
            EventKind::Moved => state.team = e.team.unwrap_or(state.team),
            EventKind::Role => state.role_level = e.role_level,
        }
    }
    present.then_some(state)
}

/// The matrix as it stood at the end of `date`: the members then in each team (leavers before
/// `date` excluded, former members included while they were there), with their team and role
/// level then, and each rating as then recorded. Teams and targets are today's.
pub fn as_of(current: &Snapshot, timeline: &Timeline, date: Date) -> Snapshot {
    as_of_scope(current, timeline, date, Scope::All)
}

/// As [`as_of`], building only the members a scope can hold: for one team, those in it now
/// and those who were ever recorded in it (moved away, or left). The other teams come out
/// empty; a trend over one team samples the matrix dozens of times, so this is its speed.
pub fn as_of_scope(current: &Snapshot, timeline: &Timeline, date: Date, scope: Scope) -> Snapshot {
    let mut out = Snapshot::new(current.framework.clone());
    for t in current.teams() {
        let mut team = t.clone();
        team.members.clear();
        out.put_team(team);
        for (skill, target) in current.explicit_targets(t.id) {
            out.set_target(t.id, skill, Some(target));
        }
    }
    let people = match scope {
        Scope::All => current
            .all_members()
            .into_iter()
            .chain(current.all_former())
            .collect::<Vec<_>>(),
        Scope::Team(team) => {
            let mut v = current.team_members(team);
            v.extend(current.former_members(team));
            let moved = timeline
                .events
                .iter()
                .filter(|(_, list)| list.iter().any(|e| e.team == Some(team)))
                .filter_map(|(m, _)| current.anyone(*m))
                .filter(|m| m.team != team);
            v.extend(moved);
            v
        }
    };
    for m in people {
        let list = timeline.entries(m.id);
        let first_rated = list
            .iter()
            .filter(|(_, e)| e.undone.is_none())
            .map(|(_, e)| e.assessed_on)
            .min();
        let Some(mut state) = member_on(m, timeline.events(m.id), first_rated, date) else {
            continue;
        };
        if current.team(state.team).is_none() {
            continue;
        }
        let mut i = 0;
        while i < list.len() {
            let skill = list[i].1.skill;
            let end = i + list[i..].partition_point(|(_, e)| e.skill == skill);
            for source in [Source::Lead, Source::SelfAssessed] {
                let entries = list[i..end].iter().map(|(_, e)| e);
                if let Some(e) = effective_of(entries, date, source)
                    && let Some(level) = e.level
                {
                    let rating = Rating {
                        level,
                        note: e.note.clone(),
                        interested: e.interested,
                        assessed_on: e.assessed_on,
                    };
                    match source {
                        Source::Lead => state.ratings.insert(skill, rating),
                        Source::SelfAssessed => state.self_ratings.insert(skill, rating),
                    };
                }
            }
            i = end;
        }
        out.put_member(state);
    }
    out
}

/// How often a trend samples the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// At each month's end.
    Month,
    /// At each quarter's end (March, June, September, December).
    Quarter,
}

/// The period ends from `from` to `to`: the last day of each month (or quarter) in between,
/// with `to` itself closing the last, unfinished period.
///
/// ```
/// use capmatrix::model::history::{Every, period_ends};
/// use capmatrix::model::time::Date;
/// let d = |y, m, day| Date::new(y, m, day).unwrap();
/// assert_eq!(
///     period_ends(d(2026, 9, 10), d(2026, 11, 25), Every::Month),
///     vec![d(2026, 9, 30), d(2026, 10, 31), d(2026, 11, 25)]
/// );
/// assert_eq!(
///     period_ends(d(2026, 1, 1), d(2026, 11, 25), Every::Quarter),
///     vec![d(2026, 3, 31), d(2026, 6, 30), d(2026, 9, 30), d(2026, 11, 25)]
/// );
/// ```
pub fn period_ends(from: Date, to: Date, every: Every) -> Vec<Date> {
    let mut out = Vec::new();
    if to < from {
        return out;
    }
    let mut month = from.first_of_month();
    while month <= to {
        let end = month.last_of_month();
        let closes = every == Every::Month || end.month() % 3 == 0;
        if end >= to {
            out.push(to);
            break;
        }
        if closes && end >= from {
            out.push(end);
        }
        let Ok(next) = end.tomorrow() else { break };
        month = next;
    }
    out
}

/// A team's coverage of one skill at one date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TrendPoint {
    /// The period end.
    #[serde(serialize_with = "iso_date")]
    pub date: Date,
    /// The skill.
    pub skill: SkillId,
    /// People at or above the target level.
    pub covered: u32,
    /// The target count.
    pub target_count: u32,
    /// How many more people the target needs.
    pub shortfall: u32,
    /// The best level anyone had.
    pub best: Option<Level>,
}

/// The matrix sampled at each date: coverage per skill, and the number of people below
/// their role level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trend {
    /// One point per date and skill, by date then skill order.
    pub points: Vec<TrendPoint>,
    /// (date, people below their role level in at least one skill).
    pub below_role: Vec<(Date, usize)>,
}

fn iso_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// Coverage over time for a scope, at each of `dates` (see [`period_ends`]).
pub fn trend(current: &Snapshot, timeline: &Timeline, scope: Scope, dates: &[Date]) -> Trend {
    let mut out = Trend::default();
    for p in on_all_cores(dates, |part| trend_serial(current, timeline, scope, part)) {
        out.points.extend(p.points);
        out.below_role.extend(p.below_role);
    }
    out
}

/// Runs `sample` over `dates` in parts on all cores, the parts' results in date order. Each
/// date is independent (a whole organisation's 24 months take about a second on one core).
fn on_all_cores<T: Send>(dates: &[Date], sample: impl Fn(&[Date]) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(dates.len().max(1));
    let chunk = dates.len().div_ceil(threads).max(1);
    let sample = &sample;
    std::thread::scope(|s| {
        let handles: Vec<_> = dates
            .chunks(chunk)
            .map(|part| s.spawn(move || sample(part)))
            .collect();
        handles
            .into_iter()
            // A worker's panic is a bug: carry it on rather than lose its rows.
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// One skill across teams at a period end: each team against its own target then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamsTrendPoint {
    /// The period end.
    pub date: Date,
    /// The skill.
    pub skill: SkillId,
    /// Teams with members and a target in it then.
    pub teams_with_target: usize,
    /// Teams short of their own target then.
    pub teams_short: usize,
    /// People missing in all (the teams' shortfalls added up).
    pub people_missing: u32,
    /// Teams resting on one person then.
    pub teams_on_one_person: usize,
}

/// Coverage over time across teams (the unit is the team, as in
/// [`analysis::across_teams`]), at each of `dates`; skills in order of worst at each date.
pub fn trend_across_teams(
    current: &Snapshot,
    timeline: &Timeline,
    dates: &[Date],
) -> Vec<TeamsTrendPoint> {
    let parts = on_all_cores(dates, |part| {
        let mut out = Vec::new();
        for &date in part {
            let then = as_of(current, timeline, date);
            let teams = analysis::analyse_teams(&then);
            for s in analysis::across_teams(&then.framework, &teams) {
                out.push(TeamsTrendPoint {
                    date,
                    skill: s.skill,
                    teams_with_target: s.teams_with,
                    teams_short: s.teams_short.len(),
                    people_missing: s.missing,
                    teams_on_one_person: s.teams_single.len(),
                });
            }
        }
        out
    });
    parts.into_iter().flatten().collect()
}

fn trend_serial(current: &Snapshot, timeline: &Timeline, scope: Scope, dates: &[Date]) -> Trend {
    let mut out = Trend::default();
    for &date in dates {
        let then = as_of_scope(current, timeline, date, scope);
        let a = analysis::analyse(&then, scope);
        for c in &a.skills {
            out.points.push(TrendPoint {
                date,
                skill: c.skill,
                covered: c.covered,
                target_count: c.target.count,
                shortfall: c.shortfall,
                best: c.best,
            });
        }
        let mut below: Vec<MemberId> = a.members_below.iter().map(|s| s.member).collect();
        below.sort_unstable();
        below.dedup();
        out.below_role.push((date, below.len()));
    }
    out
}

/// One line of the "due for review" list: a stale rating, or a required skill never rated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The member.
    pub member: MemberId,
    /// Their team.
    pub team: TeamId,
    /// The skill.
    pub skill: SkillId,
    /// The level, or `None` for a skill their role requires that was never rated.
    pub level: Option<Level>,
    /// When it was assessed.
    pub assessed_on: Option<Date>,
    /// Its age in whole months.
    pub months: Option<u32>,
}

/// Whether a rating assessed on `assessed_on` is older than `months` months on `today`.
pub fn is_stale(assessed_on: Date, today: Date, months: u32) -> bool {
    assessed_on < months_before(today, months)
}

/// Ratings assessed longer ago than each team's review period (or `older_than` months, when
/// given), and skills a member's role level requires that were never rated; oldest first,
/// never-rated last, then by member and skill.
pub fn due_for_review(
    snapshot: &Snapshot,
    scope: Scope,
    today: Date,
    older_than: Option<u32>,
) -> Vec<Due> {
    let fw = &snapshot.framework;
    let mut out = Vec::new();
    for m in analysis::scope_members(snapshot, scope) {
        let Some(team) = snapshot.team(m.team) else {
            continue;
        };
        let months = older_than.unwrap_or(team.review_months);
        for (&skill, r) in &m.ratings {
            if is_stale(r.assessed_on, today, months) {
                out.push(Due {
                    member: m.id,
                    team: m.team,
                    skill,
                    level: Some(r.level),
                    assessed_on: Some(r.assessed_on),
                    months: Some(months_between(r.assessed_on, today)),
                });
            }
        }
        let requires = m.role_level.map(|rl| fw.role_level(rl).requires.as_slice());
        for req in requires.unwrap_or_default() {
            let skill = req.skill;
            if req.level.is_some() && !m.ratings.contains_key(&skill) {
                out.push(Due {
                    member: m.id,
                    team: m.team,
                    skill,
                    level: None,
                    assessed_on: None,
                    months: None,
                });
            }
        }
    }
    out.sort_by_cached_key(|d| due_order(snapshot, d));
    out
}

/// The order of [`due_for_review`]'s list: never rated last, oldest first, then by name.
pub fn due_order(snapshot: &Snapshot, d: &Due) -> (bool, Option<Date>, String, MemberId, SkillId) {
    (
        d.assessed_on.is_none(),
        d.assessed_on,
        snapshot
            .member(d.member)
            .map(|m| m.name.to_lowercase())
            .unwrap_or_default(),
        d.member,
        d.skill,
    )
}

/// Whether one rating is due for review (as [`due_for_review`] lists it, with the team's
/// period): stale, or required and never rated. For updating the list after an edit.
pub fn due_of(snapshot: &Snapshot, member: MemberId, skill: SkillId, today: Date) -> Option<Due> {
    let m = snapshot.member(member)?;
    let months = snapshot.team(m.team)?.review_months;
    match m.ratings.get(&skill) {
        Some(r) => is_stale(r.assessed_on, today, months).then(|| Due {
            member,
            team: m.team,
            skill,
            level: Some(r.level),
            assessed_on: Some(r.assessed_on),
            months: Some(months_between(r.assessed_on, today)),
        }),
        None => {
            let rl = m.role_level?;
            snapshot
                .framework
                .role_level(rl)
                .requires
                .iter()
                .any(|q| q.skill == skill && q.level.is_some())
                .then_some(Due {
                    member,
                    team: m.team,
                    skill,
                    level: None,
                    assessed_on: None,
                    months: None,
                })
        }
    }
}
