//! Why a pass and not a setting: the header is written into every builder; a `ClientHooks`
//! pre-hook could only remove it again on every call.
//!
//! progenitor adds `api-version: <info.version>` to every request, whatever the spec says.
//! DigitalOcean's API does not use it; a header the API does not need is noise in every request
//! and in every trace. The pass removes the statement that appends it.

use serde_json::Value;
use syn::visit::{self, Visit};
use syn::visit_mut::{self, VisitMut};

use super::expect;
use crate::error::Error;

const PASS: &str = "strip_api_version_header";

/// Removes every `header_map.append(HeaderName::from_static("api-version"), ..)` statement. Every
/// operation of `doc` has one; finding none while `doc` has operations is an error.
pub fn run(file: &mut syn::File, doc: &Value) -> Result<(), Error> {
    let mut strip = Strip { removed: 0 };
    strip.visit_file_mut(file);
    expect::changed(
        PASS,
        strip.removed,
        expect::has_operations(doc),
        "`header_map.append(HeaderName::from_static(\"api-version\"), ..)` in each operation",
    )
}

struct Strip {
    removed: usize,
}

impl VisitMut for Strip {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        if super::holds_operations(item) {
            syn::visit_mut::visit_item_mod_mut(self, item);
        }
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !appends_api_version(stmt));
        let removed = before - block.stmts.len();
        self.removed += removed;
        if removed > 0 && !block.stmts.iter().any(appends_header) {
            // Nothing else adds a header, so `let mut header_map` would warn `unused_mut`.
            for stmt in &mut block.stmts {
                if let syn::Stmt::Local(local) = stmt
                    && let syn::Pat::Ident(id) = &mut local.pat
                    && id.ident == "header_map"
                {
                    id.mutability = None;
                }
            }
        }
        visit_mut::visit_block_mut(self, block);
    }
}

/// `header_map.append(..)` anywhere inside `stmt` (header parameters append inside `if let`s).
fn appends_header(stmt: &syn::Stmt) -> bool {
    struct Finder(bool);
    impl<'a> Visit<'a> for Finder {
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            if call.method == "append" && is_ident(&call.receiver, "header_map") {
                self.0 = true;
            }
            visit::visit_expr_method_call(self, call);
        }
    }
    let mut finder = Finder(false);
    finder.visit_stmt(stmt);
    finder.0
}

fn appends_api_version(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else { return false };
    call.method == "append"
        && is_ident(&call.receiver, "header_map")
        && call.args.first().is_some_and(is_api_version_name)
}

/// `HeaderName::from_static("api-version")`, by any path to `HeaderName`.
fn is_api_version_name(expr: &syn::Expr) -> bool {
    let syn::Expr::Call(call) = expr else { return false };
    let syn::Expr::Path(func) = &*call.func else { return false };
    let segments: Vec<String> = func.path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.ends_with(&["HeaderName".to_owned(), "from_static".to_owned()])
        && matches!(call.args.first(), Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) if s.value() == "api-version")
}

pub(crate) fn is_ident(expr: &syn::Expr, name: &str) -> bool {
    matches!(expr, syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_header_is_gone_only_with_the_pass() {
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "2.0"},
            "paths": {"/x": {"get": {"operationId": "x_get", "responses": {"204": {"description": "ok"}}}}}
        });
        let spec: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).unwrap();
        let tokens = crate::engine::try_progenitor(&spec, &crate::Settings::default()).unwrap();
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        assert!(prettyplease::unparse(&file).contains("\"api-version\""));
        super::run(&mut file, &doc).unwrap();
        let code = prettyplease::unparse(&file);
        assert!(!code.contains("\"api-version\""));
        assert!(!code.contains("let mut header_map"), "{code}");
        // Run again, the header is gone: for a spec with operations that is a changed shape.
        let err = super::run(&mut file, &doc).unwrap_err().to_string();
        assert!(err.contains("strip_api_version_header") && err.contains("api-version"), "{err}");
    }

    #[test]
    fn a_spec_without_operations_has_nothing_to_strip() {
        let mut file: syn::File = syn::parse_str("pub mod types {}").unwrap();
        super::run(&mut file, &serde_json::json!({"paths": {}})).unwrap();
    }
}
