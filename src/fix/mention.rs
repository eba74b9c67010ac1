//! The fix for `link.stale-mention` (safe): a code span or a path that names a
//! file replan split and archived, rewritten to where its text is now, when the
//! finding names exactly one replacement ("write `X` instead"). A bare name in
//! a sentence is the author's wording: the rule offers no replacement for it,
//! and it is left alone.

use super::{Edit, Fix, Found, Safety, Unfixable};
use crate::analysis::Input;
use crate::finding::Finding;

/// Add the fix for one `link.stale-mention` finding in `input`.
pub(super) fn fix(input: &Input, path: &str, f: &Finding, out: &mut Found) {
    let no = |reason: &str| Unfixable {
        rule: f.rule,
        path: path.to_string(),
        line: f.line,
        reason: reason.to_string(),
    };
    let Some(new) = super::written_instead(f) else {
        // The rule says where the text is now unless only the archive holds it
        // (no part of it exists any more): then there is nothing to name instead.
        out.unfixable.push(no(if f.message.contains(crate::analysis::STALE_MENTION_NOW_IN) {
            "a name in a sentence is the author's wording: rewrite it by hand"
        } else {
            "only the archive holds its text now: name the file that took its place, or drop the mention"
        }));
        return;
    };
    // The mention as written: the message's first code span, at the finding's column.
    let written = f.message.split('`').nth(1).unwrap_or_default();
    let src = &input.doc.source;
    let line = src.line_text(f.line);
    let at = line
        .char_indices()
        .nth(f.column.saturating_sub(1))
        .map(|(i, _)| i);
    let Some(at) = at.filter(|&i| !written.is_empty() && line[i..].starts_with(written)) else {
        out.unfixable
            .push(no("the mention is not where the finding says"));
        return;
    };
    let start = src.line_start(f.line) + at;
    out.fixes.push(Fix {
        rule: f.rule,
        path: input.rel.to_path_buf(),
        line: f.line,
        safety: Safety::Safe,
        message: format!("name where the text is now: `{written}` to `{new}`"),
        edits: vec![Edit {
            range: start..start + written.len(),
            text: new.to_string(),
        }],
    });
}

#[cfg(test)]
mod tests {
    use crate::fix::tests::{diff_lines, fix_text};

    const MANIFEST: &str = r#"{"version": 1, "runs": [
      {"tool": "replan 0.1.0", "command": "migrate", "time": "", "created": [], "modified": [],
       "moved": [
        {"from": ".claude/plans/PLAN.md", "to": ".claude/archive/original-phases/PLAN.md",
         "sha256": "", "parts": [".claude/plans/plan/step-1.1-setup.md"]}
       ]}]}"#;

    #[test]
    fn rewrites_code_spans_and_paths_but_not_a_name_in_a_sentence() {
        let notes = "# Notes\n\nSee `PLAN.md` and .claude/plans/PLAN.md; PLAN.md is done.\n";
        let files = [
            (".claude/archive/replan-manifest.json", MANIFEST),
            (".claude/plans/plan/step-1.1-setup.md", "# Step 1.1\n"),
            (".claude/plans/notes.md", notes),
        ];
        let (fixed, found) = fix_text(&files, false);
        assert_eq!(found.fixes.len(), 2, "{found:#?}");
        assert!(found.fixes.iter().all(|f| f.rule == "link.stale-mention"));
        assert_eq!(
            diff_lines(notes, &fixed[2]),
            vec![(
                3,
                "See `plan/step-1.1-setup.md` and .claude/plans/plan/step-1.1-setup.md; PLAN.md is done."
                    .to_string()
            )]
        );
        assert!(found
            .unfixable
            .iter()
            .any(|u| u.rule == "link.stale-mention" && u.reason.contains("author's wording")));
        // With every part gone, the reason is that only the archive holds it.
        let gone = [files[0], files[2]];
        let (_, found) = fix_text(&gone, false);
        let reasons: Vec<&str> = found
            .unfixable
            .iter()
            .filter(|u| u.rule == "link.stale-mention")
            .map(|u| u.reason.as_str())
            .collect();
        assert!(!reasons.is_empty(), "{found:#?}");
        assert!(
            reasons
                .iter()
                .all(|r| r.starts_with("only the archive holds")),
            "{reasons:?}"
        );
        // Fixed once, nothing is left to fix.
        let again = [
            files[0],
            files[1],
            (".claude/plans/notes.md", fixed[2].as_str()),
        ];
        assert!(fix_text(&again, false).1.fixes.is_empty());
    }
}
