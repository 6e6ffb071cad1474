//! Lists: the operations that answer one page at a time, and what the SDK needs to walk them.
//!
//! An operation is a list when its builder takes optional `page` and `per_page` query
//! parameters and its success type is a struct with a `links` field (the links to the other
//! pages). Its items are the one field of that struct, other than `links` and `meta`, whose
//! type is a `Vec`; `x-sdk-items: <property>` on the operation (an overlay) names the field
//! where there are several or none, and `x-sdk-items: false` says the operation is not a list
//! of items (its pages hold something else, a map say), so each call stays one request. A list
//! whose items cannot be told apart this way stops the generator with an error naming the
//! operation.
//!
//! For each list response the generator writes an `impl Page` (`api/generated/pages.rs`): its
//! items, and its figures read off `links.pages.next`, `links.pages.last` and `meta.total`,
//! whatever the exact types of `links` and `meta` are (the API has several); the handles turn
//! the list's request into a list builder (`per_page`, `page`, `stream`, `collect`).

use std::collections::{BTreeMap, HashMap, HashSet};

use quote::ToTokens;
use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::error::Error;

/// The extension on an operation that names the field holding a list's items, or says with
/// `false` that the operation is not a list of items.
pub const ITEMS_EXTENSION: &str = "x-sdk-items";

/// What `x-sdk-items` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Items {
    /// The items are the field of this property name.
    Field(String),
    /// The pages hold no list of items: one request per call.
    NotAList,
}

/// Reads `x-sdk-items` of an operation.
pub(crate) fn items_extension(operation: &str, item: &Value) -> Result<Option<Items>, Error> {
    match item.get(ITEMS_EXTENSION) {
        None => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(Items::Field(s.clone()))),
        Some(Value::Bool(false)) => Ok(Some(Items::NotAList)),
        Some(other) => Err(Error::Handle {
            operation: operation.to_owned(),
            message: format!("`{ITEMS_EXTENSION}` must be a property name or `false`, not {other}"),
        }),
    }
}

/// One field of a generated struct.
#[derive(Clone)]
pub(crate) struct StructField {
    /// The Rust name (`type_`).
    pub(crate) ident: String,
    /// The name on the wire (`type`): the serde rename, else the Rust name.
    pub(crate) wire: String,
    pub(crate) ty: syn::Type,
}

/// The generated structs with named fields, by type name, and every type name (to root the
/// types a field names at `crate::types`).
#[derive(Clone, Default)]
pub(crate) struct Shapes {
    pub(crate) structs: HashMap<String, Vec<StructField>>,
    pub(crate) names: HashSet<String>,
}

impl Shapes {
    /// Reads the structs among the generated types.
    pub(crate) fn of(owned: &BTreeMap<String, Vec<syn::Item>>, names: &HashSet<String>) -> Self {
        let mut structs = HashMap::new();
        for (name, items) in owned {
            for item in items {
                let syn::Item::Struct(st) = item else { continue };
                let syn::Fields::Named(fields) = &st.fields else { continue };
                let fields = fields
                    .named
                    .iter()
                    .filter_map(|f| {
                        let ident = f.ident.as_ref()?.to_string();
                        let wire = serde_rename(&f.attrs).unwrap_or_else(|| ident.trim_start_matches("r#").to_owned());
                        Some(StructField { ident, wire, ty: f.ty.clone() })
                    })
                    .collect();
                structs.insert(name.clone(), fields);
            }
        }
        Shapes { structs, names: names.clone() }
    }

    pub(crate) fn fields(&self, name: &str) -> Option<&[StructField]> {
        self.structs.get(name).map(Vec::as_slice)
    }

    /// The struct a field's type names, through an `Option`: its name and whether it was optional.
    pub(crate) fn struct_of(&self, ty: &syn::Type) -> Option<(&str, bool)> {
        let (inner, optional) = unoption(ty);
        let name = single_name(inner)?;
        self.structs.get_key_value(&name).map(|(k, _)| (k.as_str(), optional))
    }

    /// `ty` named from the crate's root, as the handles name types.
    pub(crate) fn rooted(&self, ty: &syn::Type) -> syn::Type {
        struct Root<'n>(&'n HashSet<String>);
        impl VisitMut for Root<'_> {
            fn visit_type_path_mut(&mut self, tp: &mut syn::TypePath) {
                syn::visit_mut::visit_type_path_mut(self, tp);
                if tp.qself.is_some() || tp.path.leading_colon.is_some() {
                    return;
                }
                let segments: Vec<String> = tp.path.segments.iter().map(|s| s.ident.to_string()).collect();
                if segments.len() == 1 && self.0.contains(&segments[0]) {
                    *tp = syn::parse_quote! { crate::types::#tp };
                } else if segments.len() > 3 && segments[..3] == ["crate", "generated", "types"] {
                    let rest: Vec<&syn::PathSegment> = tp.path.segments.iter().skip(3).collect();
                    *tp = syn::parse_quote! { crate::types::#(#rest)::* };
                }
            }
        }
        let mut ty = ty.clone();
        Root(&self.names).visit_type_mut(&mut ty);
        ty
    }
}

// `#[serde(rename = "x")]`.
pub(crate) fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().filter(|a| a.path().is_ident("serde")).find_map(|a| {
        let mut found = None;
        let _ = a.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                found = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
        found
    })
}

/// The type argument of `ty` when its last segment is `wrapper` (`Option`, `Vec`).
pub(crate) fn argument_of<'t>(ty: &'t syn::Type, wrapper: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.iter().collect::<Vec<_>>()[..] {
        [syn::GenericArgument::Type(t)] => Some(t),
        _ => None,
    }
}

