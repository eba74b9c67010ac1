//! The restructure planner shared by `migrate` and `consolidate`. Pure: it reads
//! parsed documents and returns a [`Plan`] plus the notes to print.
//!
//! 1. Every Markdown file in a plan folder that is over budget or holds several
//!    subphases is split (as `split` does) into atomic files, and the original
//!    moves, byte-identical, to the archive. The parts stay flat in a folder that
//!    is one plan, else go to a folder named after the document (`layout`). A
//!    framework's file keeps its name as the index of its parts, or is kept whole
//!    when the framework parses it. Files named in
//!    `archive.keep`, indexes, continuation parts, and files replan generated and
//!    nobody edited since are left alone.
//! 2. Every relative link in every Markdown file outside the archive is resolved
//!    against today's tree; links whose target moves are rewritten (to the atomic
//!    file holding the heading, with the anchor recomputed there; to the part
//!    holding the title when there is no anchor, never into the archive). Broken
//!    links are reported and left unchanged.
//! 3. Every link that resolved before is checked against the tree after the plan;
//!    one that would break is an error, and the plan must not be applied.
//! 4. Decisions are extracted from the plans as they will be into topic files.
//! 5. Each plan folder that holds atomic files gets an index.
//!
//! One file per stage, each an `impl Planner` block over the shared state here:
//! `select` (which files are split), `split` (stage 1), `links` (stage 2),
//! `after` (stage 3 and the planned tree), `outputs` (stages 4 and 5, and the
//! plan in review order), `hint` (the note when no file is in a plan folder).

use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::conserve::{self, Account, Ledger, Tally};
use super::links::MoveMap;
use super::{Op, Plan, Reason};
use crate::analysis;
use crate::config::Config;
use crate::finding::Finding;
use crate::model::Document;
use crate::note::{Note, NoteKind};
use crate::tokens::Encoding;
use crate::walk::in_archive;

mod after;
mod cards;
mod hint;
pub use hint::plan_like_folders;
mod layout;
mod links;
mod mentions;
mod outputs;
mod refresh;
mod select;
mod split;

use select::Candidacy;

/// Everything the planner reads.
pub struct Inputs<'a> {
    /// The root (only used for the plan's root).
    pub root: &'a Path,
    /// Configuration.
    pub cfg: &'a Config,
    /// Whether a root-relative path exists on disk (for non-Markdown targets).
    pub exists: &'a (dyn Fn(&Path) -> bool + Sync),
    /// Files replan generated, with the sha256 they were written with.
    pub generated: &'a HashMap<PathBuf, String>,
    /// Parts earlier runs put in a folder of their own, with their place in
    /// their original's reading order (from the manifest).
    pub reading_order: &'a HashMap<PathBuf, usize>,
    /// The originals earlier runs split, oldest first (from the manifest): where
    /// each was, where it was archived and its parts. A part's decisions are
    /// filed under its original's title on every later run too.
    pub split_before: &'a [SplitBefore],
    /// Called once per document examined for splitting (drives a progress bar).
    pub tick: &'a (dyn Fn() + Sync),
    /// The date (`YYYY-MM-DD`) of the last commit touching any of these
    /// root-relative files, when there is one (a new decision record's date).
    pub last_commit: &'a (dyn Fn(&[PathBuf]) -> Option<String> + Sync),
    /// The folder the command was given, relative to the root, when it is
    /// below it: when no planning folder holds a file, the hint names it.
    pub asked: Option<&'a Path>,
    /// Hands the pages freed memory holds back to the system (the command's
    /// `malloc_trim`; a hint to the allocator, nothing moves). Called once the
    /// tree as read is dropped, before the texts as read of the link-rewritten
    /// files are made again (`after::Unmade`).
    pub freed: &'a (dyn Fn() + Sync),
}

/// An original an earlier run split: where it was, its archive copy, its parts.
#[derive(Debug, Clone, Default)]
pub struct SplitBefore {
    /// Where the original was.
    pub from: PathBuf,
    /// Its archive copy.
    pub to: PathBuf,
    /// The files made from it.
    pub parts: Vec<PathBuf>,
}

