//! Walking a paged list: every list of the API answers one page at a time with `links` to the
//! next one, so the page-after-page loop lives here once and each list only says how to fetch a
//! page and where its items are.

use std::future::Future;
use std::num::NonZeroU64;

use futures_util::stream::{self, Stream, TryStreamExt};

use crate::error::Error;
use crate::response::Response;
#[cfg(any(feature = "actions", feature = "image-actions"))]
use crate::types::ActionPage;
#[cfg(feature = "images")]
use crate::types::ImagePage;
use crate::types::PageLinks;

/// One page of a list as the API sends it: the items and the links to the other pages.
pub(crate) trait Page {
    /// What the list holds.
    type Item;
    /// The items, and whether the page links to a next one.
    fn into_items(self) -> (Vec<Self::Item>, bool);
}

/// A list that can fetch any one of its pages.
pub(crate) trait PagedList: Send + Sized {
    /// The page the API returns.
    type Page: Page + Send;
    /// Fetches page `number`, counting from 1.
    fn fetch(&self, number: u64) -> impl Future<Output = Result<Response<Self::Page>, Error>> + Send + '_;
}

/// Every item of every page, fetching page `n + 1` only once page `n` is read, until a page
/// without a `next` link.
pub(crate) fn walk<'a, L: PagedList + 'a>(
    list: L,
) -> impl Stream<Item = Result<<L::Page as Page>::Item, Error>> + Send + 'a
where
    <L::Page as Page>::Item: Send + 'a,
{
    stream::try_unfold((list, Some(1u64)), |(list, next)| async move {
        let Some(number) = next else { return Ok::<_, Error>(None) };
        let (items, has_next) = list.fetch(number).await?.into_inner().into_items();
        // An empty page ends the walk even if it claims a next one, so a confused server
        // cannot keep the stream going forever.
        let next = (has_next && !items.is_empty()).then_some(number + 1);
        Ok(Some((stream::iter(items.into_iter().map(Ok)), (list, next))))
    })
    .try_flatten()
}

/// The page number as the generated builders take it; pages count from 1.
pub(crate) fn page_number(page: u64) -> Result<NonZeroU64, Error> {
    NonZeroU64::new(page).ok_or_else(|| Error::InvalidRequest("pages count from 1".into()))
}

/// The page size as the generated builders take it, when one was chosen.
pub(crate) fn page_size(per_page: Option<u64>) -> Result<Option<NonZeroU64>, Error> {
    per_page
        .map(|n| NonZeroU64::new(n).ok_or_else(|| Error::InvalidRequest("per_page must be at least 1".into())))
        .transpose()
}

fn has_next(links: Option<&PageLinks>) -> bool {
    links.and_then(|l| l.pages.as_ref()).is_some_and(|p| p.next.is_some())
}

#[cfg(any(feature = "actions", feature = "image-actions"))]
impl Page for ActionPage {
    type Item = crate::types::Action;
    fn into_items(self) -> (Vec<Self::Item>, bool) {
        let next = has_next(self.links.as_ref());
        (self.actions, next)
    }
}

#[cfg(feature = "images")]
impl Page for ImagePage {
    type Item = crate::types::Image;
    fn into_items(self) -> (Vec<Self::Item>, bool) {
        let next = has_next(self.links.as_ref());
        (self.images, next)
    }
}
