//! Which files the restructure splits: those in a plan folder, not kept, not
//! generated, and over budget or holding several subphases. Decided before any
//! split, so token counting can run on every core first.

use std::path::{Path, PathBuf};

use super::{is_generated_text, Planner};
use crate::config::Ownership;
use crate::model::sha256;
use crate::model::{count_lines, Document};
use crate::subphase::Reading;

/// Whether a file is split, before its tokens are counted.
pub(super) enum Candidacy {
    No,
    Yes,
    /// If it holds more tokens than this.
    IfOver(usize),
}

impl<'d> Planner<'_, 'd> {
    /// The texts that the check of the planned tree counts (more bytes than a
    /// token budget, not archived) and that are not split, largest first.
    pub(super) fn counted_by_check_unless_split(&self, candidacy: &[Candidacy]) -> Vec<&'d str> {
        let docs: &'d [(PathBuf, Document)] = self.docs;
        let mut v: Vec<&'d str> = docs
            .iter()
            .zip(candidacy)
            .filter(|((rel, doc), c)| {
                let (_, max_tokens) = self.cfg.budget_for(rel);
                max_tokens > 0
                    && doc.source.text.len() > max_tokens
                    && !self.archived(rel)
                    && matches!(c, Candidacy::No)
            })
            .map(|((_, doc), _)| doc.source.text.as_str())
            .collect();
        v.sort_by_key(|t| std::cmp::Reverse(t.len()));
        v
    }

    /// Whether a file may be split: in a plan folder, not kept, not generated and
    /// unedited, and over budget or holding several subphases; for a file within
    /// its line budget, that can hang on its tokens, counted by the caller.
    pub(super) fn candidacy(&self, rel: &Path, doc: &Document) -> Candidacy {
        if !self.in_plan_dir(rel) || matches!(self.ownership(rel), Ownership::History(_)) {
            return Candidacy::No;
        }
        let Some(name) = rel.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            return Candidacy::No;
        };
        let text = &doc.source.text;
        if name == self.cfg.index_name
            || self.cfg.archive.keep.is_match(&name)
            || is_generated_text(text)
            || rel.starts_with(&self.topics_dir)
            || self
                .inp
                .generated
                .get(rel)
                .is_some_and(|h| *h == sha256(text.as_bytes()))
        {
            return Candidacy::No;
        }
        let (max_lines, max_tokens) = self.cfg.budget_for(rel);
        // Cheapest test first; a token covers at least one byte, so a file with no
        // more bytes than the budget is within it without counting.
        if count_lines(text) > max_lines || self.subphases(doc) >= 2 {
            Candidacy::Yes
        } else if text.len() > max_tokens {
            Candidacy::IfOver(max_tokens)
        } else {
            Candidacy::No
        }
    }

    pub(super) fn subphases(&self, doc: &Document) -> usize {
        let reading = Reading::of_doc(doc, &self.cfg.headings, &self.cfg.environments);
        doc.top_headings()
            .filter(|(_, h)| reading.recognise(h.text()).is_some())
            .count()
    }
}
