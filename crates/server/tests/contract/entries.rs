//! Contract scenarios for entries.

use crate::scenarios;

scenarios!();
