//! The spec is a faithful copy of the API as both sites publish it. This compares `spec/` with
//! the international and mainland descriptions and the per-action error lists (the copies in
//! `codegen/tests/fixtures/reference/`): actions, members (name, type with list-ness and object
//! type, required, nullable), object types, error codes, deprecation, sites and text. Every
//! intended difference is declared, with its reason, in `spec/declared_differences.yaml`; any
//! other difference fails, naming the item, the property and both values, and so does a
//! declaration that no longer matches anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use codegen::spec::raw::{RawAction, RawField, RawObjectType};
use serde::Deserialize;
use serde_json::Value;

const INTERNATIONAL: &str = "international";
const MAINLAND: &str = "mainland_china";
/// Text import writes for an item the description leaves undocumented.
const EMPTY_DOC: &str = "Not documented by the API.";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Declared {
    rules: Vec<Rule>,
    doc_removals: Vec<DocRemoval>,
    /// Fields whose docs list values that the spec does not type as a value set, and why.
    #[serde(default)]
    untyped_value_sets: Vec<UntypedValueSets>,
    differences: Vec<Difference>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UntypedValueSets {
    /// `Action.Field` (request or response) or `Type.Member`.
    at: Vec<String>,
    reason: String,
}

/// Upstream text the spec leaves out; applied here independently of the importer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocRemoval {
    removal: String,
    reason: String,
    #[serde(default)]
    drop_lines_containing: Vec<String>,
    #[serde(default)]
    strip_line_prefix: Option<String>,
}

/// The official `text` without the declared removals (and the blank lines they leave), and
/// the removals that changed it.
fn without_removals<'a>(text: &str, removals: &'a [DocRemoval]) -> (String, Vec<&'a str>) {
    let mut used = BTreeSet::new();
    let mut kept: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut line = line.to_owned();
        let dropped = removals.iter().find(|r| {
            !r.drop_lines_containing.is_empty()
                && r.drop_lines_containing
                    .iter()
                    .all(|s| line.contains(s.as_str()))
        });
        if let Some(r) = dropped {
            used.insert(r.removal.as_str());
            continue;
        }
        for r in removals {
            if let Some(p) = &r.strip_line_prefix {
                if let Some(rest) = line.strip_prefix(p.as_str()) {
                    used.insert(r.removal.as_str());
                    line = rest.to_owned();
                }
            }
        }
        kept.push(line);
    }
    let mut out = String::new();
    for paragraph in kept
        .join("\n")
        .split('\n')
        .collect::<Vec<_>>()
        .chunk_by(|a, b| a.trim().is_empty() && b.trim().is_empty())
    {
        let line = paragraph[0];
        out.push_str(if line.trim().is_empty() { "" } else { line });
        out.push('\n');
    }
    (out.trim().to_owned(), used.into_iter().collect())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    rule: String,
    reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
struct Difference {
    at: String,
    property: String,
    site: String,
    spec: String,
    official: String,
    #[serde(default)]
    reason: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: spec has {}, the {} site has {}",
            self.at, self.property, self.spec, self.site, self.official
        )
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read_json(rel: &str) -> Value {
    let path = root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One site's description and its flavour in the per-action error lists.
struct Site {
    name: &'static str,
    api: Value,
    errors: &'static str,
}

/// The comparison, collecting differences and the rules it applied.
struct Compare<'a> {
    declared_rules: BTreeMap<String, String>,
    used_rules: BTreeSet<String>,
    removals: &'a [DocRemoval],
    used_removals: BTreeSet<String>,
    found: Vec<Difference>,
    sites: &'a [Site],
}

