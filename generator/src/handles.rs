//! Resource handles: `client.droplets().get(id)` for every operation of every tag, written from
//! the spec's structure and the builders progenitor wrote.
//!
//! One handle per tag (the operation's first tag), a `Copy` struct borrowing the SDK's client,
//! with one method per operation. The rules, each applied the same way to every operation:
//!
//! - the handle: the tag's name in kebab case (as its feature), a leading number spelled out
//!   (`1-Click Applications` → `one-click-applications`), then snake case for the `Client`
//!   method (`client.one_click_applications()`) and Pascal case for the struct;
//! - the method: the operationId without its resource prefix (everything up to the first `_`),
//!   in snake case (`droplets_list` → `list`, `databases_list_clusters` → `list_clusters`);
//!   `x-sdk-method` on the operation (an overlay) names it instead. Two operations of one
//!   handle with one name are an error naming both;
//! - the arguments: the parameters progenitor's builder requires (path parameters, required
//!   headers, a body without a default), in the builder's order, typed as its setters take them;
//! - the result: with no optional parameter, the call's future; otherwise a request struct
//!   wrapping the builder, a setter per optional parameter, sent by `.await` (`IntoFuture`) or
//!   `send()`. Either resolves to `Result<crate::Response<T>, crate::Error>` through
//!   `crate::call`, so every operation has the one retry loop and the one error.
//!
//! Reading the builders (rather than the spec's parameters) gives exactly the names and types
//! progenitor chose, including its renames (`type` → `type_`) and conversions.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::error::Error;
use crate::validate::operations;

/// The extension on an operation that names its handle method instead of the rule.
pub const METHOD_EXTENSION: &str = "x-sdk-method";
/// The extension on an operation that keeps its answer whole where the envelope rule would
/// unwrap it (`x-sdk-envelope: false`).
pub const ENVELOPE_EXTENSION: &str = "x-sdk-envelope";

/// An envelope: a type of exactly one field, which holds one value of another type of the API
/// (`DropletsGetResponse { droplet: Option<Droplet> }`).
#[derive(Clone)]
pub(crate) struct Envelope {
    field: String,
    /// The field's type without `Option`, named from the crate's root.
    ty: syn::Type,
    /// Whether the schema leaves the field optional. Upstream marks most envelope keys optional,
    /// yet an answer without its resource is not a success the caller can use: the call gives a
    /// decode error naming the field instead.
    optional: bool,
}

/// The envelopes among the generated types, by type name. The rule: a struct with one named
/// field, neither a list nor flattened, whose type (inside `Option` or not) is a type of the API.
pub(crate) fn envelopes(
    owned: &BTreeMap<String, Vec<syn::Item>>,
    names: &std::collections::HashSet<String>,
) -> HashMap<String, Envelope> {
    let mut out = HashMap::new();
    for (name, items) in owned {
        for item in items {
            let syn::Item::Struct(st) = item else { continue };
            let syn::Fields::Named(fields) = &st.fields else { continue };
            let [field] = fields.named.iter().collect::<Vec<_>>()[..] else { continue };
            if field.attrs.iter().any(is_serde_flatten) {
                continue;
            }
            let (inner, optional) = match option_inner(&field.ty) {
                Some(inner) => (inner, true),
                None => (&field.ty, false),
            };
            let Some(ident) = api_type(inner, names) else { continue };
            let Some(field_name) = &field.ident else { continue };
            out.insert(
                name.clone(),
                Envelope { field: field_name.to_string(), ty: syn::parse_quote! { crate::types::#ident }, optional },
            );
        }
    }
    out
}

/// `#[serde(.., flatten, ..)]`, read as syntax: a doc comment that mentions flattening is not one.
fn is_serde_flatten(attr: &syn::Attribute) -> bool {
    use syn::punctuated::Punctuated;
    attr.path().is_ident("serde")
        && attr
            .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
            .is_ok_and(|metas| metas.iter().any(|m| matches!(m, syn::Meta::Path(p) if p.is_ident("flatten"))))
}

/// The actions among the generated types, by name: a struct with an `id` that is an `ActionId`
/// and a `status` that is an `ActionStatus`, the two things `GET /v2/actions/{action_id}` reads
/// and a wait needs (a droplet's `Action`, a volume's `VolumeAction`, a reserved IP's
/// `ReservedIPsActionsPostResponseAction`, ...). An NFS action has a string id and a status of
/// its own, so it is none: the account's actions route does not know it.
pub(crate) fn actions(owned: &BTreeMap<String, Vec<syn::Item>>) -> HashSet<String> {
    let last = |ty: &syn::Type| match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    let mut out = HashSet::new();
    for (name, items) in owned {
        for item in items {
            let syn::Item::Struct(st) = item else { continue };
            let syn::Fields::Named(fields) = &st.fields else { continue };
            let field = |n: &str| fields.named.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == n));
            let id = field("id").and_then(|f| last(&f.ty));
            let status = field("status").and_then(|f| last(&f.ty));
            if id.as_deref() == Some("ActionId") && status.as_deref() == Some("ActionStatus") {
                out.insert(name.clone());
            }
        }
    }
    out
}

// `T` of `::std::option::Option<T>` (or `Option<T>`).
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.iter().collect::<Vec<_>>()[..] {
        [syn::GenericArgument::Type(inner)] => Some(inner),
        _ => None,
    }
}

// The name of a type of the API written bare (`Droplet`), as typify writes its own types.
fn api_type<'t>(ty: &'t syn::Type, names: &std::collections::HashSet<String>) -> Option<&'t syn::Ident> {
    let syn::Type::Path(p) = ty else { return None };
    if p.qself.is_some() || p.path.leading_colon.is_some() || p.path.segments.len() != 1 {
        return None;
    }
    let segment = &p.path.segments[0];
    (segment.arguments.is_none() && names.contains(&segment.ident.to_string())).then_some(&segment.ident)
}

/// What the generator needs to write handles.
#[derive(Clone, Debug, Default)]
pub struct HandleSettings {
    /// Tags (kebab case, as their features) whose handles are written by hand: no handle is
    /// generated for them, so that an operation has one public way to be called.
    pub handwritten_tags: Vec<String>,
    /// The servers operations name of their own (their `servers`, other than the document's),
    /// and how the handles reach each. An operation whose server is not listed stops the
    /// generator: sending it to the API's host, with the API's token, would be wrong.
    pub servers: Vec<Server>,
}

/// A server operations name of their own, and how their handle methods reach it.
#[derive(Clone, Debug)]
pub struct Server {
    /// The server's URL as the spec writes it (`https://inference.do-ai.run`).
    pub url: String,
    /// How the handles reach it.
    pub reach: Reach,
    /// A sentence for each method's rustdoc: where it is sent and with what credential.
    pub doc: String,
}

/// How handle methods reach a server other than the API's. Each way sends through a generated
/// client of that host (its base URL, its credential), never the API's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// One host for the whole client: `crate::Client::<method>()` gives its generated client.
    Client(String),
    /// A host per handle (an agent's own endpoint): the tag's `Client` method takes a
    /// `&<type>` (a path from the crate's root) whose `api()` gives its generated client. Every
    /// operation of the tag must name this server.
    Handle(String),
    /// A URL given whole with each call (a presigned URL): the method takes it first, as
    /// `url: &str`, and sends through `crate::Client::presigned(url)`, with no credential.
    Call,
}

/// One operation as the handles see it: from the spec and from the builder progenitor wrote.
#[derive(Clone)]
pub(crate) struct Described {
    /// The builder's struct name (`DropletsList`).
    builder: String,
    /// Its parameters (the struct's fields but `client`), in order.
    fields: Vec<Field>,
    /// The success body type, as the `Operation` impl names it.
    value: syn::Type,
    /// Whether the error body is a stream of bytes (not the API's JSON error).
    failure_stream: bool,
}

#[derive(Clone)]
struct Field {
    name: String,
    required: bool,
    /// The type the setter converts to (`V: TryInto<T>`).
    ty: syn::Type,
}

