//! Paginators over real HTTP against the emulator: pages and items across the pages of real
//! groups and persons (the emulator's own offset/limit semantics), the offsets each request
//! carries, where the stream ends (total reached, short page, empty page, error), and the
//! short-page rule when the API returns no total.
//!
//! Scripted answers remain only for what the service may answer but the emulator's state
//! cannot produce: an error in the middle of a listing, a total of null (the spec: "may return
//! null"; the emulator always counts) or one that contradicts the page, and upgrade jobs (the
//! emulator keeps none and answers the spec's example).

mod common;

use common::{bounded, client_for};
use iai_integration_tests::emulator::{FaultStep, RawReply, RecordedCall, TestEmulator};
use serde_json::{json, Value};
use tencentcloud_iai::operation::get_group_list::GetGroupListError;
use tencentcloud_iai::{Client, SdkError};
use tencentcloud_iai_emulator::testimage::marked_png;
use tencentcloud_iai_emulator::Marker;

/// A raw `GetGroupList` page of groups named `name-<id>`, with `GroupNum` `total` (null for
/// `None`): for totals the emulator's state cannot produce.
fn group_page(ids: &[&str], total: Option<u64>) -> FaultStep {
    let infos: Vec<Value> = ids
        .iter()
        .map(|id| json!({"GroupName": format!("name-{id}"), "GroupId": id, "Tag": "t"}))
        .collect();
    let response = json!({
        "GroupInfos": infos, "GroupNum": total, "RequestId": format!("req-{}", ids.join("-"))
    });
    FaultStep::Respond(RawReply::json(json!({ "Response": response }).to_string()))
}

/// Creates groups `g1` to `g5` (named `name-g1`..., tag `t`), which GetGroupList lists oldest
/// first: in pages of two, two full pages, then a short one; `GroupNum` is 5. The set-up calls
/// are then forgotten in the journal.
async fn five_groups(server: &TestEmulator, client: &Client) {
    for id in ["g1", "g2", "g3", "g4", "g5"] {
        bounded(
            client
                .create_group()
                .group_name(format!("name-{id}"))
                .group_id(id)
                .tag("t")
                .send(),
        )
        .await
        .expect("group created");
    }
    server.emulator().clear_requests();
}

/// Creates group `group-1` with persons `p1` to `p<count>` (named `name-p1`..., one face each),
/// then forgets the set-up calls in the journal.
async fn persons(server: &TestEmulator, client: &Client, count: usize) {
    bounded(
        client
            .create_group()
            .group_name("Group 1")
            .group_id("group-1")
            .send(),
    )
    .await
    .expect("group created");
    for i in 1..=count {
        let id = format!("p{i}");
        bounded(
            client
                .create_person()
                .group_id("group-1")
                .person_name(format!("name-{id}"))
                .person_id(&id)
                .gender(1)
                .image(marked_png(&Marker::person(&id), 8, 8))
                .send(),
        )
        .await
        .expect("person created");
    }
    server.emulator().clear_requests();
}

/// The emulator's own GetPersonList pages of `group-1`, one per `(offset, limit)`, as raw
/// answers with `PersonNum` and `FaceNum` null: the service may answer so (the spec marks both
/// nullable), the emulator always counts. The calls that fetched them are forgotten.
async fn pages_without_total(
    server: &TestEmulator,
    client: &Client,
    pages: &[(u64, Option<u64>)],
) -> Vec<FaultStep> {
    let mut steps = Vec::new();
    for &(offset, limit) in pages {
        let request = client.get_person_list().group_id("group-1").offset(offset);
        let request = match limit {
            Some(limit) => request.limit(limit),
            None => request,
        };
        let page = bounded(request.send()).await.expect("a real page");
        let mut response = serde_json::to_value(&page).expect("a response is JSON");
        response["PersonNum"] = Value::Null;
        response["FaceNum"] = Value::Null;
        steps.push(FaultStep::Respond(RawReply::json(
            json!({ "Response": response }).to_string(),
        )));
    }
    server.emulator().clear_requests();
    steps
}

fn bodies(requests: &[RecordedCall], action: &str) -> Vec<Value> {
    requests
        .iter()
        .filter(|r| r.action.as_deref() == Some(action))
        .map(|r| {
            assert!(r.authenticated, "the emulator rejected a signature: {r:?}");
            serde_json::from_slice(&r.body).expect("request bodies are JSON")
        })
        .collect()
}

