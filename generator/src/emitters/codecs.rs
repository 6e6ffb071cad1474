//! The table of example codecs: for each operation, the generated Rust types its documented
//! examples decode into (the success body, the error body, the request body), and for each
//! component schema with a type, that type. The examples test (`tests/tests/examples.rs`)
//! walks the spec's examples and looks each place up here. Beside it, the table of every
//! distinct response type (each operation's success and failure body), which the
//! `decode_responses` fuzz target picks from, so that the fuzzer covers every decoder a caller
//! can reach, not a hand-kept few.
//!
//! The table is read off progenitor's output, not worked out from schema names: the success and
//! error types are the `Value` and `Failure` of each builder's `Operation` impl (what `send`
//! returns, after progenitor merged several 2xx bodies into one type), the request body type is
//! the builder's `body` field, and a component's type is the item typify made under the
//! component key's PascalCase name, checked to exist. A type renamed or removed then shows up as
//! a stale table (`generate --check`) or a test that no longer compiles, never as a silent skip.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;

use crate::spec::validate::operations;

/// Where the table goes, relative to the workspace root.
pub const OUTPUT: &str = "tests/src/generated/example_codecs.rs";

/// One operation's types, as the tests crate names them (`None`: no JSON body there).
struct Entry {
    success: Option<syn::Type>,
    failure: Option<syn::Type>,
    body: Option<syn::Type>,
}

