//! Pure, I/O-free model of a Markdown file: source bytes, blocks, headings, links.

pub mod digest;
pub mod document;
pub mod fences;
pub mod links;
pub mod markers;
pub mod refdefs;
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
