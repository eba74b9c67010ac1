//! Each file's decisions, extracted once per run and shared by everyone who
//! reads them: `migrate` and `consolidate` check the planned tree for
//! `decision.conflict` and write the topic files from the same files, and each
//! used to scan every file itself (extraction was ~40% of a dry run).
//!
//! A plain value built from the run's parsed files and passed down the
//! pipeline, not a cache: it lives as long as the run's documents, and a
//! consumer takes a file's entry only when the entry is provably what its own
//! extraction would give (the same configuration, path and text; see
//! [`Extracted::of`]), else it extracts the file itself.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{collect, extract, topics_dir, Ctx, Decision, SourceDoc};
use crate::config::Config;
use crate::model::Document;
use crate::note::Note;

/// The decisions of a set of files, by root-relative path.
pub struct Extracted<'a> {
    /// The configuration they were extracted under.
    cfg: &'a Config,
    /// The compiled rules (compiled once; consumers borrow them).
    pub(super) rules: extract::Rules,
    files: HashMap<PathBuf, FileDecisions<'a>>,
}

/// One file's decisions, as `collect` finds them.
pub(super) struct FileDecisions<'a> {
    /// The text they were read from.
    doc: &'a Document,
    /// The title it was given ([`SourceDoc::title`]): it decides the topics.
    title: Option<String>,
    /// Its decisions, in file order, not yet deduplicated or routed.
    pub(super) found: Vec<Decision>,
    /// What extraction said about it (text recovered from unclosed fences).
    pub(super) notes: Vec<Note>,
    /// How many decisions its text states outside unclosed fences: what one
    /// [`extract::scan`] of it finds.
    pub(super) stated: usize,
}

impl<'a> Extracted<'a> {
    /// Extract the decisions of every source that can hold any (not the topic
    /// files, not the records folder), on every core.
    pub fn new(sources: &[SourceDoc<'a>], cfg: &'a Config) -> Extracted<'a> {
        let mut e = Extracted::empty(cfg);
        e.add(sources);
        e
    }

    /// No file's decisions yet, the rules compiled: files are added as
    /// they come ([`Extracted::add`]).
    pub fn empty(cfg: &'a Config) -> Extracted<'a> {
        Extracted {
            cfg,
            rules: extract::Rules::new(&cfg.decisions),
            files: HashMap::new(),
        }
    }

    /// Extract the decisions of the sources that can hold any, on every core,
    /// but for those held already from the very same document: what
    /// [`Extracted::new`] of all of them at once would hold. A restructure
    /// extracts a big original's archive copy before its parts exist, so
    /// the scan of the big text is not held beside them.
    pub fn add(&mut self, sources: &[SourceDoc<'a>]) {
        let ctx = Ctx::new(self.cfg, &self.rules);
        let held = |src: &SourceDoc| {
            self.files
                .get(&src.rel)
                .is_some_and(|f| std::ptr::eq(f.doc, src.doc) && f.title == src.title)
        };
        let found: Vec<(PathBuf, FileDecisions<'a>)> = sources
            .par_iter()
            .filter(|src| ctx.reads(&src.rel) && !held(src))
            .map(|src| {
                let (found, notes, stated) = collect(&ctx, src, ctx.archived(&src.rel));
                let entry = FileDecisions {
                    doc: src.doc,
                    title: src.title.clone(),
                    found,
                    notes,
                    stated,
                };
                (src.rel.clone(), entry)
            })
            .collect();
        self.files.extend(found);
    }

    /// The entry of `src` when it holds exactly what extracting `src` under
    /// `cfg` gives: the same configuration (by identity), the same path and the
    /// same text and title. The document is the same when the text is (it is
    /// parsed from the text alone), and nothing else goes into one file's
    /// extraction.
    pub(super) fn of(&self, src: &SourceDoc, cfg: &Config) -> Option<&FileDecisions<'a>> {
        if !std::ptr::eq(self.cfg, cfg) {
            return None;
        }
        let f = self.files.get(&src.rel)?;
        let same = std::ptr::eq(f.doc, src.doc) || f.doc.source.text == src.doc.source.text;
        (same && f.title == src.title).then_some(f)
    }

    /// How many decisions the text of `rel` states (outside unclosed fences),
    /// when it was extracted from `doc`: what [`extract::scan`] would count
    /// (the title changes no count).
    pub fn stated(&self, rel: &Path, doc: &Document) -> Option<usize> {
        let f = self.files.get(rel)?;
        let same = std::ptr::eq(f.doc, doc) || f.doc.source.text == doc.source.text;
        same.then_some(f.stated)
    }
}

/// [`Extracted`] without its documents, held while they cannot be borrowed
/// (a restructure moves parses out of the tree it read meanwhile), to be
/// bound to them again ([`Detached::attach`]).
pub struct Detached {
    rules: extract::Rules,
    /// Each file's decisions and the text they were read from.
    files: HashMap<PathBuf, Held>,
}

/// One file's decisions held without its document: its text, title,
/// decisions, notes and count stated.
type Held = (
    crate::model::Text,
    Option<String>,
    Vec<Decision>,
    Vec<Note>,
    usize,
);

impl Extracted<'_> {
    /// These decisions without their documents.
    pub fn detach(self) -> Detached {
        let files = self
            .files
            .into_iter()
            .map(|(rel, f)| {
                let held = (
                    f.doc.source.text.clone(),
                    f.title,
                    f.found,
                    f.notes,
                    f.stated,
                );
                (rel, held)
            })
            .collect();
        Detached {
            rules: self.rules,
            files,
        }
    }
}

impl Detached {
    /// The decisions again, each file's bound to the document `doc_of` gives
    /// for its path, under `cfg` (the configuration they were extracted
    /// under). A file it gives none for, or one of another text, is left
    /// out: whoever asks for it extracts it again.
    pub fn attach<'a>(
        self,
        cfg: &'a Config,
        doc_of: impl Fn(&Path) -> Option<&'a Document>,
    ) -> Extracted<'a> {
        let files = self
            .files
            .into_iter()
            .filter_map(|(rel, (text, title, found, notes, stated))| {
                let same = |d: &&Document| {
                    std::ptr::eq(d.source.text.as_str(), text.as_str()) || d.source.text == text
                };
                let doc = doc_of(&rel).filter(same)?;
                let f = FileDecisions {
                    doc,
                    title,
                    found,
                    notes,
                    stated,
                };
                Some((rel, f))
            })
            .collect();
        Extracted {
            cfg,
            rules: self.rules,
            files,
        }
    }
}

