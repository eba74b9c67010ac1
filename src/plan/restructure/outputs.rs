//! Stages 4 and 5 of the restructure: the decision topic files and the folder
//! indexes written from the planned tree, then every op in review order.

use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{Outcome, Planner, Said};
use crate::config::Config;
use crate::finding::Finding;
use crate::model::markers;
use crate::model::Document;
use crate::note::{Note, NoteKind};
use crate::plan::index::{self, Entry};
use crate::plan::{Op, Reason};
use crate::subphase::recognise;

/// The title an index shows: a continuation part's unit and part number (with
/// the heading it opens with, when it opens with one: such a part is named after
/// it), else the first subphase heading, else `None` (the first heading).
fn index_title(doc: &Document, cfg: &Config) -> Option<String> {
    if let Some(first) = markers::continuation_line(&doc.source.text) {
        let t = first.split_once("*Continued from [")?.1;
        let (title, rest) = t.split_once("](")?;
        let part = rest.rsplit_once("(part ")?.1.split_once(')')?.0;
        let opens = doc
            .top_headings()
            .next()
            .filter(|(b, _)| *b == 1)
            .map(|(_, h)| h.text().trim().to_string())
            .filter(|h| !h.is_empty() && h != title);
        return Some(match opens {
            Some(h) => format!("{h} ({title}, part {part})"),
            None => format!("{title} (part {part})"),
        });
    }
    doc.top_headings()
        .map(|(_, h)| h)
        .find(|h| recognise(h.text(), &cfg.headings, &cfg.environments).is_some())
        .map(|h| h.text().trim().to_string())
}

impl Planner<'_, '_> {
    /// The title of each part's original, by the part's path: what its
    /// decisions are filed under when it has no title of its own
    /// ([`crate::decisions::SourceDoc::title`]). Taken from the original's
    /// archive copy, the splits of earlier runs (the manifest's) first, so
    /// `consolidate` files them where `migrate` did; a part split again keeps
    /// the title of the original it came from.
    fn part_titles(&self, after_docs: &[(PathBuf, Cow<Document>)]) -> HashMap<PathBuf, String> {
        let mut titles: HashMap<PathBuf, String> = HashMap::new();
        if self.inp.split_before.is_empty() && self.out.splits.is_empty() {
            return titles;
        }
        let doc_at: HashMap<&Path, &Document> = after_docs
            .iter()
            .map(|(p, d)| (p.as_path(), d.as_ref()))
            .collect();
        let earlier = self
            .inp
            .split_before
            .iter()
            .map(|s| (&s.from, &s.to, &s.parts));
        let now = self
            .out
            .splits
            .iter()
            .map(|s| (&s.original, &s.archived, &s.parts));
        for (from, to, parts) in earlier.chain(now).filter(|s| !s.2.is_empty()) {
            let title = titles.get(from.as_path()).cloned().or_else(|| {
                doc_at
                    .get(to.as_path())
                    .map(|d| crate::decisions::title_of(d, to))
            });
            if let Some(t) = title {
                for p in parts {
                    titles.insert(p.clone(), t.clone());
                }
            }
        }
        titles
    }

