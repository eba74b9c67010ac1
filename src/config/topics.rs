//! Configuration of decision extraction and topic routing.

use serde::Deserialize;

/// How decisions are recognised (filled in by the decisions extractor).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct DecisionRules {}

/// Where decisions are routed (filled in by the decisions extractor).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TopicRules {}
