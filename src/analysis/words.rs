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
    /// The bit of its first part in a token's mask (see [`EnvMatcher::firsts`]).
    bit: u64,
}

/// A compiled set of environment terms.
#[derive(Debug, Clone)]
pub struct EnvMatcher {
    terms: Vec<Term>,
    /// The terms' distinct first parts (lower-cased), by their first byte: a
    /// token none of whose parts is one of these cannot match, and that is
    /// nearly every token of a text. Checking a part is a table lookup and a
    /// few short comparisons, where matching every term at every part of every
    /// token made this the hottest loop of `check`.
    /// Each first part has a bit (the 64th shared by any beyond 63): a token's
    /// mask of the first parts it holds picks the terms worth matching.
    firsts: Vec<Vec<(Box<[u8]>, u64)>>,
    /// Per first byte (lower-cased), the lengths of the first parts in its
    /// `firsts` bucket as bits (63 standing for 63 and longer): one shift and
    /// test turn away nearly every part before any comparison.
    lens: [u64; 256],
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

/// [`CLASS`]: a byte that is not part of a token.
const OTHER: u8 = 0;
/// [`CLASS`]: an ASCII letter or digit.
const WORD: u8 = 1;
/// [`CLASS`]: `-` or `_`, which cut a token into parts.
const SEP: u8 = 2;

/// Each byte's class, looked up once per byte: [`EnvMatcher::for_each_hit`]
/// reads every byte of every subphase's section, and two range tests and a
/// match per byte were most of its cost.
static CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() {
            WORD
        } else if c == b'-' || c == b'_' {
            SEP
        } else {
            OTHER
        };
        b += 1;
    }
    t
};

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
                        bit: 0,
                    });
                }
            }
        }
        let mut firsts: Vec<Vec<(Box<[u8]>, u64)>> = vec![Vec::new(); 256];
        let mut distinct = 0u32;
        for t in &mut terms {
            let p = t.parts[0].as_bytes();
            let bucket = &mut firsts[p[0] as usize];
            t.bit = match bucket.iter().find(|(q, _)| **q == *p) {
                Some(&(_, bit)) => bit,
                None => {
                    let bit = 1u64 << distinct.min(63);
                    distinct += 1;
                    bucket.push((p.into(), bit));
                    bit
                }
            };
        }
        let mut lens = [0u64; 256];
        for (b, bucket) in firsts.iter().enumerate() {
            for (q, _) in bucket {
                lens[b] |= 1u64 << q.len().min(63);
            }
        }
        EnvMatcher {
            terms,
            firsts,
            lens,
            names: envs.iter().map(|e| e.name.clone()).collect(),
        }
    }

    /// Every maximal match in `text`.
    pub fn hits(&self, text: &str) -> Vec<Hit> {
        let mut out = Vec::new();
        self.for_each_hit(text, |h| out.push(h));
        out
    }

    /// Every maximal match in `text`, in the order of [`EnvMatcher::hits`],
    /// handed to `f` (no list built: a section is scanned line by line). One
    /// pass over the bytes: a token's parts are looked up as they are cut, and
    /// only a token holding a term's first part is matched term by term.
    pub fn for_each_hit(&self, text: &str, mut f: impl FnMut(Hit)) {
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut tp: Vec<&str> = Vec::new();
        let mut found = Vec::new();
        let mut scratch = Vec::new();
        let mut i = 0;
        // Runs of one class are skipped with `position` over the rest of the
        // slice (no per-byte bounds test): this loop reads every byte of
        // every subphase's section.
        let run = |from: usize, class: u8| {
            bytes[from..]
                .iter()
                .position(|&b| CLASS[b as usize] != class)
                .map_or(n, |k| from + k)
        };
        loop {
            i = run(i, OTHER);
            if i >= n {
                break;
            }
            // A token: its parts run between `-` and `_`.
            let start = i;
            let mut mask = 0u64;
            loop {
                let part = i;
                i = run(i, WORD);
                if i > part {
                    mask |= self.first_bit(&bytes[part..i]);
                }
                if i < n && CLASS[bytes[i] as usize] == SEP {
                    i += 1;
                } else {
                    break;
                }
            }
            if mask == 0 {
                continue;
            }
            // Token bytes are ASCII: the slice is on character boundaries.
            let token = &text[start..i];
            tp.clear();
            tp.extend(token.split(['-', '_']).filter(|p| !p.is_empty()));
            self.matches_into(&tp, mask, &mut found, &mut scratch);
            for &(_, _, ti) in &found {
                f(Hit {
                    env: self.terms[ti].env,
                    kind: self.terms[ti].kind,
                });
            }
        }
    }

    /// The bit of `part` (as written, non-empty) when it is, ignoring ASCII
    /// case, the first part of a term; 0 otherwise.
    fn first_bit(&self, part: &[u8]) -> u64 {
        let b = part[0].to_ascii_lowercase() as usize;
        if (self.lens[b] >> part.len().min(63)) & 1 == 0 {
            return 0;
        }
        self.firsts[b]
            .iter()
            .find(|(q, _)| q.len() == part.len() && q.eq_ignore_ascii_case(part))
            .map_or(0, |&(_, bit)| bit)
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
    /// The maximal matches in a token's parts: (first part, end part, term index).
    fn token_matches(&self, tp: &[&str]) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        self.matches_into(tp, u64::MAX, &mut found, &mut Vec::new());
        found
    }

    /// [`EnvMatcher::token_matches`] into `kept`, trying only the terms whose
    /// first part's bit is in `mask`; `found` is scratch space, kept by the
    /// caller so a token costs no allocation.
    fn matches_into(
        &self,
        tp: &[&str],
        mask: u64,
        kept: &mut Vec<(usize, usize, usize)>,
        found: &mut Vec<(usize, usize, usize)>,
    ) {
        kept.clear();
        found.clear();
        if tp.is_empty() {
            return;
        }
        // (start, end, term index)
        for (ti, t) in self.terms.iter().enumerate() {
            if t.bit & mask == 0 {
                continue;
            }
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
        for &(s, e, ti) in found.iter() {
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
    use proptest::strategy::Strategy;

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

    /// The first-part filter drops no match: every token run through the full
    /// matcher gives the same hits, on every sample file.
    #[test]
    fn the_first_part_filter_keeps_every_hit() {
        let c = Config::builtin();
        let m = EnvMatcher::new(&c.environments);
        let unfiltered = |text: &str| {
            let mut out = Vec::new();
            for token in text.split(|c: char| !is_token_char(c)) {
                let tp: Vec<&str> = token.split(['-', '_']).filter(|p| !p.is_empty()).collect();
                for (_, _, ti) in m.token_matches(&tp) {
                    out.push(Hit {
                        env: m.terms[ti].env,
                        kind: m.terms[ti].kind,
                    });
                }
            }
            out
        };
        let mut texts = vec![
            "PROD-Nonprod pcc_DEVOPS-prod dev-Test app__devtest -prd- x-pcc-prj-app-devtest-y"
                .to_string(),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/pcc/.claude");
        for p in crate::model::markdown_under(&dir) {
            texts.push(std::fs::read_to_string(&p).unwrap());
        }
        let mut total = 0;
        for t in &texts {
            let got = m.hits(t);
            assert_eq!(got, unfiltered(t));
            total += got.len();
        }
        assert!(total > 100, "the samples name environments: {total}");
    }

    /// The byte loop as it was before runs were skipped with `position` and
    /// parts were filtered by length: the reference for the property below.
    fn hits_before(m: &EnvMatcher, text: &str) -> Vec<Hit> {
        let first_bit = |part: &[u8]| -> u64 {
            let Some(&b) = part.first() else {
                return 0;
            };
            m.firsts[b.to_ascii_lowercase() as usize]
                .iter()
                .find(|(q, _)| q.len() == part.len() && q.eq_ignore_ascii_case(part))
                .map_or(0, |&(_, bit)| bit)
        };
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut found = Vec::new();
        let mut i = 0;
        while i < n {
            if CLASS[bytes[i] as usize] == OTHER {
                i += 1;
                continue;
            }
            let start = i;
            let mut mask = 0u64;
            let mut part = i;
            loop {
                let class = bytes.get(i).map_or(OTHER, |&b| CLASS[b as usize]);
                if class == WORD {
                    i += 1;
                    continue;
                }
                mask |= first_bit(&bytes[part..i]);
                if class == OTHER {
                    break;
                }
                i += 1;
                part = i;
            }
            if mask == 0 {
                continue;
            }
            let tp: Vec<&str> = text[start..i]
                .split(['-', '_'])
                .filter(|p| !p.is_empty())
                .collect();
            m.matches_into(&tp, mask, &mut found, &mut Vec::new());
            for &(_, _, ti) in &found {
                out.push(Hit {
                    env: m.terms[ti].env,
                    kind: m.terms[ti].kind,
                });
            }
        }
        out
    }

    proptest::proptest! {
        /// Skipping runs and the length filter change no hit, its order or
        /// kind: texts built from pieces of the built-in terms, in any case,
        /// joined by separators, punctuation and non-ASCII characters.
        #[test]
        fn the_run_skipping_loop_finds_what_the_byte_loop_found(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![
                        "prod", "PROD", "Prod", "nonprod", "non", "dev", "devops", "test",
                        "devtest", "pcc", "prj", "app", "stg", "staging", "us", "east4",
                        "gke", "production", "prd", "x", "", "qa", "uat",
                    ]).prop_map(str::to_string),
                    "[a-zA-Z0-9]{0,12}",
                    "[-_ .,/é(\n`]{1,3}",
                ],
                0..40,
            ),
        ) {
            let c = Config::builtin();
            let m = EnvMatcher::new(&c.environments);
            let text: String = pieces.concat();
            proptest::prop_assert_eq!(m.hits(&text), hits_before(&m, &text));
        }
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
