//! Whole-token matching of environment terms.
//!
//! Text is cut into tokens at every character other than ASCII letters, digits,
//! `-` and `_`; a token's *parts* are its pieces between `-`/`_`. A term (itself
//! cut the same way) matches a run of whole parts of one token, case-insensitively.
//! Within a token only maximal matches count: a match lying inside a longer match
//! is dropped. So "nonprod" and "non-prod" are never "prod", "pcc-devops-nonprod"
//! is never "devops-prod", and "gke_pcc-prj-devops-prod_us-east4" counts once, as
//! the evidence token "pcc-prj-devops-prod".

use crate::config::Environment;

/// Whether a term is an alias (name) or an evidence token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// The environment's name or an alias.
    Alias,
    /// A cluster, project or other evidence token.
    Evidence,
}

#[derive(Debug, Clone)]
struct Term {
    env: usize,
    kind: TermKind,
    parts: Vec<String>,
}

/// A compiled set of environment terms.
#[derive(Debug, Clone)]
pub struct EnvMatcher {
    terms: Vec<Term>,
    /// Lower-cased first bytes of the terms' first parts: a token none of whose
    /// parts starts with one of these cannot match (a cheap reject).
    first: [bool; 256],
    /// Environment names, by index.
    pub names: Vec<String>,
}

/// One counted match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Environment index.
    pub env: usize,
    /// Alias or evidence.
    pub kind: TermKind,
}

