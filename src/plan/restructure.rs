//! The restructure planner shared by `migrate` and `consolidate`. Pure: it reads
//! parsed documents and returns a [`Plan`] plus the notes to print.
//!
//! 1. Every Markdown file in a plan folder that is over budget or holds several
//!    subphases is split (as `split` does) into atomic files in its own folder, and
//!    the original moves, byte-identical, to the archive. Files named in
//!    `archive.keep`, indexes, continuation parts, and files replan generated and
//!    nobody edited since are left alone.
//! 2. Every relative link in every Markdown file outside the archive is resolved
//!    against today's tree; links whose target moves are rewritten (to the atomic
//!    file holding the heading, with the anchor recomputed there; to the archive
//!    when there is no anchor). Broken links are reported and left unchanged.
//! 3. Every link that resolved before is checked against the tree after the plan;
//!    one that would break is an error, and the plan must not be applied.
//! 4. Decisions are extracted from the plans as they will be into topic files.
//! 5. Each plan folder that holds atomic files gets an index.

use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::index::{self, Entry};
use super::links::{anchors, dest_of, edit, locate_all, retarget, url, Dest, Loc, MoveMap, Moved};
use super::{Op, Plan};
use crate::analysis;
use crate::apply::sha256;
use crate::config::Config;
use crate::finding::Finding;
use crate::model::{count_lines, Document};
use crate::split::{self, SplitOptions, CONTINUATION_MARKER};
use crate::subphase::recognise;
use crate::tokens::Encoding;
use crate::walk::in_archive;

/// Everything the planner reads.
pub struct Inputs<'a> {
    /// The root (only used for the plan's root).
    pub root: &'a Path,
    /// Configuration.
    pub cfg: &'a Config,
    /// Every Markdown file under the root, archive included, root-relative.
    pub docs: &'a [(PathBuf, Document)],
    /// Whether a root-relative path exists on disk (for non-Markdown targets).
    pub exists: &'a (dyn Fn(&Path) -> bool + Sync),
    /// Files replan generated, with the sha256 they were written with.
    pub generated: &'a HashMap<PathBuf, String>,
    /// Called once per document examined for splitting (drives a progress bar).
    pub tick: &'a (dyn Fn() + Sync),
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
}

/// The planner's result.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The operations.
    pub plan: Plan,
    /// Originals split, with their parts.
    pub splits: Vec<SplitFile>,
    /// Warnings to print; they do not stop the run.
    pub notes: Vec<String>,
    /// Reasons the plan must not be applied.
    pub errors: Vec<String>,
    /// Links rewritten.
    pub links_rewritten: usize,
    /// Findings of `check` on the tree after the plan (archive excluded).
    pub findings: Vec<Finding>,
}

fn globs(pats: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in pats {
        b.add(Glob::new(p).map_err(|e| format!("bad glob `{p}`: {e}"))?);
    }
    b.build().map_err(|e| e.to_string())
}

/// `dir/name-k.md` for `dir/name.md`.
fn numbered(p: &Path, k: usize) -> PathBuf {
    let stem = p
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match p.extension() {
        Some(ext) => format!("{stem}-{k}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{k}"),
    };
    p.with_file_name(name)
}

