//! One request in, one answer out: faults, the rate limit, authentication, then the operation.
//! Kept apart from wiremock so the logic is testable without a socket.

use std::time::Duration;

use serde_json::{Value, json};

use crate::body;
use crate::documented::{self, Answer, DocumentedOperation};
use crate::fault::{Fault, Route};
use crate::pages;
use crate::state::{HOME_REGION, RateHeaders, SeenRequest, State};

/// The parts of a request the fake looks at.
pub(crate) struct Incoming<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) authorization: Option<&'a str>,
    pub(crate) body: &'a [u8],
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Body {
    Json(Value),
    Html(&'static str),
}

/// Any body the fake sends: its own (`Body`) or a documented operation's example.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Payload {
    Body(Body),
    Documented(Answer),
}

impl From<Body> for Payload {
    fn from(body: Body) -> Self {
        Payload::Body(body)
    }
}

/// The answer, before it becomes a wiremock `ResponseTemplate`. `B` is the body: the
/// image-action routes answer with [`Body`], the whole API with [`Payload`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reply<B = Body> {
    pub(crate) status: u16,
    pub(crate) body: B,
    pub(crate) rate: RateHeaders,
    pub(crate) request_id: String,
    pub(crate) retry_after: Option<u64>,
    pub(crate) delay: Option<Duration>,
}

/// What the path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Target {
    route: Route,
    image: Option<u64>,
    action: Option<u64>,
}

fn target(method: &str, path: &str) -> Target {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let id = |s: &str| s.parse::<u64>().ok().filter(|&n| n > 0);
    match (method, segments.as_slice()) {
        ("GET", ["v2", "images", image, "actions"]) => Target { route: Route::List, image: id(image), action: None },
        ("POST", ["v2", "images", image, "actions"]) => Target { route: Route::Post, image: id(image), action: None },
        ("GET", ["v2", "images", image, "actions", action]) => {
            Target { route: Route::Get, image: id(image), action: id(action) }
        }
        _ => Target { route: Route::Other, image: None, action: None },
    }
}

/// Answers one request of the image-action routes (anything else gets 404) and records it.
pub(crate) fn handle(state: &mut State, req: &Incoming<'_>) -> Reply {
    let target = target(req.method, req.path);
    serve(state, req, target, target.route.operation_id(), |state, req, _| {
        let (status, body) = operation(state, req, target);
        (status, Body::Json(body))
    })
}

/// Answers one request of any route and records it: the image-action routes as [`handle`]
/// does (their state wins over the documented examples), every other operation of the API
/// from the generated table when the fake serves it ([`State::documented`]).
pub(crate) fn respond(state: &mut State, req: &Incoming<'_>) -> Reply<Payload> {
    let target = target(req.method, req.path);
    if target.route != Route::Other || !state.documented {
        let Reply { status, body, rate, request_id, retry_after, delay, .. } = handle(state, req);
        return Reply { status, body: Payload::Body(body), rate, request_id, retry_after, delay };
    }
    let op = documented::table().find(req.method, req.path);
    let route = if op.is_some() { Route::Documented } else { Route::Other };
    // A read of one action names it last in its path (`/v2/actions/{action_id}`,
    // `/v2/droplets/{droplet_id}/actions/{action_id}`): recorded, so that `polls` counts it.
    let action = op.filter(|op| op.action_field().is_some() && op.method() == "GET").and_then(|_| last_id(req.path));
    let target = Target { route, action, ..target };
    let operation = op.map(DocumentedOperation::id);
    serve(state, req, target, operation, |state, req, request_id| {
        // An operation that takes no credential (an upload to a presigned URL, which the URL's
        // signature authorizes) refuses a second one, as object storage does.
        let anonymous = op.is_some_and(DocumentedOperation::anonymous);
        if anonymous && req.authorization.is_some() {
            let mut body = body::error("bad_request", body::SECOND_CREDENTIAL_MESSAGE);
            body["request_id"] = Value::from(request_id);
            return (400, Payload::Documented(Answer::Json(body)));
        }
        let authorized = anonymous || authorized(state, req.authorization);
        let (status, answer) = documented::answer(op, authorized, req.body, request_id);
        let (status, answer) = match (op, answer) {
            (Some(op), Answer::Json(body)) if (200..300).contains(&status) => {
                match living(state, op, req, body, action) {
                    Ok(body) => (status, Answer::Json(body)),
                    Err(message) => {
                        let mut body = body::error("bad_request", &message);
                        body["request_id"] = Value::from(request_id);
                        (400, Answer::Json(body))
                    }
                }
            }
            (_, answer) => (status, answer),
        };
        (status, Payload::Documented(answer))
    })
}

