//! No lost edit, ever: one run at a time, an edit made while a run applies is
//! kept, a plan of any size fits in a few descriptors, and a run killed at any
//! step leaves nothing that `restore` or a re-run does not clean up. These drive
//! the binary built with the `fault-injection` feature (see `src/apply/steps.rs`).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

const EPOCH: &str = "1700000000";

/// A small tree: a plan with three subphases (so it is split), and a status file
/// linking into it (so it is rewritten).
fn small_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join(".claude/plans/p");
    let status = dir.path().join(".claude/status");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::create_dir_all(&status).unwrap();
    let mut plan = String::from("# Phase 3\n\n");
    for k in 1..=3 {
        plan.push_str(&format!("## Phase 3.{k}: Step {k}\n\nDo step {k}.\n\n"));
    }
    std::fs::write(plans.join("phase-3.md"), plan).unwrap();
    std::fs::write(
        status.join("brief.md"),
        "# Brief\n\nNext: [step 2](../plans/p/phase-3.md#phase-32-step-2).\n",
    )
    .unwrap();
    dir
}

/// Start `replan <args> <root>` in the background, paused after apply step `n`.
/// Returns the child once it is paused, and the file that holds it.
fn start_paused(args: &[&str], root: &Path, n: usize) -> Option<(Child, std::path::PathBuf)> {
    let pause = root.with_extension("pause");
    let mut child = Command::new(replan_bin())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("REPLAN_PAUSE_AFTER", n.to_string())
        .env("REPLAN_PAUSE_FILE", &pause)
        .args(args)
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Not a timing assertion: a guard so a run that ends before step `n` (or a
    // broken hook) fails the test instead of hanging it.
    let start = Instant::now();
    while !pause.exists() {
        if let Some(_status) = child.try_wait().unwrap() {
            return None; // finished before step n
        }
        assert!(start.elapsed() < Duration::from_secs(120), "never paused");
        std::thread::sleep(Duration::from_millis(10));
    }
    Some((child, pause))
}

fn resume(mut child: Child, pause: &Path) -> (Option<i32>, String) {
    std::fs::remove_file(pause).unwrap();
    let out = std::mem::take(&mut child.stderr);
    let status = child.wait().unwrap();
    let mut err = String::new();
    if let Some(mut e) = out {
        use std::io::Read;
        let _ = e.read_to_string(&mut err);
    }
    (status.code(), err)
}

#[test]
fn a_second_run_waits_then_refuses_naming_the_holder_and_writes_nothing() {
    let dir = small_tree();
    let root = dir.path();
    let before = snapshot_tree(root);
    let lock = std::fs::File::create(root.join(".replan.lock")).unwrap();
    lock.lock().unwrap();
    std::fs::write(root.join(".replan.lock"), "pid 4242 (migrate) since then\n").unwrap();
    for cmd in ["migrate", "consolidate", "restore"] {
        let out = replan().arg(cmd).arg(root).assert().code(2);
        let err = stderr_of(&out);
        assert!(
            err.contains("holds the lock") && err.contains("pid 4242"),
            "{cmd}: {err}"
        );
    }
    // Showing a plan takes no lock.
    replan()
        .args(["migrate", "--dry-run"])
        .arg(root)
        .assert()
        .success();
    drop(lock);
    std::fs::remove_file(root.join(".replan.lock")).unwrap();
    assert_eq!(snapshot_tree(root), before);
}

#[test]
fn restore_during_a_paused_migrate_waits_its_turn_and_loses_nothing() {
    let dir = small_tree();
    let root = dir.path();
    let before = snapshot(root);
    let (child, pause) = start_paused(&["migrate"], root, 6).expect("pauses at step 6");
    // Restore must not touch the journal of a run in flight.
    let out = replan().arg("restore").arg(root).assert().code(2);
    let err = stderr_of(&out);
    assert!(err.contains("holds the lock"), "{err}");
    let (code, err) = resume(child, &pause);
    assert_eq!(code, Some(0), "{err}");
    replan().arg("restore").arg(root).assert().success();
    assert_eq!(snapshot(root), before);
}

#[test]
fn an_edit_made_while_migrate_applies_is_never_lost() {
    let probe = small_tree();
    let total = {
        let out = replan()
            .args(["migrate", "--dry-run", "--format", "json"])
            .arg(probe.path())
            .assert()
            .success();
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let n = |k: &str| v["summary"][k].as_u64().unwrap() as usize;
        // Staged writes (manifest included), archive copies, renames, removals.
        2 * (n("created") + n("modified") + 1) + 2 * n("moved")
    };
    assert!(total >= 10, "{total} steps");
    for n in 1..total {
        let dir = small_tree();
        let root = dir.path();
        let brief = root.join(".claude/status/brief.md");
        let Some((child, pause)) = start_paused(&["migrate"], root, n) else {
            continue;
        };
        let mut text = std::fs::read_to_string(&brief).unwrap();
        text.push_str(&format!("\nA note the user wrote at step {n}.\n"));
        std::fs::write(&brief, &text).unwrap();
        let (code, err) = resume(child, &pause);
        let now = std::fs::read_to_string(&brief).unwrap();
        assert!(
            now.contains(&format!("at step {n}.")),
            "step {n}: edit lost\n{err}"
        );
        match code {
            Some(0) => {}
            Some(2) => {
                assert!(err.contains("edited while replan ran"), "step {n}: {err}");
                // Finishing the run keeps the edit, and says so.
                let out = replan().arg("migrate").arg(root).assert().success();
                let err = stderr_of(&out);
                assert!(err.contains("kept as it is"), "step {n}: {err}");
                let now = std::fs::read_to_string(&brief).unwrap();
                assert!(
                    now.contains(&format!("at step {n}.")),
                    "step {n}: lost on re-run"
                );
            }
            other => panic!("step {n}: exit {other:?}\n{err}"),
        }
    }
}

#[cfg(unix)]
#[test]
fn two_thousand_new_files_fit_in_sixty_four_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join(".claude/plans/big");
    std::fs::create_dir_all(&plans).unwrap();
    let mut plan = String::from("# Phase 1\n\n");
    for k in 1..=2000 {
        plan.push_str(&format!("## Phase 1.{k}: Step {k}\n\nDo step {k}.\n\n"));
    }
    std::fs::write(plans.join("phase-1.md"), plan).unwrap();
    // Each step is a heading and one line: with no sliver floor, one file each.
    std::fs::write(dir.path().join("replan.yaml"), "budgets: { floor: 0 }\n").unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" migrate \"$1\"")
        .arg(replan_bin())
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parts = std::fs::read_dir(&plans).unwrap().count();
    assert!(parts >= 2000, "{parts} files");
}

