//! The manifest that makes a migration reversible: one record per run (migrate or
//! consolidate), newest last. A run lists the sha256 of every original it moved and
//! every file it generated, which new files came from which original, and the
//! original text of every file it modified in place: in a file of its own beside
//! the manifest ([`keep_originals`]), or, for runs written before there was
//! one, in the manifest. `restore` undoes the last run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{sha256, Text};
use crate::plan::{Op, Plan};

/// Format version of the manifest: 2 since the originals of modified files
/// are kept in a file of their own ([`Run::originals`]); version 1 runs hold
/// them inline and are read as they are.
pub const VERSION: u32 = 2;

/// The command a run of `check --fix` is recorded as.
pub const FIX_COMMAND: &str = "check --fix";

/// The whole manifest file.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// Runs, oldest first.
    pub runs: Vec<Run>,
}

/// One applied plan.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Run {
    /// `replan <version>`.
    pub tool: String,
    /// `migrate` or `consolidate`.
    pub command: String,
    /// UTC time (RFC 3339); `SOURCE_DATE_EPOCH` overrides the clock.
    pub time: String,
    /// Originals moved into the archive.
    pub moved: Vec<MovedFile>,
    /// Files created.
    pub created: Vec<FileSum>,
    /// Files modified in place, with their original text.
    pub modified: Vec<ModifiedFile>,
    /// Files removed (generated files no run generates any more), with their text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<DeletedFile>,
    /// The manifest's text before this run, when it was there but recorded no
    /// run: undoing the run puts it back as it was instead of removing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_before: Option<Text>,
    /// The conservation account of each original split by this run: bytes,
    /// lines and blocks in, the same over its parts, and whether they are equal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conservation: Vec<crate::plan::conserve::Account>,
    /// The file holding the original text of the files this run modified
    /// ([`keep_originals`]), with its sha256 as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originals: Option<FileSum>,
}

/// An original moved to the archive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MovedFile {
    /// Where it was.
    pub from: PathBuf,
    /// Where it is now.
    pub to: PathBuf,
    /// sha256 of its bytes (unchanged by the move).
    pub sha256: String,
    /// Files generated from it.
    pub parts: Vec<PathBuf>,
}

/// A generated file and its checksum.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileSum {
    /// Root-relative path.
    pub path: PathBuf,
    /// sha256 of its contents as written.
    pub sha256: String,
}

/// A file removed by a run, with its text so that `restore` can put it back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeletedFile {
    /// Root-relative path.
    pub path: PathBuf,
    /// sha256 of its text.
    pub sha256: String,
    /// Its text, byte for byte: the plan's own text of it, shared (a copy was
    /// every such file's text again until the manifest was written).
    pub original: Text,
}

/// A file modified in place.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ModifiedFile {
    /// Root-relative path.
    pub path: PathBuf,
    /// sha256 before.
    pub sha256_before: String,
    /// sha256 after.
    pub sha256_after: String,
    /// The original text, byte for byte, when the manifest holds it (runs
    /// recorded before [`Run::originals`]; such runs are kept as they were).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<Text>,
    /// Where the original text is in the run's originals file: its bytes
    /// `start..end`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<std::ops::Range<usize>>,
    /// Files generated from it, when it stays as their index (a framework's file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PathBuf>,
}

