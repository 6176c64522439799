//! The YAML structures exactly as written; every key is documented in spec/README.md.

use serde::Deserialize;

/// `spec/service.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    pub service: String,
    pub title: String,
    pub version: String,
    pub doc: String,
    pub endpoints: Vec<RawEndpoint>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEndpoint {
    pub name: String,
    pub host: String,
    #[serde(default)]
    pub default: bool,
    pub doc: String,
}

/// `spec/common_errors.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommonErrors {
    pub errors: Vec<RawErrorCode>,
}

/// `spec/types.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTypes {
    pub types: Vec<RawObjectType>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObjectType {
    pub name: String,
    pub doc: String,
    pub members: Vec<RawField>,
}

/// `spec/actions/<Action>.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAction {
    pub action: String,
    pub title: String,
    pub doc: String,
    #[serde(default)]
    pub idempotent: bool,
    #[serde(default)]
    pub region_required: bool,
    #[serde(default)]
    pub input: Vec<RawField>,
    #[serde(default)]
    pub output: Vec<RawField>,
    #[serde(default)]
    pub errors: Vec<RawErrorCode>,
    #[serde(default)]
    pub examples: Vec<RawExample>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawField {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub doc: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub nullable: bool,
    /// Overrides the Rust name derived from `name`.
    #[serde(default)]
    pub rust_name: Option<String>,
    #[serde(default)]
    pub constraints: Option<RawConstraints>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConstraints {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub allowed_chars: Option<String>,
    pub one_of: Option<Vec<String>>,
    pub min: Option<serde_yaml::Number>,
    pub max: Option<serde_yaml::Number>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawErrorCode {
    pub code: String,
    pub doc: String,
    #[serde(default)]
    pub retryable: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExample {
    pub title: String,
    #[serde(default)]
    pub doc: Option<String>,
    pub input: serde_yaml::Value,
    /// The contents of `Response` (without the envelope), `RequestId` included.
    pub output: serde_yaml::Value,
}
