//! Writes each tiktoken encoding's rank table into `OUT_DIR` in the flat layout
//! of `src/tokens/layout.rs`, so the binary embeds it and looks ranks up in
//! place: no table is built when replan starts (bpe-openai, the source of the
//! tokens here, spends 60–100 ms building its own tables at start-up).
//!
//! The tokens come from bpe-openai's embedded dictionaries, whose token ids are
//! the tiktoken ranks (the line order of OpenAI's `.tiktoken` files); the tests
//! in `src/tokens/tests.rs` compare every count with tiktoken-rs itself.

#[path = "src/tokens/layout.rs"]
#[allow(dead_code)]
mod layout;

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/tokens/layout.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (name, tokenizer) in [
        ("o200k_base", bpe_openai::o200k_base()),
        ("cl100k_base", bpe_openai::cl100k_base()),
    ] {
        let bpe = &tokenizer.bpe;
        let tokens: Vec<&[u8]> = (0..bpe.num_tokens() as u32)
            .map(|r| bpe.token_bytes(r))
            .collect();
        std::fs::write(out.join(format!("{name}.ranks")), table(&tokens))
            .expect("OUT_DIR is writable");
    }
}

/// The flat table of `tokens`, whose index is their rank.
fn table(tokens: &[&[u8]]) -> Vec<u8> {
    let slots = (tokens.len() * 2).next_power_of_two();
    let mask = slots - 1;
    let mut slot = vec![layout::EMPTY; slots];
    for (rank, t) in tokens.iter().enumerate() {
        let mut i = layout::hash(t) as usize & mask;
        while slot[i] != layout::EMPTY {
            assert_ne!(tokens[slot[i] as usize], *t, "a token appears twice");
            i = (i + 1) & mask;
        }
        slot[i] = rank as u32;
    }
    let mut words = vec![tokens.len() as u32, slots as u32];
    let mut at = 0u32;
    words.push(0);
    for t in tokens {
        at += t.len() as u32;
        words.push(at);
    }
    words.extend(slot);
    let mut blob: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    for t in tokens {
        blob.extend_from_slice(t);
    }
    blob
}
