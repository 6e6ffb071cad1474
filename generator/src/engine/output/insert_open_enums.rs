//! Why a pass and not a setting: `replace` makes progenitor name a type it does not write, so
//! the definitions must be put in beside.
//!
//! The other half of `normalize::open_response_enums`: progenitor was told to use
//! `<module>::types::<Name>` for each open enum; this pass puts those definitions into the
//! generated `types` module, so the types live where users look for them.

use crate::error::Error;
use crate::normalize::OpenEnum;

/// Appends each open enum's items to `pub mod types`.
pub fn run(file: &mut syn::File, open_enums: &[OpenEnum]) -> Result<(), Error> {
    if open_enums.is_empty() {
        return Ok(());
    }
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
            _ => None,
        })
        .ok_or_else(|| Error::Emit { message: "progenitor emitted no `types` module".into() })?;
    for e in open_enums {
        let items: syn::File = syn::parse2(e.tokens()).map_err(|err| Error::Emit { message: err.to_string() })?;
        types.1.extend(items.items);
    }
    Ok(())
}
