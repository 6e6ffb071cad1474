//! https out of the box: rustls with the `ring` provider (it builds faster than aws-lc-rs and
//! needs no C toolchain beyond what `ring` brings).

/// Installs `ring` as the process's rustls provider unless one is installed already (by the
/// application or another library), which is then respected.
pub(crate) fn ensure_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another installer is fine: a provider is installed either way.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
