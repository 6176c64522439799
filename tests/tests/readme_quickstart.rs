//! The README's quick start works as written. Its shell commands are read from the README
//! (between the `quickstart` markers) and run in order against the `iai-emulator` binary on a
//! free loopback port (the README's `8080` replaced by it), with `cargo run --bin X --` run as
//! the binary `cargo build --bin X` makes; the output the README shows must be what they
//! print. Its Rust program must be `generated-client/examples/quickstart.rs`, which is run
//! against the same emulator. And every cargo command in the README reuses the workspace's
//! build: no `-p` or `--features` that would change which features cargo resolves.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

const README: &str = include_str!("../../README.md");
const EXAMPLE: &str = include_str!("../../generated-client/examples/quickstart.rs");
const README_PORT: &str = "8080";

/// The text between the quick start's markers.
fn quickstart() -> &'static str {
    let start = README
        .find("<!-- quickstart:start")
        .expect("README has the quickstart:start marker");
    let end = README
        .find("<!-- quickstart:end -->")
        .expect("README has the quickstart:end marker");
    &README[start..end]
}

/// The fenced blocks of `lang` in `text`, in order, each without its fences.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.trim_end() == format!("```{lang}") => current = Some(String::new()),
            None => {}
            Some(_) if line.trim_end() == "```" => out.push(current.take().unwrap()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    out
}

/// A command line split as the shell splits it: words, single and double quotes (no
/// expansion), a trailing `# comment`.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                let w = word.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    w.push(q);
                }
            }
            '#' if word.is_none() => break,
            c if c.is_whitespace() => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

fn emulator_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    common::workspace_binary(&BINARY, &["--bin", "iai-emulator"], "iai-emulator")
}

fn iai_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    common::workspace_binary(&BINARY, &["--bin", "iai"], "iai")
}

fn example_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    common::workspace_binary(&BINARY, &["--example", "quickstart"], "examples/quickstart")
}

/// `cargo run --bin NAME -- ARGS...` as (NAME, ARGS).
fn cargo_run_bin(words: &[String]) -> Option<(&str, &[String])> {
    match words {
        [cargo, run, bin, name, dashes, args @ ..]
            if cargo == "cargo" && run == "run" && bin == "--bin" && dashes == "--" =>
        {
            Some((name.as_str(), args))
        }
        _ => None,
    }
}

/// The emulator the README's first block starts, killed when the test ends.
struct RunningEmulator {
    child: Child,
    printed: Vec<String>,
    port: u16,
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_emulator(block: &str) -> RunningEmulator {
    let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.len(),
        1,
        "the first block only starts the emulator: {block}"
    );
    let words = shell_words(lines[0]);
    let (name, args) = cargo_run_bin(&words).expect("`cargo run --bin iai-emulator -- ...`");
    assert_eq!(name, "iai-emulator");
    assert_eq!(
        args,
        ["--port", README_PORT],
        "the emulator on port {README_PORT}"
    );
    let mut child = Command::new(emulator_binary())
        .args(["--port", "0"])
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the emulator starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut printed = Vec::new();
    for _ in 0..4 {
        let mut line = String::new();
        stdout.read_line(&mut line).expect("the emulator prints");
        printed.push(line.trim_end().to_owned());
    }
    let port = printed[0]
        .strip_prefix("listening on http://127.0.0.1:")
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("the first line names the address: {printed:?}"));
    RunningEmulator {
        child,
        printed,
        port,
    }
}

/// A working directory like the repository root for the commands: `samples/` and nothing
/// else, so the images they write do not land in the checkout.
fn work_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    std::fs::create_dir(dir.path().join("samples")).unwrap();
    for entry in std::fs::read_dir(samples).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            dir.path().join("samples").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    dir
}

