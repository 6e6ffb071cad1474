//! Bundling: the selected operations of a multi-file spec, and everything they reach, as one
//! document whose every `$ref` is local.
//!
//! The walk knows the OpenAPI object it is in (an operation, a response, a schema...), so it
//! knows what a `$ref` there names. Whole operations and path items are copied in place, as the
//! root document uses them; schemas, responses, parameters, headers, request bodies, examples,
//! links and callbacks become components (named in [`super::names`]); anything else (a tag's
//! description) is copied in place. `x-codeSamples` is dropped: it is upstream's prose and code,
//! and nothing generates from it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value, json};

use super::names;
use super::source::{Loc, Source};
use crate::error::Error;
use crate::spec::validate::METHODS;

/// Which operations to keep: each named operationId, and every operation of each named tag.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// operationIds to keep.
    pub operations: Vec<String>,
    /// Tags whose operations are all kept.
    pub tags: Vec<String>,
}

/// The kinds of OpenAPI object the walk tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Obj {
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Encoding,
    Schema,
    Discriminator,
    Example,
    Link,
    Callback,
    SecurityScheme,
    Server,
    ServerVariable,
    /// Not an OpenAPI object the walk knows: references in it are copied in place.
    Any,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    One(Obj),
    MapOf(Obj),
    ListOf(Obj),
    /// Copied as it is (examples, enums, defaults, plain fields).
    Literal,
}

impl Obj {
    /// The `components` section an object of this kind is kept in when it is referenced.
    fn section(self) -> Option<&'static str> {
        Some(match self {
            Obj::Schema => "schemas",
            Obj::Parameter => "parameters",
            Obj::Response => "responses",
            Obj::Header => "headers",
            Obj::RequestBody => "requestBodies",
            Obj::Example => "examples",
            Obj::Link => "links",
            Obj::Callback => "callbacks",
            Obj::SecurityScheme => "securitySchemes",
            _ => return None,
        })
    }

    fn from_section(section: &str) -> Obj {
        match section {
            "schemas" => Obj::Schema,
            "parameters" => Obj::Parameter,
            "responses" => Obj::Response,
            "headers" => Obj::Header,
            "requestBodies" => Obj::RequestBody,
            "examples" => Obj::Example,
            "links" => Obj::Link,
            "callbacks" => Obj::Callback,
            "securitySchemes" => Obj::SecurityScheme,
            _ => Obj::Any,
        }
    }

    /// The kind of the value under `key` in an object of this kind.
    fn child(self, key: &str, value: &Value) -> Kind {
        use Kind::*;
        match (self, key) {
            (Obj::Any, _) => One(Obj::Any),
            (Obj::PathItem, m) if METHODS.contains(&m) => One(Obj::Operation),
            (Obj::PathItem | Obj::Operation, "parameters") => ListOf(Obj::Parameter),
            (Obj::PathItem | Obj::Operation, "servers") => ListOf(Obj::Server),
            (Obj::Server, "variables") => MapOf(Obj::ServerVariable),
            (Obj::Operation, "requestBody") => One(Obj::RequestBody),
            (Obj::Operation, "responses") => MapOf(Obj::Response),
            (Obj::Operation, "callbacks") => MapOf(Obj::Callback),
            (Obj::Callback, _) => One(Obj::PathItem),
            (Obj::Parameter | Obj::Header | Obj::MediaType, "schema") => One(Obj::Schema),
            (Obj::Parameter | Obj::Header | Obj::RequestBody | Obj::Response, "content") => MapOf(Obj::MediaType),
            (Obj::Parameter | Obj::Header | Obj::MediaType, "examples") => MapOf(Obj::Example),
            (Obj::Response | Obj::Encoding, "headers") => MapOf(Obj::Header),
            (Obj::Response, "links") => MapOf(Obj::Link),
            (Obj::MediaType, "encoding") => MapOf(Obj::Encoding),
            (Obj::Schema, "properties") => MapOf(Obj::Schema),
            (Obj::Schema, "items" | "not") => One(Obj::Schema),
            (Obj::Schema, "additionalProperties") if value.is_object() => One(Obj::Schema),
            (Obj::Schema, "allOf" | "anyOf" | "oneOf") => ListOf(Obj::Schema),
            (Obj::Schema, "discriminator") => One(Obj::Discriminator),
            _ => Literal,
        }
    }
}

