//! The hint given when no Markdown file is in a plan folder: which folders to
//! try as `plan_dirs`, so a tree laid out differently is not a silent no-op.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Planner;
use crate::config::Config;
use crate::model::Document;
use crate::note::{Note, NoteKind};
use crate::walk::in_archive;

/// Top folders that hold a forge's templates, editor settings or other people's
/// code: never proposed as plan folders.
const NOT_PLANS: &[&str] = &[
    ".github",
    ".gitlab",
    ".vscode",
    ".idea",
    "node_modules",
    "vendor",
    "third_party",
];

/// Files of its own a parent folder needs to be named in place of its child:
/// more than one stray note, and at least half as many as the child holds
/// (`docs/` with two notes beside `docs/design/` with five is not the plans).
const PARENT_OWN_PLANS: usize = 2;

/// Whether a file reads as a plan: a heading that numbers a subphase or a
/// phase, step or milestone, or a task checkbox.
fn reads_as_plan(cfg: &Config, doc: &Document) -> bool {
    let h = &cfg.headings;
    doc.headings.iter().any(|x| {
        h.phased.is_match(x.text())
            || crate::subphase::recognise(x.text(), h, &cfg.environments).is_some_and(|s| !s.bare)
    }) || crate::plan::card::checkboxes(&doc.source.text).1 > 0
}

/// The folders to try as `plan_dirs`, from [`plan_like_folders`].
#[derive(Debug, Default)]
pub struct PlanFolders {
    /// At most three folders, each with how many of its files were weighed.
    pub dirs: Vec<(PathBuf, usize)>,
    /// Whether those are files that read as plans (else no file did, and
    /// every Markdown file was weighed).
    pub read_as_plans: bool,
}

/// The folders to try as `plan_dirs` in a tree where none holds a Markdown
/// file: those holding the most Markdown files outside the archive, counting
/// only files that read as plans when any does. `migrate`'s note and
/// `init`'s commented suggestions name the same folders.
///
/// A folder `skip` says yes to is not chosen (one `init` offers already by
/// its name), so it leaves its place to the next.
pub fn plan_like_folders(
    cfg: &Config,
    docs: &[(PathBuf, Document)],
    skip: &dyn Fn(&Path) -> bool,
) -> PlanFolders {
    let archive_dir = cfg.archive.dir_path();
    let mut by_dir: BTreeMap<&Path, usize> = BTreeMap::new();
    // Folders are weighed by their files that read as plans, when any
    // does: a folder of user guides or of release notes (ARKlab's
    // `src/` held only analyzer release tables) is no plan folder, however
    // many files it has.
    let plan_like: Vec<bool> = docs.iter().map(|(_, d)| reads_as_plan(cfg, d)).collect();
    let any_plan = plan_like.contains(&true);
    let mut weighed: Vec<&Path> = Vec::new();
    for ((rel, _), &plan) in docs.iter().zip(&plan_like) {
        if any_plan && !plan {
            continue;
        }
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy());
        if in_archive(rel)
            || rel.starts_with(&archive_dir)
            || cfg.exclude.is_match(rel)
            || first.is_some_and(|c| NOT_PLANS.contains(&c.as_ref()))
        {
            continue;
        }
        weighed.push(rel);
        // The folder's first two levels: `docs/plans`, `planning`, `.claude/status`.
        let dir = rel.parent().unwrap_or(Path::new(""));
        let top = dir
            .ancestors()
            .find(|a| a.components().count() == 2)
            .unwrap_or(dir);
        if !top.as_os_str().is_empty() {
            *by_dir.entry(top).or_default() += 1;
        }
    }
    // The folders holding the most files themselves come first; one above
    // or below a folder already named is left out, its glob overlapping
    // that one's. Counting only a folder's own files keeps a parent with
    // one stray note (`.cursor/BUGBOT.md`) from hiding the child that
    // holds the plans (`.cursor/plans`), and names the narrower folder, so
    // a migrate run on the hint touches no more than the plans. But a
    // parent that holds about as many files of its own (`tasks/` with four
    // beside `tasks/temporary/` with five) is named instead of its child:
    // the child's glob would leave half the plans out.
    let mut dirs: Vec<(&Path, usize)> = by_dir.iter().map(|(d, n)| (*d, *n)).collect();
    dirs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut chosen: Vec<&Path> = Vec::new();
    for (d, n) in dirs {
        if skip(d) || chosen.iter().any(|c| d.starts_with(c)) {
            continue;
        }
        if chosen.iter().any(|c| c.starts_with(d)) {
            let child = chosen
                .iter()
                .filter(|c| c.starts_with(d))
                .map(|c| by_dir.get(c).copied().unwrap_or(0))
                .max()
                .unwrap_or(0);
            if n >= PARENT_OWN_PLANS && 2 * n >= child {
                // In the place of its first child, the others dropped.
                let mut kept = false;
                chosen.retain_mut(|c| {
                    if !c.starts_with(d) {
                        return true;
                    }
                    *c = d;
                    !std::mem::replace(&mut kept, true)
                });
            }
            continue;
        }
        if chosen.len() < 3 {
            chosen.push(d);
        }
    }
    let dirs = chosen
        .into_iter()
        .map(|d| {
            let n = weighed.iter().filter(|r| r.starts_with(d)).count();
            (d.to_path_buf(), n)
        })
        .collect();
    PlanFolders {
        dirs,
        read_as_plans: any_plan,
    }
}