    /// The decisions of the planned files that the topic files or
    /// `decision.conflict` read (the plans and the archive; with
    /// `decision.conflict` on, every file outside the archive), extracted once;
    /// those `early` holds from the same document are not extracted again.
    pub(super) fn extract_decisions<'s>(
        &'s self,
        after_docs: &'s [(PathBuf, Cow<Document>)],
        early: Option<crate::decisions::Extracted<'s>>,
    ) -> crate::decisions::Extracted<'s> {
        let conflicts = self.cfg.enabled_somewhere("decision.conflict");
        let titles = self.part_titles(after_docs);
        let sources: Vec<crate::decisions::SourceDoc> = after_docs
            .iter()
            .filter(|(p, _)| conflicts || self.in_plan_dir(p) || self.archived(p))
            .map(|(p, d)| crate::decisions::SourceDoc {
                rel: p.clone(),
                doc: d,
                title: titles.get(p.as_path()).cloned(),
            })
            .collect();
        let mut extracted = early.unwrap_or_else(|| crate::decisions::Extracted::empty(self.cfg));
        extracted.add(&sources);
        extracted
    }

    /// Stage 4: decisions, extracted from the plans as they will be (parts and
    /// unchanged files) and the archived originals, into the topic files.
    /// `extracted` holds them already (the files it lacks are read here).
    pub(super) fn topics(
        &self,
        after_docs: &[(PathBuf, Cow<Document>)],
        extracted: &crate::decisions::Extracted,
        said: &mut Said,
    ) -> Vec<Op> {
        // Per framework that keeps its decisions itself: how many its files hold.
        let mut kept_by: BTreeMap<&str, usize> = BTreeMap::new();
        // Per folder of decision records: how many records it holds.
        let mut records_in: BTreeMap<PathBuf, usize> = BTreeMap::new();
        let rules = std::sync::OnceLock::new();
        let titles = self.part_titles(after_docs);
        // Each part and archived copy made this run, to its original: one map,
        // not a scan of every split per file (quadratic on 8,000-file trees).
        let original_of: HashMap<&Path, &Path> = self
            .out
            .splits
            .iter()
            .flat_map(|s| {
                s.parts
                    .iter()
                    .chain(std::iter::once(&s.archived))
                    .map(move |p| (p.as_path(), s.original.as_path()))
            })
            .collect();
        let sources: Vec<crate::decisions::SourceDoc> = after_docs
            .iter()
            .filter(|(p, d)| {
                (self.in_plan_dir(p) || p.starts_with(&self.archive_dir))
                    && !p.starts_with(&self.topics_dir)
                    && !markers::is_index(&d.source.text)
            })
            .filter(|(p, _)| match self.record_folder(p, &original_of) {
                Some(dir) => {
                    *records_in.entry(dir).or_default() += 1;
                    false
                }
                None => true,
            })
            .filter(|(p, d)| match self.keeps_decisions(p, &original_of) {
                Some(fw) => {
                    *kept_by.entry(fw).or_default() +=
                        extracted.stated(p, d).unwrap_or_else(|| {
                            let rules = rules.get_or_init(|| {
                                crate::decisions::extract::Rules::new(&self.cfg.decisions)
                            });
                            crate::decisions::extract::scan(d, rules).found.len()
                        });
                    false
                }
                None => true,
            })
            .map(|(p, d)| crate::decisions::SourceDoc {
                rel: p.clone(),
                doc: d,
                title: titles.get(p.as_path()).cloned(),
            })
            .collect();
        // A topic file's own text as the plan leaves it: with its links rewritten.
        // By path, not a scan of every modify per question: topic pages ask once
        // each, and a big tree has thousands of both.
        let by_path = &self.by_path;
        let modified: HashMap<&Path, &str> = self.modified_texts().rev().collect();
        let existing = |p: &Path| {
            modified
                .get(p)
                .map(|t| (*t).to_string())
                .or_else(|| by_path.get(p).map(|d| d.source.text.to_string()))
        };
        let records_dir = self.cfg.decisions.records_path();
        let listing: Vec<PathBuf> = match &records_dir {
            Some(dir) => self
                .docs
                .iter()
                .map(|(p, _)| p.clone())
                .filter(|p| p.parent() == Some(dir.as_path()))
                .collect(),
            None => Vec::new(),
        };
        let date = |rels: &[PathBuf]| self.record_date(rels);
        let env = crate::decisions::RecordsEnv {
            listing,
            date: &date,
        };
        let topics = crate::decisions::plan_decisions(
            self.inp.root,
            &sources,
            self.cfg,
            &existing,
            records_dir.is_some().then_some(&env),
            Some(extracted),
        );
        for (fw, n) in kept_by.into_iter().filter(|(_, n)| *n > 0) {
            let at = self
                .frameworks
                .iter()
                .find(|f| f.name == fw)
                .map(|f| self.present(&f.keeps_decisions).join(", "))
                .unwrap_or_default();
            said.notes.push(Note::new(
                NoteKind::Framework,
                "",
                format!(
                    "{fw} records its decisions itself ({at}); the {n} {} its files state \
                     {} not copied into topic files. Set topics.dir in replan.yaml to have them \
                     extracted too",
                    if n == 1 { "decision" } else { "decisions" },
                    if n == 1 { "is" } else { "are" },
                ),
            ));
        }
        for (dir, n) in records_in {
            said.notes.push(Note::new(
                NoteKind::Decisions,
                &dir,
                format!(
                    "its {n} decision record(s) are decisions already; not copied into topic files"
                ),
            ));
        }
        let mut ops = self.stale(&topics, records_dir.as_deref(), said);
        said.notes.extend(topics.notes);
        said.errors.extend(topics.errors);
        for f in topics.files {
            if ops.iter().any(|op| *op.path() == f.path) {
                continue; // an emptied page removed instead
            }
            match self.by_path.get(f.path.as_path()) {
                Some(d) if d.source.text == f.contents => {}
                Some(d) => ops.push(Op::Modify {
                    path: f.path,
                    old: d.source.text.clone(),
                    new: f.contents.into(),
                }),
                None if (self.inp.exists)(&f.path) => said.errors.push(Note::new(
                    NoteKind::NotOverwritten,
                    &f.path,
                    "exists but could not be read as Markdown; not overwritten",
                )),
                None => ops.push(Op::Create {
                    path: f.path,
                    contents: f.contents.into(),
                }),
            }
        }
        ops
    }

    /// The folder of the decision record a file is, or is a part or archived
    /// copy of (`decisions::is_record`): not read for topic files.
    fn record_folder(&self, rel: &Path, original_of: &HashMap<&Path, &Path>) -> Option<PathBuf> {
        let records_dir = self.cfg.decisions.records_path();
        self.speaks_for(rel, original_of)
            .into_iter()
            .find(|o| crate::decisions::is_record(o, records_dir.as_deref()))
            .and_then(|o| o.parent().map(Path::to_path_buf))
    }

    /// The files whose decisions `rel` holds: itself, and the original a part
    /// or an archived copy speaks for, split this run (`original_of`) or
    /// earlier (an archived copy keeps its original's path below the archive).
    fn speaks_for<'p>(
        &'p self,
        rel: &'p Path,
        original_of: &HashMap<&'p Path, &'p Path>,
    ) -> Vec<&'p Path> {
        let mut originals: Vec<&Path> = vec![rel];
        if let Some(o) = original_of.get(rel) {
            originals.push(o);
        }
        if let Ok(below) = rel.strip_prefix(&self.archive_dir) {
            originals.push(below);
        }
        originals
    }

    /// The framework whose own decisions a file holds, when that framework
    /// keeps them itself (`keeps_decisions`) and the user set no `topics.dir`:
    /// its files (or their archived copies) are then not read for topic files.
    fn keeps_decisions(&self, rel: &Path, original_of: &HashMap<&Path, &Path>) -> Option<&str> {
        if self.cfg.topics.dir_is_set() {
            return None;
        }
        // A part or an archived copy speaks for its original; a framework's
        // file is split into a folder named after it, beside it.
        let mut originals: Vec<PathBuf> = self
            .speaks_for(rel, original_of)
            .into_iter()
            .map(Path::to_path_buf)
            .collect();
        if let Some(folder) = rel.parent().filter(|f| !f.as_os_str().is_empty()) {
            originals.push(folder.with_extension("md"));
        }
        self.frameworks
            .iter()
            .filter(|f| !f.keeps_decisions.is_empty())
            .find(|f| {
                originals
                    .iter()
                    .any(|o| f.ownership(o) != crate::config::frameworks::Ownership::Free)
            })
            .map(|f| f.name.as_str())
    }

    /// Of a framework's `keeps_decisions` globs, those that match a file of
    /// the tree, to name where its decisions are (a GSD tree without
    /// workstreams is not pointed at `.planning/workstreams/*/STATE.md`); all
    /// of them when none does.
    fn present<'g>(&self, globs: &'g [String]) -> Vec<&'g str> {
        let found: Vec<&str> = globs
            .iter()
            .filter(|g| {
                crate::config::GlobPattern::new(g)
                    .is_ok_and(|m| self.docs.iter().any(|(p, _)| m.is_match(p)))
            })
            .map(String::as_str)
            .collect();
        if found.is_empty() {
            globs.iter().map(String::as_str).collect()
        } else {
            found
        }
    }

    /// The date of a new decision record: `SOURCE_DATE_EPOCH`'s, else that of
    /// the last commit touching the files its decisions come from (a part or an
    /// archived copy counts as its original), else today's (UTC).
    fn record_date(&self, rels: &[PathBuf]) -> String {
        let today = || crate::plan::manifest::now().chars().take(10).collect();
        if std::env::var_os("SOURCE_DATE_EPOCH").is_some() {
            return today();
        }
        let mut originals: Vec<PathBuf> = rels
            .iter()
            .map(|r| {
                self.out
                    .splits
                    .iter()
                    .find(|s| s.archived == *r || s.parts.contains(r))
                    .map_or_else(|| r.clone(), |s| s.original.clone())
            })
            .collect();
        originals.sort();
        originals.dedup();
        (self.inp.last_commit)(&originals).unwrap_or_else(today)
    }

    /// Files an earlier run generated in the topic or records folder that this
    /// run no longer generates (a topic renamed, a record whose topic is gone):
    /// deleted when they are byte-identical to what replan wrote (`restore` brings
    /// them back), else left as they are and said. A page emptied this run goes
    /// the same way when untouched, else keeps its pointer home.
    fn stale(
        &self,
        topics: &crate::decisions::DecisionsOutcome,
        records: Option<&Path>,
        said: &mut Said,
    ) -> Vec<Op> {
        let written = &topics.written;
        let emptied = |p: &Path| topics.emptied.iter().any(|e| e == p);
        let ours =
            |p: &Path| p.starts_with(&self.topics_dir) || records.is_some_and(|r| p.starts_with(r));
        let mut gone: Vec<(&PathBuf, &String)> = self
            .inp
            .generated
            .iter()
            .filter(|(p, _)| ours(p) && (written.binary_search(p).is_err() || emptied(p)))
            .collect();
        gone.sort();
        let mut ops = Vec::new();
        for (p, sum) in gone {
            let Some(doc) = self.by_path.get(p.as_path()) else {
                continue;
            };
            let text = &doc.source.text;
            if !crate::decisions::has_block(text) {
                continue;
            }
            if crate::model::sha256(text.as_bytes()) == *sum
                && crate::decisions::only_generated(text)
            {
                said.notes.push(Note::new(
                    NoteKind::Decisions,
                    p,
                    "generated by an earlier run and no longer (its topic was renamed or has \
                     gone); removed, as nobody edited it since (`restore` brings it back)",
                ));
                ops.push(Op::Delete {
                    path: p.clone(),
                    old: text.clone(),
                });
            } else if !emptied(p) {
                said.notes.push(Note::new(
                    NoteKind::Decisions,
                    p,
                    "generated by an earlier run and no longer (its topic was renamed or has \
                     gone), but it holds text replan did not write; left as it is: delete it \
                     if it is not wanted",
                ));
            }
        }
        ops
    }

    /// Stage 5: an index for every plan folder that receives parts or already has
    /// one written by replan.
    pub(super) fn indexes(
        &self,
        after_docs: &[(PathBuf, Cow<Document>)],
        findings: &[Finding],
        said: &mut Said,
    ) -> Vec<Op> {
        let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
        for s in self.out.splits.iter().filter(|s| !s.in_place) {
            if let Some(d) = s.parts.first().and_then(|p| p.parent()) {
                folders.insert(d.to_path_buf());
            }
        }
        for (rel, doc) in self.docs {
            let ours = rel
                .file_name()
                .is_some_and(|n| n == self.cfg.index_name.as_str())
                && markers::is_index(&doc.source.text);
            if ours && self.in_plan_dir(rel) {
                if let Some(d) = rel.parent() {
                    folders.insert(d.to_path_buf());
                }
            }
        }
        let mut lines_of: HashMap<&str, Vec<(&str, usize)>> = HashMap::new();
        for f in findings {
            lines_of
                .entry(f.path.as_str())
                .or_default()
                .push((f.rule, f.line));
        }
        let by_file: HashMap<&str, Vec<String>> = lines_of
            .into_iter()
            .map(|(path, found)| (path, findings_cell(&found)))
            .collect();
        // The files of each indexed folder, in the order of `after_docs`: one pass
        // over the tree, not one per folder (that was quadratic).
        // A folder made for one document's parts lists them in its reading order.
        let rank = self.reading_ranks();
        let mut in_folder: HashMap<&Path, Vec<&(PathBuf, Cow<Document>)>> =
            folders.iter().map(|f| (f.as_path(), Vec::new())).collect();
        for d in after_docs {
            if let Some(list) = d.0.parent().and_then(|f| in_folder.get_mut(f)) {
                list.push(d);
            }
        }
        // Measuring a folder's files (their tokens) is its own work: on every core.
        let folders: Vec<&PathBuf> = folders.iter().collect();
        let rendered: Vec<(PathBuf, String)> = folders
            .par_iter()
            .map(|folder| {
                let ipath = folder.join(&self.cfg.index_name);
                let members = in_folder
                    .get(folder.as_path())
                    .map_or(&[][..], Vec::as_slice);
                let members: Vec<_> = members.iter().filter(|(p, _)| *p != ipath).collect();
                let mut entries: Vec<Entry> = members
                    .iter()
                    .map(|(p, doc)| {
                        let name = p
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        let mut e = Entry::measure(&name, doc, self.enc);
                        if let Some(t) = index_title(doc, self.cfg) {
                            e.title = t;
                        }
                        let key = p.to_string_lossy().replace('\\', "/");
                        e.findings = Some(by_file.get(key.as_str()).cloned().unwrap_or_default());
                        e.rank = rank.get(p.as_path()).copied();
                        e
                    })
                    .collect();
                let texts: Vec<&str> = members
                    .iter()
                    .map(|(_, d)| d.source.text.as_str())
                    .collect();
                crate::plan::index_status::fill(&mut entries, &texts, self.cfg);
                (ipath, index::render(folder, entries, self.enc))
            })
            .collect();
        let mut ops = Vec::new();
        for (ipath, new) in rendered {
            match self.by_path.get(ipath.as_path()) {
                Some(d) if !markers::is_index(&d.source.text) => said.notes.push(Note::new(
                    NoteKind::NotOverwritten,
                    &ipath,
                    "exists and was not written by replan; index not written",
                )),
                Some(d) if d.source.text == new => {}
                Some(d) => ops.push(Op::Modify {
                    path: ipath.clone(),
                    old: d.source.text.clone(),
                    new: new.into(),
                }),
                None if (self.inp.exists)(&ipath) => said.notes.push(Note::new(
                    NoteKind::NotOverwritten,
                    &ipath,
                    "exists and is not readable Markdown; index not written",
                )),
                None => ops.push(Op::Create {
                    path: ipath.clone(),
                    contents: new.into(),
                }),
            }
        }
        ops
    }

    /// The plan in review order: each original's move and its parts, then edited
    /// files, topic files and indexes.
    pub(super) fn finish(
        mut self,
        findings: Vec<Finding>,
        topics: Vec<Op>,
        indexes: Vec<Op>,
    ) -> Outcome {
        let mut ops: Vec<(Op, Reason)> = Vec::new();
        for s in &mut self.out.splits {
            if let Some(d) = self.by_path.get(s.original.as_path()) {
                let text = d.source.text.clone();
                match self.in_place.remove(&s.original) {
                    // A framework's file: a copy goes to the archive, and the file
                    // keeps its name as the index of its parts.
                    Some(index) if s.in_place => {
                        ops.push((Op::create(&s.archived, text.clone()), Reason::Split));
                        ops.push((Op::modify(&s.original, text, index), Reason::Split));
                    }
                    _ => ops.push((Op::moved(&s.original, &s.archived, text), Reason::Split)),
                }
            }
            for p in self.parts.remove(&s.original).unwrap_or_default() {
                s.ledgers.push(p.ledger);
                ops.push((Op::create(p.path, p.doc.source.text), Reason::Part));
            }
        }
        // Reported in `check`'s scope, so migrate and check say the same.
        let files: Vec<&Path> = findings
            .iter()
            .map(|f| Path::new(f.path.as_str()))
            .collect();
        let all: Vec<&Path> = self
            .docs
            .iter()
            .map(|(p, _)| p.as_path())
            .filter(|p| !self.archived(p))
            .chain(files)
            .collect();
        let scope: HashSet<&Path> = self.cfg.check_scope(&all).into_iter().collect();
        let findings: Vec<Finding> = findings
            .iter()
            .filter(|f| {
                let p = Path::new(&f.path);
                !self.archived(p) && scope.contains(p)
            })
            .cloned()
            .collect();
        // A topic file or index is written whole by its own op, built from the
        // text with links rewritten (topics) or anew (indexes): one op per path,
        // or the second would find the file changed by the first.
        let rewritten_whole: HashSet<&Path> = topics
            .iter()
            .chain(&indexes)
            .map(|op| op.path().as_path())
            .collect();
        self.modifies
            .retain(|op| !rewritten_whole.contains(op.path().as_path()));
        self.modifies.sort_by(|a, b| a.path().cmp(b.path()));
        let tagged = |list: Vec<Op>, r: Reason| list.into_iter().map(move |op| (op, r));
        let cards_only = &self.cards_only;
        ops.extend(self.modifies.into_iter().map(|op| {
            let r = if cards_only.contains(op.path()) {
                Reason::Card
            } else {
                Reason::Links
            };
            (op, r)
        }));
        ops.extend(tagged(topics, Reason::Decisions));
        ops.extend(tagged(indexes, Reason::Index));
        for (op, reason) in ops {
            self.out.reasons.insert(op.path().clone(), reason);
            self.out.plan.ops.push(op);
        }
        self.out.findings = findings;
        self.out
    }
}

