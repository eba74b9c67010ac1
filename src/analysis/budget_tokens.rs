//! `budget.tokens`: a file with more tokens than its budget. Tokens are counted
//! only when the file has more bytes than the budget (a token is at least a byte),
//! and then only as far as needed to know it fits ([`crate::tokens::Encoding::count_over`]).

use super::{Ctx, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "budget.tokens",
    doc: "a file has more tokens than its budget (tiktoken, encoding from rules/budgets.yaml)",
    default: Severity::Error,
    ctor: |_| Box::new(BudgetTokens),
    long: "Counts every checked file's tokens exactly as tiktoken does, with \
        `budgets.encoding` (`o200k_base`), against `budgets.max_tokens` (4000) or the \
        matching override. Claude's own counts run about 1.5-2x higher: scale the budget if \
        you budget for Claude. Fixed like `budget.lines`; folder indexes are exempt, and a \
        file a framework reads whole gets a warning, as with `budget.lines`.",
    settings: &[
        "budgets.max_tokens",
        "budgets.encoding",
        "budgets.overrides",
    ],
    section: "budgets-rulesbudgetsyaml",
    example: None,
};

struct BudgetTokens;

impl Rule for BudgetTokens {
    fn check_file(&self, cx: &Ctx, file: &FileFacts, out: &mut Vec<Finding>) {
        let (_, max) = cx.cfg.budget_for(file.rel);
        let text = &file.doc.source.text;
        if max == 0 || text.len() <= max || super::budget_lines::exempt(file.doc) {
            return;
        }
        let tokens = match cx.tokens.and_then(|t| t.get(file.index)) {
            Some(&t) => t,
            None => cx.encoding.count_over(text, max).over().unwrap_or(0),
        };
        if tokens <= max {
            return;
        }
        out.push(super::budget_lines::over_budget(
            cx,
            INFO.id,
            file,
            format!(
                "{tokens} tokens ({}), over the budget of {max} tokens",
                cx.encoding.name()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    #[test]
    fn fires_over_and_not_under_the_budget() {
        let big = "Install ArgoCD on the devops cluster and verify it.\n".repeat(600);
        let small = "Install ArgoCD.\n".repeat(50);
        let f = run_rule("budget.tokens", &[("a.md", &big), ("b.md", &small)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.contains("o200k_base"), "{}", f[0].message);
    }
}
