//! The whole API on loopback: every operation of the generated table answered with its
//! documented example, requests the spec refuses answered as the API does, and the image-action
//! routes still answered from the fake's state. Through the public surface and plain reqwest,
//! as a client sees the fake.

use digitalocean_fake_api::{DocumentedOperation, FakeApi, Fault, Route, operation, operations};
use reqwest::{Method, Response};
use serde_json::{Value, json};

/// The operations the fake answers from its state, not from the table.
const STATEFUL: [&str; 3] = ["imageActions_get", "imageActions_list", "imageActions_post"];

fn http() -> reqwest::Client {
    // reqwest is built with rustls and no default provider; tests that share a process may race
    // to install one, and only the first wins (which is fine).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// One client per fake: building a client loads the TLS roots, which took most of the walk's time
/// when every request built one.
struct Fake {
    api: FakeApi,
    http: reqwest::Client,
}

impl std::ops::Deref for Fake {
    type Target = FakeApi;
    fn deref(&self) -> &FakeApi {
        &self.api
    }
}

async fn fake(builder: digitalocean_fake_api::FakeApiBuilder) -> Fake {
    Fake { api: builder.start().await, http: http() }
}

async fn send(fake: &Fake, op: &DocumentedOperation, path: &str, body: Option<&Value>) -> Response {
    let method = Method::from_bytes(op.method().as_bytes()).expect("the table's methods are HTTP methods");
    let mut req = fake.http.request(method, format!("{}{path}", fake.uri())).bearer_auth("t");
    if let Some(body) = body {
        req = req.json(body);
    }
    req.send().await.expect("the fake answers")
}

/// The API's error body, with the request id it sent in `x-request-id`.
async fn error_body(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["request_id"], json!(request_id), "the body carries the request id of the header");
    (status, body)
}

/// An answer without what the fake's state decides of the actions it carries: their id, status,
/// times and type (the request's).
fn unprogressed(op: &DocumentedOperation, mut answer: Value) -> Value {
    let Some(field) = op.action_field() else { return answer };
    let held = if field.is_empty() { Some(&mut answer) } else { answer.get_mut(field) };
    let strip = |a: &mut Value| {
        if let Some(a) = a.as_object_mut() {
            for key in ["id", "status", "started_at", "completed_at", "type"] {
                a.remove(key);
            }
        }
    };
    match held {
        Some(Value::Array(actions)) => actions.iter_mut().for_each(strip),
        Some(one) => strip(one),
        None => {}
    }
    answer
}

