//! Proxies on both built-in transports, through a real proxy server (`pproxy`, from PyPI:
//! `pip install -r tests/proxy/requirements.txt`) started on loopback: an http:// endpoint
//! reached through it, an https:// one through a CONNECT tunnel, the variables (given as a
//! map, so no test changes the process's environment) and `NO_PROXY`, Basic authentication
//! right and wrong, and proxies that refuse (407, 403, nothing listening), named in the error
//! without their password. The command line reads the variables from its own environment
//! and takes `--proxy`.

use std::io::Read as _;
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tencentcloud_iai::{
    Client, Config, ConfigBuilder, Credentials, Endpoint, SdkError, TransportError,
};
use tencentcloud_iai_emulator::{Emulator, RunningEmulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const IAI: &str = env!("CARGO_BIN_EXE_iai-cli-under-test");
const PASSWORD: &str = "s3cret-pw";
const WRONG_PASSWORD: &str = "wr0ng-pw";

/// A `pproxy` process serving HTTP (forwarding and CONNECT) on a loopback port, its log kept.
struct Pproxy {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Pproxy {
    /// Without authentication.
    fn start() -> Pproxy {
        Pproxy::start_with(None)
    }

    /// Asking for Basic authentication as `alice` with [`PASSWORD`].
    fn with_auth() -> Pproxy {
        Pproxy::start_with(Some(("alice", PASSWORD)))
    }

    fn start_with(auth: Option<(&str, &str)>) -> Pproxy {
        let port = free_port();
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("pproxy.log");
        let mut listen = format!("http://127.0.0.1:{port}");
        if let Some((user, password)) = auth {
            listen.push_str(&format!("#{user}:{password}"));
        }
        let child = Command::new("pproxy")
            // `--auth 0`: ask every request for credentials (pproxy otherwise trusts an
            // address that authenticated once).
            .args(["-l", &listen, "--auth", "0", "-v"])
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(dir.path().join("stderr")).unwrap())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start `pproxy`, the proxy server these tests use ({e}): install it \
                     with `pip install -r tests/proxy/requirements.txt` and put its `bin` first on \
                     PATH (`cargo xtask test` does both)"
                )
            });
        let mut proxy = Pproxy {
            child,
            port,
            log,
            _dir: dir,
        };
        proxy.wait_until_listening();
        proxy
    }

    fn wait_until_listening(&mut self) {
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("pproxy exited ({status}): {}", self.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "pproxy did not listen on {} within 20 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `127.0.0.1:port`, as errors name it.
    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr())
    }

    fn url_with(&self, password: &str) -> String {
        format!("http://alice:{password}@{}", self.addr())
    }

    fn log(&self) -> String {
        let mut text = String::new();
        std::fs::File::open(&self.log)
            .and_then(|mut f| f.read_to_string(&mut text))
            .unwrap();
        text
    }

    /// How many connections pproxy opened to `target` for its clients.
    fn forwarded_to(&self, target: SocketAddr) -> usize {
        self.log().matches(&format!("-> {target}")).count()
    }
}

