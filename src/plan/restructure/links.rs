//! Stage 2 of the restructure: rewrite every link whose target moves, in the
//! files that stay and in the moved text, and record each link that resolves
//! today for the after-plan check.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::{sorted, At, Check, PartOut, Planner};
use crate::model::links::{applicable, changes, edit, lengths, locate_all, Loc};
use crate::model::markers;
use crate::model::Document;
use crate::note::{Note, NoteKind};
use crate::plan::links::{anchors, dest_of, part_links, retarget, url, Dest, PartText};
use crate::plan::Op;

impl Planner<'_, '_> {
    fn resolves_before(&self, d: &Dest) -> bool {
        // Every input document has an entry until stage 3 forgets them
        // (`forget_moved_anchors`); asked after that, every anchor would pass.
        debug_assert_eq!(
            self.anchors_before.len(),
            self.by_path.len(),
            "resolves_before asked after the anchors were forgotten"
        );
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
        let docs = self.docs;
        let names = self.after_names();
        // Each staying file's links and mentions are read and its new text made
        // on any core (it was all on the main thread: 0.77 G instructions of a
        // 4,000-file tree); what they add to the plan is added below, in file
        // order, as one pass in order added it.
        let per_file: Vec<FileLinks> = docs
            .par_iter()
            .map(|(rel, doc)| match self.stays(rel) {
                true => self.file_links(&names, rel, doc),
                false => FileLinks::default(),
            })
            .collect();
        for ((rel, doc), f) in docs.iter().zip(per_file) {
            if !self.stays(rel) {
                continue;
            }
            self.out.mentions_rewritten += f.mentions;
            self.checks.extend(f.checks);
            self.out.errors.extend(f.errors);
            // A broken link is said of a file this run rewrites or a planning
            // file `check` reports on: a project's other docs (a README's
            // link to a deleted page) are not the migration's, and 26 notes
            // on them buried the ones about the plans.
            if f.edited.is_some() || self.cfg.in_planning_folders(rel) {
                broken.extend(f.broken);
            }
            if let Some(Edited { links, edits }) = f.edited {
                self.out.links_rewritten += links;
                if changes(&doc.source.text, &edits) {
                    self.edited.insert(rel.clone(), lengths(&edits));
                    // The planned text is made in stage 3, where the text as
                    // read can go as it is made ([`Planner::parse_modified`]):
                    // made here, every modified file was held twice through
                    // the cards, migrate's peak. A file with a task card has
                    // it now, as the cards are read from the planned text.
                    let new = if markers::card_spans(&doc.source.text).is_empty() {
                        self.pending.insert(rel.clone(), edits);
                        crate::model::Text::default()
                    } else {
                        edit(&doc.source.text, edits).into()
                    };
                    self.modifies.push(Op::Modify {
                        path: rel.clone(),
                        old: doc.source.text.clone(),
                        new,
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
            }
        }
        // Names of split files in the moved text, its own original's included,
        // read from where each part now is, after its links are rewritten: a
        // part's mentions depend on its own text alone, so the parts are done on
        // any core.
        let this = &*self;
        let mentions: usize = parts
            .values_mut()
            .flat_map(|list| list.iter_mut())
            .collect::<Vec<&mut PartOut>>()
            .into_par_iter()
            .map(|part| {
                let edits = this.mention_edits(&names, &part.path, &part.doc);
                let n = edits.len();
                if n > 0 {
                    part.edit(edits, this.enc);
                }
                n
            })
            .sum();
        self.out.mentions_rewritten += mentions;
        self.parts = parts;
        self.stripped = stripped;
        self.out.notes.extend(sorted(broken));
    }

    /// Whether `rel` stays where it is (neither archived nor moved): its links
    /// are rewritten in place.
    fn stays(&self, rel: &Path) -> bool {
        !self.archived(rel) && !self.moves.contains_key(rel)
    }

    /// The links and mentions of `doc`, a file that stays at `rel`: what to
    /// check, what to say, and its new text when any is rewritten.
    fn file_links(
        &self,
        names: &super::mentions::AfterNames,
        rel: &Path,
        doc: &Document,
    ) -> FileLinks {
        let mut f = FileLinks::default();
        let mut edits = self.mention_edits(names, rel, doc);
        f.mentions = edits.len();
        // A card's links are replan's text, rewritten whole when the card
        // is refreshed: one gone stale is not the author's broken link.
        let cards = match self.card_fields {
            Some(_) => crate::model::markers::card_spans(&doc.source.text),
            None => Vec::new(),
        };
        let here: Arc<Path> = Arc::from(rel);
        for l in locate_all(doc) {
            let Some(d) = dest_of(rel, &l.url) else {
                continue;
            };
            let at = At::line(&here, l.line);
            if !self.resolves_before(&d) {
                let in_card = l
                    .range
                    .as_ref()
                    .is_some_and(|r| cards.iter().any(|c| c.start <= r.start && r.end <= c.end));
                if in_card {
                    continue;
                }
                let msg = format!("link `{}` is broken; left unchanged", l.url);
                f.broken.push(at.note(NoteKind::LinkBroken, msg));
                continue;
            }
            // A framework's file that stays as the index of its parts keeps
            // its path: a link to it already lands there, and rewriting it
            // would only respell the user's text (`./x.md` → `x.md`).
            let moved = retarget(&d, &self.moves).filter(|t| *t != d);
            match (moved, &l.range) {
                (Some(t), Some(r)) => {
                    let new = url(rel, &t);
                    f.checks.push(Check {
                        file: Arc::clone(&here),
                        url: new.clone(),
                        at,
                    });
                    edits.push((r.clone(), new));
                }
                (Some(t), None) => f.errors.push(at.note(
                    NoteKind::LinkUnlocated,
                    format!(
                        "link `{}` points at a file that moves (to {}), but replan cannot locate it in the text to rewrite it",
                        l.url,
                        t.0.display()
                    ),
                )),
                (None, _) => f.checks.push(Check {
                    file: Arc::clone(&here),
                    url: l.url.clone(),
                    at,
                }),
            }
        }
        if !edits.is_empty() {
            let links = edits.len() - f.mentions;
            let edits = applicable(&doc.source.text, edits);
            f.edited = Some(Edited { links, edits });
        }
        f
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
        // Shared by the part's links: every one of them has a check.
        let (here, from): (Arc<Path>, Arc<Path>) =
            (Arc::from(part.path.as_path()), Arc::from(orig));
        for l in part_links(orig, locs, doc, text, &self.moves) {
            let at = if l.loc.line > 0 {
                At::line(&from, l.loc.line)
            } else {
                At {
                    path: Arc::from(Path::new(&format!(
                        "{} (copied definition)",
                        part.path.display()
                    ))),
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
                file: Arc::clone(&here),
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

/// What rewriting one staying file's links gives: made on any core, added to
/// the plan in file order.
#[derive(Default)]
struct FileLinks {
    /// Its mentions rewritten.
    mentions: usize,
    /// Links to check in the planned tree, in text order.
    checks: Vec<Check>,
    /// Links that must be rewritten but cannot be located.
    errors: Vec<Note>,
    /// Links broken today, left as they are.
    broken: Vec<Note>,
    /// Its new text, when anything is rewritten.
    edited: Option<Edited>,
}

/// The rewrites of a staying file's links and mentions.
struct Edited {
    /// How many links (not mentions) were rewritten.
    links: usize,
    /// The edits, as [`edit`] applies them.
    edits: Vec<(std::ops::Range<usize>, String)>,
}
