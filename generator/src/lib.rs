//! The generator: the vendored spec and its overlays in (or OpenAPI documents of one's own), the
//! `sdk` crate's `src/generated/` out (a file per tag; one file for a document of one's own).
//!
//! One way through, a folder per stage, each reading only the stages before it: [`spec`] reads
//! and merges the files, applies the overlays and rejects what progenitor would choke on with a
//! message that names the file and JSON pointer ([`effective`] does this for the vendored tree);
//! [`normalize`] rewrites what progenitor mishandles (one pass per limitation); [`engine`] runs
//! progenitor and the output passes; [`model`] reads what each operation is; [`emitters`] write
//! the files. The same input gives byte-identical output.

pub mod effective;
pub mod emitters;
pub mod engine;
pub mod error;
pub mod model;
pub mod normalize;
pub mod spec;
pub mod vendor;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use error::Error;
pub use spec::load::SpecFile;

use emitters::{codecs, fake_routes, handle_calls, handles, split, types_crates};
use engine::typed_ids;
use spec::{load, validate};

/// Choices about the emitted code that belong to the crate it is written into.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The path of the module the output is mounted at (`crate::generated`); open enums are
    /// named from it.
    pub module_path: String,
    /// A type stored in the generated `Client`, which `ClientInfo::inner` gives back (the
    /// SDK's runtime settings for that client's host).
    pub inner_type: Option<String>,
    /// Leave `ClientHooks` to the crate (it must implement them) instead of the default no-op.
    pub hooks_expected: bool,
    /// Extra derives for every generated type.
    pub derives: Vec<String>,
    /// The module of a runtime that sends every builder (`crate::runtime`): it provides the
    /// trait `Operation`, the enum `Answer` (`Value`, `Failure`, `Undescribed`) and the body
    /// decoders `body::{json, empty, stream}` over `body::Body` and `body::Decoded`. Each
    /// builder then implements `Operation` (`ID`, `METHOD`, `PATH`, the success and error body
    /// types, what each status is and how its body decodes), and its `send` becomes `request`,
    /// the request it builds ([`engine::output::operation_impls`]). `None`: builders keep
    /// progenitor's `send`.
    pub runtime: Option<String>,
    /// Integer properties that get a type of the crate's own (a typed id), by schema and
    /// property: the property becomes a component named after the type, which progenitor then
    /// replaces with `rust_path`.
    pub typed_ids: Vec<TypedId>,
    /// Typed ids read off the spec ([`typed_ids::derive`]): a newtype per `*_id` or `*_uuid` path
    /// parameter (an integer or text), taken by those parameters and given to the resources'
    /// ids. `None`: none.
    pub id_types: Option<IdTypes>,
    /// The type every `format: date-time` string becomes, through typify's conversions, in
    /// place of `chrono::DateTime<Utc>`, which fails a whole response over one timestamp that
    /// does not parse. It must (de)serialize as a string and accept any string. `None`: chrono's.
    pub timestamp_type: Option<String>,
    /// String formats read as plain `String`, through typify's conversions, rather than as the
    /// types that refuse other text (`uuid::Uuid`, `chrono::NaiveDate`, `std::net::Ipv4Addr`):
    /// an id sent as `""` or as a name must not lose the response.
    pub text_formats: Vec<String>,
    /// A module with `or_default`, a deserializer that reads `null` as the type's default: with
    /// it, every list, map and defaulted field of the generated types takes `null` as absence
    /// ([`engine::output::null_as_absent`]). `None`: `null` fails where the spec does not allow it.
    pub null_as_absent: Option<String>,
    /// Refuse to emit any type that fails a response over a value the spec does not foresee: a
    /// closed string enum, a format type that refuses text, a fixed-size array, a non-zero or
    /// unsigned integer, a struct refusing unknown fields ([`engine::output::strict_shapes`]).
    pub refuse_strict_shapes: bool,
    /// Resource handles (`client.droplets().list()`) for every tag but the hand-written ones,
    /// written beside the split output. `None`: none. Only the split (vendored) output has them.
    pub handles: Option<handles::HandleSettings>,
    /// The types (and the typed ids) in two crates of their own instead of the split folder
    /// ([`types_crates`]); only the split output has them. `None`: one crate.
    pub types_crates: Option<types_crates::TypesCrates>,
    /// The command named in the `@generated` header.
    pub command: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            module_path: "crate".into(),
            inner_type: None,
            hooks_expected: false,
            derives: vec!["PartialEq".into()],
            runtime: None,
            typed_ids: Vec::new(),
            id_types: None,
            timestamp_type: None,
            text_formats: TEXT_FORMATS.iter().map(|f| (*f).to_owned()).collect(),
            null_as_absent: None,
            refuse_strict_shapes: false,
            handles: None,
            types_crates: None,
            command: "cargo xtask generate".into(),
        }
    }
}

/// The string formats typify gives a type of their own, all read as text by default
/// ([`Settings::text_formats`]).
pub const TEXT_FORMATS: [&str; 5] = ["uuid", "date", "ip", "ipv4", "ipv6"];

