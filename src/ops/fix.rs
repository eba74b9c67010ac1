//! `check --diff` and `check --fix` as an operation: check the files, turn the
//! findings into fixes ([`crate::fix`]), and make one Plan of `Modify` ops from
//! them. One gate then decides between showing it (a unified diff) and applying
//! it the way `migrate` applies its plans: under the tree's lock, refused on
//! files with uncommitted changes (unless allowed) or on an interrupted run,
//! recorded in the manifest as a run of `fix` (so `restore` undoes it byte for
//! byte) and written through the journal, which re-checks every file against
//! what was read. After a real run the files are checked again, so the findings
//! that remain can be shown.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::check::{self, Checked};
use super::Progress;
use crate::analysis::{self, Input};
use crate::apply::{self, journal, lock};
use crate::config::Config;
use crate::fix::{self, Fix, Safety, Unfixable};
use crate::model::{Document, Source, Text};
use crate::note::{Note, NoteKind};
use crate::plan::{manifest, Op, Plan};

/// The command a fix run is recorded as (manifest, journal, lock).
pub const COMMAND: &str = manifest::FIX_COMMAND;

/// Which fixes a run takes (`migrate --fix`, `--unsafe-fixes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fixes {
    /// None.
    #[default]
    Off,
    /// The safe ones.
    Safe,
    /// The safe and the unsafe ones.
    Unsafe,
}

/// What to do with the fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Show them as a diff; write nothing.
    Diff,
    /// Apply them.
    Apply,
}

/// Options of a fix run.
#[derive(Debug, Clone)]
pub struct Options {
    /// What to check (as `check`).
    pub check: check::Options,
    /// Show or apply.
    pub mode: Mode,
    /// Take the unsafe fixes too.
    pub unsafe_fixes: bool,
    /// Touch files with uncommitted git changes.
    pub allow_dirty: bool,
}

/// What a fix run found, showed or did.
#[derive(Debug)]
pub struct Report {
    /// The check before any fix.
    pub before: Checked,
    /// The fixes taken, in the plan.
    pub fixes: Vec<Fix>,
    /// For each of `fixes`, the round it was taken in and the bytes its edits
    /// replace.
    pub taken: Vec<Taken>,
    /// Unsafe fixes left out (no `--unsafe-fixes`).
    pub held: Vec<Fix>,
    /// Fixes left out because they overlap another, with why.
    pub skipped: Vec<(Fix, String)>,
    /// Findings of fixable rules that have no fix, with why.
    pub unfixable: Vec<Unfixable>,
    /// The files changed: one `Modify` per file.
    pub plan: Plan,
    /// Reasons the plan was not applied (nothing was written).
    pub errors: Vec<Note>,
    /// Whether the plan was applied.
    pub applied: bool,
    /// After a real run: the check of the files as they are now.
    pub after: Option<Checked>,
}

/// The manifest's text now, if there is one.
fn manifest_text(root: &Path, cfg: &Config) -> anyhow::Result<Option<String>> {
    apply::read_text(root, Path::new(&cfg.archive.manifest))
}

