//! From a normalized document to formatted Rust: progenitor (guarded against panics), the
//! output passes, prettyplease.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use quote::ToTokens;
use serde_json::Value;

use crate::Settings;
use crate::error::Error;
use crate::normalize::OpenEnum;
use crate::output;
use crate::typed_ids::Replacement;

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
        gs.with_derive(derive);
    }
    if let Some(inner) = &settings.inner_type {
        let inner: syn::Type = syn::parse_str(inner)
            .map_err(|e| Error::Emit { message: format!("the inner type `{inner}` is not a Rust type: {e}") })?;
        gs.with_inner_type(inner.to_token_stream());
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
    Ok(gs)
}

/// Runs progenitor with no open enums; for the passes' tests, which show what progenitor does
/// with and without them.
#[cfg(test)]
pub(crate) fn try_progenitor(spec: &openapiv3::OpenAPI, settings: &Settings) -> Result<TokenStream, Error> {
    generate_guarded(spec, &progenitor_settings(settings, &[], &[])?)
}

// `set_hook` is process-wide; one generation at a time keeps the silenced hook ours.
static PANIC_HOOK: Mutex<()> = Mutex::new(());

fn run_silenced<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let _guard = PANIC_HOOK.lock().unwrap_or_else(|e| e.into_inner());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic with a non-string payload".to_owned())
    })
}

fn generate_once(spec: &openapiv3::OpenAPI, gs: &GenerationSettings) -> Result<Result<TokenStream, String>, String> {
    run_silenced(|| Generator::new(gs).generate_tokens(spec).map_err(|e| e.to_string()))
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
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(doc).map_err(|e| {
        let at = e.path().to_string();
        Error::spec(
            "openapi (merged)",
            format!("/{}", at.replace('.', "/")),
            format!("not an OpenAPI 3.0 document progenitor can read: {}", e.inner()),
        )
    })?;
    let tokens = generate_guarded(&spec, &progenitor_settings(settings, open_enums, typed)?)?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| Error::Emit { message: e.to_string() })?;
    output::strip_api_version_header::run(&mut file);
    output::drop_empty_header_map::run(&mut file);
    output::format_integer_path_params::run(&mut file);
    output::move_response_headers::run(&mut file, &settings.module_path, settings.response_decoder.as_deref())?;
    output::insert_open_enums::run(&mut file, open_enums)?;
    if let Some(module) = &settings.timestamp_deserializer {
        output::timestamp_deserializer::run(&mut file, module)?;
    }
    if let Some(trait_path) = &settings.operation_trait {
        output::operation_impls::run(&mut file, doc, trait_path)?;
    }
    Ok(prettyplease::unparse(&file))
}
