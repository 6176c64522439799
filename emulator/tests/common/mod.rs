//! Shared by the tests that drive the emulator with Python tools (the official SDK, tccli).

use std::process::Command;

/// Whether `python3` can import `module`; the error says why not.
pub fn python_module_available(module: &str) -> Result<(), String> {
    let probe = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .map_err(|e| format!("python3 cannot be run: {e}"))?;
    if probe.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&probe.stderr).into_owned())
    }
}
