//! Storage for rewards (owned by its feature; see docs/ARCHITECTURE.md).
