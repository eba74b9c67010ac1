//! Tests for corpus (to be filled).
