//! Token counting in OpenAI's tiktoken encodings, exactly as tiktoken counts.
//!
//! tiktoken's own algorithm: cut the text into pieces with the encoding's
//! pattern ([`pretokenize`]), then merge each piece's bytes by rank ([`merge`]),
//! looking ranks up in a table that `build.rs` generated from bpe-openai's
//! dictionaries and the binary embeds in a flat, hashed layout ([`layout`],
//! [`ranks`]) read in place.
//!
//! Why not bpe-openai at run time, as before: measured on this machine, building
//! its o200k tables (deserializing 32 MB embedded in the binary into 35 MB of
//! hash maps and automata) took 60–100 ms at every start, most of `replan split`
//! of a 300 KB file, while counting that file took 18 ms. Here nothing is built
//! but the pattern's lazy DFA (about 2 ms), the table's pages are read only as
//! lookups touch them, and the 35 MB of heap tables are gone; counting the same
//! file takes about as long (most pieces are one token: one hash lookup).
//! Counting lazily (no count for a part whose byte length is within its token
//! budget) was not enough on its own: `check` reports every file's count and
//! `split` prints every part's, so nearly every run counts something.
//! The counts are tiktoken's: tested against tiktoken-rs on the samples, on
//! every corpus file, and on generated text (`tests.rs`, `tests/it/corpus.rs`).

mod layout;
mod merge;
mod pretokenize;
mod ranks;
mod splice;

pub use splice::count_edited;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, Mutex, OnceLock};

use pretokenize::Pretokenizer;
use ranks::Ranks;

/// A supported tiktoken encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// GPT-4o family.
    O200kBase,
    /// GPT-4 / GPT-3.5 family.
    Cl100kBase,
}

impl Encoding {
    /// Parse a name as written in config or on the command line.
    pub fn from_name(name: &str) -> Option<Encoding> {
        match name {
            "o200k_base" => Some(Encoding::O200kBase),
            "cl100k_base" => Some(Encoding::Cl100kBase),
            _ => None,
        }
    }

