//! Stage 3 of the restructure: the tree as the plan leaves it, the check that
//! every link resolving today still resolves there, and `check`'s findings on it.

use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::Planner;
use crate::analysis;
use crate::finding::Finding;
use crate::model::Document;
use crate::note::{Note, NoteKind};
use crate::plan::links::{anchors, dest_of};
use crate::plan::Op;

impl Planner<'_> {
    /// The Markdown tree after the plan: text by root-relative path, borrowed
    /// from the inputs and the planner (a copy of every file's text was a
    /// whole tree's worth of memory at migrate's peak).
    pub(super) fn after(&self) -> HashMap<PathBuf, &str> {
        let mut after: HashMap<PathBuf, &str> = HashMap::new();
        for (rel, doc) in self.inp.docs {
            if !self.moves.contains_key(rel) {
                after.insert(rel.clone(), doc.source.text.as_str());
            }
        }
        for (orig, m) in &self.moves {
            if let Some(d) = self.by_path.get(orig.as_path()) {
                after.insert(m.archive.clone(), d.source.text.as_str());
            }
        }
        for op in &self.modifies {
            if let Op::Modify { path, new, .. } = op {
                after.insert(path.clone(), new.as_str());
            }
        }
        for p in self.parts.values().flatten() {
            after.insert(p.path.clone(), p.contents());
        }
        for (orig, index) in &self.in_place {
            after.insert(orig.clone(), index.as_str());
        }
        after
    }

    /// Stage 3: every link that resolved before must resolve after. Returns
    /// the errors (the planner is borrowed by `after` meanwhile).
    pub(super) fn verify_links(&self, after: &HashMap<PathBuf, &str>) -> Vec<Note> {
        let mut after_anchors: HashMap<PathBuf, HashSet<String>> = HashMap::new();
        for p in self.parts.values().flatten() {
            after_anchors.insert(p.path.clone(), anchors(&p.doc));
        }
        let mut errors = Vec::new();
        for c in &self.checks {
            let Some(d) = dest_of(&c.file, &c.url) else {
                continue;
            };
            let exists = after.contains_key(&d.0)
                || (!self.moves.contains_key(&d.0) && (self.inp.exists)(&d.0));
            let ok = exists
                && match (&d.1, after.get(&d.0)) {
                    (None, _) | (_, None) => true,
                    (Some(a), _) if a.is_empty() => true,
                    (Some(a), Some(text)) => {
                        let set = after_anchors.entry(d.0.clone()).or_insert_with(|| {
                            match self.by_path.get(d.0.as_path()) {
                                Some(doc) if doc.source.text == **text => anchors(doc),
                                _ => anchors(&Document::from_text(&d.0.to_string_lossy(), text)),
                            }
                        });
                        set.contains(&a.to_lowercase())
                    }
                };
            if !ok {
                errors.push(c.at.note(
                    NoteKind::LinkWouldBreak,
                    format!(
                        "a link that works today would break: `{}` in {}",
                        c.url,
                        c.file.display()
                    ),
                ));
            }
        }
        errors
    }

    /// The tree after the plan, parsed, sorted by path. Files whose text is
    /// unchanged (kept, moved to the archive, or parts parsed while planning)
    /// are borrowed, not parsed again; the others (files whose links were
    /// rewritten) are parsed on every core.
    pub(super) fn after_docs<'s>(
        &'s self,
        after: &HashMap<PathBuf, &str>,
    ) -> Vec<(PathBuf, Cow<'s, Document>)> {
        let mut paths: Vec<&PathBuf> = after.keys().collect();
        paths.sort();
        let mut known: HashMap<&Path, &Document> = self
            .parts
            .values()
            .flatten()
            .map(|p| (p.path.as_path(), &p.doc))
            .collect();
        for s in &self.out.splits {
            if let Some(d) = self.by_path.get(s.original.as_path()) {
                known.insert(s.archived.as_path(), d);
            }
        }
        paths
            .into_par_iter()
            .map(|p| {
                let text = after[p];
                let same = |d: &&&'s Document| d.source.text == text;
                let doc = match self.by_path.get(p.as_path()).filter(same) {
                    Some(d) => Cow::Borrowed(*d),
                    None => match known.get(p.as_path()).filter(same) {
                        Some(d) => Cow::Borrowed(*d),
                        None => Cow::Owned(Document::from_text(&p.to_string_lossy(), text)),
                    },
                };
                (p.clone(), doc)
            })
            .collect()
    }

    /// Findings of check on the tree after the plan.
    /// The archive is not checked (as by `replan check`), only resolved as a link target.
    /// `decision.conflict` reads the decisions `extracted` holds.
    pub(super) fn findings(
        &self,
        after_docs: &[(PathBuf, Cow<Document>)],
        extracted: &crate::decisions::Extracted,
    ) -> Vec<Finding> {
        let (targets, inputs): (Vec<analysis::Input>, Vec<analysis::Input>) = after_docs
            .iter()
            .map(|(rel, doc)| analysis::Input { rel, doc })
            .partition(|i| self.archived(i.rel));
        // An original is gone unless a part took its name. One set of the
        // planned paths, not a scan of them per split: that was quadratic.
        let after: HashSet<&Path> = after_docs.iter().map(|(q, _)| q.as_path()).collect();
        let gone: Vec<&Path> = self
            .out
            .splits
            .iter()
            .map(|s| s.original.as_path())
            .filter(|p| !after.contains(p))
            .collect();
        let moved: Vec<analysis::MovedFile> = self
            .out
            .splits
            .iter()
            .map(|s| analysis::MovedFile {
                from: &s.original,
                to: &s.archived,
                parts: &s.parts,
            })
            .collect();
        let planned = analysis::Planned {
            targets: &targets,
            gone: &gone,
            moved: &moved,
            decisions: Some(extracted),
        };
        analysis::run_planned(self.inp.root, &inputs, &planned, self.cfg)
    }
}
