//! `cargo xtask import` against Tencent Cloud's published API description for IAI 2020-03-03
//! (copied into `tests/fixtures/reference/`, so the tests need no network and no files outside
//! the repository): the committed spec is exactly what import writes, import is deterministic,
//! hand-written keys survive and every other hand edit is reverted and reported, a broken
//! upstream example is repaired from the mainland site's and reported, the two sites' union is
//! imported with `sites`, and a spec for another API version is refused.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use codegen::import::{import, Import, ImportedFile, Sources, Status};
use codegen::model::{Action, Service};
use codegen::spec::raw::{
    RawAction, RawConstraints, RawPagination, RawRetryable, RawTypes, RetryKind,
};
use common::{copy_dir, real_spec, snapshot, tests_dir, workspace_root, write};

/// The one international example whose output is not valid JSON (a missing comma in
/// `tccli-iai-v20200303-examples.json`); import takes the mainland one with the same request.
const BROKEN_EXAMPLE: (&str, &str) = ("GetGroupList", "Getting the group list");

/// Actions only the mainland site offers.
const MAINLAND_ONLY: [&str; 7] = [
    "AnalyzeDenseLandmarks",
    "CompareMaskFace",
    "GetUpgradeGroupFaceModelVersionJobList",
    "GetUpgradeGroupFaceModelVersionResult",
    "ModifyPersonBaseInfo",
    "RevertGroupFaceModelVersion",
    "UpgradeGroupFaceModelVersion",
];

fn reference_dir() -> PathBuf {
    tests_dir().join("fixtures/reference")
}

/// The sources `cargo xtask import` is run with; the error descriptions are found beside
/// the per-action error lists.
fn sources() -> Sources {
    let dir = reference_dir();
    Sources {
        api: dir.join("tccli-iai-v20200303-api.json"),
        examples: Some(dir.join("tccli-iai-v20200303-examples.json")),
        mainland: Some(dir.join("cn/tccli-iai-v20200303-api.json")),
        mainland_examples: Some(dir.join("cn/tccli-iai-v20200303-examples.json")),
        action_errors: Some(dir.join("iai_action_errors.json")),
        error_descriptions: None,
    }
}

fn run_import(spec: &Path) -> Import {
    import(&sources(), spec).unwrap_or_else(|e| panic!("import into {}: {e}", spec.display()))
}

/// What xtask does after a successful import: write every file that is not unchanged.
fn write_files(import: &Import) {
    for file in &import.files {
        if file.status != Status::Unchanged {
            write(&file.path, &file.contents);
        }
    }
}

/// A copy of the committed spec at `<tmp>/spec`.
fn spec_copy(tmp: &Path) -> PathBuf {
    let spec = tmp.join("spec");
    copy_dir(&real_spec(), &spec);
    spec
}

/// A spec directory with only what import does not write: service.yaml, common_errors.yaml and
/// an empty actions directory.
fn empty_spec(tmp: &Path) -> PathBuf {
    let spec = tmp.join("spec");
    fs::create_dir_all(spec.join("actions")).unwrap();
    for name in ["service.yaml", "common_errors.yaml"] {
        fs::copy(real_spec().join(name), spec.join(name)).unwrap();
    }
    spec
}

fn file<'a>(import: &'a Import, spec: &Path, rel: &str) -> &'a ImportedFile {
    let path = spec.join(rel);
    import
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("import produced no {rel}"))
}

fn resolve(spec: &Path) -> Service {
    let files = codegen::spec::load(spec)
        .unwrap_or_else(|e| panic!("{} does not load:\n{e}", spec.display()));
    codegen::model::resolve(&files)
        .unwrap_or_else(|e| panic!("{} does not resolve:\n{e}", spec.display()))
}

fn action<'a>(service: &'a Service, name: &str) -> &'a Action {
    service
        .actions
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no action {name}"))
}

