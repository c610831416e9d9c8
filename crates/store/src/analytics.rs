//! Storage for analytics.
