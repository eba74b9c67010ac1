//! `replan migrate`, `restore` and `consolidate` end to end, on the sample tree and
//! on the user's real tree rebuilt from ../shared/corpus.

use std::path::{Path, PathBuf};

use crate::common::*;

const EPOCH: &str = "1700000000";

fn samples() -> Option<PathBuf> {
    let p = repo().join("samples/pcc");
    if p.join(".claude").is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: samples/pcc is absent");
        None
    }
}

/// Every relative link outside the archive that does not resolve, by its text.
fn broken_links(root: &Path) -> Vec<String> {
    use replan::model::links::{resolve, Target};
    use replan::model::Document;
    let mut docs = std::collections::HashMap::new();
    for (rel, bytes) in snapshot(root) {
        if rel.ends_with(".md") {
            if let Ok(t) = String::from_utf8(bytes) {
                docs.insert(PathBuf::from(&rel), Document::from_text(&rel, &t));
            }
        }
    }
    let has = |p: &Path, a: &Option<String>| -> bool {
        match docs.get(p) {
            Some(d) => a.as_ref().is_none_or(|a| {
                a.is_empty()
                    || d.headings
                        .iter()
                        .any(|h| h.anchor().eq_ignore_ascii_case(a))
            }),
            None => root.join(p).exists(),
        }
    };
    let mut out = Vec::new();
    for (rel, doc) in &docs {
        if rel.starts_with(".claude/archive") {
            continue;
        }
        for l in &doc.links {
            let ok = match resolve(rel, &l.url) {
                Target::SameFile { anchor } => has(rel, &Some(anchor)),
                Target::File { path, anchor } => has(&path, &anchor),
                _ => true,
            };
            if !ok {
                out.push(l.url.clone());
            }
        }
    }
    out.sort();
    out
}

/// The JSON report of `replan <command> --dry-run` (migrate or consolidate).
fn dry_run_report(command: &str, root: &Path) -> serde_json::Value {
    let out = replan()
        .args([command, "--dry-run", "--format", "json"])
        .arg(root)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

/// What `migrate` of `root` would apply, from its dry-run report: the files it
/// writes (creates, modifies and the manifest) and the originals it moves. Apply
/// ticks a step for each write staged, each original copied to the archive, each
/// write renamed into place and each original removed.
fn apply_steps(root: &Path) -> (usize, usize) {
    let v = dry_run_report("migrate", root);
    let sum = |k: &str| v["summary"][k].as_u64().unwrap() as usize;
    // The manifest is one more write, and the file of the modified files'
    // originals another when there are any.
    let originals = usize::from(sum("modified") > 0);
    (
        sum("created") + sum("modified") + 1 + originals,
        sum("moved"),
    )
}

fn migrate(root: &Path) -> assert_cmd::assert::Assert {
    replan()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .arg("migrate")
        .arg(root)
        .assert()
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let Some(s) = samples() else { return };
    let dir = copy_tree(&s);
    let before = snapshot(dir.path());
    let out = replan()
        .args(["migrate", "--dry-run"])
        .arg(dir.path())
        .assert()
        .success();
    let o = out.get_output();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stdout.contains("rename from .claude/plans/devtest-deployment/phase-4-working-notes.md\nrename to .claude/archive/original-phases/devtest-deployment/phase-4-working-notes.md"),
        "{stdout}"
    );
    assert!(stdout.contains("new file mode 100644"));
    assert!(stdout.contains("+++ b/.claude/status/brief.md"));
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert!(
        stderr.contains("phase-2.8.md"),
        "broken link reported: {stderr}"
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn json_plan_is_machine_readable() {
    let Some(s) = samples() else { return };
    let dir = copy_tree(&s);
    let before = snapshot(dir.path());
    let v = dry_run_report("migrate", dir.path());
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["moved"], 4);
    assert!(v["ops"].as_array().unwrap().len() > 10);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn samples_migrate_consolidate_restore() {
    let Some(s) = samples() else { return };
    let dir = copy_tree(&s);
    let root = dir.path();
    let before = snapshot(root);
    let broken = broken_links(root);
    assert!(
        broken.iter().any(|u| u.contains("phase-2.8.md")),
        "{broken:?}"
    );
    migrate(root).success();
    assert_eq!(
        broken_links(root),
        broken,
        "no link that resolved before breaks"
    );
    let plans = root.join(".claude/plans/devtest-deployment");
    // Originals byte-identical in the archive; phase-4.0.md kept in place.
    for name in [
        "phase-4-working-notes.md",
        "phase-2.5.md",
        "phase-2.6.md",
        "phase-2.7.md",
    ] {
        let orig = std::fs::read(s.join(".claude/plans/devtest-deployment").join(name)).unwrap();
        let arch = std::fs::read(
            root.join(".claude/archive/original-phases/devtest-deployment")
                .join(name),
        )
        .unwrap();
        assert_eq!(orig, arch, "{name}");
        assert!(!plans.join(name).exists(), "{name} moved");
    }
    assert!(plans.join("phase-4.0.md").exists());
    // An atomic file per present subphase of the working notes.
    let names: Vec<String> = std::fs::read_dir(&plans)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for n in [
        "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.11", "4.12", "4.13", "4.14",
    ] {
        assert!(
            names.contains(&format!("phase-{n}-"))
                || names.iter().any(|x| x.starts_with(&format!("phase-{n}-"))),
            "no file for {n}: {names:?}"
        );
    }
    let index = read(&plans, "INDEX.md");
    assert!(index.contains("phase-4.14-validate-prod-argocd-end-to-end.md"));
    let a = index.find("phase-4.9").or(index.find("phase-4.7")).unwrap();
    let b = index.find("phase-4.11").unwrap();
    assert!(a < b, "natural order");
    // brief.md anchors now point at the atomic files and resolve there.
    let brief = read(root, ".claude/status/brief.md");
    assert!(!brief.contains("phase-4-working-notes.md#"), "{brief}");
    assert!(
        brief.contains("(../plans/devtest-deployment/phase-4.12-configure-github-integration-for-prod-argocd.md#phase-412-configure-github-integration-for-prod-argocd-20-25-min)"),
        "{brief}"
    );
    assert!(
        brief.contains("(../plans/devtest-deployment/phase-2.8.md)"),
        "broken link unchanged"
    );
    for line in brief.lines().filter(|l| l.contains("phase-4.")) {
        let Some(start) = line.find("](") else {
            continue;
        };
        let url = &line[start + 2..line[start..].find(')').unwrap() + start];
        let (file, anchor) = url.split_once('#').unwrap();
        let target = root.join(".claude/status").join(file);
        let text = std::fs::read_to_string(&target).unwrap();
        let doc = replan::model::Document::from_text("x.md", &text);
        assert!(
            doc.headings.iter().any(|h| h.anchor() == anchor),
            "{url} does not resolve"
        );
    }
    // consolidate right after is empty, and --check agrees.
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
    let after = snapshot(root);
    replan().arg("consolidate").arg(root).assert().success();
    assert_eq!(snapshot(root), after, "consolidate changed nothing");
    // restore gives the original tree back byte for byte.
    replan().arg("restore").arg(root).assert().success();
    assert_eq!(snapshot(root), before);
}

#[test]
fn consolidate_check_fails_on_a_new_monolith() {
    let Some(s) = samples() else { return };
    let dir = copy_tree(&s);
    let root = dir.path();
    migrate(root).success();
    let big: String = (0..300).map(|i| format!("line {i}\n")).collect();
    std::fs::write(
        root.join(".claude/plans/devtest-deployment/phase-5.md"),
        format!("# Phase 5.1: New\n\n{big}\n# Phase 5.2: Newer\n\ntext\n"),
    )
    .unwrap();
    let out = replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("phase-5.md"), "{stdout}");
    // It says why, not "(over budget or several subphases)".
    assert!(
        stdout.contains("phase-5.md (306 lines, over 200; 2 subphases) and archive it as"),
        "{stdout}"
    );
    // consolidate splits it; a second run changes nothing.
    replan().arg("consolidate").arg(root).assert().success();
    let plans = root.join(".claude/plans/devtest-deployment");
    assert!(!plans.join("phase-5.md").exists());
    assert!(read(&plans, "INDEX.md").contains("phase-5.2-newer.md"));
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
    let snap = snapshot(root);
    replan().arg("consolidate").arg(root).assert().success();
    assert_eq!(snapshot(root), snap);
    // restore undoes the consolidate only.
    replan().arg("restore").arg(root).assert().success();
    assert!(plans.join("phase-5.md").exists());
    assert!(!read(&plans, "INDEX.md").contains("phase-5.2"));
}

#[test]
fn restore_refuses_after_edits_unless_forced() {
    let Some(s) = samples() else { return };
    let dir = copy_tree(&s);
    let root = dir.path();
    let before = snapshot(root);
    migrate(root).success();
    let edited = root.join(".claude/plans/devtest-deployment/INDEX.md");
    std::fs::write(&edited, "my notes\n").unwrap();
    let snap = snapshot(root);
    let out = replan().arg("restore").arg(root).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("INDEX.md"), "{err}");
    assert_eq!(snapshot(root), snap, "nothing written");
    replan()
        .args(["restore", "--force"])
        .arg(root)
        .assert()
        .success();
    assert_eq!(snapshot(root), before);
}

