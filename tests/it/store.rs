//! Opening, refusing, migrating, locking and backing up database files.

use super::{Tmp, capmatrix, stderr, stdout};
use capmatrix::Error;
use capmatrix::core::{Action, Core};
use capmatrix::model::Framework;
use capmatrix::store::{APPLICATION_ID, SCHEMA_VERSION, Store};
use rusqlite::Connection;

#[test]
fn a_new_file_is_created_seeded_and_configured_for_durability() {
    let tmp = Tmp::new();
    let store = Store::open(&tmp.db()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(
        store.pragma_text("application_id").unwrap(),
        APPLICATION_ID.to_string()
    );
    assert_eq!(store.pragma_text("journal_mode").unwrap(), "wal");
    assert_eq!(store.pragma_text("synchronous").unwrap(), "2", "FULL");
    assert_eq!(store.pragma_text("foreign_keys").unwrap(), "1");
    let snap = store.load().unwrap();
    assert_eq!(snap.framework.skills.len(), 188);
    assert_eq!(snap.member_count(), 0);
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn data_survives_reopening() {
    let tmp = Tmp::new();
    let before = {
        let mut core = Core::open(&tmp.db()).unwrap();
        capmatrix::demo::add_demo(&mut core, 25, 3, 7).unwrap();
        core.snapshot().clone()
    };
    let core = Core::open(&tmp.db()).unwrap();
    assert_eq!(*core.snapshot(), before);
    assert_eq!(core.snapshot().member_count(), 25);
}

fn assert_refused_untouched(path: &std::path::Path, expect: &str) {
    let before = std::fs::read(path).unwrap();
    let err = Store::open(path).unwrap_err().to_string();
    assert!(err.contains(expect), "{err}");
    assert!(err.contains("left untouched"), "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert_eq!(std::fs::read(path).unwrap(), before, "file changed");
    // The command line says the same, exit code 1, and still does not touch the file.
    let out = capmatrix(path, &["info"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(expect), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "file changed by the CLI"
    );
}

#[test]
fn garbage_bytes_are_refused_and_left_untouched() {
    let tmp = Tmp::new();
    let path = tmp.path("notes.db");
    std::fs::write(&path, b"Name,Skill\nAnn,Testing\n".repeat(20)).unwrap();
    assert_refused_untouched(&path, "not an SQLite database");
    let short = tmp.path("short.db");
    std::fs::write(&short, b"SQLite").unwrap();
    assert_refused_untouched(&short, "not an SQLite database");
}

#[test]
fn another_applications_sqlite_file_is_refused_and_left_untouched() {
    let tmp = Tmp::new();
    let path = tmp.path("other.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ann');")
        .unwrap();
    drop(conn);
    assert_refused_untouched(&path, "another application's SQLite database");
}

#[test]
fn a_newer_schema_is_refused_naming_both_versions() {
    let tmp = Tmp::new();
    let path = tmp.db();
    drop(Store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::NewerSchema { found: 99, .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("schema version 99"), "{text}");
    assert!(text.contains(&format!("up to {SCHEMA_VERSION}")), "{text}");
    assert!(text.contains(env!("CARGO_PKG_VERSION")), "{text}");
    assert_refused_untouched(&path, "newer capmatrix");
}

#[test]
fn an_older_database_is_backed_up_then_migrated() {
    let tmp = Tmp::new();
    let path = tmp.db();
    Store::create_at_version(&path, 1).unwrap();
    let conn = Connection::open(&path).unwrap();
    conn.execute("INSERT INTO team (name) VALUES ('Platform')", [])
        .unwrap();
    drop(conn);

    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let snap = store.load().unwrap();
    assert!(snap.team_named("platform").is_some());
    // Version 3 records the framework's central role from the data it was seeded with.
    let central = snap
        .framework
        .central_role()
        .expect("central role after migration");
    assert_eq!(
        snap.framework.role(central).name,
        Framework::ddat()
            .unwrap()
            .role(Framework::ddat().unwrap().central_role().unwrap())
            .name
    );

    let backups: Vec<_> = std::fs::read_dir(tmp.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("test.v1-backup-") && n.ends_with(".db"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let backup = Connection::open(tmp.path(&backups[0])).unwrap();
    let version: i64 = backup
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    let teams: i64 = backup
        .query_row("SELECT count(*) FROM team", [], |r| r.get(0))
        .unwrap();
    assert_eq!(teams, 1);

    // A current database is not backed up again on open.
    drop(store);
    drop(Store::open(&path).unwrap());
    let count = std::fs::read_dir(tmp.dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("backup")
        })
        .count();
    assert_eq!(count, 1);
}

#[test]
fn a_damaged_file_is_refused_and_check_fails() {
    let tmp = Tmp::new();
    let path = tmp.db();
    {
        let mut core = Core::open(&path).unwrap();
        capmatrix::demo::add_demo(&mut core, 200, 2, 3).unwrap();
    }
    // Checkpoint the WAL into the main file, then scribble over pages in its middle.
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    let mut bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    for b in &mut bytes[len / 2..len / 2 + 8192] {
        *b = 0x5A;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, Error::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("damaged"), "{err}");
    let out = capmatrix(&path, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("damaged"), "{}", stderr(&out));
}

#[test]
fn a_second_process_cannot_write_while_the_first_has_the_database_open() {
    let tmp = Tmp::new();
    let path = tmp.db();
    let mut first = Core::open(&path).unwrap();
    first
        .apply(Action::CreateTeam {
            name: "Platform".into(),
        })
        .unwrap();

    // Another capmatrix process: writes are refused with a clear message.
    let out = capmatrix(&path, &["demo", "--members", "3"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("already open by another capmatrix"), "{err}");
    assert!(
        err.contains(&format!("process {}", std::process::id())),
        "{err}"
    );
    // Reads still work and say the file is not writable here.
    let out = capmatrix(&path, &["info"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("teams: 1"));
    assert!(stdout(&out).contains("writable: no"));

    // A second store in this process is refused too, and its snapshot is unchanged.
    let mut second = Core::open(&path).unwrap();
    let err = second
        .apply(Action::CreateTeam {
            name: "Other".into(),
        })
        .unwrap_err();
    assert!(matches!(err, Error::Locked { .. }), "{err}");
    assert!(second.snapshot().team_named("Other").is_none());

    // Once the first closes, the other process can write.
    drop(first);
    drop(second);
    let out = capmatrix(&path, &["demo", "--members", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn backup_writes_a_consistent_copy_and_never_overwrites() {
    let tmp = Tmp::new();
    let mut core = Core::open(&tmp.db()).unwrap();
    capmatrix::demo::add_demo(&mut core, 12, 2, 5).unwrap();
    let dest = tmp.path("copy.db");
    core.backup_to(&dest).unwrap();
    let copy = Store::open(&dest).unwrap();
    assert_eq!(copy.counts().unwrap(), core.counts().unwrap());
    let err = core.backup_to(&dest).unwrap_err().to_string();
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn stray_skill_ids_are_reported_by_check_and_never_loaded() {
    let tmp = Tmp::new();
    let path = tmp.db();
    {
        let mut core = Core::open(&path).unwrap();
        capmatrix::demo::add_demo(&mut core, 3, 1, 2).unwrap();
    }
    let conn = Connection::open(&path).unwrap();
    let member: i64 = conn
        .query_row("SELECT min(id) FROM member", [], |r| r.get(0))
        .unwrap();
    conn.execute(
        "INSERT INTO rating (member_id, skill_id, level, rated_at) VALUES (?1, 9999, 3, 0)",
        [member],
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    let problems = store.check().unwrap();
    assert_eq!(problems, ["1 rows of rating refer to a missing skill"]);
    let snap = store.load().unwrap();
    assert!(
        snap.all_members()
            .iter()
            .all(|m| m.ratings.keys().all(|s| snap.framework.has_skill(*s)))
    );
    let out = capmatrix(&path, &["check"]);
    drop(store);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn check_reports_text_that_is_not_utf8() {
    let tmp = Tmp::new();
    let path = tmp.db();
    {
        let mut core = Core::open(&path).unwrap();
        capmatrix::demo::add_demo(&mut core, 3, 1, 2).unwrap();
    }
    assert_eq!(
        Store::open(&path).unwrap().check().unwrap(),
        Vec::<String>::new()
    );
    let conn = Connection::open(&path).unwrap();
    let member: i64 = conn
        .query_row("SELECT min(id) FROM member", [], |r| r.get(0))
        .unwrap();
    // "Jos" + a lone 0xC3: what a hand edit with the wrong encoding leaves.
    conn.execute(
        "UPDATE member SET name = CAST(X'4A6F73C3' AS TEXT) WHERE id = ?1",
        [member],
    )
    .unwrap();
    drop(conn);
    let problems = Store::open_for_check(&path).unwrap().check().unwrap();
    assert_eq!(
        problems,
        [format!("member.name in row {member} is not valid UTF-8")]
    );
    let out = capmatrix(&path, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not valid UTF-8"));
}

#[test]
fn the_upgrade_to_schema_3_normalises_old_names_without_merging_anyone() {
    let tmp = Tmp::new();
    let path = tmp.db();
    Store::create_at_version(&path, 2).unwrap();
    let conn = Connection::open(&path).unwrap();
    // Names an older capmatrix kept apart: a double space, a trailing space, a composed and a
    // decomposed José, a zero-width space.
    conn.execute_batch(
        "INSERT INTO team (id, name) VALUES (1, 'Data Platform'), (2, 'data  platform '), (3, 'Ops');
         INSERT INTO member (id, team_id, name) VALUES
           (1, 1, 'Jos' || char(233)), (2, 1, 'Jose' || char(769)), (3, 3, 'Ann' || char(8203) || ' Lee');",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    let snap = store.load().unwrap();
    let names: Vec<String> = snap.teams().map(|t| t.name.clone()).collect();
    assert_eq!(names, ["Data Platform", "data platform (2)", "Ops"]);
    let platform = snap.team_named("Data Platform").unwrap().id;
    let mut members: Vec<String> = snap
        .team_members(platform)
        .iter()
        .map(|m| m.name.clone())
        .collect();
    members.sort();
    assert_eq!(members, ["José", "José (2)"]);
    assert_eq!(
        snap.member(capmatrix::model::MemberId(1)).unwrap().name,
        "José"
    );
    let ops = snap.team_named("ops").unwrap().id;
    assert!(snap.member_named(ops, "Ann Lee").is_some());
    // Every stored name is now one the model accepts, and the lookups find each one.
    for m in snap.all_members() {
        assert_eq!(
            capmatrix::model::clean_name("member", &m.name).unwrap(),
            m.name
        );
        assert_eq!(snap.member_named(m.team, &m.name).unwrap().id, m.id);
    }
}

#[test]
fn an_older_database_in_a_read_only_file_is_refused_with_the_way_out() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = Tmp::new();
    let path = tmp.db();
    Store::create_at_version(&path, 2).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&path).unwrap();
    for args in [&["info"][..], &["export", "-"]] {
        let out = capmatrix(&path, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains("written by an older capmatrix") && err.contains("the file is read-only"),
            "{err}"
        );
        assert!(err.contains("make it writable and open it once"), "{err}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn check_reads_text_in_tables_without_rowids_too() {
    let tmp = Tmp::new();
    let path = tmp.db();
    drop(Core::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE framework_info SET value = CAST(X'4461746120C3' AS TEXT) WHERE key = 'central_role'",
        [],
    )
    .unwrap();
    drop(conn);
    let problems = Store::open_for_check(&path).unwrap().check().unwrap();
    assert_eq!(
        problems,
        ["framework_info.value in a row is not valid UTF-8"]
    );
}

#[test]
fn ratings_and_history_written_in_bulk_read_back_in_order_with_ids_never_reused() {
    use capmatrix::model::{Date, HistoryEntry, Level, Rating, SkillId, Source, Timestamp};
    let tmp = Tmp::new();
    let mut store = Store::open(&tmp.db()).unwrap();
    let day = Date::constant(2026, 3, 1);
    let rating = |level| Rating {
        level,
        note: String::new(),
        interested: false,
        assessed_on: day,
    };
    let entry = |skill: u32, level| HistoryEntry {
        id: 0,
        skill: SkillId(skill),
        level: Some(level),
        note: String::new(),
        interested: false,
        assessed_on: day,
        source: Source::Lead,
        recorded: Timestamp(1),
        undone: None,
    };
    let (member, ids) = store
        .write(|w| {
            let team = w.insert_team(None, "T")?;
            let member = w.insert_member(None, team, "Ann", None, None)?;
            let mut ids = Vec::new();
            // 300 entries: more than two multi-row statements' worth.
            for i in 0..300u32 {
                w.put_rating(
                    member,
                    SkillId(i % 11),
                    &rating(Level::ALL[(i % 5) as usize]),
                    Timestamp(1),
                )?;
                ids.push(w.append_history(member, &entry(i % 11, Level::Working))?);
            }
            // Set twice in one transaction: the later wins; set then cleared: gone.
            w.put_rating(member, SkillId(20), &rating(Level::Expert), Timestamp(1))?;
            w.delete_rating(member, SkillId(20))?;
            // Reading inside the transaction sees everything written so far.
            assert_eq!(w.history(member)?.len(), 300);
            // A retraction takes the next id; entries after it continue past it.
            w.retract_history(member, ids[0], Timestamp(2))?;
            ids.push(w.append_history(member, &entry(0, Level::Expert))?);
            Ok((member, ids))
        })
        .unwrap();
    assert!(
        ids.windows(2).take(299).all(|w| w[1] == w[0] + 1),
        "consecutive"
    );
    assert_eq!(ids[300], ids[299] + 2, "after the retraction's own id");
    let snap = store.load().unwrap();
    let m = snap.member(member).unwrap();
    assert_eq!(m.ratings.len(), 11);
    // Skill 0 was last set by i = 297 (297 % 5 = 2: Working).
    assert_eq!(m.ratings[&SkillId(0)].level, Level::Working);
    assert!(!m.ratings.contains_key(&SkillId(20)));
    let history = store.history(member, None).unwrap();
    let stored: Vec<i64> = history.iter().map(|h| h.id).collect();
    assert_eq!(stored, ids);
    assert!(history[0].undone.is_some());

    // Ids are never used twice, even after the entries are deleted with their member.
    let max = *ids.last().unwrap();
    let again = store
        .write(|w| {
            w.delete_member(member)?;
            let team = w.insert_team(None, "U")?;
            let m2 = w.insert_member(None, team, "Bo", None, None)?;
            w.append_history(m2, &entry(1, Level::Working))
        })
        .unwrap();
    assert!(again > max, "{again} > {max}");
}

#[test]
fn members_and_events_written_in_bulk_take_sqlites_ids_and_are_seen_by_later_statements() {
    use capmatrix::model::{Date, EventKind, MemberEvent, MemberId, TeamId, Timestamp};
    let tmp = Tmp::new();
    let mut store = Store::open(&tmp.db()).unwrap();
    let day = Date::constant(2026, 3, 1);
    let joined = |team: TeamId| MemberEvent {
        id: 0,
        kind: EventKind::Joined,
        on: day,
        recorded: Timestamp(1),
        team: Some(team),
        role_level: None,
        undone: None,
    };
    let (team, members, events) = store
        .write(|w| {
            let team = w.insert_team(None, "T")?;
            let (mut members, mut events) = (Vec::new(), Vec::new());
            // 5,000 members with an event each: more rows than are ever kept waiting.
            for i in 0..5000 {
                let m = w.insert_member(None, team, &format!("P{i}"), None, None)?;
                events.push(w.append_event(m, &joined(team))?);
                members.push(m);
            }
            // Changes to a member still waiting to be written reach them.
            w.rename_member(members[4999], "Last")?;
            w.set_left(members[4998], Some(day))?;
            // Reading sees the waiting events; one can be undone at once.
            assert_eq!(w.events(members[4999])?.len(), 1);
            w.retract_event(members[4999], events[4999], Timestamp(2))?;
            Ok((team, members, events))
        })
        .unwrap();
    assert_eq!(members[0], MemberId(1));
    assert!(
        members.windows(2).all(|p| p[1].0 == p[0].0 + 1),
        "consecutive"
    );
    assert!(events.windows(2).all(|p| p[1] == p[0] + 1), "consecutive");
    let snap = store.load().unwrap();
    assert_eq!(snap.member(members[4999]).unwrap().name, "Last");
    assert_eq!(snap.anyone(members[4998]).unwrap().left_on, Some(day));
    assert_eq!(store.events(members[10]).unwrap()[0].id, events[10]);
    assert!(store.events(members[4999]).unwrap()[0].undone.is_some());

    // After the newest member is deleted, SQLite's next id is reused as SQLite would; a member
    // restored under its own id keeps it; event ids are never used twice.
    let (again, restored, event) = store
        .write(|w| {
            w.delete_member(members[4999])?;
            let again = w.insert_member(None, team, "New", None, None)?;
            let restored = w.insert_member(Some(MemberId(9000)), team, "Back", None, None)?;
            let event = w.append_event(again, &joined(team))?;
            let after = w.insert_member(None, team, "After", None, None)?;
            assert_eq!(after, MemberId(9001));
            Ok((again, restored, event))
        })
        .unwrap();
    assert_eq!(again, members[4999]);
    assert_eq!(restored, MemberId(9000));
    assert!(event > events[4999] + 1, "past the undo's own id: {event}");
    assert_eq!(store.load().unwrap().member(again).unwrap().name, "New");
}

#[test]
fn a_large_file_loads_the_same_on_two_cores_as_on_one() {
    let tmp = Tmp::new();
    let path = tmp.db();
    {
        let mut core = Core::open(&path).unwrap();
        capmatrix::demo::add_demo(&mut core, 6_000, 60, 2).unwrap();
    }
    // A reader's load splits the ratings between two connections (member ids span > 5,000);
    // a load inside a write transaction reads them all on one.
    let two = Store::open_read_only(&path).unwrap().load().unwrap();
    let mut store = Store::open(&path).unwrap();
    let one = store.write(|w| w.load()).unwrap();
    assert_eq!(two.member_count(), 6_000);
    assert_eq!(two.rating_count(), one.rating_count());
    assert_eq!(two, one);
}

#[test]
fn a_rating_level_out_of_range_written_by_another_program_is_left_out_of_the_matrix() {
    use capmatrix::core::Action;
    use capmatrix::model::Level;
    let tmp = Tmp::new();
    let path = tmp.db();
    let mut core = Core::open(&path).unwrap();
    let team = core
        .apply(Action::CreateTeam { name: "T".into() })
        .unwrap()
        .team
        .unwrap();
    let ann = core
        .apply(Action::AddMember {
            team,
            name: "Ann".into(),
            role_level: None,
            joined_on: None,
        })
        .unwrap()
        .member
        .unwrap();
    let skills: Vec<_> = core
        .snapshot()
        .framework
        .skills
        .iter()
        .take(3)
        .map(|s| s.id)
        .collect();
    for &skill in &skills {
        core.apply(Action::SetRating {
            member: ann,
            skill,
            level: Level::Practitioner,
            note: String::new(),
            interested: false,
            on: None,
        })
        .unwrap();
    }
    drop(core);
    // Another program, ignoring the file's checks and triggers: a level of 9, a level of -1,
    // a flag of 5, and a skill id far out of range.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA ignore_check_constraints = ON;
         DROP TRIGGER rating_entry_kept;
         UPDATE rating SET level = 9 WHERE skill_id = {};
         UPDATE rating SET level = -1 WHERE skill_id = {};
         UPDATE rating SET interested = 5 WHERE skill_id = {};
         INSERT INTO rating (member_id, skill_id, level, rated_at, assessed_on)
             VALUES ({ann}, 1152921504606846976 + {s2}, 1, 0, '2026-01-01');",
        skills[0].0,
        skills[1].0,
        skills[2].0,
        ann = ann.0,
        s2 = skills[2].0
    ))
    .unwrap();
    drop(conn);
    let snap = Store::open_read_only(&path).unwrap().load().unwrap();
    let ratings = &snap.member(ann).unwrap().ratings;
    assert_eq!(ratings.len(), 1, "{ratings:?}");
    assert_eq!(ratings[&skills[2]].level, Level::Practitioner);
    assert!(ratings[&skills[2]].interested);
}
