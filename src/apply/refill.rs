//! Paths a plan empties and fills again, and the rule that a plan touches each
//! path once (or twice as one of those pairs).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::ApplyError;
use crate::plan::{Op, Plan};

/// A path the plan empties and fills again (see the module doc): `old` gives
/// way to `new`. Migrate: a Move takes `old` (the original) away and a Create
/// writes `new` (its first part). Restore: a Delete takes `old` (the part) away
/// and a Move brings `new` (the original) back.
pub(super) struct Refill<'p> {
    pub(super) old: &'p [u8],
    pub(super) new: &'p [u8],
    /// The Move's index in the plan and destination: where migrate's
    /// original is archived (see `archive::unshare`).
    pub(super) moved: (usize, &'p Path),
}

/// The refills of a plan by path. A plan must touch each path once, or twice as
/// one of the two pairs above: ops that each expect the disk as it was before
/// the plan (two Modifies of one file) could never all be applied.
pub(super) fn refills<'p>(plan: &'p Plan) -> Result<HashMap<&'p Path, Refill<'p>>, ApplyError> {
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Touch {
        Create,
        Modify,
        Delete,
        MoveFrom,
        MoveTo,
    }
    let mut touches: HashMap<&Path, Vec<Touch>> = HashMap::new();
    let mut creates: HashMap<&Path, &[u8]> = HashMap::new();
    let mut deletes: HashMap<&Path, &[u8]> = HashMap::new();
    for op in &plan.ops {
        let mut touch = |p: &'p PathBuf, t| touches.entry(p.as_path()).or_default().push(t);
        match op {
            Op::Create { path, contents } => {
                touch(path, Touch::Create);
                creates.insert(path, contents.as_bytes());
            }
            Op::Modify { path, .. } => touch(path, Touch::Modify),
            Op::Delete { path, old } => {
                touch(path, Touch::Delete);
                deletes.insert(path, old.as_bytes());
            }
            Op::Move { from, to, .. } => {
                touch(from, Touch::MoveFrom);
                touch(to, Touch::MoveTo);
            }
        }
    }
    for (path, mut t) in touches {
        t.sort();
        let fine = t.len() == 1
            || t == [Touch::Create, Touch::MoveFrom]
            || t == [Touch::Delete, Touch::MoveTo];
        if !fine {
            return Err(ApplyError::Refused {
                path: path.to_path_buf(),
                reason: "several operations of one plan touch it (a bug in replan)".into(),
            });
        }
    }
    let mut r = HashMap::new();
    for (n, op) in plan.ops.iter().enumerate() {
        if let Op::Move { from, to, contents } = op {
            let moved = (n, to.as_path());
            if let Some(&new) = creates.get(from.as_path()) {
                let old = contents.as_bytes();
                r.insert(from.as_path(), Refill { old, new, moved });
            }
            if let Some(&old) = deletes.get(to.as_path()) {
                let new = contents.as_bytes();
                r.insert(to.as_path(), Refill { old, new, moved });
            }
        }
    }
    Ok(r)
}
