//! Why a pass and not a setting: the decoding call is written into every builder, and
//! `ClientHooks::exec` only sends.
//!
//! progenitor decodes every response with `ResponseValue::from_response`, which copies the
//! response's whole header map before reading the body, then drops the original: a copy on
//! every call that nothing needs. The pass appends `decode_response`, which does the same but
//! moves the headers into the `ResponseValue`, and points every call at it. Status, headers,
//! value and errors are exactly those `from_response` gives.
//!
//! With a response decoder (`Settings::response_decoder`), every call goes to it instead:
//! hooks that have read the body already (to cap its size, or to retry a body that broke off)
//! carry it on the response, and the decoder takes it from there, so no decoding step of
//! progenitor's reads the body a second time.

use quote::quote;
use serde_json::Value;
use syn::visit_mut::{self, VisitMut};

use super::expect;
use crate::error::Error;

const PASS: &str = "move_response_headers";

/// Points every `ResponseValue::from_response` call at `response_decoder`, or else at an
/// appended `decode_response` that moves the headers. `module_path` is where the output is
/// mounted (`crate::generated`). Finding no `from_response` while `doc` has a JSON response is
/// an error: the pass would otherwise leave every call copying headers, unnoticed.
pub fn run(file: &mut syn::File, doc: &Value, module_path: &str, response_decoder: Option<&str>) -> Result<(), Error> {
    let to = match response_decoder {
        Some(decoder) => decoder.to_owned(),
        None => format!("{module_path}::decode_response"),
    };
    let path: syn::Path =
        syn::parse_str(&to).map_err(|e| Error::Emit { message: format!("response decoder `{to}`: {e}") })?;
    let mut redirect = Redirect { to: path, count: 0, name: "from_response" };
    redirect.visit_file_mut(file);
    expect::changed(
        PASS,
        redirect.count,
        expect::has_json_response(doc),
        "calls of `ResponseValue::from_response(..)` decoding JSON responses",
    )?;
    if redirect.count == 0 || response_decoder.is_some() {
        return Ok(());
    }
    let tokens = quote! {
        /// Reads the body of `response` as JSON into `T`, as progenitor-client's
        /// `from_response` does, but moves the headers into the result instead of copying them.
        #[doc(hidden)]
        pub async fn decode_response<T: ::serde::de::DeserializeOwned, E>(
            mut response: reqwest::Response,
        ) -> Result<ResponseValue<T>, Error<E>> {
            let status = response.status();
            let headers = ::std::mem::take(response.headers_mut());
            let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
            let inner = ::serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
            Ok(ResponseValue::new(inner, status, headers))
        }
    };
    let items: syn::File = syn::parse2(tokens).map_err(|e| Error::Emit { message: e.to_string() })?;
    file.items.extend(items.items);
    Ok(())
}

struct Redirect {
    to: syn::Path,
    count: usize,
    /// The `ResponseValue` function whose calls go to `to`.
    name: &'static str,
}

/// Points every `ResponseValue::stream(..)` call at `streamer`: where hooks have read the body,
/// progenitor's own would stream what is left of it, nothing.
pub fn redirect_streams(file: &mut syn::File, streamer: &str) -> Result<usize, Error> {
    let to: syn::Path = syn::parse_str(streamer)
        .map_err(|e| Error::Emit { message: format!("response streamer `{streamer}`: {e}") })?;
    let mut redirect = Redirect { to, count: 0, name: "stream" };
    redirect.visit_file_mut(file);
    Ok(redirect.count)
}

impl VisitMut for Redirect {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        visit_mut::visit_expr_call_mut(self, call);
        if let syn::Expr::Path(func) = &mut *call.func
            && ends_with(&func.path, &["ResponseValue", self.name])
        {
            func.path = self.to.clone();
            self.count += 1;
        }
    }
}

/// Whether `path`'s last segments are `names`, whatever comes before them.
fn ends_with(path: &syn::Path, names: &[&str]) -> bool {
    path.segments.len() >= names.len()
        && path.segments.iter().rev().zip(names.iter().rev()).all(|(segment, name)| segment.ident == name)
}

#[cfg(test)]
mod tests {
    fn generate(with_pass: bool) -> String {
        generate_with(with_pass, None)
    }

    fn doc() -> serde_json::Value {
        serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "2.0"},
            "paths": {"/x": {"get": {"operationId": "x_get", "responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}
            }}}}}
        })
    }

    fn generate_with(with_pass: bool, decoder: Option<&str>) -> String {
        let spec: openapiv3::OpenAPI = serde_json::from_value(doc()).unwrap();
        let tokens = crate::engine::try_progenitor(&spec, &crate::Settings::default()).unwrap();
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        if with_pass {
            super::run(&mut file, &doc(), "crate", decoder).unwrap();
        }
        prettyplease::unparse(&file)
    }

    #[test]
    fn responses_are_decoded_without_copying_headers() {
        assert!(generate(false).contains("ResponseValue::from_response"));
        let code = generate(true);
        assert!(!code.contains("ResponseValue::from_response"), "{code}");
        assert!(code.contains("crate::decode_response(response)"), "{code}");
        assert!(code.contains("pub async fn decode_response"), "{code}");
        assert!(code.contains("std::mem::take(response.headers_mut())"), "{code}");
    }

    #[test]
    fn responses_go_to_the_decoder_when_one_is_set() {
        let code = generate_with(true, Some("crate::runtime::decode"));
        assert!(code.contains("crate::runtime::decode(response).await"), "{code}");
        assert!(!code.contains("ResponseValue::from_response") && !code.contains("fn decode_response"), "{code}");
    }

    #[test]
    fn streams_go_to_the_streamer() {
        let mut file: syn::File = syn::parse_str("fn f() { ResponseValue::stream(response); }").unwrap();
        assert_eq!(super::redirect_streams(&mut file, "crate::runtime::body::stream").unwrap(), 1);
        let code = prettyplease::unparse(&file);
        assert!(code.contains("crate::runtime::body::stream(response)") && !code.contains("ResponseValue"), "{code}");
    }

    #[test]
    fn a_decoder_that_is_not_a_path_is_an_error() {
        let mut file: syn::File = syn::parse_str("fn f() { ResponseValue::from_response(r); }").unwrap();
        let err = super::run(&mut file, &doc(), "crate", Some("not a path!")).unwrap_err();
        assert!(err.to_string().contains("response decoder `not a path!`"), "{err}");
    }

    #[test]
    fn no_from_response_for_a_json_response_is_an_error() {
        let mut file: syn::File = syn::parse_str("fn f() { other::decode(r); }").unwrap();
        let err = super::run(&mut file, &doc(), "crate", None).unwrap_err().to_string();
        assert!(err.contains("move_response_headers") && err.contains("from_response"), "{err}");
        // Without a JSON response there is nothing to redirect, and nothing is appended.
        let empty = serde_json::json!({"paths": {"/x": {"delete": {"responses": {"204": {"description": "ok"}}}}}});
        super::run(&mut file, &empty, "crate", None).unwrap();
        assert!(!prettyplease::unparse(&file).contains("decode_response"));
    }
}
