//! The action's parameters as one JSON object with API names: `--input-json` first, then the
//! flags on top (a list flag replaces the whole list), images read from `@file`.

use std::io::Read;

use clap::ArgMatches;
use serde_json::{Map, Value};

use super::error::{CliError, ExitCode};
use super::table::{ActionInfo, ParamInfo, ParamKind};

pub const INPUT_JSON: &str = "input-json";

pub fn collect(
    action: &ActionInfo,
    matches: &ArgMatches,
    stdin: &mut dyn Read,
) -> Result<Value, CliError> {
    let mut input = match matches.get_one::<String>(INPUT_JSON) {
        Some(source) => match read_input_json(source, stdin)? {
            Value::Object(map) => map,
            _ => return Err(CliError::usage("--input-json must be a JSON object")),
        },
        None => Map::new(),
    };
    for param in action.params {
        if let Some(value) = flag_value(param, matches)? {
            input.insert(param.api_name.to_owned(), value);
        }
    }
    let missing: Vec<String> = action
        .params
        .iter()
        .filter(|p| p.required && !input.contains_key(p.api_name))
        .map(|p| format!("--{} (or `{}` in --input-json)", p.flag, p.api_name))
        .collect();
    if !missing.is_empty() {
        return Err(CliError::usage(format!(
            "{} needs {}; see `iai {} --help`",
            action.command,
            missing.join(", "),
            action.command
        )));
    }
    Ok(Value::Object(input))
}

/// The parameters of `iai call`: `--input-json`'s object, else none.
pub fn collect_common(matches: &ArgMatches, stdin: &mut dyn Read) -> Result<Value, CliError> {
    match matches.get_one::<String>(INPUT_JSON) {
        Some(source) => match read_input_json(source, stdin)? {
            object @ Value::Object(_) => Ok(object),
            _ => Err(CliError::usage("--input-json must be a JSON object")),
        },
        None => Ok(Value::Object(Map::new())),
    }
}

/// `JSON`, `@path` or `-` (stdin).
fn read_input_json(source: &str, stdin: &mut dyn Read) -> Result<Value, CliError> {
    let text = if source == "-" {
        let mut text = String::new();
        stdin
            .read_to_string(&mut text)
            .map_err(|e| CliError::caused(ExitCode::Usage, "cannot read stdin", &e))?;
        text
    } else if let Some(path) = source.strip_prefix('@') {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::caused(ExitCode::Usage, &format!("cannot read {path}"), &e))?
    } else {
        source.to_owned()
    };
    serde_json::from_str(&text)
        .map_err(|e| CliError::usage(format!("--input-json is not valid JSON: {e}")))
}

fn flag_value(param: &ParamInfo, matches: &ArgMatches) -> Result<Option<Value>, CliError> {
    let id = param.api_name;
    let values: Vec<Value> = match param.kind {
        ParamKind::Bool => collect_as::<bool>(matches, id),
        ParamKind::Int => collect_as::<i64>(matches, id),
        ParamKind::Uint => collect_as::<u64>(matches, id),
        ParamKind::Float => collect_as::<f64>(matches, id),
        ParamKind::String => collect_as::<String>(matches, id),
        ParamKind::Image => match matches.get_many::<String>(id) {
            Some(raw) => raw.map(|r| image(param, r)).collect::<Result<_, _>>()?,
            None => Vec::new(),
        },
        ParamKind::Json => match matches.get_many::<String>(id) {
            Some(raw) => raw.map(|r| json(param, r)).collect::<Result<_, _>>()?,
            None => Vec::new(),
        },
    };
    if values.is_empty() {
        return Ok(None);
    }
    Ok(Some(if !param.list {
        values.into_iter().next().expect("one value")
    } else if param.kind == ParamKind::Json && values.len() == 1 && values[0].is_array() {
        // A list of objects given whole, as tccli takes it: `--images '[{...}]'`.
        values.into_iter().next().expect("one value")
    } else {
        Value::Array(values)
    }))
}

fn collect_as<T>(matches: &ArgMatches, id: &str) -> Vec<Value>
where
    T: Clone + Send + Sync + Into<Value> + 'static,
{
    matches
        .get_many::<T>(id)
        .map(|values| values.cloned().map(Into::into).collect())
        .unwrap_or_default()
}

fn image(param: &ParamInfo, raw: &str) -> Result<Value, CliError> {
    let Some(path) = raw.strip_prefix('@') else {
        return Ok(Value::String(raw.to_owned()));
    };
    let bytes = std::fs::read(path).map_err(|e| {
        CliError::caused(
            ExitCode::Usage,
            &format!("--{}: cannot read {path}", param.flag),
            &e,
        )
    })?;
    serde_json::to_value(crate::Image::from_bytes(bytes))
        .map_err(|e| CliError::usage(format!("--{}: {e}", param.flag)))
}

fn json(param: &ParamInfo, raw: &str) -> Result<Value, CliError> {
    serde_json::from_str(raw)
        .map_err(|e| CliError::usage(format!("--{} expects JSON: {e}", param.flag)))
}
