//! Use cases for analytics.
