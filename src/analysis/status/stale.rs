//! `status.stale-plan`: a plan among the active ones (`plan_dirs`, not the
//! archive or `plan_exclude`) whose subphases are all done by their own text,
//! so it could be archived. A plan is a folder whose files' subphases are all
//! done (two or more, each file numbering its own), else a file holding two or more subphases, all done, or
//! a file without subphases whose three or more checkboxes are all ticked. A
//! file a planning framework owns is the framework's to retire, never reported.

use std::collections::BTreeMap;

use super::derive::{Source, State};
use super::units::{units_of, Unit};
use crate::analysis::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::config::Ownership;
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "status.stale-plan",
    doc: "an active plan whose subphases are all done (archive it)",
    default: Severity::Warning,
    ctor: |_| Box::new(Stale),
    long: "Every subphase of a plan in the active planning folders (`plan_dirs`, outside the \
        archive and `plan_exclude`) is done by its own text: a `Status:` line that says done, \
        a \"✅ Complete\" line, or all its checkboxes ticked. Reported once per plan: for a \
        folder whose files' subphases are all done, at its first file; else for a file \
        with two or more subphases all done, or with three or more checkboxes all ticked. \
        Agents that load the active plans read finished work as work to do: move the plan \
        to an archive folder listed in `plan_exclude` (or to `.claude/archive/`). Files a \
        planning framework owns are left to it.",
    settings: &[
        "plan_dirs",
        "plan_exclude",
        "check.status.status_line",
        "check.status.done",
        "check.status.done_mark",
    ],
    section: "status-statusdisagree-statusstale-plan",
    example: Some(Example {
        files: &[(
            ".claude/plans/rollout.md",
            "# Rollout\n\n## Phase 1.1: Build\n\n- [x] Image\n\n## Phase 1.2: Ship\n\n**Status**: ✅ Complete\n",
        )],
        message: "every subphase of this plan is done",
    }),
};

struct Stale;

fn done(u: &Unit) -> bool {
    u.derived.as_ref().is_some_and(|d| d.state == State::Done)
}

/// A subphase whose text says nothing of its state: not known to be done.
fn unknown(u: &Unit) -> bool {
    u.derived.is_none() && !u.whole_file && !u.number.is_empty()
}

/// A file that holds no subphase but is done by three or more ticked boxes.
fn done_by_boxes(u: &Unit) -> bool {
    matches!(
        u.derived.as_ref().map(|d| (&d.state, &d.source)),
        Some((State::Done, Source::Checkboxes { all, .. })) if *all >= 3
    )
}

