//! The subphase patterns of rules/headings.yaml as `check` sees them: each form
//! makes a skipped number a finding, and the near misses make none.

use crate::common::*;

/// `phase.*` findings of `check` over one file: (rule, subphase) pairs.
fn phase_findings(name: &str, text: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let out = replan()
        .args(["check", "--format", "json", "--root"])
        .arg(dir.path())
        .arg(dir.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("phase."))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_skipped_story_task_milestone_or_gsd_plan_is_reported() {
    for (text, missing) in [
        (
            "# Stories\n\n## Story 1.1: Sign in\n\nx\n\n## Story 1.2: Sign out\n\ny\n\n## Story 1.4: Profile\n\nz\n",
            "1.3",
        ),
        (
            "# Tasks\n\n### Task 2.1 - Schema\n\nx\n\n### Task 2.3 - API\n\ny\n",
            "2.2",
        ),
        (
            "# Roadmap\n\n## Milestone 1: Alpha\n\nx\n\n## Milestone 3: GA\n\ny\n",
            "2",
        ),
        (
            "# Roadmap\n\n## Plan 05-01: Executor\n\nx\n\n## Plan 05-03: Showcase\n\ny\n",
            "5.2",
        ),
        (
            "# Plan\n\n### Step 7.1: Test\n\nx\n\n### Step 7.2: Run\n\ny\n\n### Step 7.4: Commit\n\nz\n",
            "7.3",
        ),
    ] {
        let f = phase_findings("plan.md", text);
        assert!(
            f.iter()
                .any(|(rule, msg)| rule == "phase.missing"
                    && msg.starts_with(&format!("subphase {missing} is missing"))),
            "{missing} not reported in {text:?}: {f:?}"
        );
    }
}

#[test]
fn near_misses_are_not_subphases() {
    for text in [
        // Release notes are versions, not subphases.
        "# Changes\n\n## v1.2 release notes\n\nx\n\n## v1.4 release notes\n\ny\n",
        // Plain numbered steps are steps of a list, not subphases.
        "# Install\n\n## Step 1: install\n\nx\n\n## Step 3: run\n\ny\n",
        // Headings in code are no headings.
        "# Setup\n\n```bash\n## Step 1.1: install\n## Step 1.3: run\n```\n",
        // Times and dates are no plan ids.
        "# Log\n\n## 10-15 minutes of setup\n\nx\n\n## 2025-10-31 notes\n\ny\n",
    ] {
        let f = phase_findings("notes.md", text);
        assert!(f.is_empty(), "{text:?}: {f:?}");
    }
}
