//! Decoding the documented action payload into the typed `ActionResponse` against
//! `serde_json::Value`: criterion for each, then, in the same run, alternating batches of the
//! two for a paired ratio, printed as `ratio typed/value: <number>` (below 1: typed is faster).
//!
//! `cargo bench -p digitalocean-sdk-bench --bench decode`

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use digitalocean_sdk::types::ActionResponse;
use digitalocean_sdk_bench::{ACTION_PAYLOAD, measuring, paired_decodes, summarize};

fn typed(bytes: &[u8]) -> ActionResponse {
    serde_json::from_slice(bytes).expect("the documented payload decodes")
}

fn value(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("the documented payload is JSON")
}

fn criterion_benches(c: &mut Criterion) {
    let bytes = ACTION_PAYLOAD.as_bytes();
    let mut group = c.benchmark_group("decode action payload");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("typed ActionResponse", |b| b.iter(|| typed(black_box(bytes))));
    group.bench_function("serde_json::Value", |b| b.iter(|| value(black_box(bytes))));
    group.finish();
}

/// Alternating batches: the per-batch ratios, their median and spread.
fn paired_ratio(rounds: usize, batch: usize) {
    let bytes = ACTION_PAYLOAD.as_bytes();
    let (t, v, ratios) = paired_decodes(bytes, rounds, batch, typed, value);
    if !measuring() {
        return; // a smoke pass: unoptimized figures would only mislead
    }
    let (t, v, r) = (summarize(&t), summarize(&v), summarize(&ratios));
    println!("paired: {rounds} rounds x {batch} decodes of {} bytes", bytes.len());
    println!("typed ActionResponse median {:.0} ns (min {:.0}, max {:.0})", t.median, t.min, t.max);
    println!("serde_json::Value    median {:.0} ns (min {:.0}, max {:.0})", v.median, v.min, v.max);
    println!("per-round typed/value: median {:.3} (min {:.3}, max {:.3})", r.median, r.min, r.max);
    println!("ratio typed/value: {:.3}", t.median / v.median);
}

fn main() {
    // The typed decode must keep every field before its speed means anything.
    let decoded = typed(ACTION_PAYLOAD.as_bytes());
    let reencoded = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(reencoded, value(ACTION_PAYLOAD.as_bytes()), "the typed decode loses or changes a field");

    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c);
    c.final_summary();
    if measuring() {
        // Small batches, many of them: a burst of load on a shared machine then spoils a few
        // samples, which the medians ignore, instead of a whole round.
        paired_ratio(1_001, 200);
    } else {
        paired_ratio(2, 10);
        println!("decode: smoke pass ok (run `cargo bench` to measure)");
    }
}
