//! Decision extraction: find the architectural decisions buried in plans, route each
//! to a topic, and render `<topics.dir>/<topic>-design.md` with the generated part
//! between marker comments so hand-written text around it survives every run.
//! Pure: reads only the documents and the `existing` callback it is given.
//!
//! - [`extract`] finds decisions in one document (line-based, iterative).
//! - [`route`] picks a topic by phase, then keyword.
//! - `dedupe` drops archived copies and folds restatements.
//! - `render` writes the block and merges it into the existing file.

pub(crate) mod dedupe;
pub mod extract;
mod extracted;
mod labels;
mod lines;
mod madr;
mod pages;
mod records;
mod render;
pub mod route;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use regex::Regex;

use crate::config::pattern::Group;
use crate::config::{Config, HeadingRules, Pattern};
use crate::model::{Document, Heading};
use crate::note::{Note, NoteKind};
use crate::subphase::{cmp_natural, cmp_numbers, recognise, Reading, Subphase};

pub use extracted::{Detached, Extracted};
pub use records::{is_record, RECORD_FOLDER_NAMES};
pub use render::{has_block, only_generated, without_block};

/// One parsed file to extract decisions from.
pub struct SourceDoc<'a> {
    /// Root-relative path where this text lives.
    pub rel: PathBuf,
    /// The parsed text.
    pub doc: &'a Document,
    /// The title of the document this text was split from (see [`title_of`]),
    /// for a part that has none of its own: a part opening at `## Status log`
    /// files its decisions under its original's topic, as the archived
    /// original's own copy of them is, not under the part's file name.
    pub title: Option<String>,
}

/// A topic file to write (full contents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicFile {
    /// Root-relative path.
    pub path: PathBuf,
    /// Full contents.
    pub contents: String,
}

/// What extraction wants written, and what it wants said.
#[derive(Debug, Clone, Default)]
pub struct DecisionsOutcome {
    /// Topic files whose contents differ from `existing`, sorted by path.
    pub files: Vec<TopicFile>,
    /// Warnings to print: recovered text, hand edits inside markers, unreadable sections.
    pub notes: Vec<Note>,
    /// Reasons nothing must be written (a records folder replan cannot number).
    pub errors: Vec<Note>,
    /// Every file this run generates, changed or not, sorted: a file an earlier
    /// run generated that is not here is stale.
    pub written: Vec<PathBuf>,
    /// Pages of an earlier run that hold nothing now, written as a pointer home
    /// (in `files` and `written`): removed instead when nobody wrote in them.
    pub emptied: Vec<PathBuf>,
}

/// What records (`decisions.records_dir`) need from outside the plans.
pub struct RecordsEnv<'a> {
    /// Root-relative paths of the Markdown files directly in the records folder.
    pub listing: Vec<PathBuf>,
    /// The date (`YYYY-MM-DD`) a new record carries, given the root-relative
    /// files its decisions come from.
    pub date: &'a dyn Fn(&[PathBuf]) -> String,
}

/// A decision with where it came from and where it goes.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Root-relative source path.
    pub rel: PathBuf,
    /// 1-based line in the source file.
    pub line: usize,
    /// Phase number (`4.3`), from the enclosing subphase heading or the file name.
    pub phase: Option<String>,
    /// Title of the enclosing subphase, when a subphase heading gave the phase.
    pub phase_title: Option<String>,
    /// Anchor of the nearest heading above it that GitHub renders.
    pub anchor: Option<String>,
    /// Markdown text.
    pub text: String,
    /// Rationale, if given.
    pub rationale: Option<String>,
    /// Whether the source is an archived original.
    pub archived: bool,
    /// Later restatements: source path and anchor.
    pub restated: Vec<(PathBuf, Option<String>)>,
    /// Title of the top-level phase, when a heading enclosing the decision names it.
    pub top_title: Option<String>,
    /// The words after the top-level phase's number in a heading above it with
    /// no title of the `Phase N: Title` form, used when no heading gives one.
    pub top_loose: Option<String>,
    /// Title of the plan document the decision is written in.
    pub doc_title: String,
    /// The earlier decision this one changes (same words but a number, version,
    /// name or quantity), when there is one.
    pub changes: Option<Changed>,
    /// What the plan says follows from it (an ADR's Consequences), if it says.
    pub consequences: Option<String>,
}

/// An earlier decision a later one changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// Root-relative source path of the earlier decision.
    pub rel: PathBuf,
    /// 1-based line of the earlier decision.
    pub line: usize,
    /// Anchor of the heading above it.
    pub anchor: Option<String>,
    /// Its lead text.
    pub lead: String,
    /// Whether that source is archived.
    pub archived: bool,
}

/// Most unclosed fences re-read per file (each re-read is shorter than the last).
const MAX_RECOVERIES: usize = 32;

