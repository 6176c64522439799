//! What a credentials refresh adds to a call: one GetGroupInfo through an in-memory transport
//! with STS `AssumeRole` credentials that are cached, against one whose credentials must be
//! refreshed first (a whole signed STS call, in memory too, then the IAI call).
//!
//! - `refresh/call_with_cached_credentials`: the credentials live an hour; the refresh margin
//!   is 5 minutes, so every call uses the cached ones;
//! - `refresh/call_that_refreshes`: the same credentials are inside a 2-hour margin, so every
//!   call assumes the role again before sending.
//!
//! `cargo bench -p iai-integration-tests --bench refresh`

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use tencentcloud_iai::runtime::credentials::StsAssumeRoleCredentials;
use tencentcloud_iai::runtime::transport::{BoxFuture, HttpRequest, HttpResponse, HttpTransport};
use tencentcloud_iai::{Client, Config, Credentials, Endpoint, TransportError};

const EXAMPLE: &str = r#"{"Response":{"GroupName":"aaa","GroupId":"aaa","GroupExDescriptions":["24"],"Tag":"fdsaf","FaceModelVersion":"3.0","CreationTimestamp":1559530931613,"RequestId":"6faa05d0-287b-464e-8755-cf3e8d0c703d"}}"#;
const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/bench";

/// Answers `AssumeRole` with credentials living an hour, anything else with the GetGroupInfo
/// example; immediately.
#[derive(Debug, Clone)]
struct Canned;

impl HttpTransport for Canned {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let body = if request.header("X-TC-Action") == Some("AssumeRole") {
            let expired = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs()
                + 3600;
            Bytes::from(format!(
                r#"{{"Response":{{"Credentials":{{"Token":"benchToken","TmpSecretId":"AKIDbenchTmp","TmpSecretKey":"benchTmpKey"}},"ExpiredTime":{expired},"Expiration":"x","RequestId":"r"}}}}"#
            ))
        } else {
            Bytes::from_static(EXAMPLE.as_bytes())
        };
        Box::pin(async move {
            Ok(HttpResponse {
                status: 200,
                headers: Vec::new(),
                body,
            })
        })
    }
}

fn client(refresh_margin: Duration) -> Client {
    let role = StsAssumeRoleCredentials::builder(
        Credentials::new("AKIDbenchSource", "benchSourceKey"),
        ROLE_ARN,
        "bench",
    )
    .endpoint(Endpoint::https("sts.tencentcloudapi.com"))
    .transport(Canned)
    .refresh_margin(refresh_margin)
    .build()
    .expect("valid role");
    Client::new(
        Config::builder()
            .credentials_provider(role)
            .endpoint(Endpoint::https("iai.tencentcloudapi.com"))
            .transport(Canned)
            .build()
            .expect("valid config"),
    )
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    let mut group = c.benchmark_group("refresh");
    for (name, margin) in [
        ("call_with_cached_credentials", Duration::from_secs(300)),
        ("call_that_refreshes", Duration::from_secs(7200)),
    ] {
        let client = client(margin);
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let started = std::time::Instant::now();
                    for _ in 0..iters {
                        black_box(
                            client
                                .get_group_info()
                                .group_id(black_box("aaa"))
                                .send()
                                .await
                                .unwrap(),
                        );
                    }
                    started.elapsed()
                })
            })
        });
    }
    group.finish();
}

criterion_group!(refresh_benches, benches);
criterion_main!(refresh_benches);
