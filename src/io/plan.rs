//! What an import would do: a parsed file compared with the snapshot gives the teams to
//! create, the members to add, update and remove, and the ratings to set, change and clear.
//! Pure; the same plan is shown by a dry run and applied by a real import.

use super::parse::{FileFormat, ParsedFile};
use crate::model::{
    Level, MemberId, Rating, RoleLevelId, SkillId, Snapshot, Source, TeamId, name_key,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How an import treats what is already in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Add and update members and ratings; leave everything else alone. Empty cells of a wide
    /// file leave ratings as they are.
    #[default]
    Merge,
    /// Each team named in the file holds exactly the file's members, and each of them exactly
    /// the file's ratings (a rating the file does not give is cleared).
    Replace,
}

/// Counts of what an import does (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    /// Teams created.
    pub teams_created: usize,
    /// Members added.
    pub members_added: usize,
    /// Existing members whose role level changed.
    pub members_updated: usize,
    /// Members who leave (replace mode): kept as former members with their history.
    pub members_removed: usize,
    /// Former members the file names, who come back with their history.
    pub members_rejoining: usize,
    /// Ratings in the file assessed before the ones held: recorded in history on their dates,
    /// the ratings held kept as they are (the current rating is the latest assessment).
    pub ratings_older: usize,
    /// Past assessments already in history (the same level on the same date): left out.
    pub ratings_known: usize,
    /// Clears (empty levels of a long file) dated before the ratings held: left out, said.
    pub clears_older: usize,
    /// Ratings set where there was none.
    pub ratings_set: usize,
    /// Ratings changed.
    pub ratings_changed: usize,
    /// Ratings cleared.
    pub ratings_cleared: usize,
    /// People's own ratings (self-assessments) set where there was none.
    pub own_ratings_set: usize,
    /// Own ratings changed.
    pub own_ratings_changed: usize,
    /// Own ratings cleared.
    pub own_ratings_cleared: usize,
    /// A history file's member events recorded (moves, role changes, leaving) for the
    /// members it adds.
    pub events_recorded: usize,
    /// A history file's member events of members already here: left out (their record is
    /// the database's).
    pub events_known: usize,
}

impl Summary {
    /// Whether the import changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Summary::default()
    }

    /// `key: value` lines.
    pub fn lines(&self) -> Vec<String> {
        [
            ("teams created", self.teams_created),
            ("members added", self.members_added),
            ("members updated", self.members_updated),
            ("members removed", self.members_removed),
            ("ratings set", self.ratings_set),
            ("ratings changed", self.ratings_changed),
            ("ratings cleared", self.ratings_cleared),
        ]
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .chain(
            [
                ("own ratings set", self.own_ratings_set),
                ("own ratings changed", self.own_ratings_changed),
                ("own ratings cleared", self.own_ratings_cleared),
                (
                    "member events recorded (moves, role changes, leaving)",
                    self.events_recorded,
                ),
                (
                    "member events of members already here (left out)",
                    self.events_known,
                ),
                ("members rejoining (former members)", self.members_rejoining),
                (
                    "past assessments recorded in history (current ratings kept)",
                    self.ratings_older,
                ),
                (
                    "past assessments already in history (left out)",
                    self.ratings_known,
                ),
                (
                    "clears dated before the ratings held (left out)",
                    self.clears_older,
                ),
            ]
            .iter()
            .filter(|(_, v)| *v > 0)
            .map(|(k, v)| format!("{k}: {v}")),
        )
        .collect()
    }
}

/// One change to a member's ratings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RatingChange {
    /// Set a rating.
    Set {
        /// The skill.
        skill: SkillId,
        /// The level.
        level: Level,
        /// The note.
        note: String,
        /// The interested flag.
        interested: bool,
        /// The assessment date, if the file gives one.
        at: Option<crate::model::Date>,
    },
    /// Clear a rating.
    Clear {
        /// The skill.
        skill: SkillId,
    },
    /// Record an assessment older than the rating held: history on its date, the rating
    /// held unchanged.
    Past {
        /// The skill.
        skill: SkillId,
        /// The level.
        level: Level,
        /// The note.
        note: String,
        /// The interested flag.
        interested: bool,
        /// The assessment date.
        at: crate::model::Date,
    },
}

impl RatingChange {
    /// The skill it changes.
    pub fn skill(&self) -> SkillId {
        match self {
            RatingChange::Set { skill, .. }
            | RatingChange::Clear { skill }
            | RatingChange::Past { skill, .. } => *skill,
        }
    }
}

