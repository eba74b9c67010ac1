//! `decision.conflict`: a decision that restates an earlier one with another
//! number, version, name or quantity (`4-day` then `6-day retention`). Both stay
//! in the topic files, the later marked as changing the earlier; this finding
//! asks a person which one holds. The comparison is the one topic files use
//! (`rules/README.md`, "Restatement vs change").

use std::collections::HashMap;

use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::decisions::{conflicts, SourceDoc};
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "decision.conflict",
    doc: "a decision restates an earlier one with another number, version or name",
    default: Severity::Warning,
    ctor: |_| Box::new(DecisionConflict),
    long: "Two decisions that differ only in substituted values (numbers and versions, \
        names, quantity words) with most words shared: `Enable automated backups with a \
        4-day retention window` in one place and `…6-day…` later. Both are kept in the \
        topic files, in source order, the later marked `Changes \"…\" (source)`; the \
        finding is at the later one and names the earlier. Make the plans agree (edit or \
        delete the stale one), or suppress the finding where both are meant. Two \
        decisions of one section (one list) are never reported. Decisions are compared \
        pairwise, so above 3,000 in the checked files none are compared and this rule \
        reports nothing (`migrate` says so in a note).",
    settings: &["decisions.labels", "decisions.not_decisions"],
    section: "the-generated-block",
    example: Some(Example {
        files: &[
            (
                ".claude/plans/phase-2.1.md",
                "# Phase 2.1: Cluster\n\n**Decision**: HA mode with 3 replicas\n",
            ),
            (
                ".claude/plans/phase-2.6.md",
                "# Phase 2.6: Tuning\n\n**Decision**: HA mode with 7 replicas\n",
            ),
        ],
        message: "this decision changes the one at .claude/plans/phase-2.1.md:3",
    }),
};

struct DecisionConflict;

/// The conflicts among these files. Its own step, so `check` can run it on one
/// core while the other counts tokens: extraction costs as much as a rule pass.
/// Files whose decisions `extracted` holds are not read again.
pub(super) fn find(
    files: &[(&std::path::Path, &crate::model::Document)],
    cfg: &crate::config::Config,
    extracted: Option<&crate::decisions::Extracted>,
) -> Vec<crate::decisions::Conflict> {
    let sources: Vec<SourceDoc> = files
        .iter()
        .map(|(rel, doc)| SourceDoc {
            rel: rel.to_path_buf(),
            doc,
            title: None,
        })
        .collect();
    if sources.is_empty() {
        return Vec::new();
    }
    conflicts(&sources, cfg, extracted)
}