/// One upstream operation, found under the root's `paths`.
pub(crate) struct Candidate {
    pub path: String,
    pub method: &'static str,
    pub id: Option<String>,
    pub tags: Vec<String>,
    op: Value,
    op_loc: Loc,
    item: Value,
    item_loc: Loc,
}

struct Component {
    section: &'static str,
    loc: Loc,
    value: Value,
    body: Option<Value>,
}

/// What a bundle is made from and what it made.
pub(crate) struct Bundler<'s> {
    src: &'s mut Source,
    components: Vec<Component>,
    index: HashMap<(&'static str, Loc), usize>,
    /// Places being copied in place, to report a reference loop instead of recursing forever.
    inlining: Vec<Loc>,
    /// Leave out upstream's prose (see [`PROSE`]).
    without_prose: bool,
}

/// Keys of OpenAPI objects that hold upstream's sentences (or code), not structure. They are
/// dropped only where they are keywords of an object the walk knows; under `properties` (or any
/// other map of names) a key `description` or `title` is a name and stays, and example payloads
/// are kept whole. A schema's `title` is upstream's wording too (often a whole sentence), and
/// typify would name types after it: names come from the spec's structure or our overlays.
pub(crate) const PROSE: &[&str] = &["description", "summary", "title", "externalDocs", "x-codeSamples"];

// A reference to component number `i` before names are chosen; no spec text holds this byte.
const MARK: char = '\u{1}';

impl<'s> Bundler<'s> {
    pub fn new(src: &'s mut Source) -> Self {
        Bundler { src, components: Vec::new(), index: HashMap::new(), inlining: Vec::new(), without_prose: false }
    }

    /// Bundles without upstream's prose: descriptions, summaries, schema titles, external docs,
    /// code samples, tag descriptions and server descriptions.
    pub fn without_prose(mut self) -> Self {
        self.without_prose = true;
        self
    }

    /// Every operation of the root document, path by path (sorted), in method order.
    pub fn candidates(&mut self) -> Result<Vec<Candidate>, Error> {
        let root = Loc { file: self.src.root.clone(), pointer: String::new() };
        let paths = self.src.root_doc().get("paths").and_then(Value::as_object).cloned().unwrap_or_default();
        let mut out = Vec::new();
        for (path, item) in &paths {
            let mut item_loc = root.child("paths").child(path);
            let mut item = item.clone();
            if let Some(r) = item.get("$ref").and_then(Value::as_str) {
                (item_loc, item) = self.src.follow(&item_loc, r)?;
            }
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let mut op_loc = item_loc.child(method);
                let mut op = op.clone();
                if let Some(r) = op.get("$ref").and_then(Value::as_str) {
                    (op_loc, op) = self.src.follow(&op_loc, r)?;
                }
                let id = op.get("operationId").and_then(Value::as_str).map(str::to_owned);
                let tags = op
                    .get("tags")
                    .and_then(Value::as_array)
                    .map(|t| t.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                    .unwrap_or_default();
                out.push(Candidate {
                    path: path.clone(),
                    method,
                    id,
                    tags,
                    op,
                    op_loc,
                    item: item.clone(),
                    item_loc: item_loc.clone(),
                });
            }
        }
        Ok(out)
    }

    /// The selected candidates, or an error naming a requested id or tag that matches nothing.
    pub fn select(&mut self, selection: &Selection) -> Result<Vec<Candidate>, Error> {
        let all = self.candidates()?;
        let root = self.src.display(&self.src.root);
        for id in &selection.operations {
            if !all.iter().any(|c| c.id.as_deref() == Some(id.as_str())) {
                return Err(Error::spec(root, "/paths", format!("no operation has the operationId `{id}`")));
            }
        }
        for tag in &selection.tags {
            if !all.iter().any(|c| c.tags.contains(tag)) {
                return Err(Error::spec(root, "/paths", format!("no operation has the tag `{tag}`")));
            }
        }
        Ok(all
            .into_iter()
            .filter(|c| {
                c.id.as_ref().is_some_and(|id| selection.operations.contains(id))
                    || c.tags.iter().any(|t| selection.tags.contains(t))
            })
            .collect())
    }

