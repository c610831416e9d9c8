//! Contract scenarios for verify.

use crate::scenarios;

scenarios!();
