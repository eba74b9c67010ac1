//! `link.broken`: relative links whose file does not exist, and `#anchors` that no
//! heading (GitHub slug rules, `-1`/`-2` for repeats) or HTML `id`/`name` defines.
//! A root-relative link to a Markdown file (`/docs/plans/a.md`) is resolved from
//! the root, as GitHub does; other root-relative links (`/docs/intro`, `/img/x.png`)
//! may be a docs site's routes and are not checked. Target files outside the
//! checked set are read and parsed at most once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use regex::Regex;

use super::facts::{code_ranges, quote};
use super::fence_unclosed::atx_heading;
use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};
use crate::model::links::{is_markdown, resolve, Target};
use crate::model::slug::github_anchor;
use crate::model::{Document, Source};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "link.broken",
    doc: "a relative link or #anchor does not resolve",
    default: Severity::Error,
    ctor: |_| Box::new(LinkBroken::default()),
    long: "A relative link whose file does not exist, or an `#anchor` that no heading \
        (GitHub's slugs, `-1`/`-2` for repeated titles) or HTML `id`/`name` defines. \
        A link from the root to a Markdown file (`/docs/plans/a.md#step-2`) is read as \
        GitHub reads it, from the repository root; other root-relative links \
        (`/docs/intro`, `/img/logo.png`) may be routes of a site built from the \
        repository and are not checked. \
        `migrate` rewrites every link to what it moves, and refuses rather than break one \
        that works today; links already broken are reported and left alone.",
    settings: &[],
    section: "check-rulescheckyaml",
    example: Some(Example {
        files: &[(
            "plan.md",
            "See [the runbook](runbook.md) and [setup](#set-up).\n\n## Setup\n",
        )],
        message: "link target `runbook.md` does not exist",
    }),
};

/// Anchors a document defines, plus (for files outside the checked set, which are
/// not kept) headings hidden in code blocks, for evidence.
#[derive(Debug, Default)]
struct Anchors {
    defined: HashSet<String>,
    /// Anchor a heading-like line inside code would have had, and its line.
    hidden: Hidden,
}

fn html_ids() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?i)<[a-z][^>]*?\b(?:id|name)\s*=\s*["']?([^"'\s>]+)"#).expect("valid")
    })
}

fn anchors_of(doc: &Document) -> Anchors {
    let mut a = Anchors::default();
    for h in &doc.headings {
        a.defined.insert(h.anchor().to_lowercase());
    }
    for c in html_ids().captures_iter(&doc.source.text) {
        a.defined.insert(c[1].to_lowercase());
    }
    a
}