    /// One OpenAPI document holding `chosen` and everything they reach.
    pub fn bundle(mut self, chosen: &[Candidate]) -> Result<Value, Error> {
        let root_doc = self.src.root_doc().clone();
        let root = Loc { file: self.src.root.clone(), pointer: String::new() };
        let mut paths = Map::new();
        let mut tags = BTreeSet::new();
        let mut schemes = BTreeSet::new();
        for c in chosen {
            let entry = paths.entry(c.path.clone()).or_insert_with(|| json!({}));
            if let Some(params) = c.item.get("parameters") {
                let walked = self.walk(params, &c.item_loc.child("parameters"), Kind::ListOf(Obj::Parameter))?;
                entry["parameters"] = walked;
            }
            entry[c.method] = self.walk(&c.op, &c.op_loc, Kind::One(Obj::Operation))?;
            tags.extend(c.tags.iter().cloned());
            schemes.extend(scheme_names(c.op.get("security")));
        }
        schemes.extend(scheme_names(root_doc.get("security")));
        // Security schemes are named, not referenced: copy the ones the operations use.
        let mut security_schemes = Map::new();
        for name in &schemes {
            let loc = root.child("components").child("securitySchemes").child(name);
            let Some(scheme) = root_doc.pointer(&loc.pointer) else {
                return Err(Error::spec(
                    self.src.display(&root.file),
                    "/components/securitySchemes",
                    format!("the security scheme `{name}` that an operation uses is not defined"),
                ));
            };
            security_schemes.insert(name.clone(), self.walk(scheme, &loc, Kind::One(Obj::SecurityScheme))?);
        }
        let tag_list = self.tags(&root_doc, &root, &tags)?;
        // Components reached from components, until none is new.
        let mut next = 0;
        while next < self.components.len() {
            let (section, loc, value) = {
                let c = &self.components[next];
                (c.section, c.loc.clone(), c.value.clone())
            };
            let body = self.walk(&value, &loc, Kind::One(Obj::from_section(section)))?;
            self.components[next].body = Some(body);
            next += 1;
        }
        let reserved: BTreeMap<&str, BTreeSet<String>> =
            BTreeMap::from([("securitySchemes", security_schemes.keys().cloned().collect())]);
        let chosen_names = names::assign(
            &self.components.iter().map(|c| (c.section, &c.loc)).collect::<Vec<_>>(),
            &self.src.root,
            &reserved,
        );
        let refs: Vec<String> =
            self.components.iter().zip(&chosen_names).map(|(c, n)| format!("#/components/{}/{n}", c.section)).collect();
        let mut components: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
        for (c, name) in self.components.into_iter().zip(chosen_names) {
            let mut body = c.body.unwrap_or(Value::Null);
            unmark(&mut body, &refs);
            components.entry(c.section).or_default().insert(name, body);
        }
        if !security_schemes.is_empty() {
            components.entry("securitySchemes").or_default().extend(security_schemes);
        }
        let mut paths = Value::Object(paths);
        unmark(&mut paths, &refs);

        let mut doc = Map::new();
        doc.insert("openapi".into(), root_doc.get("openapi").cloned().unwrap_or_else(|| json!("3.0.3")));
        let info = root_doc.get("info");
        doc.insert(
            "info".into(),
            json!({
                "title": info.and_then(|i| i.get("title")).cloned().unwrap_or_else(|| json!("API")),
                "version": info.and_then(|i| i.get("version")).cloned().unwrap_or_else(|| json!("1")),
            }),
        );
        if let Some(servers) = root_doc.get("servers") {
            let mut servers = servers.clone();
            if self.without_prose
                && let Some(list) = servers.as_array_mut()
            {
                list.iter_mut().filter_map(Value::as_object_mut).for_each(|s| {
                    s.remove("description");
                });
            }
            doc.insert("servers".into(), servers);
        }
        if !tag_list.is_empty() {
            doc.insert("tags".into(), Value::Array(tag_list));
        }
        doc.insert("paths".into(), paths);
        if !components.is_empty() {
            let components: Map<String, Value> =
                components.into_iter().map(|(k, v)| (k.to_owned(), Value::Object(v))).collect();
            doc.insert("components".into(), Value::Object(components));
        }
        if let Some(security) = root_doc.get("security") {
            doc.insert("security".into(), security.clone());
        }
        Ok(Value::Object(doc))
    }