fn read_json(path: &Path) -> serde_json::Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_action(path: &Path) -> RawAction {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The comment header import puts on every file, taken from a committed file.
fn import_header() -> String {
    let text = fs::read_to_string(real_spec().join("actions/GetGroupInfo.yaml")).unwrap();
    let header: String = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        header.contains("cargo xtask import"),
        "unexpected header: {header}"
    );
    header
}

/// Writes an action in the exact layout import uses, so that a file whose content import would
/// keep is reported `Unchanged` (and any difference is a content difference).
fn write_action(path: &Path, action: &RawAction) {
    let yaml = serde_yaml::to_string(action).unwrap();
    write(path, format!("{}{yaml}", import_header()));
}

#[test]
fn import_reproduces_the_committed_spec_and_generated_code() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = spec_copy(tmp.path());
    let import = run_import(&spec);

    let pending: Vec<String> = import
        .files
        .iter()
        .filter(|f| f.status != Status::Unchanged)
        .map(|f| format!("{:?} {}: {:?}", f.status, f.path.display(), f.changes))
        .collect();
    assert!(
        pending.is_empty(),
        "import would change the committed spec:\n{}",
        pending.join("\n")
    );
    // 35 actions and types.yaml, each byte for byte as committed.
    assert_eq!(import.files.len(), 36);
    for f in &import.files {
        let rel = f.path.strip_prefix(&spec).unwrap();
        let committed = fs::read_to_string(real_spec().join(rel)).unwrap();
        assert!(
            f.contents == committed,
            "{} differs from the committed file",
            rel.display()
        );
        assert!(f.changes.is_empty(), "{}: {:?}", rel.display(), f.changes);
    }

    // Generate from what import wrote (every file, not only changed ones), and compare with
    // the committed generated code: `import` then `regenerate` is a no-op on main.
    for f in &import.files {
        write(&f.path, &f.contents);
    }
    let generated = codegen::generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    let plan = codegen::output::plan(&workspace_root().join(codegen::GENERATED_DIR), &generated)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        plan.is_empty(),
        "regenerating from the imported spec would change:\n{}",
        plan.describe().join("\n")
    );
    assert!(
        plan.unchanged > 35,
        "only {} files compared",
        plan.unchanged
    );
}

#[test]
fn import_is_deterministic_and_a_fixpoint() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (spec_a, spec_b) = (empty_spec(a.path()), empty_spec(b.path()));
    let first = run_import(&spec_a);
    let second = run_import(&spec_b);

    let relative = |import: &Import, root: &Path| -> Vec<(PathBuf, String, Status)> {
        import
            .files
            .iter()
            .map(|f| {
                let rel = f.path.strip_prefix(root).unwrap().to_owned();
                (rel, f.contents.clone(), f.status)
            })
            .collect()
    };
    let (files_a, files_b) = (relative(&first, &spec_a), relative(&second, &spec_b));
    assert_eq!(files_a.len(), 36);
    assert_eq!(files_a.len(), files_b.len());
    for (x, y) in files_a.iter().zip(&files_b) {
        assert_eq!(x.0, y.0, "files in a different order");
        assert!(x.1 == y.1, "{} differs between two imports", x.0.display());
        assert_eq!(x.2, Status::New, "{} in an empty spec", x.0.display());
        assert_eq!(y.2, Status::New, "{} in an empty spec", y.0.display());
    }
    assert_eq!(first.warnings, second.warnings);

    // Importing again over its own output changes nothing.
    write_files(&first);
    let again = run_import(&spec_a);
    for f in &again.files {
        assert_eq!(
            f.status,
            Status::Unchanged,
            "{} changed on re-import: {:?}",
            f.path.display(),
            f.changes
        );
    }
    assert_eq!(relative(&again, &spec_a).len(), files_a.len());
}

