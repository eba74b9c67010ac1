//! replan restructures Markdown planning folders.
//!
//! The flow is a pure pipeline: files are read into [`model::Source`]s, parsed into
//! lossless [`model::Document`]s (every block a byte span into the original), analysed
//! into findings, and planned into a [`plan::Plan`] of file operations. A Plan is
//! either rendered (`--dry-run`, `--check`) or applied by [`apply`], the only code
//! that writes. Moved text is always sliced from the original bytes; comrak locates
//! blocks but never re-renders them.
//!
//! Modules sit in layers and import only from their own layer or below
//! (`tests/it/layers.rs` holds the rule).

// Foundation: data, configuration and the facts about one file.
pub mod config; // typed settings, regexes and globs compiled when read
pub mod finding; // a check finding: rule, severity, place, message, evidence
pub mod git; // which files have uncommitted changes
pub mod model; // Source, Document, links, markers, sha256: the lossless model
pub mod note; // a planner's note or error with its place as data
pub mod subphase; // recognising "Phase 4.7: …" headings, natural order
pub mod tokens; // exact tiktoken counts (bpe-openai), tables loaded once
pub mod walk; // the Markdown files under a path, .gitignore honoured

// Stages: pure passes over parsed documents.
pub mod analysis; // the check rules, one per file, and their registry
pub mod decisions; // decisions found in plans, routed into topic files
pub mod fix; // the findings check can repair, as small edits of the original bytes
pub mod split; // cutting one document into parts within budget

// Plan and apply: what should change, and the only code that writes.
pub mod apply; // checked, staged, journaled writes
pub mod plan; // Op and Plan; the restructure and undo planners, index, manifest

// Operations: what each command does, returning reports.
pub mod ops;

// Front end: arguments in, text/JSON/SARIF out, exit codes.
pub mod cli; // the command line (clap), whose doc comments are --help
pub mod commands; // one file per subcommand: args -> options -> op -> output
pub mod render; // diffs, text, JSON and SARIF renderings
pub mod ui; // colour, warnings, progress bars on stderr

/// Settings the unit tests share.
#[cfg(test)]
pub(crate) mod testing {
    /// Property tests run from a fixed seed unless `PROPTEST_RNG_SEED` is set,
    /// so CI replays the same cases every time and a failure is never a coin
    /// toss; a deep run sets `PROPTEST_CASES` and a seed of its own.
    pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
        let mut config = proptest::test_runner::Config::with_cases(cases);
        if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
            config.rng_seed = proptest::test_runner::RngSeed::Fixed(0x007e_91a4);
        }
        if let Some(n) = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            config.cases = n;
        }
        config
    }
}
