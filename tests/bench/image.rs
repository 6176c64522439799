//! A 5 MB (base64-encoded) image request: `Client::prepare` for DetectFace with raw image
//! bytes (validate, encode the body with the image base64-encoded straight into it, hash and
//! sign) against the floor of that work, one base64 encode plus one SHA-256 pass over the
//! same data. Target: within 1.5× of the floor.
//!
//! `cargo bench -p iai-integration-tests --bench image`

use std::hint::black_box;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use criterion::{criterion_group, criterion_main, Criterion};
use sha2::{Digest, Sha256};
use tencentcloud_iai::operation::detect_face::DetectFaceRequest;
use tencentcloud_iai::runtime::transport::{BoxFuture, HttpRequest, HttpResponse, HttpTransport};
use tencentcloud_iai::{Client, Config, Credentials, Endpoint, Image, TransportError};

/// Raw bytes whose base64 is exactly the API's 5 MiB limit.
const RAW_LEN: usize = 5 * 1024 * 1024 / 4 * 3;

#[derive(Debug)]
struct NoNetwork;

impl HttpTransport for NoNetwork {
    fn send(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async { Err(TransportError::not_sent("benchmarks never send")) })
    }
}

fn benches(c: &mut Criterion) {
    let raw: Vec<u8> = (0..RAW_LEN).map(|i| (i * 31 % 251) as u8).collect();
    let image = bytes::Bytes::from(raw.clone());
    let client = Client::new(
        Config::builder()
            .credentials(Credentials::new("AKIDbench", "bench-secret"))
            .endpoint(Endpoint::https("iai.tencentcloudapi.com"))
            .transport(NoNetwork)
            .build()
            .unwrap(),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let request = DetectFaceRequest::builder()
        .image(Image::from_bytes(image))
        .build()
        .expect("every required parameter is set");
    let prepared = rt.block_on(client.prepare(&request)).unwrap();
    assert_eq!(
        prepared.body().len(),
        5 * 1024 * 1024 + r#"{"Image":""}"#.len()
    );

    let mut group = c.benchmark_group("image_5mb");
    group.sample_size(20);
    group.bench_function("prepare_detect_face", |b| {
        b.iter(|| rt.block_on(client.prepare(black_box(&request))).unwrap())
    });
    group.bench_function("floor_base64_plus_sha256", |b| {
        b.iter(|| {
            let encoded = STANDARD.encode(black_box(&raw));
            Sha256::digest(encoded.as_bytes())
        })
    });
    group.finish();
}

criterion_group!(image_benches, benches);
criterion_main!(image_benches);
