//! The YAML structures exactly as written; every key is documented in spec/README.md.
//! They also serialize, in this key order, for `cargo xtask import`.

use serde::{Deserialize, Serialize};

fn is_false(b: &bool) -> bool {
    !*b
}

/// `spec/service.yaml`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    pub service: String,
    pub title: String,
    pub version: String,
    pub doc: String,
    pub endpoints: Vec<RawEndpoint>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawEndpoint {
    pub name: String,
    pub host: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
    pub doc: String,
}

/// `spec/common_errors.yaml`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommonErrors {
    pub errors: Vec<RawErrorCode>,
}

/// `spec/types.yaml`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTypes {
    pub types: Vec<RawObjectType>,
    /// Closed value sets a field names with `value_set:`; hand-written, kept by import.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value_sets: Vec<RawValueSet>,
}

/// A documented set of values (`0: no; 1: yes`, `"2.0"`, `"3.0"`): a forward-compatible newtype.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawValueSet {
    pub name: String,
    /// `integer` or `string`: what the values are on the wire.
    #[serde(rename = "type")]
    pub ty: String,
    pub doc: String,
    pub values: Vec<RawKnownValue>,
}

/// One documented value of a value set.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawKnownValue {
    /// The constant's name, SCREAMING_SNAKE_CASE, e.g. `MALE`.
    pub name: String,
    /// An integer or a string, matching the set's `type`.
    pub value: serde_yaml::Value,
    pub doc: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawObjectType {
    pub name: String,
    /// Endpoints (by `service.yaml` name) whose site documents the type; absent: every one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sites: Option<Vec<String>>,
    pub doc: String,
    /// The original Chinese text when only the mainland site documents the type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_zh: Option<String>,
    pub members: Vec<RawField>,
}

/// `spec/actions/<Action>.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawAction {
    pub action: String,
    /// Endpoints (by `service.yaml` name) that offer the action; absent: every one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sites: Option<Vec<String>>,
    /// The service marks the action deprecated (`status: deprecated`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_zh: Option<String>,
    pub doc: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_zh: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub idempotent: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub region_required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<RawPagination>,
    /// Groups of optional input fields (API names) of which a request must set at least one,
    /// e.g. `[[Image, Url]]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_least_one_of: Vec<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input: Vec<RawField>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output: Vec<RawField>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<RawErrorCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<RawExample>,
}

/// Offset/limit paging; names are API field names.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPagination {
    pub offset: String,
    pub limit: String,
    pub items: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
    pub default_limit: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawField {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// Overrides the Rust name derived from `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<RawConstraints>,
    /// The name of a value set of `types.yaml` whose values the field holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_set: Option<String>,
    /// For a timestamp: `milliseconds` or `seconds` since the UNIX epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<RawTimeUnit>,
    /// Endpoints (by `service.yaml` name) whose site documents the member; absent: every one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sites: Option<Vec<String>>,
    pub doc: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_zh: Option<String>,
}

/// `unit:` of a timestamp field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RawTimeUnit {
    Milliseconds,
    Seconds,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawConstraints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_chars: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<serde_yaml::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<serde_yaml::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// Where the documentation states each limit: the words that give it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cite: Option<RawCitations>,
    /// Limits the documentation does not state, each naming the rule of
    /// `declared_differences.yaml` that gives the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared: Option<RawConstraintKeys>,
}

/// `constraints.cite`: for each limit, a fragment of the official documentation that states it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCitations {
    /// The parameter whose official doc holds the fragments, as `Action.Field` (a request
    /// parameter) or `Type.Member`, when it is not this field's own doc: e.g. `GroupId` in
    /// `DeleteGroup` is "the `GroupId` in the `CreateGroup` API", whose doc gives its format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_chars: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<String>,
}

impl RawCitations {
    /// The quotes, one per constraint key.
    pub fn keys(&self) -> RawConstraintKeys {
        RawConstraintKeys {
            min_length: self.min_length.clone(),
            max_length: self.max_length.clone(),
            allowed_chars: self.allowed_chars.clone(),
            one_of: self.one_of.clone(),
            min: self.min.clone(),
            max: self.max.clone(),
            min_items: self.min_items.clone(),
            max_items: self.max_items.clone(),
        }
    }
}

/// One text per constraint key (a citation, or the name of a declared rule).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawConstraintKeys {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_chars: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<String>,
}

impl RawConstraintKeys {
    /// `(key, text)` for every key that is set, in spec order.
    pub fn entries(&self) -> Vec<(&'static str, &str)> {
        [
            ("min_length", &self.min_length),
            ("max_length", &self.max_length),
            ("allowed_chars", &self.allowed_chars),
            ("one_of", &self.one_of),
            ("min", &self.min),
            ("max", &self.max),
            ("min_items", &self.min_items),
            ("max_items", &self.max_items),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }
}

impl RawConstraints {
    /// `(key, value as written)` for every limit that is set, in spec order.
    pub fn limits(&self) -> Vec<(&'static str, String)> {
        let n = |v: &Option<u64>| v.map(|v| v.to_string());
        let f = |v: &Option<serde_yaml::Number>| v.as_ref().map(|v| v.to_string());
        [
            ("min_length", n(&self.min_length)),
            ("max_length", n(&self.max_length)),
            ("allowed_chars", self.allowed_chars.clone()),
            ("one_of", self.one_of.as_ref().map(|v| v.join(", "))),
            ("min", f(&self.min)),
            ("max", f(&self.max)),
            ("min_items", n(&self.min_items)),
            ("max_items", n(&self.max_items)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawErrorCode {
    pub code: String,
    /// Absent means not retryable; an explicit `false` also keeps import from marking the code
    /// retryable by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retryable: Option<RawRetryable>,
    /// Endpoints (by `service.yaml` name) whose per-action list has the code; absent: every one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sites: Option<Vec<String>>,
    pub doc: String,
}

/// `retryable:` is `false` or the kind of retry the code allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum RawRetryable {
    /// `false` (never retried); `true` is refused by the checker, which asks for a kind.
    Flag(bool),
    Kind(RetryKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryKind {
    /// The service refused the request without processing it: safe to retry for any action.
    Throttling,
    /// The service may have processed the request: retried for idempotent actions only.
    Transient,
}

impl RawRetryable {
    pub fn kind(self) -> Option<RetryKind> {
        match self {
            RawRetryable::Kind(k) => Some(k),
            RawRetryable::Flag(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawExample {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// The example shows a failed call (its output may hold `Error`, or only `RequestId`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub error: bool,
    pub input: serde_yaml::Value,
    /// The contents of `Response` (without the envelope), `RequestId` included; an error
    /// example has `Error` and `RequestId`.
    pub output: serde_yaml::Value,
}