/// One original split into parts.
#[derive(Debug, Clone)]
pub struct SplitFile {
    /// The original's path.
    pub original: PathBuf,
    /// Where it goes in the archive.
    pub archived: PathBuf,
    /// The new files, in document order.
    pub parts: Vec<PathBuf>,
    /// The original stays, as the index of its parts (a framework's file);
    /// `archived` is then a copy.
    pub in_place: bool,
    /// The text that was split, what the parts must add up to, when it is not
    /// the original as read (its task cards were taken out first). `None`: the
    /// original as read, which the plan's archive copy of it carries (a copy
    /// here too was every split original's text once more at migrate's peak).
    pub text: Option<String>,
    /// The original's tally, measured on its parse.
    pub tally: Tally,
    /// What replan added to each part, in the order of `parts`.
    pub ledgers: Vec<Ledger>,
    /// Why it is split, as `consolidate --check` says it: `412 lines, over
    /// 200; 3 subphases`.
    pub why: String,
}

impl SplitFile {
    /// The conservation account of this split against `plan`: each part's text
    /// as the plan writes it, replan's added text taken out.
    pub fn account(&self, plan: &Plan) -> Account {
        self.account_in(&created(plan))
    }

    /// [`SplitFile::account`] against the plan's new and archived files by
    /// path. An original missing from the plan's archive has nothing its
    /// parts can add up to: its account fails (the plan is refused).
    fn account_in(&self, created: &HashMap<&Path, &str>) -> Account {
        let text = match &self.text {
            Some(t) => t.as_str(),
            None => created.get(self.archived.as_path()).copied().unwrap_or(""),
        };
        let parts: Vec<(&Ledger, Option<&str>)> = self
            .ledgers
            .iter()
            .zip(&self.parts)
            .map(|(l, p)| (l, created.get(p.as_path()).copied()))
            .collect();
        conserve::account(&self.original, text, self.tally, &parts)
    }
}

/// The contents of every file `plan` creates or moves into the archive, by
/// the path it writes (the first op for a path, as a scan of the ops would
/// find it).
fn created(plan: &Plan) -> HashMap<&Path, &str> {
    let mut out = HashMap::new();
    for op in &plan.ops {
        match op {
            Op::Create { path, contents }
            | Op::Move {
                to: path, contents, ..
            } => {
                out.entry(path.as_path()).or_insert(contents.as_str());
            }
            _ => {}
        }
    }
    out
}

impl Outcome {
    /// The conservation account of every split, against the plan as it is now.
    pub fn conservation(&self) -> Vec<Account> {
        // One map of the new files, not a scan of every op per part.
        let created = created(&self.plan);
        self.splits.iter().map(|s| s.account_in(&created)).collect()
    }
}

/// The planner's result.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The operations.
    pub plan: Plan,
    /// Originals split, with their parts.
    pub splits: Vec<SplitFile>,
    /// Warnings to print; they do not stop the run.
    pub notes: Vec<Note>,
    /// Reasons the plan must not be applied.
    pub errors: Vec<Note>,
    /// Links rewritten.
    pub links_rewritten: usize,
    /// Names of split files in code spans and paths rewritten.
    pub mentions_rewritten: usize,
    /// Findings of `check` on the tree after the plan (archive excluded).
    pub findings: Vec<Finding>,
    /// Why each op is in the plan, by the path it writes ([`Op::path`], unique
    /// within a plan).
    pub reasons: HashMap<PathBuf, Reason>,
}

impl Outcome {
    /// An outcome of `plan` alone: nothing split, noted or rewritten yet.
    pub fn of(plan: Plan) -> Self {
        Outcome {
            plan,
            splits: Vec::new(),
            notes: Vec::new(),
            errors: Vec::new(),
            links_rewritten: 0,
            mentions_rewritten: 0,
            findings: Vec::new(),
            reasons: HashMap::new(),
        }
    }

    /// Why `op` is in the plan.
    pub fn reason(&self, op: &Op) -> Option<Reason> {
        self.reasons.get(op.path()).copied()
    }
}

/// Where an original goes in the archive: its path below `.claude/plans` (or the
/// whole root-relative path, for plan folders elsewhere) under `archive.dir`.
pub fn archive_path(cfg: &Config, rel: &Path) -> PathBuf {
    let below = rel.strip_prefix(".claude/plans").unwrap_or(rel);
    Path::new(&cfg.archive.dir).join(below)
}

pub use crate::model::markers::is_generated_text;

/// One new file cut from an original. Its text is its parse's
/// (`doc.source.text`): a part held its text twice, as contents and in its
/// parse, every part of every split at once.
struct PartOut {
    path: PathBuf,
    doc: Document,
    /// Bytes of the original it carries.
    span: std::ops::Range<usize>,
    /// Length of the text replan put before those bytes.
    prefix: usize,
    /// What replan added to it, to take out again.
    ledger: Ledger,
    /// The subphase it holds (part of), for its card.
    unit: Option<crate::plan::carding::Unit>,
    /// The exact tokens of `contents` while they are known without counting
    /// (the split's count, kept in step by the card; `None` once a link in
    /// it is rewritten).
    tokens: Option<usize>,
}

