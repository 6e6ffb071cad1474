//! From a normalized document to formatted Rust: progenitor (guarded against panics), the
//! output passes, prettyplease; and the typed ids progenitor is told to use ([`typed_ids`]).

pub mod output;
pub mod typed_ids;

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use serde_json::Value;

use crate::Settings;
use crate::engine::typed_ids::Replacement;
use crate::error::Error;
use crate::normalize::OpenEnum;

/// progenitor settings for this project: builder-style methods, one merged `Client`, the
/// caller's inner type and hooks mode, and a replacement for every open enum.
fn progenitor_settings(
    settings: &Settings,
    open_enums: &[OpenEnum],
    typed: &[Replacement],
) -> Result<GenerationSettings, Error> {
    let mut gs = GenerationSettings::default();
    gs.with_interface(InterfaceStyle::Builder).with_tag(TagStyle::Merged);
    for derive in &settings.derives {
        syn::parse_str::<syn::Path>(derive).map_err(|e| Error::Settings {
            setting: "derives",
            value: derive.clone(),
            message: e.to_string(),
        })?;
        gs.with_derive(derive);
    }
    if let Some(inner) = &settings.inner_type {
        // Parsed as a type, not only as tokens: progenitor splices it into a struct field.
        let ty: syn::Type = syn::parse_str(inner).map_err(|e| Error::Settings {
            setting: "inner_type",
            value: inner.clone(),
            message: e.to_string(),
        })?;
        gs.with_inner_type(quote::ToTokens::to_token_stream(&ty));
    }
    if settings.hooks_expected {
        gs.with_hooks(progenitor::HooksMode::Expected);
    }
    for e in open_enums {
        // An absolute path: the replacement is named from `types` and from `types::builder`.
        let path = format!("{}::types::{}", settings.module_path, e.rust_name);
        gs.with_replacement(&e.rust_name, path, [TypeImpl::Display, TypeImpl::FromStr].into_iter());
    }
    for t in typed {
        gs.with_replacement(&t.rust_name, &t.rust_path, [TypeImpl::Display, TypeImpl::FromStr].into_iter());
    }
    if let Some(timestamp) = &settings.timestamp_type {
        syn::parse_str::<syn::Path>(timestamp).map_err(|e| Error::Settings {
            setting: "timestamp_type",
            value: timestamp.clone(),
            message: e.to_string(),
        })?;
        gs.with_conversion(string_format("date-time"), timestamp, [TypeImpl::Display, TypeImpl::FromStr].into_iter());
    }
    for format in &settings.text_formats {
        gs.with_conversion(
            string_format(format),
            "::std::string::String",
            [TypeImpl::Display, TypeImpl::FromStr, TypeImpl::FromStringIrrefutable].into_iter(),
        );
    }
    Ok(gs)
}

/// `{"type": "string", "format": format}`: typify matches a conversion on the schema without its
/// metadata (description, example, default), so this finds every string of that format.
fn string_format(format: &str) -> schemars::schema::SchemaObject {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        format: Some(format.to_owned()),
        ..Default::default()
    }
}

/// Runs progenitor with no open enums; for the passes' tests, which show what progenitor does
/// with and without them.
#[cfg(test)]
pub(crate) fn try_progenitor(spec: &openapiv3::OpenAPI, settings: &Settings) -> Result<TokenStream, Error> {
    generate_guarded(spec, &progenitor_settings(settings, &[], &[])?)
}

thread_local! {
    /// Set while this thread runs progenitor under `catch_unwind`.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

static CHAIN_HOOK: Once = Once::new();

/// The panic hook is process-wide, so it is never swapped per call (a panic on another thread in
/// that window would lose its message). Instead, once, the hook in place is wrapped: a panic on a
/// thread that is inside [`run_caught`] is quiet (it becomes an [`Error::Progenitor`] that says
/// the same), and every other panic goes to the previous hook exactly as before.
fn chain_quiet_hook() {
    CHAIN_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

fn run_caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    chain_quiet_hook();
    let outer = CATCHING.with(|c| c.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(outer));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic with a non-string payload".to_owned())
    })
}

fn generate_once(spec: &openapiv3::OpenAPI, gs: &GenerationSettings) -> Result<Result<TokenStream, String>, String> {
    run_caught(|| Generator::new(gs).generate_tokens(spec).map_err(|e| e.to_string()))
}

