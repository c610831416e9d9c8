//! Draws and winners: running the protocol on a giveaway's pool, storing every draw with its frozen pool, and publishing certificates.
