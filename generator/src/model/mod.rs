//! The operation model: what each operation is, read from the spec and from the code
//! progenitor wrote for it, for the emitters to read (never each other's output).

pub mod builders;
pub mod envelopes;
pub mod features;
pub mod lists;
pub mod operations;

use std::collections::{BTreeMap, HashMap, HashSet};

/// What the emitters read of progenitor's code, besides the spec: every operation's builder (by
/// progenitor's method name), the envelopes and actions among the types, and the types' shapes.
/// Read while the code is split, which walks every item once.
#[derive(Default)]
pub(crate) struct Builders {
    pub(crate) described: BTreeMap<String, builders::Described>,
    pub(crate) envelopes: HashMap<String, envelopes::Envelope>,
    pub(crate) actions: HashSet<String>,
    pub(crate) shapes: lists::Shapes,
}
