//! Raw spec → validated model. Every rule a spec must follow is here, and every violation is
//! reported with its file, line, the problem and the fix, all at once rather than one per run.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::citation;
use super::names;
use super::*;
use crate::diagnostics::{Diagnostic, SpecErrors};
use crate::spec::load::{SpecFile, ACTIONS_DIR};
use crate::spec::raw::{
    RawConstraints, RawErrorCode, RawField, RawRetryable, RawTimeUnit, RawValueSet,
};
use crate::spec::SpecFiles;

const SCALARS: &[&str] = &["string", "bool", "int64", "uint64", "float", "image"];
/// Type names refused although generated code names std items by full path (a type named
/// `String` or `Box` compiles): the prelude's values, which would read confusingly.
const RESERVED_TYPE_NAMES: &[&str] = &["Some", "None", "Ok", "Err", "Self"];
/// Methods the generated request, request builder and fluent builder define besides the field
/// setters (`x`, `set_x`).
const RESERVED_INPUT_NAMES: &[&str] = &[
    "builder",
    "build",
    "validate",
    "send",
    "as_input",
    "into_request",
    "into_paginator",
];
/// Methods the generated response and object builders define besides field setters.
const RESERVED_OUTPUT_NAMES: &[&str] = &["build"];
/// Methods the hand-written `Client` defines (tests/reserved_names.rs reads them from the
/// runtime's source and checks that each is here).
pub const RESERVED_ACTION_NAMES: &[&str] = &[
    "new",
    "config",
    "send",
    "prepare",
    "clone",
    "call_json",
    "prepare_json",
    "region_failover_state",
];
/// Methods the hand-written `Endpoint` defines.
const RESERVED_ENDPOINT_NAMES: &[&str] = &["https", "parse", "host", "url", "default", "clone"];
/// The fallback variant of every error enum.
const FALLBACK_VARIANT: &str = "Unhandled";
/// The variant of every error enum that holds the API 3.0 common codes.
const COMMON_VARIANT: &str = "Common";

pub fn resolve(files: &SpecFiles) -> Result<Service, SpecErrors> {
    let mut cx = Checker::default();
    let service = cx.service(files);
    if cx.errors.is_empty() {
        Ok(service)
    } else {
        Err(SpecErrors(cx.errors))
    }
}

#[derive(Default)]
struct Checker {
    errors: Vec<Diagnostic>,
    /// `service.yaml`'s endpoint names: the values `sites` may hold.
    endpoint_names: Vec<String>,
    /// The value sets of `types.yaml` (name and kind): what `value_set:` may name.
    value_sets: Vec<(String, ValueKind)>,
}

impl Checker {
    fn service(&mut self, files: &SpecFiles) -> Service {
        let f = &files.service;
        let raw = &f.value;
        if raw.service.is_empty()
            || !raw
                .service
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            self.push(f.error(
                "service",
                format!("invalid service name `{}`", raw.service),
                "use the short lower-case name from the API host, e.g. `iai`",
            ));
        }
        if !is_api_version(&raw.version) {
            self.push(f.error(
                "version",
                format!("invalid API version `{}`", raw.version),
                "write it as the API does, `YYYY-MM-DD`, quoted, e.g. \"2020-03-03\"",
            ));
        }
        self.non_empty(f, "title", &raw.title);
        self.non_empty(f, "doc", &raw.doc);

        let mut endpoints = Vec::new();
        let mut seen = HashSet::new();
        for (i, e) in raw.endpoints.iter().enumerate() {
            let at = format!("endpoints[{i}]");
            if !names::is_snake_ident(&e.name) || names::is_keyword(&e.name) {
                self.push(f.error(
                    &format!("{at}.name"),
                    format!("endpoint name `{}` is not a snake_case identifier", e.name),
                    "use lower-case words joined by `_`, e.g. `mainland_china`",
                ));
            } else if RESERVED_ENDPOINT_NAMES.contains(&e.name.as_str()) {
                self.push(f.error(
                    &format!("{at}.name"),
                    format!(
                        "endpoint name `{}` clashes with a method of `Endpoint`",
                        e.name
                    ),
                    "choose another name",
                ));
            } else if !seen.insert(e.name.clone()) {
                self.push(f.error(
                    &format!("{at}.name"),
                    format!("duplicate endpoint name `{}`", e.name),
                    "endpoint names must be unique",
                ));
            }
            if e.host.is_empty() || e.host.contains("://") || e.host.contains('/') {
                self.push(f.error(
                    &format!("{at}.host"),
                    format!("invalid host `{}`", e.host),
                    "give the bare host name, e.g. `iai.tencentcloudapi.com`",
                ));
            }
            self.non_empty(f, &format!("{at}.doc"), &e.doc);
            endpoints.push(Endpoint {
                name: e.name.clone(),
                host: e.host.clone(),
                doc: e.doc.trim().to_owned(),
                default: e.default,
            });
        }
        self.endpoint_names = endpoints.iter().map(|e| e.name.clone()).collect();
        let defaults = endpoints.iter().filter(|e| e.default).count();
        if defaults != 1 {
            self.push(f.error(
                "endpoints",
                format!("{defaults} endpoints are marked `default: true`"),
                "mark exactly one endpoint `default: true`",
            ));
        }

        let type_names: Vec<String> = files
            .types
            .value
            .types
            .iter()
            .map(|t| t.name.clone())
            .collect();
        let value_sets = self.value_sets(&files.types, &type_names);
        self.value_sets = value_sets
            .iter()
            .map(|v| (v.name.clone(), v.kind))
            .collect();
        let types = self.types(&files.types, &type_names);
        let common_errors = self.error_codes(
            &files.common_errors,
            "errors",
            &files.common_errors.value.errors,
            &[],
        );

        let mut actions = Vec::new();
        let mut snake_names: HashMap<String, String> = HashMap::new();
        for file in &files.actions {
            let action = self.action(file, &type_names, &common_errors);
            if let Some(other) = snake_names.insert(action.snake_name.clone(), action.name.clone())
            {
                self.push(file.error(
                    "action",
                    format!(
                        "actions `{other}` and `{}` both become the method `{}`",
                        action.name, action.snake_name
                    ),
                    "rename one of the actions",
                ));
            }
            actions.push(action);
        }

