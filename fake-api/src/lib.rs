//! A fake of DigitalOcean's whole API, served on loopback (127.0.0.1), for tests, examples and
//! offline demos.
//!
//! The image actions keep state, the way the API does: `POST /v2/images/{id}/actions` starts a
//! `convert` or `transfer` (201, `in-progress`), `GET .../actions/{action_id}` reads it, and
//! `GET .../actions?page=&per_page=` lists an image's actions newest first with the API's paging
//! links. Actions finish after a configurable number of polls or time; unknown images and actions
//! get the API's 404 body; a missing or wrong bearer token gets 401; every response carries the
//! `ratelimit-*` headers and an `x-request-id`. Faults (429, 500, an HTML 502, 503, slow answers)
//! can be queued to test how a client copes.
//!
//! Every other operation of the API (656 more) answers with its documented success status and
//! example, from a table `cargo xtask generate` writes from the OpenAPI description
//! ([`operations`] lists it): the method and path template must match, path parameters must
//! have their types (`/v2/droplets/abc` is 404), and a JSON body the schema refuses (a required
//! property missing, a value of the wrong type) gets the API's 422 error body. A request for a
//! page of a list gets that page of a longer list ([`FakeApiBuilder::list_length`]) with the
//! API's paging links, and the actions an operation starts progress as the image actions do
//! (read through their resource's route or `GET /v2/actions/{action_id}`). They keep no other
//! state; [`FakeApiBuilder::only_image_actions`] turns them off.
//!
//! It speaks plain HTTP and JSON, so any client can talk to it. With the `digitalocean-sdk`
//! crate, point the client at [`FakeApi::uri`]:
//! `Client::builder(token).base_url(fake.uri()).build()`.
//!
//! ```
//! use digitalocean_fake_api::{FakeApi, Route};
//! use serde_json::{Value, json};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), reqwest::Error> {
//! # let _ = rustls::crypto::ring::default_provider().install_default();
//! let fake = FakeApi::builder().image(7938269).polls_to_complete(2).start().await;
//! let http = reqwest::Client::new();
//! let url = format!("{}/v2/images/7938269/actions", fake.uri());
//!
//! let started: Value = http.post(&url).bearer_auth("any-token").json(&json!({"type": "convert"}))
//!     .send().await?.json().await?;
//! assert_eq!(started["action"]["status"], "in-progress");
//!
//! let id = &started["action"]["id"];
//! let poll = || http.get(format!("{url}/{id}")).bearer_auth("any-token").send();
//! let first: Value = poll().await?.json().await?;
//! let second: Value = poll().await?.json().await?;
//! assert_eq!(first["action"]["status"], "in-progress");
//! assert_eq!(second["action"]["status"], "completed");
//! assert_eq!(fake.count(Route::Get), 2);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod body;
mod documented;
mod fault;
mod handle;
mod pages;
mod state;
#[cfg(test)]
mod tests;

use std::net::TcpListener;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub use documented::{DocumentedOperation, operation, operations};
pub use fault::{Fault, Route};
pub use pages::DEFAULT_LIST_LENGTH;
pub use state::SeenRequest;

use documented::Answer;
use handle::{Body, Incoming, Payload, Reply};
use state::{Finish, FinishWhen, Outcome, RateWindow, State};

/// The image id of the API's documented examples; [`FakeApi::start`] has this image.
pub const EXAMPLE_IMAGE_ID: u64 = 7938269;
/// The id the first action gets unless [`FakeApiBuilder::first_action_id`] says otherwise (the
/// documented example's); later actions count up from it.
pub const FIRST_ACTION_ID: u64 = 36805527;
/// Requests allowed per rate-limit window unless [`FakeApiBuilder::rate_limit`] says otherwise
/// (the API's hourly limit).
pub const DEFAULT_RATE_LIMIT: u64 = 5000;

