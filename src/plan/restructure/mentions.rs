//! Stage 2, continued: names of split files written in code spans and as paths
//! (`` `IMPLEMENTATION_PLAN.md` ``, `docs/plans/DESIGN.md`) are rewritten to where
//! the text is now, in the same edit as the file's links. A bare name in a
//! sentence is the author's wording: `check` reports it (`link.stale-mention`)
//! and it is left as written.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::Planner;
use crate::model::links::mentions::{self, Moved, NameIndex, Tree};
use crate::model::Document;

/// What the mention finder needs to know of the tree as the plan leaves it.
pub(super) struct AfterNames {
    moved: Moved,
    /// File names of the planned tree (archive aside), by folder.
    named: NameIndex,
    /// Paths of the planned tree, and their folders.
    present: std::collections::HashSet<PathBuf>,
}

impl Planner<'_, '_> {
    /// The moves of this plan, as the mention finder takes them: each original's
    /// text is now in its parts' own index when they got a folder of their own
    /// (the index is written by this plan), else in its first part.
    pub(super) fn after_names(&self) -> AfterNames {
        let mut moved = Moved::default();
        let mut present = std::collections::HashSet::new();
        let mut files: Vec<PathBuf> = Vec::new();
        let mut add = |p: &Path| {
            for a in p.ancestors().skip(1) {
                if !present.insert(a.to_path_buf()) {
                    break;
                }
            }
            present.insert(p.to_path_buf());
            files.push(p.to_path_buf());
        };
        for (rel, _) in self.docs {
            if !self.archived(rel) && !self.moves.contains_key(rel) {
                add(rel);
            }
        }
        for s in self.out.splits.iter().filter(|s| !s.in_place) {
            for p in &s.parts {
                add(p);
            }
            let folder = s.parts.first().and_then(|p| p.parent());
            let now = match folder {
                Some(f) if crate::plan::parts_in_own_folder(&s.original, &s.parts) => {
                    f.join(&self.cfg.index_name)
                }
                _ => s
                    .parts
                    .first()
                    .cloned()
                    .unwrap_or_else(|| s.archived.clone()),
            };
            add(&now);
            moved.insert(s.original.clone(), Some(now), &s.parts);
        }
        AfterNames {
            moved,
            named: NameIndex::new(files.iter().map(PathBuf::as_path)),
            present,
        }
    }

    /// Edits of `doc` (at `rel`) that rewrite its code-span and path mentions of
    /// split files: byte range and new text.
    pub(super) fn mention_edits(
        &self,
        names: &AfterNames,
        rel: &Path,
        doc: &Document,
    ) -> Vec<(Range<usize>, String)> {
        if names.moved.is_empty() || self.cfg.records_history(rel) {
            return Vec::new();
        }
        let exists = |p: &Path| {
            names.present.contains(p) || (!self.moves.contains_key(p) && (self.inp.exists)(p))
        };
        let has_name = |n: &str, under: &Path| names.named.has(n, under);
        let tree = Tree {
            exists: &exists,
            has_name: &has_name,
        };
        mentions::stale(doc, rel, &names.moved, &tree)
            .into_iter()
            .filter(|s| s.mention.rewritable())
            .filter_map(|s| Some((s.mention.range, s.replacement?)))
            .collect()
    }
}