impl Compare<'_> {
    /// Applies `rule` if the file declares it; an undeclared rule is no excuse.
    fn rule(&mut self, rule: &str) -> bool {
        if self.declared_rules.contains_key(rule) {
            self.used_rules.insert(rule.to_owned());
            true
        } else {
            false
        }
    }

    fn differ(
        &mut self,
        at: &str,
        property: &str,
        site: &str,
        spec: impl ToString,
        official: impl ToString,
    ) {
        let (spec, official) = (spec.to_string(), official.to_string());
        if spec != official {
            self.found.push(Difference {
                at: at.to_owned(),
                property: property.to_owned(),
                site: site.to_owned(),
                spec,
                official,
                reason: String::new(),
            });
        }
    }

    fn on_site(sites: &Option<Vec<String>>, site: &str) -> bool {
        sites.as_ref().is_none_or(|s| s.iter().any(|x| x == site))
    }

    /// `sites` as the spec should write it for an item present on `present`.
    fn expected_sites(&self, present: &[&str]) -> String {
        if present.len() == self.sites.len() {
            "all".to_owned()
        } else {
            present.join(",")
        }
    }

    fn sites_text(sites: &Option<Vec<String>>) -> String {
        sites
            .as_ref()
            .map_or_else(|| "all".to_owned(), |s| s.join(","))
    }

    /// The official member type in spec syntax (before the `image` rule).
    fn official_type(m: &Value) -> String {
        let scalar = |t: &str| match t {
            "int" => "int64".to_owned(),
            "double" => "float".to_owned(),
            other => other.to_owned(),
        };
        let member = m["member"].as_str().unwrap_or_default();
        match m["type"].as_str().unwrap_or_default() {
            "int" if member == "uint64" => "uint64".to_owned(),
            "int" => "int64".to_owned(),
            "float" | "double" => "float".to_owned(),
            "object" => member.to_owned(),
            "list" => format!("list<{}>", scalar(member)),
            other => other.to_owned(),
        }
    }

    fn text(
        &mut self,
        at: &str,
        property: &str,
        spec_en: &str,
        spec_zh: Option<&str>,
        intl: Option<&str>,
        cn: Option<&str>,
    ) {
        let mut clean = |text: Option<&str>| {
            text.map(|t| {
                let (clean, used) = without_removals(t, self.removals);
                self.used_removals
                    .extend(used.into_iter().map(str::to_owned));
                clean
            })
        };
        let (intl, cn) = (clean(intl), clean(cn));
        let (intl, cn) = (intl.as_deref(), cn.as_deref());
        match (intl, cn) {
            (Some(en), _) => {
                let en = en.trim();
                if en.is_empty() && spec_en == EMPTY_DOC && self.rule("empty_doc_placeholder") {
                    return;
                }
                self.differ(at, property, INTERNATIONAL, spec_en, en);
            }
            (None, Some(zh)) => {
                // The English is hand-written; the original must be kept beside it, verbatim.
                let zh = zh.trim();
                self.differ(
                    at,
                    &format!("{property}_zh"),
                    MAINLAND,
                    spec_zh.unwrap_or("(none)"),
                    zh,
                );
                let translated = !spec_en.trim().is_empty()
                    && spec_en != codegen::import::UNTRANSLATED
                    && spec_en.is_ascii();
                if !(translated && self.rule("mainland_only_text_is_translated")) {
                    self.differ(at, property, MAINLAND, spec_en, zh);
                }
            }
            (None, None) => {}
        }
    }

    /// Members of one object as the spec has them, against each site that has the object.
    fn members(
        &mut self,
        owner: &str,
        spec: &[RawField],
        objects: &[(&str, Option<&Value>)],
        side: Side,
    ) {
        for (site, object) in objects {
            let Some(object) = object else { continue };
            let official: Vec<&Value> = object["members"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["disabled"] != Value::Bool(true))
                .filter(|m| !(side == Side::Response && m["name"] == "RequestId"))
                .collect();
            let official_names: BTreeSet<&str> = official
                .iter()
                .map(|m| m["name"].as_str().unwrap())
                .collect();
            let spec_names: BTreeSet<&str> = spec
                .iter()
                .filter(|f| Self::on_site(&f.sites, site))
                .map(|f| f.name.as_str())
                .collect();
            for name in spec_names.symmetric_difference(&official_names) {
                let in_spec = spec_names.contains(name);
                self.differ(
                    &format!("{owner}.{name}"),
                    "present",
                    site,
                    in_spec,
                    !in_spec,
                );
            }
        }
        for f in spec {
            let at = format!("{owner}.{}", f.name);
            let on: Vec<(&str, &Value)> = objects
                .iter()
                .filter_map(|(site, o)| {
                    let m = (*o)?["members"]
                        .as_array()?
                        .iter()
                        .find(|m| m["name"] == f.name.as_str())?;
                    Some((*site, m))
                })
                .collect();
            if on.is_empty() {
                continue; // reported above
            }
            let shared_object = objects.iter().filter(|(_, o)| o.is_some()).count() > 1;
            if shared_object {
                let present: Vec<&str> = on.iter().map(|(s, _)| *s).collect();
                let expected = self.expected_sites(&present);
                self.differ(&at, "sites", "both", Self::sites_text(&f.sites), expected);
            }
            for (site, m) in &on {
                let mut official_ty = Self::official_type(m);
                let image = matches!(f.name.as_str(), "Image" | "ImageA" | "ImageB" | "Images");
                if image
                    && official_ty.contains("string")
                    && f.ty.contains("image")
                    && self.rule("image_type")
                {
                    official_ty = official_ty.replace("string", "image");
                }
                self.differ(&at, "type", site, f.ty.trim(), official_ty);

                let flag = |k: &str| m[k].as_bool();
                let (required, nullable) = match side {
                    Side::Request => (flag("required") == Some(true), false),
                    Side::Response => {
                        let always = flag("output_required").or(flag("required"));
                        let always = match always {
                            Some(v) => v,
                            None if self.rule("unflagged_action_outputs_are_required")
                                && owner.ends_with("Response") =>
                            {
                                true
                            }
                            None => false,
                        };
                        (always, flag("value_allowed_null") == Some(true))
                    }
                };
                let spec_required = f.required;
                self.differ(&at, "required", site, spec_required, required);
                let official_null = if side == Side::Request {
                    flag("value_allowed_null") == Some(true)
                } else {
                    nullable
                };
                self.differ(&at, "nullable", site, f.nullable, official_null);
            }
            let intl = on
                .iter()
                .find(|(s, _)| *s == INTERNATIONAL)
                .map(|(_, m)| m["document"].as_str().unwrap_or_default());
            let cn = on
                .iter()
                .find(|(s, _)| *s == MAINLAND)
                .map(|(_, m)| m["document"].as_str().unwrap_or_default());
            self.text(&at, "doc", &f.doc, f.doc_zh.as_deref(), intl, cn);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

#[test]
fn the_spec_matches_both_official_descriptions_except_for_declared_differences() {
    let summary = check(&root().join("spec")).unwrap_or_else(|e| panic!("{e}"));
    println!("{summary}");
}

#[test]
fn an_undeclared_difference_fails_naming_the_item_and_both_values() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("spec");
    copy_dir(&root().join("spec"), &spec);
    let path = spec.join("actions/CreateFace.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen(
        "- name: SucFaceNum\n  type: uint64\n  required: true\n",
        "- name: SucFaceNum\n  type: uint64\n",
        1,
    );
    assert_ne!(edited, text, "the spec layout changed; update this test");
    std::fs::write(&path, edited).unwrap();

    let error = check(&spec).expect_err("a changed flag must fail");
    assert!(
        error.contains("CreateFaceResponse.SucFaceNum required: spec has false, the international site has true"),
        "{error}"
    );
    assert!(
        error.contains("the mainland_china site has true"),
        "{error}"
    );
}

#[test]
fn a_constraint_must_cite_words_of_the_official_doc_that_state_it() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("spec");
    copy_dir(&root().join("spec"), &spec);
    let path = spec.join("actions/CreateGroup.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    // A limit raised in the spec, with its citation edited to match: the words are not the docs'.
    let edited = text
        .replacen("max_length: 60\n", "max_length: 80\n", 1)
        .replace(
            "can contain 1 to 60 characters",
            "can contain 1 to 80 characters",
        );
    assert_ne!(edited, text, "the spec layout changed; update this test");
    std::fs::write(&path, edited).unwrap();
    let error = check(&spec).expect_err("an invented citation must fail");
    assert!(
        error.contains("CreateGroupRequest.GroupName max_length: the citation \"can contain 1 to 80 characters\" is not in the official doc"),
        "{error}"
    );

    // A limit that disagrees with the words it cites.
    copy_dir(&root().join("spec"), &spec);
    let edited = text.replacen("max_length: 60\n", "max_length: 61\n", 1);
    std::fs::write(&path, edited).unwrap();
    let error = check(&spec).expect_err("a wrong number must fail");
    assert!(
        error.contains(
            "CreateGroupRequest.GroupName max_length: 61: the quote does not state the number 61"
        ),
        "{error}"
    );
}

#[test]
fn docs_are_the_official_ones_without_the_declared_boilerplate() {
    let spec = codegen::spec::load(&root().join("spec")).unwrap_or_else(|e| panic!("{e}"));
    for action in &spec.actions {
        let a = &action.value;
        let docs = std::iter::once(&a.doc).chain(a.input.iter().chain(&a.output).map(|f| &f.doc));
        for doc in docs {
            assert!(!doc.contains("SignatureMethod"), "{}: {doc}", a.action);
            assert!(
                !doc.lines().any(|l| l.starts_with('>')),
                "{}: a stray quote marker in {doc}",
                a.action
            );
        }
    }

    // Keeping the boilerplate is a difference from the official text minus the removals.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("spec");
    copy_dir(&root().join("spec"), &dir);
    let path = dir.join("actions/CreatePerson.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen(
        "doc: This API is used to create a person and add face, name, gender, and other related information.\n",
        "doc: \"This API is used to create a person and add face, name, gender, and other related information.\\n\\n- Please use the signature algorithm v3 to calculate the signature in the common parameters, that is, set the `SignatureMethod` parameter to `TC3-HMAC-SHA256`.\"\n",
        1,
    );
    assert_ne!(edited, text, "the spec layout changed; update this test");
    std::fs::write(&path, edited).unwrap();
    let error = check(&dir).expect_err("boilerplate left in must fail");
    assert!(error.contains("CreatePerson doc: spec has"), "{error}");
}

/// Whether an official doc lists numbered values (`0: no; 1: yes`, `` `0` - normal ``).
fn lists_values(doc: &str) -> bool {
    let compact: String = doc
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '`')
        .collect();
    let listed = |n: &str| {
        [":", "：", "-"].iter().any(|sep| {
            compact.match_indices(&format!("{n}{sep}")).any(|(i, _)| {
                !compact[..i]
                    .ends_with(|c: char| c.is_ascii_digit() || c == '.' || c == '[' || c == ',')
            })
        })
    };
    listed("0") && listed("1")
}

