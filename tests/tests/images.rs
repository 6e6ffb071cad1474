//! The images resource: the documented payloads pinned against the generated types, and every
//! operation of `client.images()` against wiremock on loopback.

use chrono::{TimeZone, Utc};
use digitalocean_sdk::types::{
    AccountTransferAcceptance, AccountTransferCreated, AccountTransferRecipient, AccountTransferRef,
    Error as ErrorBody, ImageNewCustom, ImagePage, ImageResponse, ImageUpdate,
};
use digitalocean_sdk::{
    AccountTransfer, Distribution, Error, ImageId, ImageListType, ImageStatus, ImageType, RegionSlug, TransferId,
};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use tests::{TEST_TOKEN, client, fixture, fixture_json, only_request, with_rate_limit};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const IMAGE: ImageId = ImageId::new(7938269).unwrap();
const TRANSFER: TransferId = TransferId::new(3164444).unwrap();
const TEAM: &str = "4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf";

// ---------------------------------------------------------------------------------------------
// Documented payloads

const LIST_EXAMPLES: [(&str, usize); 6] = [
    ("images/list_all_200.json", 6),
    ("images/list_snapshots_200.json", 2),
    ("images/list_distribution_200.json", 1),
    ("images/list_custom_200.json", 1),
    ("images/list_application_200.json", 1),
    ("images/list_tagged_200.json", 1),
];

