//! Benchmarks of the core on a 10,000-member database: generating it with `demo`, opening it
//! into the snapshot, and single rating edits with their durable commit. Run with
//! `cargo bench`; prints figures, asserts nothing.
#![allow(clippy::expect_used)] // a benchmark that cannot set up should stop loudly

use capmatrix::core::{Action, Core};
use capmatrix::model::Level;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("bench.db");

    let t = Instant::now();
    let mut core = Core::open(&db).expect("open");
    let summary = capmatrix::demo::add_demo(&mut core, 10_000, 100, 1).expect("demo");
    println!(
        "demo: {} members, {} ratings in {:.0} ms",
        summary.members,
        summary.ratings,
        ms(t.elapsed())
    );
    drop(core);

    let mut opens = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let core = Core::open(&db).expect("open");
        opens.push(ms(t.elapsed()));
        assert_eq!(core.snapshot().member_count(), 10_000);
    }
    opens.sort_by(f64::total_cmp);
    println!(
        "open 10,000-member database into the snapshot: median {:.1} ms",
        opens[2]
    );

    let mut core = Core::open(&db).expect("open");
    let members: Vec<_> = core.snapshot().all_members().iter().map(|m| m.id).collect();
    let skill = core
        .snapshot()
        .framework
        .skill_named("Testing")
        .expect("skill");
    let mut times = Vec::new();
    for (i, &member) in members.iter().step_by(50).enumerate() {
        let level = Level::ALL[i % 5];
        let t = Instant::now();
        core.apply(Action::SetRating {
            member,
            skill,
            level,
            note: String::new(),
            interested: i % 2 == 0,
            on: None,
        })
        .expect("edit");
        times.push(ms(t.elapsed()));
    }
    times.sort_by(f64::total_cmp);
    let n = times.len();
    println!(
        "one rating edit with durable commit (10,000 members, {n} edits): median {:.2} ms, p95 {:.2} ms, max {:.2} ms (goal: well under 10 ms)",
        times[n / 2],
        times[n * 95 / 100],
        times[n - 1]
    );
    let t = Instant::now();
    core.undo().expect("undo");
    println!("undo of one edit: {:.2} ms", ms(t.elapsed()));
    drop(core);
    time_views(dir.path());
}

/// The matrix over time on 10,000 members with 24 months of history: generating it, reading
/// the history, switching the window to an as-of date, and `trend` over 24 months.
fn time_views(dir: &std::path::Path) {
    use capmatrix::model::analysis::{Scope, analyse};
    use capmatrix::model::history::{Every, as_of, period_ends, trend};
    use capmatrix::model::time::{months_before, today};
    let db = dir.join("history.db");
    let t = Instant::now();
    let mut core = Core::open(&db).expect("open");
    let summary =
        capmatrix::demo::add_demo_with_history(&mut core, 10_000, 100, 1, 24).expect("demo");
    let counts = core.counts().expect("counts");
    println!(
        "demo --history-months 24: {} members, {} ratings, {} history entries in {:.0} ms",
        summary.members,
        summary.ratings,
        counts.history,
        ms(t.elapsed())
    );
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut reads = Vec::new();
    let mut timeline = None;
    for _ in 0..5 {
        let t = Instant::now();
        timeline = Some(core.timeline().expect("timeline"));
        reads.push(ms(t.elapsed()));
    }
    let timeline = timeline.expect("timeline");
    println!(
        "read the whole history ({} entries): median {:.0} ms",
        timeline.len(),
        median(reads)
    );
    let team = core.snapshot().teams().next().map(|t| t.id).expect("team");
    let date = months_before(today(), 12);
    for (scope, what) in [
        (Scope::Team(team), "one team of 100"),
        (Scope::All, "all teams"),
    ] {
        let mut switches = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let then = as_of(core.snapshot(), &timeline, date);
            let a = analyse(&then, scope);
            std::hint::black_box(a);
            switches.push(ms(t.elapsed()));
        }
        println!(
            "window switch to as of a year ago ({what}, history read): median {:.0} ms (goal: under 200 ms)",
            median(switches)
        );
    }
    let mut firsts = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let fresh = core.timeline().expect("timeline");
        let then = as_of(core.snapshot(), &fresh, date);
        std::hint::black_box(analyse(&then, Scope::Team(team)));
        firsts.push(ms(t.elapsed()));
    }
    println!(
        "window's first switch to as of a year ago (reading the history too): median {:.0} ms (goal: under 200 ms)",
        median(firsts)
    );
    let dates = period_ends(months_before(today(), 24), today(), Every::Month);
    for (scope, what) in [(Scope::Team(team), "one team"), (Scope::All, "all teams")] {
        let t = Instant::now();
        let tr = trend(core.snapshot(), &timeline, scope, &dates);
        println!(
            "trend over 24 months ({} month ends, {what}, history read): {:.0} ms, {} rows",
            dates.len(),
            ms(t.elapsed()),
            tr.points.len()
        );
    }
    drop(core);
    let db_arg = db.to_str().expect("path");
    for args in [
        vec!["trend", "--every", "month"],
        vec!["trend", "--team", "Data Platform", "--every", "month"],
    ] {
        let mut runs = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_capmatrix"))
                .arg("--db")
                .arg(db_arg)
                .args(&args)
                .args(["--from", &months_before(today(), 24).to_string()])
                .output()
                .expect("run");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            runs.push(ms(t.elapsed()));
        }
        println!(
            "capmatrix {} (whole process, 24 months): median {:.0} ms (goal: under 1 s)",
            args.join(" "),
            median(runs)
        );
    }
}