#[test]
fn fresh_get_group_info_matches_the_committed_one_except_hand_written_constraints() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = empty_spec(tmp.path());
    let import = run_import(&spec);
    assert_eq!(
        file(&import, &spec, "actions/GetGroupInfo.yaml").status,
        Status::New
    );
    write_files(&import);

    let fresh_service = resolve(&spec);
    let committed_service = resolve(&real_spec());
    let fresh = action(&fresh_service, "GetGroupInfo");
    let committed = action(&committed_service, "GetGroupInfo");

    assert_eq!(fresh.title, committed.title);
    assert_eq!(fresh.title, "Gets group information");
    assert_eq!(fresh.doc, committed.doc);
    assert_eq!(fresh.snake_name, committed.snake_name);
    assert_eq!(fresh.source, committed.source);
    assert_eq!(fresh.idempotent, committed.idempotent);
    assert!(fresh.idempotent, "a Get action is idempotent by default");
    assert_eq!(fresh.region_required, committed.region_required);
    assert!(fresh.pagination.is_none() && committed.pagination.is_none());

    for (what, f_fields, c_fields) in [
        ("input", &fresh.input, &committed.input),
        ("output", &fresh.output, &committed.output),
    ] {
        let names = |fields: &[codegen::model::Field]| -> Vec<String> {
            fields.iter().map(|f| f.api_name.clone()).collect()
        };
        assert_eq!(names(f_fields), names(c_fields), "{what} field names");
        for (f, c) in f_fields.iter().zip(c_fields) {
            let at = format!("{what} {}", f.api_name);
            assert_eq!(f.rust_name, c.rust_name, "{at}: rust name");
            assert_eq!(f.ty, c.ty, "{at}: type");
            assert_eq!(f.required, c.required, "{at}: required");
            assert_eq!(f.nullable, c.nullable, "{at}: nullable");
            assert_eq!(f.doc, c.doc, "{at}: doc");
            assert!(
                f.constraints.is_empty(),
                "{at}: the API description has no constraints, import must not invent {:?}",
                f.constraints
            );
        }
    }
    assert_eq!(
        fresh
            .input
            .iter()
            .map(|f| f.api_name.as_str())
            .collect::<Vec<_>>(),
        ["GroupId"]
    );
    assert_eq!(fresh.output.len(), 6);
    let group_id = &committed.input[0];
    assert_eq!(group_id.constraints.min_length, Some(1));
    assert_eq!(group_id.constraints.max_length, Some(64));
    assert!(group_id.constraints.allowed_chars.is_some());

    let errors = |a: &Action| -> Vec<(String, String, String, Option<RetryKind>)> {
        a.errors
            .iter()
            .map(|e| (e.code.clone(), e.variant.clone(), e.doc.clone(), e.retry))
            .collect()
    };
    assert_eq!(errors(fresh), errors(committed));
    assert!(
        fresh
            .errors
            .iter()
            .any(|e| e.code == "InvalidParameterValue.GroupIdNotExist" && e.retry.is_none()),
        "the action's own codes are imported"
    );
    assert!(
        fresh
            .errors
            .iter()
            .any(|e| e.code == "FailedOperation.RequestLimitExceeded"
                && e.retry == Some(RetryKind::Throttling)),
        "throttling is retryable by default, for any action"
    );
    assert!(
        fresh
            .errors
            .iter()
            .any(|e| e.code == "FailedOperation.RequestTimeout"
                && e.retry == Some(RetryKind::Transient)),
        "a backend timeout is transient: retried only for idempotent actions"
    );

    let examples = |a: &Action| -> Vec<(String, bool, Option<String>, String, String)> {
        a.examples
            .iter()
            .map(|e| {
                (
                    e.title.clone(),
                    e.is_error,
                    e.doc.clone(),
                    e.input_json.clone(),
                    e.output_json.clone(),
                )
            })
            .collect()
    };
    assert_eq!(examples(fresh), examples(committed));
    assert_eq!(fresh.examples.len(), 1);
    assert_eq!(fresh.examples[0].input_json, r#"{"GroupId":"aaa"}"#);
}

