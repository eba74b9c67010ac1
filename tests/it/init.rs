//! `replan init`: a commented replan.yaml that names the repository's planning
//! folders, loads, and is never written over an existing one without --force.

use std::path::Path;
use std::process::Output;

use replan::config::Config;

use crate::common::{copy_tree, corpus, replan, snapshot};

/// Run replan in `dir`; return (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = replan().current_dir(dir).args(args).output().expect("runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn put(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A repository laid out as GSD (get-shit-done) lays one out.
fn gsd_repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    std::fs::create_dir(r.join(".git")).unwrap();
    put(r, "README.md", &"A long readme line.\n".repeat(400));
    put(r, ".planning/PROJECT.md", "# Project\n\nWhat it is.\n");
    put(
        r,
        ".planning/ROADMAP.md",
        "# Roadmap\n\n## Phase 1: Setup\n",
    );
    put(r, ".planning/STATE.md", "# State\n\nPhase 1 of 2.\n");
    let plan = format!("# Plan 01-01\n\n{}", "- [ ] a task\n".repeat(300));
    put(r, ".planning/phases/01-setup/01-01-PLAN.md", &plan);
    put(r, ".planning/phases/01-setup/01-01-SUMMARY.md", "# Done\n");
    put(r, ".planning/milestones/v1.0-ROADMAP.md", "# Old roadmap\n");
    d
}

