//! progenitor adds `api-version: <info.version>` to every request, whatever the spec says.
//! DigitalOcean's API does not use it; a header the API does not need is noise in every request
//! and in every trace. The pass removes the statement that appends it.

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

/// Removes every `header_map.append(... "api-version" ...)` statement.
pub fn run(file: &mut syn::File) {
    Strip.visit_file_mut(file);
}

struct Strip;

impl VisitMut for Strip {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !appends_api_version(stmt));
        if block.stmts.len() != before && !block.to_token_stream().to_string().contains("header_map . append") {
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

fn appends_api_version(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else { return false };
    call.method == "append"
        && call.args.first().is_some_and(|name| name.to_token_stream().to_string().contains("\"api-version\""))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_header_is_gone_only_with_the_pass() {
        let spec: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "2.0"},
            "paths": {"/x": {"get": {"operationId": "x_get", "responses": {"204": {"description": "ok"}}}}}
        }))
        .unwrap();
        let tokens = crate::emit::try_progenitor(&spec, &crate::Settings::default()).unwrap();
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        assert!(prettyplease::unparse(&file).contains("\"api-version\""));
        super::run(&mut file);
        let code = prettyplease::unparse(&file);
        assert!(!code.contains("\"api-version\""));
        assert!(!code.contains("let mut header_map"), "{code}");
    }
}
