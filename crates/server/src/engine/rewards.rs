//! Use cases for rewards.
