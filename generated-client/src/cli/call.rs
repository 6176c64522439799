//! From a JSON object of parameters to the typed request, then to the wire (or only signed, for
//! `--dry-run`), and the result to the printer. Called by the generated dispatch.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::error::CliError;
use super::output::{Json, Printer};
use crate::runtime::action::Action;
use crate::runtime::paginator::{Paginated, Paginator};
use crate::runtime::transport::HttpRequest;
use crate::Client;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Send,
    /// Sign and print the request; send nothing.
    DryRun,
    /// Follow the pages of a paged action and print its items as a stream.
    AllPages,
}

fn decode<A: Action + DeserializeOwned>(input: Value) -> Result<A, CliError> {
    serde_json::from_value(input)
        .map_err(|e| CliError::usage(format!("invalid parameters for {}: {e}", A::NAME)))
}

fn to_json(value: impl Serialize) -> Result<Json, CliError> {
    Json::of(&value).map_err(|e| CliError::failure(format!("cannot print the response: {e}")))
}

pub async fn run<A>(
    client: &Client,
    input: Value,
    mode: Mode,
    out: &mut Printer<'_>,
) -> Result<(), CliError>
where
    A: Action + DeserializeOwned,
    A::Output: Serialize,
{
    let request: A = decode(input)?;
    match mode {
        Mode::DryRun => out.raw(&show_request(&client.prepare(&request).await?)),
        Mode::AllPages => Err(CliError::usage(format!(
            "{} is not paged: --all-pages does not apply",
            A::NAME
        ))),
        Mode::Send => out.value(to_json(client.send(&request).await?)?),
    }
}

pub async fn run_paged<A>(
    client: &Client,
    input: Value,
    mode: Mode,
    out: &mut Printer<'_>,
) -> Result<(), CliError>
where
    A: Paginated + DeserializeOwned,
    A::Output: Serialize,
    A::Item: Serialize,
{
    if mode != Mode::AllPages {
        return run::<A>(client, input, mode, out).await;
    }
    let request: A = decode(input)?;
    let mut items = Paginator::new(client.clone(), request).items();
    // Each item is printed as soon as its page arrives; a closed pipe stops the paging.
    while let Some(item) = items.next_item().await {
        out.item(to_json(item?)?)?;
    }
    out.finish()
}

/// The request as it would go on the wire; the session token is the only secret in it and is
/// redacted (the Authorization header holds a signature, never the key).
pub fn show_request(request: &HttpRequest) -> String {
    let mut out = format!("{} {}\n", request.method().as_str(), request.url());
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