/// Kill `migrate` (an abort: no destructor runs, as with SIGKILL) after step `n`.
fn kill_migrate_after(root: &Path, n: usize) -> bool {
    let out = replan()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("REPLAN_FAIL_AFTER", n.to_string())
        .env("REPLAN_FAIL_HARD", "1")
        .arg("migrate")
        .arg(root)
        .output()
        .unwrap();
    !out.status.success()
}

#[test]
fn after_a_kill_at_any_step_restore_gives_the_tree_back_and_a_rerun_finishes_it() {
    let clean = small_tree();
    let before = snapshot_tree(clean.path());
    replan()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .arg("migrate")
        .arg(clean.path())
        .assert()
        .success();
    let want = snapshot_tree(clean.path());
    let mut killed = 0;
    for n in 1..200 {
        let undo = small_tree();
        if !kill_migrate_after(undo.path(), n) {
            break; // the run ended before step n
        }
        killed += 1;
        replan().arg("restore").arg(undo.path()).assert().success();
        assert_eq!(
            snapshot_tree(undo.path()),
            before,
            "restore after a kill at {n}"
        );
        let redo = small_tree();
        assert!(kill_migrate_after(redo.path(), n));
        replan()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .arg("migrate")
            .arg(redo.path())
            .assert()
            .success();
        assert_eq!(
            snapshot_tree(redo.path()),
            want,
            "re-run after a kill at {n}"
        );
    }
    assert!(killed >= 10, "{killed} kill points");
}

