//! `replan migrate`.

use crate::cli::{Global, MigrateArgs};

use super::Exit;

/// Run `replan migrate`.
pub fn run(_args: MigrateArgs, _g: &Global) -> anyhow::Result<Exit> {
    anyhow::bail!("`replan migrate` is not implemented yet")
}