    /// The name printed with counts.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::O200kBase => "o200k_base",
            Encoding::Cl100kBase => "cl100k_base",
        }
    }

    /// The encoding's rank table: read in place, nothing to build.
    fn ranks(self) -> Ranks {
        static O200K: Ranks = Ranks::new(include_bytes!(concat!(
            env!("OUT_DIR"),
            "/o200k_base.ranks"
        )));
        static CL100K: Ranks = Ranks::new(include_bytes!(concat!(
            env!("OUT_DIR"),
            "/cl100k_base.ranks"
        )));
        match self {
            Encoding::O200kBase => O200K,
            Encoding::Cl100kBase => CL100K,
        }
    }

    /// The encoding's pre-tokenizer, compiled on first use (about 2 ms).
    fn pretokenizer(self) -> &'static Pretokenizer {
        static O200K: LazyLock<Pretokenizer> =
            LazyLock::new(|| Pretokenizer::new(&pretokenize::O200K));
        static CL100K: LazyLock<Pretokenizer> =
            LazyLock::new(|| Pretokenizer::new(&pretokenize::CL100K));
        match self {
            Encoding::O200kBase => &O200K,
            Encoding::Cl100kBase => &CL100K,
        }
    }

    /// Index of the encoding in per-encoding arrays of once-only flags.
    fn slot(self) -> usize {
        match self {
            Encoding::O200kBase => 0,
            Encoding::Cl100kBase => 1,
        }
    }

    /// Start compiling the pre-tokenizer on another thread; later counts wait
    /// for it. Only the first call per encoding starts a thread.
    pub fn warm(self) {
        static STARTED: [AtomicBool; 2] = [AtomicBool::new(false), AtomicBool::new(false)];
        if !STARTED[self.slot()].swap(true, Ordering::Relaxed) {
            std::thread::spawn(move || {
                self.pretokenizer();
            });
        }
    }

    /// Tokens in `text` (special-token text is counted as ordinary text).
    /// Counts of large texts are remembered for the process (keyed by encoding,
    /// length and a 64-bit hash), so a file counted by one stage (planning,
    /// check, an index) is not encoded again by the next.
    pub fn count(self, text: &str) -> usize {
        if text.len() < MEMO_MIN {
            return self.count_uncached(text);
        }
        let key = key(self, text);
        if let Some(n) = memo().lock().ok().and_then(|m| m.get(&key).copied()) {
            return n;
        }
        let n = self.count_uncached(text);
        if let Ok(mut m) = memo().lock() {
            m.insert(key, n);
        }
        n
    }

    /// The count of `text` if it is remembered (see [`Encoding::count`]),
    /// without counting it: a text's count is worth splicing into its edited
    /// version's ([`count_edited`]) only when it costs nothing to know.
    pub fn remembered(self, text: &str) -> Option<usize> {
        if text.len() < MEMO_MIN {
            return None;
        }
        memo().lock().ok()?.get(&key(self, text)).copied()
    }

    /// Record a count worked out another way (a split part, from its blocks), so a
    /// later [`Encoding::count`] of the same text is free.
    pub fn remember(self, text: &str, n: usize) {
        if text.len() >= MEMO_MIN {
            if let Ok(mut m) = memo().lock() {
                m.insert(key(self, text), n);
            }
        }
    }

    /// Whether `text` has more tokens than `max`: `Over(n)` with the exact count
    /// when it has, `Within(bound)` with a sound upper bound (at most `max`)
    /// when it has not. A budget check needs the count only to print it, and
    /// most pieces of planning text are one token each, found with one lookup;
    /// the bound takes every other piece at its bytes (a token is a byte or
    /// more), then merges those pieces one by one only until the bound, with
    /// each merged piece's exact count, falls within `max`. A file between its
    /// budget and a few times it in bytes usually fits after a few merges or none,
    /// while one over the budget costs what [`Encoding::count`] costs (the pieces
    /// are cut once either way) and is remembered as it is. Cutting stops as
    /// soon as what is known plus the bytes not yet cut fits `max`.
    pub fn count_over(self, text: &str, max: usize) -> Budgeted {
        if text.len() <= max {
            return Budgeted::Within(text.len());
        }
        let memo_key = (text.len() >= MEMO_MIN).then(|| key(self, text));
        if let Some(n) = memo_key.and_then(|k| memo().lock().ok()?.get(&k).copied()) {
            return Budgeted::of(n, max);
        }
        let ranks = self.ranks();
        // Pieces that need merging, as byte ranges of `text`, and what is known.
        let mut merge: Vec<(usize, usize)> = Vec::new();
        let (mut exact, mut unmerged) = (0, 0);
        let mut at = 0;
        // The bytes not yet cut into pieces are a token each at most: once what
        // is known plus them fits, the rest of the text need not be cut (a file
        // a little over its budget in bytes fits well before its end).
        let mut fits = false;
        self.pretokenizer().for_each_piece_while(text, |piece| {
            let b = piece.as_bytes();
            match merge::known(&ranks, b) {
                Some(n) => exact += n,
                None => {
                    merge.push((at, at + b.len()));
                    unmerged += b.len();
                }
            }
            at += b.len();
            fits = exact + unmerged + (text.len() - at) <= max;
            !fits
        });
        if fits {
            return Budgeted::Within(exact + unmerged + (text.len() - at));
        }
        let mut parts = Vec::new();
        for &(start, end) in &merge {
            if exact + unmerged <= max {
                return Budgeted::Within(exact + unmerged);
            }
            exact += merge::count(&ranks, &text.as_bytes()[start..end], &mut parts);
            unmerged -= end - start;
        }
        if let (Some(k), Ok(mut m)) = (memo_key, memo().lock()) {
            m.insert(k, exact);
        }
        Budgeted::of(exact, max)
    }

    /// Tokens in `text`, counted now: not looked up in, nor added to, the
    /// process's memo (for the floor and benchmarks, which time counting).
    pub fn count_uncached(self, text: &str) -> usize {
        let ranks = self.ranks();
        let mut parts = Vec::new();
        let mut n = 0;
        self.pretokenizer().for_each_piece(text, |piece| {
            n += merge::count(&ranks, piece.as_bytes(), &mut parts);
        });
        n
    }
}

/// What [`Encoding::count_over`] found out about a text against a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budgeted {
    /// At most the budget: at most this many tokens (not the count).
    Within(usize),
    /// Over the budget: exactly this many tokens.
    Over(usize),
}

impl Budgeted {
    fn of(n: usize, max: usize) -> Budgeted {
        if n > max {
            Budgeted::Over(n)
        } else {
            Budgeted::Within(n)
        }
    }

    /// The exact count when over the budget.
    pub fn over(self) -> Option<usize> {
        match self {
            Budgeted::Over(n) => Some(n),
            Budgeted::Within(_) => None,
        }
    }
}

/// Whether the tokens of `a + b` are exactly those of `a` plus those of `b`.
/// True when `a` ends a line and `b` starts with a character the pre-tokenizer of
/// either encoding never joins to the line break before it: not whitespace (a
/// blank line would merge into the break's piece) and not `/` (punctuation
/// pieces take trailing `\n/`). Pieces never look behind, so `b` splits alike
/// alone or after `a`. Lets a split's parts be counted from their blocks.
pub fn joins_cleanly(a: &str, b: &str) -> bool {
    a.is_empty()
        || b.is_empty()
        || (a.ends_with(['\n', '\r'])
            && b.chars()
                .next()
                .is_some_and(|c| !c.is_whitespace() && c != '/'))
}

/// Texts shorter than this are counted every time (cheaper than hashing and locking).
const MEMO_MIN: usize = 2048;

type MemoKey = (Encoding, usize, u64);

fn key(enc: Encoding, text: &str) -> MemoKey {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    (enc, text.len(), h.finish())
}

fn memo() -> &'static Mutex<HashMap<MemoKey, usize>> {
    static MEMO: OnceLock<Mutex<HashMap<MemoKey, usize>>> = OnceLock::new();
    MEMO.get_or_init(|| Mutex::new(HashMap::new()))
}

#[cfg(test)]
mod tests;