/// A team the import touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamPlan {
    /// Its name.
    pub name: String,
    /// Its id, if it exists already.
    pub existing: Option<TeamId>,
}

/// A member the import adds or changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberPlan {
    /// Index into [`Plan::teams`].
    pub team: usize,
    /// The name.
    pub name: String,
    /// The member's id, if they exist already.
    pub existing: Option<MemberId>,
    /// The role level to set, if it changes (for a new member: the role level to add with).
    pub role_level: Option<Option<RoleLevelId>>,
    /// Rating changes, in order.
    pub ratings: Vec<RatingChange>,
    /// A former member of the team, who comes back (adding them brings them back).
    pub rejoining: Option<MemberId>,
    /// Changes to the member's own ratings (self-assessment), in order.
    pub self_ratings: Vec<RatingChange>,
    /// A history file: the day a new member joined, and what happened to them after (in
    /// date order), recorded on their dates once they are added and rated.
    pub history: Option<(crate::model::Date, Vec<PlannedEvent>)>,
}

/// A member event a history file brings for a member it adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedEvent {
    /// Moved to a team (index into [`Plan::teams`]).
    Moved(usize, crate::model::Date),
    /// Took a role level.
    Role(Option<RoleLevelId>, crate::model::Date),
    /// Left.
    Left(crate::model::Date),
}

/// Everything an import does.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Teams named in the file.
    pub teams: Vec<TeamPlan>,
    /// Members to add or change (unchanged members are left out).
    pub members: Vec<MemberPlan>,
    /// Members to remove (replace mode).
    pub removals: Vec<MemberId>,
    /// The counts.
    pub summary: Summary,
}

/// One line of what an import changes, for the preview: "Ann Lee (Platform), Testing:
/// Working -> Expert".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The member.
    pub member: String,
    /// Their team.
    pub team: String,
    /// The skill, or "member" for a member added, removed or given a role level.
    pub what: String,
    /// Before ("" for a new member or rating).
    pub old: String,
    /// After.
    pub new: String,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}), {}: ", self.member, self.team, self.what)?;
        if self.old.is_empty() {
            f.write_str(&self.new)
        } else {
            write!(f, "{} -> {}", self.old, self.new)
        }
    }
}

impl Plan {
    /// Leaves out the past assessments `known` says are in history already (the same
    /// member, source, skill, date and level: a file imported twice, or a history export
    /// brought back), counting them apart.
    pub fn drop_known_past(
        &mut self,
        known: &dyn Fn(MemberId, Source, SkillId, crate::model::Date, Level) -> bool,
    ) {
        let mut dropped = 0;
        for m in &mut self.members {
            let Some(id) = m.existing else {
                continue;
            };
            for (source, list) in [
                (Source::Lead, &mut m.ratings),
                (Source::SelfAssessed, &mut m.self_ratings),
            ] {
                list.retain(|c| match c {
                    RatingChange::Past {
                        skill, level, at, ..
                    } if known(id, source, *skill, *at, *level) => {
                        dropped += 1;
                        false
                    }
                    _ => true,
                });
            }
        }
        self.summary.ratings_older -= dropped;
        self.summary.ratings_known += dropped;
    }