/// The topic folder, relative to the root.
pub fn topics_dir(cfg: &Config) -> PathBuf {
    cfg.topics.dir_path()
}

/// Root-relative path of a topic's file.
pub fn topic_path(cfg: &Config, topic: &str) -> PathBuf {
    topics_dir(cfg).join(format!("{topic}-design.md"))
}

struct Ctx<'a> {
    cfg: &'a Config,
    rules: &'a extract::Rules,
    headings: &'a HeadingRules,
    phase_headings: Vec<&'a Regex>,
    phase_files: Vec<&'a Regex>,
}

impl<'a> Ctx<'a> {
    fn new(cfg: &'a Config, rules: &'a extract::Rules) -> Ctx<'a> {
        Ctx {
            cfg,
            rules,
            headings: &cfg.headings,
            phase_headings: regexes(&cfg.topics.phase_headings),
            phase_files: regexes(&cfg.topics.phase_files),
        }
    }
}

fn regexes<G: Group>(list: &[Pattern<G>]) -> Vec<&Regex> {
    list.iter().filter_map(|p| p.regex()).collect()
}

/// Extract, route and render. `existing` returns the current contents of a
/// root-relative path, if any. Same input, same output bytes.
pub fn plan_topics(
    root: &Path,
    sources: &[SourceDoc],
    cfg: &Config,
    existing: &dyn Fn(&Path) -> Option<String>,
) -> DecisionsOutcome {
    plan_decisions(root, sources, cfg, existing, None, None)
}

/// [`plan_topics`], and with `records` (when `decisions.records_dir` is set) one
/// MADR record per topic in that folder. A source whose decisions `extracted`
/// holds (the same path and text, under this `cfg`) is not read again.
pub fn plan_decisions(
    _root: &Path,
    sources: &[SourceDoc],
    cfg: &Config,
    existing: &dyn Fn(&Path) -> Option<String>,
    records: Option<&RecordsEnv>,
    extracted: Option<&Extracted>,
) -> DecisionsOutcome {
    let mut out = DecisionsOutcome::default();
    let mut own = None;
    let ctx = Ctx::new(cfg, rules_in(cfg, extracted, &mut own));
    let decisions = extract_all(&ctx, sources, extracted, &mut out.notes);
    render_all(&ctx, decisions, existing, records, &mut out);
    out.written.sort();
    out.written.dedup();
    out
}

/// The compiled decision rules: those `extracted` was made with, else the
/// configuration's compiled into `own`.
fn rules_in<'a>(
    cfg: &Config,
    extracted: Option<&'a Extracted>,
    own: &'a mut Option<extract::Rules>,
) -> &'a extract::Rules {
    match extracted {
        Some(e) => &e.rules,
        None => own.insert(extract::Rules::new(&cfg.decisions)),
    }
}

/// A decision that changes an earlier one (see `rules/README.md`, "Restatement
/// vs change"): where each is, and their lead texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Root-relative path of the later decision.
    pub rel: PathBuf,
    /// 1-based line of the later decision.
    pub line: usize,
    /// The later decision's lead text.
    pub lead: String,
    /// The earlier decision it changes.
    pub earlier: Changed,
}

/// The decisions of `sources` that change an earlier one, in source order.
/// Archived sources are left out: an archived plan is the past, not a
/// contradiction. Pure, like [`plan_topics`]; a source whose decisions
/// `extracted` holds is not read again (as in [`plan_decisions`]).
pub fn conflicts(
    sources: &[SourceDoc],
    cfg: &Config,
    extracted: Option<&Extracted>,
) -> Vec<Conflict> {
    let mut own = None;
    let ctx = Ctx::new(cfg, rules_in(cfg, extracted, &mut own));
    let archive = cfg.archive.dir_path();
    let active: Vec<SourceDoc> = sources
        .iter()
        .filter(|s| archive.as_os_str().is_empty() || !s.rel.starts_with(&archive))
        .map(|s| SourceDoc {
            rel: s.rel.clone(),
            doc: s.doc,
            title: s.title.clone(),
        })
        .collect();
    // Above `MAX_FUZZY` decisions no decision is marked as changing another
    // (see `extract_all`), so there is nothing to report: the scan stops as
    // soon as the tree is known to hold more.
    let Some(found) = scan_all(&ctx, &active, extracted, Some(dedupe::MAX_FUZZY)) else {
        return Vec::new();
    };
    let mut notes = found.notes;
    order_and_fold(&ctx, &active, found.decisions, &mut notes)
        .into_iter()
        .filter_map(|d| {
            let earlier = d.changes?;
            Some(Conflict {
                lead: extract::lead_text(&d.text),
                rel: d.rel,
                line: d.line,
                earlier,
            })
        })
        .collect()
}

