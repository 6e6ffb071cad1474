//! The check that closes the output passes: no generated type may fail a whole response over
//! one value the spec does not foresee. The normalization passes and settings that open each
//! shape can miss a place typify reaches another way (a new upstream schema, a new typify), and
//! a closed shape would then be found on real traffic; here it stops the generator instead,
//! naming the type and field. Not a rewrite: no typify setting can refuse a shape either.

use quote::ToTokens;

use crate::error::Error;

/// Types whose decoding refuses values of the right JSON type: a format typify reads strictly,
/// a number that refuses zero, a set (duplicates vanish).
const STRICT_TYPES: [(&str, &str); 7] = [
    ("uuid :: Uuid", "a `uuid::Uuid` refuses an id that is not a UUID"),
    ("chrono ::", "a chrono type refuses a date that does not parse"),
    ("std :: net ::", "an IP address type refuses other text"),
    ("NonZero", "a non-zero integer refuses `0`"),
    ("BTreeSet", "a set drops repeated items and their order"),
    ("HashSet", "a set drops repeated items and their order"),
    ("regress ::", "a pattern check refuses other text"),
];

/// Fails on the first strict shape in `types` (and its submodules).
pub fn check(file: &syn::File) -> Result<(), Error> {
    for item in &file.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
            && let Some((_, items)) = &m.content
        {
            check_items(items)?;
        }
    }
    Ok(())
}

fn check_items(items: &[syn::Item]) -> Result<(), Error> {
    for item in items {
        match item {
            syn::Item::Mod(m) if m.ident == "builder" => {}
            syn::Item::Mod(m) => check_items(m.content.as_ref().map_or(&[][..], |c| &c.1))?,
            syn::Item::Enum(e) => {
                if super::open_inline_enums::closed_string_enum(item).is_some() {
                    return Err(strict(e.ident.to_string(), "a closed string enum refuses a value the API adds"));
                }
                for v in &e.variants {
                    fields(&format!("{}::{}", e.ident, v.ident), &v.fields)?;
                }
            }
            syn::Item::Struct(s) => {
                if s.attrs.iter().any(|a| a.to_token_stream().to_string().contains("deny_unknown_fields")) {
                    return Err(strict(s.ident.to_string(), "`deny_unknown_fields` refuses a field the API adds"));
                }
                fields(&s.ident.to_string(), &s.fields)?;
            }
            syn::Item::Type(t) => ty(&t.ident.to_string(), &t.ty)?,
            syn::Item::Impl(imp) if decodes_through_parse(imp) => {
                let name = imp.self_ty.to_token_stream().to_string();
                return Err(strict(name, "a `Deserialize` through `FromStr` refuses what its checks refuse"));
            }
            _ => {}
        }
    }
    Ok(())
}

fn fields(owner: &str, fields: &syn::Fields) -> Result<(), Error> {
    for (i, field) in fields.iter().enumerate() {
        let name = field.ident.as_ref().map_or_else(|| i.to_string(), ToString::to_string);
        ty(&format!("{owner}.{name}"), &field.ty)?;
    }
    Ok(())
}

fn ty(item: &str, ty: &syn::Type) -> Result<(), Error> {
    let text = ty.to_token_stream().to_string();
    if let Some((_, what)) = STRICT_TYPES.iter().find(|(t, _)| text.contains(t)) {
        return Err(strict(item.to_owned(), &format!("{what} (`{text}`)")));
    }
    if text.contains("; ") && text.contains('[') {
        return Err(strict(item.to_owned(), &format!("a fixed-size array refuses one item more or less (`{text}`)")));
    }
    Ok(())
}

// typify's constrained newtypes: `impl Deserialize` that reads a string and `parse`s it.
fn decodes_through_parse(imp: &syn::ItemImpl) -> bool {
    let is_deserialize =
        imp.trait_.as_ref().is_some_and(|(_, p, _)| p.segments.last().is_some_and(|s| s.ident == "Deserialize"));
    is_deserialize && imp.to_token_stream().to_string().contains(". parse ()")
}

fn strict(item: String, what: &str) -> Error {
    Error::StrictShape { item, what: what.to_owned() }
}

#[cfg(test)]
mod tests {
    fn refused(code: syn::File) -> String {
        super::check(&code).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn each_strict_shape_is_named() {
        let e = refused(syn::parse_quote! { pub mod types {
            #[derive(::serde::Deserialize)]
            pub enum Severity { #[serde(rename = "LOW")] Low }
        }});
        assert!(e.contains("`Severity`") && e.contains("closed string enum"), "{e}");
        let e = refused(syn::parse_quote! { pub mod types {
            pub struct Droplet { pub vpc_uuid: ::uuid::Uuid }
        }});
        assert!(e.contains("`Droplet.vpc_uuid`") && e.contains("uuid"), "{e}");
        let e = refused(syn::parse_quote! { pub mod types { pub mod droplets {
            pub struct Peering { pub vpc_ids: [::std::string::String; 2usize] }
        }}});
        assert!(e.contains("`Peering.vpc_ids`") && e.contains("fixed-size"), "{e}");
        let e = refused(syn::parse_quote! { pub mod types {
            #[serde(deny_unknown_fields)]
            pub struct Strict { pub a: i64 }
        }});
        assert!(e.contains("deny_unknown_fields"), "{e}");
        let e = refused(syn::parse_quote! { pub mod types {
            pub struct Urn(::std::string::String);
            impl<'de> ::serde::Deserialize<'de> for Urn {
                fn deserialize<D>(d: D) -> Result<Self, D::Error> { String::deserialize(d)?.parse() }
            }
        }});
        assert!(e.contains("`Urn`") && e.contains("FromStr"), "{e}");
        let e =
            refused(syn::parse_quote! { pub mod types { pub struct Page { pub per_page: ::std::num::NonZeroU64 } } });
        assert!(e.contains("non-zero"), "{e}");
    }

    #[test]
    fn open_shapes_and_builders_pass() {
        let ok: syn::File = syn::parse_quote! { pub mod types {
            pub enum Status { Active, Unknown(::std::string::String) }
            pub struct Droplet { pub id: i64, pub tags: ::std::vec::Vec<::std::string::String> }
            pub mod builder { pub struct Page { per_page: ::std::num::NonZeroU64 } }
        }};
        assert!(super::check(&ok).is_ok());
    }
}
