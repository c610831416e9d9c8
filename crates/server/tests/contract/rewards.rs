//! Contract scenarios for rewards.

use crate::scenarios;

scenarios!();
