//! Official examples → spec examples. Inputs come as a GET query (`?Action=X&A=1&L.0=a`) or an
//! HTTP POST with a JSON body; values are coerced to the parameter types so examples decode into
//! the typed request. Outputs are JSON with the `Response` envelope.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::official::ApiExample;
use crate::spec::raw::{RawExample, RawField, RawObjectType};

/// The schema of request parameters, for coercing example values.
pub struct Schema<'a> {
    pub types: &'a BTreeMap<String, RawObjectType>,
}

/// Words in a title that mark an example of a failed call.
const ERROR_TITLE_WORDS: &[&str] = &["error", "exception", "fail"];

pub fn convert(
    example: &ApiExample,
    input: &[RawField],
    output_fields: &[RawField],
    schema: &Schema<'_>,
    repairs: &mut Vec<String>,
) -> Result<RawExample, String> {
    let mut params = parse_input(&example.input)?;
    // A query string carries everything as text: typing it is parsing, not a repair.
    let mut query_values = Vec::new();
    let input_repairs = if example.input.trim_start().starts_with("POST") {
        &mut *repairs
    } else {
        &mut query_values
    };
    coerce_object(&mut params, input, schema, "input", input_repairs);
    let output: Value = serde_json::from_str(&example.output)
        .map_err(|e| format!("example output is not JSON: {e}"))?;
    let mut response = output
        .get("Response")
        .cloned()
        .ok_or("example output has no `Response`")?;
    // Some documented responses quote numbers; the examples follow the documented types.
    if let Value::Object(map) = &mut response {
        coerce_object(map, output_fields, schema, "output", repairs);
    }
    let title = example.title.to_lowercase();
    let error =
        response.get("Error").is_some() || ERROR_TITLE_WORDS.iter().any(|w| title.contains(w));
    let to_yaml = |v: &Value| serde_yaml::to_value(v).map_err(|e| e.to_string());
    let doc = example.document.trim();
    Ok(RawExample {
        title: example.title.trim().to_owned(),
        doc: (!doc.is_empty()).then(|| doc.to_owned()),
        error,
        input: to_yaml(&Value::Object(params))?,
        output: to_yaml(&response)?,
    })
}

/// Whether two official examples send the same request parameters.
pub fn same_input(a: &str, b: &str) -> bool {
    matches!((parse_input(a), parse_input(b)), (Ok(x), Ok(y)) if x == y)
}

fn parse_input(text: &str) -> Result<Map<String, Value>, String> {
    if text.trim_start().starts_with("POST") {
        let body = text
            .split_once("\n\n")
            .or_else(|| text.split_once("\r\n\r\n"))
            .map(|(_, b)| b)
            .unwrap_or("");
        return match serde_json::from_str(body.trim()) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err("example body is not a JSON object".into()),
            Err(e) => Err(format!("example body is not JSON: {e}")),
        };
    }
    let query = text.split_once('?').map(|(_, q)| q).unwrap_or(text);
    let mut root = Value::Object(Map::new());
    for pair in query.split('&') {
        let pair = pair.trim();
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        if key == "Action" || key.starts_with('<') {
            continue;
        }
        insert_path(&mut root, &key.split('.').collect::<Vec<_>>(), value.trim());
    }
    match root {
        Value::Object(map) => Ok(map),
        _ => unreachable!("root is an object"),
    }
}

/// `A.0.B=x` → `{"A": [{"B": "x"}]}`; numeric segments are list indices.
fn insert_path(node: &mut Value, path: &[&str], value: &str) {
    let Some((head, rest)) = path.split_first() else {
        *node = Value::String(value.to_owned());
        return;
    };
    let next_is_index = rest.first().is_some_and(|s| s.parse::<usize>().is_ok());
    let empty = || {
        if next_is_index {
            Value::Array(Vec::new())
        } else {
            Value::Object(Map::new())
        }
    };
    if let Ok(index) = head.parse::<usize>() {
        if !node.is_array() {
            *node = Value::Array(Vec::new());
        }
        let items = node.as_array_mut().expect("just made an array");
        while items.len() <= index {
            items.push(empty());
        }
        insert_path(&mut items[index], rest, value);
    } else {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let child = node
            .as_object_mut()
            .expect("just made an object")
            .entry(head.to_string())
            .or_insert_with(empty);
        insert_path(child, rest, value);
    }
}

fn coerce_object(
    map: &mut Map<String, Value>,
    fields: &[RawField],
    schema: &Schema<'_>,
    at: &str,
    repairs: &mut Vec<String>,
) {
    for field in fields {
        if let Some(value) = map.get_mut(&field.name) {
            coerce(
                value,
                field.ty.trim(),
                schema,
                &format!("{at}.{}", field.name),
                repairs,
            );
        }
    }
}

/// Query strings carry everything as text (and some JSON examples quote numbers).
fn coerce(value: &mut Value, ty: &str, schema: &Schema<'_>, at: &str, repairs: &mut Vec<String>) {
    if let Some(inner) = ty.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
        if let Value::Array(items) = value {
            for (i, item) in items.iter_mut().enumerate() {
                coerce(item, inner, schema, &format!("{at}[{i}]"), repairs);
            }
        }
        return;
    }
    let text = value.as_str().map(str::to_owned);
    let before = value.clone();
    coerce_scalar(value, ty, text, schema, at, repairs);
    if *value != before && !matches!(before, Value::Object(_)) {
        repairs.push(format!(
            "{at}: {before} is quoted, but the description says `{ty}`; wrote {value}"
        ));
    }
}

fn coerce_scalar(
    value: &mut Value,
    ty: &str,
    text: Option<String>,
    schema: &Schema<'_>,
    at: &str,
    repairs: &mut Vec<String>,
) {
    match (ty, text) {
        ("int64", Some(t)) => {
            if let Ok(n) = t.parse::<i64>() {
                *value = Value::from(n);
            }
        }
        ("uint64", Some(t)) => {
            if let Ok(n) = t.parse::<u64>() {
                *value = Value::from(n);
            }
        }
        ("float", Some(t)) => {
            if let Some(n) = t.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                *value = Value::Number(n);
            }
        }
        ("bool", Some(t)) => {
            if let Ok(b) = t.parse::<bool>() {
                *value = Value::Bool(b);
            }
        }
        (name, _) => {
            if let (Some(object), Value::Object(map)) = (schema.types.get(name), value) {
                coerce_object(map, &object.members, schema, at, repairs);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_examples_become_nested_json() {
        let text = "https://iai.tencentcloudapi.com/?Action=CreatePerson\r\n&GroupId=g\r\n&Gender=1\r\n&Infos.0.Index=0\r\n&Infos.0.Text=a=b\r\n&Ids.1=y\r\n&Ids.0=x\r\n&<Common request parameters>";
        let map = parse_input(text).unwrap();
        assert_eq!(
            Value::Object(map),
            serde_json::json!({"GroupId": "g", "Gender": "1", "Infos": [{"Index": "0", "Text": "a=b"}], "Ids": ["x", "y"]})
        );
    }

    #[test]
    fn post_examples_use_the_json_body() {
        let text = "POST / HTTP/1.1\nHost: iai.tencentcloudapi.com\n<Common request parameters>\n\n{\n \"Url\": \"u\", \"N\": \"5\"\n}";
        assert_eq!(
            Value::Object(parse_input(text).unwrap()),
            serde_json::json!({"Url": "u", "N": "5"})
        );
    }
}
