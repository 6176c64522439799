//! Load-and-fault harness: drives the client against the emulator under a random, seeded
//! fault plan and prints what happened, from both sides. Not a test (nothing here is timed by
//! the test suite); docs/load-and-faults.md has the figures and how to read them.
//!
//! ```sh
//! cargo run --release -p iai-integration-tests --example load_faults -- \
//!     --calls 100000 --concurrency 64 --seed 1 --big-image-every 1000
//! ```
//!
//! The emulator runs in a child process (this same binary with `--serve`), so the peak RSS
//! printed for the client is the client's alone. Exits with status 1 when a must-be-zero
//! figure is not zero: a write the service executed more than once, or a call that outlived
//! its configured timeout.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{json, Value};
use tencentcloud_iai::{Client, Config, Credentials, Endpoint, Image, SdkError, ServiceError};
use tencentcloud_iai_emulator::testimage::{bmp, marked_png};
use tencentcloud_iai_emulator::{
    ActionFaults, Emulator, FaultPlan, FaultStep, Marker, RawReply, DEFAULT_SECRET_ID,
    DEFAULT_SECRET_KEY,
};

const USAGE: &str = "usage: load_faults [--calls N] [--concurrency C] [--seed S] \
[--big-image-every K] [--fault-percent P] [--timeout-ms T] [--attempt-timeout-ms A] [--margin-ms M]";

const GROUP: &str = "load";
/// The person every GetPersonBaseInfo reads (created before the faults start).
const SEED_PERSON: &str = "seed-person";

#[derive(Debug, Clone)]
struct Args {
    calls: u64,
    concurrency: usize,
    seed: u64,
    /// Every K-th call is a DetectFace with a 3.7 MB image (0: none).
    big_image_every: u64,
    /// Share of scripted calls that get a fault, in percent.
    fault_percent: u64,
    timeout: Duration,
    attempt_timeout: Duration,
    /// How far past its timeout a call may return before it counts as outliving it.
    margin: Duration,
    serve: bool,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut args = Args {
            calls: 100_000,
            concurrency: 64,
            seed: 1,
            big_image_every: 1000,
            fault_percent: 20,
            timeout: Duration::from_millis(2000),
            attempt_timeout: Duration::from_millis(500),
            margin: Duration::from_millis(100),
            serve: false,
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            if flag == "--serve" {
                args.serve = true;
                continue;
            }
            let value = it.next().ok_or(format!("{flag} needs a value"))?;
            let number: u64 = value
                .parse()
                .map_err(|_| format!("{flag}: `{value}` is not a whole number"))?;
            match flag.as_str() {
                "--calls" => args.calls = number,
                "--concurrency" => args.concurrency = number.max(1) as usize,
                "--seed" => args.seed = number,
                "--big-image-every" => args.big_image_every = number,
                "--fault-percent" => args.fault_percent = number.min(100),
                "--timeout-ms" => args.timeout = Duration::from_millis(number),
                "--attempt-timeout-ms" => args.attempt_timeout = Duration::from_millis(number),
                "--margin-ms" => args.margin = Duration::from_millis(number),
                _ => return Err(format!("unknown option {flag}")),
            }
        }
        Ok(args)
    }

    /// What the child needs to build the same fault plan.
    fn for_child(&self) -> Vec<String> {
        vec![
            "--serve".into(),
            "--calls".into(),
            self.calls.to_string(),
            "--seed".into(),
            self.seed.to_string(),
            "--fault-percent".into(),
            self.fault_percent.to_string(),
            "--attempt-timeout-ms".into(),
            self.attempt_timeout.as_millis().to_string(),
        ]
    }
}

/// SplitMix64: a seeded, reproducible stream; no crate needed for a load mix.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    CreatePerson,
    GetPersonBaseInfo,
    GetGroupList,
    DetectFace,
    DetectFaceBig,
}

impl Kind {
    /// Call `index`'s action: the same for a given seed, whatever the scheduling.
    fn of(index: u64, args: &Args) -> Kind {
        if args.big_image_every > 0 && index % args.big_image_every == args.big_image_every - 1 {
            return Kind::DetectFaceBig;
        }
        match Rng(args.seed ^ index.wrapping_mul(0x2545_f491_4f6c_dd1d)).below(100) {
            0..35 => Kind::CreatePerson,
            35..65 => Kind::GetPersonBaseInfo,
            65..85 => Kind::GetGroupList,
            _ => Kind::DetectFace,
        }
    }

    fn action(self) -> &'static str {
        match self {
            Kind::CreatePerson => "CreatePerson",
            Kind::GetPersonBaseInfo => "GetPersonBaseInfo",
            Kind::GetGroupList => "GetGroupList",
            Kind::DetectFace | Kind::DetectFaceBig => "DetectFace",
        }
    }
}

