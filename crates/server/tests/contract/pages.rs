//! Contract scenarios for pages.

use crate::scenarios;

scenarios!();
