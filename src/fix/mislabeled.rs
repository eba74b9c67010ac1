//! The fix for `phase.mislabeled` (unsafe): the heading rewritten to what the
//! evidence says. The environment words of the heading (as `environments` in the
//! rules defines them) become the body's environment, keeping their case; the
//! number becomes the one the body names itself ("Phase 4.10 Complete") when
//! that number is not taken and fits between the subphases around it. Links in
//! the same file to the old anchor (a table of contents) are rewritten in the
//! same fix, and their text too when it is the old heading's. Nothing is changed
//! when the evidence is a tie (two environments, or two numbers).

use super::{Edit, Fix, Found, Safety, Unfixable};
use crate::analysis::{self, words::EnvMatcher, FileFacts, Input, Verdict};
use crate::config::Config;
use crate::finding::Finding;
use crate::model::{Document, Source};
use crate::subphase::cmp_numbers;

/// How the heading changes: environment words and the number.
struct Relabel<'a> {
    envs: &'a EnvMatcher,
    /// (claimed, body) environments, when the words change.
    env: Option<(usize, usize)>,
    /// (old, new) number, when it changes.
    number: Option<(&'a str, &'a str)>,
}

/// `word` in the case of `like`: `PROD`, `Prod` or `prod`.
fn cased(word: &str, like: &str) -> String {
    let letters: Vec<char> = like.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        word.to_uppercase()
    } else if letters.first().is_some_and(|c| c.is_uppercase()) {
        let mut c = word.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    } else {
        word.to_lowercase()
    }
}

impl Relabel<'_> {
    /// `text` relabelled, or `None` when an environment word cannot be swapped.
    fn apply(&self, text: &str) -> Option<String> {
        let mut out = text.to_string();
        if let Some((old, new)) = self.number {
            if let Some(at) = find_number(&out, old) {
                out.replace_range(at..at + old.len(), new);
            }
        }
        if let Some((claimed, body)) = self.env {
            let name = &self.envs.names[body];
            let spans = self.envs.spans(&out);
            let mut swapped = out.clone();
            for (r, hit) in spans.into_iter().rev() {
                if hit.env != claimed {
                    continue;
                }
                let word = &out[r.clone()];
                let new = self.swap(word, claimed, body, name)?;
                swapped.replace_range(r, &new);
            }
            out = swapped;
        }
        Some(out)
    }

    /// A word (or token) of the claimed environment, turned into the body's.
    fn swap(&self, word: &str, claimed: usize, body: usize, name: &str) -> Option<String> {
        let one = |w: &str| {
            let hits = self.envs.spans(w);
            hits.len() == 1 && hits[0].1.env == body && hits[0].0 == (0..w.len())
        };
        // The whole word names the environment: its name, in the word's case.
        let whole = cased(name, word);
        let whole_env = self
            .envs
            .spans(word)
            .first()
            .is_some_and(|(r, h)| *r == (0..word.len()) && h.env == claimed);
        if whole_env && self.envs.env_of_label(word) == Some(claimed) {
            return Some(whole);
        }
        // A token such as `pcc-devops-nonprod`: swap the part that is an alias
        // of the claimed environment, when the result is a token of the body's.
        let mut start = 0;
        for part in word.split(['-', '_']) {
            if !part.is_empty() && self.envs.env_of_label(part) == Some(claimed) {
                let new = format!(
                    "{}{}{}",
                    &word[..start],
                    cased(name, part),
                    &word[start + part.len()..]
                );
                if one(&new) {
                    return Some(new);
                }
            }
            start += part.len() + 1;
        }
        None
    }
}

/// Byte offset of `number` in `text` as a whole number (not part of 14.7 or 4.71).
fn find_number(text: &str, number: &str) -> Option<usize> {
    let b = text.as_bytes();
    text.match_indices(number).map(|(i, _)| i).find(|&i| {
        let before = i.checked_sub(1).map(|k| b[k]);
        let after = b.get(i + number.len()).copied();
        let after2 = b.get(i + number.len() + 1).copied();
        let glued_before = before.is_some_and(|c| c.is_ascii_digit() || c == b'.');
        let glued_after = after.is_some_and(|c| c.is_ascii_digit())
            || (after == Some(b'.') && after2.is_some_and(|c| c.is_ascii_digit()));
        !glued_before && !glued_after
    })
}