/// Check, find the fixes and show or apply them.
pub fn run(
    root: &Path,
    opts: &Options,
    cfg: &Config,
    progress: Progress,
) -> anyhow::Result<Report> {
    // A run that may write holds the lock from before it reads anything.
    let _lock = match opts.mode {
        Mode::Apply => Some(lock::acquire(root, COMMAND, lock::WAIT)?),
        Mode::Diff => None,
    };
    let jrel = PathBuf::from(&cfg.archive.journal);
    if opts.mode == Mode::Apply {
        // An interrupted fix run is finished first (keeping any file edited
        // since), as `migrate` finishes its own; another command's is refused below.
        if let Some(j) = journal::read(root, &jrel)?.filter(|j| j.command == COMMAND) {
            journal::remove_temps(root, &j.plan, &jrel);
            let keep = apply::ApplyOptions {
                keep_edited: true,
                ..apply::ApplyOptions::default()
            };
            apply::apply(&j.plan, keep)?;
            journal::remove(root, &jrel)?;
        }
    }
    let before = check::run(root, &opts.check, cfg, progress)?;
    let fixed = fix_docs(
        root,
        cfg,
        &before.docs,
        &before.report.findings,
        opts.unsafe_fixes,
    );
    let mut plan = Plan::new(root);
    for (path, old, new) in fixed.changed {
        plan.ops.push(Op::modify(path, old, new));
    }
    let mut report = Report {
        before,
        fixes: fixed.fixes,
        taken: fixed.taken,
        held: fixed.held,
        skipped: fixed.skipped,
        unfixable: fixed.unfixable,
        plan,
        errors: Vec::new(),
        applied: false,
        after: None,
    };
    if opts.mode == Mode::Diff || report.plan.is_empty() {
        return Ok(report);
    }

    if let Some(j) = journal::read(root, &jrel)? {
        report.errors.push(Note::new(
            NoteKind::Refused,
            "",
            format!(
                "a run of `{}` was interrupted; finish it with `replan {}` or undo it with `replan restore` first",
                j.command,
                if j.command == "restore" { "restore" } else { "migrate" }
            ),
        ));
    }
    if !opts.allow_dirty {
        report
            .errors
            .extend(super::restructure::git_guard(root, &report.plan));
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let mrel = PathBuf::from(&cfg.archive.manifest);
    let mut fixed = report.plan.clone();
    let (run, originals) = manifest::record_run(
        &mut fixed,
        &mrel,
        COMMAND,
        &[],
        &|p| root.join(p).symlink_metadata().is_ok(),
        &|| {},
    );
    let mop = manifest::append_op(&mrel, manifest_text(root, cfg)?.map(Text::from), run)
        .map_err(|e| anyhow::anyhow!(e))?;
    let mut full = Plan::new(root);
    full.ops.push(mop);
    full.ops
        .extend(originals.as_ref().map(manifest::Originals::op));
    full.ops.append(&mut fixed.ops);
    let pb = progress(Some(0), "writing");
    journal::apply_journaled(root, &jrel, COMMAND, &full, &super::steps_on(&pb))?;
    pb.finish_and_clear();
    report.applied = true;
    report.after = Some(check::run(root, &opts.check, cfg, progress)?);
    Ok(report)
}

/// The rules that have fixes: what a file is checked for again once fixed.
const FIXABLE: &[&str] = &[
    "fence.suspicious",
    "fence.unclosed",
    "heading.setext-ambiguous",
    "link.broken",
    "phase.mislabeled",
];

/// How many times the fixed files are checked and fixed again: a repaired
/// fence can reveal a heading that is mislabeled, and a fix skipped for
/// overlapping another is taken in the next round.
const ROUNDS: usize = 5;

/// When and on what a fix was applied: its edits' byte ranges are into the
/// file as it read at the start of that round (round 0: as read from disk;
/// round 1: with round 0's fixes applied, and so on).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taken {
    /// The round, from 0.
    pub round: usize,
    /// The text each edit replaces, in the order of the fix's edits.
    pub old: Vec<String>,
}

/// The fixes of a set of files, applied in memory until nothing changes.
#[derive(Debug, Default)]
pub struct Fixed {
    /// (path, text as read, text fixed) of every file that changes.
    pub changed: Vec<(PathBuf, Text, Text)>,
    /// The fixes applied, in the order of their rounds.
    pub fixes: Vec<Fix>,
    /// For each of `fixes`: its round and the bytes it replaced.
    pub taken: Vec<Taken>,
    /// Unsafe fixes left out.
    pub held: Vec<Fix>,
    /// Fixes left out because they overlap another (after the last round).
    pub skipped: Vec<(Fix, String)>,
    /// Findings of fixable rules that have no fix, with why.
    pub unfixable: Vec<Unfixable>,
}

