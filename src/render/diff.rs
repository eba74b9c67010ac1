//! A Plan as a git-style unified diff, for review before anything is written.

use std::fmt::Write;
use std::path::Path;

use similar::TextDiff;

use crate::plan::{Op, Plan};

fn p(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn hunks(out: &mut String, old: &str, new: &str, a: &str, b: &str) {
    let diff = TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .header(a, b)
        .to_string();
    out.push_str(&text);
    if !text.is_empty() && !text.ends_with('\n') {
        out.push('\n');
    }
}

/// Render every operation of a plan as a unified diff.
pub fn render(plan: &Plan) -> String {
    let mut out = String::new();
    for op in &plan.ops {
        match op {
            Op::Create { path, contents } => {
                let path = p(path);
                let _ = writeln!(out, "diff --git a/{path} b/{path}\nnew file mode 100644");
                hunks(&mut out, "", contents, "/dev/null", &format!("b/{path}"));
            }
            Op::Modify { path, old, new } => {
                let path = p(path);
                let _ = writeln!(out, "diff --git a/{path} b/{path}");
                hunks(
                    &mut out,
                    old,
                    new,
                    &format!("a/{path}"),
                    &format!("b/{path}"),
                );
            }
            Op::Move { from, to, .. } => {
                let (from, to) = (p(from), p(to));
                let _ = writeln!(
                    out,
                    "diff --git a/{from} b/{to}\nsimilarity index 100%\nrename from {from}\nrename to {to}"
                );
            }
            Op::Delete { path, old } => {
                let path = p(path);
                let _ = writeln!(
                    out,
                    "diff --git a/{path} b/{path}\ndeleted file mode 100644"
                );
                hunks(&mut out, old, "", &format!("a/{path}"), "/dev/null");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_each_kind() {
        let mut plan = Plan::new(".");
        plan.ops.push(Op::create("a.md", "x\n"));
        plan.ops.push(Op::modify("b.md", "1\n2\n", "1\n3\n"));
        plan.ops.push(Op::moved("c.md", "arch/c.md", "c"));
        let d = render(&plan);
        assert!(
            d.contains("new file mode 100644\n--- /dev/null\n+++ b/a.md\n@@ -0,0 +1 @@\n+x\n"),
            "{d}"
        );
        assert!(d.contains("-2\n+3\n"), "{d}");
        assert!(d.contains("rename from c.md\nrename to arch/c.md\n"), "{d}");
    }
}
