//! What a status file claims about phases, line by line (`check.status`): a
//! line matching one of `claims` says phase `number` is done ("Phase 4.7
//! complete", "Phase 4: ✅ 100% complete", "✅ Phase 4: ArgoCD", "- [x] Phase
//! 4.6"); a row of a
//! table headed "Phase" whose first cell is a number and another cell says done
//! (`| 4 | ArgoCD | ✅ Complete |`) says the same; a line naming a phase and a
//! count ("Phase 4: 4 of 14 done") says how many of its subphases are done.
//! Lines matching `ignore` claim nothing, and neither do code blocks.

use std::sync::OnceLock;

use regex::Regex;

use crate::analysis::FileFacts;
use crate::config::check::StatusRules;

/// What a line claims about its phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claimed {
    /// The phase (and all below it) is done.
    Done,
    /// `done` of `all` of its subphases are done.
    Count {
        /// Claimed done.
        done: usize,
        /// Claimed in all.
        all: usize,
    },
}

/// One claim of a status file.
#[derive(Debug, Clone)]
pub struct Claim {
    /// 1-based line.
    pub line: usize,
    /// The phase it is about (`4`, `4.7`).
    pub phase: String,
    /// What it says.
    pub what: Claimed,
    /// The words that claim it, as written.
    pub said: String,
}

/// The phase number in a table row's first cell (`| 4 |`, `| **Phase 4.7** |`).
fn row_phase(line: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)^\s*\|\s*(?:\*\*)?(?:phase\s+)?(\d+(?:\.\d+)*)(?:\*\*)?\s*\|")
            .expect("static regex")
    });
    re.captures(line).map(|c| c[1].to_string())
}

/// The cells of a table row (escaped pipes kept inside their cell).
fn cells(line: &str) -> Vec<&str> {
    let t = line.trim().trim_start_matches('|');
    let t = t.strip_suffix('|').unwrap_or(t);
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = t.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'|' && (i == 0 || bytes[i - 1] != b'\\') {
            out.push(&t[start..i]);
            start = i + 1;
        }
    }
    out.push(&t[start..]);
    out
}

/// The lines of `f`'s `<output>`…`</output>` blocks, tags included, as
/// `(first, last)`. A GSD plan's `<output>` is the template of the summary its
/// executor will write once the plan is done ("Phase 6 complete. Proceed to
/// Phase 7"): what a later file will say, not what this one claims. A tag with
/// no closer after it opens nothing, so a stray `<output>` hides no claim.
fn output_blocks(f: &FileFacts) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open = None;
    for l in 1..=f.lines() {
        if f.is_code(l) {
            continue;
        }
        let t = f.line(l).trim();
        match open {
            None if t == "<output>" => open = Some(l),
            Some(first) if t.starts_with("</output>") => {
                out.push((first, l));
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// Every claim of status file `f`.
pub fn claims(rules: &StatusRules, f: &FileFacts) -> Vec<Claim> {
    let mut out = Vec::new();
    // Whether the table the line is in has "Phase" as its first header cell.
    let mut table: Option<bool> = None;
    // Most files have no `<output>` block: look for its tag once, not per line.
    let templates = if f.doc.source.text.contains("<output>") {
        output_blocks(f)
    } else {
        Vec::new()
    };
    for l in 1..=f.lines() {
        if f.is_code(l) || templates.iter().any(|&(a, b)| (a..=b).contains(&l)) {
            table = None;
            continue;
        }
        let t = f.line(l);
        let is_row = t.trim_start().starts_with('|');
        if !is_row {
            table = None;
        } else if table.is_none() {
            let first = cells(t)
                .first()
                .map(|c| c.to_lowercase())
                .unwrap_or_default();
            table = Some(first.contains("phase"));
            continue;
        }
        // `ignore` is asked only of a line that claims something: most claim
        // nothing, and asking every line first cost more than the claims.
        let ignored = || rules.ignore.is_match(t);
        let said = rules
            .claims
            .iter()
            .filter_map(|p| crate::subphase::captured(p.regex()?, t))
            .find_map(|c| Some((c.name("number")?.as_str().to_string(), c[0].to_string())));
        if let Some((phase, said)) = said {
            if !ignored() {
                out.push(Claim {
                    line: l,
                    phase,
                    what: Claimed::Done,
                    said,
                });
            }
            continue;
        }
        if is_row && table == Some(true) {
            if let Some(phase) = row_phase(t) {
                let cs = cells(t);
                if let Some(cell) = cs.iter().skip(1).find(|c| rules.done_cell.is_match(c)) {
                    if !ignored() {
                        out.push(Claim {
                            line: l,
                            phase,
                            what: Claimed::Done,
                            said: cell.trim().to_string(),
                        });
                    }
                    continue;
                }
            }
        }
        // The phase is read only from a line with a count.
        let Some(c) = rules.counts.regex().and_then(|r| r.captures(t)) else {
            continue;
        };
        let phase = rules
            .phase
            .regex()
            .and_then(|r| r.captures(t))
            .and_then(|c| c.name("number"))
            .map(|m| m.as_str().to_string());
        if let Some(phase) = phase {
            let n = |g: &str| c.name(g).and_then(|m| m.as_str().parse::<usize>().ok());
            if let (Some(done), Some(all)) = (n("done"), n("all")) {
                if done <= all && !ignored() {
                    out.push(Claim {
                        line: l,
                        phase,
                        what: Claimed::Count { done, all },
                        said: c[0].to_string(),
                    });
                }
            }
        }
    }
    out
}
