//! Contract scenarios for lists.

use crate::scenarios;

scenarios!();
