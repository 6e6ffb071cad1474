//! The client users hold: an authenticated, configured handle to the API.

use std::fmt;
use std::sync::Arc;

use progenitor_client::ClientInfo;
use reqwest::header::{HeaderMap, HeaderValue, USER_AGENT};

use crate::RateLimit;
use crate::config::{AgentAccessKey, ClientBuilder, Config, Token, check_secret, check_url, is_loopback};
use crate::error::Error;
use crate::generated;
use crate::runtime::{Credential, Runtime, tls};

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
///
/// Most operations go to the API ([`ClientBuilder::base_url`]) with the token. The few the spec
/// sends elsewhere each go to their own host with their own credential, and never with the
/// token: serverless and batch inference to [`ClientBuilder::inference_url`] with
/// [`ClientBuilder::inference_key`], an agent's chat to its endpoint with its key
/// ([`Client::agent_endpoint`]), a batch file's upload to the presigned URL it was given, with
/// no credential at all (the URL is signed).
#[derive(Clone)]
pub struct Client {
    generated: Arc<generated::Client>,
    inference: Arc<generated::Client>,
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

    fn from_config(config: Config) -> Result<Self, Error> {
        let http = http_client(&config)?;
        let token = Credential::bearer(config.token.expose())
            .ok_or_else(|| Error::Config("the token contains characters not allowed in a header".into()))?;
        let runtime = Runtime::new(config.retry.clone(), config.max_response_bytes, token);
        let inference = match &config.inference_key {
            Some(key) => Credential::bearer(key.expose()).ok_or_else(|| {
                Error::Config("the model access key contains characters not allowed in a header".into())
            })?,
            None => Credential::Missing(
                "a model access key, which this client was not given: set one with `ClientBuilder::inference_key`",
            ),
        };
        let inference =
            generated::Client::new_with_client(&config.inference_url, http.clone(), runtime.for_host(inference));
        let generated = generated::Client::new_with_client(&config.base_url, http, runtime);
        Ok(Client { generated: Arc::new(generated), inference: Arc::new(inference), config: Arc::new(config) })
    }

    /// The endpoint of an agent, to call it through `Client::agent_inference` (with the
    /// `agent-inference` feature): `url` is the agent's deployment URL
    /// (`https://<id>.agents.do-ai.run`), `key` one of its endpoint access keys. Its requests
    /// share this client's connections, timeouts and retry policy, and carry the agent's key,
    /// never the API token.
    ///
    /// Fails with [`Error::Config`] when `url` is not an https URL (plain http only to
    /// loopback, or with [`ClientBuilder::allow_insecure_http`]) or the key is empty or holds
    /// white space.
    ///
    /// ```no_run
    /// # #[cfg(feature = "agent-inference")]
    /// # async fn demo(client: &digitalocean_sdk::Client) -> Result<(), digitalocean_sdk::Error> {
    /// let agent = client.agent_endpoint("https://example.agents.do-ai.run", "agent-access-key")?;
    /// let request: digitalocean_sdk::types::ChatCompletionRequest = serde_json::from_value(serde_json::json!({
    ///     "model": "ignored", "messages": [{"role": "user", "content": "Hello"}]
    /// })).expect("a valid request");
    /// let answer = client.agent_inference(&agent).create_chat_completion(true).body(request).await?;
    /// println!("{:?}", answer.choices);
    /// # Ok(())
    /// # }
    /// ```
    pub fn agent_endpoint(
        &self,
        url: impl Into<String>,
        key: impl Into<AgentAccessKey>,
    ) -> Result<AgentEndpoint, Error> {
        let url = url.into().trim_end_matches('/').to_owned();
        let key = key.into();
        check_url("agent URL", &url, self.config.allow_insecure_http)?;
        check_secret("the agent access key", key.expose())?;
        let credential = Credential::bearer(key.expose())
            .ok_or_else(|| Error::Config("the agent access key contains characters not allowed in a header".into()))?;
        let runtime = self.runtime().for_host(credential);
        let api = generated::Client::new_with_client(&url, self.generated.client().clone(), runtime);
        Ok(AgentEndpoint { api: Arc::new(api) })
    }

    /// A generated client whose every request goes to the presigned `url`, with no
    /// credential: the URL's query is its signature. The URL is not quoted in errors, since it
    /// grants access while it lasts.
    #[allow(dead_code, reason = "unused in a build without the batch inference feature")]
    pub(crate) fn presigned(&self, url: &str) -> Result<generated::Client, Error> {
        let parsed =
            reqwest::Url::parse(url).map_err(|e| Error::InvalidRequest(format!("the upload URL is not a URL: {e}")))?;
        let allowed = match parsed.scheme() {
            "https" => true,
            "http" => self.config.allow_insecure_http || is_loopback(&parsed),
            _ => false,
        };
        if !allowed {
            return Err(Error::InvalidRequest(format!(
                "the upload URL has scheme `{}`; expected https (plain http only to loopback, or with allow_insecure_http)",
                parsed.scheme()
            )));
        }
        let origin = parsed.origin().ascii_serialization();
        let runtime = self.runtime().for_host(Credential::Anonymous).sent_to(parsed);
        Ok(generated::Client::new_with_client(&origin, self.generated.client().clone(), runtime))
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The rate limit from the most recent response of any call made through this client to
    /// the API (the inference host and agents' endpoints have limits of their own, which each
    /// call's [`Response::rate_limit`](crate::Response::rate_limit) shows).
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

    /// The generated client of serverless and batch inference: their host, with the model
    /// access key (or, without one, a credential the call refuses to go without).
    #[allow(dead_code, reason = "unused in a build without the inference features")]
    pub(crate) fn inference_api(&self) -> &generated::Client {
        &self.inference
    }
}

// Here rather than in `config.rs`: the client depends on its configuration, not the other way.
impl ClientBuilder {
    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        Client::from_config(self.config()?)
    }
}

/// An agent's own endpoint and its access key, made by [`Client::agent_endpoint`] and called
/// through `Client::agent_inference` (with the `agent-inference` feature). Cheap to clone. Its
/// `Debug` shows the URL, not the key.
#[derive(Clone)]
pub struct AgentEndpoint {
    api: Arc<generated::Client>,
}

impl AgentEndpoint {
    /// The endpoint's base URL.
    pub fn url(&self) -> &str {
        &self.api.baseurl
    }

    /// The generated client that sends to the endpoint with its key.
    #[allow(dead_code, reason = "unused in a build without the agent inference feature")]
    pub(crate) fn api(&self) -> &generated::Client {
        &self.api
    }
}

impl fmt::Debug for AgentEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentEndpoint").field("url", &self.url()).field("key", &"<redacted>").finish()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Config`'s Debug redacts the token.
        f.debug_struct("Client").field("config", &self.config).finish()
    }
}

/// The one `reqwest::Client` behind a `Client` and every host it reaches: the user agent,
/// timeouts, and TLS of its own. It carries no credential: the runtime adds each host's own (as a
/// sensitive header, which reqwest keeps out of its Debug output), so that one pool can serve
/// several hosts without a secret reaching the wrong one.
///
/// Redirects are not followed. The API does not redirect, so a 3xx comes from something in
/// between; following it would replay a POST as a GET (reqwest's browser-like rule for 301/302)
/// and could carry the token to another path. The call fails with [`Error::UnexpectedStatus`]
/// instead, naming the status and the `Location`.
fn http_client(config: &Config) -> Result<reqwest::Client, Error> {
    let mut headers = HeaderMap::new();
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
