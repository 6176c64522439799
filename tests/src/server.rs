//! A loopback stand-in for the Tencent Cloud API 3.0 endpoint of Face Recognition (`iai`,
//! version 2020-03-03), for integration tests and manual trials.
//!
//! It listens on `127.0.0.1` only, serves HTTP/1.1 with keep-alive on one thread per connection,
//! verifies TC3-HMAC-SHA256 signatures byte for byte the way the real gateway does, answers
//! failures with the real error envelope, and lets tests script per-action replies, including
//! transport faults (truncation, slow or missing responses, refused connections).
//!
//! ```no_run
//! use iai_integration_tests::server::{Reply, TestServer};
//! let server = TestServer::start();
//! server.script("DetectFace", vec![Reply::error("RequestLimitExceeded", "slow down"), Reply::json("{}")]);
//! // point the client at server.url() with TEST_SECRET_ID / TEST_SECRET_KEY ...
//! assert_eq!(server.request_count("DetectFace"), 0);
//! ```

mod clock;
mod gateway;
mod http;
mod reply;
pub mod tc3;
#[cfg(test)]
mod tests;

pub use clock::{http_date, utc_date};
pub use reply::Reply;

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use clock::Clock;
use gateway::{Config, Credential};
use http::{Connection, ReadError};
use reply::{Plan, WireContext};

/// Permanent test key pair accepted by default.
pub const TEST_SECRET_ID: &str = "AKIDtestEXAMPLE";
pub const TEST_SECRET_KEY: &str = "testSecretKeyEXAMPLE";
/// Temporary test key pair accepted by default; only valid with [`TEMP_TOKEN`] as `X-TC-Token`.
pub const TEMP_SECRET_ID: &str = "AKIDtempEXAMPLE";
pub const TEMP_SECRET_KEY: &str = "tempSecretKeyEXAMPLE";
pub const TEMP_TOKEN: &str = "tempTokenEXAMPLE";
/// Defaults for the signing service name and the API version the server accepts.
pub const DEFAULT_SERVICE: &str = "iai";
pub const DEFAULT_VERSION: &str = "2020-03-03";
/// The documented example response of `GetGroupInfo`, served by the default route.
pub const GET_GROUP_INFO_EXAMPLE: &str = r#"{"Response":{"GroupName":"aaa","GroupId":"aaa","GroupExDescriptions":["24"],"Tag":"fdsaf","FaceModelVersion":"3.0","CreationTimestamp":1559530931613,"RequestId":"6faa05d0-287b-464e-8755-cf3e8d0c703d"}}"#;

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `X-TC-Action`, if sent.
    pub action: Option<String>,
    /// Headers in arrival order, names as sent, values trimmed.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether the TC3 signature matched a known key (independent of expiry and token).
    pub signature_ok: bool,
    /// The `Error.Code` the server replied with, if any (also for scripted JSON error bodies).
    pub verdict: Option<String>,
}

impl RecordedRequest {
    /// First header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        http::header_value(&self.headers, name)
    }
}

/// Configures a [`TestServer`]; starts from the default credentials and routes.
#[derive(Debug, Clone)]
pub struct TestServerBuilder {
    config: Config,
    clock_offset_secs: i64,
    port: u16,
    log_requests: bool,
}

impl TestServerBuilder {
    /// The service name expected in the credential scope (default `iai`).
    pub fn service(mut self, service: &str) -> Self {
        service.clone_into(&mut self.config.service);
        self
    }

    /// The only `X-TC-Version` accepted (default `2020-03-03`).
    pub fn version(mut self, version: &str) -> Self {
        version.clone_into(&mut self.config.version);
        self
    }

    /// Adds (or replaces) an accepted key pair; `token` makes it a temporary key.
    pub fn credential(mut self, secret_id: &str, secret_key: &str, token: Option<&str>) -> Self {
        self.config.credentials.insert(
            secret_id.to_owned(),
            Credential {
                secret_key: secret_key.to_owned(),
                token: token.map(str::to_owned),
            },
        );
        self
    }