/// Where an original goes in the archive: its path below `.claude/plans` (or the
/// whole root-relative path, for plan folders elsewhere) under `archive.dir`.
pub fn archive_path(cfg: &Config, rel: &Path) -> PathBuf {
    let below = rel.strip_prefix(".claude/plans").unwrap_or(rel);
    Path::new(&cfg.archive.dir).join(below)
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// Whether replan generated this text (index or continuation part).
pub fn is_generated_text(text: &str) -> bool {
    let l = first_line(text);
    l.contains(CONTINUATION_MARKER) || l.contains(index::INDEX_MARKER)
}

/// The title an index shows: a continuation part's unit and part number, else the
/// first subphase heading, else `None` (the first heading).
fn index_title(doc: &Document, compiled: &crate::config::Compiled, cfg: &Config) -> Option<String> {
    let first = first_line(&doc.source.text);
    if first.contains(CONTINUATION_MARKER) {
        let t = first.split_once('[')?.1;
        let (title, rest) = t.split_once("](")?;
        let part = rest.rsplit_once("(part ")?.1.split_once(')')?.0;
        return Some(format!("{title} (part {part})"));
    }
    doc.top_headings()
        .map(|(_, h)| h)
        .find(|h| recognise(&h.text, compiled, &cfg.environments).is_some())
        .map(|h| h.text.trim().to_string())
}

/// One new file cut from an original.
struct PartOut {
    path: PathBuf,
    contents: String,
    doc: Document,
    /// Bytes of the original it carries.
    span: std::ops::Range<usize>,
    /// Length of the text replan put before those bytes.
    prefix: usize,
}

/// A link that resolves today: the file holding it after the plan, its destination
/// text after the plan, and where it was (for messages).
struct Check {
    file: PathBuf,
    url: String,
    at: String,
}

/// The planner's state, stage by stage.
struct Planner<'a> {
    inp: &'a Inputs<'a>,
    cfg: &'a Config,
    compiled: crate::config::Compiled,
    enc: Encoding,
    plan_dirs: GlobSet,
    plan_exclude: GlobSet,
    keep: GlobSet,
    topics_dir: PathBuf,
    archive_dir: PathBuf,
    by_path: HashMap<&'a Path, &'a Document>,
    /// Anchors of every document today.
    anchors_before: HashMap<&'a Path, HashSet<String>>,
    out: Outcome,
    moves: MoveMap,
    parts: BTreeMap<PathBuf, Vec<PartOut>>,
    modifies: Vec<Op>,
    checks: Vec<Check>,
}

/// Whether a file is split, before its tokens are counted.
enum Candidacy {
    No,
    Yes,
    /// If it holds more tokens than this.
    IfOver(usize),
}

/// Plan a restructure.
pub fn plan(inp: &Inputs) -> Outcome {
    let cfg = inp.cfg;
    let mut out = Outcome {
        plan: Plan::new(inp.root),
        splits: Vec::new(),
        notes: Vec::new(),
        errors: Vec::new(),
        links_rewritten: 0,
        findings: Vec::new(),
    };
    let compiled = match cfg.compile() {
        Ok(c) => c,
        Err((p, m)) => {
            out.errors.push(format!("bad pattern `{p}`: {m}"));
            return out;
        }
    };
    let (plan_dirs, keep, plan_exclude) = match (
        globs(&cfg.plan_dirs),
        globs(&cfg.archive.keep),
        globs(&cfg.plan_exclude),
    ) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            out.errors.push(e);
            return out;
        }
    };
    // The command started loading the tables before reading the tree.
    let enc = analysis::encoding(cfg);
    let mut p = Planner {
        inp,
        cfg,
        compiled,
        enc,
        plan_dirs,
        plan_exclude,
        keep,
        topics_dir: crate::decisions::topics_dir(cfg),
        archive_dir: cfg.archive.dir_path(),
        by_path: inp.docs.iter().map(|(p, d)| (p.as_path(), d)).collect(),
        anchors_before: inp
            .docs
            .iter()
            .map(|(p, d)| (p.as_path(), anchors(d)))
            .collect(),
        out,
        moves: MoveMap::new(),
        parts: BTreeMap::new(),
        modifies: Vec::new(),
        checks: Vec::new(),
    };
    if let Some(note) = p.no_plan_dirs_note() {
        p.out.notes.push(note);
    }
    // The check of the planned tree counts the tokens of every file a token
    // budget could reject. Those the plan leaves as they are are counted now, on
    // the side, while files are split: splitting leaves a core idle in its
    // sequential stretches. Counts are remembered, so the check finds them.
    let candidacy: Vec<Candidacy> = inp
        .docs
        .iter()
        .map(|(rel, doc)| p.candidacy(rel, doc))
        .collect();
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
    let after = p.after();
    p.verify_links(&after);
    let after_docs = p.after_docs(&after);
    drop(after);
    // Checking the planned tree and extracting its decisions are independent
    // reads of it, each parallel over files with sequential stretches.
    let mut said = Said::default();
    let (findings, topic_ops) = rayon::join(
        || p.findings(&after_docs),
        || p.topics(&after_docs, &mut said),
    );
    let index_ops = p.indexes(&after_docs, &findings, &mut said);
    drop(after_docs);
    p.out.notes.extend(said.notes);
    p.out.errors.extend(said.errors);
    p.finish(findings, topic_ops, index_ops)
}

