//! Many calls in flight through one client, and memory over many sequential calls.
//!
//! 1. Wave 1: 256 concurrent `get` calls through a fresh client, answered only once all 256
//!    have reached the server, so that all are surely in flight at once: all must succeed,
//!    over at most 256 connections (counted at the server).
//! 2. Wave 2: the same again: the pool must serve it without a single new connection.
//! 3. Throughput: sequential calls per second, then calls per second with 256 in flight, in
//!    alternating rounds; the ratio of the medians.
//! 4. Memory: peak RSS (`VmHWM`) after the concurrent rounds; RSS before and after 10,000
//!    sequential calls.
//!
//! Exits non-zero when a call fails or the pool opens connections it should not, over the
//! whole run included (never more than 256).
//!
//! `cargo bench -p digitalocean-sdk-bench --bench in_flight`

use std::time::{Duration, Instant};

use digitalocean_sdk::{ActionId, Client, ImageId};
use digitalocean_sdk_bench::server::HELD_ACTION;
use digitalocean_sdk_bench::{LoopbackServer, image, measuring, proc_status_kib, sdk_client, summarize};

const IN_FLIGHT: usize = 256;

fn main() {
    let server = LoopbackServer::start(env!("CARGO_BIN_EXE_loopback-server"));
    // The runtime users get from `#[tokio::main]`: one worker per core.
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    let client = sdk_client(&server.base_url);
    let image = image();
    let action = ActionId::new(36805527).expect("a positive id");
    let held = ActionId::new(HELD_ACTION).expect("a positive id");
    // The server holds these answers back until as many requests wait as the image id says.
    let batch = ImageId::new(IN_FLIGHT as u64).expect("a positive id");
    let full = measuring();

    // 1 and 2: the pool.
    let before = server.api_connections();
    runtime.block_on(wave(&client, batch, held, IN_FLIGHT));
    let after_first = server.api_connections();
    // Connections go back to the pool once their response is read; give that a moment.
    std::thread::sleep(Duration::from_millis(200));
    runtime.block_on(wave(&client, batch, held, IN_FLIGHT));
    let after_second = server.api_connections();
    let first_wave = after_first - before;
    let second_wave = after_second - after_first;
    println!(
        "wave 1: {IN_FLIGHT} concurrent get calls (held until all arrived), all succeeded, {first_wave} connections opened"
    );
    println!(
        "wave 2: {IN_FLIGHT} concurrent get calls (held until all arrived), all succeeded, {second_wave} new connections"
    );
    let mut ok = true;
    if first_wave > IN_FLIGHT {
        eprintln!("FAIL: more connections than calls in flight");
        ok = false;
    }
    if second_wave != 0 {
        eprintln!("FAIL: the second wave opened connections instead of reusing the pool");
        ok = false;
    }

    // 3: throughput, sequential against in flight, alternating.
    let (rounds, sequential_calls, waves) = if full { (9, 4_000, 16) } else { (1, 10, 1) };
    let (mut seq_rate, mut conc_rate, mut paired) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let start = Instant::now();
        runtime.block_on(sequential(&client, image, action, sequential_calls));
        let s = sequential_calls as f64 / start.elapsed().as_secs_f64();
        let start = Instant::now();
        runtime.block_on(async {
            for _ in 0..waves {
                wave(&client, image, action, IN_FLIGHT).await;
            }
        });
        let c = (waves * IN_FLIGHT) as f64 / start.elapsed().as_secs_f64();
        seq_rate.push(s);
        conc_rate.push(c);
        paired.push(c / s);
    }
    let hwm = proc_status_kib("VmHWM");
    let total_connections = server.api_connections() - before;

    // 4: memory over sequential calls.
    let calls = if full { 10_000 } else { 100 };
    let rss_before = proc_status_kib("VmRSS");
    runtime.block_on(sequential(&client, image, action, calls));
    let rss_after = proc_status_kib("VmRSS");

    if total_connections > IN_FLIGHT {
        eprintln!("FAIL: {total_connections} connections over the run, more than the {IN_FLIGHT} calls ever in flight");
        ok = false;
    }
    if !ok {
        std::process::exit(1);
    }
    if !full {
        println!("in_flight: smoke pass ok (run `cargo bench` to measure)");
        return;
    }
    let (s, c, p) = (summarize(&seq_rate), summarize(&conc_rate), summarize(&paired));
    println!("connections opened over the whole run: {total_connections}");
    println!(
        "sequential: median {:.0} calls/s (min {:.0}, max {:.0}), {rounds} rounds of {sequential_calls}",
        s.median, s.min, s.max
    );
    println!(
        "{IN_FLIGHT} in flight: median {:.0} calls/s (min {:.0}, max {:.0}), {rounds} rounds of {waves} waves",
        c.median, c.min, c.max
    );
    println!("per-round in-flight/sequential: median {:.2} (min {:.2}, max {:.2})", p.median, p.min, p.max);
    println!("ratio in-flight/sequential throughput: {:.2}", c.median / s.median);
    println!("peak RSS (VmHWM) after the concurrent rounds: {}", kib(hwm));
    let growth = rss_after.zip(rss_before).map(|(a, b)| a as i64 - b as i64);
    println!(
        "RSS over {calls} sequential calls: before {}, after {}, difference {}",
        kib(rss_before),
        kib(rss_after),
        growth.map_or("unknown".into(), |d| format!("{d:+} KiB"))
    );
}

/// `n` concurrent `get` calls, each on a task of its own, as a server application would.
async fn wave(client: &Client, image: ImageId, action: ActionId, n: usize) {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.image_actions().get(image, action).await })
        })
        .collect();
    for task in tasks {
        let response = task.await.expect("the task").expect("the get call");
        assert_eq!(response.id.get(), 36805527);
    }
}

async fn sequential(client: &Client, image: ImageId, action: ActionId, n: usize) {
    for _ in 0..n {
        let response = client.image_actions().get(image, action).await.expect("the get call");
        std::hint::black_box(response);
    }
}

fn kib(value: Option<u64>) -> String {
    value.map_or("unknown".into(), |k| format!("{k} KiB"))
}
