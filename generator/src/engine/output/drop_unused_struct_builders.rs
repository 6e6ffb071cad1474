//! Why a pass and not a setting: typify writes a builder for every struct whenever progenitor's
//! builder interface is chosen, with no per-type switch.
//!
//! typify writes a builder for every struct (`types::builder::X` and `X::builder()`), because
//! progenitor's builder interface stores request bodies in them. A type the API only sends back
//! is never built by a caller, yet its builder was compiled by every user: over the whole API
//! the builders were about two thirds of `types.rs`. The pass keeps the builders of the types a
//! caller may build (request bodies, and every type reachable from one, so that a nested part
//! of a body has its builder too) and removes the rest.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;

use crate::error::Error;

const PASS: &str = "drop_unused_struct_builders";

/// Removes the builders of the types no request reaches; gives how many were removed. A file
/// with operation builders but no `types::builder` module is an error: progenitor's output has
/// changed shape.
pub fn run(file: &mut syn::File) -> Result<usize, Error> {
    let mut used = BTreeSet::new();
    for item in &file.items {
        if !matches!(item, syn::Item::Mod(m) if m.ident == "types") {
            BuilderPaths(&mut used).visit_item(item);
        }
    }
    let Some(types) = file.items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Ok(0);
    };
    let has_builders = types.iter().any(|i| matches!(i, syn::Item::Mod(m) if m.ident == "builder"));
    if !has_builders {
        if used.is_empty() {
            return Ok(0);
        }
        return Err(Error::OutputPass { pass: PASS, looked_for: "the `types::builder` module typify writes".into() });
    }
    let keep = reachable(types, used);
    let mut removed = 0;
    let mut unparsable = None;
    types.retain_mut(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => {
            if let Some((_, items)) = m.content.as_mut() {
                let before = items.len();
                items.retain(|i| subject(i).is_none_or(|name| keep.contains(&name)));
                removed += before - items.len();
                // What is kept of the builders left as tokens (`unparsed`) is parsed now.
                for item in items.iter_mut() {
                    if let syn::Item::Verbatim(tokens) = item {
                        match syn::parse2::<syn::Item>(std::mem::take(tokens)) {
                            Ok(parsed) => *item = parsed,
                            Err(e) => unparsable = Some(e),
                        }
                    }
                }
            }
            true
        }
        // `impl X { pub fn builder() -> builder::X }`, the entry to a removed builder.
        syn::Item::Impl(imp) if imp.trait_.is_none() => {
            let Some(name) = type_name(&imp.self_ty) else { return true };
            if keep.contains(&name) {
                return true;
            }
            imp.items.retain(|it| !matches!(it, syn::ImplItem::Fn(f) if f.sig.ident == "builder"));
            !imp.items.is_empty()
        }
        _ => true,
    });
    if let Some(e) = unparsable {
        return Err(Error::Emit { message: format!("{PASS}: a builder item does not parse: {e}") });
    }
    Ok(removed)
}

/// The items of typify's `types::builder` module, each left as its tokens, for [`run`] to parse
/// only the builders it keeps: about two thirds of them are removed, and parsing them was a
/// third of the time `generate` spent parsing progenitor's output. The body back, whole, when
/// the module opens with inner attributes, which are not split off here: then it is parsed
/// whole. Taken by value: iterating a shared `TokenStream` copies its tokens.
pub(crate) fn unparsed(body: TokenStream) -> Result<Vec<syn::Item>, TokenStream> {
    let mut items = Vec::new();
    let mut item: Vec<TokenTree> = Vec::new();
    let mut trees = body.into_iter();
    while let Some(tree) = trees.next() {
        if item.len() == 1
            && items.is_empty()
            && matches!(&item[0], TokenTree::Punct(p) if p.as_char() == '#')
            && matches!(&tree, TokenTree::Punct(p) if p.as_char() == '!')
        {
            return Err(item.into_iter().chain([tree]).chain(trees).collect());
        }
        // An item ends with its body (`{ .. }`) or a `;`; an attribute's `[..]` does not end it.
        let ends = match &tree {
            TokenTree::Group(g) => g.delimiter() == proc_macro2::Delimiter::Brace,
            TokenTree::Punct(p) => p.as_char() == ';',
            _ => false,
        };
        item.push(tree);
        if ends {
            items.push(syn::Item::Verbatim(item.drain(..).collect()));
        }
    }
    if !item.is_empty() {
        items.push(syn::Item::Verbatim(item.into_iter().collect()));
    }
    Ok(items)
}

/// Every `X` of `types::builder::X` in a syntax tree, as [`builder_paths`] finds them in its
/// tokens, without printing the operations to tokens first.
struct BuilderPaths<'a>(&'a mut BTreeSet<String>);

