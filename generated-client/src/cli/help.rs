//! Help text rendered from the action table: parameter types, requirement and constraints,
//! the spec's docs, and its examples as command lines ready to paste.

use serde_json::Value;

use super::table::{ActionInfo, ParamInfo, ParamKind};

pub fn long_about(action: &ActionInfo) -> String {
    let mut text = format!("{}\n\n{}", action.title, action.doc.trim());
    if action.deprecated {
        text.push_str(
            "\n\nDeprecated: the service marks this action deprecated; it may stop working without notice.",
        );
    }
    if !action.sites.is_empty() {
        text.push_str(&format!(
            "\n\nOffered only on the {} endpoint(s); iai sends it to any endpoint and the service decides.",
            action.sites.join(", ")
        ));
    }
    text.push_str("\n\nAPI action: ");
    text.push_str(action.name);
    text.push_str(if action.idempotent {
        " (idempotent: safe to retry)"
    } else {
        " (not idempotent: never retried once it may have reached the service)"
    });
    if let Some(items) = action.paged_items {
        text.push_str(&format!(
            "\nPaged: --all-pages follows the pages and prints each item of `{items}`."
        ));
    }
    text
}

/// The end of an action's help page: its examples, one command line each, and where to get a
/// template. Printed after clap's text rather than through it, because clap wraps long lines
/// and a wrapped command line breaks when pasted into a shell.
pub fn examples_section(action: &ActionInfo) -> String {
    let mut text = String::new();
    if !action.examples.is_empty() {
        text.push_str("Examples:\n");
        for example in action.examples {
            text.push_str(&format!(
                "  # {}\n  {}\n",
                example.title.trim(),
                example_command(action, example.input_json)
            ));
        }
        text.push('\n');
    }
    text.push_str(&format!(
        "A template for --input-json: iai {} --generate-skeleton\n",
        action.command
    ));
    text
}

/// `[uint, required] First sentence of the doc.`
pub fn param_short(param: &ParamInfo) -> String {
    let first = param.doc.lines().next().unwrap_or("").trim();
    let first = match first.find(". ") {
        Some(end) => &first[..=end],
        None => first,
    };
    format!("[{}] {first}", tags(param))
}

pub fn param_long(param: &ParamInfo) -> String {
    let mut text = format!("[{}] (API: {})\n", tags(param), param.api_name);
    text.push_str(param.doc.trim());
    match param.kind {
        ParamKind::Image => text.push_str("\n`@path` reads the file and sends it base64-encoded."),
        ParamKind::Json => text.push_str("\nGiven as JSON."),
        _ if param.list => text.push_str("\nSeveral values: `--flag a b` or `--flag a --flag b`."),
        _ => {}
    }
    text
}

fn tags(param: &ParamInfo) -> String {
    let mut tags = param.type_name.to_owned();
    if param.required {
        tags.push_str(", required");
    }
    if !param.constraints.is_empty() {
        tags.push_str(", ");
        tags.push_str(param.constraints);
    }
    if !param.sites.is_empty() {
        tags.push_str(&format!(", {} only", param.sites.join(", ")));
    }
    tags
}

/// The example as one command line: its parameters as flags in API order, or as
/// `--input-json` (compact JSON) when some value has no flag form.
pub fn example_command(action: &ActionInfo, input_json: &str) -> String {
    let command = format!("iai {}", action.command);
    let Ok(Value::Object(input)) = serde_json::from_str::<Value>(input_json) else {
        return command;
    };
    let whole = || format!("{command} --input-json {}", quote(input_json));
    if input
        .keys()
        .any(|k| !action.params.iter().any(|p| p.api_name == k))
    {
        return whole();
    }
    let mut line = command.clone();
    for param in action.params {
        if let Some(value) = input.get(param.api_name) {
            match flag_words(param, value) {
                Some(words) => line.push_str(&format!(" --{} {words}", param.flag)),
                None => return whole(),
            }
        }
    }
    line
}

fn flag_words(param: &ParamInfo, value: &Value) -> Option<String> {
    if param.kind == ParamKind::Json {
        return Some(quote(&value.to_string()));
    }
    match value {
        Value::Array(items) if param.list && !items.is_empty() => {
            let words: Option<Vec<String>> = items.iter().map(scalar_word).collect();
            words.map(|w| w.join(" "))
        }
        Value::Array(_) => None,
        scalar => scalar_word(scalar),
    }
}

fn scalar_word(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(quote(s)),
        Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
        _ => None,
    }
}

/// Quotes a word for POSIX shells when it needs it.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:@%+=,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::table::ActionInfo;

    #[test]
    fn examples_become_command_lines() {
        let action = ActionInfo::find("CreateGroup").unwrap();
        assert_eq!(
            example_command(
                action,
                r#"{"GroupId":"a b","GroupName":"it's","GroupExDescriptions":["x","y"]}"#
            ),
            "iai create-group --group-name 'it'\\''s' --group-id 'a b' --group-ex-descriptions x y"
        );
        assert_eq!(
            example_command(action, r#"{"GroupId":"a","Unknown":{"x":1}}"#),
            r#"iai create-group --input-json '{"GroupId":"a","Unknown":{"x":1}}'"#
        );
    }
}
