//! The client users hold: an authenticated, configured handle to the API.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};

use crate::RateLimit;
use crate::actions::Actions;
use crate::config::{Config, ConfigBuilder};
use crate::error::Error;
use crate::generated;
use crate::image_actions::ImageActions;
use crate::images::Images;
use crate::runtime::Runtime;

/// A client for the DigitalOcean API. Cheap to clone: clones share one connection pool.
///
/// It derefs to the generated [`generated::Client`], so every generated builder
/// (`client.image_actions_post()`, ...) is reachable for what the resource handles do not cover.
#[derive(Clone)]
pub struct Client {
    generated: Arc<generated::Client>,
    config: Arc<Config>,
}

impl Client {
    /// A client for the production API with this token and the default settings.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        Self::from_config(Config::builder(token).build()?)
    }

    /// A client configured from the environment: `DIGITALOCEAN_TOKEN`, and
    /// `DIGITALOCEAN_API_URL` when set.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_config(Config::from_env()?)
    }

    /// Starts a configuration with this token; finish it with [`ConfigBuilder::build`] and
    /// [`Client::from_config`].
    pub fn builder(token: impl Into<String>) -> ConfigBuilder {
        Config::builder(token)
    }

    /// A client with this configuration.
    pub fn from_config(config: Config) -> Result<Self, Error> {
        let http = http_client(&config)?;
        let runtime = Runtime::new(config.retry.clone())
            .with_max_response_bytes(config.max_response_bytes)
            .with_token(config.token.clone());
        let generated = generated::Client::new_with_client(&config.base_url, http, runtime);
        Ok(Client { generated: Arc::new(generated), config: Arc::new(config) })
    }

    /// Image actions: convert, transfer, get, list and wait.
    pub fn image_actions(&self) -> ImageActions<'_> {
        ImageActions::new(self)
    }

    /// Images: list, get (by id or slug), import a custom image, update, delete, and account
    /// transfers.
    pub fn images(&self) -> Images<'_> {
        Images::new(self)
    }

    /// The account's actions, whatever resource they work on: list, get and wait.
    pub fn actions(&self) -> Actions<'_> {
        Actions::new(self)
    }

    /// The generated client, for operations the resource handles do not cover.
    pub fn generated(&self) -> &generated::Client {
        &self.generated
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The rate limit from the most recent response of any call made through this client.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.generated.inner.last_rate_limit()
    }
}

impl Deref for Client {
    type Target = generated::Client;
    fn deref(&self) -> &generated::Client {
        &self.generated
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Config`'s Debug redacts the token.
        f.debug_struct("Client").field("config", &self.config).finish()
    }
}

/// The one `reqwest::Client` behind a `Client`: the bearer token as a sensitive default header
/// (reqwest then keeps it out of its own Debug output), the user agent, timeouts, and rustls.
///
/// Redirects are not followed. The API does not redirect, so a 3xx comes from something in
/// between; following it would replay a POST as a GET (reqwest's browser-like rule for 301/302)
/// and could carry the token to another path. The call fails with [`Error::UnexpectedStatus`]
/// instead, naming the status and the `Location`.
fn http_client(config: &Config) -> Result<reqwest::Client, Error> {
    crate::tls::ensure_provider()?;
    let mut auth = HeaderValue::from_str(&format!("Bearer {}", config.token.expose()))
        .map_err(|_| Error::Config("the token contains characters not allowed in a header".into()))?;
    auth.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, auth);
    let user_agent = HeaderValue::from_str(&config.user_agent)
        .map_err(|_| Error::Config("the user agent is not a valid header".into()))?;
    headers.insert(USER_AGENT, user_agent);
    let builder = reqwest::Client::builder()
        .default_headers(headers)
        .connect_timeout(config.connect_timeout)
        .timeout(config.request_timeout)
        .redirect(reqwest::redirect::Policy::none());
    without_http2(builder).build().map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))
}

/// Without the `http2` feature the client speaks HTTP/1.1 only, even when another crate in the
/// build turns on reqwest's `http2`. reqwest's own retry layer is then switched off: it retries
/// nothing but HTTP/2 and HTTP/3 protocol refusals, which cannot happen here, yet copied every
/// request in case (measured at about 1% of a call). The hooks do the SDK's retrying.
#[cfg(not(feature = "http2"))]
fn without_http2(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder.http1_only().retry(reqwest::retry::never().max_retries_per_request(0))
}

/// With the `http2` feature reqwest keeps retrying refused HTTP/2 streams, which the server
/// certainly did not process.
#[cfg(feature = "http2")]
fn without_http2(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder
}
