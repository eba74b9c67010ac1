//! Compiling the configured regexes a restructure uses ahead of their first
//! use, on a thread of their own. Each is compiled once either way (a
//! [`Pattern`] is a `OnceLock`: the first caller compiles, a later one finds
//! it, one that comes while it is being compiled waits), so warming changes
//! when, never what. `migrate --dry-run` of a 1 MB tree compiled ~40 Unicode
//! regexes (~100 M instructions) on the threads that needed them, most on the
//! main thread's sequential stretches; here they are compiled while those
//! threads read, parse and split.

use std::sync::atomic::{AtomicBool, Ordering};

use super::pattern::{AnyOf, Group, Pattern};
use super::Config;

/// A pattern that can be compiled now.
trait Compile: Sync {
    fn compile(&self);
}

impl<G: Group + Sync> Compile for Pattern<G> {
    fn compile(&self) {
        let _ = self.regex();
    }
}

impl<G: Group + Sync> Compile for AnyOf<G> {
    fn compile(&self) {
        AnyOf::compile(self);
    }
}

/// The patterns a restructure compiles, roughly in the order its stages first
/// need them: splitting (headings) here, then in [`later_patterns`] cards
/// (status), the check of the planned tree, decisions and topics.
fn heading_patterns(cfg: &Config) -> Vec<&dyn Compile> {
    let mut v: Vec<&dyn Compile> = Vec::new();
    let h = &cfg.headings;
    v.extend(h.subphase.iter().map(|p| p as &dyn Compile));
    v.push(&h.phased);
    v.push(&h.duration);
    v
}

/// The rest of [`restructure`]'s patterns, after the headings'.
fn later_patterns(cfg: &Config) -> Vec<&dyn Compile> {
    let mut v: Vec<&dyn Compile> = Vec::new();
    let s = &cfg.check.status;
    v.extend(s.claims.iter().map(|p| p as &dyn Compile));
    for p in [&s.done_cell, &s.counts, &s.done, &s.open, &s.done_mark] {
        v.push(p);
    }
    v.push(&s.phase);
    v.push(&s.ignore);
    v.push(&s.status_line);
    v.push(&s.done_heading);
    let c = &cfg.check;
    v.push(&c.mislabeled.self_reference);
    v.push(&c.numbering.file_name);
    v.push(&c.numbering.part);
    v.push(&c.numbering.reference);
    // `status.unbacked-claim` is off without repo roots; `task.size` reads
    // only task folders: theirs are left to a first use most trees never make.
    if !cfg.repo_roots.is_empty() {
        let cl = &c.claims;
        for list in [
            &cl.phase_claims,
            &cl.artifact_claims,
            &cl.ignore,
            &cl.artifacts,
        ] {
            v.extend(list.iter().map(|p| p as &dyn Compile));
        }
        v.push(&cl.phase);
    }
    let d = &cfg.decisions;
    v.push(&d.adr_heading);
    v.push(&d.not_decisions);
    let t = &cfg.topics;
    v.extend(t.phase_headings.iter().map(|p| p as &dyn Compile));
    v.extend(t.phase_files.iter().map(|p| p as &dyn Compile));
    v
}

/// Compile the patterns a restructure uses: the headings', then `more`
/// (regexes of the stages' own, in the order they need them), then the rest;
/// stopping between two when `stop` is set (the run is done and waits for
/// this thread: at most one compile more).
pub fn restructure(cfg: &Config, more: &[fn()], stop: &AtomicBool) {
    let stopped = || stop.load(Ordering::Relaxed);
    for p in heading_patterns(cfg) {
        if stopped() {
            return;
        }
        p.compile();
    }
    for f in more {
        if stopped() {
            return;
        }
        f();
    }
    for p in later_patterns(cfg) {
        if stopped() {
            return;
        }
        p.compile();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warming_compiles_each_pattern_it_lists() {
        let cfg = Config::builtin();
        restructure(&cfg, &[], &AtomicBool::new(false));
        assert!(cfg.headings.subphase.iter().all(|p| p.compiled()));
        assert!(cfg.check.status.open.compiled());
        assert!(cfg.topics.phase_files.iter().all(|p| p.compiled()));
        assert!(cfg.check.status.ignore.compiled() && cfg.decisions.not_decisions.compiled());
    }

    #[test]
    fn a_stopped_warm_compiles_nothing() {
        let cfg = Config::builtin();
        restructure(&cfg, &[], &AtomicBool::new(true));
        assert!(!cfg.headings.phased.compiled());
        assert!(!cfg.check.status.open.compiled());
        assert!(!cfg.decisions.not_decisions.compiled());
    }
}