/// Reads an operation's builder: its struct, its `new` (which fields start unset, that is
/// required) and its setters, and the success type from its `Operation` impl.
pub(crate) fn describe(
    operation: &str,
    builder_items: &[syn::Item],
    trait_impls: &[syn::Item],
) -> Result<Described, Error> {
    let bad = |what: &str| Error::Handle {
        operation: operation.to_owned(),
        message: format!("progenitor's builder has no {what}; has progenitor's output changed shape?"),
    };
    let structure = builder_items
        .iter()
        .find_map(|i| if let syn::Item::Struct(s) = i { Some(s) } else { None })
        .ok_or_else(|| bad("struct"))?;
    let builder = structure.ident.to_string();
    let mut required = HashMap::new();
    let mut setters = HashMap::new();
    for item in builder_items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        for it in &imp.items {
            let syn::ImplItem::Fn(f) = it else { continue };
            if f.sig.ident == "new" {
                new_fields(&f.block, &mut required);
            } else if let Some(ty) = setter_type(f) {
                setters.insert(f.sig.ident.to_string(), ty);
            }
        }
    }
    let mut fields = Vec::new();
    for field in &structure.fields {
        let Some(ident) = &field.ident else { continue };
        let name = ident.to_string();
        if name == "client" {
            continue;
        }
        let ty = setters.get(&name).cloned().ok_or_else(|| bad(&format!("setter for `{name}`")))?;
        let required = *required.get(&name).ok_or_else(|| bad(&format!("initial value for `{name}` in `new`")))?;
        fields.push(Field { name, required, ty: public(ty) });
    }
    let associated = |name: &str| {
        trait_impls
            .iter()
            .filter_map(|i| if let syn::Item::Impl(imp) = i { Some(imp) } else { None })
            .flat_map(|imp| imp.items.iter())
            .find_map(|it| match it {
                syn::ImplItem::Type(t) if t.ident == name => Some(t.ty.clone()),
                _ => None,
            })
            .ok_or_else(|| bad(&format!("`Operation` impl with a `{name}` type")))
    };
    let value = public(associated("Value")?);
    let failure_stream = is_stream(&associated("Failure")?);
    Ok(Described { builder, fields, value, failure_stream })
}

impl Described {
    /// Whether the builder takes optional `page` and `per_page`: the operation pages.
    pub(crate) fn paged(&self) -> bool {
        ["page", "per_page"].iter().all(|p| self.fields.iter().any(|f| !f.required && f.name == *p))
    }
}

// `Self { field: Err(..), .. }` in `new`: a field that starts as an error must be set.
fn new_fields(block: &syn::Block, out: &mut HashMap<String, bool>) {
    let Some(syn::Stmt::Expr(syn::Expr::Struct(s), _)) = block.stmts.last() else { return };
    for f in &s.fields {
        let syn::Member::Named(name) = &f.member else { continue };
        let unset =
            matches!(&f.expr, syn::Expr::Call(c) if matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Err")));
        out.insert(name.to_string(), unset);
    }
}

// `T` in `fn name<V>(mut self, value: V) -> Self where V: TryInto<T>`.
fn setter_type(f: &syn::ImplItemFn) -> Option<syn::Type> {
    let where_clause = f.sig.generics.where_clause.as_ref()?;
    where_clause.predicates.iter().find_map(|p| {
        let syn::WherePredicate::Type(t) = p else { return None };
        t.bounds.iter().find_map(|b| {
            let syn::TypeParamBound::Trait(tb) = b else { return None };
            let last = tb.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
            args.args.iter().find_map(|a| if let syn::GenericArgument::Type(ty) = a { Some(ty.clone()) } else { None })
        })
    })
}

/// A type as the generated module names it, named from the crate's root instead: `types::X`
/// is `crate::types::X` (the public re-export), progenitor's `ByteStream` is the SDK's own
/// `crate::ByteStream` (the call maps one to the other), so that no progenitor type is in
/// what users name.
fn public(mut ty: syn::Type) -> syn::Type {
    struct Rooted;
    impl VisitMut for Rooted {
        fn visit_type_path_mut(&mut self, tp: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, tp);
            if tp.qself.is_some() || tp.path.leading_colon.is_some() {
                return;
            }
            let first = tp.path.segments.first().map(|s| s.ident.to_string());
            match first.as_deref() {
                Some("types") => *tp = syn::parse_quote! { crate::#tp },
                Some("ByteStream") if tp.path.segments.len() == 1 => *tp = syn::parse_quote! { crate::ByteStream },
                _ => {}
            }
        }
    }
    Rooted.visit_type_mut(&mut ty);
    ty
}

/// How one operation is called through its handle, for the handle calls table
/// ([`crate::handle_calls`]): the names the call is written with and the arguments it takes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallShape {
    /// The operationId as written.
    pub id: String,
    /// The first tag as written.
    pub tag: String,
    /// The `Client` method that gives the handle (`droplets`).
    pub handle: String,
    /// The handle's method (`list`).
    pub method: String,
    /// The required arguments, in order: the builder's field name and its type as Rust text.
    pub args: Vec<(String, String)>,
    /// Whether the request body is optional (progenitor starts it from its default), set by a
    /// `body` setter on the request.
    pub body_setter: bool,
    /// Whether the method gives a list builder (read with `page(n)`).
    pub list: bool,
    /// For a list, the property of its answer that holds the items, as on the wire.
    pub items: Option<String>,
    /// For an operation that answers with actions: the property of its answer that holds them
    /// (`action`, one to wait on; `actions`, an array of them), as on the wire.
    pub actions: Option<String>,
    /// Whether the tag's handle is written by hand (no generated method to call).
    pub handwritten: bool,
    /// How the handle reaches the operation's server, when it is not the API's.
    pub reach: Option<Reach>,
}

/// One operation of the spec, as a handle method.
struct Op {
    /// The operationId as written.
    id: String,
    /// progenitor's method on the generated client (the operationId in snake case).
    snake: String,
    method: String,
    path: String,
    /// Its tags as features; the first owns the handle.
    tags: Vec<String>,
    /// The first tag as written.
    tag_name: String,
    /// The handle method's name.
    name: String,
    /// `x-sdk-envelope: false`: the answer is given whole.
    keep_envelope: bool,
    /// What `x-sdk-items` says of the operation's items.
    items: Option<crate::lists::Items>,
    /// The server it names of its own, when not the document's: how it is reached.
    server: Option<Server>,
}

/// A tag's handle names: kebab (its feature and file), snake (the `Client` method), Pascal
/// (the struct).
pub fn handle_names(tag: &str) -> (String, String, String) {
    let kebab = crate::vendor::kebab(tag);
    let words: Vec<String> =
        kebab.split('-').enumerate().map(|(i, w)| if i == 0 { spelled(w) } else { w.to_owned() }).collect();
    let snake = words.join("_");
    (kebab, snake.clone(), snake.to_upper_camel_case())
}

// A leading number cannot start a Rust name: spelled out, as one reads it.
fn spelled(word: &str) -> String {
    const DIGITS: [&str; 10] = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    match word.parse::<usize>() {
        Ok(n) if n < 10 => DIGITS[n].to_owned(),
        _ => word.to_owned(),
    }
}

/// The handle method's name for an operationId: `x-sdk-method`, else the id without its
/// resource prefix, in snake case.
pub fn method_name(operation_id: &str, extension: Option<&str>) -> String {
    if let Some(name) = extension {
        return name.to_owned();
    }
    let rest = operation_id.split_once('_').map_or(operation_id, |(_, rest)| rest);
    rest.to_snake_case()
}

/// The server an operation names of its own (on the operation, else on its path), when it is
/// not the document's; an error when the settings do not say how to reach it.
fn own_server(
    doc: &Value,
    op: &crate::validate::Operation<'_>,
    id: &str,
    known: &[Server],
) -> Result<Option<Server>, Error> {
    let url = |v: &Value| v.get("servers")?.get(0)?.get("url")?.as_str().map(str::to_owned);
    let Some(named) = url(op.item).or_else(|| url(op.path_item)) else { return Ok(None) };
    if url(doc).as_deref() == Some(named.as_str()) {
        return Ok(None);
    }
    match known.iter().find(|s| s.url == named) {
        Some(server) => Ok(Some(server.clone())),
        None => Err(Error::Handle {
            operation: id.into(),
            message: format!(
                "the spec sends it to `{named}`, which no handle setting reaches (`servers` in xtask/src/generate.rs); sent to the API instead, it would carry the API's token to the wrong host"
            ),
        }),
    }
}

fn spec_operations(doc: &Value, servers: &[Server]) -> Result<Vec<Op>, Error> {
    let mut out = Vec::new();
    for op in operations(doc) {
        let Some(id) = op.item.get("operationId").and_then(Value::as_str) else { continue };
        let tag_names: Vec<&str> = op
            .item
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(first) = tag_names.first() else {
            return Err(Error::Handle {
                operation: id.into(),
                message: "has no tag, so no handle to belong to".into(),
            });
        };
        let extension = match op.item.get(METHOD_EXTENSION) {
            None => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(other) => {
                return Err(Error::Handle {
                    operation: id.into(),
                    message: format!("`{METHOD_EXTENSION}` must be a string, not {other}"),
                });
            }
        };
        let name = method_name(id, extension);
        if syn::parse_str::<syn::Ident>(&name).is_err() || name.starts_with("r#") || name.is_empty() {
            return Err(Error::Handle {
                operation: id.into(),
                message: format!(
                    "its handle method would be named `{name}`, which is not a Rust identifier; name it with `{METHOD_EXTENSION}` in an overlay"
                ),
            });
        }
        let keep_envelope = match op.item.get(ENVELOPE_EXTENSION) {
            None | Some(Value::Bool(true)) => false,
            Some(Value::Bool(false)) => true,
            Some(other) => {
                return Err(Error::Handle {
                    operation: id.into(),
                    message: format!("`{ENVELOPE_EXTENSION}` must be `false` (or absent), not {other}"),
                });
            }
        };
        let items = crate::lists::items_extension(id, op.item)?;
        let server = own_server(doc, &op, id, servers)?;
        out.push(Op {
            keep_envelope,
            items,
            server,
            id: id.to_owned(),
            snake: id.to_snake_case(),
            method: op.method.to_uppercase(),
            path: op.path.to_owned(),
            tags: tag_names.iter().map(|t| crate::vendor::kebab(t)).collect(),
            tag_name: (*first).to_owned(),
            name,
        });
    }
    Ok(out)
}

