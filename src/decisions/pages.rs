//! A topic file within budget. Files replan writes obey the rules `check`
//! enforces: when a topic's decisions do not fit the line and token budget its
//! path has (`budgets`), they go to pages under `<topics.dir>/<topic>/`, one per
//! phase (decisions tied to no phase: one per plan folder they come from), cut
//! into `-part-N` pages when one is still too long, and the topic file becomes
//! their short index. Pages an earlier run wrote that hold nothing now are
//! emptied (a page is never deleted: its hand-written text is kept, and `restore`
//! undoes an edit as it undoes any other).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::model::count_lines;
use crate::model::slug::file_slug;
use crate::note::{Note, NoteKind};
use crate::tokens::Encoding;

use super::render::{self, entry, group_heading, groups, merge, merge_under, wrap};
use super::{Decision, DecisionsOutcome, TopicFile};

/// One topic to write.
pub(super) struct Topic<'a> {
    /// Root-relative path of the topic file.
    pub path: PathBuf,
    /// The topic's name (`argocd`): the folder of its pages.
    pub name: &'a str,
    /// The title of a new topic file.
    pub title: String,
    /// What a new file starts with before its block (its title; a record's
    /// front matter and title).
    pub head: String,
    /// The generated block of the file itself, whole or as an index of pages.
    pub render: &'a dyn Fn(&Body) -> String,
}

/// What the generated block of a topic file (or record) holds.
pub(super) enum Body<'a, 'd> {
    /// Every decision, in order.
    Whole(&'a [&'d Decision]),
    /// Too many for one file: `total` decisions in `pages`.
    Index {
        /// Decisions in all pages.
        total: usize,
        /// One line each: heading, link from the file, decisions.
        pages: Vec<PageLink>,
    },
}

/// A page as the file that indexes it lists it.
pub(super) struct PageLink {
    /// The heading the page shows.
    pub heading: String,
    /// Link destination from the indexing file.
    pub link: String,
    /// Decisions on it.
    pub count: usize,
}

/// The block of a topic file: its decisions by phase, or the list of its pages.
pub(super) fn topic_block(path: &Path, body: &Body) -> String {
    match body {
        Body::Whole(ds) => render::block(path, ds),
        Body::Index { total, pages } => index_block(*total, pages),
    }
}

/// The budget files replan writes must keep.
pub(super) struct Budget<'a> {
    cfg: &'a Config,
    enc: Encoding,
}

impl<'a> Budget<'a> {
    pub(super) fn new(cfg: &'a Config) -> Budget<'a> {
        let enc = Encoding::from_name(&cfg.budgets.encoding).unwrap_or(Encoding::O200kBase);
        Budget { cfg, enc }
    }

    /// Whether `text` at `path` is within the path's line and token budget.
    fn fits(&self, path: &Path, text: &str) -> bool {
        let (lines, tokens) = self.cfg.budget_for(path);
        (lines == 0 || count_lines(text) <= lines)
            && (tokens == 0 || self.enc.count(text) <= tokens)
    }
}

/// Decisions that share a page (or, when long, several).
struct Unit<'d> {
    slug: String,
    heading: String,
    ds: Vec<&'d Decision>,
}

/// Phases in order, one unit each; decisions tied to no phase by the folder of
/// the plan they come from.
fn units<'d>(decisions: &[&'d Decision]) -> Vec<Unit<'d>> {
    let mut out: Vec<Unit> = Vec::new();
    for (phase, ds) in groups(decisions) {
        let heading = group_heading(&phase, &ds);
        if phase.is_some() {
            out.push(Unit {
                slug: file_slug(&heading, 60),
                heading,
                ds,
            });
            continue;
        }
        let mut by_folder: Vec<(PathBuf, Vec<&Decision>)> = Vec::new();
        for d in ds {
            let folder = d.rel.parent().unwrap_or(Path::new("")).to_path_buf();
            match by_folder.iter_mut().find(|(f, _)| *f == folder) {
                Some((_, v)) => v.push(d),
                None => by_folder.push((folder, vec![d])),
            }
        }
        // Name each folder's page by what tells it from the others.
        let common = by_folder
            .iter()
            .map(|(f, _)| f.components().count())
            .min()
            .unwrap_or(0);
        let shared = (0..common)
            .take_while(|&i| {
                let first = by_folder[0].0.components().nth(i);
                by_folder
                    .iter()
                    .all(|(f, _)| f.components().nth(i) == first)
            })
            .count();
        for (folder, ds) in by_folder {
            let comps: Vec<String> = folder
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let tail = if comps.len() > shared {
                comps[shared..].join(" ")
            } else {
                comps.last().cloned().unwrap_or_default()
            };
            let slug = file_slug(&tail, 60);
            let shown = folder.to_string_lossy().replace('\\', "/");
            out.push(Unit {
                slug: if slug.is_empty() {
                    "other".into()
                } else {
                    slug
                },
                heading: if shown.is_empty() {
                    "Not tied to a phase".into()
                } else {
                    format!("Not tied to a phase: {shown}/")
                },
                ds,
            });
        }
    }
    // Slugs are file names: unique within the topic.
    let mut seen = HashSet::new();
    for u in &mut out {
        let base = u.slug.clone();
        let mut n = 1;
        while !seen.insert(u.slug.clone()) {
            n += 1;
            u.slug = format!("{base}-{n}");
        }
    }
    out
}

