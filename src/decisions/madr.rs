//! A topic's decisions as one MADR 4.0 record. The front matter (`status`,
//! `date`) and the title are written once, when the record is created, outside
//! the generated block: a person may change `status:` or add text around the
//! block, and later runs only replace the block. The block holds MADR's sections:
//! Context and Problem Statement, Considered Options (when the plans name
//! alternatives), Decision Outcome (each decision with its rationale and a link
//! back to where it is written), Consequences (when stated) and More Information.

use std::path::{Path, PathBuf};

use regex::Regex;

use super::pages::{index_lines, Body};
use super::render::{entry, link_to, wrap_as};
use super::Decision;

/// What a record is written from.
pub(super) struct Record<'a> {
    /// The topic: named in the block's marker.
    pub topic: &'a str,
    /// Root-relative path of the record.
    pub path: &'a Path,
    /// Root-relative path of the topic file with the same decisions.
    pub topic_file: &'a Path,
    /// The record's title.
    pub title: &'a str,
    /// Its decisions, in order.
    pub decisions: &'a [&'a Decision],
}

/// The title of a topic's record: the topic file's title without its suffix.
pub(super) fn title(topic_title: &str) -> String {
    let t = topic_title.trim();
    t.strip_suffix(": design decisions")
        .or_else(|| t.strip_suffix(" design"))
        .unwrap_or(t)
        .to_string()
}

/// What a new record starts with: front matter and its title.
pub(super) fn head(title: &str, date: &str) -> String {
    format!("---\nstatus: accepted\ndate: {date}\n---\n\n# {title}\n\n")
}

/// The files decisions were written in, first appearance first, with whether
/// each is archived.
fn sources(ds: &[&Decision]) -> Vec<(PathBuf, bool)> {
    let mut out: Vec<(PathBuf, bool)> = Vec::new();
    for d in ds {
        if !out.iter().any(|(p, _)| *p == d.rel) {
            out.push((d.rel.clone(), d.archived));
        }
    }
    out
}

/// A source as the record shows it: a link named by its path, or an archived
/// file's path in code (active files never send readers into the archive).
fn shown(record: &Path, rel: &Path, archived: bool) -> String {
    let name = rel.to_string_lossy().replace('\\', "/");
    if archived || crate::walk::in_archive(rel) {
        format!("`{name}` (archived)")
    } else {
        let t = name.replace(['[', ']'], "");
        format!("[{t}]({})", link_to(record, rel))
    }
}

/// Whether a decision says nothing: no letter or digit after its bold label
/// (`**Queue**: ** **`, `**Decision**: ```). A record cannot state it.
pub(super) fn no_words(text: &str) -> bool {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^\s*(?:\*\*[^*\n]+\*\*\s*:|\*\*[^*\n]+:\*\*)").expect("valid regex")
    });
    let rest = match re.find(text) {
        Some(m) => &text[m.end()..],
        None => text,
    };
    !rest.chars().any(char::is_alphanumeric)
}

/// Alternatives the plans name beside a decision: `- Alternatives: …` items (a
/// decision table's column), `Rejected:` and `Options considered:` lines.
fn alternatives(d: &Decision) -> Vec<String> {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?i)^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?:alternatives?(?: considered)?|rejected(?: alternatives?)?|options? considered)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.+)$",
        )
        .expect("valid regex")
    });
    d.text
        .lines()
        .filter_map(|l| re.captures(l))
        .map(|c| c[1].trim().to_string())
        .filter(|a| !a.is_empty())
        .collect()
}