    /// Shifts the server clock (expiry checks and `Date:` headers) by this many seconds.
    pub fn clock_offset_secs(mut self, offset: i64) -> Self {
        self.clock_offset_secs = offset;
        self
    }

    /// Port on 127.0.0.1 to bind; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Prints one line per request to stderr (for the manual-trial binary).
    pub fn log_requests(mut self, enabled: bool) -> Self {
        self.log_requests = enabled;
        self
    }

    /// Binds and starts the server; panics if 127.0.0.1 cannot be bound.
    pub fn build(self) -> TestServer {
        self.try_build()
            .expect("binding the test server on 127.0.0.1")
    }

    pub fn try_build(self) -> io::Result<TestServer> {
        // Loopback only: the server accepts well-known test keys.
        let listener = TcpListener::bind(("127.0.0.1", self.port))?;
        let addr = listener.local_addr()?;
        let mut scripts = HashMap::new();
        scripts.insert(
            "GetGroupInfo".to_owned(),
            VecDeque::from([Reply::json(GET_GROUP_INFO_EXAMPLE)]),
        );
        let shared = Arc::new(Shared {
            config: self.config,
            clock: Clock::new(self.clock_offset_secs),
            state: Mutex::new(State {
                scripts,
                requests: Vec::new(),
                refusals: 0,
            }),
            stopping: AtomicBool::new(false),
            log_requests: self.log_requests,
            connections: AtomicUsize::new(0),
        });
        let accept_shared = Arc::clone(&shared);
        let accept_thread = thread::Builder::new()
            .name(format!("mock-iai-accept-{}", addr.port()))
            .spawn(move || accept_loop(listener, accept_shared))?;
        Ok(TestServer {
            shared,
            addr,
            accept_thread: Some(accept_thread),
        })
    }
}

/// The running server. Dropping it stops accepting, and open connections close within ~50 ms.
#[derive(Debug)]
pub struct TestServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept_thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// A server with the default credentials and routes on a free port.
    pub fn start() -> TestServer {
        TestServer::builder().build()
    }

    pub fn builder() -> TestServerBuilder {
        let mut credentials = HashMap::new();
        for (id, key, token) in [
            (TEST_SECRET_ID, TEST_SECRET_KEY, None),
            (TEMP_SECRET_ID, TEMP_SECRET_KEY, Some(TEMP_TOKEN)),
        ] {
            credentials.insert(
                id.to_owned(),
                Credential {
                    secret_key: key.to_owned(),
                    token: token.map(str::to_owned),
                },
            );
        }
        TestServerBuilder {
            config: Config {
                service: DEFAULT_SERVICE.to_owned(),
                version: DEFAULT_VERSION.to_owned(),
                credentials,
            },
            clock_offset_secs: 0,
            port: 0,
            log_requests: false,
        }
    }

    /// `http://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `127.0.0.1:<port>`, the `Host` value clients send and sign.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Replies for `action`, used in order; the LAST one repeats forever.
    /// Replaces any earlier script for `action`; an empty list removes it, after which the
    /// action answers `InvalidAction` (this also removes the default `GetGroupInfo` route).
    pub fn script(&self, action: &str, replies: Vec<Reply>) {
        let mut state = self.shared.state();
        if replies.is_empty() {
            state.scripts.remove(action);
        } else {
            state.scripts.insert(action.to_owned(), replies.into());
        }
    }

    /// Closes each of the next `n` accepted connections immediately, before reading anything
    /// (what [`Reply::CloseBeforeRequest`] would do, had the action been known at accept time).
    /// These connections are not recorded as requests.
    /// How many connections were accepted and served so far.
    pub fn connection_count(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    pub fn refuse_next_connections(&self, n: usize) {
        self.shared.state().refusals = n;
    }

    /// Shifts the server clock (expiry checks and `Date:` headers) from now on.
    pub fn set_clock_offset_secs(&self, offset: i64) {
        self.shared.clock.set_offset_secs(offset);
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().requests.clone()
    }

    /// How many received requests named `action`.
    pub fn request_count(&self, action: &str) -> usize {
        self.shared
            .state()
            .requests
            .iter()
            .filter(|r| r.action.as_deref() == Some(action))
            .count()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // `accept` blocks; a throwaway connection wakes it so it can see the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.accept_thread.take() {
            let _ = thread.join();
        }
    }
}