    /// The changes one by one, in plan order: at most `limit` of them, with the total.
    pub fn changes(&self, snapshot: &Snapshot, limit: usize) -> (Vec<Change>, usize) {
        let fw = &snapshot.framework;
        let mut listed = Listing {
            out: Vec::new(),
            total: 0,
            limit,
        };
        let role_name = |rl: Option<RoleLevelId>| {
            rl.map_or("no role level".to_string(), |r| {
                fw.role_level(r).name.clone()
            })
        };
        for m in &self.members {
            let current = m.existing.and_then(|id| snapshot.member(id));
            // Once the list is full, the rest are only counted (a 10,000-member import has
            // 100,000 changes and lists 50).
            if listed.is_full() {
                let member_change = !(current.is_some() && m.role_level.is_none());
                listed.total += usize::from(member_change) + m.ratings.len() + m.self_ratings.len();
                continue;
            }
            let team = self.teams[m.team].name.clone();
            let former = m.rejoining.and_then(|id| snapshot.former(id));
            let change = |what: String, old: String, new: String| Change {
                member: m.name.clone(),
                team: team.clone(),
                what,
                old,
                new,
            };
            match (current, m.role_level) {
                (None, _) if former.is_some() => listed.push(change(
                    "member".into(),
                    format!(
                        "left on {}",
                        former
                            .and_then(|f| f.left_on)
                            .map_or(String::new(), |d| d.to_string())
                    ),
                    "comes back, with their history".into(),
                )),
                (None, rl) => listed.push(change(
                    "member".into(),
                    String::new(),
                    format!("added as {}", role_name(rl.flatten())),
                )),
                (Some(c), Some(rl)) => listed.push(change(
                    "role level".into(),
                    role_name(c.role_level),
                    role_name(rl),
                )),
                (Some(_), None) => {}
            }
            for (source, list) in [
                (Source::Lead, &m.ratings),
                (Source::SelfAssessed, &m.self_ratings),
            ] {
                let mut levels: BTreeMap<SkillId, Level> = current
                    .or(former)
                    .map(|c| match source {
                        Source::Lead => &c.ratings,
                        Source::SelfAssessed => &c.self_ratings,
                    })
                    .map(|r| r.iter().map(|(s, r)| (*s, r.level)).collect())
                    .unwrap_or_default();
                for r in list {
                    let (skill, new) = match r {
                        RatingChange::Set { skill, level, .. } => (*skill, Some(*level)),
                        RatingChange::Clear { skill } => (*skill, None),
                        RatingChange::Past {
                            skill, level, at, ..
                        } => {
                            let what = match source {
                                Source::Lead => fw.skill(*skill).name.clone(),
                                Source::SelfAssessed => {
                                    format!("{} (own rating)", fw.skill(*skill).name)
                                }
                            };
                            listed.push(change(
                                what,
                                String::new(),
                                format!("{level} assessed {at} (history; current rating kept)"),
                            ));
                            continue;
                        }
                    };
                    let old = match new {
                        Some(l) => levels.insert(skill, l),
                        None => levels.remove(&skill),
                    };
                    let new_text = match (old, new) {
                        (Some(o), Some(n)) if o == n => {
                            format!("{n} (note or interest changed)")
                        }
                        (_, Some(n)) => n.to_string(),
                        (_, None) => "not rated".to_string(),
                    };
                    let what = match source {
                        Source::Lead => fw.skill(skill).name.clone(),
                        Source::SelfAssessed => format!("{} (own rating)", fw.skill(skill).name),
                    };
                    listed.push(change(
                        what,
                        old.map(|l| l.to_string()).unwrap_or_default(),
                        new_text,
                    ));
                }
            }
        }
        for &id in &self.removals {
            if let Some(m) = snapshot.member(id) {
                listed.push(Change {
                    member: m.name.clone(),
                    team: snapshot
                        .team(m.team)
                        .map(|t| t.name.clone())
                        .unwrap_or_default(),
                    what: "member".into(),
                    old: String::new(),
                    new: "removed".into(),
                });
            }
        }
        (listed.out, listed.total)
    }
}

/// The changes listed (up to `limit`) and counted.
struct Listing {
    out: Vec<Change>,
    total: usize,
    limit: usize,
}

impl Listing {
    fn push(&mut self, c: Change) {
        self.total += 1;
        if self.out.len() < self.limit {
            self.out.push(c);
        }
    }

    fn is_full(&self) -> bool {
        self.out.len() >= self.limit
    }
}

/// Compares a parsed file with the snapshot; its ratings are the lead's unless a Source
/// column says otherwise.
pub fn plan(snapshot: &Snapshot, file: &ParsedFile, mode: Mode) -> Plan {
    plan_from(snapshot, file, mode, Source::Lead)
}