// `HashMap<String, String>`: links by name.
pub(crate) fn argument_map(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    p.path.segments.last().is_some_and(|s| s.ident == "HashMap")
        && ty.to_token_stream().to_string().replace(' ', "").ends_with("<::std::string::String,::std::string::String>")
}

pub(crate) fn unoption(ty: &syn::Type) -> (&syn::Type, bool) {
    match argument_of(ty, "Option") {
        Some(inner) => (inner, true),
        None => (ty, false),
    }
}

/// The name of a type that is one plain identifier, or a path into the generated types.
pub(crate) fn single_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    last.arguments.is_none().then(|| last.ident.to_string())
}

/// A list operation: its response type and where its items are.
#[derive(Clone)]
pub(crate) struct List {
    /// The response type's name in `crate::types`.
    pub(crate) response: String,
    /// The item type, named from the crate's root.
    pub(crate) item: syn::Type,
    /// The property of the answer that holds the items, as on the wire (`droplets`).
    pub(crate) items: String,
    /// The operation it was read from (errors name it).
    pub(crate) operation: String,
    /// The field holding the items.
    pub(crate) field: StructField,
    /// Every field of the response, `links` and `meta` among them.
    pub(crate) fields: Vec<StructField>,
}

/// The success type's name when it is a generated type (`crate::types::X`).
pub(crate) fn response_name(value: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = value else { return None };
    let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    match &segments[..] {
        [krate, types, name] if krate == "crate" && types == "types" => Some(name.clone()),
        _ => None,
    }
}

/// Whether the operation is a list, and if so where its items and figures are. `paged`: its
/// builder takes optional `page` and `per_page`. `value`: its success type as the handles name
/// it. A paged answer whose items the rule cannot find (no array, or several) is no list: the
/// operation stays a plain call, and `advice` gets the overlay that would make it one, so that
/// a new upstream shape never stops generation. An `x-sdk-items` that is wrong is an error: an
/// overlay said something the spec contradicts.
pub(crate) fn list_of(
    operation: &str,
    paged: bool,
    value: &syn::Type,
    items: Option<&Items>,
    shapes: &Shapes,
    advice: &mut Vec<String>,
) -> Result<Option<List>, Error> {
    let error = |message: String| Error::Handle { operation: operation.to_owned(), message };
    if items == Some(&Items::NotAList) {
        return Ok(None);
    }
    let response = response_name(value);
    let fields = response.as_deref().and_then(|r| shapes.fields(r));
    let has_links = fields.is_some_and(|f| f.iter().any(|f| f.wire == "links"));
    let (Some(response), Some(fields), true, true) = (response, fields, paged, has_links) else {
        if let Some(Items::Field(field)) = items {
            return Err(error(format!(
                "`{ITEMS_EXTENSION}: {field}` names the items of a list, but the operation is not one (no optional `page` and `per_page`, or no `links` in its answer)"
            )));
        }
        return Ok(None);
    };
    let arrays: Vec<&StructField> = fields
        .iter()
        .filter(|f| f.wire != "links" && f.wire != "meta" && argument_of(unoption(&f.ty).0, "Vec").is_some())
        .collect();
    let chosen = match items {
        Some(Items::Field(name)) => {
            let field = fields.iter().find(|f| &f.wire == name).ok_or_else(|| {
                error(format!("`{ITEMS_EXTENSION}: {name}` names no property of its answer `{response}`"))
            })?;
            if argument_of(unoption(&field.ty).0, "Vec").is_none() {
                return Err(error(format!(
                    "`{ITEMS_EXTENSION}: {name}` names a property of `{response}` that is not an array"
                )));
            }
            field
        }
        _ => match arrays[..] {
            [one] => one,
            [] => {
                advice.push(format!(
                    "operation `{operation}`: generated as a plain call: it pages, but its answer `{response}` has no array of items besides `links` and `meta`; name the items with `{ITEMS_EXTENSION}: <property>`, or say `{ITEMS_EXTENSION}: false`, in an overlay"
                ));
                return Ok(None);
            }
            _ => {
                let names: Vec<String> = arrays.iter().map(|f| format!("`{}`", f.wire)).collect();
                advice.push(format!(
                    "operation `{operation}`: generated as a plain call: it pages, but its answer `{response}` has several arrays ({}); name the items with `{ITEMS_EXTENSION}: <property>` in an overlay to make it a list",
                    names.join(", ")
                ));
                return Ok(None);
            }
        },
    };
    let (vec, _) = unoption(&chosen.ty);
    let item = shapes.rooted(argument_of(vec, "Vec").expect("an array, checked above"));
    Ok(Some(List {
        operation: operation.to_owned(),
        response,
        item,
        items: chosen.wire.clone(),
        field: chosen.clone(),
        fields: fields.to_vec(),
    }))
}

/// The property of an answer that holds several actions (`{"actions": [...]}`, as the droplet
/// actions by tag answer): the one array field of the success struct whose items are one of
/// `actions` (type names). `None` when there is no such field or several.
pub(crate) fn action_array(value: &syn::Type, shapes: &Shapes, actions: &HashSet<String>) -> Option<String> {
    action_array_field(value, shapes, actions).map(|f| f.wire)
}

/// [`action_array`]'s field, with its Rust name and type.
pub(crate) fn action_array_field(value: &syn::Type, shapes: &Shapes, actions: &HashSet<String>) -> Option<StructField> {
    let fields = shapes.fields(&response_name(value)?)?;
    let arrays: Vec<&StructField> = fields
        .iter()
        .filter(|f| {
            argument_of(unoption(&f.ty).0, "Vec").and_then(single_name).is_some_and(|name| actions.contains(&name))
        })
        .collect();
    match arrays[..] {
        [one] => Some(one.clone()),
        _ => None,
    }
}