/// Whether `value` appears in `doc` as a value of its own: a number not inside a longer
/// number, or a string.
fn doc_states(doc: &str, value: &codegen::model::KnownLiteral) -> bool {
    match value {
        codegen::model::KnownLiteral::String(text) => doc.contains(text.as_str()),
        codegen::model::KnownLiteral::Integer(n) => {
            let text = n.to_string();
            doc.match_indices(&text).any(|(i, _)| {
                let before = doc[..i].chars().next_back();
                let after = doc[i + text.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_digit() || c == '.' || (c == '-' && *n >= 0))
                    && !after.is_some_and(|c| c.is_ascii_digit() || c == '.')
            })
        }
    }
}

/// Every spec field with its owner as `Action.Field` or `Type.Member`, its value set, and its
/// official docs on each site (request and response members of an action alike).
fn fields_with_official_docs(
    spec: &codegen::spec::SpecFiles,
    sites: &[Site],
) -> Vec<(String, Option<String>, Vec<String>)> {
    let mut out = Vec::new();
    let docs = |object: &str, member: &str| -> Vec<String> {
        sites
            .iter()
            .filter_map(|s| {
                let m = s.api["objects"].get(object)?["members"]
                    .as_array()?
                    .iter()
                    .find(|m| m["name"] == member)?;
                Some(m["document"].as_str()?.to_owned())
            })
            .collect()
    };
    for action in &spec.actions {
        let a = &action.value;
        for (fields, suffix) in [(&a.input, "Request"), (&a.output, "Response")] {
            for f in fields {
                let object = format!("{}{suffix}", a.action);
                out.push((
                    format!("{}.{}", a.action, f.name),
                    f.value_set.clone(),
                    docs(&object, &f.name),
                ));
            }
        }
    }
    for t in &spec.types.value.types {
        for f in &t.members {
            out.push((
                format!("{}.{}", t.name, f.name),
                f.value_set.clone(),
                docs(&t.name, &f.name),
            ));
        }
    }
    out
}

