//! Thin binary: parse arguments, run, map the outcome to an exit code. A panic is a
//! bug, but it still ends as exit 2 with a message, never a half-written tree
//! (apply stages everything before it renames).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    malloc_arenas_per_core();
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

/// As many glibc malloc arenas as threads run at once (the cores), not glibc's
/// default of eight per core. replan's stages hand big buffers between
/// threads: a file read and parsed on one rayon thread, its parts cut and
/// carded on another, the planned tree checked on a third. With many arenas,
/// what one thread frees stays in an arena the next stage does not use, and
/// the process held it all at once: `migrate --dry-run` of one 50 MB file
/// peaked at 460 MB; 275 MB with one arena, 283 MB with two on this 2-core
/// machine. One arena made every thread queue on its lock: `check` of a 20 MB
/// tree took 0.84-1.07 s against 0.62 s, where two arenas take 0.63 s. A
/// user's own `MALLOC_ARENA_MAX` wins.
fn malloc_arenas_per_core() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets a tuning parameter of the allocator; it is
        // called before any thread is started, and a refusal (0) leaves the
        // default, which is only slower to give memory back.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}
