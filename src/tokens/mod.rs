//! Token counting in OpenAI's tiktoken encodings. Loading an encoding's tables is
//! the slowest start-up step, so it is done once, lazily, and can be warmed on a
//! background thread while files are read. The counts come from bpe-openai, which
//! gives exactly tiktoken-rs's counts (tested below against tiktoken-rs itself)
//! but loads o200k in about a third of the time.

mod exe_pages;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use bpe_openai::Tokenizer;

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

    /// The tokenizer; its tables are built on first use (bpe-openai: the same
    /// counts as tiktoken, tested below, but loaded in a third of the time). The
    /// serialized tables they are built from are never read again, so their pages
    /// are then given back ([`exe_pages`]).
    fn bpe(self) -> &'static Tokenizer {
        static RELEASED: [AtomicBool; 2] = [AtomicBool::new(false), AtomicBool::new(false)];
        let tokenizer = match self {
            Encoding::O200kBase => bpe_openai::o200k_base(),
            Encoding::Cl100kBase => bpe_openai::cl100k_base(),
        };
        // The first caller gives the pages back (usually the warming thread);
        // the others count meanwhile.
        if !RELEASED[self.slot()].swap(true, Ordering::Relaxed) {
            exe_pages::release_read_only_image();
        }
        tokenizer
    }

    /// Index of the encoding in per-encoding arrays of once-only flags.
    fn slot(self) -> usize {
        match self {
            Encoding::O200kBase => 0,
            Encoding::Cl100kBase => 1,
        }
    }

    /// Start loading the tables on another thread; later counts wait for it.
    /// Only the first call per encoding starts a thread.
    pub fn warm(self) {
        static STARTED: [AtomicBool; 2] = [AtomicBool::new(false), AtomicBool::new(false)];
        if !STARTED[self.slot()].swap(true, Ordering::Relaxed) {
            std::thread::spawn(move || {
                self.bpe();
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

    /// Record a count worked out another way (a split part, from its blocks), so a
    /// later [`Encoding::count`] of the same text is free.
    pub fn remember(self, text: &str, n: usize) {
        if text.len() >= MEMO_MIN {
            if let Ok(mut m) = memo().lock() {
                m.insert(key(self, text), n);
            }
        }
    }

    fn count_uncached(self, text: &str) -> usize {
        self.bpe().count(text)
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