/// The last segment of a path as a positive id.
fn last_id(path: &str) -> Option<u64> {
    path.trim_end_matches('/').rsplit('/').next()?.parse().ok().filter(|&n| n > 0)
}

/// What a documented answer becomes once the fake's state has a say: a page of a longer list
/// when a page is asked for, and actions that progress. `Err`: the 400 message of a query the
/// API refuses.
fn living(
    state: &mut State,
    op: &DocumentedOperation,
    req: &Incoming<'_>,
    mut body: Value,
    action: Option<u64>,
) -> Result<Value, String> {
    if let (Some(list), Some(example)) = (&op.list, op.example())
        && let Some(asked) = pages::requested(req.query)?
    {
        let url = format!("{}{}", state.base_url, req.path);
        if let Some(page) = pages::page(example, list, asked, &url, state.list_length) {
            body = page;
        }
    }
    let Some(field) = op.action_field() else { return Ok(body) };
    let Some(held) = (if field.is_empty() { Some(&mut body) } else { body.get_mut(field) }) else { return Ok(body) };
    if op.method() == "GET" {
        // The account's route reads what the fake knows and leaves any other id to its example;
        // a resource's route has every action its path names, as it has every resource.
        let template = (op.id() != ACCOUNT_ACTION_READ).then(|| held.clone());
        if let Some(read) = action.and_then(|id| state.read_action(id, template.as_ref())) {
            *held = read;
        }
        return Ok(body);
    }
    // The request's `type` (`reboot`, `attach`) is the action's.
    let kind = serde_json::from_slice::<Value>(req.body).ok().and_then(|b| b.get("type").cloned());
    let start = |state: &mut State, template: &Value| {
        let mut template = template.clone();
        if let (Some(kind), Some(slot)) = (&kind, template.get_mut("type")) {
            *slot = kind.clone();
        }
        state.start_action(template)
    };
    match held {
        Value::Array(actions) => {
            for a in actions.iter_mut() {
                *a = start(state, a);
            }
        }
        one => *one = start(state, one),
    }
    Ok(body)
}

/// The account's route that reads an action of any resource.
const ACCOUNT_ACTION_READ: &str = "actions_get";

