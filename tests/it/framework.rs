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
    let text = edited_framework(|doc| {
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
    });
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
