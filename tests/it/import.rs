//! Importing what spreadsheets write, and refusing what cannot be read with every problem
//! located, leaving the database exactly as it was.

use super::{Tmp, capmatrix, stderr, stdout};
use capmatrix::Error;
use capmatrix::core::Core;
use capmatrix::io::{ExportFormat, ExportOptions, LevelStyle, Mode};
use capmatrix::model::analysis::Scope;
use capmatrix::model::{Level, Member, Snapshot};
use capmatrix::transfer::{ImportOptions, ImportReport, import_file};
use std::path::PathBuf;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

pub fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/examples/data-engineering-team.csv")
}

#[allow(clippy::needless_pass_by_value)] // call sites read better with a value
fn import(core: &mut Core, name: &str, options: ImportOptions) -> capmatrix::Result<ImportReport> {
    import_file(core, &fixture(name), &options)
}

fn member<'a>(snap: &'a Snapshot, team: &str, name: &str) -> &'a Member {
    let t = snap
        .team_named(team)
        .unwrap_or_else(|| panic!("no team {team}"));
    snap.member_named(t.id, name)
        .unwrap_or_else(|| panic!("no member {name}"))
}

fn level(snap: &Snapshot, team: &str, name: &str, skill: &str) -> Option<Level> {
    let s = snap.framework.skill_named(skill).unwrap();
    member(snap, team, name).ratings.get(&s).map(|r| r.level)
}

fn role(snap: &Snapshot, team: &str, name: &str) -> Option<String> {
    member(snap, team, name)
        .role_level
        .map(|rl| snap.framework.role_level(rl).name.clone())
}

fn export_all(core: &Core, format: ExportFormat) -> Vec<u8> {
    capmatrix::io::export(
        core.snapshot(),
        ExportOptions {
            scope: Scope::All,
            format,
            levels: LevelStyle::Names,
            source: Default::default(),
        },
        None,
    )
    .unwrap()
}

/// A core holding the sample team, to check that failures change nothing.
fn populated() -> Core {
    let mut core = Core::open_in_memory().unwrap();
    import_file(&mut core, &example(), &ImportOptions::default()).unwrap();
    core
}

/// Everything a failed import must leave as it was.
fn state(core: &Core) -> (Snapshot, capmatrix::store::Counts, Vec<u8>) {
    (
        core.snapshot().clone(),
        core.counts().unwrap(),
        export_all(core, ExportFormat::Long),
    )
}

#[test]
fn the_sample_team_and_what_libreoffice_writes_from_it_import_alike() {
    let mut core = Core::open_in_memory().unwrap();
    let report = import_file(&mut core, &example(), &ImportOptions::default()).unwrap();
    assert_eq!(report.summary.members_added, 10);
    assert_eq!(report.summary.teams_created, 1);
    let snap = core.snapshot();
    assert_eq!(
        level(snap, "Data Engineering", "Siobhán Murphy", "Data modelling"),
        Some(Level::Working)
    );
    assert_eq!(
        level(
            snap,
            "Data Engineering",
            "Rhys Evans",
            "Metadata management"
        ),
        Some(Level::None)
    );
    assert_eq!(
        level(snap, "Data Engineering", "Rhys Evans", "Data innovation"),
        None
    );
    assert_eq!(
        role(snap, "Data Engineering", "Zoë Adeyemi").as_deref(),
        Some("Data engineer")
    );
    let reference = export_all(&core, ExportFormat::Wide);

    for (file, encoding, delimiter) in [
        ("lo-semicolon-utf8.csv", "UTF-8", b';'),
        ("lo-windows-1252.csv", "Windows-1252", b','),
        ("lo-utf16-tab.txt", "UTF-16 LE", b'\t'),
    ] {
        let mut other = Core::open_in_memory().unwrap();
        let report = import(&mut other, file, ImportOptions::default()).unwrap();
        assert_eq!(report.read.encoding.to_string(), encoding, "{file}");
        assert_eq!(report.read.delimiter, delimiter, "{file}");
        assert_eq!(export_all(&other, ExportFormat::Wide), reference, "{file}");
    }
}

