//! Typed ids: a droplet's id, an image's, an action's and a transfer's are different types, so
//! passing one where another belongs does not compile.
//!
//! `cargo xtask generate` writes a newtype for every integer id the API's paths take
//! (`droplet_id` gives [`DropletId`]) into `types-core/src/generated/ids.rs` (beside the types
//! that name them), each a call of `id_type!`; the handles take them and the resources' ids
//! are them:
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

// The ids live beside the generated types (`digitalocean-sdk-types-core`), which name them.
pub use digitalocean_sdk_types_core::ids::*;
