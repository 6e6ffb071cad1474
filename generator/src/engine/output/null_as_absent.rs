//! DigitalOcean's services are written in Go, where an empty slice or map is sent as `null`
//! (`"tags": null`), and an unset field often is too. typify reads `null` only into an
//! `Option`: a list, a map or a field with a default (`bool`, a number, a string the spec
//! defaults) refuses it, and the whole response is lost. No typify setting changes how a field
//! decodes, so this pass adds the decoder: with `null_as_absent` set (a module with
//! `or_default`), `null` reads as absence in every struct field that has an absent value:
//!
//! - a list or map (`Vec`, `HashMap`, `BTreeMap`, `serde_json::Map`), even where the spec calls
//!   it required: `null` and absence are the empty list (Go's `omitempty` leaves it out);
//! - a field with `#[serde(default)]`: its type's default;
//! - a field with `#[serde(default = "path")]`: the spec's default, through a function the pass
//!   adds to `defaults` beside typify's (`path` read when the value is `null`).
//!
//! `Option` fields read `null` as `None` already and are left as they are.
//!
//! A list or map in an enum's struct variant (typify's untagged `oneOf` of objects) reads `null`
//! as empty too, but stays required: the variants are told apart by the keys present, and an
//! absent list read as empty would let a variant match a body meant for another.

use std::collections::BTreeMap;

use quote::{ToTokens, format_ident};
use syn::visit_mut::{self, VisitMut};

use super::expect;
use crate::error::Error;

const PASS: &str = "null_as_absent";

