//! Time: assessment dates, undo as retraction, leavers, member events, the matrix as of a
//! date, trends, stale ratings and the migration that brings existing history along.

use super::core::{member, skill, team};
use super::{Tmp, capmatrix, stderr, stdout};
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
    let two_months_ago = capmatrix::model::time::months_before(today(), 2);
    set(
        &mut core,
        ann,
        modelling,
        Level::Working,
        "",
        Some(two_months_ago),
    );
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
    // A one-month review period makes the two-month-old rating due too.
    core.apply(Action::SetReviewPeriod { team: t, months: 1 })
        .unwrap();
    let due = due_for_review(core.snapshot(), Scope::Team(t), today(), None);
    assert!(
        due.iter()
            .any(|d| d.skill == modelling && d.level.is_some())
    );
    assert_eq!(core.read_back().unwrap().team(t).unwrap().review_months, 1);
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
    assert_eq!(version, capmatrix::store::SCHEMA_VERSION);
}

/// Runs a command and returns its standard output, failing the test on an error.
fn ok(db: &std::path::Path, args: &[&str]) -> String {
    let out = capmatrix(db, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn fails(db: &std::path::Path, args: &[&str]) -> String {
    let out = capmatrix(db, args);
    assert_ne!(out.status.code(), Some(0), "{args:?} should fail");
    stderr(&out)
}

#[test]
fn rate_sets_changes_restamps_and_clears_one_rating_from_the_command_line() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let sample = tmp.path("team.csv");
    std::fs::write(
        &sample,
        // A wide file's Rated on column dates its row's ratings.
        "Member,Team,Role level,Rated on,Testing\r\nAnn Lee,Platform,Data engineer,2025-01-15,W\r\nAnn Lee,Data,Data engineer,2025-01-15,A\r\n",
    )
    .unwrap();
    ok(&db, &["import", sample.to_str().unwrap()]);
    // The name is in two teams: --team says which.
    let err = fails(&db, &["rate", "Ann Lee", "Testing", "P"]);
    assert!(err.contains("\"Ann Lee\" is a member of"), "{err}");
    let out = ok(
        &db,
        &[
            "rate",
            "ann lee",
            "testing",
            "3",
            "--team",
            "Platform",
            "--on",
            "01/03/2026",
        ],
    );
    assert_eq!(
        out,
        "Ann Lee (Platform), Testing: Practitioner, assessed on 2026-03-01\n"
    );
    // An assessment older than the one held is history, never the present.
    let out = ok(
        &db,
        &[
            "rate",
            "Ann Lee",
            "Testing",
            "A",
            "--team",
            "Platform",
            "--on",
            "2025-06-01",
        ],
    );
    assert_eq!(
        out,
        "Ann Lee (Platform), Testing: recorded in history as assessed on 2025-06-01; the current rating, assessed later, is kept: Practitioner, assessed on 2026-03-01\n"
    );
    // A note alone keeps the date; --reviewed re-stamps it without changing the level.
    let out = ok(
        &db,
        &[
            "rate",
            "Ann Lee",
            "Testing",
            "--team",
            "Platform",
            "--note",
            "led the guild",
            "--interested",
            "yes",
        ],
    );
    assert_eq!(
        out,
        "Ann Lee (Platform), Testing: Practitioner, assessed on 2026-03-01\n"
    );
    let out = ok(
        &db,
        &[
            "rate",
            "Ann Lee",
            "Testing",
            "--team",
            "Platform",
            "--reviewed",
        ],
    );
    assert_eq!(
        out,
        format!(
            "Ann Lee (Platform), Testing: Practitioner, assessed on {}\n",
            today()
        )
    );
    let csv = ok(
        &db,
        &["export", "-", "--team", "Platform", "--format", "long"],
    );
    assert!(
        csv.contains(&format!(
            "Testing,Practitioner,{},yes,led the guild",
            today()
        )),
        "{csv}"
    );
    // Refusals change nothing.
    let before = ok(&db, &["export", "-", "--format", "long"]);
    for (args, says) in [
        (
            &["rate", "Ann Lee", "Testing", "X", "--team", "Data"][..],
            "\"X\" is not a level",
        ),
        (
            &[
                "rate",
                "Ann Lee",
                "Testing",
                "E",
                "--team",
                "Data",
                "--on",
                "2999-01-01",
            ],
            "in the future",
        ),
        (
            &[
                "rate",
                "Ann Lee",
                "Testing",
                "E",
                "--team",
                "Data",
                "--on",
                "31/02/2026",
            ],
            "is not a date",
        ),
        (
            &[
                "rate",
                "Ann Lee",
                "Data modelling",
                "--team",
                "Data",
                "--reviewed",
            ],
            "no rating in Data modelling",
        ),
        (
            &["rate", "Nobody", "Testing", "E"],
            "no member named \"Nobody\"",
        ),
        (
            &["rate", "Ann Lee", "Testing", "--team", "Data"],
            "nothing to change",
        ),
    ] {
        let err = fails(&db, args);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(ok(&db, &["export", "-", "--format", "long"]), before);
    let out = ok(
        &db,
        &["rate", "Ann Lee", "Testing", "clear", "--team", "Data"],
    );
    assert_eq!(out, "Ann Lee (Data), Testing: not rated\n");
}

#[test]
fn review_lists_stale_ratings_and_never_rated_required_skills() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let sample = tmp.path("team.csv");
    // Relative to today, so the test means the same whenever it runs.
    let recent = capmatrix::model::time::months_before(today(), 1);
    std::fs::write(
        &sample,
        format!(
            "Member,Team,Role level,Skill,Level,Rated on\r\n\
             Ann Lee,Platform,Data engineer,Testing,Working,2024-01-15\r\n\
             Ann Lee,Platform,Data engineer,Data modelling,Working,{recent}\r\n"
        ),
    )
    .unwrap();
    ok(&db, &["import", sample.to_str().unwrap()]);
    let csv = ok(&db, &["review", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "Member,Team,Skill,Level,Assessed on,Months");
    let months = capmatrix::model::time::months_between(d(2024, 1, 15), today());
    assert_eq!(
        lines[1],
        format!("Ann Lee,Platform,Testing,Working,2024-01-15,{months}")
    );
    assert!(lines[2..].iter().all(|l| l.ends_with(",,,")), "{csv}");
    assert!(!csv.contains("Data modelling,Working"));
    // --older-than overrides the team's period.
    let csv = ok(&db, &["review", "--format", "csv", "--older-than", "0"]);
    assert!(csv.contains(&format!("Data modelling,Working,{recent}")));
    let text = ok(&db, &["review", "--team", "Platform"]);
    assert!(
        text.starts_with("1 rating due for review (older than each team's review period); "),
        "{text}"
    );
    assert!(text.contains("never rated"));
}

#[test]
fn gaps_and_export_as_of_a_date_use_the_matrix_as_it_stood() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let sample = tmp.path("team.csv");
    std::fs::write(
        &sample,
        "Member,Team,Role level,Skill,Level,Rated on\r\n\
         Ann Lee,Platform,Data engineer,Testing,Awareness,2025-01-15\r\n\
         Ann Lee,Platform,Data engineer,Testing,Expert,2026-02-01\r\n\
         Bob Roy,Platform,Data engineer,Testing,Expert,2025-01-20\r\n",
    )
    .unwrap();
    ok(&db, &["import", sample.to_str().unwrap()]);
    ok(&db, &["rate", "Ann Lee", "Testing", "W"]);
    // Undo is the window's; here Bob leaves (a replace import without him).
    let only_ann = tmp.path("ann.csv");
    std::fs::write(
        &only_ann,
        "Member,Team,Role level,Testing\r\nAnn Lee,Platform,Data engineer,W\r\n",
    )
    .unwrap();
    ok(
        &db,
        &["import", only_ann.to_str().unwrap(), "--mode", "replace"],
    );
    let wide = |date: &str| ok(&db, &["export", "-", "--as-of", date]);
    // Testing is the last column of the wide layout.
    let row = |csv: &str, who: &str| {
        csv.lines()
            .find(|l| l.starts_with(who))
            .map(|l| l.rsplit(',').next().unwrap_or("").to_string())
    };
    let mid = wide("2025-06-30");
    assert_eq!(row(&mid, "Ann Lee,").as_deref(), Some("Awareness"), "{mid}");
    assert_eq!(row(&mid, "Bob Roy,").as_deref(), Some("Expert"), "{mid}");
    let later = wide("2026-06-30");
    assert_eq!(
        row(&later, "Ann Lee,").as_deref(),
        Some("Expert"),
        "{later}"
    );
    let now = wide(&today().to_string());
    assert_eq!(row(&now, "Ann Lee,").as_deref(), Some("Working"), "{now}");
    assert!(!now.contains("Bob Roy"), "Bob left today: {now}");
    assert_eq!(now, ok(&db, &["export", "-"]));
    let before = wide("2024-12-31");
    assert_eq!(before.lines().count(), 1, "nobody yet: {before}");
    let gaps = |date: &str| {
        ok(
            &db,
            &[
                "gaps", "--team", "Platform", "--all", "--format", "csv", "--as-of", date,
            ],
        )
    };
    let testing = |csv: String| {
        csv.lines()
            .find(|l| l.starts_with("Testing,"))
            .map(str::to_string)
            .unwrap()
    };
    assert!(
        testing(gaps("2025-06-30"))
            .contains(",1,1,yes,Expert,\"Bob Roy (Expert, assessed 2025-01-20"),
        "Bob covers it alone"
    );
    assert!(testing(gaps("2026-06-30")).ends_with(",2,0,no,Expert,"));
    let err = fails(&db, &["gaps", "--as-of", "soon"]);
    assert!(err.contains("--as-of: \"soon\" is not a date"), "{err}");
    let err = fails(
        &db,
        &[
            "export",
            "-",
            "--format",
            "long",
            "--history",
            "--as-of",
            "2025-01-01",
        ],
    );
    assert!(err.contains("use one of them"), "{err}");
}

#[test]
fn trend_gives_one_row_per_period_end_and_skill() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let sample = tmp.path("team.csv");
    std::fs::write(
        &sample,
        "Member,Team,Role level,Skill,Level,Rated on\r\n\
         Ann Lee,Platform,Data engineer,Testing,Awareness,2026-01-15\r\n\
         Ann Lee,Platform,Data engineer,Testing,Expert,2026-02-10\r\n",
    )
    .unwrap();
    ok(&db, &["import", sample.to_str().unwrap()]);
    let csv = ok(
        &db,
        &[
            "trend",
            "--team",
            "Platform",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
        ],
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "Date,Skill,Covered,Target count,Shortfall,Best level"
    );
    let testing: Vec<&str> = lines
        .iter()
        .filter(|l| l.contains(",Testing,"))
        .copied()
        .collect();
    assert_eq!(testing.len(), 3, "one row per month end: {csv}");
    assert!(testing[0].starts_with("2026-01-31,Testing,0,"), "{csv}");
    assert!(testing[0].ends_with(",Awareness"), "{csv}");
    assert!(testing[1].starts_with("2026-02-28,Testing,"));
    assert!(testing[1].ends_with(",Expert"));
    let skills = lines.len() - 1;
    assert_eq!(skills % 3, 0);
    let json = ok(
        &db,
        &[
            "trend",
            "--team",
            "Platform",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--every",
            "quarter",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let dates: std::collections::BTreeSet<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates.into_iter().collect::<Vec<_>>(),
        ["2026-03-31", "2026-06-30"]
    );
    assert_eq!(doc["below_role"].as_array().unwrap().len(), 2);
}

#[test]
fn demo_with_history_gives_trends_something_to_show_and_as_of_today_is_today() {
    let mut core = Core::open_in_memory().unwrap();
    let s = capmatrix::demo::add_demo_with_history(&mut core, 60, 3, 7, 24).unwrap();
    assert_eq!(s.members, 60);
    let counts = core.counts().unwrap();
    assert!(counts.history as usize > 2 * s.ratings, "{counts:?}");
    assert!(counts.former > 0, "some people left: {counts:?}");
    let timeline = core.timeline().unwrap();
    let first = timeline.first_date().unwrap();
    assert!(first < capmatrix::model::time::months_before(today(), 20));
    // The matrix as of today is the current one, leavers and all.
    let now = as_of(core.snapshot(), &timeline, today());
    assert_eq!(now.all_members(), core.snapshot().all_members());
    // People improved: a year ago fewer ratings were at Practitioner or above.
    let strong = |snap: &capmatrix::model::Snapshot| {
        snap.all_members()
            .iter()
            .flat_map(|m| m.ratings.values())
            .filter(|r| r.level >= Level::Practitioner)
            .count()
    };
    let year_ago = as_of(
        core.snapshot(),
        &timeline,
        capmatrix::model::time::months_before(today(), 12),
    );
    assert!(strong(&year_ago) < strong(core.snapshot()));
    // Some ratings are stale (a lax lead), most are not.
    let due = due_for_review(core.snapshot(), Scope::All, today(), None);
    let stale = due.iter().filter(|d| d.level.is_some()).count();
    assert!(
        stale > 0 && stale < s.ratings / 2,
        "{stale} of {}",
        s.ratings
    );
    // Without history months, the same seed gives the same matrix (all dated today).
    let mut plain = Core::open_in_memory().unwrap();
    capmatrix::demo::add_demo(&mut plain, 60, 3, 7).unwrap();
    let levels = |snap: &capmatrix::model::Snapshot| {
        snap.all_members()
            .iter()
            .map(|m| {
                (
                    m.name.clone(),
                    m.ratings
                        .iter()
                        .map(|(s, r)| (*s, r.level))
                        .collect::<Vec<_>>(),
                )
            })
            .collect::<Vec<_>>()
    };
    let mut with_former = levels(core.snapshot());
    for m in core.snapshot().all_former() {
        with_former.push((
            m.name.clone(),
            m.ratings.iter().map(|(s, r)| (*s, r.level)).collect(),
        ));
    }
    with_former.sort();
    let mut plain_levels = levels(plain.snapshot());
    plain_levels.sort();
    assert_eq!(with_former, plain_levels);
}

#[test]
fn check_reports_a_stored_date_that_is_not_a_date_and_it_reads_as_due_for_review() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let sample = tmp.path("team.csv");
    std::fs::write(
        &sample,
        "Member,Team,Role level,Testing\r\nAnn Lee,Platform,Data engineer,W\r\n",
    )
    .unwrap();
    ok(&db, &["import", sample.to_str().unwrap()]);
    assert!(ok(&db, &["check"]).starts_with("ok: "));
    // Damage by another program, which ignores capmatrix's triggers.
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER rating_entry_kept;
         UPDATE rating SET assessed_on = 'last Tuesday';",
    )
    .unwrap();
    drop(conn);
    let err = fails(&db, &["check"]);
    assert!(
        err.contains("rating.assessed_on is not a date in 1 rows (read as 1900-01-01)"),
        "{err}"
    );
    // The file still opens; the rating shows as long due for review.
    let csv = ok(&db, &["review", "--format", "csv"]);
    assert!(
        csv.contains("Ann Lee,Platform,Testing,Working,1900-01-01,"),
        "{csv}"
    );
}