/// Runs progenitor; a panic or an error becomes an [`Error::Progenitor`] that names the
/// operation, found by generating each operation alone.
fn generate_guarded(spec: &openapiv3::OpenAPI, gs: &GenerationSettings) -> Result<TokenStream, Error> {
    let message = match generate_once(spec, gs) {
        Ok(Ok(tokens)) => return Ok(tokens),
        Ok(Err(e)) => e,
        Err(panic) => format!("panicked: {panic}"),
    };
    let operation = culprit(spec, gs);
    Err(Error::Progenitor { operation, message })
}

fn culprit(spec: &openapiv3::OpenAPI, gs: &GenerationSettings) -> Option<String> {
    for (path, item) in &spec.paths.paths {
        let openapiv3::ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            let mut single_item = item.clone();
            for m in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
                if m != method {
                    clear_method(&mut single_item, m);
                }
            }
            let mut single = spec.clone();
            single.paths.paths.clear();
            single.paths.paths.insert(path.clone(), openapiv3::ReferenceOr::Item(single_item));
            if !matches!(generate_once(&single, gs), Ok(Ok(_))) {
                let id = op.operation_id.clone().unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
                return Some(id);
            }
        }
    }
    None
}

fn clear_method(item: &mut openapiv3::PathItem, method: &str) {
    let slot = match method {
        "get" => &mut item.get,
        "put" => &mut item.put,
        "post" => &mut item.post,
        "delete" => &mut item.delete,
        "options" => &mut item.options,
        "head" => &mut item.head,
        "patch" => &mut item.patch,
        _ => &mut item.trace,
    };
    *slot = None;
}

/// Generates and formats the code for a normalized document, without the header.
pub fn emit_tokens(
    doc: &Value,
    open_enums: &[OpenEnum],
    typed: &[Replacement],
    settings: &Settings,
) -> Result<String, Error> {
    emit_file(doc, open_enums, typed, settings).map(|file| prettyplease::unparse(&file))
}

/// Generates the code for a normalized document, output passes run, not yet formatted.
pub fn emit_file(
    doc: &Value,
    open_enums: &[OpenEnum],
    typed: &[Replacement],
    settings: &Settings,
) -> Result<syn::File, Error> {
    emit_file_timed(doc, open_enums, typed, settings, &mut crate::Stages::start())
}

/// [`emit_file`], with a lap on `clock` after each of its stages.
pub(crate) fn emit_file_timed(
    doc: &Value,
    open_enums: &[OpenEnum],
    typed: &[Replacement],
    settings: &Settings,
    clock: &mut crate::Stages,
) -> Result<syn::File, Error> {
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(doc).map_err(|e| {
        let at = e.path().to_string();
        Error::spec(
            "openapi (merged)",
            format!("/{}", at.replace('.', "/")),
            format!("not an OpenAPI 3.0 document progenitor can read: {}", e.inner()),
        )
    })?;
    clock.lap("document read as OpenAPI");
    let tokens = generate_guarded(&spec, &progenitor_settings(settings, open_enums, typed)?)?;
    clock.lap("progenitor");
    let mut file = parse_by_module(tokens).map_err(|e| Error::Emit { message: e.to_string() })?;
    clock.lap("progenitor's tokens parsed");
    output::strip_api_version_header::run(&mut file, doc)?;
    output::drop_empty_header_map::run(&mut file, doc)?;
    output::format_integer_path_params::run(&mut file, doc, typed)?;
    output::insert_open_enums::run(&mut file, open_enums)?;
    output::open_inline_enums::run(&mut file)?;
    if let Some(module) = &settings.null_as_absent {
        output::null_as_absent::run(&mut file, doc, module)?;
    }
    if let Some(runtime) = &settings.runtime {
        output::operation_impls::run(&mut file, doc, runtime)?;
    }
    output::drop_unused_struct_builders::run(&mut file)?;
    if settings.refuse_strict_shapes {
        output::strict_shapes::check(&file)?;
    }
    clock.lap("output passes");
    Ok(file)
}

/// `syn::parse2::<syn::File>`, the same tree, with each inline module's body parsed on its own.
/// syn first copies the whole input into one growing array of tokens; for the whole API that
/// array reached hundreds of megabytes, each doubling of it on fresh memory. A module at a time,
/// the arrays are a fraction of that and reuse each other's memory.
fn parse_by_module(tokens: TokenStream) -> syn::Result<syn::File> {
    parse_module(tokens, None)
}

