//! The workspace's tests run against the emulator (`tencentcloud-iai-emulator`), the local IAI
//! service users test with too. [`TestEmulator`] runs one on a runtime of its own, so sync
//! tests (that run the `iai` binary) and async tests (on any runtime flavour) drive it alike,
//! and dropping it inside an async test is fine.
//!
//! ```no_run
//! use iai_integration_tests::emulator::{FaultStep, TestEmulator};
//! let emulator = TestEmulator::start();
//! emulator.seed_example_group();
//! emulator.script("GetGroupInfo", [FaultStep::Error { code: "RequestLimitExceeded".into(), message: None }]);
//! // point the client at emulator.url() with TEST_SECRET_ID / TEST_SECRET_KEY ...
//! assert_eq!(emulator.request_count("GetGroupInfo"), 0);
//! ```

use std::future::Future;
use std::net::SocketAddr;
use std::thread::JoinHandle;

use tencentcloud_iai_emulator::{Emulator, EmulatorBuilder, RunningEmulator, TestCredentials};

pub use tencentcloud_iai_emulator::{FaultStep, RawReply, RecordedCall};

/// The permanent test key pair every [`TestEmulator`] accepts.
pub const TEST_SECRET_ID: &str = tencentcloud_iai_emulator::DEFAULT_SECRET_ID;
pub const TEST_SECRET_KEY: &str = tencentcloud_iai_emulator::DEFAULT_SECRET_KEY;
/// A temporary test key pair, valid only with [`TEMP_TOKEN`] as `X-TC-Token`.
pub const TEMP_SECRET_ID: &str = "AKIDtempEXAMPLE";
pub const TEMP_SECRET_KEY: &str = "tempSecretKeyEXAMPLE";
pub const TEMP_TOKEN: &str = "tempTokenEXAMPLE";

/// The documented example response of `GetGroupInfo`: the body of raw answers
/// ([`RawReply`]), and what [`TestEmulator::seed_example_group`] makes the emulator answer
/// (but for `CreationTimestamp` and `RequestId`).
pub const GET_GROUP_INFO_EXAMPLE: &str = r#"{"Response":{"GroupName":"aaa","GroupId":"aaa","GroupExDescriptions":["24"],"Tag":"fdsaf","FaceModelVersion":"3.0","CreationTimestamp":1559530931613,"RequestId":"6faa05d0-287b-464e-8755-cf3e8d0c703d"}}"#;

/// Configures a [`TestEmulator`].
pub struct TestEmulatorBuilder {
    builder: EmulatorBuilder,
}

impl TestEmulatorBuilder {
    /// Also accepts this key pair; with a token, a temporary one.
    pub fn credential(mut self, secret_id: &str, secret_key: &str, token: Option<&str>) -> Self {
        let mut credentials = TestCredentials::new(secret_id, secret_key);
        if let Some(token) = token {
            credentials = credentials.with_token(token);
        }
        self.builder = self.builder.credentials(credentials);
        self
    }

    /// Sets the emulator's clock this many seconds off the system clock.
    pub fn clock_skew_secs(mut self, skew: i64) -> Self {
        self.builder = self.builder.clock_skew_secs(skew);
        self
    }

    /// Anything else the emulator's own builder offers.
    pub fn with(mut self, configure: impl FnOnce(EmulatorBuilder) -> EmulatorBuilder) -> Self {
        self.builder = configure(self.builder);
        self
    }

    /// Starts it on 127.0.0.1 and a free port; panics if it cannot.
    pub fn start(self) -> TestEmulator {
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let builder = self.builder;
        let thread = std::thread::Builder::new()
            .name("test-emulator".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("a runtime for the emulator");
                runtime.block_on(async move {
                    let started = builder
                        .start()
                        .await
                        .map(|emulator| (emulator, tokio::runtime::Handle::current()));
                    let _ = started_tx.send(started);
                    let _ = stop_rx.await;
                });
            })
            .expect("a thread for the emulator");
        let (running, runtime) = started_rx
            .recv()
            .expect("the emulator thread reports")
            .expect("the emulator starts on 127.0.0.1");
        TestEmulator {
            running: Some(running),
            runtime,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }
}

