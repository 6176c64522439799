//! `cargo xtask import`: Tencent Cloud's machine-readable API descriptions → spec YAML.
//!
//! The international site's description is the base (its English text is used); the mainland
//! site's, when given, adds what only it has, marked with `sites`. Import is repeatable and
//! deterministic. Keys the descriptions cannot know are hand-written and survive re-import:
//! every key import does not write itself (`constraints`, `rust_name`, `value_set`, `unit`,
//! `value_sets` of types.yaml, `idempotent`,
//! `region_required`, `pagination`, `retryable`, and any key added later) is copied from the file
//! on disk, and so is the English `doc`/`title` of an item only the mainland site documents
//! (its Chinese original is kept beside it as `doc_zh`/`title_zh`). Every other difference from a
//! file on disk, every difference between the two sites and every repaired example is reported.
//! Upstream boilerplate declared in `declared_differences.yaml` (`doc_removals`) is removed from
//! every doc.

pub mod doc_removals;
mod examples;
mod official;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use official::{
    ActionErrors, ApiAction, ApiDescription, ApiExamples, ApiMember, ApiObject, ErrorDescriptions,
};

use crate::spec::load::{ACTIONS_DIR, SERVICE_FILE, TYPES_FILE};
use crate::spec::raw::{
    RawAction, RawErrorCode, RawExample, RawField, RawObjectType, RawRetryable, RawService,
    RawTypes, RetryKind,
};

/// The input files; only the international API description is required.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub api: PathBuf,
    pub examples: Option<PathBuf>,
    /// The mainland China site's API description (Chinese text).
    pub mainland: Option<PathBuf>,
    pub mainland_examples: Option<PathBuf>,
    pub action_errors: Option<PathBuf>,
    /// Defaults to `iai_error_descriptions.json` beside `action_errors`.
    pub error_descriptions: Option<PathBuf>,
}

/// Endpoint names (in `service.yaml`) of the two sites.
pub const INTERNATIONAL: &str = "international";
pub const MAINLAND: &str = "mainland_china";

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

const HEADER: &str = "# Imported by `cargo xtask import` from Tencent Cloud's API descriptions. Hand-written keys\n# (constraints, rust_name, idempotent, region_required, pagination, retryable, and the English\n# doc of mainland-only items) survive re-import.\n";

/// Placeholder for a mainland-only text nobody has translated yet.
pub const UNTRANSLATED: &str = "Not translated yet: see `doc_zh`.";

/// The retry kind import gives a code when the file on disk says nothing. Throttling: the
/// service refused the request before processing it. Transient: the backend failed or timed
/// out while handling it, so it may have been applied.
pub fn retry_kind_by_default(code: &str) -> Option<RetryKind> {
    if code.starts_with("RequestLimitExceeded") || code.ends_with(".RequestLimitExceeded") {
        Some(RetryKind::Throttling)
    } else if matches!(
        code,
        "FailedOperation.ServerError"
            | "FailedOperation.RequestTimeout"
            | "FailedOperation.RpcFail"
    ) {
        Some(RetryKind::Transient)
    } else {
        None
    }
}

/// Read-only actions, safe to repeat when a failure leaves it unknown whether they ran.
fn idempotent_by_default(action: &str) -> bool {
    ["Get", "Detect", "Search", "Compare", "Verify", "Analyze"]
        .iter()
        .any(|p| action.starts_with(p))
}

/// What import produced, and what it had to leave out or repair, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub files: Vec<ImportedFile>,
    pub warnings: Vec<String>,
    /// Every difference between the two sites' descriptions, and every repaired example.
    pub report: Vec<String>,
}

/// One item as each site describes it.
struct Both<'a, T> {
    intl: Option<&'a T>,
    cn: Option<&'a T>,
}

impl<'a, T> Both<'a, T> {
    fn any(&self) -> &'a T {
        self.intl
            .or(self.cn)
            .expect("an item is on at least one site")
    }

    fn sites(&self, two_sites: bool) -> Option<Vec<String>> {
        match (two_sites, self.intl, self.cn) {
            (true, Some(_), None) => Some(vec![INTERNATIONAL.to_owned()]),
            (true, None, Some(_)) => Some(vec![MAINLAND.to_owned()]),
            _ => None,
        }
    }
}

