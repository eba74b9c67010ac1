//! Link bookkeeping for a restructure: which links resolve today, where a moved
//! target's headings went, and the rewritten destination text.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::model::links::{relative, resolve, Loc, Target};
use crate::model::Document;

/// A link target after resolution against the linking file: a root-relative path
/// and an optional anchor (a same-file anchor becomes the linking file's path).
pub type Dest = (PathBuf, Option<String>);

/// Where the headings of one split original went.
#[derive(Debug, Clone, Default)]
pub struct Moved {
    /// Archive path of the original.
    pub archive: PathBuf,
    /// Where a link to the original without an anchor goes: the part holding its
    /// title, or the original itself when it stays as the index of its parts.
    /// Never the archive: active plans do not send readers there.
    pub landing: PathBuf,
    /// Lower-cased anchor in the original → (part path, anchor in the part).
    pub anchors: HashMap<String, (PathBuf, Option<String>)>,
}

/// The set of files a plan moves, keyed by their old path.
pub type MoveMap = HashMap<PathBuf, Moved>;

/// What a destination resolves to, from the file at `from`; `None` for links that
/// are not checked (external, outside the root).
pub fn dest_of(from: &Path, url: &str) -> Option<Dest> {
    match resolve(from, url) {
        Target::SameFile { anchor } => Some((from.to_path_buf(), Some(anchor))),
        Target::File { path, anchor } => Some((path, anchor)),
        Target::External | Target::Outside => None,
    }
}

/// The anchors a document offers (GitHub heading anchors, lower-cased).
pub fn anchors(doc: &Document) -> HashSet<String> {
    doc.headings
        .iter()
        .map(|h| h.anchor().to_lowercase())
        .collect()
}

/// Where a destination points after the moves; `None` when it does not move.
/// A destination into a moved file whose anchor is unknown stays `None` too (it was
/// broken before, and broken links are never changed).
pub fn retarget(d: &Dest, moves: &MoveMap) -> Option<Dest> {
    let m = moves.get(&d.0)?;
    match &d.1 {
        None => Some((m.landing.clone(), None)),
        Some(a) if a.is_empty() => Some((m.landing.clone(), None)),
        Some(a) => m.anchors.get(&a.to_lowercase()).cloned(),
    }
}

/// The destination text for `to` written in the file at `from`.
pub fn url(from: &Path, to: &Dest) -> String {
    let mut s = if to.0 == from && to.1.is_some() {
        String::new()
    } else {
        let r = relative(from, &to.0);
        if r.contains([' ', '(', ')', '<', '>']) {
            r.replace(' ', "%20")
                .replace('(', "%28")
                .replace(')', "%29")
                .replace('<', "%3C")
                .replace('>', "%3E")
        } else {
            r
        }
    };
    if let Some(a) = &to.1 {
        s.push('#');
        s.push_str(a);
    }
    s
}

/// One part of a split original, as the link rewriting sees it.
#[derive(Debug, Clone, Copy)]
pub struct PartText<'a> {
    /// Where the part goes (relative to the same root as the original's path).
    pub path: &'a Path,
    /// Its whole contents: the added prefix, the original's bytes, copied
    /// definitions.
    pub contents: &'a str,
    /// Bytes of the original it carries.
    pub span: &'a std::ops::Range<usize>,
    /// Length of the text replan put before those bytes.
    pub prefix: usize,
}

/// A destination inside a part: what it meant in the original and what it is
/// written as from the part.
#[derive(Debug, Clone)]
pub struct PartLink {
    /// As located in the original (`line` 0 for a copied definition).
    pub loc: Loc,
    /// What it resolved to in the original.
    pub dest: Dest,
    /// Where that is after the moves.
    pub target: Dest,
    /// Its byte range in the part's contents, when located exactly.
    pub pos: Option<std::ops::Range<usize>>,
    /// The destination text that keeps its meaning from the part: as written
    /// when nothing it points at moved and the part sits beside the original.
    pub new: String,
}

/// The destinations in `part` of the split original `orig` (`locs` are
/// [`crate::model::links::locate_all`] of it), with the text each needs in the
/// part: those of the original's bytes it carries, then those of the link
/// definitions copied after them (they mean what they meant in the original).
/// Links that are not checked (external, outside the root) are left out; the
/// caller decides what to do with those that were broken before.
pub fn part_links(
    orig: &Path,
    locs: &[Loc],
    doc: &Document,
    part: PartText,
    moves: &MoveMap,
) -> Vec<PartLink> {
    let first = doc.source.line_of(part.span.start);
    let last = doc
        .source
        .line_of(part.span.end.saturating_sub(1).max(part.span.start));
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
    let mut out = Vec::new();
    for (loc, pos) in here {
        let Some(dest) = dest_of(orig, &loc.url) else {
            continue;
        };
        let target = retarget(&dest, moves).unwrap_or(dest.clone());
        let same_file = loc.url.trim_start().starts_with('#');
        let new = if !same_file && target == dest && part.path.parent() == orig.parent() {
            loc.url.clone()
        } else {
            url(part.path, &target)
        };
        out.push(PartLink {
            loc,
            dest,
            target,
            pos,
            new,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retargets_and_formats() {
        let mut moves = MoveMap::new();
        let mut m = Moved {
            archive: "arch/x/a.md".into(),
            landing: "p/a-overview.md".into(),
            ..Default::default()
        };
        m.anchors.insert(
            "phase-41-one".into(),
            ("p/phase-4.1-one.md".into(), Some("phase-41-one".into())),
        );
        moves.insert("p/a.md".into(), m);
        let from = Path::new("s/brief.md");
        let d = dest_of(from, "../p/a.md#phase-41-one").unwrap();
        let t = retarget(&d, &moves).unwrap();
        assert_eq!(url(from, &t), "../p/phase-4.1-one.md#phase-41-one");
        let d = dest_of(from, "../p/a.md").unwrap();
        assert_eq!(
            url(from, &retarget(&d, &moves).unwrap()),
            "../p/a-overview.md"
        );
        let d = dest_of(from, "../p/a.md#nope").unwrap();
        assert!(retarget(&d, &moves).is_none());
        let d = dest_of(from, "../p/b.md#x").unwrap();
        assert!(retarget(&d, &moves).is_none());
        let same = (PathBuf::from("s/brief.md"), Some("x".to_string()));
        assert_eq!(url(from, &same), "#x");
    }
}