/// What [`emit`] writes and learns.
pub(crate) struct Emitted {
    /// The handles' files, by name.
    pub files: BTreeMap<String, String>,
    /// How each operation is called through its handle.
    pub calls: Vec<CallShape>,
    /// The overlays that would shape an operation better than the plain call it got.
    pub advice: Vec<String>,
}

/// The handle files (inside their folder): `mod.rs` and one `<tag>.rs` per tag that is not
/// written by hand, and how every operation is called through its handle. `described` is every
/// operation's builder by progenitor's method name.
pub(crate) fn emit(
    doc: &Value,
    described: &BTreeMap<String, Described>,
    envelopes: &HashMap<String, Envelope>,
    actions: &HashSet<String>,
    shapes: &crate::lists::Shapes,
    settings: &HandleSettings,
    header: &str,
) -> Result<Emitted, Error> {
    let mut advice = Vec::new();
    let mut files = BTreeMap::new();
    let mut calls = Vec::new();
    let mut per_tag: BTreeMap<String, (String, Vec<Op>)> = BTreeMap::new();
    // Every list, the hand-written tags' too: their pages are walked by the same `Page` impls.
    let mut lists: HashMap<String, crate::lists::List> = HashMap::new();
    // The operations whose answer carries several actions, with the field holding them.
    let mut several: HashMap<String, crate::lists::StructField> = HashMap::new();
    let mut pages = Vec::new();
    for op in spec_operations(doc, &settings.servers)? {
        let d = described.get(&op.snake).ok_or_else(|| Error::Handle {
            operation: op.id.clone(),
            message: format!("progenitor wrote no method `{}` for it", op.snake),
        })?;
        if let Some(list) = crate::lists::list_of(&op.id, d.paged(), &d.value, op.items.as_ref(), shapes, &mut advice)?
        {
            pages.push((op.tags.iter().cloned().collect::<BTreeSet<String>>(), op.id.clone(), list.clone()));
            lists.insert(op.id.clone(), list);
        }
        let envelope = if op.keep_envelope { None } else { envelope_of(&d.value, envelopes) };
        if !lists.contains_key(&op.id)
            && op.method != "GET"
            && !is_action(envelope.map_or(&d.value, |e| &e.ty), actions)
            && let Some(field) = crate::lists::action_array_field(&d.value, shapes, actions)
        {
            several.insert(op.id.clone(), field);
        }
        let first = op.tags[0].clone();
        let handwritten = settings.handwritten_tags.contains(&first);
        calls.push(CallShape {
            id: op.id.clone(),
            tag: op.tag_name.clone(),
            handle: handle_names(&op.tag_name).1,
            method: op.name.clone(),
            args: d
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| (f.name.clone(), taken(&f.ty).to_string().replace(' ', "")))
                .collect(),
            body_setter: d.fields.iter().any(|f| !f.required && f.name == "body"),
            list: lists.contains_key(&op.id),
            items: lists.get(&op.id).map(|l| l.items.clone()),
            actions: answered_actions(&d.value, &op, lists.contains_key(&op.id), envelopes, actions, shapes),
            handwritten,
            reach: op.server.as_ref().map(|s| s.reach.clone()),
        });
        if handwritten {
            continue;
        }
        per_tag.entry(first).or_insert_with(|| (op.tag_name.clone(), Vec::new())).1.push(op);
    }
    let (pages_file, list_responses) = crate::lists::pages_file(&pages)?;
    files.insert(
        "pages.rs".into(),
        format!("{}{}", file_header(header, "every list response as a page"), prettyplease::unparse(&pages_file)),
    );
    let mut mod_items = Vec::new();
    let (mut handles, mut methods, mut list_builders, mut waitable) = (0, 0, 0, 0);
    for (tag, (tag_name, mut ops)) in per_tag {
        ops.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        for pair in ops.windows(2) {
            if pair[0].name == pair[1].name {
                return Err(Error::Handle {
                    operation: pair[1].id.clone(),
                    message: format!(
                        "its handle method `{}` on `client.{}()` is also the name of operation `{}`; name one of them with `{METHOD_EXTENSION}` in an overlay",
                        pair[0].name,
                        handle_names(&tag_name).1,
                        pair[0].id
                    ),
                });
            }
        }
        let module_tags: BTreeSet<String> = ops.iter().flat_map(|o| o.tags.iter().cloned()).collect();
        let (text, waits) = tag_file(
            &tag_name,
            &ops,
            &module_tags,
            described,
            envelopes,
            actions,
            Roles { lists: &lists, several: &several },
        )?;
        waitable += waits;
        list_builders += ops.iter().filter(|o| lists.contains_key(&o.id)).count();
        files.insert(
            format!("{tag}.rs"),
            format!("{}{text}", file_header(header, &format!("the handle of the `{tag_name}` operations"))),
        );
        handles += 1;
        methods += ops.len();
        let cfg = crate::split::cfg_attr(Some(&module_tags));
        let ident = crate::split::module_ident(&tag);
        let file = format!("{tag}.rs");
        mod_items.push(quote! { #cfg #[path = #file] mod #ident; #cfg pub use #ident::*; });
    }
    let doc_lines = [
        format!(" The resource handles written by `cargo xtask generate`: {handles} handles with {methods} methods,"),
        " one per operation of every tag whose handle is not written by hand. Each handle and its".to_owned(),
        " methods are compiled under the tag's feature.".to_owned(),
        String::new(),
        format!(" {list_builders} of the methods are lists: they give a list builder that pages (`per_page`, `page`,"),
        " `stream`, `collect`). `pages` walks the pages of those lists and of the hand-written ones:".to_owned(),
        format!(" {list_responses} list responses in all."),
        String::new(),
        format!(
            " {waitable} of the methods answer with one action: they give an [`ActionCall`](crate::ActionCall), which"
        ),
        " `.await` sends, or the request struct's `wait()` (for an operation with optional parameters);".to_owned(),
        " with the `actions` feature, `.wait()` sends the request once, then waits for the action.".to_owned(),
    ];
    let pages_cfg = crate::split::cfg_attr(Some(&pages.iter().flat_map(|(t, _, _)| t.iter().cloned()).collect()));
    let mod_file: syn::File = syn::parse2(quote! {
        #(#![doc = #doc_lines])*
        #pages_cfg
        mod pages;
        #(#mod_items)*
    })
    .map_err(|e| Error::Emit { message: format!("handles: {e}") })?;
    files.insert("mod.rs".into(), format!("{header}{}", prettyplease::unparse(&mod_file)));
    Ok(Emitted { files, calls, advice })
}

/// What the tag's operations are besides plain calls: lists, and answers with several actions
/// (with the field that holds them).
#[derive(Clone, Copy)]
struct Roles<'r> {
    lists: &'r HashMap<String, crate::lists::List>,
    several: &'r HashMap<String, crate::lists::StructField>,
}

/// What of an operation's answer can be waited on.
#[derive(Clone, Copy)]
enum Waitable<'f> {
    No,
    /// One action: an `ActionCall`, or `wait()` on the request struct.
    One,
    /// Several actions, in this field: `wait()` on the request struct gives a `WaitAll`.
    Several(&'f crate::lists::StructField),
}

