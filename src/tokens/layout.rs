//! The layout of a rank table, shared by `build.rs` (which writes it) and
//! [`super::ranks`] (which reads it in place): both include this file, so the
//! hash and the word positions cannot drift apart.
//!
//! A table is little-endian `u32` words, then bytes:
//! `[tokens, slots, offsets[tokens + 1], slot[slots]]` followed by every token's
//! bytes in rank order. Token `r`'s bytes are `bytes[offsets[r]..offsets[r + 1]]`.
//! `slot` is an open-addressing hash table (linear probing, `slots` a power of
//! two, at most half full): each slot holds a rank, or [`EMPTY`].

/// A slot that holds no rank.
pub const EMPTY: u32 = u32::MAX;

/// Words before the offsets: the token count and the slot count.
pub const HEADER_WORDS: usize = 2;

/// The slot a token's bytes start probing at: FNV-1a over the bytes, then a
/// multiply-xorshift finish so the low bits (the ones masked) depend on every
/// byte. Pieces are short (a word, a few punctuation marks), so a byte loop is
/// as fast as anything wider.
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 32;
    h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^ (h >> 29)
}
