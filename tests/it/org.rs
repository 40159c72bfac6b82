//! Organisation scale: roll-ups of team files (read-only sources, idempotent, pseudonyms),
//! gaps by team, what-if planning and Parquet for the data platform.

use super::{Tmp, capmatrix, stderr, stdout};
use capmatrix::core::{Action, Core};
use capmatrix::model::Level;
use std::path::{Path, PathBuf};

/// A team database made by `demo` (20 members, 6 months of history), its team renamed.
fn team_file(tmp: &Tmp, file: &str, team: &str, seed: &str) -> PathBuf {
    let db = tmp.path(file);
    let out = capmatrix(
        &db,
        &[
            "demo",
            "--members",
            "20",
            "--teams",
            "1",
            "--seed",
            seed,
            "--history-months",
            "6",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE team SET name = ?1", [team]).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    drop(conn);
    db
}

/// The first member of a database's (or a team's) wide export.
fn first_member(db: &Path, team: Option<&str>) -> String {
    let mut args = vec!["export", "-"];
    if let Some(t) = team {
        args.extend(["--team", t]);
    }
    ok(&capmatrix(db, &args))
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .to_string()
}

/// Current members of a database, from `info`.
fn members(db: &Path) -> usize {
    let info = ok(&capmatrix(db, &["info"]));
    let line = info.lines().find(|l| l.starts_with("members: ")).unwrap();
    line["members: ".len()..].parse().unwrap()
}

fn ok(out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    stdout(out)
}

/// `capmatrix rollup ORG FILES...`
fn rollup(org: &Path, files: &[&Path], key: Option<&Path>) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_capmatrix"));
    cmd.arg("rollup").arg(org).args(files);
    if let Some(k) = key {
        cmd.arg("--pseudonymise").arg(k);
    }
    cmd.env_remove("CAPMATRIX_DB").output().unwrap()
}

/// Everything a roll-up copies, as text: the long history export, current ratings (both
/// sources), targets and the member list with role levels and leaving dates.
fn contents(db: &Path) -> String {
    // The history's Member id column aside: ids are the database's own, new on a re-run.
    let history = ok(&capmatrix(
        db,
        &[
            "export",
            "-",
            "--format",
            "long",
            "--history",
            "--source",
            "both",
        ],
    ));
    let mut text: String = history
        .lines()
        .map(|l| format!("{}\n", l.rsplit_once(',').map_or(l, |(rest, _)| rest)))
        .collect();
    text.push_str(&ok(&capmatrix(
        db,
        &["export", "-", "--format", "long", "--source", "both"],
    )));
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT t.name, m.name, coalesce(m.role_level_id, -1), coalesce(m.left_on, '')
             FROM member m JOIN team t ON t.id = m.team_id ORDER BY t.name, m.name",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?
            ))
        })
        .unwrap();
    for r in rows {
        text.push_str(&r.unwrap());
        text.push('\n');
    }
    text
}

/// The names in a folder, sorted, leaving out the organisation database's own companions.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("org.db-") && n != "org.db.lock")
        .collect();
    names.sort();
    names
}

fn file_state(p: &Path) -> (Vec<u8>, std::time::SystemTime) {
    (
        std::fs::read(p).unwrap(),
        std::fs::metadata(p).unwrap().modified().unwrap(),
    )
}

