//! The numbered records folder (`decisions.records_dir`): which record each topic
//! has, and the number a new one takes. A record replan wrote names its topic in
//! its begin marker (` record=<topic>`), so it is found again whatever its number
//! or name; a new topic's record is numbered after the highest number the folder
//! holds, zero-padded as the folder already pads, so numbers already given never
//! move, and a record someone wrote is never renumbered or edited.
//!
//! A folder whose records carry a prefix (`ADR-0001-x.md`) gets new records with
//! that prefix; numbers are counted across every record of the folder, prefixed
//! or not, so a new number is never one already given. A folder replan cannot
//! number safely (two prefixes, `ADR-…` and `RFC-…`, which may count apart, or
//! Markdown files with no numbers at all) is refused with a reason: guessing
//! would give a number someone else means.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::render::record_key;

/// Padding of numbers in a folder that has none yet: MADR's own (`0001-…`).
const DEFAULT_WIDTH: usize = 4;

/// File names in a records folder that are not records (compared lowercase).
const NOT_RECORDS: &[&str] = &["readme.md", "index.md", "template.md", "adr-template.md"];

/// A records folder as it is before this run.
#[derive(Debug)]
pub(super) struct Folder {
    /// Root-relative path of the folder.
    pub dir: PathBuf,
    /// Digits of a number (`3` for `003-…`).
    width: usize,
    /// What a new record's name starts with: the folder's prefix (`ADR-`), or
    /// nothing.
    prefix: String,
    /// The highest number given so far (this run's new records included).
    highest: u64,
    /// Records replan wrote, by the topic their marker names.
    by_topic: HashMap<String, PathBuf>,
}

/// The number of a record's file name, with the prefix written before it:
/// `003-x.md` → ("", 3, 3 digits), `ADR-0001-x.md` → ("ADR-", 1, 4).
fn number(name: &str) -> Option<(&str, u64, usize)> {
    let letters = name.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    let seps = name[letters..]
        .chars()
        .take_while(|c| matches!(c, '-' | '_'))
        .count();
    if letters > 0 && seps > 1 {
        return None;
    }
    let at = letters + seps;
    let digits = name[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let rest = &name[at + digits..];
    if digits == 0 || !(rest.starts_with('-') || rest.starts_with('_')) {
        return None;
    }
    Some((&name[..at], name[at..at + digits].parse().ok()?, digits))
}

/// Folder names that hold decision records.
pub const RECORD_FOLDER_NAMES: [&str; 5] = [
    "adr",
    "adrs",
    "decisions",
    "decision-records",
    "architecture-decisions",
];

/// Whether the file at `rel` (root-relative) is a decision record: a file of
/// the configured records folder (`records_dir`), or a numbered Markdown file
/// (`0004-x.md`, `ADR-0004-x.md`) right in a folder named like one (`adr/`,
/// `decisions/`). Its decisions are recorded already; copying them into topic
/// files made a design doc per record that only repeated it.
pub fn is_record(rel: &Path, records_dir: Option<&Path>) -> bool {
    let (Some(dir), Some(name)) = (rel.parent(), rel.file_name()) else {
        return false;
    };
    let name = name.to_string_lossy();
    let lower = name.to_lowercase();
    if !lower.ends_with(".md") || NOT_RECORDS.contains(&lower.as_str()) {
        return false;
    }
    if records_dir == Some(dir) {
        return true;
    }
    let folder = dir.file_name().map(|n| n.to_string_lossy().to_lowercase());
    folder.is_some_and(|f| RECORD_FOLDER_NAMES.contains(&f.as_str())) && number(&name).is_some()
}

/// One way the records of a folder are numbered.
struct Scheme {
    /// What comes before the number, as written (`ADR-`, or "" for none).
    prefix: String,
    /// How many records use it.
    records: usize,
    /// The widest number among them.
    width: usize,
    /// The first record's name, for messages.
    first: String,
}

/// Why `dir` is not inside the root, if it is not.
pub(super) fn outside_root(dir: &Path) -> Option<String> {
    let escapes = dir.is_absolute()
        || dir
            .components()
            .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)));
    escapes.then(|| {
        format!(
            "decisions.records_dir `{}` is outside the tree; replan writes records only \
             inside the root it restructures: set a folder relative to the root, such as \
             `.claude/docs/ADR` (nothing written)",
            dir.display()
        )
    })
}

