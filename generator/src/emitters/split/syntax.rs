//! Small operations on syntax trees: modules cut out and rebuilt, attributes pushed.

use super::*;

pub(super) fn push_attr(item: &mut syn::Item, attr: syn::Attribute) {
    let attrs = match item {
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        syn::Item::Union(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        _ => return,
    };
    attrs.insert(0, attr);
}

pub(super) fn content(m: syn::ItemMod) -> Result<(Vec<syn::Attribute>, Vec<syn::Item>), Error> {
    let name = m.ident.to_string();
    let items = m
        .content
        .map(|(_, items)| items)
        .ok_or_else(|| Error::Emit { message: format!("split: `{name}` has no body") })?;
    Ok((m.attrs, items))
}

// Built, not parsed from tokens: the items are most of the generated code, and printing them to
// tokens and parsing those again was about half of the split's time.
pub(super) fn module(name: &str, attrs: Vec<syn::Attribute>, items: Vec<syn::Item>) -> syn::Item {
    syn::Item::Mod(syn::ItemMod {
        attrs,
        vis: syn::parse_quote! { pub },
        unsafety: None,
        mod_token: Default::default(),
        ident: format_ident!("{name}"),
        content: Some((Default::default(), items)),
        semi: None,
    })
}

// Outer attributes of a module become the inner attributes of its file.
pub(super) fn inner(attrs: Vec<syn::Attribute>) -> Vec<syn::Attribute> {
    attrs
        .into_iter()
        .map(|mut a| {
            a.style = syn::AttrStyle::Inner(Default::default());
            a
        })
        .collect()
}

/// A `use super::...` of the root builder module, written for a module one level deeper.
pub(super) fn deeper(item: syn::Item) -> syn::Item {
    match item {
        syn::Item::Use(mut u) => {
            if let syn::UseTree::Path(p) = &u.tree
                && p.ident == "super"
            {
                let tree = u.tree.clone();
                u.tree = syn::parse_quote! { super::#tree };
            }
            syn::Item::Use(u)
        }
        other => other,
    }
}
