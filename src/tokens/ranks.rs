//! A tiktoken rank table read in place from the bytes `build.rs` embedded in
//! the binary (layout in [`super::layout`]): nothing is parsed or allocated when
//! it is first used, and only the pages a lookup touches are ever read.

use super::layout::{self, EMPTY, HEADER_WORDS};

/// One encoding's token → rank table.
#[derive(Clone, Copy)]
pub struct Ranks {
    blob: &'static [u8],
    mask: usize,
    /// Word index of the first slot.
    slots_at: usize,
    /// Byte index of the first token byte.
    bytes_at: usize,
}

impl Ranks {
    /// The table in `blob`, as written by `build.rs`. Only the header is read.
    pub const fn new(blob: &'static [u8]) -> Ranks {
        let tokens = word_in(blob, 0) as usize;
        let slots = word_in(blob, 1) as usize;
        let slots_at = HEADER_WORDS + tokens + 1;
        Ranks {
            blob,
            mask: slots - 1,
            slots_at,
            bytes_at: (slots_at + slots) * 4,
        }
    }

    /// The rank of the token whose bytes are `piece`, if it is one.
    #[inline]
    pub fn rank(&self, piece: &[u8]) -> Option<u32> {
        let mut i = layout::hash(piece) as usize & self.mask;
        loop {
            let r = self.word(self.slots_at + i);
            if r == EMPTY {
                return None;
            }
            if self.token(r) == piece {
                return Some(r);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// The bytes of the token of rank `r` (`r` < the number of tokens).
    fn token(&self, r: u32) -> &'static [u8] {
        let r = r as usize;
        let start = self.word(HEADER_WORDS + r) as usize;
        let end = self.word(HEADER_WORDS + r + 1) as usize;
        &self.blob[self.bytes_at + start..self.bytes_at + end]
    }

    /// The bytes of the token of rank `r`, for tests.
    #[cfg(test)]
    pub fn token_of(&self, r: u32) -> &'static [u8] {
        self.token(r)
    }

    /// The number of tokens.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.word(0) as usize
    }

    #[inline]
    fn word(&self, i: usize) -> u32 {
        word_in(self.blob, i)
    }
}

/// The `i`th little-endian word of `blob` (an unaligned load; no alignment of
/// the embedded bytes is needed).
#[inline]
const fn word_in(blob: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([
        blob[4 * i],
        blob[4 * i + 1],
        blob[4 * i + 2],
        blob[4 * i + 3],
    ])
}