/// The number the heading should have, or why it keeps its own.
fn new_number(facts: &FileFacts, v: &Verdict) -> Result<Option<String>, String> {
    let [n] = v.self_numbers.as_slice() else {
        return match v.self_numbers.len() {
            0 => Ok(None),
            _ => Err(format!(
                "the body names itself {}: a tie",
                v.self_numbers.join(" and ")
            )),
        };
    };
    // Deeper headings inside the section ("Phase 4.10 Complete") are the
    // evidence, not other subphases.
    let end = facts
        .subphases
        .iter()
        .find(|s| s.line == v.line)
        .map_or(v.line, |s| s.end_line);
    let taken = facts
        .subphases
        .iter()
        .map(|s| s.sp.number.as_str())
        .chain(
            facts
                .off_level
                .iter()
                .filter(|o| !(v.line..=end).contains(&o.0))
                .map(|o| o.2.as_str()),
        )
        .any(|x| x == n);
    if taken {
        return Err(format!(
            "{n}, which the body names itself, is another heading's number"
        ));
    }
    let at = facts.subphases.iter().position(|s| s.line == v.line);
    let prev = at
        .and_then(|k| k.checked_sub(1))
        .map(|k| &facts.subphases[k]);
    let next = at.and_then(|k| facts.subphases.get(k + 1));
    let fits = prev.is_none_or(|p| cmp_numbers(&p.sp.number, n).is_lt())
        && next.is_none_or(|x| cmp_numbers(n, &x.sp.number).is_lt());
    if fits {
        Ok(Some(n.clone()))
    } else {
        Err(format!(
            "{n}, which the body names itself, does not fit between the subphases around it"
        ))
    }
}

/// A subphase's verdict and the number its heading should have (or why it
/// keeps its own).
pub(super) type Judged = (Verdict, Result<Option<String>, String>);

/// What [`fix`] reads of every subphase of a file. Computed once per file by
/// the caller, not once per finding: each computation derives the file's facts
/// and scans the whole file, and a big file has a finding in many of its
/// subphases (per finding, a 5 MB file took 3 s and a 10 MB one 11 s).
pub(super) fn verdicts(cfg: &Config, input: &Input) -> Vec<Judged> {
    analysis::with_facts(cfg, input.rel, input.doc, |cx, facts| {
        analysis::mislabeled_verdicts(cx, facts)
            .into_iter()
            .map(|v| {
                let n = new_number(facts, &v);
                (v, n)
            })
            .collect()
    })
}

/// [`verdicts`] from the verdicts the rule reached on the file read on its own
/// (`check` keeps them): the numbers are worked out, the evidence not read again.
pub(super) fn numbered(cfg: &Config, input: &Input, known: &[Verdict]) -> Vec<Judged> {
    analysis::with_facts(cfg, input.rel, input.doc, |_, facts| {
        known
            .iter()
            .map(|v| (v.clone(), new_number(facts, v)))
            .collect()
    })
}

