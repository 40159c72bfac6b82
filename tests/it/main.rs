//! capmatrix's one integration-test binary: a module per area.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test or benchmark panics

mod cli;
mod core;
mod export;
mod framework;
mod history;
mod import;
mod org;
mod packs;
mod roundtrip;
mod safety;
mod selfassess;
mod skills;
mod store;
mod truth;
mod ui;
mod workbook;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary directory with a database path inside it.
pub struct Tmp {
    pub dir: tempfile::TempDir,
}

impl Tmp {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Tmp {
        Tmp {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    pub fn db(&self) -> PathBuf {
        self.path("test.db")
    }
}

/// Runs the built capmatrix binary with a database and arguments.
pub fn capmatrix(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capmatrix"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CAPMATRIX_DB")
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}