#[tokio::test]
async fn every_operation_answers_its_documented_example() {
    let fake = fake(FakeApi::builder().image(7938269)).await;
    let mut answered = 0;
    let mut failures = Vec::new();
    for op in operations().iter().filter(|op| !STATEFUL.contains(&op.id())) {
        let r = match op.request_media().filter(|m| !m.contains("json")) {
            // A file upload: any bytes go.
            Some(media) => {
                let method = Method::from_bytes(op.method().as_bytes()).unwrap();
                let url = format!("{}{}", fake.uri(), op.sample_path());
                let req = fake.http.request(method, url).header("content-type", media);
                // An operation without credentials (a presigned upload) is sent without one.
                let req = if op.anonymous() { req } else { req.bearer_auth("t") };
                req.body("some bytes").send().await.unwrap()
            }
            None => send(&fake, op, op.sample_path(), op.sample_body()).await,
        };
        let status = r.status().as_u16();
        let media = r.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = r.bytes().await.unwrap();
        let got = match (op.example(), op.media()) {
            (Some(Value::String(text)), Some(m)) if !m.contains("json") => {
                (media.as_deref() == Some(m) && bytes == text.as_bytes()).then_some(())
            }
            (Some(example), Some(_)) => {
                let answer = serde_json::from_slice::<Value>(&bytes).ok().map(|a| unprogressed(op, a));
                (answer == Some(unprogressed(op, example.clone()))).then_some(())
            }
            _ => bytes.is_empty().then_some(()),
        };
        if status != op.status() || got.is_none() {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned();
            failures.push(format!(
                "{} {} {}: {status} (want {}) {head}",
                op.id(),
                op.method(),
                op.sample_path(),
                op.status()
            ));
        }
        answered += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {answered} operations answered wrongly:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(answered + STATEFUL.len(), 659, "every operation of the API was sent");
    assert_eq!(fake.count(Route::Documented), answered);
}

#[tokio::test]
async fn a_body_without_a_required_property_gets_the_api_422() {
    let fake = fake(FakeApi::builder().image(7938269)).await;
    let create = operation("sshKeys_create").unwrap();
    let (status, body) =
        error_body(send(&fake, create, "/v2/account/keys", Some(&json!({"name": "laptop"}))).await).await;
    assert_eq!(status, 422);
    assert_eq!(body["id"], "unprocessable_entity");
    assert_eq!(body["message"], "`body.public_key` is required.");
    assert_eq!(body.as_object().unwrap().len(), 3, "id, message and request_id, as the API's error: {body}");

    let wrong_type = json!({"name": "laptop", "public_key": 42});
    let (status, body) = error_body(send(&fake, create, "/v2/account/keys", Some(&wrong_type)).await).await;
    assert_eq!((status, body["message"].as_str()), (422, Some("`body.public_key` must be a string.")));

    let (status, body) = error_body(send(&fake, create, "/v2/account/keys", None).await).await;
    assert_eq!((status, body["message"].as_str()), (422, Some("The request body is required.")));

    let seen = fake.requests();
    assert!(seen.iter().all(|r| r.route == Route::Documented && r.operation == Some("sshKeys_create")));
    assert_eq!(seen.iter().map(|r| r.status).collect::<Vec<_>>(), [422, 422, 422]);
}

/// 404, not 422: the path is the address of a resource, and an integer id that is not an
/// integer addresses nothing, as an unknown path does (the image-action routes answer
/// `/v2/images/abc/actions` the same way).
#[tokio::test]
async fn a_path_parameter_of_the_wrong_type_is_not_found() {
    let fake = fake(FakeApi::builder().image(7938269)).await;
    let get = operation("droplets_get").unwrap();
    for path in ["/v2/droplets/abc", "/v2/droplets/1.5", "/v2/no-such-thing"] {
        let (status, body) = error_body(send(&fake, get, path, None).await).await;
        assert_eq!((status, body["id"].as_str()), (404, Some("not_found")), "{path}");
    }
    assert_eq!(send(&fake, get, "/v2/droplets/3164444", None).await.status().as_u16(), 200);
    // A UUID parameter wants a UUID.
    let prefix = operation("byoipPrefixes_get").unwrap();
    assert_eq!(send(&fake, prefix, "/v2/byoip_prefixes/not-a-uuid", None).await.status().as_u16(), 404);
    assert_eq!(send(&fake, prefix, prefix.sample_path(), None).await.status().as_u16(), 200);
    assert_eq!(fake.count(Route::Other), 4);
}

#[tokio::test]
async fn the_image_action_routes_still_answer_from_state() {
    let fake = fake(FakeApi::builder().past_actions(7, 2)).await;
    let list = operation("imageActions_list").unwrap();
    let r: Value = send(&fake, list, "/v2/images/7/actions", None).await.json().await.unwrap();
    assert_eq!(r["meta"]["total"], 2, "the fake's two actions, not the documented example: {r}");
    assert_eq!(send(&fake, list, "/v2/images/1/actions", None).await.status().as_u16(), 404, "image 1 does not exist");
    assert_eq!(fake.count(Route::List), 2);
    assert_eq!(fake.requests()[0].operation, Some("imageActions_list"));
    // The rest of the images tag is documented, not stateful.
    let image = operation("images_get").unwrap();
    assert_eq!(send(&fake, image, "/v2/images/1", None).await.status().as_u16(), 200);
}

#[tokio::test]
async fn faults_tokens_and_the_rate_limit_hold_for_every_operation() {
    let fake = FakeApi::builder().token("right").rate_limit(3, std::time::Duration::from_secs(60)).start().await;
    let url = format!("{}/v2/account", fake.uri());
    let get = |token: &'static str| http().get(&url).bearer_auth(token).send();
    fake.push_fault_on(Route::Documented, Fault::ServerError);
    assert_eq!(get("right").await.unwrap().status().as_u16(), 500);
    assert_eq!(get("wrong").await.unwrap().status().as_u16(), 401);
    let ok = get("right").await.unwrap();
    assert_eq!(ok.headers()["ratelimit-remaining"], "0");
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(get("right").await.unwrap().status().as_u16(), 429);
}

#[tokio::test]
async fn only_image_actions_turns_the_rest_of_the_api_off() {
    let fake = FakeApi::builder().only_image_actions().start().await;
    let r = http().get(format!("{}/v2/droplets", fake.uri())).bearer_auth("t").send().await.unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({"id": "not_found", "message": "The resource you requested could not be found."}));
    assert_eq!(fake.count(Route::Other), 1);
}

