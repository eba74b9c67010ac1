//! A Plan as a git-style unified diff, for review before anything is written.

use std::io;
use std::path::Path;

use similar::TextDiff;

use crate::plan::{Op, Plan};

fn p(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn hunks(out: &mut dyn io::Write, old: &str, new: &str, a: &str, b: &str) -> io::Result<()> {
    let diff = TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .header(a, b)
        .to_string();
    out.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Render every operation of a plan as a unified diff.
pub fn render(plan: &Plan) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail, and every piece written is UTF-8.
    let _ = write(plan, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`render`] written to `out` one operation at a time: a plan's diff is
/// about as big as the text it writes, and held whole before printing it was
/// the largest piece of a big `--dry-run`'s peak memory.
pub fn write(plan: &Plan, out: &mut dyn io::Write) -> io::Result<()> {
    for op in &plan.ops {
        match op {
            Op::Create { path, contents } => {
                let path = p(path);
                writeln!(out, "diff --git a/{path} b/{path}\nnew file mode 100644")?;
                hunks(out, "", contents, "/dev/null", &format!("b/{path}"))?;
            }
            Op::Modify { path, old, new } => {
                let path = p(path);
                writeln!(out, "diff --git a/{path} b/{path}")?;
                hunks(out, old, new, &format!("a/{path}"), &format!("b/{path}"))?;
            }
            Op::Move { from, to, .. } => {
                let (from, to) = (p(from), p(to));
                writeln!(
                    out,
                    "diff --git a/{from} b/{to}\nsimilarity index 100%\nrename from {from}\nrename to {to}"
                )?;
            }
            Op::Delete { path, old } => {
                let path = p(path);
                writeln!(
                    out,
                    "diff --git a/{path} b/{path}\ndeleted file mode 100644"
                )?;
                hunks(out, old, "", &format!("a/{path}"), "/dev/null")?;
            }
        }
    }
    Ok(())
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
