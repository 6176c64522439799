//! Nothing unknown goes out: a request decoded from JSON (`--input-json`, or any caller's JSON)
//! refuses unknown members at every depth, while responses keep accepting fields a newer API
//! version adds. Object types found only in requests are as strict as requests.

mod common;

use iai_integration_tests::emulator::TestEmulator;
use serde_json::json;
use tencentcloud_iai::operation::create_person::CreatePersonRequest;
use tencentcloud_iai::operation::get_group_list::GetGroupListResponse;

fn create_person_with(info: serde_json::Value) -> serde_json::Value {
    json!({
        "GroupId": "g1",
        "PersonName": "p",
        "PersonId": "p1",
        "Url": "http://test.image.myqcloud.com/a.jpg",
        "PersonExDescriptionInfos": [info]
    })
}

#[test]
fn an_unknown_key_inside_a_nested_request_object_is_refused() {
    let known =
        create_person_with(json!({"PersonExDescriptionIndex": 0, "PersonExDescription": "x"}));
    serde_json::from_value::<CreatePersonRequest>(known).expect("declared members decode");

    let unknown = create_person_with(
        json!({"PersonExDescriptionIndex": 0, "PersonExDescription": "x", "Typo": 1}),
    );
    let err = serde_json::from_value::<CreatePersonRequest>(unknown).unwrap_err();
    assert!(err.to_string().contains("unknown field `Typo`"), "{err}");
}

#[test]
fn the_description_index_is_required_in_requests() {
    let missing = create_person_with(json!({"PersonExDescription": "x"}));
    let err = serde_json::from_value::<CreatePersonRequest>(missing).unwrap_err();
    assert!(
        err.to_string()
            .contains("missing field `PersonExDescriptionIndex`"),
        "{err}"
    );
}

#[tokio::test]
async fn input_json_with_an_unknown_nested_key_is_refused_before_sending() {
    let server = TestEmulator::start();
    let client = common::client_for(&server);
    let unknown = create_person_with(
        json!({"PersonExDescriptionIndex": 0, "PersonExDescription": "x", "Typo": 1}),
    );
    let mut printed = Vec::new();
    let result = tencentcloud_iai::cli::dispatch(
        &client,
        "CreatePerson",
        unknown,
        tencentcloud_iai::cli::call::Mode::Send,
        &mut tencentcloud_iai::cli::output::Printer::new(
            &mut printed,
            tencentcloud_iai::cli::output::Format::Json,
            None,
        ),
    )
    .await;
    let Err(err) = result else {
        panic!("the CLI accepted an unknown nested key");
    };
    assert!(format!("{err:?}").contains("Typo"), "{err:?}");
    assert!(server.requests().is_empty(), "nothing was sent");
    assert!(printed.is_empty(), "nothing was printed");
}

#[test]
fn responses_still_accept_unknown_fields_at_every_depth() {
    let body = json!({
        "GroupInfos": [{
            "GroupName": "n", "GroupId": "g", "GroupExDescriptions": [], "Tag": "",
            "FaceModelVersion": "3.0", "CreationTimestamp": 1, "AddedLater": true
        }],
        "GroupNum": 1,
        "AlsoNew": "x",
        "RequestId": "r"
    });
    let response: GetGroupListResponse = serde_json::from_value(body).expect("decodes");
    assert_eq!(response.group_infos.len(), 1);
}
