//! Deduplication: archived copies of decisions an active file still holds are
//! dropped; later restatements (the same normalised text: case, emphasis,
//! punctuation, whitespace and link destinations aside) are folded into the first
//! statement as "Restated in" links. A decision that differs from an earlier one
//! only in numbers, versions, names or quantities is a change of mind, not a
//! restatement: both are kept, the later marked as changing the earlier.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::extract;
use super::{Changed, Decision};

/// Word sets for similarity: each distinct word gets a number, a set is a sorted
/// list of numbers, so comparing two sets is one merge pass.
#[derive(Default)]
struct Words {
    ids: HashMap<String, u32>,
}

impl Words {
    fn of(&mut self, text: &str) -> Vec<u32> {
        let mut v: Vec<u32> = extract::norm(text)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| {
                let n = self.ids.len() as u32;
                *self.ids.entry(w.to_string()).or_insert(n)
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // J <= |small| / |large|: skip the merge when that bound is already too low.
    if large.is_empty() || (small.len() as f64) < SIMILAR * large.len() as f64 {
        return 0.0;
    }
    let inter = common(small, large);
    let union = a.len() + b.len() - inter;
    inter as f64 / union as f64
}

/// Restatement threshold on word-set Jaccard similarity.
const SIMILAR: f64 = 0.8;

/// Above this many decisions, only identical texts are merged (pairwise similarity
/// is quadratic).
pub(crate) const MAX_FUZZY: usize = 3000;

/// Drop an archived original's copy of a decision an active file still holds (the
/// same or nearly the same words: migrate may have rewritten its links). The active
/// copy inherits the archived copy's phase when its own file gives none.
pub(super) fn drop_archived_copies(all: Vec<Decision>, fuzzy: bool) -> Vec<Decision> {
    let (mut active, archived): (Vec<Decision>, Vec<Decision>) =
        all.into_iter().partition(|d| !d.archived);
    if archived.is_empty() {
        return active; // `check` never reads the archive: nothing to drop
    }
    let mut words = Words::default();
    // Word sets are read only by the fuzzy match, so only then made (hashing
    // every word of every decision was a tenth of extraction on a large tree).
    let words_of: Vec<Vec<u32>> = if fuzzy {
        active.iter().map(|d| words.of(&d.text)).collect()
    } else {
        Vec::new()
    };
    let mut exact: HashMap<String, usize> = HashMap::new();
    for (i, d) in active.iter().enumerate() {
        exact.entry(extract::norm(&d.text)).or_insert(i);
    }
    let mut kept = Vec::new();
    for a in archived {
        let best = match exact.get(&extract::norm(&a.text)) {
            Some(i) => Some(*i),
            None if fuzzy => {
                let w = words.of(&a.text);
                words_of
                    .iter()
                    .enumerate()
                    .map(|(i, aw)| (i, jaccard(aw, &w)))
                    .filter(|(_, j)| *j >= SIMILAR)
                    .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)))
                    .map(|(i, _)| i)
            }
            None => None,
        };
        match best {
            Some(i) => {
                let d = &mut active[i];
                if d.phase.is_none() && a.phase.is_some() {
                    d.phase = a.phase;
                    d.phase_title = a.phase_title;
                }
            }
            None => kept.push(a),
        }
    }
    active.extend(kept);
    active
}

/// The text two decisions are compared on: link destinations dropped (the same
/// link written from two folders differs), then [`extract::norm`].
pub(super) fn key(text: &str) -> String {
    extract::norm(&without_destinations(text))
}