/// Import state shared by every file: the sources and the report being written.
struct Importer<'a> {
    intl: &'a ApiDescription,
    cn: Option<&'a ApiDescription>,
    /// Chinese text → the international site's English for the same member, for mainland-only
    /// members whose Chinese text is word for word one the official English translates.
    official_translations: BTreeMap<String, String>,
    /// Upstream text that does not apply to this client (`declared_differences.yaml`).
    removals: Vec<doc_removals::DocRemoval>,
    report: Vec<String>,
    warnings: Vec<String>,
}

pub fn import(sources: &Sources, spec_dir: &Path) -> Result<Import, String> {
    let api: ApiDescription = read_json(&sources.api)?;
    let mainland: Option<ApiDescription> =
        sources.mainland.as_deref().map(read_json).transpose()?;
    let official_examples: Option<ApiExamples> =
        sources.examples.as_deref().map(read_json).transpose()?;
    let mainland_examples: Option<ApiExamples> = sources
        .mainland_examples
        .as_deref()
        .map(read_json)
        .transpose()?;
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
        for d in std::iter::once(&api).chain(mainland.as_ref()) {
            if service.version != d.metadata.api_version
                || service.service != d.metadata.service_short_name
            {
                return Err(format!(
                    "{} describes {} {}, but an API description is {} {}; import into the matching spec",
                    service_path.display(),
                    service.service,
                    service.version,
                    d.metadata.service_short_name,
                    d.metadata.api_version
                ));
            }
        }
        if mainland.is_some() {
            for site in [INTERNATIONAL, MAINLAND] {
                if !service.endpoints.iter().any(|e| e.name == site) {
                    return Err(format!(
                        "{} has no endpoint `{site}`; importing both sites marks items with `sites: [{site}]`",
                        service_path.display()
                    ));
                }
            }
        }
    }

    let mut cx = Importer {
        intl: &api,
        cn: mainland.as_ref(),
        official_translations: BTreeMap::new(),
        removals: doc_removals::load(spec_dir)?,
        report: Vec::new(),
        warnings: Vec::new(),
    };
    cx.collect_official_translations();
    let two_sites = cx.cn.is_some();

    let roles = cx.object_roles();
    let types_path = spec_dir.join(TYPES_FILE);
    let old_types_file = read_yaml::<RawTypes>(&types_path)?;
    let old_types: BTreeMap<String, RawObjectType> = old_types_file
        .clone()
        .map(|t| t.types.into_iter().map(|t| (t.name.clone(), t)).collect())
        .unwrap_or_default();
    let mut types = BTreeMap::new();
    for (name, role) in &roles {
        let object = cx.object(name);
        let old = old_types.get(name);
        let members = cx.fields(name, &object, *role, old.map(|t| t.members.as_slice()))?;
        let (doc, doc_zh) = cx.text(
            &format!("type {name}"),
            object.intl.map(|o| o.document.as_str()),
            object.cn.map(|o| o.document.as_str()),
            old.map(|t| (t.doc.as_str(), t.doc_zh.as_deref())),
        );
        let new = RawObjectType {
            name: name.clone(),
            sites: object.sites(two_sites),
            doc,
            doc_zh,
            members,
        };
        types.insert(
            name.clone(),
            keep_hand_written(new, old, &["name", "sites", "doc", "doc_zh", "members"])?,
        );
    }

    let mut files = vec![render(
        &types_path,
        &RawTypes {
            types: types.values().cloned().collect(),
            // Value sets are hand-written: the descriptions state them only in prose.
            value_sets: old_types_file
                .as_ref()
                .map(|t| t.value_sets.clone())
                .unwrap_or_default(),
        },
        &old_types_file,
        describe_types,
    )?];

    let schema = examples::Schema { types: &types };
    let action_names: BTreeSet<&String> = api
        .actions
        .keys()
        .chain(cx.cn.iter().flat_map(|d| d.actions.keys()))
        .collect();
    for name in action_names {
        let action = Both {
            intl: api.actions.get(name),
            cn: cx.cn.and_then(|d| d.actions.get(name)),
        };
        let path = spec_dir.join(ACTIONS_DIR).join(format!("{name}.yaml"));
        let old = read_yaml::<RawAction>(&path)?;
        let request = cx.io_object(&action, |a| &a.input);
        let response = cx.io_object(&action, |a| &a.output);
        let input = cx.fields(
            name,
            &request,
            Role::Input,
            old.as_ref().map(|o| o.input.as_slice()),
        )?;
        let output = cx.fields(
            name,
            &response,
            Role::Output,
            old.as_ref().map(|o| o.output.as_slice()),
        )?;
        let errors = cx.error_codes(
            name,
            action_errors.as_ref(),
            descriptions.as_ref(),
            old.as_ref(),
        );
        let examples = match (&official_examples, &mainland_examples) {
            (None, None) => old.as_ref().map(|o| o.examples.clone()).unwrap_or_default(),
            _ => cx.examples(
                name,
                official_examples.as_ref(),
                mainland_examples.as_ref(),
                (&input, &output),
                &schema,
                old.as_ref(),
            ),
        };
        let old_texts = |title: bool| {
            old.as_ref().map(|o| {
                if title {
                    (o.title.as_str(), o.title_zh.as_deref())
                } else {
                    (o.doc.as_str(), o.doc_zh.as_deref())
                }
            })
        };
        let (title, title_zh) = cx.text(
            &format!("{name} title"),
            action.intl.map(|a| a.name.as_str()),
            action.cn.map(|a| a.name.as_str()),
            old_texts(true),
        );
        let (doc, doc_zh) = cx.text(
            &format!("{name} doc"),
            action.intl.map(|a| a.document.as_str()),
            action.cn.map(|a| a.document.as_str()),
            old_texts(false),
        );
        let deprecated = [action.intl, action.cn]
            .into_iter()
            .flatten()
            .any(|a| a.status.as_deref() == Some("deprecated"));
        if let (Some(i), Some(c)) = (action.intl, action.cn) {
            if i.status != c.status {
                cx.report.push(format!(
                    "{name}: status is {:?} on the international site and {:?} on the mainland site",
                    i.status, c.status
                ));
            }
        }
        let new = RawAction {
            action: name.clone(),
            sites: action.sites(two_sites),
            deprecated,
            title,
            title_zh,
            doc,
            doc_zh,
            idempotent: old
                .as_ref()
                .map_or_else(|| idempotent_by_default(name), |o| o.idempotent),
            input,
            output,
            errors,
            examples,
            // Hand-written keys (any added later too) come from the file on disk, below.
            ..RawAction::default()
        };
        let raw = keep_hand_written(
            new,
            old.as_ref(),
            &[
                "action",
                "sites",
                "deprecated",
                "title",
                "title_zh",
                "doc",
                "doc_zh",
                "input",
                "output",
                "errors",
                "examples",
            ],
        )?;
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
            .filter(|name| {
                !api.actions.contains_key(name)
                    && !cx.cn.is_some_and(|d| d.actions.contains_key(name))
            })
            .collect();
        extra.sort();
        for name in extra {
            cx.warnings.push(format!(
                "{name}: spec/{ACTIONS_DIR}/{name}.yaml is not in the API description; left as is (delete it if the action is gone)"
            ));
        }
    }
    Ok(Import {
        files,
        warnings: cx.warnings,
        report: cx.report,
    })
}