/// Every decision in the sources, sorted and deduplicated (not yet routed).
/// A file `extracted` already holds is taken from it, not read again.
fn extract_all(
    ctx_cfg: &Ctx,
    sources: &[SourceDoc],
    extracted: Option<&Extracted>,
    notes: &mut Vec<Note>,
) -> Vec<Decision> {
    let Some(found) = scan_all(ctx_cfg, sources, extracted, None) else {
        return Vec::new();
    };
    notes.extend(found.notes);
    order_and_fold(ctx_cfg, sources, found.decisions, notes)
}

/// The decisions of every source, in source order, with what their scans said.
struct Scanned {
    decisions: Vec<Decision>,
    notes: Vec<Note>,
}

/// Scan every source for its decisions (a file `extracted` holds is taken
/// from it). `None` as soon as more than `limit` decisions are found: the
/// files not yet scanned are skipped, since a caller with a limit only needs
/// to know the tree is over it.
fn scan_all(
    ctx_cfg: &Ctx,
    sources: &[SourceDoc],
    extracted: Option<&Extracted>,
    limit: Option<usize>,
) -> Option<Scanned> {
    // Files are scanned independently, on every core; results keep file order.
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let seen = AtomicUsize::new(0);
    let over = |n: usize| limit.is_some_and(|l| n > l);
    let per_file: Vec<(Vec<Decision>, Vec<Note>)> = sources
        .par_iter()
        .filter(|src| ctx_cfg.reads(&src.rel))
        .map(|src| {
            if over(seen.load(Ordering::Relaxed)) {
                return (Vec::new(), Vec::new());
            }
            let (found, said) = match extracted.and_then(|e| e.of(src, ctx_cfg.cfg)) {
                Some(f) => (f.found.clone(), f.notes.clone()),
                None => {
                    let (found, said, _) = collect(ctx_cfg, src, ctx_cfg.archived(&src.rel));
                    (found, said)
                }
            };
            seen.fetch_add(found.len(), Ordering::Relaxed);
            (found, said)
        })
        .collect();
    if over(seen.into_inner()) {
        return None;
    }
    let mut out = Scanned {
        decisions: Vec::new(),
        notes: Vec::new(),
    };
    for (found, said) in per_file {
        out.decisions.extend(found);
        out.notes.extend(said);
    }
    Some(out)
}

/// `all` (every decision of `sources`, in source order) with the titles of
/// their top-level phases, archived copies dropped, sorted by phase and
/// place, and restatements folded.
fn order_and_fold(
    ctx_cfg: &Ctx,
    sources: &[SourceDoc],
    mut all: Vec<Decision>,
    notes: &mut Vec<Note>,
) -> Vec<Decision> {
    // A decision under `Phase 2.3` in its own file takes the title of phase 2
    // from the heading that names it elsewhere (the first, in path order).
    if all
        .iter()
        .any(|d| d.phase.is_some() && d.top_title.is_none())
    {
        let titles = top_titles(ctx_cfg, sources);
        for d in all.iter_mut().filter(|d| d.top_title.is_none()) {
            if let Some(p) = &d.phase {
                let n = top_phase(p);
                d.top_title = top_title_near(&titles, &d.rel, &n, true)
                    .or_else(|| d.top_loose.clone())
                    .or_else(|| top_title_near(&titles, &d.rel, &n, false));
            }
        }
    }
    let fuzzy = all.len() <= dedupe::MAX_FUZZY;
    if !fuzzy {
        notes.push(Note::new(
            NoteKind::Decisions,
            "",
            format!(
                "decisions: {} found; above {} only identical texts are merged, and \
                 decisions that change an earlier one are not marked",
                all.len(),
                dedupe::MAX_FUZZY
            ),
        ));
    }
    let mut all = dedupe::drop_archived_copies(all, fuzzy);
    all.sort_by(|a, b| {
        phase_order(&a.phase, &b.phase)
            .then_with(|| cmp_natural(&a.rel.to_string_lossy(), &b.rel.to_string_lossy()))
            .then(a.line.cmp(&b.line))
    });
    dedupe::fold_restatements(all, fuzzy)
}

/// Titles headings give top-level phases, the first in path and line order
/// across the sources, by phase number: anywhere and per folder, of any form
/// and of the `Phase N: Title` form. A map, not a list scanned per decision:
/// with a title per file, that scan was quadratic in the tree's size.
#[derive(Default)]
struct TopTitles(HashMap<String, FirstTitles>);

/// The first titles of one top-level phase.
#[derive(Default)]
struct FirstTitles {
    anywhere: First,
    by_folder: HashMap<PathBuf, First>,
}

/// The first title of any form, and the first of the `Phase N: Title` form.
#[derive(Default)]
struct First {
    any: Option<String>,
    explicit: Option<String>,
}

