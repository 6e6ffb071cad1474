//! The typed ids, derived and applied on small specs of their own.

use serde_json::json;

use super::*;

fn typed(schema: &str, property: &str, rust_path: &str) -> TypedId {
    TypedId { schema: schema.into(), property: property.into(), rust_path: rust_path.into() }
}

fn spec() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "2.0"},
        "paths": {"/a": {"get": {"operationId": "a_get", "responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/action"}}}
        }}}}},
        "components": {"schemas": {"action": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "integer", "format": "int64", "minimum": 1}}
        }}}
    })
}

#[test]
fn the_property_is_generated_as_the_replacing_type() {
    let generate = |ids: &[TypedId]| {
        let mut doc = spec();
        let typed = apply(&mut doc, ids).unwrap();
        crate::engine::emit_tokens(&doc, &[], &typed, &crate::Settings::default()).unwrap()
    };
    assert!(generate(&[]).contains("pub id: ::std::num::NonZeroU64"));
    let code = generate(&[typed("action", "id", "crate::ids::ActionId")]);
    assert!(code.contains("pub id: crate::ids::ActionId"), "{code}");
}

#[test]
fn a_missing_property_or_one_neither_integer_nor_text_is_an_error() {
    assert_eq!(apply(&mut spec(), &[typed("droplet", "id", "crate::X")]).unwrap(), []);
    let err = apply(&mut spec(), &[typed("action", "nope", "crate::X")]).unwrap_err().to_string();
    assert!(err.contains("/components/schemas/action/properties/nope") && err.contains("no such property"), "{err}");
    let mut doc = spec();
    doc["components"]["schemas"]["action"]["properties"]["id"] = json!({"type": "boolean"});
    let err = apply(&mut doc, &[typed("action", "id", "crate::X")]).unwrap_err().to_string();
    assert!(err.contains("neither an integer nor a string"), "{err}");
    // A text property becomes a text id, whose component says so.
    let mut doc = spec();
    doc["components"]["schemas"]["action"]["properties"]["id"] = json!({"type": "string"});
    let typed = apply(&mut doc, &[typed("action", "id", "crate::X")]).unwrap();
    assert_eq!(typed[0].kind, IdKind::Text);
    assert_eq!(doc["components"]["schemas"]["X"], json!({"type": "string"}));
}

// Two resources, each read by a GET on its own id: a droplet in an envelope, a volume
// whose id is text; a droplet's actions take the droplet's id and an action's; a record
// takes an `id` no rule can name, and an `x-sdk-id` names it.
fn resources() -> Value {
    let param = |name: &str, schema: Value| json!({"name": name, "in": "path", "required": true, "schema": schema});
    let ok = |schema: Value| json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "2.0"},
        "paths": {
            "/v2/droplets/{droplet_id}": {
                "parameters": [{"$ref": "#/components/parameters/droplet_id"}],
                "get": {"operationId": "droplets_get", "responses": ok(json!({
                    "type": "object",
                    "properties": {"droplet": {"$ref": "#/components/schemas/droplet"}}
                }))},
                "delete": {"operationId": "droplets_destroy", "responses": {"204": {"description": "gone"}}}
            },
            "/v2/droplets/{droplet_id}/actions/{action_id}": {"get": {
                "operationId": "dropletActions_get",
                "parameters": [
                    {"$ref": "#/components/parameters/droplet_id"},
                    param("action_id", json!({"type": "integer", "minimum": 1}))
                ],
                "responses": ok(json!({"type": "object", "properties": {"action": {
                    "allOf": [{"$ref": "#/components/schemas/action"}, {"type": "object", "properties": {"extra": {"type": "string"}}}]
                }}}))
            }},
            "/v2/volumes/{volume_id}": {"get": {
                "operationId": "volumes_get",
                "parameters": [param("volume_id", json!({"type": "string", "format": "uuid"}))],
                "responses": ok(json!({"$ref": "#/components/schemas/volume"}))
            }},
            "/v2/records/{id}": {"get": {
                "operationId": "records_get",
                "parameters": [param("id", json!({"type": "integer"}))],
                "responses": ok(json!({"$ref": "#/components/schemas/record"}))
            }},
            "/v2/notes/{id}": {"get": {
                "operationId": "notes_get",
                "parameters": [{"name": "id", "in": "path", "required": true, "x-sdk-id": "NoteId", "schema": {"type": "integer"}}],
                "responses": {"204": {"description": "ok"}}
            }}
        },
        "components": {
            "parameters": {"droplet_id": param("droplet_id", json!({"type": "integer", "minimum": 1}))},
            "schemas": {
                "droplet": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                "action": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "format": "int64"}}},
                "volume": {"type": "object", "properties": {"id": {"type": "string"}}},
                "record": {"type": "object", "properties": {"id": {"type": "integer"}}}
            }
        }
    })
}

