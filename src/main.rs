//! The capmatrix binary: parses arguments, picks the database, runs a command (or, with no
//! command, the desktop app) and turns errors into one line on stderr with exit code 1.
//! Usage errors exit 2 (clap).

use capmatrix::cli::{self, Cli};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = cli::db_path(&cli).and_then(|db| match &cli.command {
        Some(command) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            cli::run(command, &db, &mut out)
        }
        None => capmatrix::app::run_window(&db),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader stopped early (`capmatrix gaps | head`): how pipes end, not an error.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("capmatrix: {e}");
            if matches!(e, capmatrix::Error::Usage(_)) {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
