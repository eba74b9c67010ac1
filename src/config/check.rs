//! Configuration of `replan check`: environments and per-rule settings.

use serde::Deserialize;

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

/// Rule settings for `check` (filled in by the check rules).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CheckRules {}

impl crate::config::Config {
    /// Validate the regexes of the check rules.
    pub(crate) fn check_patterns(&self) -> Result<(), (String, String)> {
        Ok(())
    }
}