impl Drop for Pproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on (bound, then released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn http_emulator() -> RunningEmulator {
    Emulator::builder().start().await.unwrap()
}

/// The emulator over HTTPS, and its certificate (PEM), made for 127.0.0.1.
async fn https_emulator() -> (RunningEmulator, String) {
    let dir = tempfile::tempdir().unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let emulator = Emulator::builder().tls(&cert, &key).start().await.unwrap();
    assert!(emulator.url().starts_with("https://"), "{}", emulator.url());
    (emulator, generated.cert.pem())
}

/// A config for `emulator` (trusting `cert_pem` if given), one attempt per call, and no proxy
/// variables unless a test gives some: the test process's own are not read.
fn base(emulator: &RunningEmulator, cert_pem: Option<&str>) -> ConfigBuilder {
    let credentials = emulator.credentials();
    let mut builder = Config::builder()
        .credentials(Credentials::new(
            credentials.secret_id.clone(),
            credentials.secret_key.clone(),
        ))
        .endpoint(Endpoint::parse(&emulator.url()).unwrap())
        .timeout(Duration::from_secs(10))
        .max_attempts(1)
        .proxy_env_vars(Vec::<(String, String)>::new());
    if let Some(pem) = cert_pem {
        builder = builder.add_root_certificates_pem(pem.to_owned());
    }
    builder
}

/// Picks a built-in transport on a builder.
type PickTransport = fn(ConfigBuilder) -> ConfigBuilder;

/// Each built-in transport by name.
const TRANSPORTS: [(&str, PickTransport); 2] = [
    ("hyper", |b| b.hyper_transport()),
    ("reqwest", |b| b.reqwest_transport()),
];

/// One call, `GetGroupInfo` on a group that does not exist: the service's answer (an error
/// with a RequestId) proves the request went there and back.
async fn call(builder: ConfigBuilder) -> Result<(), TransportError> {
    let client = Client::new(builder.build().unwrap());
    match tokio::time::timeout(
        Duration::from_secs(20),
        client.get_group_info().group_id("g").send(),
    )
    .await
    .expect("the call finishes")
    {
        Ok(_) => Ok(()),
        Err(e) if e.service_error().is_some() && e.request_id().is_some() => Ok(()),
        Err(SdkError::Transport(e)) => Err(e),
        Err(other) => panic!("expected a transport error or the service's answer: {other:?}"),
    }
}

/// The transport error of a failed call, with its message and `Debug` form.
fn transport_error(result: Result<(), TransportError>) -> (TransportError, String) {
    match result {
        Err(e) => {
            let shown = format!("{e} / {e:?}");
            (e, shown)
        }
        Ok(()) => panic!("expected a transport error"),
    }
}

#[tokio::test]
async fn an_http_endpoint_is_reached_through_the_proxy() {
    let proxy = Pproxy::start();
    let emulator = http_emulator().await;
    for (name, transport) in TRANSPORTS {
        call(transport(base(&emulator, None).proxy(proxy.url())))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert_eq!(emulator.requests().len(), 2);
    assert!(emulator.requests().iter().all(|r| r.authenticated));
    assert_eq!(proxy.forwarded_to(emulator.addr()), 2, "{}", proxy.log());
}

#[tokio::test]
async fn an_https_endpoint_is_tunnelled_with_connect() {
    let proxy = Pproxy::start();
    let (emulator, cert) = https_emulator().await;
    for (name, transport) in TRANSPORTS {
        call(transport(base(&emulator, Some(&cert)).proxy(proxy.url())))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert_eq!(emulator.requests().len(), 2);
    assert_eq!(proxy.forwarded_to(emulator.addr()), 2, "{}", proxy.log());
}

#[tokio::test]
async fn the_proxy_variables_are_honoured_and_no_proxy_bypasses_them() {
    let proxy = Pproxy::start();
    let (tls_emulator, cert) = https_emulator().await;
    let emulator = http_emulator().await;
    let nothing_there = format!("http://127.0.0.1:{}", free_port());
    for (name, transport) in TRANSPORTS {
        // Lower case for https, upper case for http, as curl reads them.
        let env = [
            ("https_proxy", proxy.url()),
            ("HTTP_PROXY", nothing_there.clone()),
        ];
        call(transport(
            base(&tls_emulator, Some(&cert)).proxy_env_vars(env),
        ))
        .await
        .unwrap_or_else(|e| panic!("{name}, https_proxy: {e}"));
        let env = [
            ("HTTP_PROXY", proxy.url()),
            ("HTTPS_PROXY", nothing_there.clone()),
        ];
        call(transport(base(&emulator, None).proxy_env_vars(env)))
            .await
            .unwrap_or_else(|e| panic!("{name}, HTTP_PROXY: {e}"));
        let env = [("ALL_PROXY", proxy.url())];
        call(transport(base(&emulator, None).proxy_env_vars(env)))
            .await
            .unwrap_or_else(|e| panic!("{name}, ALL_PROXY: {e}"));

        // Past a proxy where nothing listens: only a bypass can succeed.
        let env = [
            ("HTTP_PROXY", nothing_there.clone()),
            ("NO_PROXY", "localhost, 127.0.0.1".to_owned()),
        ];
        call(transport(base(&emulator, None).proxy_env_vars(env)))
            .await
            .unwrap_or_else(|e| panic!("{name}, NO_PROXY: {e}"));
        let given = base(&emulator, None)
            .proxy(nothing_there.clone())
            .no_proxy("127.0.0.0/8");
        call(transport(given))
            .await
            .unwrap_or_else(|e| panic!("{name}, .no_proxy(..): {e}"));
        let ignored = base(&emulator, None)
            .proxy_env_vars([("HTTP_PROXY", nothing_there.clone())])
            .no_env_proxy();
        call(transport(ignored))
            .await
            .unwrap_or_else(|e| panic!("{name}, .no_env_proxy(): {e}"));
        // And without the bypass the dead proxy is used, and named.
        let env = [("http_proxy", nothing_there.clone())];
        let (_, shown) =
            transport_error(call(transport(base(&emulator, None).proxy_env_vars(env))).await);
        assert!(
            shown.contains(&format!("cannot connect to proxy {}", &nothing_there[7..])),
            "{name}: {shown}"
        );
    }
    assert_eq!(
        proxy.forwarded_to(tls_emulator.addr()),
        2,
        "{}",
        proxy.log()
    );
    assert_eq!(proxy.forwarded_to(emulator.addr()), 4, "{}", proxy.log());
    assert_eq!(tls_emulator.requests().len(), 2);
    assert_eq!(emulator.requests().len(), 2 * 5);
}

#[tokio::test]
async fn proxy_authentication_right_and_wrong_never_shows_the_password() {
    let proxy = Pproxy::with_auth();
    let (tls_emulator, cert) = https_emulator().await;
    let emulator = http_emulator().await;
    for (name, transport) in TRANSPORTS {
        for (target, cert) in [(&emulator, None), (&tls_emulator, Some(cert.as_str()))] {
            let right = || transport(base(target, cert).proxy(proxy.url_with(PASSWORD)));
            let shown = format!("{:?}", right());
            assert!(!shown.contains(PASSWORD), "{name}: {shown}");
            let shown = format!("{:?}", Client::new(right().build().unwrap()));
            assert!(!shown.contains(PASSWORD), "{name}: {shown}");
            call(right())
                .await
                .unwrap_or_else(|e| panic!("{name}, {}: {e}", target.url()));

            let https = cert.is_some();
            for password in [Some(WRONG_PASSWORD), None] {
                let url = match password {
                    Some(password) => proxy.url_with(password),
                    None => proxy.url(),
                };
                let wrong = transport(base(target, cert).proxy(url));
                let (error, shown) = transport_error(call(wrong).await);
                assert!(!shown.contains(WRONG_PASSWORD), "{name}: {shown}");
                let expected = if https {
                    format!(
                        "proxy {} refused the tunnel to {}: 407 Proxy Authentication Required",
                        proxy.addr(),
                        target.addr()
                    )
                } else {
                    format!(
                        "proxy {} answered 407 Proxy Authentication Required",
                        proxy.addr()
                    )
                };
                assert!(shown.starts_with(&expected), "{name}: {shown}");
                assert!(
                    shown.contains("check the user and password"),
                    "{name}: {shown}"
                );
                assert!(!error.maybe_sent, "{name}: nothing went past the proxy");
            }
        }
    }
    assert_eq!(
        emulator.requests().len(),
        2,
        "only the right password got through"
    );
    assert_eq!(tls_emulator.requests().len(), 2);
}

/// A proxy that answers everything with `403 Forbidden`.
async fn forbidding_proxy() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = socket
                    .write_all(
                        b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    )
                    .await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn a_refusing_proxy_is_named_with_its_answer() {
    let forbidding = forbidding_proxy().await;
    let (tls_emulator, cert) = https_emulator().await;
    let emulator = http_emulator().await;
    let nothing_there = free_port();
    for (name, transport) in TRANSPORTS {
        let forbidding_url = format!("http://alice:{PASSWORD}@{forbidding}");
        let (_, shown) =
            transport_error(call(transport(base(&emulator, None).proxy(&forbidding_url))).await);
        assert!(
            shown.starts_with(&format!("proxy {forbidding} answered 403 Forbidden")),
            "{name}: {shown}"
        );
        assert!(!shown.contains(PASSWORD), "{name}: {shown}");

        let tunnel = base(&tls_emulator, Some(&cert)).proxy(&forbidding_url);
        let (error, shown) = transport_error(call(transport(tunnel)).await);
        assert!(
            shown.starts_with(&format!(
                "proxy {forbidding} refused the tunnel to {}: it answered CONNECT with an error status",
                tls_emulator.addr()
            )),
            "{name}: {shown}"
        );
        assert!(!shown.contains(PASSWORD), "{name}: {shown}");
        assert!(!error.maybe_sent, "{name}");

        for target in [&emulator, &tls_emulator] {
            let dead = format!("http://alice:{PASSWORD}@127.0.0.1:{nothing_there}");
            let builder = base(target, Some(&cert)).proxy(dead);
            let (error, shown) = transport_error(call(transport(builder)).await);
            assert!(
                shown.starts_with(&format!(
                    "cannot connect to proxy 127.0.0.1:{nothing_there}: connection refused"
                )),
                "{name}: {shown}"
            );
            assert!(!shown.contains(PASSWORD), "{name}: {shown}");
            assert!(!error.maybe_sent, "{name}");
        }
    }
    assert!(emulator.requests().is_empty());
    assert!(tls_emulator.requests().is_empty());
}

#[tokio::test]
async fn a_proxy_url_that_cannot_work_fails_the_build_without_its_password() {
    let emulator = http_emulator().await;
    for (name, transport) in TRANSPORTS {
        for url in [
            format!("https://alice:{PASSWORD}@proxy.corp:3128"),
            format!("socks5://alice:{PASSWORD}@proxy.corp:1080"),
            format!("alice:{PASSWORD}@proxy.corp:3128"),
        ] {
            let err = transport(base(&emulator, None).proxy(&url))
                .build()
                .unwrap_err()
                .to_string();
            assert!(err.contains("invalid proxy URL"), "{name}: {err}");
            assert!(err.contains("alice:***@proxy.corp"), "{name}: {err}");
            assert!(!err.contains(PASSWORD), "{name}: {err}");
        }
    }
}

/// `iai get-group-info` against `emulator` with only `env` (and the test keys) in its
/// environment: the process's own variables, as a user's shell has them.
fn iai(emulator: &RunningEmulator, env: &[(&str, String)], args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    let credentials = emulator.credentials();
    Command::new(IAI)
        .args(args)
        .args(["get-group-info", "--group-id", "g"])
        .env_clear()
        .env("HOME", home.path())
        .env("TENCENTCLOUD_SECRET_ID", &credentials.secret_id)
        .env("TENCENTCLOUD_SECRET_KEY", &credentials.secret_key)
        .env("TENCENTCLOUD_IAI_ENDPOINT", emulator.url())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("iai runs")
}

// Two workers: the emulator serves while this one waits for `iai`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_reads_the_proxy_variables_and_takes_a_proxy_flag() {
    let proxy = Pproxy::with_auth();
    let emulator = http_emulator().await;
    let nothing_there = format!("http://127.0.0.1:{}", free_port());

    let out = iai(&emulator, &[("HTTP_PROXY", proxy.url_with(PASSWORD))], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The service's answer: the group does not exist (exit 1, a service error).
    assert!(stderr.contains("GroupIdNotExist"), "{stderr}");
    assert_eq!(proxy.forwarded_to(emulator.addr()), 1, "{}", proxy.log());

    let out = iai(
        &emulator,
        &[("HTTP_PROXY", nothing_there.clone())],
        &["--proxy", &proxy.url_with(PASSWORD)],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("GroupIdNotExist"), "--proxy wins: {stderr}");
    assert_eq!(proxy.forwarded_to(emulator.addr()), 2, "{}", proxy.log());

    let out = iai(
        &emulator,
        &[],
        &["--proxy", &proxy.url_with(WRONG_PASSWORD)],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!("proxy {} answered 407", proxy.addr())),
        "{stderr}"
    );
    assert!(!stderr.contains(WRONG_PASSWORD), "{stderr}");

    let out = iai(
        &emulator,
        &[
            ("http_proxy", nothing_there),
            ("no_proxy", "127.0.0.1".to_owned()),
        ],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("GroupIdNotExist"), "no_proxy: {stderr}");
    assert_eq!(emulator.requests().len(), 3);
}
