//! The user's program against a server that pages: every droplet, across three pages, and not
//! one request more than the pages take.

use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn droplet(id: u64) -> Value {
    let mut d: Value = serde_json::from_str(include_str!("../../fixtures/droplets/droplet.json")).unwrap();
    d["id"] = json!(id);
    d["name"] = json!(format!("droplet-{id}"));
    d
}

#[tokio::test]
async fn every_droplet_is_listed_across_pages() {
    let server = MockServer::start().await;
    let total = 5u64;
    for page in 1..=3u64 {
        let ids = ((page - 1) * 2 + 1..=(page * 2).min(total)).map(droplet).collect::<Vec<_>>();
        let mut pages = json!({});
        if page < 3 {
            pages["next"] = json!(format!("{}/v2/droplets?page={}&per_page=2", server.uri(), page + 1));
        }
        Mock::given(method("GET"))
            .and(path("/v2/droplets"))
            .and(query_param("page", page.to_string()))
            .and(query_param("per_page", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "droplets": ids,
                "links": {"pages": pages},
                "meta": {"total": total},
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    outside_user::install_tls();
    let client = digitalocean_sdk::Client::builder("test-token").base_url(server.uri()).build().unwrap();

    let names = outside_user::droplet_names(&client, 2).await.unwrap();

    assert_eq!(names, (1..=total).map(|i| format!("droplet-{i}")).collect::<Vec<_>>());
}
