//! Exports spreadsheets open cleanly, written atomically, lossless through import.

use super::core::{member, rate, skill, team};
use super::import::{example, fixture};
use super::{Tmp, capmatrix, stderr, stdout};
use capmatrix::core::{Action, Core};
use capmatrix::model::Level;

fn setup(tmp: &Tmp) -> std::path::PathBuf {
    let db = tmp.db();
    let out = capmatrix(&db, &["import", example().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    db
}

#[test]
fn wide_export_is_utf8_with_bom_crlf_and_the_exact_header() {
    let tmp = Tmp::new();
    let db = setup(&tmp);
    let out = capmatrix(&db, &["export", "-"]);
    assert_eq!(out.status.code(), Some(0));
    let bytes = out.stdout;
    assert!(bytes.starts_with(b"\xEF\xBB\xBFMember,Team,Role level,Communicating between the technical and non-technical,"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.ends_with("\r\n"));
    assert_eq!(
        text.matches("\r\n").count(),
        11,
        "header and 10 rows, CRLF each"
    );
    assert_eq!(text.matches('\n').count(), 11, "no bare LF");
    assert!(text.contains(
        "\r\nSiobhán Murphy,Data Engineering,Senior data engineer,Practitioner,Working,"
    ));
    // The file written to disk is the same bytes, and it reimports to the same matrix.
    let file = tmp.path("team.csv");
    let out = capmatrix(&db, &["export", file.to_str().unwrap()]);
    assert!(stdout(&out).starts_with("exported "));
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
}

#[test]
fn levels_as_numbers_and_the_long_format() {
    let tmp = Tmp::new();
    let db = setup(&tmp);
    let text = stdout(&capmatrix(
        &db,
        &[
            "export",
            "-",
            "--levels",
            "numbers",
            "--team",
            "data engineering",
        ],
    ));
    assert!(
        text.contains(
            "\r\nPriya Shah,Data Engineering,Head of data engineering,4,3,4,3,3,2,3,4,3,4,2\r\n"
        ),
        "{text}"
    );
    let text = stdout(&capmatrix(&db, &["export", "-", "--format", "long"]));
    let mut lines = text.trim_start_matches('\u{FEFF}').lines();
    assert_eq!(
        lines.next(),
        Some("Member,Team,Role level,Skill,Level,Rated on,Interested,Note")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 98);
    assert!(rows.iter().any(|r| {
        r.starts_with("Rhys Evans,Data Engineering,Data engineer,Metadata management,None,")
    }));
}

#[test]
fn history_lists_every_change_in_the_long_format_only() {
    let tmp = Tmp::new();
    let db = tmp.db();
    {
        let mut core = Core::open(&db).unwrap();
        let team = team(&mut core, "T");
        let m = member(&mut core, team, "Ann", "none");
        let skill = skill(&core, "Testing");
        for level in [Level::Awareness, Level::Working] {
            rate(&mut core, m, skill, level);
        }
        core.apply(Action::ClearRating { member: m, skill })
            .unwrap();
    }
    let text = stdout(&capmatrix(
        &db,
        &["export", "-", "--format", "long", "--history"],
    ));
    // Rating rows (an empty Event cell; the first row is Ann joining).
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows[0][8], "joined");
    let levels: Vec<&str> = rows
        .iter()
        .filter(|r| r[8].is_empty())
        .map(|r| r[4])
        .collect();
    assert_eq!(levels, ["Awareness", "Working", ""]);
    assert_eq!(
        stdout(&capmatrix(&db, &["export", "-", "--format", "long"]))
            .lines()
            .count(),
        1
    );
    let out = capmatrix(&db, &["export", "-", "--history"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--history needs --format long"));
}

#[test]
fn formulas_are_guarded_and_the_guard_is_removed_on_import() {
    let tmp = Tmp::new();
    let db = tmp.db();
    {
        let mut core = Core::open(&db).unwrap();
        let team = team(&mut core, "@Ops");
        let m = member(&mut core, team, "=HYPERLINK(\"http://x\",\"y\")", "none");
        let skill = core.snapshot().framework.skill_named("Testing").unwrap();
        core.apply(Action::SetRating {
            member: m,
            skill,
            level: Level::Expert,
            note: "-2 defects\nper sprint".into(),
            interested: true,
            on: None,
        })
        .unwrap();
    }
    let text = stdout(&capmatrix(&db, &["export", "-", "--format", "long"]));
    assert!(
        text.contains("\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'@Ops,,Testing,Expert,"),
        "{text}"
    );
    assert!(
        text.contains(",yes,\"'-2 defects\nper sprint\"\r\n"),
        "{text}"
    );
    // export -> import -> export is byte-identical, in both formats.
    for format in ["wide", "long"] {
        let first = tmp.path(&format!("first-{format}.csv"));
        let second = tmp.path(&format!("second-{format}.csv"));
        let fresh = tmp.path(&format!("fresh-{format}.db"));
        assert!(
            capmatrix(
                &db,
                &["export", first.to_str().unwrap(), "--format", format]
            )
            .status
            .success()
        );
        let out = capmatrix(&fresh, &["import", first.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            capmatrix(
                &fresh,
                &["export", second.to_str().unwrap(), "--format", format]
            )
            .status
            .success()
        );
        assert_eq!(
            std::fs::read(&first).unwrap(),
            std::fs::read(&second).unwrap(),
            "{format}"
        );
    }
}

#[test]
fn the_long_fixture_round_trips_byte_for_byte() {
    let tmp = Tmp::new();
    let (a, b) = (tmp.path("a.db"), tmp.path("b.db"));
    assert!(
        capmatrix(&a, &["import", fixture("long.csv").to_str().unwrap()])
            .status
            .success()
    );
    let first = capmatrix(&a, &["export", "-", "--format", "long"]).stdout;
    let file = tmp.path("first.csv");
    std::fs::write(&file, &first).unwrap();
    assert!(
        capmatrix(&b, &["import", file.to_str().unwrap()])
            .status
            .success()
    );
    assert_eq!(
        capmatrix(&b, &["export", "-", "--format", "long"]).stdout,
        first
    );
}

#[test]
fn a_failed_export_leaves_the_existing_file_untouched_and_no_temporary_files() {
    let tmp = Tmp::new();
    let db = setup(&tmp);
    let target = tmp.path("matrix.csv");
    std::fs::write(&target, "precious").unwrap();
    let out = capmatrix(&db, &["export", target.to_str().unwrap(), "--team", "Nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no team named \"Nope\""));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    let missing = tmp.path("no/such/dir/matrix.csv");
    let out = capmatrix(&db, &["export", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no/such/dir/matrix.csv"),
        "{}",
        stderr(&out)
    );
    let out = capmatrix(&db, &["export", tmp.dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    // A successful export replaces the file.
    assert!(
        capmatrix(&db, &["export", target.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        std::fs::read(&target)
            .unwrap()
            .starts_with(b"\xEF\xBB\xBFMember,")
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("capmatrix-export"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn export_rows_are_built_once_as_typed_cells_that_encoders_share() {
    use capmatrix::io::export::{Cell, encode_csv, table};
    use capmatrix::io::{ExportFormat, LevelStyle};
    use capmatrix::model::analysis::Scope;
    let mut core = Core::open_in_memory().unwrap();
    capmatrix::transfer::import_file(&mut core, &example(), &Default::default()).unwrap();
    let snap = core.snapshot();
    let long = table(snap, Scope::All, ExportFormat::Long, None);
    assert_eq!(long.header[5], "Rated on");
    let first = &long.rows[0];
    // Dates, levels and flags stay typed until an encoder writes them.
    assert!(matches!(first[4], Cell::Level(Some(_))));
    assert!(matches!(first[5], Cell::Date(_)));
    assert!(matches!(first[6], Cell::Flag(_)));
    assert_eq!(long.rows.len(), snap.rating_count());
    // The CSV encoder is one view of those rows: names or numbers from the same cells.
    let names = String::from_utf8(encode_csv(&long, LevelStyle::Names).unwrap()).unwrap();
    let numbers = String::from_utf8(encode_csv(&long, LevelStyle::Numbers).unwrap()).unwrap();
    assert_eq!(names.lines().count(), numbers.lines().count());
    let Cell::Level(Some(level)) = first[4] else {
        unreachable!()
    };
    let second_line = |t: &str| t.lines().nth(1).unwrap().to_string();
    assert!(second_line(&names).contains(&format!(",{},", level.name())));
    assert!(second_line(&numbers).contains(&format!(",{},", level.number())));
    let wide = table(snap, Scope::All, ExportFormat::Wide, None);
    assert_eq!(wide.rows.len(), snap.member_count());
    assert!(wide.rows.iter().all(|r| r.len() == wide.header.len()));
}
