//! Any call of the API by method and path, answered as JSON or bytes: for a response the typed
//! client cannot decode yet (a field the spec gets wrong), so that its user is not blocked until
//! the next release. It is an [`Operation`] like every generated builder, so it is sent, retried
//! by its method, traced, rate limited and turned into [`Error`] exactly as they are.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use bytes::Bytes;
use progenitor_client::ClientInfo;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, Url};
use serde::Serialize;
use serde_json::Value;

use crate::call::call_map;
use crate::runtime::body::{self, Body, Decoded, Read, root_cause};
use crate::runtime::{self, Operation};
use crate::{Client, Error, Response};

impl Client {
    /// A request of any operation, by `method` and `path`, whose answer is plain JSON
    /// ([`serde_json::Value`]) or bytes: for when the typed client cannot decode a response,
    /// or does not have the operation yet. It is sent as every typed call is: with the token,
    /// retried only when its method allows (a `POST` is not sent again after a 5xx), within
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes), and an
    /// error status comes back as [`Error::Api`].
    ///
    /// `path` is relative to the configured base URL and starts with `/` (`/v2/droplets`), so
    /// the token goes to the API's host only: an absolute URL, or a path without its leading
    /// `/`, fails with [`Error::InvalidRequest`] and nothing is sent. Only the API's methods
    /// are sent (`GET`, `HEAD`, `POST`, `PUT`, `PATCH`, `DELETE`).
    ///
    /// ```no_run
    /// use digitalocean_sdk::{Client, Method};
    ///
    /// # async fn demo(client: Client) -> Result<(), digitalocean_sdk::Error> {
    /// let page = client.request(Method::GET, "/v2/droplets").query(&[("per_page", "200")]).await?;
    /// for droplet in page["droplets"].as_array().into_iter().flatten() {
    ///     println!("{} {}", droplet["id"], droplet["name"]);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn request(&self, method: Method, path: &str) -> RawRequest<'_> {
        let parts = url(&self.generated().baseurl, path).map(|url| Parts { url, body: None });
        RawRequest { client: self, method, parts }
    }
}

/// A request made with [`Client::request`]: add a query or a JSON body, then `.await` it (or
/// call [`send`](RawRequest::send)) for the answer as JSON, or call
/// [`bytes`](RawRequest::bytes) for it undecoded. A setting that cannot be encoded fails the
/// request with [`Error::InvalidRequest`] when it is sent, and nothing is sent.
#[must_use = "a request does nothing until it is awaited"]
pub struct RawRequest<'c> {
    client: &'c Client,
    method: Method,
    /// What to send, or why it cannot be sent: the first setting that failed.
    parts: Result<Parts, String>,
}

struct Parts {
    url: Url,
    body: Option<Bytes>,
}

impl<'c> RawRequest<'c> {
    /// Adds `query` to the URL's query string, encoded as a form (`&[("per_page", "200")]`, a
    /// map, or a struct deriving `Serialize`); added to what is there already.
    pub fn query(mut self, query: &impl Serialize) -> Self {
        let http = self.client.generated().client();
        self.parts = self.parts.and_then(|parts| {
            // reqwest's own encoder, on a request that is only built, never sent.
            let built = http.get(parts.url).query(query).build();
            let url = built.map_err(|e| format!("the query cannot be encoded: {}", root_cause(&e)))?.url().clone();
            Ok(Parts { url, ..parts })
        });
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`), in place of any body before.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        self.parts = self.parts.and_then(|parts| {
            let body = serde_json::to_vec(body).map_err(|e| format!("the body cannot be encoded as JSON: {e}"))?;
            Ok(Parts { body: Some(Bytes::from(body)), ..parts })
        });
        self
    }

    /// Sends the request; the answer's body as JSON, `null` when it has none (a `204`). A
    /// body that is not JSON is an [`Error::Decode`] holding it ([`Error::body`]).
    pub async fn send(self) -> Result<Response<Value>, Error> {
        self.run().await
    }

    /// Sends the request; the answer's body as it came, not decoded. An error status is still
    /// an [`Error::Api`], its body read as the API's JSON error.
    pub async fn bytes(self) -> Result<Response<Bytes>, Error> {
        self.run().await
    }

    async fn run<V: Reading>(self) -> Result<Response<V>, Error> {
        let Parts { url, body } =
            self.parts.map_err(|why| Error::InvalidRequest(format!("{why}; nothing was sent")))?;
        let client = self.client;
        let same = |v| v;
        match self.method {
            Method::GET => call_map(client, Raw::<Get, V>::new(url, body), same).await,
            Method::HEAD => call_map(client, Raw::<Head, V>::new(url, body), same).await,
            Method::POST => call_map(client, Raw::<Post, V>::new(url, body), same).await,
            Method::PUT => call_map(client, Raw::<Put, V>::new(url, body), same).await,
            Method::PATCH => call_map(client, Raw::<Patch, V>::new(url, body), same).await,
            Method::DELETE => call_map(client, Raw::<Delete, V>::new(url, body), same).await,
            other => Err(Error::InvalidRequest(format!(
                "method {other} is not one the API uses (GET, HEAD, POST, PUT, PATCH, DELETE); nothing was sent"
            ))),
        }
    }
}

impl<'c> IntoFuture for RawRequest<'c> {
    type Output = Result<Response<Value>, Error>;
    // Boxed, as the typed requests' futures are: a few KiB not copied into the caller's.
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

// The body may hold what the user would not print; its length says enough.
impl fmt::Debug for RawRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("RawRequest");
        s.field("method", &self.method);
        match &self.parts {
            Ok(Parts { url, body }) => {
                s.field("url", &url.as_str()).field("body_bytes", &body.as_ref().map(Bytes::len))
            }
            Err(why) => s.field("invalid", why),
        };
        s.finish()
    }
}

/// The URL of `path` on the API's host. The base URL is joined as the generated calls join it
/// (a base with a path keeps it); the origin is checked again after parsing, so that no path
/// can carry the token elsewhere.
fn url(base: &str, path: &str) -> Result<Url, String> {
    let refused = || {
        format!(
            "`{path}` is not a path on the API: give one relative to the base URL, starting with `/` (`/v2/droplets`)"
        )
    };
    // `//host/...` would be a URL of its own to anything that resolves it as a reference.
    if !path.starts_with('/') || path.starts_with("//") {
        return Err(refused());
    }
    let base_url = Url::parse(base).map_err(|e| format!("the base URL is not a URL: {e}"))?;
    let joined = Url::parse(&format!("{}{path}", base.trim_end_matches('/'))).map_err(|_| refused())?;
    if joined.origin() != base_url.origin() {
        return Err(refused());
    }
    Ok(joined)
}

/// One attempt of a [`RawRequest`]: the method a type (`M`), since the retry loop reads it,
/// with the path template, from the [`Operation`]'s constants.
struct Raw<M, V> {
    url: Url,
    body: Option<Bytes>,
    // `fn() -> _`: the markers are never held, so they decide neither `Send` nor `Sync`.
    kind: PhantomData<fn() -> (M, V)>,
}

impl<M, V> Raw<M, V> {
    fn new(url: Url, body: Option<Bytes>) -> Self {
        Raw { url, body, kind: PhantomData }
    }
}

impl<M: Verb, V: Reading> Operation for Raw<M, V> {
    type Value = V;
    type Failure = Value;
    const ID: &'static str = "raw_request";
    const METHOD: Method = M::METHOD;
    // A template would name the operation; a raw path may hold ids, so the attempt's debug
    // event gives it instead.
    const PATH: &'static str = "(raw)";

