//! How a [`Client`](crate::Client) is set up: token, base URL, user agent, timeouts, retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::runtime::retry::RetryPolicy;

pub use crate::runtime::body::DEFAULT_MAX_RESPONSE_BYTES;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.digitalocean.com";
/// The host of serverless and batch inference, which the spec gives those operations: a host
/// of its own, reached with a model access key rather than the API token.
pub const DEFAULT_INFERENCE_URL: &str = "https://inference.do-ai.run";
/// The environment variable holding the token, as every DigitalOcean tool names it.
pub const TOKEN_ENV: &str = "DIGITALOCEAN_TOKEN";
/// The environment variable that overrides the base URL.
pub const BASE_URL_ENV: &str = "DIGITALOCEAN_API_URL";
/// The default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time allowed for one request, from sending it to the end of the body.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// An API token. It is kept out of every `Debug` and `Display` output: both print
/// `Token(<redacted>)`, so a token cannot leak through logs, errors or panics.
///
/// Cloning is cheap (the text is shared): every call hands the token to its error path.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Arc<str>);

impl Token {
    /// Wraps a token. Surrounding white space (a trailing newline from a file) is trimmed.
    pub fn new(token: impl Into<String>) -> Self {
        let token = token.into();
        Token(Arc::from(token.trim()))
    }

    /// Reads the token from `DIGITALOCEAN_TOKEN`.
    pub fn from_env() -> Result<Self, Error> {
        match std::env::var(TOKEN_ENV) {
            Ok(t) if !t.trim().is_empty() => Ok(Token::new(t)),
            _ => Err(Error::Config(format!(
                "{TOKEN_ENV} is not set; create a token in the control panel (API > Tokens) and export it"
            ))),
        }
    }

    /// The token itself, for the one place that sends it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Token {
    fn from(token: String) -> Self {
        Token::new(token)
    }
}

impl From<&str> for Token {
    fn from(token: &str) -> Self {
        Token::new(token)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A secret other than the API token, kept out of `Debug` and `Display` as the token is.
macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Its `Debug` and `Display` print `<redacted>`; cloning shares the text. Surrounding
        /// white space (a trailing newline from a file) is trimmed.
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Arc<str>);

        impl $name {
            /// Wraps a key.
            pub fn new(key: impl Into<String>) -> Self {
                $name(Arc::from(key.into().trim()))
            }

            /// The key itself, for the one place that sends it.
            pub(crate) fn expose(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(key: String) -> Self {
                $name::new(key)
            }
        }

        impl From<&str> for $name {
            fn from(key: &str) -> Self {
                $name::new(key)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("<redacted>")
            }
        }
    };
}

secret! {
    /// A model access key: what serverless and batch inference (on
    /// [`DEFAULT_INFERENCE_URL`]) are called with, created in the control panel for that
    /// purpose. It is sent to the inference host only, and the API token never is.
    ModelAccessKey
}

secret! {
    /// An agent's endpoint access key: what the agent's own endpoint is called with (see
    /// [`Client::agent_endpoint`](crate::Client::agent_endpoint)). It is sent to that endpoint
    /// only, and the API token never is.
    AgentAccessKey
}

/// How a [`Client`](crate::Client) is set up, as [`Client::config`](crate::Client::config)
/// shows it. Set it up with [`Client::builder`](crate::Client::builder).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    pub(crate) token: Token,
    pub(crate) base_url: String,
    pub(crate) inference_url: String,
    pub(crate) inference_key: Option<ModelAccessKey>,
    pub(crate) allow_insecure_http: bool,
    pub(crate) user_agent: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: u64,
}

impl Config {
    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL of serverless and batch inference.
    pub fn inference_url(&self) -> &str {
        &self.inference_url
    }

    /// Whether a model access key was given, without showing it.
    pub fn has_inference_key(&self) -> bool {
        self.inference_key.is_some()
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The time allowed for one request.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// The largest response body accepted, in bytes.
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }
}

/// Sets up a [`Client`](crate::Client); every setting has a sane default. Start one with
/// [`Client::builder`](crate::Client::builder).
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    token: Token,
    base_url: String,
    inference_url: String,
    inference_key: Option<ModelAccessKey>,
    user_agent_suffix: Option<String>,
    connect_timeout: Duration,
    request_timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: u64,
    allow_insecure_http: bool,
}

impl ClientBuilder {
    /// Starts with this token and the defaults: the production API, 10 s to connect, 30 s a
    /// request, and [`RetryPolicy::default`].
    pub(crate) fn new(token: Token) -> Self {
        ClientBuilder {
            token,
            base_url: DEFAULT_BASE_URL.to_owned(),
            inference_url: DEFAULT_INFERENCE_URL.to_owned(),
            inference_key: None,
            user_agent_suffix: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
        }
    }

    /// Starts from the environment: the token from `DIGITALOCEAN_TOKEN` and, when set, the
    /// base URL from `DIGITALOCEAN_API_URL`.
    pub fn from_env() -> Result<Self, Error> {
        let mut builder = ClientBuilder::new(Token::from_env()?);
        if let Ok(url) = std::env::var(BASE_URL_ENV)
            && !url.trim().is_empty()
        {
            builder = builder.base_url(url.trim());
        }
        Ok(builder)
    }

