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