// `parent`: the module whose body `tokens` is. The items of `types::builder` are left as tokens
// (`syn::Item::Verbatim`): `output::drop_unused_struct_builders` removes most of them, and
// parses only those it keeps.
fn parse_module(tokens: TokenStream, parent: Option<&str>) -> syn::Result<syn::File> {
    use proc_macro2::{Delimiter, Group, TokenTree};
    // The bodies of `mod name { .. }` at this level are cut out (left as `{}`), in order.
    let mut bodies = Vec::new();
    let mut outline = Vec::new();
    for tree in tokens {
        let after_mod_name = outline.len() >= 2
            && matches!(&outline[outline.len() - 2], TokenTree::Ident(i) if i == "mod")
            && matches!(&outline[outline.len() - 1], TokenTree::Ident(_));
        match tree {
            TokenTree::Group(g) if after_mod_name && g.delimiter() == Delimiter::Brace => {
                let mut empty = Group::new(Delimiter::Brace, TokenStream::new());
                empty.set_span(g.span());
                bodies.push(g.stream());
                outline.push(TokenTree::Group(empty));
            }
            other => outline.push(other),
        }
    }
    let mut file: syn::File = syn::parse2(outline.into_iter().collect())?;
    let mut bodies = bodies.into_iter();
    for item in &mut file.items {
        if let syn::Item::Mod(m) = item
            && let Some((_, items)) = &mut m.content
        {
            let body =
                bodies.next().ok_or_else(|| syn::Error::new(m.ident.span(), "a module whose body was not cut out"))?;
            let body = if parent == Some("types") && m.ident == "builder" {
                match output::drop_unused_struct_builders::unparsed(body) {
                    Ok(unparsed) => {
                        *items = unparsed;
                        continue;
                    }
                    Err(whole) => whole,
                }
            } else {
                body
            };
            // A module's inner attributes follow its outer ones, as syn parses them.
            let inner = parse_module(body, Some(&m.ident.to_string()))?;
            m.attrs.extend(inner.attrs);
            *items = inner.items;
        }
    }
    match bodies.next() {
        Some(body) => Err(syn::Error::new(
            body.into_iter().next().map_or_else(proc_macro2::Span::call_site, |t| t.span()),
            "a body cut out that is no module's",
        )),
        None => Ok(file),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inner_type_that_is_not_a_type_is_an_error_not_a_panic() {
        let settings = Settings { inner_type: Some("not a type!".into()), ..Settings::default() };
        let err = progenitor_settings(&settings, &[], &[]).err().expect("refused").to_string();
        assert!(err.contains("inner_type") && err.contains("not a type!"), "{err}");
        let settings = Settings { derives: vec!["Partial Eq".into()], ..Settings::default() };
        assert!(progenitor_settings(&settings, &[], &[]).is_err());
    }

    #[test]
    fn parsing_a_module_at_a_time_gives_the_tree_syn_gives() {
        let code = quote::quote! {
            #![allow(x)]
            #[doc = "outer"]
            pub mod types {
                #![allow(y)]
                pub struct A { b: builder::A }
                pub mod builder { pub struct A; impl A { fn f() { mod inner { fn g() {} } } } }
                mod defaults;
            }
            impl Client { fn get(&self) -> builder::Get<'_> { builder::Get::new(self) } }
            mod r#mod { const X: u8 = 1; }
        };
        let mut file = parse_by_module(code.clone()).unwrap();
        // `types::builder`'s items are left as tokens, one item each, for the pass that drops
        // most of them to parse the rest.
        let syn::Item::Mod(types) = &mut file.items[0] else { panic!("the first item is the module") };
        let syn::Item::Mod(builder) = &mut types.content.as_mut().unwrap().1[1] else { panic!("then `builder`") };
        let items = &mut builder.content.as_mut().unwrap().1;
        assert_eq!(items.len(), 2);
        for item in items.iter_mut() {
            let syn::Item::Verbatim(tokens) = item else { panic!("a builder item left as tokens") };
            *item = syn::parse2(tokens.clone()).unwrap();
        }
        assert_eq!(prettyplease::unparse(&file), prettyplease::unparse(&syn::parse2(code).unwrap()));
        let syn::Item::Mod(types) = &mut file.items[0] else { panic!("the first item is the module") };
        assert_eq!(types.attrs.len(), 2, "the inner attribute stays with its module");
        assert_eq!(types.content.as_ref().unwrap().1.len(), 3);
    }

    #[test]
    fn a_caught_panic_becomes_a_message() {
        let r: Result<(), String> = run_caught(|| panic!("from progenitor"));
        assert_eq!(r.unwrap_err(), "from progenitor");
        assert_eq!(run_caught(|| 7).unwrap(), 7);
    }
}