/// `value` without the object keys whose value is null: an optional field the API sends as
/// null decodes as `None` and is left out when encoded again, which means the same.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(m) => {
            Value::Object(m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

#[test]
fn each_list_example_decodes_and_reencodes() {
    for (file, count) in LIST_EXAMPLES {
        let original = fixture_json(file);
        let page: ImagePage = serde_json::from_value(original.clone()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(page.images.len(), count, "{file}");
        assert_eq!(page.meta.total, count as i64, "{file}");
        let pages = page.links.as_ref().and_then(|l| l.pages.as_ref()).expect("links.pages");
        assert_eq!((pages.next.as_ref(), pages.last.as_ref()), (None, None), "{file}: a single page");
        for image in &page.images {
            assert!(image.created_at.datetime().is_some(), "{file}: an RFC 3339 instant");
            assert_eq!(image.status, Some(ImageStatus::Available), "{file}");
            assert!(image.type_.as_ref().is_some_and(|t| t.is_known()), "{file}");
            assert!(image.distribution.as_ref().is_some_and(|d| d.is_known()), "{file}");
        }
        assert_eq!(serde_json::to_value(&page).unwrap(), without_nulls(&original), "{file}");
    }
}

#[test]
fn list_all_example_field_by_field() {
    let page: ImagePage = serde_json::from_str(&fixture("images/list_all_200.json")).unwrap();
    let first = &page.images[0];
    assert_eq!(first.id.get(), 7555620);
    assert_eq!(first.name, "Nifty New Snapshot");
    assert_eq!(first.distribution, Some(Distribution::Ubuntu));
    assert_eq!(first.slug, None);
    assert_eq!(first.public, Some(false));
    assert_eq!(first.regions, [RegionSlug::Nyc2, RegionSlug::Nyc3]);
    assert_eq!(first.created_at, Utc.with_ymd_and_hms(2014, 11, 4, 22, 23, 2).unwrap());
    assert_eq!(first.type_, Some(ImageType::Snapshot));
    assert_eq!(first.min_disk_size, Some(20));
    assert_eq!(first.size_gigabytes, Some(2.34));
    assert_eq!(first.description.as_deref(), Some(""));
    assert_eq!(first.tags.as_deref(), Some(&[][..]));
    assert_eq!(first.error_message.as_deref(), Some(""));

    let public = &page.images[2];
    assert_eq!(public.slug.as_deref(), Some("ubuntu-20-04-x64"));
    assert_eq!(public.public, Some(true));
    assert_eq!(public.size_gigabytes, Some(2.36));
    let custom = &page.images[3];
    assert_eq!(
        (custom.type_.clone(), custom.distribution.clone()),
        (Some(ImageType::Custom), Some(Distribution::ArchLinux))
    );
    let names: Vec<_> = page.images.iter().map(|i| i.distribution.clone().unwrap()).collect();
    assert_eq!(
        names,
        [
            Distribution::Ubuntu,
            Distribution::Ubuntu,
            Distribution::Ubuntu,
            Distribution::ArchLinux,
            Distribution::Fedora,
            Distribution::CentOs
        ]
    );
    assert_eq!(page.images[5].tags.as_deref(), Some(&["simple-image".to_owned()][..]));
}

#[test]
fn get_example_decodes_with_its_unlisted_region() {
    let original = fixture_json("images/get_200.json");
    let got: ImageResponse = serde_json::from_value(original.clone()).unwrap();
    let image = &got.image;
    assert_eq!(image.id.get(), 6918990);
    assert_eq!(image.name, "14.04 x64");
    assert_eq!(image.slug.as_deref(), Some("ubuntu-16-04-x64"));
    // The example has no `type`: it must stay optional.
    assert_eq!(image.type_, None);
    assert_eq!(image.regions.len(), 10);
    // `ams1` is in no list of region slugs; the open enum keeps it.
    assert_eq!(image.regions[1], RegionSlug::Unknown("ams1".into()));
    assert_eq!(image.regions[0], RegionSlug::Nyc1);
    assert_eq!(image.created_at, Utc.with_ymd_and_hms(2014, 10, 17, 20, 24, 33).unwrap());
    assert_eq!(serde_json::to_value(&got).unwrap(), original);
}

#[test]
fn update_example_decodes() {
    let original = fixture_json("images/update_200.json");
    let got: ImageResponse = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(got.image.id.get(), 7938391);
    assert_eq!(got.image.name, "new-image-name");
    assert_eq!(got.image.slug, None);
    assert_eq!(got.image.regions, [RegionSlug::Nyc3, RegionSlug::Nyc3]);
    assert_eq!(serde_json::to_value(&got).unwrap(), without_nulls(&original));
}

#[test]
fn create_custom_example_decodes_with_its_missing_fields() {
    let original = fixture_json("images/create_custom_202.json");
    let got: ImageResponse = serde_json::from_value(original.clone()).unwrap();
    let image = &got.image;
    assert_eq!(image.id.get(), 38413969);
    assert_eq!(image.status, Some(ImageStatus::New));
    assert_eq!(image.type_, Some(ImageType::Custom));
    assert!(image.regions.is_empty());
    assert_eq!(image.tags.as_deref(), Some(&["base-image".to_owned(), "prod".to_owned()][..]));
    // No slug, public flag or sizes in a just-imported image.
    assert_eq!(
        (image.slug.as_ref(), image.public, image.min_disk_size, image.size_gigabytes),
        (None, None, None, None)
    );
    assert_eq!(serde_json::to_value(&got).unwrap(), original);
}

#[test]
fn create_custom_request_example_is_what_the_builder_sends() {
    let documented = fixture_json("images/create_custom_request.json");
    let decoded: ImageNewCustom = serde_json::from_value(documented.clone()).unwrap();
    assert_eq!(decoded.region, RegionSlug::Nyc3);
    assert_eq!(decoded.distribution, Some(Distribution::Ubuntu));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), documented);

    let c = client("http://127.0.0.1:9");
    let built = c
        .images()
        .create_custom(
            "ubuntu-18.04-minimal",
            "http://cloud-images.ubuntu.com/minimal/releases/bionic/release/ubuntu-18.04-minimal-cloudimg-amd64.img",
            "nyc3",
        )
        .distribution("Ubuntu")
        .description("Cloud-optimized image w/ small footprint")
        .tags(["base-image", "prod"]);
    assert_eq!(built.body(), &decoded);
}

