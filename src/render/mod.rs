//! Output only: diffs, text and JSON renderings of plans and findings.

pub mod diff;
