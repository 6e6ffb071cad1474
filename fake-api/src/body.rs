//! The JSON the fake sends, shaped like the API's documented payloads.

use serde_json::{Value, json};

/// Regions the fake knows, by slug, with their display names. A transfer to any other slug is
/// refused with 422, as the API refuses a region it does not have.
pub(crate) const REGIONS: &[(&str, &str)] = &[
    ("nyc1", "New York 1"),
    ("nyc2", "New York 2"),
    ("nyc3", "New York 3"),
    ("sfo1", "San Francisco 1"),
    ("sfo2", "San Francisco 2"),
    ("sfo3", "San Francisco 3"),
    ("ams2", "Amsterdam 2"),
    ("ams3", "Amsterdam 3"),
    ("sgp1", "Singapore 1"),
    ("lon1", "London 1"),
    ("fra1", "Frankfurt 1"),
    ("tor1", "Toronto 1"),
    ("blr1", "Bangalore 1"),
    ("syd1", "Sydney 1"),
    ("atl1", "Atlanta 1"),
];

// One size and feature list for every region: the fake has no use for per-region differences,
// and these are the values the API documents for nyc3.
const SIZES: &[&str] = &[
    "s-1vcpu-3gb",
    "m-1vcpu-8gb",
    "s-3vcpu-1gb",
    "s-1vcpu-2gb",
    "s-2vcpu-2gb",
    "s-2vcpu-4gb",
    "s-4vcpu-8gb",
    "s-6vcpu-16gb",
    "s-8vcpu-32gb",
    "s-12vcpu-48gb",
    "s-16vcpu-64gb",
    "s-20vcpu-96gb",
    "s-1vcpu-1gb",
    "c-1vcpu-2gb",
    "s-24vcpu-128gb",
];
const FEATURES: &[&str] =
    &["private_networking", "backups", "ipv6", "metadata", "server_id", "install_agent", "storage", "image_transfer"];

pub(crate) fn region_name(slug: &str) -> Option<&'static str> {
    REGIONS.iter().find(|(s, _)| *s == slug).map(|(_, name)| *name)
}

/// The `region` object of an action.
pub(crate) fn region(slug: &str) -> Value {
    json!({
        "name": region_name(slug).unwrap_or(slug),
        "slug": slug,
        "sizes": SIZES,
        "features": FEATURES,
        "available": true,
    })
}

/// The API's error body: `{"id": ..., "message": ...}`.
pub(crate) fn error(id: &str, message: &str) -> Value {
    json!({ "id": id, "message": message })
}

pub(crate) const NOT_FOUND_MESSAGE: &str = "The resource you requested could not be found.";
pub(crate) const UNAUTHORIZED_MESSAGE: &str = "Unable to authenticate you.";
pub(crate) const SECOND_CREDENTIAL_MESSAGE: &str = "Only one way to authenticate is allowed: this URL is signed, so the request must not carry an Authorization header.";
pub(crate) const TOO_MANY_REQUESTS_MESSAGE: &str = "API Rate limit exceeded.";
pub(crate) const SERVER_ERROR_MESSAGE: &str = "Unexpected server-side error";

/// What a load balancer sends when the service behind it is down: HTML, not JSON.
pub(crate) const BAD_GATEWAY_HTML: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n\
<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";

/// A time as the API writes it: UTC, whole seconds, `Z`.
pub(crate) fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
