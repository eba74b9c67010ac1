//! Configuration of `replan check`: environments and per-rule settings. The schema
//! is documented in `rules/README.md`; the defaults live in `rules/check.yaml` and
//! `rules/environments.yaml`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::pattern::{AnyOf, GlobPattern, Globs, Number, Pattern, Value};

/// A deployment environment and the words that show a text is about it.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Environment {
    /// Canonical name, e.g. `prod`.
    pub name: String,
    /// Whole-word aliases, e.g. `production`.
    pub aliases: Vec<String>,
    /// Whole-token evidence such as cluster and project names.
    pub evidence: Vec<String>,
}

/// A configured severity: a rule can be switched off. YAML's bare `off` (read as
/// boolean false by YAML 1.1 parsers) is accepted as `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The rule does not report.
    Off,
    /// Reported, exit code unaffected.
    Warning,
    /// Reported, exit code 1.
    Error,
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Level;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("one of `error`, `warning`, `off`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Level, E> {
                match v {
                    "off" => Ok(Level::Off),
                    "warning" => Ok(Level::Warning),
                    "error" => Ok(Level::Error),
                    _ => Err(E::unknown_variant(v, &["error", "warning", "off"])),
                }
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Level, E> {
                if v {
                    Err(E::custom("`true` is not a severity (use error or warning)"))
                } else {
                    Ok(Level::Off)
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Severities for files matching a glob.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SeverityOverride {
    /// Glob relative to the root, e.g. `.claude/status/**`.
    pub glob: GlobPattern,
    /// Rule id to level.
    pub severity: BTreeMap<String, Level>,
}

/// Settings of `phase.mislabeled`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MislabeledRules {
    /// Weight of an environment name or alias.
    pub alias_weight: u32,
    /// Weight of an evidence token (cluster, project name).
    pub evidence_weight: u32,
    /// Weight of a heading in the body naming a different subphase ("Phase 4.10 Complete").
    pub self_reference_weight: u32,
    /// How far the strongest other environment must lead the claimed one.
    pub margin: u32,
    /// The other environment must also have at least this many times the claimed score.
    pub ratio: f64,
    /// How many evidence lines to quote.
    pub max_evidence: usize,
    /// Regex with a `number` group matched against a deeper heading, or a line that
    /// is all bold, inside a subphase: a match with another number (not a child of
    /// this one) is the body naming itself as a different subphase.
    pub self_reference: Pattern<Number>,
}

impl Default for MislabeledRules {
    fn default() -> Self {
        MislabeledRules {
            alias_weight: 1,
            evidence_weight: 3,
            self_reference_weight: 10,
            margin: 10,
            ratio: 3.0,
            max_evidence: 5,
            self_reference: Pattern::default(),
        }
    }
}

/// Settings of `phase.missing`, `phase.duplicate` and `phase.out-of-order`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct NumberingRules {
    /// Regex matched against a file name; its `number` group numbers the file.
    pub file_name: Pattern<Number>,
    /// Regex matched against a file stem; files whose stem matches are continuation
    /// parts of another file and never count as duplicates.
    pub part: Pattern,
    /// Regex whose `number` group finds references to subphases in text (TOC
    /// entries, cross-references), quoted as evidence of a missing subphase.
    pub reference: Pattern<Number>,
    /// Most evidence lines to quote per finding.
    pub max_evidence: usize,
}

/// Settings of `status.unbacked-claim`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ClaimRules {
    /// Globs of status files whose claims are checked.
    pub files: Globs,
    /// Regexes: a line matching one claims its phase is complete.
    pub phase_claims: Vec<Pattern>,
    /// Regexes: a line matching one claims the artifacts named on it exist.
    pub artifact_claims: Vec<Pattern>,
    /// Regexes: a line matching one is never a claim (e.g. "Planning complete").
    pub ignore: Vec<Pattern>,
    /// Regexes matched against inline code spans; a match names an artifact.
    pub artifacts: Vec<Pattern>,
    /// Regex with a `number` group finding the phase a line is about.
    pub phase: Pattern<Number>,
    /// Most missing artifacts to quote per finding.
    pub max_evidence: usize,
}

/// Settings of `status.disagree` and `status.stale-plan`: how a subphase's own
/// text says how far it is, and how a status file's line claims a phase is done.
/// Data, not code, because every team words its status notes its own way.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct StatusRules {
    /// Globs of status files (notes, handoffs, `STATE.md`) whose lines are claims.
    pub files: Globs,
    /// Regexes with a `number` group: a line matching one claims that phase done.
    pub claims: Vec<Pattern<Number>>,
    /// Regex matched against each cell of a table row whose first cell is a phase
    /// number (`| 4 | ArgoCD | ✅ Complete |`): a match claims that phase done.
    pub done_cell: Pattern,
    /// Regex with `done` and `all` groups: a line naming a phase and matching it
    /// claims that many of the phase's subphases done (`4 of 14 done`).
    pub counts: Pattern,
    /// Regex with a `number` group finding the phase a count line is about.
    pub phase: Pattern<Number>,
    /// Regexes: a line matching one is never a claim (`Planning complete`).
    pub ignore: AnyOf,
    /// Regex with a `value` group: a subphase's own `Status:` line.
    pub status_line: Pattern<Value>,
    /// Regex matched against a status value that says done.
    pub done: Pattern,
    /// Regex matched against a status value that says not done yet; it wins
    /// over `done` (`✅ Done, review in progress` is open).
    pub open: Pattern,
    /// Regex with a `number` group: a heading (or all-bold line) inside a
    /// subphase saying that number is complete (`Phase 4.7 Complete`).
    pub done_heading: Pattern<Number>,
    /// Regex: a line of its own marking the subphase done (`✅ Complete`).
    pub done_mark: Pattern,
    /// Most open subphases quoted per finding.
    pub max_evidence: usize,
}

