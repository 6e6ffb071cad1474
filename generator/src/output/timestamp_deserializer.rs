//! progenitor types every `format: date-time` as `chrono::DateTime<Utc>`, which decodes through
//! chrono's general RFC 3339 parser, about 1,300 instructions a timestamp. With a
//! deserializer set (`Settings::timestamp_deserializer`, a module with `deserialize` and
//! `deserialize_option`), the pass points every timestamp field of the response types at it.
//! The module must accept and refuse exactly what chrono does (the SDK's does, by falling back
//! to chrono for anything but the API's own `...Z` form).

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

use crate::error::Error;

const TIMESTAMP: &str = "::chrono::DateTime<::chrono::offset::Utc>";
const OPTIONAL_TIMESTAMP: &str = "::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>";
/// What progenitor puts on a required but nullable field, so that a missing one is an error.
const REQUIRED_OPTION: &str = "::std::option::Option::deserialize";

/// Attaches `module::deserialize` / `module::deserialize_option` to every timestamp field of
/// every struct that derives `Deserialize`.
pub fn run(file: &mut syn::File, module: &str) -> Result<(), Error> {
    syn::parse_str::<syn::Path>(module)
        .map_err(|e| Error::Emit { message: format!("timestamp deserializer `{module}`: {e}") })?;
    Attach { module: module.to_owned() }.visit_file_mut(file);
    Ok(())
}

struct Attach {
    module: String,
}

impl VisitMut for Attach {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        visit_mut::visit_item_struct_mut(self, item);
        if !derives_deserialize(&item.attrs) {
            return;
        }
        for field in item.fields.iter_mut() {
            let ty = compact(&field.ty);
            if ty == TIMESTAMP {
                let path = format!("{}::deserialize", self.module);
                field.attrs.push(syn::parse_quote!(#[serde(deserialize_with = #path)]));
            } else if ty == OPTIONAL_TIMESTAMP {
                let path = format!("{}::deserialize_option", self.module);
                let required = field.attrs.iter().position(|a| compact(a).contains(REQUIRED_OPTION));
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
    attrs.iter().any(|a| a.path().is_ident("derive") && compact(a).contains("Deserialize"))
}

fn compact(tokens: &impl ToTokens) -> String {
    tokens.to_token_stream().to_string().split_whitespace().collect()
}

#[cfg(test)]
mod tests {
    fn generate(module: Option<&str>) -> String {
        let spec: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
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
        }))
        .unwrap();
        let tokens = crate::emit::try_progenitor(&spec, &crate::Settings::default()).unwrap();
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        if let Some(module) = module {
            super::run(&mut file, module).unwrap();
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
        let err = super::run(&mut file, "not a path!").unwrap_err();
        assert!(err.to_string().contains("timestamp deserializer `not a path!`"), "{err}");
    }
}
