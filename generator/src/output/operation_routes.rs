//! progenitor hands hooks only the operation id (`OperationInfo`), not the method and path
//! template, and a retry or tracing layer needs both: the method decides what is safe to
//! retry, the template names the request in traces without ids in it. The pass appends a
//! lookup function, `operation_route`, built from the spec.

use heck::ToSnakeCase;
use quote::quote;
use serde_json::Value;

use crate::error::Error;
use crate::validate::operations;

/// Appends `pub fn operation_route(&str) -> Option<(&'static str, &'static str)>`.
pub fn run(file: &mut syn::File, doc: &Value) -> Result<(), Error> {
    let mut ids = Vec::new();
    let mut methods = Vec::new();
    let mut paths = Vec::new();
    for op in operations(doc) {
        let Some(id) = op.item.get("operationId").and_then(Value::as_str) else { continue };
        // progenitor names methods (and `OperationInfo::operation_id`) in snake case.
        ids.push(id.to_snake_case());
        methods.push(op.method.to_uppercase());
        paths.push(op.path.to_owned());
    }
    let tokens = quote! {
        /// The HTTP method and path template of an operation, by the operation id that
        /// `OperationInfo` carries; `None` for an id this spec does not have.
        pub fn operation_route(operation_id: &str) -> Option<(&'static str, &'static str)> {
            match operation_id {
                #( #ids => Some((#methods, #paths)), )*
                _ => None,
            }
        }
    };
    let items: syn::File = syn::parse2(tokens).map_err(|e| Error::Emit { message: e.to_string() })?;
    file.items.extend(items.items);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn routes_are_listed_by_snake_case_id() {
        let doc = serde_json::json!({"paths": {"/v2/x/{id}": {"get": {"operationId": "things_get"}}}});
        let mut file: syn::File = syn::parse_str("").unwrap();
        super::run(&mut file, &doc).unwrap();
        let code = prettyplease::unparse(&file);
        assert!(code.contains("\"things_get\" => Some((\"GET\", \"/v2/x/{id}\"))"), "{code}");
    }
}
