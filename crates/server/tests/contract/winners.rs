//! Contract scenarios for winners.

use crate::scenarios;

scenarios!();
