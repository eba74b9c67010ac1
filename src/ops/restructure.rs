//! `migrate` and `consolidate` as one operation: finish (or show) an interrupted
//! run first; otherwise read the tree, plan the restructure, refuse on the
//! planner's errors and on files with uncommitted changes, then apply the plan
//! with a manifest entry and a journal. Nothing is written before every refusal
//! has had its say.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::load;
use super::Progress;
use crate::apply::{self, journal, lock, ApplyOptions};
use crate::config::Config;
use crate::note::{Note, NoteKind};
use crate::plan::conserve::Account;
use crate::plan::restructure::{self, Inputs, Outcome};
use crate::plan::{manifest, Op, Plan};

/// How the run should end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Apply the plan.
    Apply,
    /// Show the plan and write nothing.
    DryRun,
    /// Report whether there is work to do (consolidate --check); write nothing.
    Check,
}

/// Options of a restructure run.
#[derive(Debug, Clone)]
pub struct Options {
    /// `migrate` or `consolidate` (recorded in the manifest).
    pub command: &'static str,
    /// The project's root.
    pub root: PathBuf,
    /// The folder the command was given, relative to the root, when it is
    /// below it: when it is not a planning folder, the hint names it.
    pub asked: Option<PathBuf>,
    /// What to do with the plan.
    pub mode: Mode,
    /// Touch files with uncommitted git changes.
    pub allow_dirty: bool,
    /// Fixes to apply first, in the same plan (`migrate --fix`).
    pub fixes: super::fix::Fixes,
}

/// What a restructure run did or would do.
#[derive(Debug)]
pub enum Report {
    /// The journal of an interrupted run was found; with [`Mode::Apply`] it was
    /// finished, otherwise it is only shown.
    Interrupted {
        /// The command that was interrupted.
        command: String,
        /// Its journaled plan.
        plan: Plan,
        /// Whether it was finished now.
        finished: bool,
        /// Files left as they are because they were edited since it was planned.
        kept: Vec<PathBuf>,
    },
    /// A plan was made (and applied, when `applied`); boxed, as it is
    /// much the bigger of the two.
    Planned(Box<Planned>),
}

/// A planned (and maybe applied) restructure.
#[derive(Debug)]
pub struct Planned {
    /// The planner's result.
    pub outcome: Outcome,
    /// Problems reading the tree; they do not stop the run.
    pub warnings: Vec<String>,
    /// Reasons the plan must not be applied (the planner's, the git guard's).
    pub errors: Vec<Note>,
    /// Whether the plan was applied.
    pub applied: bool,
    /// Markdown files read (the planner's input).
    pub files: usize,
    /// The fixes applied first (`migrate --fix`), part of the plan.
    pub fixes: Vec<crate::fix::Fix>,
    /// One account per original split: what went in, what the parts hold.
    pub conservation: Vec<Account>,
}

/// What the manifest records, for the planner.
struct Recorded {
    text: Option<String>,
    generated: HashMap<PathBuf, String>,
    reading_order: HashMap<PathBuf, usize>,
    split_before: Vec<crate::plan::restructure::SplitBefore>,
}

/// The manifest's text, the generated files it records and the reading order of
/// the parts it put in a folder of their own.
fn read_manifest(root: &Path, cfg: &Config) -> anyhow::Result<Recorded> {
    let rel = Path::new(&cfg.archive.manifest);
    match apply::read_text(root, rel)? {
        Some(t) => {
            let m = manifest::Manifest::parse(&t)
                .map_err(|e| anyhow::anyhow!("{}: not a replan manifest: {e}", rel.display()))?;
            Ok(Recorded {
                generated: m.generated(),
                reading_order: m.reading_order(),
                split_before: m
                    .runs
                    .iter()
                    .flat_map(|r| &r.moved)
                    .map(|f| crate::plan::restructure::SplitBefore {
                        from: f.from.clone(),
                        to: f.to.clone(),
                        parts: f.parts.clone(),
                    })
                    .collect(),
                text: Some(t),
            })
        }
        None => Ok(Recorded {
            text: None,
            generated: HashMap::new(),
            reading_order: HashMap::new(),
            split_before: Vec::new(),
        }),
    }
}