    fn try_clone(&self) -> Option<Self> {
        Some(Raw::new(self.url.clone(), self.body.clone()))
    }

    /// A `DELETE` found gone after an attempt of unknown outcome succeeded on that attempt,
    /// as for the typed calls; its body is the one of a `204`.
    fn gone() -> Option<V> {
        (M::METHOD == Method::DELETE).then(V::empty)
    }

    fn request(self) -> Result<reqwest::Request, progenitor_client::Error> {
        let Raw { url, body, .. } = self;
        tracing::debug!(path = url.path(), "raw request");
        let mut request = reqwest::Request::new(M::METHOD, url);
        request.headers_mut().insert(ACCEPT, HeaderValue::from_static(V::ACCEPT));
        if let Some(body) = body {
            request.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            *request.body_mut() = Some(body.into());
        }
        Ok(request)
    }

    // As the generated calls sort statuses: a 3xx (never followed) or a 1xx is undescribed.
    fn answer(status: u16) -> runtime::Answer {
        match status {
            200..=299 => runtime::Answer::Value,
            400..=599 => runtime::Answer::Failure,
            _ => runtime::Answer::Undescribed,
        }
    }

    fn value(body: Body) -> Decoded<V> {
        V::read(body)
    }

    fn failure(body: Body) -> Decoded<Value> {
        json(body)
    }
}

/// An HTTP method as a type, for [`Operation::METHOD`].
trait Verb {
    const METHOD: Method;
}

macro_rules! verbs {
    ($($name:ident = $method:ident),*) => {$(
        struct $name;
        impl Verb for $name {
            const METHOD: Method = Method::$method;
        }
    )*};
}

verbs!(Get = GET, Head = HEAD, Post = POST, Put = PUT, Patch = PATCH, Delete = DELETE);

/// What a success body is read as: JSON, or bytes as they came.
trait Reading: Send + Sized + 'static {
    /// The `Accept` header.
    const ACCEPT: &'static str;
    /// The answer of a body of no bytes.
    fn empty() -> Self;
    fn read(body: Body) -> Decoded<Self>;
}

impl Reading for Value {
    const ACCEPT: &'static str = "application/json";
    fn empty() -> Self {
        Value::Null
    }
    fn read(body: Body) -> Decoded<Self> {
        json(body)
    }
}

impl Reading for Bytes {
    const ACCEPT: &'static str = "*/*";
    fn empty() -> Self {
        Bytes::new()
    }
    fn read(body: Body) -> Decoded<Self> {
        body::whole(body)
    }
}

/// The body as JSON, through the decoder every generated call uses; `null` for no body at all,
/// which JSON cannot express (a `204`, or an error status with nothing to say).
fn json(body: Body) -> Decoded<Value> {
    match &body.read {
        Read::Whole(bytes) if bytes.is_empty() => Decoded::Value(Value::Null),
        _ => body::json(body),
    }
}
