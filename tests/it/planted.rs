//! Recall on generated PCC-style trees (issue 14, first "done when"): decisions
//! planted in every written form the extractor claims to read all reach the
//! topic files, two that differ only in a number are both kept (the later
//! marked as a change, and `check` reports `decision.conflict` with both
//! places), and open questions written like decisions never become one.
//!
//! The tree is made here, deterministically, from word lists (no randomness):
//! three phases of seven subphase files each plus an overview per phase, with
//! `samples/pcc/replan.yaml`'s routes.

use std::path::Path;

use crate::common::*;

/// Sentences with a slot for a subject. Two decisions of one template differ
/// in one lowercase word, which is never a value (`rules/README.md`,
/// "Restatement vs change"), so no planted pair but the variants is a change.
const TEMPLATES: &[&str] = &[
    "Run the {} workers on a dedicated node pool with autoscaling enabled",
    "Store the {} credentials in Secret Manager and mount them through Workload Identity",
    "Expose the {} endpoint only through Private Service Connect",
    "Deploy the {} manifests from the platform repository with an ArgoCD application",
    "Keep the {} schema migrations in Flyway scripts versioned with the service",
    "Send the {} logs to a regional bucket with object versioning turned on",
    "Give the {} team read-only access through a dedicated RBAC group",
    "Pin the {} images by digest instead of mutable tags",
    "Place the {} service behind an internal load balancer in the shared VPC",
    "Terminate TLS for the {} traffic at the gateway with managed certificates",
    "Scale the {} deployment on queue depth rather than processor load",
    "Route alerts for the {} jobs to the on-call channel of the owning team",
];

const SUBJECTS: &[&str] = &[
    "billing",
    "audit",
    "catalog",
    "checkout",
    "inventory",
    "search",
    "reporting",
    "identity",
    "notification",
    "ledger",
    "pricing",
    "shipping",
];

/// Questions written where decisions are: each must stay out of the topics.
/// `{}` is a subject no decision uses.
const QUESTIONS: &[&str] = &[
    "**Decision needed:** should we shard the {} archive across regions?",
    "Decision needed: should we shard the {} archive across regions?",
    "TBD: should we shard the {} archive across regions?",
    "- **Decision**: TBD, should we shard the {} archive across regions?",
    "### Decision: shard the {} archive across regions?",
    "- **Decision Needed**: whether to shard the {} archive across regions",
];

const QUESTION_SUBJECTS: &[&str] = &[
    "telemetry",
    "payroll",
    "marketing",
    "warehouse",
    "feedback",
    "compliance",
    "onboarding",
    "recruiting",
    "forecast",
    "survey",
    "sandbox",
    "staging",
    "partner",
    "vendor",
    "training",
    "legacy",
    "mobile",
    "kiosk",
    "printing",
    "scanning",
    "archive",
];

/// What a planted decision must be found as (its words, normalised).
struct Planted {
    text: String,
    file: String,
    form: &'static str,
}

/// The generated tree: its files, the decisions planted, the questions planted.
struct Tree {
    files: Vec<(String, String)>,
    planted: Vec<Planted>,
    questions: Vec<String>,
}

const PHASES: &[(u32, &str)] = &[(2, "AlloyDB Cluster"), (3, "GKE Clusters"), (4, "ArgoCD")];

/// Decisions that differ from an earlier one only in a number: (phase, subphase,
/// earlier text, later subphase, later text).
const VARIANTS: &[(u32, u32, &str, u32, &str)] = &[
    (
        2,
        1,
        "Enable automated backups with a 4-day retention window",
        6,
        "Enable automated backups with a 6-day retention window",
    ),
    (
        2,
        2,
        "Run the primary instance in HA mode with 3 replicas",
        5,
        "Run the primary instance in HA mode with 7 replicas",
    ),
];

struct Gen {
    next: usize,
    next_q: usize,
    planted: Vec<Planted>,
    questions: Vec<String>,
}

