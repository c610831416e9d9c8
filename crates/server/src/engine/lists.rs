//! Use cases for lists.
