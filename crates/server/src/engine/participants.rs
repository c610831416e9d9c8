//! Use cases for participants.
