//! The fix for `link.broken` (unsafe): an anchor that no heading of its target
//! has, rewritten to the one heading anchor that is close to it: the same
//! anchor but for GitHub's `-1`, `-2` suffix of repeated headings, or a heading
//! with the same words in another order. None or several such headings: no fix.
//! Anchors are fixed in links whose target is among the files checked. A link
//! to a file that does not exist is rewritten when a file of the same name
//! lies at exactly one other place under the root (the rule's evidence names
//! the link to write, relative to the linking file, anchor kept); with none or
//! several, no fix.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Edit, Fix, Found, Safety};
use crate::analysis::Input;
use crate::finding::Finding;
use crate::model::links::{resolve, Target};
use crate::model::{Document, Link};

/// The anchor without a trailing `-N` (GitHub's suffix for repeats).
fn base(anchor: &str) -> &str {
    match anchor.rsplit_once('-') {
        Some((b, n)) if !b.is_empty() && !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) => {
            b
        }
        _ => anchor,
    }
}

/// An anchor's words, sorted.
fn words(anchor: &str) -> Vec<&str> {
    let mut w: Vec<&str> = anchor.split('-').filter(|w| !w.is_empty()).collect();
    w.sort_unstable();
    w
}

/// A document's heading anchors, looked up by what [`close_match`] compares:
/// built once per target a file's findings link to, so each broken link costs
/// a lookup rather than a pass over every heading (a big file has thousands of
/// both, which made the pass quadratic).
pub(super) struct Anchors<'d> {
    /// Every anchor, ASCII-lowercased (an exact heading makes no fix).
    exact: HashSet<String>,
    /// Anchors by [`base`].
    by_base: HashMap<&'d str, Vec<&'d str>>,
    /// Anchors by their sorted [`words`].
    by_words: HashMap<Vec<&'d str>, Vec<&'d str>>,
}

impl<'d> Anchors<'d> {
    /// Index the headings of `doc`.
    pub(super) fn of(doc: &'d Document) -> Anchors<'d> {
        let mut a = Anchors {
            exact: HashSet::new(),
            by_base: HashMap::new(),
            by_words: HashMap::new(),
        };
        for h in &doc.headings {
            let h = h.anchor();
            a.exact.insert(h.to_ascii_lowercase());
            a.by_base.entry(base(h)).or_default().push(h);
            a.by_words.entry(words(h)).or_default().push(h);
        }
        a
    }
}

/// The one heading anchor of the target close to `anchor`, if there is exactly one.
fn close_match<'d>(target: &Anchors<'d>, anchor: &str) -> Option<&'d str> {
    let a = anchor.to_lowercase();
    if target.exact.contains(&a.to_ascii_lowercase()) {
        return None;
    }
    let none = Vec::new();
    let mut found: Vec<&str> = target
        .by_base
        .get(base(&a))
        .unwrap_or(&none)
        .iter()
        .chain(target.by_words.get(&words(&a)).unwrap_or(&none))
        .copied()
        .collect();
    found.sort_unstable();
    found.dedup();
    match found.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// Add the fixes for one `link.broken` finding in `input`, whose targets are