impl Rule for DecisionConflict {
    fn check_set(&self, cx: &Ctx, files: &[FileFacts], out: &mut Vec<Finding>) {
        let found;
        let list = match &cx.decision_conflicts {
            Some(list) => list,
            None => {
                let sources: Vec<(&std::path::Path, &crate::model::Document)> =
                    files.iter().map(|f| (f.rel, f.doc)).collect();
                found = find(&sources, cx.cfg, None);
                &found
            }
        };
        let by_rel: HashMap<&std::path::Path, &FileFacts> =
            files.iter().map(|f| (f.rel, f)).collect();
        for c in list.iter().cloned() {
            let Some(file) = by_rel.get(c.rel.as_path()) else {
                continue;
            };
            let earlier = c.earlier.rel.to_string_lossy().replace('\\', "/");
            out.push(
                cx.finding(
                    INFO.id,
                    file,
                    c.line,
                    format!(
                        "this decision changes the one at {earlier}:{}: \"{}\" then \"{}\"; \
                         make the plans agree",
                        c.earlier.line, c.earlier.lead, c.lead
                    ),
                )
                .evidence([
                    format!("{earlier}:{}: {}", c.earlier.line, c.earlier.lead),
                    format!("{}:{}: {}", file.path, c.line, c.lead),
                ]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    #[test]
    fn the_documented_limit_is_the_one_compared_against() {
        let n = crate::decisions::dedupe::MAX_FUZZY;
        let written = format!("{},{:03}", n / 1000, n % 1000);
        assert!(super::INFO.long.contains(&format!("above {written} in")));
    }

    #[test]
    fn a_changed_number_is_reported_at_the_later_with_both_places() {
        let a = "# Phase 2.1: Cluster\n\n- **Decision**: Enable automated backups with a 4-day retention window\n";
        let b = "# Phase 2.6: Tuning\n\n**Decision**: Enable automated backups with a 6-day retention window\n";
        let f = run_rule(
            "decision.conflict",
            &[
                (".claude/plans/phase-2.6.md", b),
                (".claude/plans/phase-2.1.md", a),
            ],
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, ".claude/plans/phase-2.6.md");
        assert_eq!(f[0].line, 3);
        assert!(
            f[0].message.contains(".claude/plans/phase-2.1.md:3"),
            "{}",
            f[0].message
        );
        assert!(f[0].evidence.iter().any(|e| e.contains("4-day")));
        assert!(f[0].evidence.iter().any(|e| e.contains("6-day")));
    }

    /// A table row restated with only its outcome moved on (`Pending` then
    /// `Good`) is the decision's progress: once reported as "X" then "X".
    /// Its value changed in the decision cell is still a change.
    #[test]
    fn a_row_whose_outcome_moved_on_is_no_conflict_but_its_decision_changed_is() {
        let table = |choice: &str, outcome: &str| {
            format!(
                "# Project\n\n## Key Decisions\n\n| Decision | Rationale | Outcome |\n\
                 |---|---|---|\n| Keep sessions for {choice} days in Redis | cheap | {outcome} |\n"
            )
        };
        let files = |later: String| {
            run_rule(
                "decision.conflict",
                &[
                    (".planning/PROJECT.md", later.as_str()),
                    (".planning/v1/PROJECT.md", table("7", "Pending").as_str()),
                ],
            )
        };
        let f = files(table("7", "Good"));
        assert!(f.is_empty(), "{f:?}");
        let f = files(table("30", "Good"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.contains("for 7 days"), "{}", f[0].message);
        assert!(f[0].message.contains("for 30 days"), "{}", f[0].message);
    }

    /// The same decision written as a table cell and as a bold bullet with
    /// its name in backticks, each with its own notes under it, is one
    /// decision (vici's PROJECT.md against its milestone summary).
    #[test]
    fn a_lead_in_other_markup_with_other_notes_is_no_conflict() {
        let project = "# Project\n\n## Key Decisions\n\n| Decision | Rationale | Outcome |\n\
                       |---|---|---|\n| Nested Pydantic Settings via model_validator | Clean namespacing | Implemented |\n";
        let summary = "# Milestone v1.0\n\n## 4. Key Decisions\n\n\
                       - **Nested Pydantic Settings via `model_validator`**\n  \
                       - Why: Clean per-domain namespacing.\n  - Phase: 02.1\n";
        let f = run_rule(
            "decision.conflict",
            &[
                (".planning/PROJECT.md", project),
                (".planning/reports/SUMMARY-v1.0.md", summary),
            ],
        );
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn restatements_siblings_and_archived_plans_are_not_conflicts() {
        let a = "# Phase 2.1: Cluster\n\n- **Decision**: HA mode with 3 replicas\n\
                 - **Decision**: pool A gets 3 nodes\n- **Decision**: pool B gets 5 nodes\n";
        let b = "# Phase 2.6: Tuning\n\n**Decision**: *HA mode* with 3 replicas.\n";
        let old = "# Phase 2.6: Tuning\n\n**Decision**: HA mode with 5 replicas\n";
        let f = run_rule(
            "decision.conflict",
            &[
                (".claude/plans/phase-2.1.md", a),
                (".claude/plans/phase-2.6.md", b),
                (".claude/archive/original-phases/phase-2.6.md", old),
            ],
        );
        assert!(f.is_empty(), "{f:?}");
    }
}
