//! The process's TLS set-up, shared by every client and driver that opens a TLS connection.

/// rustls needs one process-wide crypto provider; the database driver and the HTTP clients
/// both use ring here, so install it before either makes a connection.
pub fn install_tls_provider() {
    // Err only means a provider is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