impl Planner<'_, '_> {
    /// When no file is in a plan folder, say so and name the folders that hold
    /// the most Markdown files outside the archive, as `plan_dirs` to try:
    /// otherwise a tree laid out as `planning/` or `docs/plans/` gets a silent
    /// "would change 0".
    pub(super) fn no_plan_dirs_note(&self) -> Option<Note> {
        if self.docs.iter().any(|(rel, _)| self.in_plan_dir(rel)) {
            return None;
        }
        // The folder the user named (`migrate docs/development/plans`) is
        // the one they mean: it alone is proposed when it holds Markdown (the
        // folders most full of it were a project's 85 architecture docs).
        let asked = self.inp.asked.filter(|a| {
            self.docs
                .iter()
                .any(|(rel, _)| rel.starts_with(a) && !self.archived(rel))
        });
        let chosen: Vec<PathBuf> = match asked {
            Some(a) => vec![a.to_path_buf()],
            None => plan_like_folders(self.cfg, self.docs, &|_| false)
                .dirs
                .into_iter()
                .map(|(d, _)| d)
                .collect(),
        };
        let globs: Vec<String> = chosen
            .iter()
            .map(|d| {
                let d = d.display().to_string().replace('\\', "/");
                format!("'{}/**'", globset::escape(&d))
            })
            .collect();
        let configured = self.cfg.plan_dirs.sources().join(", ");
        if let Some(a) = asked {
            return Some(Note::new(
                NoteKind::NothingToRestructure,
                "",
                format!(
                    "{} is not under plan_dirs ({configured}), and no Markdown file is; \
                     nothing to restructure. To restructure it, set plan_dirs in \
                     replan.yaml: `plan_dirs: [{}]`",
                    a.display(),
                    globs.join(", ")
                ),
            ));
        }
        Some(Note::new(
            NoteKind::NothingToRestructure,
            "",
            if globs.is_empty() {
                format!(
                    "no Markdown file is under plan_dirs ({configured}); nothing to restructure"
                )
            } else {
                format!(
                    "no Markdown file is under plan_dirs ({configured}); nothing to restructure. \
                 To restructure other folders, set plan_dirs in replan.yaml, e.g. \
                 `plan_dirs: [{}]`",
                    globs.join(", ")
                )
            },
        ))
    }
}
