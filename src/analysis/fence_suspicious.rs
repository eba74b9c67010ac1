//! `fence.suspicious`: a fenced block whose content holds an opening fence that
//! its own closing fence would match. The author meant a nested block; CommonMark
//! closes the outer block at the inner block's closer, so the rest of the intended
//! content leaks out as Markdown and the intended outer closer opens a stray block.

use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "fence.suspicious",
    doc: "a nested fence closes its outer block early (use a longer outer fence)",
    default: Severity::Warning,
    ctor: |_| Box::new(FenceSuspicious),
    long: "A fenced block holds an opening fence that its own closing fence would match. \
        The author meant a nested block, but CommonMark (and GitHub) closes the outer block \
        at the inner block's closer: the rest leaks out as Markdown and the intended outer \
        closer opens a stray block. Make the outer fence longer (````markdown). Also \
        reported here: a block whose closer was left out (the next opener of its kind \
        lands inside it, past a heading), and an HTML block (GSD's `<task>`) that \
        swallows an opening fence because no blank line ends it first. One finding per \
        cause, at the line that caused it; what it does further down is its evidence. \
        When the consequence is a block open to the end of the file, the finding is \
        `fence.unclosed` instead.",
    settings: &[],
    section: "check-rulescheckyaml",
    example: Some(Example {
        files: &[(
            "plan.md",
            "```markdown\nRun:\n```bash\nmake deploy\n```\nDone.\n```\n\n```bash\nmake test\n```\n",
        )],
        message: "```markdown block holds an inner ```bash fence at line 3",
    }),
};

struct FenceSuspicious;

impl Rule for FenceSuspicious {
    fn check_file(&self, cx: &Ctx, file: &FileFacts, out: &mut Vec<Finding>) {
        for t in file.troubles() {
            if t.rule == INFO.id {
                out.push(
                    cx.finding(INFO.id, file, t.line, t.message.clone())
                        .evidence(t.evidence.clone()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    #[test]
    fn fires_on_inner_fence_closing_outer() {
        // The intended closer opens a stray block that the next bash block's
        // opener cannot close and its closer does.
        let text = "# A\n\n```markdown\n# Runbook\n```bash\nls\n```\n\n## Leaked\n\n```\n\ntext\n```bash\nmake\n```\n";
        let f = run_rule("fence.suspicious", &[("a.md", text)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].line, 3);
        assert!(
            f[0].evidence
                .iter()
                .any(|e| e.contains("line 9: ## Leaked")),
            "{:?}",
            f[0].evidence
        );
        assert!(
            f[0].message
                .contains("line 11 opens a stray block that runs to line 16"),
            "{}",
            f[0].message
        );
        // Its consequences are its own evidence, not findings of their own.
        assert!(run_rule("fence.unclosed", &[("a.md", text)]).is_empty());
    }

    #[test]
    fn near_miss_longer_outer_fence() {
        let text = "# A\n\n````markdown\n# Runbook\n```bash\nls\n```\n````\n";
        assert!(run_rule("fence.suspicious", &[("a.md", text)]).is_empty());
        let text = "```bash\necho '```'\n```\n";
        assert!(run_rule("fence.suspicious", &[("a.md", text)]).is_empty());
    }
}
