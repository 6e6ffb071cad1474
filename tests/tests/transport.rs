//! https out of the box, and plain http only where the token cannot cross a network.
//!
//! No real network: the TLS server is a local rustls server on 127.0.0.1 with a certificate made
//! in the test. Nothing trusts that certificate, so the expected outcome is the client refusing
//! it during the handshake. That proves a TLS backend is compiled in, that `https://` is
//! handled, and that certificates are verified (not "no TLS backend" or "scheme not supported").

use std::io::Read;
use std::net::{Ipv4Addr, TcpListener};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use digitalocean_sdk::{ActionId, Client, DEFAULT_BASE_URL, Error, ImageId, RetryPolicy};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

const TOKEN: &str = "dop_v1_transport_test_token_5f0e1d2c3b4a";
const IMAGE: ImageId = ImageId::new(7938269).unwrap();
const ACTION: ActionId = ActionId::new(36805527).unwrap();

#[test]
fn the_default_base_url_is_https() {
    assert!(DEFAULT_BASE_URL.starts_with("https://"), "{DEFAULT_BASE_URL}");
    assert_eq!(Client::new(TOKEN).unwrap().config().base_url(), DEFAULT_BASE_URL);
}

/// A TLS server for one connection on loopback; reports how its side of the handshake ended.
fn one_shot_tls_server() -> (u16, mpsc::Receiver<String>) {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("a self-signed certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .expect("a server config");
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a loopback port");
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let Ok((socket, _)) = listener.accept() else { return };
        let _ = socket.set_read_timeout(Some(Duration::from_secs(10)));
        let connection = rustls::ServerConnection::new(Arc::new(config)).expect("a server connection");
        let mut tls = rustls::StreamOwned::new(connection, socket);
        let mut byte = [0u8; 1];
        let outcome = match tls.read(&mut byte) {
            Ok(n) => format!("handshake completed, read {n} byte(s)"),
            Err(e) => format!("handshake failed: {e}"),
        };
        let _ = tx.send(outcome);
    });
    (port, rx)
}

fn chain(error: &Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        text.push_str(" <- ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[tokio::test]
async fn an_https_call_reaches_tls_and_verifies_the_certificate() {
    let (port, server) = one_shot_tls_server();
    let client = Client::builder(TOKEN)
        .base_url(format!("https://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::none())
        .request_timeout(Duration::from_secs(10))
        .build()
        .expect("https to loopback is a valid base URL");
    let error = client.image_actions().get(IMAGE, ACTION).await.expect_err("the certificate is not trusted");
    let text = chain(&error);
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    // rustls says why it refused: the issuer of a self-signed certificate is unknown.
    assert!(text.contains("invalid peer certificate") && text.contains("UnknownIssuer"), "{text}");
    for wrong in ["scheme", "not supported", "no TLS", "builder error"] {
        assert!(!text.contains(wrong), "{wrong:?} in {text}");
    }
    assert!(!text.contains(TOKEN) && !format!("{error:?}").contains(TOKEN), "{text}");
    // The server saw a real handshake, which the client ended with an alert.
    let outcome = server.recv_timeout(Duration::from_secs(10)).expect("the server saw a connection");
    assert!(outcome.contains("handshake failed") && outcome.to_lowercase().contains("alert"), "{outcome}");
}

#[test]
fn plain_http_is_refused_off_loopback_unless_allowed() {
    for url in
        ["http://api.digitalocean.com", "http://10.0.0.1:8080", "http://localhost.example.com", "http://[fe80::1]"]
    {
        let error = Client::builder(TOKEN).base_url(url).build().expect_err(url);
        let text = error.to_string();
        assert!(matches!(error, Error::Config(_)), "{url}: {error:?}");
        assert!(text.contains("allow_insecure_http"), "{url}: the message says how to opt in: {text}");
        let config = Client::builder(TOKEN).base_url(url).allow_insecure_http(true).build();
        assert!(config.is_ok(), "{url} with allow_insecure_http(true): {config:?}");
    }
    for url in ["http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost:1", "http://[::1]:1"] {
        let config = Client::builder(TOKEN).base_url(url).build();
        assert!(config.is_ok(), "{url} is loopback: {config:?}");
    }
    for url in ["https://api.digitalocean.com", "https://10.0.0.1"] {
        assert!(Client::builder(TOKEN).base_url(url).build().is_ok(), "{url}");
    }
}
