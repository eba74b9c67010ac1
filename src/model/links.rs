//! Links in a document: resolving a relative destination to the file and anchor it
//! names, locating every destination's bytes, and editing them. Shared by `check`
//! (link.broken), decisions (links back to sources) and the planner (rewriting
//! links whose target moved).

use std::path::{Component, Path, PathBuf};

use super::Document;

pub mod mentions;

/// What a link destination points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A URL with a scheme (`https:`, `mailto:`), or protocol-relative: not checked.
    External,
    /// `#anchor` in the same file.
    SameFile {
        /// The anchor, percent-decoded, without `#`.
        anchor: String,
    },
    /// A file relative to the linking file, or a Markdown file named from the
    /// root (`/docs/plans/a.md`, as GitHub reads it); path normalised, relative
    /// to the root.
    File {
        /// Root-relative path of the target.
        path: PathBuf,
        /// Anchor, if any.
        anchor: Option<String>,
    },
    /// A path that climbs above the root, or a root-relative path to something
    /// other than a Markdown file (`/img/logo.png`, `/docs/intro`: on a site built
    /// from the repository these are often the site's routes, not the repository's
    /// files): not checked.
    Outside,
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Whether a path names a Markdown file (`.md`, `.markdown`, any case).
pub fn is_markdown(p: &Path) -> bool {
    p.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("md") || x.eq_ignore_ascii_case("markdown"))
}

/// Normalise `a/b/../c` without touching the disk; `None` if it climbs above the start.
pub fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Resolve `url` written in the file at root-relative path `from`.
pub fn resolve(from: &Path, url: &str) -> Target {
    let url = url.trim();
    if url.starts_with("//")
        || url.split_once(':').is_some_and(|(s, _)| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !s.contains('/')
        })
    {
        return Target::External;
    }
    let (path, anchor) = match url.split_once('#') {
        Some((p, a)) => (p, Some(percent_decode(a))),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() {
        return match anchor {
            Some(anchor) => Target::SameFile { anchor },
            None => Target::External,
        };
    }
    if let Some(rooted) = path.strip_prefix('/') {
        // GitHub resolves `/x` from the repository root. Only Markdown files are
        // taken at their word: other root-relative links may be a docs site's routes.
        let rooted = percent_decode(rooted);
        return match normalize(Path::new(&rooted)) {
            Some(path) if is_markdown(&path) => Target::File { path, anchor },
            _ => Target::Outside,
        };
    }
    let dir = from.parent().unwrap_or(Path::new(""));
    match normalize(&dir.join(percent_decode(path))) {
        Some(path) => Target::File { path, anchor },
        None => Target::Outside,
    }
}