impl Ctx<'_> {
    /// Whether decisions are read from `rel`: not from the topic files
    /// replan writes, nor from the records folder.
    pub(super) fn reads(&self, rel: &Path) -> bool {
        !rel.starts_with(topics_dir(self.cfg))
            && self
                .cfg
                .decisions
                .records_path()
                .as_ref()
                .is_none_or(|r| !rel.starts_with(r))
    }

    /// Whether `rel` is an archived original.
    pub(super) fn archived(&self, rel: &Path) -> bool {
        let archive = self.cfg.archive.dir_path();
        !archive.as_os_str().is_empty() && rel.starts_with(&archive)
    }
}

impl std::fmt::Debug for Extracted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extracted")
            .field("files", &self.files.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::decisions::{conflicts, plan_decisions};

    fn docs(files: &[(&str, &str)]) -> Vec<(PathBuf, Document)> {
        files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), Document::from_text(p, t)))
            .collect()
    }

    fn sources(docs: &[(PathBuf, Document)]) -> Vec<SourceDoc<'_>> {
        docs.iter()
            .map(|(p, d)| SourceDoc {
                rel: p.clone(),
                doc: d,
                title: None,
            })
            .collect()
    }

    const EARLIER: (&str, &str) = (
        ".claude/plans/phase-2.1.md",
        "# Phase 2.1: Cluster\n\n**Decision**: HA mode with 3 replicas\n",
    );
    const LATER: (&str, &str) = (
        ".claude/plans/phase-2.6.md",
        "# Phase 2.6: Tuning\n\n**Decision**: HA mode with 7 replicas\n\n\
         ```sh\n**Decision**: use the regional endpoint\n",
    );
    const ARCHIVED: (&str, &str) = (
        ".claude/archive/notes.md",
        "# Notes\n\n**Decision**: keep nightly exports\n",
    );

    #[test]
    fn shared_decisions_give_what_each_reader_finds_alone() {
        let cfg = crate::decisions::tests::pcc();
        let docs = docs(&[EARLIER, LATER, ARCHIVED]);
        let src = sources(&docs);
        let shared = Extracted::new(&src, &cfg);
        let alone = conflicts(&src, &cfg, None);
        assert_eq!(alone.len(), 1, "{alone:?}");
        assert_eq!(conflicts(&src, &cfg, Some(&shared)), alone);
        let none = |_: &Path| None;
        let a = plan_decisions(Path::new("/r"), &src, &cfg, &none, None, None);
        let b = plan_decisions(Path::new("/r"), &src, &cfg, &none, None, Some(&shared));
        assert_eq!(a.files, b.files);
        assert!(a
            .files
            .iter()
            .any(|f| f.contents.contains("regional endpoint")));
        assert_eq!(format!("{:?}", a.notes), format!("{:?}", b.notes));
        // The fence's decision is recovered, but not stated by the text itself.
        let (rel, doc) = &docs[1];
        assert_eq!(shared.stated(rel, doc), Some(1));
        assert_eq!(
            extract::scan(doc, &extract::Rules::new(&cfg.decisions))
                .found
                .len(),
            1
        );
    }

    /// A file whose text differs from the one extracted (a planned part that
    /// took an original's path) is read again, never given the old answer.
    #[test]
    fn an_entry_for_other_text_or_config_is_not_used() {
        let cfg = crate::decisions::tests::pcc();
        let before = docs(&[EARLIER, LATER]);
        let shared = Extracted::new(&sources(&before), &cfg);
        let after = docs(&[
            EARLIER,
            (LATER.0, "# Phase 2.6: Tuning\n\nNothing decided here.\n"),
        ]);
        let src = sources(&after);
        assert!(conflicts(&src, &cfg, None).is_empty());
        assert!(conflicts(&src, &cfg, Some(&shared)).is_empty());
        assert_eq!(shared.stated(&after[1].0, &after[1].1), None);
        let other = crate::decisions::tests::pcc();
        assert_eq!(shared.stated(&before[1].0, &before[1].1), Some(1));
        let src = sources(&before);
        assert!(shared.of(&src[1], &other).is_none());
    }

    /// Files added one by one, and again with the rest, hold what one
    /// extraction of them all holds; a file added again from another
    /// document (a different text at the path) is extracted again.
    #[test]
    fn added_in_steps_is_extracted_at_once() {
        let cfg = crate::decisions::tests::pcc();
        let docs = docs(&[EARLIER, LATER, ARCHIVED]);
        let src = sources(&docs);
        let at_once = Extracted::new(&src, &cfg);
        let mut steps = Extracted::empty(&cfg);
        steps.add(&src[2..]);
        steps.add(&src);
        let summary = |e: &Extracted| {
            let mut v: Vec<String> = e
                .files
                .iter()
                .map(|(p, f)| format!("{p:?} {:?} {:?} {}", f.found, f.notes, f.stated))
                .collect();
            v.sort();
            v
        };
        assert_eq!(summary(&steps), summary(&at_once));
        let other = docs_with_later_undecided();
        let mut again = Extracted::new(&src, &cfg);
        again.add(&sources(&other));
        assert_eq!(again.stated(&other[1].0, &other[1].1), Some(0));
        assert_eq!(again.stated(&docs[1].0, &docs[1].1), None);
    }

    /// Detached and attached again to the same documents (here, copies of
    /// them: bound by text, not by address), the decisions are what they
    /// were; a file whose document has another text, or none, is left out.
    #[test]
    fn attached_again_holds_what_it_held_of_the_same_texts() {
        let cfg = crate::decisions::tests::pcc();
        let docs = docs(&[EARLIER, LATER, ARCHIVED]);
        let held = Extracted::new(&sources(&docs), &cfg).detach();
        let copies = docs.clone();
        let other = docs_with_later_undecided();
        let doc_of = |p: &Path| {
            if p == other[1].0 {
                Some(&other[1].1)
            } else {
                copies.iter().find(|(q, _)| q == p).map(|(_, d)| d)
            }
        };
        let again = held.attach(&cfg, |p| doc_of(p).filter(|_| p != copies[2].0));
        assert_eq!(again.stated(&copies[0].0, &copies[0].1), Some(1));
        assert_eq!(again.stated(&other[1].0, &other[1].1), None);
        assert_eq!(again.stated(&docs[1].0, &docs[1].1), None);
        assert_eq!(again.stated(&copies[2].0, &copies[2].1), None);
        assert_eq!(again.files.len(), 1);
    }

    fn docs_with_later_undecided() -> Vec<(PathBuf, Document)> {
        docs(&[
            EARLIER,
            (LATER.0, "# Phase 2.6: Tuning\n\nNothing decided here.\n"),
        ])
    }

    /// An entry extracted under one title is not another title's: the title
    /// decides the topic, so a part given its original's title is read again.
    #[test]
    fn an_entry_is_only_taken_for_the_same_title() {
        let d = docs(&[("p/overview-part-3.md", "## Log\n\n**Decision**: Keep it.\n")]);
        let cfg = Config::builtin();
        let plain = sources(&d);
        let held = Extracted::new(&plain, &cfg);
        let titled = [SourceDoc {
            title: Some("Original".into()),
            ..sources(&d).remove(0)
        }];
        assert!(held.of(&plain[0], &cfg).is_some());
        assert!(held.of(&titled[0], &cfg).is_none());
        let none = |_: &Path| None;
        let fresh = plan_decisions(Path::new("/r"), &titled, &cfg, &none, None, None);
        let shared = plan_decisions(Path::new("/r"), &titled, &cfg, &none, None, Some(&held));
        assert_eq!(fresh.files, shared.files);
        assert!(
            shared.files[0].path.ends_with("original-design.md"),
            "{:?}",
            shared.files
        );
        // Added again under the title, the entry is replaced, not kept.
        let mut again = Extracted::new(&plain, &cfg);
        again.add(&titled);
        assert!(again.of(&titled[0], &cfg).is_some());
    }
}