    /// Sends requests somewhere other than the production API (a proxy, a fake API in tests).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// The model access key that serverless and batch inference are called with (the
    /// `Serverless Inference`, `Embeddings` and `Batch Inference` handles). Those operations
    /// go to the inference host, never with the API token; without this key they fail with
    /// [`Error::Config`] before anything is sent.
    pub fn inference_key(mut self, key: impl Into<ModelAccessKey>) -> Self {
        self.inference_key = Some(key.into());
        self
    }

    /// Sends inference requests somewhere other than [`DEFAULT_INFERENCE_URL`] (a proxy, a fake
    /// in tests), under the same rules as [`base_url`](Self::base_url).
    pub fn inference_url(mut self, url: impl Into<String>) -> Self {
        self.inference_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// Appends `suffix` to the `User-Agent`, to tell your application's requests apart.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// The time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for one request, body included (default 30 s). Retries each get this
    /// much; the retry policy's deadline bounds them all.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Which failures are retried, how often and how long to wait.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body accepted, in bytes (default [`DEFAULT_MAX_RESPONSE_BYTES`],
    /// 16 MiB). A larger body is not read past the limit: the call fails with
    /// [`Error::ResponseTooLarge`] and nothing larger is ever held in memory.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Allows a plain `http://` base URL that is not on loopback (for the API, inference, an
    /// agent's endpoint or an upload). The token or key then crosses the network unencrypted;
    /// use this only for a trusted proxy.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the settings.
    pub(crate) fn config(self) -> Result<Config, Error> {
        if self.token.expose().is_empty() {
            return Err(Error::Config("the token is empty".into()));
        }
        if self.token.expose().chars().any(|c| c.is_control() || c == ' ') {
            return Err(Error::Config("the token contains white space or control characters".into()));
        }
        check_url("base URL", &self.base_url, self.allow_insecure_http)?;
        check_url("inference URL", &self.inference_url, self.allow_insecure_http)?;
        if let Some(key) = &self.inference_key {
            check_secret("the model access key", key.expose())?;
        }
        let mut user_agent = format!("digitalocean-sdk-rust/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = &self.user_agent_suffix {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        Ok(Config {
            token: self.token,
            base_url: self.base_url,
            inference_url: self.inference_url,
            inference_key: self.inference_key,
            allow_insecure_http: self.allow_insecure_http,
            user_agent,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
        })
    }
}

/// An empty key, or one with white space or control characters, would be refused by the
/// server or not fit in a header: refused here, without quoting it.
pub(crate) fn check_secret(what: &str, secret: &str) -> Result<(), Error> {
    if secret.is_empty() {
        return Err(Error::Config(format!("{what} is empty")));
    }
    if secret.chars().any(|c| c.is_control() || c == ' ') {
        return Err(Error::Config(format!("{what} contains white space or control characters")));
    }
    Ok(())
}

/// `url` (named `what` in errors) is https, or plain http to loopback or where allowed.
pub(crate) fn check_url(what: &str, url: &str, allow_insecure_http: bool) -> Result<reqwest::Url, Error> {
    let parsed = reqwest::Url::parse(url).map_err(|e| Error::Config(format!("{what} `{url}` is not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if allow_insecure_http || is_loopback(&parsed) => Ok(parsed),
        "http" => Err(Error::Config(format!(
            "{what} `{url}` is plain http to a host that is not loopback: the token would cross the network \
             unencrypted; use https, or call allow_insecure_http(true) if you mean it"
        ))),
        other => Err(Error::Config(format!("{what} `{url}` has scheme `{other}`; expected https"))),
    }
}

pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_never_printed() {
        let t = Token::new("dop_v1_secret");
        assert!(!format!("{t:?} {t}").contains("secret"));
        let c = ClientBuilder::new(Token::new("dop_v1_secret")).config().unwrap();
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn base_url_rules() {
        assert!(ClientBuilder::new(Token::new("t")).base_url("http://127.0.0.1:8080").config().is_ok());
        assert!(ClientBuilder::new(Token::new("t")).base_url("http://localhost:1").config().is_ok());
        assert!(ClientBuilder::new(Token::new("t")).base_url("http://[::1]:1").config().is_ok());
        assert!(ClientBuilder::new(Token::new("t")).base_url("http://example.com").config().is_err());
        assert!(
            ClientBuilder::new(Token::new("t"))
                .base_url("http://example.com")
                .allow_insecure_http(true)
                .config()
                .is_ok()
        );
        assert!(ClientBuilder::new(Token::new("t")).base_url("ftp://x").config().is_err());
    }

    #[test]
    fn user_agent_names_the_sdk() {
        let c = ClientBuilder::new(Token::new("t")).user_agent_suffix("myapp/1").config().unwrap();
        assert_eq!(c.user_agent(), format!("digitalocean-sdk-rust/{} myapp/1", env!("CARGO_PKG_VERSION")));
    }
}