impl First {
    fn offer(&mut self, title: &str, explicit: bool) {
        self.any.get_or_insert_with(|| title.to_string());
        if explicit {
            self.explicit.get_or_insert_with(|| title.to_string());
        }
    }

    fn get(&self, explicit: bool) -> Option<&String> {
        if explicit {
            self.explicit.as_ref()
        } else {
            self.any.as_ref()
        }
    }
}

fn top_titles(ctx: &Ctx, sources: &[SourceDoc]) -> TopTitles {
    // Every heading of the tree is read (a regex per pattern): on every core,
    // in source order as a serial loop would give them.
    use rayon::prelude::*;
    let mut found: Vec<(&Path, usize, String, String, bool)> = sources
        .par_iter()
        .flat_map_iter(|src| {
            src.doc.headings.iter().filter_map(move |h| {
                // A bare section number is dotted: no top phase either way.
                let (n, t) = phase_in(ctx, &|_| true, h.text())?;
                if n.contains('.') {
                    return None;
                }
                let explicit = t.is_some();
                let t = t.or_else(|| after_number(h.text(), &n))?;
                Some((src.rel.as_path(), h.line(), top_phase(&n), t, explicit))
            })
        })
        .collect();
    found.sort_by(|a, b| {
        cmp_natural(&a.0.to_string_lossy(), &b.0.to_string_lossy()).then(a.1.cmp(&b.1))
    });
    let mut titles = TopTitles::default();
    for (rel, _, n, t, e) in found {
        let folder = rel.parent().unwrap_or(Path::new(""));
        let phase = titles.0.entry(n).or_default();
        phase.anywhere.offer(&t, e);
        match phase.by_folder.get_mut(folder) {
            Some(first) => first.offer(&t, e),
            None => {
                let mut first = First::default();
                first.offer(&t, e);
                phase.by_folder.insert(folder.to_path_buf(), first);
            }
        }
    }
    titles
}

/// The title of top-level phase `n` for a decision in `rel`: the first heading
/// naming it (of the `Phase N: Title` form when `explicit`) in the same folder,
/// else anywhere.
fn top_title_near(titles: &TopTitles, rel: &Path, n: &str, explicit: bool) -> Option<String> {
    let folder = rel.parent().unwrap_or(Path::new(""));
    let phase = titles.0.get(n)?;
    phase
        .by_folder
        .get(folder)
        .and_then(|f| f.get(explicit))
        .or_else(|| phase.anywhere.get(explicit))
        .cloned()
}

fn phase_order(a: &Option<String>, b: &Option<String>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(a), Some(b)) => cmp_phase(a, b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// A heading enclosing a decision.
#[derive(Debug, Clone)]
struct Anc {
    level: u8,
    text: String,
    /// Its anchor, when GitHub renders it (not for headings inside an unclosed fence).
    anchor: Option<String>,
}

/// Headings enclosing `line` (innermost first), continuing into `outer` for
/// text re-read from an unclosed fence. `rendered`: whether `headings` are real.
fn ancestors(headings: &[Heading], line: usize, outer: &[Anc], rendered: bool) -> Vec<Anc> {
    let end = headings.partition_point(|h| h.line() <= line);
    let mut cur = 7u8;
    let mut out = Vec::new();
    for h in headings[..end].iter().rev() {
        if h.level < cur {
            out.push(Anc {
                level: h.level,
                text: h.text().to_string(),
                anchor: rendered.then(|| h.anchor().to_string()),
            });
            cur = h.level;
            if cur <= 1 {
                break;
            }
        }
    }
    for a in outer {
        if a.level < cur {
            out.push(a.clone());
            cur = a.level;
        }
    }
    out
}

/// The phase a heading names (`Phase 4.7: Title`, `## Phase 2 - Title`), with
/// its title. A bare section number (`2.1 Router Strategy`) names one only
/// where its document's `reading` says so, as for a split: under `## 2.
/// Architecture Decisions` it is that outline's entry, and its decisions were
/// filed as phase 2.1 under an unrelated `### Phase 2: Navigation` of the plan.
/// `bare_names_one` says whether a bare number heading names a subphase.
fn phase_in(
    ctx: &Ctx,
    bare_names_one: &dyn Fn(&Subphase) -> bool,
    t: &str,
) -> Option<(String, Option<String>)> {
    if let Some(sp) = recognise(t, ctx.headings, &ctx.cfg.environments) {
        if sp.bare && !bare_names_one(&sp) {
            return None;
        }
        return Some((sp.number, Some(sp.title).filter(|t| !t.is_empty())));
    }
    for re in &ctx.phase_headings {
        if let Some(c) = crate::subphase::captured(re, t.trim()) {
            if let Some(n) = c.name("number") {
                let title = c
                    .name("title")
                    .map(|m| drop_duration(ctx, m.as_str()))
                    .filter(|t| !t.is_empty());
                return Some((n.as_str().to_string(), title));
            }
        }
    }
    None
}

/// [`phase_in`] of the heading texts of one file, each read once: every
/// decision asks it of each heading above it (and of the document's title),
/// up to three times, and the headings above a file's decisions are few.
struct Phases<'r> {
    seen: std::cell::RefCell<HashMap<String, Option<Phase>>>,
    /// The file, and how it reads its bare section numbers, made when one
    /// is first met (a regex per top heading).
    doc: &'r Document,
    reading: std::cell::OnceCell<Reading<'r>>,
}

