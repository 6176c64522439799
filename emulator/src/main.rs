//! `iai-emulator`: the local Face Recognition service as a program, and `iai-emulator image`,
//! which writes a marked test image (so a shell user needs no Rust to make one).

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Arg, ArgAction, Command};
use tencentcloud_iai_emulator::testimage::{marked_jpeg, marked_png};
use tencentcloud_iai_emulator::{
    Emulator, FaultPlan, Marker, TestCredentials, DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY,
};

const IMAGE: &str = "image";

fn command() -> Command {
    Command::new("iai-emulator")
        .about(
            "A local, stateful Tencent Cloud Face Recognition (IAI 2020-03-03) service for tests",
        )
        // `iai-emulator --port 8080 ...` serves; `iai-emulator image ...` writes an image.
        .args_conflicts_with_subcommands(true)
        .subcommand(image_command())
        .arg(
            Arg::new("port")
                .long("port")
                .value_parser(clap::value_parser!(u16))
                .default_value("8080")
                .help("Port on 127.0.0.1 (0: any free port)"),
        )
        .arg(
            Arg::new("secret-id")
                .long("secret-id")
                .action(ArgAction::Append)
                .requires("secret-key")
                .help("Accepted SecretId (repeatable, paired with --secret-key in order)"),
        )
        .arg(
            Arg::new("secret-key")
                .long("secret-key")
                .action(ArgAction::Append)
                .requires("secret-id")
                .help("SecretKey of the --secret-id at the same position"),
        )
        .arg(
            Arg::new("state").long("state").value_name("FILE").help(
                "Keep groups, persons and faces in FILE; every acknowledged write is on disk",
            ),
        )
        .arg(
            Arg::new("tls-cert")
                .long("tls-cert")
                .value_name("PEM")
                .requires("tls-key")
                .help("Serve HTTPS with this certificate chain (for clients that only speak HTTPS, e.g. tccli)"),
        )
        .arg(
            Arg::new("tls-key")
                .long("tls-key")
                .value_name("PEM")
                .requires("tls-cert")
                .help("Private key of --tls-cert"),
        )
        .arg(
            Arg::new("faults")
                .long("faults")
                .value_name("FILE")
                .help("Start with the fault plan in FILE (JSON; see the crate docs)"),
        )
        .arg(
            Arg::new("clock-skew-secs")
                .long("clock-skew-secs")
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(i64))
                .allow_negative_numbers(true)
                .help("Run the clock this many seconds off the system's (signature expiry and the Date header follow it; PUT /_emulator/clock changes it later)"),
        )
        .arg(
            Arg::new("journal-capacity")
                .long("journal-capacity")
                .value_name("CALLS")
                .value_parser(clap::value_parser!(usize))
                .help("How many received calls GET /_emulator/requests keeps [default: 1000; 0 keeps none]"),
        )
        .arg(
            Arg::new("image-memory-cap-mb")
                .long("image-memory-cap-mb")
                .value_name("MIB")
                .value_parser(clap::value_parser!(usize))
                .help("How many MiB of the images it was sent the emulator keeps for the dashboard; past it the oldest are dropped [default: 64; 0 keeps none]"),
        )
        .arg(
            Arg::new("cvm-role")
                .long("cvm-role")
                .value_name("NAME")
                .help("Play the CVM metadata server for an instance with role NAME: GET /latest/meta-data/cam/security-credentials/[NAME] (clients: TENCENTCLOUD_METADATA_ENDPOINT)"),
        )
        .arg(
            Arg::new("sts-role")
                .long("sts-role")
                .value_name("ARN")
                .action(ArgAction::Append)
                .help("A RoleArn STS AssumeRole / AssumeRoleWithWebIdentity can hand out (repeatable; clients: TENCENTCLOUD_STS_ENDPOINT)"),
        )
        .arg(
            Arg::new("oidc-provider")
                .long("oidc-provider")
                .value_name("ID")
                .requires("web-identity-token")
                .help("An OIDC identity provider (ProviderId) for STS AssumeRoleWithWebIdentity"),
        )
        .arg(
            Arg::new("web-identity-token")
                .long("web-identity-token")
                .value_name("TOKEN")
                .requires("oidc-provider")
                .help("The one WebIdentityToken --oidc-provider accepts (never printed)"),
        )
        .arg(
            Arg::new("credentials-lifetime-secs")
                .long("credentials-lifetime-secs")
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64).range(1..))
                .help("Lifetime of every issued temporary credential (STS and metadata), whatever DurationSeconds asks; then IAI calls with them fail with AuthFailure.TokenFailure"),
        )
}

/// The largest width or height `image` writes: plenty for tests, and a PNG stays under the
/// API's image limit.
const MAX_SIDE: u32 = 1024;

