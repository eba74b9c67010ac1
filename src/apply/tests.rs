//! Unit tests of `apply`.

use super::*;

#[test]
fn applies_and_reapplies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("orig.md"), "o\n").unwrap();
    let mut plan = Plan::new(dir.path());
    plan.ops.push(Op::create("a/b.md", "x\n"));
    plan.ops.push(Op::moved("orig.md", "arch/orig.md", "o\n"));
    apply(&plan, ApplyOptions::default()).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a/b.md")).unwrap(),
        "x\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("arch/orig.md")).unwrap(),
        "o\n"
    );
    assert!(!dir.path().join("orig.md").exists());
    let again = apply(&plan, ApplyOptions::default()).unwrap();
    assert_eq!(again.already_done, 2);
}

fn files(root: &Path) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for p in ["p.md", "p-part-2.md", "arch/p.md"] {
        if let Ok(t) = std::fs::read_to_string(root.join(p)) {
            v.push((p.to_string(), t));
        }
    }
    v
}

fn owned(state: &[(&str, &str)]) -> Vec<(String, String)> {
    state
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

fn write_files(root: &Path, state: &[(&str, &str)]) {
    for (p, t) in state {
        let abs = root.join(p);
        std::fs::create_dir_all(abs.parent().unwrap()).unwrap();
        std::fs::write(abs, t).unwrap();
    }
}

/// From each state (of `p.md`, `p-part-2.md`, `arch/p.md`) an interruption
/// can leave, applying finishes the plan and applying again finds it done;
/// from `refused`, applying fails and changes nothing.
fn finishes_from(
    plan_in: impl Fn(&Path) -> Plan,
    states: &[&[(&str, &str)]],
    want: &[(&str, &str)],
    refused: &[(&str, &str)],
) {
    for state in states {
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), state);
        let plan = plan_in(dir.path());
        apply(&plan, ApplyOptions::default()).unwrap();
        assert_eq!(files(dir.path()), owned(want), "from {state:?}");
        let again = apply(&plan, ApplyOptions::default()).unwrap();
        assert_eq!(again.already_done, plan.ops.len());
    }
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), refused);
    assert!(apply(&plan_in(dir.path()), ApplyOptions::default()).is_err());
    assert_eq!(files(dir.path()), owned(refused));
}

#[test]
fn a_part_takes_the_name_of_its_moved_original() {
    let plan_in = |root: &Path| {
        let mut plan = Plan::new(root);
        plan.ops.push(Op::create("p.md", "one\n"));
        plan.ops.push(Op::create("p-part-2.md", "two\n"));
        plan.ops.push(Op::moved("p.md", "arch/p.md", "orig\n"));
        plan
    };
    let done = [
        ("p.md", "one\n"),
        ("p-part-2.md", "two\n"),
        ("arch/p.md", "orig\n"),
    ];
    let states: [&[(&str, &str)]; 4] = [
        &[("p.md", "orig\n")],
        &[("p.md", "orig\n"), ("arch/p.md", "orig\n")],
        &[("p.md", "one\n"), ("arch/p.md", "orig\n")],
        &done,
    ];
    // An original edited since it was read is neither archived nor replaced.
    finishes_from(plan_in, &states, &done, &[("p.md", "edited\n")]);
}

#[test]
fn an_original_moved_back_replaces_the_part_in_its_place() {
    let plan_in = |root: &Path| {
        let mut plan = Plan::new(root);
        plan.ops.push(Op::moved("arch/p.md", "p.md", "orig\n"));
        plan.ops.push(Op::delete("p.md", "one\n"));
        plan
    };
    let states: [&[(&str, &str)]; 2] = [
        &[("p.md", "one\n"), ("arch/p.md", "orig\n")],
        &[("p.md", "orig\n"), ("arch/p.md", "orig\n")],
    ];
    // Anything else in the original's place is left alone.
    let refused = [("p.md", "mine\n"), ("arch/p.md", "orig\n")];
    finishes_from(plan_in, &states, &[("p.md", "orig\n")], &refused);
}

#[test]
fn refuses_a_plan_touching_a_path_twice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("i.md"), "old\n").unwrap();
    let mut plan = Plan::new(dir.path());
    plan.ops.push(Op::create("new.md", "n\n"));
    for new in ["a\n", "b\n"] {
        plan.ops.push(Op::modify("i.md", "old\n", new));
    }
    let err = apply(&plan, ApplyOptions::default()).unwrap_err();
    assert!(err.to_string().contains("i.md"), "{err}");
    assert!(!dir.path().join("new.md").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("i.md")).unwrap(),
        "old\n"
    );
}

