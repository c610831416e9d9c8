//! Use cases for giveaway_settings.
