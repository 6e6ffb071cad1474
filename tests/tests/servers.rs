//! Operations the spec sends to hosts of their own go there, each with its own credential, and
//! never with the API token: serverless and batch inference to the inference host with the
//! model access key, an agent's chat to the agent's endpoint with its key, a batch file's upload
//! to its presigned URL with no `Authorization` at all. Each host is a loopback server of its
//! own, so a request that went to the wrong one is seen there.

use digitalocean_fake_api::operation;
use digitalocean_sdk::{Client, Error, RetryPolicy};
use tests::handle_calls::arg;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "dop_v1_servers_api_token_5ecr3t";
const MODEL_KEY: &str = "model_access_key_5ecr3t";
const AGENT_KEY: &str = "agent_access_key_5ecr3t";

/// Answers `id`'s method and sample path on `server` with its documented answer.
async fn documented(server: &MockServer, id: &str) {
    let op = operation(id).unwrap_or_else(|| panic!("{id} is an operation of the spec"));
    let sample = reqwest::Url::parse(&format!("http://x{}", op.sample_path())).expect("a path");
    let mut answer = ResponseTemplate::new(op.status());
    if let Some(example) = op.example() {
        answer = answer.set_body_json(example);
    }
    Mock::given(method(op.method())).and(path(sample.path())).respond_with(answer).mount(server).await;
}

/// The fake's sample request body of `id`, as the type the method takes.
fn sample_body<T: serde::de::DeserializeOwned>(id: &str) -> T {
    let op = operation(id).unwrap_or_else(|| panic!("{id} is an operation of the spec"));
    arg(&op.sample_body().expect("a sample body").to_string()).expect("the sample decodes")
}

/// A client for the API at `api`, inference at `inference` (with the model key when `key`).
fn client(api: &MockServer, inference: &MockServer, key: bool) -> Client {
    let builder = Client::builder(TOKEN).base_url(api.uri()).inference_url(inference.uri());
    let builder = if key { builder.inference_key(MODEL_KEY) } else { builder };
    builder.retry_policy(RetryPolicy::none()).build().expect("client")
}

fn authorization(request: &Request) -> Option<&str> {
    request.headers.get("authorization").map(|v| v.to_str().expect("ascii"))
}

/// Every request `server` saw: its path and its `Authorization` header.
async fn seen(server: &MockServer) -> Vec<(String, Option<String>)> {
    let requests = server.received_requests().await.expect("recording on");
    requests.iter().map(|r| (r.url.path().to_owned(), authorization(r).map(str::to_owned))).collect()
}

fn bearer(secret: &str) -> Option<String> {
    Some(format!("Bearer {secret}"))
}

#[tokio::test]
async fn inference_goes_to_its_host_with_the_model_key_and_the_api_keeps_the_token() {
    let (api, inference) = (MockServer::start().await, MockServer::start().await);
    for id in ["inference_list_models", "inference_create_chat_completion", "inference_get_batch"] {
        documented(&inference, id).await;
    }
    documented(&api, "droplets_list").await;
    let client = client(&api, &inference, true);

    client.serverless_inference().list_models().await.expect("models listed");
    let chat = sample_body("inference_create_chat_completion");
    client.serverless_inference().create_chat_completion().body(chat).await.expect("a completion");
    let batch = arg("\"0e9d1d35-3d1e-4d66-9a2f-8c7e0f6b3e21\"").expect("a uuid");
    client.batch_inference().get_batch(batch).await.expect("a batch");
    client.droplets().list().page(1).await.expect("droplets listed");

    let key = bearer(MODEL_KEY);
    assert_eq!(
        seen(&inference).await,
        [
            ("/v1/models".to_owned(), key.clone()),
            ("/v1/chat/completions".to_owned(), key.clone()),
            ("/v1/batches/0e9d1d35-3d1e-4d66-9a2f-8c7e0f6b3e21".to_owned(), key),
        ],
        "inference: its host, its key, never the token"
    );
    assert_eq!(seen(&api).await, [("/v2/droplets".to_owned(), bearer(TOKEN))], "the API: the token only");
}