#[test]
fn hand_written_keys_survive_and_other_edits_are_reverted_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = spec_copy(tmp.path());
    let committed = |name: &str| read_action(&real_spec().join(format!("actions/{name}.yaml")));

    // CreatePerson: every kind of hand-written key, plus one edit that is not hand-written.
    let mut person = committed("CreatePerson");
    assert!(!person.idempotent && person.pagination.is_none());
    person.idempotent = true;
    person.region_required = true;
    // Import treats pagination as opaque; it need not make sense for this action.
    person.pagination = Some(RawPagination {
        offset: "Offset".into(),
        limit: "Limit".into(),
        items: "Items".into(),
        total: None,
        default_limit: 7,
    });
    let url = person.input.iter_mut().find(|f| f.name == "Url").unwrap();
    assert!(url.constraints.is_none());
    url.constraints = Some(RawConstraints {
        max_length: Some(7),
        ..RawConstraints::default()
    });
    let gender = person
        .input
        .iter_mut()
        .find(|f| f.name == "Gender")
        .unwrap();
    gender.rust_name = Some("sex".into());
    let original_doc = {
        let name = person
            .input
            .iter_mut()
            .find(|f| f.name == "PersonName")
            .unwrap();
        std::mem::replace(&mut name.doc, "Edited by hand.".into())
    };
    let code = person
        .errors
        .iter_mut()
        .find(|e| e.code == "InvalidParameterValue.PersonIdNotExist")
        .unwrap();
    assert_eq!(code.retryable, None);
    code.retryable = Some(RawRetryable::Kind(RetryKind::Transient));
    let throttling = person
        .errors
        .iter_mut()
        .find(|e| e.code == "FailedOperation.RequestLimitExceeded")
        .unwrap();
    assert_eq!(
        throttling.retryable,
        Some(RawRetryable::Kind(RetryKind::Throttling)),
        "retryable by default"
    );
    throttling.retryable = Some(RawRetryable::Flag(false));
    write_action(&spec.join("actions/CreatePerson.yaml"), &person);

    // GetGroupList: a hand-edited pagination is kept as edited. GetPersonGroupInfo: a removed
    // one is not brought back (import never infers pagination).
    let mut groups = committed("GetGroupList");
    let pagination = groups.pagination.as_mut().unwrap();
    pagination.default_limit = 50;
    pagination.total = None;
    write_action(&spec.join("actions/GetGroupList.yaml"), &groups);
    let mut person_groups = committed("GetPersonGroupInfo");
    assert!(person_groups.pagination.take().is_some());
    write_action(
        &spec.join("actions/GetPersonGroupInfo.yaml"),
        &person_groups,
    );

    let import = run_import(&spec);

    let created = file(&import, &spec, "actions/CreatePerson.yaml");
    assert_eq!(created.status, Status::Changed);
    assert_eq!(
        created.changes,
        ["input PersonName changed"],
        "only the doc edit is a change; hand-written keys are not"
    );
    let new: RawAction = serde_yaml::from_str(&created.contents).unwrap();
    assert!(new.idempotent);
    assert!(new.region_required);
    assert_eq!(new.pagination, person.pagination);
    let field = |name: &str| new.input.iter().find(|f| f.name == name).unwrap();
    assert_eq!(
        field("Url").constraints.as_ref().unwrap().max_length,
        Some(7)
    );
    assert_eq!(field("Gender").rust_name.as_deref(), Some("sex"));
    assert_eq!(
        field("PersonName").doc,
        original_doc,
        "the doc edit is reverted"
    );
    assert_ne!(original_doc, "Edited by hand.");
    assert!(
        new.errors
            .iter()
            .any(|e| e.code == "InvalidParameterValue.PersonIdNotExist"
                && e.retryable == Some(RawRetryable::Kind(RetryKind::Transient))),
        "retryable: transient survives"
    );
    assert!(
        new.errors
            .iter()
            .any(|e| e.code == "FailedOperation.RequestLimitExceeded"
                && e.retryable == Some(RawRetryable::Flag(false))),
        "retryable: false survives, although the code is retryable by default"
    );
    // Apart from the reverted doc, the file is exactly what was written by hand.
    let mut expected = person.clone();
    expected
        .input
        .iter_mut()
        .find(|f| f.name == "PersonName")
        .unwrap()
        .doc = original_doc;
    assert_eq!(new, expected);

    for (name, expected) in [
        ("GetGroupList", &groups),
        ("GetPersonGroupInfo", &person_groups),
    ] {
        let f = file(&import, &spec, &format!("actions/{name}.yaml"));
        assert_eq!(f.status, Status::Unchanged, "{name}: {:?}", f.changes);
        assert_eq!(
            &serde_yaml::from_str::<RawAction>(&f.contents).unwrap(),
            expected
        );
    }

    // Nothing else is touched.
    let others: Vec<_> = import
        .files
        .iter()
        .filter(|f| f.status != Status::Unchanged && f.path != created.path)
        .map(|f| f.path.display().to_string())
        .collect();
    assert!(others.is_empty(), "unexpected changes: {others:?}");
}

