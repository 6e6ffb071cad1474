//! Lists the first page of droplets (`DIGITALOCEAN_TOKEN`): the least a user of one tag writes.
//! Built, never run, by `bench/build_cost.sh` and `bench/binary_size.sh`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = digitalocean_sdk::Client::from_env()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let page = runtime.block_on(client.droplets().list().per_page(200).page(1))?;
    for droplet in &page.droplets {
        println!("{} {}", droplet.id, droplet.name);
    }
    Ok(())
}
