//! Assessment packs: one workbook per person, filled outside capmatrix (here by a writer
//! that copies the pack and types the answers), imported back as their own ratings.

use super::{Tmp, capmatrix, stderr, stdout};
use calamine::{Data, Reader, open_workbook_auto};
use std::path::{Path, PathBuf};

fn ok(db: &Path, args: &[&str]) -> String {
    let out = capmatrix(db, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn fails(db: &Path, args: &[&str]) -> String {
    let out = capmatrix(db, args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stdout(&out));
    stderr(&out)
}

/// A database with the sample team.
fn sample_db(tmp: &Tmp) -> PathBuf {
    let db = tmp.db();
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/examples/data-engineering-team.csv");
    ok(&db, &["import", sample.to_str().unwrap()]);
    db
}

/// Every cell of a sheet as text, by (row, column), 0-based.
fn cells(path: &Path, sheet: &str) -> Vec<(u32, u32, String)> {
    let mut book = open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut out = Vec::new();
    for (i, row) in range.rows().enumerate() {
        for (j, v) in row.iter().enumerate() {
            let text = match v {
                Data::Empty => continue,
                Data::Float(f) => format!("{}", *f as i64),
                Data::Int(n) => n.to_string(),
                other => other.to_string(),
            };
            out.push((top + i as u32, left + j as u32, text));
        }
    }
    out
}

/// Copies a pack to `to`, typing `answers` (0-based Assessment row, level, interested,
/// evidence) into its input cells, as a person filling it in would.
pub fn fill(pack: &Path, to: &Path, answers: &[(u32, &str, &str, &str)]) {
    let assessment = cells(pack, "Assessment");
    let id = cells(pack, "capmatrix");
    let header = assessment
        .iter()
        .find(|(_, _, t)| t == "Your level")
        .map(|(_, c, _)| *c)
        .expect("a Your level column");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Assessment").unwrap();
    for (r, c, t) in &assessment {
        ws.write_string(*r, *c as u16, t).unwrap();
    }
    for (r, level, interested, evidence) in answers {
        ws.write_string(*r, header as u16, *level).unwrap();
        ws.write_string(*r, header as u16 + 1, *interested).unwrap();
        ws.write_string(*r, header as u16 + 2, *evidence).unwrap();
    }
    let hidden = book.add_worksheet();
    hidden.set_name("capmatrix").unwrap();
    hidden.set_hidden(true);
    for (r, c, t) in &id {
        hidden.write_string(*r, *c as u16, t).unwrap();
    }
    book.save(to).unwrap();
}

/// The first skill row of a pack (0-based) and its skill's name.
pub fn first_skill(pack: &Path) -> (u32, String) {
    let a = cells(pack, "Assessment");
    let header = a.iter().find(|(_, _, t)| t == "Skill").unwrap().0;
    let name = a
        .iter()
        .find(|(r, c, _)| *r == header + 1 && *c == 0)
        .unwrap()
        .2
        .clone();
    (header + 1, name)
}

#[test]
fn packs_are_written_filled_elsewhere_and_imported_as_own_ratings() {
    let tmp = Tmp::new();
    let db = sample_db(&tmp);
    let dir = tmp.path("packs");
    let out = ok(
        &db,
        &[
            "pack",
            "--team",
            "Data Engineering",
            "--out",
            dir.to_str().unwrap(),
        ],
    );
    assert!(out.starts_with("wrote 10 assessment packs to "), "{out}");
    let tom = dir.join("Tom Fletcher self-assessment.xlsx");
    assert!(tom.exists());
    // What Tom sees: his name and role, instructions, the descriptors, the expected level.
    let a = cells(&tom, "Assessment");
    let text: Vec<&str> = a.iter().map(|(_, _, t)| t.as_str()).collect();
    assert!(text.contains(&"Skills self-assessment: Tom Fletcher"));
    assert!(
        text.iter()
            .any(|t| t.starts_with("Role level: Senior data engineer. Team: Data Engineering."))
    );
    assert!(
        text.iter()
            .any(|t| t.contains("Only the yellow cells can be changed"))
    );
    assert!(text.contains(&"Expected for your role"));
    assert!(text.iter().any(|t| t.contains("Open Government Licence")));
    // Packs never replace a file.
    let again = capmatrix(
        &db,
        &[
            "pack",
            "--team",
            "Data Engineering",
            "--out",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("packs never replace a file; choose an empty folder: "),
        "{}",
        stderr(&again)
    );

    // Tom fills his pack in, and renames it.
    let (row, skill) = first_skill(&tom);
    let filled = tmp.path("from tom.xlsx");
    fill(
        &tom,
        &filled,
        &[
            (row, "Expert", "Yes", "Led the platform's data model"),
            (row + 1, "W", "No", ""),
        ],
    );
    let lead_before = ok(&db, &["export", "-", "--format", "long"]);
    let out = ok(&db, &["import", filled.to_str().unwrap()]);
    assert!(
        out.starts_with("Tom Fletcher (Data Engineering): 2 skills filled, "),
        "{out}"
    );
    let own = ok(
        &db,
        &["export", "-", "--format", "long", "--source", "self"],
    );
    assert!(
        own.contains(&format!(
            "Tom Fletcher,Data Engineering,Senior data engineer,{skill},Expert,"
        )),
        "{own}"
    );
    assert!(own.contains("yes,Led the platform's data model"), "{own}");
    // The lead's ratings (and so the gaps) are untouched.
    assert_eq!(ok(&db, &["export", "-", "--format", "long"]), lead_before);
}

#[test]
fn two_packs_for_one_person_a_lying_pack_and_a_reused_id_are_refused() {
    let tmp = Tmp::new();
    let db = sample_db(&tmp);
    let dir = tmp.path("packs");
    ok(&db, &["pack", "--out", dir.to_str().unwrap()]);
    let tom = dir.join("Tom Fletcher self-assessment.xlsx");
    let (row, _) = first_skill(&tom);
    let a = tmp.path("a.xlsx");
    let b = tmp.path("b.xlsx");
    fill(&tom, &a, &[(row, "Expert", "", "")]);
    fill(&tom, &b, &[(row, "Working", "", "")]);
    let err = fails(&db, &["import", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert!(err.contains("a second pack for Tom Fletcher"), "{err}");
    // A pack whose identifying sheet points a skill at another skill's row.
    let assessment = cells(&tom, "Assessment");
    let mut id = cells(&tom, "capmatrix");
    let first = id
        .iter()
        .position(|(_, c, t)| *c == 0 && t == "skill")
        .unwrap();
    let line = id
        .iter()
        .find(|(r, c, _)| *r == id[first].0 && *c == 2)
        .unwrap()
        .2
        .clone();
    let first_row = id[first].0;
    for cell in id.iter_mut() {
        if cell.0 == first_row && cell.1 == 2 {
            cell.2 = (line.parse::<u32>().unwrap() + 1).to_string();
        }
    }
    let liar = tmp.path("liar.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Assessment").unwrap();
    for (r, c, t) in &assessment {
        ws.write_string(*r, *c as u16, t).unwrap();
    }
    let hidden = book.add_worksheet();
    hidden.set_name("capmatrix").unwrap();
    for (r, c, t) in &id {
        hidden.write_string(*r, *c as u16, t).unwrap();
    }
    book.save(&liar).unwrap();
    let err = fails(&db, &["import", liar.to_str().unwrap()]);
    assert!(err.contains("does not name it"), "{err}");
    // Tom is deleted for good; his id goes to someone new: his pack is not theirs.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let id: i64 = conn
        .query_row(
            "SELECT id FROM member WHERE name = 'Tom Fletcher'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute("DELETE FROM member WHERE id = ?1", [id])
        .unwrap();
    conn.execute(
        "INSERT INTO member (id, team_id, name) SELECT ?1, id, 'Nadia Rahman' FROM team",
        [id],
    )
    .unwrap();
    drop(conn);
    let err = fails(&db, &["import", a.to_str().unwrap()]);
    assert!(err.contains("the id now belongs to Nadia Rahman"), "{err}");
}

#[test]
fn a_bad_pack_is_refused_naming_the_cell_and_nothing_of_the_others_is_imported() {
    let tmp = Tmp::new();
    let db = sample_db(&tmp);
    let dir = tmp.path("packs");
    ok(
        &db,
        &["pack", "--out", dir.to_str().unwrap(), "--hide-expected"],
    );
    let tom = dir.join("Tom Fletcher self-assessment.xlsx");
    let priya = dir.join("Priya Shah self-assessment.xlsx");
    let hidden: Vec<String> = cells(&tom, "Assessment").into_iter().map(|c| c.2).collect();
    assert!(!hidden.contains(&"Expected for your role".to_string()));
    let back = tmp.path("back");
    std::fs::create_dir(&back).unwrap();
    let (row, _) = first_skill(&tom);
    fill(
        &tom,
        &back.join("tom.xlsx"),
        &[(row, "Experrt", "maybe", "")],
    );
    let (row, _) = first_skill(&priya);
    fill(&priya, &back.join("priya.xlsx"), &[(row, "Expert", "", "")]);
    let before = ok(
        &db,
        &["export", "-", "--format", "long", "--source", "both"],
    );
    let err = fails(&db, &["import", back.to_str().unwrap()]);
    assert!(
        err.contains("1 of 2 assessment packs refused, so none was imported"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "Assessment!G{}: \"Experrt\" is not a level",
            row + 1
        )),
        "{err}"
    );
    // Every problem of the row at once.
    assert!(
        err.contains(&format!(
            "Assessment!H{}: \"maybe\" is not yes or no (Yes/No, Y/N, True/False, 1/0",
            row + 1
        )),
        "{err}"
    );
    assert_eq!(
        ok(
            &db,
            &["export", "-", "--format", "long", "--source", "both"]
        ),
        before
    );
    // A pack from another database is refused too.
    let other = tmp.path("other.db");
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/examples/data-engineering-team.csv");
    ok(&other, &["import", sample.to_str().unwrap()]);
    let err = fails(
        &other,
        &["import", back.join("priya.xlsx").to_str().unwrap()],
    );
    assert!(
        err.contains("it was made from another capmatrix database"),
        "{err}"
    );
    // Fixed, the folder imports: both packs, in one step.
    fill(&tom, &back.join("tom.xlsx"), &[(row, "Expert", "Yes", "")]);
    let out = ok(&db, &["import", back.to_str().unwrap(), "--dry-run"]);
    assert!(out.contains("would import 2 ratings from 2 packs"), "{out}");
    let out = ok(
        &db,
        &[
            "import",
            back.join("priya.xlsx").to_str().unwrap(),
            back.join("tom.xlsx").to_str().unwrap(),
        ],
    );
    assert!(out.contains("imported 2 ratings from 2 packs"), "{out}");
}

/// The id of the database the fixture packs were made from (tools: a sample-team database,
/// `capmatrix pack`, filled with openpyxl, saved again by LibreOffice as XLSX and as ODS).
const FIXTURE_DATABASE: &str = "906c265a45780f00fbfbce844c99d5f5";

#[test]
fn a_pack_filled_by_openpyxl_and_saved_by_libreoffice_imports() {
    let tmp = Tmp::new();
    let db = sample_db(&tmp);
    // The same sample database, given the id the packs carry.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE framework_info SET value = ?1 WHERE key = 'database_id'",
        [FIXTURE_DATABASE],
    )
    .unwrap();
    drop(conn);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/packs");
    for file in ["tom-filled-openpyxl-lo.xlsx", "tom-filled-openpyxl-lo.ods"] {
        let path = fixtures.join(file);
        let out = ok(&db, &["import", path.to_str().unwrap(), "--dry-run"]);
        assert!(
            out.starts_with("Tom Fletcher (Data Engineering): 2 skills filled, 9 left blank"),
            "{file}: {out}"
        );
    }
    ok(
        &db,
        &[
            "import",
            fixtures
                .join("tom-filled-openpyxl-lo.xlsx")
                .to_str()
                .unwrap(),
        ],
    );
    let own = ok(
        &db,
        &["export", "-", "--format", "long", "--source", "self"],
    );
    assert!(own.contains(",Expert,"), "{own}");
    assert!(own.contains("yes,openpyxl evidence"), "{own}");
    assert_eq!(own.lines().count(), 3, "{own}");
}

#[test]
fn a_profile_finds_a_name_typed_without_its_accent() {
    let tmp = Tmp::new();
    let db = sample_db(&tmp);
    let out = tmp.path("s.svg");
    let said = ok(
        &db,
        &["profile", "siobhan murphy", "--out", out.to_str().unwrap()],
    );
    assert!(
        said.starts_with("wrote the profile of Siobhán Murphy ("),
        "{said}"
    );
    let err = fails(
        &db,
        &[
            "profile",
            "Siobhán Murphy",
            "--out",
            tmp.path("s").to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("a profile is a picture: name the file .svg or .png"),
        "{err}"
    );
}

#[test]
fn a_pack_answers_the_skill_it_asked_by_id_after_a_rename_and_reads_yes_no_like_a_csv() {
    let tmp = Tmp::new();
    let db = sample_db(&tmp);
    let dir = tmp.path("packs");
    ok(
        &db,
        &[
            "pack",
            "--team",
            "Data Engineering",
            "--out",
            dir.to_str().unwrap(),
        ],
    );
    let tom = dir.join("Tom Fletcher self-assessment.xlsx");
    let a = cells(&tom, "Assessment");
    let testing_row = a
        .iter()
        .find(|(_, c, t)| *c == 0 && t == "Testing")
        .map(|(r, _, _)| *r)
        .expect("Tom's pack asks Testing");
    let (first, _) = first_skill(&tom);
    let filled = tmp.path("tom filled.xlsx");
    // "1" and "TRUE" mean yes, as in a CSV.
    let other_row = if first == testing_row {
        first + 1
    } else {
        first
    };
    fill(
        &tom,
        &filled,
        &[
            (testing_row, "Expert", "1", "wrote the test strategy"),
            (other_row, "Working", "TRUE", ""),
        ],
    );
    // The framework moves on: Testing is renamed, and a custom skill takes the old name.
    let release = tmp.path("release.json");
    std::fs::write(&release, super::framework::release()).unwrap();
    ok(&db, &["framework", "update", release.to_str().unwrap()]);
    ok(&db, &["skills", "add", "Testing", "--category", "Local"]);
    let out = ok(&db, &["import", filled.to_str().unwrap()]);
    assert!(out.contains("2 skills filled"), "{out}");
    let own = ok(
        &db,
        &["export", "-", "--format", "long", "--source", "self"],
    );
    assert!(
        own.contains(
            "Tom Fletcher,Data Engineering,Senior data engineer,Testing and quality assurance,Expert,"
        ),
        "the answer follows the skill it asked, renamed: {own}"
    );
    assert!(
        !own.contains(",Testing,"),
        "never the custom skill that took the old name: {own}"
    );
    assert_eq!(own.matches(",yes,").count(), 2, "1 and TRUE are yes: {own}");
}