#[test]
fn crash_between_steps_is_finished_or_undone() {
    let Some(s) = samples() else { return };
    let clean = copy_tree(&s);
    let before = snapshot(clean.path());
    let (writes, moves) = apply_steps(clean.path());
    let total = 2 * writes + 2 * moves;
    migrate(clean.path()).success();
    let want = snapshot(clean.path());
    let mut points = vec![1, 2, writes - 1, writes, writes + 1, writes + moves];
    points.extend([
        writes + moves + 1,
        writes + moves + writes / 2,
        2 * writes + moves,
    ]);
    points.extend([2 * writes + moves + 1, total - 1]);
    points.sort();
    points.dedup();
    for n in points {
        let dir = copy_tree(&s);
        crash_migrate_then_settle(dir.path(), n, &before, &want);
    }
    // One step past the end is no crash at all.
    let dir = copy_tree(&s);
    replan()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("REPLAN_FAIL_AFTER", (total + 1).to_string())
        .arg("migrate")
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(snapshot(dir.path()), want);
}

#[test]
fn refuses_dirty_git_files_unless_allowed() {
    let Some(s) = samples() else { return };
    let dir = copy_tree(&s);
    let root = dir.path();
    if !crate::common::git_commit_all(root, None) {
        eprintln!("skipping: git not available");
        return;
    }
    std::fs::write(
        root.join(".claude/status/brief.md"),
        read(root, ".claude/status/brief.md") + "\nmine\n",
    )
    .unwrap();
    let snap = snapshot(root);
    let out = migrate(root).code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("brief.md") && err.contains("--allow-dirty"),
        "{err}"
    );
    assert_eq!(snapshot(root), snap);
    replan()
        .args(["migrate", "--allow-dirty"])
        .arg(root)
        .assert()
        .success();
}