impl Manifest {
    /// Parse a manifest's text.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// The manifest as written to disk.
    pub fn to_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Every generated path with the checksum it was written with (latest run
    /// wins). A fix run ([`FIX_COMMAND`]) generates nothing: the files it edits
    /// stay the author's, to be split and refreshed like any other.
    pub fn generated(&self) -> HashMap<PathBuf, String> {
        let mut m = HashMap::new();
        for r in self.runs.iter().filter(|r| r.command != FIX_COMMAND) {
            for c in &r.created {
                m.insert(c.path.clone(), c.sha256.clone());
            }
            for c in &r.modified {
                m.insert(c.path.clone(), c.sha256_after.clone());
            }
        }
        m
    }
}

impl Manifest {
    /// The place of each part in its original's reading order, for the parts a
    /// run put in a folder named after their original (their index lists them in
    /// that order on every later run too).
    pub fn reading_order(&self) -> HashMap<PathBuf, usize> {
        let mut m = HashMap::new();
        for f in self.runs.iter().flat_map(|r| &r.moved) {
            if super::parts_in_own_folder(&f.from, &f.parts) {
                for (k, p) in f.parts.iter().enumerate() {
                    m.insert(p.clone(), k);
                }
            }
        }
        m
    }
}

/// The original texts of the files a plan modifies, kept in one file beside
/// the manifest ([`keep_originals`]).
#[derive(Debug, Clone)]
pub struct Originals {
    /// Root-relative path of the file.
    pub path: PathBuf,
    /// Its text: each original under a `==> path <==` line, as `head` shows
    /// several files.
    pub text: Text,
    /// Where each modified file's original is in `text`, by index of the
    /// plan's ops.
    ranges: HashMap<usize, std::ops::Range<usize>>,
}

impl Originals {
    /// The op that writes the file.
    pub fn op(&self) -> Op {
        Op::create(self.path.clone(), self.text.clone())
    }

