//! The `replan.yaml` that `replan init` proposes: YAML with comments that say
//! what each setting does, what was found and why each value was chosen.

use std::fmt::Write;

use crate::ops::init::{Found, Proposal, CAP, LINE_STEP, TOKEN_STEP};

/// A glob as a YAML scalar (single-quoted: `*` would start an alias).
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn list(out: &mut String, key: &str, items: &[String]) {
    if items.is_empty() {
        let _ = writeln!(out, "{key}: []");
        return;
    }
    let _ = writeln!(out, "{key}:");
    for i in items {
        let _ = writeln!(out, "  - {}", quoted(i));
    }
}

fn budget_entry(glob: &str, lines: Option<usize>, tokens: Option<usize>) -> String {
    let mut s = format!("    - {{ glob: {}", quoted(glob));
    if let Some(l) = lines {
        let _ = write!(s, ", max_lines: {l}");
    }
    if let Some(t) = tokens {
        let _ = write!(s, ", max_tokens: {t}");
    }
    s.push_str(" }\n");
    s
}

fn files(n: usize) -> String {
    format!("{n} Markdown file{}", if n == 1 { "" } else { "s" })
}

fn plan_files(n: usize) -> String {
    format!(
        "{n} file{} that read{} as plans",
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" }
    )
}

fn records(n: usize) -> String {
    format!("{n} numbered record{}", if n == 1 { "" } else { "s" })
}

/// What a folder's files measure.
fn sizes(f: &Found) -> String {
    let s = &f.sizes;
    if s.files == 0 {
        return format!("{}/: no Markdown file outside its history", f.folder.dir);
    }
    format!(
        "{}/: {}, 90% of them within {} lines and {} tokens, the longest {} lines",
        f.folder.dir,
        files(s.files),
        s.p90_lines,
        s.p90_tokens,
        s.max_lines
    )
}

