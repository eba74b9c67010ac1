//! `replan consolidate`: the repeatable run. The same planner as `migrate` over the
//! tree as it is now; right after a migrate the plan is empty.

use crate::cli::{ConsolidateArgs, Global};

use super::migrate::{execute, Mode, Options};
use super::Exit;

/// Run `replan consolidate`.
pub fn run(args: ConsolidateArgs, g: &Global) -> anyhow::Result<Exit> {
    let mode = if args.check {
        Mode::Check
    } else if args.dry_run {
        Mode::DryRun
    } else {
        Mode::Apply
    };
    execute(
        &Options {
            command: "consolidate",
            root: args.root,
            mode,
            format: args.format,
            allow_dirty: args.allow_dirty,
        },
        g,
    )
}
