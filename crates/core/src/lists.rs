//! Whitelist and blacklist values: e-mails, IP addresses and CIDR ranges.