#[test]
fn line_endings_blank_rows_trailing_columns_and_sep_lines() {
    for file in [
        "utf8-lf.csv",
        "cr-only.csv",
        "blank-rows-trailing-columns.csv",
    ] {
        let mut core = Core::open_in_memory().unwrap();
        let report = import(&mut core, file, ImportOptions::default()).unwrap();
        assert_eq!(report.read.parsed.rows, 2, "{file}");
        let snap = core.snapshot();
        assert_eq!(
            level(snap, "Platform", "Ann Lee", "Testing"),
            Some(Level::Practitioner),
            "{file}"
        );
        assert_eq!(
            level(snap, "Platform", "Ann Lee", "Data innovation"),
            None,
            "{file}"
        );
        assert_eq!(
            level(snap, "Platform", "Bob Roy", "Data innovation"),
            Some(Level::Awareness),
            "{file}"
        );
        assert_eq!(
            role(snap, "Platform", "Bob Roy").as_deref(),
            Some("Lead data engineer"),
            "{file}"
        );
    }
    let mut core = Core::open_in_memory().unwrap();
    let report = import(&mut core, "sep-semicolon.csv", ImportOptions::default()).unwrap();
    assert_eq!(report.read.delimiter, b';');
    assert_eq!(
        level(core.snapshot(), "Platform", "Lee, Ann", "Testing"),
        Some(Level::Practitioner)
    );
}

#[test]
fn levels_as_numbers_or_names_in_any_case_columns_in_any_order() {
    let mut core = Core::open_in_memory().unwrap();
    import(
        &mut core,
        "numbers-any-case-subset.csv",
        ImportOptions::default(),
    )
    .unwrap();
    let snap = core.snapshot();
    assert_eq!(
        level(snap, "Platform", "Ann Lee", "Testing"),
        Some(Level::Practitioner)
    );
    assert_eq!(
        level(snap, "Platform", "Bob Roy", "Testing"),
        Some(Level::Expert)
    );
    assert_eq!(
        level(snap, "Platform", "Cy Dee", "Testing"),
        Some(Level::None)
    );
    assert_eq!(member(snap, "Platform", "Cy Dee").role_level, None);
}