/// A tree read and planned.
#[derive(Debug)]
pub struct Tree {
    /// The planner's result.
    pub outcome: Outcome,
    /// The manifest's text, when there is one.
    pub manifest: Option<String>,
    /// Problems of the walk (links not followed); they do not stop the run.
    pub warnings: Vec<String>,
    /// Files that cannot be read. The planner cannot see their links, so it
    /// cannot tell whether the plan breaks them: the plan must not be applied.
    pub unreadable: Vec<Note>,
    /// Markdown files read.
    pub files: usize,
    /// The fixes applied first (`migrate --fix`), part of the plan.
    pub fixes: Vec<crate::fix::Fix>,
}

/// Plan a restructure of `root`: the tree as it is now, and the manifest's text.
pub fn plan_tree(root: &Path, cfg: &Config, progress: Progress) -> anyhow::Result<Tree> {
    plan_fixed_tree(root, cfg, progress, super::fix::Fixes::Off, None)
}

/// [`plan_tree`] of the tree with `fixes` applied first: the plan holds the
/// fixes (a fixed file is archived as it was read, its parts cut from the fixed
/// text) and [`Tree::fixes`] says which.
pub fn plan_fixed_tree(
    root: &Path,
    cfg: &Config,
    progress: Progress,
    fixes: super::fix::Fixes,
    asked: Option<&Path>,
) -> anyhow::Result<Tree> {
    // The tokenizer's tables take longer to load than the tree to read: start now.
    crate::analysis::encoding(cfg).warm();
    // So do the regexes the stages use: compiled on a thread of their own
    // while the tree is read, parsed and split (see `config::warm`), which
    // stops once the plan is made. A tree without Markdown files needs few of
    // them: there, warming them all only took CPU from the run.
    let walked = load::walk(root, cfg);
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        if !walked.0.is_empty() {
            s.spawn(|| {
                let more: [fn(); 2] =
                    [crate::model::links::mentions::warm, crate::plan::card::warm];
                crate::config::warm::restructure(cfg, &more, &stop)
            });
        }
        let loaded = load::read_walked(walked, progress);
        let tree = plan_loaded_tree(root, cfg, progress, fixes, asked, loaded);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        tree
    })
}

/// [`plan_fixed_tree`] once the tree is read.
fn plan_loaded_tree(
    root: &Path,
    cfg: &Config,
    progress: Progress,
    fixes: super::fix::Fixes,
    asked: Option<&Path>,
    mut loaded: load::Loaded,
) -> anyhow::Result<Tree> {
    let read: usize = loaded.docs.iter().map(|(_, d)| d.source.text.len()).sum();
    if read >= BIG_INPUT {
        keep_big_blocks_out_of_the_heap();
    }
    let (fixed, repaired) = super::fix::repair_tree(root, cfg, &mut loaded.docs, fixes);
    let mut warnings = loaded.walk_warnings;
    warnings.extend(linked_plan_dirs(root, cfg));
    let recorded = read_manifest(root, cfg)?;
    let disk = super::on_disk::OnDisk::new(root);
    let exists = |p: &Path| disk.exists(p);
    // The planner ticks once per file it examines for splitting, its first
    // stage. After the last file the bar would sit full while the rest runs
    // (links, the check of the planned tree, decisions, indexes: seconds on a
    // big tree), so it gives way to a spinner that shows the time spent.
    let total = loaded.docs.len() as u64;
    let pb = progress(Some(total), "planning");
    let after = std::sync::OnceLock::new();
    let tick = || {
        pb.inc(1);
        if pb.position() >= total {
            after.get_or_init(|| {
                pb.finish_and_clear();
                progress(None, "checking")
            });
        }
    };
    let inputs = Inputs {
        root,
        cfg,
        exists: &exists,
        generated: &recorded.generated,
        reading_order: &recorded.reading_order,
        split_before: &recorded.split_before,
        tick: &tick,
        last_commit: &|paths: &[PathBuf]| crate::git::last_commit_date(root, paths),
        asked,
        freed: &give_back_freed_memory,
    };
    let files = loaded.docs.len() + loaded.read_errors.len();
    let mut outcome = restructure::plan(&inputs, loaded.docs);
    pb.finish_and_clear();
    if let Some(spinner) = after.get() {
        spinner.finish_and_clear();
    }
    // A fixed file's parts were cut from its fixed text, and its archive copy
    // is about to carry the text as read instead: its account is held to the
    // fixed text.
    for s in &mut outcome.splits {
        if let (None, Some((_, fixed))) = (&s.text, repaired.get(&s.original)) {
            s.text = Some(fixed.to_string());
        }
    }
    super::fix::reconcile(&mut outcome.plan, &repaired);
    Ok(Tree {
        outcome,
        manifest: recorded.text,
        warnings,
        files,
        unreadable: loaded.read_errors,
        fixes: fixed,
    })
}

