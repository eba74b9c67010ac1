//! tiktoken's pre-tokenizer: the text is cut into pieces (words with their
//! leading space, numbers of up to three digits, punctuation runs, whitespace)
//! and each piece is merged on its own. tiktoken's patterns use a negative
//! look-ahead (`\s+(?!\S)`), which `regex-automata` lacks; like bpe-openai
//! (whose patterns these are, tested equal to tiktoken-rs), the look-ahead is
//! written as a separate pattern `\s+\s` that matches one character too many,
//! and that character is given back.

use regex_automata::meta::Regex;
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
pub struct Pretokenizer(Regex);

impl Pretokenizer {
    /// Compile `patterns` (one of [`O200K`], [`CL100K`]): about 3 ms.
    pub fn new(patterns: &[&str; 3]) -> Pretokenizer {
        // The patterns are constants, tested to compile.
        Pretokenizer(Regex::new_many(patterns).expect("tiktoken's patterns compile"))
    }

    /// The pieces of `text`, in order; together they are exactly `text`.
    pub fn pieces<'a>(&'a self, text: &'a str) -> Pieces<'a> {
        Pieces {
            re: &self.0,
            text,
            at: 0,
        }
    }
}

/// Iterator over the pieces of a text.
pub struct Pieces<'a> {
    re: &'a Regex,
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = &self.text[self.at..];
        if rest.is_empty() {
            return None;
        }
        // Together the patterns match any character, and each match consumes
        // one; were that ever not so, the rest is one piece rather than lost.
        let mut end = rest.len();
        if let Some(m) = self.re.find(Input::new(rest).anchored(Anchored::Yes)) {
            end = m.end();
            if m.pattern().as_usize() == LOOKAHEAD {
                // `\s+\s` matched at least two characters: give the last one back.
                end -= rest[..end].chars().next_back().map_or(0, char::len_utf8);
            }
            if end == 0 {
                end = rest.len();
            }
        }
        let piece = &rest[..end];
        self.at += end;
        Some(piece)
    }
}
