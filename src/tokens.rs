//! Token counting with tiktoken. Loading an encoding's tables is the single
//! slowest start-up step, so each encoding is loaded once, lazily, and can be
//! warmed on a background thread while files are being read.

use std::sync::OnceLock;

use tiktoken_rs::CoreBPE;

/// A supported tiktoken encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    pub fn count(self, text: &str) -> usize {
        match self.bpe() {
            Some(bpe) => bpe.encode_ordinary(text).len(),
            None => text.len().div_ceil(4),
        }
    }
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
