//! The generated code split into a folder, one cargo feature per tag.
//!
//! - `mod.rs`: the client, its hooks glue, the appended helpers, and one module per tag;
//! - `types.rs`: progenitor's `types` module with the types several tags reach, each gated by
//!   them, and `error`, `defaults` and `builder`;
//! - `types/<feature>.rs`: the types (and their builders) one tag alone reaches, or no operation
//!   (`full.rs`), an out-of-line module of `types` gated by that feature and re-exported, so that
//!   every type keeps its path `types::X` (and its builder `types::builder::X`);
//! - `<tag>.rs` (kebab case, as the vendored file and the feature are named): the tag's
//!   operations (`impl Client` methods) and their builders, re-exported into `builder`.
//!
//! Which tags reach a type is computed from the operations' tags in the spec and the code
//! progenitor wrote for each operation: an operation's method and builder name the types of
//! its parameters, body and responses; a type names the types of its fields, variants,
//! conversions and builder; the closure of those names is what the operation needs. Working on
//! the emitted code rather than on schema names sees exactly the types typify made (inline
//! bodies named after operations, nested types named after their parents), which no mapping
//! from component names would. A name that appears without being used (in a doc comment, say)
//! only widens a gate, never narrows one. A type no operation reaches is gated by `full`.
//!
//! Each item is gated `#[cfg(feature = "tag")]`, or `#[cfg(any(feature = "a", ...))]` when
//! several tags reach it; the items of a `types/<feature>.rs` file through its `mod` alone.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;
use syn::visit::Visit;

use crate::error::Error;
use crate::validate::operations;

/// The feature that turns on every tag.
pub const FULL: &str = "full";

/// The split output.
#[derive(Clone, Debug, Default)]
pub struct Split {
    /// File name (inside the output folder) to formatted Rust.
    pub files: BTreeMap<String, String>,
    /// With [`TypesCrates`](crate::types_crates::TypesCrates): the lower types crate's files
    /// (inside its `generated` folder): `types.rs`, `ids.rs` and `types/<feature>.rs`. Empty
    /// otherwise, the types being in `files`.
    pub lower: BTreeMap<String, String>,
    /// With [`TypesCrates`](crate::types_crates::TypesCrates): the upper types crate's files,
    /// `types.rs` and `types/<feature>.rs`.
    pub upper: BTreeMap<String, String>,
    /// Every tag feature (kebab case) with the number of its operations.
    pub features: BTreeMap<String, usize>,
    /// The operations (one with two tags counts once).
    pub operations: usize,
    /// The resource handles' files (inside their own folder), when the settings ask for them.
    pub handles: BTreeMap<String, String>,
    /// How each operation is called through its handle, when the settings ask for handles.
    pub calls: Vec<crate::handles::CallShape>,
    /// Operations the handles could not fully shape (a list whose items the rule cannot find),
    /// generated as plain calls, each with the overlay that would improve it: `generate`
    /// prints them.
    pub advice: Vec<String>,
    /// The handle calls test's table ([`crate::handle_calls`]), for the tests crate.
    pub handle_calls: String,
    /// The examples test's table of types ([`crate::codecs`]), for the tests crate.
    pub example_codecs: String,
    /// The fake API's table of operations ([`crate::fake_routes`]), as JSON.
    pub fake_operations: String,
    /// Where the fake's success bodies came from.
    pub fake_figures: crate::fake_routes::Figures,
    /// How long each stage of the generation took, in order (`cargo xtask generate --timings`).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Split {
    /// The `[features]` entries the crate needs: one per tag, and `full` with all of them.
    pub fn features_toml(&self) -> String {
        let mut out = String::new();
        let all: Vec<String> = self.features.keys().map(|f| format!("\"{f}\"")).collect();
        out.push_str(&format!("{FULL} = [{}]\n", all.join(", ")));
        for f in self.features.keys() {
            out.push_str(&format!("{f} = []\n"));
        }
        out
    }
}