#[test]
fn rollup_copies_team_files_read_only_and_twice_gives_the_same_contents() {
    let tmp = Tmp::new();
    let a = team_file(&tmp, "a.db", "Data Platform", "1");
    let b = team_file(&tmp, "b.db", "Analytics", "2");
    // A target and a note in team a: both must arrive.
    let mut core = Core::open(&a).unwrap();
    let team = core.snapshot().team_named("Data Platform").unwrap().id;
    let modelling = core
        .snapshot()
        .framework
        .skill_named("Data modelling")
        .unwrap();
    core.apply(Action::SetTarget {
        team,
        skill: modelling,
        target: Some(capmatrix::model::Target {
            level: Level::Expert,
            count: 3,
        }),
    })
    .unwrap();
    drop(core);
    let before = [file_state(&a), file_state(&b)];
    let org = tmp.path("org.db");
    let files_before: Vec<String> = listing(tmp.dir.path())
        .into_iter()
        .chain(["org.db".to_string()])
        .collect();

    let out = ok(&rollup(&org, &[&a, &b], None));
    assert!(
        out.contains("rolled up 2 teams with 40 members from 2 files"),
        "{out}"
    );
    // The team files are untouched, byte for byte, and no lock or journal was left by them.
    assert_eq!([file_state(&a), file_state(&b)], before);
    assert_eq!(listing(tmp.dir.path()), files_before);

    // Everything each file holds is in the organisation database: the same long history and
    // current ratings as the two exports together.
    let org_contents = contents(&org);
    // (Member ids are each database's own: compared without the last column.)
    let without_id = |text: &str| -> std::collections::BTreeSet<String> {
        text.lines()
            .skip(1)
            .map(|l| l.rsplit_once(',').map_or(l, |(rest, _)| rest).to_string())
            .collect()
    };
    let org_history = without_id(&ok(&capmatrix(
        &org,
        &["export", "-", "--format", "long", "--history"],
    )));
    for (file, team) in [(&a, "Data Platform"), (&b, "Analytics")] {
        let own = ok(&capmatrix(
            file,
            &["export", "-", "--format", "long", "--history"],
        ));
        for line in without_id(&own) {
            assert!(org_history.contains(&line), "{team}: {line} missing");
        }
    }
    let gaps = ok(&capmatrix(
        &org,
        &[
            "gaps",
            "--team",
            "Data Platform",
            "--all",
            "--format",
            "csv",
        ],
    ));
    assert!(gaps.contains("Data modelling,Expert,3,"), "{gaps}");
    let info = ok(&capmatrix(&org, &["info"]));
    assert!(
        info.contains("teams: 2\n")
            && info.contains(&format!("members: {}\n", members(&a) + members(&b))),
        "{info}"
    );

    // The source file and its time are recorded per team.
    let conn = rusqlite::Connection::open(&org).unwrap();
    let (source, time): (String, String) = conn
        .query_row(
            "SELECT r.source, r.source_time FROM rollup_team r JOIN team t ON t.id = r.team_id
             WHERE t.name = 'Analytics'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(conn);
    assert_eq!(
        source,
        std::fs::canonicalize(&b).unwrap().display().to_string()
    );
    assert!(time.starts_with("20") && time.ends_with('Z'), "{time}");

    // The rolled-up teams are copies: a change here would be replaced by the next roll-up,
    // so it is refused, naming the file to change instead.
    let someone = first_member(&org, Some("Analytics"));
    let out = capmatrix(&org, &["rate", &someone, "Data modelling", "Expert"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("is a copy rolled up from")
            && err.contains(&std::fs::canonicalize(&b).unwrap().display().to_string()),
        "{err}"
    );
    assert_eq!(contents(&org), org_contents);
    // An import into it is refused as well, in the dry run too.
    let file = tmp.path("more.csv");
    std::fs::write(
        &file,
        format!("Member,Team,Testing\n{someone},Analytics,Expert\n"),
    )
    .unwrap();
    for extra in [&["--dry-run"][..], &[][..]] {
        let mut args = vec!["import", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = capmatrix(&org, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains("is a copy rolled up from"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(contents(&org), org_contents);

    // Twice: the same contents, no team doubled.
    let out = ok(&rollup(&org, &[&a, &b], None));
    assert!(out.contains("replacing 1 team rolled up before"), "{out}");
    assert_eq!(contents(&org), org_contents);

    // An updated team file replaces what it gave: a member leaves team b's file.
    let first = first_member(&b, None);
    let mut core = Core::open(&b).unwrap();
    let team_b = core.snapshot().team_named("Analytics").unwrap().id;
    let gone = core.snapshot().member_named(team_b, &first).unwrap().id;
    core.apply(Action::RemoveMember { member: gone }).unwrap();
    drop(core);
    ok(&rollup(&org, &[&b], None));
    let info = ok(&capmatrix(&org, &["info"]));
    assert!(
        info.contains(&format!("members: {}\n", members(&a) + members(&b))),
        "{info}"
    );
    assert!(info.contains("teams: 2\n"), "{info}");

    // A rolled-up team removed in the window and brought back by undo is still the file's:
    // the next roll-up replaces it rather than refusing it as the database's own.
    let mut core = Core::open(&org).unwrap();
    let analytics = core.snapshot().team_named("Analytics").unwrap().id;
    core.apply(Action::RemoveTeam { team: analytics }).unwrap();
    core.undo().unwrap();
    drop(core);
    let out = ok(&rollup(&org, &[&b], None));
    assert!(out.contains("replacing 1 team rolled up before"), "{out}");
}

/// `capmatrix rollup ORG FILES... --name N...`
fn rollup_named(org: &Path, files: &[&Path], names: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_capmatrix"));
    cmd.arg("rollup").arg(org).args(files);
    for n in names {
        cmd.arg("--name").arg(n);
    }
    cmd.env_remove("CAPMATRIX_DB").output().unwrap()
}

#[test]
fn teams_of_the_same_name_in_two_files_are_kept_apart_named_by_their_file() {
    let tmp = Tmp::new();
    let a = team_file(&tmp, "a.db", "Data Platform", "1");
    let b = team_file(&tmp, "b.db", "data platform", "2");
    let org = tmp.path("org.db");
    let out = ok(&rollup(&org, &[&a, &b], None));
    assert!(
        out.contains("team \"Data Platform\" named \"Data Platform (a.db)\" (another team file holds the same name)"),
        "{out}"
    );
    assert!(out.contains("named \"data platform (b.db)\""), "{out}");
    let by_team = ok(&capmatrix(
        &org,
        &["gaps", "--by-team", "--all", "--format", "csv"],
    ));
    for team in ["Data Platform (a.db)", "data platform (b.db)"] {
        assert!(by_team.contains(&format!("\n{team},")), "{team}: {by_team}");
    }
    // Run again: the same names, replaced in place, never counted twice.
    let again = ok(&rollup(&org, &[&a, &b], None));
    assert!(
        again.contains("replacing 1 team rolled up before"),
        "{again}"
    );
    assert_eq!(members(&org), members(&a) + members(&b));

    // Named on the command line instead.
    let named = tmp.path("named.db");
    let out = ok(&rollup_named(
        &named,
        &[&a, &b],
        &[
            "a.db:Data Platform=Platform North",
            "b.db:data platform=Platform South",
        ],
    ));
    assert!(out.contains("named \"Platform North\" (--name)"), "{out}");
    let info = ok(&capmatrix(
        &named,
        &["gaps", "--by-team", "--all", "--format", "csv"],
    ));
    assert!(info.contains("\nPlatform North,") && info.contains("\nPlatform South,"));
    // One name for both is refused (never a merge by accident), changing nothing.
    let clash = tmp.path("clash.db");
    let out = rollup_named(
        &clash,
        &[&a, &b],
        &["a.db:Data Platform=One", "b.db:data platform=One"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("would come from two team files"),
        "{}",
        stderr(&out)
    );
    assert!(!clash.exists());
    // A --name for a file or team that is not there is refused.
    let out = rollup_named(&clash, &[&a], &["c.db:Data Platform=X"]);
    assert_eq!(out.status.code(), Some(1));
    let out = rollup_named(&clash, &[&a], &["a.db:Nope=X"]);
    assert!(
        stderr(&out).contains("the file has no team \"Nope\""),
        "{}",
        stderr(&out)
    );

    // Rolled up from one file, then the other file brings the same name: kept apart by its
    // file's name.
    let later = tmp.path("later.db");
    ok(&rollup(&later, &[&a], None));
    let out = ok(&rollup(&later, &[&b], None));
    assert!(
        out.contains("named \"data platform (b.db)\" (the organisation database holds the name from elsewhere)"),
        "{out}"
    );
}

#[test]
fn rollup_refuses_a_foreign_file_and_a_newer_one_changing_nothing() {
    let tmp = Tmp::new();
    let a = team_file(&tmp, "a.db", "Data Platform", "1");
    let org = tmp.path("org.db");
    ok(&rollup(&org, &[&a], None));

    let foreign = tmp.path("notes.db");
    std::fs::write(&foreign, "not a database at all, just some text").unwrap();
    let newer = tmp.path("newer.db");
    let conn = rusqlite::Connection::open(&newer).unwrap();
    conn.execute_batch(
        "PRAGMA application_id = 1668312440; PRAGMA user_version = 99; CREATE TABLE x (y);",
    )
    .unwrap();
    drop(conn);
    let missing = tmp.path("missing.db");
    let before = contents(&org);
    for (file, says) in [
        (&foreign, "not an SQLite database"),
        (&newer, "newer capmatrix"),
        (&missing, "no database here"),
        (&org, "the organisation database itself"),
    ] {
        let out = rollup(&org, &[&a, file], None);
        assert_eq!(out.status.code(), Some(1), "{}", file.display());
        let err = stderr(&out);
        assert!(
            err.contains(says) && err.contains(&file.display().to_string()),
            "{err}"
        );
    }
    assert!(!missing.exists(), "a missing team file is not created");
    assert_eq!(contents(&org), before);
    // Nothing at all is created when a team file is refused.
    let fresh = tmp.path("fresh-org.db");
    assert_eq!(rollup(&fresh, &[&a, &foreign], None).status.code(), Some(1));
    assert!(
        !fresh.exists(),
        "the organisation database is made only once all files read"
    );
    #[cfg(unix)]
    {
        // A pipe would block a reader for ever: refused by what it is.
        let fifo = tmp.path("pipe.db");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let err = stderr(&rollup(&org, &[&fifo], None));
        assert!(err.contains("not a regular file"), "{err}");
    }

    // A team file from an older capmatrix is read through an upgraded copy, left as it was.
    let old = tmp.path("old.db");
    capmatrix::store::Store::create_at_version(&old, 5).unwrap();
    let conn = rusqlite::Connection::open(&old).unwrap();
    conn.execute_batch(
        "INSERT INTO team (id, name) VALUES (1, 'Legacy');
         INSERT INTO member (id, team_id, name, role_level_id) VALUES (1, 1, 'Old Timer', NULL);
         INSERT INTO rating (member_id, skill_id, level, note, interested, rated_at, assessed_on)
             VALUES (1, 0, 3, '', 0, 0, '2024-01-02');
         PRAGMA wal_checkpoint(TRUNCATE);",
    )
    .unwrap();
    drop(conn);
    let old_state = file_state(&old);
    ok(&rollup(&org, &[&old], None));
    assert_eq!(file_state(&old), old_state);
    let csv = ok(&capmatrix(
        &org,
        &["export", "-", "--team", "Legacy", "--format", "long"],
    ));
    assert!(csv.contains("Old Timer,Legacy,,"), "{csv}");
    assert!(csv.contains(",Practitioner,2024-01-02,"), "{csv}");
}

#[test]
fn pseudonyms_are_stable_across_runs_and_files_and_notes_are_dropped() {
    let tmp = Tmp::new();
    let a = team_file(&tmp, "a.db", "Data Platform", "1");
    let b = team_file(&tmp, "b.db", "Analytics", "2");
    let member = first_member(&a, None);
    ok(&capmatrix(
        &a,
        &[
            "rate",
            &member,
            "Data modelling",
            "Expert",
            "--note",
            "led the MOT data model rebuild",
        ],
    ));
    let key = tmp.path("org.key");
    let out = ok(&capmatrix(&tmp.db(), &["keygen", key.to_str().unwrap()]));
    assert!(out.contains("readable by you only"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A key is never replaced.
    let kept = std::fs::read(&key).unwrap();
    let out = capmatrix(&tmp.db(), &["keygen", key.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&key).unwrap(), kept);

    let org1 = tmp.path("org1.db");
    let org2 = tmp.path("org2.db");
    let out = ok(&rollup(&org1, &[&a, &b], Some(&key)));
    assert!(out.contains("names pseudonymised, notes dropped"), "{out}");
    // Another run, the files in the other order and one at a time: the same pseudonyms.
    ok(&rollup(&org2, &[&b], Some(&key)));
    ok(&rollup(&org2, &[&a], Some(&key)));
    let names = |db: &Path| {
        let mut v: Vec<String> = ok(&capmatrix(db, &["export", "-"]))
            .lines()
            .skip(1)
            .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(","))
            .collect();
        v.sort();
        v
    };
    let n1 = names(&org1);
    assert_eq!(n1, names(&org2));
    let current = |db: &Path| ok(&capmatrix(db, &["export", "-"])).lines().count() - 1;
    assert_eq!(n1.len(), current(&a) + current(&b));
    assert!(n1.iter().all(|n| n.starts_with("P-")), "{n1:?}");
    // The real name and the note are nowhere in the organisation database's file.
    drop(
        rusqlite::Connection::open(&org1)
            .unwrap()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)"),
    );
    let bytes = std::fs::read(&org1).unwrap();
    let find = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!find(&member), "{member} is in the file");
    assert!(!find("MOT data model"), "the note is in the file");
    // The same person in a file rolled up without the key is recognisable only by name.
    let pseudonym = capmatrix::model::pseudonym::Key::from_text(&String::from_utf8(kept).unwrap())
        .unwrap()
        .pseudonym(&member);
    assert!(n1.iter().any(|n| n.starts_with(&pseudonym)), "{pseudonym}");
    // Parquet of a pseudonymised roll-up has no note column.
    let pq = tmp.path("org.parquet");
    ok(&capmatrix(&org1, &["export", pq.to_str().unwrap()]));
    let columns = parquet_columns(&pq);
    assert!(!columns.iter().any(|(n, _)| n == "note"), "{columns:?}");

    // A bad key file is refused, naming it.
    let bad = tmp.path("bad.key");
    std::fs::write(&bad, "hello").unwrap();
    let out = rollup(&tmp.path("org3.db"), &[&a], Some(&bad));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("bad.key"), "{}", stderr(&out));
}

/// (column name, "PHYSICAL/LOGICAL") of a Parquet file's schema.
fn parquet_columns(path: &Path) -> Vec<(String, String)> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    schema
        .columns()
        .iter()
        .map(|c| {
            (
                c.name().to_string(),
                format!("{:?}/{:?}", c.physical_type(), c.logical_type_ref()),
            )
        })
        .collect()
}

fn parquet_rows(path: &Path) -> Vec<parquet::record::Row> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    for g in 0..reader.num_row_groups() {
        let meta = reader.metadata().row_group(g);
        for c in meta.columns() {
            assert_eq!(c.compression(), parquet::basic::Compression::SNAPPY);
        }
    }
    reader
        .get_row_iter(None)
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn parquet_export_has_typed_columns_and_the_same_rows_as_the_long_csv() {
    let tmp = Tmp::new();
    let db = tmp.db();
    ok(&capmatrix(
        &db,
        &["demo", "--members", "30", "--teams", "3", "--seed", "4"],
    ));
    let pq = tmp.path("matrix.parquet");
    let out = ok(&capmatrix(&db, &["export", pq.to_str().unwrap()]));
    assert!(out.contains("rows"), "{out}");
    let columns = parquet_columns(&pq);
    let expect = [
        ("member", "BYTE_ARRAY/Some(String)"),
        ("team", "BYTE_ARRAY/Some(String)"),
        ("role_level", "BYTE_ARRAY/Some(String)"),
        ("skill", "BYTE_ARRAY/Some(String)"),
        ("skill_category", "BYTE_ARRAY/Some(String)"),
        ("level", "INT32/None"),
        ("level_name", "BYTE_ARRAY/Some(String)"),
        ("assessed_on", "INT32/Some(Date)"),
        ("interested", "BOOLEAN/None"),
        ("source", "BYTE_ARRAY/Some(String)"),
        ("note", "BYTE_ARRAY/Some(String)"),
    ];
    let got: Vec<(&str, &str)> = columns
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    assert_eq!(got, expect);

    // The same ratings as the long CSV, row for row.
    let csv = ok(&capmatrix(
        &db,
        &["export", "-", "--format", "long", "--levels", "numbers"],
    ));
    let csv_rows: Vec<Vec<String>> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let rows = parquet_rows(&pq);
    assert_eq!(rows.len(), csv_rows.len());
    assert!(rows.len() > 200);
    use parquet::record::{Field, RowAccessor};
    for (row, c) in rows.iter().zip(&csv_rows) {
        assert_eq!(row.get_string(0).unwrap(), &c[0]);
        assert_eq!(row.get_string(1).unwrap(), &c[1]);
        assert_eq!(row.get_string(3).unwrap(), &c[3]);
        assert_eq!(row.get_int(5).unwrap().to_string(), c[4]);
        let Field::Date(days) = row.get_column_iter().nth(7).unwrap().1 else {
            panic!("assessed_on is not a date");
        };
        let date = jiff::civil::date(1970, 1, 1)
            .checked_add(jiff::Span::new().days(i64::from(*days)))
            .unwrap();
        assert_eq!(date.to_string(), c[5]);
        assert_eq!(row.get_bool(8).unwrap(), c[6] == "yes");
        assert_eq!(row.get_string(9).unwrap(), "lead");
    }
    // Categories come from the framework: the DDaT data has none; a custom skill's is kept.
    assert!(rows.iter().all(|r| r.get_string(4).is_err()));
    let who = &csv_rows[0][0];
    ok(&capmatrix(
        &db,
        &["skills", "add", "Apache Spark", "--category", "Technology"],
    ));
    ok(&capmatrix(&db, &["rate", who, "Apache Spark", "Working"]));
    ok(&capmatrix(&db, &["export", pq.to_str().unwrap()]));
    let rows = parquet_rows(&pq);
    let spark: Vec<_> = rows
        .iter()
        .filter(|r| r.get_string(3).unwrap() == "Apache Spark")
        .collect();
    assert_eq!(spark.len(), 1);
    assert_eq!(spark[0].get_string(4).unwrap(), "Technology");
    assert_eq!(spark[0].get_string(6).unwrap(), "Working");
}

#[test]
fn gaps_by_team_lists_every_team_against_its_own_targets_in_every_format() {
    let tmp = Tmp::new();
    let db = tmp.db();
    ok(&capmatrix(
        &db,
        &["demo", "--members", "40", "--teams", "4", "--seed", "3"],
    ));
    let csv = ok(&capmatrix(&db, &["gaps", "--by-team", "--format", "csv"]));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "Team,Skill,Target level,Target count,Covered,Shortfall,Single point of failure,Best level,Held only by"
        )
    );
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty());
    // Each team's rows are exactly that team's own `gaps --format csv` rows, in order.
    let teams: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r.split(',').next().unwrap()).collect();
    assert!(teams.len() >= 2, "{teams:?}");
    for team in &teams {
        let own = ok(&capmatrix(
            &db,
            &["gaps", "--team", team, "--format", "csv"],
        ));
        let expected: Vec<String> = own.lines().skip(1).map(|l| format!("{team},{l}")).collect();
        let got: Vec<String> = rows
            .iter()
            .filter(|r| r.starts_with(&format!("{team},")))
            .map(|r| r.to_string())
            .collect();
        assert_eq!(got, expected, "{team}");
    }
    let json: serde_json::Value = serde_json::from_str(&ok(&capmatrix(
        &db,
        &["gaps", "--by-team", "--format", "json"],
    )))
    .unwrap();
    let listed: usize = json
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["skills"].as_array().unwrap().len())
        .sum();
    assert_eq!(listed, rows.len());
    let text = ok(&capmatrix(&db, &["gaps", "--by-team"]));
    assert!(text.starts_with("4 teams with members;"), "{text}");

    // Parquet: the same rows, typed.
    let out = capmatrix(&db, &["gaps", "--by-team", "--format", "parquet"]);
    assert_eq!(out.status.code(), Some(2), "needs --out");
    assert!(stderr(&out).contains("--out"), "{}", stderr(&out));
    let pq = tmp.path("gaps.parquet");
    let out = ok(&capmatrix(
        &db,
        &[
            "gaps",
            "--by-team",
            "--format",
            "parquet",
            "--out",
            pq.to_str().unwrap(),
        ],
    ));
    assert!(out.contains(&format!("{} rows", rows.len())), "{out}");
    let pq_rows = parquet_rows(&pq);
    assert_eq!(pq_rows.len(), rows.len());
    use parquet::record::RowAccessor;
    for (p, c) in pq_rows.iter().zip(&rows) {
        let c: Vec<&str> = c.split(',').collect();
        assert_eq!(p.get_string(0).unwrap(), c[0]);
        assert_eq!(p.get_string(1).unwrap(), c[1]);
        assert_eq!(p.get_int(4).unwrap().to_string(), c[4]);
        assert_eq!(p.get_int(5).unwrap().to_string(), c[5]);
        assert_eq!(p.get_bool(6).unwrap(), c[6] == "yes");
    }
    let cols = parquet_columns(&pq);
    assert_eq!(
        cols[3],
        ("target_count".to_string(), "INT32/None".to_string())
    );
}