/// A running fake API. Dropping it stops the server.
///
/// ```
/// use digitalocean_fake_api::FakeApi;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let fake = FakeApi::start().await;
/// assert!(fake.uri().starts_with("http://127.0.0.1:"));
/// assert!(fake.requests().is_empty());
/// # }
/// ```
pub struct FakeApi {
    // Held for its lifetime: dropping the server stops it.
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for FakeApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeApi").field("uri", &self.server.uri()).finish_non_exhaustive()
    }
}

impl FakeApi {
    /// Starts a fake with the defaults: image [`EXAMPLE_IMAGE_ID`] exists, any bearer token is
    /// accepted, and an action completes on its third poll.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound, as a test fixture would.
    pub async fn start() -> FakeApi {
        FakeApi::builder().image(EXAMPLE_IMAGE_ID).start().await
    }

    /// Starts configuring a fake: no images, any bearer token accepted, actions complete on their
    /// third poll.
    pub fn builder() -> FakeApiBuilder {
        FakeApiBuilder {
            images: Vec::new(),
            past_actions: Vec::new(),
            every_image_exists: false,
            documented: true,
            token: None,
            finish: Finish { when: FinishWhen::Polls(3), outcome: Outcome::Completed },
            first_action_id: FIRST_ACTION_ID,
            list_length: DEFAULT_LIST_LENGTH,
            rate_limit: (DEFAULT_RATE_LIMIT, Duration::from_secs(3600)),
            faults: Vec::new(),
        }
    }

    /// The base URL, `http://127.0.0.1:<port>`, to configure a client with.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Queues a fault for the next request, whatever its route. Faults are served in the order
    /// they were queued, one per request.
    pub fn push_fault(&self, fault: Fault) {
        self.lock().faults.push_back((None, fault));
    }

    /// Queues a fault for the next request of `route`; requests of other routes pass it by.
    ///
    /// ```
    /// use digitalocean_fake_api::{FakeApi, Fault, Route};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), reqwest::Error> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// let fake = FakeApi::start().await;
    /// fake.push_fault_on(Route::Post, Fault::ServerError);
    /// let url = format!("{}/v2/images/7938269/actions", fake.uri());
    /// let http = reqwest::Client::new();
    /// let list = http.get(&url).bearer_auth("t").send().await?;
    /// let post = http.post(&url).bearer_auth("t").body(r#"{"type":"convert"}"#).send().await?;
    /// assert_eq!((list.status().as_u16(), post.status().as_u16()), (200, 500));
    /// # Ok(())
    /// # }
    /// ```
    pub fn push_fault_on(&self, route: Route, fault: Fault) {
        self.lock().faults.push_back((Some(route), fault));
    }

    /// Faults queued and not yet served.
    pub fn pending_faults(&self) -> usize {
        self.lock().faults.len()
    }

    /// Makes an image exist from now on.
    ///
    /// ```
    /// use digitalocean_fake_api::FakeApi;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), reqwest::Error> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// let fake = FakeApi::builder().start().await;
    /// let url = format!("{}/v2/images/42/actions", fake.uri());
    /// let before = reqwest::Client::new().get(&url).bearer_auth("t").send().await?;
    /// fake.add_image(42);
    /// let after = reqwest::Client::new().get(&url).bearer_auth("t").send().await?;
    /// assert_eq!((before.status().as_u16(), after.status().as_u16()), (404, 200));
    /// # Ok(())
    /// # }
    /// ```
    pub fn add_image(&self, image: u64) {
        if image > 0 {
            self.lock().images.insert(image);
        }
    }