    /// Named apart from every file `taken` says is there: two runs in one
    /// second with the same originals (a fixed `SOURCE_DATE_EPOCH`, the
    /// files reverted in between) would share one file, which restoring the
    /// later run removes from under the earlier.
    pub fn named_apart(&mut self, taken: &dyn Fn(&Path) -> bool) {
        let stem = self.path.with_extension("");
        let mut n = 1;
        while taken(&self.path) {
            n += 1;
            self.path = PathBuf::from(format!("{}-{n}.txt", stem.display()));
        }
    }
}

/// Keep the original text of every file `plan` modifies in one file, in a
/// folder beside the manifest at `manifest`, named by `time` (the run's) and
/// its text's checksum; each modify's expected text becomes a slice of that
/// file's text. In the manifest, escaped into JSON, the originals were a
/// second copy of them, ~16 MB of a 4,000-file tree whose links all move,
/// held through the writing run (issue 17); kept apart they are the same
/// bytes as the text each op expects on disk, and read as they are. `None`
/// when the plan modifies nothing. `freed` is called each time another MB of
/// the ops' own texts has been dropped (a caller may hand their pages back
/// to the system: otherwise they stay resident beside the file's text).
pub fn keep_originals(
    plan: &mut Plan,
    manifest: &Path,
    time: &str,
    freed: &dyn Fn(),
) -> Option<Originals> {
    let header = |p: &Path| format!("==> {} <==\n", crate::analysis::facts::display(p));
    let size: usize = plan
        .ops
        .iter()
        .map(|op| match op {
            Op::Modify { path, old, .. } => header(path).len() + old.len() + 1,
            _ => 0,
        })
        .sum();
    if size == 0 {
        return None;
    }
    // Sized up front and each op's text dropped as it is copied: the file's
    // text grows as the texts it holds go.
    let mut buf = String::with_capacity(size);
    let mut ranges = HashMap::new();
    let mut dropped = 0;
    for (i, op) in plan.ops.iter_mut().enumerate() {
        if let Op::Modify { path, old, .. } = op {
            if !buf.is_empty() {
                buf.push('\n');
            }
            buf.push_str(&header(path));
            let start = buf.len();
            buf.push_str(old);
            ranges.insert(i, start..buf.len());
            dropped += old.len();
            *old = Text::default();
            if dropped >= 1 << 20 {
                freed();
                dropped = 0;
            }
        }
    }
    freed();
    let text = Text::from(buf);
    for (&i, r) in &ranges {
        if let Some(Op::Modify { old, .. }) = plan.ops.get_mut(i) {
            // In bounds and on character boundaries: the bytes of a `str`.
            *old = text.slice(r.clone()).unwrap_or_default();
        }
    }
    let stamp: String = time
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let name = format!("{stamp}-{}.txt", &sha256(text.as_bytes())[..8]);
    let dir = manifest.parent().unwrap_or(Path::new(""));
    Some(Originals {
        path: dir.join("replan-originals").join(name),
        text,
        ranges,
    })
}

/// The record of a run of `command` applying `plan`, now, and the file of the
/// originals of the files it modifies ([`keep_originals`], each modify's
/// expected text become a slice of it), named apart from every file `taken`
/// says is there ([`Originals::named_apart`]). `parts` and `freed` are as
/// for [`record`] and [`keep_originals`].
pub fn record_run(
    plan: &mut Plan,
    manifest: &Path,
    command: &str,
    parts: &[(PathBuf, Vec<PathBuf>)],
    taken: &dyn Fn(&Path) -> bool,
    freed: &dyn Fn(),
) -> (Run, Option<Originals>) {
    let time = now();
    let mut originals = keep_originals(plan, manifest, &time, freed);
    if let Some(o) = originals.as_mut() {
        o.named_apart(taken);
    }
    let run = record(plan, command, parts, originals.as_ref(), time);
    (run, originals)
}

/// Record of a plan run at `time` ([`now`]), with `parts` saying which
/// created files came from which original, and `originals` the file holding
/// the modified files' originals when they were kept apart
/// ([`keep_originals`]); otherwise the manifest holds them.
pub fn record(
    plan: &Plan,
    command: &str,
    parts: &[(PathBuf, Vec<PathBuf>)],
    originals: Option<&Originals>,
    time: String,
) -> Run {
    let mut run = Run {
        tool: format!("replan {}", env!("CARGO_PKG_VERSION")),
        command: command.to_string(),
        time,
        originals: originals.map(|o| FileSum {
            path: o.path.clone(),
            sha256: sha256(o.text.as_bytes()),
        }),
        ..Default::default()
    };
    // The parts of each original, the first entry for it (as a scan would find).
    let mut parts_of: HashMap<&Path, &Vec<PathBuf>> = HashMap::new();
    for (original, list) in parts {
        parts_of.entry(original.as_path()).or_insert(list);
    }
    for (i, op) in plan.ops.iter().enumerate() {
        match op {
            Op::Create { path, contents } => run.created.push(FileSum {
                path: path.clone(),
                sha256: sha256(contents.as_bytes()),
            }),
            Op::Modify { path, old, new } => run.modified.push(ModifiedFile {
                path: path.clone(),
                sha256_before: sha256(old.as_bytes()),
                sha256_after: sha256(new.as_bytes()),
                stored: originals.and_then(|o| o.ranges.get(&i).cloned()),
                original: match originals.is_some_and(|o| o.ranges.contains_key(&i)) {
                    true => None,
                    false => Some(old.clone()),
                },
                parts: parts_of
                    .get(path.as_path())
                    .map(|p| (*p).clone())
                    .unwrap_or_default(),
            }),
            Op::Move { from, to, contents } => run.moved.push(MovedFile {
                from: from.clone(),
                to: to.clone(),
                sha256: sha256(contents.as_bytes()),
                parts: parts_of
                    .get(from.as_path())
                    .map(|p| (*p).clone())
                    .unwrap_or_default(),
            }),
            Op::Delete { path, old } => run.deleted.push(DeletedFile {
                path: path.clone(),
                sha256: sha256(old.as_bytes()),
                original: old.clone(),
            }),
        }
    }
    run
}

/// The op that writes the manifest with `run` appended, given the current text
/// (taken, not borrowed: it is the op's expected text and, for a manifest that
/// recorded no run, the run's `manifest_before`, one buffer for both).
pub fn append_op(path: &Path, current: Option<Text>, mut run: Run) -> Result<Op, String> {
    match current {
        None => {
            let m = Manifest {
                version: VERSION,
                runs: vec![run],
            };
            Ok(Op::Create {
                path: path.to_path_buf(),
                contents: m.to_text().into(),
            })
        }
        Some(old) => {
            let mut m = Manifest::parse(&old)
                .map_err(|e| format!("{}: not a replan manifest: {e}", path.display()))?;
            if m.runs.is_empty() {
                run.manifest_before = Some(old.clone());
            }
            // Its runs are read by this version's format from now on.
            m.version = m.version.max(VERSION);
            m.runs.push(run);
            Ok(Op::Modify {
                path: path.to_path_buf(),
                old,
                new: m.to_text().into(),
            })
        }
    }
}

/// Current UTC time as RFC 3339, honouring `SOURCE_DATE_EPOCH`.
pub fn now() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    rfc3339(secs)
}

