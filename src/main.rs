//! Thin binary: parse arguments, run, map the outcome to an exit code. A panic is a
//! bug, but it still ends as exit 2 with a message, never a half-written tree
//! (apply stages everything before it renames).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = replan::cli::Cli::parse();
    malloc_arenas(&cli.command);
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

/// How many glibc malloc arenas the process uses, chosen per command before any
/// thread starts (glibc's default is eight per core). replan's stages hand big
/// buffers between threads: a file read and parsed on one rayon thread, its
/// parts cut and carded on another, the planned tree checked on a third. With
/// many arenas, what one thread frees stays in an arena the next stage does not
/// use, and the process holds it all at once: `migrate --dry-run` of one 50 MB
/// file peaked at 460 MB with glibc's default, 283 MB with two arenas, 275 MB
/// with one; `split` of it 236, 211 and 184 MB. But one arena makes every
/// thread queue on its lock: `check` of a 20 MB tree took 0.84-1.07 s against
/// 0.62 s, `migrate --dry-run` of the real tree 131 ms against 88 ms. So
/// `split`, whose parallel stretches are short, uses one; every other command
/// one per core (two here: `check` 0.63 s, `migrate` of the 50 MB file 283 MB).
/// A user's own `MALLOC_ARENA_MAX` wins.
fn malloc_arenas(command: &replan::cli::Command) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        use replan::cli::Command;
        let arenas = match command {
            Command::Split(_) => 1,
            _ => std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
        };
        let arenas = libc::c_int::try_from(arenas).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets a tuning parameter of the allocator; it is
        // called before any thread is started, and a refusal (0) leaves the
        // default, which is only slower to give memory back.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = command;
}
