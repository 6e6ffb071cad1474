//! One `prism mock` process on loopback: started on a free port, awaited until it listens, and
//! killed when the guard drops (a failing assertion unwinds through the drop too).

use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Node's start-up on a busy 2-core machine can take many seconds; a minute is generous.
const READY_TIMEOUT: Duration = Duration::from_secs(90);
/// Another process may take the port between choosing it and Prism binding it; try again then.
const PORT_ATTEMPTS: u32 = 5;
const READY_LINE: &str = "Prism is listening on";

/// The `prism` executable: `PRISM_BIN` (set by `cargo xtask contract`), else the project cache.
pub fn bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("PRISM_BIN") {
        return PathBuf::from(bin);
    }
    let cached = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.cache/prism/node_modules/.bin/prism");
    assert!(
        cached.exists(),
        "Prism is not installed: run `cargo xtask contract`, which installs it into .cache/prism and runs these tests"
    );
    cached
}

/// A running Prism; dropping it kills the process.
pub struct Prism {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    output: Arc<Mutex<String>>,
}

impl Prism {
    /// Starts `prism mock` for `spec` with request validation turned into errors, plus `flags`.
    pub fn start(spec: &Path, flags: &[&str]) -> Result<Prism, String> {
        let mut failures = Vec::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port()?;
            match Self::start_on(spec, flags, port) {
                Ok(prism) => return Ok(prism),
                Err(Failure::PortTaken(output)) => failures.push(format!("port {port} taken:\n{output}")),
                Err(Failure::Fatal(message)) => return Err(message),
            }
        }
        Err(format!("prism found no free port in {PORT_ATTEMPTS} tries:\n{}", failures.join("\n")))
    }

    fn start_on(spec: &Path, flags: &[&str], port: u16) -> Result<Prism, Failure> {
        let bin = bin();
        let port_text = port.to_string();
        let mut child = Command::new(&bin)
            .args(["mock", "--host", "127.0.0.1", "--port", &port_text, "--errors"])
            .args(flags)
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Failure::Fatal(format!("cannot start {}: {e}", bin.display())))?;
        let output = Arc::new(Mutex::new(String::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        for pipe in [child.stdout.take().map(boxed), child.stderr.take().map(boxed)].into_iter().flatten() {
            let output = Arc::clone(&output);
            let ready_tx = ready_tx.clone();
            thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if line.contains(READY_LINE) {
                        let _ = ready_tx.send(());
                    }
                    let mut out = output.lock().unwrap_or_else(|e| e.into_inner());
                    out.push_str(&line);
                    out.push('\n');
                }
            });
        }
        // From here on the guard owns the process: every early return kills it.
        let mut prism = Prism { child, url: format!("http://127.0.0.1:{port}"), output };
        prism.await_ready(ready_rx)?;
        Ok(prism)
    }

    fn await_ready(&mut self, ready: mpsc::Receiver<()>) -> Result<(), Failure> {
        let started = Instant::now();
        loop {
            match ready.recv_timeout(Duration::from_millis(200)) {
                Ok(()) => return Ok(()),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
            }
            let output = self.output();
            if output.contains("EADDRINUSE") {
                return Err(Failure::PortTaken(output));
            }
            if started.elapsed() > READY_TIMEOUT {
                return Err(Failure::Fatal(format!(
                    "prism did not listen within {} s; its output:\n{output}",
                    READY_TIMEOUT.as_secs()
                )));
            }
            if self.exited() {
                // Give the reader threads a moment to collect the last lines.
                thread::sleep(Duration::from_millis(200));
                return Err(Failure::Fatal(format!("prism exited before listening; its output:\n{}", self.output())));
            }
        }
    }

    fn exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// What Prism printed so far (its request log included).
    pub fn output(&self) -> String {
        self.output.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

enum Failure {
    PortTaken(String),
    Fatal(String),
}

fn boxed(pipe: impl Read + Send + 'static) -> Box<dyn Read + Send> {
    Box::new(pipe)
}

/// A port the OS just handed out on loopback; free at the time of asking.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("no free loopback port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}