/// Heading-like lines inside code, by the anchor each would have had, with the
/// line trimmed. `code`: the file's code line ranges ([`code_ranges`]); only
/// their lines are read (reading every line of every file to ask whether it
/// was in code was most of this rule's cost).
fn hidden_headings<'d>(
    doc: &'d Document,
    code: &'d [(usize, usize)],
) -> impl Iterator<Item = (String, usize, &'d str)> + 'd {
    let total = doc.source.line_count();
    code.iter()
        .flat_map(move |&(a, z)| a..=z.min(total))
        .filter_map(move |l| {
            let t = doc.source.line_text(l);
            if !atx_heading(t) {
                return None;
            }
            let text = t
                .trim()
                .trim_start_matches('#')
                .trim()
                .trim_end_matches('#')
                .trim();
            Some((github_anchor(text), l, t.trim()))
        })
}

/// Hidden headings of a file by anchor, the first line for each.
type Hidden = HashMap<String, (usize, String)>;

fn hidden_map(doc: &Document, code: &[(usize, usize)]) -> Hidden {
    let mut m = Hidden::new();
    for (anchor, l, t) in hidden_headings(doc, code) {
        m.entry(anchor).or_insert_with(|| (l, t.to_string()));
    }
    m
}

fn anchor_hash(anchor: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    anchor.hash(&mut h);
    h.finish()
}

/// The hidden headings of a file in the checked set, as (anchor hash, line),
/// sorted, the first line per anchor: 16 bytes a heading, where the anchors and
/// line texts themselves cost several times that on a large tree full of shell
/// comments. The text is read back from the file when a note needs it.
fn hidden_index(doc: &Document, code: &[(usize, usize)]) -> Vec<(u64, u32)> {
    let mut v: Vec<(u64, u32)> = hidden_headings(doc, code)
        .map(|(a, l, _)| (anchor_hash(&a), u32::try_from(l).unwrap_or(u32::MAX)))
        .collect();
    v.sort_unstable();
    v.dedup_by_key(|(h, _)| *h);
    v.shrink_to_fit();
    v
}

#[derive(Default)]
struct LinkBroken {
    /// Parsed targets outside the checked set: `None` when unreadable.
    cache: Mutex<HashMap<PathBuf, Option<Arc<Anchors>>>>,
}

impl LinkBroken {
    /// Anchors of a file outside the checked set: a planned target, or read from disk.
    fn outside(&self, cx: &Ctx, rel: &Path) -> Option<Arc<Anchors>> {
        if let Some(hit) = self.cache.lock().ok()?.get(rel) {
            return hit.clone();
        }
        let of = |doc: &Document| {
            let code = code_ranges(doc);
            let mut a = anchors_of(doc);
            a.hidden = hidden_map(doc, &code);
            Arc::new(a)
        };
        let parsed = match cx.targets.get(rel) {
            Some(doc) => Some(of(doc)),
            None => Source::read(&cx.root.join(rel), rel)
                .ok()
                .map(|s| of(&Document::parse(s))),
        };
        if let Ok(mut c) = self.cache.lock() {
            c.insert(rel.to_path_buf(), parsed.clone());
        }
        parsed
    }
}

/// The Markdown files under the root by file name, outside the archive: the
/// files checked and those the walk finds. Built once, on the first link to a
/// file that does not exist.
#[derive(Default)]
struct Names(OnceLock<HashMap<String, Vec<PathBuf>>>);

impl Names {
    fn get(&self, cx: &Ctx, files: &[FileFacts], name: &str) -> Vec<PathBuf> {
        let map = self.0.get_or_init(|| {
            let mut all: HashSet<PathBuf> = files.iter().map(|f| f.rel.to_path_buf()).collect();
            let (walked, _) =
                crate::walk::markdown_files(cx.root, crate::walk::WalkOptions::default());
            all.extend(walked.into_iter().map(|w| w.rel));
            all.extend(cx.targets.keys().map(|p| p.to_path_buf()));
            let mut map: HashMap<String, Vec<PathBuf>> = HashMap::new();
            for p in all {
                if crate::walk::in_archive(&p) || cx.gone.contains(p.as_path()) {
                    continue;
                }
                if let Some(n) = p.file_name() {
                    map.entry(n.to_string_lossy().into_owned())
                        .or_default()
                        .push(p);
                }
            }
            map
        });
        map.get(name).cloned().unwrap_or_default()
    }
}

/// Evidence for a link to a file that does not exist, when a file of the same
/// name lies at exactly one place under the root: the file most likely moved
/// there. The link to write, relative to the linking file, keeps the anchor.
/// None or several such files: no evidence, since which one is meant is a guess.
fn moved_to(
    from: &Path,
    url: &str,
    path: &Path,
    named: &dyn Fn(&str) -> Vec<PathBuf>,
) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let found = named(&name);
    let [only] = found.as_slice() else {
        return None;
    };
    if only == path || only == from || url.starts_with('/') {
        return None;
    }
    let anchor = url.find('#').map_or("", |i| &url[i..]);
    let new = format!("{}{anchor}", crate::model::links::relative(from, only));
    Some(format!(
        "the only file named {name} under the root is {}: write `{new}` instead",
        super::facts::display(only)
    ))
}

fn anchor_ok(a: &Anchors, anchor: &str) -> bool {
    let l = anchor.to_lowercase();
    l.is_empty() || l == "top" || a.defined.contains(&l)
}

fn hidden_note(hit: Option<&(usize, String)>, name: &str) -> Option<String> {
    hit.map(|(l, t)| {
        format!(
            "{name} line {l}: `{}` would define it, but it sits inside a code block",
            quote(t)
        )
    })
}

