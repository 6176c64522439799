//! GET calls: the query string as request parameters. API 3.0 flattens lists and objects
//! into dotted names (`GroupIds.0=a&GroupIds.1=b`, `Infos.0.Index=1`).

use serde_json::{Map, Value};

/// The query string as a JSON object; every leaf is a string.
pub fn to_json(query: &str) -> Map<String, Value> {
    let mut root = Value::Object(Map::new());
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let segments: Vec<&str> = key.split('.').collect();
        insert(&mut root, &segments, Value::String(value.into_owned()));
    }
    match root {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn insert(node: &mut Value, path: &[&str], leaf: Value) {
    let Some((first, rest)) = path.split_first() else {
        *node = leaf;
        return;
    };
    if let Ok(index) = first.parse::<usize>() {
        if !node.is_array() {
            *node = Value::Array(Vec::new());
        }
        let list = node.as_array_mut().expect("made an array");
        // Indexes past the end are placed at the end; holes are not kept.
        let at = index.min(list.len());
        if at == list.len() {
            list.push(Value::Null);
        }
        insert(&mut list[at], rest, leaf);
    } else {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let map = node.as_object_mut().expect("made an object");
        insert(
            map.entry(first.to_string()).or_insert(Value::Null),
            rest,
            leaf,
        );
    }
}

/// Leaves that spell numbers or booleans become numbers or booleans.
pub fn coerce(value: Value) -> Value {
    match value {
        Value::String(text) => {
            if let Ok(n) = text.parse::<u64>() {
                Value::from(n)
            } else if let Ok(n) = text.parse::<i64>() {
                Value::from(n)
            } else if let Some(n) = text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                Value::Number(n)
            } else if text == "true" || text == "false" {
                Value::Bool(text == "true")
            } else {
                Value::String(text)
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(coerce).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, coerce(v))).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_names_become_lists_and_objects() {
        let map = to_json("GroupIds.0=a&GroupIds.1=b%20c&Infos.0.Index=1&Limit=10");
        assert_eq!(
            Value::Object(map.clone()),
            json!({"GroupIds": ["a", "b c"], "Infos": [{"Index": "1"}], "Limit": "10"})
        );
        assert_eq!(
            coerce(Value::Object(map)),
            json!({"GroupIds": ["a", "b c"], "Infos": [{"Index": 1}], "Limit": 10})
        );
    }
}
