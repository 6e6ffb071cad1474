//! The client users hold: an authenticated, configured handle to the API.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};

use crate::RateLimit;
#[cfg(feature = "actions")]
use crate::api::Actions;
#[cfg(feature = "image-actions")]
use crate::api::ImageActions;
#[cfg(feature = "images")]
use crate::api::Images;
use crate::config::{ClientBuilder, Config, Token};
use crate::error::Error;
use crate::generated;
use crate::runtime::{Runtime, hooks, tls};

/// A client for the DigitalOcean API. Cheap to clone: clones share one connection pool.
///
/// Every operation is reached through a resource handle: [`Client::images`],
/// [`Client::image_actions`], [`Client::actions`].
///
/// ```no_run
/// use std::time::Duration;
///
/// use digitalocean_sdk::{Client, RetryPolicy};
///
/// # fn demo() -> Result<(), digitalocean_sdk::Error> {
/// let client = Client::builder("dop_v1_...")
///     .request_timeout(Duration::from_secs(20))
///     .retry_policy(RetryPolicy::default().max_attempts(3))
///     .build()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    generated: Arc<generated::Client>,
    config: Arc<Config>,
}

impl Client {
    /// A client for the production API with this token and the default settings.
    pub fn new(token: impl Into<Token>) -> Result<Self, Error> {
        Self::builder(token).build()
    }

    /// A client configured from the environment: `DIGITALOCEAN_TOKEN`, and
    /// `DIGITALOCEAN_API_URL` when set.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// Starts setting up a client with this token; finish with [`ClientBuilder::build`].
    pub fn builder(token: impl Into<Token>) -> ClientBuilder {
        ClientBuilder::new(token.into())
    }

    pub(crate) fn from_config(config: Config) -> Result<Self, Error> {
        let http = http_client(&config)?;
        let runtime = Runtime::new(config.retry.clone(), config.max_response_bytes);
        let generated = generated::Client::new_with_client(&config.base_url, http, runtime);
        Ok(Client { generated: Arc::new(generated), config: Arc::new(config) })
    }

    /// Image actions: convert, transfer, get, list and wait.
    #[cfg(feature = "image-actions")]
    pub fn image_actions(&self) -> ImageActions<'_> {
        ImageActions::new(self)
    }

    /// Images: list, get (by id or slug), import a custom image, update, delete, and account
    /// transfers.
    #[cfg(feature = "images")]
    pub fn images(&self) -> Images<'_> {
        Images::new(self)
    }

    /// The account's actions, whatever resource they work on: list, get and wait.
    #[cfg(feature = "actions")]
    pub fn actions(&self) -> Actions<'_> {
        Actions::new(self)
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The rate limit from the most recent response of any call made through this client.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.generated.inner().last_rate_limit()
    }

    /// The generated client, whose builders the resource handles start from.
    #[allow(dead_code, reason = "unused in a build without tag features")]
    pub(crate) fn generated(&self) -> &generated::Client {
        &self.generated
    }

    pub(crate) fn runtime(&self) -> &Runtime {
        self.generated.inner()
    }

    /// The token, for clearing it out of text the server sends back.
    pub(crate) fn token(&self) -> &str {
        self.config.token.expose()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Config`'s Debug redacts the token.
        f.debug_struct("Client").field("config", &self.config).finish()
    }
}

/// Every generated call's attempt goes through the runtime's [`hooks::exec`]: sent once, its
/// body read within the size limit.
impl ClientHooks<Runtime> for generated::Client {
    fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        hooks::exec(self.client(), self.inner(), request)
    }
}

/// The one `reqwest::Client` behind a `Client`: the bearer token as a sensitive default header
/// (reqwest then keeps it out of its own Debug output), the user agent, timeouts, and TLS of its
/// own.
///
/// Redirects are not followed. The API does not redirect, so a 3xx comes from something in
/// between; following it would replay a POST as a GET (reqwest's browser-like rule for 301/302)
/// and could carry the token to another path. The call fails with [`Error::UnexpectedStatus`]
/// instead, naming the status and the `Location`.
fn http_client(config: &Config) -> Result<reqwest::Client, Error> {
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
    let builder = tls::configure(without_http2(builder)).map_err(Error::Config)?;
    builder.build().map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))
}

/// Without the `http2` feature the client speaks HTTP/1.1 only, even when another crate in the
/// build turns on reqwest's `http2`. reqwest's own retry layer is then switched off: it retries
/// nothing but HTTP/2 and HTTP/3 protocol refusals, which cannot happen here, yet copied every
/// request in case (measured at about 1% of a call). The runtime does the SDK's retrying.
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
