//! Time: assessment dates, undo as retraction, leavers, member events, the matrix as of a
//! date, trends, stale ratings and the migration that brings existing history along.

use super::Tmp;
use super::core::{member, skill, team};
use capmatrix::core::{Action, Core};
use capmatrix::model::analysis::Scope;
use capmatrix::model::history::{Every, as_of, due_for_review, period_ends, trend};
use capmatrix::model::time::today;
use capmatrix::model::{Date, Level, MemberId, SkillId};
use capmatrix::store::Store;
use rusqlite::Connection;

fn d(y: i16, m: i8, day: i8) -> Date {
    Date::new(y, m, day).unwrap()
}

fn set(core: &mut Core, m: MemberId, s: SkillId, level: Level, note: &str, on: Option<Date>) {
    core.apply(Action::SetRating {
        member: m,
        skill: s,
        level,
        note: note.into(),
        interested: false,
        on,
    })
    .unwrap();
}

fn level_on(core: &Core, m: MemberId, s: SkillId, date: Date) -> Option<Level> {
    let then = as_of(core.snapshot(), &core.timeline().unwrap(), date);
    then.member(m)
        .and_then(|m| m.ratings.get(&s))
        .map(|r| r.level)
}

#[test]
fn a_note_or_interest_change_keeps_the_assessment_date_and_a_level_change_dates_today() {
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Data engineer");
    let testing = skill(&core, "Testing");
    set(
        &mut core,
        ann,
        testing,
        Level::Working,
        "",
        Some(d(2026, 1, 10)),
    );
    set(
        &mut core,
        ann,
        testing,
        Level::Working,
        "ran the test guild",
        None,
    );
    let r = core.snapshot().member(ann).unwrap().ratings[&testing].clone();
    assert_eq!(r.assessed_on, d(2026, 1, 10));
    assert_eq!(r.note, "ran the test guild");
    core.apply(Action::SetRating {
        member: ann,
        skill: testing,
        level: Level::Working,
        note: "ran the test guild".into(),
        interested: true,
        on: None,
    })
    .unwrap();
    let r = core.snapshot().member(ann).unwrap().ratings[&testing].clone();
    assert_eq!(r.assessed_on, d(2026, 1, 10));
    assert!(r.interested);
    set(&mut core, ann, testing, Level::Practitioner, "", None);
    let r = &core.snapshot().member(ann).unwrap().ratings[&testing];
    assert_eq!(r.assessed_on, today());
}

