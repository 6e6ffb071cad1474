//! Sequential convert calls of one kind against a loopback server, on a current-thread
//! runtime, after a warm-up of both kinds: a steady loop whose instructions and cache misses
//! `bench/instructions.sh` counts under valgrind (counts, unlike times, do not depend on what
//! else the machine is doing).
//!
//! Usage: `call-loop sdk|raw|raw-typed CALLS BASE_URL`. Run it with 0 calls and with N: the
//! difference divided by N is the cost of one call.

use digitalocean_sdk_bench::{IMAGE, RawConvert, image, sdk_client, sdk_user_agent};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(kind), Some(calls), Some(base_url)) =
        (args.next(), args.next().and_then(|s| s.parse::<u64>().ok()), args.next())
    else {
        eprintln!("usage: call-loop sdk|raw|raw-typed CALLS BASE_URL");
        std::process::exit(2);
    };
    if !matches!(kind.as_str(), "sdk" | "raw" | "raw-typed") {
        eprintln!("unknown kind {kind:?}: sdk, raw or raw-typed");
        std::process::exit(2);
    }
    if !base_url.starts_with("http://127.0.0.1:") {
        eprintln!("refusing {base_url}: this driver only talks to a loopback server");
        std::process::exit(2);
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let sdk = sdk_client(&base_url);
        let raw = RawConvert::new(&base_url, &sdk_user_agent(&sdk));
        let image = image();
        // The same warm-up whatever the kind: both clients connected, their code paths run.
        for _ in 0..200 {
            sdk.image_actions().convert(image).await.expect("the SDK call");
            raw.send(IMAGE).await;
            raw.send_typed(IMAGE).await;
        }
        for _ in 0..calls {
            match kind.as_str() {
                "sdk" => drop(std::hint::black_box(sdk.image_actions().convert(image).await.expect("the SDK call"))),
                "raw" => drop(std::hint::black_box(raw.send(IMAGE).await)),
                _ => drop(std::hint::black_box(raw.send_typed(IMAGE).await)),
            }
        }
    });
}