#[test]
fn what_if_someone_leaves_keeps_todays_targets_and_names_the_new_gaps() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let mut core = Core::open(&db).unwrap();
    let team = super::core::team(&mut core, "Platform");
    let ann = super::core::member(&mut core, team, "Ann", "Lead data engineer");
    let bob = super::core::member(&mut core, team, "Bob", "Senior data architect");
    let modelling = super::core::skill(&core, "Data modelling");
    super::core::rate(&mut core, ann, modelling, Level::Expert);
    super::core::rate(&mut core, bob, modelling, Level::Expert);
    drop(core);

    let out = ok(&capmatrix(
        &db,
        &[
            "gaps",
            "--team",
            "platform",
            "--without",
            "ann",
            "--format",
            "csv",
            "--all",
        ],
    ));
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(
            "Skill,Target level,Target count,Covered,Shortfall,Single point of failure,Best level,\
             Held only by,Covered today,Shortfall today,Single point of failure today,\
             New shortfall,New single point of failure,Verdict"
        )
    );
    let row = lines.find(|l| l.starts_with("Data modelling,")).unwrap();
    // Today 2 cover it at Expert (the lead's role sets the target); without Ann the target
    // stays Expert x 2 (Bob's role alone would ask for Practitioner), 1 covers it.
    let today = capmatrix::model::time::today();
    assert_eq!(
        row,
        format!(
            "Data modelling,Expert,2,1,1,yes,Expert,\"Bob (Expert, assessed {today})\",2,0,no,yes,yes,worse"
        )
    );

    let text = ok(&capmatrix(
        &db,
        &["gaps", "--team", "Platform", "--without", "Ann"],
    ));
    assert!(
        text.starts_with("What if Ann left: 1 member (2 today)."),
        "{text}"
    );
    assert!(
        text.contains("NEW SHORTFALL; NEW single point of failure"),
        "{text}"
    );

    // A hire at Lead data engineer is rated at what the role requires and closes it again.
    let out = ok(&capmatrix(
        &db,
        &[
            "gaps",
            "--team",
            "Platform",
            "--without",
            "Ann",
            "--hire",
            "Lead data engineer",
            "--format",
            "json",
        ],
    ));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["members_then"], 2);
    assert_eq!(json["hires"][0], "New hire 1 (Lead data engineer)");
    let dm = json["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skill"] == "Data modelling");
    // Covered 2 again with the hire: no longer a gap, unchanged from today, so not listed.
    assert!(dm.is_none(), "{out}");

    // Unknown names are refused, naming them; nothing is written anyway.
    let out = capmatrix(&db, &["gaps", "--team", "Platform", "--without", "Zed"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("\"Zed\""), "{}", stderr(&out));
    let out = capmatrix(&db, &["gaps", "--without", "Ann"]);
    assert_eq!(out.status.code(), Some(2), "--without needs --team");
}

