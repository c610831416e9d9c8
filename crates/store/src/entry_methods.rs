//! Storage for entry_methods (owned by its feature; see docs/ARCHITECTURE.md).