/// One page: its path, the heading it shows, its decisions.
struct Page<'d> {
    path: PathBuf,
    heading: String,
    ds: Vec<&'d Decision>,
}

/// Write `topic` with `decisions` (in order) into `out`: whole, or as an index of
/// pages when whole it is over budget.
pub(super) fn write(
    topic: &Topic,
    decisions: &[&Decision],
    budget: &Budget,
    existing: &dyn Fn(&Path) -> Option<String>,
    out: &mut DecisionsOutcome,
) {
    let old = existing(&topic.path);
    let folder = topic.path.with_file_name(topic.name);
    let before: Vec<PathBuf> = old
        .as_deref()
        .map(|t| render::linked_files(t, &topic.path))
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.starts_with(&folder))
        .collect();
    let whole = match merge_under(
        old.as_deref(),
        &topic.head,
        &(topic.render)(&Body::Whole(decisions)),
    ) {
        Ok(c) => c,
        Err(why) => {
            out.notes
                .push(Note::new(NoteKind::Decisions, &topic.path, why));
            return;
        }
    };
    let pages = if budget.fits(&topic.path, &whole) {
        put(out, old.as_deref(), &topic.path, whole);
        Vec::new()
    } else {
        let pages = paginate(topic, &folder, decisions, budget, existing, out);
        let links = pages
            .iter()
            .map(|p| PageLink {
                heading: p.heading.clone(),
                link: render::link_to(&topic.path, &p.path),
                count: p.ds.len(),
            })
            .collect();
        let index = (topic.render)(&Body::Index {
            total: decisions.len(),
            pages: links,
        });
        match merge_under(old.as_deref(), &topic.head, &index) {
            Ok(c) => {
                if !budget.fits(&topic.path, &c) {
                    out.notes.push(Note::new(
                        NoteKind::Decisions,
                        &topic.path,
                        format!(
                            "the index of {} pages is itself over budget; narrow the topic's routes",
                            pages.len()
                        ),
                    ));
                }
                put(out, old.as_deref(), &topic.path, c);
            }
            Err(why) => out
                .notes
                .push(Note::new(NoteKind::Decisions, &topic.path, why)),
        }
        pages
    };
    // Pages of an earlier run this one does not write: emptied, pointing home.
    for p in before {
        if pages.iter().any(|q| q.path == p) {
            continue;
        }
        let Some(text) = existing(&p) else { continue };
        if !render::has_block(&text) {
            continue;
        }
        let body = format!(
            "\n_No decisions here any more: see [{}]({})._\n",
            topic.title,
            render::link_to(&p, &topic.path)
        );
        out.emptied.push(p.clone());
        match merge(Some(&text), &topic.title, &wrap(&body)) {
            Ok(c) => put(out, Some(&text), &p, c),
            Err(why) => out.notes.push(Note::new(NoteKind::Decisions, &p, why)),
        }
    }
}

fn put(out: &mut DecisionsOutcome, old: Option<&str>, path: &Path, contents: String) {
    out.written.push(path.to_path_buf());
    if old != Some(contents.as_str()) {
        out.files.push(TopicFile {
            path: path.to_path_buf(),
            contents,
        });
    }
}

/// The title of a page.
fn page_title(topic: &Topic, heading: &str) -> String {
    format!("{}: {heading}", topic.title)
}

/// A page's generated block.
fn page_block(topic: &Topic, page: &Path, ds: &[&Decision]) -> String {
    let mut body = format!(
        "\n_Part of [{}]({})._\n\n",
        topic.title,
        render::link_to(page, &topic.path)
    );
    for d in ds {
        body.push_str(&entry(page, d));
    }
    wrap(&body)
}