/// Of the Markdown files that cannot be read as UTF-8, those the plan must not go
/// ahead without (errors): the ones whose links, read leniently, name a file the
/// plan moves away, so they would break unseen, or that cannot be read at all.
/// The others are left as they are and said (warnings): one stray byte in a spec
/// somewhere does not stop a restructure of the plans.
fn unreadable_in_the_way(
    root: &Path,
    unreadable: Vec<Note>,
    outcome: &Outcome,
) -> (Vec<Note>, Vec<String>) {
    let moved: std::collections::HashSet<&Path> = outcome
        .splits
        .iter()
        .filter(|s| !s.in_place)
        .map(|s| s.original.as_path())
        .collect();
    let (mut errors, mut passed) = (Vec::new(), Vec::new());
    for n in unreadable {
        let rel = PathBuf::from(&n.path);
        let bytes = apply::check_inside(root, &rel)
            .ok()
            .and_then(|abs| std::fs::read(abs).ok());
        let Some(bytes) = bytes else {
            errors.push(n);
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let doc = crate::model::Document::from_text(&n.path, &text);
        let hit = crate::model::links::locate_all(&doc)
            .into_iter()
            .find_map(|l| {
                let (to, _) = crate::plan::links::dest_of(&rel, &l.url)?;
                moved
                    .contains(to.as_path())
                    .then(|| to.display().to_string())
            });
        match hit {
            Some(to) => {
                let mut e = n;
                e.message = format!(
                    "{}, and it links to {to}, which this plan moves: fix its encoding first",
                    e.message
                );
                errors.push(e);
            }
            None => passed.push(format!(
                "{n}; left as it is (it links to no file this plan moves)"
            )),
        }
    }
    (errors, passed)
}

/// A plan folder that is a symbolic link is never walked (replan does not
/// follow links: writing through one could reach outside the tree); say so,
/// rather than only that nothing is under `plan_dirs`.
fn linked_plan_dirs(root: &Path, cfg: &Config) -> Vec<String> {
    cfg.plan_dirs
        .sources()
        .iter()
        .filter_map(|g| {
            let fixed = g.split(['*', '?', '[', '{']).next().unwrap_or("");
            let fixed = fixed.trim_end_matches('/');
            let meta = std::fs::symlink_metadata(root.join(fixed)).ok()?;
            (!fixed.is_empty() && meta.file_type().is_symlink()).then(|| {
                format!(
                    "{fixed}: is a symbolic link, and replan never follows links (a write through one could land outside the tree); run replan where the folder really is, or set plan_dirs to a real folder"
                )
            })
        })
        .collect()
}

/// A warning when git ignores the archive the plan moves originals into (a
/// repository that ignores `.claude/` as local tool configuration): the
/// originals would not be committed with their parts, so a clone gets the
/// parts without the archive, and `restore` works on this machine only.
fn archive_ignored(root: &Path, cfg: &Config, plan: &Plan) -> Option<String> {
    let archive = Path::new(cfg.archive.dir.trim_end_matches('/'));
    // An original moved there, or copied there (a framework's file stays
    // where it is as the index of its parts).
    let to = plan.ops.iter().find_map(|op| match op {
        Op::Move { to, .. } if to.starts_with(archive) => Some(to),
        Op::Create { path, .. } if path.starts_with(archive) => Some(path),
        _ => None,
    })?;
    let rule = crate::git::ignored_by(root, to)?;
    Some(format!(
        "{}: git ignores the archive ({rule}), so the originals archived there are not \
         committed with their parts and `replan restore` works on this machine only; \
         set archive.dir and archive.manifest in replan.yaml to a folder git keeps",
        archive.display()
    ))
}

/// A warning when git ignores parts of a committed file the plan splits (a
/// plan force-added under an ignored `.claude/`): after the run a commit
/// records the original as deleted, or as its index, and leaves out the parts
/// holding its text, so the repository loses the plan though the disk keeps
/// it. Asked of git only inside a work tree, in two calls for the whole plan.
fn parts_ignored(root: &Path, splits: &[crate::plan::restructure::SplitFile]) -> Option<String> {
    let originals: Vec<&Path> = splits.iter().map(|s| s.original.as_path()).collect();
    let tracked = crate::git::tracked_among(root, &originals);
    let parts: Vec<&Path> = splits
        .iter()
        .filter(|s| tracked.contains(&s.original))
        .flat_map(|s| s.parts.iter().map(PathBuf::as_path))
        .collect();
    let ignored = crate::git::ignored_among(root, &parts);
    let (first, rule) = ignored.first()?;
    let hit: std::collections::HashSet<&Path> = ignored.iter().map(|(p, _)| p.as_path()).collect();
    let plans = splits
        .iter()
        .filter(|s| s.parts.iter().any(|p| hit.contains(p.as_path())))
        .count();
    Some(format!(
        "git ignores {} of the parts of {plans} tracked file(s) this plan splits ({}, by {rule}): \
         a commit after the run would record the originals as removed or as indexes and leave \
         their text out; add the parts with `git add -f`, or change the ignore rule first",
        ignored.len(),
        first.display()
    ))
}

/// Hand the pages planning freed back to the system once the plan is made. Planning
/// frees most of what it held (parses, scans, copies made while carding), but
/// glibc keeps freed memory below the top of its heap; writing then reads each
/// file back before replacing it and copies the originals, and on one big file
/// that came on top of it all (the writing run peaked ~50 MB over the dry run
/// with the same heap). Only a hint to the allocator: nothing is moved.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the system; it takes the
    // allocator's own locks and touches no memory in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Input size from which a run keeps big blocks out of the heap
/// ([`keep_big_blocks_out_of_the_heap`]). Below it the few MB the heap may
/// keep do not matter, and a mapping per big block does: the real 1 MB tree's
/// `migrate --dry-run` took ~13% longer (page faults, 87.5 → 99.6 ms median of
/// 25 runs in turns) with the threshold fixed from the start.
const BIG_INPUT: usize = 16 << 20;

/// Keep big blocks out of the heap for the rest of the run (one with an
/// input of [`BIG_INPUT`] or more, set once it is read: what the reading
/// freed is in its own mappings or small). glibc serves a
/// block of 128 KiB or more with a mapping of its own, handed back when it is
/// freed; but each such free raises that threshold to the block's size (up to
/// 32 MiB) and the heap's trim threshold to twice it. After that, the big
/// vectors of a run (a big file's parse, the decision scan's per-line arrays,
/// a plan's texts) come from the heap, and what is freed of it stays resident:
/// `migrate --dry-run` of one 50 MB file peaked at ~207 MB RSS, ~26 MB over
/// the same run with the thresholds fixed, at its 200 MB limit (issue 17).
/// Setting the threshold fixes both at their defaults. Only a tuning of the
/// allocator: what is allocated, and when, is unchanged.
fn keep_big_blocks_out_of_the_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets the allocator's parameters, under its own
    // lock; 128 KiB is glibc's default threshold, valid on every target.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// Files with uncommitted changes that the plan would touch, as one error.
pub(super) fn git_guard(root: &Path, plan: &Plan) -> Option<Note> {
    let dirty = match crate::git::dirty(root) {
        Ok(d) => d,
        Err(e) => return Some(Note::new(NoteKind::Uncommitted, "", e)),
    };
    let touched: Vec<String> = plan
        .ops
        .iter()
        .flat_map(|op| match op {
            Op::Move { from, .. } => vec![from],
            Op::Modify { path, .. } | Op::Delete { path, .. } => vec![path],
            Op::Create { .. } => vec![],
        })
        .filter(|p| dirty.contains(*p))
        .map(|p| p.display().to_string())
        .collect();
    (!touched.is_empty()).then(|| {
        let msg = format!(
            "files with uncommitted changes would be touched: {}; commit them or pass --allow-dirty",
            touched.join(", ")
        );
        Note::new(NoteKind::Uncommitted, "", msg)
    })
}

/// Run a restructure. Errors in the returned report mean nothing was written.
pub fn run(opts: &Options, cfg: &Config, progress: Progress) -> anyhow::Result<Report> {
    let root = &opts.root;
    let jrel = PathBuf::from(&cfg.archive.journal);
    // A run that may write holds the tree's lock from before it reads the
    // journal until it is done; showing a plan needs none.
    let _lock = match opts.mode {
        Mode::Apply => Some(lock::acquire(root, opts.command, lock::WAIT)?),
        Mode::DryRun | Mode::Check => None,
    };

    // An interrupted run comes first: finish it (or show it).
    if let Some(j) = journal::read(root, &jrel)? {
        let finished = opts.mode == Mode::Apply;
        let mut kept = Vec::new();
        if finished {
            // Finish it without any file edited since: the edit is kept.
            journal::remove_temps(root, &j.plan, &jrel);
            let keep = ApplyOptions {
                keep_edited: true,
                ..ApplyOptions::default()
            };
            kept = apply::apply(&j.plan, keep)?.kept_edited;
            journal::remove(root, &jrel)?;
            journal::prune_empty_dirs(root, &journal::emptied_by(&j.plan));
        }
        return Ok(Report::Interrupted {
            command: j.command,
            plan: j.plan,
            finished,
            kept,
        });
    }

    let tree = plan_fixed_tree(root, cfg, progress, opts.fixes, opts.asked.as_deref())?;
    settle(opts, cfg, progress, tree)
}

/// The gate after planning: the refusals (the planner's errors, the
/// conservation account of every split against the plan as it will be
/// written, unreadable files in the way, the git guard, apply's own checks),
/// then, with [`Mode::Apply`] and none of them, the plan applied with its
/// manifest entry. Nothing is written when any refusal speaks.
pub fn settle(
    opts: &Options,
    cfg: &Config,
    progress: Progress,
    tree: Tree,
) -> anyhow::Result<Report> {
    let root = &opts.root;
    let jrel = PathBuf::from(&cfg.archive.journal);
    let Tree {
        outcome,
        manifest: manifest_text,
        warnings,
        unreadable,
        files,
        fixes,
    } = tree;
    // The tree's parses are gone with the planner: what follows (the manifest
    // entry, whose text is one new buffer the size of the tree's account, 16 MB
    // of JSON for a 4,000-file tree; the diff a dry run renders; the writing)
    // starts from the pages they held rather than on top of them. Trimmed only
    // before writing, the manifest's text came first and the writing run
    // peaked ~10-15 MB over the dry run there.
    give_back_freed_memory();
    let (mut errors, passed) = unreadable_in_the_way(root, unreadable, &outcome);
    let mut warnings = warnings;
    warnings.extend(passed);
    errors.extend(outcome.errors.iter().cloned());
    let conservation = outcome.conservation();
    errors.extend(conservation.iter().filter(|a| !a.equal).map(|a| {
        let msg = format!(
            "its parts, replan's added text taken out, are not the original byte for byte \
             ({} bytes, {} lines, {} blocks in; {} bytes, {} lines, {} blocks in the parts); not written",
            a.input.bytes, a.input.lines, a.input.blocks, a.parts.bytes, a.parts.lines, a.parts.blocks
        );
        Note::new(NoteKind::NotConserved, &a.original, msg)
    }));
    if opts.mode == Mode::Apply && !opts.allow_dirty && !outcome.plan.is_empty() {
        errors.extend(git_guard(root, &outcome.plan));
    }
    warnings.extend(archive_ignored(root, cfg, &outcome.plan));
    warnings.extend(parts_ignored(root, &outcome.splits));
    // A plan that is only shown still gets apply's refusals (a file in the way,
    // a path through a link, too little room), so --dry-run says what a real
    // run would say.
    if opts.mode != Mode::Apply && errors.is_empty() && !outcome.plan.is_empty() {
        if let Err(e) = apply::verify(&outcome.plan, ApplyOptions::default()) {
            errors.push(match e {
                apply::ApplyError::Refused { path, reason } => {
                    Note::new(NoteKind::Refused, path, reason)
                }
                e => Note::new(NoteKind::Refused, "", e.to_string()),
            });
        }
    }
    let mut planned = Planned {
        outcome,
        warnings,
        errors,
        applied: false,
        files,
        fixes,
        conservation,
    };
    if opts.mode != Mode::Apply || !planned.errors.is_empty() || planned.outcome.plan.is_empty() {
        return Ok(Report::Planned(Box::new(planned)));
    }
    let parts: Vec<(PathBuf, Vec<PathBuf>)> = planned
        .outcome
        .splits
        .iter()
        .map(|s| (s.original.clone(), s.parts.clone()))
        .collect();
    let mrel = PathBuf::from(&cfg.archive.manifest);
    let (mut run, originals) = manifest::record_run(
        &mut planned.outcome.plan,
        &mrel,
        opts.command,
        &parts,
        &|p| root.join(p).symlink_metadata().is_ok(),
        &give_back_freed_memory,
    );
    run.conservation = planned.conservation.clone();
    let mop = manifest::append_op(&mrel, manifest_text.map(crate::model::Text::from), run)
        .map_err(|e| anyhow::anyhow!(e))?;
    let mut full = Plan::new(root);
    full.ops.push(mop);
    full.ops
        .extend(originals.as_ref().map(manifest::Originals::op));
    drop(originals);
    let ours = full.ops.len();
    // The plan's ops are moved in, not cloned (a clone was every new file's
    // and original's text again at the writing run's peak), and given back to
    // the report once written.
    full.ops.append(&mut planned.outcome.plan.ops);
    let pb = progress(Some(0), "writing");
    journal::apply_journaled(root, &jrel, opts.command, &full, &super::steps_on(&pb))?;
    pb.finish_and_clear();
    // A topic's pages folder whose pages all went (the topic fits in one file
    // again) is not left behind empty; restore puts it back with the pages.
    journal::prune_empty_dirs(root, &journal::emptied_by(&full));
    planned.outcome.plan.ops = full.ops.split_off(ours);
    planned.applied = true;
    Ok(Report::Planned(Box::new(planned)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::ProgressBar;
    use std::sync::Mutex;

    /// A part that would not give its original back (here corrupted in memory
    /// between planning and writing) refuses the run: an error, nothing written.
    #[test]
    fn a_part_that_does_not_add_up_refuses_the_run() {
        let d = tempfile::tempdir().unwrap();
        let plans = d.path().join(".claude/plans");
        std::fs::create_dir_all(&plans).unwrap();
        let text = "# Plan\n\n## Phase 1.1: A\n\nOne.\n\n## Phase 1.2: B\n\nTwo.\n";
        std::fs::write(plans.join("p.md"), text).unwrap();
        let opts = Options {
            command: "migrate",
            root: d.path().to_path_buf(),
            asked: None,
            mode: Mode::Apply,
            allow_dirty: true,
            fixes: crate::ops::fix::Fixes::Off,
        };
        let cfg = Config::builtin();
        let quiet = |_: Option<u64>, _: &'static str| ProgressBar::hidden();
        let mut tree = plan_tree(d.path(), &cfg, &quiet).unwrap();
        let accounts = tree.outcome.conservation();
        assert_eq!(accounts.len(), 1);
        assert!(accounts[0].equal, "{accounts:?}");
        let part = tree
            .outcome
            .plan
            .ops
            .iter_mut()
            .find_map(|op| match op {
                Op::Create { path, contents } if path.ends_with("phase-1.2-b.md") => Some(contents),
                _ => None,
            })
            .expect("a part for 1.2");
        *part = part.replace("Two.", "Tw0.").into();
        let Report::Planned(p) = settle(&opts, &cfg, &quiet, tree).unwrap() else {
            panic!("planned expected")
        };
        assert!(!p.applied);
        assert!(
            p.errors.iter().any(|e| e.kind == NoteKind::NotConserved),
            "{:?}",
            p.errors
        );
        assert!(!p.conservation[0].equal);
        let files: Vec<_> = walkdir(d.path());
        assert_eq!(files, vec![plans.join("p.md")]);
        assert_eq!(std::fs::read_to_string(plans.join("p.md")).unwrap(), text);
    }

    /// Once a big block is freed, the next big one still gets a mapping of its
    /// own, which goes back to the system when it is freed: glibc would
    /// otherwise have raised its threshold to the freed block's size and
    /// served the next one from the heap. glibc marks a chunk it mapped in
    /// the size word just before the block (bit 1, `IS_MMAPPED`).
    ///
    /// The probe runs in a process of its own (this test binary again, this
    /// test alone): beside other tests, a heap may already hold a free chunk
    /// that big, which glibc hands out before it maps anything, and the
    /// probe would fail for a reason that has nothing to do with the setting.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn a_big_block_freed_does_not_pull_the_next_ones_into_the_heap() {
        const PROBE: &str = "REPLAN_TEST_HEAP_PROBE";
        if std::env::var_os(PROBE).is_some() {
            keep_big_blocks_out_of_the_heap();
            drop(std::hint::black_box(vec![1u8; 1 << 20]));
            let next = std::hint::black_box(vec![1u8; 512 << 10]);
            // SAFETY: glibc's malloc puts the chunk's size word right before
            // every block it returns; the vector's buffer is one, alive here.
            let size_word = unsafe { next.as_ptr().cast::<usize>().sub(1).read_unaligned() };
            assert_ne!(size_word & 2, 0, "a 512 KiB block came from the heap");
            return;
        }
        let name =
            "ops::restructure::tests::a_big_block_freed_does_not_pull_the_next_ones_into_the_heap";
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([name, "--exact", "--test-threads=1"])
            .env(PROBE, "1")
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{said}");
        assert!(said.contains("1 passed"), "the probe did not run: {said}");
    }

    fn walkdir(root: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut todo = vec![root.to_path_buf()];
        while let Some(d) = todo.pop() {
            for e in std::fs::read_dir(d).unwrap().flatten() {
                if e.path().is_dir() {
                    todo.push(e.path());
                } else {
                    out.push(e.path());
                }
            }
        }
        out
    }

    #[test]
    fn the_stages_after_the_split_get_a_spinner_of_their_own() {
        let d = tempfile::tempdir().unwrap();
        let plans = d.path().join(".claude/plans");
        std::fs::create_dir_all(&plans).unwrap();
        std::fs::write(plans.join("a.md"), "# A\n\ntext\n").unwrap();
        std::fs::write(plans.join("b.md"), "# B\n\ntext\n").unwrap();
        let asked: Mutex<Vec<(Option<u64>, &str)>> = Mutex::default();
        let progress = |len: Option<u64>, what: &'static str| {
            asked.lock().unwrap().push((len, what));
            ProgressBar::hidden()
        };
        plan_tree(d.path(), &Config::builtin(), &progress).unwrap();
        assert_eq!(
            asked.into_inner().unwrap(),
            [
                (Some(2), "reading"),
                (Some(2), "planning"),
                (None, "checking")
            ]
        );
    }
}
