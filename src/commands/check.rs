//! `replan check`.

use crate::cli::{CheckArgs, Global};

use super::Exit;

/// Run `replan check`.
pub fn run(_args: CheckArgs, _g: &Global) -> anyhow::Result<Exit> {
    anyhow::bail!("`replan check` is not implemented yet")
}
