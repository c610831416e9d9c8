//! Use cases for entry_methods.