/// Fix `docs` (root-relative, parsed) given their `findings`: in rounds, each
/// checking again only the files the previous one changed, at most [`ROUNDS`].
pub fn fix_docs(
    root: &Path,
    cfg: &Config,
    docs: &[(PathBuf, Document)],
    findings: &[crate::finding::Finding],
    unsafe_fixes: bool,
) -> Fixed {
    // The latest text of every file changed so far, and those of the last round.
    let mut latest: BTreeMap<PathBuf, Document> = BTreeMap::new();
    let mut last_round: Vec<PathBuf> = Vec::new();
    let mut findings = findings.to_vec();
    let mut applied: Vec<Fix> = Vec::new();
    let mut taken_at: Vec<Taken> = Vec::new();
    // What the last round that looked at a file said about it.
    let mut held: BTreeMap<PathBuf, Vec<Fix>> = BTreeMap::new();
    let mut skipped: BTreeMap<PathBuf, Vec<(Fix, String)>> = BTreeMap::new();
    let mut unfixable: BTreeMap<String, Vec<Unfixable>> = BTreeMap::new();
    for round in 0..ROUNDS {
        let inputs: Vec<Input> = if round == 0 {
            docs.iter().map(|(rel, doc)| Input { rel, doc }).collect()
        } else {
            last_round
                .iter()
                .filter_map(|p| latest.get_key_value(p))
                .map(|(rel, doc)| Input { rel, doc })
                .collect()
        };
        let found = fix::find(cfg, &inputs, &findings);
        for i in &inputs {
            held.remove(i.rel);
            skipped.remove(i.rel);
            unfixable.remove(&i.rel.to_string_lossy().replace('\\', "/"));
        }
        for u in found.unfixable {
            unfixable.entry(u.path.clone()).or_default().push(u);
        }
        let mut by_file: BTreeMap<PathBuf, Vec<Fix>> = BTreeMap::new();
        for f in found.fixes {
            if f.safety == Safety::Safe || unsafe_fixes {
                by_file.entry(f.path.clone()).or_default().push(f);
            } else {
                held.entry(f.path.clone()).or_default().push(f);
            }
        }
        let mut next: Vec<(PathBuf, Document)> = Vec::new();
        for (path, list) in by_file {
            let Some(doc) = inputs.iter().find(|i| i.rel == path).map(|i| i.doc) else {
                continue;
            };
            let refs: Vec<&Fix> = list.iter().collect();
            let (new, taken, left) = fix::apply(&doc.source.text, &refs);
            for s in left {
                skipped
                    .entry(path.clone())
                    .or_default()
                    .push((list[s.index].clone(), s.reason));
            }
            for i in taken {
                let text = &doc.source.text;
                taken_at.push(Taken {
                    round,
                    old: list[i]
                        .edits
                        .iter()
                        .map(|e| text.get(e.range.clone()).unwrap_or_default().to_string())
                        .collect(),
                });
                applied.push(list[i].clone());
            }
            if new != doc.source.text {
                next.push((path.clone(), Document::parse(Source::new(&path, new))));
            }
        }
        drop(inputs);
        if next.is_empty() {
            break;
        }
        let changed: Vec<Input> = next.iter().map(|(rel, doc)| Input { rel, doc }).collect();
        findings = analysis::run_only(root, &changed, cfg, FIXABLE);
        drop(changed);
        last_round = next.iter().map(|(p, _)| p.clone()).collect();
        latest.extend(next);
    }
    let original: BTreeMap<&Path, &Document> = docs.iter().map(|(p, d)| (p.as_path(), d)).collect();
    let changed = latest
        .into_iter()
        .filter_map(|(p, d)| {
            let old = original.get(p.as_path())?.source.text.clone();
            if old == d.source.text {
                return None;
            }
            Some((p, old, d.source.text))
        })
        .collect();
    Fixed {
        changed,
        fixes: applied,
        taken: taken_at,
        held: held.into_values().flatten().collect(),
        skipped: skipped.into_values().flatten().collect(),
        unfixable: unfixable.into_values().flatten().collect(),
    }
}

/// Fix the planning files among `docs` in place before a restructure plans
/// them (`migrate --fix`): the files `check` reports on, the archive left out.
/// Returns the fixes and, for each changed file, its text on disk and fixed.
pub fn repair_tree(
    root: &Path,
    cfg: &Config,
    docs: &mut [(PathBuf, Document)],
    fixes: Fixes,
) -> (Vec<Fix>, Repaired) {
    if fixes == Fixes::Off {
        return (Vec::new(), BTreeMap::new());
    }
    let archive = cfg.archive.dir_path();
    let rels: Vec<&Path> = docs
        .iter()
        .map(|(p, _)| p.as_path())
        .filter(|p| {
            !p.starts_with(".claude/archive")
                && (archive.as_os_str().is_empty() || !p.starts_with(&archive))
        })
        .collect();
    let scope: std::collections::HashSet<&Path> = cfg.check_scope(&rels).into_iter().collect();
    let inputs: Vec<Input> = docs
        .iter()
        .filter(|(p, _)| scope.contains(p.as_path()))
        .map(|(rel, doc)| Input { rel, doc })
        .collect();
    let findings = analysis::run_only(root, &inputs, cfg, FIXABLE);
    drop(inputs);
    let fixed = fix_docs(root, cfg, docs, &findings, fixes == Fixes::Unsafe);
    let mut originals = BTreeMap::new();
    for (path, old, new) in fixed.changed {
        if let Some(slot) = docs.iter_mut().find(|(p, _)| *p == path) {
            slot.1 = Document::parse(Source::new(&path, new.to_string()));
            originals.insert(path, (old, new));
        }
    }
    (fixed.fixes, originals)
}

