//! `cargo xtask import`: Tencent Cloud's machine-readable API description → spec YAML.
//!
//! Import is repeatable and deterministic. Keys the description cannot know are hand-written
//! and survive re-import: `constraints` and `rust_name` on fields, `idempotent`,
//! `region_required`, `pagination` and `at_least_one_of` on actions, and `retryable: true`
//! on error codes. Every
//! other difference from a file on disk is listed before anything is written.

mod examples;
mod official;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use official::{ActionErrors, ApiDescription, ApiExamples, ApiMember, ErrorDescriptions};

use crate::spec::load::{ACTIONS_DIR, SERVICE_FILE, TYPES_FILE};
use crate::spec::raw::{RawAction, RawErrorCode, RawField, RawObjectType, RawService, RawTypes};

/// The input files; only the API description is required.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub api: PathBuf,
    pub examples: Option<PathBuf>,
    pub action_errors: Option<PathBuf>,
    /// Defaults to `iai_error_descriptions.json` beside `action_errors`.
    pub error_descriptions: Option<PathBuf>,
}

/// One spec file as import would write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFile {
    pub path: PathBuf,
    pub contents: String,
    /// What differs from the file on disk, in words; empty when new or unchanged.
    pub changes: Vec<String>,
    pub status: Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    New,
    Changed,
    Unchanged,
}

const HEADER: &str = "# Imported by `cargo xtask import` from Tencent Cloud's API description. Hand-written keys\n# (constraints, rust_name, idempotent, region_required, pagination, retryable) survive re-import.\n";

/// Error codes safe to retry whatever the action: throttling and transient backend failures.
fn retryable_by_default(code: &str) -> bool {
    code.starts_with("RequestLimitExceeded")
        || code.ends_with(".RequestLimitExceeded")
        || code == "FailedOperation.ServerError"
        || code == "FailedOperation.RequestTimeout"
}

/// Read-only actions, safe to repeat when a failure leaves it unknown whether they ran.
fn idempotent_by_default(action: &str) -> bool {
    ["Get", "Detect", "Search", "Compare", "Verify", "Analyze"]
        .iter()
        .any(|p| action.starts_with(p))
}

/// What import produced, and what it had to leave out and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub files: Vec<ImportedFile>,
    pub warnings: Vec<String>,
}