#[tokio::test]
async fn inference_without_a_key_is_a_config_error_and_sends_nothing() {
    let (api, inference) = (MockServer::start().await, MockServer::start().await);
    let client = client(&api, &inference, false);
    let error = client.serverless_inference().list_models().await.expect_err("no key, no call");
    let Error::Config(message) = &error else { panic!("a config error, not {error:?}") };
    assert!(message.contains("inference_list_models") && message.contains("inference_key"), "{message}");
    let error = client.batch_inference().create_batch().await.expect_err("no key, no call");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(seen(&inference).await.is_empty() && seen(&api).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn an_agent_is_called_at_its_endpoint_with_its_key() {
    let (api, inference, agent) = (MockServer::start().await, MockServer::start().await, MockServer::start().await);
    documented(&agent, "agentInference_create_chat_completion").await;
    let client = client(&api, &inference, true);
    let endpoint = client.agent_endpoint(agent.uri(), AGENT_KEY).expect("an endpoint");
    assert_eq!(endpoint.url(), agent.uri());

    let chat = sample_body("agentInference_create_chat_completion");
    client.agent_inference(&endpoint).create_chat_completion(true).body(chat).await.expect("a completion");

    let requests = agent.received_requests().await.expect("recording on");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.path(), "/api/v1/chat/completions");
    assert_eq!(requests[0].url.query(), Some("agent=true"));
    assert_eq!(authorization(&requests[0]), Some(format!("Bearer {AGENT_KEY}").as_str()), "the agent's key");
    assert!(seen(&api).await.is_empty() && seen(&inference).await.is_empty(), "no other host was called");
}

#[tokio::test]
async fn an_upload_goes_to_its_presigned_url_whole_with_no_authorization() {
    let (api, inference, storage) = (MockServer::start().await, MockServer::start().await, MockServer::start().await);
    Mock::given(method("PUT"))
        .and(path("/bucket/batch.jsonl"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&storage)
        .await;
    let client = client(&api, &inference, true);
    let url = format!("{}/bucket/batch.jsonl?X-Amz-Signature=s1gn4tur3&X-Amz-Expires=900", storage.uri());

    let uploaded = client.batch_inference().upload_batch_file(&url, "{}\n").await;
    assert_eq!(uploaded.expect("uploaded").http_status(), 200);

    let requests = storage.received_requests().await.expect("recording on");
    assert_eq!(requests.len(), 1);
    let sent = (requests[0].url.path(), requests[0].url.query());
    assert_eq!(sent, ("/bucket/batch.jsonl", Some("X-Amz-Signature=s1gn4tur3&X-Amz-Expires=900")), "the URL as given");
    assert_eq!(authorization(&requests[0]), None, "the URL is the credential: no other is sent");
    assert_eq!(&requests[0].body[..], b"{}\n");
    assert!(seen(&api).await.is_empty() && seen(&inference).await.is_empty(), "no other host was called");
}

#[tokio::test]
async fn a_failed_upload_does_not_quote_its_presigned_url() {
    let (api, inference) = (MockServer::start().await, MockServer::start().await);
    let client = client(&api, &inference, true);
    // Nothing listens on port 9 of loopback: the connection is refused.
    let url = "http://127.0.0.1:9/bucket/batch.jsonl?X-Amz-Signature=s1gn4tur3";
    let error = client.batch_inference().upload_batch_file(url, "{}\n").await.expect_err("refused");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("s1gn4tur3"), "the signature is not shown: {shown}");

    let insecure = "http://storage.example.com/bucket/batch.jsonl?X-Amz-Signature=s1gn4tur3";
    let error = client.batch_inference().upload_batch_file(insecure, "{}\n").await.expect_err("plain http");
    let Error::InvalidRequest(message) = &error else { panic!("an invalid request, not {error:?}") };
    assert!(!message.contains("s1gn4tur3") && message.contains("https"), "{message}");
}

#[tokio::test]
async fn keys_never_print_and_bad_endpoints_are_refused() {
    let (api, inference) = (MockServer::start().await, MockServer::start().await);
    let client = client(&api, &inference, true);
    let endpoint = client.agent_endpoint("https://example.agents.do-ai.run", AGENT_KEY).expect("an endpoint");
    let request = client.agent_inference(&endpoint).create_chat_completion(true);
    let shown = format!(
        "{client:?} {:?} {endpoint:?} {request:?} {:?} {:?}",
        client.config(),
        digitalocean_sdk::ModelAccessKey::new(MODEL_KEY),
        digitalocean_sdk::AgentAccessKey::new(AGENT_KEY),
    );
    assert!(!shown.contains("5ecr3t"), "a secret is shown: {shown}");
    assert!(shown.contains("example.agents.do-ai.run"), "the endpoint's URL is: {shown}");

    for (url, key) in [
        ("http://example.agents.do-ai.run", AGENT_KEY),
        ("not a url", AGENT_KEY),
        ("https://example.agents.do-ai.run", ""),
        ("https://example.agents.do-ai.run", "two words"),
    ] {
        let error = client.agent_endpoint(url, key).expect_err("refused");
        assert!(matches!(error, Error::Config(_)), "{url} {key:?}: {error:?}");
    }
    let error = Client::builder(TOKEN).inference_key("two words").build().expect_err("refused");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    let error = Client::builder(TOKEN).inference_url("http://inference.example.com").build().expect_err("refused");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    let default = Client::new(TOKEN).expect("client");
    assert_eq!(default.config().inference_url(), digitalocean_sdk::DEFAULT_INFERENCE_URL);
    assert!(!default.config().has_inference_key());
}

#[tokio::test]
async fn an_echoed_model_key_is_cleared_from_the_error() {
    let (api, inference) = (MockServer::start().await, MockServer::start().await);
    let body = serde_json::json!({"id": "unauthorized", "message": format!("key {MODEL_KEY} is not valid")});
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(401).set_body_json(body))
        .mount(&inference)
        .await;
    let client = client(&api, &inference, true);
    let error = client.serverless_inference().list_models().await.expect_err("401");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("5ecr3t") && shown.contains("is not valid"), "the key is cleared: {shown}");
}
