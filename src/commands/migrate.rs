//! `replan migrate`: the one-time restructure of a planning folder. Reads the tree,
//! builds one Plan with the restructure planner, then one gate decides between
//! showing it (`--dry-run`, `--format json`) and applying it with a manifest and
//! a journal. `consolidate` runs the same operation.

use super::{restructure, Exit};
use crate::cli::{Global, MigrateArgs};
use crate::ops::fix::Fixes;
use crate::ops::restructure::{Mode, Options};
use crate::ops::root::discover;

/// Run `replan migrate`.
pub fn run(args: MigrateArgs, g: &Global) -> anyhow::Result<Exit> {
    let root = super::root(g, || discover(&args.root));
    let opts = Options {
        command: "migrate",
        root: root.clone(),
        asked: super::asked_below(&root, &args.root),
        mode: if args.dry_run {
            Mode::DryRun
        } else {
            Mode::Apply
        },
        allow_dirty: args.allow_dirty,
        fixes: match (args.fix, args.unsafe_fixes) {
            (false, _) => Fixes::Off,
            (true, false) => Fixes::Safe,
            (true, true) => Fixes::Unsafe,
        },
    };
    restructure(&opts, args.format, g)
}
