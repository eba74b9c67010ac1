//! Routing a decision to a topic: by phase first, then by keyword, else `general`.

use std::cmp::Ordering;

use crate::config::TopicRules;
use crate::subphase::cmp_numbers;

/// Whether phase `p` falls under `spec`: `"2"` matches 2 and every 2.x; `"4.1-4.7"`
/// matches 4.1 through 4.7 (and 4.7.x) in natural order.
/// A lettered phase falls under the number it letters (`4M` and `4.2a` under
/// `"4"`, `4.2a` in `"4.1-4.7"`), as routes written before phases kept their
/// letters expect.
/// A route naming a lettered phase (`"4M"`) takes that phase and its
/// subphases, in either case: stripping the letters from the phase alone would
/// leave no phase a lettered route could match.
pub fn phase_matches(spec: &str, p: &str) -> bool {
    let spec = spec.trim();
    if spec.contains(|c: char| c.is_ascii_alphabetic()) {
        return within(&spec.to_ascii_uppercase(), &p.to_ascii_uppercase());
    }
    within(spec, &p.replace(|c: char| c.is_ascii_alphabetic(), ""))
}

/// [`phase_matches`] of a phase and a spec written alike (letters or none).
fn within(spec: &str, p: &str) -> bool {
    let under = |b: &str| p == b || (p.starts_with(b) && p[b.len()..].starts_with('.'));
    match spec.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim(), b.trim());
            cmp_numbers(a, p) != Ordering::Greater
                && (cmp_numbers(p, b) != Ordering::Greater || under(b))
        }
        None => under(spec),
    }
}

/// Whether `word` occurs in `text` (lowercase) with no letter or digit either side.
fn has_word(text: &str, word: &str) -> bool {
    let word = word.to_lowercase();
    if word.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(i) = text[from..].find(&word) {
        let s = from + i;
        let e = s + word.len();
        let before = text[..s].chars().next_back();
        let after = text[e..].chars().next();
        if !before.is_some_and(|c| c.is_alphanumeric())
            && !after.is_some_and(|c| c.is_alphanumeric())
        {
            return true;
        }
        from = s + text[s..].chars().next().map_or(1, |c| c.len_utf8());
    }
    false
}

/// The topic for a decision with this phase and text.
pub fn route(rules: &TopicRules, phase: Option<&str>, text: &str) -> String {
    if let Some(p) = phase {
        for r in &rules.routes {
            if r.phases.iter().any(|s| phase_matches(s, p)) {
                return r.topic.clone();
            }
        }
    }
    let lower = text.to_lowercase();
    for r in &rules.routes {
        if r.keywords.iter().any(|k| has_word(&lower, k)) {
            return r.topic.clone();
        }
    }
    general(rules)
}

/// Name of the catch-all topic.
pub fn general(rules: &TopicRules) -> String {
    if rules.general.trim().is_empty() {
        "general".to_string()
    } else {
        rules.general.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_and_ranges() {
        assert!(phase_matches("2", "2"));
        assert!(phase_matches("2", "2.5"));
        assert!(!phase_matches("2", "20.1"));
        assert!(!phase_matches("2", "3.1"));
        assert!(phase_matches("4.1-4.7", "4.7"));
        assert!(phase_matches("4.1-4.7", "4.7.2"));
        assert!(phase_matches("4.1-4.7", "4.3"));
        assert!(!phase_matches("4.1-4.7", "4.10"));
        assert!(!phase_matches("4.1-4.7", "4"));
        assert!(phase_matches("4", "4M"));
        assert!(phase_matches("4.1-4.7", "4.2a"));
        assert!(!phase_matches("4.1-4.7", "4AG"));
        // a route for a lettered phase takes it, its subphases and no other
        assert!(phase_matches("4M", "4M"));
        assert!(phase_matches("4m", "4M.2"));
        assert!(phase_matches("5A.2", "5a.2"));
        assert!(!phase_matches("4M", "4"));
        assert!(!phase_matches("4M", "4MX"));
        assert!(!phase_matches("4M", "4.1"));
    }

    #[test]
    fn routes_by_phase_then_keyword_then_general() {
        let t = crate::decisions::tests::pcc().topics;
        assert_eq!(route(&t, Some("2.5"), "anything"), "alloydb");
        assert_eq!(route(&t, Some("3"), "anything"), "gke");
        assert_eq!(route(&t, Some("4.14"), "AlloyDB"), "argocd");
        assert_eq!(route(&t, None, "Use AlloyDB read pools"), "alloydb");
        assert_eq!(route(&t, Some("9"), "ArgoCD is HA"), "argocd");
        assert_eq!(route(&t, None, "Use tabs"), "general");
        // whole words only: "gkehub" is not "gke"
        assert_eq!(route(&t, None, "gkehub.gatewayAdmin role"), "general");
    }

    #[test]
    fn keywords_route_only_when_configured() {
        let t = crate::config::Config::builtin().topics;
        assert!(t.routes.is_empty());
        assert_eq!(route(&t, Some("2"), "Use AlloyDB read pools"), "general");
        assert_eq!(
            route(&t, None, "ArgoCD with RBAC on the cluster"),
            "general"
        );
    }
}
