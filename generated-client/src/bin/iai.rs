//! `iai`: every action of the spec from the command line. See `iai --help`.

fn main() {
    std::process::exit(tencentcloud_iai::cli::main());
}