/// `new` with every key of `old` that import does not write (`imported`) copied over: keys
/// written by hand, including ones added to the spec format after this importer.
fn keep_hand_written<T: Serialize + DeserializeOwned>(
    new: T,
    old: Option<&T>,
    imported: &[&str],
) -> Result<T, String> {
    let Some(old) = old else {
        return Ok(new);
    };
    let to_value = |v: &T| serde_yaml::to_value(v).map_err(|e| e.to_string());
    let (serde_yaml::Value::Mapping(old), serde_yaml::Value::Mapping(mut merged)) =
        (to_value(old)?, to_value(&new)?)
    else {
        return Ok(new);
    };
    for (key, value) in old {
        if !key.as_str().is_some_and(|k| imported.contains(&k)) {
            merged.insert(key, value);
        }
    }
    serde_yaml::from_value(serde_yaml::Value::Mapping(merged)).map_err(|e| e.to_string())
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Input,
    Output,
    /// An object type found only in requests: `required` is the request's rule, no `null`.
    RequestObject,
    /// An object type found in responses.
    ResponseObject,
}

impl<'a> Importer<'a> {
    fn descriptions(&self) -> impl Iterator<Item = &'a ApiDescription> {
        std::iter::once(self.intl).chain(self.cn)
    }

    fn object(&self, name: &str) -> Both<'a, ApiObject> {
        Both {
            intl: self.intl.objects.get(name),
            cn: self.cn.and_then(|d| d.objects.get(name)),
        }
    }

    /// An action's request or response object, on each site that has the action.
    fn io_object(
        &self,
        action: &Both<'a, ApiAction>,
        which: fn(&ApiAction) -> &String,
    ) -> Both<'a, ApiObject> {
        Both {
            intl: action.intl.and_then(|a| self.intl.objects.get(which(a))),
            cn: action
                .cn
                .and_then(|a| self.cn.and_then(|d| d.objects.get(which(a)))),
        }
    }

    /// Object types (not request or response objects), each with the side it is found on.
    fn object_roles(&self) -> BTreeMap<String, Role> {
        let mut roles: BTreeMap<String, Role> = BTreeMap::new();
        for d in self.descriptions() {
            for a in d.actions.values() {
                for (root, role) in [
                    (&a.input, Role::RequestObject),
                    (&a.output, Role::ResponseObject),
                ] {
                    let mut stack = vec![root.clone()];
                    let mut seen = BTreeSet::new();
                    while let Some(object) = stack.pop() {
                        let Some(o) = d.objects.get(&object) else {
                            continue;
                        };
                        for m in &o.members {
                            if d.objects.contains_key(&m.member) && seen.insert(m.member.clone()) {
                                let entry = roles.entry(m.member.clone()).or_insert(role);
                                if *entry != role {
                                    // Found on both sides: responses decide (they may hold null).
                                    *entry = Role::ResponseObject;
                                }
                                stack.push(m.member.clone());
                            }
                        }
                    }
                }
            }
            // Types no action reaches are still imported, as response types.
            let io: BTreeSet<&String> = d
                .actions
                .values()
                .flat_map(|a| [&a.input, &a.output])
                .collect();
            for name in d.objects.keys() {
                if !io.contains(name) {
                    roles.entry(name.clone()).or_insert(Role::ResponseObject);
                }
            }
        }
        roles
    }

    fn collect_official_translations(&mut self) {
        let Some(cn) = self.cn else { return };
        for (name, object) in &cn.objects {
            let Some(intl) = self.intl.objects.get(name) else {
                continue;
            };
            for m in &object.members {
                if let Some(en) = intl.members.iter().find(|e| e.name == m.name) {
                    let zh = doc_removals::apply(&m.document, &self.removals);
                    let en = doc_removals::apply(&en.document, &self.removals);
                    if !zh.is_empty() && !en.is_empty() {
                        self.official_translations.entry(zh).or_insert(en);
                    }
                }
            }
        }
    }

    /// The English text and, for a mainland-only item, its Chinese original. The English is the
    /// international site's; for a mainland-only item it is the hand-written text on disk, or
    /// the official English of the same Chinese text elsewhere, or a placeholder (with a warning).
    fn text(
        &mut self,
        what: &str,
        intl: Option<&str>,
        cn: Option<&str>,
        old: Option<(&str, Option<&str>)>,
    ) -> (String, Option<String>) {
        let intl = intl.map(|t| doc_removals::apply(t, &self.removals));
        let cn = cn.map(|t| doc_removals::apply(t, &self.removals));
        let (intl, cn) = (intl.as_deref(), cn.as_deref());
        if let Some(en) = intl {
            return (doc_or_placeholder(en), None);
        }
        let Some(zh) = cn.map(str::trim).filter(|z| !z.is_empty()) else {
            return (doc_or_placeholder(""), None);
        };
        let zh = zh.to_owned();
        let hand_written = old
            .filter(|(doc, zh_on_disk)| zh_on_disk.is_some() && *doc != UNTRANSLATED)
            .map(|(doc, zh_on_disk)| (doc.to_owned(), zh_on_disk.unwrap_or_default()));
        match hand_written {
            Some((doc, zh_on_disk)) => {
                if zh_on_disk.trim() != zh {
                    self.warnings.push(format!(
                        "{what}: the Chinese original changed; check the English translation"
                    ));
                }
                (doc, Some(zh))
            }
            None => match self.official_translations.get(&zh) {
                Some(en) => (en.clone(), Some(zh)),
                None => {
                    self.warnings.push(format!(
                        "{what}: only the mainland site documents it; write the English `doc` by hand (the original is in `doc_zh`)"
                    ));
                    (UNTRANSLATED.to_owned(), Some(zh))
                }
            },
        }
    }

    fn fields(
        &mut self,
        owner: &str,
        object: &Both<'a, ApiObject>,
        role: Role,
        old: Option<&[RawField]>,
    ) -> Result<Vec<RawField>, String> {
        let two_sites = self.cn.is_some();
        let live = |o: Option<&'a ApiObject>| -> Vec<&'a ApiMember> {
            o.map(|o| {
                o.members
                    .iter()
                    .filter(|m| m.disabled != Some(true))
                    .collect()
            })
            .unwrap_or_default()
        };
        let (intl, cn) = (live(object.intl), live(object.cn));
        // The international order, then what only the mainland site has.
        let mut names: Vec<&str> = intl.iter().map(|m| m.name.as_str()).collect();
        for m in &cn {
            if !names.contains(&m.name.as_str()) {
                names.push(&m.name);
            }
        }
        let mut out = Vec::new();
        for name in names {
            if role == Role::Output && name == "RequestId" {
                continue; // every response gets it automatically
            }
            let member = Both {
                intl: intl.iter().copied().find(|m| m.name == name),
                cn: cn.iter().copied().find(|m| m.name == name),
            };
            let at = format!("{owner}.{name}");
            let ty = member_type(member.any())?;
            if let (Some(i), Some(c)) = (member.intl, member.cn) {
                let cn_ty = member_type(c)?;
                if cn_ty != ty {
                    self.report.push(format!(
                        "{at}: type is `{ty}` on the international site and `{cn_ty}` on the mainland site; `{ty}` is used"
                    ));
                }
                for (flag, a, b) in [
                    ("required", i.required, c.required),
                    ("output_required", i.output_required, c.output_required),
                    (
                        "value_allowed_null",
                        i.value_allowed_null,
                        c.value_allowed_null,
                    ),
                ] {
                    if a.unwrap_or(false) != b.unwrap_or(false) {
                        self.report.push(format!(
                            "{at}: `{flag}` is {a:?} on the international site and {b:?} on the mainland site"
                        ));
                    }
                }
            } else if object.intl.is_some() && object.cn.is_some() {
                let site = if member.cn.is_some() {
                    "mainland"
                } else {
                    "international"
                };
                self.report
                    .push(format!("{at}: only the {site} site has this member"));
            }
            let sides = || [member.intl, member.cn].into_iter().flatten();
            let (required, nullable) = match role {
                Role::Input | Role::RequestObject => {
                    (sides().any(|m| m.required == Some(true)), false)
                }
                // A response member is always there unless a site says otherwise.
                Role::Output => (
                    sides().all(|m| m.output_required.or(m.required).unwrap_or(true)),
                    sides().any(|m| m.value_allowed_null == Some(true)),
                ),
                Role::ResponseObject => (
                    sides().all(|m| m.output_required.or(m.required).unwrap_or(false)),
                    sides().any(|m| m.value_allowed_null == Some(true)),
                ),
            };
            // A member one site of a shared item lacks is never there on the other site.
            let one_site_only = object.intl.is_some()
                && object.cn.is_some()
                && (member.intl.is_none() || member.cn.is_none());
            let required = required && !one_site_only;
            let previous = old.and_then(|fields| fields.iter().find(|f| f.name == name));
            let (doc, doc_zh) = self.text(
                &at,
                member.intl.map(|m| m.document.as_str()),
                member.cn.map(|m| m.document.as_str()),
                previous.map(|p| (p.doc.as_str(), p.doc_zh.as_deref())),
            );
            let new = RawField {
                name: name.to_owned(),
                ty,
                required,
                nullable,
                // Inside an item only one site has, the item's own `sites` says it all.
                sites: if object.intl.is_some() && object.cn.is_some() {
                    member.sites(two_sites)
                } else {
                    None
                },
                doc,
                doc_zh,
                ..RawField::default()
            };
            out.push(keep_hand_written(
                new,
                previous,
                &[
                    "name", "type", "required", "nullable", "sites", "doc", "doc_zh",
                ],
            )?);
        }
        Ok(out)
    }

    fn error_codes(
        &mut self,
        action: &str,
        lists: Option<&ActionErrors>,
        descriptions: Option<&ErrorDescriptions>,
        old: Option<&RawAction>,
    ) -> Vec<RawErrorCode> {
        let Some(lists) = lists else {
            return old.map(|o| o.errors.clone()).unwrap_or_default();
        };
        let list = |flavour: &str| -> BTreeSet<String> {
            lists
                .actions
                .get(action)
                .and_then(|flavours| flavours.get(flavour))
                .cloned()
                .flatten()
                .unwrap_or_default()
                .into_iter()
                .collect()
        };
        let intl = list("intl_en");
        let cn = if self.cn.is_some() {
            list("cn")
        } else {
            BTreeSet::new()
        };
        let two_sites = self.cn.is_some() && self.intl.actions.contains_key(action);
        let codes: BTreeSet<&String> = intl.iter().chain(&cn).collect();
        codes
            .into_iter()
            .map(|code| {
                let sites = match (two_sites, intl.contains(code), cn.contains(code)) {
                    (true, true, false) => Some(vec![INTERNATIONAL.to_owned()]),
                    (true, false, true) => Some(vec![MAINLAND.to_owned()]),
                    _ => None,
                };
                if let Some(site) = &sites {
                    self.report.push(format!(
                        "{action}: error code {code} is listed only for {}",
                        site[0]
                    ));
                }
                let previous = old.and_then(|o| o.errors.iter().find(|e| &e.code == code));
                // A hand-written choice, either way, beats the default; a bare `true` (the
                // format before retry kinds) takes the default kind.
                let hand_written = previous
                    .and_then(|e| e.retryable)
                    .filter(|r| *r != RawRetryable::Flag(true));
                let doc = descriptions
                    .and_then(|d| d.codes.get(code))
                    .and_then(|d| d.en.clone())
                    .map(|d| d.trim().to_owned())
                    .filter(|d| !d.is_empty())
                    .unwrap_or_else(|| format!("Error code `{code}`."));
                let new = RawErrorCode {
                    retryable: hand_written.or(retry_kind_by_default(code).map(RawRetryable::Kind)),
                    code: code.clone(),
                    sites,
                    doc,
                };
                keep_hand_written(
                    new.clone(),
                    previous,
                    &["code", "retryable", "sites", "doc"],
                )
                .unwrap_or(new)
            })
            .collect()
    }

    /// The international site's examples (English), or the mainland site's for an action only it
    /// has. A broken international example is replaced by the mainland one with the same
    /// request, or left out; either way the report says so.
    fn examples(
        &mut self,
        name: &str,
        intl: Option<&ApiExamples>,
        cn: Option<&ApiExamples>,
        (input, output): (&[RawField], &[RawField]),
        schema: &examples::Schema<'_>,
        old: Option<&RawAction>,
    ) -> Vec<RawExample> {
        let intl_list: Vec<&official::ApiExample> = intl
            .and_then(|a| a.actions.get(name))
            .into_iter()
            .flatten()
            .collect();
        let cn_list: Vec<&official::ApiExample> = cn
            .and_then(|a| a.actions.get(name))
            .into_iter()
            .flatten()
            .collect();
        let mut out = Vec::new();
        let from_mainland = intl_list.is_empty() && !self.intl.actions.contains_key(name);
        let list = if from_mainland { &cn_list } else { &intl_list };
        for (i, ex) in list.iter().enumerate() {
            let mut repairs = Vec::new();
            let converted = match examples::convert(ex, input, output, schema, &mut repairs) {
                Ok(example) => Ok(example),
                Err(e) if !from_mainland => {
                    // The mainland example with the same request, if it is valid.
                    let same_request = cn_list
                        .iter()
                        .find(|c| examples::same_input(&c.input, &ex.input));
                    let mut cn_repairs = Vec::new();
                    match same_request
                        .map(|c| examples::convert(c, input, output, schema, &mut cn_repairs))
                    {
                        Some(Ok(mut example)) => {
                            self.report.push(format!(
                                "{name}: example `{}`: {e}; took the mainland site's example with the same request",
                                ex.title
                            ));
                            example.title = ex.title.trim().to_owned();
                            example.doc = None;
                            repairs = cn_repairs;
                            Ok(example)
                        }
                        _ => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            match converted {
                Ok(mut example) => {
                    for r in repairs {
                        self.report
                            .push(format!("{name}: example `{}`: {r}", ex.title.trim()));
                    }
                    if from_mainland {
                        // Chinese titles and docs: the English ones are hand-written and kept
                        // while the example's content stays the same.
                        let kept = old
                            .and_then(|o| o.examples.get(i))
                            .filter(|o| o.input == example.input && o.output == example.output);
                        example.title =
                            kept.map_or_else(|| format!("Example {}", i + 1), |o| o.title.clone());
                        example.doc = kept.and_then(|o| o.doc.clone());
                    }
                    out.push(example);
                }
                Err(e) => self
                    .warnings
                    .push(format!("{name}: left out example `{}`: {e}", ex.title)),
            }
        }
        out
    }
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

/// One official example of either site, converted against the spec as import converts them.
#[derive(Debug, Clone)]
pub struct OfficialExample {
    pub site: &'static str,
    pub action: String,
    pub title: String,
    pub converted: Result<RawExample, String>,
    /// What the conversion repaired (quoted numbers), in words.
    pub repairs: Vec<String>,
}

/// Every example of both sites' example files (those `sources` name), each converted against
/// the action and type definitions in `spec_dir`, for tests that check them all.
pub fn official_examples(
    sources: &Sources,
    spec_dir: &Path,
) -> Result<Vec<OfficialExample>, String> {
    let types: BTreeMap<String, RawObjectType> = read_yaml::<RawTypes>(&spec_dir.join(TYPES_FILE))?
        .map(|t| t.types.into_iter().map(|t| (t.name.clone(), t)).collect())
        .unwrap_or_default();
    let schema = examples::Schema { types: &types };
    let mut out = Vec::new();
    for (site, path) in [
        (INTERNATIONAL, &sources.examples),
        (MAINLAND, &sources.mainland_examples),
    ] {
        let Some(path) = path else { continue };
        let all: ApiExamples = read_json(path)?;
        for (action, list) in &all.actions {
            let spec =
                read_yaml::<RawAction>(&spec_dir.join(ACTIONS_DIR).join(format!("{action}.yaml")))?
                    .ok_or_else(|| format!("{action}: no spec file"))?;
            for ex in list {
                let mut repairs = Vec::new();
                let converted =
                    examples::convert(ex, &spec.input, &spec.output, &schema, &mut repairs);
                out.push(OfficialExample {
                    site,
                    action: action.clone(),
                    title: ex.title.trim().to_owned(),
                    converted,
                    repairs,
                });
            }
        }
    }
    Ok(out)
}
