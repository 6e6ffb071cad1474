//! The documented example payloads, pinned against the generated types.

use chrono::{TimeZone, Utc};
use digitalocean_sdk::types::{ActionResponse, Error as ErrorBody, ImageAction};
use digitalocean_sdk::{ActionStatus, RegionSlug};
use tests::{fixture, fixture_json};

#[test]
fn success_example_decodes_field_by_field() {
    let response: ActionResponse = serde_json::from_str(&fixture("image_action_post_201.json")).unwrap();
    let a = &response.action;
    assert_eq!(a.id.get(), 36805527);
    assert_eq!(a.status, ActionStatus::InProgress);
    assert_eq!(a.type_, "transfer");
    assert_eq!(a.started_at, Utc.with_ymd_and_hms(2014, 11, 14, 16, 42, 45).unwrap());
    assert_eq!(a.completed_at, None);
    assert_eq!(a.resource_id, Some(7938269));
    assert_eq!(a.resource_type, "image");
    assert_eq!(a.region_slug.as_deref(), Some("nyc3"));
    let region = a.region.as_ref().expect("region");
    assert_eq!(region.name, "New York 3");
    assert_eq!(region.slug, "nyc3");
    assert!(region.available);
    assert_eq!(region.sizes.len(), 15);
    assert_eq!(region.sizes.first().map(String::as_str), Some("s-1vcpu-3gb"));
    assert_eq!(region.sizes.last().map(String::as_str), Some("s-24vcpu-128gb"));
    assert_eq!(
        region.features,
        [
            "private_networking",
            "backups",
            "ipv6",
            "metadata",
            "server_id",
            "install_agent",
            "storage",
            "image_transfer"
        ]
    );
}

#[test]
fn success_example_reencodes_to_the_same_json() {
    let original = fixture_json("image_action_post_201.json");
    let decoded: ActionResponse = serde_json::from_value(original.clone()).unwrap();
    let reencoded = serde_json::to_value(&decoded).unwrap();
    assert_eq!(reencoded, original);
    assert_eq!(reencoded["action"]["completed_at"], serde_json::Value::Null);
}

#[test]
fn each_error_example_decodes() {
    let cases = [
        ("error_401_unauthorized.json", "unauthorized", "Unable to authenticate you."),
        ("error_404_not_found.json", "not_found", "The resource you requested could not be found."),
        ("error_429_too_many_requests.json", "too_many_requests", "API Rate limit exceeded."),
        ("error_500_server_error.json", "server_error", "Unexpected server-side error"),
        ("error_default_unexpected.json", "example_error", "some error message"),
    ];
    for (file, id, message) in cases {
        let body: ErrorBody = serde_json::from_str(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(body.id, id, "{file}");
        assert_eq!(body.message, message, "{file}");
        assert_eq!(body.request_id, None, "{file}");
    }
}

#[test]
fn request_bodies_encode_exactly() {
    assert_eq!(serde_json::to_string(&ImageAction::Convert).unwrap(), r#"{"type":"convert"}"#);
    assert_eq!(
        serde_json::to_string(&ImageAction::Transfer(RegionSlug::Nyc3)).unwrap(),
        r#"{"type":"transfer","region":"nyc3"}"#
    );
    assert_eq!(serde_json::to_value(ImageAction::Convert).unwrap(), fixture_json("request_convert.json"));
    assert_eq!(
        serde_json::to_value(ImageAction::Transfer("nyc3".into())).unwrap(),
        fixture_json("request_transfer.json")
    );
}

#[test]
fn a_transfer_without_region_does_not_decode() {
    assert!(serde_json::from_str::<ImageAction>(r#"{"type":"transfer"}"#).is_err());
    assert_eq!(
        serde_json::from_str::<ImageAction>(r#"{"type":"transfer","region":"atl1"}"#).unwrap(),
        ImageAction::Transfer(RegionSlug::Atl1)
    );
}

#[test]
fn unknown_values_stay_open() {
    let mut v = fixture_json("image_action_post_201.json");
    v["action"]["status"] = "paused".into();
    v["action"]["type"] = "teleport".into();
    v["action"]["brand_new_field"] = serde_json::json!({"x": 1});
    let decoded: ActionResponse = serde_json::from_value(v).unwrap();
    assert_eq!(decoded.action.status, ActionStatus::Unknown("paused".into()));
    assert_eq!(decoded.action.status.to_string(), "paused");
    assert_eq!(decoded.action.type_, "teleport");
    let region: RegionSlug = "mars1".parse().unwrap();
    assert_eq!(
        serde_json::to_string(&ImageAction::Transfer(region)).unwrap(),
        r#"{"type":"transfer","region":"mars1"}"#
    );
}
