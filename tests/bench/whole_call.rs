//! The whole call over a real socket: a GetGroupInfo call through our client against a bare
//! reqwest POST of the same body, both to the same fixed-answer HTTP/1.1 server on 127.0.0.1
//! (started here, on its own thread, with keep-alive), both on the same reqwest build.
//!
//! Each group times the client on reqwest's transport (feature `reqwest-transport`), the client
//! on hyper's transport (`client_hyper_transport`, the default) and a bare reqwest POST:
//! - `whole_call/sequential/*`: one call at a time;
//! - `whole_call/32_in_flight/*`: batches of 32 calls spawned at once, each
//!   batch awaited whole (a fan-out such as `join_all`);
//! - `whole_call/32_workers/*`: 32 tasks that each start their next call
//!   when the last one ends, so 32 are always in flight (a load generator's view, `wrk -c 32`);
//!   criterion reports the time per call (throughput in calls/s).
//!
//! `cargo bench -p iai-integration-tests --bench whole_call`
//!
//! On a busy machine criterion's means wander by more than the difference measured. With
//! `WHOLE_CALL_INTERLEAVED=1` the bench instead runs rounds of 2048 calls, every variant once
//! per round, and prints each variant's best and median round and the median of the
//! client/bare ratios taken within a round (steadiest under a changing load). It also times a
//! bare POST carrying the client's headers: what the protocol's headers cost on the wire,
//! apart from the client's own work. `WHOLE_CALL_ROUNDS=n` sets the number of rounds (20):
//! `WHOLE_CALL_INTERLEAVED=1 cargo bench -p iai-integration-tests --bench whole_call`

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use tencentcloud_iai::operation::get_group_info::GetGroupInfoRequest;
use tencentcloud_iai::{Client, Config, Credentials, Endpoint};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The documented example response of GetGroupInfo.
const EXAMPLE: &str = r#"{"Response":{"GroupName":"aaa","GroupId":"aaa","GroupExDescriptions":["24"],"Tag":"fdsaf","FaceModelVersion":"3.0","CreationTimestamp":1559530931613,"RequestId":"6faa05d0-287b-464e-8755-cf3e8d0c703d"}}"#;
const BODY: &[u8] = br#"{"GroupId":"aaa"}"#;
const IN_FLIGHT: usize = 32;

/// The headers nginx sends with a fixed JSON answer, then the example.
fn fixed_response() -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Sat, 28 Nov 2026 12:00:00 GMT\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{EXAMPLE}",
        EXAMPLE.len()
    )
    .into_bytes()
}

/// Starts the server on a thread of its own and returns its address.
fn start_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let listener = TcpListener::from_std(listener).unwrap();
            let response: &'static [u8] = fixed_response().leak();
            loop {
                let (stream, _) = listener.accept().await.expect("accept");
                tokio::spawn(serve(stream, response));
            }
        });
    });
    addr
}

