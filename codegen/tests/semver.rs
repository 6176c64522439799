//! `codegen::semver` on pairs of specs: `tests/fixtures/semver_base` against a copy with one
//! kind of change, for each kind the classification names. Each case lists every change the
//! comparison must report, exactly.

mod common;

use std::path::{Path, PathBuf};

use codegen::semver::{self, Level};
use common::tests_dir;

fn base() -> PathBuf {
    tests_dir().join("fixtures/semver_base")
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

/// The changes from the base spec to a copy edited by `edit` (a file and `(from, to)`
/// replacements, each of which must apply), as `level: text` lines.
fn changes(file: &str, edits: &[(&str, &str)]) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let after = tmp.path().join("spec");
    copy_dir(&base(), &after);
    let path = after.join(file);
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    for (from, to) in edits {
        if from.is_empty() {
            text.push_str(to);
        } else {
            assert!(text.contains(from), "{file} has no {from:?}");
            text = text.replacen(from, to, 1);
        }
    }
    if text.is_empty() {
        std::fs::remove_file(&path).unwrap();
    } else {
        std::fs::write(&path, text).unwrap();
    }
    let old = codegen::resolve(&base()).unwrap_or_else(|e| panic!("{e}"));
    let new = codegen::resolve(&after).unwrap_or_else(|e| panic!("{e}"));
    semver::diff(&old, &new)
        .iter()
        .map(ToString::to_string)
        .collect()
}

const GET: &str = "actions/GetWidget.yaml";

#[test]
fn an_identical_spec_has_no_changes() {
    assert!(changes(GET, &[]).is_empty());
}

#[test]
fn a_new_action_is_minor() {
    let action = "action: DeleteWidget\ntitle: Deletes a widget\ndoc: Deletes one.\n";
    assert_eq!(
        changes("actions/DeleteWidget.yaml", &[("", action)]),
        ["minor: action `DeleteWidget` (`Client::delete_widget`)"]
    );
}

#[test]
fn a_removed_action_is_major() {
    let text = std::fs::read_to_string(base().join("actions/ListWidgets.yaml")).unwrap();
    assert_eq!(
        changes("actions/ListWidgets.yaml", &[(&text, "")]),
        ["major: action `ListWidgets` (`Client::list_widgets`)"]
    );
}

#[test]
fn a_new_optional_input_is_minor_and_a_new_required_one_major() {
    let optional = "  - name: Verbose\n    type: bool\n    doc: More detail.\noutput:";
    assert_eq!(
        changes(GET, &[("output:", optional)]),
        ["minor: `GetWidget` input `Verbose` (optional)"]
    );
    let required =
        "  - name: Owner\n    type: string\n    required: true\n    doc: Who owns it.\noutput:";
    assert_eq!(
        changes(GET, &[("output:", required)]),
        ["major: `GetWidget` input `Owner`: new and required"]
    );
}

#[test]
fn an_input_becoming_required_or_optional_is_major() {
    assert_eq!(
        changes(
            GET,
            &[(
                "    type: uint64\n",
                "    type: uint64\n    required: true\n"
            )]
        ),
        ["major: `GetWidget` input `Limit`: optional → required (its Rust type changes)"]
    );
    assert_eq!(
        changes(
            GET,
            &[(
                "    required: true\n    doc: The widget.\n",
                "    doc: The widget.\n"
            )]
        ),
        ["major: `GetWidget` input `WidgetId`: required → optional (its Rust type changes)"]
    );
}

#[test]
fn removed_fields_and_changed_types_are_major_new_outputs_minor() {
    assert_eq!(
        changes(
            GET,
            &[(
                "  - name: Total\n    type: uint64\n    doc: How many.\n",
                ""
            )]
        ),
        ["major: `GetWidget` output `Total`"]
    );
    assert_eq!(
        changes(
            GET,
            &[(
                "    type: uint64\n    doc: How many.",
                "    type: int64\n    doc: How many."
            )]
        ),
        ["major: `GetWidget` output `Total`: type uint64 → int64"]
    );
    let output = "errors:";
    let added =
        "  - name: Color\n    type: string\n    required: true\n    doc: Its color.\nerrors:";
    assert_eq!(
        changes(GET, &[(output, added)]),
        ["minor: `GetWidget` output `Color`"]
    );
}

