//! Storage for lists (owned by its feature; see docs/ARCHITECTURE.md).
