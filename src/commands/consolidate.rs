//! `replan consolidate`: the repeatable run. The same operation as `migrate` over
//! the tree as it is now; right after a migrate the plan is empty.

use super::{restructure, Exit};
use crate::cli::{ConsolidateArgs, Global};
use crate::ops::restructure::{Mode, Options};
use crate::ops::root::discover;

/// Run `replan consolidate`.
pub fn run(args: ConsolidateArgs, g: &Global) -> anyhow::Result<Exit> {
    let mode = if args.check {
        Mode::Check
    } else if args.dry_run {
        Mode::DryRun
    } else {
        Mode::Apply
    };
    let root = super::root(g, || discover(&args.root));
    let opts = Options {
        command: "consolidate",
        root: root.clone(),
        asked: super::asked_below(&root, &args.root),
        mode,
        allow_dirty: args.allow_dirty,
        fixes: crate::ops::fix::Fixes::Off,
    };
    restructure(&opts, args.format, g)
}
