//! The public surface as users hold it: futures that can move to another task (`Send`), resource
//! handles that are `Copy` and give futures borrowing the client rather than the handle, and
//! only the SDK's own types where the generated code's HTTP layer (progenitor's client, reqwest)
//! would otherwise show: a body that is not JSON is a [`ByteStream`], an upload takes bytes.
//! These are compile-time checks: a regression stops this file from compiling.

use std::fmt::Debug;
use std::future::IntoFuture;
use std::path::Path;

use bytes::Bytes;
use digitalocean_sdk::{ActionId, ByteStream, Client, Error, ImageId, Response};
use futures::{Stream, StreamExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn send<T: Send>(value: T) -> T {
    value
}

fn client() -> Client {
    Client::builder("dop_v1_surface_test").base_url("http://127.0.0.1:9").build().expect("a client")
}

#[test]
fn every_future_and_stream_users_get_is_send() {
    let client = client();
    let image = ImageId::new(7938269).unwrap();
    let action = ActionId::new(36805527).unwrap();
    drop(send(client.images().get(image)));
    drop(send(client.images().get_by_slug("ubuntu-24-04-x64")));
    drop(send(client.images().delete(image)));
    drop(send(client.images().update(image).name("n").into_future()));
    drop(send(client.images().create_custom("n", "https://example.com/i.img", "nyc3").into_future()));
    drop(send(client.images().list().stream()));
    drop(send(client.images().list().collect()));
    drop(send(client.images().account_transfers().offer_to_email(image, "someone@example.com")));
    drop(send(client.image_actions().convert(image)));
    drop(send(client.image_actions().transfer(image, "nyc3")));
    drop(send(client.image_actions().get(image, action)));
    drop(send(client.image_actions().list(image).stream()));
    drop(send(client.image_actions().wait(image, action).into_future()));
    drop(send(client.actions().get(action)));
    drop(send(client.actions().list().stream().boxed()));
    drop(send(client.actions().wait(action).into_stream()));
}

#[test]
fn handles_are_copy_and_their_futures_outlive_them() {
    let client = client();
    let ids = [7938269, 7555620].map(|id| ImageId::new(id).unwrap());
    // The handle is a temporary inside the closure: its futures borrow the client only.
    let gets: Vec<_> = ids.iter().map(|&id| client.images().get(id)).collect();
    assert_eq!(gets.len(), 2);
    let images = client.images();
    let (first, second) = (images, images);
    drop((first.get(ids[0]), second.get(ids[1])));
}

/// A call whose answer is a body that is not JSON: the SDK's [`ByteStream`], in a future that
/// is `Send`.
fn answers_bytes<F>(call: F) -> F
where
    F: IntoFuture<Output = Result<Response<ByteStream>, Error>>,
    F::IntoFuture: Send,
{
    call
}

/// What users may rely on of a [`ByteStream`]: a stream of `Bytes` failing with the SDK's
/// error, that can move to another task and be polled without pinning.
fn byte_stream<S: Stream<Item = Result<Bytes, Error>> + Send + Sync + Unpin + Debug>() {}

#[test]
fn bodies_that_are_not_json_and_uploads_are_named_by_the_sdk() {
    byte_stream::<ByteStream>();
    let client = client();
    let invoice = "22737513-0ea7-4206-8ceb-98a575af7681";
    drop(answers_bytes(client.billing().get_invoice_csv(invoice.into())));
    drop(answers_bytes(client.billing().get_invoice_pdf(invoice.into())));
    #[cfg(feature = "whole-api")]
    {
        let cluster: digitalocean_sdk::ClusterId = "bd5f5959-5e1e-4205-a714-a914373942af".into();
        drop(answers_bytes(client.kubernetes().get_kubeconfig(cluster.clone())));
        drop(answers_bytes(client.kubernetes().get_kubeconfig(cluster).send()));
        drop(answers_bytes(client.gradientai_platform().create_model_api_key()));
        drop(answers_bytes(client.gradientai_platform().create_model_api_key().send()));
    }
    // An upload takes bytes in memory, of any of the usual owners.
    let url = "https://storage.example.com/batch.jsonl?X-Amz-Signature=s";
    drop(send(client.batch_inference().upload_batch_file(url, "{}\n")));
    drop(send(client.batch_inference().upload_batch_file(url, b"{}\n".to_vec())));
    drop(send(client.batch_inference().upload_batch_file(url, String::from("{}\n"))));
    drop(send(client.batch_inference().upload_batch_file(url, Bytes::from_static(b"{}\n"))));
}

/// The checks above cover the operations of today; this covers every generated handle, of every
/// tag, whatever this build's features: none names progenitor's client or reqwest, whose
/// types would make each of their upgrades a breaking release of the SDK.
#[test]
fn no_generated_handle_names_the_http_layer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk/src/api/generated");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for name in ["progenitor_client", "reqwest"] {
            assert!(!text.contains(name), "{} names `{name}`", path.display());
        }
        files += 1;
    }
    assert!(files > 50, "the handles of every tag were read, not {files} files");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_read_whole_as_it_came() {
    let server = MockServer::start().await;
    let csv = "product,amount\nDroplets,12.34\n";
    let invoice = "22737513-0ea7-4206-8ceb-98a575af7681";
    Mock::given(method("GET"))
        .and(path(format!("/v2/customers/my/invoices/{invoice}/csv")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(csv, "text/csv").insert_header("x-request-id", "req-csv"))
        .mount(&server)
        .await;
    let client = tests::client(&server.uri());
    let response = client.billing().get_invoice_csv(invoice.into()).await.expect("the invoice");
    assert_eq!(response.request_id(), Some("req-csv"));
    let mut body = response.into_inner();
    let first = body.next().await.expect("a chunk").expect("read");
    assert_eq!(first, csv.as_bytes());
    assert!(body.next().await.is_none(), "read whole before the call resolved: one chunk");

    let again = client.billing().get_invoice_csv(invoice.into()).await.expect("the invoice");
    assert_eq!(again.into_inner().bytes().await.expect("read"), csv.as_bytes());
}