/// Answers every request on one connection with `response`, until the client closes it.
async fn serve(mut stream: TcpStream, response: &'static [u8]) {
    stream.set_nodelay(true).unwrap();
    let mut buffer = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // Headers, then as many body bytes as Content-Length says.
        let request_len = loop {
            if let Some(len) = complete_request(&buffer) {
                break len;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        buffer.drain(..request_len);
        if stream.write_all(response).await.is_err() {
            return;
        }
    }
}

/// The length of the first whole request in `buffer`, if it holds one. Kept cheap (SIMD search,
/// no UTF-8 pass), as a real server's parser is, so the server's time stays small beside the
/// client's.
fn complete_request(buffer: &[u8]) -> Option<usize> {
    let head_end = memchr::memmem::find(buffer, b"\r\n\r\n")? + 4;
    let head = &buffer[..head_end];
    // hyper writes header names in lower case: one SIMD search finds the length; other
    // spellings take the line-by-line path.
    let body_len = match memchr::memmem::find(head, b"\r\ncontent-length:") {
        Some(at) => {
            let value = &head[at + 17..];
            decimal(&value[..memchr::memchr(b'\r', value)?])
        }
        None => head
            .split(|&b| b == b'\n')
            .find_map(|line| {
                let (name, value) = line.split_at(line.iter().position(|&b| b == b':')?);
                name.eq_ignore_ascii_case(b"content-length")
                    .then(|| decimal(&value[1..]))
            })
            .unwrap_or(0),
    };
    (buffer.len() >= head_end + body_len).then_some(head_end + body_len)
}

/// A header value's digits as a number (the client's lengths are well formed).
fn decimal(value: &[u8]) -> usize {
    value
        .trim_ascii()
        .iter()
        .fold(0usize, |n, d| n * 10 + usize::from(d - b'0'))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}

/// The client on hyper's transport (the default) with `hyper`, else on reqwest's (feature
/// `reqwest-transport`).
fn our_client(addr: SocketAddr, hyper: bool) -> Client {
    let builder = Config::builder();
    let builder = if hyper {
        builder.hyper_transport()
    } else {
        builder.reqwest_transport()
    };
    Client::new(
        builder
            .credentials(Credentials::new(
                "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            ))
            .endpoint(Endpoint::parse(&format!("http://{addr}")).expect("endpoint"))
            .region("ap-guangzhou")
            .build()
            .expect("valid config"),
    )
}

async fn client_call(client: &Client) {
    let out = client
        .get_group_info()
        .group_id("aaa")
        .send()
        .await
        .expect("the call");
    black_box(out);
}

async fn bare_call(http: &reqwest::Client, url: &str) {
    let response = http
        .post(url)
        .header("Content-Type", "application/json")
        .body(BODY)
        .send()
        .await
        .expect("the POST");
    assert_eq!(response.status(), 200);
    black_box(response.bytes().await.expect("the body"));
}

/// Runs `calls` calls, `IN_FLIGHT` at a time, each batch as spawned tasks.
async fn batches<F, Fut>(iters: u64, call: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let started = Instant::now();
    for _ in 0..iters {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..IN_FLIGHT {
            tasks.spawn(call());
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("the call task");
        }
    }
    started.elapsed()
}

/// Runs `calls` calls on `IN_FLIGHT` worker tasks, each starting its next call as soon as the
/// last one ends: always 32 in flight, as a load generator with 32 connections keeps them
/// (`wrk -c 32`). Batches, above, drain to one call at the end of each batch.
async fn workers<F, Fut>(calls: u64, call: F) -> Duration
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let call = call.clone();
        tasks.spawn(async move {
            for _ in 0..calls / IN_FLIGHT as u64 {
                call().await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("the worker task");
    }
    started.elapsed()
}

fn benches(c: &mut Criterion) {
    let addr = start_server();
    let url = format!("http://{addr}/");
    let rt = runtime();
    let client = rt.block_on(async { our_client(addr, false) });
    let client_hyper = rt.block_on(async { our_client(addr, true) });
    let http = reqwest::Client::new();

    // Both answer the example before anything is timed.
    rt.block_on(async {
        let out = client
            .get_group_info()
            .group_id("aaa")
            .send()
            .await
            .unwrap();
        assert_eq!(out.group_name, "aaa");
        let out = client_hyper
            .get_group_info()
            .group_id("aaa")
            .send()
            .await
            .unwrap();
        assert_eq!(out.group_name, "aaa");
        bare_call(&http, &url).await;
    });

    let clients = [
        ("client", &client),
        ("client_hyper_transport", &client_hyper),
    ];
    let mut group = c.benchmark_group("whole_call/sequential");
    for (name, client) in clients {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let started = Instant::now();
                    for _ in 0..iters {
                        client_call(client).await;
                    }
                    started.elapsed()
                })
            })
        });
    }
    group.bench_function("bare_reqwest", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let started = Instant::now();
                for _ in 0..iters {
                    bare_call(&http, &url).await;
                }
                started.elapsed()
            })
        })
    });
    group.finish();

    let mut group = c.benchmark_group("whole_call/32_in_flight");
    group.throughput(Throughput::Elements(IN_FLIGHT as u64));
    for (name, client) in clients {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                rt.block_on(batches(iters, || {
                    let client = client.clone();
                    async move { client_call(&client).await }
                }))
            })
        });
    }
    group.bench_function("bare_reqwest", |b| {
        b.iter_custom(|iters| {
            rt.block_on(batches(iters, || {
                let (http, url) = (http.clone(), url.clone());
                async move { bare_call(&http, &url).await }
            }))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("whole_call/32_workers");
    group.throughput(Throughput::Elements(IN_FLIGHT as u64));
    for (name, client) in clients {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let client = client.clone();
                rt.block_on(workers(iters * IN_FLIGHT as u64, move || {
                    let client = client.clone();
                    async move { client_call(&client).await }
                }))
            })
        });
    }
    group.bench_function("bare_reqwest", |b| {
        b.iter_custom(|iters| {
            let (http, url) = (http.clone(), url.clone());
            rt.block_on(workers(iters * IN_FLIGHT as u64, move || {
                let (http, url) = (http.clone(), url.clone());
                async move { bare_call(&http, &url).await }
            }))
        })
    });
    group.finish();
}

