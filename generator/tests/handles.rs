//! Every operation of the effective spec (vendored files and overlays) is reachable through a
//! resource handle: a method of the committed generated handles, or, for the operations whose
//! methods are written by hand, a call in `sdk/src/api/`. The spec is walked on its own here; the
//! committed code is read as Rust, not compared with the generator's output (that is
//! `cargo xtask generate --check`), so a method lost on the way fails here by its operation.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use generator::model::operations::{METHOD_EXTENSION, handle_names, method_name};
use proc_macro2::TokenTree;
use quote::ToTokens;
use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The operations whose handle methods are written by hand: the generator setting
/// `HANDWRITTEN_OPERATIONS`, read from `xtask/src/generate.rs` as Rust, so that the list is
/// written once.
fn handwritten(root: &Path) -> Vec<String> {
    let file = syn::parse_file(&std::fs::read_to_string(root.join("xtask/src/generate.rs")).unwrap()).unwrap();
    let list = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Const(c) if c.ident == "HANDWRITTEN_OPERATIONS" => Some(c.expr.to_token_stream()),
            _ => None,
        })
        .expect("xtask/src/generate.rs has `HANDWRITTEN_OPERATIONS`");
    let ids: Vec<String> = list
        .into_iter()
        .filter_map(|t| match t {
            TokenTree::Group(g) => Some(g.stream()),
            _ => None,
        })
        .flatten()
        .filter_map(|t| match t {
            TokenTree::Literal(l) => Some(l.to_string().trim_matches('"').to_owned()),
            _ => None,
        })
        .collect();
    assert!(!ids.is_empty(), "`HANDWRITTEN_OPERATIONS` lists no operation");
    ids
}

/// Every identifier in a token stream, in order.
fn idents(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
    for t in tokens {
        match t {
            TokenTree::Ident(i) => out.push(i.to_string()),
            TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

/// Whether `ident` names a generated client: the API's (`generated()`), or another host's (an
/// agent's `api`, the inference host's `inference_api()`).
fn generated_client(ident: &str) -> bool {
    ident == "generated" || ident == "api" || ident.ends_with("_api")
}

/// `(handle struct, method)` → the generated client's methods its body calls (the identifier
/// after a generated client).
fn handle_methods(dir: &Path) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for item in file.items {
            let syn::Item::Impl(imp) = item else { continue };
            let syn::Type::Path(p) = &*imp.self_ty else { continue };
            let handle = p.path.segments.last().unwrap().ident.to_string();
            for it in imp.items {
                let syn::ImplItem::Fn(f) = it else { continue };
                let mut names = Vec::new();
                idents(f.block.to_token_stream(), &mut names);
                let called: BTreeSet<String> =
                    names.windows(2).filter(|w| generated_client(&w[0])).map(|w| w[1].clone()).collect();
                out.insert((handle.clone(), f.sig.ident.to_string()), called);
            }
        }
    }
    out
}

fn hand_written_calls(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut names = Vec::new();
        idents(file.into_token_stream(), &mut names);
        out.extend(names.windows(2).filter(|w| w[0] == "generated").map(|w| w[1].clone()));
    }
    out
}

#[test]
fn every_operation_has_a_handle_method() {
    let root = workspace();
    let sources =
        generator::effective::Sources::read(&root.join("openapi/vendored"), &root.join("openapi/overlays")).unwrap();
    let doc = generator::effective::effective(&sources, &[]).unwrap();
    let generated = handle_methods(&root.join("sdk/src/api/generated"));
    let hand_written = hand_written_calls(&root.join("sdk/src/api"));
    let by_hand = handwritten(&root);

    let mut missing = Vec::new();
    let mut twice = Vec::new();
    let mut hand_written_ops = Vec::new();
    let mut count = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
            count += 1;
            let tag = op["tags"][0].as_str().unwrap();
            let (_, snake, pascal) = handle_names(tag);
            let builder = heck::ToSnakeCase::to_snake_case(id);
            let callers: Vec<&(String, String)> =
                generated.iter().filter(|(_, called)| called.contains(&builder)).map(|(k, _)| k).collect();
            if by_hand.iter().any(|h| h == id) {
                hand_written_ops.push(id.to_owned());
                if !callers.is_empty() {
                    twice.push(format!("{id}: written by hand on `{tag}`, yet generated as {callers:?}"));
                }
                continue;
            }
            let name = method_name(id, op.get(METHOD_EXTENSION).and_then(Value::as_str));
            let key = (pascal.clone(), name.clone());
            if generated.get(&key).is_none_or(|called| !called.contains(&builder)) {
                missing.push(format!(
                    "{id} ({} {path}): no `client.{snake}().{name}()` calling `{builder}`",
                    method.to_uppercase()
                ));
            }
            if callers.len() > 1 {
                twice.push(format!("{id}: called by {callers:?}"));
            }
        }
    }
    assert!(count > 600, "the effective spec has {count} operations");
    assert!(missing.is_empty(), "operations without a handle method:\n{}", missing.join("\n"));
    assert!(twice.is_empty(), "operations with two public ways:\n{}", twice.join("\n"));
    // The hand-written handles: what they leave out is listed here, so that it is a decision.
    let not_hand_written: Vec<&String> = hand_written_ops
        .iter()
        .filter(|id| !hand_written.contains(&heck::ToSnakeCase::to_snake_case(id.as_str())))
        .collect();
    assert!(not_hand_written.is_empty(), "operations written by hand that no handle calls: {not_hand_written:?}");
}
