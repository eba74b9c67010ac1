//! Token counting with tiktoken. Loading an encoding's tables is the single
//! slowest start-up step, so each encoding is loaded once, lazily, and can be
//! warmed on a background thread while files are being read.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, OnceLock};

use tiktoken_rs::CoreBPE;

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

    fn bpe(self) -> Option<&'static CoreBPE> {
        static O200K: OnceLock<Option<CoreBPE>> = OnceLock::new();
        static CL100K: OnceLock<Option<CoreBPE>> = OnceLock::new();
        match self {
            Encoding::O200kBase => O200K.get_or_init(|| tiktoken_rs::o200k_base().ok()),
            Encoding::Cl100kBase => CL100K.get_or_init(|| tiktoken_rs::cl100k_base().ok()),
        }
        .as_ref()
    }

    /// Start loading the tables on another thread; later counts wait for it.
    pub fn warm(self) {
        std::thread::spawn(move || {
            self.bpe();
        });
    }

    /// Tokens in `text` (special-token text is counted as ordinary text).
    /// Falls back to a byte-based estimate only if the tables failed to load.
    /// Counts of large texts are remembered for the process (keyed by encoding,
    /// length and a 64-bit hash), so a file counted by one stage (planning,
    /// check, an index) is not encoded again by the next.
    pub fn count(self, text: &str) -> usize {
        if text.len() < MEMO_MIN {
            return self.count_uncached(text);
        }
        let key = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            text.hash(&mut h);
            (self, text.len(), h.finish())
        };
        if let Some(n) = memo().lock().ok().and_then(|m| m.get(&key).copied()) {
            return n;
        }
        let n = self.count_uncached(text);
        if let Ok(mut m) = memo().lock() {
            m.insert(key, n);
        }
        n
    }

    fn count_uncached(self, text: &str) -> usize {
        match self.bpe() {
            Some(bpe) => bpe.encode_ordinary(text).len(),
            None => text.len().div_ceil(4),
        }
    }
}

/// Texts shorter than this are counted every time (cheaper than hashing and locking).
const MEMO_MIN: usize = 2048;

type MemoKey = (Encoding, usize, u64);

fn memo() -> &'static Mutex<HashMap<MemoKey, usize>> {
    static MEMO: OnceLock<Mutex<HashMap<MemoKey, usize>>> = OnceLock::new();
    MEMO.get_or_init(|| Mutex::new(HashMap::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_known_text() {
        let e = Encoding::O200kBase;
        assert_eq!(e.count(""), 0);
        let n = e.count("Install ArgoCD on the devops-prod cluster.");
        assert!((5..20).contains(&n), "{n}");
        assert_eq!(
            Encoding::from_name("cl100k_base"),
            Some(Encoding::Cl100kBase)
        );
        assert_eq!(Encoding::from_name("gpt2"), None);
    }
}