#[test]
fn error_codes_removed_are_major_added_minor() {
    let code = "  - code: ResourceNotFound.Widget\n    doc: No such widget.\n";
    let other = "  - code: ResourceInUse.Widget\n    doc: The widget is in use.\n";
    assert_eq!(
        changes(GET, &[(code, other)]),
        [
            "major: `GetWidget`: error code `ResourceNotFound.Widget` (`GetWidgetError::ResourceNotFoundWidget`)",
            "minor: `GetWidget`: error code `ResourceInUse.Widget` (`GetWidgetError::ResourceInUseWidget`)",
        ]
    );
    // A common code reaches every action.
    let common = "  - code: InternalError\n    doc: Internal error.\n";
    assert_eq!(
        changes("common_errors.yaml", &[(common, "")]),
        [
            "major: `GetWidget`: error code `InternalError` (`GetWidgetError::InternalError`)",
            "major: `ListWidgets`: error code `InternalError` (`ListWidgetsError::InternalError`)",
        ]
    );
}

#[test]
fn tightened_constraints_are_major_loosened_ones_patch() {
    assert_eq!(
        changes(GET, &[("max: 100", "max: 50")]),
        ["major: `GetWidget` input `Limit`: constraint tightened (max 100 → 50); values accepted before are refused"]
    );
    assert_eq!(
        changes(GET, &[("max: 100", "max: 200")]),
        ["patch: `GetWidget` input `Limit`: constraint loosened (max 100 → 200); the service checks the rest"]
    );
    assert_eq!(
        changes(GET, &[("      one_of: [fast, safe]", "      one_of: [fast, safe, lazy]")]),
        ["patch: `GetWidget` input `Mode`: constraint loosened (one_of [fast, safe] → [fast, lazy, safe]); the service checks the rest"]
    );
    assert_eq!(
        changes(GET, &[("allowed_chars: \"A-Za-z0-9_-\"", "allowed_chars: \"a-z0-9_-\"")]),
        ["major: `GetWidget` input `WidgetId`: constraint tightened (allowed_chars A-Za-z0-9_- → a-z0-9_-); values accepted before are refused"]
    );
    // A new limit is a tightening; a removed one a loosening.
    assert_eq!(
        changes(GET, &[("    doc: Labels to match.\n", "    doc: Labels to match.\n    constraints:\n      max_items: 3\n")]),
        ["major: `GetWidget` input `Labels`: constraint tightened (max_items none → 3); values accepted before are refused"]
    );
    assert_eq!(
        changes(GET, &[("    constraints:\n      max: 100\n", "")]),
        ["patch: `GetWidget` input `Limit`: constraint loosened (max 100 → none); the service checks the rest"]
    );
}

#[test]
fn type_members_follow_where_the_type_is_used() {
    let request_member = "        doc: The label's key.\n";
    assert_eq!(
        changes("types.yaml", &[(request_member, "        doc: The label's key.\n      - name: Scope\n        type: string\n        required: true\n        doc: Where it applies.\n")]),
        ["major: type `Label` member `Scope`: new and required"]
    );
    let response_member = "        doc: Widget name.\n";
    assert_eq!(
        changes("types.yaml", &[(response_member, "        doc: Widget name.\n      - name: Size\n        type: uint64\n        required: true\n        doc: Its size.\n")]),
        ["minor: type `Widget` member `Size`"]
    );
}

#[test]
fn docs_deprecation_region_and_retries() {
    assert_eq!(
        changes(
            GET,
            &[(
                "doc: Returns one widget.",
                "doc: Returns one widget, by ID."
            )]
        ),
        ["patch: `GetWidget`: documentation"]
    );
    assert_eq!(
        changes(
            GET,
            &[("idempotent: true\n", "idempotent: true\ndeprecated: true\n")]
        ),
        ["minor: action `GetWidget`: the service marks it deprecated"]
    );
    assert_eq!(
        changes(
            GET,
            &[(
                "idempotent: true\n",
                "idempotent: true\nregion_required: true\n"
            )]
        ),
        ["major: `GetWidget`: a region is now required; calls without one fail"]
    );
    assert_eq!(
        changes(GET, &[("idempotent: true\n", "")]),
        ["patch: `GetWidget`: no longer idempotent: failures after sending are no longer retried"]
    );
}