fn tag_file(
    tag_name: &str,
    ops: &[Op],
    module_tags: &BTreeSet<String>,
    described: &BTreeMap<String, Described>,
    envelopes: &HashMap<String, Envelope>,
    actions: &HashSet<String>,
    roles: Roles<'_>,
) -> Result<(String, usize), Error> {
    let Roles { lists, several } = roles;
    let (_, snake, pascal) = handle_names(tag_name);
    let handle = format_ident!("{pascal}");
    let getter = format_ident!("{snake}");
    let handle_doc = [
        format!(
            " The `{tag_name}` operations, one method each. Get it with [`Client::{snake}`](crate::Client::{snake})."
        ),
        String::new(),
        " A `Copy` value borrowing the client: its methods take it by value. Every method sends".to_owned(),
        " through the SDK's retry loop and resolves to a [`Response`](crate::Response) or the one".to_owned(),
        " [`Error`](crate::Error).".to_owned(),
    ];
    let getter_doc = format!(" The `{tag_name}` operations: {} of them, see [`{pascal}`].", ops.len());
    // A handle of its own host (an agent's endpoint) is made from that host's value, and holds
    // its generated client rather than the SDK's client: every operation must go there.
    let endpoint = ops.iter().find_map(|o| match o.server.as_ref().map(|s| &s.reach) {
        Some(Reach::Handle(ty)) => Some((o, ty)),
        _ => None,
    });
    if let Some((first, ty)) = endpoint
        && let Some(other) =
            ops.iter().find(|o| o.server.as_ref().map(|s| &s.url) != first.server.as_ref().map(|s| &s.url))
    {
        return Err(Error::Handle {
            operation: other.id.clone(),
            message: format!(
                "the handle of `{tag_name}` is made from a `{ty}` (the server of `{}`), yet this operation of the tag goes elsewhere",
                first.id
            ),
        });
    }
    for op in ops {
        if op.server.is_some() && lists.contains_key(&op.id) {
            return Err(Error::Handle {
                operation: op.id.clone(),
                message: "a list sent to a server other than the API's is not supported by the handles".into(),
            });
        }
    }
    let mut methods = Vec::new();
    let mut requests = Vec::new();
    let mut waits = 0;
    for op in ops {
        let d = described.get(&op.snake).ok_or_else(|| Error::Handle {
            operation: op.id.clone(),
            message: format!("progenitor wrote no method `{}` for it", op.snake),
        })?;
        // An operation of several tags is compiled when any of them is on, like its builder.
        let cfg = (module_tags.len() > 1).then(|| {
            let tags: BTreeSet<String> = op.tags.iter().cloned().collect();
            crate::split::cfg_attr(Some(&tags))
        });
        let envelope = if op.keep_envelope { None } else { envelope_of(&d.value, envelopes) };
        let list = lists.get(&op.id);
        let value = envelope.map_or(&d.value, |e| &e.ty);
        let action = list.is_none() && is_action(value, actions);
        if action && op.server.is_some() {
            return Err(Error::Handle {
                operation: op.id.clone(),
                message: "an action sent to a server other than the API's cannot be waited on through the API".into(),
            });
        }
        if op.server.as_ref().is_some_and(|s| s.reach == Reach::Call)
            && d.fields.iter().any(|f| !f.required || f.name == "url")
        {
            return Err(Error::Handle {
                operation: op.id.clone(),
                message: "an operation sent to a URL given per call takes that URL as `url` and may have no optional parameter".into(),
            });
        }
        let several = several.get(&op.id);
        // A wait on several actions is a method of the request struct, which only operations
        // with an optional parameter get (droplet actions by tag, the one such operation).
        if several.is_some() && (op.server.is_some() || d.fields.iter().all(|f| f.required)) {
            return Err(Error::Handle {
                operation: op.id.clone(),
                message: "it answers with several actions, which the SDK waits on only for an operation of the API's own server with an optional parameter".into(),
            });
        }
        waits += usize::from(action);
        let waitable = match (action, several) {
            (true, _) => Waitable::One,
            (false, Some(field)) => Waitable::Several(field),
            (false, None) => Waitable::No,
        };
        let (m, r) = method(&pascal, op, d, envelope, list, waitable, cfg.as_ref());
        methods.push(m);
        requests.extend(r);
    }
    let mut handle_doc = handle_doc;
    if let Some((_, ty)) = endpoint {
        handle_doc[2] =
            format!(" A `Copy` value borrowing the endpoint (a [`{ty}`]): its methods take it by value, and send");
        handle_doc[3] =
            " there, never to the API. Every method goes through the SDK's retry loop and resolves to a".to_owned();
        handle_doc[4] = " [`Response`](crate::Response) or the one [`Error`](crate::Error).".to_owned();
    }
    let (fields, getter) = match endpoint {
        None => (
            quote! { client: &'a crate::Client, },
            quote! {
                #[doc = #getter_doc]
                pub fn #getter(&self) -> #handle<'_> {
                    #handle { client: self }
                }
            },
        ),
        Some((_, ty)) => {
            let ty: syn::Type = syn::parse_str(ty).map_err(|e| Error::Settings {
                setting: "handles.servers",
                value: ty.clone(),
                message: e.to_string(),
            })?;
            let getter_doc = format!(
                " The `{tag_name}` operations of one endpoint: {} of them, see [`{pascal}`]. Its requests go to that endpoint, with its key.",
                ops.len()
            );
            (
                quote! { api: &'a crate::generated::Client, },
                quote! {
                    #[doc = #getter_doc]
                    pub fn #getter<'a>(&self, endpoint: &'a #ty) -> #handle<'a> {
                        #handle { api: endpoint.api() }
                    }
                },
            )
        }
    };
    let mut file: syn::File = syn::parse2(quote! {
        #(#[doc = #handle_doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct #handle<'a> {
            #fields
        }

        impl crate::Client {
            #getter
        }

        impl<'a> #handle<'a> {
            #(#methods)*
        }

        #(#requests)*
    })
    .map_err(|e| Error::Emit { message: format!("handles of `{tag_name}`: {e}") })?;
    compiled_where_called(&mut file);
    Ok((prettyplease::unparse(&file), waits))
}

/// Marks every function of a handle file `#[inline]`, so that a method is compiled in the
/// crate that calls it and not in the SDK. A method returning a boxed future (a request's
/// `IntoFuture`) makes the SDK compile the whole call for its operation, the generated
/// builder's request, the retry loop and the decoders of its types, whether or not any user
/// calls it: with every tag on, for 250 operations, four fifths of the SDK's machine code. An
/// `#[inline]` function that is not generic is compiled only where it is used.
fn compiled_where_called(file: &mut syn::File) {
    for item in &mut file.items {
        if let syn::Item::Impl(imp) = item {
            for it in &mut imp.items {
                if let syn::ImplItem::Fn(f) = it
                    && !f.attrs.iter().any(|a| a.path().is_ident("inline"))
                {
                    f.attrs.push(syn::parse_quote! { #[inline] });
                }
            }
        }
    }
}

/// Where the answer holds the actions it carries, as `CallShape::actions` says: the envelope's
/// field of one action (as the handle's `is_action` reads it), or an array of the actions a
/// request started (a read that answers with several is a list of past actions).
fn answered_actions(
    value: &syn::Type,
    op: &Op,
    list: bool,
    envelopes: &HashMap<String, Envelope>,
    actions: &HashSet<String>,
    shapes: &crate::lists::Shapes,
) -> Option<String> {
    if list {
        return None;
    }
    let envelope = if op.keep_envelope { None } else { envelope_of(value, envelopes) };
    if is_action(envelope.map_or(value, |e| &e.ty), actions) {
        // An action answered bare has no field: the whole body is the action.
        return Some(envelope.map_or_else(String::new, |e| e.field.trim_start_matches("r#").to_owned()));
    }
    if op.method == "GET" {
        return None;
    }
    crate::lists::action_array(value, shapes, actions)
}

// Whether the success type (after its envelope) is one of `actions` (`crate::types::X`).
fn is_action(value: &syn::Type, actions: &HashSet<String>) -> bool {
    let syn::Type::Path(p) = value else { return false };
    let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    matches!(&segments[..], [krate, types, name] if krate == "crate" && types == "types" && actions.contains(name))
}

// The envelope the success type is, if it is one (`crate::types::X`).
fn envelope_of<'e>(value: &syn::Type, envelopes: &'e HashMap<String, Envelope>) -> Option<&'e Envelope> {
    let syn::Type::Path(p) = value else { return None };
    let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    match &segments[..] {
        [krate, types, name] if krate == "crate" && types == "types" => envelopes.get(name),
        _ => None,
    }
}

// A request struct's setter for each optional parameter, passed on to progenitor's builder;
// `note` ends its doc line.
fn setters(fields: &[&Field], note: &str) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let n = format_ident!("{}", f.name);
            let t = taken(&f.ty);
            let v = handed_on(&f.ty, quote! { value });
            let doc = format!(" Sets the optional `{}`{note}.", f.name);
            quote! {
                #[doc = #doc]
                pub fn #n(mut self, value: #t) -> Self {
                    self.inner = self.inner.#n(#v);
                    self
                }
            }
        })
        .collect()
}

