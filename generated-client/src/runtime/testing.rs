//! Helpers for the unit tests generated from the spec's examples.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Decodes `json` into `T`, encodes it again and checks nothing was lost or renamed. Absent and
/// `null` count as the same, since optional fields are omitted when encoding.
pub(crate) fn assert_round_trip<T: Serialize + DeserializeOwned>(json: &str) -> T {
    let value: T = serde_json::from_str(json).unwrap_or_else(|e| {
        panic!(
            "example does not decode into {}: {e}\n{json}",
            std::any::type_name::<T>()
        )
    });
    let original: serde_json::Value = serde_json::from_str(json).expect("examples are JSON");
    let encoded = serde_json::to_value(&value).expect("typed values encode");
    assert_eq!(
        without_nulls(encoded),
        without_nulls(original),
        "round trip changed the example"
    );
    value
}

fn without_nulls(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}