/// One typed id: `schema`'s `property` is decoded and encoded as the type at `rust_path`
/// (`crate::ids::ActionId`), which must (de)serialize as the integer or string it replaces and
/// display as its digits or its text (a path parameter of that type is written into the URL as
/// it displays: an integer's digits as they are, text percent-encoded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedId {
    /// The component schema's name, as in `#/components/schemas/{schema}`.
    pub schema: String,
    /// The property of that schema.
    pub property: String,
    /// The Rust type, by an absolute path.
    pub rust_path: String,
}

/// Where the newtypes of [`Settings::id_types`] live and how they are defined.
#[derive(Clone, Debug)]
pub struct IdTypes {
    /// The module that names them (`crate::ids`): a `droplet_id` becomes `{module}::DropletId`.
    pub module: String,
    /// A macro defining one newtype, called as `{macro_path}!(/// docs
    /// DropletId, "droplet")`, whose type must be what [`TypedId`] asks of a typed id. The split
    /// output calls it once per newtype in `ids.rs`, which the crate includes itself.
    pub macro_path: String,
    /// The macro defining one text id (a `String` inside, any text decodes, displayed as the
    /// text), called as `macro_path` is, for the ids the API gives as strings.
    pub text_macro_path: String,
}

/// Reads, validates, normalizes and emits the fragments at `paths`.
pub fn generate(paths: &[PathBuf], settings: &Settings) -> Result<String, Error> {
    let files = paths.iter().map(|p| load::read(p)).collect::<Result<Vec<_>, _>>()?;
    generate_files(&files, settings)
}

/// [`generate`] for fragments already in memory.
pub fn generate_files(files: &[SpecFile], settings: &Settings) -> Result<String, Error> {
    let mut doc = prepare(files)?;
    let normalized = normalize::normalize(&mut doc);
    let (typed, _) = type_ids(&mut doc, settings)?;
    let code = engine::emit_tokens(&doc, &normalized.open_enums, &typed, settings)?;
    Ok(format!("{}{code}", header(files, settings)))
}

/// Generates from the vendored files and overlays: the operations of `tags` (every operation
/// when empty), normalized and emitted.
pub fn generate_vendored(sources: &effective::Sources, tags: &[String], settings: &Settings) -> Result<String, Error> {
    let mut doc = effective::effective(sources, tags)?;
    let normalized = normalize::normalize(&mut doc);
    let (typed, _) = type_ids(&mut doc, settings)?;
    let code = engine::emit_tokens(&doc, &normalized.open_enums, &typed, settings)?;
    let inputs: Vec<(&Path, &[u8])> = sources.inputs().collect();
    Ok(format!("{}{code}", header_for(&inputs, &summary(sources, tags), settings)))
}

/// [`generate_vendored`], split into a folder: `mod.rs`, `types.rs` and one file per tag, every
/// item gated by the cargo features of the tags that reach it (see [`split`]).
pub fn generate_vendored_split(
    sources: &effective::Sources,
    tags: &[String],
    settings: &Settings,
) -> Result<split::Split, Error> {
    if settings.handles.is_some() && settings.runtime.is_none() {
        return Err(Error::Settings {
            setting: "handles",
            value: "Some(..)".into(),
            message: "the handles send each builder through the runtime's `Operation` trait; set `runtime` too".into(),
        });
    }
    let mut clock = Stages::start();
    let mut doc = effective::effective(sources, tags)?;
    let inputs: Vec<(&Path, &[u8])> = sources.inputs().collect();
    let header = header_for(&inputs, &summary(sources, tags), settings);
    clock.lap("overlays applied");
    // The fake answers as the API does, so it reads the document before the normalization
    // passes, which rewrite it for progenitor's sake.
    let as_published = doc.clone();
    let normalized = normalize::normalize(&mut doc);
    let (typed, id_types) = type_ids(&mut doc, settings)?;
    clock.lap("normalization passes");
    let file = engine::emit_file_timed(&doc, &normalized.open_enums, &typed, settings, &mut clock)?;
    let example_codecs = codecs::table(&file, &doc, &header);
    clock.lap("examples table");
    // Checked against every tag; a part of the API keeps the listed tags it has.
    let crates = match &settings.types_crates {
        Some(c) if tags.is_empty() => Some(c.checked(&model::features::features(&doc))?),
        Some(c) => Some(c.within(&model::features::features(&doc))),
        None => None,
    };
    let (mut split, builders) = split::split(file, &doc, &header, settings.handles.is_some(), crates.as_ref())?;
    if let Some(handle_settings) = &settings.handles {
        // Checked against every tag, like the types crates; a part of the API keeps the
        // operations written by hand that it has.
        let part;
        let handle_settings = if tags.is_empty() {
            handle_settings
        } else {
            part = handle_settings.within(&doc);
            &part
        };
        let handles::Emitted { files, calls, advice } = handles::emit(&doc, &builders, handle_settings, &header)?;
        (split.handles, split.calls, split.advice) = (files, calls, advice);
    }
    if let Some(ids) = &settings.id_types {
        let into = if settings.types_crates.is_some() { &mut split.lower } else { &mut split.files };
        into.insert(typed_ids::FILE.into(), typed_ids::file(&id_types, &ids.macro_path, &ids.text_macro_path, &header));
    }
    clock.lap("split, handles, prettyplease");
    // Which operations are lists and which answer with actions is read off the handles (one rule
    // for the SDK and the fake), so the fake's table is written after them.
    let roles = split
        .calls
        .iter()
        .map(|c| (c.id.clone(), fake_routes::Role { items: c.items.clone(), actions: c.actions.clone() }))
        .collect();
    let (fake_operations, fake_figures) = fake_routes::table(&as_published, &header, &roles);
    clock.lap("fake routes");
    // The calls are written with the fake's samples, so that the fake accepts each of them.
    let handle_calls = match &settings.handles {
        Some(h) => handle_calls::table(&split.calls, &h.called_apart, &fake_operations, &doc, &header)?,
        None => String::new(),
    };
    clock.lap("handle calls table");
    let timings = clock.laps;
    Ok(split::Split { example_codecs, fake_operations, fake_figures, handle_calls, timings, ..split })
}

