//! Thin binary: parse arguments, run, map the outcome to an exit code. A panic is a
//! bug, but it still ends as exit 2 with a message, never a half-written tree
//! (apply stages everything before it renames).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    one_malloc_arena();
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

/// One glibc malloc arena for the whole process, not one per thread. replan's
/// stages hand big buffers between threads: a file read and parsed on one
/// rayon thread, its parts cut and carded on another, the planned tree checked
/// on a third. With an arena per thread, what one thread frees stays in its
/// arena, unusable by the next stage on another thread, and the process held
/// it all at once: `migrate --dry-run` of one 50 MB file peaked at 460 MB, 347
/// MB with one arena (the same as `MALLOC_ARENA_MAX=1`). Small allocations
/// still take no lock (glibc's per-thread caches serve them), and `check` of a
/// 20 MB tree took the same CPU time either way. A user's own
/// `MALLOC_ARENA_MAX` wins.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a tuning parameter of the allocator; it is
        // called before any thread is started, and a refusal (0) leaves the
        // default, which is only slower to give memory back.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
    }
}