/// The faults drawn from: throttling, server errors, 5xx without an envelope, delays and slow
/// bodies beyond the attempt timeout, connections closed before or after the action, cut
/// and malformed bodies.
fn fault(rng: &mut Rng, attempt_timeout: Duration) -> FaultStep {
    let beyond = attempt_timeout.as_millis() as u64 + 200;
    let error = |code: &str| FaultStep::Error {
        code: code.into(),
        message: None,
    };
    match rng.below(12) {
        0 => error("RequestLimitExceeded"),
        1 => error("InternalError"),
        2 => error("ServiceUnavailable"),
        3 => FaultStep::HttpStatus(502),
        4 => FaultStep::HttpStatus(503),
        5 => FaultStep::DelayMs(beyond),
        6 => FaultStep::SlowBodyMs(beyond),
        7 => FaultStep::DropConnection,
        8 => FaultStep::ApplyThenDrop,
        9 => FaultStep::TruncatedBody,
        10 => FaultStep::Respond(RawReply::json(r#"{"Response": {"RequestId": "#)),
        _ => FaultStep::Respond(RawReply::new(200, "text/html", "<html>maintenance</html>")),
    }
}

/// Per action, a script long enough for its calls and their retries; each step is a fault
/// with probability `fault_percent`, else a pass.
fn fault_plan(args: &Args) -> FaultPlan {
    let mut expected: BTreeMap<&str, u64> = BTreeMap::new();
    for index in 0..args.calls {
        *expected.entry(Kind::of(index, args).action()).or_default() += 1;
    }
    let mut rng = Rng(args.seed.wrapping_mul(31).wrapping_add(7));
    let mut plan = FaultPlan::new();
    for (action, calls) in expected {
        let script = (0..calls + calls / 2)
            .map(|_| {
                if rng.below(100) < args.fault_percent {
                    fault(&mut rng, args.attempt_timeout)
                } else {
                    FaultStep::Pass
                }
            })
            .collect();
        plan.insert(
            action.to_owned(),
            ActionFaults {
                script,
                throttle_per_second: None,
            },
        );
    }
    plan
}

/// Peak resident memory of this process so far, in kB (`VmHWM`).
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args = match Args::parse() {
        Ok(args) => args,
        Err(problem) => {
            eprintln!("{problem}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    if args.serve {
        runtime.block_on(serve(args));
    } else {
        let passed = runtime.block_on(drive(args));
        std::process::exit(if passed { 0 } else { 1 });
    }
}

// ---- the emulator's side (child process) ----------------------------------------------------

/// Runs the emulator: sets up the group and the seed person, installs the fault plan, prints
/// `PORT n`, closes a connection now and then, and on a line on stdin prints its counts as
/// JSON and exits.
async fn serve(args: Args) {
    let executions: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let applied = Arc::new(AtomicU64::new(0));
    let emulator = {
        let executions = executions.clone();
        let applied = applied.clone();
        Emulator::builder()
            // Nothing kept per call: the counts below are all the harness needs.
            .journal_capacity(0)
            .on_write(move |write| {
                if write.action != "CreatePerson" {
                    return;
                }
                if write.applied {
                    applied.fetch_add(1, Ordering::Relaxed);
                }
                if let Some(id) = write.params.get("PersonId").and_then(Value::as_str) {
                    *executions.lock().unwrap().entry(id.to_owned()).or_default() += 1;
                }
            })
            .start()
            .await
            .expect("the emulator starts")
    };
    let client = Client::new(emulator.client_config().expect("a config"));
    client
        .create_group()
        .group_name("Load")
        .group_id(GROUP)
        .send()
        .await
        .expect("group created");
    client
        .create_person()
        .group_id(GROUP)
        .person_name("Seed")
        .person_id(SEED_PERSON)
        .image(Image::from_bytes(marked_png(
            &Marker::person(SEED_PERSON),
            64,
            64,
        )))
        .send()
        .await
        .expect("seed person created");
    let set_up = applied.swap(0, Ordering::Relaxed);
    executions.lock().unwrap().clear();
    emulator.faults().set(&fault_plan(&args));
    let emulator = Arc::new(emulator);

    // Connections closed unread, at random moments (they bite when the client opens one,
    // after a dropped or timed-out connection).
    let refuser = {
        let emulator = emulator.clone();
        let mut rng = Rng(args.seed ^ 0x5eed);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(20)).await;
                if rng.below(100) < args.fault_percent {
                    emulator.refuse_next_connections(1);
                }
            }
        })
    };
    println!("PORT {}", emulator.addr().port());
    std::io::stdout().flush().expect("stdout");
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    })
    .await
    .expect("stdin read");
    refuser.abort();

    let executions = executions.lock().unwrap();
    let repeated: Vec<&String> = executions
        .iter()
        .filter(|(_, &n)| n > 1)
        .map(|(id, _)| id)
        .collect();
    let report = json!({
        "injected": emulator.faults().injected(),
        "refused_connections": emulator.refused_connection_count(),
        "connections": emulator.connection_count(),
        "create_person_ids_executed": executions.len(),
        "create_person_executions": executions.values().map(|&n| u64::from(n)).sum::<u64>(),
        "create_person_applied": applied.load(Ordering::Relaxed),
        "create_person_ids_executed_more_than_once": repeated.len(),
        "first_repeated_ids": repeated.iter().take(5).collect::<Vec<_>>(),
        "persons_in_state": emulator.state().persons.len() as u64 - set_up,
        "peak_rss_kb": peak_rss_kb(),
    });
    println!("{report}");
}

