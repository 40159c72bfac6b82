//! What the whole-process benchmarks share: running the built binary, timing it, medians.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Runs a command to completion and returns its wall time in ms; a failure stops the
/// benchmark with the command's stderr.
pub fn run(cmd: &mut Command) -> f64 {
    let t = Instant::now();
    let out = cmd.output().expect("run");
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    ms
}

/// The middle value (the upper one of an even count).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The built capmatrix on a database, with the environment's default database unset.
pub fn capmatrix(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_capmatrix"));
    c.arg("--db").arg(db).env_remove("CAPMATRIX_DB");
    c
}