#[test]
fn rollup_keeps_one_way_of_naming_takes_moved_teams_and_refuses_retired_skills() {
    let tmp = Tmp::new();
    let a = team_file(&tmp, "a.db", "Data Platform", "1");
    let b = team_file(&tmp, "b.db", "Analytics", "2");
    let key = tmp.path("k1.key");
    let other = tmp.path("k2.key");
    ok(&capmatrix(&tmp.db(), &["keygen", key.to_str().unwrap()]));
    ok(&capmatrix(&tmp.db(), &["keygen", other.to_str().unwrap()]));

    // Pseudonymised once: always with that key.
    let org = tmp.path("org.db");
    ok(&rollup(&org, &[&a], Some(&key)));
    let before = contents(&org);
    for (k, says) in [
        (
            None,
            "were pseudonymised: give --pseudonymise with the same key",
        ),
        (Some(other.as_path()), "pseudonymised with another key"),
    ] {
        let out = rollup(&org, &[&b], k);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
    }
    assert_eq!(contents(&org), before);
    ok(&rollup(&org, &[&b], Some(&key)));
    // Plain once: never pseudonymised into the same database.
    let plain = tmp.path("plain.db");
    ok(&rollup(&plain, &[&a], None));
    let err = stderr(&rollup(&plain, &[&b], Some(&key)));
    assert!(err.contains("kept names"), "{err}");

    // Two files with one team name, into a new database: kept apart by their files' names.
    let twin = team_file(&tmp, "twin.db", "data platform", "3");
    let fresh = tmp.path("fresh.db");
    let out = ok(&rollup(&fresh, &[&a, &twin], None));
    assert!(out.contains("\"data platform (twin.db)\""), "{out}");

    // A team that moved from a.db to twin.db between runs: both files in the run, fine.
    let conn = rusqlite::Connection::open(&a).unwrap();
    conn.execute("UPDATE team SET name = 'Platform Ops'", [])
        .unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    drop(conn);
    ok(&rollup(&plain, &[&a, &twin], None));
    let info = ok(&capmatrix(&plain, &["info"]));
    assert!(info.contains("teams: 2\n"), "{info}");

    // A skill the organisation retired would swallow the team's ratings: refused by name.
    ok(&capmatrix(&plain, &["skills", "retire", "Testing"]));
    let out = rollup(&plain, &[&b], None);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("skill \"Testing\" is retired") && err.contains("b.db"),
        "{err}"
    );
}

