//! Every action of the spec, called once over real HTTP against the emulator with
//! its documented example: the request decoded from the example's input is sent
//! (validated, signed), the server answers with the example's output, and the typed response
//! must hold exactly that output.
//!
//! `all_actions.rs` does the same through the generated CLI dispatch, with JSON in and out; this
//! file goes through each action's own typed request and response instead, so it also checks
//! that the typed response keeps every documented field. The examples come from the resolved
//! spec model (`codegen::spec::load` + `model::resolve`), i.e. `spec/actions/<Action>.yaml`; the
//! list of request types below must match the spec and the CLI's action table (a test checks
//! it), so a new action cannot be left out.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use common::{bounded, client_for};
use iai_integration_tests::emulator::{FaultStep, RawReply, TestEmulator};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tencentcloud_iai::runtime::action::Action;
use tencentcloud_iai::SdkError;

/// (input JSON, `Response` JSON) of the first successful example of each action.
struct Example {
    title: String,
    input: String,
    output: String,
}

fn spec() -> &'static codegen::model::Service {
    static SERVICE: OnceLock<codegen::model::Service> = OnceLock::new();
    SERVICE.get_or_init(|| {
        let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let files = codegen::spec::load(&spec_dir).unwrap_or_else(|e| panic!("{e}"));
        codegen::model::resolve(&files).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn example(action: &str) -> Example {
    let model = spec()
        .actions
        .iter()
        .find(|a| a.name == action)
        .unwrap_or_else(|| panic!("{action} is not in the spec"));
    let e = model
        .examples
        .iter()
        .find(|e| !e.is_error)
        .unwrap_or_else(|| panic!("{action} has no successful example"));
    Example {
        title: e.title.clone(),
        input: e.input_json.clone(),
        output: e.output_json.clone(),
    }
}

/// For comparing JSON that went through typed values: `null` and absent are the same, and a
/// float with no fraction equals the integer the API wrote (`100` where the spec says float).
fn normalize(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, normalize(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (None, None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        other => other,
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Sends `R` built from the action's example, answered with the example's output.
async fn call_with_example<R>() -> R::Output
where
    R: Action + DeserializeOwned,
    R::Output: Serialize,
    R::Error: std::fmt::Debug,
{
    let name = R::NAME;
    let example = example(name);
    let at = format!("{name} (example {:?})", example.title);
    let request: R = serde_json::from_str(&example.input)
        .unwrap_or_else(|e| panic!("{at}: the example input does not decode: {e}"));

    let server = TestEmulator::start();
    server.script(
        name,
        [FaultStep::Respond(RawReply::json(format!(
            r#"{{"Response":{}}}"#,
            example.output
        )))],
    );
    let client = client_for(&server);
    let output = match bounded(client.send(&request)).await {
        Ok(output) => output,
        Err(SdkError::InvalidRequest(e)) => {
            panic!("{at}: the documented example breaks a spec constraint: {e}")
        }
        Err(e) => panic!("{at}: {e:?}"),
    };

    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{at}: one request, no retries");
    let sent = &requests[0];
    assert!(sent.authenticated, "{at}: signature rejected");
    assert_eq!(
        sent.error_code, None,
        "{at}: the emulator refused the request"
    );
    assert_eq!(sent.header("X-TC-Action"), Some(name), "{at}");
    assert_eq!(sent.header("X-TC-Version"), Some("2020-03-03"), "{at}");
    let body: Value = serde_json::from_slice(&sent.body).expect("the body is JSON");
    assert_eq!(
        normalize(body),
        normalize(json(&example.input)),
        "{at}: the request body is not the example input"
    );

    // Nothing in the documented output is lost or renamed by the typed response (`RequestId`
    // included).
    let typed = serde_json::to_value(&output).expect("responses serialize");
    assert_eq!(
        normalize(typed),
        normalize(json(&example.output)),
        "{at}: the typed response differs from the example output"
    );
    output
}

macro_rules! every_action {
    ($($test:ident: $name:literal => $request:ty,)*) => {
        /// The actions the tests below cover, by API name.
        const COVERED: &[&str] = &[$($name),*];

        $(
            // The deprecated upgrade actions are called on purpose: they are still in the API.
            #[allow(deprecated)]
            #[tokio::test]
            async fn $test() {
                assert_eq!(<$request as Action>::NAME, $name);
                call_with_example::<$request>().await;
            }
        )*
    };
}

use tencentcloud_iai::operation as op;

every_action! {
    analyze_dense_landmarks: "AnalyzeDenseLandmarks" => op::analyze_dense_landmarks::AnalyzeDenseLandmarksRequest,
    compare_mask_face: "CompareMaskFace" => op::compare_mask_face::CompareMaskFaceRequest,
    get_upgrade_group_face_model_version_job_list: "GetUpgradeGroupFaceModelVersionJobList" => op::get_upgrade_group_face_model_version_job_list::GetUpgradeGroupFaceModelVersionJobListRequest,
    get_upgrade_group_face_model_version_result: "GetUpgradeGroupFaceModelVersionResult" => op::get_upgrade_group_face_model_version_result::GetUpgradeGroupFaceModelVersionResultRequest,
    modify_person_base_info: "ModifyPersonBaseInfo" => op::modify_person_base_info::ModifyPersonBaseInfoRequest,
    revert_group_face_model_version: "RevertGroupFaceModelVersion" => op::revert_group_face_model_version::RevertGroupFaceModelVersionRequest,
    upgrade_group_face_model_version: "UpgradeGroupFaceModelVersion" => op::upgrade_group_face_model_version::UpgradeGroupFaceModelVersionRequest,
    analyze_face: "AnalyzeFace" => op::analyze_face::AnalyzeFaceRequest,
    compare_face: "CompareFace" => op::compare_face::CompareFaceRequest,
    copy_person: "CopyPerson" => op::copy_person::CopyPersonRequest,
    create_face: "CreateFace" => op::create_face::CreateFaceRequest,
    create_group: "CreateGroup" => op::create_group::CreateGroupRequest,
    create_person: "CreatePerson" => op::create_person::CreatePersonRequest,
    delete_face: "DeleteFace" => op::delete_face::DeleteFaceRequest,
    delete_group: "DeleteGroup" => op::delete_group::DeleteGroupRequest,
    delete_person: "DeletePerson" => op::delete_person::DeletePersonRequest,
    delete_person_from_group: "DeletePersonFromGroup" => op::delete_person_from_group::DeletePersonFromGroupRequest,
    detect_face: "DetectFace" => op::detect_face::DetectFaceRequest,
    detect_face_attributes: "DetectFaceAttributes" => op::detect_face_attributes::DetectFaceAttributesRequest,
    detect_face_similarity: "DetectFaceSimilarity" => op::detect_face_similarity::DetectFaceSimilarityRequest,
    detect_live_face_accurate: "DetectLiveFaceAccurate" => op::detect_live_face_accurate::DetectLiveFaceAccurateRequest,
    get_group_info: "GetGroupInfo" => op::get_group_info::GetGroupInfoRequest,
    get_group_list: "GetGroupList" => op::get_group_list::GetGroupListRequest,
    get_person_base_info: "GetPersonBaseInfo" => op::get_person_base_info::GetPersonBaseInfoRequest,
    get_person_group_info: "GetPersonGroupInfo" => op::get_person_group_info::GetPersonGroupInfoRequest,
    get_person_list: "GetPersonList" => op::get_person_list::GetPersonListRequest,
    get_person_list_num: "GetPersonListNum" => op::get_person_list_num::GetPersonListNumRequest,
    modify_group: "ModifyGroup" => op::modify_group::ModifyGroupRequest,
    modify_person_group_info: "ModifyPersonGroupInfo" => op::modify_person_group_info::ModifyPersonGroupInfoRequest,
    search_faces: "SearchFaces" => op::search_faces::SearchFacesRequest,
    search_faces_returns_by_group: "SearchFacesReturnsByGroup" => op::search_faces_returns_by_group::SearchFacesReturnsByGroupRequest,
    search_persons: "SearchPersons" => op::search_persons::SearchPersonsRequest,
    search_persons_returns_by_group: "SearchPersonsReturnsByGroup" => op::search_persons_returns_by_group::SearchPersonsReturnsByGroupRequest,
    verify_face: "VerifyFace" => op::verify_face::VerifyFaceRequest,
    verify_person: "VerifyPerson" => op::verify_person::VerifyPersonRequest,
}

#[test]
fn every_spec_action_is_covered() {
    let mut in_spec: Vec<&str> = spec().actions.iter().map(|a| a.name.as_str()).collect();
    in_spec.sort_unstable();
    let mut covered = COVERED.to_vec();
    covered.sort_unstable();
    assert_eq!(
        covered, in_spec,
        "add new actions to the every_action! list (or remove deleted ones)"
    );
    assert_eq!(in_spec.len(), 35);

    let mut in_cli: Vec<&str> = tencentcloud_iai::cli::ACTIONS
        .iter()
        .map(|a| a.name)
        .collect();
    in_cli.sort_unstable();
    assert_eq!(in_cli, in_spec, "the CLI table lists the same actions");
}

// ---- the typed values, through the fluent builders -------------------------------------------

fn serve_example(server: &TestEmulator, action: &str) {
    let output = example(action).output;
    server.script(
        action,
        [FaultStep::Respond(RawReply::json(format!(
            r#"{{"Response":{output}}}"#
        )))],
    );
}

fn assert_one_signed(server: &TestEmulator, action: &str) -> Value {
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].authenticated);
    assert_eq!(requests[0].header("X-TC-Action"), Some(action));
    serde_json::from_slice(&requests[0].body).unwrap()
}

#[tokio::test]
async fn detect_face_nested_attributes() {
    let server = TestEmulator::start();
    serve_example(&server, "DetectFace");
    let out = bounded(
        client_for(&server)
            .detect_face()
            .url("http://test.image.myqcloud.com/testB.jpg")
            .max_face_num(1)
            .min_face_size(40)
            .send(),
    )
    .await
    .expect("success");
    assert_eq!((out.image_width, out.image_height), (640, 440));
    assert_eq!(out.face_infos.len(), 1);
    let face = &out.face_infos[0];
    assert_eq!(
        (face.x, face.y, face.width, face.height),
        (156, 129, 196, 196),
        "always returned, so not Option (output_required)"
    );
    let attributes = &face.face_attributes_info;
    assert_eq!(attributes.eye_open, Some(true));
    assert!(!attributes.glass);
    assert_eq!(
        attributes.hair.as_ref().expect("hair").bang,
        Some(tencentcloud_iai::types::HairBang::WITH_BANGS)
    );
    let quality = face.face_quality_info.as_ref().expect("quality");
    assert_eq!(
        quality.completeness.as_ref().expect("completeness").nose,
        Some(0)
    );
    assert_eq!(out.request_id, "a574102d-1b86-48a7-a08b-6a741a8fedb6");
    let body = assert_one_signed(&server, "DetectFace");
    assert_eq!(body["Url"], "http://test.image.myqcloud.com/testB.jpg");
}

#[tokio::test]
async fn analyze_face_nested_points() {
    let server = TestEmulator::start();
    serve_example(&server, "AnalyzeFace");
    let out = bounded(
        client_for(&server)
            .analyze_face()
            .mode(0)
            .url("http://test.image.myqcloud.com/testA.jpg")
            .send(),
    )
    .await
    .expect("success");
    let shape = out.face_shape_set.first().expect("one face shape");
    assert_eq!(shape.face_profile[0].x, 63);
    assert_eq!(shape.face_profile[0].y, 335);
    assert!(shape.face_profile.len() > 10);
    assert!(!shape.mouth.is_empty() && !shape.left_pupil.is_empty());
    assert_one_signed(&server, "AnalyzeFace");
}

#[tokio::test]
async fn search_faces_candidates() {
    let server = TestEmulator::start();
    serve_example(&server, "SearchFaces");
    let out = bounded(
        client_for(&server)
            .search_faces()
            .group_ids(vec!["TencentShenZhenEmployee".to_owned()])
            .url("http://test.image.myqcloud.com/testA.jpg")
            .max_face_num(1)
            .send(),
    )
    .await
    .expect("success");
    assert_eq!(out.face_num, 1);
    let candidate = &out.results[0].candidates[0];
    assert_eq!(candidate.person_id, "1001");
    assert_eq!(candidate.person_name.as_deref(), Some("Jerry"));
    assert_eq!(candidate.score, 100.0);
    let groups = candidate.person_group_infos.as_ref().expect("groups");
    assert_eq!(groups[0].group_id, "abc");
    let body = assert_one_signed(&server, "SearchFaces");
    assert_eq!(
        body["GroupIds"],
        serde_json::json!(["TencentShenZhenEmployee"])
    );
}

#[tokio::test]
async fn get_person_list_example_is_one_page() {
    let server = TestEmulator::start();
    serve_example(&server, "GetPersonList");
    let people = bounded(
        client_for(&server)
            .get_person_list()
            .group_id("ZhuYuanDormitoryNo1")
            .limit(10)
            .into_paginator()
            .collect_items(),
    )
    .await
    .expect("success");
    assert_eq!(people.len(), 1, "PersonNum is 1: one page");
    assert_eq!(people[0].person_name, "Junly");
    assert_eq!(people[0].face_ids, ["2877244861637985315"]);
    assert_one_signed(&server, "GetPersonList");
}
