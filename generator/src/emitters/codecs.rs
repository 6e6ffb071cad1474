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
use quote::ToTokens;
use serde_json::Value;

use crate::spec::validate::operations;

/// Where the table goes, relative to the workspace root.
pub const OUTPUT: &str = "tests/src/generated/example_codecs.rs";

/// One operation's types, as Rust paths in the tests crate (`None`: no JSON body there).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Entry {
    success: Option<String>,
    failure: Option<String>,
    body: Option<String>,
}

/// The table file for `file` (progenitor's output after the output passes) and `doc` (the
/// normalized document it was generated from). `header` heads the file.
pub fn table(file: &syn::File, doc: &Value, header: &str) -> String {
    // Builder name -> (Value, Failure, snake-case id), and builder name -> body type.
    let mut impls: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    let mut bodies: BTreeMap<String, String> = BTreeMap::new();
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
                body: bodies.get(builder).and_then(|t| json_type(t)),
            },
        );
    }
    let mut components: BTreeMap<String, String> = BTreeMap::new();
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        for (key, schema) in schemas {
            // Only a whole object: a component's example of a single value (an id, a slug)
            // says little that its parent's example does not.
            if !schema.get("example").is_some_and(Value::is_object) {
                continue;
            }
            let name = key.to_upper_camel_case();
            if types.contains(&name) {
                components.insert(key.clone(), format!("types::{name}"));
            }
        }
    }

    let mut out = String::from(header);
    out.push_str(
        "// The examples test's table: for each operation (by operationId) the types its success body,\n\
         // error body and request body decode into, and for each component schema with a whole-object\n\
         // example, its type. `None`: no JSON type there (no body, or raw bytes).\n\n\
         use digitalocean_sdk::types;\n\n\
         use crate::examples::{Codec, Operation, RoundTrip, codec, round_trip};\n\n",
    );
    let opt = |t: &Option<String>| match t {
        Some(t) => format!("Some(codec::<{t}>)"),
        None => "None".to_owned(),
    };
    out.push_str("/// Every operation of the API, by operationId.\npub const OPERATIONS: &[Operation] = &[\n");
    for (id, e) in &ops {
        out.push_str(&format!(
            "    Operation {{ id: {id:?}, success: {}, failure: {}, body: {} }},\n",
            opt(&e.success),
            opt(&e.failure),
            opt(&e.body)
        ));
    }
    out.push_str("];\n\n");
    out.push_str(
        "/// Component schemas whose `example` is an object, by component key.\npub const COMPONENTS: &[(&str, Codec)] = &[\n",
    );
    for (key, ty) in &components {
        out.push_str(&format!("    ({key:?}, codec::<{ty}>),\n"));
    }
    out.push_str("];\n\n");
    // Deduplicated and sorted: each decoder once, at an index that moves only when a type is
    // added or removed, so that a fuzz input's two-byte selector keeps meaning the same type.
    let responses: BTreeSet<&String> = ops.values().flat_map(|e| [&e.success, &e.failure]).flatten().collect();
    out.push_str(&format!(
        "/// Every distinct response type ({}: each operation's success and failure body), sorted by\n\
         /// name, with the fuzz target's round trip for it.\n\
         pub const RESPONSE_TYPES: &[(&str, RoundTrip)] = &[\n",
        responses.len()
    ));
    for ty in responses {
        out.push_str(&format!("    ({ty:?}, round_trip::<{ty}>),\n"));
    }
    out.push_str("];\n");
    out
}

/// `impl Operation for builder::X<'a> { type Value = V; type Failure = F; const ID = "id"; }`.
fn operation_impl(imp: &syn::ItemImpl) -> Option<(String, (String, String, String))> {
    let (_, trait_path, _) = imp.trait_.as_ref()?;
    if trait_path.segments.last()?.ident != "Operation" {
        return None;
    }
    let syn::Type::Path(p) = &*imp.self_ty else { return None };
    let builder = p.path.segments.last()?.ident.to_string();
    let (mut value, mut failure, mut id) = (None, None, None);
    for item in &imp.items {
        match item {
            syn::ImplItem::Type(t) if t.ident == "Value" => value = Some(path_text(&t.ty)),
            syn::ImplItem::Type(t) if t.ident == "Failure" => failure = Some(path_text(&t.ty)),
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
fn body_field(s: &syn::ItemStruct) -> Option<String> {
    let field = s.fields.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == "body"))?;
    let syn::Type::Path(p) = &field.ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let syn::GenericArgument::Type(t) = args.args.first()? else { return None };
    Some(path_text(t).replace("types::builder::", "types::"))
}

fn path_text(ty: &syn::Type) -> String {
    ty.to_token_stream().to_string().replace(' ', "")
}

/// The type as the tests crate names it, or `None` where the body is not JSON: no body (`()`),
/// or bytes (`ByteStream`, `reqwest::Body`).
fn json_type(ty: &str) -> Option<String> {
    if ty == "()" || ty.ends_with("ByteStream") || ty.ends_with("reqwest::Body") {
        return None;
    }
    Some(ty.to_owned())
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
        let t = table(&file, &doc, "");
        assert!(
            t.contains(
                "Operation { id: \"things_create\", success: Some(codec::<types::ThingResponse>), failure: Some(codec::<types::Error>), body: Some(codec::<types::Thing>) }"
            ),
            "{t}"
        );
        assert!(t.contains("Operation { id: \"things_delete\", success: None, failure: None, body: None }"), "{t}");
        assert!(t.contains("(\"thing\", codec::<types::Thing>)"), "{t}");
        // The response types: success and failure once each, the request body not at all.
        assert!(
            t.contains(
                "(\"types::Error\", round_trip::<types::Error>),\n    (\"types::ThingResponse\", round_trip::<types::ThingResponse>),\n];"
            ),
            "{t}"
        );
        assert!(!t.contains("round_trip::<types::Thing>"), "{t}");
        // Not a whole object, and no type of that name.
        assert!(!t.contains("\"other\"") && !t.contains("\"ghost\""), "{t}");
    }
}
