//! Faces: add up to the per-person limit, delete, the last-face rule.

use tencentcloud_iai::Image;
use tencentcloud_iai_emulator::testimage::{marked_jpeg, marked_png};
use tencentcloud_iai_emulator::Marker;

use crate::{code, face_of, person_in_group, start};

#[tokio::test]
async fn faces_are_added_up_to_the_limit_and_never_all_deleted() {
    let (_emulator, client) = start().await;
    let first = person_in_group(&client, "g", "erin").await;
    let other_pictures = vec![
        Image::from_bytes(marked_png(&Marker::person("erin"), 300, 300)),
        Image::from_bytes(marked_jpeg(&Marker::person("erin"), 640, 480)),
        face_of("somebody-else"),
    ];
    let added = client
        .create_face()
        .person_id("erin")
        .images(other_pictures)
        .send()
        .await
        .unwrap();
    assert_eq!(added.suc_face_num, 2);
    assert_eq!(
        added.ret_code,
        [0, 0, -1604],
        "a stranger is below FaceMatchThreshold"
    );
    assert_eq!(added.suc_indexes, [0, 1]);
    assert_eq!(added.suc_face_rects.len(), 2);

    let more = vec![face_of("erin"), face_of("erin"), face_of("erin")];
    assert_eq!(
        code(
            client
                .create_face()
                .person_id("erin")
                .images(more)
                .send()
                .await
        ),
        "InvalidParameterValue.PersonFaceNumExceed",
        "3 faces + 3 more is over 5"
    );
    assert_eq!(
        code(
            client
                .create_face()
                .person_id("nobody")
                .images(vec![face_of("x")])
                .send()
                .await
        ),
        "InvalidParameterValue.PersonIdNotExist"
    );

    let deleted = client
        .delete_face()
        .person_id("erin")
        .face_ids(added.suc_face_ids.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.suc_deleted_num, 2);
    assert_eq!(
        code(
            client
                .delete_face()
                .person_id("erin")
                .face_ids(vec![first.clone()])
                .send()
                .await
        ),
        "InvalidParameterValue.DeleteFaceNumExceed"
    );
    let base = client
        .get_person_base_info()
        .person_id("erin")
        .send()
        .await
        .unwrap();
    assert_eq!(base.face_ids, [first]);
}

#[tokio::test]
async fn images_are_checked() {
    let (emulator, client) = start().await;
    client
        .create_group()
        .group_name("G")
        .group_id("g")
        .send()
        .await
        .unwrap();
    let create = |image: Image| {
        client
            .create_person()
            .group_id("g")
            .person_name("P")
            .person_id("p")
            .image(image)
            .send()
    };
    assert_eq!(
        code(create(Image::from_bytes(b"GIF89a not supported".to_vec())).await),
        "FailedOperation.ImageDecodeFailed"
    );
    assert_eq!(
        code(
            create(Image::from_bytes(marked_png(
                &Marker::person("p").faces(0),
                50,
                50
            )))
            .await
        ),
        "InvalidParameterValue.NoFaceInPhoto"
    );
    // Our client refuses a person with neither Image nor Url before sending; the emulator
    // answers other clients as the service does.
    let refused = client
        .create_person()
        .group_id("g")
        .person_name("P")
        .person_id("p")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(refused, tencentcloud_iai::SdkError::InvalidRequest(_)),
        "{refused}"
    );
    for body in [
        r#"{"GroupId":"g","PersonName":"P","PersonId":"p"}"#,
        r#"{"GroupId":"g","PersonName":"P","PersonId":"p","Image":""}"#,
    ] {
        let (_, _, answer) = crate::gateway::Raw::new(&emulator, "CreatePerson", body)
            .send(&emulator)
            .await;
        assert_eq!(
            crate::gateway::error_code(&answer),
            "InvalidParameterValue.ImageEmpty",
            "{body}"
        );
    }
    assert_eq!(
        code(
            client
                .create_person()
                .group_id("g")
                .person_name("P")
                .person_id("p")
                .image(Image::from_bytes(marked_png(
                    &Marker::person("p").quality(20),
                    50,
                    50
                )))
                .quality_control(2)
                .send()
                .await
        ),
        "FailedOperation.FaceQualityNotQualified"
    );
    // A URL stands for the image: accepted without fetching anything.
    let by_url = client
        .create_person()
        .group_id("g")
        .person_name("P")
        .person_id("p")
        .url("https://example.invalid/p.jpg")
        .send()
        .await
        .unwrap();
    assert!(!by_url.face_id.is_empty());
}
