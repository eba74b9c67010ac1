//! Where a split document's parts go, decided before any split: flat beside it
//! when its folder is one plan (its files' names carry the numbers their
//! subphases use, as `phase-3-subphases.md` holds 3.x and `phase-4-notes.md`
//! holds 4.x), else in a folder named after the document, so two plans that
//! both have a Step 1.1 are not flattened side by side. A framework-owned file
//! always gets a folder beside it, and keeps its name as the index of its parts.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use super::select::Candidacy;
use super::Planner;
use crate::config::{Framework, Layout, Ownership};
use crate::model::Document;
use crate::note::{Note, NoteKind};
use crate::subphase::Reading;

/// The numbers a file name carries: its runs of digits, after dates
/// (`2025-10-30`) are taken out so a date does not pass for a phase number.
pub(super) fn name_numbers(stem: &str) -> BTreeSet<u64> {
    let bytes = stem.as_bytes();
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        // `YYYY-MM-DD` (or with `_`): skip the whole date.
        let rest = &stem[start..];
        let is_date = i - start == 4
            && rest.len() >= 10
            && rest.as_bytes()[4] == rest.as_bytes()[7]
            && matches!(rest.as_bytes()[4], b'-' | b'_')
            && rest[5..7].bytes().all(|b| b.is_ascii_digit())
            && rest[8..10].bytes().all(|b| b.is_ascii_digit());
        if is_date {
            i = start + 10;
            continue;
        }
        if let Ok(n) = stem[start..i].parse() {
            out.insert(n);
        }
    }
    out
}

/// The leading numbers of a document's subphases (`4` for 4.7), with each
/// full number as written, in document order.
fn subphase_numbers(planner: &Planner, doc: &Document) -> Vec<(u64, String, usize)> {
    let reading = Reading::of_doc(doc, &planner.cfg.headings, &planner.cfg.environments);
    doc.top_headings()
        .filter_map(|(_, h)| {
            let sp = reading.recognise(h.text())?;
            let major = sp
                .number
                .split('.')
                .next()?
                .trim_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .ok()?;
            Some((major, sp.number, h.line()))
        })
        .collect()
}

/// A document holding a subphase number: where, at which line, and whether it
/// may be split.
type Holder<'p> = (&'p Path, usize, bool);

