//! Link bookkeeping for a restructure: which links resolve today, where a moved
//! target's headings went, and the rewritten destination text.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::model::links::{relative, resolve, Target};
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
        .map(|h| h.anchor.to_lowercase())
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