/// `text` as comment lines of at most 80 characters, each starting `lead`
/// (`# ` or `    # `), continued lines indented by two more.
fn comment(out: &mut String, lead: &str, text: &str) {
    let mut line = lead.to_string();
    let mut first = true;
    for word in text.split_whitespace() {
        let empty = line.len() == lead.len() + if first { 0 } else { 2 };
        if !empty && line.len() + 1 + word.len() > 80 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = format!("{lead}  ");
            first = false;
        } else if !empty {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// The commented `replan.yaml` for a proposal.
pub fn config(p: &Proposal) -> String {
    let (max_lines, max_tokens, encoding) = (&p.defaults.0, &p.defaults.1, &p.defaults.2);
    let mut o = String::new();
    o.push_str(
        "# replan.yaml, written by `replan init`. What is not set here comes from the\n\
         # built-in rules (rules/README.md documents every setting; `replan rule --all`\n\
         # lists the checks). A list set here replaces the built-in one; a map is merged.\n#\n",
    );
    if p.nothing_found() {
        o.push_str(
            "# No planning folder was found (.claude/plans, .planning, openspec, specs,\n\
             # .specify, docs/plans, planning), so the folders below are the built-in ones.\n",
        );
        if !p.read_as_plans.is_empty() {
            o.push_str(
                "# Folders whose files read as plans are offered, commented, under plan_dirs.\n",
            );
        }
    } else {
        o.push_str("# Found in this repository:\n");
        for f in &p.found {
            let count = match f.sizes.files {
                0 => "no Markdown file outside its history".to_string(),
                n => files(n),
            };
            let _ = writeln!(o, "#   {}/: {}, {count}", f.folder.dir, f.folder.name);
            for e in &f.folder.evidence {
                let _ = writeln!(o, "#     {e}");
            }
        }
    }

    o.push_str(
        "\n# Folders `replan migrate` and `replan consolidate` restructure: a file over\n\
         # the budget or holding several subphases is split into one file per\n\
         # subphase, the original moved to the archive (`replan restore` undoes a\n\
         # run), links rewritten, an index written. A framework's own files keep\n\
         # their names (rules/frameworks.yaml): one its tools parse is kept whole and\n\
         # reported, any other is split into a folder beside it.\n",
    );
    list(&mut o, "plan_dirs", &p.plan_dirs);
    if !p.elsewhere.is_empty() {
        o.push_str("  # Also named like plans; add a line here to have migrate restructure it:\n");
        for (glob, n) in &p.elsewhere {
            let _ = writeln!(o, "  # - {}  # {}", quoted(glob), files(*n));
        }
    }
    if !p.read_as_plans.is_empty() {
        comment(
            &mut o,
            "  # ",
            "Also holding files that read as plans (a numbered phase, step or \
             milestone heading, a subphase, task checkboxes); add a line here to \
             have migrate restructure it:",
        );
        for (glob, n) in &p.read_as_plans {
            let _ = writeln!(o, "  # - {}  # {}", quoted(glob), plan_files(*n));
        }
    }
    if !p.plan_exclude.is_empty() {
        o.push_str("\n# Retired plans inside plan_dirs: never split or indexed.\n");
        list(&mut o, "plan_exclude", &p.plan_exclude);
    }
    o.push_str(
        "\n# Where `replan check` also reports (notes, a framework's memory), never\n\
         # restructured; any other file is checked when named on the command line.\n",
    );
    list(&mut o, "check_dirs", &p.check_dirs);
    if !p.exclude.is_empty() {
        o.push_str(
            "\n# Finished, archived, template and tool-configuration folders `check`\n\
             # leaves out.\n",
        );
        list(&mut o, "exclude", &p.exclude);
    }

    let proposed: Vec<&Found> = p.found.iter().filter(|f| f.budget.is_some()).collect();
    // With nothing to set, the whole section is a comment: an empty
    // `budgets:` would be null, which is no map of settings.
    let c = if proposed.is_empty() { "# " } else { "" };
    let _ = write!(
        o,
        "\n# The built-in budget of every file: {max_lines} lines and {max_tokens} tokens\n\
         # ({encoding}; Claude's own counts run 1.5-2x higher). A folder whose length\n\
         # migrate does not fix (a framework's files, kept whole or split beside\n\
         # themselves; folders only checked) and whose files run longer gets the size\n\
         # 90% of its files fit today, rounded up to {LINE_STEP} lines and {TOKEN_STEP} tokens, never\n\
         # below the built-in budget and never above {CAP} times it: `check` passes on\n\
         # the files as they are and points at the longest tenth; lower it as they\n\
         # shrink. Free-form plan folders keep the built-in budget: a file over it is\n\
         # what `migrate` splits.\n"
    );
    for f in p.found.iter().filter(|f| f.budget.is_none()) {
        let why = if f.split_by_migrate() {
            match f.sizes.over {
                0 => "every file fits the built-in budget".to_string(),
                1 => "1 file is over the built-in budget; `replan migrate` splits it".into(),
                n => {
                    format!("{n} files are over the built-in budget; `replan migrate` splits them")
                }
            }
        } else {
            "within the built-in budget".to_string()
        };
        comment(&mut o, "# ", &format!("{}; {why}.", sizes(f)));
    }
    let _ = write!(
        o,
        "{c}budgets:\n{c}  # Set these to change the budget of every file:\n\
         {c}  # max_lines: {max_lines}\n{c}  # max_tokens: {max_tokens}\n"
    );
    if proposed.is_empty() {
        o.push_str("#   # Per-glob budgets (the first match wins; 0 means no budget), e.g.\n");
        o.push_str("#   overrides:\n#     - { glob: 'docs/**', max_lines: 400 }\n");
    } else {
        o.push_str(
            "  # Per-glob budgets: the first glob that matches a file wins; 0 means no\n  \
             # budget. This list replaces the built-in one, whose entries come first.\n  \
             overrides:\n",
        );
        for (glob, l, t) in &p.builtin_overrides {
            o.push_str(&budget_entry(glob, *l, *t));
        }
        for f in proposed {
            let Some((l, t)) = f.budget else { continue };
            // A plan folder inside this one keeps the built-in budget: it must
            // come first, since the first match wins.
            let holds = |inner: &Found| inner.folder.dir.starts_with(&format!("{}/", f.folder.dir));
            for inner in p.found.iter().filter(|i| i.budget.is_none() && holds(i)) {
                let _ = writeln!(
                    o,
                    "    # {}/ keeps the built-in budget (before the folder holding it).",
                    inner.folder.dir
                );
                o.push_str(&budget_entry(
                    &inner.folder.glob(),
                    Some(*max_lines),
                    Some(*max_tokens),
                ));
            }
            let capped = if l == max_lines * CAP || t == max_tokens * CAP {
                format!(" (capped at {CAP} times the built-in budget)")
            } else {
                String::new()
            };
            comment(&mut o, "    # ", &format!("{}{capped}.", sizes(f)));
            o.push_str(&budget_entry(&f.folder.glob(), Some(l), Some(t)));
        }
    }

    if !p.records.is_empty() {
        o.push_str(
            "\n# Decision records: with `decisions.records_dir` set, migrate and consolidate\n\
             # also write one MADR record per decision topic there, numbered after the\n\
             # folder's highest record and with its prefix. Found:\n\
             # decisions:\n",
        );
        for (i, (dir, n)) in p.records.iter().enumerate() {
            let or = if i == 0 { "" } else { "  # or" };
            let _ = writeln!(o, "#   records_dir: {}  # {}{or}", quoted(dir), records(*n));
        }
    }
    o.push_str(
        "\n# Folders holding what the plans build (code, Terraform), against which\n\
         # status.unbacked-claim checks \"done\" claims; the rule is off while unset.\n\
         # repo_roots: [infra]\n",
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::planning::PlanningFolder;
    use crate::ops::init::Sizes;

    fn found(name: &str, dir: &str, plan_dir: bool, budget: Option<(usize, usize)>) -> Found {
        Found {
            folder: PlanningFolder {
                dir: dir.into(),
                name: name.into(),
                framework: None,
                plan_dir,
                evidence: vec![format!("{dir}/a.md")],
                history: vec![],
                files: vec![format!("{dir}/a.md")],
            },
            sizes: Sizes {
                files: 3,
                p90_lines: 420,
                p90_tokens: 4100,
                max_lines: 900,
                over: 2,
            },
            budget,
        }
    }

    fn proposal(found: Vec<Found>) -> Proposal {
        Proposal {
            path: "replan.yaml".into(),
            exists: false,
            plan_dirs: vec![".claude/plans/**".into()],
            plan_exclude: vec![".claude/plans/archived/**".into()],
            check_dirs: vec![".claude/**".into(), "it's/**".into()],
            exclude: vec![],
            defaults: (200, 4000, "o200k_base".into()),
            builtin_overrides: vec![("README.md".into(), Some(0), Some(0))],
            elsewhere: vec![("docs/architecture/plans/**".into(), 6436)],
            read_as_plans: vec![],
            records: vec![("docs/architecture/adr".into(), 130)],
            found,
        }
    }

    /// Load `text` as a `replan.yaml`.
    fn load(text: &str) -> crate::config::Config {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("replan.yaml"), text).unwrap();
        crate::config::Config::load(Some(d.path()), None, None)
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn a_plan_folder_inside_a_raised_folder_keeps_the_built_in_budget() {
        let text = config(&proposal(vec![
            found("Claude Code plans", ".claude/plans", true, None),
            found("Claude Code notes", ".claude", false, Some((450, 4500))),
        ]));
        let c = load(&text);
        assert_eq!(c.budget_for(".claude/plans/x.md".as_ref()), (200, 4000));
        assert_eq!(c.budget_for(".claude/status/x.md".as_ref()), (450, 4500));
        assert_eq!(c.budget_for("README.md".as_ref()), (0, 0));
        assert!(c.check_dirs.is_match("it's/a.md"), "{text}");
        assert!(c.plan_exclude.is_match(".claude/plans/archived/a.md"));
        // A folder named like plans is offered, commented: not taken.
        assert!(
            text.contains("  # - 'docs/architecture/plans/**'  # 6436 Markdown files"),
            "{text}"
        );
        assert!(!c.plan_dirs.is_match("docs/architecture/plans/a.md"));
        // So is a folder of records, which stays off until set.
        assert!(
            text.contains(
                "# decisions:\n#   records_dir: 'docs/architecture/adr'  # 130 numbered records"
            ),
            "{text}"
        );
        assert!(c.decisions.records_path().is_none());
        // Uncommented, the lines are the setting.
        let on = load(&text.replace("# decisions:\n#   records_dir", "decisions:\n  records_dir"));
        assert_eq!(
            on.decisions.records_path(),
            Some("docs/architecture/adr".into())
        );
        let flat = text.replace("\n#   ", " ");
        assert!(
            flat.contains("2 files are over the built-in budget; `replan migrate` splits them"),
            "{text}"
        );
    }

    #[test]
    fn comments_wrap_at_80_columns() {
        let mut o = String::new();
        comment(&mut o, "    # ", &"word ".repeat(40));
        assert!(o.lines().all(|l| l.len() <= 80), "{o}");
        assert!(
            o.lines().skip(1).all(|l| l.starts_with("    #   word")),
            "{o}"
        );
        assert_eq!(o.split_whitespace().filter(|w| *w == "word").count(), 40);
    }

    #[test]
    fn without_raised_budgets_the_built_in_ones_stay_untouched() {
        let text = config(&proposal(vec![found(
            "Claude Code plans",
            ".claude/plans",
            true,
            None,
        )]));
        assert!(!text.contains("\n  overrides:"), "{text}");
        assert!(text.contains("\n# budgets:\n"), "{text}");
        let c = load(&text);
        assert_eq!(c.budget_for("CHANGELOG.md".as_ref()), (0, 0));
        let mut empty = proposal(vec![]);
        empty.plan_dirs.clear();
        let text = config(&empty);
        assert!(text.contains("plan_dirs: []"), "{text}");
        assert!(text.contains("No planning folder was found"), "{text}");
        assert!(load(&text).plan_dirs.is_empty());
    }
}