/// A link that resolves today: the file holding it after the plan, its destination
/// text after the plan, and where it was (for messages). Every link of the tree
/// has one, held through stage 2: the paths are shared by a file's links (a
/// copy of two paths per link was ~3 MB of a 4,000-file tree at migrate's peak).
struct Check {
    file: Arc<Path>,
    url: String,
    at: At,
}

/// Where a link was, for notes: a file and line, or (line 0) a definition copied
/// into a part, whose path says so.
#[derive(Debug, Clone)]
struct At {
    path: Arc<Path>,
    line: usize,
}

impl PartOut {
    /// The part's text as the plan writes it.
    fn contents(&self) -> &str {
        &self.doc.source.text
    }

    /// Apply `edits` to its text (recorded in its ledger), parsing it again
    /// unless only plain link destinations changed ([`crate::model::shifted`]).
    /// Its tokens, when they were known, stay known: spliced from the old
    /// count around each edit ([`crate::tokens::count_edited`]) and
    /// remembered, so its folder's index does not count the part again.
    fn edit(&mut self, edits: Vec<(std::ops::Range<usize>, String)>, enc: Encoding) {
        let lens = crate::model::links::lengths(&edits);
        let new = self.ledger.edit(&self.doc.source.text, edits);
        let tokens = self
            .tokens
            .map(|n| crate::tokens::count_edited(enc, &self.doc.source.text, n, &new, &lens));
        // Only plain link destinations changed: its parse, shifted.
        let name = self.path.to_string_lossy();
        let source = crate::model::Source::new(Path::new(name.as_ref()), new);
        self.doc = match crate::model::shifted::reparse(&self.doc, source, &lens) {
            Ok(doc) => doc,
            Err(source) => Document::parse(source),
        };
        if let Some(n) = tokens {
            enc.remember(&self.doc.source.text, n);
        }
        self.tokens = tokens;
    }

    /// Replace its text, parsing it again.
    fn set_contents(&mut self, text: String) {
        // A changed text's tokens are no longer known.
        self.tokens = None;
        // As `Document::from_text` names it, without copying the text.
        let name = self.path.to_string_lossy();
        self.doc = Document::parse(crate::model::Source::new(Path::new(name.as_ref()), text));
    }
}

impl At {
    fn line(path: &Arc<Path>, line: usize) -> At {
        At {
            path: Arc::clone(path),
            line,
        }
    }

    fn note(&self, kind: NoteKind, message: String) -> Note {
        Note::new(kind, &*self.path, message).at(self.line)
    }
}

/// Sorted by path, then line as a number (`:13` before `:1358`), without repeats.
fn sorted(mut notes: Vec<Note>) -> Vec<Note> {
    notes.sort();
    notes.dedup();
    notes
}

/// The planner's state, stage by stage. `'a` is the inputs', `'d` the
/// borrow of the documents read, which ends for a moment between stages 2
/// and 3 (see [`plan`]).
struct Planner<'a: 'd, 'd> {
    inp: &'a Inputs<'a>,
    cfg: &'a Config,
    enc: Encoding,
    topics_dir: PathBuf,
    archive_dir: PathBuf,
    /// Every Markdown file under the root, archive included, root-relative,
    /// in input order. From stage 3 on, a file the plan modifies is its text
    /// as read alone, no longer its parse: that moved into the parse of its
    /// planned text ([`Planner::parse_modified`]).
    docs: &'d [(PathBuf, Document)],
    by_path: HashMap<&'d Path, &'d Document>,
    /// Anchors of every document today, each set made when a link first asks
    /// for it: few files are the target of a link with an anchor, and a set for
    /// every file was ~1.7 MB of a 4,000-file tree held to the end of the run.
    anchors_before: HashMap<&'d Path, std::sync::OnceLock<HashSet<String>>>,
    out: Outcome,
    moves: MoveMap,
    parts: BTreeMap<PathBuf, Vec<PartOut>>,
    modifies: Vec<Op>,
    /// During stage 3, the parse of each of `modifies` (by index), which holds
    /// its planned text meanwhile (see [`Planner::parse_modified`]).
    modified: Vec<Option<Document>>,
    /// During stage 3, the text as read of each of `modifies` (by index) that
    /// waits as the edits back from its planned text (see
    /// [`Planner::parse_modified`]).
    parked: Vec<Option<crate::model::reverse::ReverseEdits>>,
    /// What the op of a file in `parked` expects on disk until its text as
    /// read is made again: one buffer of its own, told apart by identity
    /// ([`after::Unmade`]).
    unmade: crate::model::Text,
    checks: Vec<Check>,
    /// The frameworks in use.
    frameworks: Vec<&'a crate::config::Framework>,
    /// Folders that are one plan: parts stay flat there.
    one_plan: HashSet<PathBuf>,
    /// A framework's file split beside itself → its text as the index of its parts.
    in_place: BTreeMap<PathBuf, String>,
    /// The fields of a task card, when cards are on.
    card_fields: Option<Vec<crate::config::CardField>>,
    /// Files split with their task cards taken out: the text the parts were
    /// cut from, which their links are located in.
    stripped: HashMap<PathBuf, Document>,
    /// Files modified only because their task card was out of date.
    cards_only: HashSet<PathBuf>,
    /// The link and mention edits of each modified file whose planned text is
    /// made in stage 3 ([`Planner::parse_modified`]); its op's `new` is empty
    /// until then.
    pending: HashMap<PathBuf, Vec<(std::ops::Range<usize>, String)>>,
    /// The link and mention edits each modified file's text was made with
    /// (byte range of the original, length of the new text), to splice its
    /// token count from the original's ([`Planner::parse_modified`]).
    edited: HashMap<PathBuf, Vec<(std::ops::Range<usize>, usize)>>,
    /// The decisions of big originals' archive copies, extracted while each
    /// was split, before its parts existed (see [`split::EARLY_SCAN`]).
    early: Option<crate::decisions::Extracted<'d>>,
}

