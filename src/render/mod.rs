//! Output only: diffs, text and JSON renderings of plans and findings.

pub mod diff;
pub mod fix;
pub mod init;
pub mod json;
pub mod man;
pub mod restructure;
pub mod rule;
pub mod sarif;
pub mod text;