/// Stage times, each measured from the end of the one before.
pub(crate) struct Stages {
    laps: Vec<(&'static str, std::time::Duration)>,
    since: std::time::Instant,
}

impl Stages {
    pub(crate) fn start() -> Stages {
        Stages { laps: Vec::new(), since: std::time::Instant::now() }
    }

    pub(crate) fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((stage, now - self.since));
        self.since = now;
    }
}

// The typed ids of `settings`, the derived ones (with the newtypes, when asked) and the listed
// ones, put into `doc` for progenitor to replace.
pub(crate) fn type_ids(
    doc: &mut serde_json::Value,
    settings: &Settings,
) -> Result<(Vec<typed_ids::Replacement>, Vec<typed_ids::IdType>), Error> {
    let mut ids = Vec::new();
    let mut types = Vec::new();
    if let Some(id_types) = &settings.id_types {
        let derived = typed_ids::derive(doc, &id_types.module)?;
        ids = derived.typed_ids;
        types = derived.types;
    }
    for listed in &settings.typed_ids {
        if !ids.contains(listed) {
            ids.push(listed.clone());
        }
    }
    let mut replacements = typed_ids::apply(doc, &ids)?;
    // A type that only path parameters take is replaced too.
    for ty in &types {
        let module = settings.id_types.as_ref().map_or("", |i| i.module.as_str());
        let replacement = typed_ids::Replacement {
            rust_name: ty.name.clone(),
            rust_path: format!("{module}::{}", ty.name),
            kind: ty.kind,
        };
        if !replacements.contains(&replacement) {
            replacements.push(replacement);
        }
    }
    Ok((replacements, types))
}

/// The effective document as YAML: vendored files, overlays and normalization passes, as the
/// code is generated from it.
pub fn effective_spec(sources: &effective::Sources, tags: &[String]) -> Result<String, Error> {
    let mut doc = effective::effective(sources, tags)?;
    normalize::normalize(&mut doc);
    let what = if tags.is_empty() { "every tag".to_owned() } else { format!("tags {}", tags.join(", ")) };
    vendor::to_yaml(
        &doc,
        &format!("The effective spec ({what}): openapi/vendored/ + openapi/overlays/ + normalization passes."),
    )
}

// How the header names the inputs of a vendored generation: folders and counts, not 60 names.
fn summary(sources: &effective::Sources, tags: &[String]) -> String {
    let tags = if tags.is_empty() { String::new() } else { format!(" (tags: {})", tags.join(", ")) };
    format!("{} vendored file(s) and {} overlay(s){tags}", sources.vendored.len(), sources.overlays.len())
}

/// Loads, merges and validates: the document as the fragments state it, before normalization.
pub fn prepare(files: &[SpecFile]) -> Result<serde_json::Value, Error> {
    let merged = load::merge(files)?;
    validate::validate(files, &merged)?;
    Ok(merged)
}

/// The first lines of the output: what made it, from what, and a hash of the input so a stale
/// file is visible at a glance.
fn header(files: &[SpecFile], settings: &Settings) -> String {
    let inputs: Vec<(&Path, &[u8])> = files.iter().map(|f| (f.path.as_path(), f.bytes.as_slice())).collect();
    let names: Vec<String> = files.iter().map(|f| portable(&f.path)).collect();
    header_for(&inputs, &names.join(", "), settings)
}

fn header_for(inputs: &[(&Path, &[u8])], from: &str, settings: &Settings) -> String {
    let mut hasher = Sha256::new();
    for (path, bytes) in inputs {
        hasher.update(portable(path).as_bytes());
        hasher.update([0]);
        hasher.update(bytes);
        hasher.update([0]);
    }
    let digest: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "// @generated by `{}` from {from}.\n// Input sha256: {digest}\n// Do not edit by hand: change the spec, a normalization pass or a generator setting, and regenerate.\n\n",
        settings.command,
    )
}

// Forward slashes on every OS, so the header (and its hash) is the same on any machine.
fn portable(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}
