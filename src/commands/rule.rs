//! `replan rule [ID]`: a check rule's documentation (default severity, what it
//! reports, the settings that tune it and where they are documented, an example),
//! or with no id (or `--all`) every rule on a line. An unknown id exits 2 with
//! the ids it was probably meant to be.

use super::Exit;
use crate::cli::{DocFormat, RuleArgs};
use crate::ops::rule::{self, Report};
use crate::render::{json, rule as out};
use crate::ui;

/// Run `replan rule`.
pub fn run(args: RuleArgs) -> anyhow::Result<Exit> {
    // `--all` conflicts with an id, so it needs no case of its own.
    let as_json = args.format == DocFormat::Json;
    let text = match rule::run(args.id.as_deref()) {
        Report::Unknown { id, suggestions } => {
            ui::error(&out::unknown(&id, &suggestions));
            return Ok(Exit::Failure);
        }
        Report::One(r) if as_json => json::rules([r]),
        Report::One(r) => out::text(r),
        Report::All(all) if as_json => json::rules(all),
        Report::All(all) => out::list(all),
    };
    ui::write_stdout(text.as_bytes())?;
    Ok(Exit::Ok)
}