impl Rule for Stale {
    fn check_set(&self, cx: &Ctx, files: &[FileFacts], out: &mut Vec<Finding>) {
        let units = units_of(cx, files);
        if units.is_empty() {
            return;
        }
        let in_use: Vec<_> = cx
            .cfg
            .frameworks
            .iter()
            .filter(|fw| {
                fw.detected(&|p| cx.root.join(p).exists() || files.iter().any(|f| f.rel == p))
            })
            .collect();
        let owned = |f: &FileFacts| {
            in_use
                .iter()
                .any(|fw| !matches!(fw.ownership(f.rel), Ownership::Free))
        };
        let mut by_file: BTreeMap<usize, Vec<&Unit>> = BTreeMap::new();
        for u in units {
            by_file.entry(u.file).or_default().push(u);
        }
        let mut by_folder: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &i in by_file.keys() {
            by_folder.entry(files[i].folder()).or_default().push(i);
        }
        // A folder a split wrote (its index beside the parts) is one plan.
        // Found in one pass: asked of every file for each folder, a tree of
        // thousands of folders would pay folders x files.
        // On a planned tree the folders a split fills have no index yet (it is
        // written from these findings): their parts' folders count as indexed,
        // or migrate reported a done part that the next run's check (index
        // written) kept quiet, and consolidate rewrote the index to say so.
        let indexed: std::collections::BTreeSet<String> = files
            .iter()
            .filter(|f| crate::model::markers::is_index(&f.doc.source.text))
            .map(|f| f.folder())
            .chain(
                cx.moved
                    .iter()
                    .flat_map(|m| m.parts)
                    .filter_map(|p| p.parent().map(|d| d.to_string_lossy().replace('\\', "/"))),
            )
            .collect();
        for (folder, list) in &by_folder {
            let all: Vec<&Unit> = list.iter().flat_map(|i| by_file[i].clone()).collect();
            // A split's folder (its index beside the parts) is one plan even
            // where one part alone tracks work: that part done, the plan is,
            // and it is the folder to archive, not the part (the note said
            // "archive it" of one part of a split report).
            let split_here = indexed.contains(folder);
            // A subphase heading whose text says nothing of its state is not
            // known to be done: it counts, and keeps the plan open (a plan
            // saying "Phases 1, 2, 4 not started" above phases 3, 5-8 marked
            // complete was "every subphase done; archive the folder").
            let tracked: Vec<&Unit> = all
                .iter()
                .copied()
                .filter(|u| !split_here || u.derived.is_some() || unknown(u))
                .collect();
            let folder_done = (split_here || list.len() >= 2 && one_plan(&by_file, list))
                // One unit alone is a plan done only by its boxes, as a file
                // on its own is (a report's "Status: COMPLETED" is not one).
                && (tracked.len() >= 2
                    || (split_here
                        && tracked.len() == 1
                        && tracked[0].whole_file
                        && done_by_boxes(tracked[0])))
                && tracked.iter().all(|u| done(u))
                && !list.iter().any(|&i| owned(&files[i]));
            // The files holding what `tracked` counts (only asked when it is done).
            let in_files = || {
                list.iter()
                    .filter(|i| !split_here || by_file[i].iter().any(|u| u.derived.is_some()))
                    .count()
            };
            if folder_done {
                let first = &files[list[0]];
                let in_files = in_files();
                out.push(
                    cx.finding(
                        INFO.id,
                        first,
                        1,
                        format!(
                            "every subphase of the plan in `{}/` is done ({} subphase{} in {} file{}); archive the folder",
                            if folder.is_empty() { "." } else { folder },
                            tracked.len(),
                            if tracked.len() == 1 { "" } else { "s" },
                            in_files,
                            if in_files == 1 { "" } else { "s" },
                        ),
                    )
                    .evidence(tracked.iter().take(cx.cfg.check.status.max_evidence.max(1)).map(|u| line_of(files, u))),
                );
                continue;
            }
            // A split's parts are one plan: a part whose boxes are all ticked
            // is not done while another part still has work open, or a
            // subphase whose text says nothing of its state. (Parts without
            // any subphase or status say nothing either way.)
            let open = |u: &&Unit| {
                u.derived.as_ref().is_some_and(|d| d.state == State::Open) || unknown(u)
            };
            if indexed.contains(folder) && all.iter().any(open) {
                continue;
            }
            for &i in list {
                let us = &by_file[&i];
                let stale = if us.len() >= 2 {
                    us.iter().all(|u| done(u))
                } else {
                    us[0].whole_file && done_by_boxes(us[0])
                };
                if !stale || owned(&files[i]) {
                    continue;
                }
                out.push(
                    cx.finding(
                        INFO.id,
                        &files[i],
                        1,
                        if us.len() >= 2 {
                            format!(
                                "every subphase of this plan is done ({} subphases); archive it",
                                us.len()
                            )
                        } else {
                            // A file without subphases, done by its checkboxes.
                            let (d, n) = us[0]
                                .derived
                                .as_ref()
                                .map(|d| match d.source {
                                    crate::analysis::status::derive::Source::Checkboxes {
                                        done,
                                        all,
                                        ..
                                    } => (done, all),
                                    _ => (0, 0),
                                })
                                .unwrap_or_default();
                            format!(
                                "this plan is done (all {d} of {n} checkboxes ticked); archive it"
                            )
                        },
                    )
                    .evidence(
                        us.iter()
                            .take(cx.cfg.check.status.max_evidence.max(1))
                            .map(|u| line_of(files, u)),
                    ),
                );
            }
        }
    }
}

/// Whether a folder's files read as one plan's subphases: each holds a
/// numbered subphase and no number is in two of them. A folder of
/// independent plans (Cursor's `.cursor/plans/*.plan.md`, each a checklist
/// without numbered subphases, or plans each numbering their own 1.1) is as
/// many plans, each reported on its own: "archive the folder" would retire
/// plans that merely sit side by side.
fn one_plan(by_file: &BTreeMap<usize, Vec<&Unit>>, list: &[usize]) -> bool {
    let mut file_of: BTreeMap<&str, usize> = BTreeMap::new();
    list.iter().all(|&i| {
        let numbered: Vec<&str> = by_file[&i]
            .iter()
            .map(|u| u.number.as_str())
            .filter(|n| !n.is_empty())
            .collect();
        !numbered.is_empty()
            && numbered
                .into_iter()
                .all(|n| *file_of.entry(n).or_insert(i) == i)
    })
}

/// `Phase 4.1 (path:12): done (3/3 checkboxes)`.
fn line_of(files: &[FileFacts], u: &Unit) -> String {
    let d = u
        .derived
        .as_ref()
        .map(|d| d.describe(&|l| format!("line {l}")))
        .unwrap_or_default();
    let name = if u.number.is_empty() {
        files[u.file].name().to_string()
    } else {
        format!("Phase {}", u.number)
    };
    format!("{name} ({}:{}): {d}", files[u.file].path, u.line)
}
