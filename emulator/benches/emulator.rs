//! Signed GetGroupInfo calls per second through this repository's client against the
//! emulator (in-process, on loopback): one at a time, and 32 in flight.
//!
//! `cargo bench -p tencentcloud-iai-emulator --bench emulator`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tencentcloud_iai::Client;
use tencentcloud_iai_emulator::Emulator;

fn calls(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (emulator, client) = runtime.block_on(async {
        let emulator = Emulator::builder().start().await.expect("emulator");
        let client = Client::new(emulator.client_config().expect("config"));
        client
            .create_group()
            .group_name("Bench")
            .group_id("bench")
            .send()
            .await
            .expect("group");
        (emulator, client)
    });

    let mut group = c.benchmark_group("get_group_info");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sequential", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let info = client
                    .get_group_info()
                    .group_id("bench")
                    .send()
                    .await
                    .expect("call");
                assert_eq!(info.group_id, "bench");
            })
        })
    });
    group.throughput(Throughput::Elements(32));
    group.bench_function("32_in_flight", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let calls: Vec<_> = (0..32)
                    .map(|_| {
                        let client = client.clone();
                        tokio::spawn(async move {
                            client.get_group_info().group_id("bench").send().await
                        })
                    })
                    .collect();
                for call in calls {
                    call.await.expect("task").expect("call");
                }
            })
        })
    });
    group.finish();
    drop(emulator);
}

criterion_group!(benches, calls);
criterion_main!(benches);
