//! The `iai` command line and the shipped `get_group_info` example against the emulator
//! binary (`iai-emulator`), configured only by the variables it prints at start-up.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

mod common;

/// The emulator binary on a free port, and the `export NAME=value` lines it printed.
struct Emulator {
    child: Child,
    env: Vec<(String, String)>,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_emulator() -> Emulator {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    let binary = common::workspace_binary(
        &BINARY,
        &["-p", "tencentcloud-iai-emulator", "--bin", "iai-emulator"],
        "iai-emulator",
    );
    let mut child = Command::new(binary)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the emulator starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut env = Vec::new();
    for _ in 0..4 {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        if let Some((name, value)) = line
            .trim()
            .strip_prefix("export ")
            .and_then(|l| l.split_once('='))
        {
            env.push((name.to_owned(), value.to_owned()));
        }
    }
    assert_eq!(
        env.len(),
        3,
        "endpoint, secret id and key are printed: {env:?}"
    );
    Emulator { child, env }
}

fn iai_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    common::workspace_binary(
        &BINARY,
        &[
            "-p",
            "tencentcloud-iai",
            "--features",
            "cli",
            "--bin",
            "iai",
        ],
        "iai",
    )
}

fn run(binary: PathBuf, emulator: &Emulator, args: &[&str]) -> Output {
    Command::new(binary)
        .args(args)
        .env_clear()
        .envs(emulator.env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("runs")
}

#[test]
fn iai_cli_and_example_work_against_the_emulator() {
    let emulator = start_emulator();
    let created = run(
        iai_binary(),
        &emulator,
        &[
            "create-group",
            "--group-name",
            "Staff",
            "--group-id",
            "staff",
        ],
    );
    assert_eq!(
        created.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );

    let missing = run(
        iai_binary(),
        &emulator,
        &["get-group-info", "--group-id", "nope"],
    );
    assert_ne!(missing.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("InvalidParameterValue.GroupIdNotExist"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );

    let example = run(common::example_binary(), &emulator, &["staff"]);
    assert!(
        example.status.success(),
        "{}",
        String::from_utf8_lossy(&example.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&example.stdout).expect("JSON");
    assert_eq!(printed["GroupName"], "Staff");
    assert_eq!(printed["GroupId"], "staff");
}