#[test]
fn undo_still_retracts_the_right_entry_after_a_removed_team_is_put_back() {
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
        Some(d(2025, 6, 1)),
    );
    core.apply(Action::RemoveTeam { team: t }).unwrap();
    // New entries for someone else take ids after the removed ones (never the same ids).
    let other = team(&mut core, "Data");
    let bob = member(&mut core, other, "Bob", "Data engineer");
    set(&mut core, bob, testing, Level::Awareness, "", None);
    for _ in 0..3 {
        core.undo().unwrap(); // Bob's rating, Bob, the Data team
    }
    core.undo().unwrap(); // the removal: the team comes back, entries under their ids
    core.undo().unwrap(); // the Expert rating: retracted
    let history = core.history(ann, Some(testing)).unwrap();
    let undone: Vec<bool> = history.iter().map(|h| h.undone.is_some()).collect();
    assert_eq!(undone, [false, true]);
    assert_eq!(level_on(&core, ann, testing, today()), Some(Level::Working));
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
}

#[test]
fn redo_of_a_dated_leaving_keeps_its_date_and_leaving_before_joining_is_refused() {
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
    let err = core
        .apply(Action::Leave {
            member: ann,
            on: d(2024, 12, 31),
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Ann cannot have left on 2024-12-31: they joined on 2025-01-01"
    );
    core.apply(Action::Leave {
        member: ann,
        on: d(2025, 6, 30),
    })
    .unwrap();
    core.undo().unwrap();
    assert!(core.snapshot().member(ann).is_some());
    core.redo().unwrap();
    assert_eq!(
        core.snapshot().former(ann).unwrap().left_on,
        Some(d(2025, 6, 30))
    );
}

#[test]
fn a_former_member_named_in_an_import_comes_back_no_earlier_than_they_left() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let first = tmp.path("first.csv");
    std::fs::write(
        &first,
        "Member,Team,Role level,Skill,Level,Rated on\r\n\
         Ann Lee,Platform,Data engineer,Testing,Working,2024-03-01\r\n\
         Ann Lee,Platform,Data engineer,Data modelling,Working,2024-03-01\r\n\
         Bob Roy,Platform,Data engineer,Testing,Expert,2024-03-01\r\n",
    )
    .unwrap();
    ok(&db, &["import", first.to_str().unwrap()]);
    let mut core = Core::open(&db).unwrap();
    let t = core.snapshot().team_named("Platform").unwrap().id;
    let ann = core.snapshot().member_named(t, "Ann Lee").unwrap().id;
    core.apply(Action::Leave {
        member: ann,
        on: d(2025, 1, 31),
    })
    .unwrap();
    drop(core);
    // A replace import names Ann again, with her first rating's date and Testing only.
    let again = tmp.path("again.csv");
    std::fs::write(
        &again,
        "Member,Team,Role level,Skill,Level,Rated on\r\n\
         Ann Lee,Platform,Data engineer,Testing,Practitioner,2025-03-01\r\n\
         Bob Roy,Platform,Data engineer,Testing,Expert,2024-03-01\r\n",
    )
    .unwrap();
    let dry = ok(
        &db,
        &[
            "import",
            again.to_str().unwrap(),
            "--mode",
            "replace",
            "--dry-run",
        ],
    );
    assert!(dry.contains("members added: 0"), "{dry}");
    assert!(
        dry.contains("members rejoining (former members): 1"),
        "{dry}"
    );
    ok(
        &db,
        &["import", again.to_str().unwrap(), "--mode", "replace"],
    );
    let core = Core::open(&db).unwrap();
    let m = core
        .snapshot()
        .member(ann)
        .expect("Ann is back, the same person");
    let testing = skill(&core, "Testing");
    let modelling = skill(&core, "Data modelling");
    assert_eq!(m.ratings[&testing].level, Level::Practitioner);
    assert!(
        !m.ratings.contains_key(&modelling),
        "replace clears what the file does not list"
    );
    // Present before she left and after she came back; not in between.
    assert!(level_on(&core, ann, testing, d(2024, 6, 1)).is_some());
    assert!(level_on(&core, ann, testing, d(2025, 2, 15)).is_none());
    assert!(level_on(&core, ann, testing, today()).is_some());
}

