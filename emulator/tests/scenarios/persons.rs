//! Persons: create with a face, base info, list and count, group membership, copy, modify,
//! delete from a group, delete.

use tencentcloud_iai::types::{Gender, PersonExDescriptionInfo};

use crate::{code, face_of, person_in_group, start};

fn ex_description(index: u64, text: &str) -> PersonExDescriptionInfo {
    let mut info = PersonExDescriptionInfo::default();
    info.person_ex_description_index = index;
    info.person_ex_description = text.into();
    info
}

#[tokio::test]
async fn person_life_cycle() {
    let (_emulator, client) = start().await;
    client
        .create_group()
        .group_name("Staff")
        .group_id("staff")
        .group_ex_descriptions(vec!["Team".into()])
        .send()
        .await
        .unwrap();
    let created = client
        .create_person()
        .group_id("staff")
        .person_name("Alice")
        .person_id("alice")
        .gender(2)
        .person_ex_description_infos(vec![ex_description(0, "blue")])
        .image(face_of("alice"))
        .send()
        .await
        .unwrap();
    assert!(!created.face_id.is_empty());
    let rect = created.face_rect.expect("a face box");
    assert!(rect.x >= 0 && rect.x as u64 + rect.width <= 200);
    assert_eq!(created.similar_person_id, "");

    assert_eq!(
        code(
            client
                .create_person()
                .group_id("staff")
                .person_name("Again")
                .person_id("alice")
                .image(face_of("x"))
                .send()
                .await
        ),
        "InvalidParameterValue.PersonIdAlreadyExist"
    );
    assert_eq!(
        code(
            client
                .create_person()
                .group_id("nowhere")
                .person_name("Bob")
                .person_id("bob")
                .image(face_of("bob"))
                .send()
                .await
        ),
        "InvalidParameterValue.GroupIdNotExist"
    );
    assert_eq!(
        code(
            client
                .create_person()
                .group_id("staff")
                .person_name("Bob")
                .person_id("bob")
                .person_ex_description_infos(vec![ex_description(3, "x")])
                .image(face_of("bob"))
                .send()
                .await
        ),
        "InvalidParameterValue.PersonExDescriptionInfosExceed"
    );

    let base = client
        .get_person_base_info()
        .person_id("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (base.person_name.as_str(), base.gender),
        ("Alice", Gender::FEMALE)
    );
    assert_eq!(base.face_ids, std::slice::from_ref(&created.face_id));

    let list = client
        .get_person_list()
        .group_id("staff")
        .send()
        .await
        .unwrap();
    assert_eq!(list.person_num, Some(1));
    assert_eq!(list.face_num, Some(1));
    assert_eq!(list.person_infos[0].person_ex_descriptions, ["blue"]);
    let num = client
        .get_person_list_num()
        .group_id("staff")
        .send()
        .await
        .unwrap();
    assert_eq!((num.person_num, num.face_num), (1, 1));

    client
        .modify_person_group_info()
        .group_id("staff")
        .person_id("alice")
        .person_ex_description_infos(vec![ex_description(0, "green")])
        .send()
        .await
        .unwrap();
    let groups = client
        .get_person_group_info()
        .person_id("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(groups.group_num, Some(1));
    assert_eq!(
        groups.person_group_infos[0].person_ex_descriptions,
        ["green"]
    );

    client
        .delete_person()
        .person_id("alice")
        .send()
        .await
        .unwrap();
    for result in [
        client
            .get_person_base_info()
            .person_id("alice")
            .send()
            .await
            .map(drop)
            .map_err(|e| e.code().map(str::to_owned)),
        client
            .get_person_group_info()
            .person_id("alice")
            .send()
            .await
            .map(drop)
            .map_err(|e| e.code().map(str::to_owned)),
        client
            .delete_person()
            .person_id("alice")
            .send()
            .await
            .map(drop)
            .map_err(|e| e.code().map(str::to_owned)),
    ] {
        assert_eq!(
            result,
            Err(Some("InvalidParameterValue.PersonIdNotExist".to_owned()))
        );
    }
    let num = client
        .get_person_list_num()
        .group_id("staff")
        .send()
        .await
        .unwrap();
    assert_eq!((num.person_num, num.face_num), (0, 0));
}

#[tokio::test]
async fn membership_copy_and_removal() {
    let (_emulator, client) = start().await;
    person_in_group(&client, "a", "carol").await;
    client
        .create_group()
        .group_name("B")
        .group_id("b")
        .send()
        .await
        .unwrap();
    client
        .create_group()
        .group_name("C")
        .group_id("c")
        .send()
        .await
        .unwrap();
    let copied = client
        .copy_person()
        .person_id("carol")
        .group_ids(vec!["b".into(), "c".into(), "a".into()])
        .send()
        .await
        .unwrap();
    assert_eq!(copied.suc_group_num, 2, "already in a");
    assert_eq!(copied.suc_group_ids, ["b", "c"]);
    assert_eq!(
        code(
            client
                .copy_person()
                .person_id("carol")
                .group_ids(vec!["zzz".into()])
                .send()
                .await
        ),
        "InvalidParameterValue.GroupIdNotExist"
    );
    let groups = client
        .get_person_group_info()
        .person_id("carol")
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(groups.group_num, Some(3));
    assert_eq!(groups.person_group_infos.len(), 2, "limit honoured");

    client
        .delete_person_from_group()
        .person_id("carol")
        .group_id("a")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(
            client
                .delete_person_from_group()
                .person_id("carol")
                .group_id("a")
                .send()
                .await
        ),
        "FailedOperation.GroupPersonMapNotExist"
    );
    client
        .delete_person_from_group()
        .person_id("carol")
        .group_id("b")
        .send()
        .await
        .unwrap();
    assert!(client
        .get_person_base_info()
        .person_id("carol")
        .send()
        .await
        .is_ok());
    // Removed from its last group: the person is gone.
    client
        .delete_person_from_group()
        .person_id("carol")
        .group_id("c")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(
            client
                .get_person_base_info()
                .person_id("carol")
                .send()
                .await
        ),
        "InvalidParameterValue.PersonIdNotExist"
    );
}

#[tokio::test]
async fn unique_person_control_reports_the_similar_person() {
    let (_emulator, client) = start().await;
    person_in_group(&client, "g", "dave").await;
    let again = client
        .create_person()
        .group_id("g")
        .person_name("Dave twin")
        .person_id("dave2")
        .image(face_of("dave"))
        .unique_person_control(2)
        .send()
        .await
        .unwrap();
    assert_eq!(again.similar_person_id, "dave");
    assert_eq!(again.face_id, "");
    assert_eq!(
        code(
            client
                .get_person_base_info()
                .person_id("dave2")
                .send()
                .await
        ),
        "InvalidParameterValue.PersonIdNotExist"
    );
}

/// ModifyPersonBaseInfo (mainland site) is modelled: the new name and gender are kept.
#[tokio::test]
async fn base_info_is_modified() {
    let (_emulator, client) = start().await;
    person_in_group(&client, "team", "bo").await;
    client
        .modify_person_base_info()
        .person_id("bo")
        .person_name("Bo Renamed")
        .gender(1)
        .send()
        .await
        .unwrap();
    let info = client
        .get_person_base_info()
        .person_id("bo")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (info.person_name.as_str(), info.gender),
        ("Bo Renamed", Gender::MALE)
    );
    assert_eq!(
        code(
            client
                .modify_person_base_info()
                .person_id("nobody")
                .person_name("X")
                .send()
                .await
        ),
        "InvalidParameterValue.PersonIdNotExist"
    );
}
