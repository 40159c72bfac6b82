//! Self-assessment beside the lead's ratings: two sources per cell, imports and exports that
//! say whose ratings they carry, and gaps that use the lead's only.

use super::core::{member, skill, team};
use super::{Tmp, capmatrix, stderr, stdout};
use capmatrix::core::{Action, Core};
use capmatrix::model::analysis::{Scope, analyse};
use capmatrix::model::{Level, Source};

fn ok(db: &std::path::Path, args: &[&str]) -> String {
    let out = capmatrix(db, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn a_self_rating_sits_beside_the_leads_and_leaves_coverage_alone() {
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Data engineer");
    let testing = skill(&core, "Testing");
    core.apply(Action::SetRating {
        member: ann,
        skill: testing,
        level: Level::Working,
        note: "lead's view".into(),
        interested: false,
        on: None,
    })
    .unwrap();
    let before = analyse(core.snapshot(), Scope::Team(t));
    core.apply(Action::SetSelfRating {
        member: ann,
        skill: testing,
        level: Level::Expert,
        note: "I run the test guild".into(),
        interested: true,
        on: None,
    })
    .unwrap();
    let m = core.snapshot().member(ann).unwrap();
    assert_eq!(m.ratings[&testing].level, Level::Working);
    assert_eq!(m.self_ratings[&testing].level, Level::Expert);
    assert_eq!(m.self_ratings[&testing].note, "I run the test guild");
    assert_eq!(analyse(core.snapshot(), Scope::Team(t)), before);
    let history = core.history(ann, Some(testing)).unwrap();
    let sources: Vec<Source> = history.iter().map(|h| h.source).collect();
    assert_eq!(sources, [Source::Lead, Source::SelfAssessed]);
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
    // Undo takes the self rating back, and keeps the lead's.
    core.undo().unwrap();
    let m = core.snapshot().member(ann).unwrap();
    assert!(m.self_ratings.is_empty());
    assert_eq!(m.ratings[&testing].level, Level::Working);
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
    core.redo().unwrap();
    assert_eq!(
        core.snapshot().member(ann).unwrap().self_ratings[&testing].level,
        Level::Expert
    );
    core.apply(Action::ClearSelfRating {
        member: ann,
        skill: testing,
    })
    .unwrap();
    assert!(core.snapshot().member(ann).unwrap().self_ratings.is_empty());
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
}

#[test]
fn self_ratings_leave_gaps_unchanged_on_the_command_line() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let lead = tmp.path("lead.csv");
    std::fs::write(
        &lead,
        "Member,Team,Role level,Testing,Data modelling\r\nAnn Lee,Platform,Data engineer,W,A\r\nBob Roy,Platform,Data engineer,A,W\r\n",
    )
    .unwrap();
    ok(&db, &["import", lead.to_str().unwrap()]);
    let gaps_before = ok(
        &db,
        &["gaps", "--team", "Platform", "--all", "--format", "json"],
    );
    let own = tmp.path("own.csv");
    std::fs::write(
        &own,
        "Member,Team,Role level,Testing,Data modelling\r\nAnn Lee,Platform,Data engineer,E,E\r\nBob Roy,Platform,Data engineer,E,E\r\n",
    )
    .unwrap();
    let out = ok(&db, &["import", own.to_str().unwrap(), "--source", "self"]);
    assert!(out.contains("own ratings set: 4"), "{out}");
    assert!(out.contains("\nratings set: 0"), "{out}");
    assert_eq!(
        ok(
            &db,
            &["gaps", "--team", "Platform", "--all", "--format", "json"]
        ),
        gaps_before
    );
    // The default export is the lead's, as before; --source self gives the people's own.
    let lead_export = ok(
        &db,
        &["export", "-", "--team", "Platform", "--format", "long"],
    );
    assert!(
        lead_export.contains("Ann Lee,Platform,Data engineer,Testing,Working,"),
        "{lead_export}"
    );
    assert!(!lead_export.contains("Expert"), "{lead_export}");
    let self_export = ok(
        &db,
        &[
            "export", "-", "--team", "Platform", "--format", "long", "--source", "self",
        ],
    );
    assert!(
        self_export.contains("Ann Lee,Platform,Data engineer,Testing,Expert,"),
        "{self_export}"
    );
    assert!(!self_export.contains("Working"), "{self_export}");
    // The wide layout of the people's own: the same columns, their levels.
    let wide = ok(
        &db,
        &["export", "-", "--team", "Platform", "--source", "self"],
    );
    assert!(wide.lines().nth(1).unwrap().ends_with(",Expert"), "{wide}");
    // Replace mode decides membership: not for people's own ratings.
    let out = capmatrix(
        &db,
        &[
            "import",
            own.to_str().unwrap(),
            "--source",
            "self",
            "--mode",
            "replace",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn both_sources_export_with_a_source_column_and_import_back() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let file = tmp.path("both.csv");
    std::fs::write(
        &file,
        "Member,Team,Role level,Skill,Level,Rated on,Interested,Note,Source\r\n\
         Ann Lee,Platform,Data engineer,Testing,Working,2026-01-10,no,,lead\r\n\
         Ann Lee,Platform,Data engineer,Testing,Expert,2026-01-12,yes,I run the guild,self\r\n\
         Ann Lee,Platform,Data engineer,Data modelling,Awareness,2026-01-12,no,,SELF\r\n",
    )
    .unwrap();
    ok(&db, &["import", file.to_str().unwrap()]);
    let core = Core::open(&db).unwrap();
    let t = core.snapshot().team_named("Platform").unwrap().id;
    let ann = core.snapshot().member_named(t, "Ann Lee").unwrap();
    assert_eq!(ann.ratings.len(), 1);
    assert_eq!(ann.self_ratings.len(), 2);
    drop(core);
    let both = ok(
        &db,
        &["export", "-", "--format", "long", "--source", "both"],
    );
    let lines: Vec<&str> = both.lines().collect();
    assert_eq!(
        lines[0].trim_start_matches('\u{feff}'),
        "Member,Team,Role level,Skill,Level,Rated on,Interested,Note,Source"
    );
    assert!(
        lines.contains(
            &"Ann Lee,Platform,Data engineer,Testing,Expert,2026-01-12,yes,I run the guild,self"
        ),
        "{both}"
    );
    assert!(
        lines.contains(&"Ann Lee,Platform,Data engineer,Testing,Working,2026-01-10,no,,lead"),
        "{both}"
    );
    // Exported and imported again into a new database: the same both ways.
    let again = tmp.path("again.db");
    let exported = tmp.path("both-out.csv");
    ok(
        &db,
        &[
            "export",
            exported.to_str().unwrap(),
            "--format",
            "long",
            "--source",
            "both",
        ],
    );
    ok(&again, &["import", exported.to_str().unwrap()]);
    assert_eq!(
        ok(
            &again,
            &["export", "-", "--format", "long", "--source", "both"]
        ),
        both
    );
    // A bad source is named with its cell; `both` needs the long layout.
    let bad = tmp.path("bad.csv");
    std::fs::write(
        &bad,
        "Member,Team,Skill,Level,Source\r\nAnn Lee,Platform,Testing,Expert,manager\r\n",
    )
    .unwrap();
    let out = capmatrix(&db, &["import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("line 2, column \"Source\": \"manager\" is not lead or self"),
        "{}",
        stderr(&out)
    );
    let out = capmatrix(&db, &["export", "-", "--source", "both"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn profile_writes_a_persons_picture_and_refuses_other_types() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let lead = tmp.path("lead.csv");
    std::fs::write(
        &lead,
        "Member,Team,Role level,Testing,Data modelling\r\nAnn Lee,Platform,Data engineer,W,A\r\n",
    )
    .unwrap();
    ok(&db, &["import", lead.to_str().unwrap()]);
    let own = tmp.path("own.csv");
    std::fs::write(
        &own,
        "Member,Team,Role level,Testing\r\nAnn Lee,Platform,Data engineer,E\r\n",
    )
    .unwrap();
    ok(&db, &["import", own.to_str().unwrap(), "--source", "self"]);
    let svg = tmp.path("ann.svg");
    let out = ok(&db, &["profile", "ann lee", "--out", svg.to_str().unwrap()]);
    assert!(out.starts_with("wrote the profile of Ann Lee ("), "{out}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"));
    assert!(text.contains("Ann Lee: skills profile"));
    assert!(text.contains("Data engineer · Platform"));
    assert!(text.contains(">Testing<"));
    // Her own Expert in Testing is a ring at the E position; the history lists it.
    assert!(text.contains("own rating: Expert"), "{text}");
    let png = tmp.path("ann.png");
    ok(&db, &["profile", "Ann Lee", "--out", png.to_str().unwrap()]);
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let out = capmatrix(
        &db,
        &[
            "profile",
            "Ann Lee",
            "--out",
            tmp.path("ann.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("a profile is a picture: name the file .svg or .png"),
        "{}",
        stderr(&out)
    );
    let out = capmatrix(&db, &["profile", "Nobody", "--out", svg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn replace_with_a_file_of_own_ratings_leaves_the_leads_alone_and_lead_files_stay_the_same() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let lead = tmp.path("lead.csv");
    std::fs::write(
        &lead,
        "Member,Team,Role level,Testing,Data modelling\r\nAnn Lee,Platform,Data engineer,W,A\r\n",
    )
    .unwrap();
    ok(&db, &["import", lead.to_str().unwrap()]);
    let lead_wide = ok(&db, &["export", "-"]);
    let lead_long = ok(&db, &["export", "-", "--format", "long"]);
    // A long file whose every row is the person's own, imported in replace mode: the lead's
    // ratings are not the file's business.
    let own = tmp.path("own.csv");
    std::fs::write(
        &own,
        "Member,Team,Role level,Skill,Level,Source\r\n\
         Ann Lee,Platform,Data engineer,Testing,Expert,self\r\n\
         Ann Lee,Platform,Data engineer,Accessibility,Working,self\r\n",
    )
    .unwrap();
    ok(&db, &["import", own.to_str().unwrap(), "--mode", "replace"]);
    assert_eq!(ok(&db, &["export", "-", "--format", "long"]), lead_long);
    // Her own rating in a skill the lead's matrix does not hold adds no column to the lead's
    // files.
    assert_eq!(ok(&db, &["export", "-"]), lead_wide);
    // Her own ratings exported say whose they are, and come back as hers.
    let mine = tmp.path("mine.csv");
    ok(
        &db,
        &[
            "export",
            mine.to_str().unwrap(),
            "--format",
            "long",
            "--source",
            "self",
        ],
    );
    let text = std::fs::read_to_string(&mine).unwrap();
    assert!(text.contains(",Source\r\n"), "{text}");
    let other = tmp.path("other.db");
    ok(&other, &["import", mine.to_str().unwrap()]);
    let core = Core::open(&other).unwrap();
    let t = core.snapshot().team_named("Platform").unwrap().id;
    let ann = core.snapshot().member_named(t, "Ann Lee").unwrap();
    assert!(ann.ratings.is_empty());
    assert_eq!(ann.self_ratings.len(), 2);
}

#[test]
fn a_schema_4_file_gains_own_ratings_and_an_id_keeping_its_history_as_the_leads() {
    let tmp = Tmp::new();
    let path = tmp.db();
    capmatrix::store::Store::create_at_version(&path, 4).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "INSERT INTO team (id, name) VALUES (1, 'Platform');
         INSERT INTO member (id, team_id, name) VALUES (1, 1, 'Ann');
         INSERT INTO rating (member_id, skill_id, level, note, interested, rated_at, assessed_on)
             VALUES (1, 0, 2, '', 0, 0, '2026-01-01');
         INSERT INTO rating_history (member_id, skill_id, level, note, interested, at, assessed_on)
             VALUES (1, 0, 2, '', 0, 0, '2026-01-01');",
    )
    .unwrap();
    drop(conn);
    let core = Core::open(&path).unwrap();
    let history = core.history(capmatrix::model::MemberId(1), None).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].source, Source::Lead);
    assert!(
        std::fs::read_dir(tmp.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().contains(".v4-backup-")),
        "a backup is taken first"
    );
    drop(core);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let id: String = conn
        .query_row(
            "SELECT value FROM framework_info WHERE key = 'database_id'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(id.len(), 32, "{id}");
}

#[test]
fn own_ratings_follow_as_of_views_and_survive_a_removed_team_put_back() {
    use capmatrix::model::history::as_of;
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Data engineer");
    let testing = skill(&core, "Testing");
    let d = |y, m, day| capmatrix::model::Date::new(y, m, day).unwrap();
    for (level, on) in [
        (Level::Working, d(2025, 1, 10)),
        (Level::Expert, d(2026, 1, 10)),
    ] {
        core.apply(Action::SetSelfRating {
            member: ann,
            skill: testing,
            level,
            note: String::new(),
            interested: false,
            on: Some(on),
        })
        .unwrap();
    }
    let timeline = core.timeline().unwrap();
    let then = as_of(core.snapshot(), &timeline, d(2025, 6, 1));
    let m = then.member(ann).unwrap();
    assert_eq!(m.self_ratings[&testing].level, Level::Working);
    assert!(m.ratings.is_empty(), "their own ratings are not the lead's");
    let before = core.snapshot().clone();
    core.apply(Action::RemoveTeam { team: t }).unwrap();
    core.undo().unwrap();
    assert_eq!(*core.snapshot(), before);
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
}

#[test]
fn a_wide_file_of_own_ratings_says_so_and_comes_back_as_own_ratings() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let lead = tmp.path("lead.csv");
    std::fs::write(
        &lead,
        "Member,Team,Role level,Testing,Data modelling\r\nAnn Lee,Platform,Data engineer,W,A\r\nBob Roy,Platform,Data engineer,A,W\r\n",
    )
    .unwrap();
    ok(&db, &["import", lead.to_str().unwrap()]);
    let own = tmp.path("own.csv");
    std::fs::write(
        &own,
        "Member,Team,Role level,Testing,Data modelling\r\nAnn Lee,Platform,Data engineer,E,E\r\nBob Roy,Platform,Data engineer,P,\r\n",
    )
    .unwrap();
    ok(&db, &["import", own.to_str().unwrap(), "--source", "self"]);
    let leads_before = ok(&db, &["export", "-", "--format", "long"]);

    // The wide export of own ratings carries a Source column saying whose they are.
    let wide = tmp.path("own-wide.csv");
    ok(&db, &["export", wide.to_str().unwrap(), "--source", "self"]);
    let text = std::fs::read_to_string(&wide).unwrap();
    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert!(
        header.starts_with("Member,Team,Role level,Source,"),
        "{header}"
    );
    assert!(
        text.contains("Ann Lee,Platform,Data engineer,self,"),
        "{text}"
    );

    // A plain import of it (no --source) reads them as own ratings: the lead's stay, even
    // in replace mode.
    for mode in ["merge", "replace"] {
        let out = ok(&db, &["import", wide.to_str().unwrap(), "--mode", mode]);
        assert!(out.contains("\nratings changed: 0"), "{mode}: {out}");
        assert!(out.contains("\nratings cleared: 0"), "{mode}: {out}");
        assert_eq!(
            ok(&db, &["export", "-", "--format", "long"]),
            leads_before,
            "{mode}"
        );
    }
    // Into a new database, the file brings back the same own ratings.
    let other = tmp.path("other.db");
    ok(&other, &["import", lead.to_str().unwrap()]);
    let out = ok(&other, &["import", wide.to_str().unwrap()]);
    assert!(out.contains("own ratings set: 3"), "{out}");
    let back = tmp.path("back.csv");
    ok(
        &other,
        &["export", back.to_str().unwrap(), "--source", "self"],
    );
    assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&wide).unwrap());
}
