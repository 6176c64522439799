//! The `iai` command line: argument parsing, help and output. Which actions and flags exist
//! comes from the generated table in `crate::generated::cli`, so a new spec action appears here
//! with no hand edit.
//!
//! ```text
//! iai [--endpoint URL] [--region R] [--dry-run] <action> [--param value ...] [--input-json JSON|@file]
//! ```

use std::fmt;
use std::io::Write;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::action::Action;
use super::config::{Config, Endpoint};
use super::error::{SdkError, ServiceError};
use super::transport::HttpRequest;
use crate::generated::cli::{dispatch, ACTIONS};
use crate::Client;

/// One action as the command line shows it.
#[derive(Debug)]
pub struct ActionInfo {
    pub name: &'static str,
    /// The subcommand, e.g. `get-group-info`.
    pub command: &'static str,
    pub title: &'static str,
    pub doc: &'static str,
    pub params: &'static [ParamInfo],
}

#[derive(Debug)]
pub struct ParamInfo {
    pub api_name: &'static str,
    /// The flag without dashes, e.g. `group-id`.
    pub flag: &'static str,
    pub kind: ParamKind,
    /// Repeat the flag for each item.
    pub list: bool,
    pub required: bool,
    pub doc: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    String,
    Bool,
    Int,
    Uint,
    Float,
    /// Base64 text, or `@path` to read and encode a file.
    Image,
    /// Objects: only through `--input-json`.
    Json,
}

impl ParamKind {
    fn describe(self) -> &'static str {
        match self {
            ParamKind::String => "string",
            ParamKind::Bool => "true|false",
            ParamKind::Int => "integer",
            ParamKind::Uint => "unsigned integer",
            ParamKind::Float => "number",
            ParamKind::Image => "@file or base64",
            ParamKind::Json => "JSON, via --input-json",
        }
    }
}

/// What a command produced.
#[derive(Debug)]
pub enum Outcome {
    /// The response, with the API's field names.
    Response(Value),
    /// The signed request that would have been sent.
    DryRun(HttpRequest),
}

/// A failed command: what to print and the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    /// 2 for usage errors, 1 for everything else.
    pub exit_code: i32,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: None,
            message: message.into(),
            request_id: None,
            exit_code: 2,
        }
    }

    fn failure(message: impl Into<String>) -> Self {
        CliError {
            exit_code: 1,
            ..CliError::usage(message)
        }
    }
}

