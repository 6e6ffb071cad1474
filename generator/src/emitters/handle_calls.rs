//! The table of handle calls: for every operation with a generated handle method, one call of
//! that method against the fake API (`client.droplets().get(..).await`), with its required
//! arguments filled in. The handle calls test (`tests/tests/handles.rs`) runs each against the
//! fake and checks that it succeeds, decoded into the method's type.
//!
//! The arguments are JSON text the test deserializes into the method's parameter types, so the
//! table needs no Rust type but where a value is not JSON (a raw upload body). The values are the
//! fake's own samples where it has them, so that the fake accepts the request: each path
//! parameter is read off the fake table's `sample_path` (the segment where the template has the
//! parameter), the body is its `sample_body`. A required query or header parameter, which the
//! fake does not record, gets its example or a value built from its schema, as the fake builds
//! its samples.
//!
//! Operations of the hand-written tags have no generated method, and those the fake answers
//! from its state (`HandleSettings::called_apart`) need a resource it holds: both are listed
//! apart, for the tests to call through code of their own.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::Error;
use crate::model::operations::{Argument, CallShape, Reach};
use crate::spec::validate::operations;

/// Where the table goes, relative to the workspace root.
pub const OUTPUT: &str = "tests/src/generated/handle_calls.rs";

/// The table file for `calls` (every operation, as the handles call it), `fake_table` (the fake
/// API's operations, as JSON text) and `doc` (the normalized document). `header` heads the file.
pub fn table(
    calls: &[CallShape],
    apart: &[String],
    fake_table: &str,
    doc: &Value,
    header: &str,
) -> Result<String, Error> {
    let fake: Value = serde_json::from_str(fake_table)
        .map_err(|e| Error::Emit { message: format!("handle calls: the fake's table does not parse: {e}") })?;
    let fake_ops: BTreeMap<&str, &Value> = fake["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|op| Some((op.get("id")?.as_str()?, op)))
        .collect();
    let spec_ops: BTreeMap<&str, Vec<&Value>> = operations(doc)
        .iter()
        .filter_map(|op| {
            let id = op.item.get("operationId")?.as_str()?;
            let params = op.path_item.get("parameters").and_then(Value::as_array).into_iter().flatten();
            let params = params.chain(op.item.get("parameters").and_then(Value::as_array).into_iter().flatten());
            Some((id, params.map(|p| crate::normalize::resolve(doc, p)).collect()))
        })
        .collect();

    let mut sorted: Vec<&CallShape> = calls.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let (mut generated, mut handwritten, mut lists) = (Vec::new(), Vec::new(), Vec::new());
    let (mut waits, mut several, mut handwritten_waits) = (Vec::new(), Vec::new(), Vec::new());
    for call in sorted {
        let (id, tag) = (&call.id, &call.tag);
        // An answer with an array of actions (the droplet actions by tag) has no wait in the SDK;
        // one with a single action has `.wait()`.
        let (waitable, many) = match &call.actions {
            Some(key) => {
                let fake_op = fake_ops.get(call.id.as_str());
                let array = fake_op.and_then(|op| op.get("example")?.get(key.as_str())).is_some_and(Value::is_array);
                (!array, array)
            }
            None => (false, false),
        };
        if many {
            several.push(quote! { (#id, #tag) });
        }
        if call.handwritten || apart.contains(&call.id) {
            let handle = &call.handle;
            handwritten.push(quote! { (#id, #tag, #handle) });
            if waitable {
                handwritten_waits.push(quote! { #id });
            }
            continue;
        }
        let missing =
            |what: &str| Error::Handle { operation: call.id.clone(), message: format!("handle calls: {what}") };
        let fake_op = fake_ops.get(call.id.as_str()).ok_or_else(|| missing("not in the fake's table"))?;
        let params = spec_ops.get(call.id.as_str()).map(Vec::as_slice).unwrap_or_default();
        let mut args = Vec::new();
        for arg in &call.args {
            args.push(
                argument(doc, fake_op, params, arg).ok_or_else(|| missing(&format!("no value for `{}`", arg.name)))?,
            );
        }
        // A body progenitor starts from its default is optional to the handle, yet the default
        // lacks what the API requires (a name, a region): the call sets the fake's sample, the
        // one optional setter it uses.
        let body = match (call.body_setter, fake_op.get("sample_body")) {
            (true, Some(sample)) => {
                let sample = sample.to_string();
                quote! { .body(arg(#sample)?) }
            }
            _ => TokenStream::new(),
        };
        let page = if call.list {
            quote! { .page(1) }
        } else {
            TokenStream::new()
        };
        // An operation of another host: the handle is made from the fake's endpoint, or the
        // method takes the fake's URL of the operation.
        let handle_arg = match &call.reach {
            Some(Reach::Handle(_)) => quote! { &endpoint(&c)? },
            _ => TokenStream::new(),
        };
        if call.reach == Some(Reach::Call) {
            let path = fake_op.get("sample_path").and_then(Value::as_str).unwrap_or("/");
            args.insert(0, quote! { &sample_url(&c, #path) });
        }
        let (handle, method) = (format_ident!("{}", call.handle), format_ident!("{}", call.method));
        generated.push(quote! {
            Call { id: #id, tag: #tag, run: |c| Box::pin(async move {
                outcome(c.#handle(#handle_arg).#method(#(#args),*) #body #page .await)
            }) }
        });
        if call.list {
            lists.push(quote! {
                Walk { id: #id, tag: #tag, run: |c| Box::pin(async move {
                    collected(c.#handle().#method(#(#args),*).per_page(PER_PAGE).collect().await)
                }) }
            });
        }
        if waitable {
            waits.push(quote! {
                Wait { id: #id, tag: #tag, run: |c| Box::pin(async move {
                    waited(quick(c.#handle().#method(#(#args),*) #body .wait()).await)
                }) }
            });
        }
    }

    let file = quote! {
        use crate::handle_calls::{Call, PER_PAGE, Walk, Wait, arg, collected, endpoint, outcome, quick, sample_url, waited};

        /// Every operation with a generated handle method, by operationId.
        pub const CALLS: &[Call] = &[#(#generated),*];
        /// The operations the tests call through code of their own: those of the hand-written
        /// handles, and those the fake answers from its state: (operationId, tag, `Client` method).
        pub const CALLED_APART: &[(&str, &str, &str)] = &[#(#handwritten),*];
        /// Every list with a generated handle method, walked whole `PER_PAGE` items a page.
        pub const LISTS: &[Walk] = &[#(#lists),*];
        /// Every operation with a generated handle method whose answer is one action, sent and waited on.
        pub const WAITS: &[Wait] = &[#(#waits),*];
        /// The operations of `CALLED_APART` whose answer is one action: operationId.
        pub const WAITED_APART: &[&str] = &[#(#handwritten_waits),*];
        /// Operations whose answer is an array of actions, waited on all at once (`WaitAll`): (operationId, tag).
        pub const SEVERAL_ACTIONS: &[(&str, &str)] = &[#(#several),*];
    };
    let file: syn::File = syn::parse2(file).map_err(|e| Error::Emit { message: format!("handle calls: {e}") })?;
    Ok(format!(
        "{header}// The handle calls test's table: every operation with a generated handle method, called through\n\
         // it with its required arguments (JSON text deserialized into the method's types; the fake's\n\
         // sample path and body), optional ones unset, a list read by `page(1)`.\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// The expression of one required argument, `arg("...")?` (or the raw body), or `None` when
/// nothing names a value for it.
fn argument(doc: &Value, fake_op: &Value, params: &[&Value], arg: &Argument) -> Option<TokenStream> {
    let name = arg.name.as_str();
    if name == "body" {
        // An upload of raw bytes: any bytes do, and they are not JSON; none at all would be a
        // request without its required body.
        if arg.bytes {
            return Some(quote! { "sample bytes" });
        }
        let sample = fake_op.get("sample_body")?.to_string();
        return Some(quote! { arg(#sample)? });
    }
    // progenitor's field: the parameter's name in snake case, a Rust keyword given a `_`.
    let param = params.iter().find(|p| {
        p.get("name").and_then(Value::as_str).is_some_and(|n| n.to_snake_case() == name.trim_end_matches('_'))
    })?;
    let param_name = param.get("name").and_then(Value::as_str)?;
    let value = if param.get("in").and_then(Value::as_str) == Some("path") {
        path_value(fake_op, param_name)?
    } else {
        let schema = param.get("schema").unwrap_or(&Value::Null);
        match param.get("example") {
            Some(example) => example.clone(),
            None => crate::emitters::fake_routes::build(
                doc,
                schema,
                crate::emitters::fake_routes::Direction::Request,
                &mut Vec::new(),
            ),
        }
    };
    let value = value.to_string();
    Some(quote! { arg(#value)? })
}

/// The value of path parameter `name` in the fake's sample path, typed as its shape says: a
/// number or a boolean where the parameter is one, else a string.
fn path_value(fake_op: &Value, name: &str) -> Option<Value> {
    let template = fake_op.get("path")?.as_str()?;
    let sample = fake_op.get("sample_path")?.as_str()?;
    let placeholder = format!("{{{name}}}");
    let text = template.split('/').zip(sample.split('/')).find(|(t, _)| *t == placeholder)?.1;
    let types: Vec<&str> = fake_op
        .pointer(&format!("/params/{}/types", name.replace('~', "~0").replace('/', "~1")))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let typed = |t: &str| match t {
        "integer" => text.parse::<i64>().ok().map(Value::from),
        "number" => text.parse::<f64>().ok().map(Value::from),
        "boolean" => text.parse::<bool>().ok().map(Value::from),
        _ => None,
    };
    Some(types.iter().find_map(|t| typed(t)).unwrap_or_else(|| Value::String(text.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_come_from_the_fake_samples_and_the_spec() {
        let doc = json!({"paths": {"/w/{widget_id}": {"post": {
            "operationId": "widgets_act",
            "parameters": [
                {"name": "widget_id", "in": "path", "required": true, "schema": {"type": "integer"}},
                {"name": "type", "in": "query", "required": true, "schema": {"type": "string", "enum": ["a", "b"]}}
            ]
        }}}});
        let fake = json!({"operations": [
            {"id": "widgets_act", "path": "/w/{widget_id}", "sample_path": "/w/42",
             "params": {"widget_id": {"types": ["integer"]}}, "sample_body": {"n": 1}},
            {"id": "gadgets_get", "path": "/g", "sample_path": "/g", "params": {}},
            {"id": "widgets_make", "path": "/w", "sample_path": "/w", "params": {}, "sample_body": {"m": 2}},
            {"id": "widgets_upload", "path": "/<url>", "sample_path": "/<url>", "params": {}},
            {"id": "agents_chat", "path": "/chat", "sample_path": "/chat", "params": {}}
        ]})
        .to_string();
        let calls = [
            CallShape {
                id: "widgets_act".into(),
                tag: "Widgets".into(),
                handle: "widgets".into(),
                method: "act".into(),
                args: vec![
                    Argument { name: "widget_id".into(), bytes: false },
                    Argument { name: "type_".into(), bytes: false },
                    Argument { name: "body".into(), bytes: false },
                ],
                body_setter: false,
                list: true,
                items: Some("widgets".into()),
                actions: Some("action".into()),
                handwritten: false,
                reach: None,
            },
            CallShape {
                id: "gadgets_get".into(),
                tag: "Gadgets".into(),
                handle: "gadgets".into(),
                method: "get".into(),
                handwritten: true,
                ..CallShape::default()
            },
            CallShape {
                id: "widgets_make".into(),
                tag: "Widgets".into(),
                handle: "widgets".into(),
                method: "make".into(),
                body_setter: true,
                ..CallShape::default()
            },
            CallShape {
                id: "widgets_upload".into(),
                tag: "Widgets".into(),
                handle: "widgets".into(),
                method: "upload".into(),
                args: vec![Argument { name: "body".into(), bytes: true }],
                reach: Some(crate::model::operations::Reach::Call),
                ..CallShape::default()
            },
            CallShape {
                id: "agents_chat".into(),
                tag: "Agents".into(),
                handle: "agents".into(),
                method: "chat".into(),
                reach: Some(crate::model::operations::Reach::Handle("crate::AgentEndpoint".into())),
                ..CallShape::default()
            },
        ];
        // prettyplease lays the calls out over several lines: read without whitespace and the
        // trailing commas it adds.
        let t: String = table(&calls, &[], &fake, &doc, "")
            .unwrap()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .replace(",)", ")")
            .replace(",]", "]")
            .replace(",}", "}");
        assert!(t.contains(r#"c.widgets().act(arg("42")?,arg("\"a\"")?,arg("{\"n\":1}")?).page(1).await"#), "{t}");
        assert!(t.contains(r#"("gadgets_get","Gadgets","gadgets")"#), "{t}");
        // An optional body is set from the fake's sample.
        assert!(t.contains(r#"c.widgets().make().body(arg("{\"m\":2}")?).await"#), "{t}");
        // A list is walked whole, a few items a page; an action is waited on.
        assert!(t.contains(r#"collected(c.widgets().act(arg("42")?,arg("\"a\"")?,arg("{\"n\":1}")?).per_page(PER_PAGE).collect().await)"#), "{t}");
        assert!(
            t.contains(r#"waited(quick(c.widgets().act(arg("42")?,arg("\"a\"")?,arg("{\"n\":1}")?).wait()).await)"#),
            "{t}"
        );
        assert_eq!(t.matches("Walk{").count(), 1, "{t}");
        assert_eq!(t.matches("Wait{").count(), 1, "{t}");
        // Another host: the URL given per call is the fake's, the handle made from its endpoint.
        assert!(t.contains(r#"c.widgets().upload(&sample_url(&c,"/<url>"),"samplebytes").await"#), "{t}");
        assert!(t.contains("c.agents(&endpoint(&c)?).chat().await"), "{t}");

        // A required argument nothing gives a value for stops the generator, naming it.
        let mut unknown = calls[0].clone();
        unknown.args.push(Argument { name: "color".into(), bytes: false });
        let e = table(&[unknown], &[], &fake, &doc, "").unwrap_err().to_string();
        assert!(e.contains("widgets_act") && e.contains("`color`"), "{e}");
    }
}
