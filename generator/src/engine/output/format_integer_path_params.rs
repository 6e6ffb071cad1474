//! Why a pass and not a setting: the URL is written inside each builder's `send`, before any
//! hook runs.
//!
//! progenitor writes every path parameter into the URL as
//! `encode_path(&value.to_string())`: the value is formatted into a `String`, then copied into
//! a second, percent-encoded one, on every call. An integer's decimal digits never need
//! encoding, so for a parameter whose builder field holds an integer the pass formats the
//! value into the URL directly. Strings, enums and everything else keep their encoding.

use std::collections::{HashMap, HashSet};

use quote::ToTokens;
use serde_json::Value;
use syn::visit_mut::{self, VisitMut};

use super::expect;
use crate::engine::typed_ids::{IdKind, Replacement};
use crate::error::Error;

const PASS: &str = "format_integer_path_params";

/// Integer types progenitor gives path parameters (`format: int64` with `minimum: 1` becomes
/// `NonZeroU64`). Their `Display` prints an optional `-` and ASCII digits only.
const INTEGERS: &[&str] = &[
    "u8",
    "u16",
    "u32",
    "u64",
    "i8",
    "i16",
    "i32",
    "i64",
    "NonZeroU8",
    "NonZeroU16",
    "NonZeroU32",
    "NonZeroU64",
    "NonZeroI8",
    "NonZeroI16",
    "NonZeroI32",
    "NonZeroI64",
];

/// Rewrites `encode_path(&x.to_string())` to `x` in the methods of every builder whose field
/// `x` holds an integer (`Result<NonZeroU64, String>`) or an integer typed id of `typed`, which
/// displays as its digits (a text id keeps its encoding). Rewriting nothing while `doc` has an
/// integer path parameter is an error.
pub fn run(file: &mut syn::File, doc: &Value, typed: &[Replacement]) -> Result<(), Error> {
    let typed = typed.iter().filter(|t| t.kind == IdKind::Integer).map(|t| t.rust_name.clone()).collect();
    let mut fields = IntegerFields { typed, ..Default::default() };
    syn::visit_mut::visit_file_mut(&mut fields, file);
    let mut rewrite = Rewrite { integer_fields: fields.by_struct, current: None, rewritten: 0 };
    rewrite.visit_file_mut(file);
    expect::changed(
        PASS,
        rewrite.rewritten,
        expect::has_integer_path_parameter(doc),
        "`encode_path(&x.to_string())` in `format!` for a builder field `x` holding an integer",
    )
}

/// The integer-typed fields of every struct, by struct name.
#[derive(Default)]
struct IntegerFields {
    by_struct: HashMap<String, HashSet<String>>,
    /// The typed ids' names, which count as integers.
    typed: HashSet<String>,
}

impl VisitMut for IntegerFields {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        if super::holds_operations(item) {
            syn::visit_mut::visit_item_mod_mut(self, item);
        }
    }

    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        let names: HashSet<String> = item
            .fields
            .iter()
            .filter(|f| holds_integer(&f.ty, &self.typed))
            .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
            .collect();
        // Structs are told apart by name only (an operation's builder and a type's builder
        // may share one): a field counts only if it is an integer in every struct so named.
        self.by_struct
            .entry(item.ident.to_string())
            .and_modify(|known| known.retain(|name| names.contains(name)))
            .or_insert(names);
        visit_mut::visit_item_struct_mut(self, item);
    }
}

/// `Result<I, String>` (how builders hold a parameter) or `I` itself, for an integer `I`.
fn holds_integer(ty: &syn::Type, typed: &HashSet<String>) -> bool {
    let syn::Type::Path(path) = ty else { return false };
    let Some(last) = path.path.segments.last() else { return false };
    if last.ident == "Result"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(ok)) = args.args.first()
    {
        return holds_integer(ok, typed);
    }
    matches!(last.arguments, syn::PathArguments::None)
        && (INTEGERS.iter().any(|i| last.ident == i) || typed.contains(&last.ident.to_string()))
}

struct Rewrite {
    integer_fields: HashMap<String, HashSet<String>>,
    /// The integer fields of the struct whose `impl` is being visited.
    current: Option<HashSet<String>>,
    rewritten: usize,
}

