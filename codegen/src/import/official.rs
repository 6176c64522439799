//! Tencent Cloud's machine-readable API description (the `tccli` `api.json` and
//! `examples.json` files) and the per-action error lists, as published.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct ApiDescription {
    pub actions: BTreeMap<String, ApiAction>,
    pub objects: BTreeMap<String, ApiObject>,
    pub metadata: ApiMetadata,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiMetadata {
    pub api_version: String,
    pub service_short_name: String,
}

#[derive(Debug, Deserialize)]
pub struct ApiAction {
    pub document: String,
    /// `online` or `deprecated`.
    #[serde(default)]
    pub status: Option<String>,
    pub input: String,
    pub name: String,
    pub output: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ApiObject {
    #[serde(default)]
    pub document: String,
    pub members: Vec<ApiMember>,
}

#[derive(Debug, Deserialize)]
pub struct ApiMember {
    #[serde(default)]
    pub document: String,
    pub member: String,
    pub name: String,
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub output_required: Option<bool>,
    #[serde(default)]
    pub value_allowed_null: Option<bool>,
    #[serde(default)]
    pub disabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct ApiExamples {
    pub actions: BTreeMap<String, Vec<ApiExample>>,
}

#[derive(Debug, Deserialize)]
pub struct ApiExample {
    #[serde(default)]
    pub document: String,
    pub input: String,
    pub output: String,
    pub title: String,
}

/// `iai_action_errors.json`: codes per action, by SDK flavour (`intl_en`, `cn`).
#[derive(Debug, Deserialize)]
pub struct ActionErrors {
    pub actions: BTreeMap<String, BTreeMap<String, Option<Vec<String>>>>,
}

/// `iai_error_descriptions.json`: one description per code, by language.
#[derive(Debug, Deserialize)]
pub struct ErrorDescriptions {
    pub codes: BTreeMap<String, ErrorDescription>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorDescription {
    #[serde(default)]
    pub en: Option<String>,
}