#[test]
fn real_tree_migrates_and_restores() {
    let Some(dir) = real_tree() else { return };
    let root = dir.path();
    let before = snapshot(root);
    replan()
        .args(["migrate", "--dry-run"])
        .arg(root)
        .assert()
        .success();
    assert_eq!(snapshot(root), before);
    let broken = broken_links(root);
    migrate(root).success();
    assert_eq!(
        broken_links(root),
        broken,
        "no link that resolved before breaks"
    );
    let plans = root.join(".claude/plans/devtest-deployment");
    let names: Vec<String> = std::fs::read_dir(&plans)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for n in [
        "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.11", "4.12", "4.13", "4.14",
    ] {
        assert!(
            names.iter().any(|x| x.starts_with(&format!("phase-{n}-"))),
            "no file for {n}: {names:?}"
        );
    }
    assert!(plans.join("INDEX.md").exists());
    // The mislabeled 4.7 is still reported once it is split: its continuation
    // parts are read with the part holding its heading.
    let out = replan()
        .args(["check", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mislabeled: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "phase.mislabeled")
        .collect();
    assert_eq!(mislabeled.len(), 1, "{mislabeled:?}");
    assert!(
        mislabeled[0]["path"]
            .as_str()
            .unwrap()
            .contains("devtest-deployment/phase-4.7-"),
        "{mislabeled:?}"
    );
    assert!(mislabeled[0]["message"]
        .as_str()
        .unwrap()
        .contains("prod 187 vs nonprod 27"));
    // Retired plans under .claude/plans/archived/ are left alone (plan_exclude).
    let retired = ".claude/plans/archived/master-plan-v1-8-phases.md";
    assert_eq!(
        std::fs::read(root.join(retired)).unwrap(),
        before.iter().find(|(p, _)| p == retired).unwrap().1
    );
    assert!(!root.join(".claude/plans/archived/INDEX.md").exists());
    assert_eq!(
        std::fs::read(
            root.join(
                ".claude/archive/original-phases/devtest-deployment/phase-4-working-notes.md"
            )
        )
        .unwrap(),
        std::fs::read(real_notes().unwrap()).unwrap()
    );
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
    replan().arg("restore").arg(root).assert().success();
    assert_eq!(snapshot(root), before);
}

#[test]
fn decisions_land_in_topic_files_and_consolidate_picks_up_new_ones() {
    let Some(s) = samples() else { return };
    let dir = copy_tree(&s);
    let root = dir.path();
    let before = snapshot(root);
    migrate(root).success();
    let arch = root.join(".claude/architecture");
    assert!(arch.join("argocd-design.md").exists(), "topic file written");
    // A hand-written line outside the markers, and a new decision in a plan file.
    let gke = arch.join("gke-design.md");
    let text = std::fs::read_to_string(&gke).unwrap();
    std::fs::write(&gke, format!("{text}\nHand-written note.\n")).unwrap();
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
    let plan = root.join(".claude/plans/devtest-deployment/phase-3.1.md");
    let t = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(
        &plan,
        format!("{t}\n- **Decision**: Use zonal node pools pinned to us-east4-a for devops nonprod.\n  - Rationale: cheaper, and nonprod needs no regional HA.\n"),
    )
    .unwrap();
    let out = replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("gke-design.md"), "{stdout}");
    let before_text = std::fs::read_to_string(&gke).unwrap();
    replan().arg("consolidate").arg(root).assert().success();
    let text = std::fs::read_to_string(&gke).unwrap();
    assert!(text.contains("zonal node pools"), "{text}");
    // Exactly that decision is added; nothing else changes but the block's checksum.
    let old: Vec<&str> = before_text.lines().collect();
    let new: Vec<&str> = text.lines().collect();
    let added: Vec<&&str> = new
        .iter()
        .filter(|l| !old.contains(l) && !l.contains("replan:decisions:begin"))
        .collect();
    let removed: Vec<&&str> = old
        .iter()
        .filter(|l| !new.contains(l) && !l.contains("replan:decisions:begin"))
        .collect();
    assert_eq!(added.len(), 2, "{added:?}");
    assert!(added[0].contains("zonal node pools") && added[1].contains("Rationale"));
    assert!(removed.is_empty(), "{removed:?}");
    assert!(text.contains("Hand-written note."), "{text}");
    let snap = snapshot(root);
    replan().arg("consolidate").arg(root).assert().success();
    assert_eq!(snapshot(root), snap, "second consolidate changes nothing");
    // Undo consolidate, then migrate.
    replan().arg("restore").arg(root).assert().success();
    let text = std::fs::read_to_string(&gke).unwrap();
    assert!(!text.contains("zonal node pools") && text.contains("Hand-written note."));
    std::fs::write(&plan, t).unwrap();
    // Restoring the migrate that created the topic file keeps the hand-written
    // text and removes only the generated block; everything else is as before.
    replan().arg("restore").arg(root).assert().success();
    let text = std::fs::read_to_string(&gke).unwrap();
    assert!(
        text.contains("Hand-written note.") && !text.contains("replan:decisions"),
        "{text}"
    );
    std::fs::remove_file(&gke).unwrap();
    assert_eq!(snapshot(root), before);
}

fn monolith() -> String {
    let mut s = String::from("# Notes\n\n");
    for i in 1..=3 {
        s.push_str(&format!("## Phase 9.{i}: Step {i}\n\n"));
        for j in 0..90 {
            s.push_str(&format!("Line {j} of step {i}.\n"));
        }
        s.push('\n');
    }
    s
}

#[test]
fn hostile_tree_is_refused_or_skipped_without_loss() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plans = root.join(".claude/plans/x");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::write(plans.join("notes.md"), monolith()).unwrap();
    std::fs::write(plans.join("bad.md"), b"# Bad \xff\n").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), monolith()).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), plans.join("link.md")).unwrap();
    // The archive folder is a symlink out of the root: nothing may be written there.
    std::os::unix::fs::symlink(outside.path(), root.join(".claude/archive")).unwrap();
    let before = snapshot(root);
    let out = migrate(root).code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("symlink"), "{err}");
    assert_eq!(snapshot(root), before);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
    // Without the symlinked archive: the monolith is split; the file that is not
    // UTF-8 links to nothing that moves, so it is left as it is, and said.
    std::fs::remove_file(root.join(".claude/archive")).unwrap();
    let out = migrate(root).success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains(".claude/plans/x/bad.md:1: not valid UTF-8") && err.contains("left as it is"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(plans.join("bad.md")).unwrap(),
        b"# Bad \xff\n"
    );
    // `notes.md` does not carry its subphases' number: its parts get a folder.
    assert!(plans.join("notes/phase-9.2-step-2.md").exists());
    assert!(std::fs::symlink_metadata(plans.join("link.md"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(outside.path().join("secret.md")).unwrap(),
        monolith()
    );
    replan().arg("restore").arg(root).assert().success();
    assert_eq!(
        std::fs::read_to_string(plans.join("notes.md")).unwrap(),
        monolith()
    );
}

#[test]
fn json_apply_reports_applied_and_sarif_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plans = root.join(".claude/plans/x");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::write(plans.join("notes.md"), monolith()).unwrap();
    replan()
        .args(["migrate", "--format", "sarif"])
        .arg(root)
        .assert()
        .code(2);
    let out = replan()
        .args(["migrate", "--format", "json"])
        .arg(root)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["applied"], true);
    assert_eq!(v["summary"]["moved"], 1);
    assert!(root
        .join(".claude/archive/original-phases/x/notes.md")
        .exists());
}

#[test]
fn restore_never_overwrites_a_new_file_in_an_originals_place() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plans = root.join(".claude/plans/x");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::write(plans.join("notes.md"), monolith()).unwrap();
    migrate(root).success();
    std::fs::write(plans.join("notes.md"), "my new notes\n").unwrap();
    let snap = snapshot(root);
    for args in [vec!["restore"], vec!["restore", "--force"]] {
        let out = replan().args(&args).arg(root).assert().code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(err.contains("notes.md"), "{err}");
        assert_eq!(snapshot(root), snap);
    }
}

