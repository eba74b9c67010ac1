//! Helpers for the fixes' unit tests, and the tests of applying edits.

use std::path::{Path, PathBuf};

use super::*;
use crate::analysis::{self, Input};
use crate::model::Document;

/// Check `files` with the built-in rules, find the fixes and apply them (the
/// unsafe ones too with `unsafe_ok`): each file's text after, and what was found.
pub fn fix_text(files: &[(&str, &str)], unsafe_ok: bool) -> (Vec<String>, Found) {
    let cfg = Config::builtin();
    let docs: Vec<(PathBuf, Document)> = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), Document::from_text(p, t)))
        .collect();
    let inputs: Vec<Input> = docs.iter().map(|(p, d)| Input { rel: p, doc: d }).collect();
    let findings = analysis::run_all(Path::new("/nonexistent-root"), &inputs, &cfg);
    let found = find(&cfg, &inputs, &findings);
    let texts = docs
        .iter()
        .map(|(p, d)| {
            let mine: Vec<&Fix> = found
                .fixes
                .iter()
                .filter(|f| &f.path == p && (unsafe_ok || f.safety == Safety::Safe))
                .collect();
            apply(&d.source.text, &mine).0
        })
        .collect();
    (texts, found)
}

/// The lines of `new` that differ from `old` (same line count), 1-based.
pub fn diff_lines(old: &str, new: &str) -> Vec<(usize, String)> {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    assert_eq!(a.len(), b.len(), "line counts differ:\n{new}");
    a.iter()
        .zip(&b)
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, (_, y))| (i + 1, y.to_string()))
        .collect()
}

fn fix(line: usize, edits: &[(Range<usize>, &str)]) -> Fix {
    Fix {
        rule: "heading.setext-ambiguous",
        path: PathBuf::from("a.md"),
        line,
        safety: Safety::Safe,
        message: String::new(),
        edits: edits
            .iter()
            .map(|(r, t)| Edit {
                range: r.clone(),
                text: t.to_string(),
            })
            .collect(),
    }
}

#[test]
fn applies_disjoint_edits_in_one_pass() {
    let a = fix(1, &[(0..1, "X"), (4..4, "+")]);
    let b = fix(2, &[(2..3, "Y")]);
    let (out, applied, skipped) = apply("abcdef", &[&b, &a]);
    assert_eq!(out, "XbYd+ef");
    assert_eq!(applied, vec![0, 1]);
    assert!(skipped.is_empty());
}

#[test]
fn skips_the_later_of_overlapping_fixes_with_a_note() {
    let a = fix(1, &[(0..3, "X")]);
    let b = fix(1, &[(2..4, "Y")]);
    // Two insertions at one place: which goes first would be a guess.
    let c = fix(2, &[(5..5, "!")]);
    let d = fix(2, &[(5..5, "?")]);
    let (out, applied, skipped) = apply("abcdef", &[&a, &b, &c, &d]);
    assert_eq!(out, "Xde!f");
    assert_eq!(applied, vec![0, 2]);
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert_eq!(skipped[0].index, 1);
    assert!(skipped[0].reason.contains("overlaps another fix at line 1"));
    // An edit that does not fit the text is skipped, never a panic.
    let bad = fix(1, &[(4..99, "X")]);
    let (out, applied, skipped) = apply("abc", &[&bad]);
    assert_eq!((out.as_str(), applied.len(), skipped.len()), ("abc", 0, 1));
}

#[test]
fn every_fixable_rule_is_a_rule() {
    for id in [
        "fence.suspicious",
        "fence.unclosed",
        "heading.setext-ambiguous",
        "phase.mislabeled",
    ] {
        assert!(analysis::rule(id).is_some(), "{id}");
        assert_ne!(fixability(id), Fixability::None, "{id}");
    }
    assert_eq!(fixability("budget.lines"), Fixability::None);
}
