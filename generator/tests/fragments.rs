//! Several fragments, one client: a component defined identically in two fragments is merged
//! once; defined differently, it is refused with both files and the place named.

use std::path::PathBuf;

use generator::spec::load;
use generator::{Settings, SpecFile, generate_files};

fn fragment(name: &str, text: &str) -> SpecFile {
    let path = PathBuf::from(name);
    SpecFile { doc: load::parse(&path, text.as_bytes()).unwrap(), bytes: text.as_bytes().to_vec(), path }
}

const ERROR: &str = "    error:\n      type: object\n      required: [id, message]\n      properties:\n        id: {type: string}\n        message: {type: string}\n";

fn resource(name: &str, error: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /v2/{name}:\n    get:\n      operationId: {name}_list\n      responses:\n        '200':\n          description: ok\n          content: {{application/json: {{schema: {{type: array, items: {{type: string}}}}}}}}\n        '404':\n          description: not found\n          content: {{application/json: {{schema: {{$ref: '#/components/schemas/error'}}}}}}\ncomponents:\n  schemas:\n{error}"
    )
}

#[test]
fn a_shared_component_defined_identically_merges_into_one_client() {
    let a = fragment("openapi/droplets.yaml", &resource("droplets", ERROR));
    let b = fragment("openapi/images.yaml", &resource("images", ERROR));
    let alone = generate_files(std::slice::from_ref(&a), &Settings::default()).unwrap();
    let code = generate_files(&[a, b], &Settings::default()).unwrap();
    // One `Error`, exactly as many as one fragment alone makes (no builder: only answers hold it).
    assert_eq!(alone.matches("pub struct Error {").count(), 1);
    assert_eq!(code.matches("pub struct Error {").count(), 1, "one Error type");
    assert_eq!(code.matches("pub struct Client {").count(), 1, "one client");
    assert!(code.contains("pub fn droplets_list(") && code.contains("pub fn images_list("), "both operations");
}

#[test]
fn a_shared_component_defined_differently_is_refused() {
    let other = ERROR.replace("required: [id, message]", "required: [id]");
    let a = fragment("openapi/droplets.yaml", &resource("droplets", ERROR));
    let b = fragment("openapi/images.yaml", &resource("images", &other));
    let e = generate_files(&[a, b], &Settings::default()).unwrap_err().to_string();
    assert_eq!(
        e,
        "openapi/images.yaml: at /components/schemas/error: defined differently in openapi/droplets.yaml; a shared definition must be identical in every fragment"
    );
}
