pub mod emulator;

/// `cargo`, for tests that run it, without the variables cargo set for this test's package
/// (`CARGO_MANIFEST_DIR`, `CARGO_PKG_*`, ...). A nested cargo that inherited them would see
/// them as changed for dependencies that read one at compile time (ring reads
/// `CARGO_MANIFEST_DIR`) and rebuild those, and the next top-level build would rebuild them
/// back.
pub fn cargo_command() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO"));
    for (key, _) in std::env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        let set_for_this_package = key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_BIN_EXE_")
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
            cmd.env_remove(key);
        }
    }
    cmd
}