/// An emulator on its own thread and runtime; see the module docs.
pub struct TestEmulator {
    running: Option<RunningEmulator>,
    runtime: tokio::runtime::Handle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestEmulator {
    /// The default test key pair and the temporary one ([`TEMP_SECRET_ID`] with [`TEMP_TOKEN`]).
    pub fn builder() -> TestEmulatorBuilder {
        TestEmulatorBuilder {
            builder: Emulator::builder()
                .credentials(TestCredentials::new(TEST_SECRET_ID, TEST_SECRET_KEY))
                .credentials(
                    TestCredentials::new(TEMP_SECRET_ID, TEMP_SECRET_KEY).with_token(TEMP_TOKEN),
                ),
        }
    }

    pub fn start() -> TestEmulator {
        TestEmulator::builder().start()
    }

    /// The emulator itself: faults, state, journal, reset.
    pub fn emulator(&self) -> &RunningEmulator {
        self.running.as_ref().expect("running until dropped")
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.emulator().url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.emulator().addr()
    }

    /// `127.0.0.1:PORT`, as a client sends it in `Host`.
    pub fn host(&self) -> String {
        self.addr().to_string()
    }

    /// Appends steps to `action`'s fault script: each call of the action takes the next step.
    pub fn script(&self, action: &str, steps: impl IntoIterator<Item = FaultStep>) {
        self.emulator().faults().push(action, steps)
    }

    /// The calls received, oldest first.
    pub fn requests(&self) -> Vec<RecordedCall> {
        self.emulator().requests()
    }

    pub fn request_count(&self, action: &str) -> usize {
        self.emulator().request_count(action)
    }

    pub fn refuse_next_connections(&self, n: usize) {
        self.emulator().refuse_next_connections(n)
    }

    pub fn connection_count(&self) -> usize {
        self.emulator().connection_count()
    }

    /// A client configuration for this emulator with the permanent test key pair.
    pub fn config(&self) -> tencentcloud_iai::ConfigBuilder {
        tencentcloud_iai::Config::builder()
            .credentials(tencentcloud_iai::Credentials::new(
                TEST_SECRET_ID,
                TEST_SECRET_KEY,
            ))
            .endpoint(tencentcloud_iai::Endpoint::parse(&self.url()).expect("emulator URL"))
    }

    /// Runs `future` on the emulator's runtime and waits for it, from sync or async code.
    pub fn run<T: Send + 'static>(&self, future: impl Future<Output = T> + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        self.runtime.spawn(async move {
            let _ = tx.send(future.await);
        });
        rx.recv().expect("the future runs to its end")
    }

    /// Creates group `aaa` as in the documented `GetGroupInfo` example
    /// ([`GET_GROUP_INFO_EXAMPLE`]), then forgets that call in the journal, so a test sees
    /// only its own calls.
    pub fn seed_example_group(&self) {
        let client = tencentcloud_iai::Client::new(self.config().build().expect("valid config"));
        self.run(async move {
            client
                .create_group()
                .group_name("aaa")
                .group_id("aaa")
                .group_ex_descriptions(vec!["24".to_owned()])
                .tag("fdsaf")
                .face_model_version("3.0")
                .send()
                .await
                .expect("the example group is created")
        });
        self.emulator().clear_requests();
    }
}

impl Drop for TestEmulator {
    fn drop(&mut self) {
        // Stop serving first, then let the thread drop its runtime (a runtime may not be
        // dropped inside another runtime's async context, where tests drop this).
        self.running.take();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Compares an answer with the documented example, but for what the emulator makes fresh:
/// `CreationTimestamp` and `RequestId`.
pub fn same_as_example_group(answer: &serde_json::Value) -> bool {
    let documented: serde_json::Value =
        serde_json::from_str(GET_GROUP_INFO_EXAMPLE).expect("example JSON");
    let strip = |v: &serde_json::Value| {
        let mut v = v.get("Response").unwrap_or(v).clone();
        if let Some(map) = v.as_object_mut() {
            map.remove("CreationTimestamp");
            map.remove("RequestId");
        }
        v
    };
    strip(answer) == strip(&documented)
}