fn image_command() -> Command {
    Command::new(IMAGE)
        .about("Write a marked test image (PNG or JPEG) to stdout or --out")
        .long_about(
            "Write a small grey PNG or JPEG whose metadata marker tells the emulator who is in \
             it (see the crate docs). Binary output is refused on a terminal: redirect it, \
             e.g. `iai-emulator image --person alice > alice.png`, or give --out FILE.",
        )
        .arg(
            Arg::new("person")
                .long("person")
                .value_name("NAME")
                .required(true)
                .help("Who the first face is: images with the same NAME match each other"),
        )
        .arg(
            Arg::new("faces")
                .long("faces")
                .value_name("N")
                .value_parser(clap::value_parser!(u32))
                .default_value("1")
                .help("Number of faces; the others are strangers (0: no face)"),
        )
        .arg(
            Arg::new("quality")
                .long("quality")
                .value_name("Q")
                .value_parser(clap::value_parser!(u8).range(0..=100))
                .default_value("90")
                .help("Face quality, 0 to 100 (QualityControl 1/2/3/4 need 30/50/70/90)"),
        )
        .arg(
            Arg::new("live")
                .long("live")
                .value_name("BOOL")
                .value_parser(clap::value_parser!(bool))
                .default_value("true")
                .help("Whether liveness detection sees a live face"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .value_parser(["png", "jpeg"])
                .help("Image format [default: jpeg when --out ends in .jpg or .jpeg, else png]"),
        )
        .arg(
            Arg::new("size")
                .long("size")
                .value_name("WxH")
                .value_parser(parse_size)
                .default_value("64x64")
                .help("Width and height in pixels, each 1 to 1024"),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .value_name("FILE")
                .help("Write to FILE instead of stdout"),
        )
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let side = |s: &str| {
        s.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_SIDE).contains(n))
    };
    text.split_once(['x', 'X'])
        .and_then(|(w, h)| Some((side(w)?, side(h)?)))
        .ok_or_else(|| format!("expected WIDTHxHEIGHT, each 1 to {MAX_SIDE}, e.g. 64x64"))
}

/// The image `iai-emulator image` writes for `args`, and where it goes (`None`: stdout).
fn marked_image(args: &clap::ArgMatches) -> (Vec<u8>, Option<&String>) {
    let marker = Marker::person(args.get_one::<String>("person").expect("required"))
        .faces(*args.get_one::<u32>("faces").expect("has a default"))
        .quality(*args.get_one::<u8>("quality").expect("has a default"))
        .live(*args.get_one::<bool>("live").expect("has a default"));
    let (width, height) = *args.get_one::<(u32, u32)>("size").expect("has a default");
    let out = args.get_one::<String>("out");
    let jpeg = match args.get_one::<String>("format") {
        Some(format) => format == "jpeg",
        None => out.is_some_and(|path| {
            let lower = path.to_ascii_lowercase();
            lower.ends_with(".jpg") || lower.ends_with(".jpeg")
        }),
    };
    let bytes = if jpeg {
        // MAX_SIDE fits in a JPEG's 16-bit sizes.
        marked_jpeg(&marker, width as u16, height as u16)
    } else {
        marked_png(&marker, width, height)
    };
    (bytes, out)
}

fn write_image(args: &clap::ArgMatches, stdout_is_terminal: bool) -> Result<(), String> {
    let (bytes, out) = marked_image(args);
    match out {
        Some(path) => {
            std::fs::write(path, &bytes).map_err(|e| format!("cannot write {path}: {e}"))
        }
        None if stdout_is_terminal => Err(
            "not writing a binary image to a terminal; redirect it (`> alice.png`) or give --out FILE"
                .into(),
        ),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("cannot write the image to stdout: {e}"))
        }
    }
}

fn main() -> ExitCode {
    let args = command().get_matches();
    let result = match args.subcommand() {
        Some((IMAGE, image)) => write_image(image, std::io::stdout().is_terminal()),
        _ => serve(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("iai-emulator: {message}");
            ExitCode::FAILURE
        }
    }
}

