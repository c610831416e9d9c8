//! Contract scenarios for analytics.

use crate::scenarios;

scenarios!();
