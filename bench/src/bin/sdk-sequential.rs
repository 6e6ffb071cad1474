//! Sequential image-action converts with the SDK against a loopback server, one client, one
//! keep-alive connection: the Rust side of `bench/pydo_vs_sdk.sh`.
//!
//! Usage: `sdk-sequential BASE_URL SECONDS`. Prints `calls_per_second: <number>` after a
//! warm-up. Runs on the runtime `#[tokio::main]` gives an application.

use std::time::{Duration, Instant};

use digitalocean_sdk_bench::{image, sdk_client};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(base_url), Some(seconds)) = (args.next(), args.next().and_then(|s| s.parse::<f64>().ok())) else {
        eprintln!("usage: sdk-sequential BASE_URL SECONDS");
        std::process::exit(2);
    };
    // The SDK itself refuses plain http off loopback; the check here only makes the intent plain.
    if !base_url.starts_with("http://127.0.0.1:") && !base_url.starts_with("http://[::1]:") {
        eprintln!("refusing {base_url}: this driver only talks to a loopback server");
        std::process::exit(2);
    }
    let client = sdk_client(&base_url);
    let image = image();
    for _ in 0..2_000 {
        client.image_actions().convert(image).await.expect("the SDK call");
    }
    let deadline = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut calls = 0u64;
    loop {
        let action = client.image_actions().convert(image).await.expect("the SDK call");
        assert_eq!(action.id.get(), 36805527);
        calls += 1;
        if calls.is_multiple_of(256) && start.elapsed() >= deadline {
            break;
        }
    }
    println!("calls_per_second: {:.1}", calls as f64 / start.elapsed().as_secs_f64());
}
