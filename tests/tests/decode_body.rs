//! A response the typed client cannot decode keeps its whole body on the error, cleared of the
//! token, so that its user can read it by hand; `Display` keeps to the excerpt.

use digitalocean_sdk::{ActionId, Error, ImageId};
use serde_json::json;
use tests::{TEST_TOKEN, fixture_json};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const IMAGE: ImageId = ImageId::new(7938269).unwrap();
const ACTION: ActionId = ActionId::new(36805527).unwrap();

async fn get_error(response: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(path(format!("/v2/images/{IMAGE}/actions/{ACTION}"))).respond_with(response).mount(&server).await;
    tests::client(&server.uri()).image_actions().get(IMAGE, ACTION).await.expect_err("the call fails")
}

#[tokio::test]
async fn a_body_that_does_not_decode_comes_back_whole_and_redacted() {
    // Far past the excerpt, the token echoed by a proxy in the middle, and the end marked.
    let page = format!(
        "<html><body><h1>502 Bad Gateway</h1>{}<pre>Authorization: Bearer {TEST_TOKEN}</pre>{}<p>the end</p></body></html>",
        "x".repeat(3000),
        "y".repeat(3000)
    );
    let error = get_error(ResponseTemplate::new(200).set_body_raw(page.clone(), "text/html")).await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let body = error.body().expect("the whole body");
    assert_eq!(body, page.replace(TEST_TOKEN, "<redacted>"));
    assert!(body.ends_with("<p>the end</p></body></html>"), "{body}");
    assert!(!body.contains(TEST_TOKEN), "the token is cleared from the body");
    assert_eq!(error.body_json(), None, "HTML is not JSON");

    let shown = error.to_string();
    assert!(shown.contains("502 Bad Gateway"), "the excerpt is shown: {shown}");
    assert!(!shown.contains("the end") && shown.len() < 1000, "Display keeps to the excerpt: {shown}");
    let debug = format!("{error:?}");
    assert!(!debug.contains("the end") && !debug.contains(TEST_TOKEN), "Debug gives the body's length: {debug}");
}

#[tokio::test]
async fn a_json_body_of_the_wrong_shape_is_there_to_read_as_json() {
    let mut action = fixture_json("image_action_post_201.json");
    action["action"]["id"] = json!(format!("not a number: {TEST_TOKEN}"));
    action["action"]["extra"] = json!("kept");
    let error = get_error(ResponseTemplate::new(200).set_body_json(&action)).await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let value = error.body_json().expect("the body is JSON");
    assert_eq!(value["action"]["extra"], "kept");
    assert_eq!(value["action"]["id"], "not a number: <redacted>");
    assert_eq!(value["action"]["region_slug"], action["action"]["region_slug"]);
}

#[tokio::test]
async fn an_unexpected_status_keeps_its_body_too() {
    let error = get_error(
        ResponseTemplate::new(302)
            .insert_header("location", "https://example.com/")
            .set_body_string(format!("Moved; you sent {TEST_TOKEN}")),
    )
    .await;
    assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
    assert_eq!(error.body(), Some("Moved; you sent <redacted>"));
}

#[tokio::test]
async fn an_api_error_has_no_body_to_give() {
    let error = get_error(ResponseTemplate::new(404).set_body_json(fixture_json("error_404_not_found.json"))).await;
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.body(), None);
}
