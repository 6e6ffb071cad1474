//! typify ignores `discriminator`. A `oneOf`/`anyOf` of `$ref`'d variants becomes an untagged
//! enum: serde then picks the first variant that fits, so a transfer decodes (and is built) as a
//! convert and its region is dropped. DigitalOcean's image-action body is exactly that shape,
//! with a base variant whose `type` enum also allows `transfer`.
//!
//! The pass rewrites each discriminated union as a `oneOf` of inline variants in which the
//! discriminator property is required and has a single value (its mapping key). typify turns
//! that into a `#[serde(tag = "...")]` enum, so each variant is built and decoded by its tag.

use serde_json::{Map, Value, json};

use super::resolve;

/// Runs the pass over the whole document.
pub fn run(doc: &mut Value) {
    let snapshot = doc.clone();
    rewrite(&snapshot, doc);
}

fn rewrite(snapshot: &Value, v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(tagged) = tagged_union(snapshot, m) {
                *v = tagged;
                return;
            }
            m.values_mut().for_each(|c| rewrite(snapshot, c));
        }
        Value::Array(items) => items.iter_mut().for_each(|c| rewrite(snapshot, c)),
        _ => {}
    }
}

fn tagged_union(snapshot: &Value, schema: &Map<String, Value>) -> Option<Value> {
    let property = schema.get("discriminator")?.get("propertyName")?.as_str()?;
    let variants = schema.get("oneOf").or_else(|| schema.get("anyOf"))?.as_array()?;
    let mapping = schema.get("discriminator").and_then(|d| d.get("mapping")).and_then(Value::as_object);
    let mut out = Vec::with_capacity(variants.len());
    for variant in variants {
        let reference = variant.get("$ref").and_then(Value::as_str);
        // Several tags can map to one schema (the droplet actions `reboot`, `power_off`... all
        // name the plain `droplet_action`): each is a variant of its own, or all but the first
        // could be neither sent nor read.
        let mut tags: Vec<String> =
            mapping.into_iter().flatten().filter(|(_, r)| r.as_str() == reference).map(|(k, _)| k.clone()).collect();
        if tags.is_empty() {
            tags.push(
                single_tag(snapshot, variant, property)
                    .or_else(|| reference.and_then(|r| r.rsplit('/').next()).map(str::to_owned))?,
            );
        }
        for tag in tags {
            out.push(tagged_variant(snapshot, variant, property, tag)?);
        }
    }
    let mut result = Map::new();
    if let Some(d) = schema.get("description") {
        result.insert("description".into(), d.clone());
    }
    result.insert("oneOf".into(), Value::Array(out));
    Some(Value::Object(result))
}

// One variant of the union: `variant` flattened, its discriminator required and pinned to `tag`.
fn tagged_variant(snapshot: &Value, variant: &Value, property: &str, tag: String) -> Option<Value> {
    let mut flat = flatten(snapshot, variant);
    let props = flat.entry("properties").or_insert_with(|| json!({}));
    let prop_schema = json!({"type": "string", "enum": [tag.clone()]});
    props.as_object_mut()?.insert(property.to_owned(), prop_schema);
    let required = flat.entry("required").or_insert_with(|| json!([]));
    let list = required.as_array_mut()?;
    if !list.iter().any(|r| r == property) {
        list.insert(0, json!(property));
    }
    flat.insert("type".into(), json!("object"));
    flat.insert("title".into(), json!(tag));
    Some(Value::Object(flat))
}

// The tag a variant already pins down with a one-value enum.
fn single_tag(snapshot: &Value, variant: &Value, property: &str) -> Option<String> {
    let flat = flatten(snapshot, variant);
    let values = flat.get("properties")?.get(property)?;
    let values = resolve(snapshot, values).get("enum")?.as_array()?;
    match values.as_slice() {
        [one] => one.as_str().map(str::to_owned),
        _ => None,
    }
}

// Resolves `$ref`s and merges `allOf` parts into one object schema.
fn flatten(snapshot: &Value, schema: &Value) -> Map<String, Value> {
    let schema = resolve(snapshot, schema);
    let mut out = Map::new();
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            merge_into(&mut out, flatten(snapshot, part));
        }
    }
    if let Some(own) = schema.as_object() {
        let mut own = own.clone();
        own.remove("allOf");
        merge_into(&mut out, own);
    }
    out
}

fn merge_into(out: &mut Map<String, Value>, part: Map<String, Value>) {
    for (k, v) in part {
        match (k.as_str(), out.get_mut(&k), v) {
            ("properties", Some(Value::Object(have)), Value::Object(more)) => have.extend(more),
            ("required", Some(Value::Array(have)), Value::Array(more)) => {
                for r in more {
                    if !have.contains(&r) {
                        have.push(r);
                    }
                }
            }
            (_, _, v) => {
                out.insert(k, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    // The shape of DigitalOcean's image-action body: a base whose `type` allows both values.
    fn doc() -> serde_json::Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"post": {
                "operationId": "x_post",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "anyOf": [{"$ref": "#/components/schemas/base"}, {"$ref": "#/components/schemas/transfer"}],
                    "discriminator": {"propertyName": "type", "mapping": {
                        "convert": "#/components/schemas/base", "transfer": "#/components/schemas/transfer"}}
                }}}},
                "responses": {"204": {"description": "ok"}}
            }}},
            "components": {"schemas": {
                "base": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["convert", "transfer"]}}},
                "transfer": {"allOf": [{"$ref": "#/components/schemas/base"}, {"type": "object", "required": ["type", "region"], "properties": {"region": {"type": "string"}}}]}
            }}
        })
    }

    #[test]
    fn variants_get_single_value_tags() {
        let mut d = doc();
        super::run(&mut d);
        let one_of = d.pointer("/paths/~1x/post/requestBody/content/application~1json/schema/oneOf").unwrap();
        assert_eq!(one_of[0]["properties"]["type"]["enum"], json!(["convert"]));
        assert_eq!(one_of[1]["properties"]["type"]["enum"], json!(["transfer"]));
        assert_eq!(one_of[1]["required"], json!(["type", "region"]));
    }

    #[test]
    fn tags_mapped_to_one_schema_are_a_variant_each() {
        // The droplet actions' shape: `reboot` and `power_off` both name the plain action.
        let mut d = doc();
        let schema = d.pointer_mut("/paths/~1x/post/requestBody/content/application~1json/schema").unwrap();
        schema["discriminator"]["mapping"]["reboot"] = json!("#/components/schemas/base");
        super::run(&mut d);
        let one_of = d.pointer("/paths/~1x/post/requestBody/content/application~1json/schema/oneOf").unwrap();
        let tags: Vec<&serde_json::Value> =
            one_of.as_array().unwrap().iter().map(|v| &v["properties"]["type"]["enum"][0]).collect();
        assert_eq!(tags, [&json!("convert"), &json!("reboot"), &json!("transfer")]);
    }

    #[test]
    fn generated_body_is_tagged_only_with_the_pass() {
        let tagged = |d: serde_json::Value| {
            let spec: openapiv3::OpenAPI = serde_json::from_value(d).unwrap();
            let code = crate::engine::try_progenitor(&spec, &crate::Settings::default()).unwrap().to_string();
            code.contains("tag = \"type\"")
        };
        assert!(!tagged(doc()), "progenitor tagged the union by itself; the pass may be unneeded");
        let mut d = doc();
        super::run(&mut d);
        assert!(tagged(d));
    }
}
