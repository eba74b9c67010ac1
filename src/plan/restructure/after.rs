//! Stage 3 of the restructure: the tree as the plan leaves it, the check that
//! every link resolving today still resolves there, and `check`'s findings on it.

use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::Planner;
use crate::analysis;
use crate::finding::Finding;
use crate::model::links::edit;
use crate::model::reverse::ReverseEdits;
use crate::model::{shifted, Document, Source, Text};
use crate::note::{Note, NoteKind};
use crate::plan::links::{anchors, dest_of};
use crate::plan::Op;

impl Planner<'_, '_> {
    /// Links are rewritten: where each heading of a moved file went was for
    /// that alone; from here on only the moves themselves are read (the task
    /// cards and stage 3). Every moved heading's anchor, part path and part
    /// anchor were held to the end of the run (~1.5 MB of a 4,000-file tree),
    /// then through the cards' refresh, the peak once the texts as read of the
    /// modified files wait as edits in stage 3.
    ///
    /// So were the anchors of the files before the plan, gathered as links
    /// asked for them, and the card-stripped texts the parts' links were
    /// located in: neither is read once links are rewritten.
    pub(super) fn forget_moved_anchors(&mut self) {
        for m in self.moves.values_mut() {
            m.anchors = HashMap::new();
        }
        self.anchors_before = HashMap::new();
        self.stripped = HashMap::new();
    }

    /// The parse of each modified file as read, by index of `modifies`,
    /// taken out of `docs` (which keep its text alone: see [`Planner::docs`]).
    /// Nothing reads it from here on but [`Planner::parse_modified`], which
    /// moves it into the parse of the planned text: its blocks, headings and
    /// links were copied there, and both held at once.
    pub(super) fn take_modified(&self, docs: &mut [(PathBuf, Document)]) -> Vec<Option<Document>> {
        let mut at: HashMap<&Path, usize> = docs
            .iter()
            .enumerate()
            .map(|(i, (p, _))| (p.as_path(), i))
            .collect();
        let wanted: Vec<Option<usize>> = self
            .modifies
            .iter()
            .map(|op| match op {
                // Only a parse of the very text the op expects, of a file
                // that stays (an archived original's parse is read on), and
                // once: a parse whose text is the planned text is read as it.
                Op::Modify { path, old, new }
                    if !self.moves.contains_key(path)
                        && (self.pending.contains_key(path) || old != new) =>
                {
                    let i = at.remove(path.as_path())?;
                    reads_as(&docs[i].1, old).then_some(i)
                }
                _ => None,
            })
            .collect();
        drop(at);
        wanted
            .into_iter()
            .map(|i| {
                let i = i?;
                // A file whose text as read may wait as edits keeps no text
                // here either ([`Planner::parse_modified`]); nothing of stage 3
                // reads the slot of such a file but to find its planned parse.
                let source = match self.parkable(&docs[i].0) {
                    true => Source::shared(&docs[i].0, crate::model::Text::default()),
                    false => docs[i].1.source.text_only(),
                };
                let slot = Document::from_located(source, vec![], vec![], vec![]);
                Some(std::mem::replace(&mut docs[i].1, slot))
            })
            .collect()
    }

    /// Whether a modified file's text as read may wait as edits during
    /// stage 3, its slot in the documents read left empty: not a file a
    /// stage-3 reader takes from that slot (an index, whose marker says it is
    /// replan's; a topic file, a decision record or another file replan
    /// generated, whose text as read is the `old` of the op that rewrites it).
    fn parkable(&self, rel: &Path) -> bool {
        rel.file_name()
            .is_none_or(|n| n != self.cfg.index_name.as_str())
            && !rel.starts_with(&self.topics_dir)
            && !self
                .cfg
                .decisions
                .records_path()
                .is_some_and(|r| rel.starts_with(r))
            && !self.inp.generated.contains_key(rel)
            && !self.archived(rel)
    }