#[test]
fn a_hand_edit_of_imported_content_is_reported_for_each_kind_of_key() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = spec_copy(tmp.path());
    let mut action = read_action(&real_spec().join("actions/DeleteGroup.yaml"));
    action.title = "Edited title".into();
    action.doc = "Edited doc.".into();
    action.output.push(codegen::spec::raw::RawField {
        name: "Extra".into(),
        ty: "string".into(),
        doc: "Not in the API.".into(),
        ..Default::default()
    });
    action.errors.remove(0);
    action.examples.clear();
    write_action(&spec.join("actions/DeleteGroup.yaml"), &action);

    let import = run_import(&spec);
    let f = file(&import, &spec, "actions/DeleteGroup.yaml");
    assert_eq!(f.status, Status::Changed);
    for expected in ["title", "doc", "output Extra removed", "examples"] {
        assert!(
            f.changes.iter().any(|c| c == expected),
            "{expected:?} missing from {:?}",
            f.changes
        );
    }
    assert!(
        f.changes.iter().any(|c| c.starts_with("errors: 1 added")),
        "{:?}",
        f.changes
    );
    let committed = fs::read_to_string(real_spec().join("actions/DeleteGroup.yaml")).unwrap();
    assert!(
        f.contents == committed,
        "import restores the committed file"
    );
}

#[test]
fn the_broken_upstream_example_is_repaired_from_the_mainland_site_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = spec_copy(tmp.path());
    let import = run_import(&spec);
    let (action, title) = BROKEN_EXAMPLE;
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
    let repair = import
        .report
        .iter()
        .find(|l| l.contains(action) && l.contains(title))
        .unwrap_or_else(|| panic!("no repair reported: {:?}", import.report));
    assert!(repair.contains("not JSON"), "{repair}");
    assert!(repair.contains("mainland"), "{repair}");

    let list: RawAction =
        serde_yaml::from_str(&file(&import, &spec, "actions/GetGroupList.yaml").contents).unwrap();
    let repaired = list.examples.iter().find(|e| e.title == title).unwrap();
    assert_eq!(repaired.output["GroupNum"].as_u64(), Some(2));
    assert_eq!(
        list.examples.len(),
        2,
        "the other GetGroupList example is kept"
    );

    // Quoted numbers are repaired to the described type, and reported.
    assert!(
        import
            .report
            .iter()
            .any(|l| l.starts_with("GetPersonGroupInfo: example") && l.contains("is quoted")),
        "{:?}",
        import.report
    );
}

