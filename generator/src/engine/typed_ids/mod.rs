//! Typed ids on the way out: an integer property (an action's `id`) becomes a component of its
//! own named after the crate's id type, and progenitor replaces that component with the type.
//! Users then get an `ActionId` where the spec says "integer", so ids of two resources cannot be
//! swapped, without converting by hand.
//!
//! [`derive()`] reads which ids those are off the spec: every integer path parameter named
//! `*_id` (`droplet_id`) is a resource's id and gets a newtype named after it (`DropletId`),
//! one per name across every tag (the six `action_id`s of six tags are one `ActionId`); the
//! resource's own id (the `id`, or the property named like the parameter, of what the `GET` on
//! the path ending in `{droplet_id}` answers, out of its envelope) is typed with it too. An
//! operation's parameter with `x-sdk-id: <TypeName>` names the type where the rule misreads
//! it (a parameter named `id`), and `x-sdk-id: false` leaves it an integer.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::TypedId;
use crate::error::Error;
use crate::normalize::resolve;

/// The split output's file of newtypes ([`file()`]).
pub const FILE: &str = "ids.rs";

/// The extension of a path parameter that names its id type, or (`false`) refuses one.
pub const EXTENSION: &str = "x-sdk-id";

/// What an id is on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum IdKind {
    /// An integer: the newtype wraps a `NonZeroU64` and displays as its digits.
    Integer,
    /// Text (any `format`, a UUID or a name): the newtype wraps a `String`, and any text decodes.
    Text,
}

impl IdKind {
    // The kind of a schema's `type`, if an id can be one.
    fn of(schema: &Value) -> Option<IdKind> {
        match schema.get("type").and_then(Value::as_str) {
            Some("integer") => Some(IdKind::Integer),
            Some("string") => Some(IdKind::Text),
            _ => None,
        }
    }

    // The schema every id component of this kind holds: progenitor replaces it, so only its
    // kind matters.
    fn schema(self) -> Value {
        match self {
            IdKind::Integer => json!({"type": "integer", "format": "int64", "minimum": 1}),
            IdKind::Text => json!({"type": "string"}),
        }
    }
}

/// A newtype read off the spec (see [`derive()`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdType {
    /// The Rust name, `DropletId`.
    pub name: String,
    /// The resource in words, `droplet`: the newtype's docs and its parse errors name it so.
    pub words: String,
    /// An integer or text.
    pub kind: IdKind,
    /// The path parameters typed with it, as `operationId.name`, sorted.
    pub parameters: Vec<String>,
    /// The properties typed with it, as `schema.property`, sorted.
    pub properties: Vec<String>,
}

/// What [`derive()`] typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Derived {
    /// The newtypes, by name.
    pub types: Vec<IdType>,
    /// The resources' id properties, for [`apply`].
    pub typed_ids: Vec<TypedId>,
}

// Where a typed parameter came from: its type and kind, and whether an `x-sdk-id` named it.
#[derive(Clone)]
struct Typed {
    ty: String,
    kind: IdKind,
    named: bool,
    /// The parameter's name, for a clash's error and the resource's property named like it.
    param: String,
}

