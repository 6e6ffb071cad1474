//! Requests are not refused over the spec's constraints: the API decides. The spec's URN
//! pattern for project resources names nine kinds (`do:droplet:`, `do:volume:`, ...) but not
//! `do:reservedip:`, which the API accepts; with the pattern checked, no reserved IP could be
//! assigned to a project. Here it is sent as written.

#![cfg(feature = "whole-api")]

use digitalocean_sdk::types::{ProjectAssignment, Urn};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PROJECT: &str = "4e1bfbc3-dc3e-41f2-a18f-1b4d7ba71679";

#[tokio::test]
async fn a_reserved_ip_is_assigned_to_a_project_though_the_spec_s_pattern_leaves_it_out() {
    let server = MockServer::start().await;
    let urn = "do:reservedip:192.0.2.10";
    Mock::given(method("POST"))
        .and(path(format!("/v2/projects/{PROJECT}/resources")))
        .and(body_json(serde_json::json!({ "resources": [urn] })))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "resources": [{"urn": urn, "assigned_at": "2024-05-02T12:00:00Z", "status": "assigned"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = tests::client(&server.uri());
    let body = ProjectAssignment { resources: vec![Urn::from(urn.to_owned())] };
    let answer =
        client.project_resources().assign_resources(PROJECT.into()).body(body).await.expect("sent and decoded");
    let assigned = answer.resources.first().expect("one resource");
    assert_eq!(assigned.urn.as_ref().map(|u| u.as_str()), Some(urn));
}