#[test]
fn init_in_a_gsd_repo_writes_a_config_naming_planning_that_loads() {
    let d = gsd_repo();
    // From deep inside, the file goes to the project root.
    let (code, out, err) = run_in(&d.path().join(".planning/phases"), &["init"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("wrote") && err.contains("GSD"), "{err}");
    let text = std::fs::read_to_string(d.path().join("replan.yaml")).expect("written at the root");
    let cfg = Config::load(Some(d.path()), None, None).unwrap_or_else(|e| panic!("{e}\n{text}"));
    // GSD's own files keep their names under migrate (rules/frameworks.yaml),
    // so its folder is a plan folder like any other.
    assert_eq!(cfg.plan_dirs.sources(), [".planning/**"], "{text}");
    assert!(cfg.check_dirs.is_empty(), "{text}");
    assert!(
        text.contains("#   .planning/: GSD, 5 Markdown files"),
        "{text}"
    );
    assert!(cfg.exclude.is_match(".planning/milestones/v1.0-ROADMAP.md"));
    // The 300-line plan sets the folder's budget; the README keeps none.
    assert_eq!(
        cfg.budget_for(".planning/STATE.md".as_ref()).0,
        350,
        "{text}"
    );
    assert_eq!(cfg.budget_for("README.md".as_ref()), (0, 0));
    // And the repository passes its own check on day one.
    let (code, _, err) = run_in(d.path(), &["check"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn init_never_overwrites_without_force_and_a_dry_run_writes_nothing() {
    let d = gsd_repo();
    std::fs::write(
        d.path().join("replan.yaml"),
        "budgets:\n  max_lines: nope\n",
    )
    .unwrap();
    let before = snapshot(d.path());
    let (code, out, err) = run_in(d.path(), &["init"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("replan.yaml: is there already") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(snapshot(d.path()), before, "written over");

    // A dry run prints the file it would write, even over a broken one.
    let (code, out, err) = run_in(d.path(), &["init", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("plan_dirs:\n  - '.planning/**'"), "{out}");
    assert!(err.contains("nothing written"), "{err}");
    assert_eq!(snapshot(d.path()), before, "a dry run wrote");

    let (code, _, err) = run_in(d.path(), &["init", "--force", "-q"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let written = std::fs::read_to_string(d.path().join("replan.yaml")).unwrap();
    assert_eq!(written, out, "--force writes what --dry-run printed");
    Config::load(Some(d.path()), None, None).expect("loads");
}

#[test]
fn init_without_planning_folders_writes_the_built_in_ones() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join(".git")).unwrap();
    put(d.path(), "docs/guide.md", "# Guide\n");
    let (code, _, err) = run_in(d.path(), &["init"]);
    assert_eq!(code, 0, "{err}");
    let cfg = Config::load(Some(d.path()), None, None).expect("loads");
    let builtin = Config::builtin();
    assert_eq!(cfg.plan_dirs.sources(), builtin.plan_dirs.sources());
    assert_eq!(cfg.check_dirs.sources(), builtin.check_dirs.sources());
}

#[test]
fn init_without_planning_folders_offers_the_folders_whose_files_read_as_plans() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    std::fs::create_dir(r.join(".git")).unwrap();
    // The plans: a numbered phase, a checkbox; more guides than plans beside them.
    put(
        r,
        "docs/work/rollout.md",
        "# Rollout\n\n## Phase 1: Setup\n\nText.\n",
    );
    put(r, "docs/work/tasks.md", "# Tasks\n\n- [ ] wire the API\n");
    // A stale folder named like plans inside it is offered by its name, and
    // does not hide the folder that holds the plans.
    put(r, "docs/work/planning/old.md", "# Old\n\nProse.\n");
    for i in 0..4 {
        put(r, &format!("guides/g{i}.md"), "# A guide\n\nProse.\n");
        // Agent skills number their steps too, but are prompts for a tool.
        put(
            r,
            &format!(".agents/skills/s{i}/SKILL.md"),
            "# Skill\n\n## Step 1: Read\n\n- [ ] read\n",
        );
    }
    let (code, _, err) = run_in(r, &["init"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(r.join("replan.yaml")).unwrap();
    let offered = "  # - 'docs/work/**'  # 2 files that read as plans\n";
    assert!(text.contains(offered), "{text}");
    assert!(
        text.contains("  # - 'docs/work/planning/**'  # 1 Markdown file\n"),
        "{text}"
    );
    assert!(!text.contains("guides/"), "{text}");
    assert!(!text.contains("# - '.agents/"), "{text}");
    // Offered, not set: the built-in folders stay, and the file loads.
    let cfg = Config::load(Some(r), None, None).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(
        cfg.plan_dirs.sources(),
        Config::builtin().plan_dirs.sources()
    );
    // The line taken up as it is written, migrate finds the plans.
    let (_, _, err) = run_in(r, &["migrate", "--dry-run"]);
    assert!(err.contains("no Markdown file is under plan_dirs"), "{err}");
    std::fs::write(
        r.join("replan.yaml"),
        text.replace(offered, "  - 'docs/work/**'\n"),
    )
    .unwrap();
    let (code, _, err) = run_in(r, &["migrate", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !err.contains("no Markdown file is under plan_dirs"),
        "{err}"
    );
}

/// What `init` should say of each real tree in the corpus: a folder it must
/// report on and where it must sit.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("0antinomia__tui01", "plan_dirs", ".planning/**"),
    ("ahmetb__kubectl-fields", "plan_dirs", ".planning/**"),
    (
        "ahmetb__kubectl-fields",
        "exclude",
        ".planning/milestones/**",
    ),
    ("Fission-AI__OpenSpec", "plan_dirs", "openspec/**"),
    (
        "Fission-AI__OpenSpec",
        "exclude",
        "openspec/changes/archive/**",
    ),
    ("deepcausality-rs__deep_causality", "plan_dirs", "specs/**"),
    (
        "deepcausality-rs__deep_causality",
        "check_dirs",
        ".specify/**",
    ),
    ("RLGeeX__pcc-ai-memory", "plan_dirs", ".claude/plans/**"),
    ("RLGeeX__pcc-ai-memory", "check_dirs", ".claude/**"),
    ("gutohuida__AgentWeave", "plan_dirs", "openspec/**"),
    ("gutohuida__AgentWeave", "check_dirs", ".claude/**"),
    ("CMBAgents__cmbcluster", "plan_dirs", "planning/**"),
    ("tachyon-beep__elspeth", "plan_dirs", "docs/plans/**"),
];

#[test]
fn init_on_every_real_tree_writes_a_config_that_loads_and_names_its_folders() {
    let Some(corpus) = corpus() else { return };
    let plans = corpus.join("plans");
    let mut seen = 0;
    for e in std::fs::read_dir(&plans).expect("corpus/plans") {
        let src = e.expect("entry").path();
        let name = src.file_name().unwrap().to_string_lossy().into_owned();
        let d = copy_tree(&src);
        std::fs::create_dir(d.path().join(".git")).unwrap();
        let (code, _, err) = run_in(d.path(), &["init"]);
        assert_eq!(code, 0, "{name}: {err}");
        let text = std::fs::read_to_string(d.path().join("replan.yaml")).unwrap();
        let cfg = Config::load(Some(d.path()), None, None)
            .unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        for (_, key, glob) in EXPECTED.iter().filter(|x| x.0 == name) {
            let globs = match *key {
                "plan_dirs" => cfg.plan_dirs.sources(),
                "check_dirs" => cfg.check_dirs.sources(),
                _ => cfg.exclude.sources(),
            };
            assert!(
                globs.iter().any(|g| g == glob),
                "{name}: no {glob} in {key}:\n{text}"
            );
            seen += 1;
        }
        // No budget is raised past three times the built-in one.
        for o in &cfg.budgets.overrides {
            assert!(o.max_lines.unwrap_or(0) <= 600, "{name}:\n{text}");
        }
        // The tree can be checked with it (findings or not, never a failure).
        let (code, _, err) = run_in(d.path(), &["check", "-q"]);
        assert_ne!(code, 2, "{name}: {err}");
    }
    assert_eq!(seen, EXPECTED.len(), "a corpus tree is missing");
}
