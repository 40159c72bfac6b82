//! Organisation scale, whole process where a person waits for a command: `demo` at 10,000 and
//! 100,000 members (linear?), `info` on 100,000 members (goal under 100 ms), opening the
//! 100,000-member snapshot (goal under 300 ms), `export` of 100,000 members as Parquet against
//! CSV (goal within 2x), and `rollup` of 500 team files of 20 members (goal under 10 s).
//! Prints medians, asserts nothing.
#![allow(clippy::expect_used)] // a benchmark that cannot set up should stop loudly

mod common;
use common::{capmatrix, median, run};

use capmatrix::core::Core;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = |name: &str| dir.path().join(name);

    let small =
        run(capmatrix(&p("demo10k.db")).args(["demo", "--members", "10000", "--teams", "500"]));
    let big = p("demo100k.db");
    let large = run(capmatrix(&big).args(["demo", "--members", "100000", "--teams", "5000"]));
    println!(
        "demo: 10,000 members {small:.0} ms, 100,000 members {large:.0} ms ({:.1}x for 10x the members)",
        large / small
    );

    let info = median((0..5).map(|_| run(capmatrix(&big).arg("info"))).collect());
    println!("info on 100,000 members (whole process): {info:.0} ms (goal < 100 ms)");

    snapshot_figures(&big);
    if std::env::var_os("ORG_BENCH_SNAPSHOT_ONLY").is_some() {
        return;
    }
    org_exports_and_rollup(dir.path(), &big);
}

/// Loading the 100,000-member snapshot, and the window's whole open.
fn snapshot_figures(big: &Path) {
    let mut loads = Vec::new();
    let mut opens = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let store = capmatrix::store::Store::open_read_only(big).expect("open");
        let snapshot = store.load().expect("load");
        loads.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(snapshot.member_count(), 100_000);
        drop(snapshot);
        let t = Instant::now();
        let core = Core::open(big).expect("open");
        opens.push(t.elapsed().as_secs_f64() * 1000.0);
        drop(core);
    }
    println!(
        "100,000 members: snapshot loaded {:.0} ms (goal < 300 ms); the window's open with its integrity check and lock {:.0} ms",
        median(loads),
        median(opens)
    );
}

/// Exports of 100,000 members (CSV wide and long, Parquet) and the roll-up of 500 files.
fn org_exports_and_rollup(dir: &Path, big: &Path) {
    let p = |name: &str| dir.join(name);
    let (mut csv_wide, mut csv_long, mut parquet) = (vec![], vec![], vec![]);
    for i in 0..3 {
        csv_wide.push(run(capmatrix(big)
            .arg("export")
            .arg(p(&format!("w{i}.csv")))));
        csv_long.push(run(capmatrix(big)
            .args(["export", "--format", "long"])
            .arg(p(&format!("l{i}.csv")))));
        parquet.push(run(capmatrix(big)
            .arg("export")
            .arg(p(&format!("p{i}.parquet")))));
    }
    let (w, l, q) = (median(csv_wide), median(csv_long), median(parquet));
    let size = |f: &str| std::fs::metadata(p(f)).map_or(0, |m| m.len());
    println!(
        "export of 100,000 members: CSV wide {w:.0} ms ({} bytes), CSV long {l:.0} ms ({} bytes), Parquet {q:.0} ms ({} bytes); Parquet / CSV long {:.2} (goal <= 2.0)",
        size("w0.csv"),
        size("l0.csv"),
        size("p0.parquet"),
        q / l
    );

    // 500 team files of 20 members, each its own team.
    let teams = p("teams");
    std::fs::create_dir(&teams).expect("dir");
    let mut files = Vec::new();
    for i in 0..500 {
        let f = teams.join(format!("team{i:03}.db"));
        let mut core = Core::open(&f).expect("open");
        capmatrix::demo::add_demo(&mut core, 20, 1, i as u64 + 1).expect("demo");
        drop(core);
        let conn = rusqlite::Connection::open(&f).expect("sql");
        conn.execute("UPDATE team SET name = ?1", [format!("Team {i:03}")])
            .expect("rename");
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .expect("checkpoint");
        files.push(f);
    }
    let mut times = Vec::new();
    for i in 0..3 {
        let org = p(&format!("org{i}.db"));
        times.push(run(Command::new(env!("CARGO_BIN_EXE_capmatrix"))
            .arg("rollup")
            .arg(&org)
            .args(&files)));
    }
    let first = median(times);
    let again = run(Command::new(env!("CARGO_BIN_EXE_capmatrix"))
        .arg("rollup")
        .arg(p("org0.db"))
        .args(&files));
    println!(
        "rollup of 500 team files x 20 members: {first:.0} ms into a new database, {again:.0} ms again (replacing) (goal < 10 s)"
    );
}
