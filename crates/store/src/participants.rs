//! Storage for participants.
