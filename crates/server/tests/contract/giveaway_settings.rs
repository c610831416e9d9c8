//! Contract scenarios for giveaway_settings.

use crate::scenarios;

scenarios!();
