//! `replan restore`.

use crate::cli::{Global, RestoreArgs};

use super::Exit;

/// Run `replan restore`.
pub fn run(_args: RestoreArgs, _g: &Global) -> anyhow::Result<Exit> {
    anyhow::bail!("`replan restore` is not implemented yet")
}
