//! What progenitor's builder of each operation takes and answers: read from its tokens, so the
//! handles use exactly the names and types progenitor chose (`type` → `type_`, its
//! conversions).

use std::collections::HashMap;

use syn::visit_mut::VisitMut;

use crate::error::Error;

/// One operation as the handles see it: from the spec and from the builder progenitor wrote.
#[derive(Clone)]
pub(crate) struct Described {
    /// The builder's struct name (`DropletsList`).
    pub(crate) builder: String,
    /// Its parameters (the struct's fields but `client`), in order.
    pub(crate) fields: Vec<Field>,
    /// The success body type, as the `Operation` impl names it.
    pub(crate) value: syn::Type,
    /// Whether the error body is a stream of bytes (not the API's JSON error).
    pub(crate) failure_stream: bool,
}

#[derive(Clone)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) required: bool,
    /// The type the setter converts to (`V: TryInto<T>`).
    pub(crate) ty: syn::Type,
}

/// Reads an operation's builder: its struct, its `new` (which fields start unset, that is
/// required) and its setters, and the success type from its `Operation` impl.
pub(crate) fn describe(
    operation: &str,
    builder_items: &[syn::Item],
    trait_impls: &[syn::Item],
) -> Result<Described, Error> {
    let bad = |what: &str| Error::Handle {
        operation: operation.to_owned(),
        message: format!("progenitor's builder has no {what}; has progenitor's output changed shape?"),
    };
    let structure = builder_items
        .iter()
        .find_map(|i| if let syn::Item::Struct(s) = i { Some(s) } else { None })
        .ok_or_else(|| bad("struct"))?;
    let builder = structure.ident.to_string();
    let mut required = HashMap::new();
    let mut setters = HashMap::new();
    for item in builder_items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        for it in &imp.items {
            let syn::ImplItem::Fn(f) = it else { continue };
            if f.sig.ident == "new" {
                new_fields(&f.block, &mut required);
            } else if let Some(ty) = setter_type(f) {
                setters.insert(f.sig.ident.to_string(), ty);
            }
        }
    }
    let mut fields = Vec::new();
    for field in &structure.fields {
        let Some(ident) = &field.ident else { continue };
        let name = ident.to_string();
        if name == "client" {
            continue;
        }
        let ty = setters.get(&name).cloned().ok_or_else(|| bad(&format!("setter for `{name}`")))?;
        let required = *required.get(&name).ok_or_else(|| bad(&format!("initial value for `{name}` in `new`")))?;
        fields.push(Field { name, required, ty: public(ty) });
    }
    let associated = |name: &str| {
        trait_impls
            .iter()
            .filter_map(|i| if let syn::Item::Impl(imp) = i { Some(imp) } else { None })
            .flat_map(|imp| imp.items.iter())
            .find_map(|it| match it {
                syn::ImplItem::Type(t) if t.ident == name => Some(t.ty.clone()),
                _ => None,
            })
            .ok_or_else(|| bad(&format!("`Operation` impl with a `{name}` type")))
    };
    let value = public(associated("Value")?);
    let failure_stream = is_stream(&associated("Failure")?);
    Ok(Described { builder, fields, value, failure_stream })
}

impl Described {
    /// Whether the builder takes optional `page` and `per_page`: the operation pages.
    pub(crate) fn paged(&self) -> bool {
        ["page", "per_page"].iter().all(|p| self.fields.iter().any(|f| !f.required && f.name == *p))
    }
}

// `Self { field: Err(..), .. }` in `new`: a field that starts as an error must be set.
pub(crate) fn new_fields(block: &syn::Block, out: &mut HashMap<String, bool>) {
    let Some(syn::Stmt::Expr(syn::Expr::Struct(s), _)) = block.stmts.last() else { return };
    for f in &s.fields {
        let syn::Member::Named(name) = &f.member else { continue };
        let unset =
            matches!(&f.expr, syn::Expr::Call(c) if matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Err")));
        out.insert(name.to_string(), unset);
    }
}

// `T` in `fn name<V>(mut self, value: V) -> Self where V: TryInto<T>`.
pub(crate) fn setter_type(f: &syn::ImplItemFn) -> Option<syn::Type> {
    let where_clause = f.sig.generics.where_clause.as_ref()?;
    where_clause.predicates.iter().find_map(|p| {
        let syn::WherePredicate::Type(t) = p else { return None };
        t.bounds.iter().find_map(|b| {
            let syn::TypeParamBound::Trait(tb) = b else { return None };
            let last = tb.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
            args.args.iter().find_map(|a| if let syn::GenericArgument::Type(ty) = a { Some(ty.clone()) } else { None })
        })
    })
}

/// A type as the generated module names it, named from the crate's root instead: `types::X`
/// is `crate::types::X` (the public re-export), progenitor's `ByteStream` is the SDK's own
/// `crate::ByteStream` (the call maps one to the other), so that no progenitor type is in
/// what users name.
pub(crate) fn public(mut ty: syn::Type) -> syn::Type {
    struct Rooted;
    impl VisitMut for Rooted {
        fn visit_type_path_mut(&mut self, tp: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, tp);
            if tp.qself.is_some() || tp.path.leading_colon.is_some() {
                return;
            }
            let first = tp.path.segments.first().map(|s| s.ident.to_string());
            match first.as_deref() {
                Some("types") => *tp = syn::parse_quote! { crate::#tp },
                Some("ByteStream") if tp.path.segments.len() == 1 => *tp = syn::parse_quote! { crate::ByteStream },
                _ => {}
            }
        }
    }
    Rooted.visit_type_mut(&mut ty);
    ty
}

pub(crate) fn is_stream(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "ByteStream"))
}
