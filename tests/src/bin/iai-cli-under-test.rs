//! The `iai` command line as this package builds it, so tests/cli.rs can run it through
//! `CARGO_BIN_EXE_iai-cli-under-test` with no nested cargo build. The shipped binary,
//! generated-client/src/bin/iai.rs, is this same one line.

fn main() {
    std::process::exit(tencentcloud_iai::cli::main());
}