#[test]
fn a_link_that_would_break_stops_the_migration() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plans = root.join(".claude/plans/x");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::write(plans.join("notes.md"), monolith()).unwrap();
    // An entity in the destination: its text cannot be located exactly, so it
    // cannot be rewritten. (Reference definitions can: see the second file.)
    std::fs::write(
        root.join("brief.md"),
        "See [step 2](.claude/plans/x/notes&#46;md#phase-92-step-2).\n",
    )
    .unwrap();
    std::fs::write(
        root.join("ref.md"),
        "See [step 2][s].\n\n[s]: .claude/plans/x/notes.md#phase-92-step-2\n",
    )
    .unwrap();
    let before = snapshot(root);
    let out = migrate(root).code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("brief.md:1") && err.contains("nothing written"),
        "{err}"
    );
    assert!(!err.contains("ref.md"), "{err}");
    assert_eq!(snapshot(root), before);
    std::fs::remove_file(root.join("brief.md")).unwrap();
    migrate(root).success();
    assert_eq!(
        read(root, "ref.md"),
        "See [step 2][s].\n\n[s]: .claude/plans/x/notes/phase-9.2-step-2.md#phase-92-step-2\n"
    );
}

#[test]
fn hand_written_topic_text_survives_migrate_and_restore() {
    let Some(s) = samples() else { return };
    let dir = copy_tree(&s);
    let root = dir.path();
    let arch = root.join(".claude/architecture");
    std::fs::create_dir_all(&arch).unwrap();
    // Its link into a file that is split is rewritten in the same write that
    // adds the decisions (one op per file).
    let mine = "# ArgoCD design\n\nWritten by hand before any migration. See \
        [4.3](../plans/devtest-deployment/phase-4-working-notes.md#phase-43-install-argocd-on-devops-nonprod-cluster-20-30-min).\n";
    std::fs::write(arch.join("argocd-design.md"), mine).unwrap();
    let before = snapshot(root);
    let broken = broken_links(root);
    migrate(root).success();
    let text = read(&arch, "argocd-design.md");
    assert!(
        text.contains("Written by hand before any migration."),
        "{text}"
    );
    assert!(
        text.contains("(../plans/devtest-deployment/phase-4.3-install-argocd-on-devops-nonprod-cluster.md#phase-43-install-argocd-on-devops-nonprod-cluster-20-30-min)"),
        "{text}"
    );
    assert_eq!(broken_links(root), broken);
    assert!(text.contains("replan:decisions:begin"), "{text}");
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
    replan().arg("restore").arg(root).assert().success();
    assert_eq!(snapshot(root), before);
}

/// After a migrate, a new file with an archived original's name and part names
/// that clash with existing parts is split with `-2` names and archived beside
/// the first original, instead of blocking every later consolidate.
#[test]
fn a_reused_monolith_name_is_split_and_archived_with_new_names() {
    let Some(s) = samples() else { return };
    let dir = copy_tree(&s);
    let root = dir.path();
    migrate(root).success();
    let plans = root.join(".claude/plans/devtest-deployment");
    // Subphases long enough to be files of their own.
    let again = format!(
        "# Notes\n\n#### Phase 4.12: Configure GitHub Integration for Prod ArgoCD (20-25 min)\n\n{}#### Phase 4.13: Other\n\n{}",
        "new text\n\n".repeat(8),
        "more\n\n".repeat(8)
    );
    std::fs::write(plans.join("phase-4-working-notes.md"), &again).unwrap();
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(1);
    replan().arg("consolidate").arg(root).assert().success();
    assert!(!plans.join("phase-4-working-notes.md").exists());
    assert_eq!(
        read(
            root,
            ".claude/archive/original-phases/devtest-deployment/phase-4-working-notes-2.md"
        ),
        again
    );
    assert!(read(
        &plans,
        "phase-4.12-configure-github-integration-for-prod-argocd-2.md"
    )
    .contains("new text"));
    let snap = snapshot(root);
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
    replan().arg("consolidate").arg(root).assert().success();
    assert_eq!(snapshot(root), snap);
}

/// On a small tree, a crash injected after every single apply step (not only at
/// stage boundaries) is undone by restore and finished by re-running migrate.
#[test]
fn crash_after_every_step_of_a_small_tree() {
    let clean = tempfile::tempdir().unwrap();
    let plans = clean.path().join(".claude/plans/p");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::create_dir_all(clean.path().join(".claude/status")).unwrap();
    std::fs::write(plans.join("phase-9-notes.md"), monolith()).unwrap();
    std::fs::write(
        clean.path().join(".claude/status/brief.md"),
        "See [step 2](../plans/p/phase-9-notes.md#phase-92-step-2).\n",
    )
    .unwrap();
    crash_after_every_step(&snapshot(clean.path()));
}

/// The same where a part takes its original's name: the path is emptied by the
/// move to the archive and filled again by the part (and, on restore, the other
/// way round).
#[test]
fn crash_after_every_step_where_a_part_keeps_the_name() {
    let dir = one_subphase_over_budget();
    crash_after_every_step(&snapshot(dir.path()));
}

/// Crash `migrate` of `root` after apply step `n`; then `restore` (on a copy)
/// must give `before` back, and re-running must finish it exactly as an
/// uninterrupted run does (`want`).
fn crash_migrate_then_settle(
    root: &Path,
    n: usize,
    before: &[(String, Vec<u8>)],
    want: &[(String, Vec<u8>)],
) {
    let out = replan()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("REPLAN_FAIL_AFTER", n.to_string())
        .arg("migrate")
        .arg(root)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("injected failure"), "step {n}: {stderr}");
    let undo = copy_tree(root);
    replan().arg("restore").arg(undo.path()).assert().success();
    assert_eq!(snapshot(undo.path()), before, "restore after crash at {n}");
    migrate(root).success();
    assert_eq!(snapshot(root), want, "re-run after crash at {n}");
}

