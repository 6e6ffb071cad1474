//! Why a pass and not a setting: progenitor writes the map in every builder's `send`, and
//! `ClientHooks` only see the request once it is built.
//!
//! progenitor builds a `HeaderMap` in every operation and merges it into the request with
//! `.headers(header_map)`, even when the operation has no header parameter (and, once
//! `strip_api_version_header` has run, nothing is ever added to it). That is two allocations
//! and a merge on every call for nothing. The pass removes the map and the merge wherever
//! nothing is appended or inserted into it; operations with header parameters keep theirs.

use serde_json::Value;
use syn::visit::{self, Visit};
use syn::visit_mut::{self, VisitMut};

use super::expect;
use super::strip_api_version_header::is_ident;
use crate::error::Error;

const PASS: &str = "drop_empty_header_map";

/// Removes `let header_map = ...;` and `.headers(header_map)` from every block that never
/// adds a header to the map. Every operation of `doc` declares a map; finding none while `doc`
/// has operations is an error.
pub fn run(file: &mut syn::File, doc: &Value) -> Result<(), Error> {
    let mut pass = DropEmpty { declared: 0 };
    pass.visit_file_mut(file);
    expect::changed(
        PASS,
        pass.declared,
        expect::has_operations(doc),
        "`let header_map = HeaderMap::..` in each operation",
    )
}

struct DropEmpty {
    /// Maps found, dropped or kept.
    declared: usize,
}

impl VisitMut for DropEmpty {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        if super::holds_operations(item) {
            syn::visit_mut::visit_item_mod_mut(self, item);
        }
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        if let Some(at) = block.stmts.iter().position(declares_header_map) {
            self.declared += 1;
            let mut uses = Uses::default();
            for stmt in &block.stmts[at + 1..] {
                uses.visit_stmt(stmt);
            }
            if uses.all == uses.merges {
                block.stmts.remove(at);
                for stmt in &mut block.stmts[at..] {
                    UnmergeHeaders.visit_stmt_mut(stmt);
                }
            }
        }
        visit_mut::visit_block_mut(self, block);
    }
}

/// Every mention of `header_map`, and how many of them are the final `.headers(header_map)`.
/// Any other (`header_map.append(..)`, the map handed to something else) means it is used.
#[derive(Default)]
struct Uses {
    all: usize,
    merges: usize,
}

impl<'a> Visit<'a> for Uses {
    fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
        if is_merge(call) {
            self.merges += 1;
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_ident(&mut self, ident: &'a proc_macro2::Ident) {
        if ident == "header_map" {
            self.all += 1;
        }
    }

    // syn leaves macro bodies as tokens: count the name there too, so a map used only inside a
    // macro still counts as used.
    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        fn count(tokens: proc_macro2::TokenStream) -> usize {
            tokens
                .into_iter()
                .map(|t| match t {
                    proc_macro2::TokenTree::Ident(i) if i == "header_map" => 1,
                    proc_macro2::TokenTree::Group(g) => count(g.stream()),
                    _ => 0,
                })
                .sum()
        }
        self.all += count(mac.tokens.clone());
        visit::visit_macro(self, mac);
    }
}

fn is_merge(call: &syn::ExprMethodCall) -> bool {
    call.method == "headers" && call.args.len() == 1 && call.args.first().is_some_and(|a| is_ident(a, "header_map"))
}

fn declares_header_map(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Local(local) = stmt else { return false };
    let syn::Pat::Ident(id) = &local.pat else { return false };
    id.ident == "header_map"
}

/// Replaces `<receiver>.headers(header_map)` with `<receiver>`.
struct UnmergeHeaders;

impl VisitMut for UnmergeHeaders {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        visit_mut::visit_expr_mut(self, expr);
        if let syn::Expr::MethodCall(call) = expr
            && is_merge(call)
        {
            *expr = (*call.receiver).clone();
        }
    }
}

#[cfg(test)]
mod tests {
    fn generate(operation: serde_json::Value) -> String {
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "2.0"},
            "paths": {"/x": {"get": operation}}
        });
        let spec: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).unwrap();
        let tokens = crate::engine::try_progenitor(&spec, &crate::Settings::default()).unwrap();
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        crate::engine::output::strip_api_version_header::run(&mut file, &doc).unwrap();
        super::run(&mut file, &doc).unwrap();
        prettyplease::unparse(&file)
    }

    #[test]
    fn no_header_map_in_a_spec_with_operations_is_an_error() {
        let doc = serde_json::json!({"paths": {"/x": {"get": {"operationId": "x_get"}}}});
        let mut file: syn::File = syn::parse_str("fn send() { let request = client.get(url).build()?; }").unwrap();
        let err = super::run(&mut file, &doc).unwrap_err().to_string();
        assert!(err.contains("drop_empty_header_map") && err.contains("header_map"), "{err}");
        super::run(&mut file, &serde_json::json!({"paths": {}})).unwrap();
    }

    #[test]
    fn a_map_used_inside_a_macro_is_kept() {
        let code =
            "fn send() { let header_map = HeaderMap::new(); log!(\"{:?}\", header_map); c.headers(header_map); }";
        let mut file: syn::File = syn::parse_str(code).unwrap();
        super::run(&mut file, &serde_json::json!({"paths": {}})).unwrap();
        assert!(prettyplease::unparse(&file).contains("let header_map"));
    }

    #[test]
    fn an_operation_without_header_parameters_builds_no_header_map() {
        let code = generate(serde_json::json!({
            "operationId": "x_get", "responses": {"204": {"description": "ok"}}
        }));
        assert!(!code.contains("header_map"), "{code}");
        // The request is still built and sent.
        assert!(code.contains(".build()?"), "{code}");
    }

    #[test]
    fn an_operation_with_a_header_parameter_keeps_its_map() {
        let code = generate(serde_json::json!({
            "operationId": "x_get",
            "parameters": [{"name": "x-trace", "in": "header", "required": true, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "ok"}}
        }));
        assert!(code.contains("let mut header_map"), "{code}");
        assert!(code.contains(".headers(header_map)"), "{code}");
        assert!(code.contains("\"x-trace\""), "{code}");
    }
}
