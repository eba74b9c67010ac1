//! Tests for hostile (to be filled).