impl<'ast> Visit<'ast> for BuilderPaths<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<&syn::PathSegment> = path.segments.iter().collect();
        for w in segments.windows(3) {
            if w[0].ident == "types" && w[1].ident == "builder" {
                self.0.insert(w[2].ident.to_string());
            }
        }
        syn::visit::visit_path(self, path);
    }

    // Macro and attribute arguments stay tokens in the tree.
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        builder_paths(m.tokens.clone(), self.0);
    }

    fn visit_meta_list(&mut self, m: &'ast syn::MetaList) {
        self.visit_path(&m.path);
        builder_paths(m.tokens.clone(), self.0);
    }
}

// Every `X` of `types::builder::X` in `tokens`.
fn builder_paths(tokens: TokenStream, out: &mut BTreeSet<String>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let idents: Vec<Option<String>> = trees
        .iter()
        .map(|t| match t {
            TokenTree::Ident(i) => Some(i.to_string()),
            _ => None,
        })
        .collect();
    for (i, tree) in trees.iter().enumerate() {
        if let TokenTree::Group(g) = tree {
            builder_paths(g.stream(), out);
        }
        // `types :: builder :: X`: the two colons of `::` are two punctuation tokens.
        if idents[i].as_deref() == Some("types")
            && idents.get(i + 3).and_then(Option::as_deref) == Some("builder")
            && let Some(Some(name)) = idents.get(i + 6)
        {
            out.insert(name.clone());
        }
    }
}

// The types reachable from `roots` through the definitions of `types` (a field's type, a
// variant's payload), roots included.
fn reachable(types: &[syn::Item], roots: BTreeSet<String>) -> BTreeSet<String> {
    let mut definitions: BTreeMap<String, TokenStream> = BTreeMap::new();
    for item in types {
        match item {
            syn::Item::Struct(s) => {
                definitions.insert(s.ident.to_string(), s.fields.to_token_stream());
            }
            syn::Item::Enum(e) => {
                definitions.insert(e.ident.to_string(), e.variants.to_token_stream());
            }
            _ => {}
        }
    }
    let mut keep = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if !keep.insert(name.clone()) {
            continue;
        }
        let Some(def) = definitions.get(&name) else { continue };
        let mut names = BTreeSet::new();
        idents(def.clone(), &mut names);
        todo.extend(names.into_iter().filter(|n| definitions.contains_key(n) && !keep.contains(n)));
    }
    keep
}

fn idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

// The type an item of the builder module belongs to: the struct, the impls on it, and the
// conversions to and from the type itself (`TryFrom<X> for super::X`).
fn subject(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Verbatim(tokens) => verbatim_subject(tokens),
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Impl(imp) => {
            let self_name = type_name(&imp.self_ty)?;
            let is_super = matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.segments.first().is_some_and(|s| s.ident == "super"));
            if !is_super {
                return Some(self_name);
            }
            // `impl TryFrom<X> for super::X`: the builder `X` is the trait's argument.
            let (_, path, _) = imp.trait_.as_ref()?;
            let syn::PathArguments::AngleBracketed(args) = &path.segments.last()?.arguments else { return None };
            args.args.iter().find_map(|a| match a {
                syn::GenericArgument::Type(t) => type_name(t),
                _ => None,
            })
        }
        _ => None,
    }
}

// [`subject`] read off an item's tokens: `struct X`, `impl .. for X`, and for
// `impl TryFrom<X> for super::X` the trait's argument. `None` (kept) for anything else.
fn verbatim_subject(tokens: &TokenStream) -> Option<String> {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let is = |t: &TokenTree, word: &str| matches!(t, TokenTree::Ident(i) if i == word);
    if let Some(at) = trees.iter().position(|t| is(t, "struct")) {
        return match trees.get(at + 1) {
            Some(TokenTree::Ident(name)) => Some(name.to_string()),
            _ => None,
        };
    }
    let start = trees.iter().position(|t| is(t, "impl"))? + 1;
    let end = start
        + trees[start..]
            .iter()
            .position(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace))?;
    let header = &trees[start..end];
    if header.first().is_some_and(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == '<')) {
        return None;
    }
    let last_ident = |ts: &[TokenTree]| {
        ts.iter().rev().find_map(|t| match t {
            TokenTree::Ident(i) => Some(i.to_string()),
            _ => None,
        })
    };
    let Some(for_at) = header.iter().position(|t| is(t, "for")) else { return last_ident(header) };
    let (trait_, self_ty) = (&header[..for_at], &header[for_at + 1..]);
    if !self_ty.first().is_some_and(|t| is(t, "super")) {
        return last_ident(self_ty);
    }
    let open = trait_.iter().position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == '<'))?;
    last_ident(&trait_[open + 1..])
}

