//! Why a pass and not a setting: `patch` and `derives` change the types, never the builders,
//! and progenitor writes no trait impl of its own on them.
//!
//! progenitor's builders know their operation only by the id they hand the hooks; a runtime
//! that sends, retries and traces any builder generically needs more: the method decides what
//! is safe to send again, the path template names the request in traces without ids in it,
//! the success and error body types say what a call returns, and the statuses the operation
//! describes say which of them a response is. The pass implements the `Operation` trait of the
//! crate's runtime module (`Settings::runtime`) for every builder, from the spec and from the
//! builder's own `send`, whose closing `match` on the status it reads; then
//! [`super::build_requests`] cuts `send` down to the request it builds:
//!
//! ```ignore
//! impl<'a> runtime::Operation for builder::ActionsGet<'a> {
//!     type Value = types::ActionResponse;
//!     type Failure = types::Error;
//!     const ID: &'static str = "actions_get";
//!     const METHOD: reqwest::Method = reqwest::Method::GET;
//!     const PATH: &'static str = "/v2/actions/{action_id}";
//!     fn try_clone(&self) -> Option<Self> { Some(self.clone()) }
//!     // A DELETE without a body only: what its success is when a retry finds it done already.
//!     fn gone() -> Option<Self::Value> { Some(()) }
//!     fn request(self) -> Result<reqwest::Request, Error> { builder::ActionsGet::request(self) }
//!     fn answer(status: u16) -> runtime::Answer {
//!         match status { 200u16 => runtime::Answer::Value, 400u16..=499u16 => runtime::Answer::Failure, _ => runtime::Answer::Undescribed }
//!     }
//!     fn value(body: runtime::body::Body) -> runtime::body::Decoded<Self::Value> { runtime::body::json(body) }
//!     fn failure(body: runtime::body::Body) -> runtime::body::Decoded<Self::Failure> { runtime::body::json(body) }
//! }
//! ```
//!
//! The decoders are the runtime's: `json` for a JSON body, `empty` for none (a `204`), `stream`
//! for one that is not JSON, as progenitor's `send` chose them.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::visit::Visit;

use crate::error::Error;
use crate::spec::validate::operations;

const PASS: &str = "output pass operation_impls";

/// Appends an impl of `{runtime}::Operation` for every builder that has a `send` method, then
/// turns each `send` into the request it builds.
pub fn run(file: &mut syn::File, doc: &Value, runtime: &str) -> Result<(), Error> {
    let runtime: syn::Path =
        syn::parse_str(runtime).map_err(|e| Error::Emit { message: format!("runtime module `{runtime}`: {e}") })?;
    // progenitor names operations (and `OperationInfo::operation_id`) in snake case.
    let mut routes = BTreeMap::new();
    for op in operations(doc) {
        if let Some(id) = op.item.get("operationId").and_then(Value::as_str) {
            routes.insert(id.to_snake_case(), (op.method.to_uppercase(), op.path.to_owned()));
        }
    }
    let mut found = Senders::default();
    found.visit_file(file);
    let mut cloneable = Cloneable::default();
    cloneable.visit_file(file);
    if found.0.is_empty() {
        return Err(Error::Emit { message: format!("{PASS}: no builder with a `send` method found") });
    }
    let template = Template::new(&runtime)?;
    let mut impls = Vec::with_capacity(found.0.len());
    for sender in found.0 {
        let Some((method, path)) = routes.get(&sender.operation_id) else {
            return Err(Error::Emit {
                message: format!(
                    "{PASS}: builder `{}` sends `{}`, an id the spec does not have",
                    sender.builder, sender.operation_id
                ),
            });
        };
        // A builder holding a body that cannot be copied (a stream) can be sent once only.
        let cloneable = cloneable.0.contains(&sender.builder.to_string());
        // A DELETE whose success has no body can report success without one: when a retry
        // finds the resource gone (a 404), the earlier attempt deleted it. A success with a
        // body cannot be made up, so other operations keep the trait's `None`.
        let unit = matches!(&sender.value, syn::Type::Tuple(t) if t.elems.is_empty());
        let gone = method == "DELETE" && unit;
        let builder = &sender.builder;
        let decoder = |of: fn(&Answer) -> Option<&syn::Ident>| {
            let mut decoders = sender.answers.iter().filter_map(|(_, a)| of(a));
            let first = decoders.next();
            match first {
                Some(d) if decoders.any(|other| other != d) => Err(Error::Emit {
                    message: format!("{PASS}: builder `{builder}` decodes statuses of one kind in different ways"),
                }),
                Some(d) => Ok(d.clone()),
                // No status of that kind: its type is `()`, and there is nothing to decode.
                None => Ok(format_ident!("empty")),
            }
        };
        let decoders = (
            decoder(|a| match a {
                Answer::Value(d) => Some(d),
                _ => None,
            })?,
            decoder(|a| match a {
                Answer::Failure(d) => Some(d),
                _ => None,
            })?,
        );
        let route = Route { method: format_ident!("{method}"), path, cloneable, gone };
        impls.push(syn::Item::Impl(template.fill(&sender, &route, decoders)));
    }
    super::build_requests::run(file)?;
    file.items.extend(impls);
    Ok(())
}