// ---- the client's side ----------------------------------------------------------------------

/// Tallies of one worker, merged at the end.
#[derive(Default)]
struct Tally {
    outcomes: BTreeMap<String, u64>,
    by_kind: BTreeMap<Kind, u64>,
    /// CreatePerson: succeeded, and failed with "may have been applied".
    writes_ok: u64,
    writes_maybe_applied: u64,
    writes_other_errors: u64,
    outlived: u64,
    longest: Duration,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for (k, v) in other.outcomes {
            *self.outcomes.entry(k).or_default() += v;
        }
        for (k, v) in other.by_kind {
            *self.by_kind.entry(k).or_default() += v;
        }
        self.writes_ok += other.writes_ok;
        self.writes_maybe_applied += other.writes_maybe_applied;
        self.writes_other_errors += other.writes_other_errors;
        self.outlived += other.outlived;
        self.longest = self.longest.max(other.longest);
    }
}

/// An outcome's name: `ok`, or the error's kind (with the code, status or whether it may
/// have been applied).
fn outcome<T, E: ServiceError>(result: &Result<T, SdkError<E>>) -> (String, bool) {
    let error = match result {
        Ok(_) => return ("ok".into(), false),
        Err(e) => e,
    };
    let maybe = error.may_have_been_applied();
    let applied = if maybe { ", may have been applied" } else { "" };
    let name = match error {
        SdkError::Service(e) => format!("service {}{applied}", e.metadata().code),
        SdkError::Timeout(_) => format!("timeout{applied}"),
        SdkError::Transport(_) => format!("transport{applied}"),
        SdkError::Response(e) => format!("response (HTTP {}){applied}", e.http_status),
        SdkError::InvalidRequest(_) => "invalid request".into(),
        SdkError::Credentials(_) => "credentials".into(),
        _ => format!("other{applied}"),
    };
    (name, maybe)
}

struct Inputs {
    small: Bytes,
    big: Bytes,
}

async fn call(
    client: &Client,
    kind: Kind,
    index: u64,
    seed: u64,
    inputs: &Inputs,
) -> (String, bool) {
    match kind {
        Kind::CreatePerson => {
            let id = format!("p-{seed}-{index}");
            let result = client
                .create_person()
                .group_id(GROUP)
                .person_name(format!("Person {index}"))
                .person_id(id)
                .image(Image::from_bytes(inputs.small.clone()))
                .send()
                .await;
            outcome(&result)
        }
        Kind::GetPersonBaseInfo => outcome(
            &client
                .get_person_base_info()
                .person_id(SEED_PERSON)
                .send()
                .await,
        ),
        Kind::GetGroupList => outcome(&client.get_group_list().send().await),
        Kind::DetectFace | Kind::DetectFaceBig => {
            let image = if kind == Kind::DetectFace {
                &inputs.small
            } else {
                &inputs.big
            };
            outcome(
                &client
                    .detect_face()
                    .image(Image::from_bytes(image.clone()))
                    .send()
                    .await,
            )
        }
    }
}

