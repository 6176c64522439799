//! Groups: create, get, list with offset/limit, modify, delete; ID and name uniqueness;
//! custom description fields.

use tencentcloud_iai::types::GroupExDescriptionInfo;

use crate::{code, person_in_group, start};

#[tokio::test]
async fn group_life_cycle() {
    let (_emulator, client) = start().await;
    let created = client
        .create_group()
        .group_name("Staff")
        .group_id("staff")
        .group_ex_descriptions(vec!["Team".into(), "Floor".into()])
        .tag("office")
        .send()
        .await
        .unwrap();
    assert_eq!(created.face_model_version, "3.0");

    let info = client
        .get_group_info()
        .group_id("staff")
        .send()
        .await
        .unwrap();
    assert_eq!(info.group_name, "Staff");
    assert_eq!(info.group_ex_descriptions, ["Team", "Floor"]);
    assert_eq!(info.tag, "office");
    assert!(info.creation_timestamp > 1_600_000_000_000, "milliseconds");
    let age = std::time::SystemTime::now()
        .duration_since(info.creation_time())
        .expect("created in the past");
    assert!(
        age < std::time::Duration::from_secs(600),
        "created just now: {age:?}"
    );
    assert_eq!(info.request_id.len(), 36);

    // ID and name are unique in the account.
    assert_eq!(
        code(
            client
                .create_group()
                .group_name("Other")
                .group_id("staff")
                .send()
                .await
        ),
        "InvalidParameterValue.GroupIdAlreadyExist"
    );
    assert_eq!(
        code(
            client
                .create_group()
                .group_name("Staff")
                .group_id("staff2")
                .send()
                .await
        ),
        "InvalidParameterValue.GroupNameAlreadyExist"
    );
    assert_eq!(
        code(
            client
                .create_group()
                .group_name("Dup")
                .group_id("dup")
                .group_ex_descriptions(vec!["A".into(), "A".into()])
                .send()
                .await
        ),
        "InvalidParameterValue.GroupExDescriptionsNameIdentical"
    );

    let mut rename_field = GroupExDescriptionInfo::default();
    rename_field.group_ex_description_index = 1;
    rename_field.group_ex_description = "Building".into();
    client
        .modify_group()
        .group_id("staff")
        .group_name("Employees")
        .group_ex_description_infos(vec![rename_field])
        .tag("hq")
        .send()
        .await
        .unwrap();
    let info = client
        .get_group_info()
        .group_id("staff")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (info.group_name.as_str(), info.tag.as_str()),
        ("Employees", "hq")
    );
    assert_eq!(info.group_ex_descriptions, ["Team", "Building"]);

    client
        .delete_group()
        .group_id("staff")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(client.get_group_info().group_id("staff").send().await),
        "InvalidParameterValue.GroupIdNotExist"
    );
    assert_eq!(
        code(client.delete_group().group_id("staff").send().await),
        "InvalidParameterValue.GroupIdNotExist"
    );
    assert_eq!(
        code(
            client
                .modify_group()
                .group_id("staff")
                .tag("x")
                .send()
                .await
        ),
        "InvalidParameterValue.GroupIdNotExist"
    );
}

#[tokio::test]
async fn group_list_pages_with_offset_and_limit() {
    let (_emulator, client) = start().await;
    for i in 0..12 {
        client
            .create_group()
            .group_name(format!("Group {i}"))
            .group_id(format!("g{i:02}"))
            .send()
            .await
            .unwrap();
    }
    let first = client.get_group_list().send().await.unwrap();
    assert_eq!(first.group_infos.len(), 10, "default limit");
    assert_eq!(first.group_num, Some(12));
    let rest = client
        .get_group_list()
        .offset(10)
        .limit(5)
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = rest
        .group_infos
        .iter()
        .map(|g| g.group_id.as_str())
        .collect();
    assert_eq!(ids, ["g10", "g11"], "creation order");
    let beyond = client.get_group_list().offset(50).send().await.unwrap();
    assert!(beyond.group_infos.is_empty());
}

#[tokio::test]
async fn deleting_a_group_deletes_persons_only_there() {
    let (_emulator, client) = start().await;
    person_in_group(&client, "a", "only-in-a").await;
    person_in_group(&client, "a", "in-both").await;
    client
        .create_group()
        .group_name("B")
        .group_id("b")
        .send()
        .await
        .unwrap();
    client
        .copy_person()
        .person_id("in-both")
        .group_ids(vec!["b".into()])
        .send()
        .await
        .unwrap();
    client.delete_group().group_id("a").send().await.unwrap();
    assert_eq!(
        code(
            client
                .get_person_base_info()
                .person_id("only-in-a")
                .send()
                .await
        ),
        "InvalidParameterValue.PersonIdNotExist"
    );
    let kept = client
        .get_person_base_info()
        .person_id("in-both")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.face_ids.len(), 1);
}
