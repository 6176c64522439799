//! Paginators over real HTTP against the loopback server: pages and items across scripted
//! pages, the offsets each request carries, where the stream ends (total reached, short page,
//! empty page, error), and the short-page rule when the API returns no total.

mod common;

use std::future::Future;
use std::time::Duration;

use common::client_for;
use iai_integration_tests::server::{RecordedRequest, Reply, TestServer};
use serde_json::{json, Value};
use tencentcloud_iai::operation::get_group_list::GetGroupListError;
use tencentcloud_iai::SdkError;

/// Upper bound on any paginator step; reaching it means the paginator hung.
const DEADLINE: Duration = Duration::from_secs(20);

async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(DEADLINE, future)
        .await
        .expect("the paginator must make progress, not hang")
}

fn group_page(ids: &[&str], total: Option<u64>) -> Reply {
    let infos: Vec<Value> = ids
        .iter()
        .map(|id| json!({"GroupName": format!("name-{id}"), "GroupId": id, "Tag": "t"}))
        .collect();
    let mut response = json!({"GroupInfos": infos, "RequestId": format!("req-{}", ids.join("-"))});
    if let Some(total) = total {
        response["GroupNum"] = json!(total);
    } else {
        response["GroupNum"] = Value::Null;
    }
    Reply::json(&json!({ "Response": response }).to_string())
}

fn person_page(ids: &[&str], total: Option<u64>) -> Reply {
    let infos: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({
                "PersonName": format!("name-{id}"), "PersonId": id, "Gender": 1,
                "PersonExDescriptions": [], "FaceIds": [format!("face-{id}")],
                "CreationTimestamp": 1594642823572u64
            })
        })
        .collect();
    let response = json!({
        "PersonInfos": infos, "PersonNum": total, "FaceNum": null,
        "FaceModelVersion": "3.0", "RequestId": "req"
    });
    Reply::json(&json!({ "Response": response }).to_string())
}

/// Five groups in pages of two: two full pages, then a short one; `GroupNum` is 5.
fn five_groups(server: &TestServer) {
    server.script(
        "GetGroupList",
        vec![
            group_page(&["g1", "g2"], Some(5)),
            group_page(&["g3", "g4"], Some(5)),
            group_page(&["g5"], Some(5)),
            // Served for any further request, so asking again would show up as a 4th page.
            group_page(&["extra"], Some(5)),
        ],
    );
}

