//! Contract scenarios for participants.

use crate::scenarios;

scenarios!();