/// The steps every request goes through: a queued fault, the rate limit, then `op` (given the
/// state, the request and the request id); the request is recorded with the status it got and
/// the operation it named.
fn serve<B: From<Body>>(
    state: &mut State,
    req: &Incoming<'_>,
    target: Target,
    operation: Option<&'static str>,
    mut op: impl FnMut(&mut State, &Incoming<'_>, &str) -> (u16, B),
) -> Reply<B> {
    state.requests_answered += 1;
    let request_id = request_id(state.requests_answered);
    let rate = state.rate.take();
    let (status, body, rate, retry_after, delay) = match state.take_fault(target.route) {
        Some(fault) => faulted(state, req, rate, fault, |s, r| op(s, r, &request_id)),
        None if rate.exhausted => {
            let wait = rate.reset.saturating_sub(now_epoch());
            let body = body::error("too_many_requests", body::TOO_MANY_REQUESTS_MESSAGE);
            (429, Body::Json(body).into(), rate, Some(wait), None)
        }
        None => {
            let (status, body) = op(state, req, &request_id);
            (status, body, rate, None, None)
        }
    };
    state.seen.push(SeenRequest {
        method: req.method.to_owned(),
        path: req.path.to_owned(),
        query: req.query.map(str::to_owned),
        route: target.route,
        image: target.image,
        action: target.action,
        status,
        operation,
    });
    Reply { status, body, rate, request_id, retry_after, delay }
}

type Answered<B> = (u16, B, RateHeaders, Option<u64>, Option<Duration>);

fn faulted<B: From<Body>>(
    state: &mut State,
    req: &Incoming<'_>,
    rate: RateHeaders,
    fault: Fault,
    mut op: impl FnMut(&mut State, &Incoming<'_>) -> (u16, B),
) -> Answered<B> {
    let server_error = || Body::Json(body::error("server_error", body::SERVER_ERROR_MESSAGE)).into();
    match fault {
        Fault::TooManyRequests { retry_after } => {
            let secs = retry_after.as_secs_f64().ceil() as u64;
            let rate = RateHeaders { remaining: 0, reset: now_epoch() + secs, exhausted: true, ..rate };
            let body = body::error("too_many_requests", body::TOO_MANY_REQUESTS_MESSAGE);
            (429, Body::Json(body).into(), rate, Some(secs), None)
        }
        Fault::ServerError => (500, server_error(), rate, None, None),
        Fault::ServerErrorAfterActing => {
            let _ = op(state, req);
            (500, server_error(), rate, None, None)
        }
        Fault::BadGatewayHtml => (502, Body::Html(body::BAD_GATEWAY_HTML).into(), rate, None, None),
        Fault::ServiceUnavailable => {
            let body = body::error("service_unavailable", "The service is temporarily unavailable.");
            (503, Body::Json(body).into(), rate, None, None)
        }
        Fault::Slow(delay) => {
            let (status, body) = op(state, req);
            (status, body, rate, None, Some(delay))
        }
    }
}

/// The operation itself, once faults and the rate limit let the request through.
fn operation(state: &mut State, req: &Incoming<'_>, target: Target) -> (u16, Value) {
    if !authorized(state, req.authorization) {
        return (401, body::error("unauthorized", body::UNAUTHORIZED_MESSAGE));
    }
    let not_found = || (404, body::error("not_found", body::NOT_FOUND_MESSAGE));
    let Some(image) = target.image.filter(|&i| state.has_image(i)) else { return not_found() };
    match target.route {
        Route::List => list(state, image, req.query),
        Route::Post => post(state, image, req.body),
        Route::Get => match target.action.and_then(|a| state.poll_action(image, a)) {
            Some(action) => (200, json!({ "action": action })),
            None => not_found(),
        },
        Route::Other | Route::Documented => not_found(),
    }
}

pub(crate) fn authorized(state: &State, header: Option<&str>) -> bool {
    let Some(token) = header.and_then(|h| h.strip_prefix("Bearer ")).map(str::trim) else { return false };
    match &state.token {
        Some(expected) => token == expected,
        None => !token.is_empty(),
    }
}

fn post(state: &mut State, image: u64, raw: &[u8]) -> (u16, Value) {
    let unprocessable = |message: String| (422, body::error("unprocessable_entity", &message));
    let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(raw) else {
        return (400, body::error("bad_request", "The request body must be a JSON object."));
    };
    let (kind, region) = match request.get("type").and_then(Value::as_str) {
        Some("convert") => ("convert", HOME_REGION.to_owned()),
        Some("transfer") => match request.get("region").and_then(Value::as_str) {
            Some(slug) if body::region_name(slug).is_some() => ("transfer", slug.to_owned()),
            Some(slug) => return unprocessable(format!("`{slug}` is not a region an image can be transferred to.")),
            None => {
                return unprocessable("A transfer needs `region`, the slug of the region to copy the image to.".into());
            }
        },
        Some(other) => return unprocessable(format!("`{other}` is not an image action; use convert or transfer.")),
        None => return unprocessable("`type` is required: convert or transfer.".into()),
    };
    let action = state.create_action(image, kind, &region).to_json();
    (201, json!({ "action": action }))
}

fn list(state: &mut State, image: u64, query: Option<&str>) -> (u16, Value) {
    let (page, per_page) = match pages::requested(query) {
        Ok(asked) => asked.unwrap_or((1, pages::DEFAULT_PER_PAGE)),
        Err(message) => return (400, body::error("bad_request", &message)),
    };
    let all = state.image_actions(image);
    let total = all.len() as u64;
    let skip = (page - 1).saturating_mul(per_page);
    let actions: Vec<Value> = all.into_iter().skip(skip as usize).take(per_page as usize).collect();
    let url = format!("{}/v2/images/{image}/actions", state.base_url);
    let links = pages::links(&url, page, per_page, total, "prev");
    (200, json!({ "actions": actions, "links": links, "meta": { "total": total } }))
}

/// Request ids shaped like the API's (a UUID), unique per fake.
fn request_id(n: u64) -> String {
    format!("fa4e0000-0000-4000-8000-{n:012x}")
}

fn now_epoch() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}