/// A file's findings for its index row: one entry per rule, in the order
/// first found, with its lines. One with dozens (a file of 34 broken links)
/// names its first few and how many more, rather than its rule 34 times.
fn findings_cell(found: &[(&str, usize)]) -> Vec<String> {
    const SHOWN: usize = 3;
    let mut rules: Vec<(&str, Vec<usize>)> = Vec::new();
    for &(rule, line) in found {
        match rules.iter_mut().find(|(r, _)| *r == rule) {
            Some((_, lines)) => lines.push(line),
            None => rules.push((rule, vec![line])),
        }
    }
    rules
        .into_iter()
        .map(|(rule, lines)| {
            // One more line is listed rather than said as "and 1 more".
            let shown = if lines.len() <= SHOWN + 1 {
                lines.len()
            } else {
                SHOWN
            };
            let list: Vec<String> = lines[..shown].iter().map(usize::to_string).collect();
            match (lines.len(), lines.len() - shown) {
                (1, _) => format!("{rule} (line {})", lines[0]),
                (_, 0) => format!("{rule} (lines {})", list.join(", ")),
                (_, more) => format!("{rule} (lines {} and {more} more)", list.join(", ")),
            }
        })
        .collect()
}

impl Planner<'_, '_> {
    /// Each file's rank in reading order: the manifest's order of the tree, and
    /// within a folder made for one document's parts, the parts' own order. The
    /// index and the task cards read the same order.
    pub(super) fn reading_ranks(&self) -> HashMap<&Path, usize> {
        let mut rank: HashMap<&Path, usize> = self
            .inp
            .reading_order
            .iter()
            .map(|(p, k)| (p.as_path(), *k))
            .collect();
        for s in self.out.splits.iter().filter(|s| !s.in_place) {
            if crate::plan::parts_in_own_folder(&s.original, &s.parts) {
                for (k, p) in s.parts.iter().enumerate() {
                    rank.insert(p.as_path(), k);
                }
            }
        }
        rank
    }
}

#[cfg(test)]
mod tests {
    use super::findings_cell;

    #[test]
    fn a_rule_found_many_times_is_one_entry_with_its_first_lines() {
        let mut found: Vec<(&str, usize)> = (1..=34).map(|k| ("link.broken", 2 * k + 5)).collect();
        found.insert(1, ("budget.lines", 1));
        assert_eq!(
            findings_cell(&found),
            [
                "link.broken (lines 7, 9, 11 and 31 more)",
                "budget.lines (line 1)"
            ]
        );
        // Near misses: a few lines are listed whole, one as before.
        assert_eq!(
            findings_cell(&[("link.broken", 3), ("link.broken", 8)]),
            ["link.broken (lines 3, 8)"]
        );
        assert_eq!(
            findings_cell(&[("a", 1), ("a", 2), ("a", 3), ("a", 4)]),
            ["a (lines 1, 2, 3, 4)"]
        );
        assert_eq!(
            findings_cell(&[("phase.missing", 12)]),
            ["phase.missing (line 12)"]
        );
    }
}