impl<'a> Planner<'a, '_> {
    /// The frameworks in use in this tree.
    pub(super) fn detect_frameworks(
        cfg: &'a crate::config::Config,
        exists: &dyn Fn(&Path) -> bool,
    ) -> Vec<&'a Framework> {
        cfg.frameworks
            .iter()
            .filter(|f| f.detected(exists))
            .collect()
    }

    /// What the frameworks in use say about a path.
    pub(super) fn ownership(&self, rel: &Path) -> Ownership<'a> {
        self.frameworks
            .iter()
            .map(|f| f.ownership(rel))
            .find(|o| *o != Ownership::Free)
            .unwrap_or(Ownership::Free)
    }

    /// The folder a framework in use claims whole, when that is all that owns
    /// `rel` ([`crate::config::Framework::owning_folder`]).
    pub(super) fn owning_folder(&self, rel: &Path) -> Option<&'a str> {
        self.frameworks
            .iter()
            .find(|f| f.ownership(rel) != Ownership::Free)
            .and_then(|f| f.owning_folder(rel))
    }

    /// The folders that are one plan, and a note for each subphase number that
    /// two documents of such a folder both hold (they overlap: `check` reports
    /// the pair as `phase.duplicate` once both are split). Only where one of the
    /// two may be split (`candidacy`, in the order of the input's documents):
    /// GSD's `07-02-PLAN.md` and its `07-02-SUMMARY.md` share their plan's
    /// number by design, and neither is ever cut.
    pub(super) fn one_plan_folders(&mut self, candidacy: &[Candidacy]) -> HashSet<PathBuf> {
        let mut carries: BTreeMap<&Path, bool> = BTreeMap::new();
        let mut holders: BTreeMap<(&Path, String), Vec<Holder>> = BTreeMap::new();
        for ((rel, doc), c) in self.docs.iter().zip(candidacy) {
            if !self.in_plan_dir(rel) || crate::model::markers::is_generated_text(&doc.source.text)
            {
                continue;
            }
            let nums = subphase_numbers(self, doc);
            if nums.is_empty() {
                continue;
            }
            let stem = rel
                .file_stem()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default();
            let named = name_numbers(&stem);
            let dir = rel.parent().unwrap_or(Path::new(""));
            let ok = nums.iter().all(|(m, _, _)| named.contains(m));
            let slot = carries.entry(dir).or_insert(true);
            *slot &= ok;
            let may_split =
                !matches!(c, Candidacy::No) && !matches!(self.ownership(rel), Ownership::Parsed(_));
            let mut seen = HashSet::new();
            for (_, n, line) in nums {
                if seen.insert(n.clone()) {
                    holders
                        .entry((dir, n))
                        .or_default()
                        .push((rel.as_path(), line, may_split));
                }
            }
        }
        let one: HashSet<PathBuf> = carries
            .iter()
            .filter(|(_, ok)| **ok)
            .map(|(d, _)| d.to_path_buf())
            .collect();
        let mut notes = Vec::new();
        for ((dir, number), files) in holders {
            if files.len() < 2 || !one.contains(dir) || !files.iter().any(|f| f.2) {
                continue;
            }
            let (first, _, _) = files[0];
            for (other, line, _) in &files[1..] {
                notes.push(
                    Note::new(
                        NoteKind::Overlap,
                        other,
                        format!(
                            "subphase {number} is also in {}: the two documents overlap; \
                             their parts keep the same number (check reports them as phase.duplicate)",
                            first.display()
                        ),
                    )
                    .at(*line),
                );
            }
        }
        self.out.notes.extend(notes);
        one
    }

    /// The folder a split document's parts go to, and whether the document stays
    /// in place as their index (a framework's file).
    pub(super) fn parts_dir(&self, rel: &Path) -> (PathBuf, bool) {
        let dir = rel.parent().unwrap_or(Path::new("")).to_path_buf();
        let stem = rel
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if matches!(self.ownership(rel), Ownership::Owned(_)) || is_readme(rel) {
            return (dir.join(stem), true);
        }
        let folder = match self.cfg.layout {
            Layout::Flat => false,
            Layout::FolderPerPlan => true,
            Layout::Auto => !self.one_plan.contains(&dir),
        };
        if folder {
            (self.unexcluded_folder(&dir, &stem), false)
        } else {
            (dir, false)
        }
    }

    /// The folder named after a document for its parts, unless the configuration
    /// would leave a file there alone (`plan_exclude`, `exclude`): the parts of a
    /// plan named `templates.md` or `done.md` in `templates/` or `done/` would be
    /// taken for templates or retired plans, never checked or refreshed again.
    /// Such a folder gets `-plan` after the name.
    fn unexcluded_folder(&self, dir: &Path, stem: &str) -> PathBuf {
        let folder = dir.join(stem);
        let probe = folder.join("part.md");
        if self.cfg.leaves_alone(&probe) {
            dir.join(format!("{stem}-plan"))
        } else {
            folder
        }
    }
}

/// Whether `rel` is a folder's README: what GitHub and editors show for its
/// folder. Split, it stays in place as the index of its parts, as a
/// framework's file does; archived, it left its folder without one (a
/// spec-kit repo's `testing-strategy/README.md` became `README/INDEX.md`).
pub(super) fn is_readme(rel: &Path) -> bool {
    rel.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.eq_ignore_ascii_case("README.md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_numbers_but_not_dates() {
        let n = |s: &str| name_numbers(s).into_iter().collect::<Vec<_>>();
        assert_eq!(n("phase-4-working-notes"), vec![4]);
        assert_eq!(n("phase-6.28-completion"), vec![6, 28]);
        assert_eq!(n("2025-10-30-alloydb-vpn-access-design"), Vec::<u64>::new());
        assert_eq!(n("2026_01_30-tier2"), vec![2]);
        assert_eq!(n("IMPLEMENTATION_PLAN"), Vec::<u64>::new());
        assert_eq!(n("chunk-023-runbook"), vec![23]);
    }
}