#[test]
fn a_moved_team_file_is_the_same_source_and_copies_side_by_side_are_separate_teams() {
    let tmp = Tmp::new();
    let a = team_file(&tmp, "a.db", "Data Platform", "1");
    let b = team_file(&tmp, "b.db", "Analytics", "2");
    let org = tmp.path("org.db");
    ok(&rollup(&org, &[&a, &b], None));
    let expected = format!("members: {}\n", members(&a) + members(&b));

    // Moved to another folder: recognised by its database id, it replaces what it gave.
    let moved = tmp.path("moved");
    std::fs::create_dir(&moved).unwrap();
    let b2 = moved.join("b.db");
    std::fs::rename(&b, &b2).unwrap();
    let out = ok(&rollup(&org, &[&b2], None));
    assert!(out.contains("replacing 1 team rolled up before"), "{out}");
    let info = ok(&capmatrix(&org, &["info"]));
    assert!(
        info.contains("teams: 2\n") && info.contains(&expected),
        "{info}"
    );

    // Teams handed out from one template: copies side by side with their own teams are
    // separate sources, neither replacing the other.
    let copy = tmp.path("c.db");
    std::fs::copy(&b2, &copy).unwrap();
    let conn = rusqlite::Connection::open(&copy).unwrap();
    conn.execute("UPDATE team SET name = 'Insight'", [])
        .unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    drop(conn);
    ok(&rollup(&org, &[&copy], None));
    ok(&rollup(&org, &[&b2], None));
    let info = ok(&capmatrix(&org, &["info"]));
    assert!(info.contains("teams: 3\n"), "{info}");
}