/// looked up among `files`.
///
/// `on_line` holds the file's findings and links on the finding's line;
/// `anchors` caches each target's [`Anchors`] by its index in `files`
/// (`None`: the file itself).
pub(super) fn fix<'d>(
    files: &[Input<'d>],
    input: &Input<'d>,
    on_line: (&[&Finding], &[&Link]),
    anchors: &mut HashMap<Option<usize>, Anchors<'d>>,
    f: &Finding,
    out: &mut Found,
) {
    let (findings, links) = on_line;
    let doc = input.doc;
    let src = &doc.source;
    let mut edits = Vec::new();
    let mut said = Vec::new();
    for l in links.iter().filter(|l| l.line == f.line && !l.image) {
        let Some(dest) = l.dest.clone() else { continue };
        // A file that moved to exactly one place: the finding names the link to write.
        let gone = format!("target `{}` does not exist", l.url.trim());
        let moved = findings
            .iter()
            .filter(|x| x.rule == f.rule && x.line == f.line && x.message.contains(&gone))
            .find_map(|x| super::written_instead(x));
        if let Some(new) = moved {
            if src.text.get(dest.clone()) == Some(l.url.trim()) {
                edits.push(Edit {
                    range: dest.clone(),
                    text: new.to_string(),
                });
                said.push(format!(
                    "`{}` to `{new}` (the file moved there)",
                    l.url.trim()
                ));
            }
            continue;
        }
        let (target, anchor) = match resolve(input.rel, &l.url) {
            Target::SameFile { anchor } => (Some((None, doc)), anchor),
            Target::File {
                path,
                anchor: Some(anchor),
            } => (
                files
                    .iter()
                    .position(|i| i.rel == Path::new(&path))
                    .map(|k| (Some(k), files[k].doc)),
                anchor,
            ),
            _ => continue,
        };
        let Some((key, target)) = target else {
            continue;
        };
        let target = anchors.entry(key).or_insert_with(|| Anchors::of(target));
        let Some(new) = close_match(target, &anchor) else {
            continue;
        };
        // Only an anchor written as it reads (not percent-encoded) is edited.
        let Some(text) = src.text.get(dest.clone()) else {
            continue;
        };
        let Some(hash) = text.rfind('#') else {
            continue;
        };
        if text[hash + 1..] != anchor {
            continue;
        }
        let start = dest.start + hash + 1;
        edits.push(Edit {
            range: start..dest.end,
            text: new.to_string(),
        });
        said.push(format!("`#{anchor}` to `#{new}`"));
    }
    if edits.is_empty() {
        return;
    }
    out.fixes.push(Fix {
        rule: f.rule,
        path: input.rel.to_path_buf(),
        line: f.line,
        safety: Safety::Unsafe,
        message: format!("point the link where its target is: {}", said.join(", ")),
        edits,
    });
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;
    use crate::fix::tests::{diff_lines, fix_text};

    #[test]
    fn rewrites_an_anchor_with_one_close_heading() {
        let text = "# A\n\nSee [t](#troubleshooting-1) and [b](b.md#step-two-deploy).\n\n## Troubleshooting\n";
        let b = "# B\n\n## Deploy: step two\n";
        let (fixed, found) = fix_text(&[("a.md", text), ("b.md", b)], true);
        assert_eq!(found.fixes.len(), 1, "{found:?}");
        assert_eq!(
            diff_lines(text, &fixed[0]),
            vec![(
                3,
                "See [t](#troubleshooting) and [b](b.md#deploy-step-two).".to_string()
            )]
        );
        assert!(run_rule("link.broken", &[("a.md", &fixed[0]), ("b.md", b)]).is_empty());
        // Unsafe: not taken without --unsafe-fixes.
        let (safe, _) = fix_text(&[("a.md", text), ("b.md", b)], false);
        assert_eq!(safe[0], text);
    }

    #[test]
    fn a_link_to_a_file_that_moved_to_one_place_follows_it() {
        let text = "# A\n\nSee [b](old/b.md#setup) and [c](c.md).\n";
        let b = "# B\n\n## Setup\n";
        let files = [("plans/a.md", text), ("plans/done/b.md", b)];
        let (fixed, found) = fix_text(&files, true);
        assert_eq!(found.fixes.len(), 1, "{found:?}");
        assert_eq!(
            diff_lines(text, &fixed[0]),
            vec![(3, "See [b](done/b.md#setup) and [c](c.md).".to_string())]
        );
        // Two files of that name: which one is meant is a guess.
        let files = [("plans/a.md", text), ("plans/done/b.md", b), ("x/b.md", b)];
        let (fixed, found) = fix_text(&files, true);
        assert!(found.fixes.is_empty(), "{found:?}");
        assert_eq!(fixed[0], text);
    }

    #[test]
    fn near_misses_no_or_several_close_headings() {
        // Two headings share the base; none has the words.
        let text = "# A\n\n[x](#setup-3) [y](#nothing-like-it)\n\n## Setup\n\n## Setup\n";
        let (fixed, found) = fix_text(&[("a.md", text)], true);
        assert!(found.fixes.is_empty(), "{found:?}");
        assert_eq!(fixed[0], text);
    }
}
