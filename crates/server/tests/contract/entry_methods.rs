//! Contract scenarios for entry_methods.

use crate::scenarios;

scenarios!();
