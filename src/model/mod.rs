//! Pure, I/O-free model of a Markdown file: source bytes, blocks, headings, links.

pub mod digest;
pub mod document;
pub mod fences;
pub mod links;
pub mod markers;
pub mod refdefs;
pub mod reverse;
pub mod section;
pub mod shifted;
pub mod slug;
pub mod source;
pub mod text;

pub use digest::sha256;
pub use document::{Block, BlockKind, CodeInfo, Document, Heading, Link};
pub use section::Section;
pub use source::{count_lines, Source, SourceError};
pub use text::Text;

/// Markdown files below `dir`, sorted; unreadable folders skipped. For tests
/// that run a property over the samples or the corpus (one walk, not one per
/// test module).
#[cfg(test)]
pub(crate) fn markdown_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