#[test]
fn request_bodies_encode_as_documented() {
    let update = ImageUpdate { name: Some("new-image-name".into()), ..Default::default() };
    assert_eq!(serde_json::to_value(&update).unwrap(), fixture_json("images/update_request.json"));

    let email = AccountTransferRecipient::RecipientEmail("alice@example.com".into());
    let team = AccountTransferRecipient::RecipientUuid(TEAM.into());
    for (body, file) in [
        (&email, "images/account_transfer_create_request_email.json"),
        (&team, "images/account_transfer_create_request_team.json"),
    ] {
        let documented = fixture_json(file);
        assert_eq!(&serde_json::to_value(body).unwrap(), &documented, "{file}");
        assert_eq!(&serde_json::from_value::<AccountTransferRecipient>(documented).unwrap(), body, "{file}");
    }

    let accept = AccountTransferAcceptance { transfer_id: TRANSFER.get() as i64, recipient_uuid: TEAM.into() };
    assert_eq!(serde_json::to_value(&accept).unwrap(), fixture_json("images/account_transfer_accept_request.json"));
    let by_id = AccountTransferRef { transfer_id: TRANSFER.get() as i64 };
    assert_eq!(serde_json::to_value(&by_id).unwrap(), fixture_json("images/account_transfer_cancel_request.json"));
    assert_eq!(serde_json::to_value(&by_id).unwrap(), fixture_json("images/account_transfer_decline_request.json"));
}

#[test]
fn a_recipient_is_exactly_one_of_email_or_team() {
    let both = json!({"recipient_email": "alice@example.com", "recipient_uuid": TEAM});
    assert!(serde_json::from_value::<AccountTransferRecipient>(both).is_err());
    assert!(serde_json::from_value::<AccountTransferRecipient>(json!({})).is_err());
}

#[test]
fn account_transfer_example_decodes() {
    let original = fixture_json("images/account_transfer_create_201.json");
    let created: AccountTransferCreated = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(created.transfer_id, 3164444);
    assert_eq!(serde_json::to_value(&created).unwrap(), original);
    // Any integer decodes (the type checks shape, not range); the handle judges it.
    assert_eq!(serde_json::from_value::<AccountTransferCreated>(json!({"transfer_id": -1})).unwrap().transfer_id, -1);
}

#[test]
fn bad_request_example_decodes() {
    let body: ErrorBody = serde_json::from_str(&fixture("images/error_400_bad_request.json")).unwrap();
    assert_eq!(body.id, "bad_request");
    assert_eq!(body.message, "error parsing request body");
    assert_eq!(body.request_id.as_deref(), Some("4851a473-1621-42ea-b2f9-5071c0ea8414"));
}

#[test]
fn image_enums_stay_open() {
    let mut v = fixture_json("images/get_200.json");
    v["image"]["type"] = json!("golden");
    v["image"]["status"] = json!("archived");
    v["image"]["distribution"] = json!("Alpine");
    let got: ImageResponse = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(got.image.type_, Some(ImageType::Unknown("golden".into())));
    assert_eq!(got.image.status, Some(ImageStatus::Unknown("archived".into())));
    assert_eq!(got.image.distribution, Some(Distribution::UnknownValue("Alpine".into())));
    assert_eq!(serde_json::to_value(&got).unwrap(), v);
    // `Unknown` is one of the documented distributions, not the open arm.
    assert_eq!(Distribution::from("Unknown"), Distribution::Unknown);
    assert_eq!(ImageListType::from("application"), ImageListType::Application);
}