fn type_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    Some(p.path.segments.last()?.ident.to_string())
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn file() -> syn::File {
        syn::parse2(quote! {
            pub mod types {
                pub struct Body { pub part: Part }
                pub struct Part { pub n: i64 }
                pub struct Answer { pub n: i64 }
                impl Body { pub fn builder() -> builder::Body { Default::default() } }
                impl Part { pub fn builder() -> builder::Part { Default::default() } }
                impl Answer { pub fn builder() -> builder::Answer { Default::default() } }
                pub mod builder {
                    pub struct Body { part: Result<super::Part, String> }
                    impl Body { pub fn part(self) -> Self { self } }
                    impl ::std::convert::TryFrom<Body> for super::Body { type Error = String; fn try_from(v: Body) -> Result<Self, String> { todo!() } }
                    pub struct Part { n: Result<i64, String> }
                    impl ::std::convert::From<super::Part> for Part { fn from(v: super::Part) -> Self { todo!() } }
                    pub struct Answer { n: Result<i64, String> }
                    impl Answer { pub fn n(self) -> Self { self } }
                    impl ::std::convert::TryFrom<Answer> for super::Answer { type Error = String; fn try_from(v: Answer) -> Result<Self, String> { todo!() } }
                    impl ::std::convert::From<super::Answer> for Answer { fn from(v: super::Answer) -> Self { todo!() } }
                }
            }
            pub mod builder {
                pub struct Create { body: Result<types::builder::Body, String> }
            }
        })
        .unwrap()
    }

    #[test]
    fn the_builders_of_answers_only_are_removed_and_those_a_body_reaches_kept() {
        let mut f = file();
        assert_eq!(run(&mut f).unwrap(), 4);
        let text = f.to_token_stream().to_string();
        assert!(!text.contains("struct Answer { n : Result"), "{text}");
        assert!(!text.contains("builder :: Answer"), "{text}");
        assert!(text.contains("struct Body { part : Result"), "{text}");
        assert!(text.contains("struct Part { n : Result"), "{text}");
        assert!(text.contains("fn builder () -> builder :: Part"), "{text}");
        assert!(text.contains("pub struct Answer { pub n : i64 }"), "{text}");
    }

    // The builders as `emit` leaves them: tokens, one `Item::Verbatim` each.
    fn unparsed_builders(f: &mut syn::File) {
        let syn::Item::Mod(types) = &mut f.items[0] else { panic!("types first") };
        let items = &mut types.content.as_mut().unwrap().1;
        let syn::Item::Mod(builder) = items.last_mut().unwrap() else { panic!("builder last") };
        let tokens: TokenStream = builder.content.as_ref().unwrap().1.iter().map(|i| i.to_token_stream()).collect();
        builder.content.as_mut().unwrap().1 = unparsed(tokens).expect("no inner attributes");
    }

    #[test]
    fn builders_left_as_tokens_are_kept_and_removed_alike_and_the_kept_ones_parsed() {
        let mut parsed = file();
        let mut tokens = file();
        unparsed_builders(&mut tokens);
        let syn::Item::Mod(types) = &tokens.items[0] else { panic!() };
        let syn::Item::Mod(builder) = types.content.as_ref().unwrap().1.last().unwrap() else { panic!() };
        let items = &builder.content.as_ref().unwrap().1;
        assert_eq!(items.len(), 9);
        assert!(items.iter().all(|i| matches!(i, syn::Item::Verbatim(_))));
        // Each item's subject read off its tokens is the one read off its tree.
        let syn::Item::Mod(types) = &parsed.items[0] else { panic!() };
        let syn::Item::Mod(tree) = types.content.as_ref().unwrap().1.last().unwrap() else { panic!() };
        let from_tree: Vec<Option<String>> = tree.content.as_ref().unwrap().1.iter().map(subject).collect();
        assert_eq!(items.iter().map(subject).collect::<Vec<_>>(), from_tree);
        assert_eq!(run(&mut tokens).unwrap(), run(&mut parsed).unwrap());
        assert_eq!(prettyplease::unparse(&tokens), prettyplease::unparse(&parsed));
    }

    #[test]
    fn a_builder_module_with_inner_attributes_is_parsed_whole() {
        assert!(unparsed(quote! { #![allow(dead_code)] pub struct A {} }).ok().is_none());
        assert_eq!(unparsed(quote! { #[derive(Clone)] pub struct A {} pub struct B; }).ok().unwrap().len(), 2);
    }

    #[test]
    fn operations_without_a_types_builder_module_are_an_error() {
        let mut f: syn::File = syn::parse2(quote! {
            pub mod types { pub struct Body { pub n: i64 } }
            pub mod builder { pub struct Create { body: Result<types::builder::Body, String> } }
        })
        .unwrap();
        let err = run(&mut f).unwrap_err().to_string();
        assert!(err.contains(PASS), "{err}");
    }
}
