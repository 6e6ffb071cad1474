//! The lists of the documented operations, paged: a request for a page (`page` or `per_page` in
//! its query) gets that page of a list longer than the documented example, with the API's
//! `links.pages` (full URLs) and `meta.total`, so that a client walking the pages has pages to
//! walk. A request without either gets the documented example as it is.

use serde_json::{Map, Value, json};

use crate::documented::{ListShape, is_uuid};

/// The API's defaults and bounds for paging.
pub(crate) const DEFAULT_PER_PAGE: u64 = 20;
pub(crate) const MAX_PER_PAGE: u64 = 200;

/// How many items a documented list holds unless [`FakeApiBuilder::list_length`] says otherwise:
/// enough for three pages of two.
///
/// [`FakeApiBuilder::list_length`]: crate::FakeApiBuilder::list_length
pub const DEFAULT_LIST_LENGTH: u64 = 5;

/// The page a query asks for: `(page, per_page)`, `None` when it names neither, or the API's
/// 400 message for a value that is not a positive integer.
pub(crate) fn requested(query: Option<&str>) -> Result<Option<(u64, u64)>, String> {
    let mut page = None;
    let mut per_page = None;
    for (key, value) in query.unwrap_or_default().split('&').filter_map(|p| p.split_once('=')) {
        let slot = match key {
            "page" => &mut page,
            "per_page" => &mut per_page,
            _ => continue,
        };
        match value.parse::<u64>() {
            Ok(n) if n > 0 => *slot = Some(n),
            _ => return Err(format!("`{key}` must be a positive integer.")),
        }
    }
    if page.is_none() && per_page.is_none() {
        return Ok(None);
    }
    Ok(Some((page.unwrap_or(1), per_page.unwrap_or(DEFAULT_PER_PAGE).min(MAX_PER_PAGE))))
}

/// The paging links of page `page` of `total` items, `per_page` a page, at `url` (the list's
/// full URL without a query). Like the API: `first` and `prev` only after the first page,
/// `next` and `last` only before the last; `prev_key` is what the list's schema calls the link
/// to the previous page (`prev`, or `previous` for a few lists).
pub(crate) fn links(url: &str, page: u64, per_page: u64, total: u64, prev_key: &str) -> Value {
    let last = total.div_ceil(per_page).max(1);
    let link = |p: u64| format!("{url}?page={p}&per_page={per_page}");
    let mut pages = Map::new();
    if page > 1 {
        pages.insert("first".into(), link(1).into());
        pages.insert(prev_key.into(), link((page - 1).min(last)).into());
    }
    if page < last {
        pages.insert("next".into(), link(page + 1).into());
        pages.insert("last".into(), link(last).into());
    }
    if pages.is_empty() { json!({}) } else { json!({ "pages": pages }) }
}

/// The documented `example` of a list as page `page` of a list of `length` items: the example's
/// first item (or the table's built one) repeated, each copy with an `id` of its own, with the
/// links and total of that page. `None` when there is no item to repeat.
pub(crate) fn page(
    example: &Value,
    list: &ListShape,
    (page, per_page): (u64, u64),
    url: &str,
    length: u64,
) -> Option<Value> {
    let first = example.get(&list.items).and_then(Value::as_array).and_then(|a| a.first()).or(list.item.as_ref())?;
    let skip = (page - 1).saturating_mul(per_page);
    let items: Vec<Value> = (skip..length.min(skip.saturating_add(per_page))).map(|n| nth(first, n)).collect();
    let mut out = example.as_object().cloned().unwrap_or_default();
    let documented_pages = example.pointer("/links/pages").and_then(Value::as_object);
    let prev_key = if documented_pages.is_some_and(|p| p.contains_key("previous")) { "previous" } else { "prev" };
    out.insert(list.items.clone(), Value::Array(items));
    out.insert("links".into(), links(url, page, per_page, length, prev_key));
    let last = length.div_ceil(per_page).max(1);
    let meta = out.entry("meta").or_insert_with(|| json!({}));
    if !meta.is_object() {
        *meta = json!({});
    }
    meta["total"] = json!(length);
    // Some lists also say which page this is and how many there are.
    for (key, value) in [("page", page), ("pages", last)] {
        if meta.get(key).is_some() {
            meta[key] = json!(value);
        }
    }
    Some(Value::Object(out))
}