#[test]
fn reviewed_still_at_a_level_restamps_the_date_without_changing_the_level() {
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Data engineer");
    let testing = skill(&core, "Testing");
    set(
        &mut core,
        ann,
        testing,
        Level::Working,
        "evidence",
        Some(d(2024, 3, 1)),
    );
    let review = Action::ReviewRating {
        member: ann,
        skill: testing,
        on: None,
    };
    assert!(core.apply(review.clone()).unwrap().changed);
    let r = core.snapshot().member(ann).unwrap().ratings[&testing].clone();
    assert_eq!((r.level, r.note.as_str()), (Level::Working, "evidence"));
    assert_eq!(r.assessed_on, today());
    assert_eq!(core.history(ann, Some(testing)).unwrap().len(), 2);
    // Reviewing again the same day changes nothing.
    assert!(!core.apply(review).unwrap().changed);
    // Reviewing a skill never rated is refused, naming it.
    let modelling = skill(&core, "Data modelling");
    let err = core
        .apply(Action::ReviewRating {
            member: ann,
            skill: modelling,
            on: None,
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Ann has no rating in Data modelling to mark as reviewed; give a level"
    );
}

#[test]
fn an_assessment_date_in_the_future_is_refused_and_changes_nothing() {
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Data engineer");
    let testing = skill(&core, "Testing");
    let tomorrow = today().tomorrow().unwrap();
    let err = core
        .apply(Action::SetRating {
            member: ann,
            skill: testing,
            level: Level::Expert,
            note: String::new(),
            interested: false,
            on: Some(tomorrow),
        })
        .unwrap_err();
    assert!(err.to_string().contains("is in the future"), "{err}");
    assert!(core.snapshot().member(ann).unwrap().ratings.is_empty());
    assert_eq!(core.counts().unwrap().history, 0);
}

#[test]
fn the_matrix_as_of_a_date_before_and_after_a_change() {
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let ann = core
        .apply(Action::AddMember {
            team: t,
            name: "Ann".into(),
            role_level: None,
            joined_on: Some(d(2024, 6, 1)),
        })
        .unwrap()
        .member
        .unwrap();
    let testing = skill(&core, "Testing");
    set(
        &mut core,
        ann,
        testing,
        Level::Working,
        "",
        Some(d(2025, 1, 1)),
    );
    set(
        &mut core,
        ann,
        testing,
        Level::Practitioner,
        "",
        Some(d(2026, 1, 1)),
    );
    assert_eq!(level_on(&core, ann, testing, d(2024, 12, 31)), None);
    assert_eq!(
        level_on(&core, ann, testing, d(2025, 1, 1)),
        Some(Level::Working)
    );
    assert_eq!(
        level_on(&core, ann, testing, d(2025, 6, 1)),
        Some(Level::Working)
    );
    assert_eq!(
        level_on(&core, ann, testing, d(2026, 1, 1)),
        Some(Level::Practitioner)
    );
    // Before they joined they are not in the matrix at all.
    let before = as_of(core.snapshot(), &core.timeline().unwrap(), d(2024, 5, 31));
    assert!(before.member(ann).is_none());
    // As of today the matrix is the current one.
    let now = as_of(core.snapshot(), &core.timeline().unwrap(), today());
    assert_eq!(now, *core.snapshot());
}

#[test]
fn an_undone_edit_is_kept_as_a_retraction_and_absent_from_as_of_and_trends() {
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Data engineer");
    let testing = skill(&core, "Testing");
    set(
        &mut core,
        ann,
        testing,
        Level::Working,
        "",
        Some(d(2025, 1, 1)),
    );
    set(
        &mut core,
        ann,
        testing,
        Level::Expert,
        "",
        Some(d(2025, 3, 1)),
    );
    core.undo().unwrap();
    let history = core.history(ann, Some(testing)).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].level, Some(Level::Expert));
    assert!(history[1].undone.is_some());
    assert_eq!(
        level_on(&core, ann, testing, d(2025, 6, 1)),
        Some(Level::Working)
    );
    let timeline = core.timeline().unwrap();
    let dates = period_ends(d(2025, 1, 1), d(2025, 6, 30), Every::Quarter);
    let tr = trend(core.snapshot(), &timeline, Scope::Team(t), &dates);
    let best: Vec<Option<Level>> = tr
        .points
        .iter()
        .filter(|p| p.skill == testing)
        .map(|p| p.best)
        .collect();
    assert_eq!(best, [Some(Level::Working), Some(Level::Working)]);
    // Redo records the edit again, as a new entry.
    core.redo().unwrap();
    assert_eq!(core.history(ann, Some(testing)).unwrap().len(), 3);
    assert_eq!(
        level_on(&core, ann, testing, d(2025, 6, 1)),
        Some(Level::Expert)
    );
}

#[test]
fn a_leaver_stays_in_earlier_as_of_views_and_can_come_back() {
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let ann = core
        .apply(Action::AddMember {
            team: t,
            name: "Ann".into(),
            role_level: None,
            joined_on: Some(d(2025, 1, 1)),
        })
        .unwrap()
        .member
        .unwrap();
    let testing = skill(&core, "Testing");
    set(
        &mut core,
        ann,
        testing,
        Level::Expert,
        "",
        Some(d(2025, 2, 1)),
    );
    core.apply(Action::RemoveMember { member: ann }).unwrap();
    let yesterday = today().yesterday().unwrap();
    assert_eq!(
        level_on(&core, ann, testing, yesterday),
        Some(Level::Expert)
    );
    let now = as_of(core.snapshot(), &core.timeline().unwrap(), today());
    assert!(now.member(ann).is_none());
    assert!(core.snapshot().member(ann).is_none());
    // The name is not free while they are a former member...
    let other = team(&mut core, "Data");
    let bob = member(&mut core, other, "Ann", "Data engineer");
    let err = core
        .apply(Action::MoveMember {
            member: bob,
            team: t,
        })
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("is a former member of team \"Platform\""),
        "{err}"
    );
    // ...and adding them again brings them back with their ratings.
    let back = core
        .apply(Action::AddMember {
            team: t,
            name: "ann".into(),
            role_level: None,
            joined_on: None,
        })
        .unwrap();
    assert_eq!(back.member, Some(ann));
    assert_eq!(
        core.snapshot().member(ann).unwrap().ratings[&testing].level,
        Level::Expert
    );
    let reloaded = core.read_back().unwrap();
    assert_eq!(reloaded, *core.snapshot());
}