    /// Then each modified file's planned text is made (from its link edits,
    /// [`Planner::pending`], unless a task card's refresh made it already)
    /// and moves into its parse, as a part's text lives in its parse, and goes
    /// back into the op once the planned tree has been read
    /// ([`Planner::unparse_modified`]). The planned tree's check needs every
    /// modified file parsed, and that parse held a copy of the text beside the
    /// op's (on a 4,000-file tree, where nearly every file has a link
    /// rewritten, ~14 MB at migrate's peak). Where only link destinations
    /// changed, it is the parse as read (`taken`, [`Planner::take_modified`]),
    /// shifted. Its text as read, where it can wait as the edits back
    /// ([`Planner::parkable`]), goes as soon as its planned text is made: the
    /// two are held together for the files in hand, not for the whole tree.
    ///
    /// Each modified file's tokens are spliced here, on every core, from its
    /// original's count when that is known (it was counted for the check
    /// while files were split) and remembered: the check of the planned
    /// tree counted each link-rewritten text again.
    pub(super) fn parse_modified(&mut self, taken: Vec<Option<Document>>) {
        /// One modified file's texts, taken out of its op meanwhile: the
        /// text as read goes (when it can wait as edits) as soon as the
        /// planned text is made, not once every file's is.
        struct Job {
            path: PathBuf,
            old: Text,
            /// The planned text, unless it is still to be made with `edits`.
            new: Text,
            edits: Option<Vec<(std::ops::Range<usize>, String)>>,
            was: Option<Document>,
            parkable: bool,
        }
        let parkable: Vec<bool> = self
            .modifies
            .iter()
            .map(|op| self.parkable(op.path()))
            .collect();
        let mut pending = std::mem::take(&mut self.pending);
        let jobs: Vec<Option<Job>> = self
            .modifies
            .iter_mut()
            .zip(taken.into_iter().chain(std::iter::repeat_with(|| None)))
            .zip(parkable)
            .map(|((op, was), parkable)| match op {
                Op::Modify { path, old, new } => Some(Job {
                    new: std::mem::take(new),
                    edits: pending.remove(path),
                    path: path.clone(),
                    old: std::mem::take(old),
                    was,
                    parkable,
                }),
                _ => None,
            })
            .collect();
        debug_assert!(pending.is_empty(), "edits of no modified file");
        // A link rewrite whose planned text was left to be made here has its
        // edits; without them its op would write an empty file. Never so by
        // construction (the edits are taken only here, and a card's refresh
        // of such a file is refused): refused all the same, before anything
        // is written.
        for job in jobs.iter().flatten() {
            let lost = job.edits.is_none()
                && job.new.is_empty()
                && !job.old.is_empty()
                && self.edited.contains_key(&job.path);
            if lost {
                self.out.errors.push(Note::new(
                    NoteKind::Refused,
                    &job.path,
                    "internal error: the planned text of this file was lost; nothing written",
                ));
            }
        }
        let (enc, edited, unmade) = (self.enc, &self.edited, &self.unmade);
        type Done = (Option<Document>, Option<ReverseEdits>, Text);
        let done: Vec<Done> = jobs
            .into_par_iter()
            .map(|job| {
                let Some(Job {
                    path,
                    old,
                    new,
                    edits,
                    was,
                    parkable,
                }) = job
                else {
                    return (None, None, Text::default());
                };
                let text: Text = match edits {
                    Some(edits) => edit(&old, edits).into(),
                    None => new,
                };
                let lens = edited.get(&path);
                // The text as read, as the edits back from the planned one,
                // when its slot was emptied (a parse taken of a parkable file)
                // and those edits are exact.
                let parked = match (&was, lens) {
                    (Some(_), Some(lens)) if parkable => ReverseEdits::of(&old, &text, lens),
                    _ => None,
                };
                let spliced = lens.and_then(|lens| {
                    let n = enc.remembered(&old)?;
                    Some(crate::tokens::count_edited(enc, &old, n, &text, lens))
                });
                if let Some(n) = spliced {
                    enc.remember(&text, n);
                }
                // As `Document::from_text` names it, without copying the text.
                let name = path.to_string_lossy();
                let source = Source::shared(Path::new(name.as_ref()), text);
                // Only link destinations changed: the input's parse, shifted.
                let doc = match (was, lens) {
                    (Some(was), Some(lens)) => match shifted::reparse_owned(was, source, lens) {
                        Ok(doc) => doc,
                        Err(source) => Document::parse(source),
                    },
                    _ => Document::parse(source),
                };
                // Its last holder: the slot was emptied, the parse as read is
                // gone into the planned one.
                let old = match parked {
                    Some(_) => unmade.clone(),
                    None => old,
                };
                (Some(doc), parked, old)
            })
            .collect();
        let mut modified = Vec::with_capacity(done.len());
        let mut parked = Vec::with_capacity(done.len());
        for (op, (doc, back, text)) in self.modifies.iter_mut().zip(done) {
            if let Op::Modify { old, .. } = op {
                *old = text;
            }
            modified.push(doc);
            parked.push(back);
        }
        self.modified = modified;
        self.parked = parked;
        self.edited = HashMap::new();
    }