/// What the spec says of an operation, for its impl.
struct Route<'a> {
    method: syn::Ident,
    path: &'a str,
    cloneable: bool,
    gone: bool,
}

/// The impl every builder gets, parsed once and filled in per builder: cloning a small tree
/// is a fraction of parsing the tokens of 659 impls, which took 0.15 s of every `generate`.
struct Template {
    item: syn::ItemImpl,
    /// The body of `try_clone` for a builder that cannot be copied.
    once: syn::Block,
    /// `fn gone`, for a DELETE without a body.
    gone: syn::ImplItem,
    /// `{runtime}::Answer::Value`, whose last segment each arm's answer replaces.
    answer: syn::ExprPath,
}

impl Template {
    fn new(runtime: &syn::Path) -> Result<Self, Error> {
        let parse = |tokens: proc_macro2::TokenStream| Error::Emit { message: format!("{PASS}: {tokens}") };
        let item = quote! {
            impl<'a> #runtime::Operation for builder::Builder<'a> {
                type Value = ();
                type Failure = ();
                const ID: &'static str = "";
                const METHOD: reqwest::Method = reqwest::Method::GET;
                const PATH: &'static str = "";
                fn try_clone(&self) -> Option<Self> {
                    Some(::std::clone::Clone::clone(self))
                }
                fn request(self) -> Result<reqwest::Request, Error> {
                    builder::Builder::request(self)
                }
                fn answer(status: u16) -> #runtime::Answer {
                    match status {}
                }
                fn value(body: #runtime::body::Body) -> #runtime::body::Decoded<Self::Value> {
                    #runtime::body::json(body)
                }
                fn failure(body: #runtime::body::Body) -> #runtime::body::Decoded<Self::Failure> {
                    #runtime::body::json(body)
                }
            }
        };
        let gone = quote! {
            fn gone() -> Option<Self::Value> {
                Some(())
            }
        };
        let answer = quote! { #runtime::Answer::Value };
        Ok(Template {
            item: syn::parse2(item.clone()).map_err(|_| parse(item))?,
            once: syn::parse_quote! { { None } },
            gone: syn::parse2(gone.clone()).map_err(|_| parse(gone))?,
            answer: syn::parse2(answer.clone()).map_err(|_| parse(answer))?,
        })
    }