#[test]
fn an_import_never_takes_a_rating_back_to_an_older_assessment() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let now = tmp.path("now.csv");
    std::fs::write(
        &now,
        "Member,Team,Role level,Skill,Level,Rated on\r\n\
         Ann Lee,Platform,Data engineer,Testing,Expert,2026-02-01\r\n",
    )
    .unwrap();
    ok(&db, &["import", now.to_str().unwrap()]);
    // Last year's file, merged: the older level is history, not a change.
    let old = tmp.path("old.csv");
    std::fs::write(
        &old,
        "Member,Team,Role level,Skill,Level,Rated on\r\n\
         Ann Lee,Platform,Data engineer,Testing,Working,2025-02-01\r\n\
         Ann Lee,Platform,Data engineer,Testing,,2025-03-01\r\n",
    )
    .unwrap();
    let out = ok(&db, &["import", old.to_str().unwrap()]);
    // The older level is recorded in history on its date; the older clear is said, not
    // recorded.
    assert!(
        out.contains("past assessments recorded in history (current ratings kept): 1"),
        "{out}"
    );
    assert!(
        out.contains("clears dated before the ratings held (left out): 1"),
        "{out}"
    );
    let then = ok(
        &db,
        &["export", "-", "--format", "long", "--as-of", "2025-02-28"],
    );
    assert!(then.contains("Testing,Working,2025-02-01"), "{then}");
    let csv = ok(&db, &["export", "-", "--format", "long"]);
    assert!(csv.contains("Testing,Expert,2026-02-01"), "{csv}");
    // A history export imported again changes nothing.
    let history = tmp.path("history.csv");
    ok(
        &db,
        &[
            "export",
            history.to_str().unwrap(),
            "--format",
            "long",
            "--history",
        ],
    );
    let dry = ok(&db, &["import", history.to_str().unwrap(), "--dry-run"]);
    assert!(
        dry.contains("ratings set: 0") && dry.contains("ratings changed: 0"),
        "{dry}"
    );
    assert!(
        !dry.contains("past assessments recorded"),
        "nothing twice: {dry}"
    );
    assert!(
        dry.contains("past assessments already in history (left out): 1"),
        "{dry}"
    );
}

