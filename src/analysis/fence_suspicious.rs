//! `fence.suspicious`: a fenced block whose content holds an opening fence that
//! its own closing fence would match. The author meant a nested block; CommonMark
//! closes the outer block at the inner block's closer, so the rest of the intended
//! content leaks out as Markdown and the intended outer closer opens a stray block.

use super::facts::at;
use super::fence_unclosed::{fence_line, heading_like};
use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};
use crate::model::BlockKind;

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "fence.suspicious",
    doc: "a nested fence closes its outer block early (use a longer outer fence)",
    default: Severity::Warning,
    ctor: |_| Box::new(FenceSuspicious),
    long: "A fenced block holds an opening fence that its own closing fence would match. \
        The author meant a nested block, but CommonMark (and GitHub) closes the outer block \
        at the inner block's closer: the rest leaks out as Markdown and the intended outer \
        closer opens a stray block. Make the outer fence longer (````markdown).",
    settings: &[],
    section: "check-rulescheckyaml",
    example: Some(Example {
        files: &[(
            "plan.md",
            "```markdown\nRun:\n```bash\nmake deploy\n```\nDone.\n```\n",
        )],
        message: "```markdown block holds an inner bash fence",
    }),
};

struct FenceSuspicious;

impl Rule for FenceSuspicious {
    fn check_file(&self, cx: &Ctx, file: &FileFacts, out: &mut Vec<Finding>) {
        let blocks = &file.doc.blocks;
        // A stray block opened by a previous finding's intended closer is explained there.
        let mut stray: Option<usize> = None;
        for (bi, b) in blocks.iter().enumerate() {
            let BlockKind::Code(c) = &b.kind else {
                continue;
            };
            if stray == Some(b.line) {
                continue;
            }
            if !c.fenced || !c.closed || b.end_line <= b.line + 1 {
                continue;
            }
            // An inner opener with an info string that the outer closer's kind would end.
            let inner = (b.line + 1..b.end_line).find(|&l| {
                matches!(fence_line(file.line(l)), Some((ch, n, info))
                    if ch == c.fence_char && n >= c.fence_len && !info.is_empty())
            });
            let Some(inner) = inner else { continue };
            let fence = c.fence_char.to_string().repeat(c.fence_len);
            let mut ev = vec![
                format!("inner fence {}", at(inner, file.line(inner))),
                format!(
                    "line {}: {} meant to close the inner block closes the outer one",
                    b.end_line,
                    file.line(b.end_line).trim()
                ),
            ];
            // What follows until the next code block leaks out as Markdown.
            let next = blocks[bi + 1..]
                .iter()
                .find(|x| matches!(&x.kind, BlockKind::Code(k) if k.fenced));
            let leak_end = next.map(|n| n.line - 1).unwrap_or(file.lines());
            for l in heading_like(file, b.end_line + 1, leak_end) {
                ev.push(format!("leaked heading {}", at(l, file.line(l))));
            }
            let mut msg = format!(
                "{fence}{} block holds an inner {} fence at line {inner}; its closer at line {} ends the outer block",
                c.info,
                fence_line(file.line(inner)).map(|x| x.2).unwrap_or(""),
                b.end_line
            );
            if let Some(n) = next {
                if let BlockKind::Code(k) = &n.kind {
                    if k.info.is_empty() {
                        stray = Some(n.line);
                        let end = if k.closed {
                            format!("line {}", n.end_line)
                        } else {
                            "the end of the file".to_string()
                        };
                        ev.push(format!(
                            "line {}: {} meant as the outer closer opens a new code block that runs to {end}",
                            n.line,
                            file.line(n.line).trim()
                        ));
                        msg.push_str(&format!(
                            ", lines {}-{} leak out as Markdown, and the fence at line {} opens a stray block",
                            b.end_line + 1,
                            n.line - 1,
                            n.line
                        ));
                    }
                }
            }
            ev.push(format!(
                "use a longer outer fence ({}{}) so the inner one cannot close it",
                c.fence_char.to_string().repeat(c.fence_len + 1),
                c.info
            ));
            out.push(cx.finding(INFO.id, file, b.line, msg).evidence(ev));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    #[test]
    fn fires_on_inner_fence_closing_outer() {
        let text = "# A\n\n```markdown\n# Runbook\n```bash\nls\n```\n\n## Leaked\n\n```\n\ntext\n";
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
        assert!(f[0].message.contains("stray block"), "{}", f[0].message);
    }

    #[test]
    fn near_miss_longer_outer_fence() {
        let text = "# A\n\n````markdown\n# Runbook\n```bash\nls\n```\n````\n";
        assert!(run_rule("fence.suspicious", &[("a.md", text)]).is_empty());
        let text = "```bash\necho '```'\n```\n";
        assert!(run_rule("fence.suspicious", &[("a.md", text)]).is_empty());
    }
}