/// The pages of an over-budget topic, written into `out`.
fn paginate<'d>(
    topic: &Topic,
    folder: &Path,
    decisions: &[&'d Decision],
    budget: &Budget,
    existing: &dyn Fn(&Path) -> Option<String>,
    out: &mut DecisionsOutcome,
) -> Vec<Page<'d>> {
    let mut pages = Vec::new();
    for u in units(decisions) {
        let first = folder.join(format!("{}.md", u.slug));
        let path_of = |k: usize| match k {
            0 => first.clone(),
            k => folder.join(format!("{}-part-{}.md", u.slug, k + 1)),
        };
        let heading_of = |k: usize, n: usize| match n {
            1 => u.heading.clone(),
            _ => format!("{} (part {} of {n})", u.heading, k + 1),
        };
        let contents = |k: usize, n: usize, ds: &[&Decision]| {
            let path = path_of(k);
            let old = existing(&path);
            let title = page_title(topic, &heading_of(k, n));
            merge(old.as_deref(), &title, &page_block(topic, &path, ds)).map(|c| (path, old, c))
        };
        let chunks = chunk(&u.ds, &|k, n, ds| {
            contents(k, n, ds).is_ok_and(|(p, _, c)| budget.fits(&p, &c))
        });
        let n = chunks.len();
        for (k, ds) in chunks.into_iter().enumerate() {
            match contents(k, n, &ds) {
                Ok((path, old, c)) => {
                    if ds.len() == 1 && !budget.fits(&path, &c) {
                        let d = ds[0];
                        out.notes.push(Note::new(
                            NoteKind::Decisions,
                            &path,
                            format!(
                                "the decision at {} line {} alone is over budget; its page is too",
                                d.rel.display(),
                                d.line
                            ),
                        ));
                    }
                    put(out, old.as_deref(), &path, c);
                }
                Err(why) => out
                    .notes
                    .push(Note::new(NoteKind::Decisions, path_of(k), why)),
            }
            pages.push(Page {
                path: path_of(k),
                heading: heading_of(k, n),
                ds,
            });
        }
    }
    pages
}

/// Cut `ds` into consecutive chunks each of which `fits(k, n, chunk)` (the k-th
/// of n), or holds one decision. Halving, then joining neighbours while they
/// fit: about as many renders as chunks times the depth, not one per decision.
/// The probes number a page as the last of as many pages as there are
/// decisions, the longest title it could get, so the page fits as numbered.
fn chunk<'d>(
    ds: &[&'d Decision],
    fits: &dyn Fn(usize, usize, &[&'d Decision]) -> bool,
) -> Vec<Vec<&'d Decision>> {
    if fits(0, 1, ds) {
        return vec![ds.to_vec()];
    }
    let most = ds.len();
    let probe = |c: &[&'d Decision]| fits(most - 1, most, c);
    fn cut<'d>(
        ds: &[&'d Decision],
        probe: &dyn Fn(&[&'d Decision]) -> bool,
        out: &mut Vec<Vec<&'d Decision>>,
    ) {
        if ds.len() <= 1 || probe(ds) {
            out.push(ds.to_vec());
            return;
        }
        let mid = ds.len() / 2;
        cut(&ds[..mid], probe, out);
        cut(&ds[mid..], probe, out);
    }
    let mut pieces = Vec::new();
    cut(ds, &probe, &mut pieces);
    let mut out: Vec<Vec<&Decision>> = Vec::new();
    for p in pieces {
        if let Some(last) = out.last_mut() {
            let mut joined = last.clone();
            joined.extend(p.iter().copied());
            if probe(&joined) {
                *last = joined;
                continue;
            }
        }
        out.push(p);
    }
    out
}

/// The list of pages an over-budget file shows instead of its decisions.
pub(super) fn index_lines(total: usize, pages: &[PageLink]) -> String {
    let mut body = format!(
        "{total} decisions, too many for one file within budget: one page per phase \
         (decisions tied to no phase, per plan folder).\n\n"
    );
    for p in pages {
        let n = p.count;
        body.push_str(&format!(
            "- [{}]({}): {n} decision{}\n",
            p.heading,
            p.link,
            if n == 1 { "" } else { "s" }
        ));
    }
    body
}

/// The topic file's block when its decisions are in pages: one line per page.
fn index_block(total: usize, pages: &[PageLink]) -> String {
    wrap(&format!("\n{}", index_lines(total, pages)))
}
