//! Entry method types: the catalog and per-giveaway configuration rules.
