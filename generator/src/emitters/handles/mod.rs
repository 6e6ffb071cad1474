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

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;

use crate::emitters::file_header;
use crate::error::Error;
use crate::model::builders::{Described, Field, is_stream};
use crate::model::envelopes::Envelope;
use crate::model::operations::{
    Argument, CallShape, METHOD_EXTENSION, Op, Reach, Server, handle_names, spec_operations,
};

mod method;
mod tag_file;
#[cfg(test)]
mod tests;

use method::{handed_on, is_raw_body, method, taken};
use tag_file::{answered_actions, envelope_of, is_action, setters, tag_file};

/// What the generator needs to write handles.
#[derive(Clone, Debug, Default)]
pub struct HandleSettings {
    /// Operations (by operationId) whose handle methods are written by hand, in `impl` blocks
    /// on their tag's generated handle: no method is generated for them, so that an operation
    /// has one public way to be called. A tag all of whose operations are listed gets no
    /// handle. An id the spec does not have is an error.
    pub handwritten: Vec<String>,
    /// The servers operations name of their own (their `servers`, other than the document's),
    /// and how the handles reach each. An operation whose server is not listed stops the
    /// generator: sending it to the API's host, with the API's token, would be wrong.
    pub servers: Vec<Server>,
    /// Operations (by operationId) the handle calls table lists apart for the tests to call
    /// through code of their own, rather than with the fake's samples: those the fake answers
    /// from its state, which need a resource it holds (an image it has, an action it started).
    pub called_apart: Vec<String>,
}

impl HandleSettings {
    /// The settings for a part of the API (`--tag`): only the operations written by hand that
    /// `doc` has, so that the others' absence is not taken for a misspelt id.
    pub(crate) fn within(&self, doc: &Value) -> HandleSettings {
        let ids: HashSet<&str> = crate::spec::validate::operations(doc)
            .into_iter()
            .filter_map(|op| op.item.get("operationId").and_then(Value::as_str))
            .collect();
        HandleSettings {
            handwritten: self.handwritten.iter().filter(|id| ids.contains(id.as_str())).cloned().collect(),
            ..self.clone()
        }
    }
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
    builders: &crate::model::Builders,
    settings: &HandleSettings,
    header: &str,
) -> Result<Emitted, Error> {
    let crate::model::Builders { described, envelopes, actions, shapes } = builders;
    let mut advice = Vec::new();
    let mut files = BTreeMap::new();
    let mut calls = Vec::new();
    let mut per_tag: BTreeMap<String, (String, Vec<Op>)> = BTreeMap::new();
    // Every list, the hand-written tags' too: their pages are walked by the same `Page` impls.
    let mut lists: HashMap<String, crate::model::lists::List> = HashMap::new();
    // The operations whose answer carries several actions, with the field holding them.
    let mut several: HashMap<String, crate::model::lists::StructField> = HashMap::new();
    let mut pages = Vec::new();
    let mut by_hand: HashMap<String, usize> = HashMap::new();
    for op in spec_operations(doc, &settings.servers)? {
        let d = described.get(&op.snake).ok_or_else(|| Error::Handle {
            operation: op.id.clone(),
            message: format!("progenitor wrote no method `{}` for it", op.snake),
        })?;
        if let Some(list) =
            crate::model::lists::list_of(&op.id, d.paged(), &d.value, op.items.as_ref(), shapes, &mut advice)?
        {
            pages.push((op.tags.iter().cloned().collect::<BTreeSet<String>>(), op.id.clone(), list.clone()));
            lists.insert(op.id.clone(), list);
        }
        let envelope = if op.keep_envelope { None } else { envelope_of(&d.value, envelopes) };
        if !lists.contains_key(&op.id)
            && op.method != "GET"
            && !is_action(envelope.map_or(&d.value, |e| &e.ty), actions)
            && let Some(field) = crate::model::lists::action_array_field(&d.value, shapes, actions)
        {
            several.insert(op.id.clone(), field);
        }
        let first = op.tags[0].clone();
        let handwritten = settings.handwritten.contains(&op.id);
        calls.push(CallShape {
            id: op.id.clone(),
            tag: op.tag_name.clone(),
            handle: handle_names(&op.tag_name).1,
            method: op.name.clone(),
            args: d
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| Argument { name: f.name.clone(), bytes: is_raw_body(&f.ty) })
                .collect(),
            body_setter: d.fields.iter().any(|f| !f.required && f.name == "body"),
            list: lists.contains_key(&op.id),
            items: lists.get(&op.id).map(|l| l.items.clone()),
            actions: answered_actions(&d.value, &op, lists.contains_key(&op.id), envelopes, actions, shapes),
            handwritten,
            reach: op.server.as_ref().map(|s| s.reach.clone()),
        });
        if handwritten {
            *by_hand.entry(first).or_default() += 1;
            continue;
        }
        per_tag.entry(first).or_insert_with(|| (op.tag_name.clone(), Vec::new())).1.push(op);
    }
    if let Some(id) = settings.handwritten.iter().find(|id| !calls.iter().any(|c| &c.id == *id)) {
        return Err(Error::Handle {
            operation: id.clone(),
            message: "it is listed as written by hand, but the spec has no operation of that id".into(),
        });
    }
    let (pages_file, list_responses) = crate::emitters::pages::pages_file(&pages, shapes)?;
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
            Roles { lists: &lists, several: &several, by_hand: by_hand.get(&tag).copied().unwrap_or(0) },
        )?;
        waitable += waits;
        list_builders += ops.iter().filter(|o| lists.contains_key(&o.id)).count();
        files.insert(
            format!("{tag}.rs"),
            format!("{}{text}", file_header(header, &format!("the handle of the `{tag_name}` operations"))),
        );
        handles += 1;
        methods += ops.len();
        let cfg = crate::model::features::cfg_attr(Some(&module_tags));
        let ident = crate::model::features::module_ident(&tag);
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
    let pages_cfg =
        crate::model::features::cfg_attr(Some(&pages.iter().flat_map(|(t, _, _)| t.iter().cloned()).collect()));
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

/// What the tag's operations are besides plain calls: lists, answers with several actions
/// (with the field that holds them), and how many more have methods written by hand.
#[derive(Clone, Copy)]
struct Roles<'r> {
    lists: &'r HashMap<String, crate::model::lists::List>,
    several: &'r HashMap<String, crate::model::lists::StructField>,
    by_hand: usize,
}

/// What of an operation's answer can be waited on.
#[derive(Clone, Copy)]
enum Waitable<'f> {
    No,
    /// One action: an `ActionCall`, or `wait()` on the request struct.
    One,
    /// Several actions, in this field: `wait()` on the request struct gives a `WaitAll`.
    Several(&'f crate::model::lists::StructField),
}
