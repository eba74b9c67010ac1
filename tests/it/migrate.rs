//! Tests for migrate (to be filled).
