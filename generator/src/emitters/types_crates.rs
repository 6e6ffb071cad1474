//! The generated types in two crates of their own, under the crate that has the operations.
//!
//! rustc holds a whole crate in memory while it checks it. With every tag on, the one crate of
//! types, operations and handles peaked at 3.4 GB in a debug build, and the types alone at
//! 2.5 GB; in three crates none passes 1.5 GB, for the same CPU time in all. So:
//! - the lower crate has `types.rs` (the types several tags reach, `error`, `builder`,
//!   `defaults`), the typed ids and the files of the tags not listed for the upper crate;
//! - the upper crate has the files of the tags listed for it (`full.rs`, whose types name
//!   other tags' types, among them), under a `types` module that re-exports all of the lower
//!   one's, so that every type keeps its path `types::X`;
//! - the crate of the operations names the upper crate's `types` when one of its tags is on,
//!   and the lower one's otherwise: a build without those tags does not build the upper crate.
//!
//! Both types crates provide the paths the generated types name: `crate::generated::types`,
//! `crate::ids` and `crate::runtime::timestamp`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Error;
use crate::model::features::{FULL, cfg_attr};

/// Where the generated types go when they are crates of their own.
#[derive(Clone, Debug)]
pub struct TypesCrates {
    /// The lower crate's package name (`digitalocean-sdk-types-core`).
    pub lower: String,
    /// The upper crate's package name (`digitalocean-sdk-types-ext`).
    pub upper: String,
    /// The features whose own types (`types/<feature>.rs`) go to the upper crate. `full` must
    /// be one of them: `full.rs` names the types of every tag, the upper crate's too.
    pub upper_features: BTreeSet<String>,
}

impl TypesCrates {
    /// Itself, when it fits the API's tag `features`: a listed feature that is no tag (a typo,
    /// or a tag upstream renamed) would leave its types below without a word, and without
    /// `full` the lower crate's `full.rs` would name types of the upper one.
    pub(crate) fn checked(&self, features: &BTreeMap<String, usize>) -> Result<TypesCrates, Error> {
        let refuse = |value: String, message: String| Error::Settings { setting: "types_crates", value, message };
        if !self.upper_features.contains(FULL) {
            return Err(refuse(
                format!("upper_features {:?}", self.upper_features),
                format!("`{FULL}` must be listed: its types name those of every tag"),
            ));
        }
        let unknown: Vec<&String> =
            self.upper_features.iter().filter(|f| *f != FULL && !features.contains_key(*f)).collect();
        if !unknown.is_empty() {
            return Err(refuse(
                format!("upper_features {unknown:?}"),
                format!("no tag of the API is named so; the tags are {:?}", features.keys().collect::<Vec<_>>()),
            ));
        }
        Ok(self.clone())
    }

    /// For a part of the API: the listed features among its tags, and `full`.
    pub(crate) fn within(&self, features: &BTreeMap<String, usize>) -> TypesCrates {
        let upper_features =
            self.upper_features.iter().filter(|f| *f == FULL || features.contains_key(*f)).cloned().collect();
        TypesCrates { upper_features, ..self.clone() }
    }

    fn rust_name(package: &str) -> syn::Ident {
        format_ident!("{}", package.replace('-', "_"))
    }