    // The root's entries for the tags the operations use, descriptions resolved in place.
    fn tags(&mut self, root_doc: &Value, root: &Loc, used: &BTreeSet<String>) -> Result<Vec<Value>, Error> {
        let listed = root_doc.get("tags").and_then(Value::as_array).cloned().unwrap_or_default();
        let mut out = Vec::new();
        for name in used {
            let found = listed.iter().enumerate().find(|(_, t)| t.get("name").and_then(Value::as_str) == Some(name));
            let mut tag = Map::new();
            tag.insert("name".into(), json!(name));
            if let Some((i, entry)) = found
                && !self.without_prose
            {
                let loc = root.child("tags").child(&i.to_string());
                for key in ["description", "externalDocs"] {
                    if let Some(v) = entry.get(key) {
                        tag.insert(key.into(), self.walk(v, &loc.child(key), Kind::One(Obj::Any))?);
                    }
                }
            }
            out.push(Value::Object(tag));
        }
        Ok(out)
    }

    fn walk(&mut self, value: &Value, at: &Loc, kind: Kind) -> Result<Value, Error> {
        match kind {
            Kind::Literal => Ok(value.clone()),
            Kind::MapOf(obj) => match value {
                Value::Object(m) => {
                    let mut out = Map::new();
                    // Upstream writes a whole map of properties as one `$ref` to a file's key
                    // (`properties: {$ref: attributes.yml#/load_balancer_droplet_ids}`): the
                    // map is copied in place, its entries walked where they were written.
                    if let Some(Value::String(r)) = m.get("$ref") {
                        let (target, named) = self.src.follow(at, r)?;
                        let Value::Object(named) = named else {
                            return Err(Error::spec(
                                self.src.display(&at.file),
                                at.child("$ref").pointer,
                                format!("$ref `{r}` stands for a map of names but points to something else"),
                            ));
                        };
                        for (k, v) in &named {
                            out.insert(k.clone(), self.walk(v, &target.child(k), Kind::One(obj))?);
                        }
                    }
                    for (k, v) in m {
                        if k == "$ref" {
                            continue;
                        }
                        out.insert(k.clone(), self.walk(v, &at.child(k), Kind::One(obj))?);
                    }
                    Ok(Value::Object(out))
                }
                other => Ok(other.clone()),
            },
            Kind::ListOf(obj) => match value {
                Value::Array(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for (i, v) in items.iter().enumerate() {
                        out.push(self.walk(v, &at.child(&i.to_string()), Kind::One(obj))?);
                    }
                    Ok(Value::Array(out))
                }
                other => Ok(other.clone()),
            },
            Kind::One(obj) => self.walk_object(value, at, obj),
        }
    }

