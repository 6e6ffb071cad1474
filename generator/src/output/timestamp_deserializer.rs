//! progenitor types every `format: date-time` as `chrono::DateTime<Utc>`, which decodes through
//! chrono's general RFC 3339 parser, about 1,300 instructions a timestamp. With a
//! deserializer set (`Settings::timestamp_deserializer`, a module with `deserialize` and
//! `deserialize_option`), the pass points every timestamp field of the response types at it.
//! The module must accept and refuse exactly what chrono does (the SDK's does, by falling back
//! to chrono for anything but the API's own `...Z` form).

use serde_json::Value;
use syn::visit_mut::{self, VisitMut};

use super::expect;
use crate::error::Error;

const PASS: &str = "timestamp_deserializer";

/// Attaches `module::deserialize` / `module::deserialize_option` to every timestamp field of
/// every struct that derives `Deserialize`. Attaching none while `doc` has a `date-time` in a
/// body or component schema is an error.
pub fn run(file: &mut syn::File, doc: &Value, module: &str) -> Result<(), Error> {
    syn::parse_str::<syn::Path>(module)
        .map_err(|e| Error::Emit { message: format!("timestamp deserializer `{module}`: {e}") })?;
    let mut attach = Attach { module: module.to_owned(), attached: 0 };
    attach.visit_file_mut(file);
    expect::changed(
        PASS,
        attach.attached,
        expect::has_body_timestamp(doc),
        "fields of type `chrono::DateTime<Utc>` or `Option<chrono::DateTime<Utc>>` in structs deriving `Deserialize`",
    )
}

struct Attach {
    module: String,
    attached: usize,
}

impl VisitMut for Attach {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        visit_mut::visit_item_struct_mut(self, item);
        if !derives_deserialize(&item.attrs) {
            return;
        }
        for field in item.fields.iter_mut() {
            if is_timestamp(&field.ty) {
                let path = format!("{}::deserialize", self.module);
                field.attrs.push(syn::parse_quote!(#[serde(deserialize_with = #path)]));
                self.attached += 1;
            } else if option_of(&field.ty).is_some_and(is_timestamp) {
                let path = format!("{}::deserialize_option", self.module);
                self.attached += 1;
                let required = field.attrs.iter().position(deserializes_with_option);
                match required {
                    // Required but nullable: still an error when missing.
                    Some(at) => field.attrs[at] = syn::parse_quote!(#[serde(deserialize_with = #path)]),
                    // Optional: missing stays `None`, as serde gives an `Option` by itself.
                    None => field.attrs.push(syn::parse_quote!(#[serde(default, deserialize_with = #path)])),
                }
            }
        }
    }
}

fn derives_deserialize(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        a.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            .is_ok_and(|paths| paths.iter().any(|p| p.segments.last().is_some_and(|s| s.ident == "Deserialize")))
    })
}

/// The last segments of a type path, with their generic arguments.
fn path_of(ty: &syn::Type) -> Option<&syn::Path> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => Some(&p.path),
        _ => None,
    }
}

fn ends_with(path: &syn::Path, tail: &[&str]) -> bool {
    let segments: Vec<&syn::PathSegment> = path.segments.iter().collect();
    segments.len() >= tail.len() && segments[segments.len() - tail.len()..].iter().zip(tail).all(|(s, t)| s.ident == t)
}

fn first_type_argument(segment: &syn::PathSegment) -> Option<&syn::Type> {
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// `chrono::DateTime<Utc>` by any path to both.
fn is_timestamp(ty: &syn::Type) -> bool {
    let Some(path) = path_of(ty) else { return false };
    ends_with(path, &["chrono", "DateTime"])
        && path
            .segments
            .last()
            .and_then(first_type_argument)
            .and_then(path_of)
            .is_some_and(|p| p.segments.last().is_some_and(|s| s.ident == "Utc"))
}

/// `T` in `Option<T>`.
fn option_of(ty: &syn::Type) -> Option<&syn::Type> {
    let path = path_of(ty)?;
    if path.segments.last().is_none_or(|s| s.ident != "Option") {
        return None;
    }
    path.segments.last().and_then(first_type_argument)
}

/// `#[serde(deserialize_with = "::std::option::Option::deserialize")]`, which progenitor puts on
/// a required but nullable field so that a missing one is an error.
fn deserializes_with_option(attr: &syn::Attribute) -> bool {
    if !attr.path().is_ident("serde") {
        return false;
    }
    let mut found = false;
    let _ = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("deserialize_with") {
            let value: syn::LitStr = meta.value()?.parse()?;
            found |= value.value().replace(' ', "").ends_with("Option::deserialize");
        } else if meta.input.peek(syn::Token![=]) {
            let _: syn::Expr = meta.value()?.parse()?;
        }
        Ok(())
    });
    found
}

#[cfg(test)]
mod tests {
    fn doc() -> serde_json::Value {
        serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "2.0"},
            "paths": {"/x": {"get": {"operationId": "x_get", "responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
            }}}}},
            "components": {"schemas": {"Thing": {
                "type": "object",
                "required": ["made", "done"],
                "properties": {
                    "made": {"type": "string", "format": "date-time"},
                    "done": {"type": "string", "format": "date-time", "nullable": true},
                    "seen": {"type": "string", "format": "date-time"},
                    "name": {"type": "string"}
                }
            }}}
        })
    }

    fn generate(module: Option<&str>) -> String {
        let spec: openapiv3::OpenAPI = serde_json::from_value(doc()).unwrap();
        let tokens = crate::emit::try_progenitor(&spec, &crate::Settings::default()).unwrap();
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        if let Some(module) = module {
            super::run(&mut file, &doc(), module).unwrap();
        }
        prettyplease::unparse(&file)
    }

    #[test]
    fn timestamp_fields_use_the_deserializer() {
        let before = generate(None);
        assert!(!before.contains("crate::timestamp"), "{before}");
        let after = generate(Some("crate::timestamp"));
        let types = &after[..after.find("pub mod builder").unwrap_or(after.len())];
        assert_eq!(types.matches(r#"deserialize_with = "crate::timestamp::deserialize""#).count(), 1, "{types}");
        assert!(types.contains(r#"#[serde(deserialize_with = "crate::timestamp::deserialize_option")]"#), "{types}");
        assert!(
            types.contains(r#"#[serde(default, deserialize_with = "crate::timestamp::deserialize_option")]"#),
            "{types}"
        );
        assert!(!types.contains("::std::option::Option::deserialize"), "{types}");
    }

    #[test]
    fn a_deserializer_that_is_not_a_path_is_an_error() {
        let mut file: syn::File = syn::parse_str("struct S;").unwrap();
        let err = super::run(&mut file, &doc(), "not a path!").unwrap_err();
        assert!(err.to_string().contains("timestamp deserializer `not a path!`"), "{err}");
    }

    #[test]
    fn timestamps_in_the_spec_but_none_in_the_code_is_an_error() {
        let mut file: syn::File =
            syn::parse_str("#[derive(Deserialize)] struct Thing { made: ::std::string::String }").unwrap();
        let err = super::run(&mut file, &doc(), "crate::timestamp").unwrap_err().to_string();
        assert!(err.contains("timestamp_deserializer") && err.contains("DateTime"), "{err}");
        // A spec without timestamps: nothing to attach is fine.
        super::run(&mut file, &serde_json::json!({"paths": {}}), "crate::timestamp").unwrap();
    }
}