/// Add the fix for one finding, given the file's [`verdicts`].
/// Without `full`, only why there is no fix is found (the new anchor, which
/// needs the file parsed again, is not).
pub(super) fn fix(
    cfg: &Config,
    input: &Input,
    verdicts: &[Judged],
    path: &str,
    f: &Finding,
    full: bool,
    out: &mut Found,
) {
    let no = |reason: String| Unfixable {
        rule: f.rule,
        path: path.to_string(),
        line: f.line,
        reason,
    };
    let Some((v, number)) = verdicts.iter().find(|(v, _)| v.line == f.line) else {
        return;
    };
    let envs = EnvMatcher::new(&cfg.environments);
    let env = match (v.claimed, v.body_env) {
        (Some(c), Some(b)) if c != b => Some((c, b)),
        _ => None,
    };
    let number = match number.clone() {
        Ok(n) => n,
        Err(why) if env.is_none() => {
            out.unfixable.push(no(why));
            return;
        }
        Err(_) => None,
    };
    if env.is_none() && number.is_none() {
        out.unfixable.push(no(
            "the evidence does not say what the heading should be (a tie, or a number already taken)".to_string(),
        ));
        return;
    }
    if !full {
        return;
    }
    let relabel = Relabel {
        envs: &envs,
        env,
        number: number.as_deref().map(|n| (v.number.as_str(), n)),
    };
    match edits(input, v, &relabel) {
        Ok((edits, heading, links)) => {
            let mut why = Vec::new();
            if let Some((_, b)) = env {
                why.push(format!("the body is about {}", envs.names[b]));
            }
            if let Some(n) = &number {
                why.push(format!("names itself {n}"));
            }
            let links = match links {
                0 => String::new(),
                1 => ", and the link to it".to_string(),
                n => format!(", and the {n} links to it"),
            };
            out.fixes.push(Fix {
                rule: f.rule,
                path: input.rel.to_path_buf(),
                line: f.line,
                safety: Safety::Unsafe,
                message: format!(
                    "rewrite the heading to \"{heading}\" ({}){links}",
                    why.join(" and ")
                ),
                edits,
            });
        }
        Err(why) => out.unfixable.push(no(why)),
    }
}

/// The edits of the heading line and the links to it: the edits, the new
/// heading text and how many links change.
fn edits(
    input: &Input,
    v: &Verdict,
    relabel: &Relabel,
) -> Result<(Vec<Edit>, String, usize), String> {
    let doc = input.doc;
    let src = &doc.source;
    let h = doc.headings.get(v.heading).ok_or("the heading is gone")?;
    let line = src.line_text(v.line);
    let new_line = relabel
        .apply(line)
        .ok_or("an environment word of the heading has no counterpart in the body's environment")?;
    if new_line == line {
        return Err("the heading already says what the evidence says".to_string());
    }
    let start = src.line_start(v.line);
    let mut edits = vec![Edit {
        range: start..start + line.len(),
        text: new_line,
    }];
    // The new anchor, from the file parsed with the new heading.
    let (text, _, _) = super::apply(&src.text, &[&fix_of(input, &edits)]);
    let after = Document::parse(Source::new(input.rel, text));
    let nh = after
        .headings
        .iter()
        .find(|x| x.line() == v.line)
        .ok_or("the rewritten line would no longer be a heading")?;
    let (old, new) = (format!("#{}", h.anchor()), format!("#{}", nh.anchor()));
    let heading = nh.text().to_string();
    let mut links = 0;
    if old != new {
        for l in doc.links.iter().filter(|l| l.url == old && !l.image) {
            let Some(dest) = l.dest.clone() else { continue };
            if src.text.get(dest.clone()) != Some(old.as_str()) {
                continue;
            }
            if let Some((r, t)) = link_text(src, l.line, l.column, dest.start) {
                if h.text().starts_with(t.trim()) && !t.trim().is_empty() {
                    if let Some(nt) = relabel.apply(t) {
                        if nt != t {
                            edits.push(Edit { range: r, text: nt });
                        }
                    }
                }
            }
            edits.push(Edit {
                range: dest,
                text: new.clone(),
            });
            links += 1;
        }
    }
    edits.sort_by_key(|e| e.range.start);
    if edits.windows(2).any(|w| w[0].range.end > w[1].range.start) {
        return Err("the edits would overlap".to_string());
    }
    Ok((edits, heading, links))
}

/// The text of the inline link starting at (`line`, byte `column`) whose
/// destination starts at `dest`: its byte range and text.
fn link_text(
    src: &Source,
    line: usize,
    column: usize,
    dest: usize,
) -> Option<(std::ops::Range<usize>, &str)> {
    let open = src.line_start(line) + column.checked_sub(1)?;
    let t = &src.text;
    if t.as_bytes().get(open) != Some(&b'[') || dest < open + 3 {
        return None;
    }
    let close = t.get(..dest)?.rfind("](")?;
    (close > open).then(|| (open + 1..close, &t[open + 1..close]))
}

