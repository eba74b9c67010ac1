//! A file's text, shared rather than copied. An original read once is the
//! text of its parse, of the plan's archive copy of it, and of every op that
//! names it as the text expected on disk: with a `String` each of those was a
//! copy, a whole input's worth of memory again per holder on a big file. A
//! [`Text`] is cloned by reference count and reads as a `&str`; a part cut
//! from an original without added text is a [`Text::slice`] of it.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Immutable text, cheap to clone; derefs to `str`. Compared, hashed and
/// ordered as the text it reads as.
#[derive(Clone, Default)]
pub struct Text {
    buf: Arc<String>,
    /// The bytes of `buf` it reads as (all of them unless it is a slice).
    start: usize,
    end: usize,
}

impl Text {
    /// The text as a `&str`.
    pub fn as_str(&self) -> &str {
        &self.buf[self.start..self.end]
    }

    /// The bytes `range` of this text, sharing its buffer. `None` when the
    /// range is out of bounds or not on character boundaries.
    pub fn slice(&self, range: std::ops::Range<usize>) -> Option<Text> {
        self.as_str().get(range.clone())?;
        Some(Text {
            buf: Arc::clone(&self.buf),
            start: self.start + range.start,
            end: self.start + range.end,
        })
    }

    /// The text as an owned `String`: moved out when this is the only holder
    /// of its whole buffer, copied otherwise.
    pub fn into_string(self) -> String {
        if self.start == 0 && self.end == self.buf.len() {
            Arc::try_unwrap(self.buf).unwrap_or_else(|shared| (*shared).clone())
        } else {
            self.as_str().to_string()
        }
    }

    /// Whether `self` and `other` share one buffer (not only equal text).
    pub fn same_buffer(&self, other: &Text) -> bool {
        Arc::ptr_eq(&self.buf, &other.buf)
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self
    }
}

impl AsRef<[u8]> for Text {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text {
            end: s.len(),
            start: 0,
            buf: Arc::new(s),
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::from(s.to_string())
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text::from(s.as_str())
    }
}

impl From<&Text> for Text {
    fn from(t: &Text) -> Text {
        t.clone()
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.into_string()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

/// Serialized as the string it is (the journal's format is unchanged).
impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        String::deserialize(d).map(Text::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_shares_the_buffer_and_reads_the_same() {
        let t = Text::from("abc\n".to_string());
        let u = t.clone();
        assert!(t.same_buffer(&u));
        assert!(!t.same_buffer(&Text::from("abc\n")));
        assert_eq!(u, "abc\n");
        assert_eq!(&u[1..], "bc\n");
        assert_eq!(u.into_string(), "abc\n");
        // The last holder gets the buffer itself.
        assert_eq!(t.into_string(), "abc\n");
    }

    #[test]
    fn a_slice_shares_the_buffer_and_reads_only_its_bytes() {
        let t = Text::from("héllo\nworld\n".to_string());
        let s = t.slice(7..13).unwrap();
        assert!(s.same_buffer(&t));
        assert_eq!(s, "world\n");
        assert_eq!(s.slice(1..3).unwrap(), "or");
        assert_eq!(s.len(), 6);
        assert!(t.slice(2..3).is_none(), "inside the é");
        assert!(s.slice(0..7).is_none(), "past its end");
        assert_eq!(s.clone().into_string(), "world\n");
        assert_eq!(Text::from("world\n"), s);
        let a = Text::from("a");
        assert!(a < s, "ordered as text");
        drop(t);
        // Not the whole buffer: copied out, never the buffer with the rest.
        assert_eq!(s.into_string(), "world\n");
    }

    #[test]
    fn it_serializes_as_a_plain_string() {
        let t = Text::from("a \"quoted\"\nline");
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, serde_json::to_string("a \"quoted\"\nline").unwrap());
        let back: Text = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
    }
}
