//! Shared set-up for the client's integration tests.
#![allow(dead_code)]

use std::time::Duration;

use iai_integration_tests::emulator::TestEmulator;
use tencentcloud_iai::{Client, ConfigBuilder};

/// Upper bound on one call in the client's tests; reaching it means the client hung (a
/// deadline, not a speed claim).
pub const DEADLINE: Duration = Duration::from_secs(20);

/// `future`, failing the test if it does not finish within [`DEADLINE`].
pub async fn bounded<T>(future: impl std::future::Future<Output = T>) -> T {
    bounded_by(DEADLINE, future).await
}

/// `future`, failing the test if it does not finish within `deadline`.
pub async fn bounded_by<T>(deadline: Duration, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(deadline, future)
        .await
        .expect("the call must finish (a value or a typed error), not hang")
}

/// A config pointing at the emulator with the test key pair and a short timeout.
pub fn config_for(server: &TestEmulator) -> ConfigBuilder {
    server.config().timeout(Duration::from_secs(5))
}

pub fn client_for(server: &TestEmulator) -> Client {
    Client::new(config_for(server).build().expect("valid config"))
}

/// Builds a binary of the workspace with `cargo build <args>` and returns
/// `<target>/<profile>/<path>`; `cache` makes that happen once per test process. Run from the
/// workspace root without `-p`, so features resolve as for `cargo test --workspace`
/// (tests/Cargo.toml): a no-op after that command, which builds the examples, and otherwise a
/// build of the target alone. Cargo holds no lock while tests run.
pub fn workspace_binary(
    cache: &'static std::sync::OnceLock<std::path::PathBuf>,
    args: &[&str],
    path: &str,
) -> std::path::PathBuf {
    cache
        .get_or_init(|| {
            let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            eprintln!(
                "building (or finding up to date) `cargo build {}`",
                args.join(" ")
            );
            let status = iai_integration_tests::cargo_command()
                .args(["build", "--quiet"])
                .args(args)
                .current_dir(&workspace)
                .status()
                .expect("cargo runs");
            assert!(status.success(), "cargo build {args:?} failed");
            // Test binaries live in <target>/<profile>/deps.
            let exe = std::env::current_exe().unwrap();
            let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
            let binary = profile_dir.join(format!("{path}{}", std::env::consts::EXE_SUFFIX));
            assert!(binary.exists(), "{} was not built", binary.display());
            binary
        })
        .clone()
}

/// The shipped `get_group_info` example.
pub fn example_binary() -> std::path::PathBuf {
    static BINARY: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    workspace_binary(
        &BINARY,
        &["--example", "get_group_info"],
        "examples/get_group_info",
    )
}

/// A port that accepts connections and never answers, as a firewalled or hung metadata server
/// would: the connections are held open until the test process ends.
pub fn silent_listener() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    format!("http://{addr}")
}
