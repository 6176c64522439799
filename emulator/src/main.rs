//! `iai-emulator`: the local Face Recognition service as a program.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Arg, ArgAction, Command};
use tencentcloud_iai_emulator::{
    Emulator, FaultPlan, TestCredentials, DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY,
};

fn command() -> Command {
    Command::new("iai-emulator")
        .about(
            "A local, stateful Tencent Cloud Face Recognition (IAI 2020-03-03) service for tests",
        )
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

#[tokio::main]
async fn main() -> ExitCode {
    let args = command().get_matches();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("iai-emulator: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &clap::ArgMatches) -> Result<(), String> {
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
    use std::io::Write;
    let _ = std::io::stdout().flush();
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    Ok(())
}
