//! Answers that wrap one resource (`{"droplet": {..}}`) are opened by the generated handles:
//! the method gives the resource. Upstream's schema leaves most envelope keys optional, so an
//! answer without its key must come back as an error naming the key, not as a success.

use digitalocean_sdk::{DropletId, Error};
use serde_json::json;
use tests::{client, fixture_json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_droplet_is_taken_out_of_its_envelope() {
    let server = MockServer::start().await;
    let droplet = fixture_json("droplets/droplet.json");
    let id = droplet["id"].as_u64().unwrap();
    Mock::given(method("GET"))
        .and(path(format!("/v2/droplets/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "droplet": droplet })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let got = client.droplets().get(DropletId::new(id).unwrap()).await.unwrap();

    assert_eq!(got.http_status(), 200);
    assert_eq!(got.id, DropletId::new(id).unwrap());
    assert_eq!(got.name, droplet["name"].as_str().unwrap());
}

#[tokio::test]
async fn an_answer_without_its_envelope_key_is_a_decode_error_naming_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/droplets/7"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-request-id", "req-7").set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let err = client.droplets().get(DropletId::new(7).unwrap()).await.unwrap_err();

    match &err {
        Error::Decode { status, request_id, path, .. } => {
            assert_eq!(status.map(|s| s.as_u16()), Some(200));
            assert_eq!(request_id.as_deref(), Some("req-7"));
            assert_eq!(path.as_deref(), Some("droplet"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(err.to_string().contains("droplet"), "{err}");
}
