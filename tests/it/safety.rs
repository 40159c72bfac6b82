//! Data safety at the edges: what export, import, backup and check refuse, and that readers
//! never take the writer's lock. Each test runs the real binary or the real store on files in
//! a temporary directory.

use super::{Tmp, capmatrix, stderr, stdout};
use capmatrix::core::{Action, Core};
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn demo(db: &Path, members: &str) {
    let out = capmatrix(db, &["demo", "--members", members, "--seed", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

fn sh(script: &str, db: &Path) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("CM", env!("CARGO_BIN_EXE_capmatrix"))
        .env("DB", db)
        .env_remove("CAPMATRIX_DB")
        .output()
        .unwrap()
}

/// Starts capmatrix on a database with its output piped (and its input, with `stdin`).
fn spawn(db: &Path, args: &[&str], stdin: bool) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_capmatrix"));
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CAPMATRIX_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if stdin {
        cmd.stdin(Stdio::piped());
    }
    cmd.spawn().unwrap()
}

/// Waits for a child, killing it (and failing) if it has not ended after 30 s: a guard
/// against a hang, not a timing assertion.
fn wait_or_kill(mut child: Child, what: &str) -> std::process::Output {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("{what} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn export_refuses_the_database_its_companions_other_databases_and_special_files() {
    let tmp = Tmp::new();
    let db = tmp.db();
    demo(&db, "12");
    // A writer elsewhere keeps the -wal and -shm files in place, as in real use.
    let _writer = Core::open(&db).unwrap();
    let other = tmp.path("other.db");
    std::fs::copy(&db, &other).unwrap();
    let link = tmp.path("link.db");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    let hard = tmp.path("hard.csv");
    std::fs::hard_link(&db, &hard).unwrap();
    let fifo = tmp.path("pipe.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let folder = tmp.path("folder");
    std::fs::create_dir(&folder).unwrap();
    let db_bytes = std::fs::read(&db).unwrap();
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (db.clone(), "it is the open database;"),
        (link, "it is the open database;"),
        (hard, "it is the open database;"),
        (tmp.path("test.db-wal"), "write-ahead log"),
        (tmp.path("test.db-shm"), "shared memory"),
        (tmp.path("test.db.lock"), "lock file"),
        (other.clone(), "it is an SQLite database"),
        (
            fifo.clone(),
            "it is a named pipe (FIFO), not a regular file",
        ),
        (folder, "it is a folder, not a regular file"),
        ("/dev/full".into(), "it is a device, not a regular file"),
        ("/dev/null".into(), "it is a device, not a regular file"),
    ];
    for (target, why) in cases {
        let before = std::fs::symlink_metadata(&target).ok().map(|m| m.len());
        let out = capmatrix(&db, &["export", target.to_str().unwrap()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{target:?}: {err}");
        assert!(err.contains(why), "{target:?}: {err}");
        assert!(err.contains("nothing was written"), "{err}");
        assert!(
            err.trim_end().ends_with(&format!("({})", target.display())),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        let after = std::fs::symlink_metadata(&target).ok().map(|m| m.len());
        assert_eq!(before, after, "{target:?} changed");
    }
    assert_eq!(std::fs::read(&db).unwrap(), db_bytes);
    assert_eq!(std::fs::read(&other).unwrap()[..16], *b"SQLite format 3\0");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    let info = stdout(&capmatrix(&db, &["info"]));
    assert!(info.contains("members: 12\n"), "{info}");
}

#[test]
fn export_replaces_a_plain_file_keeping_its_mode_and_a_new_file_follows_the_umask() {
    let tmp = Tmp::new();
    let db = tmp.db();
    demo(&db, "5");
    let new = tmp.path("new.csv");
    let out = sh(
        &format!(
            "umask 027; exec \"$CM\" --db \"$DB\" export {}",
            new.display()
        ),
        &db,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&new), 0o640);
    let out = sh(
        &format!(
            "umask 022; exec \"$CM\" --db \"$DB\" export {}",
            tmp.path("wide.csv").display()
        ),
        &db,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(mode(&tmp.path("wide.csv")), 0o644);

    let existing = tmp.path("notes.txt");
    std::fs::write(&existing, "old text").unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o604)).unwrap();
    let out = capmatrix(&db, &["export", existing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(mode(&existing), 0o604);
    assert!(
        std::fs::read_to_string(&existing)
            .unwrap()
            .contains("Member,Team")
    );
}

#[test]
fn import_reads_only_regular_files_or_standard_input_and_limits_while_reading() {
    let tmp = Tmp::new();
    let db = tmp.db();
    demo(&db, "4");
    let fifo = tmp.path("in.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for (path, why) in [
        ("/dev/zero".to_string(), "it is a device"),
        (fifo.display().to_string(), "it is a named pipe (FIFO)"),
        (tmp.dir.path().display().to_string(), "it is a folder"),
    ] {
        let child = spawn(&db, &["import", &path], false);
        let out = wait_or_kill(child, &format!("import {path}"));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{path}: {err}");
        assert!(err.contains(why), "{err}");
        assert!(err.contains("capmatrix imports regular files"), "{err}");
        assert!(err.contains("give - to read standard input"), "{err}");
    }

    // Standard input works, and its size is limited while reading (it has no size to check).
    let mut child = spawn(&db, &["import", "-", "--team", "Piped"], true);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Member,Testing\nPat Piper,Working\n")
        .unwrap();
    let out = wait_or_kill(child, "import -");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let gaps = stdout(&capmatrix(&db, &["gaps", "--team", "Piped", "--all"]));
    assert!(gaps.starts_with("Piped: 1 member\n"), "{gaps}");

    let mut child = spawn(&db, &["import", "-"], true);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'x'; 1 << 20];
        // 65 MiB, more than the limit; the reader stops early, so writes may fail.
        for _ in 0..65 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let out = wait_or_kill(child, "import - of 65 MiB");
    writer.join().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the largest file capmatrix imports is 64 MiB"),
        "{err}"
    );
}

#[test]
fn a_reader_never_blocks_or_fails_a_writer_and_sees_one_consistent_state() {
    let tmp = Tmp::new();
    let db = tmp.db();
    demo(&db, "3000");
    // An export to standard output that nobody reads yet: it blocks part-way through writing,
    // holding whatever it holds.
    let mut child = spawn(&db, &["export", "-", "--format", "long"], false);
    let mut out = child.stdout.take().unwrap();
    let mut head = [0u8; 16];
    out.read_exact(&mut head).unwrap();
    // The lead edits meanwhile: the lock is free and the write commits.
    let mut writer = Core::open(&db).unwrap();
    assert!(writer.is_writable());
    let team = writer
        .apply(Action::CreateTeam {
            name: "Written while exporting".into(),
        })
        .unwrap()
        .team
        .unwrap();
    writer
        .apply(Action::AddMember {
            team,
            name: "Quinn Newcomer".into(),
            role_level: None,
            joined_on: None,
        })
        .unwrap();
    let mut rest = Vec::new();
    out.read_to_end(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success());
    let text = String::from_utf8_lossy(&rest);
    assert!(!text.contains("Written while exporting"), "one snapshot");
    assert!(text.lines().count() > 3000);

    // Every read-only command runs while the writer holds the lock.
    for args in [
        &["info"][..],
        &["skills"],
        &["gaps"],
        &["export", tmp.path("x.csv").to_str().unwrap()],
        &["check"],
        &["backup", tmp.path("b.db").to_str().unwrap()],
    ] {
        let o = capmatrix(&db, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    let info = stdout(&capmatrix(&db, &["info"]));
    assert!(info.contains("members: 3001\n"), "{info}");
    assert!(
        info.contains("writable: no (open in another capmatrix)"),
        "{info}"
    );
    // And a reader in this process does not stop a writer in another.
    let reader = Core::open_read_only(&db).unwrap();
    drop(writer);
    let o = capmatrix(&db, &["demo", "--members", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(reader.snapshot().all_members().len(), 3001);
}

#[test]
fn backup_goes_through_a_temporary_file_so_a_full_disk_leaves_nothing() {
    let tmp = Tmp::new();
    let db = tmp.db();
    demo(&db, "300");
    // A file-size limit stands in for a full disk (SIGXFSZ ignored: the write fails with
    // EFBIG, as it would with ENOSPC).
    let target = tmp.path("backup.db");
    let script = format!(
        "trap '' XFSZ; ulimit -f 64; exec \"$CM\" --db \"$DB\" backup {}",
        target.display()
    );
    let out = sh(&script, &db);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write the backup"), "{err}");
    assert!(!target.exists(), "no partial backup under its name");
    let left: Vec<String> = files_in(tmp.dir.path())
        .into_iter()
        .filter(|n| !n.starts_with("test.db"))
        .collect();
    assert!(left.is_empty(), "no temporary file left: {left:?}");
    // The next attempt is not blocked.
    let out = capmatrix(&db, &["backup", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = capmatrix(&target, &["info"]);
    assert!(stdout(&out).contains("members: 300\n"));
    // An existing file is never replaced.
    let out = capmatrix(&db, &["backup", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"));

    // The same for an export: the old file stays whole.
    let csv = tmp.path("team.csv");
    std::fs::write(&csv, "keep me").unwrap();
    let script = format!(
        "trap '' XFSZ; ulimit -f 64; exec \"$CM\" --db \"$DB\" export {}",
        csv.display()
    );
    let out = sh(&script, &db);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "keep me");
}

#[test]
fn check_reports_a_missing_empty_or_cut_short_file_and_creates_nothing() {
    let tmp = Tmp::new();
    let db = tmp.db();
    demo(&db, "50");
    let out = capmatrix(&db, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let out = capmatrix(&missing, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("there is no database here; nothing was created"));
    assert!(files_in(dir.path()).is_empty());

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let out = capmatrix(&empty, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the file is empty"),
        "{}",
        stderr(&out)
    );
    assert_eq!(files_in(dir.path()), ["empty.db"]);
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);

    let bytes = std::fs::read(&db).unwrap();
    let cut = dir.path().join("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = capmatrix(&cut, &["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the database is damaged (the file is cut short"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(files_in(dir.path()), ["cut.db", "empty.db"]);
}

#[test]
fn messages_name_the_real_cause() {
    let tmp = Tmp::new();
    let db = tmp.db();
    demo(&db, "3");
    // A lock file that cannot be created (here: a folder in its place; in a read-only folder
    // the reason is "permission denied").
    let blocked = tmp.path("blocked.db");
    std::fs::create_dir(tmp.path("blocked.db.lock")).unwrap();
    let out = capmatrix(&blocked, &["demo"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with(&format!(
            "capmatrix: cannot create the lock file in {}: ",
            tmp.dir.path().display()
        )),
        "{err}"
    );

    // A file marked read-only: readers work and say so; writes are refused.
    let ro = tmp.path("ro.db");
    std::fs::copy(&db, &ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = capmatrix(&ro, &["info"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("writable: no (the file is read-only)"));
    let out = capmatrix(&ro, &["demo", "--members", "2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("read"), "{}", stderr(&out));
    let out = capmatrix(&db, &["info"]);
    assert!(stdout(&out).contains("writable: yes"));

    // A read-only folder, where the permission is real (not for root, who may write anyway).
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| stdout(&o).trim() == "0")
        .unwrap_or(true);
    if !is_root {
        let ro_dir = tmp.path("ro-dir");
        std::fs::create_dir(&ro_dir).unwrap();
        std::fs::set_permissions(&ro_dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        let out = capmatrix(&ro_dir.join("new.db"), &["demo"]);
        assert!(
            stderr(&out).contains("cannot create the lock file in")
                && stderr(&out).contains("permission denied"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn demo_and_import_refuse_impossible_arguments() {
    let tmp = Tmp::new();
    let db = tmp.db();
    for n in ["0", "1000001"] {
        let out = capmatrix(&db, &["demo", "--members", n]);
        assert_eq!(out.status.code(), Some(2), "{n}");
        assert!(stderr(&out).contains("--members"), "{}", stderr(&out));
    }
    let file = tmp.path("t.csv");
    std::fs::write(&file, "Member,Testing\nAnn,Working\n").unwrap();
    let out = capmatrix(&db, &["import", file.to_str().unwrap(), "--team", " "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--team needs a team name"));
    let info = stdout(&capmatrix(&db, &["info"]));
    assert!(info.contains("members: 0\n"), "{info}");
}

#[test]
fn export_picks_the_type_from_the_extension_and_refuses_others_by_name() {
    let tmp = Tmp::new();
    let db = tmp.db();
    demo(&db, "3");
    for name in ["team.xls", "team.pdf", "team"] {
        let target = tmp.path(name);
        let out = capmatrix(&db, &["export", target.to_str().unwrap()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains(".csv, .txt, .xlsx, .parquet, .svg or .png"),
            "{err}"
        );
        assert!(!target.exists());
    }
    for name in ["team.CSV", "team.txt", "team.XLSX", "team.Parquet"] {
        let out = capmatrix(&db, &["export", tmp.path(name).to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
}

#[test]
fn every_command_ends_quietly_when_its_reader_stops_early() {
    // `export - | head -1` and the like: the output is far bigger than a pipe's buffer.
    let tmp = Tmp::new();
    let db = tmp.db();
    demo(&db, "3000");
    for args in [
        &["gaps", "--all", "--format", "json"][..],
        &[
            "skills",
            "--format",
            "csv",
            "--role-level",
            "Head of data engineering",
        ],
        &["export", "-", "--format", "long"],
        &["export", "-"],
    ] {
        let mut child = spawn(&db, args, false);
        // Read a little, then go, like `| head -1`.
        let mut first = [0u8; 8];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let out = wait_or_kill(child, "a command writing to a closed pipe");
        assert!(
            out.status.code() == Some(0) || out.status.code().is_none(),
            "{args:?}: {:?}",
            out.status
        );
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}

/// Runs capmatrix as an ordinary user: directly when the tests are not root, through
/// `setpriv` (as nobody) when they are, so permissions are real either way. None when neither
/// is possible.
fn as_ordinary_user(db: &Path, args: &[&str]) -> Option<std::process::Output> {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| stdout(&o).trim() == "0");
    let mut cmd = if is_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_capmatrix"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_capmatrix"))
    };
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CAPMATRIX_DB")
        .output()
        .ok()
        .filter(|o| !(is_root && o.status.code() == Some(127)))
}

#[test]
fn someone_elses_file_or_folder_reads_and_says_why_it_cannot_be_written() {
    // A folder others may enter but not write, holding a database they may read.
    let base = tempfile::Builder::new()
        .prefix("capmatrix-perm")
        .tempdir_in("/tmp")
        .unwrap();
    let dir = base.path().join("shared");
    std::fs::create_dir(&dir).unwrap();
    let db = dir.join("team.db");
    demo(&db, "5");
    for p in [base.path(), dir.as_path()] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    for f in std::fs::read_dir(&dir).unwrap() {
        let f = f.unwrap().path();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| stdout(&o).trim() == "0");
    if !is_root {
        // Not root: the owner can write; make the folder and file read-only instead.
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let Some(out) = as_ordinary_user(&db, &["info"]) else {
        eprintln!("skipped: cannot run as an ordinary user here");
        return;
    };
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let info = stdout(&out);
    assert!(info.contains("members: 5\n"), "{info}");
    assert!(info.contains("writable: no ("), "{info}");
    // A write says why, in one line, and changes nothing.
    let out = as_ordinary_user(&db, &["demo", "--members", "2"]).unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("permission") || err.contains("read-only"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // A new database in that folder: the lock file cannot be created, said plainly.
    let out = as_ordinary_user(&dir.join("new.db"), &["demo", "--members", "2"]).unwrap();
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "capmatrix: cannot create the lock file in {}: permission denied",
            dir.display()
        )),
        "{err}"
    );
    if !is_root {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn a_reader_reads_one_state_even_across_several_reads() {
    use capmatrix::io::{ExportFormat, ExportOptions, LevelStyle};
    use capmatrix::model::analysis::Scope;
    let tmp = Tmp::new();
    let db = tmp.db();
    demo(&db, "20");
    // The reader loads its snapshot; the lead then changes a rating; the reader's export
    // with history reads the history afterwards, in a second query.
    let reader = Core::open_read_only(&db).unwrap();
    let mut writer = Core::open(&db).unwrap();
    let snap = writer.snapshot().clone();
    let m = snap.all_members()[0];
    let testing = snap.framework.skill_named("Testing").unwrap();
    writer
        .apply(Action::SetRating {
            member: m.id,
            skill: testing,
            level: capmatrix::model::Level::Expert,
            note: "edited while the export ran".into(),
            interested: false,
            on: None,
        })
        .unwrap();
    let target = tmp.path("history.csv");
    capmatrix::transfer::export_file(
        &reader,
        &target,
        ExportOptions {
            scope: Scope::All,
            format: ExportFormat::Long,
            levels: LevelStyle::Names,
            source: Default::default(),
        },
        true,
    )
    .unwrap();
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.lines().count() > 20);
    assert!(
        !text.contains("edited while the export ran"),
        "the history comes from the same state as the snapshot"
    );
    // A reader opened now sees the edit.
    let later = Core::open_read_only(&db).unwrap();
    capmatrix::transfer::export_file(
        &later,
        &target,
        ExportOptions {
            scope: Scope::All,
            format: ExportFormat::Long,
            levels: LevelStyle::Names,
            source: Default::default(),
        },
        true,
    )
    .unwrap();
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("edited while the export ran")
    );
}

#[test]
fn export_into_a_missing_folder_names_the_folder() {
    let tmp = Tmp::new();
    let db = tmp.db();
    demo(&db, "2");
    let target = tmp.path("missing/team.csv");
    let out = capmatrix(&db, &["export", target.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "the folder {} does not exist",
            tmp.path("missing").display()
        )),
        "{err}"
    );
    assert!(
        !err.contains("os error") && !err.contains(".capmatrix-export-"),
        "{err}"
    );
    let out = capmatrix(&db, &["export", tmp.path("ok.csv").to_str().unwrap()]);
    assert!(
        stdout(&out).starts_with("exported 2 rows ("),
        "{}",
        stdout(&out)
    );
}
