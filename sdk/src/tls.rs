//! https out of the box. With the default feature `tls-ring`: rustls with the `ring` provider. With
//! `tls-aws-lc-rs`: reqwest's own default, aws-lc-rs. With neither, the application installs
//! a rustls provider itself.

use crate::error::Error;

/// Makes sure reqwest will find a rustls provider: one the application (or another library)
/// installed is respected; else the one this build's feature names.
pub(crate) fn ensure_provider() -> Result<(), Error> {
    if rustls::crypto::CryptoProvider::get_default().is_some() {
        return Ok(());
    }
    #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc-rs")))]
    {
        // Losing a race to another installer is fine: a provider is installed either way.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ok(())
    }
    // reqwest falls back to aws-lc-rs by itself.
    #[cfg(feature = "tls-aws-lc-rs")]
    {
        Ok(())
    }
    #[cfg(not(any(feature = "tls-ring", feature = "tls-aws-lc-rs")))]
    {
        Err(Error::Config(
            "no TLS provider: enable the `tls-ring` or `tls-aws-lc-rs` feature of digitalocean-sdk, \
             or install a rustls CryptoProvider before building the client"
                .into(),
        ))
    }
}