impl VisitMut for Rewrite {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        if super::holds_operations(item) {
            syn::visit_mut::visit_item_mod_mut(self, item);
        }
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let name = match &*item.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        // Trait impls (`From`, `Clone`) have no URL to build.
        let outer = self.current.take();
        self.current = if item.trait_.is_none() {
            name.and_then(|n| self.integer_fields.get(&n).cloned()).filter(|fields| !fields.is_empty())
        } else {
            None
        };
        visit_mut::visit_item_impl_mut(self, item);
        self.current = outer;
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        visit_mut::visit_macro_mut(self, mac);
        let Some(fields) = &self.current else { return };
        if !mac.path.is_ident("format") {
            return;
        }
        // `format!` arguments are tokens to syn; parse them as expressions to rewrite them.
        let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        let Ok(mut args) = mac.parse_body_with(parser) else { return };
        let mut changed = false;
        for arg in args.iter_mut() {
            if let Some(field) = encoded_field(arg)
                && fields.contains(&field.to_string())
            {
                *arg = syn::parse_quote!(#field);
                changed = true;
                self.rewritten += 1;
            }
        }
        if changed {
            mac.tokens = args.to_token_stream();
        }
    }
}

/// `x` in `encode_path(&x.to_string())`.
fn encoded_field(expr: &syn::Expr) -> Option<syn::Ident> {
    let syn::Expr::Call(call) = expr else { return None };
    let syn::Expr::Path(func) = &*call.func else { return None };
    if func.path.segments.last().is_none_or(|s| s.ident != "encode_path") || call.args.len() != 1 {
        return None;
    }
    let syn::Expr::Reference(arg) = call.args.first()? else { return None };
    let syn::Expr::MethodCall(to_string) = &*arg.expr else { return None };
    if to_string.method != "to_string" || !to_string.args.is_empty() {
        return None;
    }
    let syn::Expr::Path(receiver) = &*to_string.receiver else { return None };
    receiver.path.get_ident().cloned()
}

#[cfg(test)]
mod tests {
    fn doc() -> serde_json::Value {
        let id = |name: &str, schema: serde_json::Value| serde_json::json!({"name": name, "in": "path", "required": true, "schema": schema});
        serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "2.0"},
            "paths": {"/things/{thing_id}/parts/{part}": {"get": {
                "operationId": "parts_get",
                "parameters": [
                    id("thing_id", serde_json::json!({"type": "integer", "format": "int64", "minimum": 1})),
                    id("part", serde_json::json!({"type": "string"})),
                ],
                "responses": {"204": {"description": "ok"}}
            }}}
        })
    }

    fn generate(with_pass: bool) -> String {
        let spec: openapiv3::OpenAPI = serde_json::from_value(doc()).unwrap();
        let tokens = crate::engine::try_progenitor(&spec, &crate::Settings::default()).unwrap();
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        if with_pass {
            super::run(&mut file, &doc(), &[]).unwrap();
        }
        // prettyplease leaves macro arguments as tokens: compare without white space.
        prettyplease::unparse(&file).split_whitespace().collect()
    }

    #[test]
    fn integer_path_parameters_are_formatted_without_encoding() {
        let before = generate(false);
        assert!(before.contains("encode_path(&thing_id.to_string())"), "{before}");
        let after = generate(true);
        assert!(!after.contains("encode_path(&thing_id.to_string())"), "{after}");
        assert!(after.contains("client.baseurl,thing_id,"), "{after}");
    }

    #[test]
    fn string_path_parameters_keep_their_encoding() {
        assert!(generate(true).contains("encode_path(&part.to_string())"));
    }

    #[test]
    fn a_field_named_alike_in_two_structs_must_be_an_integer_in_both() {
        let code = r#"
            mod a { struct Get { id: Result<u64, String> } }
            mod b { struct Get { id: Result<String, String> } }
            impl Get { fn send(self) { let url = format!("{}/x/{}", base, encode_path(&id.to_string())); } }
        "#;
        let mut file: syn::File = syn::parse_str(code).unwrap();
        super::run(&mut file, &serde_json::json!({"paths": {}}), &[]).unwrap();
        let out: String = quote::ToTokens::to_token_stream(&file).to_string().split_whitespace().collect();
        assert!(out.contains("encode_path(&id.to_string())"), "{out}");
    }

    #[test]
    fn an_integer_path_parameter_left_encoded_is_an_error() {
        let mut file: syn::File =
            syn::parse_str("struct S { thing_id: Result<u64, String> } impl S { fn f() {} }").unwrap();
        let err = super::run(&mut file, &doc(), &[]).unwrap_err().to_string();
        assert!(err.contains("format_integer_path_params") && err.contains("encode_path"), "{err}");
    }
}