/// The table file for `file` (progenitor's output after the output passes) and `doc` (the
/// normalized document it was generated from). `header` heads the file.
pub fn table(file: &syn::File, doc: &Value, header: &str) -> String {
    // Builder name -> (Value, Failure, snake-case id), and builder name -> body type.
    let mut impls: BTreeMap<String, (syn::Type, syn::Type, String)> = BTreeMap::new();
    let mut bodies: BTreeMap<String, syn::Type> = BTreeMap::new();
    let mut types: BTreeSet<String> = BTreeSet::new();
    for item in &file.items {
        match item {
            syn::Item::Impl(imp) => {
                if let Some((builder, entry)) = operation_impl(imp) {
                    impls.insert(builder, entry);
                }
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    if let syn::Item::Struct(s) = item
                        && let Some(ty) = body_field(s)
                    {
                        bodies.insert(s.ident.to_string(), ty);
                    }
                }
            }
            syn::Item::Mod(m) if m.ident == "types" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    match item {
                        syn::Item::Struct(s) => types.insert(s.ident.to_string()),
                        syn::Item::Enum(e) => types.insert(e.ident.to_string()),
                        syn::Item::Type(t) => types.insert(t.ident.to_string()),
                        _ => false,
                    };
                }
            }
            _ => {}
        }
    }
    // The spec's operationIds by the snake-case id progenitor's builders carry.
    let ids: BTreeMap<String, String> = operations(doc)
        .iter()
        .filter_map(|op| op.item.get("operationId").and_then(Value::as_str))
        .map(|id| (id.to_snake_case(), id.to_owned()))
        .collect();
    let mut ops: BTreeMap<String, Entry> = BTreeMap::new();
    for (builder, (value, failure, id)) in &impls {
        let Some(op_id) = ids.get(id) else { continue };
        ops.insert(
            op_id.clone(),
            Entry {
                success: json_type(value),
                failure: json_type(failure),
                body: bodies.get(builder).and_then(json_type),
            },
        );
    }
    let mut components: BTreeMap<String, syn::Ident> = BTreeMap::new();
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        for (key, schema) in schemas {
            // Only a whole object: a component's example of a single value (an id, a slug)
            // says little that its parent's example does not.
            if !schema.get("example").is_some_and(Value::is_object) {
                continue;
            }
            let name = key.to_upper_camel_case();
            if types.contains(&name) {
                components.insert(key.clone(), format_ident!("{name}"));
            }
        }
    }

    let opt = |t: &Option<syn::Type>| match t {
        Some(t) => quote! { Some(codec::<#t>) },
        None => quote! { None },
    };
    let operations = ops.iter().map(|(id, e)| {
        let (success, failure, body) = (opt(&e.success), opt(&e.failure), opt(&e.body));
        quote! { Operation { id: #id, success: #success, failure: #failure, body: #body } }
    });
    let components = components.iter().map(|(key, ty)| quote! { (#key, codec::<types::#ty>) });
    // Deduplicated and sorted: each decoder once, at an index that moves only when a type is
    // added or removed, so that a fuzz input's two-byte selector keeps meaning the same type.
    let responses: BTreeMap<String, &syn::Type> = ops
        .values()
        .flat_map(|e| [&e.success, &e.failure])
        .flatten()
        .map(|ty| (ty.to_token_stream().to_string().replace(' ', ""), ty))
        .collect();
    let responses_doc = [
        format!(
            " Every distinct response type ({}: each operation's success and failure body), sorted by",
            responses.len()
        ),
        " name, with the fuzz target's round trip for it.".to_owned(),
    ];
    let responses = responses.iter().map(|(name, ty)| quote! { (#name, round_trip::<#ty>) });
    let file: syn::File = syn::parse_quote! {
        use digitalocean_sdk::types;

        use crate::examples::{Codec, Operation, RoundTrip, codec, round_trip};

        /// Every operation of the API, by operationId.
        pub const OPERATIONS: &[Operation] = &[#(#operations),*];
        /// Component schemas whose `example` is an object, by component key.
        pub const COMPONENTS: &[(&str, Codec)] = &[#(#components),*];
        #(#[doc = #responses_doc])*
        pub const RESPONSE_TYPES: &[(&str, RoundTrip)] = &[#(#responses),*];
    };
    format!(
        "{header}// The examples test's table: for each operation (by operationId) the types its success body,\n\
         // error body and request body decode into, and for each component schema with a whole-object\n\
         // example, its type. `None`: no JSON type there (no body, or raw bytes).\n\n{}",
        prettyplease::unparse(&file)
    )
}

/// `impl Operation for builder::X<'a> { type Value = V; type Failure = F; const ID = "id"; }`.
fn operation_impl(imp: &syn::ItemImpl) -> Option<(String, (syn::Type, syn::Type, String))> {
    let (_, trait_path, _) = imp.trait_.as_ref()?;
    if trait_path.segments.last()?.ident != "Operation" {
        return None;
    }
    let syn::Type::Path(p) = &*imp.self_ty else { return None };
    let builder = p.path.segments.last()?.ident.to_string();
    let (mut value, mut failure, mut id) = (None, None, None);
    for item in &imp.items {
        match item {
            syn::ImplItem::Type(t) if t.ident == "Value" => value = Some(t.ty.clone()),
            syn::ImplItem::Type(t) if t.ident == "Failure" => failure = Some(t.ty.clone()),
            syn::ImplItem::Const(c) if c.ident == "ID" => {
                if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &c.expr {
                    id = Some(s.value());
                }
            }
            _ => {}
        }
    }
    Some((builder, (value?, failure?, id?)))
}

/// `T` of a builder's `body: Result<T, String>` field, with typify's `types::builder::X` (the
/// builder the field holds) read as the type it builds, `types::X`.
fn body_field(s: &syn::ItemStruct) -> Option<syn::Type> {
    let field = s.fields.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == "body"))?;
    let syn::Type::Path(p) = &field.ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let syn::GenericArgument::Type(t) = args.args.first()? else { return None };
    if let syn::Type::Path(p) = t
        && let [types, builder, name] = &p.path.segments.iter().collect::<Vec<_>>()[..]
        && types.ident == "types"
        && builder.ident == "builder"
    {
        return Some(syn::parse_quote! { types::#name });
    }
    Some(t.clone())
}

/// The type as the tests crate names it, or `None` where the body is not JSON: no body (`()`),
/// or bytes (`ByteStream`, `reqwest::Body`).
fn json_type(ty: &syn::Type) -> Option<syn::Type> {
    let names: Vec<String> = match ty {
        syn::Type::Tuple(t) if t.elems.is_empty() => return None,
        syn::Type::Path(p) => p.path.segments.iter().map(|s| s.ident.to_string()).collect(),
        _ => Vec::new(),
    };
    let bytes = names.last().is_some_and(|n| n == "ByteStream") || names.ends_with(&["reqwest".into(), "Body".into()]);
    (!bytes).then(|| ty.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_value_failure_body_and_components() {
        let file: syn::File = syn::parse_quote! {
            impl<'a> crate::runtime::Operation for builder::ThingsCreate<'a> {
                type Value = types::ThingResponse;
                type Failure = types::Error;
                const ID: &'static str = "things_create";
            }
            impl<'a> crate::runtime::Operation for builder::ThingsDelete<'a> {
                type Value = ();
                type Failure = ByteStream;
                const ID: &'static str = "things_delete";
            }
            pub mod builder {
                pub struct ThingsCreate<'a> { client: &'a super::Client, body: Result<types::builder::Thing, String> }
                pub struct ThingsDelete<'a> { client: &'a super::Client }
            }
            pub mod types {
                pub struct Thing { a: i64 }
                pub struct Other { a: i64 }
            }
        };
        let doc = json!({
            "paths": {"/things": {
                "post": {"operationId": "things_create", "responses": {}},
                "delete": {"operationId": "things_delete", "responses": {}}
            }},
            "components": {"schemas": {
                "thing": {"type": "object", "example": {"a": 1}},
                "other": {"type": "object", "example": 1},
                "ghost": {"type": "object", "example": {"a": 1}}
            }}
        });
        // prettyplease lays the table out over several lines: read without whitespace and the
        // trailing commas it adds.
        let t: String = table(&file, &doc, "")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .replace(",)", ")")
            .replace(",]", "]")
            .replace(",}", "}");
        assert!(
            t.contains(
                "Operation{id:\"things_create\",success:Some(codec::<types::ThingResponse>),failure:Some(codec::<types::Error>),body:Some(codec::<types::Thing>)}"
            ),
            "{t}"
        );
        assert!(t.contains("Operation{id:\"things_delete\",success:None,failure:None,body:None}"), "{t}");
        assert!(t.contains("(\"thing\",codec::<types::Thing>)"), "{t}");
        // The response types: success and failure once each, the request body not at all.
        assert!(
            t.contains(
                "(\"types::Error\",round_trip::<types::Error>),(\"types::ThingResponse\",round_trip::<types::ThingResponse>)"
            ),
            "{t}"
        );
        assert!(!t.contains("round_trip::<types::Thing>"), "{t}");
        // Not a whole object, and no type of that name.
        assert!(!t.contains("\"other\"") && !t.contains("\"ghost\""), "{t}");
    }
}
