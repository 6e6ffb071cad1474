//! Every operation of the spec as the SDK calls it: its handle (the first tag), its method
//! name, what the overlays say of it (`x-sdk-method`, `x-sdk-envelope`, `x-sdk-items`) and the
//! server it is sent to.

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use crate::error::Error;
use crate::spec::validate::operations;

/// The extension on an operation that names its handle method instead of the rule.
pub const METHOD_EXTENSION: &str = "x-sdk-method";

/// The extension on an operation that keeps its answer whole where the envelope rule would
/// unwrap it (`x-sdk-envelope: false`).
pub const ENVELOPE_EXTENSION: &str = "x-sdk-envelope";

/// A server operations name of their own, and how their handle methods reach it.
#[derive(Clone, Debug)]
pub struct Server {
    /// The server's URL as the spec writes it (`https://inference.do-ai.run`).
    pub url: String,
    /// How the handles reach it.
    pub reach: Reach,
    /// A sentence for each method's rustdoc: where it is sent and with what credential.
    pub doc: String,
}

/// How handle methods reach a server other than the API's. Each way sends through a generated
/// client of that host (its base URL, its credential), never the API's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// One host for the whole client: `crate::Client::<method>()` gives its generated client.
    Client(String),
    /// A host per handle (an agent's own endpoint): the tag's `Client` method takes a
    /// `&<type>` (a path from the crate's root) whose `api()` gives its generated client. Every
    /// operation of the tag must name this server.
    Handle(String),
    /// A URL given whole with each call (a presigned URL): the method takes it first, as
    /// `url: &str`, and sends through `crate::Client::presigned(url)`, with no credential.
    Call,
}

/// How one operation is called through its handle, for the handle calls table
/// (`emitters::handle_calls`): the names the call is written with and the arguments it takes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallShape {
    /// The operationId as written.
    pub id: String,
    /// The first tag as written.
    pub tag: String,
    /// The `Client` method that gives the handle (`droplets`).
    pub handle: String,
    /// The handle's method (`list`).
    pub method: String,
    /// The required arguments, in order.
    pub args: Vec<Argument>,
    /// Whether the request body is optional (progenitor starts it from its default), set by a
    /// `body` setter on the request.
    pub body_setter: bool,
    /// Whether the method gives a list builder (read with `page(n)`).
    pub list: bool,
    /// For a list, the property of its answer that holds the items, as on the wire.
    pub items: Option<String>,
    /// For an operation that answers with actions: the property of its answer that holds them
    /// (`action`, one to wait on; `actions`, an array of them), as on the wire.
    pub actions: Option<String>,
    /// Whether the tag's handle is written by hand (no generated method to call).
    pub handwritten: bool,
    /// How the handle reaches the operation's server, when it is not the API's.
    pub reach: Option<Reach>,
}

/// One required argument of a handle method.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Argument {
    /// progenitor's name for it, the builder's field (`droplet_id`, `type_`, `body`).
    pub name: String,
    /// Whether it is a body of raw bytes (taken as `impl Into<bytes::Bytes>`), not JSON.
    pub bytes: bool,
}

/// One operation of the spec, as a handle method.
pub(crate) struct Op {
    /// The operationId as written.
    pub(crate) id: String,
    /// progenitor's method on the generated client (the operationId in snake case).
    pub(crate) snake: String,
    pub(crate) method: String,
    pub(crate) path: String,
    /// Its tags as features; the first owns the handle.
    pub(crate) tags: Vec<String>,
    /// The first tag as written.
    pub(crate) tag_name: String,
    /// The handle method's name.
    pub(crate) name: String,
    /// `x-sdk-envelope: false`: the answer is given whole.
    pub(crate) keep_envelope: bool,
    /// What `x-sdk-items` says of the operation's items.
    pub(crate) items: Option<crate::model::lists::Items>,
    /// The server it names of its own, when not the document's: how it is reached.
    pub(crate) server: Option<Server>,
}

