//! typify writes every string enum as a closed Rust enum, and has no setting for an arm that
//! keeps other values: a value the API adds later (a new finding severity, a new log type)
//! fails the whole response, and cannot be sent. `normalize::open_response_enums` opens the
//! enums of component properties by replacing them before typify sees them; the enums typify
//! names itself (nested objects, array items, parameters, `allOf` parts) are only known once
//! it has written them, so this pass opens those in its output.
//!
//! Each closed string enum (unit arms only, each a string) is replaced by the same open enum
//! the normalization pass writes, with typify's own name and arm names, so that nothing a
//! caller names changes but the `Unknown(String)` arm and the conversions that can no longer
//! fail (`From<&str>` in place of `TryFrom<&str>`). typify's `Display`, `FromStr` and
//! `TryFrom` impls of the enum go; its `Default` stays.

use std::collections::BTreeMap;

use crate::error::Error;
use crate::normalize::OpenEnum;

/// Opens every closed string enum of every module but `builder`.
pub fn run(file: &mut syn::File) -> Result<(), Error> {
    open_in(&mut file.items)
}

fn open_in(items: &mut Vec<syn::Item>) -> Result<(), Error> {
    for item in items.iter_mut() {
        if let syn::Item::Mod(m) = item
            && m.ident != "builder"
            && let Some((_, inner)) = &mut m.content
        {
            open_in(inner)?;
        }
    }
    let closed: BTreeMap<String, OpenEnum> =
        items.iter().filter_map(closed_string_enum).map(|e| (e.rust_name.clone(), e)).collect();
    if closed.is_empty() {
        return Ok(());
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        match &item {
            syn::Item::Enum(e) if closed.contains_key(&e.ident.to_string()) => {
                let open = &closed[&e.ident.to_string()];
                let file: syn::File = syn::parse2(open.tokens()).map_err(|err| Error::Emit {
                    message: format!("the open form of `{}` does not parse: {err}", open.rust_name),
                })?;
                out.extend(file.items);
            }
            syn::Item::Impl(imp) if replaced_impl(imp, &closed) => {}
            _ => out.push(item),
        }
    }
    *items = out;
    Ok(())
}

/// The enum as an open one, when it is a closed string enum: it derives `Deserialize`, is not
/// tagged or untagged, and every arm is a unit arm for one string.
pub(crate) fn closed_string_enum(item: &syn::Item) -> Option<OpenEnum> {
    let syn::Item::Enum(e) = item else { return None };
    if !derives(&e.attrs, "Deserialize") || e.attrs.iter().any(is_tagging) || e.variants.is_empty() {
        return None;
    }
    let mut values = Vec::new();
    let mut variants = Vec::new();
    for v in &e.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            return None;
        }
        values.push(renamed(&v.attrs).unwrap_or_else(|| v.ident.to_string()));
        variants.push(v.ident.to_string());
    }
    let name = e.ident.to_string();
    Some(OpenEnum {
        component: name.clone(),
        description: Some(format!("The `{name}` values.")),
        rust_name: name,
        values,
        variants,
    })
}

pub(crate) fn derives(attrs: &[syn::Attribute], what: &str) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        let mut found = false;
        let _ = a.parse_nested_meta(|meta| {
            found |= meta.path.segments.last().is_some_and(|s| s.ident == what);
            Ok(())
        });
        found
    })
}

// `#[serde(untagged)]`, `#[serde(tag = "..")]`: enums of objects, not of strings.
fn is_tagging(attr: &syn::Attribute) -> bool {
    if !attr.path().is_ident("serde") {
        return false;
    }
    let mut tagging = false;
    let _ = attr.parse_nested_meta(|meta| {
        tagging |= meta.path.is_ident("untagged") || meta.path.is_ident("tag") || meta.path.is_ident("content");
        if meta.input.peek(syn::Token![=]) {
            let _: syn::Expr = meta.value()?.parse()?;
        }
        Ok(())
    });
    tagging
}

// The string of `#[serde(rename = "..")]`.
fn renamed(attrs: &[syn::Attribute]) -> Option<String> {
    let mut out = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                out = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    out
}

// typify's `Display`, `FromStr` and `TryFrom` impls of an enum that is now open: the open form
// has its own, which cannot fail.
fn replaced_impl(imp: &syn::ItemImpl, closed: &BTreeMap<String, OpenEnum>) -> bool {
    let syn::Type::Path(ty) = &*imp.self_ty else { return false };
    let Some(name) = ty.path.get_ident() else { return false };
    if !closed.contains_key(&name.to_string()) {
        return false;
    }
    let Some((_, trait_path, _)) = &imp.trait_ else { return false };
    trait_path.segments.last().is_some_and(|s| s.ident == "Display" || s.ident == "FromStr" || s.ident == "TryFrom")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn doc() -> serde_json::Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/findings": {"get": {
                "operationId": "findings_list",
                "parameters": [{"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"findings": {"type": "array", "items": {
                        "type": "object",
                        "properties": {"severity": {"type": "string", "enum": ["CRITICAL", "LOW"]}}
                    }}}
                }}}}}
            }}},
            "components": {"schemas": {}}
        })
    }

    #[test]
    fn enums_typify_names_itself_are_opened_with_its_names() {
        let settings = crate::Settings::default();
        let closed = crate::engine::try_progenitor(&serde_json::from_value(doc()).unwrap(), &settings).unwrap();
        let closed = prettyplease::unparse(&syn::parse2(closed).unwrap());
        assert!(closed.contains("Critical,") && !closed.contains("Unknown"), "typify opened it itself: {closed}");
        let open = crate::engine::emit_tokens(&doc(), &[], &[], &settings).unwrap();
        for wanted in [
            "pub enum FindingsListResponseFindingsItemSeverity {",
            "pub enum FindingsListKind {",
            "Unknown(::std::string::String)",
            "Self::Critical => \"CRITICAL\"",
            "impl ::std::convert::From<&str> for FindingsListKind",
        ] {
            assert!(open.contains(wanted), "no `{wanted}` in {open}");
        }
        assert!(!open.contains("TryFrom<&str> for FindingsListKind"), "typify's fallible conversion stayed: {open}");
        assert_eq!(open.matches("Unknown(::std::string::String)").count(), 2, "{open}");
    }
}