impl Gen {
    fn decision(&mut self) -> String {
        let i = self.next;
        self.next += 1;
        let t = TEMPLATES[i % TEMPLATES.len()];
        t.replacen("{}", SUBJECTS[(i / TEMPLATES.len()) % SUBJECTS.len()], 1)
    }

    fn plant(&mut self, text: &str, file: &str, form: &'static str) {
        self.planted.push(Planted {
            text: text.to_string(),
            file: file.to_string(),
            form,
        });
    }

    /// One decision section in form `f` (six forms; the table holds two rows).
    fn section(&mut self, f: usize, file: &str, n: usize) -> String {
        let why = "it keeps the blast radius of a mistake small";
        match f {
            0 => {
                let d = self.decision();
                self.plant(&d, file, "**Decision:** with **Rationale:**");
                format!("## Step {n}\n\n**Decision:** {d}\n**Rationale:** {why}.\n\n")
            }
            1 => {
                let d = self.decision();
                self.plant(&d, file, "Decision: line");
                format!("## Step {n}\n\nSome context for this step.\n\nDecision: {d}\n\n")
            }
            2 => {
                let d = self.decision();
                self.plant(&d, file, "### Decision: heading");
                format!("## Step {n}\n\n### Decision: {d}\n\nBecause {why}.\n\n")
            }
            3 => {
                let d = self.decision();
                self.plant(&d, file, "ADR Decision section");
                format!(
                    "## ADR-{:03}: Step {n} choice\n\n### Context\n\nThe step needs a rule.\n\n\
                     ### Decision\n\n{d}.\n\n- applies to every environment\n\n\
                     ### Consequences\n\nOne more thing to keep in mind.\n\n",
                    self.next
                )
            }
            4 => {
                let (a, b) = (self.decision(), self.decision());
                self.plant(&a, file, "decision table");
                self.plant(&b, file, "decision table");
                format!(
                    "## Step {n}\n\n| Decision | Choice | Rationale |\n|---|---|---|\n\
                     | Where the first part runs | {a} | {why} |\n\
                     | How the second part is reached | {b} | simpler to audit |\n\n"
                )
            }
            _ => {
                let (a, b) = (self.decision(), self.decision());
                self.plant(&a, file, "Key Decisions list");
                self.plant(&b, file, "Key Decisions list");
                format!("## Key Decisions\n\n- {a}\n- {b}\n\n")
            }
        }
    }

    /// One open question, written like a decision.
    fn question(&mut self, n: usize) -> String {
        let i = self.next_q;
        self.next_q += 1;
        let s = QUESTION_SUBJECTS[i % QUESTION_SUBJECTS.len()];
        let q = QUESTIONS[i % QUESTIONS.len()].replacen("{}", s, 1);
        self.questions
            .push(format!("shard the {s} archive across regions"));
        if q.starts_with("###") {
            format!("## Open point {n}\n\n{q}\n\nNobody has answered this yet.\n\n")
        } else if q.starts_with('-') {
            format!("## Open point {n}\n\n{q}\n- owner: platform team\n\n")
        } else {
            format!("## Open point {n}\n\n{q}\n\n")
        }
    }
}

fn generate() -> Tree {
    let mut g = Gen {
        next: 0,
        next_q: 0,
        planted: Vec::new(),
        questions: Vec::new(),
    };
    let mut files = Vec::new();
    let dir = ".claude/plans/devtest-deployment";
    let mut form = 0;
    for &(p, title) in PHASES {
        let file = format!("{dir}/phase-{p}-overview.md");
        let mut t = format!("# Phase {p}: {title}\n\n## Overview\n\nWhat phase {p} builds.\n\n");
        t.push_str(&g.section(5, &file, 1));
        t.push_str(&g.section(3, &file, 2));
        t.push_str(&g.question(3));
        files.push((file, t));
        for k in 1..=7u32 {
            let file = format!("{dir}/phase-{p}.{k}-step-{k}.md");
            let mut t = format!(
                "# Phase {p}.{k}: Step {k} of {title}\n\n**Status**: Planning Complete\n\n\
                 ## Objective\n\nPrepare step {k}.\n\n"
            );
            for n in 1..=4 {
                t.push_str(&g.section(form % 6, &file, n));
                form += 1;
            }
            for &(vp, vk, a, lk, b) in VARIANTS {
                if p == vp && k == vk {
                    g.plant(a, &file, "variant (earlier)");
                    t.push_str(&format!("## Retention\n\n- **Decision**: {a}\n\n"));
                }
                if p == vp && k == lk {
                    g.plant(b, &file, "variant (later)");
                    t.push_str(&format!("## Tuning\n\n**Decision**: {b}\n\n"));
                }
            }
            t.push_str(&g.question(5));
            t.push_str("## Verification\n\n- [ ] the step is done\n");
            files.push((file, t));
        }
    }
    Tree {
        files,
        planted: g.planted,
        questions: g.questions,
    }
}

