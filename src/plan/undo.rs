//! The plan that undoes a recorded run, given the disk as it is now: originals
//! come back from the archive, modified files get their recorded contents back,
//! created files are removed. A file edited since the run wrote it is named and
//! kept (unless forced), so undoing never loses an edit silently.

use std::collections::HashSet;
use std::path::Path;

use super::manifest::Run;
use super::{Op, Plan};
use crate::model::sha256;

/// A root-relative file's text now, `None` when absent.
pub type Read<'a> = &'a dyn Fn(&Path) -> anyhow::Result<Option<String>>;

/// The plan that undoes `run`, given the disk as `read` shows it; `edited`
/// collects the files changed since. Pure: `read` is the only look at the disk.
pub fn undo_plan(
    root: &Path,
    run: &Run,
    read: Read,
    force: bool,
    edited: &mut Vec<String>,
) -> anyhow::Result<Plan> {
    let mut plan = Plan::new(root);
    // What the run created and moved, by path and checksum: looked up, so a run
    // of many files is not read once per file.
    let created: HashSet<(&Path, &str)> = run
        .created
        .iter()
        .map(|c| (c.path.as_path(), c.sha256.as_str()))
        .collect();
    let moved: HashSet<(&Path, &str)> = run
        .moved
        .iter()
        .map(|m| (m.from.as_path(), m.sha256.as_str()))
        .collect();
    // Originals come back first (apply copies before it removes anything).
    for m in &run.moved {
        let archived = read(&m.to)?;
        let here = read(&m.from)?;
        // A split's first part may stand in the original's place (it took the
        // name); it is deleted below, and the original replaces it.
        let part_here = |h: &str| created.contains(&(m.from.as_path(), &*sha256(h.as_bytes())));
        match (archived, here) {
            (Some(a), Some(h)) if h != a && !part_here(&h) => anyhow::bail!(
                "{}: a different file now stands where the original goes back; move it away first (nothing written)",
                m.from.display()
            ),
            (Some(a), _) => {
                if sha256(a.as_bytes()) != m.sha256 {
                    edited.push(format!("{} (archived original)", m.to.display()));
                    if !force {
                        continue;
                    }
                }
                plan.ops.push(Op::Move {
                    from: m.to.clone(),
                    to: m.from.clone(),
                    contents: a.into(),
                });
            }
            (None, Some(h)) if sha256(h.as_bytes()) == m.sha256 => {} // already back
            (None, _) => anyhow::bail!(
                "{}: the archived original is missing; cannot restore {}",
                m.to.display(),
                m.from.display()
            ),
        }
    }
    for f in &run.modified {
        match read(&f.path)? {
            Some(t) if sha256(t.as_bytes()) == f.sha256_before => {}
            Some(t) => {
                if sha256(t.as_bytes()) != f.sha256_after {
                    edited.push(f.path.display().to_string());
                    if !force {
                        continue;
                    }
                }
                plan.ops.push(Op::Modify {
                    path: f.path.clone(),
                    old: t.into(),
                    new: f.original.clone(),
                });
            }
            None => {
                edited.push(format!("{} (deleted)", f.path.display()));
                if force {
                    plan.ops.push(Op::Create {
                        path: f.path.clone(),
                        contents: f.original.clone(),
                    });
                }
            }
        }
    }
    // Files the run removed come back, unless something else stands there now.
    for f in &run.deleted {
        match read(&f.path)? {
            None => plan.ops.push(Op::Create {
                path: f.path.clone(),
                contents: f.original.clone(),
            }),
            Some(t) if sha256(t.as_bytes()) == f.sha256 => {}
            Some(_) => edited.push(format!(
                "{} (written since it was removed)",
                f.path.display()
            )),
        }
    }
    for c in &run.created {
        if let Some(t) = read(&c.path)? {
            let sha = sha256(t.as_bytes());
            // The original already back where its first part was.
            if moved.contains(&(c.path.as_path(), sha.as_str())) {
                continue;
            }
            if sha != c.sha256 {
                // A topic file someone wrote in outside the markers: take out only
                // what replan generated and keep their text.
                if let Some(rest) = crate::decisions::without_block(&t) {
                    plan.ops.push(Op::Modify {
                        path: c.path.clone(),
                        old: t.into(),
                        new: rest.into(),
                    });
                    continue;
                }
                edited.push(c.path.display().to_string());
                if !force {
                    continue;
                }
            }
            plan.ops.push(Op::Delete {
                path: c.path.clone(),
                old: t.into(),
            });
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::manifest::DeletedFile;
    use std::path::PathBuf;

    fn run_deleting(text: &str) -> Run {
        Run {
            deleted: vec![DeletedFile {
                path: PathBuf::from("a/x-design.md"),
                sha256: sha256(text.as_bytes()),
                original: text.into(),
            }],
            ..Run::default()
        }
    }

    #[test]
    fn a_file_the_run_removed_comes_back_unless_another_stands_there() {
        let run = run_deleting("# X\n");
        let mut edited = Vec::new();
        let gone = |_: &Path| Ok(None);
        let p = undo_plan(Path::new("/r"), &run, &gone, false, &mut edited).unwrap();
        assert_eq!(
            p.ops,
            vec![Op::Create {
                path: PathBuf::from("a/x-design.md"),
                contents: "# X\n".into()
            }]
        );
        // Already back: nothing to do. Another text there: named, kept.
        let same = |_: &Path| Ok(Some("# X\n".to_string()));
        assert!(undo_plan(Path::new("/r"), &run, &same, false, &mut edited)
            .unwrap()
            .ops
            .is_empty());
        assert!(edited.is_empty());
        let other = |_: &Path| Ok(Some("# Y\n".to_string()));
        let p = undo_plan(Path::new("/r"), &run, &other, false, &mut edited).unwrap();
        assert!(p.ops.is_empty());
        assert_eq!(edited.len(), 1, "{edited:?}");
    }
}
