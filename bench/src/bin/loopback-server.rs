//! The benchmarks' loopback server as a process of its own: prints `http://127.0.0.1:<port>`
//! on its first line, then serves until its stdin closes (its parent ended) or `--max-seconds`
//! (default 900) pass, whichever comes first.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

fn main() {
    let mut max_seconds = 900u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--max-seconds" => {
                max_seconds = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage("a number of seconds"))
            }
            other => usage(&format!("no argument `{other}`")),
        }
    }
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        while matches!(std::io::stdin().read(&mut sink), Ok(n) if n > 0) {}
        std::process::exit(0);
    });
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(max_seconds));
        std::process::exit(0);
    });
    // One thread: the server needs far less CPU than its clients, and leaves them the rest.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let addr = listener.local_addr().expect("the bound address");
        println!("http://{addr}");
        digitalocean_sdk_bench::server::serve(listener, Arc::new(AtomicUsize::new(0))).await;
    });
}

fn usage(problem: &str) -> ! {
    eprintln!("loopback-server: {problem}\nusage: loopback-server [--max-seconds N]");
    std::process::exit(2);
}