impl Folder {
    /// Read the folder from its Markdown files (`listing`, root-relative, the
    /// files directly in `dir`) and their text. An error says why no number can
    /// be given.
    pub(super) fn read(
        dir: &Path,
        listing: &[PathBuf],
        existing: &dyn Fn(&Path) -> Option<String>,
    ) -> Result<Folder, String> {
        if let Some(why) = outside_root(dir) {
            return Err(why);
        }
        let mut f = Folder {
            dir: dir.to_path_buf(),
            width: 0,
            prefix: String::new(),
            highest: 0,
            by_topic: HashMap::new(),
        };
        let mut unnumbered = Vec::new();
        let mut numbered = 0;
        // The numbering schemes the records use, as written.
        let mut schemes: Vec<Scheme> = Vec::new();
        let mut files: Vec<&PathBuf> = listing.iter().filter(|p| p.parent() == Some(dir)).collect();
        files.sort();
        for p in files {
            let Some(name) = p.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            if !name.to_lowercase().ends_with(".md")
                || NOT_RECORDS.contains(&name.to_lowercase().as_str())
            {
                continue;
            }
            if let Some(key) = existing(p).as_deref().and_then(record_key) {
                f.by_topic.entry(key).or_insert_with(|| p.clone());
            }
            match number(&name) {
                Some((prefix, n, w)) => {
                    numbered += 1;
                    f.highest = f.highest.max(n);
                    match schemes.iter_mut().find(|s| s.prefix == prefix) {
                        Some(s) => {
                            s.records += 1;
                            s.width = s.width.max(w);
                        }
                        None => schemes.push(Scheme {
                            prefix: prefix.to_string(),
                            records: 1,
                            width: w,
                            first: name.clone(),
                        }),
                    }
                }
                None => unnumbered.push(name),
            }
        }
        let prefixed: Vec<&Scheme> = schemes.iter().filter(|s| !s.prefix.is_empty()).collect();
        if prefixed
            .iter()
            .any(|s| !s.prefix.eq_ignore_ascii_case(&prefixed[0].prefix))
        {
            return Err(format!(
                "holds records numbered with two prefixes ({}), which may count apart; \
                 replan will not guess which one a new record continues: set \
                 decisions.records_dir to a folder of one scheme (nothing written)",
                prefixed
                    .iter()
                    .map(|s| s.first.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        // The scheme most records use names new ones (the prefixed one on a tie).
        if let Some(s) = schemes
            .iter()
            .max_by_key(|s| (s.records, !s.prefix.is_empty()))
        {
            f.prefix = s.prefix.clone();
            f.width = s.width;
        }
        if numbered == 0 && !unnumbered.is_empty() {
            return Err(format!(
                "holds Markdown files but none numbered `NNN-slug.md` ({}), so the next \
                 number cannot be told: number the records, or set decisions.records_dir \
                 to a folder of numbered records or an empty one (nothing written)",
                unnumbered.join(", ")
            ));
        }
        if f.width == 0 {
            f.width = DEFAULT_WIDTH;
        }
        Ok(f)
    }

    /// The record of `topic`: the one replan wrote earlier, else a new one
    /// numbered after the highest so far. `bool`: whether it is new.
    pub(super) fn record_for(&mut self, topic: &str) -> (PathBuf, bool) {
        if let Some(p) = self.by_topic.get(topic) {
            return (p.clone(), false);
        }
        self.highest += 1;
        let name = format!(
            "{}{:0w$}-{topic}.md",
            self.prefix,
            self.highest,
            w = self.width
        );
        let p = self.dir.join(name);
        self.by_topic.insert(topic.to_string(), p.clone());
        (p, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> Result<Folder, String> {
        let dir = Path::new(".claude/docs/ADR");
        let listing: Vec<PathBuf> = files.iter().map(|(n, _)| dir.join(n)).collect();
        let texts: HashMap<PathBuf, String> = files
            .iter()
            .map(|(n, t)| (dir.join(n), t.to_string()))
            .collect();
        Folder::read(dir, &listing, &|p| texts.get(p).cloned())
    }

    #[test]
    fn new_records_are_numbered_after_the_highest_padded_as_the_folder_pads() {
        let mut f = folder(&[("003-alloydb-ha.md", "# ADR 003\n"), ("README.md", "")]).unwrap();
        assert_eq!(
            f.record_for("phase-4"),
            (PathBuf::from(".claude/docs/ADR/004-phase-4.md"), true)
        );
        assert_eq!(
            f.record_for("general"),
            (PathBuf::from(".claude/docs/ADR/005-general.md"), true)
        );
        // Asked again, a topic keeps its record.
        assert!(!f.record_for("phase-4").1);
    }

    #[test]
    fn an_empty_folder_starts_at_one_with_madr_padding() {
        let mut f = folder(&[]).unwrap();
        assert_eq!(
            f.record_for("x").0,
            PathBuf::from(".claude/docs/ADR/0001-x.md")
        );
    }

    #[test]
    fn a_record_replan_wrote_keeps_its_number_even_renamed() {
        let ours = "---\nstatus: superseded\n---\n\n# X\n\n<!-- replan:decisions:begin record=phase-2 sha256=00 -->\n";
        let mut f = folder(&[("003-a.md", ""), ("010-renamed.md", ours)]).unwrap();
        assert_eq!(
            f.record_for("phase-2"),
            (PathBuf::from(".claude/docs/ADR/010-renamed.md"), false)
        );
        // A new topic still goes after the highest, not into a gap.
        assert_eq!(
            f.record_for("phase-5").0,
            PathBuf::from(".claude/docs/ADR/011-phase-5.md")
        );
    }

    #[test]
    fn a_prefixed_folder_gets_prefixed_records_numbered_after_every_record() {
        // hb-intel's ADR folder: mostly `ADR-NNNN-…`, a few without the prefix.
        let mut f = folder(&[
            ("ADR-0001-x.md", "# x\n"),
            ("ADR-0002-y.md", "# y\n"),
            ("0095-z.md", "# z\n"),
        ])
        .unwrap();
        assert_eq!(
            f.record_for("phase-4").0,
            PathBuf::from(".claude/docs/ADR/ADR-0096-phase-4.md")
        );
        // Mostly unprefixed: new ones are too.
        let mut f = folder(&[("001-a.md", ""), ("002-b.md", ""), ("adr_3-c.md", "")]).unwrap();
        assert_eq!(
            f.record_for("t").0,
            PathBuf::from(".claude/docs/ADR/004-t.md")
        );
        // Near miss: a name that only starts with letters is not a number.
        assert!(folder(&[("001-a.md", ""), ("adr-notes.md", "")]).is_ok());
    }

    #[test]
    fn a_folder_of_two_prefixes_is_refused() {
        let e = folder(&[("ADR-0001-x.md", ""), ("RFC-0002-y.md", "")]).unwrap_err();
        assert!(
            e.contains("ADR-0001-x.md, RFC-0002-y.md") && e.contains("nothing written"),
            "{e}"
        );
        // One prefix written in two cases is one scheme.
        assert!(folder(&[("ADR-0001-x.md", ""), ("adr-0002-y.md", "")]).is_ok());
    }

    #[test]
    fn a_folder_without_numbers_is_refused_but_a_readme_alone_is_not() {
        let e = folder(&[("alloydb.md", ""), ("gke.md", "")]).unwrap_err();
        assert!(e.contains("alloydb.md, gke.md"), "{e}");
        assert!(folder(&[("README.md", "# ADRs\n")]).is_ok());
    }

    #[test]
    fn only_what_replan_wrote_counts_as_generated() {
        use crate::decisions::render::{only_generated, wrap_as};
        let block = wrap_as(Some("t"), "\nx\n");
        let record = format!("---\nstatus: accepted\ndate: 2024-01-01\n---\n\n# T\n\n{block}");
        assert!(only_generated(&record));
        assert!(only_generated(&format!("# T\n\n{block}")));
        // Text someone wrote, a changed status, an edited block: not only replan's.
        assert!(!only_generated(&format!("{record}\nMine.\n")));
        assert!(!only_generated(&record.replace("accepted", "superseded")));
        assert!(!only_generated(&record.replace("\nx\n", "\ny\n")));
    }

    #[test]
    fn records_are_numbered_files_of_a_record_folder_or_the_configured_one() {
        let yes = |p: &str, dir: Option<&str>| super::is_record(Path::new(p), dir.map(Path::new));
        assert!(yes("docs/adr/0004-graph.md", None));
        assert!(yes("docs/architecture/ADR/ADR-0001-monorepo.md", None));
        assert!(yes("docs/records/why.md", Some("docs/records")));
        assert!(!yes("docs/adr/README.md", None));
        assert!(!yes("docs/adr/notes.md", None));
        assert!(!yes("docs/plans/0004-graph.md", None));
        assert!(!yes("docs/records/README.md", Some("docs/records")));
    }

    #[test]
    fn a_folder_outside_the_root_is_refused() {
        for d in ["../ADR", "/tmp/ADR", "docs/../../ADR"] {
            assert!(outside_root(Path::new(d)).is_some(), "{d}");
        }
        assert!(outside_root(Path::new(".claude/docs/ADR")).is_none());
    }
}
