//! Stage 2 of the restructure: rewrite every link whose target moves, in the
//! files that stay and in the moved text, and record each link that resolves
//! today for the after-plan check.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{sorted, At, Check, PartOut, Planner};
use crate::model::links::{edit, locate_all, Loc};
use crate::model::Document;
use crate::note::{Note, NoteKind};
use crate::plan::links::{anchors, dest_of, part_links, retarget, url, Dest, PartText};
use crate::plan::Op;

impl Planner<'_> {
    fn resolves_before(&self, d: &Dest) -> bool {
        if !self.exists_before(&d.0) {
            return false;
        }
        match &d.1 {
            None => true,
            Some(a) if a.is_empty() => true,
            Some(a) => match self.anchors_before.get(d.0.as_path()) {
                Some(set) => {
                    // Both maps hold every input document.
                    let doc = self.by_path.get(d.0.as_path());
                    let set = set.get_or_init(|| doc.map(|d| anchors(d)).unwrap_or_default());
                    set.contains(&a.to_lowercase())
                }
                None => true, // not Markdown: anchors are not checked
            },
        }
    }

    /// Stage 2: rewrite links whose target moves, in files that stay and in moved text.
    pub(super) fn rewrite_links(&mut self) {
        let mut broken: Vec<Note> = Vec::new();
        let docs = self.inp.docs;
        let names = self.after_names();
        let stays = |rel: &PathBuf| !self.archived(rel) && !self.moves.contains_key(rel);
        // Each file's mentions are found in parallel (a scan of its whole text
        // against the moves: most of this stage), its links in order below.
        let mut mentioned: Vec<Vec<(std::ops::Range<usize>, String)>> = docs
            .par_iter()
            .map(|(rel, doc)| match stays(rel) {
                true => self.mention_edits(&names, rel, doc),
                false => Vec::new(),
            })
            .collect();
        for ((rel, doc), mentioned) in docs.iter().zip(&mut mentioned) {
            if self.archived(rel) || self.moves.contains_key(rel) {
                continue;
            }
            let mut edits = std::mem::take(mentioned);
            let mentions = edits.len();
            self.out.mentions_rewritten += mentions;
            // A card's links are replan's text, rewritten whole when the card
            // is refreshed: one gone stale is not the author's broken link.
            let cards = match self.card_fields {
                Some(_) => crate::model::markers::card_spans(&doc.source.text),
                None => Vec::new(),
            };
            for l in locate_all(doc) {
                let Some(d) = dest_of(rel, &l.url) else {
                    continue;
                };
                let at = At::line(rel, l.line);
                if !self.resolves_before(&d) {
                    let in_card = l.range.as_ref().is_some_and(|r| {
                        cards.iter().any(|c| c.start <= r.start && r.end <= c.end)
                    });
                    if in_card {
                        continue;
                    }
                    let msg = format!("link `{}` is broken; left unchanged", l.url);
                    broken.push(at.note(NoteKind::LinkBroken, msg));
                    continue;
                }
                // A framework's file that stays as the index of its parts keeps
                // its path: a link to it already lands there, and rewriting it
                // would only respell the user's text (`./x.md` → `x.md`).
                let moved = retarget(&d, &self.moves).filter(|t| *t != d);
                match (moved, &l.range) {
                    (Some(t), Some(r)) => {
                        let new = url(rel, &t);
                        self.checks.push(Check {
                            file: rel.clone(),
                            url: new.clone(),
                            at,
                        });
                        edits.push((r.clone(), new));
                    }
                    (Some(t), None) => self.out.errors.push(at.note(
                        NoteKind::LinkUnlocated,
                        format!(
                            "link `{}` points at a file that moves (to {}), but replan cannot locate it in the text to rewrite it",
                            l.url,
                            t.0.display()
                        ),
                    )),
                    (None, _) => self.checks.push(Check {
                        file: rel.clone(),
                        url: l.url.clone(),
                        at,
                    }),
                }
            }
            if !edits.is_empty() {
                self.out.links_rewritten += edits.len() - mentions;
                let lens = edits.iter().map(|(r, t)| (r.clone(), t.len())).collect();
                let new = edit(&doc.source.text, edits);
                if new != doc.source.text {
                    self.edited.insert(rel.clone(), lens);
                    self.modifies.push(Op::Modify {
                        path: rel.clone(),
                        old: doc.source.text.clone(),
                        new: new.into(),
                    });
                }
            }
        }
        let mut parts = std::mem::take(&mut self.parts);
        let stripped = std::mem::take(&mut self.stripped);
        for (orig, list) in &mut parts {
            let doc = stripped
                .get(orig)
                .or(self.by_path.get(orig.as_path()).copied());
            let Some(doc) = doc else {
                continue;
            };
            let locs = locate_all(doc);
            for part in list.iter_mut() {
                self.rewrite_part(orig, doc, &locs, part, &mut broken);
                // Names of split files in the moved text, its own original's
                // included, read from where the part now is.
                let edits = self.mention_edits(&names, &part.path, &part.doc);
                if !edits.is_empty() {
                    self.out.mentions_rewritten += edits.len();
                    part.edit(edits, self.enc);
                }
            }
        }
        self.parts = parts;
        self.stripped = stripped;
        self.out.notes.extend(sorted(broken));
    }

    /// Links inside moved text: meaning taken from the original, written from the part.
    fn rewrite_part(
        &mut self,
        orig: &Path,
        doc: &Document,
        locs: &[Loc],
        part: &mut PartOut,
        broken: &mut Vec<Note>,
    ) {
        let text = PartText {
            path: &part.path,
            contents: part.contents(),
            span: &part.span,
            prefix: part.prefix,
        };
        let mut edits = Vec::new();
        for l in part_links(orig, locs, doc, text, &self.moves) {
            let at = if l.loc.line > 0 {
                At::line(orig, l.loc.line)
            } else {
                At {
                    path: format!("{} (copied definition)", part.path.display()),
                    line: 0,
                }
            };
            if !self.resolves_before(&l.dest) {
                if l.loc.line > 0 {
                    let msg = format!("link `{}` is broken; left unchanged", l.loc.url);
                    broken.push(at.note(NoteKind::LinkBroken, msg));
                }
                continue;
            }
            let Some(pos) = l.pos else {
                // Not located exactly (escaped, or nested definitions): it must keep
                // its meaning unchanged from the new file, or the plan is refused.
                if dest_of(&part.path, &l.loc.url) != Some(l.target.clone()) {
                    self.out.errors.push(at.note(
                        NoteKind::LinkUnlocated,
                        format!(
                            "link `{}` would need rewriting in {}, but replan cannot locate it in the text",
                            l.loc.url,
                            part.path.display()
                        ),
                    ));
                }
                continue;
            };
            self.checks.push(Check {
                file: part.path.clone(),
                url: l.new.clone(),
                at,
            });
            if l.new != l.loc.url {
                edits.push((pos, l.new));
            }
        }
        if !edits.is_empty() {
            self.out.links_rewritten += edits.len();
            part.edit(edits, self.enc);
        }
    }
}