/// Adds the decoders to every struct of every module but `builder`, and the functions for the
/// spec's defaults to `types::defaults`.
pub fn run(file: &mut syn::File, doc: &serde_json::Value, module: &str) -> Result<(), Error> {
    syn::parse_str::<syn::Path>(module).map_err(|e| Error::Settings {
        setting: "null_as_absent",
        value: module.to_owned(),
        message: e.to_string(),
    })?;
    let mut pass = Pass { module: module.to_owned(), fields: 0, defaults: BTreeMap::new() };
    for item in &mut file.items {
        pass.visit_item_mut(item);
    }
    if !pass.defaults.is_empty() {
        let defaults = defaults_module(file).ok_or_else(|| Error::OutputPass {
            pass: PASS,
            looked_for: "the `types::defaults` module that typify's `#[serde(default = \"defaults::..\")]` names"
                .into(),
        })?;
        for (name, (ty, path)) in &pass.defaults {
            let name = format_ident!("{name}");
            let ty: syn::Type = syn::parse_str(ty).map_err(|e| Error::Emit { message: e.to_string() })?;
            // typify's path is from `types`; the function is in `defaults`.
            let path: syn::ExprPath =
                syn::parse_str(&format!("super::{path}")).map_err(|e| Error::Emit { message: e.to_string() })?;
            defaults.push(syn::parse_quote! {
                pub(super) fn #name<'de, D>(deserializer: D) -> ::std::result::Result<#ty, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    let value: ::std::option::Option<#ty> = ::serde::Deserialize::deserialize(deserializer)?;
                    Ok(value.unwrap_or_else(#path))
                }
            });
        }
    }
    expect::changed(PASS, pass.fields, expect::has_body_array(doc), "struct fields of a list, map or defaulted type")
}

struct Pass {
    module: String,
    fields: usize,
    /// The added defaults functions: name -> (the type as `defaults` names it, typify's path).
    defaults: BTreeMap<String, (String, String)>,
}

impl VisitMut for Pass {
    fn visit_item_mod_mut(&mut self, m: &mut syn::ItemMod) {
        // typify's builders are no types that decode.
        if m.ident != "builder" {
            visit_mut::visit_item_mod_mut(self, m);
        }
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        self.visit_variant_fields(item);
    }

    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        if !super::open_inline_enums::derives(&item.attrs, "Deserialize") {
            return;
        }
        for field in item.fields.iter_mut() {
            if field.ident.is_none()
                || is_option(&field.ty)
                || has_serde(&field.attrs, &["flatten", "deserialize_with"])
            {
                continue;
            }
            let default_path = default_path(&field.attrs);
            let with = match &default_path {
                Some(path) => {
                    let ty = in_defaults(&field.ty);
                    let name = format!("null_or_{}", words(path));
                    self.defaults.insert(name.clone(), (ty, path.clone()));
                    format!("defaults::{name}")
                }
                None if has_serde(&field.attrs, &["default"]) || is_collection(&field.ty) => {
                    format!("{}::or_default", self.module)
                }
                None => continue,
            };
            if has_serde(&field.attrs, &["default"]) {
                field.attrs.push(syn::parse_quote!(#[serde(deserialize_with = #with)]));
            } else {
                field.attrs.push(syn::parse_quote!(#[serde(default, deserialize_with = #with)]));
            }
            self.fields += 1;
        }
    }
}

impl Pass {
    fn visit_variant_fields(&mut self, item: &mut syn::ItemEnum) {
        if !super::open_inline_enums::derives(&item.attrs, "Deserialize") {
            return;
        }
        for variant in &mut item.variants {
            let syn::Fields::Named(fields) = &mut variant.fields else { continue };
            for field in &mut fields.named {
                if !is_collection(&field.ty) || has_serde(&field.attrs, &["flatten", "deserialize_with", "default"]) {
                    continue;
                }
                let with = format!("{}::or_default", self.module);
                field.attrs.push(syn::parse_quote!(#[serde(deserialize_with = #with)]));
                self.fields += 1;
            }
        }
    }
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

fn is_option(ty: &syn::Type) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == "Option")
}

fn is_collection(ty: &syn::Type) -> bool {
    last_segment(ty).is_some_and(|s| ["Vec", "HashMap", "BTreeMap", "Map"].iter().any(|c| s.ident == c))
}

// Whether a `#[serde(..)]` of the field has one of `keys` (`default` alone or `default = ..`).
fn has_serde(attrs: &[syn::Attribute], keys: &[&str]) -> bool {
    let mut found = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            found |= keys.iter().any(|k| meta.path.is_ident(k));
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

// The function of `#[serde(default = "..")]`.
fn default_path(attrs: &[syn::Attribute]) -> Option<String> {
    let mut out = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") && meta.input.peek(syn::Token![=]) {
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

// A function name from typify's path: `defaults::default_u64::<i64, 20>` -> `default_u64_i64_20`.
fn words(path: &str) -> String {
    let path = path.strip_prefix("defaults::").unwrap_or(path);
    let mut out = String::new();
    for c in path.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

// The type as the `defaults` module names it: a type of `types` is `super::X` there.
fn in_defaults(ty: &syn::Type) -> String {
    struct Qualify;
    impl VisitMut for Qualify {
        fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
            visit_mut::visit_type_path_mut(self, p);
            let primitive = ["bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64"];
            if p.qself.is_none()
                && p.path.leading_colon.is_none()
                && p.path.segments.len() == 1
                && !primitive.iter().any(|t| p.path.segments[0].ident == t)
            {
                p.path.segments.insert(0, format_ident!("super").into());
            }
        }
    }
    let mut ty = ty.clone();
    Qualify.visit_type_mut(&mut ty);
    ty.to_token_stream().to_string()
}

fn defaults_module(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    let types = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    })?;
    types.1.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "defaults" => m.content.as_mut().map(|c| &mut c.1),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn doc() -> serde_json::Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/droplets": {"get": {
                "operationId": "droplets_list",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/droplet"}}}}}
            }}},
            "components": {"schemas": {"droplet": {
                "type": "object",
                "required": ["tags"],
                "properties": {
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "volume_ids": {"type": "array", "items": {"type": "string"}},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "backups": {"type": "boolean", "default": false},
                    "size": {"type": "integer", "default": 25},
                    "name": {"type": "string"}
                }
            }}}
        })
    }

    #[test]
    fn lists_maps_and_defaulted_fields_take_null_as_absence() {
        let settings = crate::Settings::default();
        let strict = crate::engine::emit_tokens(&doc(), &[], &[], &settings).unwrap();
        assert!(!strict.contains("deserialize_with"), "typify reads null itself now: {strict}");
        let settings = crate::Settings { null_as_absent: Some("crate::null".into()), ..settings };
        let code = crate::engine::emit_tokens(&doc(), &[], &[], &settings).unwrap();
        let flat = code.split_whitespace().collect::<Vec<_>>().join(" ");
        // A required list: absent or null, it is empty.
        assert!(
            flat.contains("#[serde(default, deserialize_with = \"crate::null::or_default\")] pub tags: ::std::vec::Vec<::std::string::String>"),
            "{code}"
        );
        assert!(flat.contains("#[serde(deserialize_with = \"crate::null::or_default\")] pub volume_ids"), "{code}");
        assert!(flat.contains("#[serde(deserialize_with = \"crate::null::or_default\")] pub labels"), "{code}");
        // The spec's defaults, through functions beside typify's.
        // `false` is typify's plain `default`.
        assert!(flat.contains("#[serde(deserialize_with = \"crate::null::or_default\")] pub backups: bool"), "{code}");
        assert!(flat.contains("deserialize_with = \"defaults::null_or_default_u64_i64_25\""), "{code}");
        assert!(flat.contains("Ok(value.unwrap_or_else(super::defaults::default_u64::<i64, 25>))"), "{code}");
        // An `Option` reads null by itself.
        assert!(flat.contains("pub name: ::std::option::Option<::std::string::String>"), "{code}");
        assert!(!flat.contains("or_default\")] pub name"), "{code}");
    }

    #[test]
    fn a_list_in_a_variant_takes_null_as_empty_and_stays_required() {
        let mut doc = doc();
        doc["paths"]["/droplets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = json!({
            "oneOf": [
                {"type": "object", "required": ["droplet", "links"],
                    "properties": {"droplet": {"type": "string"}, "links": {"type": "string"}}},
                {"type": "object", "required": ["droplets", "links"],
                    "properties": {"droplets": {"type": "array", "items": {"type": "string"}}, "links": {"type": "string"}}}
            ]
        });
        let settings = crate::Settings { null_as_absent: Some("crate::null".into()), ..crate::Settings::default() };
        let code = crate::engine::emit_tokens(&doc, &[], &[], &settings).unwrap();
        let flat = code.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("{ #[serde(deserialize_with = \"crate::null::or_default\")] droplets: ::std::vec::Vec<::std::string::String>, links"),
            "{code}"
        );
    }

    #[test]
    fn a_type_of_types_is_named_from_defaults() {
        assert_eq!(super::in_defaults(&syn::parse_quote!(CdnEndpointTtl)), "super :: CdnEndpointTtl");
        assert_eq!(super::in_defaults(&syn::parse_quote!(i64)), "i64");
        assert_eq!(super::in_defaults(&syn::parse_quote!(::std::string::String)), ":: std :: string :: String");
        assert_eq!(super::words("defaults::default_u64::<i64, 20>"), "default_u64_i64_20");
    }
}
