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
//! 4. Each plan folder that holds atomic files gets an index.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::index::{self, Entry};
use super::links::{anchors, dest_of, edit, retarget, url, Dest, MoveMap, Moved};
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
    pub exists: &'a dyn Fn(&Path) -> bool,
    /// Files replan generated, with the sha256 they were written with.
    pub generated: &'a HashMap<PathBuf, String>,
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
    let (plan_dirs, keep) = match (globs(&cfg.plan_dirs), globs(&cfg.archive.keep)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            out.errors.push(e);
            return out;
        }
    };
    let enc = Encoding::from_name(&cfg.budgets.encoding).unwrap_or(Encoding::O200kBase);
    let by_path: HashMap<&Path, &Document> =
        inp.docs.iter().map(|(p, d)| (p.as_path(), d)).collect();
    let exists_before = |p: &Path| by_path.contains_key(p) || (inp.exists)(p);
    let in_plan_dir = |rel: &Path| {
        !in_archive(rel)
            && (plan_dirs.is_match(rel) || rel.parent().is_some_and(|d| plan_dirs.is_match(d)))
    };

    let topics_dir = crate::decisions::topics_dir(cfg);
    let archive_dir = PathBuf::from(cfg.archive.dir.trim().trim_end_matches('/'));

    // 1. Split candidates.
    let mut claimed: BTreeSet<PathBuf> = BTreeSet::new();
    let mut moves = MoveMap::new();
    // original → (parts: (path, contents, doc, span, prefix len))
    struct PartOut {
        path: PathBuf,
        contents: String,
        doc: Document,
        span: std::ops::Range<usize>,
        prefix: usize,
    }
    let mut split_parts: BTreeMap<PathBuf, Vec<PartOut>> = BTreeMap::new();
    for (rel, doc) in inp.docs {
        if !in_plan_dir(rel) {
            continue;
        }
        let Some(name) = rel.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let text = &doc.source.text;
        if name == cfg.index_name
            || keep.is_match(&name)
            || is_generated_text(text)
            || rel.starts_with(&topics_dir)
        {
            continue;
        }
        if inp.generated.get(rel) == Some(&sha256(text.as_bytes())) {
            continue;
        }
        let (max_lines, max_tokens) = cfg.budget_for(rel);
        let subphases = doc
            .top_headings()
            .filter(|(_, h)| recognise(&h.text, &compiled, &cfg.environments).is_some())
            .count();
        let over = count_lines(text) > max_lines || enc.count(text) > max_tokens;
        if !over && subphases < 2 {
            continue;
        }
        let opts = SplitOptions {
            max_lines,
            max_tokens,
            encoding: enc,
            slug_max: cfg.headings.slug_max.max(8),
        };
        let stem = rel
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let sp = split::plan(doc, &compiled, &cfg.environments, &opts, &stem);
        if !sp.is_split() {
            if over {
                out.notes.push(format!(
                    "{}: over budget but holds a single block that cannot be cut; left in place",
                    rel.display()
                ));
            }
            continue;
        }
        if sp.reassemble(doc) != *text {
            out.errors.push(format!(
                "{}: split would not reassemble to the original; not split",
                rel.display()
            ));
            continue;
        }
        let dir = rel.parent().unwrap_or(Path::new("")).to_path_buf();
        let paths: Vec<PathBuf> = sp.parts.iter().map(|p| dir.join(&p.name)).collect();
        if let Some(clash) = paths
            .iter()
            .find(|p| exists_before(p) || claimed.contains(*p))
        {
            out.notes.push(format!(
                "{}: not split: its part {} already exists",
                rel.display(),
                clash.display()
            ));
            continue;
        }
        let archived = archive_path(cfg, rel);
        if claimed.contains(&archived) {
            out.errors.push(format!(
                "{}: cannot archive: {} is claimed by another file of this plan",
                rel.display(),
                archived.display()
            ));
            continue;
        }
        if let Some(existing) = by_path.get(archived.as_path()) {
            if existing.source.text != *text {
                out.errors.push(format!(
                    "{}: cannot archive: {} exists with different contents",
                    rel.display(),
                    archived.display()
                ));
                continue;
            }
        } else if (inp.exists)(&archived) {
            out.errors.push(format!(
                "{}: cannot archive: {} already exists",
                rel.display(),
                archived.display()
            ));
            continue;
        }
        for u in doc.unclosed_fences() {
            out.notes.push(format!(
                "{}:{}: code fence opened here is never closed; everything after it is code to a Markdown reader",
                rel.display(),
                u.line
            ));
        }
        for o in &sp.oversize {
            out.notes.push(format!(
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
        let mut parts_out = Vec::new();
        let mut moved = Moved {
            archive: archived.clone(),
            ..Default::default()
        };
        let heads = &doc.headings;
        for (part, path) in sp.parts.iter().zip(&paths) {
            let contents = part.contents(doc);
            let pdoc = Document::from_text(&path.to_string_lossy(), &contents);
            let first = doc.source.line_of(part.span.start);
            let last = if part.span.end == 0 {
                0
            } else {
                doc.source.line_of(part.span.end - 1)
            };
            let shift = count_lines(&part.prefix);
            for h in heads.iter().filter(|h| h.line >= first && h.line <= last) {
                let new_line = h.line - first + 1 + shift;
                let anchor = pdoc
                    .headings
                    .iter()
                    .find(|ph| ph.line == new_line)
                    .map(|ph| ph.anchor.clone());
                let key = h.anchor.to_lowercase();
                match anchor {
                    Some(a) => {
                        moved.anchors.insert(key, (path.clone(), Some(a)));
                    }
                    None => {
                        out.notes.push(format!(
                            "{}:{}: heading `{}` not found again in {}; links to it point to the file",
                            rel.display(),
                            h.line,
                            h.text,
                            path.display()
                        ));
                        moved.anchors.insert(key, (path.clone(), None));
                    }
                }
            }
            parts_out.push(PartOut {
                path: path.clone(),
                contents,
                doc: pdoc,
                span: part.span.clone(),
                prefix: part.prefix.len(),
            });
        }
        moves.insert(rel.clone(), moved);
        out.splits.push(SplitFile {
            original: rel.clone(),
            archived,
            parts: paths,
        });
        split_parts.insert(rel.clone(), parts_out);
    }

    // 2. Links. Anchors of every document today, computed once.
    let anchor_sets: HashMap<&Path, std::collections::HashSet<String>> = inp
        .docs
        .iter()
        .map(|(p, d)| (p.as_path(), anchors(d)))
        .collect();
    let resolves_before = |d: &Dest| -> bool {
        if !exists_before(&d.0) {
            return false;
        }
        match &d.1 {
            None => true,
            Some(a) if a.is_empty() => true,
            Some(a) => match anchor_sets.get(d.0.as_path()) {
                Some(set) => set.contains(&a.to_lowercase()),
                None => true, // not Markdown: anchors are not checked
            },
        }
    };
    // Every link that resolved before, as (file after, destination text after, where).
    let mut checks: Vec<(PathBuf, String, String)> = Vec::new();
    let mut broken: Vec<String> = Vec::new();
    let mut modifies: Vec<Op> = Vec::new();
    for (rel, doc) in inp.docs {
        if in_archive(rel) || moves.contains_key(rel) {
            continue;
        }
        let mut edits = Vec::new();
        for l in &doc.links {
            let Some(d) = dest_of(rel, &l.url) else {
                continue;
            };
            let at = format!("{}:{}", rel.display(), l.line);
            if !resolves_before(&d) {
                broken.push(format!("{at}: link `{}` is broken; left unchanged", l.url));
                continue;
            }
            match (retarget(&d, &moves), &l.dest) {
                (Some(t), Some(r)) => {
                    let new = url(rel, &t);
                    checks.push((rel.clone(), new.clone(), at));
                    edits.push((r.clone(), new));
                }
                (Some(t), None) => {
                    out.errors.push(format!(
                        "{at}: link `{}` points at a file that moves (to {}), but replan cannot locate it in the text to rewrite it",
                        l.url,
                        t.0.display()
                    ));
                }
                (None, _) => checks.push((rel.clone(), l.url.clone(), at)),
            }
        }
        if !edits.is_empty() {
            out.links_rewritten += edits.len();
            let new = edit(&doc.source.text, edits);
            if new != doc.source.text {
                modifies.push(Op::Modify {
                    path: rel.clone(),
                    old: doc.source.text.clone(),
                    new,
                });
            }
        }
    }
    // Links inside moved text: meaning taken from the original, written from the part.
    let mut creates: BTreeMap<PathBuf, Vec<(PathBuf, String)>> = BTreeMap::new();
    for (orig, parts) in &mut split_parts {
        let Some(doc) = by_path.get(orig.as_path()) else {
            continue;
        };
        for part in parts.iter_mut() {
            let mut edits = Vec::new();
            let first = doc.source.line_of(part.span.start);
            let last = doc
                .source
                .line_of(part.span.end.saturating_sub(1).max(part.span.start));
            for l in &doc.links {
                let inside = match &l.dest {
                    Some(r) => r.start >= part.span.start && r.end <= part.span.end,
                    None => l.line >= first && l.line <= last,
                };
                if !inside {
                    continue;
                }
                let Some(d) = dest_of(orig, &l.url) else {
                    continue;
                };
                let at = format!("{}:{}", orig.display(), l.line);
                if !resolves_before(&d) {
                    broken.push(format!("{at}: link `{}` is broken; left unchanged", l.url));
                    continue;
                }
                let target = retarget(&d, &moves).unwrap_or(d.clone());
                let Some(r) = &l.dest else {
                    // Not located exactly (reference-style or escaped): it must keep
                    // its meaning unchanged from the new file, or the plan is refused.
                    if dest_of(&part.path, &l.url) != Some(target.clone()) {
                        out.errors.push(format!(
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
                checks.push((part.path.clone(), new.clone(), at));
                if new != l.url {
                    let s = part.prefix + (r.start - part.span.start);
                    edits.push((s..s + (r.end - r.start), new));
                }
            }
            if !edits.is_empty() {
                out.links_rewritten += edits.len();
                part.contents = edit(&part.contents, edits);
                part.doc = Document::from_text(&part.path.to_string_lossy(), &part.contents);
            }
            creates
                .entry(orig.clone())
                .or_default()
                .push((part.path.clone(), part.contents.clone()));
        }
    }
    broken.sort();
    broken.dedup();
    out.notes.extend(broken);

    // 3. The tree after the plan: Markdown text by path, and which paths exist.
    let mut after: HashMap<PathBuf, &str> = HashMap::new();
    for (rel, doc) in inp.docs {
        if !moves.contains_key(rel) {
            after.insert(rel.clone(), &doc.source.text);
        }
    }
    for (orig, m) in &moves {
        if let Some(d) = by_path.get(orig.as_path()) {
            after.insert(m.archive.clone(), &d.source.text);
        }
    }
    for op in &modifies {
        if let Op::Modify { path, new, .. } = op {
            after.insert(path.clone(), new);
        }
    }
    for parts in split_parts.values() {
        for p in parts {
            after.insert(p.path.clone(), &p.contents);
        }
    }
    let mut after_anchors: HashMap<PathBuf, std::collections::HashSet<String>> = HashMap::new();
    for parts in split_parts.values() {
        for p in parts {
            after_anchors.insert(p.path.clone(), anchors(&p.doc));
        }
    }
    for (file, new_url, at) in &checks {
        let Some(d) = dest_of(file, new_url) else {
            continue;
        };
        let exists = after.contains_key(&d.0) || (!moves.contains_key(&d.0) && (inp.exists)(&d.0));
        let ok = exists
            && match &d.1 {
                None => true,
                Some(a) if a.is_empty() => true,
                Some(a) => match after.get(&d.0) {
                    None => true,
                    Some(text) => {
                        let set = after_anchors
                            .entry(d.0.clone())
                            .or_insert_with(|| match by_path.get(d.0.as_path()) {
                                Some(doc) if doc.source.text == **text => anchors(doc),
                                _ => anchors(&Document::from_text(&d.0.to_string_lossy(), text)),
                            });
                        set.contains(&a.to_lowercase())
                    }
                },
            };
        if !ok {
            out.errors.push(format!(
                "{at}: a link that works today would break: `{new_url}` in {}",
                file.display()
            ));
        }
    }

    // 4. Indexes: folders that receive parts, and folders whose index replan wrote.
    let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
    for s in &out.splits {
        if let Some(d) = s.original.parent() {
            folders.insert(d.to_path_buf());
        }
    }
    for (rel, doc) in inp.docs {
        let is_ours = rel
            .file_name()
            .is_some_and(|n| n == cfg.index_name.as_str())
            && index::is_index(&doc.source.text);
        if is_ours && in_plan_dir(rel) {
            if let Some(d) = rel.parent() {
                folders.insert(d.to_path_buf());
            }
        }
    }
    // Findings of check on the tree after the plan, for the indexes and the report.
    let mut paths: Vec<&PathBuf> = after.keys().collect();
    paths.sort();
    let mut after_docs: Vec<(PathBuf, Document)> = Vec::with_capacity(paths.len());
    for p in paths {
        let text = after[p];
        let doc = match by_path.get(p.as_path()) {
            Some(d) if d.source.text == text => (*d).clone(),
            _ => split_parts
                .values()
                .flatten()
                .find(|x| &x.path == p)
                .map(|x| x.doc.clone())
                .unwrap_or_else(|| Document::from_text(&p.to_string_lossy(), text)),
        };
        after_docs.push((p.clone(), doc));
    }
    let inputs: Vec<analysis::Input> = after_docs
        .iter()
        .map(|(rel, doc)| analysis::Input { rel, doc })
        .collect();
    let all = analysis::run_all(inp.root, &inputs, cfg);
    let mut by_file: HashMap<String, Vec<String>> = HashMap::new();
    for f in &all {
        by_file
            .entry(f.path.clone())
            .or_default()
            .push(format!("{} (line {})", f.rule, f.line));
    }
    // Decisions: extracted from the plans as they will be (parts, unchanged files)
    // and the archived originals, into the topic files.
    let mut topic_ops = Vec::new();
    {
        let sources: Vec<crate::decisions::SourceDoc> = after_docs
            .iter()
            .filter(|(p, d)| {
                (in_plan_dir(p) || p.starts_with(&archive_dir))
                    && !p.starts_with(&topics_dir)
                    && !index::is_index(&d.source.text)
            })
            .map(|(p, d)| crate::decisions::SourceDoc {
                rel: p.clone(),
                doc: d,
            })
            .collect();
        let existing = |p: &Path| by_path.get(p).map(|d| d.source.text.clone());
        let topics = crate::decisions::plan_topics(inp.root, &sources, cfg, &existing);
        out.notes.extend(topics.notes);
        for f in topics.files {
            match by_path.get(f.path.as_path()) {
                Some(d) if d.source.text == f.contents => {}
                Some(d) => topic_ops.push(Op::Modify {
                    path: f.path,
                    old: d.source.text.clone(),
                    new: f.contents,
                }),
                None if (inp.exists)(&f.path) => out.errors.push(format!(
                    "{}: exists but could not be read as Markdown; not overwritten",
                    f.path.display()
                )),
                None => topic_ops.push(Op::Create {
                    path: f.path,
                    contents: f.contents,
                }),
            }
        }
    }
    let mut index_ops = Vec::new();
    for folder in &folders {
        let ipath = folder.join(&cfg.index_name);
        let mut entries = Vec::new();
        for (p, doc) in after_docs
            .iter()
            .filter(|(p, _)| p.parent() == Some(folder.as_path()) && *p != ipath)
        {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut e = Entry::measure(&name, doc, enc);
            if let Some(t) = index_title(doc, &compiled, cfg) {
                e.title = t;
            }
            let key = p.to_string_lossy().replace('\\', "/");
            e.findings = Some(by_file.get(&key).cloned().unwrap_or_default());
            entries.push(e);
        }
        let new = index::render(folder, entries, enc);
        match by_path.get(ipath.as_path()) {
            Some(d) if !index::is_index(&d.source.text) => out.notes.push(format!(
                "{}: exists and was not written by replan; index not written",
                ipath.display()
            )),
            Some(d) if d.source.text == new => {}
            Some(d) => index_ops.push(Op::Modify {
                path: ipath.clone(),
                old: d.source.text.clone(),
                new,
            }),
            None if (inp.exists)(&ipath) => out.notes.push(format!(
                "{}: exists and is not readable Markdown; index not written",
                ipath.display()
            )),
            None => index_ops.push(Op::Create {
                path: ipath.clone(),
                contents: new,
            }),
        }
    }

    // The plan, in review order: each original's move and its parts, then edits,
    // then indexes.
    for s in &out.splits {
        if let Some(d) = by_path.get(s.original.as_path()) {
            out.plan.ops.push(Op::Move {
                from: s.original.clone(),
                to: s.archived.clone(),
                contents: d.source.text.clone(),
            });
        }
        for (path, contents) in creates.remove(&s.original).unwrap_or_default() {
            out.plan.ops.push(Op::Create { path, contents });
        }
    }
    out.findings = all
        .into_iter()
        .filter(|f| !in_archive(Path::new(&f.path)))
        .collect();
    modifies.sort_by(|a, b| a.path().cmp(b.path()));
    out.plan.ops.extend(modifies);
    out.plan.ops.extend(topic_ops);
    out.plan.ops.extend(index_ops);
    out
}

#[cfg(test)]
#[path = "restructure_tests.rs"]
mod tests;
