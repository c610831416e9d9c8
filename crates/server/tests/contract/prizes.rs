//! Contract scenarios for prizes.

use crate::scenarios;

scenarios!();