fn bodies(requests: &[RecordedRequest], action: &str) -> Vec<Value> {
    requests
        .iter()
        .filter(|r| r.action.as_deref() == Some(action))
        .map(|r| {
            assert!(r.signature_ok, "the server rejected a signature: {r:?}");
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
    let server = TestServer::start();
    five_groups(&server);
    let client = client_for(&server);
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
    assert!(server.requests().iter().all(|r| r.verdict.is_none()));
    // The first request is the one the builder made: no offset set, so none is sent.
    assert_eq!(sent[0], json!({"Limit": 2}));
    assert_eq!(sent[1], json!({"Offset": 2, "Limit": 2}));
    assert_eq!(sent[2], json!({"Offset": 4, "Limit": 2}));
    assert!(sent.iter().all(|b| b["Limit"] == 2), "{sent:?}");
}

#[tokio::test]
async fn items_stream_across_pages() {
    let server = TestServer::start();
    five_groups(&server);
    let client = client_for(&server);
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
    let server = TestServer::start();
    five_groups(&server);
    let client = client_for(&server);
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
    let server = TestServer::start();
    server.script(
        "GetGroupList",
        vec![
            group_page(&["g4"], Some(5)),
            group_page(&["g5"], Some(5)),
            group_page(&["extra"], Some(5)),
        ],
    );
    let client = client_for(&server);
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
    assert_eq!(groups.len(), 2);
    let sent = bodies(&server.requests(), "GetGroupList");
    assert_eq!(offsets(&sent), [3, 4]);
}

#[tokio::test]
async fn an_error_ends_the_stream_with_the_typed_error() {
    let server = TestServer::start();
    server.script(
        "GetGroupList",
        vec![
            group_page(&["g1", "g2"], Some(5)),
            Reply::error("InvalidParameterValue.OffsetExceed", "offset too large"),
            group_page(&["g5"], Some(5)),
        ],
    );
    let client = client_for(&server);
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
    let verdicts: Vec<Option<&str>> = requests.iter().map(|r| r.verdict.as_deref()).collect();
    assert_eq!(verdicts, [None, Some("InvalidParameterValue.OffsetExceed")]);
}

#[tokio::test]
async fn an_error_ends_the_item_stream_and_collect_items() {
    let server = TestServer::start();
    let script = vec![
        group_page(&["g1", "g2"], Some(5)),
        Reply::error("InvalidParameterValue.OffsetExceed", "offset too large"),
        group_page(&["g5"], Some(5)),
    ];
    server.script("GetGroupList", script.clone());
    let client = client_for(&server);

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

    server.script("GetGroupList", script);
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
    // With a total of 0, and with a total that claims more than an empty page delivers: an
    // empty page always ends the stream, so a lying total cannot cause an endless loop.
    for total in [Some(0), Some(10), None] {
        let server = TestServer::start();
        server.script("GetGroupList", vec![group_page(&[], total)]);
        let client = client_for(&server);
        let mut pages = client.get_group_list().limit(2).into_paginator();
        let page = bounded(pages.next_page())
            .await
            .expect("one page")
            .expect("it succeeds");
        assert!(page.group_infos.is_empty());
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
    }
}

#[tokio::test]
async fn without_a_total_a_short_page_is_the_last() {
    let server = TestServer::start();
    server.script(
        "GetPersonList",
        vec![
            person_page(&["p1", "p2"], None),
            person_page(&["p3", "p4"], None),
            person_page(&["p5"], None),
            person_page(&["extra"], None),
        ],
    );
    let client = client_for(&server);
    let mut pages = client.get_person_list("group-1").limit(2).into_paginator();
    let mut sizes = Vec::new();
    while let Some(page) = bounded(pages.next_page()).await {
        let page = page.expect("every page succeeds");
        assert_eq!(page.person_num, None, "PersonNum is null");
        sizes.push(page.person_infos.len());
        assert!(sizes.len() <= 3, "went past the short page: {sizes:?}");
    }
    assert_eq!(sizes, [2, 2, 1]);

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
    let server = TestServer::start();
    server.script(
        "GetPersonList",
        vec![
            person_page(&["p1", "p2"], None),
            person_page(&["p3", "p4"], None),
            person_page(&[], None),
            person_page(&["extra"], None),
        ],
    );
    let client = client_for(&server);
    let people = bounded(
        client
            .get_person_list("group-1")
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
    // The spec's default_limit for GetPersonList is 10: a page of 10 is full, 3 is short.
    let ten: Vec<String> = (1..=10).map(|i| format!("p{i}")).collect();
    let ten: Vec<&str> = ten.iter().map(String::as_str).collect();
    let server = TestServer::start();
    server.script(
        "GetPersonList",
        vec![
            person_page(&ten, None),
            person_page(&["p11", "p12", "p13"], None),
            person_page(&["extra"], None),
        ],
    );
    let client = client_for(&server);
    let people = bounded(
        client
            .get_person_list("group-1")
            .into_paginator()
            .collect_items(),
    )
    .await
    .unwrap();
    assert_eq!(people.len(), 13);
    let sent = bodies(&server.requests(), "GetPersonList");
    assert_eq!(offsets(&sent), [0, 10]);
    assert!(
        sent.iter().all(|b| b.get("Limit").is_none()),
        "no Limit is sent when none was set: {sent:?}"
    );
}

fn job_page(ids: &[&str], total: u64) -> Reply {
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
    Reply::json(&json!({ "Response": response }).to_string())
}

#[tokio::test]
#[allow(deprecated)] // the upgrade-job actions are deprecated by the service, still callable
async fn the_deprecated_upgrade_job_list_pages_by_offset_and_limit() {
    let server = TestServer::start();
    server.script(
        "GetUpgradeGroupFaceModelVersionJobList",
        vec![job_page(&["j1", "j2"], 3), job_page(&["j3"], 3)],
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
