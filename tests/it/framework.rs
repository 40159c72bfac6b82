//! The shipped framework data against the published source.

use capmatrix::model::{Framework, Level};
use capmatrix::store::Store;

/// Parses the required-level table of ../shared/ddat/README.md (a copy is kept in
/// tests/fixtures so the test runs on a fresh clone).
fn table(text: &str) -> Vec<(String, Vec<String>)> {
    text.lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| Skill |"))
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect();
            (cells[0].clone(), cells[1..].to_vec())
        })
        .collect()
}

fn check_table(text: &str) {
    let fw = Framework::ddat().unwrap();
    let rows = table(text);
    assert_eq!(rows.len(), 11, "the data engineer family has 11 skills");
    let levels = [
        "Data engineer",
        "Senior data engineer",
        "Lead data engineer",
        "Head of data engineering",
    ];
    let mut cells = 0;
    for (skill_name, required) in &rows {
        let skill = fw
            .skill_named(skill_name)
            .unwrap_or_else(|| panic!("{skill_name}"));
        for (level_name, expected) in levels.iter().zip(required) {
            let rl = fw.role_level_named(level_name).unwrap();
            let got = fw.required(rl, skill).map(|l| l.name().to_string());
            assert_eq!(
                got.as_deref(),
                Some(expected.as_str()),
                "{skill_name} / {level_name}"
            );
            cells += 1;
        }
    }
    assert_eq!(cells, 44);
    // And nothing more: each role level lists exactly these 11 skills.
    for level_name in levels {
        let rl = fw.role_level(fw.role_level_named(level_name).unwrap());
        assert_eq!(rl.requires.len(), 11, "{level_name}");
    }
}

#[test]
fn required_levels_match_the_published_table_cell_by_cell() {
    check_table(include_str!("../fixtures/ddat-required-levels.md"));
    // When the raw source is beside the project (as in development), check it too.
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/ddat/README.md");
    if let Ok(text) = std::fs::read_to_string(source) {
        check_table(&text);
    }
}

#[test]
fn the_database_holds_the_same_framework_as_the_binary() {
    let store = Store::open_in_memory().unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(*loaded.framework, Framework::ddat().unwrap());
}

#[test]
fn every_skill_level_descriptor_of_the_data_engineer_family_is_loaded_or_not_defined() {
    let fw = Framework::ddat().unwrap();
    let modelling = fw.skill(fw.skill_named("Data modelling").unwrap());
    assert!(
        modelling
            .description
            .as_deref()
            .unwrap()
            .starts_with("Data modelling involves")
    );
    assert_eq!(modelling.descriptor(Level::Awareness), None);
    let expert = modelling.descriptor(Level::Expert).unwrap();
    assert_eq!(
        expert[1],
        "work across government and industry, recognising opportunities for the reuse and alignment of data models in different organisations"
    );
    // "Technical understanding" is in the framework with no description at all (MISSING).
    let tu = fw.skill(fw.skill_named("Technical understanding").unwrap());
    assert_eq!(tu.description, None);
}

