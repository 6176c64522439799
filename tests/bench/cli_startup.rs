//! Start-up of the `iai` command line: one whole process per iteration (spawn, parse, run,
//! exit), for commands that need no network:
//!
//! - `cli_startup/version`: `iai --version`, the floor (clap tree, runtime, exit);
//! - `cli_startup/dry_run`: `iai get-group-info --group-id a --dry-run`, a whole call up to
//!   the wire (parameters, config, credentials, validation, signing) without sending;
//! - `cli_startup/action_help`: `iai help search-faces`, the largest help page;
//! - `cli_startup/true`: `/bin/true`, what spawning any process costs on this machine.
//!
//! `cargo bench -p iai-integration-tests --bench cli_startup`. The goal is under 10 ms each.

use std::process::{Command, Stdio};

use criterion::{criterion_group, criterion_main, Criterion};

const IAI: &str = env!("CARGO_BIN_EXE_iai-cli-under-test");

fn run(program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .env_clear()
        .env("TENCENTCLOUD_SECRET_ID", "AKIDbench")
        .env("TENCENTCLOUD_SECRET_KEY", "bench-secret")
        .env("HOME", "/nonexistent")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the command runs");
    assert!(status.success(), "{program} {args:?} failed");
}

fn startup(c: &mut Criterion) {
    let mut group = c.benchmark_group("cli_startup");
    group.bench_function("version", |b| b.iter(|| run(IAI, &["--version"])));
    group.bench_function("dry_run", |b| {
        b.iter(|| run(IAI, &["get-group-info", "--group-id", "a", "--dry-run"]))
    });
    group.bench_function("action_help", |b| {
        b.iter(|| run(IAI, &["help", "search-faces"]))
    });
    group.bench_function("true", |b| b.iter(|| run("/bin/true", &[])));
    group.finish();
}

criterion_group!(benches, startup);
criterion_main!(benches);
