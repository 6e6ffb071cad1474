//! `null` read as absence (the generator's `null_as_absent` setting): DigitalOcean's services are
//! written in Go, which sends an empty list or map, and often an unset value, as `null`.

use serde::{Deserialize, Deserializer};

/// The value, or its type's default where the API sent `null` (an empty list, `false`, `0`).
pub fn or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Droplet {
        #[serde(default, deserialize_with = "super::or_default")]
        tags: Vec<String>,
        #[serde(default, deserialize_with = "super::or_default")]
        locked: bool,
    }

    #[test]
    fn null_and_absence_are_the_default_and_values_stay() {
        let d: Droplet = serde_json::from_str(r#"{"tags": null, "locked": null}"#).unwrap();
        assert!(d.tags.is_empty() && !d.locked);
        let d: Droplet = serde_json::from_str("{}").unwrap();
        assert!(d.tags.is_empty() && !d.locked);
        let d: Droplet = serde_json::from_str(r#"{"tags": ["a"], "locked": true}"#).unwrap();
        assert_eq!(d.tags, ["a"]);
        assert!(d.locked);
        assert!(serde_json::from_str::<Droplet>(r#"{"tags": 5}"#).is_err(), "another type is still refused");
    }
}
