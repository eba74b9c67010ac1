//! The fix for `heading.setext-ambiguous` (safe): a blank line before the `---`,
//! so the text above stays a paragraph and the dashes are a thematic break.

use super::{terminator, Edit, Fix, Found, Safety};
use crate::analysis::Input;
use crate::finding::Finding;

/// The underline of the setext heading at `f.line`: the first dash-only line
/// after it (as the rule finds it).
fn underline(input: &Input, line: usize) -> Option<usize> {
    let src = &input.doc.source;
    (line + 1..=src.line_count().min(line + 50)).find(|&l| {
        let t = src.line_text(l);
        let lead = t.len() - t.trim_start_matches(' ').len();
        let d = t.trim();
        lead <= 3 && !d.is_empty() && d.chars().all(|c| c == '-')
    })
}

/// Add the fix for one finding.
pub(super) fn fix(input: &Input, f: &Finding, out: &mut Found) {
    let src = &input.doc.source;
    // Only a heading the parser saw there, so a stale finding edits nothing.
    let is_heading = input
        .doc
        .headings
        .iter()
        .any(|h| h.line() == f.line && h.setext && h.level == 2);
    let Some(u) = underline(input, f.line).filter(|_| is_heading) else {
        return;
    };
    let nl = match terminator(src, u - 1) {
        "" => src.newline,
        t => t,
    };
    let at = src.line_start(u);
    out.fixes.push(Fix {
        rule: f.rule,
        path: input.rel.to_path_buf(),
        line: f.line,
        safety: Safety::Safe,
        message: format!(
            "add a blank line before the `---` at line {u}, so it is a thematic break"
        ),
        edits: vec![Edit {
            range: at..at,
            text: nl.to_string(),
        }],
    });
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;
    use crate::fix::tests::fix_text;

    #[test]
    fn adds_a_blank_line_before_the_dashes() {
        let text = "# A\n\nApply the manifests below and wait for sync\n---\n\nmore\n";
        let (fixed, found) = fix_text(&[("a.md", text)], false);
        assert_eq!(found.fixes.len(), 1, "{found:?}");
        assert_eq!(
            fixed[0],
            "# A\n\nApply the manifests below and wait for sync\n\n---\n\nmore\n"
        );
        assert!(run_rule("heading.setext-ambiguous", &[("a.md", &fixed[0])]).is_empty());
        let (_, again) = fix_text(&[("a.md", &fixed[0])], false);
        assert!(again.fixes.is_empty());
    }

    #[test]
    fn keeps_crlf() {
        let text = "\u{feff}Deploy to nonprod first\r\n---\r\n\r\nThen prod.\r\n";
        let (fixed, _) = fix_text(&[("a.md", text)], false);
        assert_eq!(
            fixed[0],
            "\u{feff}Deploy to nonprod first\r\n\r\n---\r\n\r\nThen prod.\r\n"
        );
    }

    #[test]
    fn near_miss_intended_headings_are_not_touched() {
        let text = "Title\n=====\n\ntext\n\n---\n\nOverview\n--------\n";
        let (fixed, found) = fix_text(&[("a.md", text)], false);
        assert!(found.fixes.is_empty());
        assert_eq!(fixed[0], text);
    }
}
