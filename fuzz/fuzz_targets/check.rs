//! Fuzz `check`'s analyses: any UTF-8 input, checked as a planning file and as a
//! status file, never panics, and every finding points at a line of the file.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run check --fuzz-dir fuzz -- -max_total_time=600`
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use replan::analysis::{self, Input};
use replan::config::Config;
use replan::model::{Document, Source};

static CFG: LazyLock<Config> = LazyLock::new(Config::builtin);

fuzz_target!(|data: &[u8]| {
    let Ok(source) = Source::from_bytes(Path::new("fuzz.md"), data.to_vec()) else {
        return;
    };
    let lines = source.line_count().max(1);
    let doc = Document::parse(source);
    let root = Path::new("/nonexistent-replan-fuzz-root");
    for rel in [
        ".claude/plans/d/phase-4-working-notes.md",
        ".claude/status/brief.md",
    ] {
        let rel = Path::new(rel);
        let inputs = [Input { rel, doc: &doc }];
        let report = analysis::check(root, &inputs, &CFG);
        for f in &report.findings {
            assert!(
                f.line <= lines + 1,
                "{} points at line {} of {lines}",
                f.rule,
                f.line
            );
        }
    }
});
