//! The structural comparison of one operation upstream with the same operation in a fragment.
//!
//! Compared: path and method; parameters by `(in, name)` (required-ness, schema); the request
//! body (presence, required-ness, media types, schema); responses by status code (headers by
//! name, ignoring case; media types; schema). Schemas: type, format, nullable, enum and
//! required (as sets), properties, items, additionalProperties, anyOf/oneOf variants, not.
//! `$ref`s are followed on both sides, so component names never matter, and `allOf` parts are
//! merged into one schema first (the same object written two ways is the same object). Prose
//! (description, summary, title, example(s)) and extensions are never looked at.
//!
//! Each difference carries its trail: every pointer in the fragment under which the differing
//! place was reached (the operation's, then each `$ref` target's), so an `x-upstream-deviation`
//! on the operation covers what lies in the components it uses, and one on a component covers
//! that component wherever it is used.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::escape_token;

/// One difference, as found from one operation.
#[derive(Clone, Debug)]
pub(crate) struct Occurrence {
    /// The fragment pointers of the differing place, outermost first.
    pub trail: Vec<String>,
    /// How many of them name the place itself: a place only the fragment has is reported
    /// where it is written, not inside what it refers to.
    pub named: usize,
    pub upstream: String,
    pub fragment: String,
    /// The operation it was found from.
    pub op: String,
}

#[derive(Clone, Debug)]
struct Trail(Vec<String>);

impl Trail {
    fn child(&self, token: &str) -> Trail {
        Trail(self.0.iter().map(|p| format!("{p}/{}", escape_token(token))).collect())
    }
    fn with(mut self, alias: String) -> Trail {
        if !self.0.contains(&alias) {
            self.0.push(alias);
        }
        self
    }
}

/// One side's operation: where it is and what it is.
pub(crate) struct OpSide<'a> {
    pub path: &'a str,
    pub method: &'a str,
    pub op: &'a Value,
    pub item: &'a Value,
}

pub(crate) struct Comparer<'a> {
    pub up: &'a Value,
    pub frag: &'a Value,
    /// The fragment before normalization, to map `4XX`/`5XX` back to a written `default`.
    pub written: &'a Value,
    pub op: String,
    /// Pairs of `$ref` targets being compared, to stop on recursive schemas.
    stack: Vec<(String, String)>,
    pub found: Vec<Occurrence>,
}

const DEPTH_LIMIT: usize = 64;

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

impl<'a> Comparer<'a> {
    pub fn new(up: &'a Value, frag: &'a Value, written: &'a Value, op: &str) -> Self {
        Comparer { up, frag, written, op: op.to_owned(), stack: Vec::new(), found: Vec::new() }
    }

    fn diff(&mut self, trail: &Trail, upstream: impl Into<String>, fragment: impl Into<String>) {
        self.diff_named(trail, trail.0.len(), upstream, fragment);
    }

    fn diff_named(&mut self, trail: &Trail, named: usize, upstream: impl Into<String>, fragment: impl Into<String>) {
        self.found.push(Occurrence {
            trail: trail.0.clone(),
            named,
            upstream: upstream.into(),
            fragment: fragment.into(),
            op: self.op.clone(),
        });
    }

    /// Compares the whole operation; `op_ptr` is its pointer in the fragment.
    pub fn operation(&mut self, u: &OpSide<'a>, f: &OpSide<'a>, op_ptr: &str) {
        let t = Trail(vec![op_ptr.to_owned()]);
        if (u.path, u.method) != (f.path, f.method) {
            self.diff(
                &t,
                format!("{} {}", u.method.to_uppercase(), u.path),
                format!("{} {}", f.method.to_uppercase(), f.path),
            );
        }
        self.parameters(u, f, op_ptr);
        self.request_body(u.op.get("requestBody"), f.op.get("requestBody"), &t.child("requestBody"));
        self.responses(u.op, f.op, op_ptr);
    }