#[test]
fn history_and_member_events_stay_append_only_after_the_migration() {
    let tmp = Tmp::new();
    let path = tmp.db();
    Store::create_at_version(&path, 2).unwrap();
    let core = Core::open(&path).unwrap();
    drop(core);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "INSERT INTO team (id, name) VALUES (1, 'Platform');
         INSERT INTO member (id, team_id, name) VALUES (1, 1, 'Ann');
         INSERT INTO rating_history (id, member_id, skill_id, level, note, interested, at, assessed_on)
             VALUES (1, 1, 0, 2, '', 0, 0, '2026-01-01');
         INSERT INTO member_event (member_id, kind, on_date, at) VALUES (1, 'joined', '2026-01-01', 0);",
    )
    .unwrap();
    for sql in [
        "UPDATE rating_history SET level = 4",
        "UPDATE member_event SET on_date = '2020-01-01'",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn the_upgrade_to_schema_8_keeps_every_entry_and_never_reuses_an_id() {
    let tmp = Tmp::new();
    let path = tmp.db();
    Store::create_at_version(&path, 7).unwrap();
    {
        let conn = Connection::open(&path).unwrap();
        // Ann's entries 1-3 (3 undoes 2), Bo's 4; entries up to 9 once existed (a member
        // since deleted), so the next id is 10.
        conn.execute_batch(
            "INSERT INTO team (id, name) VALUES (1, 'Platform');
             INSERT INTO member (id, team_id, name) VALUES (1, 1, 'Ann'), (2, 1, 'Bo');
             INSERT INTO rating (member_id, skill_id, level, note, interested, rated_at, assessed_on)
                 VALUES (1, 0, 2, 'kept', 1, 1000, '2026-01-02');
             INSERT INTO rating_history
                 (id, member_id, skill_id, level, note, interested, at, assessed_on, retracts, source)
                 VALUES (1, 1, 0, 2, 'kept', 1, 1000, '2026-01-02', NULL, 'lead'),
                        (2, 1, 1, 3, '', 0, 2000, '2026-01-03', NULL, 'self'),
                        (3, 1, 1, NULL, '', 0, 3000, '2026-01-03', 2, 'self'),
                        (4, 2, 0, 1, '', 0, 4000, '2026-01-04', NULL, 'lead');
             UPDATE sqlite_sequence SET seq = 9 WHERE name = 'rating_history';",
        )
        .unwrap();
    }
    let mut core = Core::open(&path).unwrap();
    let ann = core.history(MemberId(1), None).unwrap();
    assert_eq!(
        ann.iter()
            .map(|h| (
                h.id,
                h.skill.0,
                h.level,
                h.note.as_str(),
                h.undone.is_some()
            ))
            .collect::<Vec<_>>(),
        [
            (1, 0, Some(Level::Working), "kept", false),
            (2, 1, Some(Level::Practitioner), "", true)
        ]
    );
    assert_eq!(core.history(MemberId(2), None).unwrap()[0].id, 4);
    core.apply(Action::SetRating {
        member: MemberId(2),
        skill: SkillId(1),
        level: Level::Expert,
        note: String::new(),
        interested: false,
        on: None,
    })
    .unwrap();
    let bo = core.history(MemberId(2), None).unwrap();
    assert_eq!(bo.iter().map(|h| h.id).collect::<Vec<_>>(), [4, 10]);
    // Still append-only, and an entry needs an id.
    let conn = Connection::open(&path).unwrap();
    let err = conn
        .execute("UPDATE rating_history SET level = 4", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

/// Each entry of a member's history as (skill, level, whose, undone), in recorded order.
fn entries_of(core: &Core, who: MemberId) -> Vec<(SkillId, Option<Level>, bool, bool)> {
    let history = core.history(who, None).unwrap();
    assert!(history.windows(2).all(|w| w[0].id < w[1].id), "ids ascend");
    history
        .iter()
        .map(|h| {
            (
                h.skill,
                h.level,
                h.source == capmatrix::model::Source::SelfAssessed,
                h.undone.is_some(),
            )
        })
        .collect()
}

#[test]
fn a_first_rating_kept_in_its_row_reads_as_its_history_entry_through_changes_clears_and_undo() {
    use Level::{Awareness, Expert, Practitioner, Working};
    let tmp = Tmp::new();
    let path = tmp.db();
    let mut core = Core::open(&path).unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Lead data engineer");
    let [a, b, c, d] = [
        "Data modelling",
        "Testing",
        "Metadata management",
        "Data innovation",
    ]
    .map(|n| skill(&core, n));
    let set = |skill, level| Action::SetRating {
        member: ann,
        skill,
        level,
        note: String::new(),
        interested: false,
        on: None,
    };
    // One transaction: A set twice (the first still waiting to be written when the second
    // comes), B and D once, C as Ann's own rating.
    core.apply_batch("first ratings", |batch| {
        batch.apply(set(a, Awareness))?;
        batch.apply(set(a, Working))?;
        batch.apply(set(b, Practitioner))?;
        batch.apply(Action::SetSelfRating {
            member: ann,
            skill: c,
            level: Expert,
            note: "mine".into(),
            interested: true,
            on: None,
        })?;
        batch.apply(set(d, Working))?;
        Ok(())
    })
    .unwrap();
    let first = vec![
        (a, Some(Awareness), false, false),
        (a, Some(Working), false, false),
        (b, Some(Practitioner), false, false),
        (c, Some(Expert), true, false),
        (d, Some(Working), false, false),
    ];
    assert_eq!(entries_of(&core, ann), first);
    // A change and a clear keep the first ratings' entries.
    core.apply(set(b, Expert)).unwrap();
    core.apply(Action::ClearRating {
        member: ann,
        skill: d,
    })
    .unwrap();
    let mut all = first.clone();
    all.extend([(b, Some(Expert), false, false), (d, None, false, false)]);
    assert_eq!(entries_of(&core, ann), all);
    assert_eq!(core.counts().unwrap().history, 7);

    // Undo the clear and the change: marked undone, the first ratings current again.
    assert!(core.undo().unwrap() && core.undo().unwrap());
    let m = core.snapshot().member(ann).unwrap();
    assert_eq!(m.ratings[&a].level, Working);
    assert_eq!(m.ratings[&b].level, Practitioner);
    assert_eq!(m.ratings[&d].level, Working);
    all[5].3 = true;
    all[6].3 = true;
    assert_eq!(entries_of(&core, ann), all);
    // Undo the first ratings, including the self-assessment never changed since.
    assert!(core.undo().unwrap());
    for entry in &mut all {
        entry.3 = true;
    }
    assert_eq!(entries_of(&core, ann), all);
    assert!(core.snapshot().member(ann).unwrap().ratings.is_empty());
    assert!(core.snapshot().member(ann).unwrap().self_ratings.is_empty());

    // The same read back after reopening, one member at a time and all at once.
    drop(core);
    let core = Core::open(&path).unwrap();
    assert_eq!(entries_of(&core, ann), all);
    let store = Store::open_read_only(&path).unwrap();
    assert_eq!(
        store.all_history().unwrap()[&ann],
        core.history(ann, None).unwrap()
    );
    // Every id in one place and none past the sequence; `check` sees a doubled id.
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
    drop(core);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "INSERT INTO rating (member_id, skill_id, level, rated_at, assessed_on, implied_entry)
         SELECT member_id, skill_id + 100, 1, at, assessed_on, id FROM rating_history LIMIT 1;",
    )
    .unwrap();
    assert_eq!(
        store.check().unwrap(),
        ["1 rating history ids are used more than once"]
    );
}

#[test]
fn a_first_import_stores_each_rating_once_and_its_history_reads_back_whole() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let file = tmp.path("team.csv");
    std::fs::write(
        &file,
        "Member,Team,Role level,Testing,Data modelling\n\
         Ann,Platform,Lead data engineer,Working,Expert\n\
         Bo,Platform,Data engineer,Awareness,\n",
    )
    .unwrap();
    ok(&db, &["import", file.to_str().unwrap()]);
    let conn = Connection::open(&db).unwrap();
    let (rows, implied): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM rating_history),
                    (SELECT count(*) FROM rating WHERE implied_entry IS NOT NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((rows, implied), (0, 3), "one row per rating");
    // The view shows all three entries to anyone reading the file with SQL.
    let entries: Vec<(i64, String)> = conn
        .prepare(
            "SELECT e.id, m.name FROM rating_entries e JOIN member m ON m.id = e.member_id
             ORDER BY e.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        entries,
        [
            (1, "Ann".to_string()),
            (2, "Ann".to_string()),
            (3, "Bo".to_string())
        ]
    );
    // The history export lists the three entries; a second import changing one keeps all.
    std::fs::write(
        &file,
        "Member,Team,Role level,Testing,Data modelling\n\
         Ann,Platform,Lead data engineer,Practitioner,Expert\n\
         Bo,Platform,Data engineer,Awareness,\n",
    )
    .unwrap();
    ok(&db, &["import", file.to_str().unwrap()]);
    let out = tmp.path("history.csv");
    ok(
        &db,
        &[
            "export",
            out.to_str().unwrap(),
            "--format",
            "long",
            "--history",
        ],
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let ann_testing: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("Ann,") && l.contains(",Testing,"))
        .collect();
    assert_eq!(ann_testing.len(), 2, "{text}");
    assert!(ann_testing[0].contains(",Working,") && ann_testing[1].contains(",Practitioner,"));
    // Four rating entries (and the members' joining, as event rows).
    let ratings = text
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(8) == Some(""))
        .count();
    assert_eq!(ratings, 4, "{text}");
}