/// As [`plan`], with the ratings of rows that do not say whose they are taken as `default`'s
/// (`import --source self`). A source the file carries no rating of is left alone, even in
/// replace mode.
pub fn plan_from(snapshot: &Snapshot, file: &ParsedFile, mode: Mode, default: Source) -> Plan {
    let of = |r: &super::parse::ParsedRating| r.source.unwrap_or(default);
    // A source is carried when some row resolves to it (a row without a Source cell is the
    // import's default); a wide file, or a long one without ratings, carries the default.
    let any_rating = file.members.iter().any(|m| !m.ratings.is_empty());
    let carries = |source: Source| {
        (!any_rating && default == source)
            || file
                .members
                .iter()
                .any(|m| m.ratings.iter().any(|r| of(r) == source))
    };
    let (lead_in_file, self_in_file) = (carries(Source::Lead), carries(Source::SelfAssessed));
    let mut plan = Plan::default();
    let mut team_index: HashMap<String, usize> = HashMap::new();
    let mut in_file: BTreeMap<TeamId, BTreeSet<MemberId>> = BTreeMap::new();
    let mut team_of = |plan: &mut Plan, name: &str| -> usize {
        *team_index.entry(name_key(name)).or_insert_with(|| {
            let existing = snapshot.team_named(name).map(|t| t.id);
            if existing.is_none() {
                plan.summary.teams_created += 1;
            }
            plan.teams.push(TeamPlan {
                name: name.to_string(),
                existing,
            });
            plan.teams.len() - 1
        })
    };
    for pm in &file.members {
        let team = team_of(&mut plan, &pm.team);
        let existing = plan.teams[team]
            .existing
            .and_then(|t| snapshot.member_named(t, &pm.name));
        if let (Some(t), Some(m)) = (plan.teams[team].existing, existing) {
            in_file.entry(t).or_default().insert(m.id);
        }
        // A former member of the team named in the file comes back (adding them brings them
        // back), and their ratings are compared with the ones they had.
        let former = match existing {
            Some(_) => None,
            None => plan.teams[team]
                .existing
                .and_then(|t| snapshot.former_named(t, &pm.name)),
        };
        let current_role = existing.and_then(|m| m.role_level);
        let role_level = match (existing, pm.role_level, mode) {
            (None, rl, _) => Some(rl.flatten()),
            (Some(_), Some(Some(rl)), _) if Some(rl) != current_role => Some(Some(rl)),
            (Some(_), Some(None), Mode::Replace) if current_role.is_some() => Some(None),
            _ => None,
        };
        // A history file's events: a new member is added where and as they began, then
        // moved, promoted and let go on their dates; a member already here keeps the
        // database's record.
        let mut events: Vec<&super::parse::ParsedEvent> = pm.events.iter().collect();
        events.sort_by_key(|e| (e.on, e.line));
        let has_left = events
            .last()
            .is_some_and(|e| e.kind == crate::model::EventKind::Left);
        if !events.is_empty() && (existing.is_some() || former.is_some()) {
            plan.summary.events_known += events.len();
            if existing.is_none() && has_left {
                // A former member the file also has leaving: not brought back.
                continue;
            }
        }
        let history = match (existing, former, events.first()) {
            (None, None, Some(first)) => {
                let start = team_of(&mut plan, &first.team);
                let mut planned = Vec::new();
                let (mut at_team, mut at_role) = (start, first.role_level);
                for e in &events[1..] {
                    let t = team_of(&mut plan, &e.team);
                    match e.kind {
                        crate::model::EventKind::Moved if t != at_team => {
                            planned.push(PlannedEvent::Moved(t, e.on));
                            at_team = t;
                        }
                        crate::model::EventKind::Role if e.role_level != at_role => {
                            planned.push(PlannedEvent::Role(e.role_level, e.on));
                            at_role = e.role_level;
                        }
                        crate::model::EventKind::Left => planned.push(PlannedEvent::Left(e.on)),
                        _ => {}
                    }
                }
                plan.summary.events_recorded += planned.len();
                Some((start, first.role_level, first.on, planned))
            }
            _ => None,
        };
        let (team, role_level) = match &history {
            Some((start, role, _, _)) => (*start, Some(*role)),
            None => (team, role_level),
        };
        match (existing, former) {
            (None, Some(_)) => plan.summary.members_rejoining += 1,
            (None, None) => plan.summary.members_added += 1,
            (Some(_), _) if role_level.is_some() => plan.summary.members_updated += 1,
            (Some(_), _) => {}
        }

        let (lead, own): (Vec<_>, Vec<_>) = pm
            .ratings
            .iter()
            .cloned()
            .partition(|r| of(r) == Source::Lead);
        let changes = if lead_in_file {
            rating_changes(
                existing.or(former).map(|m| &m.ratings),
                &lead,
                file.format,
                mode,
                &mut plan.summary,
            )
        } else {
            Vec::new()
        };
        let self_changes = if self_in_file {
            // Own ratings are counted apart: "own ratings set", never the lead's.
            let mut counts = Summary::default();
            let changes = rating_changes(
                existing.or(former).map(|m| &m.self_ratings),
                &own,
                file.format,
                mode,
                &mut counts,
            );
            let s = &mut plan.summary;
            s.own_ratings_set += counts.ratings_set;
            s.own_ratings_changed += counts.ratings_changed;
            s.own_ratings_cleared += counts.ratings_cleared;
            s.ratings_older += counts.ratings_older;
            s.clears_older += counts.clears_older;
            changes
        } else {
            Vec::new()
        };
        if existing.is_none()
            || role_level.is_some()
            || !changes.is_empty()
            || !self_changes.is_empty()
        {
            plan.members.push(MemberPlan {
                team,
                name: pm.name.clone(),
                existing: existing.map(|m| m.id),
                role_level,
                ratings: changes,
                rejoining: former.map(|m| m.id),
                self_ratings: self_changes,
                history: history.map(|(_, _, joined, events)| (joined, events)),
            });
        }
    }
    if mode == Mode::Replace {
        for t in plan.teams.iter().filter_map(|t| t.existing) {
            let keep = in_file.get(&t);
            for m in snapshot.team_members(t) {
                if !keep.is_some_and(|k| k.contains(&m.id)) {
                    plan.removals.push(m.id);
                    plan.summary.members_removed += 1;
                }
            }
        }
    }
    plan
}