    /// Every request answered so far, oldest first.
    ///
    /// ```
    /// use digitalocean_fake_api::{FakeApi, Route};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), reqwest::Error> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// let fake = FakeApi::start().await;
    /// let url = format!("{}/v2/images/7938269/actions?page=2", fake.uri());
    /// reqwest::Client::new().get(&url).send().await?; // no token
    /// let seen = &fake.requests()[0];
    /// assert_eq!((seen.route, seen.status, seen.query.as_deref()), (Route::List, 401, Some("page=2")));
    /// # Ok(())
    /// # }
    /// ```
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.lock().seen.clone()
    }

    /// How many requests of `route` were answered so far, faulted ones included.
    pub fn count(&self, route: Route) -> usize {
        self.lock().seen.iter().filter(|r| r.route == route).count()
    }

    /// How many times the action was read with a GET (its polls), faulted ones included: through
    /// its image's route, the account's `GET /v2/actions/{action_id}` or a resource's action
    /// route.
    ///
    /// ```
    /// use digitalocean_fake_api::FakeApi;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), reqwest::Error> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// let fake = FakeApi::builder().past_action(7938269, 5).start().await;
    /// let url = format!("{}/v2/images/7938269/actions/5", fake.uri());
    /// for _ in 0..2 {
    ///     reqwest::Client::new().get(&url).bearer_auth("t").send().await?;
    /// }
    /// assert_eq!(fake.polls(5), 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn polls(&self, action: u64) -> usize {
        let reads = |r: &&SeenRequest| matches!(r.route, Route::Get | Route::Documented) && r.action == Some(action);
        self.lock().seen.iter().filter(reads).count()
    }

    /// Forgets the requests seen so far (the state of images and actions stays).
    pub fn clear_requests(&self) {
        self.lock().seen.clear();
    }

    /// The image's actions as the API would list them (newest first), without counting as a read.
    ///
    /// ```
    /// use digitalocean_fake_api::FakeApi;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fake = FakeApi::builder().past_actions(7938269, 2).start().await;
    /// let actions = fake.actions(7938269);
    /// assert_eq!(actions[0]["id"].as_u64(), Some(digitalocean_fake_api::FIRST_ACTION_ID + 1));
    /// assert!(actions.iter().all(|a| a["status"] == "completed"));
    /// # }
    /// ```
    pub fn actions(&self, image: u64) -> Vec<Value> {
        let state = self.lock();
        state.actions.values().rev().filter(|a| a.image == image).map(|a| a.to_json()).collect()
    }

    /// One action as last read, whichever image it belongs to, without counting as a read.
    pub fn action(&self, action: u64) -> Option<Value> {
        self.lock().actions.get(&action).map(|a| a.to_json())
    }

    /// Requests left in the current rate-limit window.
    pub fn rate_limit_remaining(&self) -> u64 {
        self.lock().rate.remaining()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

// A test that panicked while holding the lock must not take every later request down with it.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// Configures a [`FakeApi`]; finish with [`FakeApiBuilder::start`].
///
/// ```
/// use std::time::Duration;
/// use digitalocean_fake_api::{FakeApi, Fault};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let fake = FakeApi::builder()
///     .image(7938269)
///     .past_actions(7938269, 5)
///     .token("dop_v1_expected")
///     .complete_after(Duration::from_millis(50))
///     .fault(Fault::ServiceUnavailable)
///     .start()
///     .await;
/// assert_eq!(fake.actions(7938269).len(), 5);
/// assert_eq!(fake.pending_faults(), 1);
/// # }
/// ```
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `start` is awaited"]
pub struct FakeApiBuilder {
    images: Vec<u64>,
    past_actions: Vec<(u64, Option<u64>)>,
    every_image_exists: bool,
    documented: bool,
    token: Option<String>,
    finish: Finish,
    first_action_id: u64,
    list_length: u64,
    rate_limit: (u64, Duration),
    faults: Vec<Fault>,
}

impl FakeApiBuilder {
    /// Adds an image (ids are positive; zero is ignored, as the API has no image 0).
    pub fn image(mut self, image: u64) -> Self {
        if image > 0 {
            self.images.push(image);
        }
        self
    }

    /// Adds several images.
    pub fn images(mut self, images: impl IntoIterator<Item = u64>) -> Self {
        self.images.extend(images.into_iter().filter(|&i| i > 0));
        self
    }

    /// Makes every positive image id exist, as if the account owned them all (for demos).
    pub fn every_image_exists(mut self) -> Self {
        self.every_image_exists = true;
        self
    }

    /// Serves the three image-action operations only: every other operation of the API gets
    /// 404 instead of its documented example, to check that a client calls nothing else.
    ///
    /// ```
    /// use digitalocean_fake_api::FakeApi;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), reqwest::Error> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// let whole = FakeApi::start().await;
    /// let narrow = FakeApi::builder().only_image_actions().start().await;
    /// let get = |uri: String| reqwest::Client::new().get(format!("{uri}/v2/account")).bearer_auth("t").send();
    /// assert_eq!(get(whole.uri()).await?.status().as_u16(), 200);
    /// assert_eq!(get(narrow.uri()).await?.status().as_u16(), 404);
    /// # Ok(())
    /// # }
    /// ```
    pub fn only_image_actions(mut self) -> Self {
        self.documented = false;
        self
    }

    /// Gives the image `count` finished `convert` actions from the past (and the image itself).
    pub fn past_actions(mut self, image: u64, count: usize) -> Self {
        if image > 0 {
            self.past_actions.extend(std::iter::repeat_n((image, None), count));
        }
        self
    }

    /// Gives the image one finished `convert` action with this id (and the image itself). Actions
    /// started later get larger ids.
    pub fn past_action(mut self, image: u64, action: u64) -> Self {
        if image > 0 && action > 0 {
            self.past_actions.push((image, Some(action)));
        }
        self
    }

    /// Accepts only this bearer token; any other, or none, gets 401. Without it, any non-empty
    /// bearer token is accepted.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Actions turn `completed` on their `polls`-th GET (1 means the first read; 0 counts as 1).
    pub fn polls_to_complete(mut self, polls: u32) -> Self {
        self.finish = Finish { when: FinishWhen::Polls(polls), outcome: Outcome::Completed };
        self
    }

    /// Actions turn `completed` at the first read at least `after` after they started.
    pub fn complete_after(mut self, after: Duration) -> Self {
        self.finish = Finish { when: FinishWhen::Elapsed(after), outcome: Outcome::Completed };
        self
    }

    /// Actions turn `errored` (instead of completing) on their `polls`-th GET.
    ///
    /// ```
    /// use digitalocean_fake_api::FakeApi;
    /// use serde_json::{Value, json};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), reqwest::Error> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// let fake = FakeApi::builder().image(7).polls_to_error(1).start().await;
    /// let http = reqwest::Client::new();
    /// let url = format!("{}/v2/images/7/actions", fake.uri());
    /// let started: Value = http.post(&url).bearer_auth("t").json(&json!({"type": "convert"}))
    ///     .send().await?.json().await?;
    /// let read: Value = http.get(format!("{url}/{}", started["action"]["id"])).bearer_auth("t")
    ///     .send().await?.json().await?;
    /// assert_eq!(read["action"]["status"], "errored");
    /// # Ok(())
    /// # }
    /// ```
    pub fn polls_to_error(mut self, polls: u32) -> Self {
        self.finish = Finish { when: FinishWhen::Polls(polls), outcome: Outcome::Errored };
        self
    }

    /// Actions turn `errored` (instead of completing) at the first read at least `after` after
    /// they started.
    pub fn error_after(mut self, after: Duration) -> Self {
        self.finish = Finish { when: FinishWhen::Elapsed(after), outcome: Outcome::Errored };
        self
    }

    /// Actions stay `in-progress` forever (to test a client's wait timeout).
    pub fn never_finish(mut self) -> Self {
        self.finish = Finish { when: FinishWhen::Never, outcome: Outcome::Completed };
        self
    }

    /// The id of the first action started (default [`FIRST_ACTION_ID`]).
    pub fn first_action_id(mut self, id: u64) -> Self {
        self.first_action_id = id;
        self
    }

    /// How many items every documented list holds when a page of it is asked for (`page` or
    /// `per_page` in the query; default [`DEFAULT_LIST_LENGTH`], three pages of two). The items
    /// are the documented one repeated, each with an `id` of its own.
    ///
    /// ```
    /// use digitalocean_fake_api::FakeApi;
    /// use serde_json::Value;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), reqwest::Error> {
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// let fake = FakeApi::builder().list_length(3).start().await;
    /// let url = format!("{}/v2/droplets?page=2&per_page=2", fake.uri());
    /// let page: Value = reqwest::Client::new().get(&url).bearer_auth("t").send().await?.json().await?;
    /// assert_eq!(page["droplets"].as_array().map(Vec::len), Some(1));
    /// assert_eq!(page["meta"]["total"], 3);
    /// assert_eq!(page["links"]["pages"]["prev"], format!("{}/v2/droplets?page=1&per_page=2", fake.uri()));
    /// # Ok(())
    /// # }
    /// ```
    pub fn list_length(mut self, items: u64) -> Self {
        self.list_length = items;
        self
    }

    /// `limit` requests per `window`, the window starting at the first request (default 5000
    /// an hour). Once spent, requests get 429 with `Retry-After` until the window resets.
    pub fn rate_limit(mut self, limit: u64, window: Duration) -> Self {
        self.rate_limit = (limit, window);
        self
    }

    /// Queues a fault for the first requests, as [`FakeApi::push_fault`] does later.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// Starts the server on a free loopback port.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound, as a test fixture would.
    pub async fn start(self) -> FakeApi {
        let (limit, window) = self.rate_limit;
        let mut state = State::new(self.finish, RateWindow::new(limit, window), self.first_action_id);
        state.token = self.token;
        state.every_image_exists = self.every_image_exists;
        state.documented = self.documented;
        state.list_length = self.list_length;
        state.images.extend(self.images);
        for (image, id) in self.past_actions {
            state.add_past_action(image, id);
        }
        state.faults.extend(self.faults.into_iter().map(|f| (None, f)));

        let listener = TcpListener::bind("127.0.0.1:0").expect("the fake API could not bind a loopback port");
        // The fake keeps its own record of requests (`requests()`); wiremock's would only grow.
        let server = MockServer::builder().listener(listener).disable_request_recording().start().await;
        state.base_url = server.uri();
        let state = Arc::new(Mutex::new(state));
        Mock::given(any()).respond_with(Responder { state: Arc::clone(&state) }).mount(&server).await;
        FakeApi { server, state }
    }
}

/// The one wiremock responder: every request goes through [`handle::respond`] under the lock.
struct Responder {
    state: Arc<Mutex<State>>,
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let authorization = request.headers.get("authorization").and_then(|v| v.to_str().ok());
        let incoming = Incoming {
            method: request.method.as_str(),
            path: request.url.path(),
            query: request.url.query(),
            authorization,
            body: &request.body,
        };
        let reply = handle::respond(&mut lock(&self.state), &incoming);
        template(reply)
    }
}

fn template(reply: Reply<Payload>) -> ResponseTemplate {
    let Reply { status, body, rate, request_id, retry_after, delay } = reply;
    let mut t = ResponseTemplate::new(status)
        .insert_header("ratelimit-limit", rate.limit.to_string())
        .insert_header("ratelimit-remaining", rate.remaining.to_string())
        .insert_header("ratelimit-reset", rate.reset.to_string())
        .insert_header("x-request-id", request_id);
    if let Some(secs) = retry_after {
        t = t.insert_header("retry-after", secs.to_string());
    }
    t = match body {
        Payload::Body(Body::Json(value)) | Payload::Documented(Answer::Json(value)) => t.set_body_json(value),
        Payload::Body(Body::Html(html)) => t.set_body_raw(html, "text/html"),
        Payload::Documented(Answer::Text { media, text }) => t.set_body_raw(text, media),
        Payload::Documented(Answer::Empty) => t,
    };
    match delay {
        Some(d) => t.set_delay(d),
        None => t,
    }
}