/// `Offset` of each request; the first may leave it out (it starts at 0).
fn offsets(bodies: &[Value]) -> Vec<u64> {
    bodies
        .iter()
        .map(|b| b.get("Offset").map_or(0, |o| o.as_u64().expect("a number")))
        .collect()
}

#[tokio::test]
async fn pages_follow_the_offset_until_the_total_is_reached() {
    let server = TestEmulator::start();
    let client = client_for(&server);
    five_groups(&server, &client).await;
    let mut pages = client.get_group_list().limit(2).into_paginator();

    let mut seen = Vec::new();
    while let Some(page) = bounded(pages.next_page()).await {
        let page = page.expect("every page succeeds");
        assert_eq!(page.group_num, Some(5));
        seen.push(
            page.group_infos
                .iter()
                .map(|g| g.group_id.clone())
                .collect::<Vec<_>>(),
        );
        assert!(seen.len() <= 3, "the paginator went past the last page");
    }
    assert_eq!(seen, [vec!["g1", "g2"], vec!["g3", "g4"], vec!["g5"]]);
    // The stream stays ended and asks nothing more.
    assert!(bounded(pages.next_page()).await.is_none());

    let sent = bodies(&server.requests(), "GetGroupList");
    assert_eq!(sent.len(), 3);
    assert_eq!(offsets(&sent), [0, 2, 4]);
    assert!(server.requests().iter().all(|r| r.error_code.is_none()));
    // The first request is the one the builder made: no offset set, so none is sent.
    assert_eq!(sent[0], json!({"Limit": 2}));
    assert_eq!(sent[1], json!({"Offset": 2, "Limit": 2}));
    assert_eq!(sent[2], json!({"Offset": 4, "Limit": 2}));
    assert!(sent.iter().all(|b| b["Limit"] == 2), "{sent:?}");
}

#[tokio::test]
async fn items_stream_across_pages() {
    let server = TestEmulator::start();
    let client = client_for(&server);
    five_groups(&server, &client).await;
    let mut items = client.get_group_list().limit(2).into_paginator().items();

    let mut names = Vec::new();
    while let Some(item) = bounded(items.next_item()).await {
        names.push(item.expect("every item arrives").group_name);
        assert!(names.len() <= 5, "items past the total: {names:?}");
    }
    assert_eq!(
        names,
        ["name-g1", "name-g2", "name-g3", "name-g4", "name-g5"]
    );
    assert!(bounded(items.next_item()).await.is_none());
    assert_eq!(
        offsets(&bodies(&server.requests(), "GetGroupList")),
        [0, 2, 4]
    );
}

#[tokio::test]
async fn collect_items_gathers_every_page() {
    let server = TestEmulator::start();
    let client = client_for(&server);
    five_groups(&server, &client).await;
    let groups = bounded(
        client
            .get_group_list()
            .limit(2)
            .into_paginator()
            .collect_items(),
    )
    .await
    .expect("every page succeeds");
    let ids: Vec<&str> = groups.iter().map(|g| g.group_id.as_str()).collect();
    assert_eq!(ids, ["g1", "g2", "g3", "g4", "g5"]);
    assert_eq!(groups[0].tag.as_deref(), Some("t"));
    assert_eq!(server.request_count("GetGroupList"), 3);
}

#[tokio::test]
async fn a_start_offset_is_honoured() {
    let server = TestEmulator::start();
    let client = client_for(&server);
    five_groups(&server, &client).await;
    let groups = bounded(
        client
            .get_group_list()
            .offset(3)
            .limit(1)
            .into_paginator()
            .collect_items(),
    )
    .await
    .unwrap();
    let ids: Vec<&str> = groups.iter().map(|g| g.group_id.as_str()).collect();
    assert_eq!(ids, ["g4", "g5"]);
    let sent = bodies(&server.requests(), "GetGroupList");
    assert_eq!(offsets(&sent), [3, 4]);
}

/// The first call answers normally, the second fails with `InvalidParameterValue.OffsetExceed`.
fn offset_exceeded_on_the_second_call() -> [FaultStep; 2] {
    [
        FaultStep::Pass,
        FaultStep::Error {
            code: "InvalidParameterValue.OffsetExceed".into(),
            message: Some("offset too large".into()),
        },
    ]
}