/// State shared by the handle and all server threads.
#[derive(Debug)]
struct Shared {
    config: Config,
    clock: Clock,
    state: Mutex<State>,
    stopping: AtomicBool,
    log_requests: bool,
    /// Connections served (refused ones not counted), to observe connection reuse.
    connections: AtomicUsize,
}

#[derive(Debug)]
struct State {
    scripts: HashMap<String, VecDeque<Reply>>,
    requests: Vec<RecordedRequest>,
    refusals: usize,
}

impl Shared {
    /// The state lock; a panicking test thread must not wedge the server, so poisoning is ignored.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next scripted reply for `action`; the last one stays in place to repeat.
    fn next_reply(&self, action: &str) -> Option<Reply> {
        let mut state = self.state();
        let queue = state.scripts.get_mut(action)?;
        if queue.len() > 1 {
            queue.pop_front()
        } else {
            queue.front().cloned()
        }
    }

    fn take_refusal(&self) -> bool {
        let mut state = self.state();
        if state.refusals > 0 {
            state.refusals -= 1;
            true
        } else {
            false
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for incoming in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let stream = match incoming {
            Ok(stream) => stream,
            Err(_) => {
                // e.g. out of file descriptors: back off instead of spinning.
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        if shared.take_refusal() {
            let _ = stream.shutdown(Shutdown::Both);
            continue;
        }
        shared.connections.fetch_add(1, Ordering::SeqCst);
        let connection_shared = Arc::clone(&shared);
        // If the thread cannot be spawned the stream is dropped, which the client sees as a reset.
        let _ = thread::Builder::new()
            .name("mock-iai-conn".to_owned())
            .spawn(move || serve_connection(stream, &connection_shared));
    }
}

/// Serves requests on one connection until either side closes it.
fn serve_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    if stream.set_read_timeout(Some(http::POLL_INTERVAL)).is_err() {
        return;
    }
    let mut connection = Connection::new(stream, &shared.stopping);
    loop {
        let request = match connection.read_request() {
            Ok(request) => request,
            Err(ReadError::Closed) => return,
            Err(ReadError::Malformed(why)) => {
                return reject_http(&mut connection, shared, 400, &why)
            }
            Err(ReadError::TooLarge(status)) => {
                return reject_http(&mut connection, shared, status, "request too large")
            }
        };

        let outcome = gateway::handle(&shared.config, &request, shared.clock.now(), |action| {
            shared.next_reply(action)
        });
        let record = RecordedRequest {
            action: request.header("x-tc-action").map(str::to_owned),
            headers: request.headers.clone(),
            body: request.body.clone(),
            signature_ok: outcome.signature_ok,
            verdict: outcome.verdict.clone(),
        };
        if shared.log_requests {
            eprintln!(
                "mock-iai: {} -> {} (signature {})",
                record.action.as_deref().unwrap_or("<no action>"),
                record.verdict.as_deref().unwrap_or("ok"),
                if record.signature_ok { "ok" } else { "bad" },
            );
        }
        // Recorded before replying, so a test that has its response also sees the record.
        shared.state().requests.push(record);

        let wire = WireContext {
            keep_alive: request.keep_alive(),
            clock: &shared.clock,
            stopping: &shared.stopping,
        };
        match outcome.plan.execute(connection.stream(), &wire) {
            Ok(true) => continue,
            Ok(false) | Err(_) => return,
        }
    }
}

/// Answers a request that is not usable HTTP and closes the connection.
fn reject_http(connection: &mut Connection, shared: &Shared, status: u16, why: &str) {
    let plan = Plan::Respond {
        status,
        content_type: "text/plain; charset=utf-8".to_owned(),
        body: format!("{why}\n").into_bytes(),
    };
    let wire = WireContext {
        keep_alive: false,
        clock: &shared.clock,
        stopping: &shared.stopping,
    };
    let _ = plan.execute(connection.stream(), &wire);
    let _ = connection.stream().shutdown(Shutdown::Write);
}
