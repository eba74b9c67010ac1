//! Stage 2, continued: a task card for every part that holds a subphase (see
//! [`crate::plan::card`]), written once its links are final. Neighbours follow
//! the reading order the folder's index lists: a document's own parts in their
//! order first, then natural number order. The reading order and the file of
//! each subphase are read from the whole planned tree, by the same code for
//! new parts and for the cards `refresh` brings up to date, so a run right
//! after another finds every card as it would write it.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::Planner;
use crate::model::{markers, Document};
use crate::plan::carding::{self, Context, Slot};
use crate::subphase::cmp_natural;

/// Each folder's Markdown files in reading order, and the file holding each
/// subphase's heading.
pub(super) struct Maps {
    pub(super) order: HashMap<PathBuf, Vec<PathBuf>>,
    pub(super) first_of: HashMap<String, PathBuf>,
}

impl Maps {
    /// A file's neighbours in its folder's reading order.
    pub(super) fn neighbours(&self, p: &Path) -> (Option<PathBuf>, Option<PathBuf>) {
        let Some(list) = p.parent().and_then(|d| self.order.get(d)) else {
            return (None, None);
        };
        let Some(i) = list.iter().position(|q| q == p) else {
            return (None, None);
        };
        let prev = i.checked_sub(1).and_then(|j| list.get(j)).cloned();
        (prev, list.get(i + 1).cloned())
    }
}

impl Planner<'_, '_> {
    /// The files that stay (not moved away, or kept as their parts' index),
    /// with their text as the plan leaves it so far. A file whose planned text
    /// is not made yet ([`Planner::pending`]) is read as it was: it has no
    /// task card, and its link edits make none (they put paths in), so every
    /// reader of this, which looks for cards, passes it by either way.
    pub(super) fn staying(&self) -> Vec<(&Path, &str)> {
        let modified: HashMap<&Path, &str> = self
            .modifies
            .iter()
            .filter_map(|op| match op {
                crate::plan::Op::Modify { path, new, .. } if !self.pending.contains_key(path) => {
                    Some((path.as_path(), new.as_str()))
                }
                _ => None,
            })
            .collect();
        self.docs
            .iter()
            .filter(|(p, _)| !self.moves.contains_key(p) || self.in_place.contains_key(p))
            .map(|(p, d)| {
                let text = match self.in_place.get(p) {
                    Some(index) => index.as_str(),
                    None => modified
                        .get(p.as_path())
                        .copied()
                        .unwrap_or(d.source.text.as_str()),
                };
                (p.as_path(), text)
            })
            .collect()
    }

    /// Reading order of every folder that receives parts or holds a card, and
    /// the file of each subphase (the first by path when two hold one).
    pub(super) fn card_maps(&self) -> Maps {
        let rank = self.reading_ranks();
        let staying = self.staying();
        let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
        let mut heads: Vec<(PathBuf, String)> = Vec::new();
        for p in self.parts.values().flatten() {
            if let Some(d) = p.path.parent() {
                folders.insert(d.to_path_buf());
            }
            if let Some(u) = p.unit.as_ref().filter(|u| u.part == 1) {
                heads.push((p.path.clone(), u.number.clone()));
            }
        }
        for (p, text) in &staying {
            if self.archived(p) || markers::card_spans(text).is_empty() {
                continue;
            }
            if let Some(d) = p.parent() {
                folders.insert(d.to_path_buf());
            }
            if markers::is_continuation(text) {
                continue;
            }
            let doc = Document::from_text(&p.to_string_lossy(), text);
            if let Some(s) = self.heading_before_card(&doc) {
                heads.push((p.to_path_buf(), s.number));
            }
        }
        heads.sort();
        let mut first_of: HashMap<String, PathBuf> = HashMap::new();
        for (p, n) in heads {
            first_of.entry(n).or_insert(p);
        }
        let mut order: HashMap<PathBuf, Vec<PathBuf>> =
            folders.into_iter().map(|f| (f, Vec::new())).collect();
        let members = staying
            .iter()
            .map(|(p, _)| *p)
            .chain(self.parts.values().flatten().map(|p| p.path.as_path()));
        for p in members {
            let Some(list) = p.parent().and_then(|d| order.get_mut(d)) else {
                continue;
            };
            let index = p
                .file_name()
                .is_some_and(|n| n == self.cfg.index_name.as_str());
            if !index && !list.iter().any(|q| q == p) {
                list.push(p.to_path_buf());
            }
        }
        for list in order.values_mut() {
            let name = |p: &PathBuf| {
                p.file_name()
                    .map(|n| n.to_string_lossy().trim_end_matches(".md").to_string())
                    .unwrap_or_default()
            };
            list.sort_by(|a, b| {
                let (ra, rb) = (rank.get(a.as_path()), rank.get(b.as_path()));
                (ra.is_none(), ra)
                    .cmp(&(rb.is_none(), rb))
                    .then_with(|| cmp_natural(&name(a), &name(b)))
            });
        }
        Maps { order, first_of }
    }

