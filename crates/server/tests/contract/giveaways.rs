//! Contract scenarios for giveaways.

use crate::scenarios;

scenarios!();
