//! Decoding a page of 200 droplets (the documented "All Droplets" example of the vendored spec,
//! repeated with varied ids: `droplets_page`) into the generated `DropletsListResponse`, what
//! `client.droplets().list()` returns, against `serde_json::Value`: criterion for each, then,
//! in the same run, alternating batches of the two for a paired ratio, printed as
//! `ratio decode droplets/value: <number>` (below 1: the typed decode is faster).
//!
//! `cargo bench -p digitalocean-sdk-bench --bench decode_droplets`; pydo's decode of the same
//! bytes is timed by `bench/pydo_decode.sh`.

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use digitalocean_sdk::types::DropletsListResponse;
use digitalocean_sdk_bench::{DROPLETS_PER_PAGE, droplets_page, measuring, paired_decodes, summarize};

fn typed(bytes: &[u8]) -> DropletsListResponse {
    serde_json::from_slice(bytes).expect("the documented droplets decode")
}

fn value(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("the page is JSON")
}

fn criterion_benches(c: &mut Criterion, bytes: &[u8]) {
    let mut group = c.benchmark_group("decode a page of 200 droplets");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("typed DropletsListResponse", |b| b.iter(|| typed(black_box(bytes))));
    group.bench_function("serde_json::Value", |b| b.iter(|| value(black_box(bytes))));
    group.finish();
}

/// Alternating batches, the order flipping each round: the per-batch ratios, their median and
/// spread.
fn paired_ratio(bytes: &[u8], rounds: usize, batch: usize) {
    let (t, v, ratios) = paired_decodes(bytes, rounds, batch, typed, value);
    if !measuring() {
        return; // a smoke pass: unoptimized figures would only mislead
    }
    let (t, v, r) = (summarize(&t), summarize(&v), summarize(&ratios));
    println!("paired: {rounds} rounds x {batch} decodes of {} bytes ({DROPLETS_PER_PAGE} droplets)", bytes.len());
    println!(
        "typed DropletsListResponse median {:.1} µs (min {:.1}, max {:.1})",
        t.median / 1e3,
        t.min / 1e3,
        t.max / 1e3
    );
    println!(
        "serde_json::Value          median {:.1} µs (min {:.1}, max {:.1})",
        v.median / 1e3,
        v.min / 1e3,
        v.max / 1e3
    );
    println!("per-round typed/value: median {:.3} (min {:.3}, max {:.3})", r.median, r.min, r.max);
    println!("ratio decode droplets/value: {:.3}", t.median / v.median);
}

fn main() {
    let page = droplets_page(DROPLETS_PER_PAGE);
    let bytes = page.as_bytes();
    // The typed decode must read the whole page before its speed means anything: every
    // droplet, each with its own id. (That it keeps every field of the documented example is
    // the examples test's business: `tests/tests/examples.rs`.)
    let decoded = typed(bytes);
    assert_eq!(decoded.droplets.len(), DROPLETS_PER_PAGE);
    assert_eq!(decoded.meta.total, DROPLETS_PER_PAGE as i64);
    let ids: std::collections::HashSet<u64> = decoded.droplets.iter().map(|d| d.id.get()).collect();
    assert_eq!(ids.len(), DROPLETS_PER_PAGE, "the ids are not varied");

    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c, bytes);
    c.final_summary();
    if measuring() {
        // A page takes tens of microseconds: small batches, many rounds, so that a burst of
        // load on the shared machine spoils a few samples, which the medians ignore.
        paired_ratio(bytes, 401, 20);
    } else {
        paired_ratio(bytes, 2, 1);
        println!("decode_droplets: smoke pass ok (run `cargo bench` to measure)");
    }
}