    /// The subphase whose heading a file's card follows (the card goes right
    /// after it), when the file has a card there.
    pub(super) fn heading_before_card(&self, doc: &Document) -> Option<crate::subphase::Subphase> {
        let span = markers::card_spans(&doc.source.text).into_iter().next()?;
        let line = doc.source.line_of(span.start);
        let (_, h) = doc
            .top_headings()
            .find(|(b, _)| doc.blocks.get(*b).is_some_and(|b| b.end_line() + 1 == line))?;
        carding::subphase_of(h.text(), &self.cfg.headings, &self.cfg.environments)
    }

    /// Put a card into every part that holds a subphase.
    pub(super) fn cards(&mut self) {
        let Some(fields) = self.card_fields.clone() else {
            return;
        };
        let maps = self.card_maps();
        let neighbours = |p: &Path| maps.neighbours(p);
        let archived: HashMap<PathBuf, PathBuf> = self
            .out
            .splits
            .iter()
            .map(|s| (s.original.clone(), s.archived.clone()))
            .collect();
        let mut parts = std::mem::take(&mut self.parts);
        for (orig, list) in &mut parts {
            let ctx = Context {
                fields: &fields,
                headings: &self.cfg.headings,
                envs: &self.cfg.environments,
                source: archived.get(orig).map(PathBuf::as_path),
                neighbours: &neighbours,
                first_of: &maps.first_of,
                status: &self.cfg.check.status,
                reparse: true,
                encoding: self.enc,
            };
            // A few subphases at a time, each chunk starting where a subphase's
            // first part does (so every unit's parts are carded together, as
            // one call over all of them would): the slots write into their own
            // copy of the chunk's texts (a part holds its text only in its
            // parse), and copied for all parts at once those were a whole
            // original's text again at migrate's peak on one big file. A part
            // whose card went in has its parse spliced (`Document::splice`:
            // only the card is parsed, and the parse shares the slot's new
            // text), the others keep theirs. The slots start as their parses'
            // own texts, shared.
            let mut start = 0;
            while start < list.len() {
                let begins = |i: usize| list[i].unit.as_ref().is_some_and(|u| u.part == 1);
                let end = carding::chunk_end(list.len(), begins, start, carding::CARD_CHUNK);
                let chunk = &mut list[start..end];
                let mut texts: Vec<crate::model::Text> =
                    chunk.iter().map(|p| p.doc.source.text.clone()).collect();
                let mut slots: Vec<Slot> = chunk
                    .iter_mut()
                    .zip(&mut texts)
                    .map(|(p, contents)| Slot {
                        path: &p.path,
                        contents,
                        doc: &mut p.doc,
                        ledger: &mut p.ledger,
                        unit: p.unit.as_ref(),
                        tokens: &mut p.tokens,
                    })
                    .collect();
                carding::card_parts(&mut slots, &ctx);
                drop(slots);
                debug_assert!(chunk.iter().zip(&texts).all(|(p, t)| p.contents() == &**t));
                start = end;
            }
        }
        self.parts = parts;
    }
}
