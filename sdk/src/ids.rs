//! Typed ids: a droplet's id, an image's, an action's, a VPC's and a transfer's are different
//! types, so passing one where another belongs does not compile.
//!
//! `cargo xtask generate` writes a newtype for every id the API's paths take (`droplet_id`
//! gives [`DropletId`], `vpc_id` gives [`VpcId`], `knowledge_base_uuid` gives
//! [`KnowledgeBaseUuid`]) into `types-core/src/generated/ids.rs` (beside the types that name
//! them); the handles take them and the resources' ids are them.
//!
//! - An integer id (5 today) is `Copy`, displays as its digits, and is built with `new`, which
//!   refuses 0. It decodes whatever integer the API sends, a `0` included: one odd id never
//!   loses a response.
//! - A text id (65 today: UUIDs, names) holds the text as the API gives it: any string decodes
//!   and is sent back unchanged, nothing checks that a UUID is one. Build it with `From`
//!   (`VpcId::from("5a4981aa-...")`, `"...".into()`) and read it with `as_str()`.
//!
//! The image-actions calls, with integer ids:
//!
//! ```no_run
//! # async fn demo(client: digitalocean_sdk::Client) -> Result<(), digitalocean_sdk::Error> {
//! let image = digitalocean_sdk::ImageId::new(7938269).expect("a positive id");
//! let action = client.image_actions().convert(image).await?;
//! client.image_actions().get(image, action.id).await?;
//! # Ok(())
//! # }
//! ```
//!
//! The same call with the two ids swapped does not compile:
//!
//! ```compile_fail
//! # async fn demo(client: digitalocean_sdk::Client) -> Result<(), digitalocean_sdk::Error> {
//! let image = digitalocean_sdk::ImageId::new(7938269).expect("a positive id");
//! let action = client.image_actions().convert(image).await?;
//! client.image_actions().get(action.id, image).await?;
//! # Ok(())
//! # }
//! ```
//!
//! Nor does a droplet's handle take an image's id (with the `droplets` feature, where the
//! handle exists):
#![cfg_attr(feature = "droplets", doc = "```compile_fail")]
#![cfg_attr(not(feature = "droplets"), doc = "```ignore")]
//! # async fn demo(client: digitalocean_sdk::Client) -> Result<(), digitalocean_sdk::Error> {
//! let image = digitalocean_sdk::ImageId::new(7938269).expect("a positive id");
//! client.droplets().get(image).await?;
//! # Ok(())
//! # }
//! ```
//!
//! while its own id does:
#![cfg_attr(feature = "droplets", doc = "```no_run")]
#![cfg_attr(not(feature = "droplets"), doc = "```ignore")]
//! # async fn demo(client: digitalocean_sdk::Client) -> Result<(), digitalocean_sdk::Error> {
//! let droplet = digitalocean_sdk::DropletId::new(3164444).expect("a positive id");
//! let droplet = client.droplets().get(droplet).await?;
//! client.droplets().get(droplet.id).await?;
//! # Ok(())
//! # }
//! ```

//!
//! A text id is typed the same way (with the `vpcs` feature):
#![cfg_attr(feature = "vpcs", doc = "```no_run")]
#![cfg_attr(not(feature = "vpcs"), doc = "```ignore")]
//! # async fn demo(client: digitalocean_sdk::Client) -> Result<(), digitalocean_sdk::Error> {
//! let vpc = digitalocean_sdk::VpcId::from("5a4981aa-9653-4bd1-bef5-d6bff52042e4");
//! let vpc = client.vpcs().get(vpc).await?;
//! if let Some(id) = &vpc.id {
//!     println!("{} is {}", id.as_str(), vpc.name.as_deref().unwrap_or("unnamed"));
//! }
//! # Ok(())
//! # }
//! ```
//!
//! and a droplet's id does not go where a VPC's belongs:
#![cfg_attr(feature = "vpcs", doc = "```compile_fail")]
#![cfg_attr(not(feature = "vpcs"), doc = "```ignore")]
//! # async fn demo(client: digitalocean_sdk::Client) -> Result<(), digitalocean_sdk::Error> {
//! let droplet = digitalocean_sdk::DropletId::new(3164444).expect("a positive id");
//! client.vpcs().get(droplet).await?;
//! # Ok(())
//! # }
//! ```

// The ids live beside the generated types (`digitalocean-sdk-types-core`), which name them.
pub use digitalocean_sdk_types_core::ids::*;
