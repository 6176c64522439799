//! Every official example of both sites (74 mainland, 61 international) that is valid after the
//! declared repairs round-trips through its typed request and response: the request decodes,
//! satisfies the spec's constraints and encodes back to the same JSON; the response decodes
//! and encodes back unchanged. Error examples decode into the action's error code when they
//! carry one. Only the known-broken international example may fail to convert.

use std::path::Path;

use codegen::import::{official_examples, Sources, INTERNATIONAL};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tencentcloud_iai::runtime::action::Action;
use tencentcloud_iai::runtime::error::{ErrorMetadata, ServiceError};

/// The international "Getting the group list" output is not valid JSON (missing commas); the
/// spec takes the mainland example with the same request instead.
const BROKEN: (&str, &str, &str) = (INTERNATIONAL, "GetGroupList", "Getting the group list");

fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (None, None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        other => other,
    }
}

fn round_trip<T: Serialize + DeserializeOwned>(json: &Value) -> Result<T, String> {
    let typed: T =
        serde_json::from_value(json.clone()).map_err(|e| format!("does not decode: {e}"))?;
    let again = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    if without_nulls(again.clone()) != without_nulls(json.clone()) {
        return Err(format!("changes in a round trip:\n  {json}\n  {again}"));
    }
    Ok(typed)
}

fn check<R>(input: &Value, output: &Value, is_error: bool) -> Result<(), String>
where
    R: Action + Serialize + DeserializeOwned,
    R::Output: Serialize + DeserializeOwned,
{
    if is_error {
        if let Some(code) = output["Error"]["Code"].as_str() {
            let e = R::Error::from_metadata(ErrorMetadata::new(code, "m"));
            if e.metadata().code != code {
                return Err(format!("error code {code} lost"));
            }
        }
        return Ok(());
    }
    let request: R = round_trip(input).map_err(|e| format!("request {e}"))?;
    request
        .validate()
        .map_err(|e| format!("request breaks a constraint: {e}"))?;
    round_trip::<R::Output>(output).map_err(|e| format!("response {e}"))?;
    Ok(())
}

macro_rules! dispatch {
    ($action:expr, $input:expr, $output:expr, $error:expr; $($name:literal => $request:ty,)*) => {
        match $action {
            $($name => check::<$request>($input, $output, $error),)*
            other => Err(format!("no typed request for {other}")),
        }
    };
}

#[test]
#[allow(deprecated)] // the upgrade-job actions are deprecated, and their examples still count
fn every_valid_official_example_of_both_sites_round_trips_through_the_typed_api() {
    use tencentcloud_iai::operation as op;
    let reference =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/fixtures/reference");
    let sources = Sources {
        api: reference.join("tccli-iai-v20200303-api.json"),
        examples: Some(reference.join("tccli-iai-v20200303-examples.json")),
        mainland: Some(reference.join("cn/tccli-iai-v20200303-api.json")),
        mainland_examples: Some(reference.join("cn/tccli-iai-v20200303-examples.json")),
        ..Sources::default()
    };
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let all = official_examples(&sources, &spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.iter().filter(|e| e.site == INTERNATIONAL).count(), 61);
    assert_eq!(all.len(), 61 + 74);

    let mut failures = Vec::new();
    let mut checked = 0;
    for ex in &all {
        let at = format!("{} {} `{}`", ex.site, ex.action, ex.title);
        let example = match &ex.converted {
            Ok(example) => example,
            Err(e) => {
                if (ex.site, ex.action.as_str(), ex.title.as_str()) != BROKEN {
                    failures.push(format!("{at}: does not convert: {e}"));
                }
                continue;
            }
        };
        let input = serde_json::to_value(&example.input).unwrap();
        let output = serde_json::to_value(&example.output).unwrap();
        let is_error = example.error || output.get("Error").is_some();
        let result = dispatch!(ex.action.as_str(), &input, &output, is_error;
            "AnalyzeDenseLandmarks" => op::analyze_dense_landmarks::AnalyzeDenseLandmarksRequest,
            "AnalyzeFace" => op::analyze_face::AnalyzeFaceRequest,
            "CompareFace" => op::compare_face::CompareFaceRequest,
            "CompareMaskFace" => op::compare_mask_face::CompareMaskFaceRequest,
            "CopyPerson" => op::copy_person::CopyPersonRequest,
            "CreateFace" => op::create_face::CreateFaceRequest,
            "CreateGroup" => op::create_group::CreateGroupRequest,
            "CreatePerson" => op::create_person::CreatePersonRequest,
            "DeleteFace" => op::delete_face::DeleteFaceRequest,
            "DeleteGroup" => op::delete_group::DeleteGroupRequest,
            "DeletePerson" => op::delete_person::DeletePersonRequest,
            "DeletePersonFromGroup" => op::delete_person_from_group::DeletePersonFromGroupRequest,
            "DetectFace" => op::detect_face::DetectFaceRequest,
            "DetectFaceAttributes" => op::detect_face_attributes::DetectFaceAttributesRequest,
            "DetectFaceSimilarity" => op::detect_face_similarity::DetectFaceSimilarityRequest,
            "DetectLiveFaceAccurate" => op::detect_live_face_accurate::DetectLiveFaceAccurateRequest,
            "GetGroupInfo" => op::get_group_info::GetGroupInfoRequest,
            "GetGroupList" => op::get_group_list::GetGroupListRequest,
            "GetPersonBaseInfo" => op::get_person_base_info::GetPersonBaseInfoRequest,
            "GetPersonGroupInfo" => op::get_person_group_info::GetPersonGroupInfoRequest,
            "GetPersonList" => op::get_person_list::GetPersonListRequest,
            "GetPersonListNum" => op::get_person_list_num::GetPersonListNumRequest,
            "GetUpgradeGroupFaceModelVersionJobList" => op::get_upgrade_group_face_model_version_job_list::GetUpgradeGroupFaceModelVersionJobListRequest,
            "GetUpgradeGroupFaceModelVersionResult" => op::get_upgrade_group_face_model_version_result::GetUpgradeGroupFaceModelVersionResultRequest,
            "ModifyGroup" => op::modify_group::ModifyGroupRequest,
            "ModifyPersonBaseInfo" => op::modify_person_base_info::ModifyPersonBaseInfoRequest,
            "ModifyPersonGroupInfo" => op::modify_person_group_info::ModifyPersonGroupInfoRequest,
            "RevertGroupFaceModelVersion" => op::revert_group_face_model_version::RevertGroupFaceModelVersionRequest,
            "SearchFaces" => op::search_faces::SearchFacesRequest,
            "SearchFacesReturnsByGroup" => op::search_faces_returns_by_group::SearchFacesReturnsByGroupRequest,
            "SearchPersons" => op::search_persons::SearchPersonsRequest,
            "SearchPersonsReturnsByGroup" => op::search_persons_returns_by_group::SearchPersonsReturnsByGroupRequest,
            "UpgradeGroupFaceModelVersion" => op::upgrade_group_face_model_version::UpgradeGroupFaceModelVersionRequest,
            "VerifyFace" => op::verify_face::VerifyFaceRequest,
            "VerifyPerson" => op::verify_person::VerifyPersonRequest,
        );
        match result {
            Ok(()) => checked += 1,
            Err(e) => failures.push(format!("{at}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, 61 + 74 - 1, "every example but the broken one");
}