#[tokio::main]
async fn serve(args: &clap::ArgMatches) -> Result<(), String> {
    let port = *args.get_one::<u16>("port").expect("has a default");
    let mut builder = Emulator::builder().addr(SocketAddr::from(([127, 0, 0, 1], port)));
    let ids: Vec<&String> = args.get_many("secret-id").into_iter().flatten().collect();
    let keys: Vec<&String> = args.get_many("secret-key").into_iter().flatten().collect();
    if ids.len() != keys.len() {
        return Err(format!(
            "{} --secret-id but {} --secret-key; give them in pairs",
            ids.len(),
            keys.len()
        ));
    }
    for (id, key) in ids.iter().zip(&keys) {
        builder = builder.credentials(TestCredentials::new(id.as_str(), key.as_str()));
    }
    if let Some(path) = args.get_one::<String>("state") {
        builder = builder.state_file(path);
    }
    if let (Some(cert), Some(key)) = (
        args.get_one::<String>("tls-cert"),
        args.get_one::<String>("tls-key"),
    ) {
        builder = builder.tls(cert, key);
    }
    if let Some(path) = args.get_one::<String>("faults") {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read fault file {path}: {e}"))?;
        let plan: FaultPlan = serde_json::from_str(&text)
            .map_err(|e| format!("fault file {path} is not a fault plan: {e}"))?;
        builder = builder.faults(plan);
    }
    if let Some(&skew) = args.get_one::<i64>("clock-skew-secs") {
        builder = builder.clock_skew_secs(skew);
    }
    if let Some(&calls) = args.get_one::<usize>("journal-capacity") {
        builder = builder.journal_capacity(calls);
    }
    if let Some(&mib) = args.get_one::<usize>("image-memory-cap-mb") {
        builder = builder.image_memory_cap_bytes(mib.saturating_mul(1 << 20));
    }
    if let Some(role) = args.get_one::<String>("cvm-role") {
        builder = builder.cvm_role(role);
    }
    for role in args.get_many::<String>("sts-role").into_iter().flatten() {
        builder = builder.sts_role(role);
    }
    if let (Some(provider), Some(token)) = (
        args.get_one::<String>("oidc-provider"),
        args.get_one::<String>("web-identity-token"),
    ) {
        builder = builder.oidc_provider(provider, token);
    }
    if let Some(&secs) = args.get_one::<u64>("credentials-lifetime-secs") {
        builder = builder.issued_credentials_lifetime(std::time::Duration::from_secs(secs));
    }
    let emulator = builder.start().await.map_err(|e| e.to_string())?;
    let url = emulator.url();
    let creds = emulator.credentials();
    println!("listening on {url}");
    println!("export TENCENTCLOUD_IAI_ENDPOINT={url}");
    println!("export TENCENTCLOUD_SECRET_ID={}", creds.secret_id);
    if ids.is_empty() {
        // Only the built-in test pair is printed; keys given on the command line are not echoed.
        println!("export TENCENTCLOUD_SECRET_KEY={DEFAULT_SECRET_KEY}");
        debug_assert_eq!(creds.secret_id, DEFAULT_SECRET_ID);
    } else {
        println!("export TENCENTCLOUD_SECRET_KEY=<the --secret-key you gave>");
    }
    if args.contains_id("cvm-role") {
        println!("export TENCENTCLOUD_METADATA_ENDPOINT={url}");
    }
    if args.contains_id("sts-role") || args.contains_id("oidc-provider") {
        println!("export TENCENTCLOUD_STS_ENDPOINT={url}");
    }
    if let Some(provider) = args.get_one::<String>("oidc-provider") {
        println!("export TKE_REGION=ap-guangzhou");
        println!("export TKE_PROVIDER_ID={provider}");
        if let Some(role) = args.get_one::<String>("sts-role") {
            println!("export TKE_ROLE_ARN={role}");
        }
        println!("# TKE_WEB_IDENTITY_TOKEN_FILE: a file holding the --web-identity-token you gave");
    }
    // Last, and never fatal: a parent that read only the lines above may have closed the pipe.
    let _ = writeln!(
        std::io::stdout(),
        "# dashboard: {}",
        emulator.dashboard_url()
    );
    let _ = std::io::stdout().flush();
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serving_flags_still_parse_without_a_subcommand() {
        let args = command()
            .try_get_matches_from(["iai-emulator", "--port", "0", "--cvm-role", "r"])
            .unwrap();
        assert!(args.subcommand().is_none());
        assert_eq!(args.get_one::<u16>("port"), Some(&0));
    }

    #[test]
    fn serving_flags_and_image_do_not_mix() {
        let err = command()
            .try_get_matches_from(["iai-emulator", "--port", "0", "image", "--person", "a"])
            .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    }

    #[test]
    fn a_terminal_gets_no_binary_but_a_hint() {
        let args = command()
            .try_get_matches_from(["iai-emulator", "image", "--person", "alice"])
            .unwrap();
        let (_, image) = args.subcommand().unwrap();
        let err = write_image(image, true).unwrap_err();
        assert!(
            err.contains("> alice.png") && err.contains("--out"),
            "{err}"
        );
    }

    #[test]
    fn sizes_are_checked() {
        assert_eq!(parse_size("80x60"), Ok((80, 60)));
        for bad in ["80", "0x10", "10x", "2000x10", "axb"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_out_extension_picks_jpeg() {
        let args = command()
            .try_get_matches_from(["iai-emulator", "image", "--person", "a", "--out", "a.JPG"])
            .unwrap();
        let (bytes, _) = marked_image(args.subcommand().unwrap().1);
        assert!(bytes.starts_with(&[0xFF, 0xD8]));
    }
}