/// One step of the random walk below: (member, skill, the person's own rating) indices.
#[derive(Debug, Clone)]
enum Step {
    Set(usize, usize, bool),
    Clear(usize, usize, bool),
    /// Several sets in one transaction (the same rating may come twice).
    Batch(Vec<(usize, usize, bool)>),
    Undo,
    Redo,
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    let key = || (0..3usize, 0..4usize, proptest::bool::weighted(0.25));
    prop_oneof![
        4 => key().prop_map(|(m, s, own)| Step::Set(m, s, own)),
        2 => key().prop_map(|(m, s, own)| Step::Clear(m, s, own)),
        2 => proptest::collection::vec(key(), 1..6).prop_map(Step::Batch),
        2 => Just(Step::Undo),
        1 => Just(Step::Redo),
    ]
}

/// The action setting a rating to a level other than its current one, and that level.
fn changing_set(
    snapshot: &capmatrix::model::Snapshot,
    (who, skill, own): (MemberId, SkillId, bool),
    pending: &std::collections::HashMap<(MemberId, SkillId, bool), Level>,
) -> (Action, Level) {
    let m = snapshot.member(who).unwrap();
    let current = pending.get(&(who, skill, own)).copied().or_else(|| {
        let ratings = if own { &m.self_ratings } else { &m.ratings };
        ratings.get(&skill).map(|r| r.level)
    });
    let level = match current {
        Some(Level::Working) => Level::Expert,
        _ => Level::Working,
    };
    let action = if own {
        Action::SetSelfRating {
            member: who,
            skill,
            level,
            note: String::new(),
            interested: false,
            on: None,
        }
    } else {
        Action::SetRating {
            member: who,
            skill,
            level,
            note: String::new(),
            interested: false,
            on: None,
        }
    };
    (action, level)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(32),
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Whatever mix of first ratings (kept in their rows), changes, clears, batches, undo and
    /// redo: no history entry is lost or doubled, `check` finds every id sound, and the
    /// history reads the same as from a copy with every entry written out as a history row.
    #[test]
    fn no_history_entry_is_lost_or_doubled_however_ratings_change(
        steps in proptest::collection::vec(step(), 1..40)
    ) {
        let tmp = Tmp::new();
        let path = tmp.db();
        let mut core = Core::open(&path).unwrap();
        let t = team(&mut core, "Platform");
        let people: Vec<MemberId> =
            ["Ann", "Bo", "Cy"].iter().map(|n| member(&mut core, t, n, "Data engineer")).collect();
        let skills: Vec<SkillId> = ["Testing", "Data modelling", "Data innovation", "Metadata management"]
            .iter()
            .map(|n| skill(&core, n))
            .collect();
        let key = |(m, s, own): (usize, usize, bool)| (people[m], skills[s], own);
        core.forget_undo();
        // Entries each undo step made, to count what redo makes again.
        let (mut done, mut undone): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
        let mut expected = 0usize;
        for step in steps {
            let made = match step {
                Step::Set(m, s, own) => {
                    let (action, _) = changing_set(core.snapshot(), key((m, s, own)), &Default::default());
                    core.apply(action).unwrap();
                    Some(1)
                }
                Step::Clear(m, s, own) => {
                    let (who, skill, own) = key((m, s, own));
                    let member = core.snapshot().member(who).unwrap();
                    let rated = if own { &member.self_ratings } else { &member.ratings };
                    if rated.contains_key(&skill) {
                        core.apply(if own {
                            Action::ClearSelfRating { member: who, skill }
                        } else {
                            Action::ClearRating { member: who, skill }
                        })
                        .unwrap();
                        Some(1)
                    } else {
                        None
                    }
                }
                Step::Batch(keys) => {
                    let snapshot = core.snapshot().clone();
                    let mut pending = std::collections::HashMap::new();
                    let actions: Vec<Action> = keys
                        .iter()
                        .map(|&k| {
                            let (action, level) = changing_set(&snapshot, key(k), &pending);
                            pending.insert(key(k), level);
                            action
                        })
                        .collect();
                    let n = actions.len();
                    core.apply_batch("batch", |b| {
                        for a in actions {
                            b.apply(a)?;
                        }
                        Ok(())
                    })
                    .unwrap();
                    Some(n)
                }
                Step::Undo => {
                    if core.undo().unwrap() {
                        undone.push(done.pop().unwrap());
                    }
                    None
                }
                Step::Redo => {
                    if core.redo().unwrap() {
                        let n = undone.pop().unwrap();
                        expected += n;
                        done.push(n);
                    }
                    None
                }
            };
            if let Some(n) = made {
                expected += n;
                done.push(n);
                undone.clear();
            }
            proptest::prop_assert_eq!(core.counts().unwrap().history as usize, expected);
        }
        let store = Store::open_read_only(&path).unwrap();
        proptest::prop_assert_eq!(store.check().unwrap(), Vec::<String>::new());
        // A copy with every entry a history row reads the same.
        let copy = tmp.path("copy.db");
        core.backup_to(&copy).unwrap();
        {
            let conn = Connection::open(&copy).unwrap();
            conn.execute_batch(
                "INSERT INTO rating_history
                   (id, member_id, skill_id, level, note, interested, assessed_on, at, source)
                 SELECT implied_entry, member_id, skill_id, level, note, interested, assessed_on,
                        rated_at, 'lead' FROM rating WHERE implied_entry IS NOT NULL;
                 INSERT INTO rating_history
                   (id, member_id, skill_id, level, note, interested, assessed_on, at, source)
                 SELECT implied_entry, member_id, skill_id, level, note, interested, assessed_on,
                        rated_at, 'self' FROM self_rating WHERE implied_entry IS NOT NULL;
                 UPDATE rating SET implied_entry = NULL;
                 UPDATE self_rating SET implied_entry = NULL;",
            )
            .unwrap();
        }
        let written_out = Store::open_read_only(&copy).unwrap();
        proptest::prop_assert_eq!(written_out.all_history().unwrap(), store.all_history().unwrap());
        for &who in &people {
            proptest::prop_assert_eq!(
                written_out.history(who, None).unwrap(),
                core.history(who, None).unwrap()
            );
        }
    }
}

