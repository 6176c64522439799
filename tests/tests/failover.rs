//! Region failover against two emulators on loopback: the endpoint (failing through its fault
//! script) and the backup (healthy). The breaker's minute and windows pass on tokio's clock,
//! paused and advanced between calls (never while a call waits on a socket, where a paused
//! clock would jump to the attempt's timeout); no test sleeps.

mod common;

use std::time::Duration;

use common::bounded;
use iai_integration_tests::emulator::{FaultStep, TestEmulator};
use tencentcloud_iai::operation::get_group_info::GetGroupInfoError;
use tencentcloud_iai::runtime::failover::{BreakerState, RegionFailover};
use tencentcloud_iai::{Client, Config, Credentials, Endpoint, SdkError};

/// A client of `primary` failing over to `backup`, one attempt per call unless `attempts`.
fn client(primary: &TestEmulator, backup: &TestEmulator, attempts: u32) -> Client {
    let failover = RegionFailover::new().backup(Endpoint::parse(&backup.url()).unwrap());
    Client::new(
        primary
            .config()
            .timeout(Duration::from_secs(10))
            .max_attempts(attempts)
            .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
            .region_failover(failover)
            .build()
            .unwrap(),
    )
}

/// `GetGroupInfo` of a group that does not exist: the service's answer has a RequestId.
async fn get_group(client: &Client) -> Result<(), SdkError<GetGroupInfoError>> {
    match bounded(client.get_group_info().group_id("nobody").send()).await {
        Err(e) if e.code() == Some("InvalidParameterValue.GroupIdNotExist") => Ok(()),
        Err(e) => Err(e),
        Ok(_) => Ok(()),
    }
}

/// Moves tokio's clock on by `by`, at once.
async fn pass(by: Duration) {
    tokio::time::pause();
    tokio::time::advance(by).await;
    tokio::time::resume();
}

fn no_request_id() -> FaultStep {
    FaultStep::HttpStatus(502)
}

#[tokio::test]
async fn five_failures_send_new_calls_to_the_backup_until_the_endpoint_recovers() {
    let (primary, backup) = (TestEmulator::start(), TestEmulator::start());
    primary.script(
        "GetGroupInfo",
        [
            no_request_id(),
            FaultStep::DropConnection,
            no_request_id(),
            FaultStep::DropConnection,
        ],
    );
    let client = client(&primary, &backup, 1);
    assert_eq!(client.region_failover_state(), Some(BreakerState::Closed));
    for _ in 0..4 {
        get_group(&client).await.expect_err("the endpoint fails");
    }
    assert_eq!(client.region_failover_state(), Some(BreakerState::Closed));
    // A transport failure counts as well: nothing listens for one connection.
    primary.refuse_next_connections(1);
    get_group(&client).await.expect_err("the endpoint fails");
    assert_eq!(client.region_failover_state(), Some(BreakerState::Open));
    assert_eq!(backup.request_count("GetGroupInfo"), 0);

    // Open: new calls go to the backup, signed for its host.
    get_group(&client).await.expect("the backup answers");
    pass(Duration::from_secs(59)).await;
    get_group(&client).await.expect("the backup answers");
    let to_backup = backup.requests();
    assert_eq!(to_backup.len(), 2);
    assert!(to_backup.iter().all(|r| r.authenticated), "{to_backup:?}");
    assert_eq!(to_backup[0].header("host"), Some(backup.host().as_str()));
    assert_eq!(primary.request_count("GetGroupInfo"), 4, "one was refused");

    // After 60 s the endpoint is tried again; five successes close the breaker.
    pass(Duration::from_secs(1)).await;
    assert_eq!(client.region_failover_state(), Some(BreakerState::HalfOpen));
    for n in 1..=5 {
        get_group(&client)
            .await
            .expect("the endpoint has recovered");
        let expected = if n < 5 {
            BreakerState::HalfOpen
        } else {
            BreakerState::Closed
        };
        assert_eq!(client.region_failover_state(), Some(expected), "after {n}");
    }
    assert_eq!(primary.request_count("GetGroupInfo"), 4 + 5);
    assert_eq!(backup.request_count("GetGroupInfo"), 2);
}

