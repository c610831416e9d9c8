//! Storage for prizes (owned by its feature; see docs/ARCHITECTURE.md).