    /// The template, for `sender`'s builder.
    fn fill(&self, sender: &Sender, route: &Route<'_>, (value, failure): (syn::Ident, syn::Ident)) -> syn::ItemImpl {
        let mut item = self.item.clone();
        if let syn::Type::Path(p) = &mut *item.self_ty {
            set_last(&mut p.path, &sender.builder);
        }
        let lit = |text: &str| {
            syn::Expr::Lit(syn::ExprLit {
                attrs: Vec::new(),
                lit: syn::Lit::Str(syn::LitStr::new(text, proc_macro2::Span::call_site())),
            })
        };
        let mut gone = None;
        for (at, member) in item.items.iter_mut().enumerate() {
            match member {
                syn::ImplItem::Type(t) if t.ident == "Value" => t.ty = sender.value.clone(),
                syn::ImplItem::Type(t) => t.ty = sender.failure.clone(),
                syn::ImplItem::Const(c) if c.ident == "ID" => c.expr = lit(&sender.operation_id),
                syn::ImplItem::Const(c) if c.ident == "PATH" => c.expr = lit(route.path),
                syn::ImplItem::Const(c) => {
                    if let syn::Expr::Path(p) = &mut c.expr {
                        set_last(&mut p.path, &route.method);
                    }
                }
                syn::ImplItem::Fn(f) if f.sig.ident == "try_clone" => {
                    if !route.cloneable {
                        f.block = self.once.clone();
                    }
                    if route.gone {
                        gone = Some(at + 1);
                    }
                }
                syn::ImplItem::Fn(f) if f.sig.ident == "request" => {
                    if let Some(syn::Stmt::Expr(syn::Expr::Call(call), None)) = f.block.stmts.first_mut()
                        && let syn::Expr::Path(p) = &mut *call.func
                        && let Some(segment) = p.path.segments.iter_mut().nth(1)
                    {
                        segment.ident = sender.builder.clone();
                    }
                }
                syn::ImplItem::Fn(f) if f.sig.ident == "answer" => {
                    if let Some(syn::Stmt::Expr(syn::Expr::Match(m), None)) = f.block.stmts.first_mut() {
                        m.arms = sender.answers.iter().map(|(pat, answer)| self.arm(pat, answer)).collect();
                    }
                }
                syn::ImplItem::Fn(f) => {
                    let decoder = if f.sig.ident == "value" { &value } else { &failure };
                    if let Some(syn::Stmt::Expr(syn::Expr::Call(call), None)) = f.block.stmts.first_mut()
                        && let syn::Expr::Path(p) = &mut *call.func
                    {
                        set_last(&mut p.path, decoder);
                    }
                }
                _ => {}
            }
        }
        if let Some(at) = gone {
            item.items.insert(at, self.gone.clone());
        }
        item
    }

    /// `pat => {runtime}::Answer::{variant},`
    fn arm(&self, pat: &syn::Pat, answer: &Answer) -> syn::Arm {
        let mut path = self.answer.clone();
        set_last(&mut path.path, &format_ident!("{}", answer.variant()));
        syn::Arm {
            attrs: Vec::new(),
            pat: pat.clone(),
            guard: None,
            fat_arrow_token: Default::default(),
            body: Box::new(syn::Expr::Path(path)),
            comma: Some(Default::default()),
        }
    }
}

fn set_last(path: &mut syn::Path, ident: &syn::Ident) {
    if let Some(last) = path.segments.last_mut() {
        last.ident = ident.clone();
    }
}

/// The structs that derive `Clone`.
#[derive(Default)]
struct Cloneable(std::collections::HashSet<String>);

impl<'ast> Visit<'ast> for Cloneable {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if super::holds_operations(item) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        let derives_clone = item.attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
            a.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .is_ok_and(|paths| paths.iter().any(|p| p.segments.last().is_some_and(|s| s.ident == "Clone")))
        });
        if derives_clone {
            self.0.insert(item.ident.to_string());
        }
    }
}

struct Sender {
    builder: syn::Ident,
    operation_id: String,
    value: syn::Type,
    failure: syn::Type,
    /// The arms of the `match` on the status that `send` ends with, in order.
    answers: Vec<(syn::Pat, Answer)>,
}