/// Plan a restructure of `docs`, every Markdown file under the root, archive
/// included, root-relative. They are the planner's: between stages 2 and 3
/// the parse of each file the plan modifies moves into the parse of its
/// planned text, which a copy of took ~10 MB of a 4,000-file tree at
/// migrate's peak (issue 17).
pub fn plan(inp: &Inputs, mut docs: Vec<(PathBuf, Document)>) -> Outcome {
    let cfg = inp.cfg;
    let out = Outcome::of(Plan::new(inp.root));
    // The command started loading the tables before reading the tree.
    let enc = analysis::encoding(cfg);
    let docs_now = &docs;
    let mut p = Planner {
        inp,
        cfg,
        enc,
        topics_dir: crate::decisions::topics_dir(cfg),
        archive_dir: cfg.archive.dir_path(),
        docs: docs_now,
        by_path: by_path(docs_now),
        anchors_before: docs_now
            .iter()
            .map(|(p, _)| (p.as_path(), std::sync::OnceLock::new()))
            .collect(),
        out,
        moves: MoveMap::new(),
        parts: BTreeMap::new(),
        modifies: Vec::new(),
        modified: Vec::new(),
        parked: Vec::new(),
        unmade: crate::model::Text::default(),
        checks: Vec::new(),
        frameworks: Planner::detect_frameworks(cfg, &|rel: &Path| {
            docs_now.iter().any(|(p, _)| p == rel) || (inp.exists)(rel)
        }),
        one_plan: HashSet::new(),
        in_place: BTreeMap::new(),
        card_fields: cfg.cards.fields(),
        stripped: HashMap::new(),
        cards_only: HashSet::new(),
        pending: HashMap::new(),
        edited: HashMap::new(),
        early: None,
    };
    if let Some(note) = p.no_plan_dirs_note() {
        p.out.notes.push(note);
    }
    let candidacy: Vec<Candidacy> = docs_now
        .iter()
        .map(|(rel, doc)| p.candidacy(rel, doc))
        .collect();
    p.one_plan = p.one_plan_folders(&candidacy);
    // The check of the planned tree counts the tokens of every file a token
    // budget could reject. Those the plan leaves as they are are counted now, on
    // the side, while files are split: splitting leaves a core idle in its
    // sequential stretches. Counts are remembered, so the check finds them.
    let unchanged = p.counted_by_check_unless_split(&candidacy);
    rayon::join(
        || p.split_all(&candidacy),
        || {
            unchanged.par_iter().with_max_len(1).for_each(|t| {
                enc.count(t);
            })
        },
    );
    p.rewrite_links();
    p.forget_moved_anchors();
    p.cards();
    p.refresh_cards();
    // The documents are borrowed no more while the modified files' parses
    // are taken out of them; then again, as they are now.
    let early = p.early.take().map(crate::decisions::Extracted::detach);
    let held = p.rebind(&[]);
    let taken = held.take_modified(&mut docs);
    let mut p = held.rebind(&docs);
    p.early = early.map(|e| e.attach(cfg, |archived| p.archived_doc(archived)));
    p.parse_modified(taken);
    // Taken before the planned tree borrows the planner.
    let early = p.early.take();
    let checks = std::mem::take(&mut p.checks);
    let after = p.after();
    let known = p.parsed();
    let broken = p.verify_links(&checks, &after, &known);
    // Every link of the tree, held since stage 2 for this check alone: gone
    // before the planned tree is checked, migrate's peak (~4 MB of a
    // 4,000-file tree).
    drop(checks);
    let after_docs = p.after_docs(&after, &known);
    drop(known);
    drop(after);
    // Each planned file's decisions, read once for both readers below.
    let extracted = p.extract_decisions(&after_docs, early);
    // Checking the planned tree and writing the topic files are independent
    // reads of it, each parallel over files with sequential stretches.
    let mut said = Said::default();
    let (findings, topic_ops) = rayon::join(
        || p.findings(&after_docs, &extracted),
        || p.topics(&after_docs, &extracted, &mut said),
    );
    drop(extracted);
    let index_ops = p.indexes(&after_docs, &findings, &mut said);
    drop(after_docs);
    let unmade = p.unparse_modified();
    p.out.errors.extend(broken);
    p.out.notes.extend(said.notes);
    p.out.errors.extend(said.errors);
    let mut out = p.finish(findings, topic_ops, index_ops);
    // The tree as read goes and the pages its parses held are handed back
    // before the texts as read of the link-rewritten files are made again:
    // made while the parses were dropped one by one, they took fresh pages
    // beside the holes those left (50,000 files' dry run: 933 MB peak, 851-890
    // MB so).
    drop(docs);
    (inp.freed)();
    unmade.make(&mut out);
    out
}

