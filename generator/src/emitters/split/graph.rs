//! Which types each item names: the graph the gates are computed from.

use super::*;

/// Types, the items each owns, and the names each mentions.
#[derive(Default)]
pub(super) struct Graph {
    pub(super) names: HashSet<String>,
    pub(super) owned: BTreeMap<String, Vec<syn::Item>>,
    pub(super) mentions: BTreeMap<String, HashSet<String>>,
}

impl Graph {
    pub(super) fn own(&mut self, name: String, item: syn::Item) {
        self.mention(&name, &item);
        self.owned.entry(name).or_default().push(item);
    }

    pub(super) fn mention(&mut self, name: &str, item: &syn::Item) {
        Mentions(self.mentions.entry(name.to_owned()).or_default()).visit_item(item);
    }

    /// Every type reachable from the names in `start`.
    pub(super) fn closure(&self, start: &HashSet<String>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut pending: Vec<&String> = start.iter().filter(|n| self.names.contains(*n)).collect();
        while let Some(n) = pending.pop() {
            if seen.insert(n.clone())
                && let Some(m) = self.mentions.get(n)
            {
                pending.extend(m.iter().filter(|x| self.names.contains(*x) && !seen.contains(*x)));
            }
        }
        seen
    }
}

/// The name a struct, enum, union or type alias defines.
pub(super) fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Union(u) => Some(u.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

pub(super) fn impl_self_name(item: &syn::Item) -> Option<String> {
    let syn::Item::Impl(imp) = item else { return None };
    let syn::Type::Path(p) = &*imp.self_ty else { return None };
    p.path.segments.last().map(|s| s.ident.to_string())
}

/// The type an item belongs to: the one it defines, or for an impl its own type when that is
/// one of ours, else the first of ours named in its trait (`impl From<X> for String`).
pub(super) fn owner(item: &syn::Item, names: &HashSet<String>) -> Option<String> {
    if let Some(n) = item_name(item) {
        return Some(n);
    }
    let syn::Item::Impl(imp) = item else { return None };
    if let Some(n) = impl_self_name(item).filter(|n| names.contains(n)) {
        return Some(n);
    }
    let mut in_trait = HashSet::new();
    if let Some((_, path, _)) = &imp.trait_ {
        idents(path.to_token_stream(), &mut in_trait);
    }
    let mut ours: Vec<String> = in_trait.into_iter().filter(|n| names.contains(n)).collect();
    ours.sort();
    ours.into_iter().next()
}

/// The words of a syntax tree, as [`idents`] finds them in its tokens, without printing it to
/// tokens first (a copy of every item): the idents of the tree, and of the tokens it holds
/// unparsed (macro arguments, attribute arguments).
pub(super) struct Mentions<'a>(pub(super) &'a mut HashSet<String>);

impl<'ast> Visit<'ast> for Mentions<'_> {
    fn visit_ident(&mut self, i: &'ast syn::Ident) {
        self.0.insert(i.to_string());
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        idents(m.tokens.clone(), self.0);
    }

    fn visit_meta_list(&mut self, m: &'ast syn::MetaList) {
        self.visit_path(&m.path);
        if m.path.is_ident("serde") {
            serde_paths(m.tokens.clone(), self.0);
        } else {
            idents(m.tokens.clone(), self.0);
        }
    }
}

pub(super) fn idents(tokens: TokenStream, out: &mut HashSet<String>) {
    let mut after_serde = false;
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Ident(i) => {
                after_serde = i == "serde";
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) if after_serde => {
                after_serde = false;
                serde_paths(g.stream(), out);
            }
            proc_macro2::TokenTree::Group(g) => idents(g.stream(), out),
            _ => after_serde = false,
        }
    }
}

// serde names functions in strings (`#[serde(default = "defaults::default_bool::<true>")]`):
// the words of those paths are mentions too, or a defaults function would be gated only by
// the types that name it in code.
pub(super) fn serde_paths(tokens: TokenStream, out: &mut HashSet<String>) {
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Literal(lit) => {
                if let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&lit.to_string()) {
                    let text = s.value();
                    out.extend(
                        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .filter(|w| !w.is_empty())
                            .map(str::to_owned),
                    );
                }
            }
            proc_macro2::TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => serde_paths(g.stream(), out),
            proc_macro2::TokenTree::Punct(_) => {}
        }
    }
}

/// `X` in `impl Trait for builder::X<'a>`.
pub(super) fn builder_trait_impl(imp: &syn::ItemImpl) -> Option<String> {
    imp.trait_.as_ref()?;
    let syn::Type::Path(p) = &*imp.self_ty else { return None };
    let mut segments = p.path.segments.iter();
    let (first, second) = (segments.next()?, segments.next()?);
    (first.ident == "builder" && segments.next().is_none()).then(|| second.ident.to_string())
}

pub(super) fn is_client_impl(imp: &syn::ItemImpl) -> bool {
    imp.trait_.is_none() && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// `X` in `fn op(&self) -> builder::X<'_>`.
pub(super) fn builder_name(f: &syn::ImplItemFn) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = &f.sig.output else { return None };
    let syn::Type::Path(p) = &**ty else { return None };
    p.path.segments.last().map(|s| s.ident.to_string())
}