        let mut service = Service {
            name: raw.service.clone(),
            title: raw.title.trim().trim_end_matches('.').to_owned(),
            version: raw.version.clone(),
            doc: raw.doc.trim().to_owned(),
            endpoints,
            types,
            value_sets,
            common_errors: {
                let mut common = common_errors;
                common.sort_by(|a, b| a.code.cmp(&b.code));
                common
            },
            actions,
        };
        mark_validated_types(&mut service);
        mark_directions(&mut service);
        service
    }

    /// `value_sets` of types.yaml: names share `crate::types` with the object types; every
    /// documented value has a constant name, a value of the set's kind and a doc, each unique.
    fn value_sets(
        &mut self,
        f: &SpecFile<crate::spec::raw::RawTypes>,
        type_names: &[String],
    ) -> Vec<ValueSet> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for (i, raw) in f.value.value_sets.iter().enumerate() {
            let at = format!("value_sets[{i}]");
            if let Some(set) = self.value_set(f, &at, raw, type_names, &mut seen) {
                out.push(set);
            }
        }
        out
    }

    fn value_set(
        &mut self,
        f: &SpecFile<crate::spec::raw::RawTypes>,
        at: &str,
        raw: &RawValueSet,
        type_names: &[String],
        seen: &mut HashSet<String>,
    ) -> Option<ValueSet> {
        if !names::is_type_name(&raw.name) {
            self.push(f.error(
                &format!("{at}.name"),
                format!("value set name `{}` is not UpperCamelCase", raw.name),
                "use ASCII letters and digits starting with an upper-case letter, e.g. `Gender`",
            ));
        } else if RESERVED_TYPE_NAMES.contains(&raw.name.as_str()) {
            self.push(f.error(
                &format!("{at}.name"),
                format!(
                    "value set name `{}` would shadow a standard Rust type",
                    raw.name
                ),
                "choose another name",
            ));
        } else if type_names.contains(&raw.name) {
            self.push(f.error(
                &format!("{at}.name"),
                format!("value set `{}` has the name of an object type", raw.name),
                "both become `crate::types::<name>`; rename the value set",
            ));
        } else if !seen.insert(raw.name.clone()) {
            self.push(f.error(
                &format!("{at}.name"),
                format!("duplicate value set `{}`", raw.name),
                "value set names must be unique; merge or rename one",
            ));
        }
        self.non_empty(f, &format!("{at}.doc"), &raw.doc);
        let kind = match raw.ty.trim() {
            "integer" => ValueKind::Integer,
            "string" => ValueKind::String,
            other => {
                self.push(f.error(
                    &format!("{at}.type"),
                    format!("unknown value set type `{other}`"),
                    "use `integer` (for int64 and uint64 fields) or `string`",
                ));
                return None;
            }
        };
        if raw.values.is_empty() {
            self.push(f.error(
                &format!("{at}.values"),
                format!("value set `{}` lists no values", raw.name),
                "list each documented value with its `name`, `value` and `doc`",
            ));
        }
        let mut values = Vec::new();
        let mut names_seen = HashSet::new();
        let mut values_seen = HashSet::new();
        for (k, v) in raw.values.iter().enumerate() {
            let here = format!("{at}.values[{k}]");
            if !names::is_const_name(&v.name) {
                self.push(f.error(&format!("{here}.name"), format!("value name `{}` is not SCREAMING_SNAKE_CASE", v.name), "use upper-case ASCII letters, digits and `_`, starting with a letter, e.g. `MALE` or `V3_0`"));
            } else if !names_seen.insert(v.name.clone()) {
                self.push(f.error(
                    &format!("{here}.name"),
                    format!("duplicate value name `{}`", v.name),
                    "each constant name may appear once in a value set",
                ));
            }
            self.non_empty(f, &format!("{here}.doc"), &v.doc);
            let literal = match (kind, &v.value) {
                (ValueKind::Integer, serde_yaml::Value::Number(n)) => {
                    n.as_i64().map(KnownLiteral::Integer)
                }
                (ValueKind::String, serde_yaml::Value::String(text)) => {
                    Some(KnownLiteral::String(text.clone()))
                }
                _ => None,
            };
            let Some(literal) = literal else {
                let wanted = match kind {
                    ValueKind::Integer => "an integer that fits in int64, e.g. `1`",
                    ValueKind::String => "a quoted string, e.g. `\"3.0\"`",
                };
                self.push(f.error(
                    &format!("{here}.value"),
                    format!(
                        "value of `{}` does not match the set's type `{}`",
                        v.name, raw.ty
                    ),
                    format!("write {wanted}"),
                ));
                continue;
            };
            if !values_seen.insert(literal.clone()) {
                self.push(f.error(
                    &format!("{here}.value"),
                    format!("value {literal} is listed twice"),
                    "each value may appear once; merge the two entries",
                ));
            }
            values.push(KnownValue {
                name: v.name.clone(),
                value: literal,
                doc: v.doc.trim().to_owned(),
            });
        }
        Some(ValueSet {
            name: raw.name.clone(),
            doc: raw.doc.trim().to_owned(),
            kind,
            values,
        })
    }

    /// `value_set:` names a set whose kind fits the field's element type, and replaces
    /// range and `one_of` checks: the set documents the values, the service rules on others.
    fn field_value_set<T>(
        &mut self,
        f: &SpecFile<T>,
        here: &str,
        rf: &RawField,
        ty: &Type,
    ) -> Option<String> {
        let name = rf.value_set.as_ref()?;
        let Some((_, kind)) = self.value_sets.iter().find(|(n, _)| n == name) else {
            let hint = match names::closest(name, self.value_sets.iter().map(|(n, _)| n.as_str())) {
                Some(near) => format!("did you mean `{near}`? "),
                None => String::new(),
            };
            self.push(f.error(
                &format!("{here}.value_set"),
                format!("unknown value set `{name}`"),
                format!("{hint}define it under `value_sets` in spec/types.yaml"),
            ));
            return None;
        };
        let fits = match kind {
            ValueKind::Integer => matches!(ty.element(), Type::Int64 | Type::Uint64),
            ValueKind::String => *ty.element() == Type::String,
        };
        if !fits {
            let needs = match kind {
                ValueKind::Integer => "int64 or uint64",
                ValueKind::String => "string",
            };
            self.push(f.error(
                &format!("{here}.value_set"),
                format!("value set `{name}` does not fit a field of type `{ty}`"),
                format!("`{name}` holds {needs} values; fix the field's type or the set"),
            ));
            return None;
        }
        if let Some(c) = &rf.constraints {
            let value_limits = c.min.is_some()
                || c.max.is_some()
                || c.one_of.is_some()
                || c.min_length.is_some()
                || c.max_length.is_some()
                || c.allowed_chars.is_some();
            if value_limits {
                self.push(f.error(&format!("{here}.constraints"), format!("field `{}` has a value set and limits on its value", rf.name), format!("remove the value limits: `{name}` documents the values, and a value the client does not know is passed on for the service to judge")));
                return None;
            }
        }
        Some(name.clone())
    }

    /// `unit:` marks a single integer timestamp.
    fn field_unit<T>(
        &mut self,
        f: &SpecFile<T>,
        here: &str,
        rf: &RawField,
        ty: &Type,
    ) -> Option<TimeUnit> {
        let unit = rf.unit?;
        if !matches!(ty, Type::Int64 | Type::Uint64) || rf.value_set.is_some() {
            self.push(f.error(
                &format!("{here}.unit"),
                format!(
                    "`unit` does not apply to field `{}` of type `{ty}`",
                    rf.name
                ),
                "`unit` marks an int64 or uint64 timestamp without a value set; remove it",
            ));
            return None;
        }
        Some(match unit {
            RawTimeUnit::Milliseconds => TimeUnit::Milliseconds,
            RawTimeUnit::Seconds => TimeUnit::Seconds,
        })
    }

    fn types(
        &mut self,
        f: &SpecFile<crate::spec::raw::RawTypes>,
        type_names: &[String],
    ) -> Vec<ObjectType> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for (i, t) in f.value.types.iter().enumerate() {
            let at = format!("types[{i}]");
            if !names::is_type_name(&t.name) {
                self.push(f.error(&format!("{at}.name"), format!("type name `{}` is not UpperCamelCase", t.name), "use ASCII letters and digits starting with an upper-case letter, e.g. `FaceRect`"));
            } else if RESERVED_TYPE_NAMES.contains(&t.name.as_str()) {
                self.push(f.error(
                    &format!("{at}.name"),
                    format!("type name `{}` would shadow a standard Rust type", t.name),
                    "choose another name",
                ));
            } else if !seen.insert(t.name.clone()) {
                self.push(f.error(
                    &format!("{at}.name"),
                    format!("duplicate type `{}`", t.name),
                    "type names must be unique; merge or rename one",
                ));
            }
            self.non_empty(f, &format!("{at}.doc"), &t.doc);
            let sites = self.sites(f, &format!("{at}.sites"), &t.sites);
            let fields = self.fields(
                f,
                &format!("{at}.members"),
                &t.members,
                type_names,
                FieldSet::Object,
            );
            out.push(ObjectType {
                name: t.name.clone(),
                doc: t.doc.trim().to_owned(),
                sites,
                fields,
                needs_validation: false,
                in_requests: false,
                in_responses: false,
            });
        }
        self.self_containing_types(f);
        out
    }

    /// A type that holds itself other than through a list would have infinite size. Each such
    /// cycle is reported once, at the member of the first type (in file order) that starts it.
    fn self_containing_types(&mut self, f: &SpecFile<crate::spec::raw::RawTypes>) {
        let types = &f.value.types;
        // Direct (non-list) members: type index → (member index, member's type index).
        let edges: Vec<Vec<(usize, usize)>> = types
            .iter()
            .map(|t| {
                t.members
                    .iter()
                    .enumerate()
                    .filter_map(|(k, m)| {
                        let target = types.iter().position(|u| u.name == m.ty.trim())?;
                        Some((k, target))
                    })
                    .collect()
            })
            .collect();
        let mut reported = HashSet::new();
        for start in 0..types.len() {
            if reported.contains(&start) {
                continue;
            }
            let Some(cycle) = find_cycle(&edges, start) else {
                continue;
            };
            let steps: Vec<String> = cycle
                .iter()
                .map(|&(t, k)| format!("{}.{}", types[t].name, types[t].members[k].name))
                .collect();
            let (t, k) = cycle[0];
            let name = &types[t].name;
            let member = &types[t].members[k];
            self.push(f.error(
                &format!("types[{t}].members[{k}].type"),
                format!(
                    "type `{name}` contains itself ({}), so it would have infinite size",
                    steps.join(" → ")
                ),
                format!(
                    "a type can hold itself only through a list: declare `{}` as `list<{}>` if the API sends an array, or remove it",
                    member.name,
                    member.ty.trim()
                ),
            ));
            reported.extend(cycle.iter().map(|&(t, _)| t));
        }
    }

    fn action(
        &mut self,
        f: &SpecFile<crate::spec::raw::RawAction>,
        type_names: &[String],
        common: &[ErrorCode],
    ) -> Action {
        let raw = &f.value;
        let file_name = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !names::is_type_name(&raw.action) {
            self.push(f.error(
                "action",
                format!("action name `{}` is not UpperCamelCase", raw.action),
                "use the API's action name exactly, e.g. `GetGroupInfo`",
            ));
        } else if file_name != format!("{}.yaml", raw.action) {
            self.push(f.error(
                "action",
                format!("action `{}` is in `{file_name}`", raw.action),
                format!("name the file `{}.yaml`, after the action", raw.action),
            ));
        }
        let snake_name = names::snake(&raw.action);
        if RESERVED_ACTION_NAMES.contains(&snake_name.as_str()) {
            self.push(f.error(
                "action",
                format!(
                    "action `{}` becomes the method `{snake_name}`, which `Client` already has",
                    raw.action
                ),
                "this action name cannot be generated; rename it",
            ));
        }
        self.non_empty(f, "title", &raw.title);
        self.non_empty(f, "doc", &raw.doc);
        let sites = self.sites(f, "sites", &raw.sites);

        let input = self.fields(f, "input", &raw.input, type_names, FieldSet::Input);
        let output = self.fields(f, "output", &raw.output, type_names, FieldSet::Output);
        // Variant clashes with the common codes are reported here, at the action's code.
        let own_errors = self.error_codes(f, "errors", &raw.errors, common);
        let mut merged: BTreeMap<String, ErrorCode> = common
            .iter()
            .map(|e| {
                let common = ErrorCode {
                    common: true,
                    ..e.clone()
                };
                (e.code.clone(), common)
            })
            .collect();
        for e in own_errors {
            merged.insert(e.code.clone(), e);
        }

        let mut examples = Vec::new();
        for (i, ex) in raw.examples.iter().enumerate() {
            let at = format!("examples[{i}]");
            self.non_empty(f, &format!("{at}.title"), &ex.title);
            let is_error = ex.error || ex.output.get("Error").is_some();
            let input_json = self.example_object(f, &format!("{at}.input"), &ex.input, &input, &[]);
            // An error example's output is `{Error, RequestId}`, or whatever the docs show.
            let extra: &[&str] = if is_error {
                &["Error", "RequestId"]
            } else {
                &["RequestId"]
            };
            let output_fields: &[Field] = &output;
            let output_json =
                self.example_object(f, &format!("{at}.output"), &ex.output, output_fields, extra);
            examples.push(Example {
                title: ex.title.trim().to_owned(),
                is_error,
                doc: ex.doc.as_ref().map(|d| d.trim().to_owned()),
                input_json,
                output_json,
            });
        }
        let pagination = raw
            .pagination
            .as_ref()
            .and_then(|p| self.pagination(f, p, &input, &output));
        let at_least_one_of = self.at_least_one_of(f, &raw.at_least_one_of, &input);

        Action {
            name: raw.action.clone(),
            snake_name,
            source: format!("spec/{ACTIONS_DIR}/{file_name}"),
            title: raw.title.trim().trim_end_matches('.').to_owned(),
            doc: raw.doc.trim().to_owned(),
            sites,
            deprecated: raw.deprecated,
            idempotent: raw.idempotent,
            region_required: raw.region_required,
            input,
            at_least_one_of,
            output,
            errors: merged.into_values().collect(),
            examples,
            pagination,
        }
    }

    /// Each group names two or more distinct optional input fields; a required field would
    /// make the rule always true, a name that is not an input field could never be checked.
    fn at_least_one_of<T>(
        &mut self,
        f: &SpecFile<T>,
        groups: &[Vec<String>],
        input: &[Field],
    ) -> Vec<Vec<usize>> {
        let mut resolved = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            let at = format!("at_least_one_of[{g}]");
            if group.len() < 2 {
                self.push(f.error(
                    &at,
                    format!("a group of {} field(s) is not a choice", group.len()),
                    "list two or more optional input fields, e.g. `[Image, Url]`; \
                     mark a single always-needed field `required: true` instead",
                ));
                continue;
            }
            let mut indices = Vec::new();
            for (i, name) in group.iter().enumerate() {
                let at = format!("{at}[{i}]");
                let Some(index) = input.iter().position(|field| field.api_name == *name) else {
                    let known: Vec<&str> = input.iter().map(|x| x.api_name.as_str()).collect();
                    self.push(f.error(
                        &at,
                        format!("`{name}` is not an input field of this action"),
                        format!("use API names of input fields: {}", known.join(", ")),
                    ));
                    continue;
                };
                if indices.contains(&index) {
                    self.push(f.error(
                        &at,
                        format!("`{name}` appears twice in the group"),
                        "list each field once",
                    ));
                } else if input[index].required {
                    self.push(f.error(
                        &at,
                        format!("`{name}` is required, so the group is always satisfied"),
                        "list only optional fields, or drop `required: true` from the field",
                    ));
                } else {
                    indices.push(index);
                }
            }
            resolved.push(indices);
        }
        resolved
    }

    /// Paging fields must exist with the right shapes: optional integer offset and limit in the
    /// request, a list of items and an optional integer total in the response.
    fn pagination<T>(
        &mut self,
        f: &SpecFile<T>,
        raw: &crate::spec::raw::RawPagination,
        input: &[Field],
        output: &[Field],
    ) -> Option<Pagination> {
        let integer = |fl: &Field| matches!(fl.ty, Type::Int64 | Type::Uint64);
        let mut find =
            |key: &str, name: &str, fields: &[Field], ok: &dyn Fn(&Field) -> bool, want: &str| {
                match fields.iter().find(|fl| fl.api_name == name) {
                    Some(fl) if ok(fl) => Some(fl.clone()),
                    Some(_) => {
                        self.errors.push(f.error(
                            &format!("pagination.{key}"),
                            format!("pagination {key} `{name}` has the wrong type"),
                            format!("it must be {want}"),
                        ));
                        None
                    }
                    None => {
                        self.errors.push(f.error(
                            &format!("pagination.{key}"),
                            format!("pagination {key} `{name}` is not a field of the action"),
                            format!("name {want}"),
                        ));
                        None
                    }
                }
            };
        let offset = find(
            "offset",
            &raw.offset,
            input,
            &integer,
            "an integer request field",
        );
        let limit = find(
            "limit",
            &raw.limit,
            input,
            &integer,
            "an integer request field",
        );
        let items = find(
            "items",
            &raw.items,
            output,
            &|fl| matches!(fl.ty, Type::List(_)),
            "a list field of the response",
        );
        let total = match &raw.total {
            Some(name) => Some(find(
                "total",
                name,
                output,
                &integer,
                "an integer field of the response",
            )?),
            None => None,
        };
        if raw.default_limit == 0 {
            self.errors.push(f.error(
                "pagination.default_limit",
                "default_limit is 0",
                "give the page size the API uses when the limit is not set",
            ));
            return None;
        }
        let (offset, limit, items) = (offset?, limit?, items?);
        let Type::List(item_type) = &items.ty else {
            return None;
        };
        Some(Pagination {
            offset: offset.rust_name,
            limit: limit.rust_name,
            items: items.rust_name.clone(),
            item_type: (**item_type).clone(),
            total: total.map(|t| t.rust_name),
            default_limit: raw.default_limit,
        })
    }

    /// An example's input or output must be a mapping whose keys are fields of the action.
    fn example_object<T>(
        &mut self,
        f: &SpecFile<T>,
        at: &str,
        value: &serde_yaml::Value,
        fields: &[Field],
        extra: &[&str],
    ) -> String {
        match value {
            serde_yaml::Value::Mapping(map) => {
                for key in map.keys() {
                    let key = key.as_str().unwrap_or_default();
                    if !fields.iter().any(|fl| fl.api_name == key) && !extra.contains(&key) {
                        let known = fields
                            .iter()
                            .map(|fl| fl.api_name.as_str())
                            .chain(extra.iter().copied());
                        let help = match names::closest(key, known) {
                            Some(near) => format!("did you mean `{near}`? Example keys must be fields of the action"),
                            None => "example keys must be fields of the action; remove it or add the field".to_owned(),
                        };
                        self.push(f.error(
                            &format!("{at}.{key}"),
                            format!("example has the key `{key}`, which is not a field"),
                            help,
                        ));
                    }
                }
                serde_json::to_string(value).unwrap_or_else(|e| {
                    self.push(f.error(
                        at,
                        format!("example cannot be written as JSON: {e}"),
                        "use only JSON-compatible values",
                    ));
                    String::new()
                })
            }
            _ => {
                self.push(f.error(
                    at,
                    "example must be a mapping of field names to values",
                    "write it as `Key: value` lines",
                ));
                String::new()
            }
        }
    }

    fn fields<T>(
        &mut self,
        f: &SpecFile<T>,
        at: &str,
        raw: &[RawField],
        type_names: &[String],
        set: FieldSet,
    ) -> Vec<Field> {
        let mut out = Vec::new();
        let mut api_seen = HashSet::new();
        let mut rust_seen: HashMap<String, String> = HashMap::new();
        for (i, rf) in raw.iter().enumerate() {
            let here = format!("{at}[{i}]");
            if !names::is_api_name(&rf.name) {
                self.push(f.error(
                    &format!("{here}.name"),
                    format!("field name `{}` is not a valid API name", rf.name),
                    "use the parameter name exactly as the API spells it, e.g. `GroupId`",
                ));
                continue;
            }
            if !api_seen.insert(rf.name.clone()) {
                self.push(f.error(
                    &format!("{here}.name"),
                    format!("duplicate field `{}`", rf.name),
                    "each field may appear once; delete or merge the repeated one",
                ));
                continue;
            }
            if set == FieldSet::Output && rf.name == "RequestId" {
                self.push(f.error(
                    &format!("{here}.name"),
                    "`RequestId` is declared as an output field",
                    "remove it: every response gets `request_id` automatically",
                ));
                continue;
            }
            let rust_name = match &rf.rust_name {
                Some(name)
                    if !names::is_snake_ident(name)
                        || names::is_keyword(name)
                        || names::cannot_be_raw(name) =>
                {
                    self.push(f.error(
                        &format!("{here}.rust_name"),
                        format!("`rust_name: {name}` is not a usable snake_case identifier"),
                        "use lower-case words joined by `_` that are not Rust keywords",
                    ));
                    continue;
                }
                Some(name) => name.clone(),
                None => names::snake(&rf.name),
            };
            if names::cannot_be_raw(&rust_name) {
                self.push(f.error(&format!("{here}.name"), format!("field `{}` becomes `{rust_name}`, a Rust keyword that cannot be an identifier", rf.name), format!("add `rust_name: {rust_name}_value` (or another name) to the field")));
                continue;
            }
            if set == FieldSet::Output && rust_name == "request_id" {
                self.push(f.error(
                    &format!("{here}.name"),
                    format!(
                        "field `{}` becomes `request_id`, which every response already has",
                        rf.name
                    ),
                    "give it another `rust_name`",
                ));
                continue;
            }
            if set == FieldSet::Input && rf.nullable {
                self.push(f.error(&format!("{here}.nullable"), format!("request parameter `{}` is marked nullable", rf.name), "`nullable` describes response values; remove it and use `required: false` for an optional parameter"));
                continue;
            }
            if set != FieldSet::Input && RESERVED_OUTPUT_NAMES.contains(&rust_name.as_str()) {
                self.push(f.error(&format!("{here}.name"), format!("field `{}` becomes `{rust_name}`, which the generated builder already uses", rf.name), format!("add `rust_name: {rust_name}_value` (or another name) to the field")));
                continue;
            }
            if set == FieldSet::Input && RESERVED_INPUT_NAMES.contains(&rust_name.as_str()) {
                self.push(f.error(&format!("{here}.name"), format!("field `{}` becomes `{rust_name}`, which the generated request builder already uses", rf.name), format!("add `rust_name: {rust_name}_value` (or another name) to the field")));
                continue;
            }
            if let Some(other) = rust_seen.insert(rust_name.clone(), rf.name.clone()) {
                self.push(f.error(
                    &format!("{here}.name"),
                    format!(
                        "fields `{other}` and `{}` both become `{rust_name}` in Rust",
                        rf.name
                    ),
                    "give one of them a distinct `rust_name`",
                ));
                continue;
            }
            self.non_empty(f, &format!("{here}.doc"), &rf.doc);
            let Some(ty) = self.parse_type(f, &format!("{here}.type"), &rf.ty, type_names) else {
                continue;
            };
            let constraints = match &rf.constraints {
                Some(c) => self.constraints(f, &format!("{here}.constraints"), c, &ty),
                None => Constraints::default(),
            };
            let value_set = self.field_value_set(f, &here, rf, &ty);
            let unit = self.field_unit(f, &here, rf, &ty);
            let sites = self.sites(f, &format!("{here}.sites"), &rf.sites);
            out.push(Field {
                api_name: rf.name.clone(),
                rust_name,
                doc: rf.doc.trim().to_owned(),
                ty,
                required: rf.required,
                nullable: rf.nullable,
                constraints,
                value_set,
                unit,
                sites,
            });
        }
        self.time_accessors(f, at, &out, set);
        out
    }

    /// A timestamp's `SystemTime` accessor must not take the name of a field or a method.
    fn time_accessors<T>(&mut self, f: &SpecFile<T>, at: &str, fields: &[Field], set: FieldSet) {
        let reserved: &[&str] = if set == FieldSet::Input {
            RESERVED_INPUT_NAMES
        } else {
            RESERVED_OUTPUT_NAMES
        };
        for (i, field) in fields.iter().enumerate() {
            if field.unit.is_none() {
                continue;
            }
            let accessor = names::time_accessor(field).to_string();
            let clash = fields.iter().any(|other| other.rust_name == accessor)
                || reserved.contains(&accessor.as_str())
                || (set != FieldSet::Output && accessor.starts_with("set_"));
            if clash {
                self.push(f.error(
                    &format!("{at}[{i}].unit"),
                    format!(
                        "the time accessor of `{}` would be `{accessor}`, a name already in use",
                        field.api_name
                    ),
                    "give the field a `rust_name` whose accessor name is free",
                ));
            }
        }
    }

    fn parse_type<T>(
        &mut self,
        f: &SpecFile<T>,
        at: &str,
        text: &str,
        type_names: &[String],
    ) -> Option<Type> {
        let text = text.trim();
        if let Some(inner) = text
            .strip_prefix("list<")
            .and_then(|rest| rest.strip_suffix('>'))
        {
            return self
                .parse_type(f, at, inner, type_names)
                .map(|t| Type::List(Box::new(t)));
        }
        match text {
            "string" => Some(Type::String),
            "bool" => Some(Type::Bool),
            "int64" => Some(Type::Int64),
            "uint64" => Some(Type::Uint64),
            "float" => Some(Type::Float),
            "image" => Some(Type::Image),
            name if type_names.iter().any(|t| t == name) => Some(Type::Object(name.to_owned())),
            unknown => {
                let candidates = SCALARS
                    .iter()
                    .copied()
                    .chain(type_names.iter().map(String::as_str));
                let hint = match names::closest(unknown, candidates) {
                    Some(near) => format!("did you mean `{near}`? "),
                    None => String::new(),
                };
                if self.value_sets.iter().any(|(n, _)| n == unknown) {
                    self.push(f.error(at, format!("`{unknown}` is a value set, not a type"), format!("keep the wire type (int64, uint64 or string) and add `value_set: {unknown}`")));
                    return None;
                }
                self.push(f.error(at, format!("unknown type `{unknown}`"), format!("{hint}use one of string, bool, int64, uint64, float, image, list<T>, or a type defined in spec/types.yaml")));
                None
            }
        }
    }

    fn constraints<T>(
        &mut self,
        f: &SpecFile<T>,
        at: &str,
        raw: &RawConstraints,
        ty: &Type,
    ) -> Constraints {
        let element = ty.element();
        let is_list = matches!(ty, Type::List(_));
        let mut applies = |key: &str, present: bool, ok: bool, needs: &str| {
            if present && !ok {
                self.errors.push(f.error(
                    &format!("{at}.{key}"),
                    format!("`{key}` does not apply to a field of type `{ty}`"),
                    format!("`{key}` applies to {needs}; remove it"),
                ));
            }
        };
        let is_string = *element == Type::String;
        let is_number = matches!(element, Type::Int64 | Type::Uint64 | Type::Float);
        applies(
            "min_length",
            raw.min_length.is_some(),
            is_string,
            "strings (and lists of strings, per item)",
        );
        applies(
            "max_length",
            raw.max_length.is_some(),
            is_string || *element == Type::Image,
            "strings and images (encoded length; lists of them per item)",
        );
        applies(
            "allowed_chars",
            raw.allowed_chars.is_some(),
            is_string,
            "strings (and lists of strings, per item)",
        );
        applies(
            "one_of",
            raw.one_of.is_some(),
            is_string,
            "strings (and lists of strings, per item)",
        );
        applies(
            "min",
            raw.min.is_some(),
            is_number,
            "numbers (and lists of numbers, per item)",
        );
        applies(
            "max",
            raw.max.is_some(),
            is_number,
            "numbers (and lists of numbers, per item)",
        );
        applies("min_items", raw.min_items.is_some(), is_list, "lists");
        applies("max_items", raw.max_items.is_some(), is_list, "lists");

        if let (Some(lo), Some(hi)) = (raw.min_length, raw.max_length) {
            if lo > hi {
                self.push(f.error(
                    &format!("{at}.min_length"),
                    format!("min_length {lo} is greater than max_length {hi}"),
                    "swap or correct the bounds",
                ));
            }
        }
        if let (Some(lo), Some(hi)) = (raw.min_items, raw.max_items) {
            if lo > hi {
                self.push(f.error(
                    &format!("{at}.min_items"),
                    format!("min_items {lo} is greater than max_items {hi}"),
                    "swap or correct the bounds",
                ));
            }
        }
        let allowed_chars = raw.allowed_chars.as_ref().and_then(|s| match parse_char_class(s) {
            Ok(class) => Some(class),
            Err(problem) => {
                self.push(f.error(&format!("{at}.allowed_chars"), format!("invalid allowed_chars `{s}`: {problem}"), "list characters and ranges like `A-Za-z0-9_-`: any `X-Y` is an inclusive range, so put a literal `-` first, last, or right after a range"));
                None
            }
        });
        if let Some(values) = &raw.one_of {
            let unique: HashSet<_> = values.iter().collect();
            if values.is_empty() || unique.len() != values.len() {
                self.push(f.error(
                    &format!("{at}.one_of"),
                    "one_of must list distinct values",
                    "list each allowed value once",
                ));
            }
        }
        let min = raw
            .min
            .as_ref()
            .and_then(|n| self.number(f, &format!("{at}.min"), n, element));
        let max = raw
            .max
            .as_ref()
            .and_then(|n| self.number(f, &format!("{at}.max"), n, element));
        if let (Some(lo), Some(hi), Some(lo_text), Some(hi_text)) = (min, max, &raw.min, &raw.max) {
            if as_f64(lo) > as_f64(hi) {
                self.push(f.error(
                    &format!("{at}.min"),
                    format!("min {lo_text} is greater than max {hi_text}"),
                    "swap or correct the bounds",
                ));
            }
        }
        Constraints {
            min_length: raw.min_length,
            max_length: raw.max_length,
            allowed_chars,
            one_of: raw.one_of.clone(),
            min,
            max,
            min_items: raw.min_items,
            max_items: raw.max_items,
            sources: self.limit_sources(f, at, raw),
        }
    }

    /// Where each limit comes from: a citation must state the limit's value, and every source
    /// must be about a limit that is set. (That every limit of `spec/` has a source is checked
    /// by the fidelity test, against the official docs.)
    fn limit_sources<T>(
        &mut self,
        f: &SpecFile<T>,
        at: &str,
        raw: &RawConstraints,
    ) -> Vec<(String, LimitSource)> {
        let cited = raw.cite.as_ref().map(|c| c.keys()).unwrap_or_default();
        let declared = raw.declared.clone().unwrap_or_default();
        let doc_of = raw.cite.as_ref().and_then(|c| c.doc_of.clone());
        if let Some(target) = &doc_of {
            let well_formed = target.split_once('.').is_some_and(|(owner, member)| {
                names::is_type_name(owner) && names::is_api_name(member)
            });
            if !well_formed {
                self.push(f.error(
                    &format!("{at}.cite.doc_of"),
                    format!("`doc_of: {target}` does not name a parameter"),
                    "write `Action.Field` (a request parameter) or `Type.Member`, e.g. `CreateGroup.GroupId`",
                ));
            }
        }
        let limits = raw.limits();
        for (key, text) in cited.entries().into_iter().chain(declared.entries()) {
            if !limits.iter().any(|(k, _)| *k == key) {
                let place = if cited.entries().iter().any(|(k, _)| *k == key) {
                    "cite"
                } else {
                    "declared"
                };
                self.push(f.error(
                    &format!("{at}.{place}.{key}"),
                    format!("`{place}` has `{key}`, but the field sets no `{key}` limit"),
                    format!("remove `{key}` from `{place}`, or add the limit it is about"),
                ));
            }
            if text.trim().is_empty() {
                self.push(f.error(
                    &format!("{at}.{key}"),
                    format!("the source of `{key}` is empty"),
                    "quote the documentation's words, or name a rule of declared_differences.yaml",
                ));
            }
        }
        let mut sources = Vec::new();
        for (key, value) in limits {
            let quote = cited
                .entries()
                .into_iter()
                .find(|(k, _)| *k == key)
                .map(|(_, q)| q);
            let rule = declared
                .entries()
                .into_iter()
                .find(|(k, _)| *k == key)
                .map(|(_, r)| r);
            match (quote, rule) {
                (Some(quote), None) => {
                    if let Err(problem) = citation::check(key, &value, quote) {
                        self.push(f.error(
                            &format!("{at}.cite.{key}"),
                            format!("the citation of `{key}: {value}` does not state it: {problem}"),
                            "quote the words of the documentation that give this limit, or correct the limit to what they say",
                        ));
                    }
                    sources.push((
                        key.to_owned(),
                        LimitSource::Cited {
                            quote: quote.to_owned(),
                            doc_of: doc_of.clone(),
                        },
                    ));
                }
                (None, Some(rule)) => {
                    if !rule
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    {
                        self.push(f.error(
                            &format!("{at}.declared.{key}"),
                            format!("`{rule}` is not a rule name"),
                            "name a rule of spec/declared_differences.yaml (snake_case) that gives the reason",
                        ));
                    }
                    sources.push((
                        key.to_owned(),
                        LimitSource::Declared {
                            rule: rule.to_owned(),
                        },
                    ));
                }
                (Some(_), Some(_)) => self.push(f.error(
                    &format!("{at}.declared.{key}"),
                    format!("`{key}` is both cited and declared"),
                    "keep one: the citation when the documentation states the limit",
                )),
                // Required of the shipped spec by the fidelity test, not of every spec.
                (None, None) => {}
            }
        }
        sources
    }

    fn number<T>(
        &mut self,
        f: &SpecFile<T>,
        at: &str,
        n: &serde_yaml::Number,
        ty: &Type,
    ) -> Option<Number> {
        let parsed = match ty {
            Type::Int64 => n.as_i64().map(Number::Int),
            Type::Uint64 => n.as_u64().map(Number::Uint),
            Type::Float => n.as_f64().filter(|v| v.is_finite()).map(Number::Float),
            _ => return None,
        };
        if parsed.is_none() {
            let want = match ty {
                Type::Int64 => "an integer that fits in int64",
                Type::Uint64 => "a non-negative integer",
                _ => "a finite number",
            };
            self.push(f.error(
                at,
                format!("bound `{n}` does not fit the field's type"),
                format!("use {want}"),
            ));
        }
        parsed
    }

    /// Codes of one list. `inherited` are codes the list is merged with (the common ones, for
    /// an action): repeating one of them overrides it, but turning into its variant is an error.
    fn error_codes<T>(
        &mut self,
        f: &SpecFile<T>,
        at: &str,
        raw: &[RawErrorCode],
        inherited: &[ErrorCode],
    ) -> Vec<ErrorCode> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut variants: HashMap<String, String> = inherited
            .iter()
            .map(|e| (e.variant.clone(), e.code.clone()))
            .collect();
        for (i, e) in raw.iter().enumerate() {
            let here = format!("{at}[{i}]");
            if !names::is_error_code(&e.code) {
                self.push(f.error(
                    &format!("{here}.code"),
                    format!("invalid error code `{}`", e.code),
                    "codes are dot-separated words, e.g. `InvalidParameterValue.GroupIdNotExist`",
                ));
                continue;
            }
            if !seen.insert(e.code.clone()) {
                self.push(f.error(
                    &format!("{here}.code"),
                    format!("duplicate error code `{}`", e.code),
                    "list each code once",
                ));
                continue;
            }
            let variant = names::error_variant(&e.code);
            if variant == FALLBACK_VARIANT || variant == COMMON_VARIANT {
                self.push(f.error(
                    &format!("{here}.code"),
                    format!(
                        "error code `{}` clashes with the `{variant}` variant",
                        e.code
                    ),
                    "this code cannot be generated; contact the maintainers",
                ));
                continue;
            }
            match variants.get(&variant) {
                Some(other) if *other != e.code => {
                    self.push(f.error(
                        &format!("{here}.code"),
                        format!(
                            "error codes `{other}` and `{}` both become the variant `{variant}`",
                            e.code
                        ),
                        "the codes differ only in case or dots; remove the wrong one",
                    ));
                    continue;
                }
                _ => {
                    variants.insert(variant.clone(), e.code.clone());
                }
            }
            self.non_empty(f, &format!("{here}.doc"), &e.doc);
            if e.retryable == Some(RawRetryable::Flag(true)) {
                self.push(f.error(
                    &format!("{here}.retryable"),
                    format!("`retryable: true` on `{}` does not say which kind of retry is safe", e.code),
                    "write `retryable: throttling` if the service refused the request without processing it (retried for any action), or `retryable: transient` if it may have processed it (retried only for idempotent actions)",
                ));
            }
            let sites = self.sites(f, &format!("{here}.sites"), &e.sites);
            out.push(ErrorCode {
                code: e.code.clone(),
                variant,
                doc: e.doc.trim().to_owned(),
                retry: e.retryable.and_then(RawRetryable::kind),
                sites,
                common: false,
            });
        }
        out
    }

    /// `sites` must name endpoints of `service.yaml`, each once, and not all of them: every
    /// endpoint is the default, written by leaving the key out.
    fn sites<T>(
        &mut self,
        f: &SpecFile<T>,
        at: &str,
        raw: &Option<Vec<String>>,
    ) -> Option<Vec<String>> {
        let sites = raw.as_ref()?;
        let known = self.endpoint_names.join("`, `");
        if sites.is_empty() {
            self.push(f.error(
                at,
                "`sites` is empty",
                format!("list the endpoints that offer it (`{known}`), or remove the key for all of them"),
            ));
            return None;
        }
        let mut seen = HashSet::new();
        for (i, site) in sites.iter().enumerate() {
            if !self.endpoint_names.contains(site) {
                let help = match names::closest(site, self.endpoint_names.iter().map(String::as_str)) {
                    Some(near) => format!("did you mean `{near}`? Sites are endpoint names from service.yaml: `{known}`"),
                    None => format!("sites are endpoint names from service.yaml: `{known}`"),
                };
                self.push(f.error(
                    &format!("{at}[{i}]"),
                    format!("`{site}` is not an endpoint"),
                    help,
                ));
            } else if !seen.insert(site.as_str()) {
                self.push(f.error(
                    &format!("{at}[{i}]"),
                    format!("site `{site}` is listed twice"),
                    "list each endpoint once",
                ));
            }
        }
        if seen.len() == self.endpoint_names.len() {
            self.push(f.error(
                at,
                "`sites` lists every endpoint",
                "remove the key: every endpoint is the default",
            ));
        }
        Some(sites.clone())
    }

    fn non_empty<T>(&mut self, f: &SpecFile<T>, at: &str, text: &str) {
        if text.trim().is_empty() {
            self.push(f.error(
                at,
                format!("`{}` is empty", at.rsplit('.').next().unwrap_or(at)),
                "write the documentation text; it becomes rustdoc",
            ));
        }
    }

    fn push(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldSet {
    Input,
    Output,
    Object,
}

fn is_api_version(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A path of direct members from type `start` back to itself, as (type, member) steps.
fn find_cycle(edges: &[Vec<(usize, usize)>], start: usize) -> Option<Vec<(usize, usize)>> {
    fn walk(
        edges: &[Vec<(usize, usize)>],
        start: usize,
        at: usize,
        path: &mut Vec<(usize, usize)>,
        visited: &mut HashSet<usize>,
    ) -> bool {
        for &(member, target) in &edges[at] {
            path.push((at, member));
            if target == start
                || (visited.insert(target) && walk(edges, start, target, path, visited))
            {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = Vec::new();
    walk(edges, start, start, &mut path, &mut HashSet::new()).then_some(path)
}

fn as_f64(n: Number) -> f64 {
    match n {
        Number::Int(v) => v as f64,
        Number::Uint(v) => v as f64,
        Number::Float(v) => v,
    }
}

/// `A-Za-z0-9-%@#&_`: `X-Y` is an inclusive range, every other character (a `-` too) is literal.
pub fn parse_char_class(source: &str) -> Result<CharClass, String> {
    let chars: Vec<char> = source.chars().collect();
    if chars.is_empty() {
        return Err("it is empty".to_owned());
    }
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' {
            let (lo, hi) = (chars[i], chars[i + 2]);
            if lo > hi {
                return Err(format!("range `{lo}-{hi}` is backwards"));
            }
            ranges.push((lo, hi));
            i += 3;
        } else {
            ranges.push((chars[i], chars[i]));
            i += 1;
        }
    }
    Ok(CharClass {
        source: source.to_owned(),
        ranges,
    })
}

/// Computes `needs_validation` for object types to a fixed point (types may nest).
fn mark_validated_types(service: &mut Service) {
    loop {
        let validated: HashSet<String> = service
            .types
            .iter()
            .filter(|t| t.needs_validation)
            .map(|t| t.name.clone())
            .collect();
        let mut changed = false;
        for t in &mut service.types {
            if !t.needs_validation
                && t.fields
                    .iter()
                    .any(|f| field_needs_validation(f, &validated))
            {
                t.needs_validation = true;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// Which way each type travels. Types reached from some request and from no response refuse
/// unknown members when decoded, like requests do: a key nobody reads must not be dropped
/// silently on its way out.
fn mark_directions(service: &mut Service) {
    let reach = |roots: Vec<&Field>| -> HashSet<String> {
        let mut seen = HashSet::new();
        let mut stack: Vec<String> = roots
            .into_iter()
            .filter_map(|f| match f.ty.element() {
                Type::Object(name) => Some(name.clone()),
                _ => None,
            })
            .collect();
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(t) = service.types.iter().find(|t| t.name == name) {
                for f in &t.fields {
                    if let Type::Object(inner) = f.ty.element() {
                        stack.push(inner.clone());
                    }
                }
            }
        }
        seen
    };
    let in_requests = reach(service.actions.iter().flat_map(|a| &a.input).collect());
    let in_responses = reach(service.actions.iter().flat_map(|a| &a.output).collect());
    for t in &mut service.types {
        t.in_requests = in_requests.contains(&t.name);
        t.in_responses = in_responses.contains(&t.name);
    }
}

/// Whether a field has its own constraints or holds a type that has some.
pub fn field_needs_validation(field: &Field, validated_types: &HashSet<String>) -> bool {
    // Every image is checked for emptiness.
    !field.constraints.is_empty()
        || field.ty.element() == &Type::Image
        || matches!(field.ty.element(), Type::Object(name) if validated_types.contains(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_classes() {
        let c = parse_char_class("A-Za-z0-9-%@#&_").unwrap();
        assert_eq!(
            c.ranges[..4],
            [('A', 'Z'), ('a', 'z'), ('0', '9'), ('-', '-')]
        );
        assert_eq!(c.describe(), "A-Z, a-z, 0-9 and any of \"-%@#&_\"");
        assert!(parse_char_class("z-a").is_err());
        assert!(parse_char_class("").is_err());
    }
}
