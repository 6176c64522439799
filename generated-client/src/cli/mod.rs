//! The `iai` command line (feature `cli`): every action of the spec as a subcommand, parsed by
//! clap from the generated action table (`crate::generated::cli`), so a new spec action appears
//! here with no hand edit. Not part of the client library's runtime.
//!
//! ```text
//! iai [GLOBAL OPTIONS] <ACTION> [--param value ...] [--input-json JSON|@file|-]
//! iai call <ACTION> [--input-json JSON|@file|-]
//! iai help <ACTION> | iai completion <SHELL> | iai configure [--profile NAME]
//! ```

pub mod call;
mod command;
pub mod error;
mod help;
mod input;
pub mod json;
pub mod output;
mod profile;
pub mod table;

/// Every action the command line knows, generated from the spec.
pub use self::table::ACTIONS;

use std::ffi::OsString;
use std::io::{BufRead, Write};
use std::time::Duration;

use clap::ArgMatches;

use self::command::*;
use self::error::{CliError, ExitCode};
use self::output::{Format, Printer, Query};
use self::table::ActionInfo;
/// Runs one action by API name with JSON parameters and prints the result (generated).
pub use crate::generated::cli::dispatch;
use crate::{Client, Config, Endpoint, Language};

/// The standard streams, replaceable for tests.
pub struct Io<'a> {
    pub stdin: &'a mut dyn BufRead,
    pub stdin_is_terminal: bool,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
}

/// Runs the command line with the process's arguments and streams; returns the exit code.
pub fn main() -> i32 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::Failure as i32;
        }
    };
    let stdin = std::io::stdin();
    let stdin_is_terminal = std::io::IsTerminal::is_terminal(&stdin);
    let mut stdin = stdin.lock();
    // Buffered: one write per result rather than per token; flushed (and checked) at the end.
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut stderr = std::io::stderr().lock();
    let io = Io {
        stdin: &mut stdin,
        stdin_is_terminal,
        stdout: &mut stdout,
        stderr: &mut stderr,
    };
    runtime.block_on(run(std::env::args_os(), io))
}

/// Parses `args` (the program name first) and runs the command.
pub async fn run(args: impl IntoIterator<Item = OsString>, io: Io<'_>) -> i32 {
    let args: Vec<OsString> = args.into_iter().collect();
    // Only an action named on the command line needs its parameters built.
    let named = |action: &ActionInfo| {
        args.iter()
            .skip(1)
            .any(|a| a == action.command || a == action.name)
    };
    let matches = match command::build_for(named).try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let mut text = e.render().to_string();
            if e.kind() == clap::error::ErrorKind::DisplayHelp {
                // An action's help page ends with its examples, outside clap's line wrapping.
                let action = args
                    .iter()
                    .skip(1)
                    .find_map(|a| a.to_str().and_then(ActionInfo::find));
                if let Some(action) = action {
                    if !text.ends_with('\n') {
                        text.push('\n');
                    }
                    text.push('\n');
                    text.push_str(&help::examples_section(action));
                }
            }
            let stream: &mut dyn Write = if e.use_stderr() { io.stderr } else { io.stdout };
            let written = stream
                .write_all(text.as_bytes())
                .and_then(|()| stream.flush());
            if let Err(write) = written {
                return report(io.stderr, &output::write_error(write));
            }
            return e.exit_code();
        }
    };
    let stderr: &mut dyn Write = io.stderr;
    let result = match matches.subcommand() {
        Some((COMPLETION, sub)) => completion(sub, io.stdout),
        Some((CONFIGURE, sub)) => {
            let name = profile::profile_name(sub.get_one::<String>(PROFILE).map(String::as_str));
            profile::configure(
                &name,
                sub.get_one::<String>(REGION).map(String::as_str),
                io.stdin,
                io.stdin_is_terminal,
                stderr,
            )
            .and_then(|path| {
                writeln!(io.stdout, "saved profile `{name}` to {path}")
                    .and_then(|()| io.stdout.flush())
                    .map_err(output::write_error)
            })
        }
        Some((CALL, sub)) => call_common(sub, io.stdin, io.stdout).await,
        Some((name, sub)) => match ActionInfo::find(name) {
            Some(action) => call_action(action, sub, io.stdin, io.stdout).await,
            None => Err(CliError::usage(format!("unknown action `{name}`"))),
        },
        None => Err(CliError::usage("no action given; `iai --help` lists them")),
    };
    match result {
        Ok(()) => ExitCode::Ok as i32,
        Err(e) => report(stderr, &e),
    }
}

