//! Image actions from the command line: list, get, convert and transfer, one JSON line per action.
//!
//! ```text
//! cargo run --quiet --example image_actions -- convert 7938269
//! cargo run --quiet --example image_actions -- transfer 7938269 nyc3 --wait
//! cargo run --quiet --example image_actions -- list 7938269
//! ```
//!
//! With `DIGITALOCEAN_TOKEN` set it talks to the API (or to `DIGITALOCEAN_API_URL`). Without it,
//! it starts the fake API in-process on loopback, where every image id exists, so it works
//! offline and touches nothing real.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use digitalocean_fake_api::FakeApi;
use digitalocean_sdk::{Action, ActionId, Client, Error, ImageId, Progress, TOKEN_ENV};
use futures::StreamExt;

const USAGE: &str = "\
usage: image_actions <command>

commands:
  list IMAGE_ID                      every action of the image, newest first
  get IMAGE_ID ACTION_ID             one action
  convert IMAGE_ID [--wait]          convert the image to a snapshot
  transfer IMAGE_ID REGION [--wait]  copy the image to REGION (a slug such as nyc3)

Each action is printed as one line of JSON on stdout; --wait polls until the action finishes,
showing its progress on stderr. Uses DIGITALOCEAN_TOKEN (and DIGITALOCEAN_API_URL) when set,
and otherwise a fake API on this machine.";

/// How long the demo's fake takes to finish an action: long enough to watch the progress line.
const DEMO_ACTION_TIME: Duration = Duration::from_secs(2);
/// Past actions each image has in the demo, so that `list` has something to show.
const DEMO_PAST_ACTIONS: usize = 3;

#[derive(Debug)]
enum Command {
    List { image: ImageId },
    Get { image: ImageId, action: ActionId },
    Convert { image: ImageId, wait: bool },
    Transfer { image: ImageId, region: String, wait: bool },
}

impl Command {
    fn image(&self) -> ImageId {
        match self {
            Command::List { image }
            | Command::Get { image, .. }
            | Command::Convert { image, .. }
            | Command::Transfer { image, .. } => *image,
        }
    }
}

enum Parsed {
    Run(Command),
    Help,
}

fn parse(args: &[String]) -> Result<Parsed, String> {
    let mut wait = false;
    let mut words = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--wait" => wait = true,
            "-h" | "--help" | "help" => return Ok(Parsed::Help),
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            word => words.push(word),
        }
    }
    let image = |s: &str| s.parse::<ImageId>().map_err(|e| e.to_string());
    let command = match words.as_slice() {
        [] => return Err("no command given".into()),
        ["list", id] => Command::List { image: image(id)? },
        ["get", id, action] => Command::Get {
            image: image(id)?,
            action: action.parse().map_err(|e: digitalocean_sdk::InvalidId| e.to_string())?,
        },
        ["convert", id] => Command::Convert { image: image(id)?, wait },
        ["transfer", id, region] => Command::Transfer { image: image(id)?, region: (*region).to_owned(), wait },
        [name @ ("list" | "get" | "convert" | "transfer"), ..] => {
            return Err(format!("wrong number of arguments for `{name}`"));
        }
        [other, ..] => return Err(format!("unknown command `{other}`")),
    };
    if wait && matches!(command, Command::List { .. } | Command::Get { .. }) {
        return Err("--wait goes with convert or transfer".into());
    }
    Ok(Parsed::Run(command))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse(&args) {
        Ok(Parsed::Run(command)) => command,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("image_actions: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // The fake, when there is one, lives until the end of `main`.
    let (client, fake) = match connect(&command).await {
        Ok(connected) => connected,
        Err(e) => {
            eprintln!("image_actions: {e}");
            return ExitCode::FAILURE;
        }
    };
    match run(&client, command, fake.is_some()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("image_actions: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The real API when a token is set; otherwise the fake, seeded for the command at hand.
async fn connect(command: &Command) -> Result<(Client, Option<FakeApi>), Error> {
    let token_set = std::env::var(TOKEN_ENV).is_ok_and(|t| !t.trim().is_empty());
    if token_set {
        return Ok((Client::from_env()?, None));
    }
    let image = command.image().get();
    let mut fake = FakeApi::builder().every_image_exists().complete_after(DEMO_ACTION_TIME);
    fake = match command {
        Command::Get { action, .. } => fake.past_action(image, action.get()),
        _ => fake.past_actions(image, DEMO_PAST_ACTIONS),
    };
    let fake = fake.start().await;
    eprintln!(
        "{TOKEN_ENV} is not set: using a fake API at {} (nothing leaves this machine). \
         Set {TOKEN_ENV} to use your account.",
        fake.uri()
    );
    let config = Client::builder("demo-token").base_url(fake.uri()).build()?;
    Ok((config, Some(fake)))
}

async fn run(client: &Client, command: Command, demo: bool) -> Result<(), Error> {
    let actions = client.image_actions();
    let (image, started, wait) = match command {
        Command::List { image } => {
            let all = actions.list(image).stream();
            futures::pin_mut!(all);
            while let Some(action) = all.next().await {
                print_action(&action?);
            }
            return Ok(());
        }
        Command::Get { image, action } => {
            print_action(&actions.get(image, action).await?.into_inner());
            return Ok(());
        }
        Command::Convert { image, wait } => (image, actions.convert(image).await?.into_inner(), wait),
        Command::Transfer { image, region, wait } => {
            (image, actions.transfer(image, region.as_str()).await?.into_inner(), wait)
        }
    };
    print_action(&started);
    if !wait {
        return Ok(());
    }
    let shown = AtomicBool::new(false);
    let mut waiting = actions.wait(image, started.id).on_progress(|p| {
        shown.store(true, Ordering::Relaxed);
        show_progress(p);
    });
    if demo {
        // The fake finishes in seconds; poll often enough to watch it.
        waiting = waiting.poll_interval(Duration::from_millis(250)).max_poll_interval(Duration::from_millis(500));
    }
    let began = Instant::now();
    let result = waiting.await;
    if shown.load(Ordering::Relaxed) {
        // Leave the line showing how it ended, not the last "in-progress".
        let status = match &result {
            Ok(done) => done.status.to_string(),
            Err(Error::ActionErrored(action)) => action.status.to_string(),
            Err(_) => "unknown".to_owned(),
        };
        let line = format!("action {} is {status} after {:.1} s", started.id, began.elapsed().as_secs_f64());
        eprintln!("\r{line:<60}");
    }
    match result {
        Ok(done) => {
            print_action(&done);
            Ok(())
        }
        Err(Error::ActionErrored(action)) => {
            print_action(&action);
            Err(Error::ActionErrored(action))
        }
        Err(e) => Err(e),
    }
}

fn print_action(action: &Action) {
    // An `Action` always serializes; the fallback only keeps a broken pipe from panicking.
    let line = serde_json::to_string(action).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

fn show_progress(p: &Progress) {
    // `\r` redraws the line in place; the padding wipes a longer previous line.
    let line = format!("action {} is {} after {:.1} s", p.action.id, p.action.status, p.elapsed.as_secs_f64());
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r{line:<60}");
    let _ = err.flush();
}