/// Notes and errors of the stages that read the planned tree (which borrows the
/// planner), added to the outcome once they are done.
#[derive(Default)]
struct Said {
    notes: Vec<String>,
    errors: Vec<String>,
}

impl<'a> Planner<'a> {
    fn exists_before(&self, p: &Path) -> bool {
        self.by_path.contains_key(p) || (self.inp.exists)(p)
    }

    /// In `.claude/archive/` or the configured archive folder: never edited.
    fn archived(&self, rel: &Path) -> bool {
        in_archive(rel) || rel.starts_with(&self.archive_dir)
    }

    fn in_plan_dir(&self, rel: &Path) -> bool {
        !self.archived(rel)
            && !self.plan_exclude.is_match(rel)
            && (self.plan_dirs.is_match(rel)
                || rel.parent().is_some_and(|d| self.plan_dirs.is_match(d)))
    }

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

    /// Stage 1: split every candidate, remembering where each heading went.
    /// `candidacy` is [`Planner::candidacy`] of each input, in order.
    fn split_all(&mut self, candidacy: &[Candidacy]) {
        let mut claimed: BTreeSet<PathBuf> = BTreeSet::new();
        let docs = self.inp.docs;
        // Whether a file within its line budget is split hangs on its tokens:
        // count those on every core first (counts are remembered), not one by
        // one in the loop below.
        let to_count: Vec<&str> = docs
            .iter()
            .zip(candidacy)
            .filter(|(_, c)| matches!(c, Candidacy::IfOver(_)))
            .map(|((_, doc), _)| doc.source.text.as_str())
            .collect();
        let enc = self.enc;
        to_count.par_iter().with_max_len(1).for_each(|t| {
            enc.count(t);
        });
        for ((rel, doc), c) in docs.iter().zip(candidacy) {
            (self.inp.tick)();
            let split = match c {
                Candidacy::No => false,
                Candidacy::Yes => true,
                Candidacy::IfOver(max_tokens) => self.enc.count(&doc.source.text) > *max_tokens,
            };
            if !split {
                continue;
            }
            let Some(sp) = self.split_one(rel, doc, &claimed) else {
                continue;
            };
            let dir = rel.parent().unwrap_or(Path::new("")).to_path_buf();
            let paths: Vec<PathBuf> = sp.parts.iter().map(|p| dir.join(&p.name)).collect();
            if let Some(clash) = paths
                .iter()
                .find(|p| *p != rel && (self.exists_before(p) || claimed.contains(*p)))
            {
                self.out.notes.push(format!(
                    "{}: not split: its part {} already exists",
                    rel.display(),
                    clash.display()
                ));
                continue;
            }
            // A later file with an archived original's name (a new
            // phase-4-working-notes.md after a migrate) goes to `…-2.md`.
            let first = archive_path(self.cfg, rel);
            let mut archived = first.clone();
            let mut k = 1;
            while self
                .archive_blocked(&doc.source.text, &archived, &claimed)
                .is_some()
                && k < 1000
            {
                k += 1;
                archived = numbered(&first, k);
            }
            if let Some(why) = self.archive_blocked(&doc.source.text, &archived, &claimed) {
                self.out.errors.push(format!(
                    "{}: cannot archive: {} {why}",
                    rel.display(),
                    archived.display()
                ));
                continue;
            }
            for u in doc.unclosed_fences() {
                self.out.notes.push(format!(
                    "{}:{}: code fence opened here is never closed; everything after it is code to a Markdown reader",
                    rel.display(),
                    u.line
                ));
            }
            for o in &sp.oversize {
                self.out.notes.push(format!(
                    "{}:{}: a single block of {} lines / {} tokens exceeds the budget; kept whole in {}",
                    rel.display(),
                    o.line,
                    o.lines,
                    o.tokens,
                    o.part
                ));
            }
            claimed.extend(paths.iter().cloned());
            claimed.insert(archived.clone());
            let (moved, parts_out) = self.map_headings(rel, doc, &sp, &paths, archived.clone());
            self.moves.insert(rel.clone(), moved);
            self.out.splits.push(SplitFile {
                original: rel.clone(),
                archived,
                parts: paths,
            });
            self.parts.insert(rel.clone(), parts_out);
        }
    }