/// The variants the interleaved mode times, in the order it prints them.
const VARIANTS: [&str; 12] = [
    "sequential: client",
    "sequential: bare reqwest",
    "sequential: bare reqwest, the client's headers",
    "32 in flight, batches: client",
    "32 in flight, batches: bare reqwest",
    "32 in flight, batches: bare reqwest, the client's headers",
    "32 in flight, workers: client",
    "32 in flight, workers: bare reqwest",
    "32 in flight, workers: bare reqwest, the client's headers",
    "sequential: client, hyper transport",
    "32 in flight, batches: client, hyper transport",
    "32 in flight, workers: client, hyper transport",
];

/// Rounds of every variant in turn, summed up as the module docs say.
/// With `WHOLE_CALL_ONLY=<index into VARIANTS>` it runs that variant alone (as many rounds as all
/// of them would take), for a profiler.
fn interleaved() {
    const ROUNDS: usize = 20;
    const CALLS: u32 = 2048;
    let addr = start_server();
    let url = format!("http://{addr}/");
    let rt = runtime();
    let client = rt.block_on(async { our_client(addr, false) });
    let client_hyper = rt.block_on(async { our_client(addr, true) });
    let http = reqwest::Client::new();
    let prepared = rt
        .block_on(
            client.prepare(
                &GetGroupInfoRequest::builder()
                    .group_id("aaa")
                    .build()
                    .expect("every required parameter is set"),
            ),
        )
        .expect("prepare");
    // The client's headers, as a real call would set them: by name, on the bare request.
    let headers: Vec<(String, String)> = prepared
        .headers()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    let headers = std::sync::Arc::new(headers);
    let with_headers = {
        let (http, url) = (http.clone(), url.clone());
        move || {
            let mut post = http.post(&url);
            for (name, value) in headers.iter() {
                post = post.header(name, value);
            }
            let post = post.body(BODY);
            async move {
                let response = post.send().await.expect("the POST");
                assert_eq!(response.status(), 200);
                black_box(response.bytes().await.expect("the body"));
            }
        }
    };
    let client_task = |client: &Client| {
        let client = client.clone();
        move || {
            let client = client.clone();
            async move { client_call(&client).await }
        }
    };
    let bare_task = || {
        let (http, url) = (http.clone(), url.clone());
        move || {
            let (http, url) = (http.clone(), url.clone());
            async move { bare_call(&http, &url).await }
        }
    };
    let rounds: usize = std::env::var("WHOLE_CALL_ROUNDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(ROUNDS);
    let run = |variant: usize| {
        rt.block_on(async {
            let started = Instant::now();
            let batches_of = u64::from(CALLS) / IN_FLIGHT as u64;
            match variant {
                0 => {
                    for _ in 0..CALLS {
                        client_call(&client).await
                    }
                }
                1 => {
                    for _ in 0..CALLS {
                        bare_call(&http, &url).await
                    }
                }
                2 => {
                    for _ in 0..CALLS {
                        with_headers().await
                    }
                }
                3 => _ = batches(batches_of, client_task(&client)).await,
                4 => _ = batches(batches_of, bare_task()).await,
                5 => _ = batches(batches_of, with_headers.clone()).await,
                6 => _ = workers(u64::from(CALLS), client_task(&client)).await,
                7 => _ = workers(u64::from(CALLS), bare_task()).await,
                8 => _ = workers(u64::from(CALLS), with_headers.clone()).await,
                9 => {
                    for _ in 0..CALLS {
                        client_call(&client_hyper).await
                    }
                }
                10 => _ = batches(batches_of, client_task(&client_hyper)).await,
                _ => _ = workers(u64::from(CALLS), client_task(&client_hyper)).await,
            }
            started.elapsed() / CALLS
        })
    };
    if let Some(only) = std::env::var_os("WHOLE_CALL_ONLY") {
        let variant: usize = only
            .to_str()
            .and_then(|text| text.parse().ok())
            .filter(|&v| v < VARIANTS.len())
            .expect("WHOLE_CALL_ONLY is an index into VARIANTS");
        let best = (0..rounds * VARIANTS.len()).map(|_| run(variant)).min();
        println!(
            "{:<58} {:>7.2} µs/call",
            VARIANTS[variant],
            best.unwrap().as_secs_f64() * 1e6
        );
        return;
    }
    let mut times: [Vec<Duration>; VARIANTS.len()] = Default::default();
    for _ in 0..rounds {
        for (variant, times) in times.iter_mut().enumerate() {
            times.push(run(variant));
        }
    }
    // Each round runs every variant back to back, so a ratio within a round is taken under
    // the same machine load; the median of those is the steadiest figure on a busy machine.
    let paired = |client: usize, bare: usize| {
        let mut ratios: Vec<f64> = times[client]
            .iter()
            .zip(&times[bare])
            .map(|(client, bare)| client.as_secs_f64() / bare.as_secs_f64())
            .collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    };
    let client_to_bare = [paired(0, 1), 1.0 / paired(3, 4), 1.0 / paired(6, 7)];
    // The same for a bare POST with the client's headers: where a client that cost nothing
    // beyond the API's headers would stand.
    let headers_only = [paired(2, 1), 1.0 / paired(5, 4), 1.0 / paired(8, 7)];
    let hyper_to_bare = [paired(9, 1), 1.0 / paired(10, 4), 1.0 / paired(11, 7)];
    for times in &mut times {
        times.sort();
    }
    let best = |variant: usize| times[variant][0].as_secs_f64();
    let median = |variant: usize| times[variant][times[variant].len() / 2].as_secs_f64();
    println!("{:<58} {:>8} {:>8}", "µs per call", "best", "median");
    for (variant, name) in VARIANTS.iter().enumerate() {
        println!(
            "{name:<58} {:>8.2} {:>8.2}",
            best(variant) * 1e6,
            median(variant) * 1e6
        );
    }
    for (what, time) in [
        ("best", &best as &dyn Fn(usize) -> f64),
        ("median", &median),
    ] {
        println!(
            "client / bare reqwest ({what}): sequential {:.2}x; throughput with 32 in flight: \
             batches {:.2}x, workers {:.2}x",
            time(0) / time(1),
            time(4) / time(3),
            time(7) / time(6)
        );
    }
    println!(
        "client / bare reqwest (median of each round's ratio): sequential {:.2}x; throughput \
         with 32 in flight: batches {:.2}x, workers {:.2}x",
        client_to_bare[0], client_to_bare[1], client_to_bare[2]
    );
    println!(
        "bare reqwest with the client's headers / bare reqwest (same): sequential {:.2}x; \
         throughput with 32 in flight: batches {:.2}x, workers {:.2}x",
        headers_only[0], headers_only[1], headers_only[2]
    );
    println!(
        "client on hyper's transport / bare reqwest (same): sequential {:.2}x; throughput with \
         32 in flight: batches {:.2}x, workers {:.2}x",
        hyper_to_bare[0], hyper_to_bare[1], hyper_to_bare[2]
    );
}

criterion_group!(whole_call_benches, benches);

fn main() {
    if std::env::var_os("WHOLE_CALL_INTERLEAVED").is_some() {
        interleaved();
        return;
    }
    whole_call_benches();
    Criterion::default().configure_from_args().final_summary();
}
