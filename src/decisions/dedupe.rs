//! Deduplication: archived copies of decisions an active file still holds are
//! dropped; later restatements (same words, or word-set Jaccard >= 0.8) are folded
//! into the first statement as "Restated in" links.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::extract;
use super::Decision;

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
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < small.len() && j < large.len() {
        match small[i].cmp(&large[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - inter;
    inter as f64 / union as f64
}

/// Restatement threshold on word-set Jaccard similarity.
const SIMILAR: f64 = 0.8;

/// Above this many decisions, only identical texts are merged (pairwise similarity
/// is quadratic).
pub(super) const MAX_FUZZY: usize = 3000;

/// Drop an archived original's copy of a decision an active file still holds (the
/// same or nearly the same words: migrate may have rewritten its links). The active
/// copy inherits the archived copy's phase when its own file gives none.
pub(super) fn drop_archived_copies(all: Vec<Decision>, fuzzy: bool) -> Vec<Decision> {
    let (mut active, archived): (Vec<Decision>, Vec<Decision>) =
        all.into_iter().partition(|d| !d.archived);
    let mut words = Words::default();
    let words_of: Vec<Vec<u32>> = active.iter().map(|d| words.of(&d.text)).collect();
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

/// Fold restatements (identical, or word-set Jaccard >= 0.8) into the first statement.
pub(super) fn fold_restatements(all: Vec<Decision>, fuzzy: bool) -> Vec<Decision> {
    let mut words = Words::default();
    // Each kept decision with its words and the places already listed (its own
    // and its restatements): a decision restated in every folder of a large
    // tree was checked against its list once per restatement, the square of them.
    type Place = (PathBuf, Option<String>);
    let mut kept: Vec<(Decision, Vec<u32>, HashSet<Place>)> = Vec::new();
    let mut exact: HashMap<String, usize> = HashMap::new();
    for d in all {
        let n = extract::norm(&d.text);
        let w = words.of(&d.text);
        let hit = match exact.get(&n) {
            Some(i) => Some(*i),
            None if fuzzy => kept
                .iter()
                .position(|(_, kw, _)| jaccard(kw, &w) >= SIMILAR),
            None => None,
        };
        match hit {
            Some(i) => {
                let (k, _, listed) = &mut kept[i];
                let r = (d.rel, d.anchor);
                if !listed.contains(&r) {
                    listed.insert(r.clone());
                    k.restated.push(r);
                }
            }
            None => {
                exact.insert(n, kept.len());
                let mut listed: HashSet<Place> = d.restated.iter().cloned().collect();
                listed.insert((d.rel.clone(), d.anchor.clone()));
                kept.push((d, w, listed));
            }
        }
    }
    kept.into_iter().map(|(d, _, _)| d).collect()
}
