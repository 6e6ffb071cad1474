//! The one error type of the SDK.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

use crate::RateLimit;
use crate::ids::InvalidId;
#[cfg(any(feature = "actions", feature = "image-actions"))]
use crate::types::Action;

/// A boxed underlying error.
type Source = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong in a call. Match on the variant; every variant's `Display` says
/// what happened and, where there is one, what to do about it.
///
/// Its `Debug` shows a response body's length, not the body: [`Error::body`] gives it.
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status and its JSON error body.
    Api(Box<ApiError>),
    /// The API (or something in front of it) answered with a body that is not what the
    /// operation returns: an HTML error page from a proxy, truncated JSON, a missing field.
    #[non_exhaustive]
    Decode {
        /// The HTTP status, when a response arrived.
        status: Option<StatusCode>,
        /// The `x-request-id` header, when there was one.
        request_id: Option<String>,
        /// Where in the body decoding failed, as a dotted path (`action.id`), when known.
        path: Option<String>,
        /// What failed, as text: the path and the decoder's message, or how the body broke off.
        reason: String,
        /// The start of the body (at most 200 characters), to show what came back.
        excerpt: String,
        /// The whole body as received (within
        /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)),
        /// lossily decoded as UTF-8 and cleared of the credential; `None` when there is no
        /// whole body (it broke off, or the answer decoded but lacked its resource). Read it
        /// with [`Error::body`].
        // Boxed `String`, a thin pointer: a wide one would take `Error` past clippy's
        // `result_large_err` size, and every `Result` of the SDK carries the error's size.
        #[allow(clippy::box_collection)]
        body: Option<Box<String>>,
        /// The underlying error: the JSON decoder's, or the transport's when the body broke off.
        source: Option<Source>,
    },
    /// A request or a response body took longer than the configured timeout.
    #[non_exhaustive]
    Timeout {
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The request never got a response: the connection was refused, reset or failed TLS.
    #[non_exhaustive]
    Transport {
        /// The underlying error.
        source: reqwest::Error,
    },
    /// A response with a status the operation does not describe: a redirect, say (the SDK does
    /// not follow redirects; the API never sends one).
    #[non_exhaustive]
    UnexpectedStatus {
        /// The HTTP status.
        status: StatusCode,
        /// The `x-request-id` header, when there was one.
        request_id: Option<String>,
        /// The `Location` header, where a redirect pointed.
        location: Option<String>,
        /// The start of the body.
        excerpt: String,
        /// The whole body as received, cleared of the credential, when one arrived whole.
        #[allow(clippy::box_collection)]
        body: Option<Box<String>>,
    },
    /// The response body is larger than [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)
    /// allows; it was abandoned at the limit, never held whole in memory.
    #[non_exhaustive]
    ResponseTooLarge {
        /// The HTTP status.
        status: StatusCode,
        /// The `x-request-id` header, when there was one.
        request_id: Option<String>,
        /// The limit in bytes.
        limit: u64,
    },
    /// The SDK refused to send the request because an argument is invalid.
    InvalidRequest(String),
    /// The client could not be set up (no token, a bad base URL).
    Config(String),
    /// The action being waited for ended with status `errored`.
    #[cfg(any(feature = "actions", feature = "image-actions"))]
    ActionErrored(Box<Action>),
    /// Waiting for an action took longer than the caller allowed.
    #[cfg(any(feature = "actions", feature = "image-actions"))]
    #[non_exhaustive]
    WaitTimeout {
        /// The action as last seen.
        action: Box<Action>,
        /// How long the wait lasted.
        waited: Duration,
    },
}