    /// When no file is in a plan folder, say so and name the folders that hold
    /// the most Markdown files outside the archive, as `plan_dirs` to try:
    /// otherwise a tree laid out as `planning/` or `docs/plans/` gets a silent
    /// "would change 0".
    fn no_plan_dirs_note(&self) -> Option<String> {
        if self.inp.docs.iter().any(|(rel, _)| self.in_plan_dir(rel)) {
            return None;
        }
        let mut by_dir: BTreeMap<&Path, usize> = BTreeMap::new();
        for (rel, _) in self.inp.docs {
            if self.archived(rel) {
                continue;
            }
            // The folder's first two levels: `docs/plans`, `planning`, `.claude/status`.
            let dir = rel.parent().unwrap_or(Path::new(""));
            let top = dir
                .ancestors()
                .find(|a| a.components().count() == 2)
                .unwrap_or(dir);
            if !top.as_os_str().is_empty() {
                *by_dir.entry(top).or_default() += 1;
            }
        }
        // A folder whose parent is listed too is covered by the parent's glob.
        let listed: Vec<&Path> = by_dir.keys().copied().collect();
        let mut dirs: Vec<(&Path, usize)> = by_dir
            .into_iter()
            .filter(|(d, _)| !listed.iter().any(|l| l != d && d.starts_with(l)))
            .collect();
        dirs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let globs: Vec<String> = dirs
            .iter()
            .take(3)
            .map(|(d, _)| format!("'{}/**'", d.display()))
            .collect();
        let configured = self.cfg.plan_dirs.join(", ");
        Some(if globs.is_empty() {
            format!("no Markdown file is under plan_dirs ({configured}); nothing to restructure")
        } else {
            format!(
                "no Markdown file is under plan_dirs ({configured}); nothing to restructure. \
                 To restructure other folders, set plan_dirs in replan.yaml, e.g. \
                 `plan_dirs: [{}]`",
                globs.join(", ")
            )
        })
    }

    /// The texts that the check of the planned tree counts (more bytes than a
    /// token budget, not archived) and that are not split, largest first.
    fn counted_by_check_unless_split(&self, candidacy: &[Candidacy]) -> Vec<&'a str> {
        let docs: &'a [(PathBuf, Document)] = self.inp.docs;
        let mut v: Vec<&'a str> = docs
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
    fn candidacy(&self, rel: &Path, doc: &Document) -> Candidacy {
        if !self.in_plan_dir(rel) {
            return Candidacy::No;
        }
        let Some(name) = rel.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            return Candidacy::No;
        };
        let text = &doc.source.text;
        if name == self.cfg.index_name
            || self.keep.is_match(&name)
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

    fn subphases(&self, doc: &Document) -> usize {
        doc.top_headings()
            .filter(|(_, h)| recognise(&h.text, &self.compiled, &self.cfg.environments).is_some())
            .count()
    }