/// Notes and errors of the stages that read the planned tree (which borrows the
/// planner), added to the outcome once they are done.
#[derive(Default)]
struct Said {
    notes: Vec<Note>,
    errors: Vec<Note>,
}

/// Each document by its root-relative path.
fn by_path(docs: &[(PathBuf, Document)]) -> HashMap<&Path, &Document> {
    docs.iter().map(|(p, d)| (p.as_path(), d)).collect()
}

impl<'a, 'd> Planner<'a, 'd> {
    /// The planner over `docs` (the same files, as they are now), its state
    /// carried over. Only after stage 2: the anchors of the files before the
    /// plan are not carried (stage 3 reads none), nor the decisions extracted
    /// early, which the caller binds to `docs` again.
    fn rebind<'e>(self, docs: &'e [(PathBuf, Document)]) -> Planner<'a, 'e>
    where
        'a: 'e,
    {
        debug_assert!(self.anchors_before.is_empty() && self.early.is_none());
        Planner {
            inp: self.inp,
            cfg: self.cfg,
            enc: self.enc,
            topics_dir: self.topics_dir,
            archive_dir: self.archive_dir,
            docs,
            by_path: by_path(docs),
            anchors_before: HashMap::new(),
            out: self.out,
            moves: self.moves,
            parts: self.parts,
            modifies: self.modifies,
            modified: self.modified,
            parked: self.parked,
            unmade: self.unmade,
            checks: self.checks,
            frameworks: self.frameworks,
            one_plan: self.one_plan,
            in_place: self.in_place,
            card_fields: self.card_fields,
            stripped: self.stripped,
            cards_only: self.cards_only,
            pending: self.pending,
            edited: self.edited,
            early: None,
        }
    }

    /// The document read of the original whose archive copy is `archived`.
    fn archived_doc(&self, archived: &Path) -> Option<&'d Document> {
        let s = self.out.splits.iter().find(|s| s.archived == archived)?;
        self.by_path.get(s.original.as_path()).copied()
    }
}

impl Planner<'_, '_> {
    fn exists_before(&self, p: &Path) -> bool {
        self.by_path.contains_key(p) || (self.inp.exists)(p)
    }

    /// In `.claude/archive/` or the configured archive folder: never edited.
    fn archived(&self, rel: &Path) -> bool {
        in_archive(rel) || rel.starts_with(&self.archive_dir)
    }

    fn in_plan_dir(&self, rel: &Path) -> bool {
        !self.archived(rel)
            && !self.cfg.plan_exclude.is_match(rel)
            && (self.cfg.plan_dirs.is_match(rel)
                || rel.parent().is_some_and(|d| self.cfg.plan_dirs.is_match(d)))
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_layout;
#[cfg(test)]
mod tests_status;
