//! Use cases for public_entries.