/// Crash `migrate` after each of its apply steps on a copy of `before`: restore
/// from there gives `before` back, re-running gives what an uninterrupted run
/// gives. Then the same for `restore` itself.
fn crash_after_every_step(before: &[(String, Vec<u8>)]) {
    let clean = tempfile::tempdir().unwrap();
    write_snapshot(before, clean.path());
    let (writes, moves) = apply_steps(clean.path());
    let total = 2 * writes + 2 * moves;
    assert!(total > 8, "{writes} writes, {moves} moves");
    migrate(clean.path()).success();
    let want = snapshot(clean.path());
    assert_ne!(want, before);
    for n in 1..total {
        let dir = tempfile::tempdir().unwrap();
        write_snapshot(before, dir.path());
        crash_migrate_then_settle(dir.path(), n, before, &want);
    }
    // restore, interrupted after each of its steps, is finished by restore.
    let mut crashed = 0;
    for n in 1..total {
        let d = copy_tree(clean.path());
        let out = replan()
            .env("REPLAN_FAIL_AFTER", n.to_string())
            .arg("restore")
            .arg(d.path())
            .assert();
        if out.get_output().status.success() {
            break;
        }
        crashed += 1;
        replan().arg("restore").arg(d.path()).assert().success();
        assert_eq!(snapshot(d.path()), before, "restore after crash at {n}");
    }
    assert!(crashed > 4, "restore crashed only {crashed} times");
}

/// One subphase of three 90-line tasks: over the 200-line budget.
fn subphase_over_budget(number: &str, title: &str) -> String {
    let mut s = format!("# Phase {number}: {title}\n\n");
    for k in 1..=3 {
        s.push_str(&format!("## Task {k}\n\n"));
        for j in 0..90 {
            s.push_str(&format!("Line {j} of task {k}.\n"));
        }
        s.push('\n');
    }
    s
}

/// A tree whose plan folder holds one subphase over the line budget, and a file
/// linking into its last section.
fn one_subphase_over_budget() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join(".claude/plans/p");
    std::fs::create_dir_all(&plans).unwrap();
    let s = subphase_over_budget("9.1", "Step one");
    std::fs::write(plans.join("phase-9.1-step-one.md"), s).unwrap();
    std::fs::write(
        dir.path().join("brief.md"),
        "[task 3](.claude/plans/p/phase-9.1-step-one.md#task-3)\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_split_subphase_keeps_its_name_for_its_first_part() {
    let dir = one_subphase_over_budget();
    let root = dir.path();
    let before = snapshot(root);
    let original = read(root, ".claude/plans/p/phase-9.1-step-one.md");
    migrate(root).success();
    let mut names: Vec<String> = std::fs::read_dir(root.join(".claude/plans/p"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("phase-"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["phase-9.1-step-one-part-2.md", "phase-9.1-step-one.md"],
        "no `-2` twin: the original's name is free once it is archived"
    );
    let first = read(root, ".claude/plans/p/phase-9.1-step-one.md");
    assert!(first.starts_with("# Phase 9.1: Step one\n"), "{first}");
    assert_eq!(
        read(
            root,
            ".claude/archive/original-phases/p/phase-9.1-step-one.md"
        ),
        original
    );
    let brief = read(root, "brief.md");
    assert!(
        brief.contains("phase-9.1-step-one-part-2.md#task-3"),
        "{brief}"
    );
    assert_eq!(broken_links(root), Vec::<String>::new());
    let after = snapshot(root);
    replan().arg("consolidate").arg(root).assert().success();
    assert_eq!(snapshot(root), after, "consolidate changed nothing");
    replan().arg("restore").arg(root).assert().success();
    assert_eq!(snapshot(root), before);
}

/// Write the files of a snapshot under `root`.
fn write_snapshot(files: &[(String, Vec<u8>)], root: &Path) {
    for (rel, bytes) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

/// A consolidate that splits a file its folder's INDEX.md lists both relinks and
/// rebuilds the index: one op for the file, or the second would find it changed
/// by the first, and neither a re-run nor restore could finish a crashed run.
#[test]
fn consolidate_writes_a_relinked_index_once() {
    let dir = one_subphase_over_budget();
    let root = dir.path();
    let other = root.join(".claude/plans/p/phase-9.2-other.md");
    std::fs::write(&other, "# Phase 9.2: Other\n\nsmall\n").unwrap();
    migrate(root).success();
    std::fs::write(&other, subphase_over_budget("9.2", "Other")).unwrap();
    let before = snapshot(root);
    let v = dry_run_report("consolidate", root);
    let ops = v["ops"].as_array().unwrap();
    let index: Vec<_> = ops
        .iter()
        .filter(|o| o["path"] == ".claude/plans/p/INDEX.md")
        .collect();
    assert_eq!(index.len(), 1, "{ops:?}");
    let consolidate = |root: &Path| {
        replan()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .arg("consolidate")
            .arg(root)
            .assert()
    };
    let done = copy_tree(root);
    consolidate(done.path()).success();
    let want = snapshot(done.path());
    // Crashed after any step, it is finished by consolidate and undone by restore.
    for n in 1.. {
        let d = copy_tree(root);
        let out = replan()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .env("REPLAN_FAIL_AFTER", n.to_string())
            .arg("consolidate")
            .arg(d.path())
            .assert();
        if out.get_output().status.success() {
            assert!(n > 8, "only {n} steps");
            break;
        }
        let undo = copy_tree(d.path());
        replan().arg("restore").arg(undo.path()).assert().success();
        assert_eq!(snapshot(undo.path()), before, "restore after crash at {n}");
        consolidate(d.path()).success();
        assert_eq!(snapshot(d.path()), want, "re-run after crash at {n}");
    }
    // Nothing it wrote counts as edited: restore needs no --force.
    replan().arg("restore").arg(done.path()).assert().success();
    assert_eq!(snapshot(done.path()), before);
}

/// A tree with no file under `plan_dirs` is told which setting would take its
/// plan folder, and taking the advice works.
#[test]
fn a_tree_without_plan_dirs_is_told_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("work")).unwrap();
    std::fs::write(root.join("work/notes.md"), monolith()).unwrap();
    std::fs::write(root.join("README.md"), "# Project\n").unwrap();
    let before = snapshot(root);
    let out = replan()
        .args(["migrate", "--dry-run"])
        .arg(root)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("plan_dirs: ['work/**']"), "{err}");
    assert_eq!(snapshot(root), before);
    std::fs::write(root.join("replan.yaml"), "plan_dirs: ['work/**']\n").unwrap();
    let out = migrate(root).success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        !err.contains("no Markdown file is under plan_dirs"),
        "{err}"
    );
    assert!(
        root.join("work/notes/phase-9.2-step-2.md").exists(),
        "{err}"
    );
}

