//! The plan that undoes a recorded run, given the disk as it is now: originals
//! come back from the archive, modified files get their recorded contents back,
//! created files are removed. A file edited since the run wrote it is named and
//! kept (unless forced), so undoing never loses an edit silently.

use std::collections::HashSet;
use std::path::Path;

use super::manifest::{ModifiedFile, Run};
use super::{Op, Plan};
use crate::model::{sha256, Text};

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
    // The run's originals file, read when a modified file first needs its
    // original from it. An original that is not as recorded there (a tool
    // rewrote the file: line endings, trailing spaces) is named as edited and
    // put back only when forced, as an archived original is.
    let mut kept: Option<Text> = None;
    let mut original_of = |f: &ModifiedFile,
                           edited: &mut Vec<String>|
     -> anyhow::Result<Option<Text>> {
        if let Some(t) = &f.original {
            return Ok(Some(t.clone()));
        }
        let (Some(file), Some(range)) = (&run.originals, &f.stored) else {
            anyhow::bail!(
                "{}: the manifest records neither its original text nor where it is kept; cannot restore it",
                f.path.display()
            );
        };
        if kept.is_none() {
            kept = Some(
                read(&file.path)?
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "{}: the originals file is missing; cannot restore {}",
                            file.path.display(),
                            f.path.display()
                        )
                    })?
                    .into(),
            );
        }
        // Each original is checked on its own: one that is still as recorded
        // comes back even if another was edited in the file.
        let Some(t) = kept.as_ref().and_then(|k| k.slice(range.clone())) else {
            anyhow::bail!(
                "{}: too short to hold the original of {}; cannot restore it",
                file.path.display(),
                f.path.display()
            );
        };
        if sha256(t.as_bytes()) == f.sha256_before {
            return Ok(Some(t));
        }
        edited.push(format!(
            "{} (its original in {} changed since)",
            f.path.display(),
            file.path.display()
        ));
        Ok(force.then_some(t))
    };
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
                if let Some(original) = original_of(f, edited)? {
                    plan.ops.push(Op::Modify {
                        path: f.path.clone(),
                        old: t.into(),
                        new: original,
                    });
                }
            }
            None => {
                edited.push(format!("{} (deleted)", f.path.display()));
                if force {
                    if let Some(original) = original_of(f, edited)? {
                        plan.ops.push(Op::Create {
                            path: f.path.clone(),
                            contents: original,
                        });
                    }
                }
            }
        }
    }
    // The originals file goes with the run it belongs to (read once: its
    // text as the modified files' originals were taken from, if they were).
    let originals_file = match (&run.originals, kept) {
        (Some(file), Some(text)) => Some((file, text)),
        (Some(file), None) => read(&file.path)?.map(|t| (file, Text::from(t))),
        (None, _) => None,
    };
    if let Some((file, t)) = originals_file {
        let same = sha256(t.as_bytes()) == file.sha256;
        if !same {
            edited.push(format!("{} (originals file)", file.path.display()));
        }
        if same || force {
            plan.ops.push(Op::Delete {
                path: file.path.clone(),
                old: t,
            });
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

    /// A run that modified two files, their originals kept apart: the plan
    /// from `record`, so the ranges are the ones a real run writes.
    fn run_modifying() -> (Run, crate::plan::manifest::Originals) {
        let mut plan = crate::plan::Plan::new(".");
        plan.ops.push(Op::modify("a.md", "# A é\r\n", "# A2\n"));
        plan.ops.push(Op::modify("b.md", "# B\n", "# B2\n"));
        let kept = crate::plan::manifest::keep_originals(
            &mut plan,
            Path::new("m.json"),
            "2026-12-05T00:00:00Z",
            &|| {},
        )
        .unwrap();
        let run = crate::plan::manifest::record(&plan, "migrate", &[], Some(&kept), "t".into());
        (run, kept)
    }

    /// Restore reads each original from the run's originals file, checks it
    /// against the manifest's checksum, and removes the file with the run.
    #[test]
    fn originals_come_back_from_their_file_which_goes() {
        let (run, kept) = run_modifying();
        let disk = |file: &str| {
            let (kept, file) = (kept.clone(), file.to_string());
            move |p: &Path| -> anyhow::Result<Option<String>> {
                Ok(match p.to_str().unwrap() {
                    "a.md" => Some("# A2\n".into()),
                    "b.md" => Some("# B2\n".into()),
                    _ if p == kept.path => Some(file.clone()),
                    _ => None,
                })
            }
        };
        let mut edited = Vec::new();
        let read = disk(&kept.text);
        let p = undo_plan(Path::new("/r"), &run, &read, false, &mut edited).unwrap();
        assert!(edited.is_empty(), "{edited:?}");
        let news: Vec<(String, String)> = p
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Modify { path, new, .. } => Some((path.display().to_string(), new.to_string())),
                _ => None,
            })
            .collect();
        assert_eq!(
            news,
            [
                ("a.md".into(), "# A é\r\n".into()),
                ("b.md".into(), "# B\n".into())
            ]
        );
        assert!(p
            .ops
            .iter()
            .any(|op| matches!(op, Op::Delete { path, .. } if *path == kept.path)));
        // An original changed in the file is named, as is the file, and not
        // put back unless forced (then as it is there, as an edited archive
        // copy is).
        let changed = kept.text.replace("# B\n", "# C\n");
        let read = disk(&changed);
        let mut edited = Vec::new();
        let p = undo_plan(Path::new("/r"), &run, &read, false, &mut edited).unwrap();
        assert!(
            edited
                .iter()
                .any(|e| e.starts_with("b.md (its original in")),
            "{edited:?}"
        );
        assert!(
            edited.iter().any(|e| e.ends_with("(originals file)")),
            "{edited:?}"
        );
        assert!(
            !p.ops.iter().any(|op| op.path() == Path::new("b.md")),
            "{:?}",
            p.ops
        );
        let p = undo_plan(Path::new("/r"), &run, &read, true, &mut Vec::new()).unwrap();
        assert!(p
            .ops
            .iter()
            .any(|op| matches!(op, Op::Modify { path, new, .. }
            if path == Path::new("b.md") && &**new == "# C\n")));
        // A missing file: refused, naming it.
        let none = |p: &Path| -> anyhow::Result<Option<String>> {
            Ok((p.to_str() == Some("a.md")).then(|| "# A2\n".to_string()))
        };
        let err = undo_plan(Path::new("/r"), &run, &none, false, &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
        // Both back already: the file is not needed, only removed.
        let restored = |p: &Path| -> anyhow::Result<Option<String>> {
            Ok(match p.to_str().unwrap() {
                "a.md" => Some("# A é\r\n".into()),
                "b.md" => Some("# B\n".into()),
                _ => None,
            })
        };
        let p = undo_plan(Path::new("/r"), &run, &restored, false, &mut Vec::new()).unwrap();
        assert!(p.ops.is_empty(), "{:?}", p.ops);
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