    /// The split of one file, or `None` (with a note) when it stays whole.
    fn split_one(
        &mut self,
        rel: &Path,
        doc: &Document,
        claimed: &BTreeSet<PathBuf>,
    ) -> Option<split::SplitPlan> {
        let (max_lines, max_tokens) = self.cfg.budget_for(rel);
        let opts = SplitOptions {
            max_lines,
            max_tokens,
            encoding: self.enc,
            slug_max: self.cfg.headings.slug_max.max(8),
        };
        let stem = rel
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Names already used in the folder (earlier output, other files' parts) are
        // avoided, so a new monolith's parts get `-2` rather than being refused.
        // The file's own name is free: it moves to the archive, and a part named
        // like it (`phase-6.28-….md` over budget) keeps that name.
        let dir = rel.parent().unwrap_or(Path::new(""));
        let taken = |name: &str| {
            let p = dir.join(name);
            p != rel && (claimed.contains(&p) || self.exists_before(&p))
        };
        let sp = split::plan_avoiding(
            doc,
            &self.compiled,
            &self.cfg.environments,
            &opts,
            &stem,
            &taken,
        );
        if !sp.is_split() {
            self.out.notes.push(format!(
                "{}: not split: it is one unit that cannot be cut within budget; left in place",
                rel.display()
            ));
            return None;
        }
        if sp.reassemble(doc) != doc.source.text {
            self.out.errors.push(format!(
                "{}: split would not reassemble to the original; not split",
                rel.display()
            ));
            return None;
        }
        Some(sp)
    }

    /// Why an original cannot go to `archived`, if it cannot.
    fn archive_blocked(
        &self,
        text: &str,
        archived: &Path,
        claimed: &BTreeSet<PathBuf>,
    ) -> Option<&'static str> {
        if claimed.contains(archived) {
            return Some("is claimed by another file of this plan");
        }
        match self.by_path.get(archived) {
            Some(existing) if existing.source.text != text => {
                Some("exists with different contents")
            }
            Some(_) => None,
            None if (self.inp.exists)(archived) => Some("already exists"),
            None => None,
        }
    }

    /// Parse each part and find, for every heading of the original, the part that
    /// now holds it and its anchor there (GitHub suffixes are per document).
    fn map_headings(
        &mut self,
        rel: &Path,
        doc: &Document,
        sp: &split::SplitPlan,
        paths: &[PathBuf],
        archived: PathBuf,
    ) -> (Moved, Vec<PartOut>) {
        let mut moved = Moved {
            archive: archived,
            ..Default::default()
        };
        let mut parts_out = Vec::new();
        let enc = self.enc;
        let parsed: Vec<(String, Document)> = sp
            .parts
            .par_iter()
            .zip(paths)
            .map(|(part, path)| {
                let contents = part.contents(doc);
                // The split counted it exactly: the check of the planned tree need not.
                enc.remember(&contents, part.tokens);
                let pdoc = Document::from_text(&path.to_string_lossy(), &contents);
                (contents, pdoc)
            })
            .collect();
        for ((part, path), (contents, pdoc)) in sp.parts.iter().zip(paths).zip(parsed) {
            let first = doc.source.line_of(part.span.start);
            let last = if part.span.end == 0 {
                0
            } else {
                doc.source.line_of(part.span.end - 1)
            };
            let shift = count_lines(&part.prefix);
            for h in doc
                .headings
                .iter()
                .filter(|h| h.line >= first && h.line <= last)
            {
                let new_line = h.line - first + 1 + shift;
                let anchor = pdoc
                    .headings
                    .iter()
                    .find(|ph| ph.line == new_line)
                    .map(|ph| ph.anchor.clone());
                if anchor.is_none() {
                    self.out.notes.push(format!(
                        "{}:{}: heading `{}` not found again in {}; links to it point to the file",
                        rel.display(),
                        h.line,
                        h.text,
                        path.display()
                    ));
                }
                moved
                    .anchors
                    .insert(h.anchor.to_lowercase(), (path.clone(), anchor));
            }
            parts_out.push(PartOut {
                path: path.clone(),
                contents,
                doc: pdoc,
                span: part.span.clone(),
                prefix: part.prefix.len(),
            });
        }
        (moved, parts_out)
    }

