//! `heading.setext-ambiguous`: a paragraph line followed by a short `---` line,
//! which CommonMark reads as a level-2 heading while authors nearly always mean a
//! paragraph and a horizontal rule. `===` (level 1) and long underlines that match
//! the text are taken as intended.

use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "heading.setext-ambiguous",
    doc: "text directly above `---` becomes a level-2 heading (add a blank line)",
    default: Severity::Warning,
    ctor: |_| Box::new(HeadingSetext),
    long: "A paragraph line directly above a short `---` line is a level-2 heading for \
        CommonMark, while authors nearly always mean a paragraph and a horizontal rule. Add \
        a blank line before `---`, or write `## ` if a heading is meant. `===` underlines \
        and underlines as long as the text are taken as intended.",
    settings: &[],
    section: "check-rulescheckyaml",
    example: Some(Example {
        files: &[("plan.md", "Deploy to nonprod first\n---\n\nThen prod.\n")],
        message: "`---` under \"Deploy to nonprod first\" makes it a level-2 heading",
    }),
};

struct HeadingSetext;

fn underline(line: &str) -> Option<usize> {
    let t = line.trim();
    let lead = line.len() - line.trim_start_matches(' ').len();
    if lead > 3 || t.is_empty() || !t.chars().all(|c| c == '-') {
        return None;
    }
    Some(t.len())
}

impl Rule for HeadingSetext {
    fn check_file(&self, cx: &Ctx, file: &FileFacts, out: &mut Vec<Finding>) {
        for h in &file.doc.headings {
            if !h.setext || h.level != 2 {
                continue;
            }
            // The underline: the first dash-only line after the heading's first line.
            let total = file.lines();
            let Some((uline, ulen)) = (h.line() + 1..=total.min(h.line() + 50))
                .find_map(|l| underline(file.line(l)).map(|n| (l, n)))
            else {
                continue;
            };
            let text_len = h.text().chars().count();
            if ulen >= 4 && ulen * 2 >= text_len {
                continue;
            }
            let shown: String = h.text().chars().take(60).collect();
            let ell = if text_len > 60 { "..." } else { "" };
            out.push(
                cx.finding(
                    INFO.id,
                    file,
                    h.line(),
                    format!(
                        "`{}` under \"{shown}{ell}\" makes it a level-2 heading; add a blank line before it for a horizontal rule, or write `## ` if a heading is meant",
                        "-".repeat(ulen)
                    ),
                )
                .end_line(uline)
                .evidence([format!("lines {}-{uline} read as one heading", h.line())]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    #[test]
    fn fires_on_text_above_three_dashes() {
        let text = "# A\n\nApply the manifests below and wait for sync\n---\n\nmore\n";
        let f = run_rule("heading.setext-ambiguous", &[("a.md", text)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].line, 3);
    }

    #[test]
    fn near_misses() {
        let text = "Title\n=====\n\ntext\n\n---\n\nOverview\n--------\n";
        assert!(run_rule("heading.setext-ambiguous", &[("a.md", text)]).is_empty());
    }
}
