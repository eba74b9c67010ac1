//! Counting apply's steps, and the crash tests' hooks on them.

use super::ApplyError;

/// Counts step completions and, in builds for the crash tests only (unit tests,
/// or the `fault-injection` feature the integration tests turn on through the
/// crate's dev-dependency on itself), acts on the environment: after step
/// `REPLAN_FAIL_AFTER` it fails (or with `REPLAN_FAIL_HARD` aborts at once, as a
/// SIGKILL would, leaving temp files and the lock behind); after step
/// `REPLAN_PAUSE_AFTER` it creates `REPLAN_PAUSE_FILE` and waits until that file
/// is removed, so a test can edit the tree mid-run. A user's environment can
/// never make apply fail or wait.
pub(super) struct Steps<'r> {
    done: usize,
    total: usize,
    /// Told `(done, total)` after each step (a progress bar).
    report: &'r dyn Fn(usize, usize),
    fail_after: Option<usize>,
    pause_after: Option<usize>,
}

#[cfg(any(test, feature = "fault-injection"))]
fn env_step(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[cfg(not(any(test, feature = "fault-injection")))]
fn env_step(_name: &str) -> Option<usize> {
    None
}

impl<'r> Steps<'r> {
    pub(super) fn new(total: usize, report: &'r dyn Fn(usize, usize)) -> Steps<'r> {
        Steps {
            done: 0,
            total,
            report,
            fail_after: env_step("REPLAN_FAIL_AFTER"),
            pause_after: env_step("REPLAN_PAUSE_AFTER"),
        }
    }
    pub(super) fn tick(&mut self) -> Result<(), ApplyError> {
        self.done += 1;
        (self.report)(self.done, self.total);
        if self.pause_after == Some(self.done) {
            pause();
        }
        match self.fail_after {
            Some(n) if self.done >= n => {
                if cfg!(any(test, feature = "fault-injection"))
                    && std::env::var_os("REPLAN_FAIL_HARD").is_some()
                {
                    std::process::abort();
                }
                Err(ApplyError::Injected(self.done))
            }
            _ => Ok(()),
        }
    }
}

/// Wait while `REPLAN_PAUSE_FILE` exists (created here); crash-test builds only.
fn pause() {
    #[cfg(any(test, feature = "fault-injection"))]
    if let Some(f) = std::env::var_os("REPLAN_PAUSE_FILE") {
        let f = std::path::PathBuf::from(f);
        if std::fs::write(&f, b"paused").is_ok() {
            while f.exists() {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    }
}