/// A tag's handle names: kebab (its feature and file), snake (the `Client` method), Pascal
/// (the struct).
pub fn handle_names(tag: &str) -> (String, String, String) {
    let kebab = crate::vendor::kebab(tag);
    let words: Vec<String> =
        kebab.split('-').enumerate().map(|(i, w)| if i == 0 { spelled(w) } else { w.to_owned() }).collect();
    let snake = words.join("_");
    (kebab, snake.clone(), snake.to_upper_camel_case())
}

// A leading number cannot start a Rust name: spelled out, as one reads it.
pub(crate) fn spelled(word: &str) -> String {
    const DIGITS: [&str; 10] = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    match word.parse::<usize>() {
        Ok(n) if n < 10 => DIGITS[n].to_owned(),
        _ => word.to_owned(),
    }
}

/// The handle method's name for an operationId: `x-sdk-method`, else the id without its
/// resource prefix, in snake case.
pub fn method_name(operation_id: &str, extension: Option<&str>) -> String {
    if let Some(name) = extension {
        return name.to_owned();
    }
    let rest = operation_id.split_once('_').map_or(operation_id, |(_, rest)| rest);
    rest.to_snake_case()
}

/// The server an operation names of its own (on the operation, else on its path), when it is
/// not the document's; an error when the settings do not say how to reach it.
pub(crate) fn own_server(
    doc: &Value,
    op: &crate::spec::validate::Operation<'_>,
    id: &str,
    known: &[Server],
) -> Result<Option<Server>, Error> {
    let url = |v: &Value| v.get("servers")?.get(0)?.get("url")?.as_str().map(str::to_owned);
    let Some(named) = url(op.item).or_else(|| url(op.path_item)) else { return Ok(None) };
    if url(doc).as_deref() == Some(named.as_str()) {
        return Ok(None);
    }
    match known.iter().find(|s| s.url == named) {
        Some(server) => Ok(Some(server.clone())),
        None => Err(Error::Handle {
            operation: id.into(),
            message: format!(
                "the spec sends it to `{named}`, which no handle setting reaches (`servers` in xtask/src/generate.rs); sent to the API instead, it would carry the API's token to the wrong host"
            ),
        }),
    }
}

pub(crate) fn spec_operations(doc: &Value, servers: &[Server]) -> Result<Vec<Op>, Error> {
    let mut out = Vec::new();
    for op in operations(doc) {
        let Some(id) = op.item.get("operationId").and_then(Value::as_str) else { continue };
        let tag_names: Vec<&str> = op
            .item
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(first) = tag_names.first() else {
            return Err(Error::Handle {
                operation: id.into(),
                message: "has no tag, so no handle to belong to".into(),
            });
        };
        let extension = match op.item.get(METHOD_EXTENSION) {
            None => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(other) => {
                return Err(Error::Handle {
                    operation: id.into(),
                    message: format!("`{METHOD_EXTENSION}` must be a string, not {other}"),
                });
            }
        };
        let name = method_name(id, extension);
        if syn::parse_str::<syn::Ident>(&name).is_err() || name.starts_with("r#") || name.is_empty() {
            return Err(Error::Handle {
                operation: id.into(),
                message: format!(
                    "its handle method would be named `{name}`, which is not a Rust identifier; name it with `{METHOD_EXTENSION}` in an overlay"
                ),
            });
        }
        let keep_envelope = match op.item.get(ENVELOPE_EXTENSION) {
            None | Some(Value::Bool(true)) => false,
            Some(Value::Bool(false)) => true,
            Some(other) => {
                return Err(Error::Handle {
                    operation: id.into(),
                    message: format!("`{ENVELOPE_EXTENSION}` must be `false` (or absent), not {other}"),
                });
            }
        };
        let items = crate::model::lists::items_extension(id, op.item)?;
        let server = own_server(doc, &op, id, servers)?;
        out.push(Op {
            keep_envelope,
            items,
            server,
            id: id.to_owned(),
            snake: id.to_snake_case(),
            method: op.method.to_uppercase(),
            path: op.path.to_owned(),
            tags: tag_names.iter().map(|t| crate::vendor::kebab(t)).collect(),
            tag_name: (*first).to_owned(),
            name,
        });
    }
    Ok(out)
}