/// Settings of `task.size`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TaskSizeRules {
    /// Globs of atomic task files.
    pub files: Globs,
    /// Regex whose `value` group holds the estimate ("90 minutes", "1-2 h").
    pub estimate: Pattern<Value>,
    /// Shortest allowed estimate, minutes.
    pub min_minutes: u32,
    /// Longest allowed estimate, minutes.
    pub max_minutes: u32,
}

/// One `content.forbidden-terms` entry.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ForbiddenTerms {
    /// Globs of files the terms must not appear in.
    pub globs: Globs,
    /// Terms, matched as whole words.
    pub terms: Vec<String>,
    /// Match case exactly (default) or ignore case.
    pub ignore_case: bool,
    /// Why, shown with each finding.
    pub reason: String,
}

/// Rule settings for `check`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CheckRules {
    /// Rule id to level, over the built-in defaults.
    pub severity: BTreeMap<String, Level>,
    /// Per-glob severities; every matching entry applies, later ones win.
    pub overrides: Vec<SeverityOverride>,
    /// `phase.mislabeled`.
    pub mislabeled: MislabeledRules,
    /// `phase.missing`, `phase.duplicate`, `phase.out-of-order`.
    pub numbering: NumberingRules,
    /// `status.unbacked-claim`.
    pub claims: ClaimRules,
    /// `status.disagree`, `status.stale-plan`.
    pub status: StatusRules,
    /// `task.size`.
    pub task_size: TaskSizeRules,
    /// `content.forbidden-terms`.
    pub forbidden_terms: Vec<ForbiddenTerms>,
}

impl crate::config::Config {
    /// Validate what reading could not: numbers that must agree, names that must
    /// be set, the encoding's name. Regexes and globs were compiled (and checked)
    /// when read; rule ids are checked by `analysis`, which knows the rules.
    /// The error is `(offending text, message)`; the loader locates the text.
    pub(crate) fn validate(&self) -> Result<(), (String, String)> {
        let c = &self.check;
        if !self.budgets.encoding.is_empty()
            && crate::tokens::Encoding::from_name(&self.budgets.encoding).is_none()
        {
            return Err((
                self.budgets.encoding.clone(),
                "unknown encoding (use o200k_base or cl100k_base)".into(),
            ));
        }
        let f = self.budgets.floor;
        if !(f.is_finite() && (0.0..1.0).contains(&f)) {
            return Err((
                "floor".into(),
                "budgets.floor must be a share from 0 up to (not including) 1".into(),
            ));
        }
        if !(c.mislabeled.ratio.is_finite() && c.mislabeled.ratio >= 1.0) {
            return Err((
                "ratio".into(),
                "mislabeled.ratio must be a number >= 1".into(),
            ));
        }
        let t = &c.task_size;
        if t.min_minutes > t.max_minutes {
            return Err((
                "min_minutes".into(),
                format!(
                    "task_size.min_minutes ({}) is above max_minutes ({})",
                    t.min_minutes, t.max_minutes
                ),
            ));
        }
        for f in &c.forbidden_terms {
            for t in &f.terms {
                if t.trim().is_empty() {
                    return Err((t.clone(), "empty forbidden term".into()));
                }
            }
        }
        for e in &self.environments {
            if e.name.trim().is_empty() {
                return Err(("environments".into(), "an environment has no name".into()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn load(yaml: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("replan.yaml"), yaml).unwrap();
        Config::load(Some(dir.path()), None, None).map_err(|e| e.to_string())
    }

    #[test]
    fn bad_check_patterns_and_ids_are_located() {
        let e = load("check:\n  claims:\n    artifacts: ['(unclosed']\n").unwrap_err();
        assert!(e.contains("replan.yaml:3:"), "{e}");
        let e = load("check:\n  task_size:\n    estimate: 'no group'\n").unwrap_err();
        assert!(e.contains("`value`"), "{e}");
        let e = load("check:\n  severity: { link.broken: loud }\n").unwrap_err();
        assert!(e.contains("loud"), "{e}");
    }

    #[test]
    fn the_split_floor_is_a_share_below_one() {
        assert_eq!(
            load("budgets: { max_lines: 10 }\n").unwrap().budgets.floor,
            0.25
        );
        assert_eq!(load("budgets: { floor: 0 }\n").unwrap().budgets.floor, 0.0);
        for bad in ["1", "1.5", "-0.1"] {
            let e = load(&format!("budgets: {{ floor: {bad} }}\n")).unwrap_err();
            assert!(e.contains("budgets.floor"), "{bad}: {e}");
        }
        assert!(load("budgets: { floor: .nan }\n").is_err());
    }

    #[test]
    fn builtin_check_rules_load() {
        let c = load("check:\n  severity: { link.broken: off, task.size: error }\n").unwrap();
        assert_eq!(c.check.mislabeled.margin, 10);
        assert!(!c.check.claims.phase_claims.is_empty());
        assert_eq!(c.check.severity.len(), 2);
    }
}
