//! The tag features: one per tag, named as the tag in kebab case, and `full` with all of them.
//! Every stage that gates an item by the tags that reach it reads them here.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::spec::validate::operations;

/// The feature that turns on every tag.
pub const FULL: &str = "full";

/// Every tag feature of `doc` with the number of its operations.
pub(crate) fn features(doc: &Value) -> BTreeMap<String, usize> {
    tag_features(&operation_tags(doc))
}

pub(crate) fn tag_features(op_tags: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, usize> {
    let mut features: BTreeMap<String, usize> = BTreeMap::new();
    for tags in op_tags.values() {
        for t in tags {
            *features.entry(t.clone()).or_default() += 1;
        }
    }
    features
}

/// The tags of every operation, as features (kebab case), by the method name progenitor gives
/// it (the operationId in snake case).
pub(crate) fn operation_tags(doc: &Value) -> BTreeMap<String, Vec<String>> {
    operations(doc)
        .iter()
        .filter_map(|op| {
            let id = op.item.get("operationId").and_then(Value::as_str)?;
            let tags: Vec<String> = op
                .item
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).map(crate::vendor::kebab).collect())
                .unwrap_or_default();
            Some((id.to_snake_case(), tags))
        })
        .collect()
}

pub(crate) fn full() -> BTreeSet<String> {
    BTreeSet::from([FULL.to_owned()])
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", ...))]`; `full` when no tag reaches it.
pub(crate) fn cfg_attr(tags: Option<&BTreeSet<String>>) -> syn::Attribute {
    let tags = tags.filter(|t| !t.is_empty()).cloned().unwrap_or_else(full);
    let list: Vec<TokenStream> = tags.iter().map(|t| quote! { feature = #t }).collect();
    if list.len() == 1 {
        let one = &list[0];
        syn::parse_quote! { #[cfg(#one)] }
    } else {
        syn::parse_quote! { #[cfg(any(#(#list),*))] }
    }
}

/// A Rust module name for a tag's file: its kebab name in snake case, with a leading `_` when
/// it starts with a digit (`1-click-applications`).
pub(crate) fn module_ident(tag: &str) -> syn::Ident {
    let snake = tag.replace('-', "_");
    let name = if snake.starts_with(|c: char| c.is_ascii_digit()) { format!("_{snake}") } else { snake };
    format_ident!("{name}")
}
