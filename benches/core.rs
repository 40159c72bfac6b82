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
}
