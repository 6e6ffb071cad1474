//! Lists the first page of droplets through rsdo: the same program as `bench/build-one-tag`,
//! so that the two builds differ only in the client crate. Built, never run, by
//! `bench/build_cost.sh`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("DIGITALOCEAN_TOKEN")?;
    let client = rsdo::Client::from_token(&token);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let page = runtime.block_on(client.droplets_list(None, None, std::num::NonZeroU64::new(200), None, None))?;
    for droplet in &page.droplets {
        println!("{} {}", droplet.id, droplet.name);
    }
    Ok(())
}