fn fix_of(input: &Input, edits: &[Edit]) -> Fix {
    Fix {
        rule: "phase.mislabeled",
        path: input.rel.to_path_buf(),
        line: 0,
        safety: Safety::Unsafe,
        message: String::new(),
        edits: edits.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::run_rule;
    use crate::fix::tests::{diff_lines, fix_text};

    fn doc(title: &str, body: &str) -> String {
        format!(
            "# P\n\n- [Phase 4.7: {title}](#phase-47-{})\n\n## Phase 4.6: First\n\nx\n\n## Phase 4.7: {title}\n\n{body}\n\n## Phase 4.11: Next\n\nx\n",
            crate::model::slug::github_anchor(title)
        )
    }

    const PROD: &str = "```bash\nkubectl --context gke_pcc-prj-devops-prod_us-east4_pcc-devops-prod get pods\n```\n";

    #[test]
    fn rewrites_environment_and_number_with_the_toc_link() {
        let body = format!("{}\n#### Phase 4.10 Complete\n", PROD.repeat(5));
        let text = doc(
            "Install ArgoCD on Devops Nonprod Cluster (30-45 min)",
            &body,
        );
        let (fixed, found) = fix_text(&[("a.md", &text)], true);
        assert_eq!(found.fixes.len(), 1, "{found:?}");
        let fx = &found.fixes[0];
        assert_eq!(fx.safety, crate::fix::Safety::Unsafe);
        assert!(
            fx.message
                .contains("\"Phase 4.10: Install ArgoCD on Devops Prod Cluster (30-45 min)\""),
            "{}",
            fx.message
        );
        assert_eq!(
            diff_lines(&text, &fixed[0]),
            vec![
                (3, "- [Phase 4.10: Install ArgoCD on Devops Prod Cluster (30-45 min)](#phase-410-install-argocd-on-devops-prod-cluster-30-45-min)".to_string()),
                (9, "## Phase 4.10: Install ArgoCD on Devops Prod Cluster (30-45 min)".to_string()),
            ]
        );
        assert!(run_rule("phase.mislabeled", &[("a.md", &fixed[0])]).is_empty());
        assert!(run_rule("link.broken", &[("a.md", &fixed[0])]).is_empty());
        // Unsafe: not applied without --unsafe-fixes.
        let (safe, _) = fix_text(&[("a.md", &text)], false);
        assert_eq!(safe[0], text);
    }

    #[test]
    fn swaps_tokens_and_labels_keeping_case() {
        let text = doc("Install on pcc-devops-nonprod (NONPROD)", &PROD.repeat(5));
        let (fixed, found) = fix_text(&[("a.md", &text)], true);
        assert_eq!(found.fixes.len(), 1, "{found:?}");
        assert!(
            fixed[0].contains("## Phase 4.7: Install on pcc-devops-prod (PROD)\n"),
            "{}",
            fixed[0]
        );
    }

    #[test]
    fn finds_a_number_only_whole() {
        use super::find_number;
        assert_eq!(
            find_number("Phase 14.7, 4.71, 4.7.1, 4.7:", "4.7"),
            Some(25)
        );
        assert_eq!(find_number("Phase 4.7", "4.7"), Some(6));
        assert_eq!(find_number("Phase 4.70", "4.7"), None);
    }

    #[test]
    fn near_misses_a_tie_or_a_taken_number_changes_nothing() {
        // The body names itself two other numbers: a tie, and no environment to swap.
        let text = doc(
            "Install",
            "#### Phase 4.10 Complete\n\n#### Phase 4.9 Done\n",
        );
        let (fixed, found) = fix_text(&[("a.md", &text)], true);
        assert!(found.fixes.is_empty(), "{found:?}");
        assert_eq!(fixed[0], text);
        assert!(found.unfixable[0].reason.contains("tie"), "{found:?}");
        // The number it names itself is taken by another heading.
        let text = doc(
            "Install",
            "#### Phase 4.6 Complete\n\n#### Phase 4.6 Deliverables\n",
        );
        let (fixed, found) = fix_text(&[("a.md", &text)], true);
        assert!(found.fixes.is_empty(), "{found:?}");
        assert_eq!(fixed[0], text);
    }
}