pub fn import(sources: &Sources, spec_dir: &Path) -> Result<Import, String> {
    let mut warnings = Vec::new();
    let api: ApiDescription = read_json(&sources.api)?;
    let official_examples: Option<ApiExamples> =
        sources.examples.as_deref().map(read_json).transpose()?;
    let action_errors: Option<ActionErrors> = sources
        .action_errors
        .as_deref()
        .map(read_json)
        .transpose()?;
    let descriptions: Option<ErrorDescriptions> =
        match (&sources.error_descriptions, &sources.action_errors) {
            (Some(path), _) => Some(read_json(path)?),
            (None, Some(errors)) => {
                let sibling = errors.with_file_name("iai_error_descriptions.json");
                sibling.exists().then(|| read_json(&sibling)).transpose()?
            }
            (None, None) => None,
        };

    let service_path = spec_dir.join(SERVICE_FILE);
    if let Some(service) = read_yaml::<RawService>(&service_path)? {
        if service.version != api.metadata.api_version
            || service.service != api.metadata.service_short_name
        {
            return Err(format!(
                "{} describes {} {}, but the API description is {} {}; import into the matching spec",
                service_path.display(),
                service.service,
                service.version,
                api.metadata.service_short_name,
                api.metadata.api_version
            ));
        }
    }

    let io_objects: Vec<&str> = api
        .actions
        .values()
        .flat_map(|a| [a.input.as_str(), a.output.as_str()])
        .collect();
    let types_path = spec_dir.join(TYPES_FILE);
    let old_types: BTreeMap<String, RawObjectType> = read_yaml::<RawTypes>(&types_path)?
        .map(|t| t.types.into_iter().map(|t| (t.name.clone(), t)).collect())
        .unwrap_or_default();
    let mut types = BTreeMap::new();
    for (name, object) in &api.objects {
        if io_objects.contains(&name.as_str()) {
            continue;
        }
        let old = old_types.get(name);
        let members = fields(
            &object.members,
            Role::Object,
            old.map(|t| t.members.as_slice()),
        )?;
        types.insert(
            name.clone(),
            RawObjectType {
                name: name.clone(),
                doc: doc_or_placeholder(&object.document),
                members,
            },
        );
    }

    let mut files = vec![render(
        &types_path,
        &RawTypes {
            types: types.values().cloned().collect(),
        },
        &read_yaml::<RawTypes>(&types_path)?,
        describe_types,
    )?];

    let schema = examples::Schema { types: &types };
    for (name, action) in &api.actions {
        let path = spec_dir.join(ACTIONS_DIR).join(format!("{name}.yaml"));
        let old = read_yaml::<RawAction>(&path)?;
        let object = |n: &str| {
            api.objects
                .get(n)
                .ok_or_else(|| format!("{name}: object `{n}` is not described"))
        };
        let input = fields(
            &object(&action.input)?.members,
            Role::Input,
            old.as_ref().map(|o| o.input.as_slice()),
        )?;
        let output = fields(
            &object(&action.output)?.members,
            Role::Output,
            old.as_ref().map(|o| o.output.as_slice()),
        )?;
        let errors = error_codes(
            name,
            action_errors.as_ref(),
            descriptions.as_ref(),
            old.as_ref(),
        );
        let examples = match &official_examples {
            // A broken official example is left out, loudly, rather than failing the import.
            Some(all) => all
                .actions
                .get(name)
                .into_iter()
                .flatten()
                .filter_map(|ex| match examples::convert(ex, &input, &output, &schema) {
                    Ok(example) => Some(example),
                    Err(e) => {
                        warnings.push(format!("{name}: left out example `{}`: {e}", ex.title));
                        None
                    }
                })
                .collect(),
            None => old.as_ref().map(|o| o.examples.clone()).unwrap_or_default(),
        };
        let raw = RawAction {
            action: name.clone(),
            title: action.name.trim().to_owned(),
            doc: doc_or_placeholder(&action.document),
            idempotent: old
                .as_ref()
                .map_or_else(|| idempotent_by_default(name), |o| o.idempotent),
            region_required: old.as_ref().is_some_and(|o| o.region_required),
            pagination: old.as_ref().and_then(|o| o.pagination.clone()),
            at_least_one_of: old
                .as_ref()
                .map(|o| o.at_least_one_of.clone())
                .unwrap_or_default(),
            input,
            output,
            errors,
            examples,
        };
        files.push(render(&path, &raw, &old, describe_action)?);
    }
    // Hand-made actions are kept, but never silently: the description no longer has them.
    if let Ok(entries) = std::fs::read_dir(spec_dir.join(ACTIONS_DIR)) {
        let mut extra: Vec<String> = entries
            .flatten()
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".yaml"))
                    .map(str::to_owned)
            })
            .filter(|name| !api.actions.contains_key(name))
            .collect();
        extra.sort();
        for name in extra {
            warnings.push(format!(
                "{name}: spec/{ACTIONS_DIR}/{name}.yaml is not in the API description; left as is (delete it if the action is gone)"
            ));
        }
    }
    Ok(Import { files, warnings })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Input,
    Output,
    Object,
}

fn fields(
    members: &[ApiMember],
    role: Role,
    old: Option<&[RawField]>,
) -> Result<Vec<RawField>, String> {
    let mut out = Vec::new();
    for m in members.iter().filter(|m| m.disabled != Some(true)) {
        if role == Role::Output && m.name == "RequestId" {
            continue; // every response gets it automatically
        }
        let nullable = role != Role::Input && m.value_allowed_null.unwrap_or(false);
        // Response members without a `required` flag are always present unless nullable.
        let required = match role {
            Role::Output => m.required.unwrap_or(true),
            Role::Input | Role::Object => m.required.unwrap_or(false),
        };
        let previous = old.and_then(|fields| fields.iter().find(|f| f.name == m.name));
        out.push(RawField {
            name: m.name.clone(),
            ty: member_type(m)?,
            required,
            nullable,
            rust_name: previous.and_then(|p| p.rust_name.clone()),
            constraints: previous.and_then(|p| p.constraints.clone()),
            doc: doc_or_placeholder(&m.document),
        });
    }
    Ok(out)
}

/// The description's `type`/`member` pair → spec type syntax. Image parameters (base64 text)
/// get the `image` type, so the client can take raw bytes.
fn member_type(m: &ApiMember) -> Result<String, String> {
    let scalar = |member: &str| -> String {
        match member {
            "string" | "int64" | "uint64" | "float" | "bool" => member.to_owned(),
            "int" => "int64".to_owned(),
            "double" => "float".to_owned(),
            object => object.to_owned(),
        }
    };
    let is_image_name = matches!(m.name.as_str(), "Image" | "ImageA" | "ImageB" | "Images");
    Ok(match m.ty.as_str() {
        "string" if is_image_name => "image".to_owned(),
        "string" | "bool" => m.ty.clone(),
        "int" => match m.member.as_str() {
            "uint64" => "uint64".to_owned(),
            _ => "int64".to_owned(),
        },
        "float" | "double" => "float".to_owned(),
        "object" => m.member.clone(),
        "list" if is_image_name && m.member == "string" => "list<image>".to_owned(),
        "list" => format!("list<{}>", scalar(&m.member)),
        other => {
            return Err(format!(
                "member `{}` has type `{other}`, which the importer does not know",
                m.name
            ))
        }
    })
}