#[test]
fn parquet_takes_history_and_source_like_the_long_csv() {
    let tmp = Tmp::new();
    let db = tmp.db();
    ok(&capmatrix(
        &db,
        &[
            "demo",
            "--members",
            "30",
            "--teams",
            "3",
            "--seed",
            "4",
            "--history-months",
            "6",
        ],
    ));
    // A cleared rating and someone's own rating, so both show.
    let mut core = Core::open(&db).unwrap();
    let m = core.snapshot().all_members()[0].clone();
    let (&skill, _) = m.ratings.iter().next().unwrap();
    core.apply(Action::ClearRating {
        member: m.id,
        skill,
    })
    .unwrap();
    core.apply(Action::SetSelfRating {
        member: m.id,
        skill,
        level: Level::Expert,
        note: String::new(),
        interested: true,
        on: None,
    })
    .unwrap();
    drop(core);

    let pq = tmp.path("history.parquet");
    ok(&capmatrix(
        &db,
        &[
            "export",
            pq.to_str().unwrap(),
            "--history",
            "--source",
            "both",
        ],
    ));
    let csv = ok(&capmatrix(
        &db,
        &[
            "export",
            "-",
            "--format",
            "long",
            "--history",
            "--source",
            "both",
            "--levels",
            "numbers",
        ],
    ));
    // The CSV's rating rows (its event rows, joined and left, are CSV's alone).
    let csv_rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(Result::unwrap)
            .filter(|r| r[9].is_empty())
            .collect();
    let rows = parquet_rows(&pq);
    assert_eq!(rows.len(), csv_rows.len(), "every history entry");
    use parquet::record::RowAccessor;
    let mut cleared = 0;
    for (row, c) in rows.iter().zip(&csv_rows) {
        assert_eq!(row.get_string(0).unwrap(), &c[0]);
        assert_eq!(row.get_string(3).unwrap(), &c[3]);
        match row.get_int(5) {
            Ok(level) => assert_eq!(level.to_string(), c[4]),
            Err(_) => {
                assert_eq!(&c[4], "", "a null level is a cleared rating");
                cleared += 1;
            }
        }
        assert_eq!(row.get_string(9).unwrap(), &c[8], "the source column");
    }
    assert!(cleared >= 1, "the clear is a row with a null level");
    assert!(
        rows.iter().any(|r| r.get_string(9).unwrap() == "self"),
        "own ratings marked"
    );
    // --levels has no meaning for Parquet (both columns are there): refused, not ignored.
    let out = capmatrix(
        &db,
        &["export", pq.to_str().unwrap(), "--levels", "numbers"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// A team file made through the core: one team, these members (all data engineers).
fn small_team_file(tmp: &Tmp, file: &str, team: &str, people: &[&str]) -> PathBuf {
    let db = tmp.path(file);
    let mut core = Core::open(&db).unwrap();
    let t = super::core::team(&mut core, team);
    let testing = super::core::skill(&core, "Testing");
    for p in people {
        let m = super::core::member(&mut core, t, p, "Data engineer");
        super::core::rate(&mut core, m, testing, Level::Working);
    }
    drop(core);
    db
}

fn merge_rollup(org: &Path, files: &[&Path], merge: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_capmatrix"));
    cmd.arg("rollup").arg(org).args(files);
    for m in merge {
        cmd.arg("--merge").arg(m);
    }
    cmd.env_remove("CAPMATRIX_DB").output().unwrap()
}

#[test]
fn merge_makes_the_same_named_teams_of_several_files_one_team_on_purpose() {
    let tmp = Tmp::new();
    let a = small_team_file(&tmp, "north.db", "Platform", &["Ann", "Bob"]);
    let b = small_team_file(&tmp, "south.db", "platform", &["Cy", "Dee", "Eve"]);
    let org = tmp.path("org.db");
    let out = ok(&merge_rollup(&org, &[&a, &b], &["Platform"]));
    assert!(
        out.contains("rolled up 1 team with 5 members from 2 files"),
        "{out}"
    );
    assert!(
        out.contains("merged with the same team of the other files"),
        "{out}"
    );
    let csv = ok(&capmatrix(&org, &["export", "-", "--team", "Platform"]));
    assert_eq!(csv.lines().count(), 1 + 5, "{csv}");
    // Running again gives the same contents (the merged team replaced once, not twice).
    let before = contents(&org);
    ok(&merge_rollup(&org, &[&a, &b], &["Platform"]));
    assert_eq!(contents(&org), before);
    let info = ok(&capmatrix(&org, &["info"]));
    assert!(
        info.contains("teams: 1\n") && info.contains("members: 5\n"),
        "{info}"
    );
    // One of the files alone would drop the other's people unsaid: refused.
    let out = merge_rollup(&org, &[&a], &["Platform"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("was merged from several team files"),
        "{}",
        stderr(&out)
    );
    assert_eq!(contents(&org), before);
    // Without --merge the next run keeps them apart again, replacing the merged team.
    ok(&rollup(&org, &[&a, &b], None));
    let info = ok(&capmatrix(&org, &["info"]));
    assert!(
        info.contains("teams: 2\n") && info.contains("members: 5\n"),
        "{info}"
    );

    // Someone in both files' teams would become one person: refused, nothing written.
    let c = small_team_file(&tmp, "east.db", "Platform", &["Ann", "Zed"]);
    let fresh = tmp.path("fresh.db");
    let out = merge_rollup(&fresh, &[&a, &c], &["Platform"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("Ann is in the team in both"),
        "{}",
        stderr(&out)
    );
    assert!(!fresh.exists());
    // Merged and named at once: refused before anything is written.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_capmatrix"));
    let out = cmd
        .arg("rollup")
        .arg(&org)
        .args([&a, &b])
        .args([
            "--merge",
            "Platform",
            "--name",
            "north.db:Platform=Platform",
        ])
        .env_remove("CAPMATRIX_DB")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("both merged (--merge) and named (--name)"),
        "{}",
        stderr(&out)
    );
    let out = merge_rollup(&fresh, &[&a, &b], &["Nope"]);
    assert!(stderr(&out).contains("no team file of the run has a team of that name"));
}

#[test]
fn a_rolled_up_team_renamed_in_the_organisation_database_keeps_its_name_in_later_roll_ups() {
    let tmp = Tmp::new();
    let a = team_file(&tmp, "a.db", "Data Platform", "1");
    let b = team_file(&tmp, "b.db", "Data Platform", "2");
    let org = tmp.path("org.db");
    ok(&rollup(&org, &[&a, &b], None));
    // In the window (Team > Rename team...), through the core as the window does.
    let mut core = Core::open(&org).unwrap();
    let t = core
        .snapshot()
        .team_named("Data Platform (a.db)")
        .unwrap()
        .id;
    core.apply(Action::RenameTeam {
        team: t,
        name: "Platform North".into(),
    })
    .unwrap();
    // Renamed again: the newest name is the one kept.
    let t = core.snapshot().team_named("Platform North").unwrap().id;
    core.apply(Action::RenameTeam {
        team: t,
        name: "Platform Northern".into(),
    })
    .unwrap();
    // Other changes to a rolled-up team stay refused.
    let err = core
        .apply(Action::AddMember {
            team: t,
            name: "Someone".into(),
            role_level: None,
            joined_on: None,
        })
        .unwrap_err();
    assert!(err.to_string().contains("rolled up from"), "{err}");
    drop(core);
    let out = ok(&rollup(&org, &[&a, &b], None));
    assert!(
        out.contains("named \"Platform Northern\" (named in the organisation database)"),
        "{out}"
    );
    let by_team = ok(&capmatrix(
        &org,
        &["gaps", "--by-team", "--all", "--format", "csv"],
    ));
    assert!(by_team.contains("\nPlatform Northern,"), "{by_team}");
    assert!(by_team.contains("\nData Platform (b.db),"), "{by_team}");
    assert!(!by_team.contains("(a.db)"), "{by_team}");
    // --name on the command line still has the last word.
    let out = ok(&rollup_named(
        &org,
        &[&a, &b],
        &["a.db:Data Platform=Platform N"],
    ));
    assert!(out.contains("named \"Platform N\" (--name)"), "{out}");
}
