//! Lists the first page of droplets (`DIGITALOCEAN_TOKEN`) with reqwest and serde_json only:
//! what `bench/build-one-tag` does through the SDK, as little as hand-written code does it.
//! Built, never run, by `bench/binary_size.sh`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("DIGITALOCEAN_TOKEN")?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let page: serde_json::Value = runtime.block_on(async {
        client
            .get("https://api.digitalocean.com/v2/droplets")
            .query(&[("per_page", "200")])
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    })?;
    for droplet in page["droplets"].as_array().into_iter().flatten() {
        println!("{} {}", droplet["id"], droplet["name"].as_str().unwrap_or_default());
    }
    Ok(())
}
