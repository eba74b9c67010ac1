//! `replan rule`: a rule's registry entry by id, every entry, or, for an id that
//! is no rule, the ids it was probably meant to be.

use crate::analysis::{RuleInfo, RULES};

/// What `replan rule` found.
#[derive(Debug)]
pub enum Report {
    /// The rule asked for.
    One(&'static RuleInfo),
    /// Every rule, in id order (no id given, or `--all`).
    All(&'static [RuleInfo]),
    /// No rule has this id.
    Unknown {
        /// The id as given.
        id: String,
        /// Close ids, best first; may be empty.
        suggestions: Vec<&'static str>,
    },
}

/// Look up `id`, or list every rule when there is none.
pub fn run(id: Option<&str>) -> Report {
    let Some(id) = id else {
        return Report::All(RULES);
    };
    match crate::analysis::rule(id) {
        Some(r) => Report::One(r),
        None => Report::Unknown {
            id: id.to_string(),
            suggestions: suggestions(id),
        },
    }
}

/// The ids `id` was probably meant to be: those within two edits (the closest
/// only), else those it starts, or whose name after the dot it starts
/// (`budget` → `budget.lines`, `budget.tokens`; `mislabeled` → `phase.mislabeled`).
pub fn suggestions(id: &str) -> Vec<&'static str> {
    let id = id.trim().to_lowercase();
    let ids = || RULES.iter().map(|r| r.id);
    let scored: Vec<(usize, &'static str)> = ids().map(|r| (distance(&id, r), r)).collect();
    if let Some(best) = scored.iter().map(|s| s.0).min().filter(|&d| d <= 2) {
        return scored
            .into_iter()
            .filter(|s| s.0 == best)
            .map(|s| s.1)
            .collect();
    }
    if id.chars().count() < 3 {
        return Vec::new();
    }
    ids()
        .filter(|r| {
            let name = r.split_once('.').map_or(*r, |(_, n)| n);
            r.starts_with(&id) || name.starts_with(&id)
        })
        .collect()
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_ids_and_prefixes_are_suggested() {
        assert_eq!(suggestions("phase.mislabled"), ["phase.mislabeled"]);
        assert_eq!(suggestions("PHASE.MISSING"), ["phase.missing"]);
        assert_eq!(suggestions("link.brokn"), ["link.broken"]);
        assert_eq!(suggestions("mislabeled"), ["phase.mislabeled"]);
        assert_eq!(suggestions("budget"), ["budget.lines", "budget.tokens"]);
        assert_eq!(
            suggestions("phase.mis"),
            ["phase.mislabeled", "phase.missing"]
        );
        assert!(suggestions("nothing-like-it").is_empty());
        assert!(suggestions("ph").is_empty());
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("same", "same"), 0);
        assert_eq!(distance("ab", "ba"), 2);
    }

    #[test]
    fn an_id_a_list_or_suggestions() {
        assert!(matches!(run(Some("task.size")), Report::One(r) if r.id == "task.size"));
        assert!(matches!(run(None), Report::All(all) if all.len() == RULES.len()));
        match run(Some("task.sise")) {
            Report::Unknown { id, suggestions } => {
                assert_eq!(id, "task.sise");
                assert_eq!(suggestions, ["task.size"]);
            }
            r => panic!("{r:?}"),
        }
    }
}
