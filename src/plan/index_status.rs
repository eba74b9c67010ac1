//! The Status column of a folder index: each file's subphase status as its own
//! text says it ([`crate::analysis::status::derive`], the same the rules and the
//! cards use). A continuation part shows the status of the subphase it
//! continues, read over all its parts in the folder, and counts once in the
//! folder's done/open total (at its first part).

use std::collections::HashMap;

use crate::analysis::status::derive::{self, State};
use crate::config::Config;
use crate::model::markers;
use crate::plan::index::Entry;
use crate::subphase::recognise;

/// The subphase number a file stands for: its first subphase heading, else
/// its name (`phase-2.5-x.md`), else none.
fn number(name: &str, text: &str, cfg: &Config) -> String {
    let heading = text
        .lines()
        .filter_map(|l| {
            let t = l.trim_start();
            let h = t.trim_start_matches('#');
            (h.len() < t.len() && h.starts_with([' ', '\t'])).then(|| h.trim())
        })
        .find_map(|h| recognise(h, &cfg.headings, &cfg.environments));
    if let Some(sp) = heading {
        return sp.number;
    }
    cfg.check
        .numbering
        .file_name
        .regex()
        .and_then(|r| r.captures(name))
        .and_then(|c| c.name("number"))
        .map(|m| m.as_str().to_string())
        .unwrap_or_default()
}

/// Fill `status` and `state` of each entry from `texts` (the file of each entry,
/// in the same order).
pub fn fill(entries: &mut [Entry], texts: &[&str], cfg: &Config) {
    // Which entry each one continues (its own index when it starts a unit).
    let by_name: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.name.as_str(), i))
        .collect();
    let first_of: Vec<usize> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            markers::continuation_line(t)
                .and_then(crate::split::continued_from)
                .and_then(|(first, _)| by_name.get(first).copied())
                // A part of a subphase shares its status; a part of a long
                // document without subphases has its own.
                .filter(|&f| f != i && !number(&entries[f].name, texts[f], cfg).is_empty())
                .unwrap_or(i)
        })
        .collect();
    let mut units: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, &f) in first_of.iter().enumerate() {
        units.entry(f).or_default().push(i);
    }
    for (first, members) in units {
        for &i in &members {
            entries[i].state.1 = i == first;
        }
        let parts: Vec<(&str, usize)> = members.iter().map(|&i| (texts[i], 1)).collect();
        let num = number(&entries[first].name, texts[first], cfg);
        let Some(d) = derive::of_text(&cfg.check.status, &num, &parts) else {
            continue;
        };
        let at = members[d.file].min(entries.len() - 1);
        for (k, &i) in members.iter().enumerate() {
            let text = d.describe(&|l| {
                if k == d.file {
                    format!("line {l}")
                } else {
                    format!("{} line {l}", entries[at].name)
                }
            });
            entries[i].status = Some(text);
            entries[i].state.0 = Some(d.state);
        }
    }
}

/// `2 done, 12 open, 3 without a status`: subphases counted once each.
pub fn totals(entries: &[Entry]) -> Option<String> {
    let counted = |s: Option<State>| entries.iter().filter(|e| e.state == (s, true)).count();
    let (done, open) = (counted(Some(State::Done)), counted(Some(State::Open)));
    if done + open == 0 {
        return None;
    }
    let none = counted(None);
    let mut s = format!("{done} done, {open} open");
    if none > 0 {
        s.push_str(&format!(", {none} without a status"));
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;
    use crate::plan::index::render;
    use crate::tokens::Encoding;

    /// Index entries of `files`, measured and with their status filled in.
    fn filled(files: &[(&str, String)], enc: Encoding) -> Vec<Entry> {
        let mut entries: Vec<Entry> = files
            .iter()
            .map(|(n, t)| Entry::measure(n, &Document::from_text(n, t), enc))
            .collect();
        let texts: Vec<&str> = files.iter().map(|(_, t)| t.as_str()).collect();
        fill(&mut entries, &texts, &Config::builtin());
        entries
    }

    #[test]
    fn the_index_shows_each_files_status_and_counts_a_subphase_once() {
        let enc = Encoding::O200kBase;
        let cont = format!(
            "*Continued from [Phase 4.1: A](phase-4.1-a.md) (part 2 of 2).* {}\n\n",
            markers::CONTINUATION
        );
        let files = [
            (
                "phase-4.1-a.md",
                "# Phase 4.1: A\n\n- [x] one\n".to_string(),
            ),
            ("phase-4.1-a-part-2.md", format!("{cont}- [ ] two\n")),
            (
                "phase-4.2-b.md",
                "# Phase 4.2: B\n\n**Status**: ✅ Complete\n".to_string(),
            ),
            ("notes.md", "# Notes\n\nProse.\n".to_string()),
        ];
        let entries = filled(&files, enc);
        // The open box in part 2 makes 4.1 open, in both its parts.
        assert_eq!(entries[0].status.as_deref(), Some("open (1/2 checkboxes)"));
        assert_eq!(entries[1].status.as_deref(), Some("open (1/2 checkboxes)"));
        assert_eq!(
            entries[2].status.as_deref(),
            Some("done — Status: ✅ Complete (line 3)")
        );
        assert_eq!(entries[3].status, None);
        let text = render(std::path::Path::new("plans/p"), entries, enc);
        assert!(
            text.contains("1 done, 1 open, 1 without a status."),
            "{text}"
        );
        assert!(text.contains("| Status |"), "{text}");
        assert!(text.contains("| — |"), "{text}");
    }

    #[test]
    fn a_status_line_in_another_part_is_named_with_its_file() {
        let cont = format!(
            "*Continued from [Phase 4.1: A](a.md) (part 2 of 2).* {}\n\n",
            markers::CONTINUATION
        );
        let files = [
            ("a.md", "# Phase 4.1: A\n\n- [x] one\n".to_string()),
            ("a-part-2.md", format!("{cont}**Status**: In progress\n")),
        ];
        let enc = Encoding::O200kBase;
        let entries = filled(&files, enc);
        assert_eq!(
            entries[0].status.as_deref(),
            Some("open — Status: In progress (a-part-2.md line 3)")
        );
        assert_eq!(
            entries[1].status.as_deref(),
            Some("open — Status: In progress (line 3)")
        );
    }
}