#[test]
fn a_work_tree_git_refuses_to_read_stops_migrate_with_nothing_written() {
    let dir = small_tree();
    let root = dir.path();
    let outside = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true);
    if !outside {
        return; // the temp folder sits in a real work tree: nothing to simulate
    }
    // A `.git` git will not read, as with another user's checkout.
    std::fs::create_dir(root.join(".git")).unwrap();
    let before = snapshot_tree(root);
    let out = replan().arg("migrate").arg(root).assert().code(2);
    let err = stderr_of(&out);
    assert!(err.contains("looks like a git work tree"), "{err}");
    assert_eq!(snapshot_tree(root), before);
    // The way out it names works.
    replan()
        .args(["migrate", "--allow-dirty"])
        .arg(root)
        .assert()
        .success();
}

#[test]
fn dry_run_shows_the_refusal_a_real_run_would_make() {
    let dir = small_tree();
    let root = dir.path();
    std::fs::write(
        root.join("replan.yaml"),
        "archive:\n  dir: ../elsewhere/original-phases\n",
    )
    .unwrap();
    let before = snapshot_tree(root);
    for args in [
        &["migrate", "--dry-run"][..],
        &["consolidate", "--check"][..],
    ] {
        let out = replan().args(args).arg(root).assert().code(2);
        let err = stderr_of(&out);
        assert!(err.contains("leaves the root"), "{args:?}: {err}");
    }
    let out = replan().arg("migrate").arg(root).assert().code(2);
    let err = stderr_of(&out);
    assert!(err.contains("leaves the root"), "{err}");
    assert_eq!(snapshot_tree(root), before);
}

#[test]
fn restore_keeps_a_manifest_that_was_there_before_with_no_run() {
    let dir = small_tree();
    let root = dir.path();
    let manifest = root.join(".claude/archive/replan-manifest.json");
    std::fs::create_dir_all(manifest.parent().unwrap()).unwrap();
    std::fs::write(&manifest, "{ \"version\": 1, \"runs\": [] }\n").unwrap();
    let before = snapshot_tree(root);
    replan()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .arg("migrate")
        .arg(root)
        .assert()
        .success();
    assert_ne!(snapshot_tree(root), before);
    replan().arg("restore").arg(root).assert().success();
    assert_eq!(snapshot_tree(root), before);
}

#[test]
fn a_disk_too_full_for_the_run_stops_it_with_nothing_written() {
    let dir = small_tree();
    let root = dir.path();
    let before = snapshot_tree(root);
    for cmd in ["migrate", "consolidate"] {
        let out = replan()
            .env("REPLAN_FREE_BYTES", "4096")
            .arg(cmd)
            .arg(root)
            .assert()
            .code(2);
        let err = stderr_of(&out);
        assert!(err.contains("not enough free space"), "{cmd}: {err}");
        // Not even the journal, the archive folder or the lock is left.
        assert_eq!(snapshot_tree(root), before, "{cmd}");
    }
}

#[cfg(unix)]
#[test]
fn a_linked_plan_folder_is_not_followed_and_says_why() {
    let real = small_tree();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".claude")).unwrap();
    std::os::unix::fs::symlink(
        real.path().join(".claude/plans"),
        dir.path().join(".claude/plans"),
    )
    .unwrap();
    let before = snapshot_tree(real.path());
    let out = replan().arg("migrate").arg(dir.path()).assert().success();
    let err = stderr_of(&out);
    assert!(err.contains(".claude/plans: is a symbolic link"), "{err}");
    assert_eq!(snapshot_tree(real.path()), before);
}
