//! Stage 2, continued: a task card for every part that holds a subphase (see
//! [`crate::plan::card`]), written once its links are final. Neighbours follow
//! the reading order the folder's index lists: a document's own parts in their
//! order first, then natural number order.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Planner;
use crate::model::Document;
use crate::plan::card::{self, Facts};
use crate::subphase::{cmp_natural, recognise};

impl Planner<'_> {
    /// The Markdown files of each folder that receives parts, after the plan,
    /// in the index's order (its own index left out).
    fn reading_order_of_folders(&self) -> HashMap<PathBuf, Vec<PathBuf>> {
        let rank = self.reading_ranks();
        let mut folders: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
        for p in self.parts.values().flatten() {
            if let Some(d) = p.path.parent() {
                folders.entry(d.to_path_buf()).or_default();
            }
        }
        let members = self
            .inp
            .docs
            .iter()
            .map(|(p, _)| p)
            .filter(|p| !self.moves.contains_key(*p) || self.in_place.contains_key(*p))
            .chain(self.parts.values().flatten().map(|p| &p.path));
        for p in members {
            let Some(list) = p.parent().and_then(|d| folders.get_mut(d)) else {
                continue;
            };
            let index = p
                .file_name()
                .is_some_and(|n| n == self.cfg.index_name.as_str());
            if !index && !list.contains(p) {
                list.push(p.clone());
            }
        }
        for list in folders.values_mut() {
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
        folders
    }

    /// Put a card into every part that holds a subphase.
    pub(super) fn cards(&mut self) {
        let Some(fields) = self.card_fields.clone() else {
            return;
        };
        let order = self.reading_order_of_folders();
        let neighbours = |p: &Path| -> (Option<PathBuf>, Option<PathBuf>) {
            let Some(list) = p.parent().and_then(|d| order.get(d)) else {
                return (None, None);
            };
            let Some(i) = list.iter().position(|q| q == p) else {
                return (None, None);
            };
            let prev = i.checked_sub(1).and_then(|j| list.get(j)).cloned();
            (prev, list.get(i + 1).cloned())
        };
        // Where each subphase starts (its first part), for depends-on links.
        let mut first_of: HashMap<String, PathBuf> = HashMap::new();
        for p in self.parts.values().flatten() {
            if let Some(u) = p.unit.as_ref().filter(|u| u.part == 1) {
                first_of
                    .entry(u.number.clone())
                    .or_insert_with(|| p.path.clone());
            }
        }
        let archived: HashMap<PathBuf, PathBuf> = self
            .out
            .splits
            .iter()
            .map(|s| (s.original.clone(), s.archived.clone()))
            .collect();
        let (headings, envs) = (&self.cfg.headings, &self.cfg.environments);
        let mut parts = std::mem::take(&mut self.parts);
        for (orig, list) in &mut parts {
            // The whole subphase's text (all its parts) for status and
            // dependencies.
            let mut unit_text: HashMap<(String, usize), String> = HashMap::new();
            let mut unit_no = 0;
            for p in list.iter() {
                if let Some(u) = &p.unit {
                    if u.part == 1 {
                        unit_no += 1;
                    }
                    unit_text
                        .entry((u.number.clone(), unit_no))
                        .or_default()
                        .push_str(&p.contents);
                }
            }
            let mut unit_no = 0;
            let mut first_path = PathBuf::new();
            // What a card says of its whole unit (dependencies, checkboxes),
            // read once per unit, not once per part: per part, a unit of many
            // parts was read as many times (quadratic on a big file).
            let mut unit_facts: HashMap<(String, usize), (Vec<String>, (usize, usize))> =
                HashMap::new();
            for p in list.iter_mut() {
                let Some(u) = p.unit.clone() else { continue };
                if u.part == 1 {
                    unit_no += 1;
                    first_path = p.path.clone();
                }
                let key = (u.number.clone(), unit_no);
                let (depends_on, checkboxes) = unit_facts
                    .entry(key)
                    .or_insert_with_key(|key| {
                        let whole = unit_text.get(key).map_or("", String::as_str);
                        (card::depends_on(whole, &u.number), card::checkboxes(whole))
                    })
                    .clone();
                let prefix = p.ledger.prefix();
                let body = p.contents.get(prefix..).unwrap_or("");
                let (previous, next) = neighbours(&p.path);
                let facts = Facts {
                    number: u.number.clone(),
                    title: u.title.clone(),
                    duration: card::duration(u.duration.as_deref(), body),
                    part: (u.part, u.parts),
                    continued: (prefix > 0).then(|| {
                        p.contents[..prefix]
                            .lines()
                            .next()
                            .unwrap_or("")
                            .to_string()
                    }),
                    source: archived
                        .get(orig)
                        .map(|a| (a.clone(), u.lines.0, u.lines.1)),
                    previous,
                    next,
                    depends_on: depends_on
                        .into_iter()
                        .map(|n| {
                            let at = first_of.get(&n).filter(|f| **f != first_path).cloned();
                            (n, at)
                        })
                        .collect(),
                    checkboxes,
                };
                let nl = if p.contents.contains("\r\n") {
                    "\r\n"
                } else {
                    "\n"
                };
                let text = card::render(&facts, &p.path, &fields, nl);
                let is_heading = |t: &str| {
                    recognise(t, headings, envs)
                        .or_else(|| crate::analysis::facts::lettered(t))
                        .is_some_and(|s| s.number == u.number)
                };
                if let Some(new) = card::insert(&p.contents, &p.doc, &text, prefix, &is_heading) {
                    if prefix > 0 {
                        p.ledger.drop_prefix();
                    }
                    p.contents = new;
                    p.doc = Document::from_text(&p.path.to_string_lossy(), &p.contents);
                }
            }
        }
        self.parts = parts;
    }
}
