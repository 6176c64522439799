//! Where the client spends its time on one GetGroupInfo call, without a network:
//!
//! - `sign/get_group_info`: TC3-HMAC-SHA256 signing of a GetGroupInfo-sized body alone;
//! - `authorization_cached_key/get_group_info`: the `Authorization` value with a signing key
//!   derived earlier, as a client signs every call but the first of each day;
//! - `serialize_sign/get_group_info`: validate + `serde_json::to_vec` + sign;
//! - `prepare/get_group_info`: `Client::prepare`, the signed `HttpRequest` exactly as a call
//!   builds it (validation, encoding, credentials, signing, headers) — the counterpart of the
//!   official Python SDK's `_build_req_with_tc3_signature` (tests/bench/python_sdk_bench.py).
//!   It is polled directly, without a tokio runtime, since it never waits with fixed credentials;
//! - `decode/get_group_info`: envelope + typed decoding of the documented example response;
//! - `call/get_group_info_in_memory`: a whole `send()` through an in-memory transport that
//!   answers the documented example at once (tracing span, retry loop and all), awaited in an
//!   async loop — the counterpart of the Python SDK's `call_json` with its HTTP send stubbed;
//! - `call/get_group_info_in_memory_block_on_each`: the same, entering the runtime per call.
//!
//! `cargo bench -p iai-integration-tests --bench client [-- <filter>]`; `tests/bench/compare.sh`
//! compares `prepare` with the Python SDK.

use std::future::Future;
use std::hint::black_box;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use tencentcloud_iai::operation::detect_face::{DetectFaceError, DetectFaceResponse};
use tencentcloud_iai::operation::get_group_info::{
    GetGroupInfoError, GetGroupInfoRequest, GetGroupInfoResponse,
};
use tencentcloud_iai::runtime::transport::{BoxFuture, HttpRequest, HttpResponse, HttpTransport};
use tencentcloud_iai::signing::{authorization_with_key, sign_request, RequestToSign, SigningKey};
use tencentcloud_iai::{Client, Config, Credentials, Endpoint, TransportError};

/// The documented example response of GetGroupInfo.
const EXAMPLE: &str = r#"{"Response":{"GroupName":"aaa","GroupId":"aaa","GroupExDescriptions":["24"],"Tag":"fdsaf","FaceModelVersion":"3.0","CreationTimestamp":1559530931613,"RequestId":"6faa05d0-287b-464e-8755-cf3e8d0c703d"}}"#;
const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const HOST: &str = "iai.tencentcloudapi.com";

fn to_sign(payload: &[u8]) -> RequestToSign<'_> {
    RequestToSign {
        secret_id: SECRET_ID,
        secret_key: SECRET_KEY,
        token: None,
        service: "iai",
        host: HOST,
        action: "GetGroupInfo",
        version: "2020-03-03",
        region: Some("ap-guangzhou"),
        language: None,
        content_type: "application/json",
        timestamp: 1_700_000_000,
        payload,
    }
}

/// Answers every request with the documented example, immediately.
#[derive(Debug)]
struct Canned;

impl HttpTransport for Canned {
    fn send(&self, _request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async {
            Ok(HttpResponse {
                status: 200,
                headers: vec![("content-type".to_owned(), "application/json".to_owned())],
                body: Bytes::from_static(EXAMPLE.as_bytes()),
            })
        })
    }
}

fn client() -> Client {
    Client::new(
        Config::builder()
            .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
            .endpoint(Endpoint::https(HOST))
            .region("ap-guangzhou")
            .transport(Canned)
            .build()
            .expect("valid config"),
    )
}

fn runtime() -> tokio::runtime::Runtime {
    // The client bounds every call with tokio timers.
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime")
}

/// Completes a future that never waits, such as `prepare` with fixed credentials, without an
/// async runtime: the bench then measures the client's work, not the executor's.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the future waited; it needs a runtime"),
    }
}

/// DetectFace's successful example response, in its envelope.
fn detect_face_example() -> String {
    let spec_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let files = codegen::spec::load(&spec_dir).unwrap_or_else(|e| panic!("{e}"));
    let service = codegen::model::resolve(&files).unwrap_or_else(|e| panic!("{e}"));
    let action = service
        .actions
        .iter()
        .find(|a| a.name == "DetectFace")
        .unwrap();
    let example = action.examples.iter().find(|e| !e.is_error).unwrap();
    format!("{{\"Response\":{}}}", example.output_json)
}

fn benches(c: &mut Criterion) {
    let request = GetGroupInfoRequest::builder()
        .group_id("aaa")
        .build()
        .expect("every required parameter is set");
    let body = serde_json::to_vec(&request).unwrap();
    assert_eq!(body, br#"{"GroupId":"aaa"}"#);

    c.bench_function("sign/get_group_info", |b| {
        b.iter(|| sign_request(black_box(&to_sign(&body))))
    });

    let key =
        SigningKey::derive(SECRET_KEY, 1_700_000_000, "iai").for_host("application/json", HOST);
    c.bench_function("authorization_cached_key/get_group_info", |b| {
        b.iter(|| authorization_with_key(black_box(&to_sign(&body)), &key))
    });

    c.bench_function("serialize_sign/get_group_info", |b| {
        b.iter(|| {
            let request = black_box(&request);
            request.validate().unwrap();
            let body = serde_json::to_vec(request).unwrap();
            sign_request(&to_sign(&body))
        })
    });

    let rt = runtime();
    let client = client();
    c.bench_function("prepare/get_group_info", |b| {
        b.iter(|| ready(client.prepare(black_box(&request))).unwrap())
    });

    c.bench_function("decode/get_group_info", |b| {
        b.iter(|| {
            tencentcloud_iai::runtime::decode_for_bench::<GetGroupInfoResponse, GetGroupInfoError>(
                200,
                black_box(EXAMPLE.as_bytes()),
            )
            .unwrap()
        })
    });

    // A nested response: DetectFace's example from the spec (a face with its rectangle,
    // attributes and quality), for the struct decoder beyond a flat response.
    let detect_face = detect_face_example();
    c.bench_function("decode/detect_face", |b| {
        b.iter(|| {
            tencentcloud_iai::runtime::decode_for_bench::<DetectFaceResponse, DetectFaceError>(
                200,
                black_box(detect_face.as_bytes()),
            )
            .unwrap()
        })
    });

    // Inside one runtime entry, as in an async program: the client's cost, not the executor's.
    c.bench_function("call/get_group_info_in_memory", |b| {
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

    // The same from blocking code, entering the runtime for every call.
    c.bench_function("call/get_group_info_in_memory_block_on_each", |b| {
        b.iter(|| {
            rt.block_on(client.get_group_info().group_id(black_box("aaa")).send())
                .unwrap()
        })
    });
}

criterion_group!(client_benches, benches);
criterion_main!(client_benches);