#[tokio::test]
async fn an_error_ends_the_stream_with_the_typed_error() {
    // The first page is real; the second call fails, as the service may (the emulator's
    // state never refuses an offset, so the error is scripted); a third page would be real.
    let server = TestEmulator::start();
    let client = client_for(&server);
    five_groups(&server, &client).await;
    server.script("GetGroupList", offset_exceeded_on_the_second_call());
    let mut pages = client.get_group_list().limit(2).into_paginator();

    let first = bounded(pages.next_page()).await.expect("a first page");
    assert_eq!(first.expect("page 1 succeeds").group_infos.len(), 2);
    match bounded(pages.next_page()).await {
        Some(Err(SdkError::Service(GetGroupListError::InvalidParameterValueOffsetExceed(m)))) => {
            assert_eq!(m.code, "InvalidParameterValue.OffsetExceed");
            assert_eq!(m.message, "offset too large");
        }
        other => panic!("expected the typed OffsetExceed error, got {other:?}"),
    }
    assert!(
        bounded(pages.next_page()).await.is_none(),
        "the stream ends after an error"
    );
    assert_eq!(
        server.request_count("GetGroupList"),
        2,
        "no retry, no 3rd page"
    );
    let requests = server.requests();
    assert_eq!(offsets(&bodies(&requests, "GetGroupList")), [0, 2]);
    let verdicts: Vec<Option<&str>> = requests.iter().map(|r| r.error_code.as_deref()).collect();
    assert_eq!(verdicts, [None, Some("InvalidParameterValue.OffsetExceed")]);
}

#[tokio::test]
async fn an_error_ends_the_item_stream_and_collect_items() {
    let server = TestEmulator::start();
    let client = client_for(&server);
    five_groups(&server, &client).await;
    server.script("GetGroupList", offset_exceeded_on_the_second_call());

    let mut items = client.get_group_list().limit(2).into_paginator().items();
    let mut got = Vec::new();
    let error = loop {
        match bounded(items.next_item()).await {
            Some(Ok(item)) => got.push(item.group_id),
            Some(Err(e)) => break e,
            None => panic!("the stream ended without the error; items: {got:?}"),
        }
    };
    assert_eq!(got, ["g1", "g2"]);
    assert!(matches!(
        error,
        SdkError::Service(GetGroupListError::InvalidParameterValueOffsetExceed(_))
    ));
    assert!(bounded(items.next_item()).await.is_none());

    server.script("GetGroupList", offset_exceeded_on_the_second_call());
    let result = bounded(
        client
            .get_group_list()
            .limit(2)
            .into_paginator()
            .collect_items(),
    )
    .await;
    match result {
        Err(SdkError::Service(e)) => assert_eq!(e.code(), "InvalidParameterValue.OffsetExceed"),
        other => panic!("expected the service error, got {other:?}"),
    }
    assert_eq!(server.request_count("GetGroupList"), 4);
}

#[tokio::test]
async fn an_empty_first_page_ends_after_one_request() {
    // With a total of 0 (an empty account), and with a total that claims more than an empty
    // page delivers or none at all: an empty page always ends the stream, so a lying total
    // cannot cause an endless loop. The emulator counts truthfully, so those two are scripted.
    for total in [Some(0), Some(10), None] {
        let server = TestEmulator::start();
        if total != Some(0) {
            server.script(
                "GetGroupList",
                [group_page(&[], total), group_page(&[], total)],
            );
        }
        let client = client_for(&server);
        let mut pages = client.get_group_list().limit(2).into_paginator();
        let page = bounded(pages.next_page())
            .await
            .expect("one page")
            .expect("it succeeds");
        assert!(page.group_infos.is_empty());
        assert_eq!(page.group_num, total);
        assert!(
            bounded(pages.next_page()).await.is_none(),
            "total {total:?}"
        );
        assert_eq!(server.request_count("GetGroupList"), 1, "total {total:?}");

        let all = bounded(client.get_group_list().into_paginator().collect_items())
            .await
            .unwrap();
        assert!(all.is_empty());
        assert_eq!(server.request_count("GetGroupList"), 2, "total {total:?}");
        assert!(server.requests().iter().all(|r| r.error_code.is_none()));
    }
}