/// Format seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_format() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn a_fix_run_generates_nothing() {
        let mut plan = Plan::new(".");
        plan.ops.push(Op::modify("notes.md", "o", "n"));
        let m = Manifest {
            version: VERSION,
            runs: vec![record(&plan, FIX_COMMAND, &[], None, now())],
        };
        assert!(m.generated().is_empty());
        let m = Manifest {
            version: VERSION,
            runs: vec![record(&plan, "migrate", &[], None, now())],
        };
        assert_eq!(m.generated().len(), 1);
    }

    /// The texts a run records are the plan's own, shared: copied, they were
    /// every modified file's text again (most of the input on a tree whose
    /// links all move) until the manifest was written.
    #[test]
    fn recorded_texts_share_the_plans_buffers() {
        let old: Text = "# Old \"q\"\n".into();
        let gone: Text = "# Gone\n".into();
        let mut plan = Plan::new(".");
        plan.ops.push(Op::modify("s.md", old.clone(), "# New\n"));
        plan.ops.push(Op::delete("d.md", gone.clone()));
        let run = record(&plan, "migrate", &[], None, now());
        assert!(run.modified[0].original.as_ref().unwrap().same_buffer(&old));
        assert!(run.deleted[0].original.same_buffer(&gone));
        // A manifest that recorded no run: the op expects the very text given.
        let empty: Text = Manifest::default().to_text().into();
        let op = append_op(Path::new("m.json"), Some(empty.clone()), run).unwrap();
        let Op::Modify {
            old: expected, new, ..
        } = &op
        else {
            panic!("modify expected")
        };
        assert!(expected.same_buffer(&empty));
        // Read back and written again, the text is the same bytes.
        let m = Manifest::parse(new).unwrap();
        assert_eq!(m.runs[0].manifest_before.as_deref(), Some(&*empty));
        assert_eq!(m.runs[0].modified[0].original.as_ref(), Some(&old));
        assert_eq!(m.to_text(), **new);
    }

    /// Kept apart, the originals are one file of the very texts the ops
    /// expect, which become slices of it; the manifest says where each is,
    /// and holds none of them.
    #[test]
    fn originals_are_kept_in_a_file_of_their_own() {
        let mut plan = Plan::new(".");
        plan.ops.push(Op::create("p/a1.md", "A"));
        plan.ops.push(Op::modify("s.md", "# S \"é\"\r\n", "# S2\n"));
        plan.ops.push(Op::modify("t/u.md", "no newline", "x"));
        let calls = std::cell::Cell::new(0);
        let kept = keep_originals(
            &mut plan,
            Path::new(".claude/archive/m.json"),
            "2026-12-05T10:00:00Z",
            &|| calls.set(calls.get() + 1),
        )
        .unwrap();
        assert!(calls.get() >= 1);
        assert_eq!(
            &*kept.text,
            "==> s.md <==\n# S \"é\"\r\n\n==> t/u.md <==\nno newline"
        );
        let name = kept.path.to_string_lossy().into_owned();
        assert!(
            name.starts_with(".claude/archive/replan-originals/2026-12-05T10-00-00Z-")
                && name.ends_with(".txt"),
            "{name}"
        );
        for op in &plan.ops {
            if let Op::Modify { old, .. } = op {
                assert!(old.same_buffer(&kept.text), "{op:?}");
            }
        }
        assert!(matches!(&plan.ops[1], Op::Modify { old, .. } if &**old == "# S \"é\"\r\n"));
        let run = record(&plan, "migrate", &[], Some(&kept), now());
        let m = Manifest {
            version: VERSION,
            runs: vec![run],
        };
        let text = m.to_text();
        assert!(!text.contains("no newline"), "{text}");
        let back = Manifest::parse(&text).unwrap();
        let r = &back.runs[0];
        assert_eq!(r.originals.as_ref().unwrap().path, kept.path);
        assert_eq!(
            r.originals.as_ref().unwrap().sha256,
            sha256(kept.text.as_bytes())
        );
        for f in &r.modified {
            assert!(f.original.is_none());
            let t = &kept.text[f.stored.clone().unwrap()];
            assert_eq!(sha256(t.as_bytes()), f.sha256_before);
        }
        // A file of that name there already (a run of the same second with
        // the same originals): the next free name.
        let mut apart = kept.clone();
        let first = kept.path.clone();
        let second = PathBuf::from(format!("{}-2.txt", first.with_extension("").display()));
        apart.named_apart(&|p| p == first || p == second);
        assert_eq!(
            apart.path,
            PathBuf::from(format!("{}-3.txt", first.with_extension("").display()))
        );
        let mut free = kept.clone();
        free.named_apart(&|_| false);
        assert_eq!(free.path, first);
        // Nothing modified: no file.
        let mut none = Plan::new(".");
        none.ops.push(Op::create("a.md", "A"));
        assert!(keep_originals(&mut none, Path::new("m.json"), "t", &|| {}).is_none());
    }

    /// A manifest written before originals files is read and written back
    /// byte for byte: its runs keep their originals inline.
    #[test]
    fn a_manifest_with_inline_originals_reads_as_it_was() {
        let text = "{\n  \"version\": 1,\n  \"runs\": [\n    {\n      \"tool\": \"replan 0.1.0\",\n      \"command\": \"migrate\",\n      \"time\": \"2026-12-01T00:00:00Z\",\n      \"moved\": [],\n      \"created\": [],\n      \"modified\": [\n        {\n          \"path\": \"s.md\",\n          \"sha256_before\": \"a\",\n          \"sha256_after\": \"b\",\n          \"original\": \"o\\n\"\n        }\n      ]\n    }\n  ]\n}\n";
        let m = Manifest::parse(text).unwrap();
        assert_eq!(m.runs[0].modified[0].original.as_deref(), Some("o\n"));
        assert_eq!(m.runs[0].modified[0].stored, None);
        assert_eq!(m.to_text(), text);
    }

    #[test]
    fn records_and_appends() {
        let mut plan = Plan::new(".");
        plan.ops.push(Op::moved("p/a.md", "arch/a.md", "A"));
        plan.ops.push(Op::create("p/a1.md", "A"));
        plan.ops.push(Op::modify("s.md", "o", "n"));
        let run = record(
            &plan,
            "migrate",
            &[("p/a.md".into(), vec!["p/a1.md".into()])],
            None,
            now(),
        );
        assert_eq!(run.moved[0].parts, vec![PathBuf::from("p/a1.md")]);
        assert_eq!(run.modified[0].original.as_deref(), Some("o"));
        let op = append_op(Path::new("m.json"), None, run.clone()).unwrap();
        let Op::Create { contents, .. } = &op else {
            panic!("create expected")
        };
        let op2 = append_op(Path::new("m.json"), Some(contents.clone()), run).unwrap();
        let Op::Modify { new, .. } = &op2 else {
            panic!("modify expected")
        };
        let m = Manifest::parse(new).unwrap();
        assert_eq!(m.runs.len(), 2);
        assert_eq!(m.generated().len(), 2);
        assert!(append_op(Path::new("m.json"), Some("nope".into()), Run::default()).is_err());
    }
}