/// Item `n` of a list made of copies of `first`: the same, but for its `id` (the `n`-th after
/// the documented one, so that every item of the list is another resource).
fn nth(first: &Value, n: u64) -> Value {
    let mut item = first.clone();
    if n == 0 {
        return item;
    }
    if let Some(id) = item.get_mut("id") {
        *id = match &*id {
            Value::Number(x) if x.is_u64() => json!(x.as_u64().unwrap_or(0).saturating_add(n)),
            Value::Number(x) if x.is_i64() => json!(x.as_i64().unwrap_or(0).saturating_add(n as i64)),
            Value::String(s) => json!(nth_text(s, n)),
            other => other.clone(),
        };
    }
    item
}

/// A textual id `n` after `id`: a UUID stays a UUID (its last group counts up), a number in
/// text counts up, anything else gets `-n`.
fn nth_text(id: &str, n: u64) -> String {
    if is_uuid(id) {
        let (head, tail) = id.split_at(id.len() - 12);
        let next = u64::from_str_radix(tail, 16).unwrap_or(0).wrapping_add(n) & 0xffff_ffff_ffff;
        return format!("{head}{next:012x}");
    }
    match id.parse::<u64>() {
        Ok(number) => number.saturating_add(n).to_string(),
        Err(_) => format!("{id}-{n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> ListShape {
        ListShape { items: "things".into(), item: None }
    }

    #[test]
    fn a_page_of_a_longer_list_with_the_api_links_and_total() {
        let example = json!({"things": [{"id": 7, "name": "a"}], "links": {}, "meta": {"total": 1}});
        let url = "http://127.0.0.1:1/v2/things";
        let second = page(&example, &shape(), (2, 2), url, 5).unwrap();
        assert_eq!(second["things"], json!([{"id": 9, "name": "a"}, {"id": 10, "name": "a"}]));
        assert_eq!(second["meta"], json!({"total": 5}));
        assert_eq!(
            second["links"]["pages"],
            json!({
                "first": format!("{url}?page=1&per_page=2"),
                "prev": format!("{url}?page=1&per_page=2"),
                "next": format!("{url}?page=3&per_page=2"),
                "last": format!("{url}?page=3&per_page=2"),
            })
        );
        let third = page(&example, &shape(), (3, 2), url, 5).unwrap();
        assert_eq!(third["things"], json!([{"id": 11, "name": "a"}]));
        assert!(third["links"]["pages"].get("next").is_none() && third["links"]["pages"].get("last").is_none());
        let first = page(&example, &shape(), (1, 2), url, 5).unwrap();
        assert!(first["links"]["pages"].get("first").is_none() && first["links"]["pages"].get("prev").is_none());
        let past = page(&example, &shape(), (4, 2), url, 5).unwrap();
        assert_eq!(past["things"], json!([]), "past the end: no items");
    }

    #[test]
    fn ids_stay_of_their_kind_and_meta_keeps_its_figures() {
        assert_eq!(nth_text("fbe805e8-866b-11e6-96bf-000f53315a41", 2), "fbe805e8-866b-11e6-96bf-000f53315a43");
        assert_eq!(nth_text("fbe805e8-866b-11e6-96bf-ffffffffffff", 1), "fbe805e8-866b-11e6-96bf-000000000000");
        assert_eq!(nth_text("41", 1), "42");
        assert_eq!(nth_text("web", 3), "web-3");
        let example =
            json!({"things": [], "links": {"pages": {"previous": ""}}, "meta": {"page": 1, "pages": 1, "total": 0}});
        let built = ListShape { items: "things".into(), item: Some(json!("tag")) };
        let second = page(&example, &built, (2, 2), "u", 5).unwrap();
        assert_eq!(second["things"], json!(["tag", "tag"]), "the built item, when the example has none");
        assert_eq!(second["meta"], json!({"page": 2, "pages": 3, "total": 5}));
        assert!(second["links"]["pages"].get("previous").is_some(), "the list's own name for the link");
        assert!(page(&example, &shape(), (1, 2), "u", 5).is_none(), "nothing to repeat");
    }

    #[test]
    fn the_query_names_the_page() {
        assert_eq!(requested(None), Ok(None));
        assert_eq!(requested(Some("tag_name=x")), Ok(None));
        assert_eq!(requested(Some("page=2")), Ok(Some((2, DEFAULT_PER_PAGE))));
        assert_eq!(requested(Some("per_page=500&page=1")), Ok(Some((1, MAX_PER_PAGE))));
        assert!(requested(Some("page=0")).is_err());
        assert!(requested(Some("per_page=x")).is_err());
    }
}