#[test]
fn every_documented_value_set_is_typed_or_declared_and_its_values_are_documented() {
    let reference = "codegen/tests/fixtures/reference";
    let sites = [
        Site {
            name: INTERNATIONAL,
            api: read_json(&format!("{reference}/tccli-iai-v20200303-api.json")),
            errors: "intl_en",
        },
        Site {
            name: MAINLAND,
            api: read_json(&format!("{reference}/cn/tccli-iai-v20200303-api.json")),
            errors: "cn",
        },
    ];
    let spec_dir = root().join("spec");
    let spec = codegen::spec::load(&spec_dir).unwrap_or_else(|e| panic!("{e}"));
    let model = codegen::resolve(&spec_dir).unwrap_or_else(|e| panic!("{e}"));
    let declared: Declared = serde_yaml::from_str(
        &std::fs::read_to_string(spec_dir.join("declared_differences.yaml")).unwrap(),
    )
    .unwrap();
    let mut untyped: BTreeMap<&str, bool> = BTreeMap::new();
    for d in &declared.untyped_value_sets {
        assert!(!d.reason.trim().is_empty(), "{:?} needs a reason", d.at);
        untyped.extend(d.at.iter().map(|at| (at.as_str(), false)));
    }
    let fields = fields_with_official_docs(&spec, &sites);
    let mut problems = Vec::new();
    for (at, value_set, docs) in &fields {
        if !docs.iter().any(|d| lists_values(d)) {
            continue;
        }
        match (value_set, untyped.get_mut(at.as_str())) {
            (Some(set), Some(_)) => problems.push(format!(
                "{at} has the value set `{set}` and is declared untyped"
            )),
            (Some(_), None) => {}
            (None, Some(seen)) => *seen = true,
            (None, None) => problems.push(format!(
                "{at}: the official doc lists values; give it a `value_set`, or declare it in `untyped_value_sets` with the reason"
            )),
        }
    }
    for (at, seen) in &untyped {
        if !seen {
            problems.push(format!(
                "{at} is declared in `untyped_value_sets`, but it is not a field whose official doc lists values"
            ));
        }
    }
    // Each documented value is stated by the official doc of some field holding the set.
    for set in &model.value_sets {
        let docs: Vec<&String> = fields
            .iter()
            .filter(|(_, s, _)| s.as_deref() == Some(set.name.as_str()))
            .flat_map(|(_, _, docs)| docs)
            .collect();
        assert!(!docs.is_empty(), "value set `{}` is not used", set.name);
        for v in &set.values {
            if !docs.iter().any(|d| doc_states(d, &v.value)) {
                problems.push(format!(
                    "value set `{}`: `{}` ({}) is in no official doc of a field holding the set",
                    set.name, v.name, v.value
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn value_list_detection() {
    assert!(lists_values("0: no; 1: yes. Default value: 0."));
    assert!(lists_values(
        "Valid values: `0` - normal; `-1601` - poor; `1` - other"
    ));
    assert!(lists_values("0：不需要；1：需要"));
    assert!(!lists_values("Value range: [0,100]. Default value: 0."));
    assert!(!lists_values("1: only one"));
    use codegen::model::KnownLiteral::{Integer, String as Text};
    assert!(doc_states("`-1601` - poor", &Integer(-1601)));
    assert!(!doc_states("-1601: poor", &Integer(1601)));
    assert!(!doc_states("up to 10 faces", &Integer(1)));
    assert!(doc_states("`2.0` and `3.0`", &Text("3.0".into())));
}

/// The official docs of `Action.Field` (a request parameter) or `Type.Member` on each site.
fn official_docs(sites: &[Site], at: &str) -> Vec<String> {
    let Some((owner, member)) = at.split_once('.') else {
        return Vec::new();
    };
    let owner = owner.strip_suffix("Request").unwrap_or(owner);
    sites
        .iter()
        .filter_map(|s| {
            let object = match s.api["actions"].get(owner) {
                Some(a) => s.api["objects"].get(a["input"].as_str()?)?,
                None => s.api["objects"].get(owner)?,
            };
            let m = object["members"]
                .as_array()?
                .iter()
                .find(|m| m["name"] == member)?;
            Some(m["document"].as_str()?.to_owned())
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Compares the spec in `spec_dir` with the reference descriptions; `Err` lists every
/// undeclared difference, stale declaration and unused rule.
fn check(spec_dir: &Path) -> Result<String, String> {
    let reference = "codegen/tests/fixtures/reference";
    let sites = [
        Site {
            name: INTERNATIONAL,
            api: read_json(&format!("{reference}/tccli-iai-v20200303-api.json")),
            errors: "intl_en",
        },
        Site {
            name: MAINLAND,
            api: read_json(&format!("{reference}/cn/tccli-iai-v20200303-api.json")),
            errors: "cn",
        },
    ];
    let error_lists = read_json(&format!("{reference}/iai_action_errors.json"));
    let declared_path = spec_dir.join("declared_differences.yaml");
    let declared: Declared =
        serde_yaml::from_str(&std::fs::read_to_string(&declared_path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", declared_path.display()));
    for r in &declared.rules {
        assert!(
            !r.reason.trim().is_empty(),
            "rule {} needs a reason",
            r.rule
        );
    }
    for d in &declared.differences {
        assert!(!d.reason.trim().is_empty(), "{d} needs a reason");
    }
    for r in &declared.doc_removals {
        assert!(
            !r.reason.trim().is_empty(),
            "removal {} needs a reason",
            r.removal
        );
    }

    let spec = codegen::spec::load(spec_dir).unwrap_or_else(|e| panic!("{e}"));
    let mut cx = Compare {
        declared_rules: declared
            .rules
            .iter()
            .map(|r| (r.rule.clone(), r.reason.clone()))
            .collect(),
        used_rules: BTreeSet::new(),
        removals: &declared.doc_removals,
        used_removals: BTreeSet::new(),
        found: Vec::new(),
        sites: &sites,
    };

    // Actions.
    let spec_actions: BTreeMap<&str, &RawAction> = spec
        .actions
        .iter()
        .map(|f| (f.value.action.as_str(), &f.value))
        .collect();
    let mut official_actions: BTreeSet<&str> = BTreeSet::new();
    for s in &sites {
        official_actions.extend(
            s.api["actions"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str),
        );
    }
    for name in official_actions.symmetric_difference(&spec_actions.keys().copied().collect()) {
        cx.differ(
            name,
            "action",
            "both",
            spec_actions.contains_key(name),
            !spec_actions.contains_key(name),
        );
    }
    let mut used_objects: BTreeSet<String> = BTreeSet::new();
    for (name, action) in &spec_actions {
        let on: Vec<(&str, &Value)> = sites
            .iter()
            .filter_map(|s| Some((s.name, s.api["actions"].get(*name)?)))
            .collect();
        if on.is_empty() {
            continue;
        }
        let present: Vec<&str> = on.iter().map(|(s, _)| *s).collect();
        let expected = cx.expected_sites(&present);
        cx.differ(
            name,
            "sites",
            "both",
            Compare::sites_text(&action.sites),
            expected,
        );
        for (site, a) in &on {
            cx.differ(
                name,
                "deprecated",
                site,
                action.deprecated,
                a["status"] == "deprecated",
            );
        }
        let intl = on
            .iter()
            .find(|(s, _)| *s == INTERNATIONAL)
            .map(|(_, a)| *a);
        let cn = on.iter().find(|(s, _)| *s == MAINLAND).map(|(_, a)| *a);
        fn name_of<'v>(a: Option<&'v Value>, k: &str) -> Option<&'v str> {
            a.map(|a| a[k].as_str().unwrap_or_default())
        }
        cx.text(
            name,
            "title",
            &action.title,
            action.title_zh.as_deref(),
            name_of(intl, "name"),
            name_of(cn, "name"),
        );
        cx.text(
            name,
            "doc",
            &action.doc,
            action.doc_zh.as_deref(),
            name_of(intl, "document"),
            name_of(cn, "document"),
        );

        for (side, spec_fields, key) in [
            (Side::Request, &action.input, "input"),
            (Side::Response, &action.output, "output"),
        ] {
            let objects: Vec<(&str, Option<&Value>)> = sites
                .iter()
                .map(|s| {
                    let object = s.api["actions"]
                        .get(*name)
                        .and_then(|a| s.api["objects"].get(a[key].as_str()?));
                    (s.name, object)
                })
                .collect();
            for (_, o) in &objects {
                if let Some(o) = o {
                    for m in o["members"].as_array().unwrap() {
                        used_objects.insert(m["member"].as_str().unwrap_or_default().to_owned());
                    }
                }
            }
            let owner = format!(
                "{name}{}",
                if side == Side::Request {
                    "Request"
                } else {
                    "Response"
                }
            );
            cx.members(&owner, spec_fields, &objects, side);
        }

        // Error codes, per site.
        for s in &sites {
            if s.api["actions"].get(*name).is_none() {
                continue;
            }
            let official: BTreeSet<String> = error_lists["actions"][*name][s.errors]
                .as_array()
                .map(|l| l.iter().map(|c| c.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default();
            let in_spec: BTreeSet<String> = action
                .errors
                .iter()
                .filter(|e| Compare::on_site(&e.sites, s.name))
                .map(|e| e.code.clone())
                .collect();
            for code in official.symmetric_difference(&in_spec) {
                cx.differ(
                    &format!("{name} {code}"),
                    "error code",
                    s.name,
                    in_spec.contains(code),
                    official.contains(code),
                );
            }
        }
    }

    // Object types: every one either site's actions use, with the request or response rules.
    let request_only: BTreeSet<&str> = ["GroupExDescriptionInfo", "PersonExDescriptionInfo"].into();
    let spec_types: BTreeMap<&str, &RawObjectType> = spec
        .types
        .value
        .types
        .iter()
        .map(|t| (t.name.as_str(), t))
        .collect();
    let mut official_types: BTreeSet<&str> = BTreeSet::new();
    for s in &sites {
        for (name, _) in s.api["objects"].as_object().unwrap() {
            let io = s.api["actions"]
                .as_object()
                .unwrap()
                .values()
                .any(|a| a["input"] == name.as_str() || a["output"] == name.as_str());
            if !io {
                official_types.insert(name);
            }
        }
    }
    for name in official_types.symmetric_difference(&spec_types.keys().copied().collect()) {
        cx.differ(
            name,
            "object type",
            "both",
            spec_types.contains_key(name),
            !spec_types.contains_key(name),
        );
    }
    for (name, t) in &spec_types {
        let objects: Vec<(&str, Option<&Value>)> = sites
            .iter()
            .map(|s| (s.name, s.api["objects"].get(*name)))
            .collect();
        let present: Vec<&str> = objects
            .iter()
            .filter(|(_, o)| o.is_some())
            .map(|(s, _)| *s)
            .collect();
        if present.is_empty() {
            continue;
        }
        let expected = cx.expected_sites(&present);
        cx.differ(
            name,
            "sites",
            "both",
            Compare::sites_text(&t.sites),
            expected,
        );
        let doc = |site: &str| {
            objects
                .iter()
                .find(|(s, _)| *s == site)
                .and_then(|(_, o)| o.map(|o| o["document"].as_str().unwrap_or_default()))
        };
        cx.text(
            name,
            "doc",
            &t.doc,
            t.doc_zh.as_deref(),
            doc(INTERNATIONAL),
            doc(MAINLAND),
        );
        let side = if request_only.contains(name) {
            Side::Request
        } else {
            Side::Response
        };
        cx.members(name, &t.members, &objects, side);
    }
    assert!(
        used_objects.contains("GroupExDescriptionInfo") && used_objects.contains("DenseFaceShape")
    );

    // Constraints: every limit cites the official doc that states it, or a declared rule.
    let constrained: Vec<(String, &RawField)> = spec_actions
        .iter()
        .flat_map(|(name, a)| a.input.iter().map(move |f| (format!("{name}Request"), f)))
        .chain(
            spec_types
                .iter()
                .flat_map(|(name, t)| t.members.iter().map(move |f| (name.to_string(), f))),
        )
        .filter(|(_, f)| f.constraints.is_some())
        .collect();
    if !constrained.is_empty() {
        assert!(
            cx.rule("constraints"),
            "fields have constraints, but the rule is not declared"
        );
    }
    let mut citation_problems = Vec::new();
    for (owner, field) in &constrained {
        let c = field.constraints.as_ref().unwrap();
        let at = format!("{owner}.{}", field.name);
        let cited = c.cite.as_ref().map(|c| c.keys()).unwrap_or_default();
        let declared = c.declared.clone().unwrap_or_default();
        let doc_of = c.cite.as_ref().and_then(|c| c.doc_of.clone());
        let source = doc_of.clone().unwrap_or_else(|| at.clone());
        let docs = official_docs(&sites, &source);
        if docs.is_empty() && !cited.entries().is_empty() {
            citation_problems.push(format!("  {at}: no official doc of `{source}` to cite"));
        }
        for (key, value) in c.limits() {
            let quote = cited.entries().into_iter().find(|(k, _)| *k == key);
            let rule = declared.entries().into_iter().find(|(k, _)| *k == key);
            match (quote, rule) {
                (Some((_, quote)), _) => {
                    if !docs.iter().any(|d| d.contains(quote)) {
                        citation_problems.push(format!(
                            "  {at} {key}: the citation {quote:?} is not in the official doc of {source} (either site)"
                        ));
                    }
                    if let Err(problem) = codegen::model::citation::check(key, &value, quote) {
                        citation_problems.push(format!("  {at} {key}: {value}: {problem}"));
                    }
                }
                (None, Some((_, rule))) => {
                    if !cx.rule(rule) {
                        citation_problems.push(format!(
                            "  {at} {key}: declared by the rule `{rule}`, which declared_differences.yaml lacks"
                        ));
                    }
                }
                (None, None) => citation_problems.push(format!(
                    "  {at} {key}: {value} cites nothing and names no declared rule"
                )),
            }
        }
    }
    let retry_marked = spec_actions
        .values()
        .flat_map(|a| &a.errors)
        .filter(|e| e.retryable.is_some())
        .count();
    if retry_marked > 0 {
        assert!(
            cx.rule("retry_kinds"),
            "codes have retry kinds, but the rule is not declared"
        );
    }

    // Match what was found against what is declared.
    let declared_set: BTreeSet<Difference> = declared
        .differences
        .iter()
        .map(|d| Difference {
            reason: String::new(),
            ..d.clone()
        })
        .collect();
    let found_set: BTreeSet<Difference> = cx.found.iter().cloned().collect();
    let undeclared: Vec<String> = found_set
        .difference(&declared_set)
        .map(|d| format!("  {d}"))
        .collect();
    let stale: Vec<String> = declared_set
        .difference(&found_set)
        .map(|d| format!("  {d}"))
        .collect();
    let mut unused_rules: Vec<&String> = cx
        .declared_rules
        .keys()
        .filter(|r| !cx.used_rules.contains(*r))
        .collect();
    unused_rules.extend(
        declared
            .doc_removals
            .iter()
            .map(|r| &r.removal)
            .filter(|r| !cx.used_removals.contains(*r)),
    );
    if !(undeclared.is_empty()
        && stale.is_empty()
        && unused_rules.is_empty()
        && citation_problems.is_empty())
    {
        return Err(format!(
            "spec/ and the official descriptions differ.\nUndeclared differences ({}):\n{}\nDeclared but not found ({}):\n{}\nRules declared but never applied: {unused_rules:?}\nConstraints without a valid source ({}):\n{}",
            undeclared.len(),
            undeclared.join("\n"),
            stale.len(),
            stale.join("\n"),
            citation_problems.len(),
            citation_problems.join("\n")
        ));
    }
    Ok(format!(
        "{} declared differences and {} rules; {} actions, {} object types",
        declared.differences.len(),
        declared.rules.len(),
        spec_actions.len(),
        spec_types.len()
    ))
}