    /// Stage 2: rewrite links whose target moves, in files that stay and in moved text.
    fn rewrite_links(&mut self) {
        let mut broken: Vec<String> = Vec::new();
        let docs = self.inp.docs;
        for (rel, doc) in docs {
            if self.archived(rel) || self.moves.contains_key(rel) {
                continue;
            }
            let mut edits = Vec::new();
            for l in locate_all(doc) {
                let Some(d) = dest_of(rel, &l.url) else {
                    continue;
                };
                let at = format!("{}:{}", rel.display(), l.line);
                if !self.resolves_before(&d) {
                    broken.push(format!("{at}: link `{}` is broken; left unchanged", l.url));
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
                    (Some(t), None) => self.out.errors.push(format!(
                        "{at}: link `{}` points at a file that moves (to {}), but replan cannot locate it in the text to rewrite it",
                        l.url,
                        t.0.display()
                    )),
                    (None, _) => self.checks.push(Check {
                        file: rel.clone(),
                        url: l.url.clone(),
                        at,
                    }),
                }
            }
            if !edits.is_empty() {
                self.out.links_rewritten += edits.len();
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
            }
        }
        self.parts = parts;
        broken.sort();
        broken.dedup();
        self.out.notes.extend(broken);
    }

    /// Links inside moved text: meaning taken from the original, written from the part.
    fn rewrite_part(
        &mut self,
        orig: &Path,
        doc: &Document,
        locs: &[Loc],
        part: &mut PartOut,
        broken: &mut Vec<String>,
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
                format!("{}:{}", orig.display(), l.line)
            } else {
                format!("{} (copied definition)", part.path.display())
            };
            if !self.resolves_before(&d) {
                if l.line > 0 {
                    broken.push(format!("{at}: link `{}` is broken; left unchanged", l.url));
                }
                continue;
            }
            let target = retarget(&d, &self.moves).unwrap_or(d.clone());
            let Some(pos) = pos else {
                // Not located exactly (escaped, or nested definitions): it must keep
                // its meaning unchanged from the new file, or the plan is refused.
                if dest_of(&part.path, &l.url) != Some(target.clone()) {
                    self.out.errors.push(format!(
                        "{at}: link `{}` would need rewriting in {}, but replan cannot locate it in the text",
                        l.url,
                        part.path.display()
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

    /// The Markdown tree after the plan: text by root-relative path.
    fn after(&self) -> HashMap<PathBuf, String> {
        let mut after: HashMap<PathBuf, String> = HashMap::new();
        for (rel, doc) in self.inp.docs {
            if !self.moves.contains_key(rel) {
                after.insert(rel.clone(), doc.source.text.clone());
            }
        }
        for (orig, m) in &self.moves {
            if let Some(d) = self.by_path.get(orig.as_path()) {
                after.insert(m.archive.clone(), d.source.text.clone());
            }
        }
        for op in &self.modifies {
            if let Op::Modify { path, new, .. } = op {
                after.insert(path.clone(), new.clone());
            }
        }
        for p in self.parts.values().flatten() {
            after.insert(p.path.clone(), p.contents.clone());
        }
        after
    }

    /// Stage 3: every link that resolved before must resolve after.
    fn verify_links(&mut self, after: &HashMap<PathBuf, String>) {
        let mut after_anchors: HashMap<PathBuf, HashSet<String>> = HashMap::new();
        for p in self.parts.values().flatten() {
            after_anchors.insert(p.path.clone(), anchors(&p.doc));
        }
        let mut errors = Vec::new();
        for c in &self.checks {
            let Some(d) = dest_of(&c.file, &c.url) else {
                continue;
            };
            let exists = after.contains_key(&d.0)
                || (!self.moves.contains_key(&d.0) && (self.inp.exists)(&d.0));
            let ok = exists
                && match (&d.1, after.get(&d.0)) {
                    (None, _) | (_, None) => true,
                    (Some(a), _) if a.is_empty() => true,
                    (Some(a), Some(text)) => {
                        let set = after_anchors.entry(d.0.clone()).or_insert_with(|| {
                            match self.by_path.get(d.0.as_path()) {
                                Some(doc) if doc.source.text == *text => anchors(doc),
                                _ => anchors(&Document::from_text(&d.0.to_string_lossy(), text)),
                            }
                        });
                        set.contains(&a.to_lowercase())
                    }
                };
            if !ok {
                errors.push(format!(
                    "{}: a link that works today would break: `{}` in {}",
                    c.at,
                    c.url,
                    c.file.display()
                ));
            }
        }
        self.out.errors.extend(errors);
    }

    /// The tree after the plan, parsed, sorted by path. Files whose text is
    /// unchanged (kept, moved to the archive, or parts parsed while planning)
    /// are borrowed, not parsed again.
    fn after_docs<'s>(
        &'s self,
        after: &HashMap<PathBuf, String>,
    ) -> Vec<(PathBuf, Cow<'s, Document>)> {
        let mut paths: Vec<&PathBuf> = after.keys().collect();
        paths.sort();
        let mut known: HashMap<&Path, &Document> = self
            .parts
            .values()
            .flatten()
            .map(|p| (p.path.as_path(), &p.doc))
            .collect();
        for s in &self.out.splits {
            if let Some(d) = self.by_path.get(s.original.as_path()) {
                known.insert(s.archived.as_path(), d);
            }
        }
        paths
            .into_iter()
            .map(|p| {
                let text = &after[p];
                let same = |d: &&&'s Document| d.source.text == *text;
                let doc = match self.by_path.get(p.as_path()).filter(same) {
                    Some(d) => Cow::Borrowed(*d),
                    None => match known.get(p.as_path()).filter(same) {
                        Some(d) => Cow::Borrowed(*d),
                        None => Cow::Owned(Document::from_text(&p.to_string_lossy(), text)),
                    },
                };
                (p.clone(), doc)
            })
            .collect()
    }

    /// Findings of check on the tree after the plan.
    /// The archive is not checked (as by `replan check`), only resolved as a link target.
    fn findings(&self, after_docs: &[(PathBuf, Cow<Document>)]) -> Vec<Finding> {
        let (targets, inputs): (Vec<analysis::Input>, Vec<analysis::Input>) = after_docs
            .iter()
            .map(|(rel, doc)| analysis::Input { rel, doc })
            .partition(|i| self.archived(i.rel));
        let gone: Vec<&Path> = self
            .out
            .splits
            .iter()
            .map(|s| s.original.as_path())
            .filter(|p| !after_docs.iter().any(|(q, _)| q == p))
            .collect();
        let planned = analysis::Planned {
            targets: &targets,
            gone: &gone,
        };
        analysis::run_planned(self.inp.root, &inputs, &planned, self.cfg)
    }

    /// Stage 4: decisions, extracted from the plans as they will be (parts and
    /// unchanged files) and the archived originals, into the topic files.
    fn topics(&self, after_docs: &[(PathBuf, Cow<Document>)], said: &mut Said) -> Vec<Op> {
        let sources: Vec<crate::decisions::SourceDoc> = after_docs
            .iter()
            .filter(|(p, d)| {
                (self.in_plan_dir(p) || p.starts_with(&self.archive_dir))
                    && !p.starts_with(&self.topics_dir)
                    && !index::is_index(&d.source.text)
            })
            .map(|(p, d)| crate::decisions::SourceDoc {
                rel: p.clone(),
                doc: d,
            })
            .collect();
        // A topic file's own text as the plan leaves it: with its links rewritten.
        let by_path = &self.by_path;
        let modifies = &self.modifies;
        let existing = |p: &Path| {
            modifies
                .iter()
                .find_map(|op| match op {
                    Op::Modify { path, new, .. } if path == p => Some(new.clone()),
                    _ => None,
                })
                .or_else(|| by_path.get(p).map(|d| d.source.text.clone()))
        };
        let topics = crate::decisions::plan_topics(self.inp.root, &sources, self.cfg, &existing);
        said.notes.extend(topics.notes);
        let mut ops = Vec::new();
        for f in topics.files {
            match self.by_path.get(f.path.as_path()) {
                Some(d) if d.source.text == f.contents => {}
                Some(d) => ops.push(Op::Modify {
                    path: f.path,
                    old: d.source.text.clone(),
                    new: f.contents,
                }),
                None if (self.inp.exists)(&f.path) => said.errors.push(format!(
                    "{}: exists but could not be read as Markdown; not overwritten",
                    f.path.display()
                )),
                None => ops.push(Op::Create {
                    path: f.path,
                    contents: f.contents,
                }),
            }
        }
        ops
    }

    /// Stage 5: an index for every plan folder that receives parts or already has
    /// one written by replan.
    fn indexes(
        &self,
        after_docs: &[(PathBuf, Cow<Document>)],
        findings: &[Finding],
        said: &mut Said,
    ) -> Vec<Op> {
        let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
        for s in &self.out.splits {
            if let Some(d) = s.original.parent() {
                folders.insert(d.to_path_buf());
            }
        }
        for (rel, doc) in self.inp.docs {
            let ours = rel
                .file_name()
                .is_some_and(|n| n == self.cfg.index_name.as_str())
                && index::is_index(&doc.source.text);
            if ours && self.in_plan_dir(rel) {
                if let Some(d) = rel.parent() {
                    folders.insert(d.to_path_buf());
                }
            }
        }
        let mut by_file: HashMap<&str, Vec<String>> = HashMap::new();
        for f in findings {
            by_file
                .entry(f.path.as_str())
                .or_default()
                .push(format!("{} (line {})", f.rule, f.line));
        }
        let mut ops = Vec::new();
        for folder in &folders {
            let ipath = folder.join(&self.cfg.index_name);
            let mut entries = Vec::new();
            for (p, doc) in after_docs
                .iter()
                .filter(|(p, _)| p.parent() == Some(folder.as_path()) && *p != ipath)
            {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let mut e = Entry::measure(&name, doc, self.enc);
                if let Some(t) = index_title(doc, &self.compiled, self.cfg) {
                    e.title = t;
                }
                let key = p.to_string_lossy().replace('\\', "/");
                e.findings = Some(by_file.get(key.as_str()).cloned().unwrap_or_default());
                entries.push(e);
            }
            let new = index::render(folder, entries, self.enc);
            match self.by_path.get(ipath.as_path()) {
                Some(d) if !index::is_index(&d.source.text) => said.notes.push(format!(
                    "{}: exists and was not written by replan; index not written",
                    ipath.display()
                )),
                Some(d) if d.source.text == new => {}
                Some(d) => ops.push(Op::Modify {
                    path: ipath.clone(),
                    old: d.source.text.clone(),
                    new,
                }),
                None if (self.inp.exists)(&ipath) => said.notes.push(format!(
                    "{}: exists and is not readable Markdown; index not written",
                    ipath.display()
                )),
                None => ops.push(Op::Create {
                    path: ipath.clone(),
                    contents: new,
                }),
            }
        }
        ops
    }

    /// The plan in review order: each original's move and its parts, then edited
    /// files, topic files and indexes.
    fn finish(mut self, findings: Vec<Finding>, topics: Vec<Op>, indexes: Vec<Op>) -> Outcome {
        let mut ops = Vec::new();
        for s in &self.out.splits {
            if let Some(d) = self.by_path.get(s.original.as_path()) {
                ops.push(Op::Move {
                    from: s.original.clone(),
                    to: s.archived.clone(),
                    contents: d.source.text.clone(),
                });
            }
            for p in self.parts.remove(&s.original).unwrap_or_default() {
                ops.push(Op::Create {
                    path: p.path,
                    contents: p.contents,
                });
            }
        }
        let findings: Vec<Finding> = findings
            .into_iter()
            .filter(|f| !self.archived(Path::new(&f.path)))
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
        ops.extend(self.modifies);
        ops.extend(topics);
        ops.extend(indexes);
        self.out.plan.ops = ops;
        self.out.findings = findings;
        self.out
    }
}

#[cfg(test)]
#[path = "restructure_tests.rs"]
mod tests;
