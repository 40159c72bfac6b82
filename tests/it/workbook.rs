//! Workbooks and pictures: the XLSX export read back by a reader that is not ours (calamine,
//! and the package's XML), workbooks written by LibreOffice and openpyxl imported through the
//! same checks as CSV, bad workbooks refused by name with nothing changed, and the heatmap
//! picture as SVG and PNG.

use super::core::{member, rate, skill, team};
use super::import::{example, fixture};
use super::{Tmp, capmatrix, stderr, stdout};
use calamine::{Data, Reader};
use capmatrix::Error;
use capmatrix::core::{Action, Core};
use capmatrix::io::{ExportFormat, ExportOptions, LevelStyle, Mode};
use capmatrix::model::analysis::Scope;
use capmatrix::model::{Level, Snapshot};
use capmatrix::transfer::{ImportOptions, export_file, import_file};
use std::io::Read;
use std::path::{Path, PathBuf};

fn workbook(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/workbooks")
        .join(name)
}

/// A database file holding the sample team, made through the command line.
fn sample_db(tmp: &Tmp) -> PathBuf {
    let db = tmp.db();
    let out = capmatrix(&db, &["import", example().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    db
}

/// `export FILE --team "data engineering"`, which must succeed; its standard output.
fn export_sample_team(db: &Path, file: &Path) -> String {
    let out = capmatrix(
        db,
        &[
            "export",
            file.to_str().unwrap(),
            "--team",
            "data engineering",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// Exports everyone to a file (its type by extension), which must succeed.
fn export_all(core: &Core, file: &Path) -> capmatrix::transfer::Written {
    export_file(
        core,
        file,
        csv_options(Scope::All, ExportFormat::Wide),
        false,
    )
    .unwrap()
}

fn csv_options(scope: Scope, format: ExportFormat) -> ExportOptions {
    ExportOptions {
        scope,
        format,
        levels: LevelStyle::Names,
        source: Default::default(),
    }
}

/// The matrix as the long CSV export writes it (members, roles, levels, notes, interest,
/// dates): two cores hold the same matrix when these bytes are equal.
fn long_csv(core: &Core) -> Vec<u8> {
    capmatrix::io::export(
        core.snapshot(),
        csv_options(Scope::All, ExportFormat::Long),
        None,
    )
    .unwrap()
}

fn wide_csv(core: &Core) -> String {
    String::from_utf8(
        capmatrix::io::export(
            core.snapshot(),
            csv_options(Scope::All, ExportFormat::Wide),
            None,
        )
        .unwrap(),
    )
    .unwrap()
}

/// A core with awkward content: formulas as names and notes, accents, a note with a line
/// break, an interest flag, a rating below the role's requirement.
fn awkward_core(db: &Path) -> Core {
    let mut core = Core::open(db).unwrap();
    import_file(&mut core, &example(), &ImportOptions::default()).unwrap();
    let t = team(&mut core, "=Team+1");
    let m = member(&mut core, t, "=SUM(A1:A2)", "Lead data engineer");
    let modelling = skill(&core, "Data modelling");
    core.apply(Action::SetRating {
        member: m,
        skill: modelling,
        level: Level::Working,
        note: "=HYPERLINK(\"http://x\")\nsecond line".into(),
        interested: true,
        on: Some(capmatrix::model::Date::new(2026, 7, 25).unwrap()),
    })
    .unwrap();
    member(&mut core, t, "No Ratings Yet", "Data engineer");
    let q = member(&mut core, t, "'=x Zoë", "Data engineer");
    let testing = skill(&core, "Testing");
    rate(&mut core, q, testing, Level::None);
    core
}

fn open_xlsx(path: &Path) -> calamine::Xlsx<std::io::BufReader<std::fs::File>> {
    calamine::open_workbook(path).unwrap()
}

/// A sheet as rows of displayed text, as calamine (not capmatrix) reads it.
fn sheet_text(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut book = open_xlsx(path);
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// A part of the xlsx package, as text.
fn part(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn an_exported_workbook_imports_back_to_exactly_the_same_matrix() {
    let tmp = Tmp::new();
    let core = awkward_core(&tmp.db());
    let xlsx = tmp.path("all.xlsx");
    let written = export_all(&core, &xlsx);
    assert_eq!(written.rows, 13, "13 members");
    // By default the Matrix sheet, with the notes, interest and dates of the Ratings sheet:
    // the whole matrix, members without ratings too.
    let mut back = Core::open_in_memory().unwrap();
    let report = import_file(&mut back, &xlsx, &ImportOptions::default()).unwrap();
    let sheet = report.read.sheet.as_ref().unwrap();
    assert_eq!(sheet.name, "Matrix");
    assert_eq!(sheet.details.as_deref(), Some("Ratings"));
    assert_eq!(
        sheet.sheets,
        [
            "Matrix",
            "Gaps",
            "Below role",
            "Ratings",
            "Framework",
            "About"
        ]
    );
    assert!(
        report.description().contains(
            "XLSX sheet \"Matrix\" with notes, interest and dates from sheet \"Ratings\""
        ),
        "{}",
        report.description()
    );
    assert_eq!(wide_csv(&back), wide_csv(&core));
    assert_eq!(
        String::from_utf8(long_csv(&back)).unwrap(),
        String::from_utf8(long_csv(&core)).unwrap()
    );
    assert_eq!(
        back.snapshot().member_count(),
        core.snapshot().member_count()
    );
    let t = back.snapshot().team_named("=Team+1").unwrap().id;
    assert!(back.snapshot().member_named(t, "No Ratings Yet").is_some());
    let m = back.snapshot().member_named(t, "=SUM(A1:A2)").unwrap();
    let r = &m.ratings[&skill(&back, "Data modelling")];
    assert_eq!(r.note, "=HYPERLINK(\"http://x\")\nsecond line");
    assert!(r.interested);
    assert_eq!(r.assessed_on.to_string(), "2026-07-25");
    assert!(back.snapshot().member_named(t, "'=x Zoë").is_some());
    // Importing the same workbook again, even replacing each team, changes nothing.
    for mode in [Mode::Merge, Mode::Replace] {
        let options = ImportOptions {
            mode,
            ..Default::default()
        };
        let again = import_file(&mut back, &xlsx, &options).unwrap();
        assert!(again.summary.is_empty(), "{mode:?}: {:?}", again.summary);
    }
    // The Ratings sheet alone, as asked for: the long layout (members with ratings).
    let mut long_only = Core::open_in_memory().unwrap();
    let options = ImportOptions {
        sheet: Some("ratings".into()),
        ..Default::default()
    };
    let report = import_file(&mut long_only, &xlsx, &options).unwrap();
    assert_eq!(report.read.sheet.as_ref().unwrap().details, None);
    assert_eq!(
        String::from_utf8(long_csv(&long_only)).unwrap(),
        String::from_utf8(long_csv(&core)).unwrap()
    );
}

#[test]
fn a_level_changed_in_the_matrix_sheet_keeps_its_note_and_is_dated_as_new() {
    let core = Core::open_in_memory().unwrap();
    let fw = &core.snapshot().framework;
    // The Matrix sheet as edited in Excel (Testing raised), and the Ratings sheet as exported.
    let wide = capmatrix::io::read(
        b"Member,Team,Role level,Testing,Data modelling\nAnn,T,Data engineer,Expert,Working\n",
        fw,
        None,
    )
    .unwrap();
    let long = capmatrix::io::read(
        b"Member,Team,Role level,Skill,Level,Rated on,Interested,Note\n\
          Ann,T,Data engineer,Testing,Working,2026-01-02,yes,Pairs well\n\
          Ann,T,Data engineer,Data modelling,Working,2026-01-03,no,Led the model\n",
        fw,
        None,
    )
    .unwrap();
    let mut parsed = wide.parsed;
    capmatrix::io::parse::take_details(&mut parsed, &long.parsed);
    let ratings = &parsed.members[0].ratings;
    let testing = ratings
        .iter()
        .find(|r| r.skill == skill(&core, "Testing"))
        .unwrap();
    assert_eq!(
        testing.level,
        Some(Level::Expert),
        "the Matrix sheet's level"
    );
    assert_eq!(testing.note.as_deref(), Some("Pairs well"));
    assert_eq!(testing.interested, Some(true));
    assert_eq!(
        testing.at, None,
        "a changed level is a new assessment, dated when imported"
    );
    let modelling = ratings
        .iter()
        .find(|r| r.skill == skill(&core, "Data modelling"))
        .unwrap();
    assert_eq!(
        modelling.at.map(|d| d.to_string()).as_deref(),
        Some("2026-01-03")
    );
    assert_eq!(modelling.note.as_deref(), Some("Led the model"));
}

#[test]
fn the_workbook_is_what_a_planner_opens_checked_by_a_reader_that_is_not_ours() {
    let tmp = Tmp::new();
    let core = awkward_core(&tmp.db());
    let xlsx = tmp.path("all.xlsx");
    export_all(&core, &xlsx);
    let book = open_xlsx(&xlsx);
    assert_eq!(
        book.sheet_names(),
        [
            "Matrix",
            "Gaps",
            "Below role",
            "Ratings",
            "Framework",
            "About"
        ]
    );
    // Matrix: the same cells as the wide CSV export, levels as names.
    let matrix = sheet_text(&xlsx, "Matrix");
    let csv_text = wide_csv(&core);
    let mut reader = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let csv_header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    // A long skill name is on two lines in the workbook's header.
    let header: Vec<String> = matrix[0].iter().map(|h| h.replace('\n', " ")).collect();
    assert_eq!(header, csv_header);
    assert!(matrix[0].contains(&"Programming and build\n(data engineering)".to_string()));
    for (row, record) in matrix[1..].iter().zip(reader.records()) {
        let record: Vec<String> = record
            .unwrap()
            .iter()
            .map(|c| capmatrix::io::unguard(c).to_string())
            .collect();
        // The workbook guards only texts starting with ' (which import unguards, as for CSV).
        let mut row: Vec<String> = row
            .iter()
            .map(|c| capmatrix::io::unguard(c).to_string())
            .collect();
        assert!(
            row[record.len().min(row.len())..]
                .iter()
                .all(String::is_empty)
        );
        row.resize(record.len(), String::new());
        assert_eq!(row, record);
    }
    // Names that look like formulas are text cells, never formulas.
    let mut book = open_xlsx(&xlsx);
    let formulas = book.worksheet_formula("Matrix").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formulas"
    );
    assert!(
        matrix
            .iter()
            .any(|r| r[0] == "=SUM(A1:A2)" && r[1] == "=Team+1")
    );
    // Dropdowns of the five levels, colours by conditional format, frozen panes, notes.
    let sheet1 = part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(
        sheet1.contains("<formula1>\"None,Awareness,Working,Practitioner,Expert\"</formula1>"),
        "a level dropdown"
    );
    for level in Level::ALL {
        assert!(
            sheet1.contains(&format!("<formula>\"{}\"</formula>", level.name())),
            "a colour rule for {level:?}"
        );
    }
    assert_eq!(sheet1.matches("<cfRule ").count(), 5);
    assert!(
        sheet1.contains(r#"xSplit="3" ySplit="1""#),
        "header row and names frozen"
    );
    let comments = part(&xlsx, "xl/comments1.xml");
    assert!(comments.contains("needs Practitioner"), "a below-role note");
    assert!(
        comments.contains("Data modelling involves"),
        "a skill description"
    );
    // Ratings: real date cells.
    let mut book = open_xlsx(&xlsx);
    let ratings = book.worksheet_range("Ratings").unwrap();
    assert!(
        matches!(ratings.get((1, 5)), Some(Data::DateTime(d)) if d.is_datetime()),
        "{:?}",
        ratings.get((1, 5))
    );
    // Gaps: the columns of `gaps --format csv`, with a Team column for all teams.
    let gaps = sheet_text(&xlsx, "Gaps");
    assert_eq!(
        gaps[0][..8],
        [
            "Team",
            "Skill",
            "Target level",
            "Target count",
            "Covered",
            "Shortfall",
            "Single point of failure",
            "Best level"
        ]
    );
    // About: the licence credit and the database it came from.
    let about = sheet_text(&xlsx, "About").concat().join("\n");
    assert!(about.contains(capmatrix::model::OGL_CREDIT));
    assert!(
        about.contains(
            &std::fs::canonicalize(tmp.db())
                .unwrap()
                .display()
                .to_string()
        )
    );
    let framework = sheet_text(&xlsx, "Framework");
    assert_eq!(
        framework[0][..6],
        [
            "Skill",
            "Description",
            "Awareness",
            "Working",
            "Practitioner",
            "Expert"
        ]
    );
    assert!(
        framework[0]
            .iter()
            .any(|h| h == "Lead data engineer requires")
    );
}

#[test]
fn one_teams_gaps_sheet_matches_the_gaps_command() {
    let tmp = Tmp::new();
    let db = sample_db(&tmp);
    let xlsx = tmp.path("team.xlsx");
    let out = export_sample_team(&db, &xlsx);
    assert!(out.starts_with("exported a workbook of 10 members"));
    let gaps_csv = stdout(&capmatrix(
        &db,
        &[
            "gaps",
            "--team",
            "data engineering",
            "--format",
            "csv",
            "--all",
        ],
    ));
    let sheet = sheet_text(&xlsx, "Gaps");
    let expected: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(gaps_csv.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(sheet[..expected.len()], expected[..]);
}

#[test]
fn workbooks_written_by_libreoffice_import_like_the_csv_they_came_from() {
    let mut from_csv = Core::open_in_memory().unwrap();
    import_file(&mut from_csv, &example(), &ImportOptions::default()).unwrap();
    for name in ["lo-sample.xlsx", "lo-sample.ods", "lo-sample.xls"] {
        let mut core = Core::open_in_memory().unwrap();
        let report = import_file(&mut core, &workbook(name), &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report.summary.members_added, 10, "{name}");
        assert_eq!(wide_csv(&core), wide_csv(&from_csv), "{name}");
    }
    // LibreOffice's reading of capmatrix's own workbook (its Matrix sheet saved as CSV by
    // soffice --convert-to csv): the same matrix.
    let mut core = Core::open_in_memory().unwrap();
    import_file(
        &mut core,
        &workbook("lo-from-capmatrix-xlsx.csv"),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(wide_csv(&core), wide_csv(&from_csv));
    // The older LibreOffice fixture: a sheet named after its team file.
    let mut core = Core::open_in_memory().unwrap();
    let report = import_file(
        &mut core,
        &fixture("lo-workbook.xlsx"),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(report.summary.ratings_set, 98);
}

fn level(snap: &Snapshot, team: &str, name: &str, skill: &str) -> Option<Level> {
    let t = snap.team_named(team).unwrap().id;
    let s = snap.framework.skill_named(skill).unwrap();
    snap.member_named(t, name)
        .unwrap()
        .ratings
        .get(&s)
        .map(|r| r.level)
}

#[test]
fn an_excel_style_template_imports_numbers_floats_letters_titles_and_dates() {
    let mut core = Core::open_in_memory().unwrap();
    let file = workbook("openpyxl-template.xlsx");
    let report = import_file(&mut core, &file, &ImportOptions::default()).unwrap();
    // The title rows are skipped; the Email column is ignored and said so.
    assert_eq!(report.read.sheet.as_ref().unwrap().name, "Team skills");
    assert_eq!(report.read.parsed.rows, 3);
    assert_eq!(report.read.parsed.ignored_columns, ["Email"]);
    let snap = core.snapshot();
    // 3 (integer), 4.0 (float), 2, "Practitioner", "W"; a space-only cell is not rated.
    assert_eq!(
        level(snap, "Platform", "Ann Lee", "Data modelling"),
        Some(Level::Practitioner)
    );
    assert_eq!(
        level(snap, "Platform", "Ann Lee", "Testing"),
        Some(Level::Expert)
    );
    assert_eq!(
        level(snap, "Platform", "Bob Roy", "Data modelling"),
        Some(Level::Working)
    );
    assert_eq!(level(snap, "Platform", "Bob Roy", "Data innovation"), None);
    assert_eq!(
        level(snap, "Platform", "Cleo Ng", "Data modelling"),
        Some(Level::Practitioner)
    );
    assert_eq!(level(snap, "Platform", "Cleo Ng", "Testing"), None);
    assert_eq!(
        level(snap, "Platform", "Cleo Ng", "Data innovation"),
        Some(Level::Working)
    );
    // The Ratings sheet: date cells, booleans, notes.
    let options = ImportOptions {
        sheet: Some("Ratings".into()),
        ..Default::default()
    };
    let mut core = Core::open_in_memory().unwrap();
    import_file(&mut core, &file, &options).unwrap();
    let snap = core.snapshot();
    let t = snap.team_named("Platform").unwrap().id;
    let ann = snap.member_named(t, "Ann Lee").unwrap();
    let testing = &ann.ratings[&skill(&core, "Testing")];
    assert_eq!(testing.assessed_on.to_string(), "2026-07-25");
    assert!(testing.interested);
    assert_eq!(testing.note, "Led the test strategy");
    let bob = snap.member_named(t, "Bob Roy").unwrap();
    let modelling = &bob.ratings[&skill(&core, "Data modelling")];
    assert_eq!(modelling.assessed_on.to_string(), "2026-03-01");
    assert!(!modelling.interested);
}

#[test]
fn problems_name_the_sheet_cell_member_and_skill() {
    let mut core = Core::open_in_memory().unwrap();
    let file = workbook("openpyxl-bad-cells.xlsx");
    let err = import_file(&mut core, &file, &ImportOptions::default()).unwrap_err();
    let Error::Import { problems, .. } = &err else {
        panic!("{err}")
    };
    let lines: Vec<String> = problems.list.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].starts_with("Matrix!D2 (Ann Lee, Data modelling): \"Guru\" is not a level ("),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("Matrix!E2 (Ann Lee, Testing): \"3.5\" is not a level"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("Matrix!F2 (Ann Lee, Data innovation): \"7\" is not a level"),
        "{}",
        lines[2]
    );
    assert_eq!(core.snapshot().member_count(), 0);
}

#[test]
fn bad_workbooks_are_refused_by_name_and_change_nothing() {
    let tmp = Tmp::new();
    // A truncated workbook.
    let whole = std::fs::read(workbook("lo-sample.xlsx")).unwrap();
    let cut = tmp.path("cut.xlsx");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    // A zip that is not a workbook.
    let plain_zip = tmp.path("photos.xlsx");
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&plain_zip).unwrap());
        z.start_file("photo.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, b"hello").unwrap();
        z.finish().unwrap();
    }
    let cases: [(PathBuf, Option<&str>, &str); 13] = [
        (cut, None, "the workbook is damaged or cut short"),
        // Found by fuzzing: calamine panics on the first and asks for 24 GB on the second;
        // capmatrix checks the structure first and reports both as damaged.
        (
            workbook("fuzz-crash-cfb.xls"),
            None,
            "the workbook is damaged or cut short and cannot be read (Malformed FAT",
        ),
        (
            workbook("fuzz-oom-cfb.xls"),
            None,
            "the workbook is damaged or cut short and cannot be read (Malformed FAT",
        ),
        // Small files declaring huge sizes that calamine would allocate up front (found by
        // fuzzing and by review): an .xls sheet's DIMENSIONS, an .xlsx string count.
        (
            workbook("fuzz-dimensions.xls"),
            None,
            "a sheet spans more than 5000000 cells",
        ),
        (
            workbook("huge-dimensions.xls"),
            None,
            "a sheet spans more than 5000000 cells",
        ),
        (
            workbook("huge-shared-strings.xlsx"),
            None,
            "its shared-strings table declares 100000000000000 strings",
        ),
        (plain_zip, None, "it is a zip file but not a workbook"),
        (workbook("password.xlsx"), None, "protected with a password"),
        (
            workbook("zip-bomb.xlsx"),
            None,
            "unpacks to more than 512 MiB",
        ),
        (
            workbook("openpyxl-chart-no-header.xlsx"),
            None,
            "no sheet has a Member column in its first 20 rows (sheets: Numbers, Chart)",
        ),
        (
            workbook("openpyxl-chart-no-header.xlsx"),
            Some("Chart"),
            "sheet \"Chart\" is a chart or macro sheet, not a table",
        ),
        (
            workbook("lo-sample.xlsx"),
            Some("Sheet9"),
            "the workbook has no sheet named \"Sheet9\"; its sheets are: lo-sample",
        ),
        (
            example(),
            Some("Matrix"),
            "this is a text (CSV) file, not a workbook",
        ),
    ];
    let db = sample_db(&tmp);
    let before = stdout(&capmatrix(&db, &["export", "-", "--format", "long"]));
    for (file, sheet, words) in cases {
        let mut args = vec!["import", file.to_str().unwrap()];
        if let Some(s) = sheet {
            args.extend(["--sheet", s]);
        }
        let out = capmatrix(&db, &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{file:?}: {err}");
        assert!(err.contains(words), "{file:?}: {err}");
        assert!(
            err.contains(file.file_name().unwrap().to_str().unwrap()),
            "names the file: {err}"
        );
        assert!(err.contains("nothing was changed"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(err.lines().count(), 1, "one message: {err}");
        assert_eq!(
            stdout(&capmatrix(&db, &["export", "-", "--format", "long"])),
            before
        );
    }
}

#[test]
fn a_workbook_import_is_one_plan_like_csv_dry_run_and_replace() {
    let tmp = Tmp::new();
    let mut core = Core::open(&tmp.db()).unwrap();
    import_file(&mut core, &example(), &ImportOptions::default()).unwrap();
    let xlsx = tmp.path("team.xlsx");
    export_all(&core, &xlsx);
    // Someone joins after the export: a replace-mode import of the workbook removes them,
    // a dry run only says so.
    let t = core.snapshot().team_named("Data Engineering").unwrap().id;
    member(&mut core, t, "New Starter", "Data engineer");
    let before = long_csv(&core);
    let dry = ImportOptions {
        mode: Mode::Replace,
        dry_run: true,
        ..Default::default()
    };
    let report = import_file(&mut core, &xlsx, &dry).unwrap();
    assert_eq!(report.summary.members_removed, 1);
    assert_eq!(long_csv(&core), before, "a dry run changes nothing");
    let report = import_file(
        &mut core,
        &xlsx,
        &ImportOptions {
            mode: Mode::Replace,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(report.summary.members_removed, 1);
    assert!(core.snapshot().member_named(t, "New Starter").is_none());
    // One undo step puts them back.
    core.undo().unwrap();
    assert!(core.snapshot().member_named(t, "New Starter").is_some());
}

#[test]
fn the_heatmap_picture_as_svg_and_png() {
    let tmp = Tmp::new();
    let db = sample_db(&tmp);
    let mut core = Core::open(&db).unwrap();
    let t = core.snapshot().team_named("Data Engineering").unwrap().id;
    member(&mut core, t, "Tom <&> \"Quote\"", "Data engineer");
    drop(core);
    let svg_path = tmp.path("team.svg");
    let out = export_sample_team(&db, &svg_path);
    assert!(out.starts_with("exported a picture of 11 members"));
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    // Well-formed XML that a parser that is not ours reads (usvg's roxmltree via resvg is
    // ours too; count the structure instead): one titled group per cell.
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(
        svg.matches("<g><title>").count(),
        11 * 11 + 11,
        "a title per cell and per coverage cell"
    );
    assert!(svg.contains(">Data Engineering: skills</text>"));
    assert!(
        svg.contains(">Programming and build</text>") && svg.contains(">(data engineering)</text>"),
        "full skill names, a long one on two lines"
    );
    assert!(svg.contains(">Testing</text>"));
    assert!(
        svg.contains("Tom &lt;&amp;&gt; &quot;Quote&quot;"),
        "names escaped"
    );
    assert!(!svg.contains("Tom <&>"));
    assert!(svg.contains("<title>Siobhán Murphy — Testing: "));
    assert!(
        svg.contains("(role level needs "),
        "below-role cells say what is needed"
    );
    assert!(svg.contains(">Coverage</text>") && svg.contains(">Team best</text>"));
    // Coverage coloured as in the window: amber where one person covers a skill, orange where
    // the team is short, blue where the target is met.
    let coverage_fill = |words: &str| {
        let at = svg
            .find(words)
            .unwrap_or_else(|| panic!("no coverage cell {words}"));
        svg[at..]
            .split("fill=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(coverage_fill("rests on one person</title>"), "#fec44f");
    assert_eq!(coverage_fill("Data integration design: 0 of 2"), "#d95f02");
    assert_eq!(coverage_fill("Testing: 8 of 2"), "#3182bd");
    assert!(svg.contains(">below role level</text>"), "a legend");
    assert!(svg.contains(capmatrix::model::OGL_CREDIT));
    // PNG: rendered from the same SVG at twice its size.
    let png_path = tmp.path("team.png");
    export_sample_team(&db, &png_path);
    let png = std::fs::read(&png_path).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let svg_width: f64 = svg
        .split("width=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(f64::from(width), svg_width * 2.0);
    // The text is drawn: the PNG has dark ink pixels from the font, not only fills.
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
    let ink = pixmap
        .pixels()
        .iter()
        .filter(|p| p.red() < 0x30 && p.green() < 0x40 && p.blue() < 0x50 && p.alpha() == 255)
        .count();
    assert!(ink > 2_000, "text pixels: {ink}");
}

#[test]
fn a_picture_of_too_many_members_is_refused_with_advice() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let out = capmatrix(&db, &["demo", "--members", "201", "--teams", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let png = tmp.path("all.png");
    let out = capmatrix(&db, &["export", png.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains(
            "a picture shows at most 200 members and this has 201: pick one team (--team NAME on the command line, the team picker in the window)"
        ),
        "{err}"
    );
    assert!(!png.exists());
}

#[test]
fn a_profession_wide_workbook_marks_below_role_cells_without_a_note_each() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let out = capmatrix(&db, &["demo", "--members", "1000"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let xlsx = tmp.path("all.xlsx");
    let out = capmatrix(&db, &["export", xlsx.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Over 2,000 cells are below the role's requirement: outlined, listed on the Gaps sheet,
    // and only the skill headers carry notes.
    let listed = sheet_text(&xlsx, "Below role").len() - 1;
    assert!(listed > capmatrix::io::xlsx::MAX_BELOW_NOTES, "{listed}");
    let comments = part(&xlsx, "xl/comments1.xml");
    assert!(!comments.contains("needs "));
    let skills = sheet_text(&xlsx, "Matrix")[0].len() - 3;
    let notes = comments.matches("<comment ").count();
    assert!(
        notes > 0 && notes <= skills,
        "{notes} notes for {skills} skills"
    );
    for cell in comments.split("ref=\"").skip(1) {
        let cell = cell.split('"').next().unwrap();
        assert!(
            cell.trim_start_matches(|c: char| c.is_ascii_uppercase()) == "1",
            "a note on {cell}, not on the header row"
        );
    }
}

/// A workbook written in the test, one sheet of text cells.
fn write_xlsx(path: &Path, sheet: &str, rows: &[&[&str]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *text).unwrap();
        }
    }
    book.save(path).unwrap();
}

#[test]
fn every_problem_of_a_sheet_is_placed_as_the_spreadsheet_shows_it() {
    let tmp = Tmp::new();
    let file = tmp.path("team.xlsx");
    write_xlsx(
        &file,
        "Team A",
        &[
            &["Member", "Team", "Role level", "Testing"],
            &["Ann", "T", "Data engineer", "Working"],
            &["Ann", "T", "Data engineer", "Expert"],
            &["Bob", "T", "Lead data enginer", "W"],
        ],
    );
    let mut core = Core::open_in_memory().unwrap();
    let err = import_file(&mut core, &file, &ImportOptions::default()).unwrap_err();
    let Error::Import { problems, .. } = &err else {
        panic!("{err}")
    };
    let lines: Vec<String> = problems.list.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines[0],
        "'Team A'!A3 (Ann): \"Ann\" appears twice in team \"T\" (also on row 2)"
    );
    assert!(
        lines[1].starts_with("'Team A'!C4 (Bob): \"Lead data enginer\" is not a role level"),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 2);
}

#[test]
fn a_note_too_long_for_an_excel_cell_is_refused_by_name_and_nothing_is_written() {
    let tmp = Tmp::new();
    let mut core = Core::open(&tmp.db()).unwrap();
    let t = team(&mut core, "Platform");
    let m = member(&mut core, t, "Ann Lee", "Data engineer");
    // 20,000 characters, 40,000 UTF-16 units: Excel counts the units.
    core.apply(Action::SetRating {
        member: m,
        skill: skill(&core, "Testing"),
        level: Level::Working,
        note: "😀".repeat(20_000),
        interested: false,
        on: None,
    })
    .unwrap();
    let xlsx = tmp.path("team.xlsx");
    let err = export_file(
        &core,
        &xlsx,
        csv_options(Scope::All, ExportFormat::Wide),
        false,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        format!(
            "cannot write the workbook: the note of Ann Lee (Platform) in Testing is 20000 characters long and an Excel cell holds 32767: shorten it, or export CSV ({})",
            xlsx.display()
        )
    );
    assert!(!xlsx.exists());
    let csv = tmp.path("team.csv");
    export_file(
        &core,
        &csv,
        csv_options(Scope::All, ExportFormat::Long),
        false,
    )
    .unwrap();
}

#[test]
fn csv_only_flags_are_refused_for_workbooks_and_pictures() {
    let tmp = Tmp::new();
    let db = sample_db(&tmp);
    for (file, flags, words, code) in [
        (
            "a.xlsx",
            &["--format", "long", "--history"][..],
            "the whole rating history is written to CSV (.csv or .txt) and Parquet (.parquet) files only",
            1,
        ),
        (
            "a.xlsx",
            &["--format", "long"][..],
            "--format, --levels and --source choose a CSV file's layout",
            2,
        ),
        (
            "a.png",
            &["--levels", "numbers"][..],
            "--format, --levels and --source choose a CSV file's layout",
            2,
        ),
    ] {
        let target = tmp.path(file);
        let mut args = vec!["export", target.to_str().unwrap()];
        args.extend(flags);
        let out = capmatrix(&db, &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(words), "{args:?}: {err}");
        assert!(!target.exists());
    }
}

#[test]
fn nothing_in_the_picture_runs_off_its_edges() {
    let tmp = Tmp::new();
    let mut core = Core::open(&tmp.db()).unwrap();
    // One skill (a narrow grid, so the key and title decide the width) and a long team name.
    let t = team(
        &mut core,
        "A really very long team name for the platform and data services directorate",
    );
    let m = member(&mut core, t, "Ann", "none");
    let testing = skill(&core, "Testing");
    rate(&mut core, m, testing, Level::Working);
    let png = tmp.path("t.png");
    export_file(
        &core,
        &png,
        csv_options(Scope::Team(t), ExportFormat::Wide),
        false,
    )
    .unwrap();
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&std::fs::read(&png).unwrap()).unwrap();
    let (w, h) = (pixmap.width() as usize, pixmap.height() as usize);
    let inked = |x: usize, y: usize| {
        let p = pixmap.pixels()[y * w + x];
        p.red() < 0xf0 || p.green() < 0xf0 || p.blue() < 0xf0
    };
    // The outer 20 pixels (10 at the SVG's scale) on every side are background.
    for y in 0..h {
        for x in (0..20).chain(w - 20..w) {
            assert!(!inked(x, y), "ink at the edge: {x},{y} of {w}x{h}");
        }
    }
    for x in 0..w {
        for y in (0..20).chain(h - 20..h) {
            assert!(!inked(x, y), "ink at the edge: {x},{y} of {w}x{h}");
        }
    }
}

#[test]
fn a_guarded_csv_saved_as_a_workbook_by_libreoffice_imports_as_the_same_members() {
    // LibreOffice keeps the CSV's formula guard (') in the cell: import removes it, as for CSV.
    let mut core = Core::open_in_memory().unwrap();
    import_file(
        &mut core,
        &workbook("lo-guarded-source.csv"),
        &ImportOptions::default(),
    )
    .unwrap();
    let t = core.snapshot().team_named("Platform").unwrap().id;
    assert!(core.snapshot().member_named(t, "=SUM(A1:A2)").is_some());
    assert!(core.snapshot().member_named(t, "+44 20 7946").is_some());
    let report = import_file(
        &mut core,
        &workbook("lo-guarded-source.xlsx"),
        &ImportOptions {
            mode: Mode::Replace,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(report.summary.is_empty(), "{:?}", report.summary);
}

/// A workbook laid out as capmatrix's own: a Matrix sheet and a Ratings sheet.
fn write_own_workbook(path: &Path, matrix: &[&[&str]], ratings: &[&[&str]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [("Matrix", matrix), ("Ratings", ratings)] {
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *text).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn a_level_edited_in_the_ratings_sheet_is_taken_and_said_and_two_edits_are_refused() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let csv = tmp.path("team.csv");
    std::fs::write(
        &csv,
        "Member,Team,Role level,Skill,Level,Rated on\nAnn,T,Data engineer,Testing,Working,2026-01-02\n",
    )
    .unwrap();
    super::capmatrix(&db, &["import", csv.to_str().unwrap()]);
    let long_header: &[&str] = &[
        "Member",
        "Team",
        "Role level",
        "Skill",
        "Level",
        "Rated on",
        "Interested",
        "Note",
    ];
    // The Ratings sheet edited (Expert, with its date); the Matrix sheet as exported.
    let xlsx = tmp.path("edited.xlsx");
    write_own_workbook(
        &xlsx,
        &[
            &["Member", "Team", "Role level", "Testing"],
            &["Ann", "T", "Data engineer", "Working"],
        ],
        &[
            long_header,
            &[
                "Ann",
                "T",
                "Data engineer",
                "Testing",
                "Expert",
                "2026-06-01",
                "no",
                "Ran the guild",
            ],
        ],
    );
    let out = super::capmatrix(&db, &["import", xlsx.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", super::stderr(&out));
    let text = format!("{}{}", super::stdout(&out), super::stderr(&out));
    assert!(
        text.contains("took 1 level from the Ratings sheet"),
        "{text}"
    );
    let long = super::stdout(&super::capmatrix(&db, &["export", "-", "--format", "long"]));
    assert!(
        long.contains("Testing,Expert,2026-06-01,no,Ran the guild"),
        "{long}"
    );

    // Both sheets edited, each to another level: refused, naming both, nothing changed.
    write_own_workbook(
        &xlsx,
        &[
            &["Member", "Team", "Role level", "Testing"],
            &["Ann", "T", "Data engineer", "Practitioner"],
        ],
        &[
            long_header,
            &[
                "Ann",
                "T",
                "Data engineer",
                "Testing",
                "Awareness",
                "2026-06-02",
                "no",
                "",
            ],
        ],
    );
    let out = super::capmatrix(&db, &["import", xlsx.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = super::stderr(&out);
    assert!(
        err.contains("the Matrix sheet says Practitioner (Matrix, row 2) and the Ratings sheet says Awareness (Ratings, row 2)"),
        "{err}"
    );
    assert_eq!(
        super::stdout(&super::capmatrix(&db, &["export", "-", "--format", "long"])),
        long
    );
}

#[test]
fn a_column_of_levels_under_a_heading_that_is_no_skill_is_refused_not_dropped() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let csv = tmp.path("team.csv");
    std::fs::write(
        &csv,
        "Member,Team,Role level,Email,Testing,Data wizardry\nAnn,T,Data engineer,ann@example.org,Working,Expert\nBob,T,Data engineer,bob@example.org,Awareness,\n",
    )
    .unwrap();
    let out = super::capmatrix(&db, &["import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = super::stderr(&out);
    assert!(
        err.contains("\"Data wizardry\" holds levels (\"Expert\" on line 2) but names no skill"),
        "{err}"
    );
    assert!(err.contains("--add-skills"), "{err}");
    assert!(
        !err.contains("\"Email\""),
        "a column without levels is passed over: {err}"
    );
    let info = super::stdout(&super::capmatrix(&db, &["info"]));
    assert!(info.contains("members: 0"), "nothing imported: {info}");
    // Created as a custom skill, its ratings come in.
    let only = tmp.path("only.csv");
    std::fs::write(
        &only,
        "Member,Team,Role level,Testing,Data wizardry\nAnn,T,Data engineer,Working,Expert\n",
    )
    .unwrap();
    let db2 = tmp.path("two.db");
    let out = super::capmatrix(&db2, &["import", only.to_str().unwrap(), "--add-skills"]);
    assert_eq!(out.status.code(), Some(0), "{}", super::stderr(&out));
    let long = super::stdout(&super::capmatrix(
        &db2,
        &["export", "-", "--format", "long"],
    ));
    assert!(long.contains("Data wizardry,Expert"), "{long}");
}
