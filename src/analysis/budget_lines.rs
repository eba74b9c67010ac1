//! `budget.lines`: a file longer than its line budget.

use super::{Ctx, FileFacts, Rule, RuleInfo};
use crate::config::Ownership;
use crate::finding::{Finding, Severity};
use crate::subphase::Reading;

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "budget.lines",
    doc: "a file has more lines than its budget (rules/budgets.yaml, per glob)",
    default: Severity::Error,
    ctor: |_| Box::new(BudgetLines),
    long: "Counts the lines of every checked file against `budgets.max_lines` (200), or the \
        budget of the first `budgets.overrides` entry whose glob matches. For a monolith the \
        finding says how many subphases it holds: `replan split FILE` or `replan migrate` \
        cuts it into files within budget. replan's own folder indexes are exempt, as their \
        size follows the folder's. A file a framework in use reads whole (`parsed` in \
        rules/frameworks.yaml: a GSD plan, a spec-kit spec) gets a warning instead of an \
        error: migrate keeps it whole, and a split would break the framework.",
    settings: &["budgets.max_lines", "budgets.overrides"],
    section: "budgets-rulesbudgetsyaml",
    example: None,
};

struct BudgetLines;

/// replan's own folder indexes: one row per file of the folder, so their size
/// follows the folder's, and cutting one would not make it smaller to read.
pub(super) fn exempt(doc: &crate::model::Document) -> bool {
    crate::model::markers::is_index(&doc.source.text)
}

/// Evidence that a file is a monolith of several subphases, and how to cut it.
/// The subphases are those split cuts at: a bare section number ("### 2.3 API")
/// counts only in a phased document (`subphase::Reading`), so a numbered spec is
/// not promised a file per section that split would not give it.
/// `parsed_by` is the framework in use that reads the file whole ([`parsed_by`]).
fn monolith_evidence(cx: &Ctx, file: &FileFacts, parsed_by: Option<&str>) -> Vec<String> {
    // A file a framework in use runs whole (a GSD plan): `replan split` would
    // break it, and migrate keeps it; say so instead of promising a cut.
    if let Some(fw) = parsed_by {
        return vec![format!(
            "{fw} reads this file's structure, so migrate keeps it whole: a warning, as a split would break it; give it a budget override to silence it"
        )];
    }
    let reading = Reading::of_doc(file.doc, &cx.cfg.headings, &cx.cfg.environments);
    let cut: Vec<&str> = file
        .subphases
        .iter()
        .filter(|s| !s.sp.bare || reading.recognise(s.text).is_some())
        .map(|s| s.sp.number.as_str())
        .collect();
    let n = cut.len();
    if n < 2 {
        return Vec::new();
    }
    let (first, last) = (cut[0], cut[n - 1]);
    vec![format!(
        "a monolith of {n} subphases ({first} .. {last}); `replan split {}` cuts it into one file per subphase",
        file.path
    )]
}

/// A budget finding about `file`, with its evidence. Over budget in a file a
/// framework in use reads whole (a GSD plan, a spec-kit spec) is a warning
/// unless configured otherwise: migrate keeps such a file whole and a split by
/// hand would break the framework, so an error there only made `check` fail
/// on every healthy tree of that framework (262 of 280 errors in one GSD
/// repository) over what no one should change.
pub(super) fn over_budget(
    cx: &Ctx,
    rule: &'static str,
    file: &FileFacts,
    message: String,
) -> Finding {
    let fw = parsed_by(cx, file.rel);
    let mut f = cx
        .finding(rule, file, 1, message)
        .evidence(monolith_evidence(cx, file, fw));
    if fw.is_some() {
        f.severity = Severity::Warning;
    }
    f
}

/// The framework in use that parses `rel` (rules/frameworks.yaml `parsed`),
/// if any. Asked only of files over budget, so its few lookups on disk are
/// not on check's hot path.
fn parsed_by<'c>(cx: &Ctx<'c>, rel: &std::path::Path) -> Option<&'c str> {
    cx.cfg
        .frameworks
        .iter()
        .filter(|fw| fw.detected(&|p| cx.root.join(p).exists()))
        .find_map(|fw| match fw.ownership(rel) {
            Ownership::Parsed(name) => Some(name),
            _ => None,
        })
}