/// The generated block of a record, its decisions whole or as a list of pages.
pub(super) fn block(r: &Record, body: &Body) -> String {
    let ds = r.decisions;
    let srcs = sources(ds);
    let mut s = String::from("\n## Context and Problem Statement\n\n");
    if ds.is_empty() {
        s.push_str(&format!(
            "The plans no longer state decisions about {}.\n",
            r.title
        ));
    } else {
        let list: Vec<String> = srcs.iter().map(|(p, a)| shown(r.path, p, *a)).collect();
        s.push_str(&format!(
            "While planning {}, the plans settle the questions below; this record gathers \
             them. Where they are written: {}.\n",
            r.title,
            list.join(", ")
        ));
    }
    let options: Vec<(String, Vec<String>)> = ds
        .iter()
        .map(|d| (super::extract::lead_text(&d.text), alternatives(d)))
        .filter(|(_, a)| !a.is_empty())
        .collect();
    if !options.is_empty() {
        s.push_str("\n## Considered Options\n\n");
        for (chosen, alts) in &options {
            s.push_str(&format!("- {} (chosen)\n", chosen.replace('\n', " ")));
            for a in alts {
                s.push_str(&format!("- {a}\n"));
            }
        }
    }
    s.push_str("\n## Decision Outcome\n\n");
    match body {
        Body::Whole([]) => s.push_str("_No decisions found._\n"),
        Body::Whole(ds) => {
            s.push_str("Chosen, each with its rationale when the plan gives one:\n\n");
            for d in ds.iter() {
                s.push_str(&entry(r.path, d));
            }
        }
        Body::Index { total, pages } => s.push_str(&index_lines(*total, pages)),
    }
    let consequences: Vec<(&Decision, &str)> = ds
        .iter()
        .filter_map(|d| d.consequences.as_deref().map(|c| (*d, c)))
        .collect();
    if !consequences.is_empty() {
        s.push_str("\n### Consequences\n\n");
        for (d, c) in consequences {
            let lead = super::extract::lead_text(&d.text);
            s.push_str(&format!("- Of \"{}\":\n", lead.replace('"', "'")));
            for l in c.lines() {
                if l.trim().is_empty() {
                    s.push('\n');
                } else {
                    s.push_str(&format!("  {l}\n"));
                }
            }
        }
    }
    s.push_str("\n## More Information\n\n");
    s.push_str(&format!(
        "Generated by `replan` from {} decision{} in the plans; the same decisions by \
         phase: [{}]({}).\n",
        ds.len(),
        if ds.len() == 1 { "" } else { "s" },
        r.title.replace(['[', ']'], ""),
        link_to(r.path, r.topic_file)
    ));
    if !srcs.is_empty() {
        s.push_str("\nSources:\n\n");
        for (p, a) in &srcs {
            s.push_str(&format!("- {}\n", shown(r.path, p, *a)));
        }
    }
    wrap_as(Some(r.topic), &s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str, rel: &str) -> Decision {
        Decision {
            rel: PathBuf::from(rel),
            line: 3,
            phase: Some("2.1".into()),
            phase_title: Some("Backups".into()),
            anchor: Some("backups".into()),
            text: text.into(),
            rationale: Some("cheaper".into()),
            archived: false,
            restated: Vec::new(),
            top_title: Some("AlloyDB".into()),
            top_loose: None,
            doc_title: "Phase 2".into(),
            changes: None,
            consequences: None,
        }
    }

    #[test]
    fn a_record_has_the_madr_sections_and_links_back() {
        let a = d(
            "**Storage**: SQLite\n- Alternatives: Postgres",
            ".claude/plans/p2.md",
        );
        let mut b = d("Keep one cluster.", ".claude/plans/p2.md");
        b.consequences = Some("No failover.".into());
        let ds = [&a, &b];
        let r = Record {
            topic: "phase-2-alloydb",
            path: Path::new(".claude/docs/ADR/004-phase-2-alloydb.md"),
            topic_file: Path::new(".claude/architecture/phase-2-alloydb-design.md"),
            title: "Phase 2: AlloyDB",
            decisions: &ds,
        };
        let out = block(&r, &Body::Whole(&ds));
        assert!(out.starts_with("<!-- replan:decisions:begin record=phase-2-alloydb sha256="));
        for s in [
            "## Context and Problem Statement",
            "## Considered Options\n\n- **Storage**: SQLite (chosen)\n- Postgres\n",
            "## Decision Outcome",
            "  - Rationale: cheaper",
            "### Consequences\n\n- Of \"Keep one cluster.\":\n  No failover.\n",
            "## More Information",
            "[Phase 2: AlloyDB](../../architecture/phase-2-alloydb-design.md)",
            "(../../plans/p2.md#backups)",
        ] {
            assert!(out.contains(s), "missing {s:?} in\n{out}");
        }
    }

    #[test]
    fn options_appear_only_when_the_plans_name_alternatives() {
        let a = d("Keep one cluster.", ".claude/plans/p2.md");
        let ds = [&a];
        let r = Record {
            topic: "t",
            path: Path::new("adr/0001-t.md"),
            topic_file: Path::new(".claude/architecture/t-design.md"),
            title: "T",
            decisions: &ds,
        };
        let out = block(&r, &Body::Whole(&ds));
        assert!(!out.contains("Considered Options"), "{out}");
        assert!(!out.contains("### Consequences"), "{out}");
    }

    #[test]
    fn a_decision_with_only_a_label_or_markup_says_nothing() {
        for t in ["**Queue**: ** **", "``", "**Cache:** ", "  "] {
            assert!(no_words(t), "{t:?}");
        }
        for t in [
            "**Apigee:**\n- Nonprod org",
            "**ADR-001: Use one cluster**",
            "Use SQLite.",
            "**Cache**: Redis",
        ] {
            assert!(!no_words(t), "{t:?}");
        }
    }

    #[test]
    fn titles_lose_the_topic_file_suffix() {
        assert_eq!(title("Phase 4: GKE: design decisions"), "Phase 4: GKE");
        assert_eq!(title("ArgoCD design"), "ArgoCD");
        assert_eq!(
            head("X", "2025-10-24"),
            "---\nstatus: accepted\ndate: 2025-10-24\n---\n\n# X\n\n"
        );
    }
}
