//! Tests for check (to be filled).
