//! "Did you mean": the rule ids a mistyped one was probably meant to be. One
//! answer for every place a rule id is typed by hand: `replan rule ID`,
//! `check.severity` and its overrides in `replan.yaml`, and inline
//! `<!-- replan-disable ... -->` comments.

use super::RULES;
use crate::config::edit_distance;

/// The ids `id` was probably meant to be: those within two edits (the closest
/// only), else those it starts, or whose name after the dot it starts
/// (`budget` → `budget.lines`, `budget.tokens`; `mislabeled` → `phase.mislabeled`).
pub fn similar_ids(id: &str) -> Vec<&'static str> {
    let id = id.trim().to_lowercase();
    let ids = || RULES.iter().map(|r| r.id);
    let scored: Vec<(usize, &'static str)> = ids().map(|r| (edit_distance(&id, r), r)).collect();
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

/// `; did you mean `x`?` (or `one of …`) for a list of suggestions; empty for none.
pub fn did_you_mean(suggestions: &[&str]) -> String {
    let quoted: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        many => format!("; did you mean one of {}?", many.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_ids_and_prefixes_are_suggested() {
        assert_eq!(similar_ids("phase.mislabled"), ["phase.mislabeled"]);
        assert_eq!(similar_ids("PHASE.MISSING"), ["phase.missing"]);
        assert_eq!(similar_ids("link.brokn"), ["link.broken"]);
        assert_eq!(similar_ids("mislabeled"), ["phase.mislabeled"]);
        assert_eq!(similar_ids("budget"), ["budget.lines", "budget.tokens"]);
        assert_eq!(
            similar_ids("phase.mis"),
            ["phase.mislabeled", "phase.missing"]
        );
        assert!(similar_ids("nothing-like-it").is_empty());
        assert!(similar_ids("ph").is_empty());
    }

    #[test]
    fn the_hint_reads_as_a_question() {
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["a.b"]), "; did you mean `a.b`?");
        assert_eq!(
            did_you_mean(&["a.b", "a.c"]),
            "; did you mean one of `a.b`, `a.c`?"
        );
    }
}
