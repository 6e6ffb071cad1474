//! The public surface as users hold it: futures that can move to another task (`Send`), resource
//! handles that are `Copy` and give futures borrowing the client rather than the handle. These
//! are compile-time checks: a regression stops this file from compiling.

use std::future::IntoFuture;

use digitalocean_sdk::{ActionId, Client, ImageId};
use futures::StreamExt;

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