    /// The planned texts of the modified files back into their ops, the
    /// parses dropped: the end of [`Planner::parse_modified`]. The texts as
    /// read that wait as edits stay so ([`Unmade`]) until the plan is made.
    pub(super) fn unparse_modified(&mut self) -> Unmade {
        let docs = std::mem::take(&mut self.modified);
        let parked = std::mem::take(&mut self.parked);
        let parked = parked.into_iter().chain(std::iter::repeat(None));
        let mut waiting = HashMap::new();
        for ((op, doc), parked) in self.modifies.iter_mut().zip(docs).zip(parked) {
            if let (Op::Modify { path, new, .. }, Some(doc)) = (op, doc) {
                *new = doc.source.text;
                if let Some(back) = parked {
                    waiting.insert(path.clone(), (new.clone(), back));
                }
            }
        }
        Unmade {
            slot: self.unmade.clone(),
            waiting,
        }
    }

    /// Each modified file's planned text, by path, in the order of the ops:
    /// the op's own while its text is in it, its parse's during stage 3.
    pub(super) fn modified_texts(&self) -> impl DoubleEndedIterator<Item = (&Path, &str)> {
        self.modifies
            .iter()
            .enumerate()
            .filter_map(|(i, op)| match op {
                Op::Modify { path, new, .. } => {
                    let text = match self.modified.get(i) {
                        Some(Some(doc)) => doc.source.text.as_str(),
                        _ => new.as_str(),
                    };
                    Some((path.as_path(), text))
                }
                _ => None,
            })
    }

    /// The planned tree's files whose parse the planner holds: the parts, the
    /// archived originals (their parse as read) and the modified files. Made
    /// once for stage 3 ([`Planner::verify_links`], [`Planner::after_docs`]):
    /// a map of every part and modified file, ~20 M instructions on a
    /// 4,000-file tree, was built twice.
    pub(super) fn parsed(&self) -> HashMap<&Path, &Document> {
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
        for (op, doc) in self.modifies.iter().zip(&self.modified) {
            if let (Op::Modify { path, .. }, Some(doc)) = (op, doc) {
                known.insert(path.as_path(), doc);
            }
        }
        known
    }