#[tokio::test]
async fn without_a_total_a_short_page_is_the_last() {
    // Five persons; their pages of two, without a total.
    let server = TestEmulator::start();
    let client = client_for(&server);
    persons(&server, &client, 5).await;
    let pages = pages_without_total(
        &server,
        &client,
        &[(0, Some(2)), (2, Some(2)), (4, Some(2))],
    )
    .await;
    server.script("GetPersonList", pages);

    let mut pages = client
        .get_person_list()
        .group_id("group-1")
        .limit(2)
        .into_paginator();
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    while let Some(page) = bounded(pages.next_page()).await {
        let page = page.expect("every page succeeds");
        assert_eq!(page.person_num, None, "PersonNum is null");
        sizes.push(page.person_infos.len());
        ids.extend(page.person_infos.into_iter().map(|p| p.person_id));
        assert!(sizes.len() <= 3, "went past the short page: {sizes:?}");
    }
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(ids, ["p1", "p2", "p3", "p4", "p5"]);

    let sent = bodies(&server.requests(), "GetPersonList");
    assert_eq!(offsets(&sent), [0, 2, 4]);
    for body in &sent {
        assert_eq!(
            body["GroupId"], "group-1",
            "required parameters repeat on every page"
        );
        assert_eq!(body["Limit"], 2);
    }
}

#[tokio::test]
async fn without_a_total_full_pages_continue_until_an_empty_one() {
    // Four persons: two full pages of two, then the empty page at offset 4.
    let server = TestEmulator::start();
    let client = client_for(&server);
    persons(&server, &client, 4).await;
    let pages = pages_without_total(
        &server,
        &client,
        &[(0, Some(2)), (2, Some(2)), (4, Some(2))],
    )
    .await;
    server.script("GetPersonList", pages);
    let people = bounded(
        client
            .get_person_list()
            .group_id("group-1")
            .limit(2)
            .into_paginator()
            .collect_items(),
    )
    .await
    .unwrap();
    let ids: Vec<&str> = people.iter().map(|p| p.person_id.as_str()).collect();
    assert_eq!(ids, ["p1", "p2", "p3", "p4"]);
    assert_eq!(
        offsets(&bodies(&server.requests(), "GetPersonList")),
        [0, 2, 4]
    );
}

#[tokio::test]
async fn without_a_limit_the_default_page_size_decides_what_is_short() {
    // The spec's default_limit for GetPersonList is 10 (the emulator's too): of 13 persons,
    // a page of 10 is full, 3 is short.
    let server = TestEmulator::start();
    let client = client_for(&server);
    persons(&server, &client, 13).await;
    let pages = pages_without_total(&server, &client, &[(0, None), (10, None)]).await;
    server.script("GetPersonList", pages);
    let people = bounded(
        client
            .get_person_list()
            .group_id("group-1")
            .into_paginator()
            .collect_items(),
    )
    .await
    .unwrap();
    assert_eq!(people.len(), 13);
    let expected: Vec<String> = (1..=13).map(|i| format!("p{i}")).collect();
    let ids: Vec<String> = people.into_iter().map(|p| p.person_id).collect();
    assert_eq!(ids, expected);
    let sent = bodies(&server.requests(), "GetPersonList");
    assert_eq!(offsets(&sent), [0, 10]);
    assert!(
        sent.iter().all(|b| b.get("Limit").is_none()),
        "no Limit is sent when none was set: {sent:?}"
    );
}

/// A raw page of upgrade jobs: the emulator keeps no upgrade jobs (it answers the spec's
/// one-job example to any offset), so these pages are scripted.
fn job_page(ids: &[&str], total: u64) -> FaultStep {
    let jobs: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({
                "JobId": id, "GroupId": format!("group-{id}"), "FromFaceModelVersion": "2.0",
                "ToFaceModelVersion": "3.0", "StartTime": 1594642823572u64, "Status": 1
            })
        })
        .collect();
    let response = json!({"JobInfos": jobs, "JobNum": total, "RequestId": "req"});
    FaultStep::Respond(RawReply::json(json!({ "Response": response }).to_string()))
}

#[tokio::test]
#[allow(deprecated)] // the upgrade-job actions are deprecated by the service, still callable
async fn the_deprecated_upgrade_job_list_pages_by_offset_and_limit() {
    let server = TestEmulator::start();
    server.script(
        "GetUpgradeGroupFaceModelVersionJobList",
        [job_page(&["j1", "j2"], 3), job_page(&["j3"], 3)],
    );
    let client = client_for(&server);
    let jobs = bounded(
        client
            .get_upgrade_group_face_model_version_job_list()
            .limit(2)
            .into_paginator()
            .collect_items(),
    )
    .await
    .expect("every page succeeds");
    let ids: Vec<&str> = jobs.iter().map(|j| j.job_id.as_str()).collect();
    assert_eq!(ids, ["j1", "j2", "j3"]);
    let sent = bodies(&server.requests(), "GetUpgradeGroupFaceModelVersionJobList");
    assert_eq!(offsets(&sent), [0, 2], "stops at JobNum");
}