/// Every part migrate writes for a subphase carries a task card whose links
/// resolve; the conservation line is in the text and JSON output; taking the
/// cards out of the parts gives back their text; `cards: false` writes none.
#[test]
fn parts_carry_cards_and_the_run_accounts_for_every_byte() {
    let Some(src) = samples() else { return };
    let dir = copy_tree(&src);
    let root = dir.path();
    let dry = replan()
        .args(["migrate", "--dry-run", "--format", "json"])
        .arg(root)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    let accounts = v["conservation"].as_array().unwrap();
    assert!(!accounts.is_empty());
    assert!(accounts
        .iter()
        .all(|a| a["equal"] == true && a["in"] == a["parts"]));
    let out = replan()
        .arg("migrate")
        .arg(root)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .assert()
        .success();
    let err = stderr_of(&out);
    assert!(
        err.contains(&format!("conservation: {} original", accounts.len()))
            && err.contains("the same in their parts: equal"),
        "{err}"
    );
    let m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(".claude/archive/replan-manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        m["runs"][0]["conservation"].as_array().unwrap().len(),
        accounts.len()
    );
    let parts: Vec<String> = m["runs"][0]["moved"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["parts"].as_array().unwrap().iter())
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    let mut carded = 0;
    for p in &parts {
        let text = std::fs::read_to_string(root.join(p)).unwrap();
        // Its first line a subphase heading: `## Phase 4.7: …`.
        let phase = text.lines().next().is_some_and(|l| {
            l.starts_with('#')
                && l.split("Phase ").nth(1).is_some_and(|r| {
                    let n: String = r
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
                        .collect();
                    n.contains('.') && n.starts_with(|c: char| c.is_ascii_digit())
                })
        });
        let has = text.contains(replan::model::markers::CARD_BEGIN);
        if has {
            carded += 1;
            let card: &str = &text[text.find(replan::model::markers::CARD_BEGIN).unwrap()..];
            let card = &card[..card.find(replan::model::markers::CARD_END).unwrap()];
            assert!(card.contains("- **Source:** ["), "{p}: {card}");
            // Every link of the card (previous, next, source, depends-on) resolves.
            for l in &replan::model::Document::from_text(p, card).links {
                let to = Path::new(p).parent().unwrap().join(&l.url);
                assert!(
                    root.join(&to).is_file(),
                    "{p}: card link {} does not resolve",
                    l.url
                );
            }
            assert!(!replan::model::markers::strip_cards(&text).contains("replan:card"));
        }
        if phase && text.starts_with('#') {
            assert!(has, "{p} holds a subphase but has no card");
        }
        if text.contains(replan::model::markers::CONTINUATION) {
            assert!(replan::model::markers::is_continuation(&text), "{p}");
        }
    }
    assert!(carded > 0);
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);

    let off = copy_tree(&src);
    std::fs::write(off.path().join("replan.yaml"), "cards: false\n").unwrap();
    replan().arg("migrate").arg(off.path()).assert().success();
    let any = crate::common::snapshot(off.path())
        .into_iter()
        .any(|(_, b)| String::from_utf8_lossy(&b).contains(replan::model::markers::CARD_BEGIN));
    assert!(!any, "cards: false still wrote a card");
}

/// A superpowers-style plan in Chinese: `### 任务 N：…` sections, a table of
/// contents linking them, each task with a long code block.
fn chinese_task_plan() -> String {
    let mut s = String::from("# 团队集成加固实施计划\n\n## 目录\n\n");
    for n in 1..=4 {
        s.push_str(&format!("- [任务 {n}](#任务-{n}第{n}项工作)\n"));
    }
    s.push_str("\n## 任务\n\n");
    for n in 1..=4 {
        s.push_str(&format!(
            "### 任务 {n}：第{n}项工作\n\n**文件：**\n- 新建：`src/task{n}.ts`\n\n```ts\n"
        ));
        for i in 0..120 {
            s.push_str(&format!("export const t{n}_{i} = {i};\n"));
        }
        s.push_str("```\n\n");
    }
    s
}

#[test]
fn a_chinese_plan_gets_names_in_its_own_words_and_links_that_resolve() {
    let d = tempfile::tempdir().unwrap();
    let plans = d.path().join("docs/plans");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::write(plans.join("2026-04-09-hardening.md"), chinese_task_plan()).unwrap();
    let before = snapshot(d.path());
    migrate(d.path()).success();
    let names: Vec<String> = snapshot(d.path())
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.starts_with("docs/plans/") && !p.ends_with("INDEX.md"))
        .collect();
    // Every part opening a task is named after it, in its own script; none is
    // a bare number or a `-part-N` of the document.
    for n in 2..=4 {
        assert!(
            names
                .iter()
                .any(|p| p.contains(&format!("任务-{n}-第{n}项工作"))),
            "{names:?}"
        );
    }
    assert!(names.iter().all(|p| !p.contains("-part-")), "{names:?}");
    // The index titles such a part by its heading, in its plan.
    let index = read(d.path(), "docs/plans/2026-04-09-hardening/INDEX.md");
    assert!(
        index.contains("| 任务 3：第3项工作 (团队集成加固实施计划, part 3 of 4) |"),
        "{index}"
    );
    assert_eq!(broken_links(d.path()), Vec::<String>::new());
    replan().arg("restore").arg(d.path()).assert().success();
    assert_eq!(snapshot(d.path()), before);
}

#[test]
fn without_claude_folder_topics_go_beside_the_docs_and_stay_there() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plans = root.join("docs/plans");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::write(
        plans.join("roadmap.md"),
        "# Roadmap\n\n## Phase 1: Storage\n\n**Decision**: Keep the ledger in one table.\n\
         **Rationale**: one writer.\n",
    )
    .unwrap();
    let before = snapshot(root);
    migrate(root).success();
    let topic = read(root, "docs/design/phase-1-storage-design.md");
    assert!(topic.contains("Keep the ledger in one table."), "{topic}");
    assert!(!root.join(".claude/architecture").exists());
    // The archive replan wrote under `.claude/` does not move the topics.
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
    replan().arg("restore").arg(root).assert().success();
    assert_eq!(snapshot(root), before);
}

