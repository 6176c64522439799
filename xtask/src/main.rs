//! `cargo xtask regenerate [--check]`: spec/ → generated-client/src/generated/.
//! `cargo xtask test [ARGS]`: `cargo test --workspace [ARGS]` with the tests' Python ready.
//!
//! Regeneration is all-or-nothing: a spec error is reported and nothing is written. With
//! `--check` nothing is ever written; stale files are listed and the exit code is 1. With
//! `--against <ref>` it first reports what the spec change means for the crate's version.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod python_venv;

const USAGE: &str = "usage: cargo xtask regenerate [--check]
       cargo xtask regenerate [--check] --against <git ref> [--allow-major] [--changelog <file>]
       cargo xtask test [CARGO TEST ARGS]
       cargo xtask venv
       cargo xtask import <api.json> [--examples <examples.json>] [--errors <action errors json>]
                          [--mainland <cn api.json>] [--mainland-examples <cn examples.json>]
                          [--error-descriptions <json>] [--report <file>] [--check]

  regenerate          write generated-client/src/generated from spec/ (only changed files)
  regenerate --check  exit 1 and list the files that are out of date, writing nothing
  regenerate --against <ref>
                      first compare spec/ with the spec at a git ref (e.g. main, v0.1.0) and
                      print every change classified major/minor/patch for the crate, the
                      version bump it needs, and its CHANGELOG.md entries; a major change fails
                      (exit 1, nothing written) unless --allow-major says a major release is
                      intended. --changelog FILE puts the entries under `## [Unreleased]` in
                      FILE (created if missing). The table is in codegen/src/semver.rs
  test                `cargo test --workspace` (arguments passed through; `-p` replaces
                      `--workspace`) with a Python virtual environment first on PATH, made
                      under the target directory from the pinned requirements files (see
                      xtask/src/python_venv.rs) and reused while they are unchanged; then
                      the emulator dashboard's browser tests (ignored by a plain cargo test)
                      when Chromium and chromedriver are installed, or says why it skips them
  venv                make that environment if needed and print its directory
  import              write spec/ from Tencent Cloud's API descriptions (international, and with
                      --mainland the mainland site's: the union, marked with `sites`), keeping
                      hand-written keys (constraints, rust_name, idempotent, region_required,
                      pagination, retryable, any key import does not write, and the English doc
                      of mainland-only items); lists every other change. --report writes the
                      differences between the sites and the repaired examples to a file.
                      --check writes nothing and exits 1 when the spec differs from what import
                      would write";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["regenerate", rest @ ..] if rest.contains(&"--against") => against(rest),
        ["regenerate"] => regenerate(false),
        ["regenerate", "--check"] => regenerate(true),
        ["test", rest @ ..] => test(rest),
        ["venv"] => match test_venv() {
            Ok(venv) => {
                println!("{}", venv.dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        ["import", rest @ ..] => match parse_import(rest) {
            Ok((sources, check, report)) => import(&sources, check, report),
            Err(e) => {
                eprintln!("error: {e}\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
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

/// Cargo's target directory: xtask runs from `<target>/<profile>/xtask`, wherever
/// `CARGO_TARGET_DIR` or `build.target-dir` put it.
fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_owned()))
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn test_venv() -> Result<python_venv::Venv, String> {
    python_venv::ensure(&workspace_root(), &target_dir().join("python-venv"))
}

fn test(args: &[&str]) -> ExitCode {
    let venv = match test_venv() {
        Ok(venv) => venv,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path =
        match std::env::join_paths(std::iter::once(venv.bin()).chain(std::env::split_paths(&path)))
        {
            Ok(path) => path,
            Err(e) => {
                eprintln!("error: cannot put {} on PATH: {e}", venv.bin().display());
                return ExitCode::FAILURE;
            }
        };
    let mut command = cargo_test(args, &path, &venv.dir);
    match command.status() {
        Ok(status) if status.success() => browser_tests(args, &path, &venv.dir),
        Ok(status) => ExitCode::from(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        ),
        Err(e) => {
            eprintln!("error: cannot run cargo test: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The dashboard's browser tests are `#[ignore]`d so a plain `cargo test` passes on a machine
/// without a browser; here they run whenever Chromium and chromedriver are there (CI installs
/// them), and are skipped with the reason and the install command otherwise.
fn browser_tests(args: &[&str], path: &std::ffi::OsStr, venv_dir: &Path) -> ExitCode {
    const PACKAGE: &str = "tencentcloud-iai-emulator";
    let before_separator = cargo_options(args);
    let packages_named = names_packages(&before_separator);
    let emulator_named = before_separator.iter().any(|a| a.contains(PACKAGE));
    let only_some_tests = args.contains(&"--")
        || before_separator
            .iter()
            .any(|a| *a == "--test" || *a == "--lib" || *a == "--doc" || *a == "--bins");
    if (packages_named && !emulator_named) || only_some_tests {
        return ExitCode::SUCCESS;
    }
    let found = |var: &str, paths: &[&str]| {
        std::env::var_os(var).is_some() || paths.iter().any(|p| Path::new(p).exists())
    };
    let chromium = found(
        "CHROMIUM",
        &["/usr/lib/chromium/chromium", "/usr/bin/chromium"],
    );
    let driver = found("CHROMEDRIVER", &["/usr/bin/chromedriver"]);
    if !(chromium && driver) {
        eprintln!(
            "note: the emulator dashboard's browser tests were SKIPPED: {} not found. \
             Install them with `apt-get install chromium chromium-driver` (CI does), or set \
             CHROMIUM and CHROMEDRIVER.",
            match (chromium, driver) {
                (false, false) => "Chromium and chromedriver",
                (false, true) => "Chromium",
                _ => "chromedriver",
            }
        );
        return ExitCode::SUCCESS;
    }
    eprintln!("== the emulator dashboard's browser tests (headless Chromium)");
    // The binary the run before built: asking cargo for it with the same arguments, the same
    // environment and `--no-run` compiles nothing.
    let binary = match browser_test_binary(args, path, venv_dir) {
        Ok(binary) => binary,
        Err(e) => {
            eprintln!("error: cannot find the browser tests' binary: {e}");
            return ExitCode::FAILURE;
        }
    };
    let status = Command::new(&binary)
        .arg("--ignored")
        // Where `cargo test` runs an integration test.
        .current_dir(workspace_root().join("emulator"))
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run {}: {e}", binary.display());
            ExitCode::FAILURE
        }
    }
}

/// The path of the emulator's `browser` test binary, from cargo's JSON messages for the same
/// `cargo test` the caller ran.
fn browser_test_binary(
    args: &[&str],
    path: &std::ffi::OsStr,
    venv_dir: &Path,
) -> Result<std::path::PathBuf, String> {
    let output = cargo_test(&cargo_options(args), path, venv_dir)
        .args(["--no-run", "--message-format=json-render-diagnostics"])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err("cargo test --no-run failed".into());
    }
    const EXECUTABLE: &str = "\"executable\":\"";
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| {
            line.contains("\"name\":\"browser\"") && line.contains("\"kind\":[\"test\"]")
        })
        .find_map(|line| {
            let start = line.find(EXECUTABLE)? + EXECUTABLE.len();
            let end = start + line[start..].find('"')?;
            Some(std::path::PathBuf::from(&line[start..end]))
        })
        .ok_or_else(|| "cargo built no test target named `browser`".into())
}

/// `cargo test` over `args` (every member unless `-p` names packages, as the README's command
/// always did), with the tests' Python environment first on PATH.
fn cargo_test(args: &[&str], path: &std::ffi::OsStr, venv_dir: &Path) -> Command {
    let mut command = cargo_command();
    command.arg("test");
    if !names_packages(&cargo_options(args)) {
        command.arg("--workspace");
    }
    command
        .args(args)
        .current_dir(workspace_root())
        .env("PATH", path)
        // What `activate` sets; tools that look for an environment find this one.
        .env("VIRTUAL_ENV", venv_dir)
        .env_remove("PYTHONHOME");
    command
}

/// The arguments for cargo itself: those before a `--` (after it, they are the test binaries').
fn cargo_options<'a>(args: &[&'a str]) -> Vec<&'a str> {
    args.iter().copied().take_while(|a| *a != "--").collect()
}

/// Whether cargo options choose packages (`-p`, `--package`).
fn names_packages(options: &[&str]) -> bool {
    options
        .iter()
        .any(|a| a.starts_with("-p") || a.starts_with("--package"))
}

/// `cargo`, without the variables `cargo run` set for xtask's own package (`CARGO_MANIFEST_DIR`,
/// `CARGO_PKG_*`, ...). ring's build script reads `CARGO_MANIFEST_DIR`: a build that inherited
/// xtask's would differ from the one a test's nested cargo or the next plain `cargo` command
/// makes, and each would rebuild ring and all above it.
fn cargo_command() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (key, _) in std::env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        let set_for_this_package = key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_BIN_")
            || matches!(
                key,
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_MANIFEST_LINKS"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_TARGET_TMPDIR"
                    | "CARGO_RUSTC_CURRENT_DIR"
                    | "OUT_DIR"
            );
        if set_for_this_package {
            command.env_remove(key);
        }
    }
    command
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
    let readme = match readme_update() {
        Ok(readme) => readme,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if check {
        if let Some(_stale) = &readme {
            eprintln!("stale: {} (the actions table)", codegen::README);
        }
        if plan.is_empty() && readme.is_none() {
            println!("generated code is up to date ({} files)", plan.unchanged);
            return ExitCode::SUCCESS;
        }
        for line in plan.describe() {
            eprintln!("{line}");
        }
        eprintln!("generated code is out of date with spec/; run `cargo xtask regenerate`");
        return ExitCode::FAILURE;
    }
    // What is about to change, named before it is written (`describe` reads the file system).
    let changes: Vec<String> = plan
        .writes
        .iter()
        .map(|(path, _)| {
            let what = if path.exists() { "updated" } else { "created" };
            format!("{what}: {}", path.display())
        })
        .chain(
            plan.deletes
                .iter()
                .map(|p| format!("removed: {}", p.display())),
        )
        .collect();
    if let Err(e) = codegen::output::apply(&plan) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    if let Some(text) = readme {
        if let Err(e) = std::fs::write(codegen::README, text) {
            eprintln!("error: {}: {e}", codegen::README);
            return ExitCode::FAILURE;
        }
        println!("updated the actions table in {}", codegen::README);
    }
    for line in &changes {
        println!("{line}");
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

/// The README with a fresh actions table, or `None` when it is already current.
fn readme_update() -> Result<Option<String>, String> {
    let table = codegen::readme_actions(Path::new("spec")).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(codegen::README)
        .map_err(|e| format!("{}: {e}", codegen::README))?;
    let updated = codegen::emit::readme::replace_section(&text, &table)
        .ok_or_else(|| format!("{}: the actions table markers are missing", codegen::README))?;
    Ok((updated != text).then_some(updated))
}

fn parse_import(
    args: &[&str],
) -> Result<(codegen::import::Sources, bool, Option<PathBuf>), String> {
    let mut sources = codegen::import::Sources::default();
    let mut api = None;
    let mut check = false;
    let mut report = None;
    let mut args = args.iter();
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let path = |value: Option<&&str>, flag: &str| {
        value
            .map(|v| cwd.join(v))
            .ok_or_else(|| format!("{flag} needs a file"))
    };
    while let Some(arg) = args.next() {
        match *arg {
            "--examples" => sources.examples = Some(path(args.next(), "--examples")?),
            "--mainland" => sources.mainland = Some(path(args.next(), "--mainland")?),
            "--mainland-examples" => {
                sources.mainland_examples = Some(path(args.next(), "--mainland-examples")?)
            }
            "--report" => report = Some(path(args.next(), "--report")?),
            "--errors" => sources.action_errors = Some(path(args.next(), "--errors")?),
            "--error-descriptions" => {
                sources.error_descriptions = Some(path(args.next(), "--error-descriptions")?)
            }
            "--check" => check = true,
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            file if api.is_none() => api = Some(cwd.join(file)),
            extra => return Err(format!("unexpected argument {extra}")),
        }
    }
    sources.api = api.ok_or("the API description file is required")?;
    Ok((sources, check, report))
}

fn import(sources: &codegen::import::Sources, check: bool, report: Option<PathBuf>) -> ExitCode {
    use codegen::import::Status;
    let root = workspace_root();
    let files = match codegen::import::import(sources, &root.join("spec")) {
        Ok(import) => {
            for warning in &import.warnings {
                eprintln!("warning: {warning}");
            }
            // The differences between the sites and the repaired examples, one per line.
            let text: String = import.report.iter().map(|l| format!("{l}\n")).collect();
            match &report {
                Some(path) => {
                    if let Err(e) = std::fs::write(path, &text) {
                        eprintln!("error: {}: {e}", path.display());
                        return ExitCode::FAILURE;
                    }
                    println!(
                        "report: {} lines in {}",
                        import.report.len(),
                        path.display()
                    );
                }
                None => text.lines().for_each(|l| println!("report: {l}")),
            }
            import.files
        }
        Err(e) => {
            eprintln!("error: {e}\nnothing was written");
            return ExitCode::FAILURE;
        }
    };
    let pending: Vec<_> = files
        .iter()
        .filter(|f| f.status != Status::Unchanged)
        .collect();
    for file in &pending {
        let shown = file
            .path
            .strip_prefix(&root)
            .unwrap_or(&file.path)
            .display();
        match file.status {
            Status::New => println!("new: {shown}"),
            _ => println!("changed: {shown}: {}", file.changes.join("; ")),
        }
    }
    if check {
        if pending.is_empty() {
            println!("spec/ matches the API description ({} files)", files.len());
            return ExitCode::SUCCESS;
        }
        eprintln!("spec/ differs from what `cargo xtask import` would write");
        return ExitCode::FAILURE;
    }
    for file in pending {
        if let Some(parent) = file.path.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                eprintln!("error: {}: {e}", parent.display());
                return ExitCode::FAILURE;
            }
        }
        if let Err(e) = std::fs::write(&file.path, &file.contents) {
            eprintln!("error: {}: {e}", file.path.display());
            return ExitCode::FAILURE;
        }
    }
    println!(
        "imported {} files; now run `cargo xtask regenerate`",
        files.len()
    );
    ExitCode::SUCCESS
}

/// `regenerate ... --against <ref>`: the semver report of spec/ against the spec at `<ref>`,
/// then the usual regeneration (or `--check`) when no unintended major change was found.
fn against(args: &[&str]) -> ExitCode {
    let mut check = false;
    let mut allow_major = false;
    let mut git_ref = None;
    let mut changelog = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--check" => check = true,
            "--allow-major" => allow_major = true,
            "--against" => git_ref = args.next().copied(),
            "--changelog" => changelog = args.next().map(PathBuf::from),
            other => {
                eprintln!("error: unexpected argument `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(git_ref) = git_ref else {
        eprintln!("error: --against needs a git ref\n\n{USAGE}");
        return ExitCode::from(2);
    };
    let root = workspace_root();
    if let Err(e) = std::env::set_current_dir(&root) {
        eprintln!("error: cannot enter {}: {e}", root.display());
        return ExitCode::FAILURE;
    }
    let old_dir = std::env::temp_dir().join(format!("xtask-against-{}", std::process::id()));
    let old = spec_at(git_ref, &old_dir).and_then(|spec| {
        codegen::resolve(&spec).map_err(|e| {
            format!("the spec at `{git_ref}` does not resolve with this generator:\n{e}")
        })
    });
    let _ = std::fs::remove_dir_all(&old_dir);
    let old = match old {
        Ok(old) => old,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let new = match codegen::resolve(Path::new("spec")) {
        Ok(new) => new,
        Err(errors) => {
            eprintln!("{errors}");
            return ExitCode::FAILURE;
        }
    };
    let mut changes = codegen::semver::diff(&old, &new);
    changes.sort_by_key(|c| std::cmp::Reverse(c.level));
    let count = |level| changes.iter().filter(|c| c.level == level).count();
    use codegen::semver::Level;
    let bump = codegen::semver::bump(&changes);
    println!(
        "spec/ against `{git_ref}`: {} major, {} minor, {} patch change(s); {}",
        count(Level::Major),
        count(Level::Minor),
        count(Level::Patch),
        match bump {
            Some(level) => format!("the crate needs a {level} release"),
            None => "no change in the spec that the crate's users can see".to_owned(),
        }
    );
    for change in &changes {
        println!("  {change}");
    }
    // The comparison is of the two specs; a change to the generator or the runtime changes the
    // crate's API without changing the spec, so say that it was not looked at.
    let unclassified = ["codegen/src", "generated-client/src/runtime"]
        .into_iter()
        .filter(|dir| changed_since(git_ref, dir))
        .collect::<Vec<_>>();
    if !unclassified.is_empty() {
        println!(
            "note: {} changed since `{git_ref}`; this compares the specs only, so those changes are not classified: record what users see in CHANGELOG.md by hand",
            unclassified.join(" and ")
        );
    }
    let entries = codegen::semver::changelog_entries(&changes);
    if !entries.is_empty() {
        println!("\nCHANGELOG.md entries:\n\n{}", entries.trim_end());
    }
    if bump == Some(Level::Major) && !allow_major {
        eprintln!(
            "error: major (breaking) changes against `{git_ref}`; pass --allow-major if a major release is intended. Nothing was written."
        );
        return ExitCode::FAILURE;
    }
    if let Some(path) = changelog.filter(|_| !entries.is_empty()) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let updated = codegen::semver::insert_unreleased(&text, &entries);
        if let Err(e) = std::fs::write(&path, updated) {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!(
            "\nwrote the entries under `## [Unreleased]` in {}",
            path.display()
        );
    }
    regenerate(check)
}

/// Whether `path` differs between `git_ref` and the work tree (false if git cannot tell).
fn changed_since(git_ref: &str, path: &str) -> bool {
    std::process::Command::new("git")
        .args(["diff", "--quiet", git_ref, "--", path])
        .status()
        .is_ok_and(|status| status.code() == Some(1))
}

/// Writes the `spec/` tree at `git_ref` into `dir` and returns its `spec` directory.
fn spec_at(git_ref: &str, dir: &Path) -> Result<PathBuf, String> {
    let git = |args: &[&str]| -> Result<Vec<u8>, String> {
        let out = std::process::Command::new("git")
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(out.stdout)
    };
    let listing = git(&["ls-tree", "-r", "--name-only", git_ref, "--", "spec"])?;
    let listing = String::from_utf8(listing).map_err(|e| e.to_string())?;
    if listing.trim().is_empty() {
        return Err(format!("`{git_ref}` has no spec/ directory"));
    }
    for path in listing.lines() {
        let contents = git(&["show", &format!("{git_ref}:{path}")])?;
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&target, contents).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(dir.join("spec"))
}