fn method(
    handle: &str,
    op: &Op,
    d: &Described,
    envelope: Option<&Envelope>,
    list: Option<&crate::lists::List>,
    waitable: Waitable<'_>,
    cfg: Option<&syn::Attribute>,
) -> (TokenStream, Option<TokenStream>) {
    let action = matches!(waitable, Waitable::One);
    let several = match waitable {
        Waitable::Several(field) => Some(field),
        Waitable::One | Waitable::No => None,
    };
    let name = format_ident!("{}", op.name);
    let generated = format_ident!("{}", op.snake);
    let value = envelope.map_or(&d.value, |e| &e.ty);
    let required: Vec<&Field> = d.fields.iter().filter(|f| f.required).collect();
    let optional: Vec<&Field> = d.fields.iter().filter(|f| !f.required).collect();
    let reach = op.server.as_ref().map(|s| &s.reach);
    let args = required.iter().map(|f| {
        let n = format_ident!("{}", f.name);
        let t = taken(&f.ty);
        quote! { #n: #t }
    });
    // A call sent from inside its own future (to a URL given with it) converts a raw body
    // before that future: what it is given may not be `Send`; the bytes are.
    let late = reach == Some(&Reach::Call);
    let sets = required.iter().map(|f| {
        let n = format_ident!("{}", f.name);
        let v = if late {
            quote! { #n }
        } else {
            handed_on(&f.ty, quote! { #n })
        };
        quote! { .#n(#v) }
    });
    let early: Vec<TokenStream> = required
        .iter()
        .filter(|f| late && is_raw_body(&f.ty))
        .map(|f| {
            let n = format_ident!("{}", f.name);
            let v = handed_on(&f.ty, quote! { #n });
            quote! { let #n = #v; }
        })
        .collect();
    let mut args: Vec<TokenStream> = args.collect();
    // The generated client the builder starts from, what the call is sent through (the SDK's
    // client for the API, else that host's generated client) and how a request struct holds it.
    let (from, sender, holder) = match reach {
        None => (quote! { self.client.generated() }, quote! { self.client }, quote! { &'a crate::Client }),
        Some(Reach::Client(getter)) => {
            let getter = format_ident!("{getter}");
            (
                quote! { self.client.#getter() },
                quote! { self.client.#getter() },
                quote! { &'a crate::generated::Client },
            )
        }
        Some(Reach::Handle(_)) => (quote! { self.api }, quote! { self.api }, quote! { &'a crate::generated::Client }),
        Some(Reach::Call) => {
            args.insert(0, quote! { url: &str });
            (quote! { api }, quote! { &api }, quote! { &'a crate::generated::Client })
        }
    };
    let builder = quote! { #from.#generated() #(#sets)* };
    let output = quote! { ::std::result::Result<crate::Response<#value>, crate::Error> };
    // The one call, but for bodies that are not JSON: nothing to decode, or an error body that
    // is not the API's.
    // An envelope is opened as the call ends: `call_map(.., |v| v.droplet)`.
    let unwrap = envelope.map(|e| {
        let field = format_ident!("{}", e.field);
        let name = &e.field;
        if e.optional {
            quote! { , #name, |envelope| envelope.#field }
        } else {
            quote! { , |envelope| envelope.#field }
        }
    });
    let call = if let Some(e) = envelope {
        if e.optional {
            quote! { crate::call::call_envelope }
        } else {
            quote! { crate::call::call_map }
        }
    } else if d.failure_stream {
        quote! { crate::call::call_unread_failure }
    } else if is_stream(value) {
        quote! { crate::call::call_stream }
    } else {
        quote! { crate::call::call }
    };
    let many = (required.len() > 6).then(|| quote! { #[allow(clippy::too_many_arguments)] });

    let mut doc = vec![format!(" `{} {}` (operation `{}`).", op.method, op.path, op.id)];
    if let Some(server) = &op.server {
        doc.push(String::new());
        doc.push(format!(" {}", server.doc));
    }
    if reach == Some(&Reach::Call) {
        doc.push(String::new());
        doc.push(" Takes first the URL to send to, whole, as another operation gave it.".into());
    }
    if !required.is_empty() {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.name)).collect();
        doc.push(String::new());
        doc.push(format!(" Takes what the request requires: {}.", names.join(", ")));
    }
    if let Some(raw) = d.fields.iter().find(|f| is_raw_body(&f.ty)) {
        doc.push(String::new());
        doc.push(format!(
            " `{}` is sent as it is, not as JSON: any bytes in memory (a `Vec<u8>`, a `String`, a `bytes::Bytes`).",
            raw.name
        ));
    }
    if let Some(list) = list {
        return list_builder(handle, op, d, list, &call, doc, &args, &builder, cfg, many);
    }
    doc.push(String::new());
    match envelope {
        Some(e) => doc.push(format!(
            " Resolves to a [`Response`](crate::Response) of {}, taken out of the answer's `{}` field{}.",
            describe_value(value),
            e.field,
            if e.optional { " (an answer without it is an [`Error::Decode`](crate::Error::Decode))" } else { "" }
        )),
        None => doc.push(format!(" Resolves to a [`Response`](crate::Response) of {}.", describe_value(value))),
    }
    if action {
        doc.push(String::new());
        doc.push(" The answer is an action, which can be waited on: with the `actions` feature, `.wait()`".into());
        doc.push(if optional.is_empty() {
            " on the [`ActionCall`](crate::ActionCall) this gives sends the request once, then polls".into()
        } else {
            format!(" on the [`{}`] this gives sends the request once, then polls", d.builder)
        });
        doc.push(" `GET /v2/actions/{action_id}` until the action completes (a `Wait`: timeout, progress,".into());
        doc.push(" `errored` as an error).".into());
    }
    if several.is_some() {
        doc.push(String::new());
        doc.push(" The answer carries several actions: with the `actions` feature, `.wait()` on the".into());
        doc.push(format!(" [`{}`] this gives sends the request once, then waits for each action", d.builder));
        doc.push(" (a [`WaitAll`](crate::WaitAll): one timeout for all, `errored` as an error).".into());
    }
    let pages = ["page", "per_page"].iter().all(|p| optional.iter().any(|f| f.name == *p));
    if pages {
        doc.push(String::new());
        doc.push(" Paged: each request gives one page; choose it with `page` and its size with `per_page`.".into());
    }
    if optional.is_empty() {
        let doc = doc.iter().map(|l| quote! { #[doc = #l] });
        // An action's call is wrapped, to be awaited as before or waited on; `id` reads the
        // action's id off the answer, whatever the action's type.
        let m = if action {
            quote! {
                #(#doc)*
                #cfg
                #many
                pub fn #name(self, #(#args),*) -> crate::ActionCall<'a, #value, impl ::std::future::Future<Output = #output> + Send + 'a> {
                    crate::api::action_call::ActionCall::new(self.client, #call(self.client, #builder #unwrap), |action: &#value| action.id)
                }
            }
        } else if reach == Some(&Reach::Call) {
            // The host's generated client is made for this call, from its URL, and lives in
            // the call's future.
            quote! {
                #(#doc)*
                #cfg
                #many
                pub fn #name(self, #(#args),*) -> impl ::std::future::Future<Output = #output> + Send + 'a {
                    let api = self.client.presigned(url);
                    #(#early)*
                    async move {
                        let api = api?;
                        #call(#sender, #builder #unwrap).await
                    }
                }
            }
        } else {
            quote! {
                #(#doc)*
                #cfg
                #many
                pub fn #name(self, #(#args),*) -> impl ::std::future::Future<Output = #output> + Send + 'a {
                    #call(#sender, #builder #unwrap)
                }
            }
        };
        return (m, None);
    }
    let request = format_ident!("{}", d.builder);
    let names: Vec<String> = optional.iter().map(|f| format!("`{}`", f.name)).collect();
    doc.push(String::new());
    doc.push(format!(
        " Gives a [`{}`] to set the optional {} on; `.await` it to send the request.",
        d.builder,
        names.join(", ")
    ));
    let doc = doc.iter().map(|l| quote! { #[doc = #l] });
    let m = quote! {
        #(#doc)*
        #cfg
        #many
        pub fn #name(self, #(#args),*) -> #request<'a> {
            #request { client: #sender, inner: #builder }
        }
    };
    let setters = setters(&optional, "");
    let wait_all = several.map(|field| {
        let ids = crate::lists::action_ids(field);
        quote! {
            /// Sends the request once, then waits for every action it started, polling
            /// `GET /v2/actions/{action_id}`: see [`WaitAll`](crate::WaitAll).
            #[cfg(feature = "actions")]
            pub fn wait(self) -> crate::WaitAll<'a> {
                crate::api::wait_all::after_call(self.client, self.send(), #ids)
            }
        }
    });
    let wait = action.then(|| {
        quote! {
            /// Sends the request once, then waits for the action it started, polling
            /// `GET /v2/actions/{action_id}`: see [`ActionCall::wait`](crate::ActionCall::wait).
            #[cfg(feature = "actions")]
            pub fn wait(self) -> crate::Wait<'a> {
                crate::api::action_call::ActionCall::new(self.client, self.send(), |action: &#value| action.id).wait()
            }
        }
    });
    let struct_doc = format!(
        " The request of [`{handle}::{}`] (`{} {}`): set its optional parameters, then `.await` it or call [`send`](Self::send).",
        op.name, op.method, op.path
    );
    let r = quote! {
        #[doc = #struct_doc]
        #cfg
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #request<'a> {
            client: #holder,
            inner: crate::generated::builder::#request<'a>,
        }

        #cfg
        impl<'a> #request<'a> {
            #(#setters)*

            /// Sends the request (what `.await` does).
            pub fn send(self) -> impl ::std::future::Future<Output = #output> + Send + 'a {
                #call(self.client, self.inner #unwrap)
            }

            #wait
            #wait_all
        }

        #cfg
        impl<'a> ::std::future::IntoFuture for #request<'a> {
            type Output = #output;
            type IntoFuture = ::std::pin::Pin<Box<dyn ::std::future::Future<Output = #output> + Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
    (m, Some(r))
}

/// A list's method and its list builder: the filters (the other optional parameters),
/// `per_page`, `page(n)` for one whole page, `stream()` and `collect()` for every item.
#[allow(clippy::too_many_arguments)]
fn list_builder(
    handle: &str,
    op: &Op,
    d: &Described,
    list: &crate::lists::List,
    call: &TokenStream,
    mut doc: Vec<String>,
    args: &[TokenStream],
    builder: &TokenStream,
    cfg: Option<&syn::Attribute>,
    many: Option<TokenStream>,
) -> (TokenStream, Option<TokenStream>) {
    let name = format_ident!("{}", op.name);
    let request = format_ident!("{}", d.builder);
    let value = &d.value;
    let item = &list.item;
    let filters: Vec<&Field> =
        d.fields.iter().filter(|f| !f.required && f.name != "page" && f.name != "per_page").collect();
    let output = quote! { ::std::result::Result<crate::Response<#value>, crate::Error> };
    doc.push(String::new());
    doc.push(format!(" A list, which the API sends a page at a time: gives a [`{}`] to set", d.builder));
    let filter_names: Vec<String> = filters.iter().map(|f| format!("`{}`", f.name)).collect();
    doc.push(if filters.is_empty() {
        " `per_page` on, then read one `page(n)`, or every item page after page with `stream()`".into()
    } else {
        format!(
            " {} and `per_page` on, then read one `page(n)`, or every item page after page with `stream()`",
            filter_names.join(", ")
        )
    });
    doc.push(format!(
        " or `collect()`. A page is a [`Response`](crate::Response) of {}, each item {}.",
        describe_value(value),
        describe_value(item)
    ));
    let doc = doc.iter().map(|l| quote! { #[doc = #l] });
    let m = quote! {
        #(#doc)*
        #cfg
        #many
        pub fn #name(self, #(#args),*) -> #request<'a> {
            #request { client: self.client, inner: #builder, per_page: None }
        }
    };
    let setters = setters(&filters, ", sent with every page's request");
    let struct_doc = [
        format!(
            " The list of [`{handle}::{}`] (`{} {}`), which the API sends a page at a time.",
            op.name, op.method, op.path
        ),
        String::new(),
        " Set its filters and `per_page`, then read one page with [`page`](Self::page) (the whole".to_owned(),
        " answer, with its links and meta), or every item with [`stream`](Self::stream) (pages".to_owned(),
        " fetched as the stream is read) or [`collect`](Self::collect) (every item in a `Vec`). A".to_owned(),
        " walk starts at page 1 and ends when the server's figures say the list is over: no `next`".to_owned(),
        " link, an empty page, `meta.total` items read or the `last` page read.".to_owned(),
    ];
    let struct_doc = struct_doc.iter().map(|l| quote! { #[doc = #l] });
    let r = quote! {
        #(#struct_doc)*
        #cfg
        #[derive(Clone, Debug)]
        #[must_use = "a list does nothing until a page is read, or it is streamed or collected"]
        pub struct #request<'a> {
            client: &'a crate::Client,
            inner: crate::generated::builder::#request<'a>,
            per_page: ::std::option::Option<u64>,
        }

        #cfg
        impl<'a> #request<'a> {
            #(#setters)*

            /// How many items each request fetches (at least 1; the API's default when not set).
            pub fn per_page(mut self, per_page: u64) -> Self {
                self.per_page = Some(per_page);
                self
            }

            /// Fetches page `page`, counting from 1: the whole answer, with its links and meta.
            /// Page 0 and a `per_page` of 0 are refused with `Error::InvalidRequest`.
            pub fn page(&self, page: u64) -> impl ::std::future::Future<Output = #output> + Send + 'a {
                let (client, inner, per_page) = (self.client, self.inner.clone(), self.per_page);
                async move {
                    let mut inner = inner.page(crate::api::paging::page_number(page)?.get());
                    if let Some(per_page) = crate::api::paging::page_size(per_page)? {
                        inner = inner.per_page(per_page.get());
                    }
                    #call(client, inner).await
                }
            }

            /// Every item of every page, fetching each page as the stream reaches it.
            pub fn stream(self) -> impl ::futures_util::stream::Stream<Item = ::std::result::Result<#item, crate::Error>> + Send + 'a {
                crate::api::paging::walk(self)
            }

            /// Every item of every page, in one `Vec`.
            pub async fn collect(self) -> ::std::result::Result<::std::vec::Vec<#item>, crate::Error> {
                ::futures_util::stream::TryStreamExt::try_collect(self.stream()).await
            }
        }

        #cfg
        impl crate::api::paging::PagedList for #request<'_> {
            type Page = #value;
            fn fetch(&self, number: u64) -> impl ::std::future::Future<Output = #output> + Send + '_ {
                self.page(number)
            }
        }
    };
    (m, Some(r))
}

// A raw request body (`application/octet-stream`), which progenitor takes as a `reqwest::Body`.
fn is_raw_body(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.iter().map(|s| s.ident.to_string()).eq(["reqwest", "Body"]))
}

/// The type a handle takes a parameter as: its own, but for a raw body, taken as anything that
/// becomes `bytes::Bytes` (a `Vec<u8>`, a `String`, a `&'static [u8]`), so that no reqwest
/// type is in what users name; bytes in memory can also be sent again on a retry.
fn taken(ty: &syn::Type) -> TokenStream {
    if is_raw_body(ty) {
        quote! { impl ::std::convert::Into<::bytes::Bytes> }
    } else {
        ty.to_token_stream()
    }
}

/// `value`, taken as [`taken`] says, as progenitor's builder takes it.
fn handed_on(ty: &syn::Type, value: TokenStream) -> TokenStream {
    if is_raw_body(ty) {
        quote! { ::std::convert::Into::<::bytes::Bytes>::into(#value) }
    } else {
        value
    }
}

fn is_stream(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "ByteStream"))
}

// In the method's rustdoc: a link for a type of the API, words for the rest.
fn describe_value(ty: &syn::Type) -> String {
    if let syn::Type::Tuple(t) = ty
        && t.elems.is_empty()
    {
        return "`()`: the answer has no body".into();
    }
    if is_stream(ty) {
        return "the body as a stream of bytes ([`ByteStream`](crate::ByteStream))".into();
    }
    if let syn::Type::Path(p) = ty {
        let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
        let plain = p.path.segments.iter().all(|s| s.arguments.is_none());
        if plain && segments.len() == 3 && segments[0] == "crate" && segments[1] == "types" {
            return format!("[`{0}`](crate::types::{0})", segments[2]);
        }
        if segments.last().is_some_and(|s| s == "Map") {
            return "a JSON object (`serde_json::Map`)".into();
        }
    }
    format!("`{}`", ty.to_token_stream().to_string().replace(' ', ""))
}

fn file_header(header: &str, what: &str) -> String {
    let first = header.lines().next().unwrap_or_default();
    format!("{first}\n// This file: {what}.\n\n")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn handles(ops: Value, handwritten: &[&str]) -> Result<BTreeMap<String, String>, Error> {
        handles_with(ops, handwritten, Vec::new())
    }

    fn handles_with(ops: Value, handwritten: &[&str], servers: Vec<Server>) -> Result<BTreeMap<String, String>, Error> {
        let widget = json!({"type": "object", "properties": {"n": {"type": "integer"}}});
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "servers": [{"url": "https://api.example.com"}],
            "paths": ops,
            "components": {"schemas": {"widget": widget}},
        });
        let settings =
            crate::Settings { operation_trait: Some("crate::Operation".into()), ..crate::Settings::default() };
        let file = crate::emit::emit_file(&doc, &[], &[], &settings).unwrap();
        let settings =
            HandleSettings { handwritten_tags: handwritten.iter().map(|t| (*t).to_owned()).collect(), servers };
        crate::split::split(file, &doc, "// @generated by a test\n\n", Some(&settings), None).map(|s| {
            let mut handles = s.handles;
            // The advice, as a file no handle is named like, for the tests to read.
            if !s.advice.is_empty() {
                handles.insert("advice".into(), s.advice.join("\n"));
            }
            handles
        })
    }

    fn server(url: &str, reach: Reach) -> Server {
        Server { url: url.into(), reach, doc: format!("Sent to {url}.") }
    }

    #[test]
    fn every_handle_function_is_compiled_where_it_is_called() {
        let ops = json!({
            "/w": {"get": {"operationId": "widgets_list", "tags": ["Widgets"], "responses": ok(),
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}]}},
            "/w/{id}": {"delete": {"operationId": "widgets_delete", "tags": ["Widgets"], "responses": ok(),
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]}}
        });
        let files = handles(ops, &[]).unwrap();
        let file = syn::parse_file(&files["widgets.rs"]).unwrap();
        let mut fns = 0;
        for item in &file.items {
            if let syn::Item::Impl(imp) = item {
                for it in &imp.items {
                    if let syn::ImplItem::Fn(f) = it {
                        fns += 1;
                        let inline = f.attrs.iter().filter(|a| a.path().is_ident("inline")).count();
                        assert_eq!(inline, 1, "`{}` is not `#[inline]` once", f.sig.ident);
                    }
                }
            }
        }
        // The getter, two methods, and the request of the one with an optional parameter.
        assert!(fns >= 5, "{fns} functions");
    }

    #[test]
    fn an_operation_of_another_server_is_sent_through_that_server_or_refused() {
        let ops = json!({
            "/w": {"get": {"operationId": "widgets_list", "tags": ["Widgets"], "responses": ok(),
                "servers": [{"url": "https://widgets.example.com"}]}},
            "/w/{id}": {"put": {"operationId": "widgets_upload", "tags": ["Widgets"], "responses": ok(),
                "servers": [{"url": "https://"}],
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]}},
            "/a": {"get": {"operationId": "widgets_same", "tags": ["Widgets"], "responses": ok(),
                "servers": [{"url": "https://api.example.com"}]}},
            "/g": {"get": {"operationId": "gadgets_chat", "tags": ["Gadgets"], "responses": ok(),
                "servers": [{"url": "https://{gadget}"}]}}
        });
        // A server no setting reaches stops the generator rather than going to the API's host.
        let e = handles(ops.clone(), &[]).unwrap_err().to_string();
        assert!(e.contains("https://{gadget}") && e.contains("no handle setting reaches"), "{e}");

        let servers = vec![
            server("https://widgets.example.com", Reach::Client("widgets_api".into())),
            server("https://", Reach::Call),
            server("https://{gadget}", Reach::Handle("crate::GadgetEndpoint".into())),
        ];
        let files = handles_with(ops, &[], servers).unwrap();
        let w: String = files["widgets.rs"].split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            w.contains("crate::call::call( self.client.widgets_api(), self.client.widgets_api().widgets_list(), )"),
            "{w}"
        );
        assert!(w.contains("/// Sent to https://widgets.example.com."), "{w}");
        assert!(w.contains("pub fn upload( self, url: &str, id: i64, )"), "{w}");
        assert!(w.contains("let api = self.client.presigned(url);"), "{w}");
        assert!(
            w.contains("crate::call::call(self.client, self.client.generated().widgets_same())"),
            "the document's own server is the API: {w}"
        );
        let g: String = files["gadgets.rs"].split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(g.contains("pub struct Gadgets<'a> { api: &'a crate::generated::Client, }"), "{g}");
        assert!(g.contains("pub fn gadgets<'a>(&self, endpoint: &'a crate::GadgetEndpoint) -> Gadgets<'a>"), "{g}");
        assert!(g.contains("crate::call::call(self.api, self.api.gadgets_chat())"), "{g}");
    }

    #[test]
    fn bodies_of_bytes_are_the_sdks_own_types_both_ways() {
        let bytes = |mime: &str| json!({mime: {"schema": {"type": "string", "format": "binary"}}});
        let ops = json!({
            "/w/{id}/csv": {"get": {"operationId": "widgets_get_csv", "tags": ["Widgets"],
                "responses": {"200": {"description": "", "content": bytes("text/csv")}},
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]}},
            "/<url>": {"put": {"operationId": "widgets_upload", "tags": ["Widgets"],
                "servers": [{"url": "https://"}],
                "requestBody": {"required": true, "content": bytes("application/octet-stream")},
                "responses": {"200": {"description": ""}}}}
        });
        let files = handles_with(ops, &[], vec![server("https://", Reach::Call)]).unwrap();
        let w: String = files["widgets.rs"].split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!w.contains("progenitor_client") && !w.contains("reqwest"), "{w}");
        assert!(w.contains("crate::Response<crate::ByteStream>"), "{w}");
        assert!(w.contains("crate::call::call_stream("), "{w}");
        assert!(w.contains("body: impl ::std::convert::Into<::bytes::Bytes>,"), "{w}");
        // Converted before the call's future, which then holds bytes, whatever it was given.
        let early = "let body = ::std::convert::Into::<::bytes::Bytes>::into(body); async move {";
        assert!(w.contains(early), "{w}");
        assert!(w.contains(".widgets_upload().body(body)"), "{w}");
    }

    fn ok() -> Value {
        json!({"200": {"description": "", "content": {"application/json": {"schema": {"type": "object", "properties": {"n": {"type": "integer"}}}}}}})
    }

    #[test]
    fn a_handle_per_tag_with_required_arguments_and_a_request_for_optional_ones() {
        let files = handles(
            json!({
                "/w/{id}": {"get": {"operationId": "widgets_get", "tags": ["Widgets"], "responses": ok(),
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]}},
                "/w": {"get": {"operationId": "widgets_list", "tags": ["Widgets"], "responses": ok(),
                    "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}},
                                   {"name": "per_page", "in": "query", "schema": {"type": "integer"}}]}},
                "/g": {"get": {"operationId": "gadgets_list", "tags": ["Gadgets"], "responses": ok()}}
            }),
            &["gadgets"],
        )
        .unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["mod.rs", "pages.rs", "widgets.rs"],
            "a hand-written tag gets no file"
        );
        let w: String = files["widgets.rs"].split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(w.contains("pub fn widgets(&self) -> Widgets<'_>"), "{w}");
        assert!(w.contains("pub fn get( self, id: i64, )"), "{w}");
        assert!(w.contains("pub fn list(self) -> WidgetsList<'a>"), "{w}");
        assert!(w.contains("impl<'a> ::std::future::IntoFuture for WidgetsList<'a>"), "{w}");
        assert!(w.contains("Paged: each request gives one page"), "{w}");
        assert!(files["mod.rs"].contains("#[cfg(feature = \"widgets\")]\npub use widgets::*;"), "{}", files["mod.rs"]);
    }

    #[test]
    fn an_envelope_of_one_resource_is_opened_unless_the_extension_says_not() {
        let wrapped = |required: bool| {
            let required: Vec<&str> = if required { vec!["widget"] } else { vec![] };
            json!({"200": {"description": "", "content": {"application/json": {"schema": {
                "type": "object", "required": required,
                "properties": {"widget": {"$ref": "#/components/schemas/widget"}}}}}}})
        };
        let files = handles(
            json!({
                "/a": {"get": {"operationId": "widgets_get", "tags": ["Widgets"], "responses": wrapped(true)}},
                "/b": {"get": {"operationId": "widgets_peek", "tags": ["Widgets"], "responses": wrapped(false)}},
                "/c": {"put": {"operationId": "widgets_put", "tags": ["Widgets"], "responses": wrapped(true), "x-sdk-envelope": false}}
            }),
            &[],
        )
        .unwrap();
        let w: String = files["widgets.rs"].split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(w.contains("crate::Response<crate::types::Widget>"), "{w}");
        // A required field is taken out as it is; an optional one through `call_envelope`,
        // which names the field when the answer lacks it.
        assert!(
            w.contains(
                "crate::call::call_map( self.client, self.client.generated().widgets_get(), |envelope| envelope.widget"
            ),
            "{w}"
        );
        assert!(w.contains("crate::call::call_envelope( self.client, self.client.generated().widgets_peek(), \"widget\", |envelope| envelope.widget"), "{w}");
        assert!(!w.contains("crate::Response<crate::types::WidgetsPeekResponse>"), "{w}");
        assert!(w.contains("crate::Response<crate::types::WidgetsPutResponse>"), "{w}");
        assert_eq!(w.matches("|envelope|").count(), 2, "{w}");
    }

    #[test]
    fn an_action_is_a_struct_with_an_action_id_and_an_action_status() {
        let owned: BTreeMap<String, Vec<syn::Item>> = [
            ("Action", syn::parse_quote! { pub struct Action { pub id: crate::ids::ActionId, pub status: crate::generated::types::ActionStatus, pub type_: String } }),
            ("VolumeAction", syn::parse_quote! { pub struct VolumeAction { pub status: ActionStatus, pub id: crate::ids::ActionId } }),
            ("NfsAction", syn::parse_quote! { pub struct NfsAction { pub id: Option<String>, pub status: NfsActionStatus } }),
            ("Untyped", syn::parse_quote! { pub struct Untyped { pub id: i64, pub status: ActionStatus } }),
            ("NoStatus", syn::parse_quote! { pub struct NoStatus { pub id: crate::ids::ActionId } }),
        ]
        .into_iter()
        .map(|(n, item)| (n.to_owned(), vec![item]))
        .collect();
        let found: BTreeSet<String> = actions(&owned).into_iter().collect();
        assert_eq!(found, BTreeSet::from(["Action".to_owned(), "VolumeAction".to_owned()]));
        let ty = |t: &str| syn::parse_str::<syn::Type>(t).unwrap();
        let set: HashSet<String> = found.into_iter().collect();
        assert!(is_action(&ty("crate::types::VolumeAction"), &set));
        assert!(!is_action(&ty("crate::types::NfsAction"), &set));
        assert!(!is_action(&ty("Vec<crate::types::Action>"), &set));
    }

    #[test]
    fn a_name_clash_is_an_error_naming_both_operations() {
        let e = handles(
            json!({
                "/a": {"get": {"operationId": "widgets_list", "tags": ["Widgets"], "responses": ok()}},
                "/b": {"get": {"operationId": "widgetParts_list", "tags": ["Widgets"], "responses": ok()}}
            }),
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("widgets_list") && e.contains("widgetParts_list") && e.contains(METHOD_EXTENSION), "{e}");
    }

    #[test]
    fn the_extension_names_the_method_and_a_bad_name_is_refused() {
        let files = handles(
            json!({
                "/a": {"get": {"operationId": "widgets_list", "tags": ["Widgets"], "responses": ok()}},
                "/b": {"get": {"operationId": "widgetParts_list", "tags": ["Widgets"], "responses": ok(), "x-sdk-method": "list_parts"}}
            }),
            &[],
        )
        .unwrap();
        assert!(files["widgets.rs"].contains("pub fn list_parts("));
        let e = handles(
            json!({"/a": {"get": {"operationId": "widgets_type", "tags": ["Widgets"], "responses": ok()}}}),
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("operation `widgets_type`: ") && e.contains("not a Rust identifier"), "{e}");
    }

    /// A paged answer: `links` to the pages, `meta.total`, and these array properties.
    fn paged(arrays: &[&str], extension: Option<Value>) -> Value {
        let mut properties = serde_json::Map::new();
        for a in arrays {
            properties.insert((*a).into(), json!({"type": "array", "items": {"$ref": "#/components/schemas/widget"}}));
        }
        properties.insert(
            "links".into(),
            json!({"type": "object", "properties": {"pages": {"type": "object", "properties": {
            "next": {"type": "string"}, "last": {"type": "string"}}}}}),
        );
        properties.insert(
            "meta".into(),
            json!({"type": "object", "required": ["total"], "properties": {"total": {"type": "integer"}}}),
        );
        let mut op = json!({"operationId": "widgets_list", "tags": ["Widgets"],
            "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"type": "object", "properties": properties}}}}},
            "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}},
                           {"name": "per_page", "in": "query", "schema": {"type": "integer"}},
                           {"name": "color", "in": "query", "schema": {"type": "string"}}]});
        if let Some(e) = extension {
            op[crate::lists::ITEMS_EXTENSION] = e;
        }
        json!({"/w": {"get": op}})
    }

    #[test]
    fn a_paged_answer_with_links_and_one_array_is_a_list_with_a_page_impl() {
        let files = handles(paged(&["widgets"], None), &[]).unwrap();
        let w: String = files["widgets.rs"].split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(w.contains("pub fn list(self) -> WidgetsList<'a>"), "{w}");
        assert!(w.contains("pub fn color(mut self"), "the filter stays a setter: {w}");
        assert!(w.contains("pub fn per_page(mut self, per_page: u64) -> Self"), "{w}");
        assert!(w.contains("pub fn page( &self, page: u64, )"), "{w}");
        assert!(w.contains("Item = ::std::result::Result<crate::types::Widget, crate::Error>"), "{w}");
        assert!(w.contains("impl crate::api::paging::PagedList for WidgetsList<'_>"), "{w}");
        assert!(!w.contains("IntoFuture for WidgetsList"), "a list is read by page, stream or collect: {w}");
        let p: String = files["pages.rs"].split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(p.contains("impl crate::api::paging::Page for crate::types::WidgetsListResponse"), "{p}");
        assert!(p.contains("type Item = crate::types::Widget;"), "{p}");
        assert!(p.contains("self.meta.as_ref().map(|m| m.total)") && p.contains("p.last.as_deref()"), "{p}");
        assert!(p.contains("(self.widgets, figures)"), "{p}");
        assert!(files["mod.rs"].contains("1 of the methods are lists"), "{}", files["mod.rs"]);
    }

    #[test]
    fn the_items_extension_decides_where_the_rule_cannot() {
        // A shape the rule cannot read still generates: a plain call, and the overlay to add.
        let files = handles(paged(&["widgets", "colors"], None), &[]).unwrap();
        let advice = &files["advice"];
        assert!(advice.starts_with("operation `widgets_list`: generated as a plain call"), "{advice}");
        assert!(advice.contains("`colors`, `widgets`") && advice.contains(crate::lists::ITEMS_EXTENSION), "{advice}");
        assert!(files["widgets.rs"].contains("IntoFuture for WidgetsList"), "a plain call: {}", files["widgets.rs"]);
        assert!(!files["pages.rs"].contains("impl"), "{}", files["pages.rs"]);
        let files = handles(paged(&[], None), &[]).unwrap();
        assert!(files["advice"].contains("no array of items"), "{}", files["advice"]);
        assert!(files["widgets.rs"].contains("IntoFuture for WidgetsList"), "{}", files["widgets.rs"]);

        let files = handles(paged(&["widgets", "colors"], Some(json!("colors"))), &[]).unwrap();
        assert!(files["pages.rs"].contains("(self.colors, figures)"), "{}", files["pages.rs"]);
        assert!(!files.contains_key("advice"), "{files:?}");
        let files = handles(paged(&[], Some(json!(false))), &[]).unwrap();
        assert!(!files["pages.rs"].contains("impl"), "{}", files["pages.rs"]);
        assert!(files["widgets.rs"].contains("IntoFuture for WidgetsList"), "not a list: one request per call");
        let e = handles(paged(&["widgets"], Some(json!("gadgets"))), &[]).unwrap_err().to_string();
        assert!(e.contains("names no property"), "{e}");
    }

    #[test]
    fn handle_names_spell_a_leading_number() {
        assert_eq!(
            handle_names("1-Click Applications"),
            ("1-click-applications".into(), "one_click_applications".into(), "OneClickApplications".into())
        );
        assert_eq!(handle_names("Droplet Actions").1, "droplet_actions");
        assert_eq!(handle_names("VPC NAT Gateways").2, "VpcNatGateways");
    }

    #[test]
    fn method_names_drop_the_resource_prefix() {
        assert_eq!(method_name("droplets_list", None), "list");
        assert_eq!(method_name("databases_list_clusters", None), "list_clusters");
        assert_eq!(method_name("floatingIPsAction_get", None), "get");
        assert_eq!(method_name("invoices_getByUuid", None), "get_by_uuid");
        assert_eq!(method_name("volumeSnapshots_list", Some("list_snapshots")), "list_snapshots");
    }

    #[test]
    fn only_a_serde_flatten_attribute_marks_a_field_flattened() {
        let owned = |field: proc_macro2::TokenStream| {
            let item: syn::Item = syn::parse_quote! { pub struct WidgetResponse { #field } };
            BTreeMap::from([("widgets".to_owned(), vec![item])])
        };
        let names = HashSet::from(["Widget".to_owned()]);
        let flattened = owned(quote! { #[serde(default, flatten)] pub widget: Widget, });
        assert!(envelopes(&flattened, &names).is_empty());
        // A doc comment that says "flatten" is not the attribute: the envelope is still opened.
        let documented = owned(quote! { #[doc = "Not flattened."] #[serde(rename = "widget")] pub widget: Widget, });
        assert_eq!(envelopes(&documented, &names)["widgets"].field, "widget");
    }
}