/// Splits `file` (progenitor's output after the output passes) by the tags of `doc`'s
/// operations. `header` heads every file.
/// With `handles`, the resource handles are written too, from the builders split here.
pub fn split(
    file: syn::File,
    doc: &Value,
    header: &str,
    handles: Option<&crate::handles::HandleSettings>,
    crates: Option<&crate::types_crates::TypesCrates>,
) -> Result<Split, Error> {
    let op_tags = operation_tags(doc);
    let features = tag_features(&op_tags);

    let mut root_items = Vec::new();
    let mut types_mod = None;
    let mut builder_mod = None;
    // Operation methods, by name.
    let mut methods: BTreeMap<String, syn::ImplItemFn> = BTreeMap::new();
    // Trait impls for an operation's builder (`impl Operation for builder::X<'a>`), by builder:
    // they go with the operation, gated alike.
    let mut builder_trait_impls: HashMap<String, Vec<syn::Item>> = HashMap::new();
    for item in file.items {
        match item {
            syn::Item::Impl(imp) if builder_trait_impl(&imp).is_some() => {
                let name = builder_trait_impl(&imp).unwrap_or_default();
                builder_trait_impls.entry(name).or_default().push(syn::Item::Impl(imp));
            }
            syn::Item::Mod(m) if m.ident == "types" => types_mod = Some(m),
            syn::Item::Mod(m) if m.ident == "builder" => builder_mod = Some(m),
            syn::Item::Impl(mut imp) if is_client_impl(&imp) => {
                let mut kept = Vec::new();
                for it in imp.items.drain(..) {
                    match it {
                        syn::ImplItem::Fn(f) if op_tags.contains_key(&f.sig.ident.to_string()) => {
                            methods.insert(f.sig.ident.to_string(), f);
                        }
                        other => kept.push(other),
                    }
                }
                if !kept.is_empty() {
                    imp.items = kept;
                    root_items.push(syn::Item::Impl(imp));
                }
            }
            other => root_items.push(other),
        }
    }
    let missing = |what: &str| Error::Emit { message: format!("split: progenitor emitted no `{what}` module") };
    let types_mod = types_mod.ok_or_else(|| missing("types"))?;
    let builder_mod = builder_mod.ok_or_else(|| missing("builder"))?;
    if methods.len() != op_tags.len() {
        let absent: Vec<&String> = op_tags.keys().filter(|k| !methods.contains_key(*k)).collect();
        return Err(Error::OutputPass {
            pass: "split",
            looked_for: format!("a `Client` method for every operation; none for {absent:?}"),
        });
    }

    // The types module: items owned by type names.
    let (types_attrs, types_items) = content(types_mod)?;
    let mut types = Graph::default();
    let mut defaults = None;
    let mut type_builders = None;
    let mut types_core = Vec::new();
    for item in &types_items {
        if let Some(name) = item_name(item) {
            types.names.insert(name);
        }
    }
    for item in types_items {
        match item {
            syn::Item::Mod(m) if m.ident == "defaults" => defaults = Some(m),
            syn::Item::Mod(m) if m.ident == "builder" => type_builders = Some(m),
            item => match owner(&item, &types.names) {
                Some(name) => types.own(name, item),
                None => types_core.push(item),
            },
        }
    }
    let (builders_attrs, builders_items) = match type_builders {
        Some(m) => content(m)?,
        None => (Vec::new(), Vec::new()),
    };
    let mut builders_core = Vec::new();
    let mut builders_owned: Vec<(String, syn::Item)> = Vec::new();
    for item in builders_items {
        match owner(&item, &types.names) {
            Some(name) => {
                types.mention(&name, &item);
                builders_owned.push((name, item));
            }
            None => builders_core.push(item),
        }
    }
    let had_defaults = defaults.is_some();
    let (defaults_attrs, defaults_items) = match defaults {
        Some(m) => content(m)?,
        None => (Vec::new(), Vec::new()),
    };
    let default_names: HashSet<String> = defaults_items
        .iter()
        .filter_map(|i| if let syn::Item::Fn(f) = i { Some(f.sig.ident.to_string()) } else { None })
        .collect();

    // The root builder module: one builder struct (and its impls) per operation.
    let (builder_attrs, builder_items) = content(builder_mod)?;
    let mut builder_uses = Vec::new();
    let mut op_builders: HashMap<String, Vec<syn::Item>> = HashMap::new();
    for item in builder_items {
        match item_name(&item).or_else(|| impl_self_name(&item)) {
            Some(name) => op_builders.entry(name).or_default().push(item),
            None => builder_uses.push(item),
        }
    }

    // Which tags reach each type.
    let mut gate: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut op_items: BTreeMap<String, (syn::ImplItemFn, Vec<syn::Item>)> = BTreeMap::new();
    for (method, f) in methods {
        let builder = builder_name(&f).unwrap_or_default();
        let items = op_builders.remove(&builder).unwrap_or_default();
        let mut mentioned = HashSet::new();
        Mentions(&mut mentioned).visit_impl_item_fn(&f);
        for i in &items {
            Mentions(&mut mentioned).visit_item(i);
        }
        let tags = &op_tags[&method];
        for name in types.closure(&mentioned) {
            gate.entry(name).or_default().extend(tags.iter().cloned());
        }
        op_items.insert(method, (f, items));
    }
    // A defaults function is needed by the types that name it.
    let mut default_gate: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (name, mentioned) in &types.mentions {
        for d in mentioned.iter().filter(|m| default_names.contains(*m)) {
            default_gate.entry(d.clone()).or_default().extend(gate.get(name).cloned().unwrap_or_else(full));
        }
    }

    let envelopes =
        if handles.is_some() { crate::handles::envelopes(&types.owned, &types.names) } else { HashMap::new() };
    let actions = if handles.is_some() { crate::handles::actions(&types.owned) } else { Default::default() };
    let shapes = if handles.is_some() {
        crate::lists::Shapes::of(&types.owned, &types.names.iter().cloned().collect())
    } else {
        crate::lists::Shapes::default()
    };

    // types.rs, and types/<feature>.rs for the types of one feature alone
    let mut out_types: Vec<syn::Item> = types_core;
    let mut alone: BTreeMap<String, FeatureTypes> = BTreeMap::new();
    for (name, items) in types.owned {
        if let Some(feature) = lone_feature(gate.get(&name)) {
            alone.entry(feature).or_default().types.extend(items);
            continue;
        }
        let cfg = cfg_attr(gate.get(&name));
        for mut item in items {
            push_attr(&mut item, cfg.clone());
            out_types.push(item);
        }
    }
    let mut builders_out = builders_core;
    for (name, mut item) in builders_owned {
        if let Some(feature) = lone_feature(gate.get(&name)) {
            alone.entry(feature).or_default().builders.push(item);
            continue;
        }
        push_attr(&mut item, cfg_attr(gate.get(&name)));
        builders_out.push(item);
    }
    let upper_features = crates.map(|c| c.upper_features.clone()).unwrap_or_default();
    let mut defaults_out = Vec::new();
    // The upper types crate's copy: the shared functions its own tags' types may name, gated by
    // those tags alone (its features).
    let mut upper_defaults = Vec::new();
    for mut item in defaults_items {
        if let syn::Item::Fn(f) = &item {
            let gate = default_gate.get(&f.sig.ident.to_string());
            // Beside the types that name it, which may be newtypes it alone can build there.
            if let Some(feature) = gate.and_then(|g| lone_feature(Some(g))) {
                alone.entry(feature).or_default().defaults.push(item);
                continue;
            }
            // A helper no type names is left ungated, as progenitor left it.
            if let Some(gate) = gate {
                let upper: BTreeSet<String> = gate.intersection(&upper_features).cloned().collect();
                if !upper.is_empty() {
                    let mut copy = item.clone();
                    push_attr(&mut copy, cfg_attr(Some(&upper)));
                    upper_defaults.push(copy);
                }
                push_attr(&mut item, cfg_attr(Some(gate)));
            } else if crates.is_some() {
                upper_defaults.push(item.clone());
            }
        }
        defaults_out.push(item);
    }
    let feature_types = feature_type_files(alone, &builders_attrs, &defaults_attrs, header);
    let (upper_decls, lower_decls): (Vec<_>, Vec<_>) =
        feature_types.decls.into_iter().partition(|(f, _)| upper_features.contains(f));
    let (upper_builders, lower_builders): (Vec<_>, Vec<_>) =
        feature_types.builder_reexports.into_iter().partition(|(f, _)| upper_features.contains(f));
    let (upper_files, lower_files): (Vec<_>, Vec<_>) =
        feature_types.files.into_iter().partition(|(f, _)| upper_features.contains(f));
    let (upper_files, lower_files): (BTreeMap<_, _>, BTreeMap<_, _>) = (
        upper_files.into_iter().map(|(_, file)| file).collect(),
        lower_files.into_iter().map(|(_, file)| file).collect(),
    );
    let upper_types = crates.map(|c| {
        let mut builders = vec![c.lower_builders()];
        builders.extend(upper_builders.into_iter().map(|(_, i)| i));
        let defaults = had_defaults.then(|| module("defaults", defaults_attrs.clone(), upper_defaults));
        let items = c.upper_types(
            module("builder", builders_attrs.clone(), builders),
            defaults,
            upper_decls.into_iter().map(|(_, i)| i).collect(),
        );
        syn::File { shebang: None, attrs: inner(types_attrs.clone()), items }
    });
    out_types.extend(lower_decls.into_iter().map(|(_, i)| i));
    builders_out.extend(lower_builders.into_iter().map(|(_, i)| i));
    out_types.push(module("builder", builders_attrs, builders_out));
    if had_defaults {
        out_types.push(module("defaults", defaults_attrs, defaults_out));
    }

    // One file per tag: each operation in the file of its first tag, gated by all of its tags.
    let mut per_tag: BTreeMap<String, Vec<(String, syn::ImplItemFn, Vec<syn::Item>)>> = BTreeMap::new();
    for (method, (f, items)) in op_items {
        let first = op_tags[&method].first().cloned().unwrap_or_else(|| FULL.to_owned());
        per_tag.entry(first).or_default().push((method, f, items));
    }
    let mut files = BTreeMap::new();
    let mut described = BTreeMap::new();
    let mut mod_decls = Vec::new();
    let mut reexports = Vec::new();
    for (tag, ops) in per_tag {
        let ident = module_ident(&tag);
        let mut module_tags = BTreeSet::new();
        let mut client_impls = Vec::new();
        let mut builders = Vec::new();
        for (method, f, items) in ops {
            let tags: BTreeSet<String> = op_tags[&method].iter().cloned().collect();
            module_tags.extend(tags.iter().cloned());
            let cfg = cfg_attr(Some(&tags));
            let trait_impls = builder_name(&f).and_then(|b| builder_trait_impls.remove(&b)).unwrap_or_default();
            if handles.is_some() {
                described.insert(method.clone(), crate::handles::describe(&method, &items, &trait_impls)?);
            }
            let mut imp: syn::ItemImpl = syn::parse_quote! { impl Client {} };
            imp.items.push(syn::ImplItem::Fn(f));
            imp.attrs.push(cfg.clone());
            client_impls.push(syn::Item::Impl(imp));
            for mut item in trait_impls {
                push_attr(&mut item, cfg.clone());
                client_impls.push(item);
            }
            for mut item in items {
                push_attr(&mut item, cfg.clone());
                builders.push(item);
            }
        }
        // The builder module's imports, one level further from the root.
        let mut uses: Vec<syn::Item> = builder_uses.iter().cloned().map(deeper).collect();
        uses.extend(builders);
        let builder_module = module("builder", builder_attrs.clone(), uses);
        let mut items: Vec<syn::Item> =
            vec![syn::parse_quote! { use super::{types, ByteStream, Client, Error, ResponseValue}; }];
        items.extend(client_impls);
        items.push(builder_module);
        let file = syn::File {
            shebang: None,
            attrs: vec![syn::parse_quote! { #![allow(unused_imports, clippy::all)] }],
            items,
        };
        let name = format!("{tag}.rs");
        files.insert(
            name.clone(),
            format!("{}{}", file_header(header, &format!("the `{tag}` operations")), prettyplease::unparse(&file)),
        );
        let cfg = cfg_attr(Some(&module_tags));
        mod_decls.push(syn::parse_quote! { #cfg #[path = #name] mod #ident; });
        reexports.push(quote! { #cfg pub use super::#ident::builder::*; });
    }

    if let Some(builder) = builder_trait_impls.keys().next() {
        return Err(Error::OutputPass {
            pass: "split",
            looked_for: format!("the operation of builder `{builder}`, which a trait is implemented for"),
        });
    }

    let types_file = syn::File { shebang: None, attrs: inner(types_attrs), items: out_types };
    let types_text = format!(
        "{}{}",
        file_header(header, "the types several tags reach, each gated by them, and a module per tag for the rest"),
        prettyplease::unparse(&types_file)
    );
    let (mut lower, mut upper) = (BTreeMap::new(), BTreeMap::new());
    match upper_types {
        Some(upper_file) => {
            lower.insert("types.rs".to_owned(), types_text);
            lower.extend(lower_files);
            let what = "every type of the crate under re-exported, and a module per tag for the types of the tags here";
            upper.insert(
                "types.rs".to_owned(),
                format!("{}{}", file_header(header, what), prettyplease::unparse(&upper_file)),
            );
            upper.extend(upper_files);
        }
        None => {
            files.insert("types.rs".into(), types_text);
            files.extend(lower_files);
            files.extend(upper_files);
        }
    }

    let mut mod_items: Vec<syn::Item> = Vec::new();
    match crates {
        Some(c) => mod_items.extend(c.types_reexport()),
        None => mod_items.push(syn::parse_quote! { pub mod types; }),
    }
    mod_items.extend(root_items);
    let builder_tokens = quote! { pub mod builder { #(#reexports)* } };
    let mut builder_root: syn::ItemMod =
        syn::parse2(builder_tokens).map_err(|e| Error::Emit { message: e.to_string() })?;
    builder_root.attrs = builder_attrs;
    mod_items.push(syn::Item::Mod(builder_root));
    mod_items.extend(mod_decls);
    let mod_file = syn::File { shebang: None, attrs: Vec::new(), items: mod_items };
    files.insert("mod.rs".into(), format!("{header}{}", prettyplease::unparse(&mod_file)));
    let crate::handles::Emitted { files: handles, calls, advice } = match handles {
        Some(settings) => crate::handles::emit(doc, &described, &envelopes, &actions, &shapes, settings, header)?,
        None => crate::handles::Emitted { files: BTreeMap::new(), calls: Vec::new(), advice: Vec::new() },
    };
    Ok(Split {
        files,
        lower,
        upper,
        features,
        operations: op_tags.len(),
        handles,
        calls,
        advice,
        handle_calls: String::new(),
        example_codecs: String::new(),
        fake_operations: String::new(),
        fake_figures: Default::default(),
        timings: Vec::new(),
    })
}

/// The folder (inside the output folder) of the types only one feature needs.
pub const TYPES_DIR: &str = "types";

/// The items of the types one feature alone needs, and their builders.
#[derive(Default)]
struct FeatureTypes {
    types: Vec<syn::Item>,
    builders: Vec<syn::Item>,
    defaults: Vec<syn::Item>,
}

/// The feature whose file a type goes to: the one tag that reaches it, or `full` when none
/// does. A type several tags reach has none: it stays in `types.rs`, gated by them.
fn lone_feature(tags: Option<&BTreeSet<String>>) -> Option<String> {
    match tags.filter(|t| !t.is_empty()) {
        None => Some(FULL.to_owned()),
        Some(t) if t.len() == 1 => t.first().cloned(),
        Some(_) => None,
    }
}

/// `types/<feature>.rs` for each feature, and what `types.rs` needs to mount them.
struct FeatureTypeFiles {
    /// Each file's name (inside the output folder, `types/<feature>.rs`) and formatted Rust, by
    /// feature.
    files: Vec<(String, (String, String))>,
    /// For `types.rs`: each file's gated `mod` and the glob re-export that keeps its types at
    /// `types::X`, by feature.
    decls: Vec<(String, syn::Item)>,
    /// For `types::builder`: the re-exports of each file's builders, kept at `types::builder::X`,
    /// by feature.
    builder_reexports: Vec<(String, syn::Item)>,
}

// Out-of-line modules, so that rustc does not even parse the types of a feature that is off
// (items gated in one file are parsed all the same). A file's items need no gate of their own:
// its `mod` has it. `use super::*` gives them what `types.rs` holds (the shared types,
// `error`, `defaults`), and its `builder` module shadows `types::builder` there, so that
// `builder::X` names the builder beside `X`. Its `defaults` module, likewise, holds the
// functions only its types name (a newtype's field is private to its module, so the function
// building one must be inside it) and re-exports the shared ones.
fn feature_type_files(
    alone: BTreeMap<String, FeatureTypes>,
    builder_attrs: &[syn::Attribute],
    defaults_attrs: &[syn::Attribute],
    header: &str,
) -> FeatureTypeFiles {
    let mut out = FeatureTypeFiles { files: Vec::new(), decls: Vec::new(), builder_reexports: Vec::new() };
    for (feature, FeatureTypes { types, builders, defaults }) in alone {
        let ident = module_ident(&feature);
        let cfg = cfg_attr(Some(&BTreeSet::from([feature.clone()])));
        let mut items: Vec<syn::Item> = vec![syn::parse_quote! { use super::*; }];
        items.extend(types);
        if !defaults.is_empty() {
            let mut own: Vec<syn::Item> = vec![syn::parse_quote! { pub(super) use super::super::defaults::*; }];
            own.extend(defaults);
            items.push(module("defaults", defaults_attrs.to_vec(), own));
        }
        if !builders.is_empty() {
            items.push(module("builder", builder_attrs.to_vec(), builders));
            out.builder_reexports
                .push((feature.clone(), syn::parse_quote! { #cfg pub use super::#ident::builder::*; }));
        }
        let file = syn::File {
            shebang: None,
            attrs: vec![syn::parse_quote! { #![allow(unused_imports, clippy::all)] }],
            items,
        };
        let name = format!("{TYPES_DIR}/{feature}.rs");
        let what = if feature == FULL {
            "the types no operation reaches (`full` only)".to_owned()
        } else {
            format!("the types only the `{feature}` operations reach")
        };
        let text = format!("{}{}", file_header(header, &what), prettyplease::unparse(&file));
        out.files.push((feature.clone(), (name.clone(), text)));
        out.decls.push((feature.clone(), syn::parse_quote! { #cfg #[path = #name] mod #ident; }));
        out.decls.push((feature.clone(), syn::parse_quote! { #cfg pub use #ident::*; }));
    }
    out
}

/// Every tag feature of `doc` with the number of its operations.
pub(crate) fn features(doc: &Value) -> BTreeMap<String, usize> {
    tag_features(&operation_tags(doc))
}

fn tag_features(op_tags: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, usize> {
    let mut features: BTreeMap<String, usize> = BTreeMap::new();
    for tags in op_tags.values() {
        for t in tags {
            *features.entry(t.clone()).or_default() += 1;
        }
    }
    features
}

/// The tags of every operation, as features (kebab case), by the method name progenitor gives
/// it (the operationId in snake case).
fn operation_tags(doc: &Value) -> BTreeMap<String, Vec<String>> {
    operations(doc)
        .iter()
        .filter_map(|op| {
            let id = op.item.get("operationId").and_then(Value::as_str)?;
            let tags: Vec<String> = op
                .item
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).map(crate::vendor::kebab).collect())
                .unwrap_or_default();
            Some((id.to_snake_case(), tags))
        })
        .collect()
}

/// Types, the items each owns, and the names each mentions.
#[derive(Default)]
struct Graph {
    names: HashSet<String>,
    owned: BTreeMap<String, Vec<syn::Item>>,
    mentions: BTreeMap<String, HashSet<String>>,
}

impl Graph {
    fn own(&mut self, name: String, item: syn::Item) {
        self.mention(&name, &item);
        self.owned.entry(name).or_default().push(item);
    }

    fn mention(&mut self, name: &str, item: &syn::Item) {
        Mentions(self.mentions.entry(name.to_owned()).or_default()).visit_item(item);
    }

    /// Every type reachable from the names in `start`.
    fn closure(&self, start: &HashSet<String>) -> BTreeSet<String> {
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

fn full() -> BTreeSet<String> {
    BTreeSet::from([FULL.to_owned()])
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", ...))]`; `full` when no tag reaches it.
pub(crate) fn cfg_attr(tags: Option<&BTreeSet<String>>) -> syn::Attribute {
    let tags = tags.filter(|t| !t.is_empty()).cloned().unwrap_or_else(full);
    let list: Vec<TokenStream> = tags.iter().map(|t| quote! { feature = #t }).collect();
    if list.len() == 1 {
        let one = &list[0];
        syn::parse_quote! { #[cfg(#one)] }
    } else {
        syn::parse_quote! { #[cfg(any(#(#list),*))] }
    }
}

fn push_attr(item: &mut syn::Item, attr: syn::Attribute) {
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

/// The name a struct, enum, union or type alias defines.
fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Union(u) => Some(u.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

fn impl_self_name(item: &syn::Item) -> Option<String> {
    let syn::Item::Impl(imp) = item else { return None };
    let syn::Type::Path(p) = &*imp.self_ty else { return None };
    p.path.segments.last().map(|s| s.ident.to_string())
}

/// The type an item belongs to: the one it defines, or for an impl its own type when that is
/// one of ours, else the first of ours named in its trait (`impl From<X> for String`).
fn owner(item: &syn::Item, names: &HashSet<String>) -> Option<String> {
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
struct Mentions<'a>(&'a mut HashSet<String>);

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

fn idents(tokens: TokenStream, out: &mut HashSet<String>) {
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
fn serde_paths(tokens: TokenStream, out: &mut HashSet<String>) {
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
fn builder_trait_impl(imp: &syn::ItemImpl) -> Option<String> {
    imp.trait_.as_ref()?;
    let syn::Type::Path(p) = &*imp.self_ty else { return None };
    let mut segments = p.path.segments.iter();
    let (first, second) = (segments.next()?, segments.next()?);
    (first.ident == "builder" && segments.next().is_none()).then(|| second.ident.to_string())
}

fn is_client_impl(imp: &syn::ItemImpl) -> bool {
    imp.trait_.is_none() && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// `X` in `fn op(&self) -> builder::X<'_>`.
fn builder_name(f: &syn::ImplItemFn) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = &f.sig.output else { return None };
    let syn::Type::Path(p) = &**ty else { return None };
    p.path.segments.last().map(|s| s.ident.to_string())
}

fn content(m: syn::ItemMod) -> Result<(Vec<syn::Attribute>, Vec<syn::Item>), Error> {
    let name = m.ident.to_string();
    let items = m
        .content
        .map(|(_, items)| items)
        .ok_or_else(|| Error::Emit { message: format!("split: `{name}` has no body") })?;
    Ok((m.attrs, items))
}

// Built, not parsed from tokens: the items are most of the generated code, and printing them to
// tokens and parsing those again was about half of the split's time.
fn module(name: &str, attrs: Vec<syn::Attribute>, items: Vec<syn::Item>) -> syn::Item {
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
fn inner(attrs: Vec<syn::Attribute>) -> Vec<syn::Attribute> {
    attrs
        .into_iter()
        .map(|mut a| {
            a.style = syn::AttrStyle::Inner(Default::default());
            a
        })
        .collect()
}

/// A `use super::...` of the root builder module, written for a module one level deeper.
fn deeper(item: syn::Item) -> syn::Item {
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

/// A Rust module name for a tag's file: its kebab name in snake case, with a leading `_` when
/// it starts with a digit (`1-click-applications`).
pub(crate) fn module_ident(tag: &str) -> syn::Ident {
    let snake = tag.replace('-', "_");
    let name = if snake.starts_with(|c: char| c.is_ascii_digit()) { format!("_{snake}") } else { snake };
    format_ident!("{name}")
}

fn file_header(header: &str, what: &str) -> String {
    let first = header.lines().next().unwrap_or_default();
    format!("{first}\n// This file: {what}.\n\n")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn split_into(crates: Option<&crate::types_crates::TypesCrates>) -> super::Split {
        let ok = |schema: &str| json!({"200": {"description": "", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}});
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": {"operationId": "a_get", "tags": ["Alpha Things"], "responses": ok("a_page")}},
                "/b": {"post": {"operationId": "b_get", "tags": ["Beta"], "responses": ok("b_page"),
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/b_page"}}}}}},
                "/c": {"get": {"operationId": "c_get", "tags": ["Beta", "Gamma"], "responses": ok("shared")}}
            },
            "components": {"schemas": {
                "shared": {"type": "object", "properties": {"n": {"type": "integer"}}},
                "a_page": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/shared"}}}},
                "b_page": {"type": "object", "required": ["one"], "properties": {"one": {"$ref": "#/components/schemas/shared"}, "fresh": {"type": "boolean", "default": true}, "ttl": {"type": "integer", "enum": [60, 3600], "default": 3600}}},
                "orphan": {"type": "object", "properties": {"x": {"type": "string"}}}
            }}
        });
        let file = crate::emit::emit_file(&doc, &[], &[], &crate::Settings::default()).unwrap();
        super::split(file, &doc, "// @generated by a test\n\n", None, crates).unwrap()
    }

    fn split() -> super::Split {
        split_into(None)
    }

    #[test]
    fn with_types_crates_the_listed_tags_types_go_up_and_the_rest_down() {
        let crates = crate::types_crates::TypesCrates {
            lower: "low-types".into(),
            upper: "up-types".into(),
            upper_features: ["beta".to_owned(), "full".to_owned()].into(),
        };
        let s = split_into(Some(&crates));
        assert_eq!(s.files.keys().collect::<Vec<_>>(), ["alpha-things.rs", "beta.rs", "mod.rs"]);
        assert_eq!(s.lower.keys().collect::<Vec<_>>(), ["types.rs", "types/alpha-things.rs"]);
        assert_eq!(s.upper.keys().collect::<Vec<_>>(), ["types.rs", "types/beta.rs", "types/full.rs"]);
        let flat = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        let (lower, upper) = (flat(&s.lower["types.rs"]), flat(&s.upper["types.rs"]));
        // The shared types stay below, once; above, everything below is re-exported first.
        assert!(lower.contains("///`Shared`") && !upper.contains("///`Shared`"), "{upper}");
        assert!(!lower.contains("mod beta;") && !lower.contains("mod full;"), "{lower}");
        assert!(lower.contains("mod alpha_things;"), "{lower}");
        assert!(upper.contains("pub use ::low_types::types::*; /// Types for composing complex structures. pub mod builder { pub use ::low_types::types::builder::*; #[cfg(feature = \"beta\")] pub use super::beta::builder::*; }"), "{upper}");
        assert!(upper.contains(r#"#[cfg(feature = "beta")] #[path = "types/beta.rs"] mod beta;"#), "{upper}");
        // The file's own defaults reach the shared ones through the upper crate's `defaults`.
        assert!(flat(&s.upper["types/beta.rs"]).contains("pub(super) use super::super::defaults::*;"));
        assert!(upper.contains("pub mod defaults {"), "{upper}");
        let root = flat(&s.files["mod.rs"]);
        assert!(
            root.contains(r#"#[cfg(any(feature = "beta", feature = "full"))] pub use ::up_types::types;"#),
            "{root}"
        );
        assert!(!root.contains("pub mod types;"), "{root}");
    }

    #[test]
    fn one_file_per_tag_and_types_gated_by_the_tags_that_reach_them() {
        let s = split();
        assert_eq!(
            s.files.keys().collect::<Vec<_>>(),
            [
                "alpha-things.rs",
                "beta.rs",
                "mod.rs",
                "types.rs",
                "types/alpha-things.rs",
                "types/beta.rs",
                "types/full.rs"
            ]
        );
        assert_eq!(s.features.keys().collect::<Vec<_>>(), ["alpha-things", "beta", "gamma"]);
        let flat = |name: &str| s.files[name].split_whitespace().collect::<Vec<_>>().join(" ");
        let types = flat("types.rs");
        assert!(
            types.contains(r#"#[cfg(any(feature = "alpha-things", feature = "beta", feature = "gamma"))] ///`Shared`"#),
            "{types}"
        );
        // A type one tag alone reaches is in that tag's file, which only its feature compiles,
        // and keeps its path `types::X`; its builder (a request body's) too, at
        // `types::builder::X`.
        for (tag, ident, ty, built) in
            [("alpha-things", "alpha_things", "APage", false), ("beta", "beta", "BPage", true)]
        {
            let cfg = format!(r#"#[cfg(feature = "{tag}")]"#);
            let mount = format!(r#"{cfg} #[path = "types/{tag}.rs"] mod {ident}; {cfg} pub use {ident}::*;"#);
            assert!(types.contains(&mount), "{types}");
            assert_eq!(types.contains(&format!("{cfg} pub use super::{ident}::builder::*;")), built, "{types}");
            assert!(!types.contains(&format!("`{ty}`")), "{types}");
            let own = flat(&format!("types/{tag}.rs"));
            assert!(own.contains(&format!("use super::*; ///`{ty}` #[derive(")), "{own}");
            assert_eq!(
                own.contains(&format!("pub mod builder {{ #[derive(Clone, Debug)] pub struct {ty} {{")),
                built,
                "{own}"
            );
            assert!(!own.contains("#[cfg("), "{own}");
        }
        // The builder of a shared part of a body stays beside its type.
        assert!(types.contains(r#"pub mod builder { #[cfg(any(feature = "alpha-things", feature = "beta", feature = "gamma"))] #[derive(Clone, Debug)] pub struct Shared {"#), "{types}");
        // No operation reaches it: only with `full`.
        assert!(types.contains(r#"#[cfg(feature = "full")] #[path = "types/full.rs"] mod full;"#), "{types}");
        assert!(flat("types/full.rs").contains("///`Orphan`"));
        // A defaults function goes with the types that name it, though they name it only in a
        // string (`#[serde(default = "defaults::default_bool::<true>")]`).
        // Only `BPage` names it, so it is in `beta`'s file, beside the newtype `BPageTtl` whose
        // default it builds (its field is private to that module).
        assert!(!types.contains("fn default_bool"), "{types}");
        let beta_types = flat("types/beta.rs");
        let own_defaults = "pub mod defaults { pub(super) use super::super::defaults::*; pub(super) fn default_bool";
        assert!(beta_types.contains(own_defaults), "{beta_types}");
        assert!(beta_types.contains("super::BPageTtl("), "{beta_types}");
        // An operation with two tags: in its first tag's file, gated by both.
        let beta = &s.files["beta.rs"];
        assert!(beta.contains(r#"#[cfg(any(feature = "beta", feature = "gamma"))]"#), "{beta}");
        assert!(beta.contains("pub fn c_get(") && beta.contains("pub fn b_get("), "{beta}");
        let root = &s.files["mod.rs"];
        assert!(root.starts_with("// @generated by a test"), "{root}");
        assert!(root.contains(r#"#[path = "alpha-things.rs"]"#) && root.contains("mod alpha_things;"), "{root}");
        assert!(root.contains("pub use super::alpha_things::builder::*;"), "{root}");
        assert!(!root.contains("pub fn a_get("), "{root}");
        assert!(s.features_toml().starts_with("full = [\"alpha-things\", \"beta\", \"gamma\"]\nalpha-things = []\n"));
    }

    #[test]
    fn a_tag_starting_with_a_digit_gets_a_valid_module_name() {
        assert_eq!(super::module_ident("1-click-applications").to_string(), "_1_click_applications");
    }
}
