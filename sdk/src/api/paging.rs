//! Walking a paged list: every list of the API answers one page at a time with `links` to the
//! other pages and, most of the time, a `meta.total`, so the page-after-page loop lives here
//! once. Each list only says how to fetch a page ([`PagedList`], the list builders) and where a
//! page's items and figures are ([`Page`], implemented for every list response by
//! `cargo xtask generate` in `api/generated/pages.rs`).

use std::future::Future;
use std::num::NonZeroU64;

use futures_util::stream::{self, Stream, TryStreamExt};

use crate::error::Error;
use crate::response::Response;

/// One page of a list as the API sends it: the items, and what the page says of the whole list.
pub(crate) trait Page {
    /// What the list holds.
    type Item;
    /// The items, and the page's figures.
    fn into_parts(self) -> (Vec<Self::Item>, Figures);
}

/// What a page says about the whole list, read off its `links.pages` and `meta`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Figures {
    /// The page links to a next one.
    pub(crate) next: bool,
    /// The number of the last page, from the `page` query of the `last` link.
    pub(crate) last_page: Option<u64>,
    /// How many items the whole list holds (`meta.total`).
    pub(crate) total: Option<u64>,
}

impl Figures {
    /// The figures of a page whose `next` and `last` links and `meta.total` are these.
    pub(crate) fn read(next: Option<&str>, last: Option<&str>, total: Option<i64>) -> Self {
        Figures {
            next: next.is_some(),
            last_page: last.and_then(page_of_link),
            total: total.and_then(|t| u64::try_from(t).ok()),
        }
    }
}

/// The `page` query parameter of a page link (`https://api.../v2/droplets?page=3&per_page=2`).
fn page_of_link(link: &str) -> Option<u64> {
    let query = link.split_once('?')?.1;
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    query.split('&').find_map(|pair| pair.strip_prefix("page=")).and_then(|n| n.parse().ok())
}

/// A list that can fetch any one of its pages.
pub(crate) trait PagedList: Send + Sized {
    /// The page the API returns.
    type Page: Page + Send;
    /// Fetches page `number`, counting from 1.
    fn fetch(&self, number: u64) -> impl Future<Output = Result<Response<Self::Page>, Error>> + Send + '_;
}

/// Whether the walk goes on to the page after page `number`, having read `seen` items in all.
/// The server's own figures decide: no `next` link, an empty page, `meta.total` items read or
/// the last page reached each end it, so that a server that always offers a `next` link cannot
/// keep the walk going forever.
fn goes_on(figures: Figures, number: u64, page_len: usize, seen: u64) -> bool {
    figures.next
        && page_len > 0
        && figures.total.is_none_or(|total| seen < total)
        && figures.last_page.is_none_or(|last| number < last)
}

/// Every item of every page, fetching page `n + 1` only once page `n` is read, until the
/// figures say the list is over ([`goes_on`]).
pub(crate) fn walk<'a, L: PagedList + 'a>(
    list: L,
) -> impl Stream<Item = Result<<L::Page as Page>::Item, Error>> + Send + 'a
where
    <L::Page as Page>::Item: Send + 'a,
{
    stream::try_unfold((list, Some(1u64), 0u64), |(list, next, seen)| async move {
        let Some(number) = next else { return Ok::<_, Error>(None) };
        let (items, figures) = list.fetch(number).await?.into_inner().into_parts();
        let seen = seen.saturating_add(items.len() as u64);
        let next = goes_on(figures, number, items.len(), seen).then_some(number + 1);
        Ok(Some((stream::iter(items.into_iter().map(Ok)), (list, next, seen))))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_page_number_is_read_from_the_link_query() {
        assert_eq!(page_of_link("https://api.digitalocean.com/v2/droplets?page=3&per_page=2"), Some(3));
        assert_eq!(page_of_link("https://api.digitalocean.com/v2/droplets?per_page=2&page=12"), Some(12));
        assert_eq!(page_of_link("https://api.digitalocean.com/v2/droplets?per_page=2"), None);
        assert_eq!(page_of_link("https://api.digitalocean.com/v2/droplets?page=x"), None);
        assert_eq!(page_of_link("https://api.digitalocean.com/v2/droplets"), None);
    }

    #[test]
    fn the_walk_ends_on_the_first_figure_that_says_so() {
        let all = Figures { next: true, last_page: Some(3), total: Some(6) };
        assert!(goes_on(all, 1, 2, 2));
        assert!(!goes_on(Figures { next: false, ..all }, 1, 2, 2), "no next link");
        assert!(!goes_on(all, 1, 0, 0), "an empty page");
        assert!(!goes_on(all, 2, 2, 6), "meta.total reached");
        assert!(!goes_on(all, 3, 2, 5), "the last page read");
        assert!(goes_on(Figures { next: true, last_page: None, total: None }, 40, 2, 80), "only next");
    }
}
