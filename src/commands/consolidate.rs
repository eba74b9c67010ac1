//! `replan consolidate`.

use crate::cli::{ConsolidateArgs, Global};

use super::Exit;

/// Run `replan consolidate`.
pub fn run(_args: ConsolidateArgs, _g: &Global) -> anyhow::Result<Exit> {
    anyhow::bail!("`replan consolidate` is not implemented yet")
}
