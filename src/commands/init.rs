//! `replan init [PATH]`: propose a commented `replan.yaml` from the
//! repository's planning folders and the sizes of their files, then either
//! print it (`--dry-run`) or write it, never over an existing file without
//! `--force`.

use anstyle::AnsiColor;

use super::{config_source, Exit};
use crate::cli::{Global, InitArgs};
use crate::ops::init;
use crate::ops::root::discover;
use crate::ops::ConfigSource;
use crate::render;
use crate::ui::{self, paint};

/// Run `replan init`.
pub fn run(args: InitArgs, g: &Global) -> anyhow::Result<Exit> {
    let root = super::root(g, || discover(&args.path));
    super::announce_root(&root, g);
    let target = g.config.clone().unwrap_or_else(|| root.join("replan.yaml"));
    // Proposed from the built-in rules (or --rules), not from the file being
    // replaced.
    let builtin = ConfigSource {
        file: None,
        ..config_source(g)
    };
    let cfg = crate::ops::load_config(None, &builtin)?;
    let p = init::propose(&root, &target, &cfg, &ui::progress)?;
    for f in &p.found {
        ui::detail(&format!(
            "found {} in {}/ ({} files; {})",
            f.folder.name,
            f.folder.dir,
            f.sizes.files,
            f.folder.evidence.join(", ")
        ));
    }
    let text = render::init::config(&p);
    let shown = target.display();
    if args.dry_run {
        ui::write_stdout(text.as_bytes())?;
        ui::status(&format!("init: would write {shown}; nothing written"));
        return Ok(Exit::Ok);
    }
    if p.exists && !args.force {
        ui::error(&format!(
            "{shown}: is there already; init never replaces it (--force does, --dry-run prints what it would write); nothing written"
        ));
        return Ok(Exit::Failure);
    }
    init::write(&target, &text, args.force)?;
    let found: Vec<String> = p
        .found
        .iter()
        .map(|f| format!("{} in {}/", f.folder.name, f.folder.dir))
        .collect();
    let what = if found.is_empty() {
        "no planning folder found; the built-in folders".to_string()
    } else {
        found.join(", ")
    };
    ui::status(&format!(
        "{} {shown} ({what}); review it, then run `replan check`",
        paint("wrote", AnsiColor::Green, true, true)
    ));
    Ok(Exit::Ok)
}
