//! https for each client, with a TLS configuration of its own: rustls with the `ring` provider
//! (the default feature `tls-ring`) or reqwest's own aws-lc-rs (`tls-aws-lc-rs`), certificates
//! checked by the platform's verifier. Nothing is installed process-wide: an application's own
//! rustls default, or another library's, is neither needed nor changed.

/// Sets `builder`'s TLS for this build's feature; an error says what is missing.
#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc-rs")))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, String> {
    use std::sync::Arc;

    use rustls_platform_verifier::BuilderVerifierExt;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS versions: {e}"))?
        .with_platform_verifier()
        .map_err(|e| format!("the platform's certificate verifier: {e}"))?
        .with_no_client_auth();
    // A preconfigured TLS is taken as it is: HTTP/2 must be offered here, or it is never used.
    #[cfg(feature = "http2")]
    let config = {
        let mut config = config;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        config
    };
    Ok(builder.tls_backend_preconfigured(config))
}

/// reqwest builds its rustls configuration with aws-lc-rs when no default is installed.
#[cfg(feature = "tls-aws-lc-rs")]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, String> {
    Ok(builder)
}

/// Without a provider feature, reqwest can use only a provider the application installed.
#[cfg(not(any(feature = "tls-ring", feature = "tls-aws-lc-rs")))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, String> {
    match rustls::crypto::CryptoProvider::get_default() {
        Some(_) => Ok(builder),
        None => Err("no TLS provider: enable the `tls-ring` or `tls-aws-lc-rs` feature of digitalocean-sdk, \
             or install a rustls CryptoProvider before building the client"
            .into()),
    }
}