/// An error response from the API: its status, its body and the headers that matter.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The error's short name, such as `not_found` or `too_many_requests`.
    pub id: String,
    /// The API's explanation.
    pub message: String,
    /// The request id, from the body or else the `x-request-id` header; quote it to support.
    pub request_id: Option<String>,
    /// The rate limit as of this response.
    pub rate_limit: Option<RateLimit>,
    /// The `Retry-After` header, when the API sent one.
    pub retry_after: Option<Duration>,
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => *status,
            Error::UnexpectedStatus { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Timeout { source } | Error::Transport { source } => source.status(),
            _ => None,
        }
    }

    /// The request id, when the server gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode { request_id, .. }
            | Error::UnexpectedStatus { request_id, .. }
            | Error::ResponseTooLarge { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The API's error body, for [`Error::Api`].
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The whole response body, cleared of the credential, for an [`Error::Decode`] or
    /// [`Error::UnexpectedStatus`] whose body arrived whole: what the typed client could not
    /// decode, to read by hand.
    ///
    /// ```no_run
    /// # #[cfg(feature = "images")]
    /// # async fn demo(client: digitalocean_sdk::Client, image: digitalocean_sdk::ImageId) {
    /// if let Err(e) = client.images().get(image).await {
    ///     if let Some(body) = e.body() {
    ///         eprintln!("{e}; the body was {} bytes", body.len());
    ///     }
    /// }
    /// # }
    /// ```
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Decode { body, .. } | Error::UnexpectedStatus { body, .. } => body.as_deref().map(String::as_str),
            _ => None,
        }
    }

    /// [`Error::body`] parsed as JSON, when it is JSON: a field the typed client could not
    /// decode is still there to read (`e.body_json()?["droplet"]["size"]`).
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.body()?).ok()
    }

    /// The rate limit reported with the error, when the server sent it.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.api().and_then(|e| e.rate_limit)
    }

    /// Whether the API said the resource does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }
}

fn request_id_suffix(id: Option<&str>) -> String {
    id.map(|id| format!(" (request id {id})")).unwrap_or_default()
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the API answered {} `{}`: {}", self.status, self.id, self.message)?;
        f.write_str(&request_id_suffix(self.request_id.as_deref()))?;
        match self.status {
            StatusCode::UNAUTHORIZED => f.write_str("; check that the token is valid and not revoked"),
            StatusCode::FORBIDDEN => f.write_str("; the token lacks the scope this call needs"),
            StatusCode::TOO_MANY_REQUESTS => match (self.retry_after, self.rate_limit) {
                (Some(wait), _) => write!(f, "; retry after {} s", wait.as_secs()),
                (None, Some(rl)) => write!(f, "; the limit resets in {} s", rl.reset_in().as_secs()),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            // The decoder's own message is the source's, printed by whoever walks the chain.
            Error::Decode { status, request_id, path, reason, excerpt, source, .. } => {
                match status {
                    Some(s) => write!(f, "could not decode the {s} response")?,
                    None => f.write_str("could not decode the response")?,
                }
                f.write_str(&request_id_suffix(request_id.as_deref()))?;
                match (path, source) {
                    (Some(path), _) => write!(f, " at `{path}`")?,
                    // No underlying error to carry the message: say it here.
                    (None, None) => write!(f, ": {reason}")?,
                    (None, Some(_)) => {}
                }
                write!(f, "; body starts with {excerpt:?}")
            }
            Error::Timeout { .. } => f.write_str("the request timed out; raise the request timeout or retry later"),
            Error::Transport { .. } => f.write_str("the request failed before a response arrived"),
            Error::UnexpectedStatus { status, request_id, location, excerpt, .. } => {
                write!(f, "unexpected status {status}{}", request_id_suffix(request_id.as_deref()))?;
                if let Some(location) = location {
                    write!(f, " pointing to {location:?} (redirects are not followed; check the base URL)")?;
                }
                write!(f, "; body starts with {excerpt:?}")
            }
            Error::ResponseTooLarge { status, request_id, limit } => write!(
                f,
                "the {status} response{} is larger than the {limit}-byte limit; raise \
                 ClientBuilder::max_response_bytes if such a response is expected",
                request_id_suffix(request_id.as_deref())
            ),
            Error::InvalidRequest(m) => write!(f, "invalid request: {m}"),
            Error::Config(m) => write!(f, "configuration: {m}"),
            #[cfg(any(feature = "actions", feature = "image-actions"))]
            Error::ActionErrored(a) => write!(f, "action {} ({}) ended with status `errored`", a.id, a.type_),
            #[cfg(any(feature = "actions", feature = "image-actions"))]
            Error::WaitTimeout { action, waited } => write!(
                f,
                "action {} was still `{}` after {:.1} s of waiting",
                action.id,
                action.status,
                waited.as_secs_f64()
            ),
        }
    }
}

/// A body's length in place of the body: it may be megabytes, and an `unwrap` prints `Debug`.
struct Length<'a>(Option<&'a str>);

