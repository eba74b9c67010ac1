//! tiktoken's pre-tokenizer: the text is cut into pieces (words with their
//! leading space, numbers of up to three digits, punctuation runs, whitespace)
//! and each piece is merged on its own. tiktoken's patterns use a negative
//! look-ahead (`\s+(?!\S)`), which `regex-automata` lacks; like bpe-openai
//! (whose patterns these are, tested equal to tiktoken-rs), the look-ahead is
//! written as a separate pattern `\s+\s` that matches one character too many,
//! and that character is given back.
//!
//! A piece starts where the one before ended, so only its end is needed: the
//! patterns are compiled into a forward lazy DFA only (no reverse automaton, no
//! capture groups), about a third of what a full `meta::Regex` costs to build
//! (2 ms against 6–12 ms measured), which is most of replan's start-up now that
//! the rank tables need no building.

use std::sync::{Arc, OnceLock};

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::meta::Regex;
use regex_automata::nfa::thompson::{self, WhichCaptures, NFA};
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input};

/// cl100k_base's pattern, then the look-ahead and plain whitespace patterns.
pub const CL100K: [&str; 3] = [
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+$",
    "\\s+\\s",
    "\\s+",
];

/// o200k_base's pattern, then the look-ahead and plain whitespace patterns.
pub const O200K: [&str; 3] = [
    concat!(
        "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
        "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
        "|\\p{N}{1,3}",
        "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
        "|\\s*[\\r\\n]+",
        "|\\s+$",
    ),
    "\\s+\\s",
    "\\s+",
];

/// Index of the look-ahead pattern, whose last character is given back.
const LOOKAHEAD: usize = 1;

/// The compiled patterns of one encoding.
pub struct Pretokenizer {
    dfa: Arc<DFA>,
    /// Lazy DFA caches, one per thread counting at once.
    caches: Pool<Cache, Box<dyn Fn() -> Cache + Send + Sync>>,
    /// The same patterns as a full regex, built only if the lazy DFA ever
    /// fails a search (it is configured never to give up, so this is a guard).
    patterns: &'static [&'static str; 3],
    fallback: OnceLock<Regex>,
}

impl Pretokenizer {
    /// Compile `patterns` (one of [`O200K`], [`CL100K`]): about 2 ms.
    pub fn new(patterns: &'static [&'static str; 3]) -> Pretokenizer {
        let nfa = NFA::compiler()
            .configure(thompson::Config::new().which_captures(WhichCaptures::None))
            .build_many(patterns)
            // The patterns are constants, tested to compile.
            .expect("tiktoken's patterns compile");
        let dfa = Arc::new(
            DFA::builder()
                .build_from_nfa(nfa)
                .expect("a lazy DFA builds from any NFA"),
        );
        let for_caches = Arc::clone(&dfa);
        Pretokenizer {
            dfa,
            caches: Pool::new(Box::new(move || for_caches.create_cache())),
            patterns,
            fallback: OnceLock::new(),
        }
    }

    /// Calls `each` with the pieces of `text`, in order; together they are
    /// exactly `text`.
    pub fn for_each_piece<'a>(&self, text: &'a str, mut each: impl FnMut(&'a str)) {
        let mut cache = self.caches.get();
        let mut at = 0;
        while at < text.len() {
            let rest = &text[at..];
            let end = self.piece_end(&mut cache, rest);
            each(&rest[..end]);
            at += end;
        }
    }

    /// As [`Pretokenizer::for_each_piece`], stopping once `each` returns
    /// false: a budget check can know a text fits before its end is cut.
    pub fn for_each_piece_while<'a>(&self, text: &'a str, mut each: impl FnMut(&'a str) -> bool) {
        let mut cache = self.caches.get();
        let mut at = 0;
        while at < text.len() {
            let rest = &text[at..];
            let end = self.piece_end(&mut cache, rest);
            if !each(&rest[..end]) {
                return;
            }
            at += end;
        }
    }

    /// The pieces of `text`, collected (tests).
    #[cfg(test)]
    pub fn pieces<'a>(&self, text: &'a str) -> Vec<&'a str> {
        let mut out = Vec::new();
        self.for_each_piece(text, |p| out.push(p));
        out
    }

    /// The length of the piece `rest` (not empty) starts with: never 0, so
    /// the text is always consumed.
    fn piece_end(&self, cache: &mut Cache, rest: &str) -> usize {
        let input = Input::new(rest).anchored(Anchored::Yes);
        let (end, pattern) = match self.dfa.try_search_fwd(cache, &input) {
            Ok(m) => match m {
                Some(m) => (m.offset(), m.pattern().as_usize()),
                None => (rest.len(), 0),
            },
            Err(_) => match self.fallback().find(input) {
                Some(m) => (m.end(), m.pattern().as_usize()),
                None => (rest.len(), 0),
            },
        };
        // Together the patterns match any character, and each match consumes
        // one; were that ever not so, the rest is one piece rather than lost.
        let mut end = end;
        if pattern == LOOKAHEAD {
            // `\s+\s` matched at least two characters: give the last one back.
            end -= rest[..end].chars().next_back().map_or(0, char::len_utf8);
        }
        if end == 0 {
            end = rest.len();
        }
        end
    }

    fn fallback(&self) -> &Regex {
        self.fallback
            .get_or_init(|| Regex::new_many(self.patterns).expect("tiktoken's patterns compile"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both encodings' pre-tokenizers beside their full regexes, built once.
    fn both() -> &'static [(Pretokenizer, Regex); 2] {
        static BOTH: OnceLock<[(Pretokenizer, Regex); 2]> = OnceLock::new();
        BOTH.get_or_init(|| {
            [&O200K, &CL100K].map(|p| (Pretokenizer::new(p), Regex::new_many(p).unwrap()))
        })
    }

    /// The full regex, searched as bpe-openai does: the reference.
    fn reference<'a>(re: &Regex, text: &'a str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let rest = &text[at..];
            let m = re.find(Input::new(rest).anchored(Anchored::Yes)).unwrap();
            let mut end = m.end();
            if m.pattern().as_usize() == LOOKAHEAD {
                end -= rest[..end].chars().next_back().unwrap().len_utf8();
            }
            out.push(&rest[..end]);
            at += end;
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(crate::testing::proptest_config(500))]
        /// The forward lazy DFA cuts exactly where the full regex does.
        #[test]
        fn cuts_where_the_full_regex_does(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    " ", "  ", "\t", "\n", "\r\n", "\r", "a", "Ab", "ABC", "x1", "123456",
                    "'s", "'LL", "'d", "#", "/", "//", ".", "!?", "é", "ß", "\u{a0}", "\u{2028}",
                    "\u{85}", "日本", "🚀", "\u{300}", "Ǆ", "ǅ", "ʰ", "٣", "Ⅻ", "\u{feff}",
                ]),
                0..40,
            ),
        ) {
            let text: String = parts.concat();
            for (p, re) in both() {
                proptest::prop_assert_eq!(p.pieces(&text), reference(re, &text));
            }
        }
    }
}