/// The relative link text from the file at `from` to `to` (both root-relative).
pub fn relative(from: &Path, to: &Path) -> String {
    let dir: Vec<_> = from
        .parent()
        .unwrap_or(Path::new(""))
        .components()
        .collect();
    let tgt: Vec<_> = to.components().collect();
    let common = dir.iter().zip(&tgt).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..dir.len() {
        parts.push("..".into());
    }
    for c in &tgt[common..] {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    parts.join("/")
}

/// A destination to consider: a located link, a reference definition (its URL's
/// bytes), or a link that could not be located exactly (`range` is `None`).
#[derive(Debug, Clone)]
pub struct Loc {
    /// The destination as written.
    pub url: String,
    /// Byte range of the destination text, when known.
    pub range: Option<std::ops::Range<usize>>,
    /// 1-based line.
    pub line: usize,
}

/// Every destination in a document: located links, reference definitions, and
/// links that could not be located and are not served by a definition here.
pub fn locate_all(doc: &Document) -> Vec<Loc> {
    let defs = super::refdefs::of(doc);
    let mut out = Vec::new();
    for l in &doc.links {
        if l.dest.is_none() {
            let inline = doc
                .source
                .line_text(l.line)
                .get(l.column.saturating_sub(1)..)
                .is_some_and(|t| t.contains("]("));
            if !inline && defs.iter().any(|d| d.url == l.url) {
                continue; // the definition carries it
            }
        }
        out.push(Loc {
            url: l.url.clone(),
            range: l.dest.clone(),
            line: l.line,
        });
    }
    for d in defs {
        out.push(Loc {
            line: doc.source.line_of(d.url_range.start),
            url: d.url,
            range: Some(d.url_range),
        });
    }
    out
}

/// Apply byte-range replacements to a text: those [`applicable`] to it.
pub fn edit(text: &str, edits: Vec<(std::ops::Range<usize>, String)>) -> String {
    let edits = applicable(text, edits);
    // Sized exactly: the result is held to the end of the run (a plan's new
    // text), and growing past the original's length doubled its buffer.
    let len = edits
        .iter()
        .fold(text.len(), |n, (r, new)| n - r.len() + new.len());
    let mut out = String::with_capacity(len);
    let mut at = 0;
    for (r, new) in edits {
        out.push_str(&text[at..r.start]);
        out.push_str(&new);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The edits [`edit`] applies to `text`, in the order it applies them: sorted
/// by start, those overlapping an earlier one or running past the end left
/// out. What a caller records of the edits (their lengths, to splice a token
/// count or shift a parse) must be of these.
pub fn applicable(
    text: &str,
    mut edits: Vec<(std::ops::Range<usize>, String)>,
) -> Vec<(std::ops::Range<usize>, String)> {
    edits.sort_by_key(|e| e.0.start);
    let mut at = 0;
    edits.retain(|(r, _)| {
        let ok = r.start >= at && r.end <= text.len();
        if ok {
            at = r.end;
        }
        ok
    });
    edits
}

/// Each edit's range and the length of what replaces it: what splicing a
/// token count (`tokens::count_edited`), shifting a parse
/// ([`crate::model::shifted`]) and the edits back ([`crate::model::reverse`])
/// read of a text's edits.
pub fn lengths(edits: &[(std::ops::Range<usize>, String)]) -> Vec<(std::ops::Range<usize>, usize)> {
    edits.iter().map(|(r, t)| (r.clone(), t.len())).collect()
}

/// Whether [`edit`] would change `text`: some applicable edit puts other
/// bytes in its place.
pub fn changes(text: &str, edits: &[(std::ops::Range<usize>, String)]) -> bool {
    edits
        .iter()
        .any(|(r, new)| text.get(r.clone()) != Some(new.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves() {
        let from = Path::new(".claude/status/brief.md");
        assert_eq!(resolve(from, "https://x.y/z"), Target::External);
        assert_eq!(resolve(from, "mailto:a@b"), Target::External);
        assert_eq!(
            resolve(from, "#top"),
            Target::SameFile {
                anchor: "top".into()
            }
        );
        assert_eq!(
            resolve(from, "../plans/a%20b.md#phase-47-x"),
            Target::File {
                path: ".claude/plans/a b.md".into(),
                anchor: Some("phase-47-x".into())
            }
        );
        assert_eq!(resolve(from, "../../../x.md"), Target::Outside);
    }

    #[test]
    fn root_relative_markdown_resolves_from_the_root() {
        let from = Path::new(".claude/status/brief.md");
        assert_eq!(
            resolve(from, "/.claude/plans/a.md"),
            Target::File {
                path: ".claude/plans/a.md".into(),
                anchor: None
            }
        );
        assert_eq!(
            resolve(from, "/docs/plans/b%20c.MD#step-1"),
            Target::File {
                path: "docs/plans/b c.MD".into(),
                anchor: Some("step-1".into())
            }
        );
        // Near misses: a site's routes and assets, protocol-relative URLs, climbing.
        assert_eq!(resolve(from, "/docs/intro"), Target::Outside);
        assert_eq!(resolve(from, "/img/logo.png"), Target::Outside);
        assert_eq!(resolve(from, "//cdn.example.com/a.md"), Target::External);
        assert_eq!(resolve(from, "/../a.md"), Target::Outside);
        assert_eq!(resolve(from, "/"), Target::Outside);
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(
                Path::new(".claude/status/brief.md"),
                Path::new(".claude/plans/a.md")
            ),
            "../plans/a.md"
        );
        assert_eq!(relative(Path::new("a.md"), Path::new("b/c.md")), "b/c.md");
        assert_eq!(relative(Path::new("x/a.md"), Path::new("x/c.md")), "c.md");
    }

    #[test]
    fn definitions_are_located_outside_code() {
        let text = "[a][r] and [b][q]\n\n[r]: x.md#h\n[q]: <y z.md>\n\n```\n[c]: nope.md\n```\n";
        let doc = Document::from_text("t.md", text);
        let locs = locate_all(&doc);
        let urls: Vec<_> = locs
            .iter()
            .map(|l| &text[l.range.clone().unwrap()])
            .collect();
        assert_eq!(urls, vec!["x.md#h", "y z.md"], "{locs:?}");
        // A definition above the first block is not inside it (the first block's
        // span starts at the top of the file, before the definition).
        let text = "[r]: x.md#h\n```\ncode\n```\n\nSee [a][r].\n";
        let doc = Document::from_text("t.md", text);
        let urls: Vec<_> = locate_all(&doc)
            .iter()
            .map(|l| &text[l.range.clone().unwrap()])
            .collect();
        assert_eq!(urls, vec!["x.md#h"]);
    }

    #[test]
    fn edits_ranges() {
        assert_eq!(
            edit(
                "a [x](b) c [y](d)",
                vec![(15..16, "DD".into()), (6..7, "B".into())]
            ),
            "a [x](B) c [y](DD)"
        );
    }
}