/// A restructure planned from fixed texts, made to apply to the files as they
/// are on disk: the ops on a fixed file expect (and archive) its bytes as read,
/// and a fixed file the restructure does not touch gets a `Modify` of its own.
pub fn reconcile(plan: &mut Plan, originals: &Repaired) {
    let mut touched: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for op in &mut plan.ops {
        match op {
            Op::Move { from, contents, .. } => {
                if let Some((o, _)) = originals.get(from.as_path()) {
                    *contents = o.clone();
                    touched.insert(from.clone());
                }
            }
            Op::Modify { path, old, .. } | Op::Delete { path, old } => {
                if let Some((o, _)) = originals.get(path.as_path()) {
                    *old = o.clone();
                    touched.insert(path.clone());
                }
            }
            Op::Create { .. } => {}
        }
    }
    let mut own: Vec<Op> = Vec::new();
    for (path, (old, new)) in originals {
        if !touched.contains(path) {
            own.push(Op::modify(path, old.clone(), new.clone()));
        }
    }
    plan.ops.splice(0..0, own);
}

/// Files fixed before a restructure: path to (text on disk, fixed text).
pub type Repaired = BTreeMap<PathBuf, (Text, Text)>;

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(root: &Path, mode: Mode) -> Options {
        Options {
            check: check::Options {
                paths: vec![root.to_path_buf()],
                include_archive: false,
                count_all: false,
            },
            mode,
            unsafe_fixes: false,
            allow_dirty: true,
        }
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_refused_and_kept() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("a.md");
        std::fs::write(&f, "# A\n\nText above dashes\n---\n").unwrap();
        let cfg = Config::builtin();
        let r = run(
            d.path(),
            &opts(d.path(), Mode::Diff),
            &cfg,
            &super::super::no_progress,
        )
        .unwrap();
        assert_eq!(r.plan.ops.len(), 1, "{:?}", r.fixes);
        assert!(!r.applied);
        // Edited between the fixes being made and written: apply refuses it.
        std::fs::write(&f, "# A\n\nEdited\n---\n").unwrap();
        let err = apply::apply(&r.plan, apply::ApplyOptions::default()).unwrap_err();
        assert!(
            err.to_string().contains("changed since it was read"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "# A\n\nEdited\n---\n");
    }

    #[test]
    fn rounds_fix_what_an_earlier_fix_reveals() {
        // The heading and its `---` are hidden in a stray code block until the
        // fence is repaired.
        let text = "# A\n\n```markdown\n```bash\nls\n```\n```\n\nText\n---\n";
        let docs = vec![(
            PathBuf::from("a.md"),
            Document::parse(Source::new(Path::new("a.md"), text.to_string())),
        )];
        let cfg = Config::builtin();
        let inputs: Vec<Input> = docs.iter().map(|(rel, doc)| Input { rel, doc }).collect();
        let findings = analysis::run_all(Path::new("."), &inputs, &cfg);
        drop(inputs);
        let fixed = fix_docs(Path::new("."), &cfg, &docs, &findings, false);
        let rules: Vec<&str> = fixed.fixes.iter().map(|f| f.rule).collect();
        // The fence left open to the end is the unclosed block's finding.
        assert_eq!(rules, vec!["fence.unclosed", "heading.setext-ambiguous"]);
        assert_eq!(
            fixed.changed[0].2,
            "# A\n\n````markdown\n```bash\nls\n```\n````\n\nText\n\n---\n"
        );
    }
}