impl Rule for BudgetLines {
    fn check_file(&self, cx: &Ctx, file: &FileFacts, out: &mut Vec<Finding>) {
        let (max, _) = cx.cfg.budget_for(file.rel);
        let lines = file.lines();
        if max == 0 || lines <= max || exempt(file.doc) {
            return;
        }
        out.push(over_budget(
            cx,
            INFO.id,
            file,
            format!("{lines} lines, over the budget of {max} lines"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    #[test]
    fn fires_over_and_not_at_the_budget() {
        let over = "x\n".repeat(201);
        let at = "x\n".repeat(200);
        let f = run_rule("budget.lines", &[("a.md", &over), ("b.md", &at)]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, "a.md");
        assert!(f[0].message.contains("201 lines"), "{}", f[0].message);
    }

    #[test]
    fn names_the_subphases_split_would_cut_at_only() {
        let body = "text\n".repeat(70);
        let phased = format!("# Phase 2\n\n### 2.1 A\n{body}### 2.2 B\n{body}### 2.3 C\n{body}");
        let f = run_rule("budget.lines", &[("p.md", &phased)]);
        assert!(
            f[0].evidence
                .iter()
                .any(|e| e.contains("a monolith of 3 subphases (2.1 .. 2.3)")),
            "{:?}",
            f[0].evidence
        );
        // A numbered research note: split cuts it at its headings, not per number.
        let outline = phased.replace("# Phase 2", "# Research B");
        let f = run_rule("budget.lines", &[("r.md", &outline)]);
        assert!(f[0].evidence.is_empty(), "{:?}", f[0].evidence);
    }

    #[test]
    fn a_file_a_framework_runs_whole_is_not_promised_a_split() {
        // A GSD plan over budget: migrate keeps it whole, so the finding says
        // that rather than "`replan split` cuts it", which would break it.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".planning")).unwrap();
        std::fs::write(dir.path().join(".planning/ROADMAP.md"), "# Roadmap\n").unwrap();
        let body = "step\n".repeat(70);
        let plan = format!("## Phase 1.1: A\n{body}## Phase 1.2: B\n{body}## Phase 1.3: C\n{body}");
        let files = [
            (".planning/phases/01-a/01-01-PLAN.md", plan.as_str()),
            ("docs/plans/p.md", plan.as_str()),
        ];
        let cfg = crate::config::Config::builtin();
        let f = crate::analysis::testutil::run_rule_cfg("budget.lines", &files, &cfg, dir.path());
        assert_eq!(f.len(), 2, "{f:?}");
        let gsd = f.iter().find(|x| x.path.ends_with("PLAN.md")).unwrap();
        assert_eq!(gsd.evidence.len(), 1, "{:?}", gsd.evidence);
        assert!(
            gsd.evidence[0]
                .starts_with("GSD reads this file's structure, so migrate keeps it whole"),
            "{:?}",
            gsd.evidence
        );
        // A warning: nothing should change it, so check does not fail on it.
        assert_eq!(gsd.severity, crate::finding::Severity::Warning);
        let tokens = crate::analysis::testutil::run_rule_cfg(
            "budget.tokens",
            &[(files[0].0, &plan.repeat(20))],
            &cfg,
            dir.path(),
        );
        assert_eq!(tokens.len(), 1, "{tokens:?}");
        assert_eq!(tokens[0].severity, crate::finding::Severity::Warning);
        let free = f.iter().find(|x| x.path == "docs/plans/p.md").unwrap();
        assert_eq!(free.severity, crate::finding::Severity::Error);
        assert!(
            free.evidence[0].contains("a monolith of 3 subphases"),
            "{:?}",
            free.evidence
        );
    }

    #[test]
    fn leaves_folder_indexes_alone() {
        let index = format!(
            "{}\n# Index\n\n{}",
            crate::model::markers::INDEX,
            "| [a.md](a.md) | A |\n".repeat(600)
        );
        assert!(run_rule("budget.lines", &[("p/INDEX.md", &index)]).is_empty());
        assert!(run_rule("budget.tokens", &[("p/INDEX.md", &index)]).is_empty());
        let plain = index.replace(crate::model::markers::INDEX, "");
        assert_eq!(run_rule("budget.lines", &[("p/INDEX.md", &plain)]).len(), 1);
        assert_eq!(
            run_rule("budget.tokens", &[("p/INDEX.md", &plain)]).len(),
            1
        );
    }
}
