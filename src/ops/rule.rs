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

/// The ids `id` was probably meant to be (see [`crate::analysis::suggest`]).
pub fn suggestions(id: &str) -> Vec<&'static str> {
    crate::analysis::suggest::similar_ids(id)
}

#[cfg(test)]
mod tests {
    use super::*;

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