    fn parameters(&mut self, u: &OpSide<'a>, f: &OpSide<'a>, op_ptr: &str) {
        let ups = effective_parameters(self.up, u, "");
        let item_ptr = op_ptr.rsplit_once('/').map(|(p, _)| p).unwrap_or_default();
        let frags = effective_parameters(self.frag, f, item_ptr);
        let list = Trail(vec![format!("{op_ptr}/parameters")]);
        let keys: BTreeSet<&(String, String)> = ups.keys().chain(frags.keys()).collect();
        for key in keys {
            let (place, name) = key;
            match (ups.get(key), frags.get(key)) {
                (Some((p, _)), None) => {
                    let s = summary(self.up, p.get("schema"), 0);
                    self.diff(&list, format!("{place} parameter `{name}`: {s}"), "absent");
                }
                (None, Some((p, aliases))) => {
                    let s = summary(self.frag, p.get("schema"), 0);
                    let mut t = list.clone();
                    for a in aliases {
                        t = t.with(a.clone());
                    }
                    // Reported at its declaration; its `$ref` targets still count for coverage.
                    self.diff_named(&t, 2, "absent", format!("{place} parameter `{name}`: {s}"));
                }
                (Some((up, _)), Some((fp, aliases))) => {
                    let mut t = list.clone();
                    for a in aliases {
                        t = t.with(a.clone());
                    }
                    let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(place == "path");
                    if required(up) != required(fp) {
                        self.diff(&t.child("required"), required(up).to_string(), required(fp).to_string());
                    }
                    self.schema(up.get("schema"), fp.get("schema"), &t.child("schema"), 0);
                }
                (None, None) => {}
            }
        }
    }

    fn request_body(&mut self, u: Option<&'a Value>, f: Option<&'a Value>, t: &Trail) {
        let (u, f) = match (u, f) {
            (None, None) => return,
            (Some(u), None) => {
                let u = deref(self.up, u).0;
                return self.diff(t, format!("a request body: {}", content_summary(self.up, u)), "absent");
            }
            (None, Some(f)) => {
                let named = t.0.len();
                let (f, t) = self.deref_fragment(f, t.clone());
                let body = format!("a request body: {}", content_summary(self.frag, f));
                return self.diff_named(&t, named, "absent", body);
            }
            (Some(u), Some(f)) => (u, f),
        };
        let u = deref(self.up, u).0;
        let (f, t) = self.deref_fragment(f, t.clone());
        let required = |b: &Value| b.get("required").and_then(Value::as_bool).unwrap_or(false);
        if required(u) != required(f) {
            self.diff(&t.child("required"), required(u).to_string(), required(f).to_string());
        }
        self.content(u.get("content"), f.get("content"), &t.child("content"));
    }

