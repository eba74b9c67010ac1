//! replan restructures Markdown planning folders.
//!
//! The flow is a pure pipeline: files are read into [`model::Source`]s, parsed into
//! lossless [`model::Document`]s (every block a byte span into the original), analysed
//! into findings, and planned into a [`plan::Plan`] of file operations. A Plan is
//! either rendered (`--dry-run`, `--check`) or applied by [`apply`], the only code
//! that writes. Moved text is always sliced from the original bytes; comrak locates
//! blocks but never re-renders them.

pub mod analysis;
pub mod apply;
pub mod cli;
pub mod commands;
pub mod config;
pub mod decisions;
pub mod finding;
pub mod git;
pub mod model;
pub mod note;
pub mod ops;
pub mod plan;
pub mod render;
pub mod split;
pub mod subphase;
pub mod tokens;
pub mod ui;
pub mod walk;