/// What an arm of `send`'s closing `match` makes of a status: a success or the API's error,
/// each with the runtime's decoder for its body (`json`, `empty`, `stream`), or a status the
/// operation does not describe.
enum Answer {
    Value(syn::Ident),
    Failure(syn::Ident),
    Undescribed,
}

impl Answer {
    fn variant(&self) -> &'static str {
        match self {
            Answer::Value(_) => "Value",
            Answer::Failure(_) => "Failure",
            Answer::Undescribed => "Undescribed",
        }
    }
}

/// Every `impl Builder { async fn send(self) -> Result<ResponseValue<T>, Error<E>> }`, with
/// the operation id its `OperationInfo` names.
#[derive(Default)]
struct Senders(Vec<Sender>);

impl<'ast> Visit<'ast> for Senders {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if super::holds_operations(item) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        let syn::Type::Path(self_ty) = &*item.self_ty else { return };
        let Some(builder) = self_ty.path.segments.last().map(|s| s.ident.clone()) else { return };
        for inner in &item.items {
            let syn::ImplItem::Fn(f) = inner else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            let (Some((value, failure)), Some(operation_id), Some(answers)) =
                (result_types(&f.sig.output), operation_id(&f.block), answers(&f.block))
            else {
                continue;
            };
            self.0.push(Sender { builder: builder.clone(), operation_id, value, failure, answers });
        }
    }
}

/// The arms of the `match response.status().as_u16() { .. }` that ends `send`: each arm's
/// pattern, and what its body makes of the response. `None` when `send` ends otherwise, or an
/// arm decodes in a way the runtime has no decoder for.
fn answers(block: &syn::Block) -> Option<Vec<(syn::Pat, Answer)>> {
    let Some(syn::Stmt::Expr(syn::Expr::Match(m), None)) = block.stmts.last() else { return None };
    m.arms
        .iter()
        .map(|arm| {
            let mut seen = Seen::default();
            seen.visit_expr(&arm.body);
            let answer = if seen.unexpected {
                Answer::Undescribed
            } else {
                let decoder = format_ident!("{}", seen.decoder?);
                if seen.error { Answer::Failure(decoder) } else { Answer::Value(decoder) }
            };
            Some((arm.pat.clone(), answer))
        })
        .collect()
}

/// What an arm's body names: `Error::ErrorResponse`, `Error::UnexpectedResponse`, and the
/// `ResponseValue` function that reads the body.
#[derive(Default)]
struct Seen {
    error: bool,
    unexpected: bool,
    decoder: Option<&'static str>,
}

impl<'ast> Visit<'ast> for Seen {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        match names.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            [.., "Error", "ErrorResponse"] => self.error = true,
            [.., "Error", "UnexpectedResponse"] => self.unexpected = true,
            [.., "ResponseValue", "from_response"] => self.decoder = Some("json"),
            [.., "ResponseValue", "empty"] => self.decoder = Some("empty"),
            [.., "ResponseValue", "stream"] => self.decoder = Some("stream"),
            _ => {}
        }
        syn::visit::visit_path(self, path);
    }
}

/// `T` and `E` of `-> Result<ResponseValue<T>, Error<E>>`.
fn result_types(output: &syn::ReturnType) -> Option<(syn::Type, syn::Type)> {
    let syn::ReturnType::Type(_, ty) = output else { return None };
    let [ok, err] = generic_args(ty, "Result")?.try_into().ok()?;
    let [value] = generic_args(&ok, "ResponseValue")?.try_into().ok()?;
    let [failure] = generic_args(&err, "Error")?.try_into().ok()?;
    Some((value, failure))
}