#[test]
fn a_team_removed_and_put_back_keeps_first_ratings_entries_under_their_ids() {
    let tmp = Tmp::new();
    let path = tmp.db();
    let mut core = Core::open(&path).unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Data engineer");
    let [a, b] = ["Testing", "Data modelling"].map(|n| skill(&core, n));
    for (s, level) in [(a, Level::Working), (b, Level::Expert)] {
        core.apply(Action::SetRating {
            member: ann,
            skill: s,
            level,
            note: "seen".into(),
            interested: true,
            on: None,
        })
        .unwrap();
    }
    let before = core.history(ann, None).unwrap();
    core.apply(Action::RemoveTeam { team: t }).unwrap();
    assert!(core.undo().unwrap(), "the team is put back");
    assert_eq!(core.history(ann, None).unwrap(), before);
    // The entries came back as history rows; undoing the ratings retracts them by id.
    assert!(core.undo().unwrap());
    let after = core.history(ann, None).unwrap();
    assert_eq!(after.len(), 2);
    assert!(after[1].undone.is_some() && after[0].undone.is_none());
    assert_eq!(
        Store::open_read_only(&path).unwrap().check().unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn a_batch_that_fails_part_way_leaves_ratings_history_and_ids_as_they_were() {
    let tmp = Tmp::new();
    let path = tmp.db();
    let mut core = Core::open(&path).unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Data engineer");
    let testing = skill(&core, "Testing");
    let set = |level| Action::SetRating {
        member: ann,
        skill: testing,
        level,
        note: String::new(),
        interested: false,
        on: None,
    };
    let err = core.apply_batch("half", |b| {
        b.apply(set(Level::Working))?;
        b.apply(set(Level::Expert))?;
        b.apply(Action::SetRating {
            member: MemberId(999),
            skill: testing,
            level: Level::Working,
            note: String::new(),
            interested: false,
            on: None,
        })
    });
    assert!(err.is_err());
    assert!(core.history(ann, None).unwrap().is_empty());
    assert!(core.snapshot().member(ann).unwrap().ratings.is_empty());
    assert_eq!(core.counts().unwrap().history, 0);
    // The ids the failed batch handed out are handed out again: nothing was recorded.
    core.apply(set(Level::Practitioner)).unwrap();
    assert_eq!(core.history(ann, None).unwrap()[0].id, 1);
}