fn write(root: &Path, tree: &Tree) {
    for (rel, text) in &tree.files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    std::fs::copy(
        repo().join("samples/pcc/replan.yaml"),
        root.join("replan.yaml"),
    )
    .unwrap();
}

/// Lowercase words joined by single spaces (as the extractor compares texts).
fn norm(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every Markdown file under the topic folder, joined.
fn topics(root: &Path) -> String {
    let mut out = String::new();
    let mut stack = vec![root.join(".claude/architecture")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push_str(&std::fs::read_to_string(&p).unwrap());
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn generated_pcc_trees_recall_planted_decisions_and_no_questions() {
    let tree = generate();
    assert!(tree.planted.len() >= 100, "{}", tree.planted.len());
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, &tree);

    // `check` before migrate: the two variants, and nothing else, are conflicts.
    let out = replan()
        .args(["check", "--format", "json"])
        .arg(root)
        .assert();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", stderr_of(&out)));
    let conflicts: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "decision.conflict")
        .collect();
    assert_eq!(conflicts.len(), VARIANTS.len(), "{conflicts:#?}");
    for &(p, k, a, lk, b) in VARIANTS {
        let later = format!(".claude/plans/devtest-deployment/phase-{p}.{lk}-step-{lk}.md");
        let earlier = format!("phase-{p}.{k}-step-{k}.md");
        let f = conflicts
            .iter()
            .find(|f| f["path"] == later.as_str())
            .unwrap_or_else(|| panic!("no conflict at {later}: {conflicts:#?}"));
        let evidence = f["evidence"].to_string();
        assert!(evidence.contains(&earlier), "{evidence}");
        assert!(evidence.contains(a) && evidence.contains(b), "{evidence}");
    }

    replan()
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .arg("migrate")
        .arg(root)
        .assert()
        .success();
    let text = topics(root);
    let found = norm(&text);

    let misses: Vec<String> = tree
        .planted
        .iter()
        .filter(|d| !found.contains(&norm(&d.text)))
        .map(|d| format!("{} [{}] {}", d.file, d.form, d.text))
        .collect();
    let recall = 1.0 - misses.len() as f64 / tree.planted.len() as f64;
    eprintln!(
        "recall {} of {} ({:.1}%)",
        tree.planted.len() - misses.len(),
        tree.planted.len(),
        recall * 100.0
    );
    assert!(recall >= 0.95, "recall {recall:.3}; missed: {misses:#?}");

    // Both variants, the later marked as changing the earlier.
    for &(_, _, a, _, b) in VARIANTS {
        let later = text
            .lines()
            .position(|l| l.contains(b))
            .unwrap_or_else(|| panic!("no `{b}` in {text}"));
        assert!(text.contains(a), "no `{a}`");
        let after: String = text
            .lines()
            .skip(later + 1)
            .take_while(|l| l.starts_with("  "))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            after.contains(&format!("Changes \"{a}\"")),
            "`{b}` is not marked as a change: {after}"
        );
    }

    let leaked: Vec<&String> = tree
        .questions
        .iter()
        .filter(|q| found.contains(&norm(q)))
        .collect();
    assert!(
        leaked.is_empty(),
        "open questions taken as decisions: {leaked:#?}"
    );
}
