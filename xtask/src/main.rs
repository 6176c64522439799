//! `cargo xtask regenerate [--check]`: spec/ → generated-client/src/generated/.
//!
//! Regeneration is all-or-nothing: a spec error is reported and nothing is written. With
//! `--check` nothing is ever written; stale files are listed and the exit code is 1.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask regenerate [--check]

  regenerate          write generated-client/src/generated from spec/ (only changed files)
  regenerate --check  exit 1 and list the files that are out of date, writing nothing";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["regenerate"] => regenerate(false),
        ["regenerate", "--check"] => regenerate(true),
        ["--help"] | ["-h"] | ["help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: xtask's manifest lives one level below it.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_owned()
}

fn regenerate(check: bool) -> ExitCode {
    let root = workspace_root();
    // Paths in messages are relative to the workspace root, as a developer types them.
    if let Err(e) = std::env::set_current_dir(&root) {
        eprintln!("error: cannot enter {}: {e}", root.display());
        return ExitCode::FAILURE;
    }
    let files = match codegen::generate(Path::new("spec")) {
        Ok(files) => files,
        Err(errors) => {
            eprintln!("{errors}");
            return ExitCode::FAILURE;
        }
    };
    let out_dir = Path::new(codegen::GENERATED_DIR);
    let plan = match codegen::output::plan(out_dir, &files) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if check {
        if plan.is_empty() {
            println!("generated code is up to date ({} files)", plan.unchanged);
            return ExitCode::SUCCESS;
        }
        for line in plan.describe() {
            eprintln!("{line}");
        }
        eprintln!("generated code is out of date with spec/; run `cargo xtask regenerate`");
        return ExitCode::FAILURE;
    }
    if let Err(e) = codegen::output::apply(&plan) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "regenerated {}: {} written, {} removed, {} unchanged",
        out_dir.display(),
        plan.writes.len(),
        plan.deletes.len(),
        plan.unchanged
    );
    ExitCode::SUCCESS
}
