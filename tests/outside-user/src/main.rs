//! Lists the account's droplets: `DIGITALOCEAN_TOKEN=... cargo run`.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    outside_user::install_tls();
    let client = digitalocean_sdk::Client::from_env()?;
    for name in outside_user::droplet_names(&client, 100).await? {
        println!("{name}");
    }
    Ok(())
}