#[test]
fn a_pages_folder_consolidate_empties_is_removed_and_restore_brings_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plans = root.join(".claude/plans");
    std::fs::create_dir_all(&plans).unwrap();
    // A user's empty folder beside the topics: never replan's to remove.
    std::fs::create_dir_all(root.join(".claude/architecture/drafts")).unwrap();
    let mut t = String::from("# Platform plan\n\n");
    for p in 1..=6 {
        t.push_str(&format!("## Phase 7.{p}: Stage {p}\n\n"));
        for i in 0..40 {
            t.push_str(&format!(
                "**Decision**: stage {p} picks option {i} for component {} because it is simplest.\n\n",
                p * 100 + i
            ));
        }
    }
    std::fs::write(plans.join("platform.md"), t).unwrap();
    migrate(root).success();
    let pages = root.join(".claude/architecture/phase-7");
    assert!(pages.is_dir(), "the topic is over budget: pages");
    // A larger budget: the topic fits in one file again, its pages go.
    std::fs::write(
        root.join("replan.yaml"),
        "budgets:\n  max_lines: 5000\n  max_tokens: 200000\n",
    )
    .unwrap();
    let before = snapshot_tree(root);
    replan()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .arg("consolidate")
        .arg(root)
        .assert()
        .success();
    assert!(!pages.exists(), "the emptied pages folder is removed");
    assert!(root.join(".claude/architecture/drafts").is_dir());
    let topic = read(root, ".claude/architecture/phase-7-design.md");
    assert!(
        topic.contains("picks option 2 for component 102"),
        "{topic}"
    );
    replan().arg("restore").arg(root).assert().success();
    assert_eq!(
        snapshot_tree(root),
        before,
        "restore is byte-exact, folders too"
    );
}

/// A spec's numbered sections ("### 2.1 Types") are its outline, not subphases:
/// a spec within budget is left whole. The same numbers under a "Phase 1"
/// heading are a phased plan's subphases, and each gets its file.
#[test]
fn a_spec_within_budget_keeps_its_numbered_sections_together() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plans = root.join(".claude/plans/x");
    std::fs::create_dir_all(&plans).unwrap();
    let body = |n: &str| format!("Text of {n}, a paragraph.\n\n");
    let mut spec = String::from("# Sparse matrix spec\n\n## 1. Objective\n\n");
    spec.push_str(&body("the objective"));
    spec.push_str("## 2. Design\n\n");
    for k in 1..=4 {
        spec.push_str(&format!("### 2.{k}. Part {k}\n\n{}", body("a part")));
    }
    std::fs::write(plans.join("spec.md"), &spec).unwrap();
    let plan = spec.replace("## 2. Design", "## Phase 2: Build");
    std::fs::write(plans.join("plan.md"), &plan).unwrap();
    let v = dry_run_report("migrate", root);
    let ops = v["ops"].as_array().unwrap();
    let touched = |name: &str| {
        ops.iter()
            .any(|o| o["from"].as_str().is_some_and(|f| f.ends_with(name)))
    };
    assert!(!touched("x/spec.md"), "{ops:#?}");
    assert!(touched("x/plan.md"), "{ops:#?}");
    let made: Vec<&str> = ops
        .iter()
        .filter_map(|o| o["path"].as_str())
        .filter(|p| p.starts_with(".claude/plans/x/plan/phase-"))
        .collect();
    assert_eq!(made.len(), 4, "{made:?}");
    assert!(
        made.iter().any(|p| p.ends_with("phase-2.1-part-1.md")),
        "{made:?}"
    );
}

/// A repository that ignores `.claude/` (as local tool configuration) would
/// commit the parts without the originals: migrate says so, dry run included,
/// naming the rule; a repository that keeps the archive is not warned.
#[test]
fn an_archive_git_ignores_is_named_with_its_rule() {
    let d = tempfile::tempdir().unwrap();
    let plans = d.path().join("docs/plans");
    std::fs::create_dir_all(&plans).unwrap();
    let body = "Work.\n".repeat(150);
    let text = format!("# Plan\n\n## Phase 1.1: A\n\n{body}\n## Phase 1.2: B\n\n{body}");
    std::fs::write(plans.join("plan.md"), text).unwrap();
    std::fs::write(d.path().join(".gitignore"), "target/\n.claude/\n").unwrap();
    if !git_commit_all(d.path(), None) {
        eprintln!("skipping: git is not available");
        return;
    }
    let warned = |a: &assert_cmd::assert::Assert| {
        stderr_of(a).contains(
            ".claude/archive/original-phases: git ignores the archive (.gitignore:2: .claude/)",
        )
    };
    let a = replan()
        .args(["migrate", "--dry-run"])
        .arg(d.path())
        .assert()
        .success();
    assert!(warned(&a), "{}", stderr_of(&a));
    // Near miss: the archive kept by git.
    std::fs::write(d.path().join(".gitignore"), "target/\n").unwrap();
    let a = replan()
        .args(["migrate", "--dry-run"])
        .arg(d.path())
        .assert()
        .success();
    assert!(
        !warned(&a) && !stderr_of(&a).contains("git ignores"),
        "{}",
        stderr_of(&a)
    );
}