#[test]
fn the_quick_start_runs_as_written() {
    let sh = blocks(quickstart(), "sh");
    assert_eq!(
        sh.len(),
        2,
        "two shell blocks: start the emulator, then use it"
    );
    let emulator = start_emulator(&sh[0]);
    let port = emulator.port.to_string();
    let dir = work_dir();

    let mut env = BTreeMap::new();
    let mut stdout_of_iai = String::new();
    let mut exports = Vec::new();
    for line in sh[1].lines().filter(|l| !l.trim().is_empty()) {
        let line = line.replace(
            &format!("127.0.0.1:{README_PORT}"),
            &format!("127.0.0.1:{port}"),
        );
        if let Some(assignment) = line.strip_prefix("export ") {
            let (name, value) = assignment.split_once('=').expect("export NAME=VALUE");
            env.insert(name.to_owned(), value.to_owned());
            exports.push(line.clone());
            continue;
        }
        let mut words = shell_words(&line);
        let redirect = match words.len().checked_sub(2) {
            Some(at) if words[at] == ">" => {
                let file = words.pop().unwrap();
                words.pop();
                Some(file)
            }
            _ => None,
        };
        let (name, args) = cargo_run_bin(&words)
            .unwrap_or_else(|| panic!("a command is `cargo run --bin NAME -- ...`: {line}"));
        let binary = match name {
            "iai" => iai_binary(),
            "iai-emulator" => emulator_binary(),
            other => panic!("unknown binary {other} in {line}"),
        };
        let out = Command::new(binary)
            .args(args)
            .current_dir(dir.path())
            .env_clear()
            .env("HOME", dir.path())
            .envs(&env)
            .output()
            .expect("the command runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "`{line}` failed: {stderr}");
        match redirect {
            Some(file) => std::fs::write(dir.path().join(file), &out.stdout).unwrap(),
            None if name == "iai" => stdout_of_iai.push_str(&String::from_utf8_lossy(&out.stdout)),
            None => {}
        }
    }
    assert_eq!(
        exports,
        emulator.printed[1..],
        "the README exports what the emulator prints"
    );

    // What the README says the last commands print.
    let shown = blocks(quickstart(), "text");
    assert_eq!(shown.len(), 1, "one block of output");
    assert!(
        stdout_of_iai.ends_with(&shown[0]),
        "the README shows\n{}\nbut the commands printed\n{stdout_of_iai}",
        shown[0]
    );

    // The Rust program, on the same emulator.
    let rust = blocks(quickstart(), "rust");
    assert_eq!(
        rust,
        [EXAMPLE],
        "the README quotes examples/quickstart.rs whole"
    );
    let out = Command::new(example_binary())
        .arg(format!("http://127.0.0.1:{port}"))
        .current_dir(dir.path())
        .env_clear()
        .output()
        .expect("the example runs");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(printed.starts_with("same person: true"), "{printed}");
    assert!(
        README.contains(&format!("`{}`", printed.trim_end())),
        "the README quotes what the example prints: {printed}"
    );
}

/// A cargo command with `-p` or `--features` resolves other features than the workspace's
/// commands, so it rebuilds crates the one before built. `cargo install` builds apart anyway;
/// `-p iai-integration-tests` has the workspace's features (tests/Cargo.toml).
#[test]
fn every_cargo_command_in_the_readme_reuses_the_workspace_build() {
    let mut offending = Vec::new();
    for line in README.lines() {
        for command in line.split("cargo ").skip(1) {
            let command = command.split(['`', '|', ')']).next().unwrap_or_default();
            let words: Vec<&str> = command.split_whitespace().collect();
            let Some(&sub) = words.first() else { continue };
            if !["run", "build", "test", "xtask", "check", "doc", "bench"].contains(&sub) {
                continue;
            }
            let words: Vec<&str> = words.split(|w| *w == "--").next().unwrap().to_vec();
            let package_flag = words.iter().position(|w| *w == "-p" || *w == "--package");
            let changes_features = words.iter().any(|w| {
                w.starts_with("--features")
                    || *w == "--all-features"
                    || *w == "--no-default-features"
            });
            let other_package =
                package_flag.is_some_and(|at| words.get(at + 1) != Some(&"iai-integration-tests"));
            if changes_features || other_package {
                offending.push(format!("cargo {command}"));
            }
        }
    }
    assert!(
        offending.is_empty(),
        "these README commands change feature resolution: {offending:#?}"
    );
}