    /// In the crate of the operations, instead of `pub mod types;`: the types module of the
    /// upper crate when one of its features is on, else the lower one's.
    pub(crate) fn types_reexport(&self) -> Vec<syn::Item> {
        let (lower, upper) = (Self::rust_name(&self.lower), Self::rust_name(&self.upper));
        let on = cfg_attr(Some(&self.upper_features));
        let list: Vec<TokenStream> = self.upper_features.iter().map(|t| quote! { feature = #t }).collect();
        vec![
            syn::parse_quote! { #on pub use ::#upper::types; },
            syn::parse_quote! { #[cfg(not(any(#(#list),*)))] pub use ::#lower::types; },
        ]
    }

    /// The upper crate's `types.rs` items: everything of the lower one's re-exported, its own
    /// `builder` (the lower builders and its files'), its own copy of the `defaults` functions
    /// (private to the lower crate), and its files' modules.
    pub(crate) fn upper_types(
        &self,
        builder: syn::Item,
        defaults: Option<syn::Item>,
        decls: Vec<syn::Item>,
    ) -> Vec<syn::Item> {
        let lower = Self::rust_name(&self.lower);
        // The explicit `builder` and `defaults` shadow the glob's, and the files' own.
        let mut items: Vec<syn::Item> = vec![syn::parse_quote! { pub use ::#lower::types::*; }];
        items.push(builder);
        items.extend(defaults);
        items.extend(decls);
        items
    }

    /// The glob of the lower crate's builders, first in the upper crate's `builder`.
    pub(crate) fn lower_builders(&self) -> syn::Item {
        let lower = Self::rust_name(&self.lower);
        syn::parse_quote! { pub use ::#lower::types::builder::*; }
    }

    /// The `[features]` lines of the three manifests, between their markers: the crate of the
    /// operations (`sdk`), the lower and the upper types crate. Every tag is a feature of the
    /// operations' crate and of the lower crate; the upper crate has its own tags and `full`,
    /// each turning on the lower crate's too (its files name the shared types).
    pub fn features_toml(&self, features: &BTreeMap<String, usize>) -> [String; 3] {
        let all: Vec<String> = features.keys().map(|f| format!("\"{f}\"")).collect();
        let (mut sdk, mut lower, mut upper) = (String::new(), String::new(), String::new());
        let mut sdk_full = all.clone();
        sdk_full.push(format!("\"{}/{FULL}\"", self.upper));
        sdk.push_str(&format!("{FULL} = [{}]\n", sdk_full.join(", ")));
        lower.push_str(&format!("{FULL} = [{}]\n", all.join(", ")));
        let own: Vec<&String> = features.keys().filter(|f| self.upper_features.contains(*f)).collect();
        let mut turned: Vec<String> = own.iter().map(|f| format!("\"{f}\"")).collect();
        turned.push(format!("\"{}/{FULL}\"", self.lower));
        upper.push_str(&format!("{FULL} = [{}]\n", turned.join(", ")));
        for f in features.keys() {
            // `dep:` keeps the optional upper crate from being a feature of its own.
            match self.upper_features.contains(f) {
                true => sdk.push_str(&format!("{f} = [\"dep:{u}\", \"{u}/{f}\"]\n", u = self.upper)),
                false => sdk.push_str(&format!("{f} = [\"{}/{f}\"]\n", self.lower)),
            }
            lower.push_str(&format!("{f} = []\n"));
        }
        for f in own {
            upper.push_str(&format!("{f} = [\"{}/{f}\"]\n", self.lower));
        }
        [sdk, lower, upper]
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::TypesCrates;

    fn crates() -> TypesCrates {
        TypesCrates {
            lower: "low-types".into(),
            upper: "up-types".into(),
            upper_features: BTreeSet::from(["big".to_owned(), "full".to_owned()]),
        }
    }

    #[test]
    fn an_upper_feature_that_is_no_tag_is_an_error_naming_it() {
        let features = BTreeMap::from([("small".to_owned(), 1)]);
        let err = crates().checked(&features).expect_err("`big` is no tag").to_string();
        assert!(err.contains("types_crates") && err.contains("\"big\"") && err.contains("\"small\""), "{err}");
        assert!(!err.contains("\"full\"]"), "{err}");
        let features = BTreeMap::from([("big".to_owned(), 3)]);
        assert!(crates().checked(&features).is_ok());
        // A part of the API keeps the listed tags it has, and `full`.
        let part = crates().within(&BTreeMap::from([("small".to_owned(), 1)]));
        assert_eq!(part.upper_features, BTreeSet::from(["full".to_owned()]));
    }

    #[test]
    fn without_full_listed_the_setting_is_refused() {
        let no_full = TypesCrates { upper_features: BTreeSet::from(["big".to_owned()]), ..crates() };
        let err = no_full.checked(&BTreeMap::from([("big".to_owned(), 3)])).expect_err("no `full`").to_string();
        assert!(err.contains("`full` must be listed"), "{err}");
    }

    #[test]
    fn each_tag_turns_on_the_crate_its_types_are_in_and_the_lower_one() {
        let features = BTreeMap::from([("big".to_owned(), 3), ("small".to_owned(), 1)]);
        let [sdk, lower, upper] = crates().features_toml(&features);
        assert_eq!(
            sdk,
            "full = [\"big\", \"small\", \"up-types/full\"]\nbig = [\"dep:up-types\", \"up-types/big\"]\nsmall = [\"low-types/small\"]\n"
        );
        assert_eq!(lower, "full = [\"big\", \"small\"]\nbig = []\nsmall = []\n");
        assert_eq!(upper, "full = [\"big\", \"low-types/full\"]\nbig = [\"low-types/big\"]\n");
    }

    #[test]
    fn the_operations_name_the_upper_types_only_when_one_of_its_features_is_on() {
        let items = crates().types_reexport();
        let text = items.iter().map(|i| quote::quote!(#i).to_string()).collect::<Vec<_>>().join("\n");
        assert!(
            text.contains("# [cfg (any (feature = \"big\" , feature = \"full\"))] pub use :: up_types :: types ;"),
            "{text}"
        );
        assert!(
            text.contains(
                "# [cfg (not (any (feature = \"big\" , feature = \"full\")))] pub use :: low_types :: types ;"
            ),
            "{text}"
        );
    }
}