#[tokio::test]
async fn a_page_of_a_list_is_a_page_of_a_longer_list() {
    let fake = fake(FakeApi::builder()).await;
    let list = operation("droplets_list").unwrap();
    assert_eq!(list.list_items(), Some("droplets"));
    let page = |query: &'static str| {
        let url = format!("{}/v2/droplets{query}", fake.uri());
        let req = fake.http.get(url).bearer_auth("t").send();
        async move { req.await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(&page("").await, list.example().unwrap(), "no page asked for: the documented example");
    let first = page("?page=1&per_page=2").await;
    let second = page("?page=2&per_page=2").await;
    let third = page("?per_page=2&page=3").await;
    let ids: Vec<&Value> =
        [&first, &second, &third].iter().flat_map(|p| p["droplets"].as_array().unwrap()).map(|d| &d["id"]).collect();
    let first_id = list.example().unwrap()["droplets"][0]["id"].as_u64().unwrap();
    assert_eq!(
        ids,
        (0..5).map(|n| json!(first_id + n)).collect::<Vec<_>>().iter().collect::<Vec<_>>(),
        "five droplets, each its own"
    );
    assert_eq!(first["meta"]["total"], 5);
    let link = |p: u64| json!(format!("{}/v2/droplets?page={p}&per_page=2", fake.uri()));
    assert_eq!(first["links"]["pages"], json!({"next": link(2), "last": link(3)}));
    assert_eq!(second["links"]["pages"], json!({"first": link(1), "prev": link(1), "next": link(3), "last": link(3)}));
    assert_eq!(third["links"]["pages"], json!({"first": link(1), "prev": link(2)}));
    let r = fake.http.get(format!("{}/v2/droplets?page=0", fake.uri())).bearer_auth("t").send().await.unwrap();
    assert_eq!(error_body(r).await.0, 400, "pages count from 1");
}

#[tokio::test]
async fn an_action_a_request_starts_progresses_until_its_third_read() {
    let fake = fake(FakeApi::builder().first_action_id(500)).await;
    let post = operation("dropletActions_post").unwrap();
    assert_eq!(post.action_field(), Some("action"));
    let started: Value =
        send(&fake, post, post.sample_path(), Some(&json!({"type": "reboot"}))).await.json().await.unwrap();
    assert_eq!(
        (started["action"]["id"].as_u64(), started["action"]["status"].as_str()),
        (Some(500), Some("in-progress"))
    );
    assert_eq!(started["action"]["type"], "reboot", "the request's type");
    let read = operation("actions_get").unwrap();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let r: Value = send(&fake, read, "/v2/actions/500", None).await.json().await.unwrap();
        assert_eq!(r["action"]["resource_type"], started["action"]["resource_type"], "the action it started");
        statuses.push(r["action"]["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(statuses, ["in-progress", "in-progress", "completed", "completed"]);
    assert_eq!(fake.polls(500), 4);

    // A resource's action route has every action its path names: one started just before.
    let get = operation("dropletActions_get").unwrap();
    let r: Value = send(&fake, get, "/v2/droplets/3164444/actions/77", None).await.json().await.unwrap();
    assert_eq!((r["action"]["id"].as_u64(), r["action"]["status"].as_str()), (Some(77), Some("in-progress")));
    // The account's route leaves an action nobody started to its documented example.
    let r: Value = send(&fake, read, "/v2/actions/12345", None).await.json().await.unwrap();
    assert_eq!(r, *read.example().unwrap());
    // An image action reads the same through the account's route.
    let fake = fake_with_image_action().await;
    let r: Value = send(&fake, read, "/v2/actions/9", None).await.json().await.unwrap();
    assert_eq!(
        (r["action"]["resource_type"].as_str(), r["action"]["status"].as_str()),
        (Some("image"), Some("completed"))
    );
}

async fn fake_with_image_action() -> Fake {
    fake(FakeApi::builder().past_action(7, 9)).await
}

#[tokio::test]
async fn an_operation_without_credentials_refuses_one() {
    // `security: []`: a presigned upload, whose URL is its signature; object storage refuses a
    // request that carries a second credential, and so does the fake.
    let fake = fake(FakeApi::builder()).await;
    let op = operation("inference_upload_batch_file").expect("in the table");
    assert!(op.anonymous());
    assert!(!operation("inference_create_batch_file").expect("in the table").anonymous());
    let url = format!("{}{}", fake.uri(), op.sample_path());
    let with = fake.http.put(&url).bearer_auth("t").body("some bytes").send().await.unwrap();
    let (status, body) = error_body(with).await;
    assert_eq!((status, body["id"].as_str()), (400, Some("bad_request")), "{body}");
    let without = fake.http.put(&url).body("some bytes").send().await.unwrap();
    assert_eq!(without.status().as_u16(), 200);
}