impl Rule for LinkBroken {
    fn check_set(&self, cx: &Ctx, files: &[FileFacts], out: &mut Vec<Finding>) {
        let by_path: HashMap<&Path, usize> =
            files.iter().enumerate().map(|(i, f)| (f.rel, i)).collect();
        let own: Vec<OnceLock<Anchors>> = files.iter().map(|_| OnceLock::new()).collect();
        let anchors_in = |i: usize| -> &Anchors { own[i].get_or_init(|| anchors_of(files[i].doc)) };
        // Headings hidden in code explain a missing anchor. Collected only for files
        // with one (the `#` comments of every shell block of a large tree cost more
        // memory than the rest of the check), and then once per file.
        let hidden: Vec<OnceLock<Vec<(u64, u32)>>> =
            files.iter().map(|_| OnceLock::new()).collect();
        let hidden_in = |i: usize, anchor: &str| -> Option<(usize, String)> {
            let index = hidden[i].get_or_init(|| hidden_index(files[i].doc, &files[i].in_code));
            let h = anchor_hash(&anchor.to_lowercase());
            let k = index.partition_point(|(x, _)| *x < h);
            let &(x, l) = index.get(k)?;
            let l = l as usize;
            (x == h).then(|| (l, files[i].line(l).trim().to_string()))
        };
        let names = Names::default();
        let found: Vec<Finding> = files
            .par_iter()
            .flat_map_iter(|f| {
                let mut v = Vec::new();
                for link in &f.doc.links {
                    let url = link.url.trim();
                    if url.is_empty() || url.contains("{{") || url.contains('<') {
                        continue;
                    }
                    let what = if link.image { "image" } else { "link" };
                    match resolve(f.rel, url) {
                        Target::External | Target::Outside => {}
                        Target::SameFile { anchor } => {
                            let a = anchors_in(f.index);
                            if !anchor_ok(a, &anchor) {
                                let mut ev = vec![format!("line {}: {}", link.line, quote(f.line(link.line)))];
                                let hit = hidden_in(f.index, &anchor);
                                ev.extend(hidden_note(hit.as_ref(), "this file"));
                                v.push(
                                    cx.finding(INFO.id, f, link.line, format!("{what} to `#{anchor}`: no heading in this file has that anchor"))
                                        .column(f.char_column(link.line, link.column))
                                        .evidence(ev),
                                );
                            }
                        }
                        Target::File { path, anchor } => {
                            let shown = super::facts::display(&path);
                            let in_set = by_path.get(path.as_path()).copied();
                            let abs = cx.root.join(&path);
                            let planned = cx.targets.contains_key(path.as_path())
                                || cx.target_dirs.contains(path.as_path());
                            let gone = cx.gone.contains(path.as_path());
                            let exists = in_set.is_some() || planned || (!gone && abs.exists());
                            if !exists {
                                let mut ev = vec![format!("line {}: {}", link.line, quote(f.line(link.line)))];
                                if !link.image {
                                    ev.extend(moved_to(f.rel, url, &path, &|n| names.get(cx, files, n)));
                                }
                                v.push(
                                    cx.finding(INFO.id, f, link.line, format!("{what} target `{url}` does not exist ({shown})"))
                                        .column(f.char_column(link.line, link.column))
                                        .evidence(ev),
                                );
                                continue;
                            }
                            let Some(anchor) = anchor else { continue };
                            if !is_markdown(&path) || abs.is_dir() && in_set.is_none() && !planned {
                                continue;
                            }
                            let ext;
                            let a: &Anchors = match in_set {
                                Some(i) => anchors_in(i),
                                None => match self.outside(cx, &path) {
                                    Some(x) => {
                                        ext = x;
                                        &ext
                                    }
                                    None => continue,
                                },
                            };
                            if !anchor_ok(a, &anchor) {
                                let mut ev = vec![format!("line {}: {}", link.line, quote(f.line(link.line)))];
                                let hit = match in_set {
                                    Some(i) => hidden_in(i, &anchor),
                                    None => a.hidden.get(&anchor.to_lowercase()).cloned(),
                                };
                                ev.extend(hidden_note(hit.as_ref(), &shown));
                                v.push(
                                    cx.finding(INFO.id, f, link.line, format!("{what} to `{url}`: no heading in {shown} has the anchor `#{anchor}`"))
                                        .column(f.char_column(link.line, link.column))
                                        .evidence(ev),
                                );
                            }
                        }
                    }
                }
                v
            })
            .collect();
        out.extend(found);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    #[test]
    fn fires_on_missing_file_and_anchor() {
        let a = "# A\n\n## Troubleshooting\n\n## Troubleshooting\n\n[x](b.md#nope) [y](missing.md) [z](#troubleshooting-2)\n";
        let b = "# B\n\n## Yes\n";
        let f = run_rule("link.broken", &[("d/a.md", a), ("d/b.md", b)]);
        assert_eq!(f.len(), 3, "{f:?}");
        assert!(f.iter().any(|x| x.message.contains("#nope")));
        assert!(f.iter().any(|x| x.message.contains("missing.md")));
        assert!(f.iter().any(|x| x.message.contains("troubleshooting-2")));
    }

    #[test]
    fn anchor_hidden_by_an_open_fence_is_explained() {
        let a = "# A\n\n[d](#decisions)\n\n```\n\n## Decisions\n";
        let f = run_rule("link.broken", &[("a.md", a)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].evidence
                .iter()
                .any(|e| e.contains("inside a code block")),
            "{:?}",
            f[0].evidence
        );
    }

    #[test]
    fn root_relative_markdown_links_are_checked_from_the_root() {
        let a = "# A\n\n[ok](/docs/plans/b.md#yes) [file](/.claude/plans/gone.md) \
                 [anchor](/docs/plans/b.md#nope)\n";
        let b = "# B\n\n## Yes\n";
        let f = run_rule(
            "link.broken",
            &[(".claude/status/a.md", a), ("docs/plans/b.md", b)],
        );
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f
            .iter()
            .any(|x| x.message.contains("/.claude/plans/gone.md")
                && x.message.contains("does not exist")));
        assert!(f.iter().any(|x| x.message.contains("#nope")));
    }

    #[test]
    fn root_relative_site_routes_and_urls_are_not_checked() {
        // A docs site's routes and assets, an absolute URL and a protocol-relative
        // one: none names a Markdown file of the repository.
        let a = "# A\n\n[intro](/docs/intro) [logo](/img/logo.png) \
                 [abs](https://example.com/docs/gone.md) [cdn](//cdn.example.com/x.md)\n";
        assert!(run_rule("link.broken", &[("docs/a.md", a)]).is_empty());
    }

    #[test]
    fn near_miss_repeats_html_ids_and_external() {
        let a = "# A\n\n## Troubleshooting\n\n## Troubleshooting\n\n<a id=\"custom\"></a>\n\n[x](b.md#yes) [z](#troubleshooting-1) [c](#custom) [e](https://x.y/#q) [t](#top)\n";
        let b = "# B\n\n## Yes\n";
        assert!(run_rule("link.broken", &[("d/a.md", a), ("d/b.md", b)]).is_empty());
    }
}
