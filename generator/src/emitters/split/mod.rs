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

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;
use syn::visit::Visit;

use crate::emitters::file_header;
use crate::error::Error;
use crate::model::Builders;
use crate::model::builders::describe;
use crate::model::envelopes::{actions, envelopes};
use crate::model::features::{FULL, cfg_attr, full, module_ident, operation_tags, tag_features};

mod graph;
mod syntax;
#[cfg(test)]
mod tests;
mod type_files;

use graph::*;
use syntax::*;
pub use type_files::TYPES_DIR;
use type_files::*;

/// The split output.
#[derive(Clone, Debug, Default)]
pub struct Split {
    /// File name (inside the output folder) to formatted Rust.
    pub files: BTreeMap<String, String>,
    /// With [`TypesCrates`](crate::emitters::types_crates::TypesCrates): the lower types crate's files
    /// (inside its `generated` folder): `types.rs`, `ids.rs` and `types/<feature>.rs`. Empty
    /// otherwise, the types being in `files`.
    pub lower: BTreeMap<String, String>,
    /// With [`TypesCrates`](crate::emitters::types_crates::TypesCrates): the upper types crate's files,
    /// `types.rs` and `types/<feature>.rs`.
    pub upper: BTreeMap<String, String>,
    /// Every tag feature (kebab case) with the number of its operations.
    pub features: BTreeMap<String, usize>,
    /// The operations (one with two tags counts once).
    pub operations: usize,
    /// The resource handles' files (inside their own folder), when the settings ask for them.
    pub handles: BTreeMap<String, String>,
    /// How each operation is called through its handle, when the settings ask for handles.
    pub calls: Vec<crate::model::operations::CallShape>,
    /// Operations the handles could not fully shape (a list whose items the rule cannot find),
    /// generated as plain calls, each with the overlay that would improve it: `generate`
    /// prints them.
    pub advice: Vec<String>,
    /// The handle calls test's table ([`crate::emitters::handle_calls`]), for the tests crate.
    pub handle_calls: String,
    /// The examples test's table of types ([`crate::emitters::codecs`]), for the tests crate.
    pub example_codecs: String,
    /// The fake API's table of operations ([`crate::emitters::fake_routes`]), as JSON.
    pub fake_operations: String,
    /// Where the fake's success bodies came from.
    pub fake_figures: crate::emitters::fake_routes::Figures,
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
/// With `handles`, what the handles need of progenitor's builders and types is read too.
pub(crate) fn split(
    file: syn::File,
    doc: &Value,
    header: &str,
    handles: bool,
    crates: Option<&crate::emitters::types_crates::TypesCrates>,
) -> Result<(Split, Builders), Error> {
    let op_tags = operation_tags(doc);
    let features = tag_features(&op_tags);

    let Parts { root_items, types_mod, builder_mod, methods, mut builder_trait_impls } = take_apart(file, &op_tags)?;

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
        // The trait impls name the operation's outcomes (its `Value` and `Failure` types).
        for i in items.iter().chain(builder_trait_impls.get(&builder).into_iter().flatten()) {
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

    let envelopes = if handles { envelopes(&types.owned, &types.names) } else { HashMap::new() };
    let actions = if handles { actions(&types.owned) } else { Default::default() };
    let shapes = if handles {
        crate::model::lists::Shapes::of(&types.owned, &types.names.iter().cloned().collect())
    } else {
        crate::model::lists::Shapes::default()
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

    let TagFiles { mut files, described, mod_decls, reexports } =
        tag_files(op_items, &op_tags, &mut builder_trait_impls, (&builder_uses, &builder_attrs), handles, header)?;
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
    let split = Split {
        files,
        lower,
        upper,
        features,
        operations: op_tags.len(),
        handles: BTreeMap::new(),
        calls: Vec::new(),
        advice: Vec::new(),
        handle_calls: String::new(),
        example_codecs: String::new(),
        fake_operations: String::new(),
        fake_figures: Default::default(),
        timings: Vec::new(),
    };
    Ok((split, Builders { described, envelopes, actions, shapes }))
}

/// progenitor's file taken apart: what stays at the root, the `types` and `builder` modules to
/// split, each operation's `Client` method by name, and the trait impls of its builder by builder.
struct Parts {
    root_items: Vec<syn::Item>,
    types_mod: syn::ItemMod,
    builder_mod: syn::ItemMod,
    methods: BTreeMap<String, syn::ImplItemFn>,
    builder_trait_impls: HashMap<String, Vec<syn::Item>>,
}

fn take_apart(file: syn::File, op_tags: &BTreeMap<String, Vec<String>>) -> Result<Parts, Error> {
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
    Ok(Parts { root_items, types_mod, builder_mod, methods, builder_trait_impls })
}

/// The operations' files, one per tag, with what `mod.rs` mounts of them, and (with `handles`)
/// what each operation's builder takes and answers.
struct TagFiles {
    files: BTreeMap<String, String>,
    described: BTreeMap<String, crate::model::builders::Described>,
    mod_decls: Vec<syn::Item>,
    reexports: Vec<TokenStream>,
}

fn tag_files(
    op_items: BTreeMap<String, (syn::ImplItemFn, Vec<syn::Item>)>,
    op_tags: &BTreeMap<String, Vec<String>>,
    builder_trait_impls: &mut HashMap<String, Vec<syn::Item>>,
    (builder_uses, builder_attrs): (&[syn::Item], &[syn::Attribute]),
    handles: bool,
    header: &str,
) -> Result<TagFiles, Error> {
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
            if handles {
                described.insert(method.clone(), describe(&method, &items, &trait_impls)?);
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
        let builder_module = module("builder", builder_attrs.to_vec(), uses);
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
    Ok(TagFiles { files, described, mod_decls, reexports })
}