async fn drive(args: Args) -> bool {
    let exe = std::env::current_exe().expect("this program's path");
    let mut child = Command::new(exe)
        .args(args.for_child())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the emulator process starts");
    let mut child_out = BufReader::new(child.stdout.take().expect("piped"));
    let mut line = String::new();
    child_out
        .read_line(&mut line)
        .expect("the emulator reports");
    let port: u16 = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("the emulator said {line:?}"));

    let config = Config::builder()
        .credentials(Credentials::new(DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY))
        .endpoint(Endpoint::parse(&format!("http://127.0.0.1:{port}")).expect("URL"))
        .timeout(args.timeout)
        .attempt_timeout(args.attempt_timeout)
        .max_attempts(3)
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(200))
        .build()
        .expect("a config");
    let client = Client::new(config);
    // 1120 × 1100 pixels of 24-bit BMP: 3.70 MB, 4.93 MB once base64-encoded (the API's
    // limit is 5 MiB).
    let inputs = Arc::new(Inputs {
        small: Bytes::from(marked_png(&Marker::person("load"), 64, 64)),
        big: Bytes::from(bmp(1120, 1100)),
    });
    let rss_before_calls = peak_rss_kb();

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let (client, next, inputs, args) =
                (client.clone(), next.clone(), inputs.clone(), args.clone());
            tokio::spawn(async move {
                let mut tally = Tally::default();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed) as u64;
                    if index >= args.calls {
                        return tally;
                    }
                    let kind = Kind::of(index, &args);
                    let began = Instant::now();
                    let (name, maybe_applied) =
                        call(&client, kind, index, args.seed, &inputs).await;
                    let took = began.elapsed();
                    if took > args.timeout + args.margin {
                        tally.outlived += 1;
                    }
                    tally.longest = tally.longest.max(took);
                    *tally.by_kind.entry(kind).or_default() += 1;
                    if kind == Kind::CreatePerson {
                        if name == "ok" {
                            tally.writes_ok += 1;
                        } else if maybe_applied {
                            tally.writes_maybe_applied += 1;
                        } else {
                            tally.writes_other_errors += 1;
                        }
                    }
                    *tally.outcomes.entry(name).or_default() += 1;
                }
            })
        })
        .collect();
    let mut tally = Tally::default();
    for worker in workers {
        tally.merge(worker.await.expect("a worker finished"));
    }
    let elapsed = started.elapsed();
    let client_peak = peak_rss_kb();

    writeln!(child.stdin.as_mut().expect("piped"), "report").expect("the emulator listens");
    let mut report = String::new();
    child_out
        .read_line(&mut report)
        .expect("the emulator's report");
    let _ = child.wait();
    let server: Value = serde_json::from_str(&report).expect("a JSON report");

    let repeated = server["create_person_ids_executed_more_than_once"]
        .as_u64()
        .unwrap_or(u64::MAX);
    print_report(
        &args,
        &tally,
        &server,
        elapsed,
        rss_before_calls,
        client_peak,
    );
    repeated == 0 && tally.outlived == 0
}

fn print_report(
    args: &Args,
    tally: &Tally,
    server: &Value,
    elapsed: Duration,
    rss_before_calls: u64,
    client_peak: u64,
) {
    let calls: u64 = tally.by_kind.values().sum();
    println!(
        "calls: {calls} in {:.1} s ({:.0}/s), {} in flight, seed {}, faults on {}% of scripted calls",
        elapsed.as_secs_f64(),
        calls as f64 / elapsed.as_secs_f64(),
        args.concurrency,
        args.seed,
        args.fault_percent
    );
    println!(
        "  timeout {} ms per call, {} ms per attempt, 3 attempts at most",
        args.timeout.as_millis(),
        args.attempt_timeout.as_millis()
    );
    for (kind, n) in &tally.by_kind {
        println!("  {kind:?}: {n}");
    }
    println!("faults injected (counted by the emulator):");
    let mut injected_total = 0;
    if let Some(injected) = server["injected"].as_object() {
        for (kind, n) in injected {
            injected_total += n.as_u64().unwrap_or(0);
            println!("  {kind}: {n}");
        }
    }
    let refused = server["refused_connections"].as_u64().unwrap_or(0);
    println!("  connection refused (closed unread): {refused}");
    println!(
        "  total: {} (connections opened: {})",
        injected_total + refused,
        server["connections"]
    );
    println!("outcomes (as the caller saw them):");
    for (name, n) in &tally.outcomes {
        println!("  {name}: {n}");
    }
    println!(
        "CreatePerson: {} ok, {} failed saying \"may have been applied\", {} failed otherwise",
        tally.writes_ok, tally.writes_maybe_applied, tally.writes_other_errors
    );
    println!(
        "  emulator: {} executions of {} ids, {} applied",
        server["create_person_executions"],
        server["create_person_ids_executed"],
        server["create_person_applied"],
    );
    println!(
        "writes executed more than once (must be 0): {}{}",
        server["create_person_ids_executed_more_than_once"],
        match server["first_repeated_ids"].as_array() {
            Some(ids) if !ids.is_empty() => format!(" e.g. {ids:?}"),
            _ => String::new(),
        }
    );
    println!(
        "calls that outlived their timeout + {} ms (must be 0): {} (longest call: {} ms)",
        args.margin.as_millis(),
        tally.outlived,
        tally.longest.as_millis()
    );
    println!(
        "peak RSS: client process {:.1} MB ({:.1} MB before the first call), emulator process {:.1} MB",
        client_peak as f64 / 1024.0,
        rss_before_calls as f64 / 1024.0,
        server["peak_rss_kb"].as_u64().unwrap_or(0) as f64 / 1024.0
    );
}