#[tokio::test]
async fn a_failed_probe_reopens_it_and_service_errors_are_answers() {
    let (primary, backup) = (TestEmulator::start(), TestEmulator::start());
    let client = client(&primary, &backup, 1);
    // Service errors with a RequestId: the region answered, however often.
    for _ in 0..10 {
        get_group(&client).await.expect("GroupIdNotExist");
    }
    primary.script(
        "GetGroupInfo",
        (0..5).map(|_| FaultStep::Error {
            code: "ResourceUnavailable.Delivering".to_owned(),
            message: None,
        }),
    );
    for _ in 0..5 {
        get_group(&client).await.expect_err("a service error");
    }
    assert_eq!(client.region_failover_state(), Some(BreakerState::Closed));

    // The service's own InternalError counts as a failure, as the Go SDK counts it.
    primary.script(
        "GetGroupInfo",
        (0..5).map(|_| FaultStep::Error {
            code: "InternalError".to_owned(),
            message: None,
        }),
    );
    for _ in 0..5 {
        get_group(&client).await.expect_err("InternalError");
    }
    assert_eq!(client.region_failover_state(), Some(BreakerState::Open));

    pass(Duration::from_secs(60)).await;
    primary.script("GetGroupInfo", [FaultStep::Pass, no_request_id()]);
    get_group(&client).await.expect("a probe succeeds");
    get_group(&client).await.expect_err("a probe fails");
    assert_eq!(client.region_failover_state(), Some(BreakerState::Open));
    get_group(&client).await.expect("the backup answers");
    assert_eq!(backup.request_count("GetGroupInfo"), 1);
}

#[tokio::test]
async fn a_write_is_never_sent_twice_and_only_new_calls_fail_over() {
    let (primary, backup) = (TestEmulator::start(), TestEmulator::start());
    // Three attempts allowed, yet a write that may have been applied is not repeated, on the
    // endpoint or on the backup.
    let client = client(&primary, &backup, 3);
    primary.script("CreateGroup", (0..5).map(|_| FaultStep::DropConnection));
    for n in 0..5 {
        let err = bounded(
            client
                .create_group()
                .group_name("Staff")
                .group_id(format!("staff-{n}"))
                .send(),
        )
        .await
        .expect_err("the connection drops");
        assert!(
            matches!(&err, SdkError::Transport(e) if e.maybe_sent),
            "{err:?}"
        );
    }
    assert_eq!(
        primary.request_count("CreateGroup"),
        5,
        "each write sent once"
    );
    assert_eq!(
        backup.request_count("CreateGroup"),
        0,
        "none repeated on the backup"
    );
    assert_eq!(client.region_failover_state(), Some(BreakerState::Open));

    // A new write goes to the backup, once.
    bounded(
        client
            .create_group()
            .group_name("Staff")
            .group_id("staff-new")
            .send(),
    )
    .await
    .expect("the backup creates it");
    assert_eq!(backup.request_count("CreateGroup"), 1);
    assert_eq!(primary.request_count("CreateGroup"), 5);
}

#[tokio::test]
async fn without_failover_nothing_goes_to_the_backup() {
    let primary = TestEmulator::start();
    primary.script("GetGroupInfo", (0..6).map(|_| no_request_id()));
    let client = Client::new(primary.config().max_attempts(1).build().unwrap());
    assert_eq!(client.region_failover_state(), None);
    for _ in 0..6 {
        get_group(&client).await.expect_err("the endpoint fails");
    }
    assert_eq!(primary.request_count("GetGroupInfo"), 6);
    // The default backup is the service's own, filled in when the config is built.
    assert_eq!(RegionFailover::new().backup_endpoint(), None);
    let config = Config::builder()
        .credentials(Credentials::new("AKIDexample", "secret"))
        .region_failover(RegionFailover::new())
        .build()
        .unwrap();
    assert_eq!(
        config
            .region_failover()
            .and_then(RegionFailover::backup_endpoint)
            .map(Endpoint::url),
        Some("https://iai.ap-guangzhou.tencentcloudapi.com/")
    );
}