// A path with every parameter's name left out (`/v2/apps/{}`): the `GET` reading an app may
// call its parameter `id` where the other operations call it `app_id`.
fn template(path: &str) -> String {
    path.split('/')
        .map(|segment| if segment.starts_with('{') && segment.ends_with('}') { "{}" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

/// Types the spec's resource ids (see the module's docs): each typed path parameter's schema
/// becomes a reference to a component named after its newtype, and the ids of the resources
/// are returned for [`apply`], as types of `module` (`crate::ids`). An `x-sdk-id` that is not a
/// Rust type name, or that names a type for a parameter that is neither an integer nor text, is
/// an error naming the parameter; so is one type for integers and text, and one name the rule
/// gives parameters that read different resources (a clash, resolved by naming each with
/// `x-sdk-id`).
pub fn derive(doc: &mut Value, module: &str) -> Result<Derived, Error> {
    // Parameter objects to rewrite (by pointer) and the type each takes.
    let mut rewrites: BTreeMap<String, String> = BTreeMap::new();
    let mut parameters: BTreeMap<String, (IdKind, Vec<String>, String)> = BTreeMap::new();
    // The type of each typed parameter by the path that ends in it (`/v2/droplets/{droplet_id}`),
    // without the parameters' names (`/v2/droplets/{}`).
    let mut by_path: BTreeMap<String, Typed> = BTreeMap::new();
    // Parameters named `id` or `uuid`: pointer, kind, path template, `operationId.name`.
    let mut generic: Vec<(String, IdKind, String, String)> = Vec::new();
    for op in crate::spec::validate::operations(doc) {
        // The path item's parameters and the operation's, each list by its pointer.
        let path_item = op.pointer.rsplit_once('/').map_or("", |(item, _)| item);
        let lists = [(path_item, op.path_item.get("parameters")), (op.pointer.as_str(), op.item.get("parameters"))];
        for (owner, list) in lists {
            let Some(list) = list.and_then(Value::as_array) else { continue };
            for (i, param) in list.iter().enumerate() {
                let at = match param.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                    Some(target) => target.to_owned(),
                    None => format!("{owner}/parameters/{i}"),
                };
                let param = resolve(doc, param);
                if param.get("in").and_then(Value::as_str) != Some("path") {
                    continue;
                }
                let Some(name) = param.get("name").and_then(Value::as_str) else { continue };
                let kind = param.get("schema").and_then(|s| IdKind::of(resolve(doc, s)));
                let extension = param.get(EXTENSION);
                let id = op.item.get("operationId").and_then(Value::as_str).unwrap_or(&op.pointer);
                let marker = format!("{{{name}}}");
                let up_to = op.path.find(&marker).map(|end| op.path[..end + marker.len()].to_owned());
                // A generic name (`id`, `uuid`) may take the type of the parameter in its place
                // on the other operations of the path, once all are read.
                if let (None, Some(kind), Some(path), "id" | "uuid") = (extension, kind, &up_to, name) {
                    generic.push((at, kind, template(path), format!("{id}.{name}")));
                    continue;
                }
                let Some(ty) = type_for(name, kind, extension, &at)? else { continue };
                // `type_for` gives a type only for an integer or text.
                let Some(kind) = kind else { continue };
                let entry = parameters.entry(ty.clone()).or_insert_with(|| (kind, Vec::new(), at.clone()));
                if entry.0 != kind {
                    return Err(Error::spec(
                        "openapi (merged)",
                        &at,
                        format!(
                            "typed id `{ty}` is taken by integer and text parameters (`{name}` here, and the one at `{}`): name one with `{EXTENSION}`",
                            entry.2
                        ),
                    ));
                }
                entry.1.push(format!("{id}.{name}"));
                // The resource's address: the path up to the parameter.
                if let Some(path) = up_to {
                    let named = extension.is_some();
                    let typed = Typed { ty: ty.clone(), kind, named, param: name.to_owned() };
                    by_path.entry(template(&path)).or_insert(typed);
                }
                rewrites.insert(at, ty);
            }
        }
    }
    // `/v2/apps/{id}` is `/v2/apps/{app_id}`: the `id` takes the `app_id`'s type.
    // A shared parameter object that would take two types keeps its own.
    let mut generic_types: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for (at, kind, path, _) in &generic {
        let ty = by_path.get(path).filter(|t| t.kind == *kind).map(|t| t.ty.as_str());
        let known = generic_types.entry(at.as_str()).or_insert(ty);
        if *known != ty {
            *known = None;
        }
    }
    for (at, _, _, param) in &generic {
        let Some(&Some(ty)) = generic_types.get(at.as_str()) else { continue };
        if let Some(entry) = parameters.get_mut(ty) {
            entry.1.push(param.clone());
        }
        rewrites.insert(at.clone(), ty.to_owned());
    }
    // The resource is what the `GET` on the path ending in the parameter reads, whatever that
    // operation's own parameter says (an image's is an id or a slug) or is called (an app's is
    // `id`). Its property named like the parameter comes first: a resource carrying
    // `knowledge_base_uuid` refers to a knowledge base, its own `uuid` is something else.
    let mut typed_ids: Vec<TypedId> = Vec::new();
    // The resources each type's rule-named parameters read by their own ids: (component, GET
    // path, parameter).
    let mut read: BTreeMap<&str, Vec<(String, &str, &str)>> = BTreeMap::new();
    for op in crate::spec::validate::operations(doc).iter().filter(|op| op.method == "get") {
        let Some(typed) = by_path.get(&template(op.path)) else { continue };
        let Some(resource) = success_schema(doc, op.item) else { continue };
        let param = typed.param.as_str();
        let names: &[&str] = if param.ends_with("_uuid") { &[param, "uuid", "id"] } else { &[param, "id"] };
        if let Some((schema, property)) = id_property(doc, resource, None, names, typed.kind, 0) {
            if !typed.named && property != param {
                read.entry(typed.ty.as_str()).or_default().push((schema.clone(), op.path, param));
            }
            let typed = TypedId { schema, property, rust_path: format!("{module}::{}", typed.ty) };
            if !typed_ids.contains(&typed) {
                typed_ids.push(typed);
            }
        }
    }
    // One name the rule gives ids of different resources would let one be passed for the other.
    let mut clashes = Vec::new();
    for (ty, resources) in &read {
        let mut components: Vec<&str> = resources.iter().map(|(c, _, _)| c.as_str()).collect();
        components.sort_unstable();
        components.dedup();
        if components.len() > 1 {
            let each: Vec<String> =
                resources.iter().map(|(c, path, param)| format!("`{param}` of `GET {path}` reads `{c}`")).collect();
            clashes.push(format!("`{ty}` would be the id of different resources: {}", each.join(", ")));
        }
    }
    if !clashes.is_empty() {
        return Err(Error::spec(
            "openapi (merged)",
            "/paths",
            format!("typed ids: {}; name each parameter's type with `{EXTENSION}` in an overlay", clashes.join("; ")),
        ));
    }
    for (at, ty) in &rewrites {
        let param = doc
            .pointer_mut(at)
            .and_then(Value::as_object_mut)
            .ok_or_else(|| Error::spec("openapi (merged)", at, "a path parameter that is not an object"))?;
        param.insert("schema".into(), json!({"$ref": format!("#/components/schemas/{ty}")}));
    }
    // A document with no typed parameter is left as it is: one without components is valid.
    if !parameters.is_empty() {
        let schemas = schemas_mut(doc)?;
        for (ty, (kind, _, _)) in &parameters {
            insert_component(schemas, ty, *kind)?;
        }
    }
    let types = parameters
        .into_iter()
        .map(|(name, (kind, mut params, _))| {
            params.sort();
            params.dedup();
            let path = format!("{module}::{name}");
            let mut properties: Vec<String> = typed_ids
                .iter()
                .filter(|t| t.rust_path == path)
                .map(|t| format!("{}.{}", t.schema, t.property))
                .collect();
            properties.sort();
            IdType { words: words(&name), name, kind, parameters: params, properties }
        })
        .collect();
    Ok(Derived { types, typed_ids })
}

// The newtype of the path parameter `name`, if it gets one: by `x-sdk-id`, or by the rule.
// `kind` is what its schema is, when an id can be that.
fn type_for(name: &str, kind: Option<IdKind>, extension: Option<&Value>, at: &str) -> Result<Option<String>, Error> {
    let named = match extension {
        None => None,
        Some(Value::Bool(false)) => return Ok(None),
        Some(Value::String(ty)) => Some(ty.clone()),
        Some(other) => {
            return Err(Error::spec(
                "openapi (merged)",
                at,
                format!("`{EXTENSION}` must be a type name or false, not {other}"),
            ));
        }
    };
    if let Some(ty) = named {
        let is_type_name = ty.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && ty.chars().all(|c| c.is_ascii_alphanumeric())
            && syn::parse_str::<syn::Ident>(&ty).is_ok();
        if !is_type_name {
            return Err(Error::spec("openapi (merged)", at, format!("`{EXTENSION}: {ty}` is not a Rust type name")));
        }
        if kind.is_none() {
            return Err(Error::spec(
                "openapi (merged)",
                at,
                format!("`{EXTENSION}: {ty}` on `{name}`, which is neither an integer nor a string"),
            ));
        }
        return Ok(Some(ty));
    }
    let (resource, suffix) = match (name.strip_suffix("_id"), name.strip_suffix("_uuid")) {
        (Some(resource), _) => (resource, "id"),
        (_, Some(resource)) => (resource, "uuid"),
        _ => return Ok(None),
    };
    if kind.is_none()
        || resource.is_empty()
        || !resource
            .split('_')
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
    {
        return Ok(None);
    }
    let mut ty = String::new();
    for word in resource.split('_').chain([suffix]) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            ty.push(first.to_ascii_uppercase());
            ty.extend(chars);
        }
    }
    // A leading digit would not make a type name.
    Ok(ty.starts_with(|c: char| c.is_ascii_uppercase()).then_some(ty))
}

