//! Why a pass and not a setting: progenitor's builders only send. Their `send` builds the
//! request, runs the hooks and decodes the answer in one async function, and no setting gives
//! the request alone: `ClientHooks` see a request already built and a response not yet read,
//! and the decoding is written into every `send`.
//!
//! A runtime that walks each call one visible way (build, authorize, send, read within a
//! limit, classify, decode, retry) needs the request alone. The pass turns each builder's
//! `send` into `request(self) -> Result<reqwest::Request, Error>`: the same statements up to
//! the built request, nothing after it. What each status of the answer means, which `send`
//! ended with, is what [`super::operation_impls`] reads first and gives the runtime.

use quote::quote;
use syn::visit_mut::VisitMut;

use crate::error::Error;

const PASS: &str = "output pass build_requests";

/// Rewrites every builder's `send` into `request`; the number rewritten.
pub fn run(file: &mut syn::File) -> Result<usize, Error> {
    let mut rewrite = Rewrite { count: 0, failed: None };
    rewrite.visit_file_mut(file);
    match rewrite.failed {
        Some(message) => Err(Error::Emit { message: format!("{PASS}: {message}") }),
        None => Ok(rewrite.count),
    }
}

struct Rewrite {
    count: usize,
    failed: Option<String>,
}

impl VisitMut for Rewrite {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        if super::holds_operations(item) {
            syn::visit_mut::visit_item_mod_mut(self, item);
        }
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let builder = match &*item.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
            _ => return,
        };
        for inner in &mut item.items {
            let syn::ImplItem::Fn(f) = inner else { continue };
            if f.sig.ident != "send" || f.sig.asyncness.is_none() {
                continue;
            }
            match into_request(f) {
                Ok(()) => self.count += 1,
                Err(why) => {
                    self.failed.get_or_insert(format!("builder `{builder}`: {why}"));
                }
            }
        }
    }
}

/// `send` cut after the statement that builds `request`, which it then returns.
fn into_request(f: &mut syn::ImplItemFn) -> Result<(), String> {
    let stmts = &f.block.stmts;
    let end = stmts
        .iter()
        .position(|s| binds(s, "info"))
        .ok_or("its `send` makes no `OperationInfo` (`let info = ..`): progenitor's output changed shape")?;
    if end == 0 || !binds(&stmts[end - 1], "request") {
        return Err("the statement before `let info` does not build `request`".into());
    }
    let mut kept: Vec<syn::Stmt> = stmts[..end].to_vec();
    kept.push(syn::Stmt::Expr(syn::parse_quote! { Ok(request) }, None));
    f.block.stmts = kept;
    f.sig.ident = syn::Ident::new("request", f.sig.ident.span());
    f.sig.asyncness = None;
    f.sig.output = syn::parse_quote! { -> Result<reqwest::Request, Error> };
    f.vis = syn::parse_quote! { pub(crate) };
    for attr in &mut f.attrs {
        if let syn::Meta::NameValue(nv) = &mut attr.meta
            && nv.path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = &nv.value
        {
            let doc = text.value().replacen("Sends a", "Builds a", 1);
            nv.value = syn::parse2(quote! { #doc }).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Whether `stmt` is `let [mut] name = ..;`.
fn binds(stmt: &syn::Stmt, name: &str) -> bool {
    matches!(stmt, syn::Stmt::Local(local) if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == name))
}

#[cfg(test)]
mod tests {
    fn send(body: &str) -> syn::File {
        syn::parse_str(&format!(
            "impl<'a> Get<'a> {{ #[doc = \"Sends a `GET` request to `/x`\"] pub async fn send(self) -> Result<ResponseValue<T>, Error<E>> {{ {body} }} }}"
        ))
        .unwrap()
    }

    #[test]
    fn send_becomes_the_request_it_builds() {
        let mut file = send(
            "let Self { client, id } = self; let id = id.map_err(Error::InvalidRequest)?; \
             let mut request = client.client.get(url).build()?; \
             let info = OperationInfo { operation_id: \"get\" }; \
             client.pre(&mut request, &info).await?; let result = client.exec(request, &info).await; \
             let response = result?; match response.status().as_u16() { _ => todo!() }",
        );
        assert_eq!(super::run(&mut file).unwrap(), 1);
        let code = prettyplease::unparse(&file);
        assert!(code.contains("pub(crate) fn request(self) -> Result<reqwest::Request, Error>"), "{code}");
        assert!(code.contains("Ok(request)") && code.contains("Builds a `GET` request"), "{code}");
        assert!(!code.contains("OperationInfo") && !code.contains("exec") && !code.contains("async"), "{code}");
    }

    #[test]
    fn a_send_of_another_shape_is_an_error_naming_the_builder() {
        let mut file = send("let x = 1; x");
        let err = super::run(&mut file).unwrap_err().to_string();
        assert!(err.contains("build_requests") && err.contains("`Get`"), "{err}");
    }
}