#[test]
fn team_option_fills_empty_or_absent_team_cells() {
    let mut core = Core::open_in_memory().unwrap();
    let err = import(&mut core, "no-team-column.csv", ImportOptions::default()).unwrap_err();
    let Error::Import { problems, .. } = &err else {
        panic!("{err}")
    };
    assert!(problems.has(capmatrix::io::ProblemKind::NoTeam), "{err}");
    assert!(
        !err.to_string().contains("--team"),
        "no command-line wording: {err}"
    );
    import(
        &mut core,
        "no-team-column.csv",
        ImportOptions {
            team: Some("Analytics".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        level(core.snapshot(), "Analytics", "Bob Roy", "Testing"),
        Some(Level::Expert)
    );
    // --team fills only the empty cell; the filled one keeps its team.
    import(
        &mut core,
        "no-team.csv",
        ImportOptions {
            team: Some("Analytics".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        level(core.snapshot(), "Platform", "Ann", "Testing"),
        Some(Level::Working)
    );
    assert_eq!(
        level(core.snapshot(), "Analytics", "Bob", "Testing"),
        Some(Level::Expert)
    );
}

#[test]
fn the_long_format_with_dates_flags_notes_and_quoted_newlines() {
    let mut core = Core::open_in_memory().unwrap();
    let report = import(&mut core, "long.csv", ImportOptions::default()).unwrap();
    assert_eq!(report.read.parsed.format, capmatrix::io::FileFormat::Long);
    let snap = core.snapshot();
    let testing = snap.framework.skill_named("Testing").unwrap();
    let ann = member(snap, "Platform", "O'Neil, Ann");
    let r = &ann.ratings[&testing];
    assert_eq!(r.level, Level::Working);
    assert!(r.interested);
    assert_eq!(r.note, "Wrote the \"contract\" tests,\r\nthen taught them");
    assert_eq!(r.assessed_on.to_string(), "2026-03-01");
    let bob = member(snap, "Platform", "Bob Roy");
    let r = &bob.ratings[&testing];
    assert_eq!(r.assessed_on.to_string(), "2026-11-25");
    assert!(r.interested);
    // The formula guard is removed on import: the note is the text the person typed.
    assert_eq!(r.note, "=cmd|' /C calc'!A0");
    assert_eq!(
        role(snap, "Platform", "Bob Roy").as_deref(),
        Some("Lead data engineer")
    );
    assert_eq!(
        level(snap, "Platform", "Bob Roy", "Data innovation"),
        Some(Level::Working)
    );
    assert_eq!(
        level(snap, "Platform", "Cy Dee", "Data modelling"),
        Some(Level::Practitioner)
    );
    assert_eq!(report.summary.ratings_set, 5);
}

/// (fixture, line, column, words the message must contain)
const BAD: &[(&str, Option<usize>, Option<&str>, &str)] = &[
    (
        "bad-level.csv",
        Some(7),
        Some("Testing"),
        "\"Expertt\" is not a level (None, Awareness, Working, Practitioner, Expert, their letters A W P E, or 0-4)",
    ),
    (
        "unknown-skill.csv",
        Some(1),
        Some("Data modeling"),
        "did you mean \"Data modelling\"?",
    ),
    (
        "duplicate-column.csv",
        Some(1),
        Some("testing"),
        "appears twice (columns 3 and 5)",
    ),
    ("missing-member.csv", Some(1), None, "no Member column"),
    (
        "too-many-cells.csv",
        Some(3),
        None,
        "this row has 4 cells but the header has 3 columns",
    ),
    (
        "unknown-role-level.csv",
        Some(2),
        Some("Role level"),
        "\"Lead data enginer\" is not a role level (Data engineer levels are: Data engineer, Senior data engineer, Lead data engineer, Head of data engineering)",
    ),
    (
        "duplicate-member.csv",
        Some(4),
        Some("Member"),
        "\"ann lee\" appears twice in team \"platform\" (also on line 2)",
    ),
    (
        "unclosed-quote.csv",
        Some(3),
        None,
        "a quote opened here is never closed",
    ),
    ("empty.csv", None, None, "the file is empty"),
    ("blank-only.csv", None, None, "the file is empty"),
    ("not-text.bin", None, None, "the file is not text"),
    (
        "no-team.csv",
        Some(3),
        Some("Team"),
        "no team for this member: fill in the Team column or give a team for rows without one",
    ),
];

#[test]
fn every_bad_file_is_refused_with_line_column_and_wording_and_changes_nothing() {
    let mut core = populated();
    let before = state(&core);
    for &(file, line, column, words) in BAD {
        let err = import(&mut core, file, ImportOptions::default()).unwrap_err();
        let Error::Import { problems, path } = &err else {
            panic!("{file}: {err}")
        };
        assert_eq!(path, &fixture(file));
        let p = &problems.list[0];
        assert_eq!(p.line, line, "{file}: {p}");
        assert_eq!(p.column.as_deref(), column, "{file}: {p}");
        assert!(p.message.contains(words), "{file}: {p}");
        assert!(
            err.to_string().contains(file),
            "{file}: the message names the file"
        );
        assert_eq!(state(&core), before, "{file} changed the database");
    }
    // Dry runs of bad files fail the same way.
    let err = import(
        &mut core,
        "bad-level.csv",
        ImportOptions {
            dry_run: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("Expertt"));
}

#[test]
fn all_problems_are_listed_up_to_a_cap() {
    let mut core = populated();
    let before = state(&core);
    let err = import(&mut core, "many-problems.csv", ImportOptions::default()).unwrap_err();
    let Error::Import { problems, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(problems.list.len(), capmatrix::io::MAX_PROBLEMS);
    assert_eq!(problems.more, 50);
    assert_eq!(problems.list[99].line, Some(101));
    let text = err.to_string();
    assert!(text.contains("150 problems"), "{text}");
    assert!(text.ends_with("and 50 more"), "{text}");
    assert_eq!(state(&core), before);
}

#[test]
fn limits_on_file_size_rows_and_field_length() {
    let tmp = Tmp::new();
    let mut core = populated();
    let before = state(&core);
    // 64 MiB: a sparse file, refused before it is read.
    let big = tmp.path("big.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(64 * 1024 * 1024 + 1).unwrap();
    drop(f);
    let err = import_file(&mut core, &big, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the largest file capmatrix imports is 64 MiB"),
        "{err}"
    );
    // Rows: one more than 1,048,576.
    let rows = tmp.path("rows.csv");
    let mut text = String::from("Member,Team,Testing\n");
    for i in 0..1_048_576 {
        text.push_str(&format!("m{i},T,\n"));
    }
    std::fs::write(&rows, &text).unwrap();
    let err = import_file(&mut core, &rows, &ImportOptions::default()).unwrap_err();
    let Error::Import { problems, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(problems.list[0].line, Some(1_048_577));
    assert!(
        problems.list[0].message.contains("more than 1048576 rows"),
        "{err}"
    );
    // A field over 32,767 characters.
    let field = tmp.path("field.csv");
    std::fs::write(
        &field,
        format!("Member,Team,Testing\nAnn,{},Working\n", "x".repeat(32_768)),
    )
    .unwrap();
    let err = import_file(&mut core, &field, &ImportOptions::default()).unwrap_err();
    let Error::Import { problems, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(
        (problems.list[0].line, problems.list[0].column.as_deref()),
        (Some(2), Some("Team"))
    );
    assert!(problems.list[0].message.contains("at most 32767"), "{err}");
    assert_eq!(state(&core), before);
}

#[test]
fn merge_adds_and_updates_and_an_unchanged_level_adds_no_history() {
    let tmp = Tmp::new();
    let mut core = populated();
    let history_before = core.counts().unwrap().history;
    // Re-importing the same file changes nothing at all.
    let report = import_file(&mut core, &example(), &ImportOptions::default()).unwrap();
    assert!(report.summary.is_empty(), "{:?}", report.summary);
    assert_eq!(core.counts().unwrap().history, history_before);

    let file = tmp.path("update.csv");
    std::fs::write(
        &file,
        "Member,Team,Role level,Testing,Data modelling\n\
         Laura Chen,Data Engineering,Senior data engineer,Working,Practitioner\n\
         New Person,Data Engineering,,Awareness,\n\
         Rhys Evans,Data Engineering,,,\n",
    )
    .unwrap();
    let dry = import_file(
        &mut core,
        &file,
        &ImportOptions {
            dry_run: true,
            ..Default::default()
        },
    )
    .unwrap();
    let report = import_file(&mut core, &file, &ImportOptions::default()).unwrap();
    assert_eq!(
        dry.summary, report.summary,
        "a dry run reports what the import does"
    );
    let s = report.summary;
    assert_eq!(
        (s.members_added, s.members_updated, s.members_removed),
        (1, 1, 0)
    );
    // Laura: Testing unchanged (Working), Data modelling Working -> Practitioner; New: one set.
    assert_eq!(
        (s.ratings_set, s.ratings_changed, s.ratings_cleared),
        (1, 1, 0)
    );
    assert_eq!(core.counts().unwrap().history, history_before + 2);
    let snap = core.snapshot();
    assert_eq!(
        role(snap, "Data Engineering", "Laura Chen").as_deref(),
        Some("Senior data engineer")
    );
    // Empty cells in merge leave ratings alone.
    assert_eq!(
        level(snap, "Data Engineering", "Rhys Evans", "Testing"),
        Some(Level::Awareness)
    );
    assert_eq!(snap.member_count(), 11);
    // The whole import is one undo step.
    core.undo().unwrap();
    assert_eq!(core.snapshot().member_count(), 10);
    assert_eq!(
        level(
            core.snapshot(),
            "Data Engineering",
            "Laura Chen",
            "Data modelling"
        ),
        Some(Level::Working)
    );
}

#[test]
fn replace_makes_the_team_hold_exactly_the_file() {
    let tmp = Tmp::new();
    let mut core = populated();
    import(&mut core, "utf8-lf.csv", ImportOptions::default()).unwrap(); // team Platform
    let file = tmp.path("replace.csv");
    std::fs::write(
        &file,
        "Member,Team,Role level,Testing,Data modelling\n\
         Priya Shah,Data Engineering,Head of data engineering,Expert,\n\
         Laura Chen,Data Engineering,,Working,Working\n",
    )
    .unwrap();
    let before = state(&core);
    let dry = import_file(
        &mut core,
        &file,
        &ImportOptions {
            mode: Mode::Replace,
            dry_run: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(state(&core), before, "a dry run changes nothing");
    let report = import_file(
        &mut core,
        &file,
        &ImportOptions {
            mode: Mode::Replace,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(dry.summary, report.summary);
    let s = report.summary;
    assert_eq!(s.members_removed, 8);
    // Laura's role level cell is empty: replace clears it.
    assert_eq!(s.members_updated, 1);
    let snap = core.snapshot();
    let team = snap.team_named("Data Engineering").unwrap();
    assert_eq!(snap.team_members(team.id).len(), 2);
    let priya = member(snap, "Data Engineering", "Priya Shah");
    assert_eq!(
        priya.ratings.len(),
        1,
        "ratings not in the file are cleared"
    );
    assert_eq!(
        level(snap, "Data Engineering", "Priya Shah", "Testing"),
        Some(Level::Expert)
    );
    assert_eq!(
        member(snap, "Data Engineering", "Laura Chen").role_level,
        None
    );
    // Teams the file does not name are untouched.
    assert_eq!(
        snap.team_members(snap.team_named("Platform").unwrap().id)
            .len(),
        2
    );
}

#[test]
fn import_from_the_command_line_with_dry_run_and_exit_codes() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let out = capmatrix(&db, &["import", example().to_str().unwrap(), "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("dry run of "), "{text}");
    assert!(
        text.contains("wide (one row per member), UTF-8 with BOM, comma-separated, 10 rows"),
        "{text}"
    );
    assert!(text.contains("\nmembers added: 10\n"), "{text}");
    assert!(text.contains("\nratings set: 98\n"), "{text}");
    assert!(text.ends_with("nothing was changed (dry run)\n"));
    assert!(stdout(&capmatrix(&db, &["info"])).contains("members: 0\n"));

    let out = capmatrix(&db, &["import", example().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("imported "));
    assert!(stdout(&capmatrix(&db, &["info"])).contains("members: 10\n"));

    let bad = fixture("bad-level.csv");
    let out = capmatrix(&db, &["import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("line 7, column \"Testing\": \"Expertt\" is not a level"),
        "{}",
        stderr(&out)
    );
    let out = capmatrix(&db, &["import", "x.csv", "--mode", "overwrite"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_killed_import_leaves_the_database_exactly_as_before() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let tmp = Tmp::new();
    let db = tmp.db();
    assert!(
        capmatrix(&db, &["demo", "--members", "30"])
            .status
            .success()
    );
    let snapshot = || {
        (
            stdout(&capmatrix(&db, &["info"])),
            stdout(&capmatrix(&db, &["export", "-", "--format", "long"])),
        )
    };
    let mut before = snapshot();

    let skills = "Communicating between the technical and non-technical,Data analysis and synthesis,Data development process,Data innovation,Data integration design,Data modelling,Metadata management,Problem management,Programming and build (data engineering),Technical understanding,Testing";
    let mut killed_mid_import = false;
    for members in [20_000usize, 60_000, 150_000] {
        let file = tmp.path(&format!("big{members}.csv"));
        let mut text = format!("Member,Team,Role level,{skills}\n");
        for i in 0..members {
            text.push_str(&format!(
                "Person {i},Big Team {},Data engineer,Working,Awareness,Practitioner,Working,Expert,None,Working,Awareness,Working,Working,Practitioner\n",
                i % 7
            ));
        }
        std::fs::write(&file, text).unwrap();
        let wal = tmp.path("test.db-wal");
        let wal_size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        let start_wal = wal_size();
        let mut child = Command::new(env!("CARGO_BIN_EXE_capmatrix"))
            .arg("--db")
            .arg(&db)
            .arg("import")
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the import's transaction is writing pages, then kill it (SIGKILL).
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut writing = false;
        while Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if wal_size() > start_wal + 256 * 1024 {
                writing = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().unwrap_or(());
        let status = child.wait().unwrap();
        if writing && !status.success() {
            killed_mid_import = true;
            break;
        }
        // It finished too fast (or we were too slow): undo is not available across
        // processes, so restore by re-creating the database and try a bigger file.
        std::fs::remove_file(&db).unwrap();
        let _ = std::fs::remove_file(&wal);
        let _ = std::fs::remove_file(tmp.path("test.db-shm"));
        assert!(
            capmatrix(&db, &["demo", "--members", "30"])
                .status
                .success()
        );
        before = snapshot();
    }
    assert!(killed_mid_import, "never caught the import in the middle");
    let out = capmatrix(&db, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(snapshot(), before);
}

fn import_text(core: &mut Core, text: &str) -> capmatrix::Result<ImportReport> {
    capmatrix::transfer::import_bytes(
        core,
        text.as_bytes(),
        std::path::Path::new("typed.csv"),
        &ImportOptions::default(),
    )
}

#[test]
fn columns_that_are_not_skills_are_ignored_with_a_warning_and_near_misses_stay_errors() {
    let mut core = Core::open_in_memory().unwrap();
    let report = import_text(
        &mut core,
        "Member,Team,Email,Testing,Manager\nAnn Lee,Platform,ann@example.org,W,Bo\n",
    )
    .unwrap();
    assert_eq!(report.read.parsed.ignored_columns, ["Email", "Manager"]);
    assert_eq!(
        report.warnings(),
        ["ignored columns that are not a skill or a capmatrix column: \"Email\", \"Manager\""]
    );
    assert_eq!(
        level(core.snapshot(), "Platform", "Ann Lee", "Testing"),
        Some(Level::Working)
    );

    // A near miss is an error with a suggestion, reported with the rows' problems at once.
    let before = export_all(&core, ExportFormat::Long);
    let err = import_text(
        &mut core,
        "Member,Team,Testng,Data modelling\nAnn Lee,Platform,W,Expertt\nBob,Platform,X,Z\n",
    )
    .unwrap_err();
    let Error::Import { problems, .. } = &err else {
        panic!("{err}")
    };
    let text: Vec<String> = problems.list.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 3, "{text:#?}");
    assert!(text[0].starts_with("line 1, column \"Testng\": \"Testng\" is not a skill in the framework; did you mean \"Testing\"?"), "{}", text[0]);
    assert!(
        text[1].starts_with("line 2, column \"Data modelling\": \"Expertt\" is not a level"),
        "{}",
        text[1]
    );
    assert!(
        text[2].starts_with("line 3, column \"Data modelling\": \"Z\" is not a level"),
        "{}",
        text[2]
    );
    assert_eq!(export_all(&core, ExportFormat::Long), before);
}

#[test]
fn a_header_of_many_unknown_columns_stops_at_the_problem_limit() {
    let mut core = Core::open_in_memory().unwrap();
    let mut header = String::from("Member,Team");
    for i in 0..50_000 {
        header.push_str(&format!(",Column number {i}"));
    }
    let err = import_text(&mut core, &format!("{header}\nAnn,A\n")).unwrap_err();
    let Error::Import { problems, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(problems.total(), 1, "{err}");
    assert!(
        problems.list[0]
            .message
            .contains("more than 100 columns are not skills")
    );
}

#[test]
fn level_cells_take_the_letters_the_grid_shows() {
    let mut core = Core::open_in_memory().unwrap();
    import_text(
        &mut core,
        "Member,Team,Testing,Data modelling,Data innovation,Metadata management\nAnn,T,a,W,p,E\n",
    )
    .unwrap();
    let snap = core.snapshot();
    assert_eq!(level(snap, "T", "Ann", "Testing"), Some(Level::Awareness));
    assert_eq!(
        level(snap, "T", "Ann", "Data modelling"),
        Some(Level::Working)
    );
    assert_eq!(
        level(snap, "T", "Ann", "Data innovation"),
        Some(Level::Practitioner)
    );
    assert_eq!(
        level(snap, "T", "Ann", "Metadata management"),
        Some(Level::Expert)
    );
}

#[test]
fn names_are_one_name_whatever_the_unicode_form_and_invisible_characters_are_refused() {
    let mut core = Core::open_in_memory().unwrap();
    import_text(
        &mut core,
        "Member,Team,Testing\nJos\u{e9} Garc\u{ed}a,Data  Team,W\n",
    )
    .unwrap();
    // The same person typed with combining accents, extra spaces and another case.
    let report = import_text(
        &mut core,
        "Member,Team,Testing\n  jose\u{301}   garci\u{301}a ,data team,E\n",
    )
    .unwrap();
    assert_eq!(report.summary.members_added, 0);
    assert_eq!(report.summary.teams_created, 0);
    let snap = core.snapshot();
    assert_eq!(snap.member_count(), 1);
    assert_eq!(snap.teams().next().unwrap().name, "Data Team");
    assert_eq!(
        level(snap, "Data Team", "José García", "Testing"),
        Some(Level::Expert)
    );

    let err = import_text(&mut core, "Member,Team,Testing\nAnn\u{200B},Data Team,W\n").unwrap_err();
    let Error::Import { problems, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(problems.list[0].line, Some(2));
    assert_eq!(problems.list[0].column.as_deref(), Some("Member"));
    assert!(
        problems.list[0].message.contains("zero-width space"),
        "{err}"
    );
    assert_eq!(core.snapshot().member_count(), 1);
}

#[test]
fn a_file_that_is_utf8_but_for_a_few_bytes_is_refused_with_line_and_byte() {
    let mut core = populated();
    let before = state(&core);
    let err = capmatrix::transfer::import_bytes(
        &mut core,
        b"Member,Team,Testing\nJos\xC3\xA9,Data Engineering,W\nRen\xE9,Data Engineering,W\n",
        std::path::Path::new("mixed.csv"),
        &ImportOptions {
            mode: Mode::Replace,
            ..Default::default()
        },
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("line 3: byte 4 of the line (0xE9) is not UTF-8"),
        "{text}"
    );
    assert_eq!(state(&core), before);
}

#[test]
fn a_stray_quote_is_an_error_not_silently_dropped() {
    let mut core = Core::open_in_memory().unwrap();
    let err = import_text(&mut core, "Member,Team,Testing\nAnn,\"B\"junk,W\n").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("line 2, column \"Team\": a quoted cell goes on after its closing quote"),
        "{text}"
    );
    assert_eq!(core.snapshot().member_count(), 0);
}

#[test]
fn the_report_lists_changes_one_by_one() {
    let mut core = populated();
    let snap = core.snapshot();
    let team = snap.teams().next().unwrap().name.clone();
    let someone = snap.team_members(snap.teams().next().unwrap().id)[0]
        .name
        .clone();
    let report = capmatrix::transfer::import_bytes(
        &mut core,
        format!("Member,Team,Testing\n{someone},{team},Expert\nNew Person,{team},A\n").as_bytes(),
        std::path::Path::new("c.csv"),
        &ImportOptions {
            dry_run: true,
            ..Default::default()
        },
    )
    .unwrap();
    let lines: Vec<String> = report.changes.iter().map(ToString::to_string).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{someone} ({team}), Testing: "))
                && l.ends_with("-> Expert")),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&format!(
            "New Person ({team}), member: added as no role level"
        )),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&format!("New Person ({team}), Testing: Awareness")),
        "{lines:#?}"
    );
    assert_eq!(report.changes_total, lines.len());
}

#[test]
fn the_long_layout_ignores_unknown_columns_too_but_not_near_misses() {
    let mut core = Core::open_in_memory().unwrap();
    let report = import_text(
        &mut core,
        "Member,Team,Skill,Level,Email\nAnn,T,Testing,Working,ann@example.org\n",
    )
    .unwrap();
    assert_eq!(report.read.parsed.ignored_columns, ["Email"]);
    assert_eq!(
        level(core.snapshot(), "T", "Ann", "Testing"),
        Some(Level::Working)
    );
    let err = import_text(
        &mut core,
        "Member,Team,Skill,Level,Rated onn\nAnn,T,Testing,Expert,\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("did you mean \"Rated on\"?"), "{err}");
}

#[test]
fn the_header_may_sit_below_title_rows() {
    let mut core = Core::open_in_memory().unwrap();
    let report = import_text(
        &mut core,
        "Skills matrix - Platform team,,\n,,\nExported 25/11/2026,,\nMember,Team,Testing\nAnn Lee,Platform,W\nBob Roy,Platform,Expertt\n",
    )
    .unwrap_err();
    // Problems keep the file's own line numbers.
    let Error::Import { problems, .. } = &report else {
        panic!("{report}")
    };
    assert_eq!(problems.list[0].line, Some(6), "{report}");
    let report = import_text(
        &mut core,
        "Skills matrix - Platform team,,\n,,\nMember,Team,Testing\nAnn Lee,Platform,W\n",
    )
    .unwrap();
    assert_eq!(report.summary.members_added, 1);
    assert_eq!(report.read.parsed.rows, 1);
    assert_eq!(
        level(core.snapshot(), "Platform", "Ann Lee", "Testing"),
        Some(Level::Working)
    );
    // Beyond the first 20 rows a header is not looked for: the first row is the header.
    let mut text = String::from("Title\n");
    for i in 0..25 {
        text.push_str(&format!("note {i}\n"));
    }
    text.push_str("Member,Team,Testing\nAnn,P,W\n");
    let err = import_text(&mut core, &text).unwrap_err().to_string();
    assert!(err.contains("line 1: no Member column"), "{err}");
}

#[test]
fn a_header_broken_over_two_lines_in_its_cell_is_read_as_one_name() {
    // Excel's Alt+Enter in a header cell, and capmatrix's own workbook header.
    let mut core = Core::open_in_memory().unwrap();
    let text = "Member,Team,\"Role\nlevel\",\"Programming and build\n(data engineering)\",\"Data  modelling\"\r\nAnn,Platform,Data engineer,Working,Expert\r\n";
    let report = capmatrix::transfer::import_bytes(
        &mut core,
        text.as_bytes(),
        std::path::Path::new("alt-enter.csv"),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(report.summary.ratings_set, 2);
    let snap = core.snapshot();
    assert_eq!(
        level(
            snap,
            "Platform",
            "Ann",
            "Programming and build (data engineering)"
        ),
        Some(Level::Working)
    );
    assert_eq!(
        level(snap, "Platform", "Ann", "Data modelling"),
        Some(Level::Expert)
    );
    assert_eq!(
        role(snap, "Platform", "Ann").as_deref(),
        Some("Data engineer")
    );
}