    /// The Markdown tree after the plan: text by root-relative path, borrowed
    /// from the inputs and the planner (a copy of every file's text was a
    /// whole tree's worth of memory at migrate's peak).
    pub(super) fn after(&self) -> HashMap<PathBuf, &str> {
        let mut after: HashMap<PathBuf, &str> = HashMap::new();
        for (rel, doc) in self.docs {
            if !self.moves.contains_key(rel) {
                after.insert(rel.clone(), doc.source.text.as_str());
            }
        }
        for (orig, m) in &self.moves {
            if let Some(d) = self.by_path.get(orig.as_path()) {
                after.insert(m.archive.clone(), d.source.text.as_str());
            }
        }
        for (path, text) in self.modified_texts() {
            after.insert(path.to_path_buf(), text);
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
    /// the errors (the planner is borrowed by `after` meanwhile). A file's
    /// anchors are gathered when a link first asks for them, from the parse
    /// the planner holds of its planned text (`parsed`, [`Planner::parsed`]):
    /// a set for every part was made up front, though few parts are the
    /// target of a link with an anchor.
    pub(super) fn verify_links(
        &self,
        checks: &[super::Check],
        after: &HashMap<PathBuf, &str>,
        parsed: &HashMap<&Path, &Document>,
    ) -> Vec<Note> {
        let mut after_anchors: HashMap<PathBuf, HashSet<String>> = HashMap::new();
        let mut errors = Vec::new();
        for c in checks {
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
                            let same = |doc: &&&Document| reads_as(doc, text);
                            match self.by_path.get(d.0.as_path()).filter(same) {
                                Some(doc) => anchors(doc),
                                None => match parsed.get(d.0.as_path()).filter(same) {
                                    Some(doc) => anchors(doc),
                                    None => {
                                        anchors(&Document::from_text(&d.0.to_string_lossy(), text))
                                    }
                                },
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

    /// The tree after the plan, parsed, sorted by path. Files the planner
    /// holds a parse of (kept, moved to the archive, parts, modified files)
    /// are borrowed, not parsed again; any other (a framework's file become
    /// its parts' index) is parsed here, on every core.
    pub(super) fn after_docs<'s>(
        &'s self,
        after: &HashMap<PathBuf, &str>,
        known: &HashMap<&Path, &'s Document>,
    ) -> Vec<(PathBuf, Cow<'s, Document>)> {
        let mut paths: Vec<&PathBuf> = after.keys().collect();
        paths.sort();
        paths
            .into_par_iter()
            .map(|p| {
                let text = after[p];
                let same = |d: &&&'s Document| reads_as(d, text);
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

/// Whether `doc`'s text is `text`. The planned tree borrows most of its texts
/// from the very parses it looks up (parts, kept files): the same bytes at the
/// same address are equal without comparing them, and comparing every such
/// file's text with itself read the whole tree once more.
fn reads_as(doc: &Document, text: &str) -> bool {
    let own = doc.source.text.as_str();
    std::ptr::eq(own, text) || own == text
}

/// The texts as read of the link-rewritten files, each still the edits back
/// from its planned text, while the op expecting it holds `slot` (a buffer of
/// its own, told apart by identity, not by its empty text). Made again once
/// the plan is made ([`Unmade::make`]): the tree as read is gone by then.
pub(super) struct Unmade {
    slot: Text,
    /// By path: the planned text the edits were taken against (the very
    /// buffer its op writes) and the edits.
    waiting: HashMap<PathBuf, (Text, ReverseEdits)>,
}

impl Unmade {
    /// Give each op waiting for its text as read that text, made from the
    /// planned text it writes. An op whose planned text is not the one its
    /// edits were taken against, or whose edits are gone, would expect the
    /// wrong text on disk: never so by construction (nothing changes a planned
    /// text after stage 3), refused all the same, before anything is written.
    pub(super) fn make(mut self, out: &mut super::Outcome) {
        for op in &mut out.plan.ops {
            let Op::Modify { path, old, new } = op else {
                continue;
            };
            if !old.same_buffer(&self.slot) {
                continue;
            }
            match self.waiting.remove(path.as_path()) {
                Some((planned, back)) if planned.same_buffer(new) => {
                    *old = back.apply(new).into();
                }
                _ => out.errors.push(Note::new(
                    NoteKind::Refused,
                    path.as_path(),
                    "internal error: the text this file was read with was lost; nothing written",
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Plan;

    /// An outcome with one modify op of `a.md` expecting `old` and writing
    /// `new`.
    fn outcome(old: Text, new: Text) -> super::super::Outcome {
        let mut plan = Plan::new(Path::new("/r"));
        plan.ops.push(Op::Modify {
            path: PathBuf::from("a.md"),
            old,
            new,
        });
        super::super::Outcome::of(plan)
    }

    fn old_of(out: &super::super::Outcome) -> &str {
        match &out.plan.ops[0] {
            Op::Modify { old, .. } => old,
            _ => unreachable!(),
        }
    }

    /// A text as read, its planned text (one link moved) and the edits back.
    fn rewritten() -> (&'static str, &'static str, ReverseEdits) {
        let (was, planned) = ("see [x](old.md)\n", "see [x](new/part.md)\n");
        let back = ReverseEdits::of(was, planned, &[(8..14, 11)]).expect("exact edits");
        (was, planned, back)
    }

    #[test]
    fn a_waiting_text_as_read_is_made_from_the_planned_text_its_op_writes() {
        let (was, planned, back) = rewritten();
        let slot = Text::default();
        let new = Text::from(planned.to_string());
        let mut out = outcome(slot.clone(), new.clone());
        let waiting = HashMap::from([(PathBuf::from("a.md"), (new, back))]);
        Unmade { slot, waiting }.make(&mut out);
        assert_eq!(old_of(&out), was);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
    }

    #[test]
    fn an_op_whose_text_as_read_cannot_be_made_is_refused() {
        let (_, planned, back) = rewritten();
        // Edits taken against another buffer than the one the op writes
        // (equal text or not): never applied.
        let slot = Text::default();
        let other = Text::from(planned.to_string());
        let mut out = outcome(slot.clone(), Text::from(planned.to_string()));
        let waiting = HashMap::from([(PathBuf::from("a.md"), (other, back))]);
        Unmade { slot, waiting }.make(&mut out);
        assert_eq!(out.errors.len(), 1);
        assert!(out.errors[0].message.contains("lost"), "{:?}", out.errors);
        // No edits at all for an op that waits: refused too.
        let slot = Text::default();
        let mut out = outcome(slot.clone(), Text::from(planned.to_string()));
        Unmade {
            slot,
            waiting: HashMap::new(),
        }
        .make(&mut out);
        assert_eq!(out.errors.len(), 1);
        // An op not waiting (its own text as read, even an empty one) is left
        // as it is.
        let mut out = outcome(Text::default(), Text::from(planned.to_string()));
        Unmade {
            slot: Text::default(),
            waiting: HashMap::new(),
        }
        .make(&mut out);
        assert!(out.errors.is_empty() && old_of(&out).is_empty());
    }
}