#[test]
fn the_bump_is_the_highest_level_and_the_changelog_has_its_sections() {
    let tmp = tempfile::tempdir().unwrap();
    let after = tmp.path().join("spec");
    copy_dir(&base(), &after);
    std::fs::write(
        after.join("actions/DeleteWidget.yaml"),
        "action: DeleteWidget\ntitle: Deletes a widget\ndoc: Deletes one.\n",
    )
    .unwrap();
    std::fs::remove_file(after.join("actions/ListWidgets.yaml")).unwrap();
    let old = codegen::resolve(&base()).unwrap();
    let new = codegen::resolve(&after).unwrap();
    let changes = semver::diff(&old, &new);
    assert_eq!(semver::bump(&changes), Some(Level::Major));
    assert_eq!(
        semver::changelog_entries(&changes),
        "### Added\n\n- action `DeleteWidget` (`Client::delete_widget`)\n\n### Removed\n\n- **Breaking:** action `ListWidgets` (`Client::list_widgets`)\n\n"
    );
    assert_eq!(semver::bump(&[]), None);
}

#[test]
fn a_known_value_added_is_minor_removed_or_changed_major() {
    const TYPES: &str = "types.yaml";
    let dark = "      - name: DARK\n        value: 1\n        doc: Dark.\n";
    let medium = "      - name: MEDIUM\n        value: 2\n        doc: Medium.\n";
    assert_eq!(
        changes(TYPES, &[(dark, &format!("{dark}{medium}"))]),
        ["minor: value set `Shade`: `Shade::MEDIUM` (2)"]
    );
    assert_eq!(
        changes(TYPES, &[(dark, "")]),
        ["major: value set `Shade`: `Shade::DARK` (1)"]
    );
    assert_eq!(
        changes(TYPES, &[("        value: 1\n", "        value: 3\n")]),
        ["major: value set `Shade`: `Shade::DARK` is 3 (was 1)"]
    );
    assert_eq!(
        changes(
            TYPES,
            &[("        doc: Dark.\n", "        doc: Dark grey.\n")]
        ),
        ["patch: value set `Shade`: `Shade::DARK`: documentation"]
    );
    let new_set = "  - name: Finish\n    type: string\n    doc: A finish.\n    values:\n      - name: MATTE\n        value: matte\n        doc: Matte.\n";
    assert_eq!(
        changes(TYPES, &[("", new_set)]),
        ["minor: value set `Finish`"]
    );
}

#[test]
fn a_field_gaining_or_losing_a_value_set_is_major() {
    assert_eq!(
        changes(
            GET,
            &[(
                "    type: uint64\n    doc: How many.",
                "    type: uint64\n    value_set: Shade\n    doc: How many."
            )]
        ),
        ["major: `GetWidget` output `Total`: holds `Shade` (was the raw `uint64`; its Rust type changes)"]
    );
    assert_eq!(
        changes(GET, &[("    value_set: Shade\n", "")]),
        ["major: `GetWidget` output `Shade`: holds the raw `int64` (was `Shade`; its Rust type changes)"]
    );
}

#[test]
fn a_unit_added_is_minor_removed_or_changed_major() {
    let raw = "    type: uint64\n    doc: When it was made";
    let with_unit =
        |unit: &str| format!("    type: uint64\n    unit: {unit}\n    doc: When it was made");
    assert_eq!(
        changes(GET, &[(raw, &with_unit("milliseconds"))]),
        ["minor: `GetWidget` output `CreatedAt`: a timestamp in milliseconds, with `created_at_system_time()` returning `SystemTime`"]
    );
    // From a base that has the unit: removing or changing it.
    let tmp = tempfile::tempdir().unwrap();
    let base_with_unit = tmp.path().join("spec");
    copy_dir(&base(), &base_with_unit);
    let path = base_with_unit.join(GET);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen(raw, &with_unit("milliseconds"), 1);
    std::fs::write(&path, &text).unwrap();
    let old = codegen::resolve(&base_with_unit).unwrap_or_else(|e| panic!("{e}"));
    let without = codegen::resolve(&base()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        semver::diff(&old, &without)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["major: `GetWidget` output `CreatedAt`: the `SystemTime` accessor `created_at_system_time()`"]
    );
    std::fs::write(
        &path,
        text.replacen("unit: milliseconds", "unit: seconds", 1),
    )
    .unwrap();
    let seconds = codegen::resolve(&base_with_unit).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        semver::diff(&old, &seconds)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["major: `GetWidget` output `CreatedAt`: a timestamp in seconds (was milliseconds; `created_at_system_time()` gives other times)"]
    );
}
