//! Contract scenarios for public_entries.

use crate::scenarios;

scenarios!();
