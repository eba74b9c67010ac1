//! Stage 2 of the restructure: rewrite every link whose target moves, in the
//! files that stay and in the moved text, and record each link that resolves
//! today for the after-plan check.

use std::path::Path;

use super::{sorted, At, Check, PartOut, Planner};
use crate::model::links::{edit, locate_all, Loc};
use crate::model::Document;
use crate::note::{Note, NoteKind};
use crate::plan::links::{dest_of, retarget, url, Dest};
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
                Some(set) => set.contains(&a.to_lowercase()),
                None => true, // not Markdown: anchors are not checked
            },
        }
    }

    /// Stage 2: rewrite links whose target moves, in files that stay and in moved text.
    pub(super) fn rewrite_links(&mut self) {
        let mut broken: Vec<Note> = Vec::new();
        let docs = self.inp.docs;
        let names = self.after_names();
        for (rel, doc) in docs {
            if self.archived(rel) || self.moves.contains_key(rel) {
                continue;
            }
            let mut edits = self.mention_edits(&names, rel, doc);
            let mentions = edits.len();
            self.out.mentions_rewritten += mentions;
            for l in locate_all(doc) {
                let Some(d) = dest_of(rel, &l.url) else {
                    continue;
                };
                let at = At::line(rel, l.line);
                if !self.resolves_before(&d) {
                    let msg = format!("link `{}` is broken; left unchanged", l.url);
                    broken.push(at.note(NoteKind::LinkBroken, msg));
                    continue;
                }
                match (retarget(&d, &self.moves), &l.range) {
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
                let new = edit(&doc.source.text, edits);
                if new != doc.source.text {
                    self.modifies.push(Op::Modify {
                        path: rel.clone(),
                        old: doc.source.text.clone(),
                        new,
                    });
                }
            }
        }
        let mut parts = std::mem::take(&mut self.parts);
        for (orig, list) in &mut parts {
            let Some(doc) = self.by_path.get(orig.as_path()).copied() else {
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
                    part.contents = edit(&part.contents, edits);
                    part.doc = Document::from_text(&part.path.to_string_lossy(), &part.contents);
                }
            }
        }
        self.parts = parts;
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
        let first = doc.source.line_of(part.span.start);
        let last = doc
            .source
            .line_of(part.span.end.saturating_sub(1).max(part.span.start));
        // Destinations in the part with their byte range in the part's contents:
        // those of the original's bytes it carries, then the definitions copied
        // after them (they mean what they meant in the original, too).
        let mut here: Vec<(Loc, Option<std::ops::Range<usize>>)> = Vec::new();
        for l in locs {
            match &l.range {
                Some(r) if r.start >= part.span.start && r.end <= part.span.end => {
                    let s = part.prefix + (r.start - part.span.start);
                    here.push((l.clone(), Some(s..s + r.len())));
                }
                None if l.line >= first && l.line <= last => here.push((l.clone(), None)),
                _ => {}
            }
        }
        let tail = (part.prefix + part.span.len()).min(part.contents.len());
        for d in crate::model::refdefs::scan(part.contents.get(tail..).unwrap_or(""), &[]) {
            let at = tail + d.url_range.start..tail + d.url_range.end;
            let loc = Loc {
                url: d.url,
                range: None,
                line: 0,
            };
            here.push((loc, Some(at)));
        }
        let mut edits = Vec::new();
        for (l, pos) in here {
            let Some(d) = dest_of(orig, &l.url) else {
                continue;
            };
            let at = if l.line > 0 {
                At::line(orig, l.line)
            } else {
                At {
                    path: format!("{} (copied definition)", part.path.display()),
                    line: 0,
                }
            };
            if !self.resolves_before(&d) {
                if l.line > 0 {
                    let msg = format!("link `{}` is broken; left unchanged", l.url);
                    broken.push(at.note(NoteKind::LinkBroken, msg));
                }
                continue;
            }
            let target = retarget(&d, &self.moves).unwrap_or(d.clone());
            let Some(pos) = pos else {
                // Not located exactly (escaped, or nested definitions): it must keep
                // its meaning unchanged from the new file, or the plan is refused.
                if dest_of(&part.path, &l.url) != Some(target.clone()) {
                    self.out.errors.push(at.note(
                        NoteKind::LinkUnlocated,
                        format!(
                            "link `{}` would need rewriting in {}, but replan cannot locate it in the text",
                            l.url,
                            part.path.display()
                        ),
                    ));
                }
                continue;
            };
            let same_file = l.url.trim_start().starts_with('#');
            let new = if !same_file && target == d && part.path.parent() == orig.parent() {
                l.url.clone()
            } else {
                url(&part.path, &target)
            };
            self.checks.push(Check {
                file: part.path.clone(),
                url: new.clone(),
                at,
            });
            if new != l.url {
                edits.push((pos, new));
            }
        }
        if !edits.is_empty() {
            self.out.links_rewritten += edits.len();
            part.contents = edit(&part.contents, edits);
            part.doc = Document::from_text(&part.path.to_string_lossy(), &part.contents);
        }
    }
}