impl<E: ServiceError> From<SdkError<E>> for CliError {
    fn from(e: SdkError<E>) -> Self {
        CliError {
            code: e.code().map(str::to_owned),
            message: match &e {
                SdkError::Service(s) => s.metadata().message.clone(),
                other => other.to_string(),
            },
            request_id: e.request_id().map(str::to_owned),
            exit_code: 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(code) = &self.code {
            writeln!(f, "error: {code}")?;
            writeln!(f, "message: {}", self.message)?;
        } else {
            writeln!(f, "error: {}", self.message)?;
        }
        if let Some(id) = &self.request_id {
            writeln!(f, "RequestId: {id}")?;
        }
        Ok(())
    }
}

/// Decodes `input` into the typed request of `A`, then signs it (dry run) or sends it.
pub async fn run<A>(client: &Client, input: Value, dry_run: bool) -> Result<Outcome, CliError>
where
    A: Action + DeserializeOwned,
    A::Output: Serialize,
{
    let request: A = serde_json::from_value(input)
        .map_err(|e| CliError::usage(format!("invalid parameters for {}: {e}", A::NAME)))?;
    if dry_run {
        return Ok(Outcome::DryRun(client.prepare(&request).await?));
    }
    let output = client.send(&request).await?;
    let json = serde_json::to_value(output)
        .map_err(|e| CliError::failure(format!("cannot print the response: {e}")))?;
    Ok(Outcome::Response(json))
}

/// A parsed command line.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// `iai --help`, or no arguments.
    Overview,
    /// `iai <action> --help`.
    ActionHelp(&'static ActionInfo),
    Call(Call),
}

#[derive(Debug, PartialEq)]
pub struct Call {
    pub action: &'static ActionInfo,
    /// Parameters with API names, typed as the spec says.
    pub input: Value,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub dry_run: bool,
}

impl PartialEq for ActionInfo {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// Parses arguments (without the program name). Global flags may come anywhere.
pub fn parse(args: &[String]) -> Result<Command, CliError> {
    let mut endpoint = None;
    let mut region = None;
    let mut dry_run = false;
    let mut help = false;
    let mut input_json: Option<Value> = None;
    let mut action: Option<&'static ActionInfo> = None;
    let mut params: Vec<(&str, String)> = Vec::new();

    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value_of = |flag: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| CliError::usage(format!("{flag} needs a value")))
        };
        match arg.as_str() {
            "--help" | "-h" => help = true,
            "--dry-run" => dry_run = true,
            "--endpoint" => endpoint = Some(value_of("--endpoint")?),
            "--region" => region = Some(value_of("--region")?),
            "--input-json" => input_json = Some(read_input_json(&value_of("--input-json")?)?),
            flag if flag.starts_with("--") => {
                let value = value_of(flag)?;
                params.push((&flag[2..], value));
            }
            command if action.is_none() => {
                action = Some(
                    ACTIONS
                        .iter()
                        .find(|a| a.command == command || a.name == command)
                        .ok_or_else(|| {
                            CliError::usage(format!(
                                "unknown action `{command}`; `iai --help` lists them"
                            ))
                        })?,
                );
            }
            extra => return Err(CliError::usage(format!("unexpected argument `{extra}`"))),
        }
    }
    let Some(action) = action else {
        return if params.is_empty() && input_json.is_none() {
            Ok(Command::Overview)
        } else {
            Err(CliError::usage("no action given; `iai --help` lists them"))
        };
    };
    if help {
        return Ok(Command::ActionHelp(action));
    }

    let mut input = match input_json {
        Some(Value::Object(map)) => map,
        Some(_) => return Err(CliError::usage("--input-json must be a JSON object")),
        None => Map::new(),
    };
    // Flags override --input-json; repeated flags of a list parameter append.
    let mut lists: Map<String, Value> = Map::new();
    for (flag, raw) in params {
        let param = action
            .params
            .iter()
            .find(|p| p.flag == flag)
            .ok_or_else(|| {
                CliError::usage(format!(
                    "`{}` has no parameter --{flag}; `iai {} --help` lists them",
                    action.command, action.command
                ))
            })?;
        let value = typed_value(param, &raw)?;
        if param.list {
            let entry = lists
                .entry(param.api_name)
                .or_insert_with(|| Value::Array(Vec::new()));
            entry.as_array_mut().expect("lists hold arrays").push(value);
        } else {
            input.insert(param.api_name.to_owned(), value);
        }
    }
    input.extend(lists);
    for param in action.params.iter().filter(|p| p.required) {
        if !input.contains_key(param.api_name) {
            return Err(CliError::usage(format!(
                "{} needs --{} (or `{}` in --input-json)",
                action.command, param.flag, param.api_name
            )));
        }
    }
    Ok(Command::Call(Call {
        action,
        input: Value::Object(input),
        endpoint,
        region,
        dry_run,
    }))
}

fn read_input_json(text: &str) -> Result<Value, CliError> {
    let text = match text.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read {path}: {e}")))?,
        None => text.to_owned(),
    };
    serde_json::from_str(&text)
        .map_err(|e| CliError::usage(format!("--input-json is not valid JSON: {e}")))
}

fn typed_value(param: &ParamInfo, raw: &str) -> Result<Value, CliError> {
    let bad = |what: &str| CliError::usage(format!("--{} expects {what}, got {raw:?}", param.flag));
    Ok(match param.kind {
        ParamKind::String => Value::String(raw.to_owned()),
        ParamKind::Bool => Value::Bool(raw.parse().map_err(|_| bad("true or false"))?),
        ParamKind::Int => Value::from(raw.parse::<i64>().map_err(|_| bad("an integer"))?),
        ParamKind::Uint => Value::from(raw.parse::<u64>().map_err(|_| bad("an unsigned integer"))?),
        ParamKind::Float => raw
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| bad("a number"))?,
        ParamKind::Image => match raw.strip_prefix('@') {
            Some(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| CliError::usage(format!("cannot read {path}: {e}")))?;
                serde_json::to_value(crate::Image::from_bytes(bytes))
                    .map_err(|e| bad(&e.to_string()))?
            }
            None => Value::String(raw.to_owned()),
        },
        ParamKind::Json => {
            return Err(CliError::usage(format!(
                "--{} takes structured data; pass `{}` in --input-json",
                param.flag, param.api_name
            )))
        }
    })
}

