//! The main screen, headless: one full pass (layout, drawing, tessellation) with the demo data
//! at 100 and at 10,000 members (11 skills, "All teams" shown), their ratio, and the time to
//! open a 10,000-member database into the snapshot. Goals on the 2-core reference machine:
//! ratio at most 1.5, at most 4 ms a frame, open at most 200 ms. Prints figures, asserts
//! nothing.
#![allow(clippy::expect_used)] // a benchmark that cannot set up should stop loudly

use capmatrix::app::CapmatrixApp;
use capmatrix::core::Core;
use capmatrix::ui::Prefs;
use std::path::Path;
use std::time::Instant;

const FRAMES: usize = 200;

fn database(dir: &Path, members: usize) -> std::path::PathBuf {
    let path = dir.join(format!("demo{members}.db"));
    let mut core = Core::open(&path).expect("open");
    capmatrix::demo::add_demo(&mut core, members, (members / 100).max(1), 1).expect("demo");
    path
}

fn input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1400.0, 900.0),
        )),
        ..Default::default()
    }
}

/// Median milliseconds of a full pass after warm-up, the first frame (which builds the view),
/// and the frame right after a rating edit (which rebuilds it).
fn frame_ms(path: &Path) -> (f64, f64, f64) {
    let core = Core::open(path).expect("open");
    let mut app = CapmatrixApp::new(core, Prefs::default());
    app.state_mut().team = None; // All teams: every member in the heatmap.
    let ctx = egui::Context::default();
    let t = Instant::now();
    let out = ctx.run_ui(input(), |ui| app.show(ui));
    let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
    let first = t.elapsed().as_secs_f64() * 1000.0;
    for _ in 0..10 {
        let out = ctx.run_ui(input(), |ui| app.show(ui));
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
    }
    let mut times = Vec::with_capacity(FRAMES);
    for _ in 0..FRAMES {
        let t = Instant::now();
        let out = ctx.run_ui(input(), |ui| app.show(ui));
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    // Frames right after a rating edit: 21 edits on different members, the median.
    let rows = app.visible_rows().to_vec();
    let skill = app
        .core()
        .snapshot()
        .framework
        .skill_named("Testing")
        .expect("skill");
    let mut edits = Vec::new();
    for (i, &member) in rows
        .iter()
        .step_by((rows.len() / 21).max(1))
        .take(21)
        .enumerate()
    {
        app.run(capmatrix::ui::Command::Apply(
            capmatrix::core::Action::SetRating {
                member,
                skill,
                level: capmatrix::model::Level::ALL[i % 5],
                note: String::new(),
                interested: false,
                on: None,
            },
        ));
        let t = Instant::now();
        let out = ctx.run_ui(input(), |ui| app.show(ui));
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
        edits.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    edits.sort_by(f64::total_cmp);
    let after_edit = edits[edits.len() / 2];
    (times[FRAMES / 2], first, after_edit)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let small = database(dir.path(), 100);
    let large = database(dir.path(), 10_000);
    let (small_ms, small_first, small_edit) = frame_ms(&small);
    let (large_ms, large_first, large_edit) = frame_ms(&large);
    println!(
        "main screen, 100 members: {small_ms:.2} ms a frame (first frame {small_first:.1} ms, frame after an edit {small_edit:.2} ms, median of 21)"
    );
    println!(
        "main screen, 10,000 members: {large_ms:.2} ms a frame (first frame {large_first:.1} ms, frame after an edit {large_edit:.2} ms, median of 21; goal < 4 ms)"
    );
    println!(
        "ratio 10,000 / 100: {:.2} (goal <= 1.5); goal <= 4 ms a frame",
        large_ms / small_ms
    );
    {
        use capmatrix::model::analysis::{Scope, analyse_members, scope_members};
        let core = Core::open(&large).expect("open");
        let snap = core.snapshot();
        let t = Instant::now();
        let members = scope_members(snap, Scope::All);
        let ordered = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let analysis = analyse_members(snap, Scope::All, &members);
        let analysed = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let skills = capmatrix::model::analysis::wide_skills(snap, &members);
        let columns = t.elapsed().as_secs_f64() * 1000.0;
        println!(
            "10,000 members: ordering {ordered:.1} ms, gap analysis {analysed:.1} ms ({} skills, {} below role), columns {columns:.1} ms ({} skills)",
            analysis.skills.len(),
            analysis.members_below.len(),
            skills.len()
        );
    }
    let mut opens = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let core = Core::open(&large).expect("open");
        opens.push(t.elapsed().as_secs_f64() * 1000.0);
        drop(core);
    }
    opens.sort_by(f64::total_cmp);
    println!(
        "open the 10,000-member database into the snapshot: {:.1} ms (goal <= 200 ms)",
        opens[2]
    );
}
