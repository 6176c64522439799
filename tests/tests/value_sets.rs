//! Value sets (spec `value_sets`) and timestamp units (`unit:`) in the generated API: documented
//! values are constants, any other value decodes, is kept and is sent back unchanged, and
//! timestamps have `SystemTime` accessors beside their raw values.

use std::time::{Duration, UNIX_EPOCH};

use tencentcloud_iai::operation::create_person::CreatePersonRequest;
use tencentcloud_iai::operation::get_group_info::GetGroupInfoResponse;
use tencentcloud_iai::operation::get_person_base_info::GetPersonBaseInfoResponse;
use tencentcloud_iai::operation::modify_person_base_info::ModifyPersonBaseInfoRequest;
use tencentcloud_iai::types::{FaceModelVersion, Gender, GroupInfo, QualityControl, YesNo};

fn person_base_info(gender: &str) -> GetPersonBaseInfoResponse {
    let json =
        format!(r#"{{"PersonName":"Alice","Gender":{gender},"FaceIds":[],"RequestId":"r-1"}}"#);
    serde_json::from_str(&json).expect("decodes")
}

#[test]
fn an_unknown_value_decodes_is_kept_and_is_sent_back_unchanged() {
    let info = person_base_info("7");
    assert!(!info.gender.is_known());
    assert_eq!(info.gender.as_i64(), 7);
    assert_eq!(info.gender.name(), None);
    assert_eq!(format!("{:?}", info.gender), "Gender(7)");
    assert_eq!(info.gender.to_string(), "7");
    // Re-encoded as the service sent it.
    let encoded = serde_json::to_value(&info).unwrap();
    assert_eq!(encoded["Gender"], 7);
    // Sent back in a request unchanged.
    let request = ModifyPersonBaseInfoRequest::builder()
        .person_id("alice")
        .gender(info.gender)
        .build()
        .unwrap();
    assert_eq!(serde_json::to_value(&request).unwrap()["Gender"], 7);
}

#[test]
fn a_documented_value_is_its_constant() {
    let info = person_base_info("2");
    assert_eq!(info.gender, Gender::FEMALE);
    assert_eq!(info.gender, 2, "compares with the raw value too");
    assert!(info.gender.is_known());
    assert_eq!(format!("{:?}", info.gender), "Gender::FEMALE");
    assert_eq!(info.gender.to_string(), "2", "Display shows the wire value");
    assert_eq!(Gender::KNOWN, [Gender::EMPTY, Gender::MALE, Gender::FEMALE]);
    assert_eq!(Gender::from(1), Gender::MALE);
    assert_eq!(i64::from(Gender::MALE), 1);
    assert_eq!(QualityControl::VERY_HIGH.as_i64(), 4);
    assert_eq!(YesNo::from_i64(1), YesNo::YES);
}

#[test]
fn string_sets_keep_unknown_versions() {
    let known: FaceModelVersion = serde_json::from_str(r#""3.0""#).unwrap();
    assert_eq!(known, FaceModelVersion::V3_0);
    assert_eq!(known, "3.0");
    assert_eq!(format!("{known:?}"), "FaceModelVersion::V3_0");
    assert_eq!(known.to_string(), "3.0");
    assert_eq!(known.name(), Some("V3_0"));
    let newer: FaceModelVersion = serde_json::from_str(r#""4.0""#).unwrap();
    assert!(!newer.is_known());
    assert_eq!(newer.as_str(), "4.0");
    assert_eq!(format!("{newer:?}"), r#"FaceModelVersion("4.0")"#);
    assert_eq!(serde_json::to_string(&newer).unwrap(), r#""4.0""#);
}

#[test]
fn setters_take_constants_or_raw_values() {
    let request = CreatePersonRequest::builder()
        .group_id("staff")
        .person_id("alice")
        .person_name("Alice")
        .gender(Gender::FEMALE)
        .quality_control(3)
        .need_rotate_detection(YesNo::YES)
        .url("https://example.com/a.jpg")
        .build()
        .unwrap();
    request.validate().unwrap();
    let json = serde_json::to_value(&request).unwrap();
    assert_eq!(
        (
            &json["Gender"],
            &json["QualityControl"],
            &json["NeedRotateDetection"]
        ),
        (&2.into(), &3.into(), &1.into())
    );
    assert_eq!(request.quality_control, Some(QualityControl::HIGH));
    // A value the crate does not know is not refused: the service judges it.
    let request = CreatePersonRequest::builder()
        .group_id("staff")
        .person_id("alice")
        .person_name("Alice")
        .gender(9)
        .url("https://example.com/a.jpg")
        .build()
        .unwrap();
    request.validate().unwrap();
    assert_eq!(serde_json::to_value(&request).unwrap()["Gender"], 9);
}

#[test]
fn timestamps_have_system_time_accessors_beside_the_raw_value() {
    let info: GetGroupInfoResponse = serde_json::from_str(
        r#"{"GroupName":"Staff","GroupId":"staff","GroupExDescriptions":[],"Tag":"",
            "FaceModelVersion":"3.0","CreationTimestamp":1559530931613,"RequestId":"r-1"}"#,
    )
    .unwrap();
    assert_eq!(info.creation_timestamp, 1_559_530_931_613);
    assert_eq!(
        info.creation_time(),
        UNIX_EPOCH + Duration::from_millis(1_559_530_931_613)
    );
    assert_eq!(
        serde_json::to_value(&info).unwrap()["CreationTimestamp"],
        1_559_530_931_613_u64
    );
    // An optional timestamp gives an optional time.
    let group: GroupInfo =
        serde_json::from_str(r#"{"GroupName":"g","GroupId":"g","CreationTimestamp":2000}"#)
            .unwrap();
    assert_eq!(
        group.creation_time(),
        Some(UNIX_EPOCH + Duration::from_secs(2))
    );
    assert_eq!(group.update_time(), None);
}