/// A framework's file stays where it is as the index of its parts and only a
/// copy of it goes to the archive: an archive git ignores is named for the
/// copy as for a move (vici's 89 copies under an ignored `.claude/` were not).
#[test]
fn an_ignored_archive_is_named_for_a_copy_too() {
    let d = tempfile::tempdir().unwrap();
    let notes = d.path().join(".planning/notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(d.path().join(".planning/ROADMAP.md"), "# Roadmap\n").unwrap();
    let body = "Work.\n".repeat(150);
    let text = format!("# Notes\n\n## Phase 1.1: A\n\n{body}\n## Phase 1.2: B\n\n{body}");
    std::fs::write(notes.join("research.md"), text).unwrap();
    std::fs::write(d.path().join(".gitignore"), ".claude/\n").unwrap();
    if !git_commit_all(d.path(), None) {
        eprintln!("skipping: git is not available");
        return;
    }
    let a = replan()
        .args(["migrate", "--dry-run"])
        .arg(d.path())
        .assert()
        .success();
    let err = stderr_of(&a);
    assert!(
        err.contains("git ignores the archive (.gitignore:1: .claude/)"),
        "{err}"
    );
}

/// A plan force-added under an ignored `.claude/`: its parts would be ignored,
/// and a commit after the run would drop the plan from the repository (the
/// original removed, the parts never added). migrate says so, dry run
/// included; a plan git never tracked loses nothing there and is not warned.
#[test]
fn parts_git_would_ignore_of_a_committed_plan_are_named() {
    let d = tempfile::tempdir().unwrap();
    let plans = d.path().join(".claude/plans");
    std::fs::create_dir_all(&plans).unwrap();
    let body = "Work.\n".repeat(150);
    let text = format!("# Plan\n\n## Phase 1.1: A\n\n{body}\n## Phase 1.2: B\n\n{body}");
    std::fs::write(plans.join("c.md"), &text).unwrap();
    std::fs::write(d.path().join(".gitignore"), ".claude/\n").unwrap();
    if !git_commit_all(d.path(), None) {
        eprintln!("skipping: git is not available");
        return;
    }
    let dry = |d: &Path| {
        let a = replan()
            .args(["migrate", "--dry-run"])
            .arg(d)
            .assert()
            .success();
        stderr_of(&a)
    };
    let said = "tracked file(s) this plan splits";
    // Near miss: ignored and never committed, so nothing is lost to git.
    let err = dry(d.path());
    assert!(!err.contains(said), "{err}");
    let added = std::process::Command::new("git")
        .arg("-C")
        .arg(d.path())
        .args(["add", "-f", ".claude/plans/c.md"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(added);
    let err = dry(d.path());
    assert!(
        err.contains("git ignores 2 of the parts of 1 tracked file(s) this plan splits")
            && err.contains("by .gitignore:1: .claude/"),
        "{err}"
    );
}

/// A part that opens at a section of its own (`## Status log`: no H1, no
/// "Continued from" line) files its decisions under its original document's
/// topic, not under the part's file name, and `consolidate` (which knows the
/// original from the manifest) files them there too: nothing to do after.
#[test]
fn a_heading_start_part_s_decisions_stay_in_the_original_s_topic() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let steps = |w: &str| -> String {
        (0..150)
            .map(|i| format!("- {w} step {i}: do the thing carefully and write it down\n"))
            .collect()
    };
    let text = format!(
        "# Build notes\n\nThe build, as it went.\n\n## Phase 1.1: Setup\n\n{}\n\
         ## Status log\n\n**Decision**: Keep the journal on disk.\n\n{}\n\
         ## Phase 1.2: Cleanup\n\n{}",
        steps("setup"),
        steps("log"),
        steps("cleanup")
    );
    std::fs::create_dir_all(root.join(".claude/plans")).unwrap();
    std::fs::write(root.join(".claude/plans/build-notes.md"), text).unwrap();
    migrate(root).success();
    let part = read(root, ".claude/plans/build-notes/status-log.md");
    assert!(part.starts_with("## Status log"), "{part}");
    let topic = read(root, ".claude/architecture/build-notes-design.md");
    assert!(topic.contains("Keep the journal on disk"), "{topic}");
    assert!(!root
        .join(".claude/architecture/status-log-design.md")
        .exists());
    replan()
        .args(["consolidate", "--check"])
        .arg(root)
        .assert()
        .code(0);
}

/// A link to a file that is a symlink works for a reader: `migrate` neither
/// calls it broken nor leaves it unadjusted in text that moves a folder down
/// (it did, and the split's part linked to nothing).
#[cfg(unix)]
#[test]
fn a_link_to_a_symlinked_file_is_adjusted_where_its_text_moves() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plans = root.join(".claude/plans/x");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::create_dir_all(root.join(".claude/commands")).unwrap();
    std::fs::create_dir_all(root.join("shared")).unwrap();
    std::fs::write(root.join("shared/plan-cmd.md"), "# Plan command\n").unwrap();
    std::os::unix::fs::symlink(
        "../../shared/plan-cmd.md",
        root.join(".claude/commands/plan-cmd.md"),
    )
    .unwrap();
    let notes = monolith().replace(
        "Line 3 of step 2.\n",
        "Line 3 of step 2, run [the command](../../commands/plan-cmd.md).\n",
    );
    std::fs::write(plans.join("notes.md"), notes).unwrap();
    let out = migrate(root).success();
    let err = stderr_of(&out);
    assert!(!err.contains("is broken"), "{err}");
    let part = read(&plans, "notes/phase-9.2-step-2.md");
    assert!(
        part.contains("run [the command](../../../commands/plan-cmd.md)"),
        "{part}"
    );
    replan()
        .args(["check", "--color", "never"])
        .arg(root)
        .assert()
        .success();
}

/// `migrate PATH` with a folder of plans outside `plan_dirs` says how to make
/// it one, naming that folder (the hint named the project's fullest folders:
/// 85 architecture docs where the user had named their implementation plans).
#[test]
fn a_folder_named_outside_the_planning_folders_is_the_one_the_hint_names() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    let plans = root.join("docs/development/plans");
    let arch = root.join("docs/architecture");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::create_dir_all(&arch).unwrap();
    std::fs::write(plans.join("p.md"), monolith()).unwrap();
    for i in 0..5 {
        std::fs::write(arch.join(format!("a{i}.md")), "# Design\n").unwrap();
    }
    let out = replan()
        .current_dir(root)
        .args([
            "migrate",
            "--dry-run",
            "--color",
            "never",
            "docs/development/plans",
        ])
        .assert()
        .success();
    let err = stderr_of(&out);
    assert!(
        err.contains("docs/development/plans is not under plan_dirs")
            && err.contains("`plan_dirs: ['docs/development/plans/**']`"),
        "{err}"
    );
    assert!(!err.contains("docs/architecture"), "{err}");
    // Run on the project, the hint proposes the folder whose files read as
    // plans, not the fullest one of design notes.
    let out = replan()
        .current_dir(root)
        .args(["migrate", "--dry-run", "--color", "never", "."])
        .assert()
        .success();
    let err = stderr_of(&out);
    assert!(
        err.contains("'docs/development/**'") && !err.contains("docs/architecture"),
        "{err}"
    );
}

#[test]
fn restore_says_what_it_did_as_its_dry_run_said_it() {
    // The dry run counted the manifest among the files removed and the run
    // did not (7 removed, then 6).
    let dir = one_subphase_over_budget();
    let root = dir.path();
    migrate(root).success();
    let counts = |out: &[u8]| {
        let s = String::from_utf8_lossy(out).into_owned();
        let at = s.find(" moved back from the archive").expect("summary");
        let start = s[..at].rfind('(').unwrap() + 1;
        let end = s[at..].find(')').unwrap() + at;
        s[start..end].to_string()
    };
    let dry = replan()
        .args(["restore", "--dry-run"])
        .arg(root)
        .assert()
        .success();
    let real = replan().arg("restore").arg(root).assert().success();
    let (dry, real) = (
        counts(&dry.get_output().stderr),
        counts(&real.get_output().stderr),
    );
    assert_eq!(dry, real);
    assert!(real.contains("1 moved back from the archive"), "{real}");
}