/// `[text](dest)` as `[text]`.
fn without_destinations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i + 1]);
        let after = &rest[i + 2..];
        match after.find(')') {
            Some(j) if !after[..j].contains('\n') => rest = &after[j + 1..],
            _ => {
                out.push('(');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Words of a text for comparing two statements: link destinations dropped,
/// split at anything but letters and digits, case kept.
fn tokens(text: &str) -> Vec<String> {
    without_destinations(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Words that state a quantity.
const QUANTITIES: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "single", "double", "twice", "triple", "half", "all", "none", "daily",
    "weekly", "monthly", "hourly", "yearly", "minute", "minutes", "hour", "hours", "day", "days",
    "week", "weeks", "month", "months", "year", "years",
];

/// Whether a word that differs between two statements is a value: a number or
/// version (holds a digit), a name (a capital past the first letter, or a
/// capitalised word not opening the text), or a quantity word.
fn is_value(word: &str, first: bool) -> bool {
    let lower = word.to_lowercase();
    word.chars().any(|c| c.is_ascii_digit())
        || word.chars().skip(1).any(char::is_uppercase)
        || (!first && word.chars().next().is_some_and(char::is_uppercase))
        || QUANTITIES.contains(&lower.as_str())
}

/// A text with its calendar dates (`2026-02-16`, `2026/02/16`) as one word:
/// when a decision was written down is a fact about it, so two statements that
/// differ only in their dates never change one another.
fn without_dates(text: &str) -> std::borrow::Cow<'_, str> {
    static DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\b\d{4}[-/]\d{1,2}[-/]\d{1,2}\b").expect("a valid pattern")
    });
    DATE.replace_all(text, "date")
}

/// Most words a statement may have for the change test (it is quadratic).
const MAX_CHANGE_WORDS: usize = 200;

