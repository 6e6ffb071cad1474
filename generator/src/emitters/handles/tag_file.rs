//! One tag's handle file: the handle, its methods, its request structs.

use super::*;

pub(super) fn tag_file(
    tag_name: &str,
    ops: &[Op],
    module_tags: &BTreeSet<String>,
    described: &BTreeMap<String, Described>,
    envelopes: &HashMap<String, Envelope>,
    actions: &HashSet<String>,
    roles: Roles<'_>,
) -> Result<(String, usize), Error> {
    let Roles { lists, several, by_hand } = roles;
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
    let getter_doc = match by_hand {
        0 => format!(" The `{tag_name}` operations: {} of them, see [`{pascal}`].", ops.len()),
        n => format!(
            " The `{tag_name}` operations: {} of them ({n} with methods written by hand), see [`{pascal}`].",
            ops.len() + n
        ),
    };
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
            crate::model::features::cfg_attr(Some(&tags))
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
            quote! { pub(crate) client: &'a crate::Client, },
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
pub(super) fn compiled_where_called(file: &mut syn::File) {
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
pub(super) fn answered_actions(
    value: &syn::Type,
    op: &Op,
    list: bool,
    envelopes: &HashMap<String, Envelope>,
    actions: &HashSet<String>,
    shapes: &crate::model::lists::Shapes,
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
    crate::model::lists::action_array(value, shapes, actions)
}

// Whether the success type (after its envelope) is one of `actions` (`crate::types::X`).
pub(super) fn is_action(value: &syn::Type, actions: &HashSet<String>) -> bool {
    let syn::Type::Path(p) = value else { return false };
    let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    matches!(&segments[..], [krate, types, name] if krate == "crate" && types == "types" && actions.contains(name))
}

// The envelope the success type is, if it is one (`crate::types::X`).
pub(super) fn envelope_of<'e>(value: &syn::Type, envelopes: &'e HashMap<String, Envelope>) -> Option<&'e Envelope> {
    let syn::Type::Path(p) = value else { return None };
    let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    match &segments[..] {
        [krate, types, name] if krate == "crate" && types == "types" => envelopes.get(name),
        _ => None,
    }
}

// A request struct's setter for each optional parameter, passed on to progenitor's builder;
// `note` ends its doc line.
pub(super) fn setters(fields: &[&Field], note: &str) -> Vec<TokenStream> {
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
