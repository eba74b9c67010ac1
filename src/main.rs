//! Thin binary: parse arguments, run, map the outcome to an exit code. A panic is a
//! bug, but it still ends as exit 2 with a message, never a half-written tree
//! (apply stages everything before it renames).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = replan::cli::Cli::parse();
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error (a bug in replan, please report it): {info}");
    }));
    match std::panic::catch_unwind(|| replan::commands::run(cli)) {
        Ok(Ok(code)) => ExitCode::from(code as u8),
        Ok(Err(e)) => {
            replan::ui::error(&format!("{e:#}"));
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}
