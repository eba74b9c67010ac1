//! Content hashes. The manifest, the journal, topic-file blocks and `restore` all
//! compare files by the sha256 of their bytes, so the one spelling lives here.

use sha2::{Digest, Sha256};

/// sha256 of bytes, lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            super::sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
