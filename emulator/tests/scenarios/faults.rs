//! Faults on demand: scripted errors, delays, dropped connections, HTTP 5xx, truncated
//! bodies and throttling, from the Rust API, the admin API and (in persistence.rs) a file.

use std::time::{Duration, Instant};

use tencentcloud_iai::SdkError;
use tencentcloud_iai_emulator::{Emulator, FaultPlan, FaultStep};

use crate::{client_for, code, start};

#[tokio::test]
async fn scripted_errors_are_retried_by_the_client() {
    let (emulator, _) = start().await;
    emulator.faults().push(
        "GetGroupList",
        [
            FaultStep::Error {
                code: "FailedOperation.ServerError".into(),
                message: None,
            },
            FaultStep::HttpStatus(502),
        ],
    );
    let client = client_for(&emulator, 3);
    let list = client.get_group_list().send().await.unwrap();
    assert_eq!(list.group_num, Some(0));
    assert!(emulator.faults().plan().is_empty(), "both steps consumed");

    emulator.faults().push(
        "GetGroupList",
        [FaultStep::Error {
            code: "ResourceUnavailable.InArrears".into(),
            message: Some("pay up".into()),
        }],
    );
    let err = client.get_group_list().send().await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceUnavailable.InArrears"));
    assert_eq!(err.message(), Some("pay up"));
    assert_eq!(err.attempts(), 1, "not retryable");
}

#[tokio::test]
async fn dropped_connections_truncated_bodies_and_delays() {
    let (emulator, client) = start().await;
    emulator
        .faults()
        .push("GetGroupList", [FaultStep::DropConnection]);
    let dropped = client.get_group_list().send().await.unwrap_err();
    assert!(matches!(dropped, SdkError::Transport(_)), "{dropped:?}");

    emulator
        .faults()
        .push("GetGroupList", [FaultStep::TruncatedBody]);
    let truncated = client.get_group_list().send().await.unwrap_err();
    assert!(
        matches!(truncated, SdkError::Transport(_) | SdkError::Response(_)),
        "{truncated:?}"
    );

    // A truncated answer still applied the write: what a retry must not repeat.
    emulator
        .faults()
        .push("CreateGroup", [FaultStep::TruncatedBody]);
    assert!(client
        .create_group()
        .group_name("G")
        .group_id("g")
        .send()
        .await
        .is_err());
    assert!(emulator.state().groups.contains_key("g"));

    emulator
        .faults()
        .push("GetGroupList", [FaultStep::DelayMs(300)]);
    let started = Instant::now();
    client.get_group_list().send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn throttling_and_the_admin_route() {
    let mut plan = FaultPlan::new();
    plan.entry("GetGroupInfo".into())
        .or_default()
        .throttle_per_second = Some(2);
    let emulator = Emulator::builder().faults(plan).start().await.unwrap();
    let client = client_for(&emulator, 1);
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(code(client.get_group_info().group_id("g").send().await));
    }
    assert_eq!(
        codes,
        [
            "InvalidParameterValue.GroupIdNotExist",
            "InvalidParameterValue.GroupIdNotExist",
            "RequestLimitExceeded"
        ]
    );

    let http = reqwest::Client::new();
    let set = http
        .put(emulator.url() + "/_emulator/faults")
        .body(r#"{"GetGroupList": {"script": [{"error": {"code": "InternalError"}}]}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(set.status().as_u16(), 200);
    assert_eq!(code(client.get_group_list().send().await), "InternalError");
    assert!(client.get_group_list().send().await.is_ok());
    let bad = http
        .put(emulator.url() + "/_emulator/faults")
        .body(r#"{"GetGroupList": {"script": ["explode"]}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
}

#[tokio::test]
async fn apply_then_drop_changes_the_account_and_answers_nothing() {
    let executed = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = executed.clone();
    let emulator = Emulator::builder()
        .on_write(move |write| {
            let id = write.params["GroupId"].as_str().unwrap_or("").to_owned();
            seen.lock()
                .unwrap()
                .push((write.action.to_owned(), id, write.applied));
        })
        .start()
        .await
        .unwrap();
    let client = client_for(&emulator, 3);
    // Set through the admin API, as any client of the emulator would.
    let http = reqwest::Client::new();
    let set = http
        .put(emulator.url() + "/_emulator/faults")
        .body(r#"{"CreateGroup": {"script": ["apply_then_drop"]}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(set.status().as_u16(), 200);
    let plan = http
        .get(emulator.url() + "/_emulator/faults")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(plan.contains("\"apply_then_drop\""), "{plan}");

    let err = client
        .create_group()
        .group_name("G")
        .group_id("g")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Transport(_)), "no answer: {err:?}");
    assert_eq!(
        emulator.state().groups["g"].name,
        "G",
        "the write was applied"
    );
    assert_eq!(emulator.request_count("CreateGroup"), 1, "and not retried");
    assert_eq!(emulator.faults().injected()["apply_then_drop"], 1);
    let injected = http
        .get(emulator.url() + "/_emulator/faults/injected")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let injected: serde_json::Value = serde_json::from_str(&injected).unwrap();
    assert_eq!(injected, serde_json::json!({"apply_then_drop": 1}));
    assert_eq!(
        *executed.lock().unwrap(),
        [("CreateGroup".to_owned(), "g".to_owned(), true)]
    );

    // Unlike `drop_connection`, which closes before the action runs.
    emulator
        .faults()
        .push("CreateGroup", [FaultStep::DropConnection]);
    let err = client
        .create_group()
        .group_name("H")
        .group_id("h")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Transport(_)), "{err:?}");
    assert!(!emulator.state().groups.contains_key("h"));
    assert_eq!(executed.lock().unwrap().len(), 1, "nothing ran");
    assert_eq!(emulator.faults().injected()["drop_connection"], 1);

    // A repeated write runs (and is refused): the observer sees it, not applied.
    let repeat = client
        .create_group()
        .group_name("G")
        .group_id("g")
        .send()
        .await;
    assert_eq!(code(repeat), "InvalidParameterValue.GroupIdAlreadyExist");
    assert_eq!(
        executed.lock().unwrap()[1],
        ("CreateGroup".to_owned(), "g".to_owned(), false)
    );
}

#[tokio::test]
async fn refused_connections_and_throttling_are_counted() {
    let (emulator, client) = start().await;
    emulator.refuse_next_connections(1);
    emulator.faults().throttle("GetGroupList", Some(0));
    assert!(client.get_group_list().send().await.is_err());
    assert_eq!(emulator.refused_connection_count(), 1);
    assert!(!emulator
        .faults()
        .injected()
        .contains_key(tencentcloud_iai_emulator::THROTTLED));
    assert_eq!(
        code(client.get_group_list().send().await),
        "RequestLimitExceeded"
    );
    assert_eq!(
        emulator.faults().injected()[tencentcloud_iai_emulator::THROTTLED],
        1
    );
    emulator.reset().await.unwrap();
    assert!(
        emulator.faults().injected().is_empty(),
        "reset forgets the counts"
    );
}