#[test]
fn integer_id_path_parameters_and_their_resources_ids_get_one_newtype_each() {
    let mut doc = resources();
    let derived = derive(&mut doc, "crate::ids").unwrap();
    let names: Vec<&str> = derived.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["ActionId", "DropletId", "NoteId", "VolumeId"]);
    let droplet = &derived.types[1];
    assert_eq!(droplet.words, "droplet");
    // One shared parameter component, taken by three operations.
    assert_eq!(
        droplet.parameters,
        ["dropletActions_get.droplet_id", "droplets_destroy.droplet_id", "droplets_get.droplet_id"]
    );
    assert_eq!(droplet.properties, ["droplet.id"]);
    assert_eq!(derived.types[0].properties, ["action.id"]);
    assert!(derived.types[2].properties.is_empty());
    assert_eq!(
        doc["components"]["parameters"]["droplet_id"]["schema"],
        json!({"$ref": "#/components/schemas/DropletId"})
    );
    // The volume's id is text: a text id, its resource's id too.
    assert_eq!(derived.types[3].kind, IdKind::Text);
    assert_eq!(derived.types[3].properties, ["volume.id"]);
    assert_eq!(
        doc["paths"]["/v2/volumes/{volume_id}"]["get"]["parameters"][0]["schema"],
        json!({"$ref": "#/components/schemas/VolumeId"})
    );
    // The record's parameter is no `*_id`: it keeps its type.
    assert_eq!(doc["paths"]["/v2/records/{id}"]["get"]["parameters"][0]["schema"]["type"], "integer");

    let settings = crate::Settings {
        id_types: Some(crate::IdTypes {
            module: "crate::ids".into(),
            macro_path: "crate::ids::id_type".into(),
            text_macro_path: "crate::ids::string_id_type".into(),
        }),
        ..crate::Settings::default()
    };
    let mut doc = resources();
    let (typed, _) = crate::type_ids(&mut doc, &settings).unwrap();
    let code = crate::engine::emit_tokens(&doc, &[], &typed, &settings).unwrap();
    let code: String = code.split_whitespace().collect();
    assert!(code.contains("pubid:crate::ids::DropletId,"), "{code}");
    assert!(code.contains("pubid:crate::ids::ActionId,"), "{code}");
    assert!(code.contains("V:std::convert::TryInto<crate::ids::DropletId>"), "{code}");
    assert!(code.contains("V:std::convert::TryInto<crate::ids::NoteId>"), "{code}");
    // Typed ids display as their digits: written into the URL without encoding.
    assert!(code.contains("client.baseurl,droplet_id,action_id,"), "{code}");
    assert!(!code.contains("encode_path(&id.to_string())"), "{code}");
}

#[test]
fn an_sdk_id_extension_refuses_or_must_name_a_type_of_an_integer_or_text() {
    let with = |extension: Value| {
        let mut doc = resources();
        doc["components"]["parameters"]["droplet_id"]["x-sdk-id"] = extension;
        derive(&mut doc, "crate::ids")
    };
    let derived = with(json!(false)).unwrap();
    assert!(derived.types.iter().all(|t| t.name != "DropletId"), "{derived:?}");
    let err = with(json!("droplet id")).unwrap_err().to_string();
    assert!(err.contains("/components/parameters/droplet_id") && err.contains("not a Rust type name"), "{err}");
    let mut doc = resources();
    doc["paths"]["/v2/volumes/{volume_id}"]["get"]["parameters"][0]["schema"] = json!({"type": "boolean"});
    doc["paths"]["/v2/volumes/{volume_id}"]["get"]["parameters"][0]["x-sdk-id"] = json!("VolumeId");
    let err = derive(&mut doc, "crate::ids").unwrap_err().to_string();
    assert!(err.contains("/parameters/0") && err.contains("neither an integer nor a string"), "{err}");
    // One name for an integer and a text parameter would make one type of both.
    let mut doc = resources();
    doc["paths"]["/v2/volumes/{volume_id}"]["get"]["parameters"][0]["x-sdk-id"] = json!("DropletId");
    let err = derive(&mut doc, "crate::ids").unwrap_err().to_string();
    assert!(err.contains("integer and text parameters"), "{err}");
}

#[test]
fn the_file_defines_each_newtype_with_the_macro() {
    let mut doc = resources();
    let derived = derive(&mut doc, "crate::ids").unwrap();
    let text = file(&derived.types, "crate::ids::id_type", "crate::ids::string_id_type", "// @generated\n// more\n");
    assert!(text.starts_with("// @generated\n// This file:"), "{text}");
    assert!(text.contains("crate::ids::id_type!(\n    /// The id of a droplet.\n"), "{text}");
    assert!(text.contains("    DropletId,\n    \"droplet\"\n);\n"), "{text}");
    assert!(text.contains("/// The id of an action."), "{text}");
}

#[test]
fn a_document_without_components_is_left_alone_or_given_them() {
    // No typed parameter: nothing to add, and a document without components stays valid.
    let mut doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}});
    let before = doc.clone();
    derive(&mut doc, "crate::ids").unwrap();
    assert_eq!(doc, before);
    // A typed parameter in a document without components: the component is made for it.
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/v2/things/{thing_id}": {"get": {
            "operationId": "things_get",
            "parameters": [{"name": "thing_id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"204": {"description": "none"}}
        }}}
    });
    derive(&mut doc, "crate::ids").unwrap();
    assert!(doc.pointer("/components/schemas/ThingId").is_some(), "{doc:#}");
    // Components that are not an object are an error naming them, not a panic.
    let mut doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "components": "x",
        "paths": {"/v2/things/{thing_id}": {"get": {"operationId": "things_get",
            "parameters": [{"name": "thing_id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"204": {"description": "none"}}}}}});
    let err = derive(&mut doc, "crate::ids").unwrap_err().to_string();
    assert!(err.contains("/components") && err.contains("not an object"), "{err}");
}