/// The fixtures are the upstream examples, value for value. Needs the upstream spec
/// (`DO_UPSTREAM_SPEC`, its `specification/` folder); see [`tests::upstream_spec`].
#[test]
fn fixtures_are_the_upstream_examples() {
    let Some(root) = tests::upstream_spec() else { return };
    let yaml = |file: &str| -> Value {
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    let example = |file: &str| yaml(file)["content"]["application/json"]["example"].clone();
    // The request bodies upstream documents only in its curl samples: the JSON after `-d '`.
    let curl_bodies = |file: &str| -> Vec<Value> {
        let source = yaml(file)["source"].as_str().expect("a curl sample").to_owned();
        source
            .split("-d '")
            .skip(1)
            .map(|rest| serde_json::from_str(rest.split('\'').next().unwrap()).expect("JSON body"))
            .collect()
    };
    let examples = yaml("resources/images/responses/examples.yml");
    let cases: Vec<(&str, Value)> = vec![
        ("images/list_all_200.json", examples["images_all"]["value"].clone()),
        ("images/list_snapshots_200.json", examples["images_snapshots"]["value"].clone()),
        ("images/list_distribution_200.json", examples["images_distribution"]["value"].clone()),
        ("images/list_custom_200.json", examples["images_custom"]["value"].clone()),
        ("images/list_application_200.json", examples["images_application"]["value"].clone()),
        ("images/list_tagged_200.json", examples["images_tagged"]["value"].clone()),
        ("images/get_200.json", example("resources/images/responses/existing_image.yml")),
        ("images/update_200.json", example("resources/images/responses/updated_image.yml")),
        ("images/create_custom_202.json", example("resources/images/responses/new_custom_image.yml")),
        ("images/create_custom_request.json", yaml("resources/images/models/image_new_custom.yml")["example"].clone()),
        (
            "images/account_transfer_create_201.json",
            example("resources/images/responses/images_post_account_transfer_created.yml"),
        ),
        ("images/error_400_bad_request.json", example("shared/responses/bad_request.yml")),
        ("images/update_request.json", curl_bodies("resources/images/examples/curl/images_update.yml")[0].clone()),
        (
            "images/account_transfer_create_request_email.json",
            curl_bodies("resources/images/examples/curl/images_post_account_transfer_create.yml")[0].clone(),
        ),
        (
            "images/account_transfer_create_request_team.json",
            curl_bodies("resources/images/examples/curl/images_post_account_transfer_create.yml")[1].clone(),
        ),
        (
            "images/account_transfer_accept_request.json",
            curl_bodies("resources/images/examples/curl/images_post_account_transfer_accept.yml")[0].clone(),
        ),
        (
            "images/account_transfer_cancel_request.json",
            curl_bodies("resources/images/examples/curl/images_post_account_transfer_cancel.yml")[0].clone(),
        ),
        (
            "images/account_transfer_decline_request.json",
            curl_bodies("resources/images/examples/curl/images_post_account_transfer_decline.yml")[0].clone(),
        ),
    ];
    for (file, upstream) in cases {
        assert!(!upstream.is_null(), "{file}: no upstream example found");
        assert_eq!(fixture_json(file), upstream, "{file} differs from the upstream example");
    }
}

// ---------------------------------------------------------------------------------------------
// Operations on the wire

fn sorted_query(r: &Request) -> Vec<(String, String)> {
    let mut query: Vec<(String, String)> = r.url.query_pairs().into_owned().collect();
    query.sort();
    query
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn json_body(r: &Request) -> Value {
    assert_eq!(r.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/json"));
    serde_json::from_slice(&r.body).expect("a JSON body")
}

fn assert_auth(r: &Request) {
    let auth = r.headers.get("authorization").and_then(|v| v.to_str().ok());
    assert_eq!(auth, Some(format!("Bearer {TEST_TOKEN}").as_str()));
}

#[tokio::test]
async fn list_sends_every_filter_and_decodes_the_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/images"))
        .respond_with(with_rate_limit(
            ResponseTemplate::new(200).set_body_json(fixture_json("images/list_tagged_200.json")),
        ))
        .mount(&server)
        .await;
    let page = client(&server.uri())
        .images()
        .list()
        .type_(ImageListType::Distribution)
        .private(true)
        .tag_name("base-image")
        .per_page(2)
        .page(3)
        .await
        .unwrap();
    assert_eq!(page.images[0].name, "A simple tagged image");
    assert_eq!(page.rate_limit().map(|r| r.remaining), Some(4321));
    let r = only_request(&server).await;
    assert_auth(&r);
    assert_eq!(r.method.as_str(), "GET");
    assert!(r.body.is_empty());
    assert_eq!(
        sorted_query(&r),
        pairs(&[
            ("page", "3"),
            ("per_page", "2"),
            ("private", "true"),
            ("tag_name", "base-image"),
            ("type", "distribution")
        ])
    );
}

#[tokio::test]
async fn list_without_filters_sends_only_the_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/images"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("images/list_all_200.json")))
        .mount(&server)
        .await;
    let all = client(&server.uri()).images().list().type_("application").collect().await.unwrap();
    assert_eq!(all.len(), 6);
    assert_eq!(sorted_query(&only_request(&server).await), pairs(&[("page", "1"), ("type", "application")]));
}

fn image_named(id: u64, name: &str) -> Value {
    let mut image = fixture_json("images/get_200.json")["image"].clone();
    image["id"] = json!(id);
    image["name"] = json!(name);
    image
}

/// Three pages, each linking to the next but the last: the stream reads them in order, sends
/// the filters with every page, and stops after the third.
#[tokio::test]
async fn stream_follows_three_pages_and_stops() {
    let server = MockServer::start().await;
    let base = server.uri();
    for n in 1..=3u64 {
        let mut pages = json!({"first": format!("{base}/v2/images?page=1&per_page=2"), "last": format!("{base}/v2/images?page=3&per_page=2")});
        if n < 3 {
            pages["next"] = json!(format!("{base}/v2/images?page={}&per_page=2", n + 1));
        }
        if n > 1 {
            pages["prev"] = json!(format!("{base}/v2/images?page={}&per_page=2", n - 1));
        }
        let images: Vec<Value> =
            (0..if n < 3 { 2 } else { 1 }).map(|i| image_named(100 + 2 * n + i, &format!("image {n}.{i}"))).collect();
        Mock::given(method("GET"))
            .and(path("/v2/images"))
            .and(query_param("page", n.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "images": images, "links": {"pages": pages}, "meta": {"total": 5}
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let names: Vec<String> = client(&base)
        .images()
        .list()
        .private(true)
        .per_page(2)
        .stream()
        .map_ok(|image| image.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["image 1.0", "image 1.1", "image 2.0", "image 2.1", "image 3.0"]);
    let requests = server.received_requests().await.unwrap();
    let queries: Vec<_> = requests.iter().map(sorted_query).collect();
    let expected: Vec<_> = (1..=3)
        .map(|n| {
            let n = n.to_string();
            pairs(&[("page", &n), ("per_page", "2"), ("private", "true")])
        })
        .collect();
    assert_eq!(queries, expected);
}

/// Reading only the first items of a long list fetches only the pages they are on.
#[tokio::test]
async fn stream_fetches_lazily() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/images"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "images": [image_named(1, "a"), image_named(2, "b")],
            "links": {"pages": {"next": "http://127.0.0.1/v2/images?page=2"}},
            "meta": {"total": 1000}
        })))
        .mount(&server)
        .await;
    let first: Vec<_> = client(&server.uri()).images().list().stream().take(2).try_collect().await.unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn paging_arguments_are_checked_before_sending() {
    let server = MockServer::start().await;
    let c = client(&server.uri());
    assert!(matches!(c.images().list().page(0).await, Err(Error::InvalidRequest(_))));
    assert!(matches!(c.images().list().per_page(0).page(1).await, Err(Error::InvalidRequest(_))));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn get_reads_by_id_and_by_slug() {
    let server = MockServer::start().await;
    let body = fixture_json("images/get_200.json");
    Mock::given(method("GET"))
        .and(path("/v2/images/7938269"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/images/ubuntu-16-04-x64"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let by_id = c.images().get(IMAGE).await.unwrap();
    let by_slug = c.images().get_by_slug("ubuntu-16-04-x64").await.unwrap();
    assert_eq!(by_id.id.get(), 6918990);
    assert_eq!(by_id.into_inner(), by_slug.into_inner());
    for r in server.received_requests().await.unwrap() {
        assert_eq!(r.method.as_str(), "GET");
        assert!(r.body.is_empty() && r.url.query().is_none());
    }
}

#[tokio::test]
async fn a_slug_that_would_leave_the_image_route_is_refused_unsent() {
    let server = MockServer::start().await;
    let c = client(&server.uri());
    for slug in ["", ".", "..", "a/b", "../actions", "ubuntu 20", "x?y", "é"] {
        let err = c.images().get_by_slug(slug).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{slug:?}: {err:?}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn create_custom_posts_the_documented_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/images"))
        .respond_with(ResponseTemplate::new(202).set_body_json(fixture_json("images/create_custom_202.json")))
        .mount(&server)
        .await;
    let image = client(&server.uri())
        .images()
        .create_custom(
            "ubuntu-18.04-minimal",
            "http://cloud-images.ubuntu.com/minimal/releases/bionic/release/ubuntu-18.04-minimal-cloudimg-amd64.img",
            RegionSlug::Nyc3,
        )
        .distribution(Distribution::Ubuntu)
        .description("Cloud-optimized image w/ small footprint")
        .tags(["base-image", "prod"])
        .await
        .unwrap();
    assert_eq!(image.http_status().as_u16(), 202);
    assert_eq!(image.status, Some(ImageStatus::New));
    assert_eq!(image.id.get(), 38413969);
    let r = only_request(&server).await;
    assert_auth(&r);
    assert_eq!(json_body(&r), fixture_json("images/create_custom_request.json"));
}

#[tokio::test]
async fn create_custom_sends_only_what_was_set() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).set_body_json(fixture_json("images/create_custom_202.json")))
        .mount(&server)
        .await;
    client(&server.uri()).images().create_custom("n", "https://example.com/i.img", "atl1").await.unwrap();
    let r = only_request(&server).await;
    assert_eq!(json_body(&r), json!({"name": "n", "url": "https://example.com/i.img", "region": "atl1"}));
}

#[tokio::test]
async fn update_puts_the_changed_fields() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/v2/images/7938391"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("images/update_200.json")))
        .mount(&server)
        .await;
    let id = ImageId::new(7938391).unwrap();
    let image = client(&server.uri()).images().update(id).name("new-image-name").await.unwrap();
    assert_eq!(image.name, "new-image-name");
    let r = only_request(&server).await;
    assert_auth(&r);
    assert_eq!(json_body(&r), fixture_json("images/update_request.json"));
}