fn error_codes(
    action: &str,
    lists: Option<&ActionErrors>,
    descriptions: Option<&ErrorDescriptions>,
    old: Option<&RawAction>,
) -> Vec<RawErrorCode> {
    let Some(lists) = lists else {
        return old.map(|o| o.errors.clone()).unwrap_or_default();
    };
    let mut codes: Vec<String> = lists
        .actions
        .get(action)
        .and_then(|flavours| flavours.get("intl_en"))
        .cloned()
        .flatten()
        .unwrap_or_default();
    codes.sort();
    codes.dedup();
    codes
        .into_iter()
        .map(|code| {
            // A hand-written choice, either way, beats the default.
            let hand_written = old
                .and_then(|o| o.errors.iter().find(|e| e.code == code))
                .and_then(|e| e.retryable);
            let doc = descriptions
                .and_then(|d| d.codes.get(&code))
                .and_then(|d| d.en.clone())
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| format!("Error code `{code}`."));
            RawErrorCode {
                retryable: hand_written.or(retryable_by_default(&code).then_some(true)),
                code,
                doc,
            }
        })
        .collect()
}

fn doc_or_placeholder(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        "Not documented by the API.".to_owned()
    } else {
        text.to_owned()
    }
}

fn render<T: serde::Serialize + PartialEq>(
    path: &Path,
    new: &T,
    old: &Option<T>,
    describe: fn(&T, &T) -> Vec<String>,
) -> Result<ImportedFile, String> {
    let yaml = serde_yaml::to_string(new).map_err(|e| format!("{}: {e}", path.display()))?;
    let contents = format!("{HEADER}{yaml}");
    let on_disk = std::fs::read_to_string(path).ok();
    let (status, changes) = match (old, on_disk) {
        (_, Some(text)) if text == contents => (Status::Unchanged, Vec::new()),
        (Some(old), Some(_)) => {
            let mut changes = describe(old, new);
            if changes.is_empty() {
                changes.push("layout only (comments and formatting are rewritten)".to_owned());
            }
            (Status::Changed, changes)
        }
        _ => (Status::New, Vec::new()),
    };
    Ok(ImportedFile {
        path: path.to_owned(),
        contents,
        changes,
        status,
    })
}

fn describe_types(old: &RawTypes, new: &RawTypes) -> Vec<String> {
    let mut out = Vec::new();
    for t in &new.types {
        match old.types.iter().find(|o| o.name == t.name) {
            None => out.push(format!("type {} added", t.name)),
            Some(o) if o != t => out.push(format!("type {} changed", t.name)),
            Some(_) => {}
        }
    }
    for o in &old.types {
        if !new.types.iter().any(|t| t.name == o.name) {
            out.push(format!("type {} removed", o.name));
        }
    }
    out
}

fn describe_action(old: &RawAction, new: &RawAction) -> Vec<String> {
    let mut out = Vec::new();
    if old.title != new.title {
        out.push("title".to_owned());
    }
    if old.doc != new.doc {
        out.push("doc".to_owned());
    }
    for (what, o, n) in [
        ("input", &old.input, &new.input),
        ("output", &old.output, &new.output),
    ] {
        for f in n {
            match o.iter().find(|x| x.name == f.name) {
                None => out.push(format!("{what} {} added", f.name)),
                Some(x) if x != f => out.push(format!("{what} {} changed", f.name)),
                Some(_) => {}
            }
        }
        for x in o {
            if !n.iter().any(|f| f.name == x.name) {
                out.push(format!("{what} {} removed", x.name));
            }
        }
    }
    let added = new
        .errors
        .iter()
        .filter(|e| !old.errors.contains(e))
        .count();
    let removed = old
        .errors
        .iter()
        .filter(|e| !new.errors.contains(e))
        .count();
    if added + removed > 0 {
        out.push(format!(
            "errors: {added} added or changed, {removed} removed or changed"
        ));
    }
    if old.examples != new.examples {
        out.push("examples".to_owned());
    }
    out
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A spec file that exists is parsed; one that doesn't is `None`.
fn read_yaml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_yaml::from_str(&text).map(Some).map_err(|e| {
            format!(
                "{}: {e}; fix it (or move it away) before importing",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}
