//! The tests' Python: a virtual environment under the target directory, made from the pinned
//! requirements files, so the tests need only a bare `python3` (no system `pip`, which PEP 668
//! distributions refuse) and never see the user's own packages.
//!
//! It is made once and reused while its inputs are unchanged: a stamp file in it holds a
//! SHA-256 of the lists below, every listed file's bytes and the base interpreter's version.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// Pinned requirements files (paths from the workspace root), installed with their
/// dependencies. Add a file here when a test needs another Python package.
const REQUIREMENTS: &[&str] = &[
    // The official SDK: signing vectors (gen_vectors.py) and the emulator's SDK scenario.
    "tests/signing/requirements.txt",
    // What tccli imports to call Face Recognition (the emulator's tccli scenario).
    "emulator/tests/python/tccli-requirements.txt",
    // A real HTTP proxy on loopback (tests/tests/proxy.rs).
    "tests/proxy/requirements.txt",
];

/// Installed after [`REQUIREMENTS`], without the dependencies they declare (tccli declares the
/// all-services SDK, about 400 MB, of which it needs what `REQUIREMENTS` already holds).
const REQUIREMENTS_NO_DEPS: &[&str] = &["emulator/tests/python/tccli-no-deps-requirements.txt"];

const STAMP: &str = "xtask-requirements.sha256";

/// A ready virtual environment.
pub struct Venv {
    pub dir: PathBuf,
}

impl Venv {
    /// The directory with its `python3` and scripts, to put first on `PATH`.
    pub fn bin(&self) -> PathBuf {
        self.dir.join("bin")
    }
}

/// Makes the environment at `dir` unless its stamp matches the inputs. `root` is the workspace
/// root. The error is one line that says what to do.
pub fn ensure(root: &Path, dir: &Path) -> Result<Venv, String> {
    let version = base_python_version()?;
    let stamp = stamp(root, &version)?;
    let venv = Venv {
        dir: dir.to_owned(),
    };
    let stamp_path = dir.join(STAMP);
    if venv.bin().join("python3").exists()
        && std::fs::read_to_string(&stamp_path).is_ok_and(|s| s.trim() == stamp)
    {
        return Ok(venv);
    }
    eprintln!(
        "xtask: preparing the tests' Python environment in {} (once, until a requirements file changes)",
        dir.display()
    );
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    let created = Command::new("python3")
        .args(["-m", "venv"])
        .arg(dir)
        .status()
        .map_err(|e| format!("cannot run python3: {e}; {INSTALL_PYTHON}"))?;
    if !created.success() {
        // A half-made environment would lack pip; never reuse it.
        let _ = std::fs::remove_dir_all(dir);
        return Err(format!(
            "`python3 -m venv` failed (see above); {INSTALL_VENV}"
        ));
    }
    let pip = |extra: &[&str], files: &[&str]| -> Result<(), String> {
        if files.is_empty() {
            return Ok(());
        }
        let mut command = Command::new(venv.bin().join("python3"));
        command
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(extra)
            .current_dir(root);
        for file in files {
            command.args(["-r", file]);
        }
        let status = command
            .status()
            .map_err(|e| format!("cannot run the environment's pip: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!(
                "pip could not install {} into {} (see above; PyPI must be reachable)",
                files.join(", "),
                dir.display()
            ))
        }
    };
    pip(&[], REQUIREMENTS)?;
    pip(&["--no-deps"], REQUIREMENTS_NO_DEPS)?;
    std::fs::write(&stamp_path, format!("{stamp}\n"))
        .map_err(|e| format!("cannot write {}: {e}", stamp_path.display()))?;
    Ok(venv)
}

const INSTALL_PYTHON: &str =
    "the tests need Python 3 with its venv module (Debian/Ubuntu: apt-get install python3 python3-venv)";
const INSTALL_VENV: &str =
    "python3 lacks its venv or ensurepip module (Debian/Ubuntu: apt-get install python3-venv)";

/// The version of the `python3` on `PATH`, after checking that it can make an environment.
fn base_python_version() -> Result<String, String> {
    let probe = Command::new("python3")
        .args([
            "-c",
            "import sys, venv, ensurepip; print(sys.version.split()[0], sys.base_prefix)",
        ])
        .output()
        .map_err(|e| format!("python3 not found ({e}): {INSTALL_PYTHON}"))?;
    if !probe.status.success() {
        let stderr = String::from_utf8_lossy(&probe.stderr);
        let why = stderr.lines().last().unwrap_or("").trim();
        return Err(format!("{INSTALL_VENV} [python3 said: {why}]"));
    }
    Ok(String::from_utf8_lossy(&probe.stdout).trim().to_owned())
}

/// SHA-256 (hex) over the file lists, each file's contents and the interpreter's version.
fn stamp(root: &Path, python_version: &str) -> Result<String, String> {
    let mut hash = Sha256::new();
    hash.update(python_version.as_bytes());
    for (mode, files) in [("deps", REQUIREMENTS), ("no-deps", REQUIREMENTS_NO_DEPS)] {
        for file in files {
            let bytes =
                std::fs::read(root.join(file)).map_err(|e| format!("cannot read {file}: {e}"))?;
            hash.update(format!("\n{mode} {file} {}\n", bytes.len()).as_bytes());
            hash.update(&bytes);
        }
    }
    Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
