//! The dashboard's costs.
//!
//! Time to open the journal page (`GET /_emulator/calls`, first page of 50, over loopback
//! HTTP) with 10 and with 10,000 recorded calls, also filtered:
//!
//! `cargo bench -p tencentcloud-iai-emulator --bench dashboard`
//!
//! Memory used by 1,000 kept images (not a criterion run): sends 1,000 DetectFace calls, each
//! with its own marked 200×160 PNG, with the journal off so only the image store keeps them,
//! then prints the process's VmRSS/VmHWM. Run it with the cap at 0 and large, and compare:
//!
//! `KEPT_IMAGES_CAP_MB=0 /usr/bin/time -v target/release/deps/dashboard-* --bench`
//! `KEPT_IMAGES_CAP_MB=1024 /usr/bin/time -v target/release/deps/dashboard-* --bench`

use criterion::{criterion_group, BenchmarkId, Criterion};
use tencentcloud_iai::{Client, Image};
use tencentcloud_iai_emulator::testimage::marked_png;
use tencentcloud_iai_emulator::{Emulator, Marker, RunningEmulator};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// An emulator whose journal holds `calls` calls (every fifth an error).
async fn with_journal(calls: usize) -> RunningEmulator {
    let emulator = Emulator::builder()
        .journal_capacity(calls)
        .start()
        .await
        .expect("emulator");
    let client = Client::new(emulator.client_config().expect("config"));
    for i in 0..calls {
        if i % 5 == 0 {
            let _ = client.get_group_info().group_id("missing").send().await;
        } else {
            client.get_group_list().send().await.expect("call");
        }
    }
    emulator
}

fn journal_page(c: &mut Criterion) {
    let runtime = runtime();
    let http = reqwest::Client::new();
    let mut group = c.benchmark_group("journal_page");
    for calls in [10, 10_000] {
        let emulator = runtime.block_on(with_journal(calls));
        for (name, query) in [
            ("newest", ""),
            (
                "errors_of_GetGroupInfo",
                "?action=GetGroupInfo&outcome=error",
            ),
            // The worst case: nothing matches, every kept call is looked at.
            ("no_match", "?action=DetectFace"),
        ] {
            let url = format!("{}calls{query}", emulator.dashboard_url());
            group.bench_with_input(BenchmarkId::new(name, calls), &url, |b, url| {
                b.iter(|| {
                    runtime.block_on(async {
                        let page = http.get(url).send().await.expect("GET").text().await;
                        assert!(page.expect("page").contains("calls recorded"));
                    })
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, journal_page);

/// VmRSS and VmHWM of this process, in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn kept_images(cap_mb: usize) {
    let runtime = runtime();
    runtime.block_on(async {
        let emulator = Emulator::builder()
            .journal_capacity(0)
            .image_memory_cap_bytes(cap_mb << 20)
            .start()
            .await
            .expect("emulator");
        let client = Client::new(emulator.client_config().expect("config"));
        let mut image_bytes = 0;
        let before = memory_kib();
        for i in 0..1000 {
            // Made one at a time, so the driver holds no more than one image.
            let image = marked_png(&Marker::person(format!("person {i}")), 200, 160);
            image_bytes += image.len();
            client
                .detect_face()
                .image(Image::from_bytes(image))
                .send()
                .await
                .expect("DetectFace");
        }
        let after = memory_kib();
        let page = reqwest::get(emulator.dashboard_url())
            .await
            .expect("faces page")
            .text()
            .await
            .expect("faces page");
        let kept = page
            .split("Images kept: ")
            .nth(1)
            .and_then(|s| s.split(')').next())
            .unwrap_or("?");
        println!(
            "cap {cap_mb} MiB: 1000 images of {:.1} KiB each sent ({:.1} MiB); kept: {kept}); \
             VmRSS before {} KiB, after {} KiB (+{} KiB); VmHWM {} KiB",
            image_bytes as f64 / 1000.0 / 1024.0,
            image_bytes as f64 / (1 << 20) as f64,
            before.0,
            after.0,
            after.0.saturating_sub(before.0),
            after.1
        );
    });
}

fn main() {
    if let Some(cap) = std::env::var("KEPT_IMAGES_CAP_MB")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        kept_images(cap);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
