//! Per-call overhead: the SDK's `convert` against the same request written by hand with
//! reqwest, one process, one run, one loopback server.
//!
//! Calls alternate one by one, each client on its own keep-alive connection, each call timed
//! alone. Prints the median call of each, the spread over rounds, and `ratio sdk/raw: <number>`
//! (the ratio of the medians) on a line of its own.
//!
//! Measured twice: on a current-thread runtime (the headline, where the client's own work
//! weighs most) and on the multi-thread runtime `#[tokio::main]` gives.
//!
//! `cargo bench -p digitalocean-sdk-bench --bench per_call`

use std::time::Instant;

use digitalocean_sdk::{Client, ImageId};
use digitalocean_sdk_bench::{
    IMAGE, LoopbackServer, RawConvert, image, measuring, sdk_client, sdk_user_agent, summarize,
};

fn main() {
    let server = LoopbackServer::start(env!("CARGO_BIN_EXE_loopback-server"));
    let (rounds, pairs, warmup) = if measuring() { (15, 2_000, 3_000) } else { (2, 5, 5) };

    // The headline: one thread does all the client work, so the SDK's own work weighs most.
    let current = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let one_thread = measure(&current, &server.base_url, rounds, pairs, warmup);
    // For comparison, the runtime `#[tokio::main]` gives: connection tasks run on workers.
    let multi = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    let workers = measure(&multi, &server.base_url, rounds, pairs, warmup);

    if !measuring() {
        println!("per_call: smoke pass ok (run `cargo bench` to measure)");
        return;
    }
    println!("per_call: {rounds} rounds x {pairs} pairs of sequential convert calls, one keep-alive connection each");
    println!("-- current-thread runtime");
    let headline = one_thread.report();
    println!("-- multi-thread runtime (#[tokio::main])");
    let multi_ratio = workers.report();
    println!("multi-thread runtime sdk/raw: {multi_ratio:.3}");
    println!("ratio sdk/raw: {headline:.3}");
}

struct Samples {
    sdk: Vec<f64>,
    raw: Vec<f64>,
    round_ratios: Vec<f64>,
}

impl Samples {
    /// Prints the figures; returns the ratio of the medians.
    fn report(&self) -> f64 {
        let (s, r, p) = (summarize(&self.sdk), summarize(&self.raw), summarize(&self.round_ratios));
        let (s10, r10) = (percentile(&self.sdk, 0.10), percentile(&self.raw, 0.10));
        println!("sdk  median {:.2} us/call (p10 {:.2}, min {:.2})", s.median, s10, s.min);
        println!("raw  median {:.2} us/call (p10 {:.2}, min {:.2})", r.median, r10, r.min);
        println!("per-round sdk/raw of medians: median {:.3} (min {:.3}, max {:.3})", p.median, p.min, p.max);
        println!("p10 sdk/raw: {:.3}", s10 / r10);
        s.median / r.median
    }
}

/// Fresh clients on `runtime` (a pool's connections belong to the runtime that opened them),
/// checked, warmed up, then timed.
fn measure(runtime: &tokio::runtime::Runtime, base_url: &str, rounds: usize, pairs: usize, warmup: usize) -> Samples {
    let image = image();
    let (sdk, raw) = runtime.block_on(async {
        let sdk = sdk_client(base_url);
        let raw = RawConvert::new(base_url, &sdk_user_agent(&sdk));
        // Both answers must be the documented action before anything is timed.
        let typed = sdk.image_actions().convert(image).await.expect("the SDK call");
        let value = raw.send(IMAGE).await;
        assert_eq!(value["action"]["id"].as_u64(), Some(typed.id.get()));
        for _ in 0..warmup {
            sdk.image_actions().convert(image).await.expect("the SDK call");
            raw.send(IMAGE).await;
        }
        (sdk, raw)
    });

    // Calls alternate one by one (the order flipping each pair), so that both see the same
    // machine: on a shared machine, load comes in bursts longer than a call. Each call is
    // timed alone; medians of single calls shrug off the calls a burst hit.
    let mut samples = Samples { sdk: Vec::new(), raw: Vec::new(), round_ratios: Vec::new() };
    runtime.block_on(async {
        for _ in 0..rounds {
            let (mut sdk_us, mut raw_us) = (Vec::with_capacity(pairs), Vec::with_capacity(pairs));
            for pair in 0..pairs {
                if pair.is_multiple_of(2) {
                    sdk_us.push(time_sdk(&sdk, image).await);
                    raw_us.push(time_raw(&raw).await);
                } else {
                    raw_us.push(time_raw(&raw).await);
                    sdk_us.push(time_sdk(&sdk, image).await);
                }
            }
            samples.round_ratios.push(summarize(&sdk_us).median / summarize(&raw_us).median);
            samples.sdk.extend(sdk_us);
            samples.raw.extend(raw_us);
        }
    });
    samples
}

async fn time_sdk(sdk: &Client, image: ImageId) -> f64 {
    let start = Instant::now();
    let action = sdk.image_actions().convert(image).await.expect("the SDK call");
    let us = start.elapsed().as_secs_f64() * 1e6;
    std::hint::black_box(action);
    us
}

async fn time_raw(raw: &RawConvert) -> f64 {
    let start = Instant::now();
    let value = raw.send(IMAGE).await;
    let us = start.elapsed().as_secs_f64() * 1e6;
    std::hint::black_box(value);
    us
}

fn percentile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}