/// Runs the command line; returns the process exit code.
pub async fn main(args: Vec<String>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let command = match parse(&args) {
        Ok(command) => command,
        Err(e) => return report(stderr, &e),
    };
    let call = match command {
        Command::Overview => {
            let _ = write!(stdout, "{}", overview());
            return 0;
        }
        Command::ActionHelp(action) => {
            let _ = write!(stdout, "{}", action_help(action));
            return 0;
        }
        Command::Call(call) => call,
    };
    let mut builder = match Config::builder().from_env() {
        Ok(builder) => builder,
        Err(e) => return report(stderr, &CliError::failure(e.to_string())),
    };
    if let Some(url) = &call.endpoint {
        match Endpoint::parse(url) {
            Ok(endpoint) => builder = builder.endpoint(endpoint),
            Err(e) => return report(stderr, &CliError::usage(e.to_string())),
        }
    }
    if let Some(region) = &call.region {
        builder = builder.region(region.clone());
    }
    let client = match builder.build() {
        Ok(config) => Client::new(config),
        Err(e) => return report(stderr, &CliError::failure(e.to_string())),
    };
    match dispatch(&client, call.action.name, call.input, call.dry_run).await {
        Ok(Outcome::Response(json)) => {
            let text = serde_json::to_string_pretty(&json).unwrap_or_else(|_| json.to_string());
            let _ = writeln!(stdout, "{text}");
            0
        }
        Ok(Outcome::DryRun(request)) => {
            let _ = write!(stdout, "{}", show_request(&request));
            0
        }
        Err(e) => report(stderr, &e),
    }
}

fn report(stderr: &mut dyn Write, e: &CliError) -> i32 {
    let _ = write!(stderr, "{e}");
    e.exit_code
}

/// The request as it would go on the wire; the session token is the only secret in it and is
/// redacted (the Authorization header holds a signature, never the key).
pub fn show_request(request: &HttpRequest) -> String {
    let mut out = format!("POST {}\n", request.url());
    for (name, value) in request.headers() {
        let value = if name == "X-TC-Token" {
            "** redacted **"
        } else {
            value
        };
        out.push_str(&format!("{name}: {value}\n"));
    }
    out.push('\n');
    out.push_str(&String::from_utf8_lossy(request.body()));
    out.push('\n');
    out
}

pub fn overview() -> String {
    let mut out = String::from(
        "iai: Tencent Cloud Face Recognition (IAI) from the command line\n\n\
         usage: iai [--endpoint URL] [--region R] [--dry-run] <action> [--param value ...] [--input-json JSON|@file]\n\
         \x20      iai <action> --help\n\n\
         Credentials come from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY [/ TENCENTCLOUD_SESSION_TOKEN],\n\
         the region from TENCENTCLOUD_REGION, the endpoint from TENCENTCLOUD_IAI_ENDPOINT.\n\nactions:\n",
    );
    let width = ACTIONS.iter().map(|a| a.command.len()).max().unwrap_or(0);
    for a in ACTIONS {
        out.push_str(&format!("  {:width$}  {}\n", a.command, a.title));
    }
    out
}

pub fn action_help(action: &ActionInfo) -> String {
    let mut out = format!(
        "iai {}: {}\n\n{}\n\nparameters:\n",
        action.command, action.title, action.doc
    );
    for p in action.params {
        let required = if p.required { ", required" } else { "" };
        let repeat = if p.list { ", repeatable" } else { "" };
        out.push_str(&format!(
            "  --{} <{}>{required}{repeat}   (API: {})\n",
            p.flag,
            p.kind.describe(),
            p.api_name
        ));
        for line in p.doc.lines() {
            out.push_str(&format!("      {}\n", line.trim()));
        }
    }
    out.push_str(
        "\n  --input-json <JSON|@file>   any parameters, with the API's names; flags override it\n",
    );
    out
}
