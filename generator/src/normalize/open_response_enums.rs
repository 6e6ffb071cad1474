//! typify turns a string enum into a closed Rust enum, so a value the API adds later (a new
//! action status, a new region) fails the whole response with `InvalidResponsePayload`, and a
//! new region cannot be sent at all.
//!
//! The pass lifts inline string enums of component properties into components of their own
//! (`action` + `status` becomes `action_status`) and lists every string-enum component. The
//! emitter then tells progenitor to use a replacement for each (`with_replacement`) and writes
//! that replacement itself: an enum with one arm per known value plus `Unknown(String)`, which
//! decodes and encodes any string.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Value, json};

/// A string enum that the generated code keeps open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenEnum {
    /// The component name (`action_status`).
    pub component: String,
    /// The Rust type name typify gives the component (`ActionStatus`).
    pub rust_name: String,
    /// The known values, in spec order.
    pub values: Vec<String>,
    /// The arm of each value, in the same order.
    pub variants: Vec<String>,
    /// The schema's description, for rustdoc.
    pub description: Option<String>,
}

/// Runs the pass: lifts inline property enums, then returns every open-able enum component.
pub fn run(doc: &mut Value) -> Vec<OpenEnum> {
    lift_property_enums(doc);
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) else { return Vec::new() };
    schemas
        .iter()
        .filter_map(|(name, schema)| {
            let values = enum_values(schema)?;
            Some(OpenEnum {
                component: name.clone(),
                rust_name: rust_type_name(name),
                variants: values.iter().map(|v| ident(v)).collect(),
                values,
                description: schema.get("description").and_then(Value::as_str).map(str::to_owned),
            })
        })
        .collect()
}

// A non-nullable string enum of two or more values; a one-value enum is a tag or a constant,
// which stays closed on purpose.
fn enum_values(schema: &Value) -> Option<Vec<String>> {
    if schema.get("type").and_then(Value::as_str) != Some("string") || schema.get("nullable") == Some(&json!(true)) {
        return None;
    }
    let values: Vec<String> =
        schema.get("enum")?.as_array()?.iter().map(|v| v.as_str().map(str::to_owned)).collect::<Option<_>>()?;
    (values.len() >= 2).then_some(values)
}

fn lift_property_enums(doc: &mut Value) {
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) else { return };
    let mut lifted = Vec::new();
    for (name, schema) in schemas {
        let Some(props) = schema.get("properties").and_then(Value::as_object) else { continue };
        for (prop, prop_schema) in props {
            if enum_values(prop_schema).is_some() {
                let mut component = prop_schema.clone();
                if let Some(m) = component.as_object_mut() {
                    // A default would make typify emit a constructor for a type it no longer owns.
                    m.remove("default");
                }
                lifted.push((name.clone(), prop.clone(), format!("{name}_{prop}"), component));
            }
        }
    }
    for (schema, prop, new_name, component) in lifted {
        let schemas = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut).expect("checked above");
        if schemas.contains_key(&new_name) {
            continue;
        }
        schemas.insert(new_name.clone(), component);
        if let Some(slot) =
            schemas.get_mut(&schema).and_then(|s| s.get_mut("properties")).and_then(|p| p.get_mut(&prop))
        {
            *slot = json!({"$ref": format!("#/components/schemas/{new_name}")});
        }
    }
}

/// The name typify gives a component (its own `sanitize` with Pascal case).
pub fn rust_type_name(component: &str) -> String {
    ident(component)
}

fn ident(raw: &str) -> String {
    use heck::ToPascalCase;
    let cleaned: String =
        raw.replace('\'', "").chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '-' }).collect();
    let out = cleaned.to_pascal_case();
    match out.chars().next() {
        None => "X".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("X{out}"),
        Some(_) => out,
    }
}

impl OpenEnum {
    /// The Rust items for this enum: the type, its string conversions and serde impls.
    pub fn tokens(&self) -> TokenStream {
        let name = format_ident!("{}", self.rust_name);
        let variants: Vec<_> = self.variants.iter().map(|v| format_ident!("{v}")).collect();
        let unknown = if variants.iter().any(|v| v == "Unknown") {
            format_ident!("UnknownValue")
        } else {
            format_ident!("Unknown")
        };
        let values = &self.values;
        let docs: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        let description = self.description.clone().unwrap_or_else(|| format!("The `{}` values.", self.component));
        let type_doc = format!(
            "{description}\n\nOpen: a value this version does not know decodes as `{unknown}` and encodes back unchanged. \
             Build values with `From<&str>` or `str::parse` so known values get their own arm."
        );
        quote! {
            #[doc = #type_doc]
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #name {
                #( #[doc = #docs] #variants, )*
                /// A value this version of the SDK does not know.
                #unknown(::std::string::String),
            }

            impl #name {
                /// The value as the API spells it.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#variants => #values, )*
                        Self::#unknown(other) => other.as_str(),
                    }
                }

                /// Whether this is a value the SDK knows.
                pub fn is_known(&self) -> bool {
                    !matches!(self, Self::#unknown(_))
                }
            }

            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #( #values => Self::#variants, )*
                        other => Self::#unknown(other.to_owned()),
                    }
                }
            }

            impl ::std::convert::From<::std::string::String> for #name {
                fn from(value: ::std::string::String) -> Self {
                    Self::from(value.as_str())
                }
            }

            impl ::std::convert::From<&::std::string::String> for #name {
                fn from(value: &::std::string::String) -> Self {
                    Self::from(value.as_str())
                }
            }

            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                    Ok(Self::from(value.as_ref()))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn doc() -> serde_json::Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {
                "operationId": "x_get",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/action"}}}}}
            }}},
            "components": {"schemas": {
                "action": {"type": "object", "properties": {
                    "status": {"type": "string", "enum": ["in-progress", "completed"], "default": "in-progress"}
                }}
            }}
        })
    }

    #[test]
    fn inline_enum_is_lifted_and_listed() {
        let mut d = doc();
        let found = super::run(&mut d);
        assert_eq!(
            d.pointer("/components/schemas/action/properties/status/$ref"),
            Some(&json!("#/components/schemas/action_status"))
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rust_name, "ActionStatus");
        assert_eq!(found[0].values, ["in-progress", "completed"]);
    }

    #[test]
    fn without_the_pass_the_enum_is_closed() {
        let spec: openapiv3::OpenAPI = serde_json::from_value(doc()).unwrap();
        let code = crate::engine::try_progenitor(&spec, &crate::Settings::default()).unwrap().to_string();
        assert!(!code.contains("Unknown"), "typify made the enum open by itself");
        let mut d = doc();
        let open = super::run(&mut d);
        let code = crate::engine::emit_tokens(&d, &open, &[], &crate::Settings::default()).unwrap();
        assert!(
            code.contains("Unknown(::std::string::String)") || code.contains("Unknown(::std::string::String )"),
            "{code}"
        );
    }
}
