//! progenitor builds a `HeaderMap` in every operation and merges it into the request with
//! `.headers(header_map)`, even when the operation has no header parameter (and, once
//! `strip_api_version_header` has run, nothing is ever added to it). That is two allocations
//! and a merge on every call for nothing. The pass removes the map and the merge wherever
//! nothing is appended or inserted into it; operations with header parameters keep theirs.

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

/// Removes `let header_map = ...;` and `.headers(header_map)` from every block that never
/// adds a header to the map.
pub fn run(file: &mut syn::File) {
    DropEmpty.visit_file_mut(file);
}

struct DropEmpty;

impl VisitMut for DropEmpty {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        if let Some(at) = block.stmts.iter().position(declares_header_map) {
            let rest: proc_macro2::TokenStream = block.stmts[at + 1..].iter().map(ToTokens::to_token_stream).collect();
            if !adds_headers(&rest.to_string()) {
                block.stmts.remove(at);
                for stmt in &mut block.stmts[at..] {
                    UnmergeHeaders.visit_stmt_mut(stmt);
                }
            }
        }
        visit_mut::visit_block_mut(self, block);
    }
}

/// Any use of the map besides the final merge: `header_map.append(..)`, `.insert(..)`, or the
/// map handed to something else.
fn adds_headers(code_after: &str) -> bool {
    let uses = code_after.matches("header_map").count();
    let merges = code_after.matches("headers (header_map)").count();
    uses != merges
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
            && call.method == "headers"
            && call.args.len() == 1
            && call.args.first().is_some_and(|a| a.to_token_stream().to_string() == "header_map")
        {
            *expr = (*call.receiver).clone();
        }
    }
}

#[cfg(test)]
mod tests {
    fn generate(operation: serde_json::Value) -> String {
        let spec: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "2.0"},
            "paths": {"/x": {"get": operation}}
        }))
        .unwrap();
        let tokens = crate::emit::try_progenitor(&spec, &crate::Settings::default()).unwrap();
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        crate::output::strip_api_version_header::run(&mut file);
        super::run(&mut file);
        prettyplease::unparse(&file)
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