    fn walk_object(&mut self, value: &Value, at: &Loc, obj: Obj) -> Result<Value, Error> {
        match value {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref") {
                    let Value::String(r) = r else {
                        return Err(Error::spec(
                            self.src.display(&at.file),
                            at.child("$ref").pointer,
                            "`$ref` must be a string",
                        ));
                    };
                    return self.reference(at, r, obj);
                }
                let mut out = Map::new();
                for (k, v) in m {
                    if k == "x-codeSamples" || (self.without_prose && obj != Obj::Any && PROSE.contains(&k.as_str())) {
                        continue;
                    }
                    let walked = if obj == Obj::Discriminator && k == "mapping" {
                        self.mapping(v, &at.child(k))?
                    } else if is_example_value(obj, k) {
                        self.example(v, &at.child(k))?
                    } else {
                        self.walk(v, &at.child(k), obj.child(k, v))?
                    };
                    out.insert(k.clone(), walked);
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) if obj == Obj::Any => {
                let mut out = Vec::with_capacity(items.len());
                for (i, v) in items.iter().enumerate() {
                    out.push(self.walk(v, &at.child(&i.to_string()), Kind::One(Obj::Any))?);
                }
                Ok(Value::Array(out))
            }
            other => Ok(other.clone()),
        }
    }

    // A `$ref` at `at`: a component reference, or a copy of the target for kinds that are used
    // in place.
    fn reference(&mut self, at: &Loc, reference: &str, obj: Obj) -> Result<Value, Error> {
        let (target, value) = self.src.follow(at, reference)?;
        if let Some(section) = obj.section() {
            return Ok(json!({ "$ref": self.intern(section, target, value) }));
        }
        if self.inlining.contains(&target) {
            let mut chain: Vec<String> = self.inlining.iter().map(Loc::to_string).collect();
            chain.push(target.to_string());
            return Err(Error::spec(
                self.src.display(&at.file),
                at.pointer.clone(),
                format!("$ref cycle: {}", chain.join(" -> ")),
            ));
        }
        self.inlining.push(target.clone());
        let out = self.walk_object(&value, &target, obj);
        self.inlining.pop();
        out
    }

    // An example payload is copied as written, except that upstream sometimes writes the whole
    // payload as a `$ref` into an examples file (`example: {$ref: examples.yml#/x}`): that is
    // copied in place, so the vendored document refers to no other file.
    fn example(&mut self, value: &Value, at: &Loc) -> Result<Value, Error> {
        match value.as_object() {
            Some(m) if m.len() == 1 => match m.get("$ref") {
                Some(Value::String(r)) if is_reference(r) => Ok(self.src.follow(at, r)?.1),
                _ => Ok(value.clone()),
            },
            _ => Ok(value.clone()),
        }
    }

    // Discriminator mapping values are references too (`convert: models/x.yml#/base`); a bare
    // name is a schema name and stays as it is.
    fn mapping(&mut self, mapping: &Value, at: &Loc) -> Result<Value, Error> {
        let Some(m) = mapping.as_object() else { return Ok(mapping.clone()) };
        let mut out = Map::new();
        for (tag, target) in m {
            let walked = match target.as_str() {
                Some(r) if is_reference(r) => {
                    let (loc, value) = self.src.follow(&at.child(tag), r)?;
                    json!(self.intern("schemas", loc, value))
                }
                _ => target.clone(),
            };
            out.insert(tag.clone(), walked);
        }
        Ok(Value::Object(out))
    }

    fn intern(&mut self, section: &'static str, loc: Loc, value: Value) -> String {
        let next = self.components.len();
        let i = *self.index.entry((section, loc.clone())).or_insert(next);
        if i == next {
            self.components.push(Component { section, loc, value, body: None });
        }
        format!("{MARK}{i}")
    }
}

/// `example` of a schema, parameter, header or media type, and `value` of an example object.
fn is_example_value(obj: Obj, key: &str) -> bool {
    matches!(
        (obj, key),
        (Obj::Schema | Obj::Parameter | Obj::Header | Obj::MediaType, "example") | (Obj::Example, "value")
    )
}

fn is_reference(s: &str) -> bool {
    s.contains('#') || [".yml", ".yaml", ".json"].iter().any(|ext| s.ends_with(ext))
}

fn scheme_names(security: Option<&Value>) -> Vec<String> {
    security
        .and_then(Value::as_array)
        .map(|reqs| reqs.iter().filter_map(Value::as_object).flat_map(|r| r.keys().cloned()).collect())
        .unwrap_or_default()
}

// Replaces every component marker with its final `#/components/...` reference.
fn unmark(v: &mut Value, refs: &[String]) {
    match v {
        Value::String(s) => {
            if let Some(i) = s.strip_prefix(MARK).and_then(|n| n.parse::<usize>().ok())
                && let Some(r) = refs.get(i)
            {
                *s = r.clone();
            }
        }
        Value::Object(m) => m.values_mut().for_each(|c| unmark(c, refs)),
        Value::Array(items) => items.iter_mut().for_each(|c| unmark(c, refs)),
        _ => {}
    }
}
