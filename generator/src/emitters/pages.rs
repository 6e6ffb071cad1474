//! `api/generated/pages.rs`: one `impl Page` per list response of the model, with its items
//! and the figures that end a walk, read off whatever shapes its `links` and `meta` have.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

use crate::error::Error;
use crate::model::lists::{ITEMS_EXTENSION, List, Shapes, StructField, argument_map, unoption};

/// The expression reading the ids of the actions in `field` of an answer `answer`
/// (a `Vec<ActionId>`), for a wait on all of them.
pub(crate) fn action_ids(field: &StructField) -> TokenStream {
    let f = format_ident!("{}", field.ident);
    match unoption(&field.ty).1 {
        false => quote! { |answer| answer.#f.iter().map(|action| action.id).collect() },
        true => quote! { |answer| answer.#f.iter().flatten().map(|action| action.id).collect() },
    }
}

/// `Option<&T>` of field `field` of `base`, where `base` is an `Option<&S>` when
/// `base_optional` and an `S` place otherwise.
fn reach(base: TokenStream, base_optional: bool, field: &StructField) -> TokenStream {
    let f = format_ident!("{}", field.ident);
    match (base_optional, unoption(&field.ty).1) {
        (false, false) => quote! { Some(&#base.#f) },
        (false, true) => quote! { #base.#f.as_ref() },
        (true, false) => quote! { #base.map(|b| &b.#f) },
        (true, true) => quote! { #base.and_then(|b| b.#f.as_ref()) },
    }
}

/// The expression giving the page's `Figures`, from the shapes of its `links` and `meta`.
fn figures(operation: &str, response: &str, fields: &[StructField], shapes: &Shapes) -> Result<TokenStream, Error> {
    let error = |message: String| Error::Handle { operation: operation.to_owned(), message };
    let field = |fields: &[StructField], wire: &str| fields.iter().find(|f| f.wire == wire).cloned();
    let links = field(fields, "links").expect("a list has links");
    let Some((links_type, _)) = shapes.struct_of(&links.ty) else {
        return Err(error(format!("the `links` of its answer `{response}` are not a struct of page links")));
    };
    let Some(pages) = shapes.fields(links_type).and_then(|f| field(f, "pages")) else {
        return Err(error(format!("the `links` of its answer `{response}` have no `pages`")));
    };
    // The page links are a struct (`next`, `last`, ...) or, for some lists, a map of them.
    let is_map = argument_map(unoption(&pages.ty).0);
    let (next, last) = if is_map {
        (
            quote! { pages.and_then(|p| p.get("next")).map(String::as_str) },
            quote! { pages.and_then(|p| p.get("last")).map(String::as_str) },
        )
    } else {
        let Some((pages_type, _)) = shapes.struct_of(&pages.ty) else {
            return Err(error(format!(
                "the `links.pages` of its answer `{response}` are neither a struct nor a map of links"
            )));
        };
        let page_fields = shapes.fields(pages_type).unwrap_or_default();
        let link = |wire: &str| -> Option<TokenStream> {
            let f = field(page_fields, wire)?;
            let ident = format_ident!("{}", f.ident);
            Some(if unoption(&f.ty).1 {
                quote! { pages.and_then(|p| p.#ident.as_deref()) }
            } else {
                quote! { pages.map(|p| p.#ident.as_str()) }
            })
        };
        let Some(next) = link("next") else {
            return Err(error(format!("the `links.pages` of its answer `{response}` have no `next` link")));
        };
        (next, link("last").unwrap_or_else(|| quote! { None }))
    };
    let links_optional = unoption(&links.ty).1;
    let pages_reach = if links_optional {
        reach(reach(quote! { self }, false, &links), true, &pages)
    } else {
        let l = format_ident!("{}", links.ident);
        reach(quote! { self.#l }, false, &pages)
    };
    let total = match field(fields, "meta") {
        Some(meta) => {
            match shapes.struct_of(&meta.ty).and_then(|(t, _)| shapes.fields(t)).and_then(|f| field(f, "total")) {
                Some(total) => {
                    let m = format_ident!("{}", meta.ident);
                    let t = format_ident!("{}", total.ident);
                    let (ty, total_optional) = unoption(&total.ty);
                    if ty.to_token_stream().to_string() != "i64" {
                        return Err(error(format!("the `meta.total` of its answer `{response}` is not an `i64`")));
                    }
                    match (unoption(&meta.ty).1, total_optional) {
                        (false, false) => quote! { Some(self.#m.#t) },
                        (false, true) => quote! { self.#m.#t },
                        (true, false) => quote! { self.#m.as_ref().map(|m| m.#t) },
                        (true, true) => quote! { self.#m.as_ref().and_then(|m| m.#t) },
                    }
                }
                None => quote! { None },
            }
        }
        None => quote! { None },
    };
    Ok(quote! {{
        let pages = #pages_reach;
        crate::api::paging::Figures::read(#next, #last, #total)
    }})
}

/// `pages.rs`: one `impl Page` per list response, compiled when any tag of the operations that
/// answer with it is on. Two lists of one response type must agree on its items.
pub(crate) fn pages_file(
    lists: &[(BTreeSet<String>, String, List)],
    shapes: &Shapes,
) -> Result<(syn::File, usize), Error> {
    let mut by_response: BTreeMap<&str, (BTreeSet<String>, &List, &str)> = BTreeMap::new();
    for (tags, operation, list) in lists {
        let entry = by_response.entry(&list.response).or_insert_with(|| (BTreeSet::new(), list, operation.as_str()));
        if entry.1.item.to_token_stream().to_string() != list.item.to_token_stream().to_string() {
            return Err(Error::Handle {
                operation: operation.clone(),
                message: format!(
                    "its answer `{}` is also the answer of `{}`, whose items are another property; say which with `{ITEMS_EXTENSION}`",
                    list.response, entry.2
                ),
            });
        }
        entry.0.extend(tags.iter().cloned());
    }
    let mut impls = Vec::new();
    for (tags, list, _) in by_response.values() {
        let cfg = crate::model::features::cfg_attr(Some(tags));
        let imp = page_impl(list, shapes)?;
        impls.push(quote! { #cfg #imp });
    }
    let doc = [
        " Every list response as a page of its items (`crate::api::paging::Page`): the items, and".to_owned(),
        " the figures that end a walk (`links.pages.next`, `links.pages.last`, `meta.total`).".to_owned(),
    ];
    let file = syn::parse2(quote! { #(#![doc = #doc])* #(#impls)* })
        .map_err(|e| Error::Emit { message: format!("pages: {e}") })?;
    Ok((file, by_response.len()))
}

/// The `impl Page` of a list's response: its items (empty when absent), and its figures.
fn page_impl(list: &List, shapes: &Shapes) -> Result<TokenStream, Error> {
    let figures = figures(&list.operation, &list.response, &list.fields, shapes)?;
    let field = format_ident!("{}", list.field.ident);
    let take = if unoption(&list.field.ty).1 {
        quote! { self.#field.unwrap_or_default() }
    } else {
        quote! { self.#field }
    };
    let (ty, item) = (format_ident!("{}", list.response), &list.item);
    Ok(quote! {
        impl crate::api::paging::Page for crate::types::#ty {
            type Item = #item;
            fn into_parts(self) -> (::std::vec::Vec<Self::Item>, crate::api::paging::Figures) {
                let figures = #figures;
                (#take, figures)
            }
        }
    })
}