fn report(stderr: &mut dyn Write, e: &CliError) -> i32 {
    if !e.message.is_empty() {
        let _ = writeln!(stderr, "error: {e}");
    }
    e.exit_code as i32
}

fn completion(matches: &ArgMatches, stdout: &mut dyn Write) -> Result<(), CliError> {
    use clap_complete::Shell;
    let shell = match matches.get_one::<String>(SHELL).map(String::as_str) {
        Some("bash") => Shell::Bash,
        Some("zsh") => Shell::Zsh,
        Some("fish") => Shell::Fish,
        other => return Err(CliError::usage(format!("unsupported shell {other:?}"))),
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command::build(), "iai", &mut script);
    stdout
        .write_all(&script)
        .and_then(|()| stdout.flush())
        .map_err(output::write_error)
}

async fn call_action(
    action: &ActionInfo,
    matches: &ArgMatches,
    stdin: &mut dyn BufRead,
    stdout: &mut dyn Write,
) -> Result<(), CliError> {
    if matches.get_flag(SKELETON) {
        return stdout
            .write_all(action.skeleton.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(output::write_error);
    }
    let format = matches
        .get_one::<String>(OUTPUT)
        .and_then(|name| Format::parse(name))
        .unwrap_or(Format::Json);
    let query = matches
        .get_one::<String>(QUERY)
        .map(|q| Query::compile(q))
        .transpose()?;
    let all_pages = action.paged_items.is_some() && matches.get_flag(ALL_PAGES);
    let mode = match (matches.get_flag(DRY_RUN), all_pages) {
        (true, _) => call::Mode::DryRun,
        (false, true) => call::Mode::AllPages,
        (false, false) => call::Mode::Send,
    };
    let input = input::collect(action, matches, stdin)?;
    let client = client(matches)?;
    let mut printer = Printer::new(stdout, format, query);
    dispatch(&client, action.name, input, mode, &mut printer).await?;
    printer.flush()
}

/// `iai call <Action> --input-json ...`: the common call, printed like any action's result.
async fn call_common(
    matches: &ArgMatches,
    stdin: &mut dyn BufRead,
    stdout: &mut dyn Write,
) -> Result<(), CliError> {
    let format = matches
        .get_one::<String>(OUTPUT)
        .and_then(|name| Format::parse(name))
        .unwrap_or(Format::Json);
    let query = matches
        .get_one::<String>(QUERY)
        .map(|q| Query::compile(q))
        .transpose()?;
    let action = matches
        .get_one::<String>(CALL_ACTION)
        .map(String::as_str)
        .unwrap_or_default();
    let input = input::collect_common(matches, stdin)?;
    let client = client(matches)?;
    let mut printer = Printer::new(stdout, format, query);
    if matches.get_flag(DRY_RUN) {
        let request = client.prepare_json(action, input).await?;
        printer.raw(&call::show_request(&request))?;
    } else {
        let response = client.call_json(action, input).await?;
        let json = output::Json::of(&response)
            .map_err(|e| CliError::failure(format!("cannot print the response: {e}")))?;
        printer.value(json)?;
    }
    printer.flush()
}

/// Flags first, then the environment, then the profile's files.
fn client(matches: &ArgMatches) -> Result<Client, CliError> {
    let profile_flag = matches.get_one::<String>(PROFILE).map(String::as_str);
    let mut builder =
        Config::builder().shared_credentials_provider(profile::credentials(profile_flag)?);
    if let Some(url) = matches.get_one::<String>(ENDPOINT) {
        let endpoint =
            Endpoint::parse(url).map_err(|e| CliError::usage(format!("--endpoint: {e}")))?;
        builder = builder.endpoint(endpoint);
    }
    let region = matches
        .get_one::<String>(REGION)
        .cloned()
        .or_else(|| {
            std::env::var("TENCENTCLOUD_REGION")
                .ok()
                .filter(|r| !r.trim().is_empty())
        })
        .or_else(|| profile::configured_region(&profile::profile_name(profile_flag)));
    if let Some(region) = region {
        builder = builder.region(region);
    }
    if let Some(timeout) = matches.get_one::<Duration>(TIMEOUT) {
        builder = builder.timeout(*timeout);
    }
    match matches.get_one::<String>(LANGUAGE).map(String::as_str) {
        Some("zh-CN") => builder = builder.language(Language::ZhCn),
        Some(_) => builder = builder.language(Language::EnUs),
        None => {}
    }
    let config = builder
        .from_env()
        .and_then(|b| b.build())
        .map_err(|e| CliError::failure(error::chain(&e)))?;
    Ok(Client::new(config))
}
