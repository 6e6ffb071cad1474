//! `client.images()` is generated (delete); what the spec cannot say is written here, on the
//! same handle: list with filters taken as anything that converts, get by id or by a public
//! image's slug (checked before it is sent), import a custom image with its required fields as
//! arguments, update field by field, and hand an image over to another account.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use futures_util::stream::{Stream, TryStreamExt};

use crate::Client;
use crate::api::account_transfers::AccountTransfers;
use crate::api::generated::Images;
use crate::api::paging::{self, PagedList};
use crate::call::call;
use crate::error::Error;
use crate::ids::ImageId;
use crate::response::Response;
use crate::types::{Distribution, Image, ImageListType, ImageNewCustom, ImagePage, ImageUpdate, RegionSlug};

impl<'a> Images<'a> {
    /// Lists the images the account can use, public ones included: a [`ListImages`] to narrow
    /// with filters, then stream, collect, or read page by page.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), digitalocean_sdk::Error> {
    /// let client = digitalocean_sdk::Client::from_env()?;
    /// let mine = client.images().list().private(true).tag_name("base-image").collect().await?;
    /// for image in &mine {
    ///     println!("{} {} in {:?}", image.id, image.name, image.regions);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(self) -> ListImages<'a> {
        ListImages { client: self.client, type_: None, private: None, tag_name: None, per_page: None }
    }

    /// Reads one image by id.
    pub async fn get(self, image: ImageId) -> Result<Response<Image>, Error> {
        Ok(call(self.client, self.client.generated().images_get().image_id(image)).await?.map(|r| r.image))
    }

    /// Reads a public image by its slug, such as `ubuntu-20-04-x64`. Private images have no
    /// slug; read them with [`get`](Self::get).
    ///
    /// A slug is made of ASCII letters, digits, `-`, `_` and `.`; anything else (an empty
    /// string, a `/`, a lone `..`) is refused with [`Error::InvalidRequest`] before a request
    /// is sent, since it would address another route than the image.
    pub async fn get_by_slug(self, slug: &str) -> Result<Response<Image>, Error> {
        check_slug(slug)?;
        Ok(call(self.client, self.client.generated().images_get().image_id(slug.to_owned())).await?.map(|r| r.image))
    }

    /// Starts importing a custom image from `url` (raw, qcow2, vhdx, vdi or vmdk, optionally
    /// gzip- or bzip2-compressed) into `region`. Set the optional fields on the returned
    /// [`CreateCustomImage`], then `.await` it. The new image's status is `NEW`; it is usable
    /// once [`get`](Self::get) reports `available`.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), digitalocean_sdk::Error> {
    /// use digitalocean_sdk::{Distribution, RegionSlug};
    ///
    /// let client = digitalocean_sdk::Client::from_env()?;
    /// let image = client
    ///     .images()
    ///     .create_custom("ubuntu-minimal", "https://example.com/ubuntu-minimal.img", RegionSlug::Nyc3)
    ///     .distribution(Distribution::Ubuntu)
    ///     .tags(["base-image", "prod"])
    ///     .await?;
    /// println!("importing image {} ({:?})", image.id, image.status);
    /// # Ok(())
    /// # }
    /// ```
    pub fn create_custom(
        self,
        name: impl Into<String>,
        url: impl Into<String>,
        region: impl Into<RegionSlug>,
    ) -> CreateCustomImage<'a> {
        CreateCustomImage {
            client: self.client,
            body: ImageNewCustom {
                name: name.into(),
                url: url.into(),
                region: region.into(),
                distribution: None,
                description: None,
                tags: Vec::new(),
            },
        }
    }

    /// Changes an image's name (and, for a custom image, its description and distribution):
    /// set the fields on the returned [`UpdateImage`], then `.await` it. Fields not set keep
    /// their value.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), digitalocean_sdk::Error> {
    /// let client = digitalocean_sdk::Client::from_env()?;
    /// let id = digitalocean_sdk::ImageId::new(7938391).expect("a positive id");
    /// let image = client.images().update(id).name("new-image-name").await?;
    /// assert_eq!(image.name, "new-image-name");
    /// # Ok(())
    /// # }
    /// ```
    pub fn update(self, image: ImageId) -> UpdateImage<'a> {
        UpdateImage { client: self.client, image, body: ImageUpdate::default() }
    }

    /// Moving images to another account: offer, accept, cancel, decline.
    pub fn account_transfers(self) -> AccountTransfers<'a> {
        AccountTransfers::new(self.client)
    }
}

// What `get_by_slug` sends must stay one path segment naming an image: `encode_path` escapes
// `/` and `?`, but a `.` or `..` segment is resolved by the URL parser and would read
// `/v2/images` or `/v2` instead.
fn check_slug(slug: &str) -> Result<(), Error> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if slug.is_empty() || !slug.chars().all(allowed) || slug.chars().all(|c| c == '.') {
        return Err(Error::InvalidRequest(format!(
            "`{slug}` is not an image slug: use ASCII letters, digits, `-`, `_` and `.`, not only dots"
        )));
    }
    Ok(())
}