fn parts(s: &str) -> Vec<String> {
    s.split(['-', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| p.to_ascii_lowercase())
        .collect()
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

impl EnvMatcher {
    /// Compile the environments' names, aliases and evidence.
    pub fn new(envs: &[Environment]) -> EnvMatcher {
        let mut terms = Vec::new();
        for (i, e) in envs.iter().enumerate() {
            for (s, kind) in std::iter::once((&e.name, TermKind::Alias))
                .chain(e.aliases.iter().map(|a| (a, TermKind::Alias)))
                .chain(e.evidence.iter().map(|a| (a, TermKind::Evidence)))
            {
                let p = parts(s);
                if !p.is_empty() {
                    terms.push(Term {
                        env: i,
                        kind,
                        parts: p,
                    });
                }
            }
        }
        let mut first = [false; 256];
        for t in &terms {
            first[t.parts[0].as_bytes()[0] as usize] = true;
        }
        EnvMatcher {
            terms,
            first,
            names: envs.iter().map(|e| e.name.clone()).collect(),
        }
    }

    /// Every maximal match in `text`.
    pub fn hits(&self, text: &str) -> Vec<Hit> {
        let mut out = Vec::new();
        let mut tp: Vec<&str> = Vec::new();
        // Token characters are ASCII, so cutting the bytes gives the same tokens
        // as cutting the characters, without decoding UTF-8.
        for token in text.as_bytes().split(|&b| !is_token_char(char::from(b))) {
            if token.is_empty() {
                continue;
            }
            // Only ASCII letters, digits, `-` and `_` remain.
            let Ok(token) = std::str::from_utf8(token) else {
                continue;
            };
            tp.clear();
            tp.extend(token.split(['-', '_']).filter(|p| !p.is_empty()));
            if !tp
                .iter()
                .any(|p| self.first[p.as_bytes()[0].to_ascii_lowercase() as usize])
            {
                continue;
            }
            self.token_hits(&tp, &mut out);
        }
        out
    }

    /// Every maximal match in `text` with its byte range (for rewriting a
    /// heading's environment words; slower than [`EnvMatcher::hits`]).
    pub fn spans(&self, text: &str) -> Vec<(std::ops::Range<usize>, Hit)> {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if !is_token_char(char::from(bytes[i])) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && is_token_char(char::from(bytes[i])) {
                i += 1;
            }
            // The token's parts with their byte ranges in `text`.
            let mut pr: Vec<std::ops::Range<usize>> = Vec::new();
            let mut p = start;
            for piece in text[start..i].split(['-', '_']) {
                if !piece.is_empty() {
                    pr.push(p..p + piece.len());
                }
                p += piece.len() + 1;
            }
            let tp: Vec<&str> = pr.iter().map(|r| &text[r.clone()]).collect();
            for (s, e, ti) in self.token_matches(&tp) {
                let t = &self.terms[ti];
                out.push((
                    pr[s].start..pr[e - 1].end,
                    Hit {
                        env: t.env,
                        kind: t.kind,
                    },
                ));
            }
        }
        out
    }

    /// `tp`: the token's non-empty parts as written (compared ASCII-case-insensitively
    /// with the terms' lower-cased parts; tokens are ASCII).
    fn token_hits(&self, tp: &[&str], out: &mut Vec<Hit>) {
        for (_, _, ti) in self.token_matches(tp) {
            out.push(Hit {
                env: self.terms[ti].env,
                kind: self.terms[ti].kind,
            });
        }
    }

    /// The maximal matches in a token's parts: (first part, end part, term index).
    fn token_matches(&self, tp: &[&str]) -> Vec<(usize, usize, usize)> {
        if tp.is_empty() {
            return Vec::new();
        }
        // (start, end, term index)
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for (ti, t) in self.terms.iter().enumerate() {
            let n = t.parts.len();
            if n > tp.len() {
                continue;
            }
            for s in 0..=tp.len() - n {
                if tp[s..s + n]
                    .iter()
                    .zip(&t.parts)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b))
                {
                    found.push((s, s + n, ti));
                }
            }
        }
        if found.is_empty() {
            return found;
        }
        let mut kept: Vec<(usize, usize, usize)> = Vec::new();
        for &(s, e, ti) in &found {
            let inside_longer = found
                .iter()
                .any(|&(s2, e2, _)| s2 <= s && e <= e2 && (e2 - s2) > (e - s));
            if inside_longer {
                continue;
            }
            // Same span named twice (alias and evidence): keep the stronger kind once.
            if let Some(k) = kept.iter_mut().find(|k| k.0 == s && k.1 == e) {
                if self.terms[ti].kind == TermKind::Evidence {
                    *k = (s, e, ti);
                }
                continue;
            }
            kept.push((s, e, ti));
        }
        kept
    }

    /// Index of an environment by name or alias (for `(env)` labels).
    pub fn env_of_label(&self, label: &str) -> Option<usize> {
        let p = parts(label);
        self.terms
            .iter()
            .find(|t| t.kind == TermKind::Alias && t.parts == p)
            .map(|t| t.env)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn envs_of(text: &str) -> Vec<String> {
        let c = Config::builtin();
        let m = EnvMatcher::new(&c.environments);
        m.hits(text)
            .into_iter()
            .map(|h| format!("{}:{:?}", m.names[h.env], h.kind))
            .collect()
    }

    #[test]
    fn nonprod_is_never_prod() {
        assert_eq!(envs_of("nonprod"), vec!["nonprod:Alias"]);
        assert_eq!(envs_of("Non-Prod cluster"), vec!["nonprod:Alias"]);
        assert_eq!(envs_of("pcc-devops-nonprod"), vec!["nonprod:Evidence"]);
        assert_eq!(envs_of("devops-nonprod"), vec!["nonprod:Evidence"]);
        assert_eq!(envs_of("pcc-devops-prod"), vec!["prod:Evidence"]);
        assert_eq!(envs_of("the Prod cluster"), vec!["prod:Alias"]);
        assert_eq!(envs_of("product production"), vec!["prod:Alias"]);
        assert!(envs_of("reproduce prodigy").is_empty());
    }

    #[test]
    fn spans_locate_the_words() {
        let c = Config::builtin();
        let m = EnvMatcher::new(&c.environments);
        let t = "Install on Devops Nonprod (pcc-devops-prod)";
        let got: Vec<(&str, String)> = m
            .spans(t)
            .into_iter()
            .map(|(r, h)| (&t[r], m.names[h.env].clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Nonprod", "nonprod".to_string()),
                ("pcc-devops-prod", "prod".to_string())
            ]
        );
        // The same hits as `hits`, in the same order.
        let hits: Vec<Hit> = m.spans(t).into_iter().map(|(_, h)| h).collect();
        assert_eq!(hits, m.hits(t));
    }

    #[test]
    fn long_tokens_count_once() {
        assert_eq!(
            envs_of("--context gke_pcc-prj-devops-prod_us-east4_pcc-devops-prod"),
            vec!["prod:Evidence", "prod:Evidence"]
        );
        assert_eq!(
            envs_of("gke_pcc-prj-devops-nonprod_us-east4_pcc-devops-nonprod"),
            vec!["nonprod:Evidence", "nonprod:Evidence"]
        );
        assert_eq!(envs_of("pcc-prj-app-devtest"), vec!["devtest:Evidence"]);
        assert!(envs_of("run the test suite").is_empty());
    }
}
