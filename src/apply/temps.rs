//! The names of a run's temp files.
//!
//! Apply stages each new file as `.replan-<run>-<n>.tmp` beside its target,
//! where `<n>` is the op's index in the plan and `<run>` the plan's
//! fingerprint ([`run_id`]); the journal is written through
//! `.replan-<run>-journal.tmp`.

use std::ffi::OsString;

use sha2::{Digest, Sha256};

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
}
