//! Envelopes and actions among the generated types: which answers wrap one resource (the
//! handles unwrap them), and which types are actions (the handles wait on them).

use std::collections::{BTreeMap, HashMap, HashSet};

/// An envelope: a type of exactly one field, which holds one value of another type of the API
/// (`DropletsGetResponse { droplet: Option<Droplet> }`).
#[derive(Clone)]
pub(crate) struct Envelope {
    pub(crate) field: String,
    /// The field's type without `Option`, named from the crate's root.
    pub(crate) ty: syn::Type,
    /// Whether the schema leaves the field optional. Upstream marks most envelope keys optional,
    /// yet an answer without its resource is not a success the caller can use: the call gives a
    /// decode error naming the field instead.
    pub(crate) optional: bool,
}

/// The envelopes among the generated types, by type name. The rule: a struct with one named
/// field, neither a list nor flattened, whose type (inside `Option` or not) is a type of the API.
pub(crate) fn envelopes(
    owned: &BTreeMap<String, Vec<syn::Item>>,
    names: &std::collections::HashSet<String>,
) -> HashMap<String, Envelope> {
    let mut out = HashMap::new();
    for (name, items) in owned {
        for item in items {
            let syn::Item::Struct(st) = item else { continue };
            let syn::Fields::Named(fields) = &st.fields else { continue };
            let [field] = fields.named.iter().collect::<Vec<_>>()[..] else { continue };
            if field.attrs.iter().any(is_serde_flatten) {
                continue;
            }
            let (inner, optional) = match crate::model::lists::argument_of(&field.ty, "Option") {
                Some(inner) => (inner, true),
                None => (&field.ty, false),
            };
            let Some(ident) = api_type(inner, names) else { continue };
            let Some(field_name) = &field.ident else { continue };
            out.insert(
                name.clone(),
                Envelope { field: field_name.to_string(), ty: syn::parse_quote! { crate::types::#ident }, optional },
            );
        }
    }
    out
}

/// `#[serde(.., flatten, ..)]`, read as syntax: a doc comment that mentions flattening is not one.
pub(crate) fn is_serde_flatten(attr: &syn::Attribute) -> bool {
    use syn::punctuated::Punctuated;
    attr.path().is_ident("serde")
        && attr
            .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
            .is_ok_and(|metas| metas.iter().any(|m| matches!(m, syn::Meta::Path(p) if p.is_ident("flatten"))))
}

/// The actions among the generated types, by name: a struct with an `id` that is an `ActionId`
/// and a `status` that is an `ActionStatus`, the two things `GET /v2/actions/{action_id}` reads
/// and a wait needs (a droplet's `Action`, a volume's `VolumeAction`, a reserved IP's
/// `ReservedIPsActionsPostResponseAction`, ...). An NFS action has a string id and a status of
/// its own, so it is none: the account's actions route does not know it.
pub(crate) fn actions(owned: &BTreeMap<String, Vec<syn::Item>>) -> HashSet<String> {
    let last = |ty: &syn::Type| match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    let mut out = HashSet::new();
    for (name, items) in owned {
        for item in items {
            let syn::Item::Struct(st) = item else { continue };
            let syn::Fields::Named(fields) = &st.fields else { continue };
            let field = |n: &str| fields.named.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == n));
            let id = field("id").and_then(|f| last(&f.ty));
            let status = field("status").and_then(|f| last(&f.ty));
            if id.as_deref() == Some("ActionId") && status.as_deref() == Some("ActionStatus") {
                out.insert(name.clone());
            }
        }
    }
    out
}

// The name of a type of the API written bare (`Droplet`), as typify writes its own types.
pub(crate) fn api_type<'t>(ty: &'t syn::Type, names: &std::collections::HashSet<String>) -> Option<&'t syn::Ident> {
    let syn::Type::Path(p) = ty else { return None };
    if p.qself.is_some() || p.path.leading_colon.is_some() || p.path.segments.len() != 1 {
        return None;
    }
    let segment = &p.path.segments[0];
    (segment.arguments.is_none() && names.contains(&segment.ident.to_string())).then_some(&segment.ident)
}