    fn responses(&mut self, u_op: &'a Value, f_op: &'a Value, op_ptr: &str) {
        let ur = u_op.get("responses").and_then(Value::as_object).unwrap_or(&EMPTY);
        let fr = f_op.get("responses").and_then(Value::as_object).unwrap_or(&EMPTY);
        let written = self
            .written
            .pointer(&format!("{op_ptr}/responses"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let codes: BTreeSet<&String> = ur.keys().chain(fr.keys()).collect();
        for code in codes {
            let mut t = Trail(vec![format!("{op_ptr}/responses/{}", escape_token(code))]);
            // The normalization pass turned a written `default` into these ranges.
            if matches!(code.as_str(), "4XX" | "5XX") && !written.contains_key(code) && written.contains_key("default")
            {
                t = t.with(format!("{op_ptr}/responses/default"));
            }
            match (ur.get(code), fr.get(code)) {
                (Some(u), None) => {
                    let u = deref(self.up, u).0;
                    self.diff(&t, format!("status {code}: {}", content_summary(self.up, u)), "absent");
                }
                (None, Some(f)) => {
                    let named = t.0.len();
                    let (f, t) = self.deref_fragment(f, t);
                    self.diff_named(&t, named, "absent", format!("status {code}: {}", content_summary(self.frag, f)));
                }
                (Some(u), Some(f)) => {
                    let u = deref(self.up, u).0;
                    let (f, t) = self.deref_fragment(f, t);
                    self.headers(u.get("headers"), f.get("headers"), &t.child("headers"));
                    self.content(u.get("content"), f.get("content"), &t.child("content"));
                }
                (None, None) => {}
            }
        }
    }

    fn headers(&mut self, u: Option<&'a Value>, f: Option<&'a Value>, t: &Trail) {
        let by_name = |v: Option<&'a Value>| -> BTreeMap<String, (&'a String, &'a Value)> {
            v.and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, h)| (k.to_ascii_lowercase(), (k, h))).collect())
                .unwrap_or_default()
        };
        let (uh, fh) = (by_name(u), by_name(f));
        let names: BTreeSet<&String> = uh.keys().chain(fh.keys()).collect();
        for name in names {
            match (uh.get(name), fh.get(name)) {
                (Some((k, h)), None) => {
                    let h = deref(self.up, h).0;
                    self.diff(&t.child(k), format!("header: {}", summary(self.up, h.get("schema"), 0)), "absent");
                }
                (None, Some((k, h))) => {
                    let named = t.0.len();
                    let (h, ht) = self.deref_fragment(h, t.child(k));
                    self.diff_named(
                        &ht,
                        named,
                        "absent",
                        format!("header: {}", summary(self.frag, h.get("schema"), 0)),
                    );
                }
                (Some((_, uh)), Some((k, fh))) => {
                    let uh = deref(self.up, uh).0;
                    let (fh, ht) = self.deref_fragment(fh, t.child(k));
                    let required = |h: &Value| h.get("required").and_then(Value::as_bool).unwrap_or(false);
                    if required(uh) != required(fh) {
                        self.diff(&ht.child("required"), required(uh).to_string(), required(fh).to_string());
                    }
                    self.schema(uh.get("schema"), fh.get("schema"), &ht.child("schema"), 0);
                }
                (None, None) => {}
            }
        }
    }

    fn content(&mut self, u: Option<&'a Value>, f: Option<&'a Value>, t: &Trail) {
        let empty = Map::new();
        let um = u.and_then(Value::as_object).unwrap_or(&empty);
        let fm = f.and_then(Value::as_object).unwrap_or(&empty);
        let types: BTreeSet<&String> = um.keys().chain(fm.keys()).collect();
        for media in types {
            let mt = t.child(media);
            match (um.get(media), fm.get(media)) {
                (Some(u), None) => {
                    let s = summary(self.up, u.get("schema"), 0);
                    self.diff(&mt, format!("{media} body: {s}"), "absent");
                }
                (None, Some(f)) => {
                    let s = summary(self.frag, f.get("schema"), 0);
                    self.diff(&mt, "absent", format!("{media} body: {s}"));
                }
                (Some(u), Some(f)) => self.schema(u.get("schema"), f.get("schema"), &mt.child("schema"), 0),
                (None, None) => {}
            }
        }
    }

    // Follows `$ref`s on the fragment side, adding each target to the trail.
    fn deref_fragment(&self, v: &'a Value, mut t: Trail) -> (&'a Value, Trail) {
        let (v, targets) = deref(self.frag, v);
        for target in targets {
            t = t.with(target);
        }
        (v, t)
    }

    fn schema_fields(&mut self, us: &Map<String, Value>, fs: &Map<String, Value>, t: &Trail, depth: usize) {
        if schema_type(us) != schema_type(fs) {
            let (u, f) = (Value::Object(us.clone()), Value::Object(fs.clone()));
            return self.diff(t, summary(self.up, Some(&u), 0), summary(self.frag, Some(&f), 0));
        }
        for key in ["format", "nullable"] {
            let default = if key == "nullable" { Some(Value::Bool(false)) } else { None };
            let u = us.get(key).cloned().or_else(|| default.clone());
            let f = fs.get(key).cloned().or(default);
            if u != f {
                self.diff(&t.child(key), show(u.as_ref()), show(f.as_ref()));
            }
        }
        for key in ["enum", "required"] {
            let set = |s: &Map<String, Value>| -> Option<BTreeSet<String>> {
                s.get(key).and_then(Value::as_array).map(|a| a.iter().map(|v| show(Some(v))).collect())
            };
            let (u, f) = (set(us), set(fs));
            let empty_if_required =
                |s: Option<BTreeSet<String>>| if key == "required" { Some(s.unwrap_or_default()) } else { s };
            let (u, f) = (empty_if_required(u), empty_if_required(f));
            if u != f {
                self.diff(&t.child(key), show_set(u.as_ref(), f.as_ref()), show_set(f.as_ref(), u.as_ref()));
            }
        }
        let empty = Map::new();
        let up = us.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let fp = fs.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let names: BTreeSet<&String> = up.keys().chain(fp.keys()).collect();
        for name in names {
            // The schema maps are owned copies (allOf merged); compare through the documents'
            // own values where they can be found, which keeps `$ref` targets in the trail.
            let (u, f) = (up.get(name).cloned(), fp.get(name).cloned());
            self.schema(u.as_ref(), f.as_ref(), &t.child("properties").child(name), depth + 1);
        }
        let (ui, fi) = (us.get("items").cloned(), fs.get("items").cloned());
        self.schema(ui.as_ref(), fi.as_ref(), &t.child("items"), depth + 1);
        let (ua, fa) = (additional(us), additional(fs));
        match (&ua, &fa) {
            (Extra::Any, Extra::Any) | (Extra::None, Extra::None) => {}
            (Extra::Schema(u), Extra::Schema(f)) => {
                self.schema(Some(u), Some(f), &t.child("additionalProperties"), depth + 1)
            }
            _ => self.diff(&t.child("additionalProperties"), ua.show(self.up), fa.show(self.frag)),
        }
        let kind = |s: &Map<String, Value>| ["anyOf", "oneOf"].into_iter().find(|k| s.contains_key(*k));
        match (kind(us), kind(fs)) {
            (None, None) => {}
            (Some(uk), Some(fk)) if uk == fk => {
                let list = |s: &Map<String, Value>| s.get(uk).and_then(Value::as_array).cloned().unwrap_or_default();
                let (ul, fl) = (list(us), list(fs));
                for i in 0..ul.len().max(fl.len()) {
                    self.schema(ul.get(i), fl.get(i), &t.child(uk).child(&i.to_string()), depth + 1);
                }
            }
            (uk, fk) => {
                let place = fk.or(uk).unwrap_or("oneOf");
                self.diff(&t.child(place), union_summary(us, uk), union_summary(fs, fk));
            }
        }
        let (un, fnot) = (us.get("not").cloned(), fs.get("not").cloned());
        self.schema(un.as_ref(), fnot.as_ref(), &t.child("not"), depth + 1);
    }

    // Compares two schemas, which may be the documents' own values or copies made by merging
    // `allOf`; a `$ref` in either resolves against its document.
    fn schema(&mut self, u: Option<&Value>, f: Option<&Value>, t: &Trail, depth: usize) {
        if depth > DEPTH_LIMIT {
            return;
        }
        match (u, f) {
            (None, None) => {}
            (Some(u), None) => self.diff(t, summary(self.up, Some(u), 0), "absent"),
            (None, Some(f)) => {
                let named = t.0.len();
                let (f, ft) = deref(self.frag, f);
                let mut full = t.clone();
                for target in ft {
                    full = full.with(target);
                }
                self.diff_named(&full, named, "absent", summary(self.frag, Some(f), 0));
            }
            (Some(u), Some(f)) => {
                let (u, u_targets) = deref(self.up, u);
                let (f, f_targets) = deref(self.frag, f);
                let mut t = t.clone();
                for target in &f_targets {
                    t = t.with(target.clone());
                }
                let key =
                    (u_targets.last().cloned().unwrap_or_default(), f_targets.last().cloned().unwrap_or_default());
                if !u_targets.is_empty() && !f_targets.is_empty() && self.stack.contains(&key) {
                    return;
                }
                self.stack.push(key);
                let us = flatten(self.up, u, 0);
                let fs = flatten(self.frag, f, 0);
                self.schema_fields(&us, &fs, &t, depth);
                self.stack.pop();
            }
        }
    }
}