#[tokio::test]
async fn update_sends_description_and_distribution() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("images/update_200.json")))
        .mount(&server)
        .await;
    client(&server.uri()).images().update(IMAGE).description("d").distribution("Rocky Linux").await.unwrap();
    assert_eq!(json_body(&only_request(&server).await), json!({"description": "d", "distribution": "Rocky Linux"}));
}

#[tokio::test]
async fn an_update_that_changes_nothing_is_refused_unsent() {
    let server = MockServer::start().await;
    let err = client(&server.uri()).images().update(IMAGE).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn delete_sends_a_bodiless_delete() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v2/images/7938269"))
        .respond_with(with_rate_limit(ResponseTemplate::new(204)))
        .mount(&server)
        .await;
    let done = client(&server.uri()).images().delete(IMAGE).await.unwrap();
    assert_eq!(done.http_status().as_u16(), 204);
    assert_eq!(done.rate_limit().map(|r| r.limit), Some(5000));
    let r = only_request(&server).await;
    assert_auth(&r);
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn offering_a_transfer_reports_pending_or_accepted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/images/7938269/account_transfer"))
        .and(wiremock::matchers::body_json(fixture_json("images/account_transfer_create_request_email.json")))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture_json("images/account_transfer_create_201.json")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/images/7938269/account_transfer"))
        .and(wiremock::matchers::body_json(fixture_json("images/account_transfer_create_request_team.json")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"transfer_id": 0})))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let transfers = c.images().account_transfers();
    let pending = transfers.offer_to_email(IMAGE, "alice@example.com").await.unwrap();
    assert_eq!(*pending, AccountTransfer::Pending(TRANSFER));
    assert_eq!(pending.id(), Some(TRANSFER));
    let accepted = transfers.offer_to_team(IMAGE, TEAM).await.unwrap();
    assert_eq!(*accepted, AccountTransfer::Accepted);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_negative_transfer_id_is_a_decode_error_naming_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/images/7938269/account_transfer"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"transfer_id": -4})).insert_header("x-request-id", "req-4"),
        )
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let err = c.images().account_transfers().offer_to_team(IMAGE, TEAM).await.unwrap_err();
    let Error::Decode { status, request_id, path, reason, .. } = &err else { panic!("{err:?}") };
    assert_eq!(status.map(|s| s.as_u16()), Some(201));
    assert_eq!(request_id.as_deref(), Some("req-4"));
    assert_eq!(path.as_deref(), Some("transfer_id"));
    assert!(reason.contains("-4"), "{reason}");
}