#[test]
fn refuses_escape_and_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let mut plan = Plan::new(dir.path());
    plan.ops.push(Op::create("../x.md", "x"));
    assert!(matches!(
        apply(&plan, ApplyOptions::default()),
        Err(ApplyError::Refused { .. })
    ));
    std::fs::write(dir.path().join("y.md"), "mine").unwrap();
    let mut plan = Plan::new(dir.path());
    plan.ops.push(Op::create("y.md", "new"));
    assert!(apply(&plan, ApplyOptions::default()).is_err());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("y.md")).unwrap(),
        "mine"
    );
    assert!(apply(
        &plan,
        ApplyOptions {
            force: true,
            ..Default::default()
        }
    )
    .is_ok());
}

#[test]
fn refuses_symlinked_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(out.path(), dir.path().join("link")).unwrap();
    let mut plan = Plan::new(dir.path());
    plan.ops.push(Op::create("link/x.md", "x"));
    assert!(apply(&plan, ApplyOptions::default()).is_err());
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn progress_counts_every_step_up_to_its_total() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("old.md"), "old\n").unwrap();
    std::fs::write(d.path().join("gone.md"), "bye\n").unwrap();
    let mut plan = Plan::new(d.path());
    plan.ops.push(Op::create("a.md", "a\n"));
    plan.ops.push(Op::modify("old.md", "old\n", "new\n"));
    plan.ops.push(Op::moved("gone.md", "arch/gone.md", "bye\n"));
    let seen = std::cell::RefCell::new(Vec::new());
    apply_reporting(&plan, ApplyOptions::default(), &|d, t| {
        seen.borrow_mut().push((d, t))
    })
    .unwrap();
    let seen = seen.into_inner();
    // Two steps a write (stage, rename) and a move (copy, remove).
    assert_eq!(seen.last(), Some(&(6, 6)), "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 + 1 == w[1].0));
}

/// The checks of one `Inside`, remembered from path to path, answer as a
/// walk that looks at every folder again (what `check_inside` did), asked
/// twice over: refused through a link or out of the root, else the path.
#[cfg(unix)]
#[test]
fn inside_checks_many_paths_as_check_inside_does_one() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::write(root.join("a/b/f.md"), "x").unwrap();
    std::os::unix::fs::symlink(root.join("a"), root.join("ln")).unwrap();
    std::os::unix::fs::symlink(root.join("a/b/f.md"), root.join("a/lf.md")).unwrap();
    let paths = [
        "a/b/f.md",
        "a/b/new.md",
        "new/dir/x.md",
        "ln",
        "ln/b/f.md",
        "a/lf.md",
        "a/lf.md/x",
        "./a/b/f.md",
        "a/../a/b/f.md",
        "/etc/passwd",
        "",
    ];
    let walk = |rel: &Path| -> Option<PathBuf> {
        let mut cur = root.to_path_buf();
        for c in rel.components() {
            match c {
                std::path::Component::Normal(n) => cur.push(n),
                std::path::Component::CurDir => {}
                _ => return None,
            }
            if std::fs::symlink_metadata(&cur).is_ok_and(|m| m.file_type().is_symlink()) {
                return None;
            }
        }
        Some(cur)
    };
    let mut inside = Inside::new(root);
    for _ in 0..2 {
        for p in paths {
            assert_eq!(inside.check(Path::new(p)).ok(), walk(Path::new(p)), "{p}");
        }
    }
    assert!(inside.check(Path::new("ln/b/f.md")).is_err());
}

/// Migrate's shape (a part takes its original's name): the archived file is
/// the original itself, under its archive name, and restore gives the same
/// file back.
#[cfg(unix)]
#[test]
fn an_archived_original_is_the_same_file_and_comes_back_as_it() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("p.md"), "orig\n").unwrap();
    let ino = |p: &str| std::fs::metadata(root.join(p)).unwrap().ino();
    let before = ino("p.md");
    let mut plan = Plan::new(root);
    plan.ops.push(Op::create("p.md", "one\n"));
    plan.ops.push(Op::moved("p.md", "arch/p.md", "orig\n"));
    apply(&plan, ApplyOptions::default()).unwrap();
    assert_eq!(ino("arch/p.md"), before);
    assert_eq!(std::fs::read(root.join("p.md")).unwrap(), b"one\n");
    apply(&journal::inverse(&plan), ApplyOptions::default()).unwrap();
    assert_eq!(std::fs::read(root.join("p.md")).unwrap(), b"orig\n");
    assert!(!root.join("arch/p.md").exists());
}