/// What an import changes in one member's ratings, in order (long files may list a rating's
/// history: oldest first), counting them in `summary`.
fn rating_changes(
    existing: Option<&BTreeMap<SkillId, Rating>>,
    given_ratings: &[super::parse::ParsedRating],
    format: FileFormat,
    mode: Mode,
    summary: &mut Summary,
) -> Vec<RatingChange> {
    let mut current: BTreeMap<SkillId, Rating> = existing.cloned().unwrap_or_default();
    let mut given: BTreeSet<SkillId> = BTreeSet::new();
    let mut changes = Vec::new();
    let mut ratings: Vec<_> = given_ratings.iter().collect();
    // Long files may list a rating's history: apply it oldest first (file order within a
    // day, the order a history export records).
    ratings.sort_by_key(|r| r.at);
    for r in ratings {
        let Some(level) = r.level else {
            // An empty cell of a wide file is "no rating given"; an empty Level in a long
            // file is a cleared rating.
            let older = current
                .get(&r.skill)
                .is_some_and(|o| r.at.is_some_and(|d| d < o.assessed_on));
            if format == FileFormat::Long && older {
                summary.clears_older += 1;
            } else if format == FileFormat::Long && current.remove(&r.skill).is_some() {
                given.remove(&r.skill);
                summary.ratings_cleared += 1;
                changes.push(RatingChange::Clear { skill: r.skill });
            }
            continue;
        };
        given.insert(r.skill);
        let old = current.get(&r.skill);
        let note = r
            .note
            .clone()
            .or_else(|| old.map(|o| o.note.clone()))
            .unwrap_or_default();
        let interested = r.interested.or(old.map(|o| o.interested)).unwrap_or(false);
        if let Some(o) = old {
            let same_date = r.at.is_none_or(|d| d == o.assessed_on);
            // A rating assessed before the one held is history, not the present: recorded on
            // its date, never taking the level back (last year's file brings trends).
            if let Some(at) = r.at.filter(|&d| d < o.assessed_on) {
                summary.ratings_older += 1;
                changes.push(RatingChange::Past {
                    skill: r.skill,
                    level,
                    note: r.note.clone().unwrap_or_default(),
                    interested: r.interested.unwrap_or(false),
                    at,
                });
                continue;
            }
            if o.level == level && o.note == note && o.interested == interested && same_date {
                continue;
            }
            summary.ratings_changed += 1;
        } else {
            summary.ratings_set += 1;
        }
        current.insert(
            r.skill,
            Rating {
                level,
                note: note.clone(),
                interested,
                assessed_on: r
                    .at
                    .or(old.map(|o| o.assessed_on))
                    .unwrap_or(crate::model::time::EARLIEST),
            },
        );
        changes.push(RatingChange::Set {
            skill: r.skill,
            level,
            note,
            interested,
            at: r.at,
        });
    }
    if mode == Mode::Replace {
        for skill in current
            .keys()
            .filter(|s| !given.contains(s))
            .copied()
            .collect::<Vec<_>>()
        {
            summary.ratings_cleared += 1;
            changes.push(RatingChange::Clear { skill });
        }
    }
    changes
}