#[test]
fn team_moves_and_role_changes_are_dated_for_as_of_views() {
    let mut core = Core::open_in_memory().unwrap();
    let platform = team(&mut core, "Platform");
    let data = team(&mut core, "Data");
    let ann = member(&mut core, platform, "Ann", "Data engineer");
    let senior = core
        .snapshot()
        .framework
        .role_level_named("Senior data engineer")
        .unwrap();
    let before = core.snapshot().member(ann).unwrap().role_level;
    core.apply(Action::MoveMember {
        member: ann,
        team: data,
    })
    .unwrap();
    core.apply(Action::SetRoleLevel {
        member: ann,
        role_level: Some(senior),
    })
    .unwrap();
    let events = core.events(ann).unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.code()).collect();
    assert_eq!(kinds, ["joined", "moved", "role"]);
    assert!(events.iter().all(|e| e.on == today()));
    let timeline = core.timeline().unwrap();
    let now = as_of(core.snapshot(), &timeline, today());
    let m = now.member(ann).unwrap();
    assert_eq!((m.team, m.role_level), (data, Some(senior)));
    // Undoing the role change keeps it, marked undone, and as of today the role is the old one.
    core.undo().unwrap();
    let events = core.events(ann).unwrap();
    assert!(events[2].undone.is_some());
    let now = as_of(core.snapshot(), &core.timeline().unwrap(), today());
    assert_eq!(now.member(ann).unwrap().role_level, before);
}

#[test]
fn due_for_review_lists_stale_ratings_and_required_skills_never_rated() {
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Data engineer");
    let testing = skill(&core, "Testing");
    let modelling = skill(&core, "Data modelling");
    set(
        &mut core,
        ann,
        testing,
        Level::Working,
        "",
        Some(d(2020, 5, 1)),
    );
    set(&mut core, ann, modelling, Level::Working, "", None);
    let due = due_for_review(core.snapshot(), Scope::Team(t), today(), None);
    let stale: Vec<SkillId> = due
        .iter()
        .filter(|d| d.level.is_some())
        .map(|d| d.skill)
        .collect();
    assert_eq!(stale, [testing]);
    assert!(due[0].months.unwrap() >= 60);
    let fw = &core.snapshot().framework;
    let role = core.snapshot().member(ann).unwrap().role_level.unwrap();
    let required = fw
        .role_level(role)
        .requires
        .iter()
        .filter(|r| r.level.is_some() && r.skill != testing && r.skill != modelling)
        .count();
    assert_eq!(due.iter().filter(|d| d.level.is_none()).count(), required);
    // A shorter review period makes nothing younger than today stale.
    core.apply(Action::SetReviewPeriod { team: t, months: 1 })
        .unwrap();
    let due = due_for_review(core.snapshot(), Scope::Team(t), today(), None);
    assert!(
        !due.iter()
            .any(|d| d.skill == modelling && d.level.is_some())
    );
    let err = core
        .apply(Action::SetReviewPeriod { team: t, months: 0 })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a review period must be 1 to 120 months, not 0"
    );
}

#[test]
fn a_schema_2_database_with_history_migrates_keeping_it() {
    let tmp = Tmp::new();
    let path = tmp.db();
    Store::create_at_version(&path, 2).unwrap();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "INSERT INTO team (id, name) VALUES (1, 'Platform');
         INSERT INTO member (id, team_id, name, role_level_id) VALUES (1, 1, 'Ann', NULL);
         -- 2025-03-01T10:00Z then 2026-02-01T09:00Z
         INSERT INTO rating (member_id, skill_id, level, note, interested, rated_at)
             VALUES (1, 0, 3, 'led it', 1, 1769936400000);
         INSERT INTO rating_history (member_id, skill_id, level, note, interested, at)
             VALUES (1, 0, 2, '', 0, 1740823200000), (1, 0, 3, 'led it', 1, 1769936400000);",
    )
    .unwrap();
    drop(conn);
    let core = Core::open(&path).unwrap();
    let backups: Vec<_> = std::fs::read_dir(tmp.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".v2-backup-"))
        .collect();
    assert_eq!(backups.len(), 1, "a backup is taken first");
    let ann = MemberId(1);
    let s = SkillId(0);
    let r = &core.snapshot().member(ann).unwrap().ratings[&s];
    assert_eq!(
        (r.level, r.assessed_on),
        (Level::Practitioner, d(2026, 2, 1))
    );
    let history = core.history(ann, Some(s)).unwrap();
    let dates: Vec<(Date, i64)> = history
        .iter()
        .map(|h| (h.assessed_on, h.recorded.0))
        .collect();
    assert_eq!(
        dates,
        [
            (d(2025, 3, 1), 1_740_823_200_000),
            (d(2026, 2, 1), 1_769_936_400_000)
        ]
    );
    // Ann joined no later than her first entry, so she is in the matrix as of then.
    assert_eq!(level_on(&core, ann, s, d(2025, 3, 1)), Some(Level::Working));
    assert_eq!(level_on(&core, ann, s, d(2025, 2, 28)), None);
    drop(core);
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 4);
}