#[test]
fn framework_export_writes_the_databases_framework_in_the_shipped_format() {
    let tmp = super::Tmp::new();
    let db = tmp.db();
    let file = tmp.path("framework.json");
    let out = super::capmatrix(&db, &["framework", "export", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", super::stderr(&out));
    assert_eq!(
        super::stdout(&out),
        format!(
            "exported the framework (188 skills, 205 role levels) to {}\n",
            file.display()
        )
    );
    let text = std::fs::read_to_string(&file).unwrap();
    // Read back, it is the framework the database holds (the shipped DDaT one here).
    let back = capmatrix::model::Framework::from_json(&text).unwrap();
    assert_eq!(back, capmatrix::model::Framework::ddat().unwrap());
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["central_role"], "Data engineer");
    assert!(
        doc["licence"]
            .as_str()
            .unwrap()
            .contains("Open Government Licence")
    );
    // Standard output works too; the database itself is never a target.
    let out = super::capmatrix(&db, &["framework", "export", "-"]);
    assert_eq!(super::stdout(&out), text);
    let out = super::capmatrix(&db, &["framework", "export", db.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

/// The shipped framework as JSON, changed by `edit`.
fn edited_framework(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut doc: serde_json::Value =
        serde_json::from_str(&capmatrix::model::Framework::ddat().unwrap().to_json()).unwrap();
    edit(&mut doc);
    serde_json::to_string_pretty(&doc).unwrap()
}

/// A release of the framework with Testing renamed (said in "renamed"), Data innovation
/// removed, Streaming data added, a Data modelling descriptor changed and Lead data engineer's
/// Metadata management raised to Expert.
pub fn release() -> String {
    edited_framework(|doc| {
        doc["version"] = "2026-06-01".into();
        rename_skill(doc, "Testing", "Testing and quality assurance");
        doc["renamed"] = serde_json::json!({"Testing": "Testing and quality assurance"});
        // Data innovation goes: from the skills and from every role level.
        doc["skills"]
            .as_array_mut()
            .unwrap()
            .retain(|s| s["name"] != "Data innovation");
        for f in doc["families"].as_array_mut().unwrap() {
            for r in f["roles"].as_array_mut().unwrap() {
                for l in r["levels"].as_array_mut().unwrap() {
                    l["requires"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|q| q["skill"] != "Data innovation");
                    if l["name"] == "Lead data engineer" {
                        for q in l["requires"].as_array_mut().unwrap() {
                            if q["skill"] == "Metadata management" {
                                q["level"] = "Expert".into();
                            }
                        }
                    }
                }
            }
        }
        let skills = doc["skills"].as_array_mut().unwrap();
        for s in skills.iter_mut() {
            if s["name"] == "Data modelling" {
                s["descriptors"][0] = serde_json::json!(["know what a data model is"]);
            }
        }
        skills.push(serde_json::json!({
            "name": "Streaming data",
            "description": "Moving and processing data as it arrives.",
            "descriptors": [null, null, null, null]
        }));
    })
}

/// Renames a skill everywhere the file names it.
fn rename_skill(doc: &mut serde_json::Value, from: &str, to: &str) {
    for s in doc["skills"].as_array_mut().unwrap() {
        if s["name"] == from {
            s["name"] = to.into();
        }
    }
    for f in doc["families"].as_array_mut().unwrap() {
        for r in f["roles"].as_array_mut().unwrap() {
            for l in r["levels"].as_array_mut().unwrap() {
                for q in l["requires"].as_array_mut().unwrap() {
                    if q["skill"] == from {
                        q["skill"] = to.into();
                    }
                }
            }
        }
    }
}

#[test]
fn framework_diff_lists_renamed_removed_added_and_changed_with_ratings_affected() {
    let tmp = super::Tmp::new();
    let db = tmp.db();
    let team = tmp.path("team.csv");
    std::fs::write(
        &team,
        "Member,Team,Role level,Testing,Data innovation,Data modelling,Metadata management\r\n\
         Ann Lee,Platform,Lead data engineer,W,A,P,W\r\n\
         Bob Roy,Platform,Data engineer,A,W,,\r\n",
    )
    .unwrap();
    let out = super::capmatrix(&db, &["import", team.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", super::stderr(&out));
    let file = tmp.path("new.json");
    let text = release();
    std::fs::write(&file, text).unwrap();
    let out = super::capmatrix(&db, &["framework", "diff", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", super::stderr(&out));
    let said = super::stdout(&out);
    let lines: Vec<&str> = said.lines().collect();
    assert!(
        lines.contains(&"removed: Data innovation (2 ratings, kept as a retired skill)"),
        "{said}"
    );
    assert!(
        lines.contains(&"renamed: Testing -> Testing and quality assurance (2 ratings)"),
        "{said}"
    );
    assert!(lines.contains(&"added: Streaming data"), "{said}");
    assert!(
        lines.contains(&"descriptors changed: Data modelling"),
        "{said}"
    );
    assert!(
        lines.iter().any(|l| l
            .starts_with("required level changed: Lead data engineer in Metadata management: ")
            && l.ends_with(" -> Expert")),
        "{said}"
    );
    // The diff changes nothing.
    let after = super::capmatrix(&db, &["export", "-"]);
    assert!(super::stdout(&after).contains("Data innovation"));
    // Refusals: not a framework, a rename onto an existing skill.
    let bad = tmp.path("bad.json");
    std::fs::write(&bad, "{\"skills\": 3}").unwrap();
    let out = super::capmatrix(&db, &["framework", "diff", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        super::stderr(&out).contains("it is not a capmatrix framework file"),
        "{}",
        super::stderr(&out)
    );
    let clash = tmp.path("clash.json");
    std::fs::write(
        &clash,
        edited_framework(|doc| {
            doc["renamed"] = serde_json::json!({"Testing": "Data modelling"});
        }),
    )
    .unwrap();
    let out = super::capmatrix(&db, &["framework", "diff", clash.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        super::stderr(&out).contains(
            "renames \"Testing\" to \"Data modelling\", a skill this database already has"
        ),
        "{}",
        super::stderr(&out)
    );
    // The same framework: no changes.
    let same = tmp.path("same.json");
    std::fs::write(&same, edited_framework(|_| {})).unwrap();
    let out = super::capmatrix(&db, &["framework", "diff", same.to_str().unwrap()]);
    assert_eq!(
        super::stdout(&out),
        "no changes: the file's framework is the database's\n"
    );
}

/// A database with ratings (and history) on every skill the release changes, a team target
/// on the renamed one and a custom skill.
fn rated_database(tmp: &super::Tmp) -> std::path::PathBuf {
    let db = tmp.db();
    let team = tmp.path("team.csv");
    std::fs::write(
        &team,
        "Member,Team,Role level,Testing,Data innovation,Data modelling,Metadata management,Spark\r\n\
         Ann Lee,Platform,Lead data engineer,W,A,P,W,E\r\n\
         Bob Roy,Platform,Data engineer,A,W,W,,\r\n",
    )
    .unwrap();
    let out = super::capmatrix(&db, &["skills", "add", "Spark", "--category", "Technology"]);
    assert_eq!(out.status.code(), Some(0), "{}", super::stderr(&out));
    let out = super::capmatrix(&db, &["import", team.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", super::stderr(&out));
    let out = super::capmatrix(&db, &["rate", "Ann Lee", "Testing", "Practitioner"]);
    assert_eq!(out.status.code(), Some(0), "{}", super::stderr(&out));
    let mut core = capmatrix::core::Core::open(&db).unwrap();
    let s = core.snapshot();
    let (team, testing) = (
        s.team_named("Platform").unwrap().id,
        s.framework.skill_named("Testing").unwrap(),
    );
    core.apply(capmatrix::core::Action::SetTarget {
        team,
        skill: testing,
        target: Some(capmatrix::model::Target {
            level: Level::Expert,
            count: 1,
        }),
    })
    .unwrap();
    db
}

/// A CSV text without one column (found by its header).
fn drop_column(csv: &str, name: &str) -> String {
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == name).unwrap();
    csv.split_inclusive("\r\n")
        .map(|line| {
            let mut cells: Vec<&str> = line.trim_end_matches("\r\n").split(',').collect();
            cells.remove(i);
            cells.join(",") + "\r\n"
        })
        .collect()
}

fn run(db: &std::path::Path, args: &[&str]) -> String {
    let out = super::capmatrix(db, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        super::stderr(&out)
    );
    super::stdout(&out)
}

fn backups(tmp: &super::Tmp) -> Vec<String> {
    std::fs::read_dir(tmp.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("framework-update-backup"))
        .collect()
}

#[test]
fn framework_update_keeps_renamed_ratings_retires_removed_skills_and_moves_targets() {
    let tmp = super::Tmp::new();
    let db = rated_database(&tmp);
    let file = tmp.path("release.json");
    std::fs::write(&file, release()).unwrap();
    let f = file.to_str().unwrap();
    let before = run(&db, &["export", "-"]);
    let history_before = run(&db, &["export", "-", "--format", "long", "--history"]);
    // A dry run lists the changes and changes nothing.
    let dry = run(&db, &["framework", "update", f, "--dry-run"]);
    assert!(
        dry.contains("removed: Data innovation (2 ratings, kept as a retired skill)"),
        "{dry}"
    );
    assert!(
        dry.contains("renamed: Testing -> Testing and quality assurance (2 ratings)"),
        "{dry}"
    );
    assert!(dry.ends_with("dry run: nothing changed\n"), "{dry}");
    assert_eq!(run(&db, &["export", "-"]), before);
    assert!(backups(&tmp).is_empty());

    let said = run(&db, &["framework", "update", f]);
    assert!(said.contains("added: Streaming data"), "{said}");
    assert!(
        said.ends_with("updated to Digital and Data Profession Capability Framework 2026-06-01\n"),
        "{said}"
    );
    let backup = backups(&tmp);
    assert_eq!(backup.len(), 1, "{said}");
    assert!(said.contains(&backup[0]), "{said}");
    // The backup is the database as it was.
    let old = tmp.path(&backup[0]);
    assert_eq!(run(&old, &["export", "-"]), before);

    // The renamed skill keeps its ratings and its history; the removed one is hidden.
    let after = run(&db, &["export", "-"]);
    assert_eq!(
        after,
        drop_column(&before, "Data innovation")
            .replace(",Testing,", ",Testing and quality assurance,"),
        "{before}\n{after}"
    );
    assert!(after.contains(
        "Ann Lee,Platform,Lead data engineer,,,,,Practitioner,Working,,,,Practitioner,Expert"
    ));
    let history = run(&db, &["export", "-", "--format", "long", "--history"]);
    assert_eq!(
        history.matches(",Testing and quality assurance,").count(),
        history_before.matches(",Testing,").count()
    );
    assert_eq!(
        history.matches(",Testing and quality assurance,").count(),
        3
    );
    let all = run(&db, &["skills", "--all", "--format", "csv"]);
    assert!(
        all.contains("\nTesting and quality assurance,,framework\n"),
        "{all}"
    );
    assert!(all.contains("\nStreaming data,,framework\n"), "{all}");
    assert!(all.contains("\nSpark,Technology,custom\n"), "{all}");
    assert!(
        all.ends_with("\nData innovation,,framework (retired)\n"),
        "{all}"
    );
    assert!(!all.contains("\nTesting,"), "{all}");

    // Targets: the team's own target followed the rename; the default target of Metadata
    // management follows Lead data engineer's new requirement.
    let gaps = run(
        &db,
        &["gaps", "--team", "Platform", "--all", "--format", "csv"],
    );
    assert!(
        gaps.contains("\nTesting and quality assurance,Expert,1,0,1,"),
        "{gaps}"
    );
    assert!(
        gaps.contains("\nMetadata management,Expert,2,0,2,"),
        "{gaps}"
    );
    assert!(!gaps.contains("Data innovation"), "{gaps}");

    let info = run(&db, &["info"]);
    assert!(
        info.contains("framework: Digital and Data Profession Capability Framework 2026-06-01\n"),
        "{info}"
    );
    assert!(info.contains("retired skills: 1\n"), "{info}");
    // The same file again changes nothing; the retired skill comes back with its ratings.
    assert_eq!(
        run(&db, &["framework", "diff", f]),
        "no changes: the file's framework is the database's\n"
    );
    run(&db, &["skills", "restore", "Data innovation"]);
    let restored = run(&db, &["export", "-", "--format", "long"]);
    assert_eq!(
        restored.matches(",Data innovation,").count(),
        2,
        "{restored}"
    );
}

#[test]
fn framework_update_is_one_undo_step_in_the_window() {
    let tmp = super::Tmp::new();
    let db = rated_database(&tmp);
    let file = tmp.path("release.json");
    std::fs::write(&file, release()).unwrap();
    let before = run(&db, &["export", "-"]);
    let mut core = capmatrix::core::Core::open(&db).unwrap();
    let old = core.snapshot().framework.clone();
    let (new, renamed) = capmatrix::transfer::read_framework_file(&file).unwrap();
    let update =
        capmatrix::transfer::plan_framework_update(core.snapshot(), &new, &renamed, &file).unwrap();
    capmatrix::transfer::apply_framework_update(&mut core, update).unwrap();
    assert_eq!(core.undo_label(), Some("framework update"));
    assert!(core.snapshot().framework.skill_named("Testing").is_none());
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
    core.undo().unwrap();
    // Back exactly as it was: the skill the update added, never used, is gone.
    assert_eq!(*core.snapshot().framework, *old);
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
    drop(core);
    assert_eq!(run(&db, &["export", "-"]), before);
    // Redo applies it again.
    let mut core = capmatrix::core::Core::open(&db).unwrap();
    let (new, renamed) = capmatrix::transfer::read_framework_file(&file).unwrap();
    let update =
        capmatrix::transfer::plan_framework_update(core.snapshot(), &new, &renamed, &file).unwrap();
    capmatrix::transfer::apply_framework_update(&mut core, update).unwrap();
    core.undo().unwrap();
    core.redo().unwrap();
    let fw = &core.snapshot().framework;
    assert!(!fw.skill(fw.skill_named("Streaming data").unwrap()).retired);
    assert!(fw.skill_named("Testing and quality assurance").is_some());
    // Once someone is rated in the added skill, undo keeps it (retired): their history
    // names it.
    let streaming = fw.skill_named("Streaming data").unwrap();
    let ann = core.snapshot().all_members()[0].id;
    core.apply(capmatrix::core::Action::SetRating {
        member: ann,
        skill: streaming,
        level: Level::Working,
        note: String::new(),
        interested: false,
        on: None,
    })
    .unwrap();
    core.undo().unwrap();
    core.undo().unwrap();
    let fw = &core.snapshot().framework;
    assert!(fw.skill(streaming).retired);
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
    // Applying the release again leaves it retired (undoing was a choice), and says so.
    let update =
        capmatrix::transfer::plan_framework_update(core.snapshot(), &new, &renamed, &file).unwrap();
    assert_eq!(update.diff.still_retired, ["Streaming data"]);
    assert!(update.diff.added.is_empty(), "{:?}", update.diff);
}

#[test]
fn framework_update_refuses_bad_files_and_changes_nothing() {
    let tmp = super::Tmp::new();
    let db = rated_database(&tmp);
    let before = run(&db, &["export", "-", "--format", "long"]);
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "not.json",
            "{\"teams\": []}".to_string(),
            "it is not a capmatrix framework file",
        ),
        (
            "twice.json",
            edited_framework(|doc| {
                let first = doc["skills"][0].clone();
                doc["skills"].as_array_mut().unwrap().push(first);
            }),
            "skill \"Accessibility\" appears twice",
        ),
        (
            "level.json",
            edited_framework(|doc| {
                doc["families"][0]["roles"][0]["levels"][0]["requires"][0]["level"] =
                    "Master".into();
            }),
            "\"Master\" is not a level",
        ),
        (
            "clash.json",
            edited_framework(|doc| {
                doc["renamed"] = serde_json::json!({"Testing": "Data modelling"});
            }),
            "a skill this database already has",
        ),
        (
            "custom.json",
            edited_framework(|doc| {
                doc["skills"].as_array_mut().unwrap().push(serde_json::json!({
                    "name": "SPARK", "description": null, "descriptors": [null, null, null, null]
                }));
            }),
            "the name of a custom skill in this database",
        ),
    ];
    for (name, text, expected) in cases {
        let file = tmp.path(name);
        std::fs::write(&file, text).unwrap();
        let out = super::capmatrix(&db, &["framework", "update", file.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: {}",
            super::stdout(&out)
        );
        let err = super::stderr(&out);
        assert!(err.contains(expected), "{name}: {err}");
        assert!(
            err.contains(name),
            "{name}: the message names the file: {err}"
        );
        assert_eq!(
            run(&db, &["export", "-", "--format", "long"]),
            before,
            "{name}"
        );
        assert!(backups(&tmp).is_empty(), "{name}");
    }
}

#[test]
fn framework_update_keeps_a_skill_the_lead_retired_and_applies_a_new_version_alone() {
    let tmp = super::Tmp::new();
    let db = rated_database(&tmp);
    run(&db, &["skills", "retire", "Data modelling"]);
    // The shipped framework (which lists Data modelling) with only a new version.
    let file = tmp.path("same.json");
    std::fs::write(
        &file,
        edited_framework(|doc| doc["version"] = "2026-07-01".into()),
    )
    .unwrap();
    let said = run(&db, &["framework", "update", file.to_str().unwrap()]);
    assert!(
        said.contains("version: 2025-11-26 -> 2026-07-01\n"),
        "{said}"
    );
    assert!(
        said.contains("still retired: Data modelling (retired here; its text follows the file)"),
        "{said}"
    );
    assert!(run(&db, &["info"]).contains("2026-07-01"));
    // Still retired, still holding its ratings for when it is restored.
    let all = run(&db, &["skills", "--all", "--format", "csv"]);
    assert!(
        all.contains("\nData modelling,,framework (retired)\n"),
        "{all}"
    );
    run(&db, &["skills", "restore", "Data modelling"]);
    let long = run(&db, &["export", "-", "--format", "long"]);
    assert_eq!(long.matches(",Data modelling,").count(), 2, "{long}");
    let core = capmatrix::core::Core::open(&db).unwrap();
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
}

#[test]
fn a_rename_onto_a_custom_skills_name_is_refused_ignoring_accents() {
    let tmp = super::Tmp::new();
    let db = tmp.db();
    run(&db, &["skills", "add", "Kubernétes"]);
    let file = tmp.path("k.json");
    std::fs::write(
        &file,
        edited_framework(|doc| {
            rename_skill(doc, "Accessibility", "Kubernetes");
            doc["renamed"] = serde_json::json!({"Accessibility": "Kubernetes"});
        }),
    )
    .unwrap();
    let out = super::capmatrix(&db, &["framework", "update", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        super::stderr(&out).contains("a skill this database already has"),
        "{}",
        super::stderr(&out)
    );
    assert!(backups(&tmp).is_empty());
}