#[test]
fn both_sites_are_imported_with_sites_deprecation_and_english_text() {
    let service = resolve(&real_spec());
    assert_eq!(service.actions.len(), 35);
    for name in MAINLAND_ONLY {
        let a = action(&service, name);
        assert_eq!(a.sites, Some(vec!["mainland_china".to_owned()]), "{name}");
        assert_eq!(
            a.deprecated,
            name.contains("GroupFaceModelVersion"),
            "{name}: deprecated as the service says"
        );
        assert!(
            a.doc.is_ascii() && a.title.is_ascii(),
            "{name}: English text"
        );
    }
    assert!(action(&service, "GetGroupInfo").sites.is_none());
    let strategy = action(&service, "CompareFace")
        .input
        .iter()
        .find(|f| f.api_name == "FaceMatchingStrategy")
        .expect("the mainland-only member is imported");
    assert_eq!(strategy.sites, Some(vec!["mainland_china".to_owned()]));
    let group_info = service.object("GroupInfo");
    let update = group_info
        .fields
        .iter()
        .find(|f| f.api_name == "UpdateTimestamp")
        .unwrap();
    assert!(
        update.is_optional(),
        "the international site never returns it, so it cannot be required"
    );
    for (name, code) in [
        ("DetectFaceAttributes", "ResourceUnavailable.LowBalance"),
        ("SearchPersons", "InvalidParameterValue.GroupIdTooLong"),
    ] {
        let e = action(&service, name)
            .errors
            .iter()
            .find(|e| e.code == code)
            .unwrap();
        assert_eq!(
            e.sites,
            Some(vec!["mainland_china".to_owned()]),
            "{name} {code}"
        );
    }
    for t in ["DenseFaceShape", "UpgradeJobInfo"] {
        assert_eq!(
            service.object(t).sites,
            Some(vec!["mainland_china".to_owned()])
        );
    }

    // output_required is honoured; request-only indexes are required and never null.
    let face_info = service.object("FaceInfo");
    for member in ["X", "Y", "Width", "Height", "FaceAttributesInfo"] {
        let f = face_info
            .fields
            .iter()
            .find(|f| f.api_name == member)
            .unwrap();
        assert!(!f.is_optional(), "FaceInfo.{member} is always returned");
    }
    for (t, member) in [
        ("GroupExDescriptionInfo", "GroupExDescriptionIndex"),
        ("PersonExDescriptionInfo", "PersonExDescriptionIndex"),
    ] {
        let object = service.object(t);
        assert!(object.request_only(), "{t} is found only in requests");
        let f = object.fields.iter().find(|f| f.api_name == member).unwrap();
        assert!(f.required && !f.nullable, "{t}.{member}");
    }
}

#[test]
fn hand_written_english_of_mainland_only_text_survives_and_a_missing_one_is_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = spec_copy(tmp.path());
    let path = spec.join("actions/ModifyPersonBaseInfo.yaml");
    let mut action = read_action(&path);
    assert!(action.doc_zh.is_some() && action.title_zh.is_some());
    action.doc = "Reworded by a translator.".into();
    let gender = action
        .input
        .iter_mut()
        .find(|f| f.name == "Gender")
        .unwrap();
    assert!(gender.doc_zh.is_some());
    gender.doc = codegen::import::UNTRANSLATED.into();
    write_action(&path, &action);

    let import = run_import(&spec);
    let new: RawAction =
        serde_yaml::from_str(&file(&import, &spec, "actions/ModifyPersonBaseInfo.yaml").contents)
            .unwrap();
    assert_eq!(
        new.doc, "Reworded by a translator.",
        "hand-written English is kept"
    );
    assert_eq!(new.doc_zh, action.doc_zh);
    assert!(
        import
            .warnings
            .iter()
            .any(|w| w.contains("ModifyPersonBaseInfo.Gender") && w.contains("by hand")),
        "{:?}",
        import.warnings
    );

    // Mainland-only types keep theirs too.
    let types: RawTypes =
        serde_yaml::from_str(&file(&import, &spec, "types.yaml").contents).unwrap();
    let dense = types
        .types
        .iter()
        .find(|t| t.name == "DenseFaceShape")
        .unwrap();
    assert!(dense.doc.is_ascii() && dense.doc_zh.is_some());
}