/// Whether `later` restates `earlier` with other values: the same words but for
/// some numbers, versions, names or quantities substituted (not added or
/// dropped), and most words shared.
pub(super) fn is_change(earlier: &str, later: &str) -> bool {
    let (earlier, later) = (without_dates(earlier), without_dates(later));
    let (a, b) = (tokens(&earlier), tokens(&later));
    if a.is_empty() || b.is_empty() || a.len() > MAX_CHANGE_WORDS || b.len() > MAX_CHANGE_WORDS {
        return false;
    }
    let al: Vec<String> = a.iter().map(|w| w.to_lowercase()).collect();
    let bl: Vec<String> = b.iter().map(|w| w.to_lowercase()).collect();
    // Longest common subsequence of the lowercase words.
    let (n, m) = (al.len(), bl.len());
    let mut t = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if al[i] == bl[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    let common = t[0][0] as usize;
    if common == n && common == m {
        return false; // the same words: a restatement, not a change
    }
    if common < 2 || common * 10 < n.max(m) * 6 {
        return false;
    }
    // Walk the alignment; every word outside it must be a value, and each run
    // of them must have words on both sides (a substitution).
    let (mut i, mut j) = (0, 0);
    let mut substituted = false;
    while i < n || j < m {
        if i < n && j < m && al[i] == bl[j] {
            i += 1;
            j += 1;
            continue;
        }
        let (i0, j0) = (i, j);
        while (i < n || j < m) && !(i < n && j < m && al[i] == bl[j]) {
            if i < n && (j >= m || t[i + 1][j] >= t[i][j + 1]) {
                i += 1;
            } else {
                j += 1;
            }
        }
        if i == i0 || j == j0 {
            return false; // words added or dropped, not values changed
        }
        if !(i0..i).all(|k| is_value(&a[k], k == 0)) || !(j0..j).all(|k| is_value(&b[k], k == 0)) {
            return false;
        }
        substituted = true;
    }
    substituted
}

/// Whether two decisions' lead texts (what a change is reported as) differ.
/// A change only in what is kept under a decision (a table row's `Outcome`
/// going from `Pending` to `Good`, a note under it) is its progress, not
/// another decision: reported, it read "X" then "X" (GSD's PROJECT.md against
/// its archived milestones). Compared as words ([`extract::norm`]): a lead
/// in bold with a name in backticks is the same as a plain table cell (GSD's
/// PROJECT.md row against its milestone summary's bullet read as a change).
/// Asked only of a pair [`is_change`] accepted.
fn leads_differ(a: &str, b: &str) -> bool {
    let lead = |t: &str| extract::norm(&extract::lead_text(&without_destinations(t)));
    lead(a) != lead(b)
}

/// Fold restatements (the same [`key`]) into the first statement, and mark a
/// decision that changes an earlier one ([`is_change`]; not for two of one
/// section, which are siblings in a list, and only when `fuzzy`).
pub(super) fn fold_restatements(all: Vec<Decision>, fuzzy: bool) -> Vec<Decision> {
    let mut words = Words::default();
    // Each kept decision with its words and the places already listed (its own
    // and its restatements): a decision restated in every folder of a large
    // tree was checked against its list once per restatement, the square of them.
    type Place = (PathBuf, Option<String>);
    let mut kept: Vec<(Decision, Vec<u32>, HashSet<Place>)> = Vec::new();
    let mut exact: HashMap<String, usize> = HashMap::new();
    for mut d in all {
        let n = key(&d.text);
        // Only the change test reads word sets: without it (above `MAX_FUZZY`
        // decisions) none is made, nor for a restatement, which folds.
        match exact.get(&n) {
            Some(&i) => {
                let (k, _, listed) = &mut kept[i];
                let r = (d.rel, d.anchor);
                if !listed.contains(&r) {
                    listed.insert(r.clone());
                    k.restated.push(r);
                }
            }
            None => {
                let w = if fuzzy {
                    words.of(&without_destinations(&d.text))
                } else {
                    Vec::new()
                };
                if fuzzy {
                    let earlier = kept.iter().rev().find(|(k, kw, _)| {
                        !(k.rel == d.rel && k.anchor == d.anchor)
                            && jaccard_at_least(kw, &w, CHANGE_SIMILAR)
                            && is_change(&k.text, &d.text)
                            && leads_differ(&k.text, &d.text)
                    });
                    if let Some((k, _, _)) = earlier {
                        d.changes = Some(Changed {
                            rel: k.rel.clone(),
                            line: k.line,
                            anchor: k.anchor.clone(),
                            lead: extract::lead_text(&without_destinations(&k.text)),
                            archived: k.archived,
                        });
                    }
                }
                exact.insert(n, kept.len());
                let mut listed: HashSet<Place> = d.restated.iter().cloned().collect();
                listed.insert((d.rel.clone(), d.anchor.clone()));
                kept.push((d, w, listed));
            }
        }
    }
    kept.into_iter().map(|(d, _, _)| d).collect()
}

/// Word-set similarity a change must have before its words are aligned.
const CHANGE_SIMILAR: f64 = 0.3;

/// How many values two sorted, deduplicated slices share (a merge walk).
fn common(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter
}

/// Whether word-set Jaccard similarity is at least `min` (with the size bound
/// checked first, so most pairs cost two lengths).
fn jaccard_at_least(a: &[u32], b: &[u32], min: f64) -> bool {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if large.is_empty() || (small.len() as f64) < min * large.len() as f64 {
        return false;
    }
    let inter = common(small, large);
    inter as f64 >= min * (a.len() + b.len() - inter) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_substituted_values() {
        for (a, b) in [
            (
                "Enable automated backups with a 4-day retention window",
                "Enable automated backups with a 6-day retention window",
            ),
            ("HA mode with 3 replicas", "HA mode with 7 replicas"),
            ("Use Helm chart 3.1.9", "Use Helm chart 3.2.0"),
            ("Store state in PostgreSQL", "Store state in MySQL"),
            ("Run three nodes per zone", "Run five nodes per zone"),
            (
                "Back up **daily** to `gs://a`",
                "Back up weekly to `gs://a`",
            ),
        ] {
            assert!(is_change(a, b), "{a} -> {b}");
        }
        for (a, b) in [
            // the same words: a restatement
            ("HA mode with 3 replicas", "**HA mode** with 3 replicas."),
            // words added or dropped
            ("Keep 14-day retention", "Keep a 14-day retention"),
            (
                "HA mode with 3 replicas",
                "HA mode with 3 replicas in us-east4",
            ),
            // ordinary words differ
            ("Use tabs for indentation", "Use spaces for indentation"),
            // too little in common
            ("Use 3 nodes", "Pick 5 zones"),
            ("", "x"),
            // only when it was written down differs (two sessions' `**Made**:` lines)
            ("**Made**: 2026-02-16", "**Made**: 2026-02-19"),
            (
                "Keep the log append-only\n- Date: 2026-01-06",
                "Keep the log append-only\n- Date: 2026/01/09",
            ),
        ] {
            assert!(!is_change(a, b), "{a} -> {b}");
        }
    }

    #[test]
    fn keys_ignore_case_emphasis_punctuation_and_link_destinations() {
        assert_eq!(
            key("**Use** [PSC](../a/b.md#x) for  AlloyDB."),
            key("use [psc](../../c.md) for alloydb")
        );
        assert_ne!(
            key("Use PSC for AlloyDB"),
            key("Use PSC for AlloyDB access")
        );
        assert_eq!(without_destinations("a](b"), "a](b");
    }
}