/// The images the account can use, page after page, optionally filtered. Filters combine.
#[derive(Clone, Debug)]
pub struct ListImages<'a> {
    client: &'a Client,
    type_: Option<ImageListType>,
    private: Option<bool>,
    tag_name: Option<String>,
    per_page: Option<u64>,
}

impl<'a> ListImages<'a> {
    /// Only public images of this kind: [`ImageListType::Distribution`] (plain operating
    /// systems) or [`ImageListType::Application`] (1-Click images). This is not the image's
    /// own `type` field.
    pub fn type_(mut self, type_: impl Into<ImageListType>) -> Self {
        self.type_ = Some(type_.into());
        self
    }

    /// `true`: only the account's own images (snapshots, backups, custom images).
    pub fn private(mut self, private: bool) -> Self {
        self.private = Some(private);
        self
    }

    /// Only images carrying this tag.
    pub fn tag_name(mut self, tag: impl Into<String>) -> Self {
        self.tag_name = Some(tag.into());
        self
    }

    /// How many images each request fetches (the API allows 1 to 200; default 20).
    pub fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// Fetches one page (counting from 1), with its links and total.
    pub async fn page(&self, page: u64) -> Result<Response<ImagePage>, Error> {
        let mut builder = self.client.generated().images_list().page(paging::page_number(page)?);
        if let Some(per_page) = paging::page_size(self.per_page)? {
            builder = builder.per_page(per_page);
        }
        if let Some(type_) = &self.type_ {
            builder = builder.type_(type_.clone());
        }
        if let Some(private) = self.private {
            builder = builder.private(private);
        }
        if let Some(tag) = &self.tag_name {
            builder = builder.tag_name(tag.clone());
        }
        call(self.client, builder).await
    }

    /// Every image, fetching pages as the stream is read, until the last page.
    pub fn stream(self) -> impl Stream<Item = Result<Image, Error>> + Send + 'a {
        paging::walk(self)
    }

    /// Every image of every page, in one `Vec`.
    pub async fn collect(self) -> Result<Vec<Image>, Error> {
        self.stream().try_collect().await
    }
}

impl PagedList for ListImages<'_> {
    type Page = ImagePage;
    fn fetch(&self, number: u64) -> impl Future<Output = Result<Response<ImagePage>, Error>> + Send + '_ {
        self.page(number)
    }
}

/// A custom image import, sent when awaited. Made by [`Images::create_custom`].
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until the import is awaited"]
pub struct CreateCustomImage<'a> {
    client: &'a Client,
    body: ImageNewCustom,
}

impl<'a> CreateCustomImage<'a> {
    /// The operating system family (`Distribution::Ubuntu`, or any name as `"Alpine".into()`;
    /// the API stores `Unknown` for names it does not know).
    pub fn distribution(mut self, distribution: impl Into<Distribution>) -> Self {
        self.body.distribution = Some(distribution.into());
        self
    }

    /// Free text about the image.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.body.description = Some(description.into());
        self
    }

    /// Tags to put on the image (missing tags are created). Replaces tags set before.
    pub fn tags<T: Into<String>>(mut self, tags: impl IntoIterator<Item = T>) -> Self {
        self.body.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// The body that will be sent.
    pub fn body(&self) -> &ImageNewCustom {
        &self.body
    }

    /// Sends the request; the response is the new image, status `NEW`. A POST: retried only
    /// when the server certainly did not act on it.
    pub async fn send(self) -> Result<Response<Image>, Error> {
        Ok(call(self.client, self.client.generated().images_create_custom().body(self.body)).await?.map(|r| r.image))
    }
}

impl<'a> IntoFuture for CreateCustomImage<'a> {
    type Output = Result<Response<Image>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// An image update, sent when awaited. Made by [`Images::update`].
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until the update is awaited"]
pub struct UpdateImage<'a> {
    client: &'a Client,
    image: ImageId,
    body: ImageUpdate,
}

impl<'a> UpdateImage<'a> {
    /// The new display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.body.name = Some(name.into());
        self
    }

    /// The new free-text description (custom images only).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.body.description = Some(description.into());
        self
    }

    /// The new distribution (custom images only).
    pub fn distribution(mut self, distribution: impl Into<Distribution>) -> Self {
        self.body.distribution = Some(distribution.into());
        self
    }

    /// The body that will be sent.
    pub fn body(&self) -> &ImageUpdate {
        &self.body
    }

    /// Sends the request; the response is the image as updated. An update that sets no field
    /// is refused with [`Error::InvalidRequest`]: it could only be a mistake.
    pub async fn send(self) -> Result<Response<Image>, Error> {
        if self.body == ImageUpdate::default() {
            return Err(Error::InvalidRequest(
                "an image update must set at least one of name, description, distribution".into(),
            ));
        }
        let builder = self.client.generated().images_update().image_id(self.image).body(self.body);
        Ok(call(self.client, builder).await?.map(|r| r.image))
    }
}

impl<'a> IntoFuture for UpdateImage<'a> {
    type Output = Result<Response<Image>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
