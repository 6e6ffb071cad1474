//! Walking lists against a fake that pages: the generated list builders (droplets) and the
//! hand-written ones (actions) on the one walk, which ends where the server's own figures say
//! (no `next` link, `meta.total` items read, the `last` page read, an empty page), even when the
//! server offers a `next` link on every page.

use std::collections::HashMap;

use digitalocean_sdk::Error;
use futures::TryStreamExt;
use serde_json::{Value, json};
use tests::{client, fixture_json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A paged list: serves `items` `per_page` at a time (the request's, else 20) under `key`,
/// with a `next` link on every page, the `last` link and `meta.total` given, whatever they say.
struct Pages {
    key: &'static str,
    items: Vec<Value>,
    total: usize,
    last: Option<u64>,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        let page: usize = query.get("page").map_or(1, |p| p.parse().unwrap());
        let per_page: usize = query.get("per_page").map_or(20, |p| p.parse().unwrap());
        let start = (page - 1) * per_page;
        let items: Vec<&Value> = self.items.iter().skip(start).take(per_page).collect();
        let link = |n: u64| format!("https://api.digitalocean.com{}?page={n}&per_page={per_page}", request.url.path());
        let mut pages = json!({"next": link(page as u64 + 1)});
        if let Some(last) = self.last {
            pages["last"] = json!(link(last));
        }
        ResponseTemplate::new(200).set_body_json(json!({
            self.key: items,
            "links": {"pages": pages},
            "meta": {"total": self.total},
        }))
    }
}

/// `n` copies of `item`, ids 1 to `n`.
fn numbered(item: &Value, n: u64) -> Vec<Value> {
    (1..=n)
        .map(|id| {
            let mut item = item.clone();
            item["id"] = json!(id);
            item
        })
        .collect()
}

fn droplets(n: u64) -> Vec<Value> {
    numbered(&fixture_json("droplets/droplet.json"), n)
}

fn actions(n: u64) -> Vec<Value> {
    numbered(&fixture_json("image_action_post_201.json")["action"], n)
}

async fn serve(route: &str, pages: Pages) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(route)).respond_with(pages).mount(&server).await;
    server
}

async fn requests(server: &MockServer) -> Vec<HashMap<String, String>> {
    let seen = server.received_requests().await.expect("recording on");
    seen.iter().map(|r| r.url.query_pairs().into_owned().collect()).collect()
}

#[tokio::test]
async fn a_walk_ends_at_meta_total_though_every_page_offers_a_next_one() {
    let server = serve("/v2/droplets", Pages { key: "droplets", items: droplets(5), total: 5, last: None }).await;
    let all = client(&server.uri()).droplets().list().per_page(2).collect().await.unwrap();
    assert_eq!(all.iter().map(|d| d.id.get()).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    // Pages of 2, 2 and 1: the fifth item is the last, though page 3 links to a page 4.
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn a_walk_ends_at_the_last_page_link() {
    // `meta.total` says more than the last page holds: the last link ends the walk first.
    let server = serve("/v2/droplets", Pages { key: "droplets", items: droplets(10), total: 100, last: Some(2) }).await;
    let all = client(&server.uri()).droplets().list().per_page(2).collect().await.unwrap();
    assert_eq!(all.iter().map(|d| d.id.get()).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_walk_ends_on_an_empty_page() {
    let server = serve("/v2/droplets", Pages { key: "droplets", items: droplets(3), total: 100, last: None }).await;
    let all = client(&server.uri()).droplets().list().per_page(2).collect().await.unwrap();
    assert_eq!(all.iter().map(|d| d.id.get()).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(requests(&server).await.len(), 3, "pages of 2, 1, then the empty one");
}

#[tokio::test]
async fn a_generated_list_streams_across_three_pages_with_its_filters_on_every_request() {
    let server = serve("/v2/droplets", Pages { key: "droplets", items: droplets(6), total: 6, last: Some(3) }).await;
    let c = client(&server.uri());
    let stream = c.droplets().list().tag_name("web".to_owned()).per_page(2).stream();
    let ids: Vec<u64> = stream.map_ok(|d| d.id.get()).try_collect().await.unwrap();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6]);
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 3);
    for (n, query) in seen.iter().enumerate() {
        let expected: HashMap<String, String> =
            [("page", (n + 1).to_string()), ("per_page", "2".into()), ("tag_name", "web".into())]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
        assert_eq!(query, &expected, "request {n}");
    }
}

#[tokio::test]
async fn page_reads_one_whole_page_with_its_links_and_meta() {
    let server = serve("/v2/droplets", Pages { key: "droplets", items: droplets(5), total: 5, last: Some(3) }).await;
    let page = client(&server.uri()).droplets().list().per_page(2).page(2).await.unwrap();
    assert_eq!(page.droplets.iter().map(|d| d.id.get()).collect::<Vec<_>>(), [3, 4]);
    assert_eq!(page.meta.total, 5);
    let pages = page.links.as_ref().and_then(|l| l.pages.as_ref()).expect("the page links");
    assert_eq!(pages.last.as_deref(), Some("https://api.digitalocean.com/v2/droplets?page=3&per_page=2"));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn page_zero_and_per_page_zero_are_refused_before_sending() {
    let server = serve("/v2/droplets", Pages { key: "droplets", items: droplets(1), total: 1, last: None }).await;
    let c = client(&server.uri());
    assert!(matches!(c.droplets().list().page(0).await, Err(Error::InvalidRequest(_))));
    assert!(matches!(c.droplets().list().per_page(0).collect().await, Err(Error::InvalidRequest(_))));
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_hand_written_list_ends_at_meta_total_on_the_same_walk() {
    let server = serve("/v2/actions", Pages { key: "actions", items: actions(3), total: 3, last: None }).await;
    let all = client(&server.uri()).actions().list().per_page(2).collect().await.unwrap();
    assert_eq!(all.iter().map(|a| a.id.get()).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(requests(&server).await.len(), 2);
}
