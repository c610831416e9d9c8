//! Draws: frozen pools, certificates, winners.