// `DomainRecordId` -> `domain record`.
fn words(ty: &str) -> String {
    let base = ty.strip_suffix("Uuid").or_else(|| ty.strip_suffix("Id")).unwrap_or(ty);
    let mut out = String::new();
    for c in base.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `/components/schemas`, made when the document has none (a spec whose parameters are all it
/// types has no components yet).
fn schemas_mut(doc: &mut Value) -> Result<&mut Map<String, Value>, Error> {
    let not_object = |at: &str| Error::spec("openapi (merged)", at, "not an object");
    let components =
        doc.as_object_mut().ok_or_else(|| not_object(""))?.entry("components").or_insert_with(|| json!({}));
    let schemas = components
        .as_object_mut()
        .ok_or_else(|| not_object("/components"))?
        .entry("schemas")
        .or_insert_with(|| json!({}));
    schemas.as_object_mut().ok_or_else(|| not_object("/components/schemas"))
}

fn insert_component(schemas: &mut Map<String, Value>, ty: &str, kind: IdKind) -> Result<(), Error> {
    match schemas.get(ty) {
        Some(existing) if existing == &kind.schema() => Ok(()),
        Some(_) => Err(Error::spec(
            "openapi (merged)",
            format!("/components/schemas/{ty}"),
            format!("typed id `{ty}`: the component exists with another schema"),
        )),
        None => {
            schemas.insert(ty.to_owned(), kind.schema());
            Ok(())
        }
    }
}

// The JSON schema of the first 2xx answer of the operation object `op`.
fn success_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let responses = op.get("responses")?.as_object()?;
    let (_, response) =
        responses.iter().filter(|(status, _)| status.starts_with('2')).min_by_key(|(status, _)| *status)?;
    resolve(doc, response).get("content")?.get("application/json")?.get("schema")
}

// The component and property holding a resource's id in `schema`: one of `names`, of `kind`,
// found directly, through `$ref`s and `allOf` parts, or inside an envelope (an object of one
// property). `component` is the component `schema` is, when it is one: an inline schema's
// property has no name to type it by.
fn id_property(
    doc: &Value,
    schema: &Value,
    component: Option<&str>,
    names: &[&str],
    kind: IdKind,
    depth: usize,
) -> Option<(String, String)> {
    if depth > 8 {
        return None;
    }
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let name = target.strip_prefix("#/components/schemas/")?;
        let next = doc.pointer(&format!("/components/schemas/{name}"))?;
        return id_property(doc, next, Some(name), names, kind, depth + 1);
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    if let Some(properties) = properties {
        for name in names {
            let Some(property) = properties.get(*name) else { continue };
            let same = IdKind::of(property) == Some(kind);
            return match component {
                Some(component) if same && property.get("$ref").is_none() => {
                    Some((component.to_owned(), (*name).to_owned()))
                }
                _ => None,
            };
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        return parts.iter().find_map(|part| id_property(doc, part, None, names, kind, depth + 1));
    }
    match properties {
        Some(properties) if properties.len() == 1 => {
            properties.values().next().and_then(|inner| id_property(doc, inner, None, names, kind, depth + 1))
        }
        _ => None,
    }
}

/// The generated file defining every newtype of `types`, each a call of `macro_path` (the
/// crate's `id_type!`) for an integer and of `text_macro_path` (`string_id_type!`) for text,
/// with its docs, its name and its resource in words. `header` heads it.
pub fn file(types: &[IdType], macro_path: &str, text_macro_path: &str, header: &str) -> String {
    let first = header.lines().next().unwrap_or_default();
    let mut out = format!(
        "{first}\n// This file: the typed ids, one per `*_id` or `*_uuid` path parameter of the API (integers and text).\n\n"
    );
    for ty in types {
        let article = if ty.words.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        let (mac, what) = match ty.kind {
            IdKind::Integer => (macro_path, "id"),
            IdKind::Text if ty.name.ends_with("Uuid") => (text_macro_path, "UUID"),
            IdKind::Text => (text_macro_path, "id"),
        };
        out.push_str(&format!("{mac}!(\n    /// The {what} of {article} {}.\n    ///\n", ty.words));
        let params = ty.parameters.len();
        let plural = if params == 1 { "" } else { "s" };
        out.push_str(&format!("    /// Taken by {params} path parameter{plural} of the API"));
        if ty.properties.is_empty() {
            out.push_str(".\n");
        } else {
            let props: Vec<String> = ty.properties.iter().map(|p| format!("`{p}`")).collect();
            out.push_str(&format!(", and the type of {}.\n", props.join(", ")));
        }
        if ty.kind == IdKind::Text {
            out.push_str(
                "    ///\n    /// Text, as the API gives it: any string decodes, and is sent back unchanged.\n",
            );
        }
        out.push_str(&format!("    {},\n    \"{}\"\n);\n", ty.name, ty.words));
    }
    out
}

/// A component that progenitor is to replace: its Rust name and the replacing type's path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replacement {
    /// The component's name, which is also the Rust name progenitor gives it.
    pub rust_name: String,
    /// The absolute path of the type that replaces it.
    pub rust_path: String,
    /// What the type is on the wire: only an integer's display is written into a URL unencoded.
    pub kind: IdKind,
}

/// Moves each typed property into a component named after its type, referenced from the
/// property, and returns the replacements for progenitor. A schema the document does not have
/// is passed over (a spec with fewer resources); a property that does not exist in a schema
/// that does, or is neither an integer nor a string, is an error that names it: a setting that
/// silently does nothing would hand users raw ids again.
pub fn apply(doc: &mut Value, ids: &[TypedId]) -> Result<Vec<Replacement>, Error> {
    let mut out = Vec::new();
    for id in ids {
        if doc.pointer(&format!("/components/schemas/{}", id.schema)).is_none() {
            continue;
        }
        let rust_name = id.rust_path.rsplit("::").next().unwrap_or(&id.rust_path).to_owned();
        let pointer = format!("/components/schemas/{}/properties/{}", id.schema, id.property);
        let property = doc.pointer_mut(&pointer).ok_or_else(|| {
            Error::spec("openapi (merged)", &pointer, format!("typed id `{}`: no such property", id.rust_path))
        })?;
        let Some(kind) = IdKind::of(property) else {
            return Err(Error::spec(
                "openapi (merged)",
                &pointer,
                format!("typed id `{}`: the property is neither an integer nor a string", id.rust_path),
            ));
        };
        *property = json!({"$ref": format!("#/components/schemas/{rust_name}")});
        let schemas = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| Error::spec("openapi (merged)", "/components/schemas", "not an object"))?;
        // Two properties may share one id type (an image's id and a transfer's image id), and
        // [`derive()`] makes the components of its own types.
        insert_component(schemas, &rust_name, kind)?;
        let replacement = Replacement { rust_name, rust_path: id.rust_path.clone(), kind };
        if !out.contains(&replacement) {
            out.push(replacement);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
