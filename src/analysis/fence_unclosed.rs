//! `fence.unclosed`: a fenced code block still open at the end of the file. Everything
//! after its opening line renders as code; the finding names the headings that vanish.

use super::{Ctx, Example, FileFacts, Rule, RuleInfo};
use crate::finding::{Finding, Severity};

/// Registry entry.
pub const INFO: RuleInfo = RuleInfo {
    id: "fence.unclosed",
    doc: "a code fence is never closed, so the rest of the file renders as code",
    default: Severity::Error,
    ctor: |_| Box::new(FenceUnclosed),
    long: "A fenced code block still open at the end of the file: everything after its \
        opening line renders as code, so the headings below it vanish from the outline and \
        their links break. The finding names the hidden headings, and sits at the cause: \
        the opener itself, the mis-nested block whose intended closer was left open, the \
        stray fence that shifted every pair after it, or the HTML block that swallowed an \
        opening fence. Close the fence; `migrate` and `consolidate` say how many \
        decisions they recovered from behind it.",
    settings: &[],
    section: "check-rulescheckyaml",
    example: Some(Example {
        files: &[(
            "plan.md",
            "## Phase 4.1: Install\n\n```bash\nhelm install argocd\n\n## Phase 4.2: Configure\n",
        )],
        message: "code fence ```bash opened here is never closed",
    }),
};

struct FenceUnclosed;

/// A line that opens or closes a fence: (indent, fence char, fence length, info string).
pub(super) fn fence_line(line: &str) -> Option<(char, usize, &str)> {
    let t = line.trim_end_matches(['\r', '\n']);
    let indent = t.len() - t.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let t = &t[indent..];
    let c = t.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = t.chars().take_while(|&x| x == c).count();
    if n < 3 {
        return None;
    }
    let info = t[n..].trim();
    if c == '`' && info.contains('`') {
        return None;
    }
    Some((c, n, info))
}

/// A line that a Markdown reader would take for an ATX heading.
///
/// What `^ {0,3}#{1,6}(?:[ \t]+\S|[ \t]*$)` matches, read byte by byte: every
/// line of every code block of a tree is asked (its `#` comments), and the
/// regex was most of that cost. A test compares the two.
pub(super) fn atx_heading(line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return false;
    }
    let after = &line[indent..];
    let hashes = after.len() - after.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) {
        return false;
    }
    let rest = &after[hashes..];
    let text = rest.trim_start_matches([' ', '\t']);
    match text.chars().next() {
        None => true,
        Some(c) => text.len() < rest.len() && !c.is_whitespace(),
    }
}

/// Heading-like lines in `first..=last` that are not inside fences nested in that
/// text (so `# comment` lines of an inner bash block do not count).
pub(super) fn heading_like(file: &FileFacts, first: usize, last: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut open: Option<(char, usize)> = None;
    for l in first..=last {
        let text = file.line(l);
        if let Some((c, n, info)) = fence_line(text) {
            match open {
                Some((oc, on)) if oc == c && n >= on && info.is_empty() => open = None,
                Some(_) => {}
                None => open = Some((c, n)),
            }
            continue;
        }
        if open.is_none() && atx_heading(text) && !text.trim_start().starts_with("#!") {
            out.push(l);
        }
    }
    out
}

impl Rule for FenceUnclosed {
    fn check_file(&self, cx: &Ctx, file: &FileFacts, out: &mut Vec<Finding>) {
        for t in file.troubles() {
            if t.rule != INFO.id {
                continue;
            }
            let mut f = cx.finding(INFO.id, file, t.line, t.message.clone());
            if let Some(end) = t.end_line {
                // Everything from the fence to the end of the file reads as code.
                f = f.end_line(end);
            }
            out.push(f.evidence(t.evidence.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;

    #[test]
    fn fires_on_open_fence_and_names_hidden_headings() {
        let text = "# A\n\n```bash\necho hi\n\n## Hidden One\n\n```python\n# a comment\n";
        let f = run_rule("fence.unclosed", &[("a.md", text)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].line, 3);
        assert!(
            f[0].message.contains("hiding 1 heading"),
            "{}",
            f[0].message
        );
        assert!(f[0]
            .evidence
            .iter()
            .any(|e| e.contains("line 6: ## Hidden One")));
        assert!(!f[0].evidence.iter().any(|e| e.contains("a comment")));
    }

    #[test]
    fn a_stray_fence_that_ends_the_file_is_the_one_named() {
        // Regression: the good opener at line 5 was blamed, with "lines 11-10".
        let text = "# Spec\n\n## Flow\n\n```\na -> b\n```\n\nText.\n```\n";
        let f = run_rule("fence.unclosed", &[("a.md", text)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].line, 10, "{f:?}");
        assert!(
            f[0].message.contains("on the last line"),
            "{}",
            f[0].message
        );
        assert!(!f[0].message.contains("11-10"), "{}", f[0].message);
        // Near miss: text after the fence does render as code, and the
        // stray further up is still named.
        let hiding = format!("{text}more text\n");
        let f = run_rule("fence.unclosed", &[("a.md", &hiding)]);
        assert_eq!(f[0].line, 5, "{f:?}");
    }

    #[test]
    fn near_miss_closed_fences_and_tildes() {
        let text = "# A\n\n````markdown\n```bash\nx\n```\n````\n\n~~~\n```\n~~~\n";
        assert!(run_rule("fence.unclosed", &[("a.md", text)]).is_empty());
    }

    proptest::proptest! {
        /// The byte reading of an ATX heading line is the regex's.
        #[test]
        fn atx_heading_is_the_regex(line in "[ \t#a\u{a0}\u{3000}é]{0,10}") {
            let re = regex::Regex::new(r"^ {0,3}#{1,6}(?:[ \t]+\S|[ \t]*$)").unwrap();
            proptest::prop_assert_eq!(super::atx_heading(&line), re.is_match(&line), "{:?}", line);
        }
    }
}
