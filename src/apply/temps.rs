//! The names of a run's temp files, and removing the ones a killed run left.
//!
//! Apply stages each new file as `.replan-<run>-<n>.tmp` beside its target,
//! where `<n>` is the op's index in the plan and `<run>` the plan's
//! fingerprint ([`run_id`]); the journal is written through
//! `.replan-<run>-journal.tmp`. The journal holds the plan and records its run
//! id, so recovery knows every name a run could have left: those of the plan
//! (finishing it names its files alike) and of its inverse (undoing it), and
//! removes exactly those, plus the random `.replan-XXXXXX.tmp` names of
//! versions before this scheme, found by a scan of the folders the plan
//! touches. Nothing else is ever removed: a user's own `.replan-notes.tmp`, or
//! the temp file of another run, stays.

use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::tree::{split, Tree};
use crate::plan::{Op, Plan};

/// The id in a run's temp names: the first 12 hex digits of a sha256 over the
/// plan's ops (its root left out, as a journal is read under any root). The
/// same plan always gets the same id, so a run that finishes or undoes an
/// interrupted one stages under names recovery can derive from the journal.
pub fn run_id(plan: &Plan) -> String {
    let mut h = Sha256::new();
    let mut field = |b: &[u8]| {
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    };
    for op in &plan.ops {
        match op {
            Op::Create { path, contents } => {
                field(b"create");
                field(path.as_os_str().as_encoded_bytes());
                field(contents.as_bytes());
            }
            Op::Modify { path, old, new } => {
                field(b"modify");
                field(path.as_os_str().as_encoded_bytes());
                field(old.as_bytes());
                field(new.as_bytes());
            }
            Op::Move { from, to, contents } => {
                field(b"move");
                field(from.as_os_str().as_encoded_bytes());
                field(to.as_os_str().as_encoded_bytes());
                field(contents.as_bytes());
            }
            Op::Delete { path, old } => {
                field(b"delete");
                field(path.as_os_str().as_encoded_bytes());
                field(old.as_bytes());
            }
        }
    }
    h.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The temp name op `n` of run `run` stages its file under.
pub fn name(run: &str, n: usize) -> OsString {
    format!(".replan-{run}-{n}.tmp").into()
}

/// The temp name the journal of run `run` is written through.
pub fn journal_name(run: &str) -> OsString {
    format!(".replan-{run}-journal.tmp").into()
}

/// A temp name of a version before this scheme: `tempfile`'s six random
/// letters and digits.
fn is_legacy(name: &OsStr) -> bool {
    let Some(n) = name.to_str() else {
        return false;
    };
    n.strip_prefix(".replan-")
        .and_then(|r| r.strip_suffix(".tmp"))
        .is_some_and(|r| r.len() == 6 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The root-relative temp paths applying `plan` can stage: one beside each
/// written file and archive copy.
pub fn staged(plan: &Plan) -> Vec<PathBuf> {
    let run = run_id(plan);
    plan.ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Delete { .. }))
        .map(|(n, op)| split(op.path()).0.join(name(&run, n)))
        .collect()
}

/// The folders of every path `plan` reads or writes (a move's both ends).
fn touched_dirs(plan: &Plan) -> BTreeSet<PathBuf> {
    let mut dirs = BTreeSet::new();
    for op in &plan.ops {
        dirs.insert(split(op.path()).0.to_path_buf());
        if let Op::Move { from, .. } = op {
            dirs.insert(split(from).0.to_path_buf());
        }
    }
    dirs.insert(PathBuf::new());
    dirs
}

/// Remove the temp files a killed run of the journaled `plan` (journal at
/// root-relative `jrel`) left: those named from it or its inverse, and legacy
/// random ones in the folders it touches. Regular files only, through folders
/// opened without following links; a folder that cannot be opened is skipped
/// (apply refuses it anyway). Only called with the tree's lock held and the
/// journal in hand, so no run's staged file is in flight.
pub fn remove(root: &Path, plan: &Plan, jrel: &Path) {
    let Ok(tree) = Tree::open(root) else {
        return;
    };
    let inverse = super::journal::inverse(plan);
    let jdir = split(jrel).0;
    let mut named = staged(plan);
    named.extend(staged(&inverse));
    for run in [run_id(plan), run_id(&inverse)] {
        named.push(jdir.join(journal_name(&run)));
    }
    for t in &named {
        let (dir, n) = split(t);
        if let Ok(Some(d)) = tree.dir(dir) {
            if d.is_file(n) {
                let _ = d.remove_file(n);
            }
        }
    }
    let mut dirs = touched_dirs(plan);
    dirs.insert(jdir.to_path_buf());
    for dir in dirs {
        let Ok(Some(d)) = tree.dir(&dir) else {
            continue;
        };
        for n in d.names().unwrap_or_default() {
            if is_legacy(&n) && d.is_file(&n) {
                let _ = d.remove_file(&n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_id_is_stable_and_names_its_plan() {
        let mut a = Plan::new("/one");
        a.ops.push(Op::create("x.md", "x"));
        let mut b = Plan::new("/two");
        b.ops.push(Op::create("x.md", "x"));
        assert_eq!(run_id(&a), run_id(&b));
        assert_eq!(run_id(&a).len(), 12);
        b.ops[0] = Op::create("x.md", "y");
        assert_ne!(run_id(&a), run_id(&b));
        // Fields cannot run into each other.
        let mut c = Plan::new("/");
        c.ops.push(Op::create("x.m", "dx"));
        assert_ne!(run_id(&a), run_id(&c));
        assert_eq!(name("abc", 7), ".replan-abc-7.tmp");
    }

    #[test]
    fn legacy_names_are_tempfiles_random_ones_only() {
        for (n, want) in [
            (".replan-a1B2c3.tmp", true),
            (".replan-notes.tmp", false),
            (".replan-0123456789ab-3.tmp", false),
            ("replan-a1B2c3.tmp", false),
            (".replan-a1B2c3.tmp.bak", false),
        ] {
            assert_eq!(is_legacy(OsStr::new(n)), want, "{n}");
        }
    }

    #[test]
    fn removes_exactly_the_runs_temps_and_legacy_ones() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("p")).unwrap();
        std::fs::create_dir_all(root.join("arch")).unwrap();
        let mut plan = Plan::new(root);
        plan.ops.push(Op::create("p/a.md", "a"));
        plan.ops.push(Op::modify("s.md", "o", "n"));
        plan.ops.push(Op::moved("p/o.md", "arch/o.md", "o"));
        let jrel = Path::new("arch/j.json");
        let run = run_id(&plan);
        let inv = run_id(&super::super::journal::inverse(&plan));
        let ours = [
            format!("p/.replan-{run}-0.tmp"),
            format!(".replan-{run}-1.tmp"),
            format!("arch/.replan-{run}-2.tmp"),
            format!("arch/.replan-{run}-journal.tmp"),
            // The undo's: the inverse moves arch/o.md back to p/o.md (op 0).
            format!("p/.replan-{inv}-0.tmp"),
            "p/.replan-x1Y2z3.tmp".into(),
        ];
        let theirs = [
            "p/.replan-notes.tmp",
            "p/.replan-0123456789ab-0.tmp",
            "p/a.md",
        ];
        for f in ours.iter().map(String::as_str).chain(theirs) {
            std::fs::write(root.join(f), "t").unwrap();
        }
        remove(root, &plan, jrel);
        for f in ours {
            assert!(!root.join(&f).exists(), "{f} left");
        }
        for f in theirs {
            assert!(root.join(f).exists(), "{f} removed");
        }
    }
}
