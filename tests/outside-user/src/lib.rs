//! A user's program on the SDK with only the `droplets` feature: the names of every droplet of
//! the account, read page after page.

use digitalocean_sdk::{Client, Error};

/// Every droplet's name, `per_page` to a request.
pub async fn droplet_names(client: &Client, per_page: u64) -> Result<Vec<String>, Error> {
    let droplets = client.droplets().list().per_page(per_page).collect().await?;
    Ok(droplets.into_iter().map(|d| d.name).collect())
}

/// Without the SDK's TLS features the application chooses the provider, once, before the first
/// client is built; a second install (by a test, say) is harmless.
pub fn install_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
