//! One operation's handle method, and its request struct or list builder.

use super::*;

pub(super) fn method(
    handle: &str,
    op: &Op,
    d: &Described,
    envelope: Option<&Envelope>,
    list: Option<&crate::model::lists::List>,
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
        let ids = crate::emitters::pages::action_ids(field);
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
pub(super) fn list_builder(
    handle: &str,
    op: &Op,
    d: &Described,
    list: &crate::model::lists::List,
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
pub(super) fn is_raw_body(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.iter().map(|s| s.ident.to_string()).eq(["reqwest", "Body"]))
}

/// The type a handle takes a parameter as: its own, but for a raw body, taken as anything that
/// becomes `bytes::Bytes` (a `Vec<u8>`, a `String`, a `&'static [u8]`), so that no reqwest
/// type is in what users name; bytes in memory can also be sent again on a retry.
pub(super) fn taken(ty: &syn::Type) -> TokenStream {
    if is_raw_body(ty) {
        quote! { impl ::std::convert::Into<::bytes::Bytes> }
    } else {
        ty.to_token_stream()
    }
}

/// `value`, taken as [`taken`] says, as progenitor's builder takes it.
pub(super) fn handed_on(ty: &syn::Type, value: TokenStream) -> TokenStream {
    if is_raw_body(ty) {
        quote! { ::std::convert::Into::<::bytes::Bytes>::into(#value) }
    } else {
        value
    }
}

// In the method's rustdoc: a link for a type of the API, words for the rest.
pub(super) fn describe_value(ty: &syn::Type) -> String {
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