impl fmt::Debug for Length<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(body) => write!(f, "Some(<{} bytes>)", body.len()),
            None => f.write_str("None"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => f.debug_tuple("Api").field(e).finish(),
            Error::Decode { status, request_id, path, reason, excerpt, source, .. } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("request_id", request_id)
                .field("path", path)
                .field("reason", reason)
                .field("excerpt", excerpt)
                .field("body", &Length(self.body()))
                .field("source", source)
                .finish(),
            Error::Timeout { source } => f.debug_struct("Timeout").field("source", source).finish(),
            Error::Transport { source } => f.debug_struct("Transport").field("source", source).finish(),
            Error::UnexpectedStatus { status, request_id, location, excerpt, .. } => f
                .debug_struct("UnexpectedStatus")
                .field("status", status)
                .field("request_id", request_id)
                .field("location", location)
                .field("excerpt", excerpt)
                .field("body", &Length(self.body()))
                .finish(),
            Error::ResponseTooLarge { status, request_id, limit } => f
                .debug_struct("ResponseTooLarge")
                .field("status", status)
                .field("request_id", request_id)
                .field("limit", limit)
                .finish(),
            Error::InvalidRequest(m) => f.debug_tuple("InvalidRequest").field(m).finish(),
            Error::Config(m) => f.debug_tuple("Config").field(m).finish(),
            #[cfg(any(feature = "actions", feature = "image-actions"))]
            Error::ActionErrored(a) => f.debug_tuple("ActionErrored").field(a).finish(),
            #[cfg(any(feature = "actions", feature = "image-actions"))]
            Error::WaitTimeout { action, waited } => {
                f.debug_struct("WaitTimeout").field("action", action).field("waited", waited).finish()
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout { source } | Error::Transport { source } => Some(source),
            Error::Decode { source: Some(source), .. } => Some(&**source),
            _ => None,
        }
    }
}

impl From<InvalidId> for Error {
    fn from(e: InvalidId) -> Self {
        Error::InvalidRequest(e.to_string())
    }
}

/// The fields of the API's error body, `{id, message, request_id}`, which every operation
/// declares; read through serde from whichever generated type an operation names for it, so
/// that this layer needs none of them (a build with no tag features has none).
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) message: String,
    #[serde(default)]
    pub(crate) request_id: Option<String>,
}

impl ErrorBody {
    /// The fields of `body`; empty ones where it has none of them.
    pub(crate) fn of<E: serde::Serialize>(body: &E) -> Self {
        serde_json::to_value(body).ok().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default()
    }
}

/// What stands in for the token in text the server sent back.
const REDACTED: &str = "<redacted>";

/// `text` with every occurrence of `token` replaced.
pub(crate) fn redact(text: &str, token: Option<&str>) -> String {
    match token {
        Some(t) if !t.is_empty() && text.contains(t) => text.replace(t, REDACTED),
        _ => text.to_owned(),
    }
}

/// The whole body, lossily decoded and cleared of `token`.
pub(crate) fn whole(body: &[u8], token: Option<&str>) -> String {
    redact(&String::from_utf8_lossy(body), token)
}

/// The first `max` characters of a body, lossily decoded and cleared of `token`, for error
/// messages.
pub(crate) fn excerpt(body: &[u8], max: usize, token: Option<&str>) -> String {
    // Redact before cutting, over enough bytes that a token starting inside the excerpt is
    // whole: a token cut at the edge would not be recognised and would leak its first half.
    let head = &body[..body.len().min(max * 4 + token.map_or(0, str::len))];
    let text = redact(&String::from_utf8_lossy(head), token);
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max || body.len() > head.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "dop_v1_0123456789abcdef";

    #[test]
    fn a_token_in_a_body_is_redacted_even_where_the_excerpt_cuts() {
        // The token straddles the 200th character: cutting first would keep its first half.
        let body = format!("{}Bearer {TOKEN} and more", "x".repeat(190));
        let out = excerpt(body.as_bytes(), 200, Some(TOKEN));
        assert!(!out.contains("dop_v1_0"), "{out}");
        assert!(out.starts_with(&"x".repeat(190)) && out.ends_with('…'), "{out}");
        // Wide characters: the token starts inside the first 200 characters but ends past the
        // 800 bytes that hold them.
        let body = format!("{}x{TOKEN}", "\u{1F600}".repeat(195));
        let out = excerpt(body.as_bytes(), 200, Some(TOKEN));
        assert!(!out.contains("dop_"), "{out}");
        assert_eq!(excerpt(b"short", 200, Some(TOKEN)), "short");
        assert_eq!(redact(&format!("a {TOKEN} b {TOKEN}"), Some(TOKEN)), "a <redacted> b <redacted>");
        assert_eq!(redact("nothing here", None), "nothing here");
    }
}