/// A phase number and the title its heading gives, as [`phase_in`] reads them.
type Phase = (String, Option<String>);

impl<'r> Phases<'r> {
    fn new(doc: &'r Document) -> Phases<'r> {
        Phases {
            seen: Default::default(),
            doc,
            reading: std::cell::OnceCell::new(),
        }
    }

    fn of(&self, ctx: &Ctx<'r>, t: &str) -> Option<Phase> {
        if let Some(known) = self.seen.borrow().get(t) {
            return known.clone();
        }
        // The heading is recognised once: the reading only judges it.
        let bare = |s: &Subphase| {
            self.reading
                .get_or_init(|| Reading::of_doc(self.doc, ctx.headings, &ctx.cfg.environments))
                .admits(s)
        };
        let found = phase_in(ctx, &bare, t);
        self.seen.borrow_mut().insert(t.to_string(), found.clone());
        found
    }
}

/// The top-level phase of a phase number: `4` of `4.7.2`, `5A` of `5A.4` and
/// of `5a`. A lettered phase (`Phase 4M`, `Phase 5A`) is a phase of its own:
/// plans that letter their phases run 4A, 4B, … as separate pieces of work, and
/// taking `4M` for phase 4 let one lettered sibling's heading title all of them.
pub(crate) fn top_phase(p: &str) -> String {
    let head = p.split('.').next().unwrap_or(p);
    let digits: String = head.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        head.to_string()
    } else {
        // `Phase 06` is phase 6.
        let t = digits.trim_start_matches('0');
        let letters = head[digits.len()..].to_ascii_uppercase();
        format!("{}{letters}", if t.is_empty() { "0" } else { t })
    }
}

/// Phase numbers in order: by their numbers (`4.2` before `4.10`), a lettered
/// phase beside the number it letters (`4`, `4M`, `4N`), ties in natural order.
/// A lettered phase's subphases follow it, after all of the unlettered
/// phase's (`4.1`, `4.2`, `4A.1`, `4A.2`): compared by their numbers alone,
/// two phases routed to one topic had their sections interleaved.
pub(crate) fn cmp_phase(a: &str, b: &str) -> std::cmp::Ordering {
    let digits = |s: &str| s.replace(|c: char| c.is_ascii_alphabetic(), "");
    let top = |s: &str| {
        let t = top_phase(s);
        let letters = t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        (
            t[..t.len() - letters].to_string(),
            t[t.len() - letters..].to_string(),
        )
    };
    let ((na, la), (nb, lb)) = (top(a), top(b));
    cmp_numbers(&na, &nb)
        .then_with(|| la.cmp(&lb))
        .then_with(|| cmp_numbers(&digits(a), &digits(b)))
        .then_with(|| cmp_natural(a, b))
}

fn phase_of<'a>(
    ctx: &Ctx<'a>,
    phase: &Phases<'a>,
    chain: &[Anc],
    rel: &Path,
) -> (Option<String>, Option<String>) {
    for a in chain {
        if let Some(found) = phase.of(ctx, &a.text) {
            return (Some(found.0), found.1);
        }
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for re in &ctx.phase_files {
        if let Some(n) = re.captures(&name).and_then(|c| c.name("number")) {
            return (Some(n.as_str().to_string()), None);
        }
    }
    (None, None)
}

/// The title of the top-level phase `top` when a heading enclosing the decision
/// names it (`## Phase 2: AlloyDB Cluster` above `### Phase 2.3: Backups`).
/// `loose`: also take the words after the number of a heading with no title
/// of its form (`# Phase 4 Working Notes: ArgoCD`).
fn top_title_of<'a>(
    ctx: &Ctx<'a>,
    phase: &Phases<'a>,
    chain: &[Anc],
    top: &str,
    loose: bool,
) -> Option<String> {
    chain.iter().find_map(|a| match phase.of(ctx, &a.text) {
        Some((n, t)) if !n.contains('.') && top_phase(&n) == top => {
            if loose {
                t.or_else(|| after_number(&a.text, &n))
            } else {
                t
            }
        }
        _ => None,
    })
}

