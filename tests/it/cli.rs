//! The command line, run as a separate process on temporary databases.

use super::{Tmp, capmatrix, stderr, stdout};
use std::process::Command;

#[test]
fn info_prints_path_version_and_counts_one_key_per_line() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let out = capmatrix(&db, &["info"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("database: {}", db.display()));
    let version = format!("schema version: {}", capmatrix::store::SCHEMA_VERSION);
    assert!(lines.contains(&version.as_str()));
    assert!(lines.contains(&"teams: 0"));
    assert!(lines.contains(&"members: 0"));
    assert!(lines.contains(&"ratings: 0"));
    assert!(lines.iter().all(|l| l.contains(": ")));

    let out = capmatrix(
        &db,
        &["demo", "--members", "20", "--teams", "2", "--seed", "9"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("added 2 teams, 20 members and "));
    let text = stdout(&capmatrix(&db, &["info"]));
    assert!(text.contains("teams: 2\n"), "{text}");
    assert!(text.contains("members: 20\n"), "{text}");
}

#[test]
fn the_database_comes_from_the_environment_or_the_platform_data_directory() {
    let tmp = Tmp::new();
    let via_env = tmp.path("env.db");
    let out = Command::new(env!("CARGO_BIN_EXE_capmatrix"))
        .arg("info")
        .env("CAPMATRIX_DB", &via_env)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(via_env.exists());

    // No --db, no CAPMATRIX_DB: the platform's data directory (XDG on Linux).
    let home = tmp.path("home");
    std::fs::create_dir(&home).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_capmatrix"))
        .arg("info")
        .env_remove("CAPMATRIX_DB")
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = home.join("data/capmatrix/capmatrix.db");
    assert!(expected.exists());
    assert!(stdout(&out).contains(&expected.display().to_string()));
}

#[test]
fn skills_lists_a_role_levels_requirements_as_text_and_csv() {
    let tmp = Tmp::new();
    let out = capmatrix(&tmp.db(), &["skills", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("Skill,Required level"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 11);
    assert!(rows.contains(&"Data modelling,Expert"));
    assert!(rows.contains(&"Testing,Working"));

    let out = capmatrix(
        &tmp.db(),
        &["skills", "--role-level", "head of data engineering"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("Head of data engineering (Data engineer)\n"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("Data modelling") && l.ends_with("Working")),
        "{text}"
    );

    // A role level whose requirements are not defined says so, never "NOT IN USE".
    let out = capmatrix(
        &tmp.db(),
        &[
            "skills",
            "--role-level",
            "Chief data officer",
            "--format",
            "csv",
        ],
    );
    let text = stdout(&out);
    assert!(text.contains(",not defined"), "{text}");
    assert!(!text.to_uppercase().contains("NOT IN USE"));
}

#[test]
fn errors_exit_1_with_one_line_naming_what_and_usage_errors_exit_2() {
    let tmp = Tmp::new();
    let out = capmatrix(&tmp.db(), &["skills", "--role-level", "Lead data enginer"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("capmatrix: no role level named \"Lead data enginer\""),
        "{err}"
    );
    assert!(
        err.contains("Lead data engineer, Head of data engineering"),
        "{err}"
    );

    let out = capmatrix(&tmp.db(), &["gaps", "--team", "Nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no team named \"Nope\"; there are no teams yet"));

    for args in [
        &["frobnicate"][..],
        &["skills", "--format", "xml"],
        &["demo", "--members", "many"],
    ] {
        let out = capmatrix(&tmp.db(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let out = capmatrix(&tmp.path("no/such/dir/x.db"), &["info"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no/such/dir/x.db"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gaps_as_text_csv_and_json() {
    let tmp = Tmp::new();
    let db = tmp.db();
    capmatrix(
        &db,
        &["demo", "--members", "24", "--teams", "3", "--seed", "7"],
    );
    let out = capmatrix(
        &db,
        &[
            "gaps",
            "--team",
            "data platform",
            "--format",
            "csv",
            "--all",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "Skill,Target level,Target count,Covered,Shortfall,Single point of failure,Best level,Held only by"
        )
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 11, "all 11 data engineer skills");
    let shortfalls: Vec<u32> = rows.iter().map(|r| r[4].parse().unwrap()).collect();
    assert!(
        shortfalls.windows(2).all(|w| w[0] >= w[1]),
        "worst first: {shortfalls:?}"
    );
    for r in &rows {
        let (count, covered, short): (u32, u32, u32) = (
            r[2].parse().unwrap(),
            r[3].parse().unwrap(),
            r[4].parse().unwrap(),
        );
        assert_eq!(short, count.saturating_sub(covered));
        assert_eq!(r[5], if covered == 1 { "yes" } else { "no" });
    }

    let out = capmatrix(
        &db,
        &["gaps", "--team", "Data Platform", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["team"], "Data Platform");
    assert_eq!(json["members"], 8);
    let skills = json["skills"].as_array().unwrap();
    // Without --all, JSON lists the gaps: exactly the CSV rows with a shortfall or a single
    // point of failure, in the same order, none left out and none added.
    let expected: Vec<&str> = rows
        .iter()
        .filter(|r| r[4] != "0" || r[5] == "yes")
        .map(|r| r[0].as_str())
        .collect();
    assert!(!expected.is_empty(), "the seed gives this team gaps");
    let listed: Vec<&str> = skills
        .iter()
        .map(|s| s["skill"].as_str().unwrap())
        .collect();
    assert_eq!(listed, expected);
    for s in skills {
        assert!(s["shortfall"].as_u64().unwrap() > 0 || s["single_point_of_failure"] == true);
        let covered_by = s["covered_by"].as_array().unwrap();
        assert_eq!(covered_by.len() as u64, s["covered"].as_u64().unwrap());
    }

    let out = capmatrix(&db, &["gaps", "--team", "Data Platform"]);
    let text = stdout(&out);
    assert!(text.starts_with("Data Platform: 8 members\n"), "{text}");
    // The text table has a line per gap, by skill name, worst first like the JSON.
    let positions: Vec<usize> = expected
        .iter()
        .map(|name| {
            text.find(&format!("\n{name} "))
                .unwrap_or_else(|| panic!("{name} missing: {text}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn demo_is_deterministic_for_a_seed() {
    let tmp = Tmp::new();
    let (a, b) = (tmp.path("a.db"), tmp.path("b.db"));
    for db in [&a, &b] {
        let out = capmatrix(db, &["demo", "--members", "50", "--seed", "77"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let export =
        |db: &std::path::PathBuf| stdout(&capmatrix(db, &["export", "-", "--format", "long"]));
    let gaps = |db| stdout(&capmatrix(db, &["gaps", "--format", "json", "--all"]));
    assert_eq!(gaps(&a), gaps(&b));
    // The rated-on dates differ (the time of the run): compare everything else.
    let strip = |text: String| -> Vec<String> {
        text.lines()
            .map(|l| {
                let cells: Vec<&str> = l.split(',').collect();
                format!(
                    "{}|{}",
                    cells[..5.min(cells.len())].join(","),
                    cells.get(6).unwrap_or(&"")
                )
            })
            .collect()
    };
    let (ea, eb) = (strip(export(&a)), strip(export(&b)));
    assert!(ea.len() > 50);
    assert_eq!(ea, eb);
    // Another seed gives other people and other ratings.
    let c = tmp.path("c.db");
    capmatrix(&c, &["demo", "--members", "50", "--seed", "78"]);
    assert_ne!(strip(export(&c)), ea);
    assert_ne!(gaps(&c), gaps(&a));
}

#[test]
fn check_and_backup() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let out = capmatrix(&db, &["demo", "--members", "10"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = capmatrix(&db, &["check"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("ok: "));

    let copy = tmp.path("copy.db");
    let out = capmatrix(&db, &["backup", copy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let info = |p| {
        stdout(&capmatrix(p, &["info"]))
            .lines()
            .filter(|l| !l.starts_with("database:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(info(&copy), info(&db));
    assert!(
        info(&copy).contains("members: 10\n"),
        "the copy holds the data"
    );
    // The copy holds the same matrix, cell by cell, not just the same counts.
    let export =
        |p: &std::path::PathBuf| stdout(&capmatrix(p, &["export", "-", "--format", "long"]));
    assert_eq!(export(&copy), export(&db));
    assert!(export(&copy).lines().count() > 10);
    let out = capmatrix(&copy, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = capmatrix(&db, &["backup", copy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"));
}

#[test]
fn without_a_display_the_app_says_so_in_one_line_and_points_to_the_command_line() {
    let tmp = Tmp::new();
    let out = Command::new(env!("CARGO_BIN_EXE_capmatrix"))
        .arg("--db")
        .arg(tmp.db())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no display"), "{err}");
    assert!(err.contains("capmatrix --help"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn gaps_of_an_empty_team_say_it_has_no_members() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let file = tmp.path("one.csv");
    std::fs::write(&file, "Member,Team,Testing\nAnn,Full,W\n").unwrap();
    assert_eq!(
        capmatrix(&db, &["import", file.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let out = capmatrix(&db, &["gaps", "--team", "Full"]);
    assert!(!stdout(&out).contains("No members yet"));
    // A team whose only member moved away is empty.
    let mut core = capmatrix::core::Core::open(&db).unwrap();
    let full = core.snapshot().team_named("Full").unwrap().id;
    let ann = core.snapshot().member_named(full, "Ann").unwrap().id;
    let other = core
        .apply(capmatrix::core::Action::CreateTeam {
            name: "Other".into(),
        })
        .unwrap()
        .team
        .unwrap();
    core.apply(capmatrix::core::Action::MoveMember {
        member: ann,
        team: other,
    })
    .unwrap();
    drop(core);
    let text = stdout(&capmatrix(&db, &["gaps", "--team", "Full"]));
    assert_eq!(text, "Full: 0 members\nNo members yet: nothing to cover.\n");
}