#[test]
fn a_spec_for_another_api_version_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = spec_copy(tmp.path());
    let service = spec.join("service.yaml");
    let text = fs::read_to_string(&service).unwrap();
    assert!(text.contains("version: \"2020-03-03\""));
    fs::write(
        &service,
        text.replace("version: \"2020-03-03\"", "version: \"2018-03-01\""),
    )
    .unwrap();
    // A stale action file that import would otherwise rewrite.
    fs::write(
        spec.join("actions/DeleteGroup.yaml"),
        "action: DeleteGroup\n",
    )
    .unwrap();
    let before = snapshot(tmp.path());

    let error = import(&sources(), &spec).expect_err("a version mismatch must fail");
    assert!(error.contains("2018-03-01"), "{error}");
    assert!(error.contains("2020-03-03"), "{error}");
    assert!(error.contains("service.yaml"), "{error}");
    assert_eq!(snapshot(tmp.path()), before, "import wrote something");
}

#[test]
fn every_action_and_every_valid_example_of_both_sites_is_in_the_spec() {
    let api = read_json(&sources().api);
    let mainland = read_json(sources().mainland.as_ref().unwrap());
    let examples = read_json(sources().examples.as_ref().unwrap());
    let mainland_examples = read_json(sources().mainland_examples.as_ref().unwrap());
    let names = |d: &serde_json::Value| -> Vec<String> {
        d["actions"].as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(names(&api).len(), 28);
    assert_eq!(names(&mainland).len(), 35);
    let mut expected = names(&mainland);
    expected.extend(names(&api));
    expected.sort();
    expected.dedup();
    assert_eq!(expected.len(), 35);

    let spec_actions: Vec<String> = common::sorted_entries(&real_spec().join("actions"))
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(spec_actions, expected, "one spec file per API action");

    let mut in_spec_total = 0;
    for name in &expected {
        // The international examples where it has the action (English), else the mainland's.
        let source = if api["actions"].get(name).is_some() {
            &examples
        } else {
            &mainland_examples
        };
        let upstream = source["actions"][name.as_str()]
            .as_array()
            .map_or(0, Vec::len);
        let spec = read_action(&real_spec().join(format!("actions/{name}.yaml")));
        assert_eq!(
            spec.examples.len(),
            upstream,
            "{name}: every example is kept"
        );
        assert!(!spec.examples.is_empty(), "{name} has an example");
        if source == &examples {
            let titles: Vec<String> = source["actions"][name.as_str()]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["title"].as_str().unwrap().trim().to_owned())
                .collect();
            let spec_titles: Vec<String> = spec.examples.iter().map(|e| e.title.clone()).collect();
            assert_eq!(spec_titles, titles, "{name}: titles and order as published");
        } else {
            assert!(
                spec.examples.iter().all(|e| e.title.is_ascii()),
                "{name}: English titles for the mainland examples"
            );
        }
        in_spec_total += spec.examples.len();
    }
    assert_eq!(in_spec_total, 61 + 13);
}

#[test]
fn an_action_file_missing_from_the_description_is_reported_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = spec_copy(tmp.path());
    let extra = spec.join("actions/Removed.yaml");
    std::fs::copy(spec.join("actions/DeleteGroup.yaml"), &extra).unwrap();
    let import = run_import(&spec);
    let warning = import
        .warnings
        .iter()
        .find(|w| w.contains("Removed"))
        .unwrap_or_else(|| panic!("no warning about Removed.yaml: {:?}", import.warnings));
    assert!(warning.contains("not in the API description"), "{warning}");
    assert!(
        import.files.iter().all(|f| f.path != extra),
        "import never rewrites it"
    );
    assert!(extra.exists(), "and never deletes it");
}