#[tokio::test]
async fn an_empty_recipient_is_refused_unsent() {
    let server = MockServer::start().await;
    let c = client(&server.uri());
    let transfers = c.images().account_transfers();
    assert!(matches!(transfers.offer_to_email(IMAGE, "").await, Err(Error::InvalidRequest(_))));
    assert!(matches!(transfers.offer_to_team(IMAGE, "  ").await, Err(Error::InvalidRequest(_))));
    assert!(matches!(transfers.accept(IMAGE, TRANSFER, "").await, Err(Error::InvalidRequest(_))));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn accept_cancel_and_decline_post_the_documented_bodies() {
    let server = MockServer::start().await;
    for (route, status) in [("accept", 201), ("cancel", 204), ("decline", 204)] {
        Mock::given(method("POST"))
            .and(path(format!("/v2/images/7938269/account_transfer/{route}")))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = client(&server.uri());
    let transfers = c.images().account_transfers();
    assert_eq!(transfers.accept(IMAGE, TRANSFER, TEAM).await.unwrap().http_status().as_u16(), 201);
    assert_eq!(transfers.cancel(IMAGE, TRANSFER).await.unwrap().http_status().as_u16(), 204);
    assert_eq!(transfers.decline(IMAGE, TRANSFER).await.unwrap().http_status().as_u16(), 204);
    let requests = server.received_requests().await.unwrap();
    let bodies: Vec<_> = requests.iter().map(json_body).collect();
    assert_eq!(
        bodies,
        [
            fixture_json("images/account_transfer_accept_request.json"),
            fixture_json("images/account_transfer_cancel_request.json"),
            fixture_json("images/account_transfer_decline_request.json"),
        ]
    );
}

/// Every operation turns an error status into `Error::Api` with the body's id and message.
#[tokio::test]
async fn every_operation_reports_errors_typed() {
    let server = MockServer::start().await;
    let body = fixture_json("images/error_400_bad_request.json");
    Mock::given(wiremock::matchers::any())
        .respond_with(with_rate_limit(ResponseTemplate::new(400).set_body_json(&body)))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let images = c.images();
    let transfers = images.account_transfers();
    let results: Vec<(&str, Error)> = vec![
        ("list", images.list().page(1).await.unwrap_err()),
        ("stream", images.list().collect().await.unwrap_err()),
        ("get", images.get(IMAGE).await.unwrap_err()),
        ("get_by_slug", images.get_by_slug("ubuntu-20-04-x64").await.unwrap_err()),
        ("create_custom", images.create_custom("n", "https://example.com/i.img", "nyc3").await.unwrap_err()),
        ("update", images.update(IMAGE).name("x").await.unwrap_err()),
        ("delete", images.delete(IMAGE).await.unwrap_err()),
        ("offer", transfers.offer_to_email(IMAGE, "alice@example.com").await.unwrap_err()),
        ("accept", transfers.accept(IMAGE, TRANSFER, TEAM).await.unwrap_err()),
        ("cancel", transfers.cancel(IMAGE, TRANSFER).await.unwrap_err()),
        ("decline", transfers.decline(IMAGE, TRANSFER).await.unwrap_err()),
    ];
    for (op, err) in results {
        let Error::Api(api) = &err else { panic!("{op}: not an API error: {err:?}") };
        assert_eq!(api.status.as_u16(), 400, "{op}");
        assert_eq!((api.id.as_str(), api.message.as_str()), ("bad_request", "error parsing request body"), "{op}");
        assert_eq!(api.request_id.as_deref(), Some("4851a473-1621-42ea-b2f9-5071c0ea8414"), "{op}");
        assert!(!format!("{err} {err:?}").contains(TEST_TOKEN), "{op}");
    }
}

#[tokio::test]
async fn not_found_is_typed_for_a_missing_image() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(with_rate_limit(
            ResponseTemplate::new(404).set_body_json(fixture_json("error_404_not_found.json")),
        ))
        .mount(&server)
        .await;
    let err = client(&server.uri()).images().get(IMAGE).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.request_id(), Some("req-from-header"));
}
