//! Reads a spec directory into raw structures, one `SpecFile` per YAML file.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::locate::Locator;
use super::raw::{RawAction, RawCommonErrors, RawService, RawTypes};
use crate::diagnostics::{Diagnostic, SpecErrors};

pub const SERVICE_FILE: &str = "service.yaml";
pub const COMMON_ERRORS_FILE: &str = "common_errors.yaml";
pub const TYPES_FILE: &str = "types.yaml";
pub const ACTIONS_DIR: &str = "actions";

/// One parsed file with what is needed to point back into it.
#[derive(Debug)]
pub struct SpecFile<T> {
    /// The path as shown in messages: the spec directory as given, joined with the file's place.
    pub path: PathBuf,
    pub locator: Locator,
    pub value: T,
}

impl<T> SpecFile<T> {
    /// A diagnostic at `key_path` (e.g. `input[0].type`) in this file.
    pub fn error(
        &self,
        key_path: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        let pos = self.locator.find(key_path);
        Diagnostic {
            file: self.path.clone(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            message: message.into(),
            help: Some(help.into()).filter(|h: &String| !h.is_empty()),
        }
    }
}

/// Every file of a spec directory, parsed.
#[derive(Debug)]
pub struct SpecFiles {
    pub service: SpecFile<RawService>,
    pub common_errors: SpecFile<RawCommonErrors>,
    pub types: SpecFile<RawTypes>,
    /// Sorted by file name, so output order never depends on the file system.
    pub actions: Vec<SpecFile<RawAction>>,
}

pub fn load(spec_dir: &Path) -> Result<SpecFiles, SpecErrors> {
    let mut errors = Vec::new();
    let service = parse_file::<RawService>(&spec_dir.join(SERVICE_FILE), &mut errors);
    let common_errors =
        parse_file::<RawCommonErrors>(&spec_dir.join(COMMON_ERRORS_FILE), &mut errors);
    let types = parse_file::<RawTypes>(&spec_dir.join(TYPES_FILE), &mut errors);

    let actions_dir = spec_dir.join(ACTIONS_DIR);
    let mut action_paths = Vec::new();
    match std::fs::read_dir(&actions_dir) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    action_paths.push(path);
                } else {
                    errors.push(file_error(
                        &path,
                        "unexpected file in the actions directory",
                        "each action is one `<ActionName>.yaml` file; rename it or move it out of spec/actions",
                    ));
                }
            }
        }
        Err(e) => errors.push(file_error(
            &actions_dir,
            &format!("cannot read the actions directory: {e}"),
            "create spec/actions with one `<ActionName>.yaml` file per action",
        )),
    }
    action_paths.sort();
    let actions: Vec<_> = action_paths
        .iter()
        .filter_map(|p| parse_file::<RawAction>(p, &mut errors))
        .collect();

    match (service, common_errors, types) {
        (Some(service), Some(common_errors), Some(types)) if errors.is_empty() => Ok(SpecFiles {
            service,
            common_errors,
            types,
            actions,
        }),
        _ => Err(SpecErrors(errors)),
    }
}

fn parse_file<T: DeserializeOwned>(
    path: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Option<SpecFile<T>> {
    let source = match std::fs::read_to_string(path) {
        Ok(source) => source,
        Err(e) => {
            errors.push(file_error(
                path,
                &format!("cannot read the file: {e}"),
                "see spec/README.md for the files a spec needs",
            ));
            return None;
        }
    };
    let locator = Locator::index(&source);
    for (key, pos) in &locator.duplicate_keys {
        errors.push(Diagnostic {
            file: path.to_owned(),
            line: Some(pos.line),
            column: Some(pos.column),
            message: format!("duplicate key `{key}`"),
            help: Some(
                "each key may appear once per mapping; delete or merge the repeated one".into(),
            ),
        });
    }
    match serde_yaml::from_str::<T>(&source) {
        Ok(value) => Some(SpecFile {
            path: path.to_owned(),
            locator,
            value,
        }),
        Err(e) => {
            let location = e.location();
            let mut message = e.to_string();
            // serde_yaml writes the error's own position into the message; it is shown in front
            // instead. Any other position (where the YAML construct that failed began) stays.
            if let Some(l) = &location {
                let own = format!(" at line {} column {}", l.line(), l.column());
                if let Some(cut) = message.find(&own) {
                    message.replace_range(cut..cut + own.len(), "");
                }
            }
            // The locator has already reported the repeated key, at the repetition.
            let duplicate =
                message.contains("duplicate field") || message.contains("duplicate entry");
            if duplicate && !locator.duplicate_keys.is_empty() {
                return None;
            }
            errors.push(Diagnostic {
                file: path.to_owned(),
                line: location.as_ref().map(|l| l.line()),
                column: location.as_ref().map(|l| l.column()),
                help: Some(parse_help(&message).to_owned()),
                message,
            });
            None
        }
    }
}

fn parse_help(message: &str) -> &'static str {
    if message.contains("unknown field") {
        "remove the key or correct its spelling; spec/README.md lists every key"
    } else if message.contains("missing field") {
        "add the missing key; spec/README.md documents what it holds"
    } else if message.contains("duplicate field") || message.contains("duplicate entry") {
        "each key may appear once per mapping; delete or merge the repeated one"
    } else if message.contains("invalid type") {
        "give the key a value of the type spec/README.md documents for it"
    } else if message.contains("tab character") {
        "indent with spaces: YAML does not allow tabs in indentation"
    } else if message.contains("flow sequence") {
        "close the `[...]` list that starts at the position in the message, or quote the value"
    } else if message.contains("flow mapping") {
        "close the `{...}` mapping that starts at the position in the message, or quote the value"
    } else {
        "fix the YAML syntax at this position"
    }
}

fn file_error(path: &Path, message: &str, help: &str) -> Diagnostic {
    Diagnostic {
        file: path.to_owned(),
        line: None,
        column: None,
        message: message.to_owned(),
        help: Some(help.to_owned()),
    }
}