/// The parameters an operation takes: its path item's, overridden by its own, keyed by
/// `(in, name)`, with the fragment pointers each is reached under (its declaration, then each
/// `$ref` target).
fn effective_parameters<'v>(
    doc: &'v Value,
    side: &OpSide<'v>,
    item_ptr: &str,
) -> BTreeMap<(String, String), (&'v Value, Vec<String>)> {
    let mut out = BTreeMap::new();
    let lists = [
        (side.item.get("parameters"), format!("{item_ptr}/parameters")),
        (side.op.get("parameters"), format!("{item_ptr}/{}/parameters", side.method)),
    ];
    for (list, list_ptr) in lists {
        let Some(Value::Array(params)) = list else { continue };
        for (i, p) in params.iter().enumerate() {
            let (p, targets) = deref(doc, p);
            let place = p.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            let mut aliases = vec![format!("{list_ptr}/{i}")];
            aliases.extend(targets);
            out.insert((place, name), (p, aliases));
        }
    }
    out
}

/// Follows a chain of `$ref`s to a value, returning it and each target's pointer; a dangling
/// or looping reference stops the chain (validation reports those).
pub(crate) fn deref<'v>(doc: &'v Value, v: &'v Value) -> (&'v Value, Vec<String>) {
    let mut cur = v;
    let mut targets = Vec::new();
    while let Some(r) = cur.get("$ref").and_then(Value::as_str) {
        let Some(ptr) = r.strip_prefix('#') else { break };
        let ptr = crate::validate::percent_decode(ptr);
        if targets.contains(&ptr) || targets.len() > 32 {
            break;
        }
        match doc.pointer(&ptr) {
            Some(next) => {
                targets.push(ptr);
                cur = next;
            }
            None => break,
        }
    }
    (cur, targets)
}

