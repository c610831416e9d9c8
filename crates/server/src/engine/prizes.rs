//! Use cases for prizes.