/// The words of a heading after the phase number `n` it names, if any.
fn after_number(text: &str, n: &str) -> Option<String> {
    let i = text.find(n)?;
    let rest = text[i + n.len()..]
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

/// The title of the plan document `doc` is (part of): the title a continuation
/// part links back to, else its first level-1 heading, else its file name.
/// The title `rel`'s decisions are filed under when no phase names their topic:
/// what a part split from it is given as [`SourceDoc::title`].
pub fn title_of(doc: &Document, rel: &Path) -> String {
    doc_title(doc, rel, None)
}

/// A part's "Continued from" title, else `over` (its original's title), else
/// its first H1, else its file name.
fn doc_title(doc: &Document, rel: &Path, over: Option<&str>) -> String {
    if let Some(first) = crate::model::markers::continuation_line(&doc.source.text) {
        let after = first.split_once("Continued from [").map(|(_, r)| r);
        if let Some((t, _)) = after.and_then(|r| r.split_once("](")) {
            if !t.trim().is_empty() {
                return without_extension(t.trim()).to_string();
            }
        }
    }
    if let Some(t) = over.filter(|t| !t.trim().is_empty()) {
        return t.to_string();
    }
    let title = doc
        .headings
        .iter()
        .find(|h| h.level == 1 && h.block().is_some() && !h.text().trim().is_empty())
        .map(|h| without_extension(h.text().trim()).to_string())
        .or_else(|| rel.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_default();
    // `# Tasks` in `changes/add-x/tasks.md`: the folder tells it from the others.
    let generic = [
        "design",
        "tasks",
        "proposal",
        "spec",
        "plan",
        "readme",
        "index",
        "summary",
        "notes",
        "overview",
        "todo",
        "research",
        "context",
        "decisions",
    ];
    let n = labels::norm(&title);
    if n.is_empty() || generic.contains(&n.as_str()) {
        if let Some(dir) = rel.parent().and_then(|p| p.file_name()) {
            return format!("{} {title}", dir.to_string_lossy());
        }
    }
    title
}

/// A title that is a file name (a part links back to `overview.md`) without
/// its extension, so the topic is `overview`, not `overview-md`.
fn without_extension(title: &str) -> &str {
    let lower = title.to_ascii_lowercase();
    for ext in [".md", ".markdown"] {
        if lower.ends_with(ext) && title.len() > ext.len() && !title.contains(' ') {
            return &title[..title.len() - ext.len()];
        }
    }
    title
}

/// A title without a trailing `(20-30 min)`.
fn drop_duration(ctx: &Ctx, title: &str) -> String {
    let t = title.trim();
    if let (Some(open), true) = (t.rfind('('), t.ends_with(')')) {
        if ctx
            .headings
            .duration
            .is_match(t[open + 1..t.len() - 1].trim())
        {
            return t[..open].trim_end().to_string();
        }
    }
    t.to_string()
}

/// A stretch of text to scan: the file itself, or an unclosed fence's content.
struct Region {
    doc: Option<Document>,
    /// Lines of the file before the region's first line.
    line0: usize,
    /// Headings enclosing the region (innermost first).
    outer: Vec<Anc>,
    /// For re-read text: the anchor to link to (headings inside code have none).
    anchor: Option<Option<String>>,
    /// 1-based file line of the fence whose content this is.
    fence: Option<usize>,
}

/// The decisions of one file, in file order, with what was said about it and
/// how many its text states outside unclosed fences.
fn collect(ctx: &Ctx, src: &SourceDoc, archived: bool) -> (Vec<Decision>, Vec<Note>, usize) {
    let (mut all, mut notes) = (Vec::new(), Vec::new());
    let mut stated = None;
    let mut stack = vec![Region {
        doc: None,
        line0: 0,
        outer: Vec::new(),
        anchor: None,
        fence: None,
    }];
    let mut recoveries = 0;
    let title = doc_title(src.doc, &src.rel, src.title.as_deref());
    let phases = Phases::new(src.doc);
    while let Some(region) = stack.pop() {
        let doc = region.doc.as_ref().unwrap_or(src.doc);
        let scan = extract::scan(doc, ctx.rules);
        let count = scan.found.len();
        stated.get_or_insert(count);
        for f in scan.found {
            let rendered = region.fence.is_none();
            let chain = ancestors(&doc.headings, f.line, &region.outer, rendered);
            let (phase, phase_title) = phase_of(ctx, &phases, &chain, &src.rel);
            // The phase's title from a heading above, else from the plan document's
            // title (a part of a split plan names it), else (later) from elsewhere.
            let named = Anc {
                level: 1,
                text: title.clone(),
                anchor: None,
            };
            let top_of = |loose: bool| {
                let top = top_phase(phase.as_deref()?);
                top_title_of(ctx, &phases, &chain, &top, loose).or_else(|| {
                    top_title_of(ctx, &phases, std::slice::from_ref(&named), &top, loose)
                })
            };
            let (top_title, top_loose) = (top_of(false), top_of(true));
            let anchor = match &region.anchor {
                // Re-read text: the innermost enclosing heading GitHub renders, else
                // the last one before the fence.
                Some(a) => chain
                    .iter()
                    .find_map(|c| c.anchor.clone())
                    .or_else(|| a.clone()),
                None => {
                    let end = doc.headings.partition_point(|h| h.line() <= f.line);
                    end.checked_sub(1)
                        .map(|i| doc.headings[i].anchor().to_string())
                }
            };
            all.push(Decision {
                rel: src.rel.clone(),
                line: region.line0 + f.line,
                phase,
                phase_title,
                anchor,
                text: f.text,
                rationale: f.rationale,
                archived,
                restated: Vec::new(),
                top_title,
                top_loose,
                doc_title: title.clone(),
                changes: None,
                consequences: f.consequences,
            });
        }
        if let Some(fence) = region.fence {
            if count > 0 {
                notes.push(Note::new(
                    NoteKind::Decisions,
                    &src.rel,
                    format!(
                        "the fence opened at line {fence} is never closed, so CommonMark reads \
                         the rest of the file as code; re-read its content as Markdown and \
                         recovered {count} decision(s) from it"
                    ),
                ));
            }
        }
        for line in scan.unclosed_fences {
            if recoveries >= MAX_RECOVERIES {
                notes.push(Note::new(
                    NoteKind::Decisions,
                    &src.rel,
                    format!(
                        "more than {MAX_RECOVERIES} unclosed fences; the text after line {} \
                         was not read for decisions",
                        region.line0 + line
                    ),
                ));
                break;
            }
            recoveries += 1;
            let start = doc.source.line_start(line + 1);
            let text = doc.source.text.get(start..).unwrap_or("").to_string();
            if text.trim().is_empty() {
                continue;
            }
            let outer = ancestors(&doc.headings, line, &region.outer, region.fence.is_none());
            let anchor = match &region.anchor {
                Some(a) => a.clone(),
                None => {
                    let end = doc.headings.partition_point(|h| h.line() <= line);
                    end.checked_sub(1)
                        .map(|i| doc.headings[i].anchor().to_string())
                }
            };
            stack.push(Region {
                doc: Some(Document::from_text(&src.rel.to_string_lossy(), &text)),
                line0: region.line0 + line,
                outer,
                anchor: Some(anchor),
                fence: Some(region.line0 + line),
            });
        }
    }
    // Held per file until the plan is made (every file's at once): no room
    // left over from growing by doubling (~3 MB of a 50,000-file tree).
    all.shrink_to_fit();
    (all, notes, stated.unwrap_or(0))
}

/// The MADR record of one topic, in the records folder (see `madr`, `records`).
#[allow(clippy::too_many_arguments)]
fn write_record(
    folder: &mut records::Folder,
    env: &RecordsEnv,
    topic: &str,
    topic_title: &str,
    topic_file: &Path,
    ds: &[&Decision],
    budget: &pages::Budget,
    existing: &dyn Fn(&Path) -> Option<String>,
    out: &mut DecisionsOutcome,
) {
    // A decision with no words cannot be recorded as one: said, and left out.
    let mut kept: Vec<&Decision> = Vec::new();
    for d in ds {
        if madr::no_words(&d.text) {
            out.notes.push(
                Note::new(
                    NoteKind::Decisions,
                    &d.rel,
                    format!(
                        "a decision with no text (`{}`); left out of its record, the plan is \
                         unchanged: write what was decided there",
                        extract::lead_text(&d.text)
                    ),
                )
                .at(d.line),
            );
        } else {
            kept.push(d);
        }
    }
    let (path, new) = folder.record_for(topic);
    let title = madr::title(topic_title);
    let head = if new && existing(&path).is_none() {
        let rels: Vec<PathBuf> = kept.iter().map(|d| d.rel.clone()).collect();
        madr::head(&title, &(env.date)(&rels))
    } else {
        madr::head(&title, "")
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let at = path.clone();
    let render = |b: &pages::Body| {
        madr::block(
            &madr::Record {
                topic,
                path: &at,
                topic_file,
                title: &title,
                decisions: &kept,
            },
            b,
        )
    };
    let t = pages::Topic {
        path: path.clone(),
        name: &stem,
        title: title.clone(),
        head,
        render: &render,
    };
    pages::write(&t, &kept, budget, existing, out);
}

/// A topic a decision goes to: its file's name and the title of a new file.
struct TopicName {
    name: String,
    title: String,
}

/// The topic of a decision when no route is configured: its top-level phase
/// (`Phase 2: AlloyDB Cluster` -> `phase-2-alloydb-cluster`), else the plan
/// document it is written in. Names come from the plans, never from a list of
/// technologies.
fn generic_topic(d: &Decision, general: &str) -> TopicName {
    use crate::model::slug::file_slug;
    let heading = match &d.phase {
        Some(p) => {
            let n = top_phase(p);
            match &d.top_title {
                Some(t) => format!("Phase {n}: {t}"),
                None => format!("Phase {n}"),
            }
        }
        None => d.doc_title.clone(),
    };
    // `Notes on overview.md`: a file name's extension is no word of the topic.
    static EXT: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"(?i)\.(?:md|markdown)\b").expect("a valid pattern")
    });
    let slug = file_slug(&EXT.replace_all(&heading, ""), 60);
    // `Design: Spec Commands` is the topic `spec-commands` (the file adds `-design`).
    let slug = without_design_words(&slug);
    let slug = slug.strip_prefix("design-").unwrap_or(slug).to_string();
    if slug.is_empty() || slug == "design" {
        return TopicName {
            name: general.to_string(),
            title: "General design decisions".to_string(),
        };
    }
    TopicName {
        name: slug,
        title: format!("{}: design decisions", heading.trim()),
    }
}