/// A schema with its `allOf` parts (resolved) merged in: properties and required lists are
/// unions, other keys the last one's.
fn flatten(doc: &Value, schema: &Value, depth: usize) -> Map<String, Value> {
    let schema = deref(doc, schema).0;
    let mut out = Map::new();
    if depth > DEPTH_LIMIT {
        return out;
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            merge_into(&mut out, flatten(doc, part, depth + 1));
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

// The declared type, or `object` when the schema only describes an object's members.
fn schema_type(s: &Map<String, Value>) -> Option<String> {
    match s.get("type") {
        Some(Value::String(t)) => Some(t.clone()),
        Some(other) => Some(other.to_string()),
        None if ["properties", "required", "additionalProperties"].iter().any(|k| s.contains_key(*k)) => {
            Some("object".into())
        }
        None => None,
    }
}

enum Extra {
    Any,
    None,
    Schema(Value),
}

impl Extra {
    fn show(&self, doc: &Value) -> String {
        match self {
            Extra::Any => "any additional property (absent or true)".into(),
            Extra::None => "no additional property (false)".into(),
            Extra::Schema(s) => format!("additional properties: {}", summary(doc, Some(s), 0)),
        }
    }
}

fn additional(s: &Map<String, Value>) -> Extra {
    match s.get("additionalProperties") {
        None | Some(Value::Bool(true)) => Extra::Any,
        Some(Value::Bool(false)) => Extra::None,
        Some(Value::Object(m)) if m.is_empty() => Extra::Any,
        Some(other) => Extra::Schema(other.clone()),
    }
}

fn union_summary(s: &Map<String, Value>, kind: Option<&str>) -> String {
    match kind {
        Some(k) => format!("{k} of {} schemas", s.get(k).and_then(Value::as_array).map_or(0, Vec::len)),
        None => "absent".into(),
    }
}

/// A value as the report shows it.
pub(crate) fn show(v: Option<&Value>) -> String {
    match v {
        None => "absent".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => {
            format!("[{}]", items.iter().map(|i| show(Some(i))).collect::<Vec<_>>().join(", "))
        }
        Some(other) => other.to_string(),
    }
}

// A set, and what it holds that the other lacks.
fn show_set(this: Option<&BTreeSet<String>>, other: Option<&BTreeSet<String>>) -> String {
    let Some(this) = this else { return "absent".into() };
    let all = format!("[{}]", this.iter().cloned().collect::<Vec<_>>().join(", "));
    let only: Vec<&String> = match other {
        Some(o) => this.difference(o).collect(),
        None => Vec::new(),
    };
    if only.is_empty() || only.len() == this.len() {
        all
    } else {
        format!("{all} (only here: {})", only.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
    }
}

/// A short description of a schema, for a place one side lacks.
pub(crate) fn summary(doc: &Value, schema: Option<&Value>, depth: usize) -> String {
    let Some(schema) = schema else { return "no schema".into() };
    let s = flatten(doc, schema, 0);
    let mut text = if let Some(values) = s.get("enum").and_then(Value::as_array) {
        let shown: Vec<String> = values.iter().take(6).map(|v| show(Some(v))).collect();
        let more = if values.len() > 6 { ", …" } else { "" };
        format!("enum [{}{more}]", shown.join(", "))
    } else {
        match schema_type(&s).as_deref() {
            Some("array") if depth < 3 => format!("array of {}", summary(doc, s.get("items"), depth + 1)),
            Some("object") => {
                let props: Vec<&String> =
                    s.get("properties").and_then(Value::as_object).map(|p| p.keys().collect()).unwrap_or_default();
                if props.is_empty() {
                    "object".into()
                } else {
                    format!("object {{{}}}", props.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", "))
                }
            }
            Some(t) => match s.get("format").and_then(Value::as_str) {
                Some(f) => format!("{t} ({f})"),
                None => t.to_owned(),
            },
            None => ["anyOf", "oneOf"]
                .into_iter()
                .find(|k| s.contains_key(*k))
                .map(|k| union_summary(&s, Some(k)))
                .unwrap_or_else(|| "any value".into()),
        }
    };
    if s.get("nullable") == Some(&Value::Bool(true)) {
        text.push_str(" or null");
    }
    text
}

// What a response or request body carries, for a place one side lacks.
fn content_summary(doc: &Value, holder: &Value) -> String {
    match holder.get("content").and_then(Value::as_object) {
        Some(m) if !m.is_empty() => m
            .iter()
            .map(|(media, mt)| format!("{media} {}", summary(doc, mt.get("schema"), 0)))
            .collect::<Vec<_>>()
            .join("; "),
        _ => "no body".into(),
    }
}
