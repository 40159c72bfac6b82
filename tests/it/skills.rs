//! Skills of the lead's own (custom skills): added, renamed, retired and restored on the
//! command line and through the core; rated, exported, imported and analysed like the
//! framework's.

use super::{Tmp, capmatrix, stderr, stdout};
use capmatrix::core::{Action, Core};
use capmatrix::model::framework_edit::SkillText;
use capmatrix::model::{Level, Scope, analysis};

fn ok(db: &std::path::Path, args: &[&str]) -> String {
    let out = capmatrix(db, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn refused(db: &std::path::Path, args: &[&str]) -> String {
    let before = capmatrix(db, &["skills", "--all", "--format", "csv"]);
    let export_before = capmatrix(db, &["export", "-", "--format", "long"]);
    let out = capmatrix(db, args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stdout(&out));
    // Nothing changed.
    assert_eq!(
        stdout(&capmatrix(db, &["skills", "--all", "--format", "csv"])),
        stdout(&before)
    );
    assert_eq!(
        stdout(&capmatrix(db, &["export", "-", "--format", "long"])),
        stdout(&export_before)
    );
    stderr(&out)
}

const TEAM: &str = "Member,Team,Role level,Testing,Apache Spark\r\n\
                    Ann Lee,Platform,Lead data engineer,W,P\r\n\
                    Bob Roy,Platform,Data engineer,A,W\r\n";

#[test]
fn a_custom_skill_is_listed_rated_exported_and_imported_like_a_framework_skill() {
    let tmp = Tmp::new();
    let db = tmp.db();
    // Before the skill exists, its column of levels is refused (its ratings would be
    // lost), with the way to create it.
    let file = tmp.path("team.csv");
    std::fs::write(&file, TEAM).unwrap();
    let out = capmatrix(&db, &["import", file.to_str().unwrap(), "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("\"Apache Spark\" holds levels (\"P\" on line 2) but names no skill"),
        "{}",
        stderr(&out)
    );
    let said = ok(
        &db,
        &[
            "skills",
            "add",
            "Apache Spark",
            "--category",
            "Technology",
            "--description",
            "Distributed data processing with Spark",
        ],
    );
    assert_eq!(said, "\"Apache Spark\": added\n");
    let all = ok(&db, &["skills", "--all", "--format", "csv"]);
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines[0], "Skill,Category,Source");
    assert_eq!(lines.len(), 1 + 188 + 1, "{all}");
    assert_eq!(*lines.last().unwrap(), "Apache Spark,Technology,custom");
    assert!(lines.contains(&"Data modelling,,framework"));
    // Now the file's column is the skill's.
    let said = ok(&db, &["import", file.to_str().unwrap()]);
    assert!(said.contains("ratings set: 4"), "{said}");
    assert!(!said.contains("ignored"), "{said}");
    let wide = ok(&db, &["export", "-"]);
    let header = wide.lines().next().unwrap();
    assert!(header.ends_with(",Testing,Apache Spark"), "{header}");
    assert!(
        wide.contains("Ann Lee,Platform,Lead data engineer,"),
        "{wide}"
    );
    assert!(wide.contains(",Working,Practitioner"), "{wide}");
    let long = ok(&db, &["export", "-", "--format", "long"]);
    assert!(
        long.contains("Bob Roy,Platform,Data engineer,Apache Spark,Working"),
        "{long}"
    );
    // Rated from the command line like any skill.
    ok(&db, &["rate", "Bob Roy", "apache spark", "Expert"]);
    let wide = ok(&db, &["export", "-"]);
    assert!(wide.contains("Bob Roy,Platform,Data engineer,"), "{wide}");
    assert!(
        wide.lines().nth(2).unwrap().ends_with(",Awareness,Expert"),
        "{wide}"
    );
    // A picture and a workbook carry the column too.
    let svg = tmp.path("team.svg");
    ok(&db, &["export", svg.to_str().unwrap()]);
    assert!(
        std::fs::read_to_string(&svg)
            .unwrap()
            .contains("Apache Spark")
    );
    let xlsx = tmp.path("team.xlsx");
    ok(&db, &["export", xlsx.to_str().unwrap()]);
    let fresh = tmp.path("fresh.db");
    ok(&fresh, &["skills", "add", "Apache Spark"]);
    ok(&fresh, &["import", xlsx.to_str().unwrap()]);
    assert_eq!(ok(&fresh, &["export", "-"]), wide);
}

#[test]
fn a_custom_skill_cannot_take_a_framework_or_custom_skills_name() {
    let tmp = Tmp::new();
    let db = tmp.db();
    ok(&db, &["skills", "add", "dbt"]);
    // Ignoring case and accents.
    let err = refused(&db, &["skills", "add", "data MODÉLLING"]);
    assert!(
        err.contains("is the name of the framework skill \"Data modelling\""),
        "{err}"
    );
    let err = refused(&db, &["skills", "add", "DBT"]);
    assert!(
        err.contains("there is already a custom skill named \"dbt\""),
        "{err}"
    );
    let err = refused(&db, &["skills", "add", "  "]);
    assert!(err.contains("skill"), "{err}");
    let err = refused(&db, &["skills", "rename", "dbt", "Testing"]);
    assert!(err.contains("framework skill \"Testing\""), "{err}");
    // A framework skill's name comes from the framework.
    let err = refused(&db, &["skills", "rename", "Testing", "QA"]);
    assert!(err.contains("\"Testing\" is a framework skill"), "{err}");
    let err = refused(&db, &["skills", "retire", "No such skill"]);
    assert!(err.contains("no skill named \"No such skill\""), "{err}");
}

#[test]
fn renaming_keeps_ratings_and_retiring_hides_them_until_restored() {
    let tmp = Tmp::new();
    let db = tmp.db();
    ok(&db, &["skills", "add", "Kafka"]);
    let file = tmp.path("team.csv");
    std::fs::write(
        &file,
        "Member,Team,Role level,Testing,Kafka\r\nAnn Lee,Platform,Lead data engineer,W,P\r\n",
    )
    .unwrap();
    ok(&db, &["import", file.to_str().unwrap()]);
    ok(&db, &["rate", "Ann Lee", "Kafka", "Expert"]);
    assert_eq!(
        ok(&db, &["skills", "rename", "Kafka", "Apache Kafka"]),
        "\"Apache Kafka\": renamed from \"Kafka\"\n"
    );
    let wide = ok(&db, &["export", "-"]);
    assert!(
        wide.lines()
            .next()
            .unwrap()
            .ends_with(",Testing,Apache Kafka")
    );
    assert!(wide.lines().nth(1).unwrap().ends_with(",Working,Expert"));
    // The history follows the rename: two entries, both under the new name.
    let history = ok(&db, &["export", "-", "--format", "long", "--history"]);
    assert_eq!(history.matches(",Apache Kafka,").count(), 2, "{history}");
    assert!(!history.contains(",Kafka,"), "{history}");

    ok(&db, &["skills", "retire", "Apache Kafka"]);
    let wide = ok(&db, &["export", "-"]);
    assert!(!wide.contains("Kafka"), "{wide}");
    let gaps = ok(
        &db,
        &["gaps", "--team", "Platform", "--all", "--format", "csv"],
    );
    assert!(!gaps.contains("Kafka"), "{gaps}");
    let all = ok(&db, &["skills", "--all", "--format", "csv"]);
    assert!(all.ends_with("Apache Kafka,,custom (retired)\n"), "{all}");
    let err = refused(&db, &["rate", "Ann Lee", "Apache Kafka", "W"]);
    assert!(
        err.contains("\"Apache Kafka\" is retired; restore it first"),
        "{err}"
    );
    // A file made before it was retired still imports: its ratings are left out and the
    // summary says so, in either layout, the dry run included.
    let before = ok(&db, &["export", "-", "--format", "long"]);
    let wide = tmp.path("retired.csv");
    std::fs::write(
        &wide,
        "Member,Team,Testing,Apache Kafka\r\nAnn Lee,Platform,Practitioner,W\r\n",
    )
    .unwrap();
    let dry = ok(&db, &["import", wide.to_str().unwrap(), "--dry-run"]);
    let note = "warning: left out the ratings in retired skill: \"Apache Kafka\" (restore it to import them)";
    assert!(dry.contains(note), "{dry}");
    assert!(dry.contains("ratings changed: 1"), "{dry}");
    let said = ok(&db, &["import", wide.to_str().unwrap()]);
    assert!(said.contains(note), "{said}");
    assert_eq!(
        ok(&db, &["export", "-", "--format", "long"]),
        before.replace(",Testing,Working,", ",Testing,Practitioner,")
    );
    let long = tmp.path("retired-long.csv");
    std::fs::write(
        &long,
        "Member,Team,Skill,Level\r\nAnn Lee,Platform,apache kafka,W\r\n",
    )
    .unwrap();
    let said = ok(&db, &["import", long.to_str().unwrap()]);
    assert!(said.contains(note), "{said}");
    assert!(said.contains("ratings set: 0"), "{said}");
    // Restored, the rating is back as it was.
    ok(&db, &["skills", "restore", "Apache Kafka"]);
    let wide = ok(&db, &["export", "-"]);
    assert!(
        wide.lines()
            .nth(1)
            .unwrap()
            .ends_with(",Practitioner,Expert"),
        "{wide}"
    );
    // A framework skill can be retired too.
    ok(&db, &["skills", "retire", "Testing"]);
    let wide = ok(&db, &["export", "-"]);
    assert!(!wide.contains("Testing"), "{wide}");
    let info = ok(&db, &["info"]);
    assert!(info.contains("framework skills: 187\n"), "{info}");
    assert!(info.contains("custom skills: 1\n"), "{info}");
    assert!(info.contains("retired skills: 1\n"), "{info}");
    assert!(
        info.contains("framework: Digital and Data Profession Capability Framework 2025-11-26\n"),
        "{info}"
    );
}

#[test]
fn import_add_skills_creates_unknown_columns_and_lists_them() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let file = tmp.path("team.csv");
    std::fs::write(
        &file,
        "Member,Team,Role level,Testing,dbt,Airflow\r\n\
         Ann Lee,Platform,Lead data engineer,W,P,\r\n\
         Bob Roy,Platform,Data engineer,A,W,E\r\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let dry = ok(&db, &["import", f, "--add-skills", "--dry-run"]);
    assert!(
        dry.contains("custom skills to add: \"dbt\", \"Airflow\""),
        "{dry}"
    );
    assert!(dry.contains("ratings set: 5"), "{dry}");
    assert_eq!(
        ok(&db, &["skills", "--all", "--format", "csv"])
            .lines()
            .count(),
        189
    );
    let said = ok(&db, &["import", f, "--add-skills"]);
    assert!(
        said.contains("custom skills added: \"dbt\", \"Airflow\""),
        "{said}"
    );
    let all = ok(&db, &["skills", "--all", "--format", "csv"]);
    assert!(all.ends_with("Airflow,,custom\ndbt,,custom\n"), "{all}");
    let wide = ok(&db, &["export", "-"]);
    assert!(
        wide.lines()
            .next()
            .unwrap()
            .ends_with(",Testing,Airflow,dbt"),
        "{wide}"
    );
    assert!(
        wide.lines()
            .nth(2)
            .unwrap()
            .ends_with(",Awareness,Expert,Working"),
        "{wide}"
    );
    // A column that is not levels is refused with its cell, and no skill is created.
    let bad = tmp.path("bad.csv");
    std::fs::write(
        &bad,
        "Member,Team,Testing,Email\r\nCy Dee,Platform,W,cy@example.org\r\n",
    )
    .unwrap();
    let err = refused(&db, &["import", bad.to_str().unwrap(), "--add-skills"]);
    assert!(
        err.contains("columns created as custom skills must hold levels: \"Email\""),
        "{err}"
    );
    assert!(
        err.contains("line 2, column \"Email\": \"cy@example.org\" is not a level"),
        "{err}"
    );
    // One undo step takes the import and its skills away.
    let mut core = Core::open(&db).unwrap();
    capmatrix::transfer::import_bytes(
        &mut core,
        b"Member,Team,Kafka\nDee Eve,Data,P\n",
        std::path::Path::new("k.csv"),
        &capmatrix::transfer::ImportOptions {
            add_skills: capmatrix::transfer::AddSkills::AllUnknown,
            ..Default::default()
        },
    )
    .unwrap();
    let fw = &core.snapshot().framework;
    assert!(fw.skill_named("Kafka").is_some());
    core.undo().unwrap();
    assert!(core.snapshot().framework.skill_named("Kafka").is_none());
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
}

#[test]
fn a_custom_skill_with_a_required_level_and_a_team_target_is_analysed() {
    let mut core = Core::open_in_memory().unwrap();
    let team = core
        .apply(Action::CreateTeam {
            name: "Platform".into(),
        })
        .unwrap()
        .team
        .unwrap();
    let fw = core.snapshot().framework.clone();
    let lead = fw.role_level_named("Lead data engineer").unwrap();
    let ann = core
        .apply(Action::AddMember {
            team,
            name: "Ann Lee".into(),
            role_level: Some(lead),
            joined_on: None,
        })
        .unwrap()
        .member
        .unwrap();
    let spark = core
        .apply(Action::AddSkill {
            text: SkillText {
                category: Some("Technology".into()),
                ..SkillText::named("Spark")
            },
        })
        .unwrap()
        .skill
        .unwrap();
    // Not required and no target: not one of the team's skills.
    let a = analysis::analyse(core.snapshot(), Scope::Team(team));
    assert!(a.skills.iter().all(|c| c.skill != spark));
    // A team target makes it one, a gap until someone covers it.
    core.apply(Action::SetTarget {
        team,
        skill: spark,
        target: Some(capmatrix::model::Target {
            level: Level::Practitioner,
            count: 1,
        }),
    })
    .unwrap();
    let a = analysis::analyse(core.snapshot(), Scope::Team(team));
    let c = a.skills.iter().find(|c| c.skill == spark).unwrap();
    assert_eq!((c.covered, c.shortfall), (0, 1));
    core.apply(Action::SetRating {
        member: ann,
        skill: spark,
        level: Level::Expert,
        note: String::new(),
        interested: false,
        on: None,
    })
    .unwrap();
    let a = analysis::analyse(core.snapshot(), Scope::Team(team));
    let c = a.skills.iter().find(|c| c.skill == spark).unwrap();
    assert_eq!(
        (c.covered, c.shortfall, c.single_point_of_failure),
        (1, 0, true)
    );
    // A required level for her role level: she is measured against it.
    core.apply(Action::SetCustomRequirement {
        role_level: lead,
        skill: spark,
        level: Some(Level::Expert),
    })
    .unwrap();
    assert_eq!(
        core.snapshot().framework.required(lead, spark),
        Some(Level::Expert)
    );
    // Framework skills' requirements are not the lead's to change.
    let testing = fw.skill_named("Testing").unwrap();
    let err = core
        .apply(Action::SetCustomRequirement {
            role_level: lead,
            skill: testing,
            level: Some(Level::Expert),
        })
        .unwrap_err();
    assert!(err.to_string().contains("is a framework skill"), "{err}");
    // Everything is in the database as in memory, and undo takes it all back.
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
    while core.undo().unwrap() {}
    // Her rating was undone, but its history is kept (struck through): the skill it names
    // stays, retired, rather than leave history pointing nowhere.
    let after = &core.snapshot().framework;
    assert!(after.skill(spark).retired);
    assert_eq!(after.active_skills().count(), fw.skills.len());
    assert_eq!(after.required(lead, spark), None);
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
}

#[test]
fn a_custom_skills_requirements_stay_consistent_through_rename_and_retirement() {
    let mut core = Core::open_in_memory().unwrap();
    let fw = core.snapshot().framework.clone();
    let senior = fw.role_level_named("Senior data engineer").unwrap();
    let zeta = core
        .apply(Action::AddSkill {
            text: SkillText::named("Zeta tool"),
        })
        .unwrap()
        .skill
        .unwrap();
    let require = |skill, level| Action::SetCustomRequirement {
        role_level: senior,
        skill,
        level,
    };
    core.apply(require(zeta, Some(Level::Working))).unwrap();
    // Renamed to sort first: requirements stay in name order, as the database reads them.
    let mut text = SkillText::of(core.snapshot().framework.skill(zeta));
    text.name = "Alpha tool".into();
    core.apply(Action::EditSkill { skill: zeta, text }).unwrap();
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
    // Retired, its requirement is set aside and cannot be changed until it is restored.
    core.apply(Action::SetSkillRetired {
        skill: zeta,
        retired: true,
    })
    .unwrap();
    assert_eq!(core.snapshot().framework.required(senior, zeta), None);
    let err = core
        .apply(require(zeta, Some(Level::Expert)))
        .unwrap_err()
        .to_string();
    assert!(err.contains("is retired; restore it first"), "{err}");
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
    core.apply(Action::SetSkillRetired {
        skill: zeta,
        retired: false,
    })
    .unwrap();
    assert_eq!(
        core.snapshot().framework.required(senior, zeta),
        Some(Level::Working)
    );
    assert_eq!(*core.snapshot(), core.read_back().unwrap());
}

#[test]
fn two_columns_for_one_new_skill_are_refused() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let file = tmp.path("twice.csv");
    std::fs::write(&file, "Member,Team,Spark,spark\r\nAnn Lee,Platform,W,P\r\n").unwrap();
    let err = refused(&db, &["import", file.to_str().unwrap(), "--add-skills"]);
    assert!(
        err.contains("the columns \"Spark\" and \"spark\" would be the same new skill"),
        "{err}"
    );
}