/// A topic's slug without the words its file name adds back: the file is
/// `<topic>-design.md`, so `Rec Engine — Design Spec` and `Auth Design
/// Decisions` are the topics `rec-engine` and `auth`, not files named
/// `rec-engine-design-spec-design.md`. A kind word (`spec`, `doc`,
/// `decisions`) goes only after `design` or as the last word of a longer
/// name with `decisions`: `api-spec` keeps its `spec`.
fn without_design_words(slug: &str) -> &str {
    const KINDS: [&str; 6] = [
        "-spec",
        "-specification",
        "-doc",
        "-document",
        "-docs",
        "-notes",
    ];
    let mut s = slug.strip_suffix("-decisions").unwrap_or(slug);
    if let Some(rest) = KINDS
        .iter()
        .find_map(|k| s.strip_suffix(k))
        .and_then(|r| r.strip_suffix("-design"))
    {
        s = rest;
    }
    s.trim_end_matches("-design")
}

fn render_all(
    ctx: &Ctx,
    decisions: Vec<Decision>,
    existing: &dyn Fn(&Path) -> Option<String>,
    records: Option<&RecordsEnv>,
    out: &mut DecisionsOutcome,
) {
    let topics = &ctx.cfg.topics;
    let general = route::general(topics);
    let generic = topics.routes.is_empty();
    let mut by_topic: Vec<(String, String, Vec<Decision>)> = Vec::new();
    for d in decisions {
        let t = if generic {
            generic_topic(&d, &general)
        } else {
            let name = route::route(topics, d.phase.as_deref(), &d.text);
            TopicName {
                title: String::new(),
                name,
            }
        };
        match by_topic.iter_mut().find(|(k, _, _)| *k == t.name) {
            Some((_, _, v)) => v.push(d),
            None => by_topic.push((t.name, t.title, vec![d])),
        }
    }
    // Topics with a generated block on disk but no decisions now get an empty block.
    let mut names: Vec<String> = topics.routes.iter().map(|r| r.topic.clone()).collect();
    names.push(general.clone());
    for name in names {
        if by_topic.iter().all(|(k, _, _)| *k != name)
            && existing(&topic_path(ctx.cfg, &name)).is_some_and(|t| render::has_block(&t))
        {
            by_topic.push((name, String::new(), Vec::new()));
        }
    }
    let budget = pages::Budget::new(ctx.cfg);
    let mut folder = match (ctx.cfg.decisions.records_path(), records) {
        (Some(dir), Some(env)) => match records::Folder::read(&dir, &env.listing, existing) {
            Ok(f) => Some((f, env)),
            Err(why) => {
                out.errors.push(Note::new(NoteKind::Decisions, &dir, why));
                None
            }
        },
        _ => None,
    };
    for (topic, generic_title, ds) in by_topic {
        let path = topic_path(ctx.cfg, &topic);
        let title = if topic == general && !topics.general_title.trim().is_empty() {
            topics.general_title.clone()
        } else if !generic_title.is_empty() {
            generic_title
        } else {
            topics
                .routes
                .iter()
                .find(|r| r.topic == topic && !r.title.trim().is_empty())
                .map(|r| r.title.clone())
                .unwrap_or_else(|| format!("{topic} design"))
        };
        let refs: Vec<&Decision> = ds.iter().collect();
        let at = path.clone();
        let render = move |b: &pages::Body| pages::topic_block(&at, b);
        let t = pages::Topic {
            path: path.clone(),
            name: &topic,
            head: format!("# {title}\n\n"),
            title: title.clone(),
            render: &render,
        };
        pages::write(&t, &refs, &budget, existing, out);
        if let Some((f, env)) = folder.as_mut() {
            write_record(f, env, &topic, &title, &path, &refs, &budget, existing, out);
        }
    }
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
}

#[cfg(test)]
mod tests;
