//! `status.disagree`: a status file claims a phase is done ("Phase 4: ✅ 100%
//! complete") or that k of its subphases are, while the plan's own text says
//! more of them are open (open checkboxes, an open `Status:` line). One finding
//! at the claim, naming each open subphase where its evidence is. A claim
//! about a phase that two files have a heading for is not judged: numbers
//! belong to a plan, and which plan the claim means is unknown.

use super::claims::{claims, Claimed};
use super::derive::State;
use super::units::{is_status, under, units_of, Unit};
use crate::analysis::facts::quote;
use crate::analysis::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "status.disagree",
    doc: "a status file claims a phase is done while its subphases' own text says they are open",
    default: Severity::Warning,
    ctor: |_| Box::new(Disagree),
    long: "A line of a status file (`.claude/status/**`, handoffs, `STATE.md`) claims a phase \
        is done (\"Phase 4: ✅ 100% complete\", \"Phase 4.7 complete\", \"✅ Phase 4: ArgoCD\", \
        a \"✅ Complete\" cell in a table headed \"Phase\") or that k of its subphases are \
        (\"4 of 14 done\"), while subphases of that phase in the active plans say \
        otherwise by their own text: a `Status:` line that is open, else open checkboxes. \
        A status that says planning or review is complete claims nothing. Fix the claim, or \
        finish (and tick) the work it claims.",
    settings: &[
        "check.status.files",
        "check.status.claims",
        "check.status.done_cell",
        "check.status.counts",
        "check.status.ignore",
        "check.status.status_line",
        "check.status.done",
        "check.status.open",
        "check.status.max_evidence",
    ],
    section: "status-statusdisagree-statusstale-plan",
    example: Some(Example {
        files: &[
            (
                ".claude/status/brief.md",
                "# Brief\n\n- Phase 4: ✅ 100% complete\n",
            ),
            (
                ".claude/plans/phase-4.md",
                "# Phase 4.1: Install\n\n- [x] Helm chart\n- [ ] Smoke test\n",
            ),
        ],
        message: "claims Phase 4 is done",
    }),
};

struct Disagree;

/// `Phase 4.1: open (1/2 checkboxes) at path:line`.
fn describe(files: &[FileFacts], u: &Unit) -> String {
    let Some(d) = &u.derived else {
        return String::new();
    };
    let path = &files[d.file].path;
    let at = d.line().unwrap_or(u.line);
    let name = if u.number.is_empty() {
        files[u.file].name().to_string()
    } else {
        format!("Phase {}", u.number)
    };
    format!(
        "{name}: {} at {path}:{at}",
        d.describe(&|l| format!("line {l}"))
    )
}

impl Rule for Disagree {
    fn check_set(&self, cx: &Ctx, files: &[FileFacts], out: &mut Vec<Finding>) {
        let rules = &cx.cfg.check.status;
        if rules.files.is_empty() || !files.iter().any(|f| is_status(cx, f.rel)) {
            return;
        }
        let units = units_of(cx, files);
        let max = rules.max_evidence.max(1);
        for f in files.iter().filter(|f| is_status(cx, f.rel)) {
            for c in claims(rules, f) {
                // Phase numbers belong to a plan: when two files have a heading
                // for this very phase (a design doc's own "Phase 2" beside the
                // roadmap's), the claim cannot be placed, and says nothing.
                let mut defining: Vec<usize> = units
                    .iter()
                    .filter(|u| u.number == c.phase)
                    .map(|u| u.file)
                    .collect();
                defining.dedup();
                if defining.len() > 1 {
                    continue;
                }
                let of: Vec<&Unit> = units
                    .iter()
                    .filter(|u| under(&u.number, &c.phase))
                    .filter(|u| u.derived.is_some())
                    .collect();
                let open: Vec<&Unit> = of
                    .iter()
                    .copied()
                    .filter(|u| u.derived.as_ref().is_some_and(|d| d.state == State::Open))
                    .collect();
                let Some(first) = open.first() else { continue };
                let message = match c.what {
                    Claimed::Done => format!(
                        "claims Phase {} is done (\"{}\"), but {} of its {} subphase{} with a status {} open; first {}",
                        c.phase,
                        quote(c.said.trim()),
                        open.len(),
                        of.len(),
                        if of.len() == 1 { "" } else { "s" },
                        if open.len() == 1 { "is" } else { "are" },
                        describe(files, first)
                    ),
                    Claimed::Count { done, all } => {
                        let can = of.len() - open.len();
                        if done <= can {
                            continue;
                        }
                        format!(
                            "claims {done} of {all} subphases of Phase {} done (\"{}\"), but {} of its {} subphases with a status {} open, so at most {can} are done; first {}",
                            c.phase,
                            quote(c.said.trim()),
                            open.len(),
                            of.len(),
                            if open.len() == 1 { "is" } else { "are" },
                            describe(files, first)
                        )
                    }
                };
                let mut ev: Vec<String> =
                    open.iter().take(max).map(|u| describe(files, u)).collect();
                if open.len() > max {
                    ev.push(format!("... and {} more", open.len() - max));
                }
                out.push(
                    cx.finding(INFO.id, f, c.line, message)
                        .subphase(c.phase.clone())
                        .evidence(ev),
                );
            }
        }
    }
}
