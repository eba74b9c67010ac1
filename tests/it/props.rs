//! Tests for props (to be filled).
