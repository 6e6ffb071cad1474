//! The Rust side of `bench/pydo_decode.sh`: decodes the page of droplets of the
//! `decode_droplets` bench (`droplets_page`) into the typed `DropletsListResponse` for a while.
//!
//! Usage: `decode-droplets --page` prints the page (the bytes pydo decodes);
//! `decode-droplets SECONDS` prints `typed_us: <median µs per page>` and the same for
//! `serde_json::Value` (`value_us:`), over batches of 20 decodes after a warm-up.

use std::hint::black_box;
use std::time::{Duration, Instant};

use digitalocean_sdk::types::DropletsListResponse;
use digitalocean_sdk_bench::{DROPLETS_PER_PAGE, droplets_page, summarize};

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let page = droplets_page(DROPLETS_PER_PAGE);
    if arg == "--page" {
        print!("{page}");
        return;
    }
    let Ok(seconds) = arg.parse::<f64>() else {
        eprintln!("usage: decode-droplets --page | decode-droplets SECONDS");
        std::process::exit(2);
    };
    let bytes = page.as_bytes();
    let typed = |b: &[u8]| serde_json::from_slice::<DropletsListResponse>(b).expect("the page decodes");
    let value = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).expect("the page is JSON");
    for _ in 0..50 {
        black_box(typed(black_box(bytes)));
        black_box(value(black_box(bytes)));
    }
    const BATCH: u32 = 20;
    let (mut t, mut v) = (Vec::new(), Vec::new());
    let deadline = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    while start.elapsed() < deadline {
        let s = Instant::now();
        for _ in 0..BATCH {
            black_box(typed(black_box(bytes)));
        }
        t.push(s.elapsed().as_secs_f64() * 1e6 / f64::from(BATCH));
        let s = Instant::now();
        for _ in 0..BATCH {
            black_box(value(black_box(bytes)));
        }
        v.push(s.elapsed().as_secs_f64() * 1e6 / f64::from(BATCH));
    }
    println!("typed_us: {:.2}", summarize(&t).median);
    println!("value_us: {:.2}", summarize(&v).median);
}