/// The type arguments of `ty` when its last path segment is `name`.
fn generic_args(ty: &syn::Type, name: &str) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// The string given to `operation_id` in the `OperationInfo` that `send` builds.
fn operation_id(block: &syn::Block) -> Option<String> {
    #[derive(Default)]
    struct Find(Option<String>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
            if s.path.segments.last().is_some_and(|seg| seg.ident == "OperationInfo") {
                for field in &s.fields {
                    if let (syn::Member::Named(name), syn::Expr::Lit(lit)) = (&field.member, &field.expr)
                        && name == "operation_id"
                        && let syn::Lit::Str(id) = &lit.lit
                    {
                        self.0 = Some(id.value());
                    }
                }
            }
            syn::visit::visit_expr_struct(self, s);
        }
    }
    let mut find = Find::default();
    find.visit_block(block);
    find.0
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn spec() -> serde_json::Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "2.0"},
            "paths": {"/v2/things/{id}": {"get": {
                "operationId": "things_get",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {"200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}
                }}
            }}}
        })
    }

    #[test]
    fn every_builder_gets_its_method_path_and_body_types() {
        let doc = spec();
        let tokens =
            crate::engine::try_progenitor(&serde_json::from_value(doc.clone()).unwrap(), &crate::Settings::default())
                .unwrap();
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        super::run(&mut file, &doc, "crate::runtime").unwrap();
        let code = prettyplease::unparse(&file);
        assert!(code.contains("impl<'a> crate::runtime::Operation for builder::ThingsGet<'a>"), "{code}");
        assert!(code.contains("const METHOD: reqwest::Method = reqwest::Method::GET;"), "{code}");
        assert!(code.contains("const PATH: &'static str = \"/v2/things/{id}\";"), "{code}");
        assert!(code.contains("const ID: &'static str = \"things_get\";"), "{code}");
        assert!(code.contains("type Value = types::ThingsGetResponse;"), "{code}");
        assert!(code.contains("type Failure = ();"), "{code}");
        assert!(code.contains("Some(::std::clone::Clone::clone(self))"), "{code}");
        assert!(!code.contains("fn gone()"), "a GET is never found gone: {code}");
        // The statuses as `send` sorted them, each body with the runtime's decoder.
        assert!(code.contains("200u16 => crate::runtime::Answer::Value,"), "{code}");
        assert!(code.contains("_ => crate::runtime::Answer::Undescribed,"), "{code}");
        assert!(code.contains("crate::runtime::body::json(body)"), "{code}");
        // No error status declared: nothing to decode as the API's error.
        assert!(code.contains("crate::runtime::body::empty(body)"), "{code}");
        // `send` is gone: the builder gives its request, and the runtime sends it.
        assert!(code.contains("builder::ThingsGet::request(self)") && !code.contains("async fn send"), "{code}");
    }

    #[test]
    fn a_delete_without_a_body_can_be_found_gone() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "2.0"},
            "paths": {"/v2/things/{id}": {
                "delete": {
                    "operationId": "things_delete",
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                    "responses": {"204": {"description": "gone"}}
                },
                "patch": {
                    "operationId": "things_patch",
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                    "responses": {"204": {"description": "done"}}
                }
            }}
        });
        let tokens =
            crate::engine::try_progenitor(&serde_json::from_value(doc.clone()).unwrap(), &crate::Settings::default())
                .unwrap();
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        super::run(&mut file, &doc, "crate::runtime").unwrap();
        let code = prettyplease::unparse(&file);
        assert_eq!(code.matches("fn gone() -> Option<Self::Value>").count(), 1, "{code}");
        let delete = &code[code.find("for builder::ThingsDelete<'a>").unwrap()..];
        assert!(delete[..delete.find("fn request(").unwrap()].contains("fn gone()"), "{code}");
        assert!(code.contains("204u16 => crate::runtime::Answer::Value,"), "{code}");
    }

    #[test]
    fn output_without_builders_is_an_error() {
        let mut file: syn::File = syn::parse_str("fn f() {}").unwrap();
        let err = super::run(&mut file, &spec(), "crate").unwrap_err();
        assert!(err.to_string().contains("operation_impls"), "{err}");
    }
}
