//! The task card settings (`rules/cards.yaml`): whether cards are written and
//! which fields, in what order, under which labels. `cards: false` (or `true`)
//! in a user's file replaces the whole map, so a switch is read as well as the
//! map.

use serde::Deserialize;

/// `cards:` as written: a switch, or the rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Cards {
    /// `cards: false` / `cards: true` (the built-in fields).
    Switch(bool),
    /// `cards: { enabled, fields }`.
    Rules(CardRules),
}

impl Default for Cards {
    fn default() -> Cards {
        Cards::Switch(false)
    }
}

/// Cards in full.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CardRules {
    /// Whether cards are written.
    pub enabled: bool,
    /// The fields, in order.
    pub fields: Vec<CardField>,
}

/// One field of a card.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CardField {
    /// What it shows.
    pub field: CardFieldKind,
    /// Its label (`**Phase:**`).
    pub label: String,
}

/// What a card field shows.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CardFieldKind {
    /// Subphase number and title.
    Phase,
    /// The duration the heading or body states.
    Duration,
    /// Part k of n.
    Part,
    /// The original (archived) and the lines the part came from.
    Source,
    /// The file before it in reading order.
    Previous,
    /// The file after it in reading order.
    Next,
    /// Subphases the body names as prerequisites.
    DependsOn,
    /// Checkboxes done and open.
    Status,
}

impl Cards {
    /// The fields to write, or `None` when cards are off.
    pub fn fields(&self) -> Option<Vec<CardField>> {
        match self {
            Cards::Switch(false) => None,
            Cards::Rules(r) if !r.enabled => None,
            Cards::Rules(r) => Some(r.fields.clone()),
            Cards::Switch(true) => Some(builtin_fields()),
        }
    }
}

/// The built-in fields (`cards: true` after a user's file replaced the map).
fn builtin_fields() -> Vec<CardField> {
    #[derive(Deserialize)]
    struct File {
        cards: CardRules,
    }
    serde_saphyr::from_str::<File>(include_str!("../../rules/cards.yaml"))
        .map(|f| f.cards.fields)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_by_default_and_off_with_a_switch() {
        let on = crate::config::Config::builtin().cards.fields().unwrap();
        assert_eq!(on[0].field, CardFieldKind::Phase);
        assert_eq!(on.len(), 8);
        assert_eq!(builtin_fields(), on);
        assert!(Cards::Switch(false).fields().is_none());
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("replan.yaml"), "cards: false\n").unwrap();
        let cfg = crate::config::Config::load(Some(d.path()), None, None).unwrap();
        assert!(cfg.cards.fields().is_none());
        std::fs::write(
            d.path().join("replan.yaml"),
            "cards:\n  fields:\n    - { field: next, label: Then }\n",
        )
        .unwrap();
        let cfg = crate::config::Config::load(Some(d.path()), None, None).unwrap();
        let f = cfg.cards.fields().unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].label, "Then");
    }
}
