//! One authenticated JSON request with reqwest over rustls (ring): the floor under any
//! DigitalOcean client's build.

/// Posts `body` to `url` with a bearer token and returns the JSON answer.
pub async fn post_json(url: &str, token: &str, body: &str) -> Result<String, reqwest::Error> {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build()?;
    let response = client
        .post(url)
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_owned())
        .send()
        .await?
        .error_for_status()?;
    tokio::time::timeout(std::time::Duration::from_secs(30), response.text())
        .await
        .unwrap_or_else(|_| Ok(String::new()))
}
