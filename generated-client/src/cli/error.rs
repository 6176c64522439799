//! A failed command: one line for stderr and the documented exit code.

use std::error::Error;
use std::fmt;

use super::table::ActionEntry;
use crate::runtime::error::{SdkError, ServiceError};

/// The exit codes `iai --help` documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    /// The service answered with an error, or anything else failed (config, output).
    Failure = 1,
    /// The command line was wrong: nothing was sent.
    Usage = 2,
    /// The connection failed or the call timed out.
    Transport = 3,
    /// A parameter broke a rule of the spec: nothing was sent.
    Validation = 4,
}

pub const EXIT_CODES_HELP: &str = "Exit codes:\n  \
    0  success\n  \
    1  the service returned an error, or another failure (configuration, writing output)\n  \
    2  usage error (unknown action or flag, bad value, missing parameter); nothing was sent\n  \
    3  transport error or timeout\n  \
    4  a parameter broke a rule of the spec; nothing was sent";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// The whole message, one line.
    pub message: String,
    pub exit_code: ExitCode,
}

impl CliError {
    pub fn new(exit_code: ExitCode, message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            exit_code,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new(ExitCode::Usage, message)
    }

    pub fn failure(message: impl Into<String>) -> Self {
        CliError::new(ExitCode::Failure, message)
    }

    /// `context: ` followed by `error`'s whole cause chain.
    pub fn caused(exit_code: ExitCode, context: &str, error: &(dyn Error + 'static)) -> Self {
        CliError::new(exit_code, format!("{context}: {}", chain(error)))
    }
}

impl CliError {
    /// A validation error as the user typed it: each `` `ApiName` `` (also within a path such
    /// as `` `Urls[2]` `` or a group such as `` `Image or Url` ``) becomes the flag,
    /// `` `--image` ``. The library's error speaks API names; on the command line the flags are
    /// what was typed.
    pub fn in_flag_terms(mut self, action: &ActionEntry) -> Self {
        if self.exit_code != ExitCode::Validation {
            return self;
        }
        let mut parts = self.message.split('`');
        let mut out = parts.next().unwrap_or_default().to_owned();
        // Odd parts are inside backticks.
        for (i, part) in parts.enumerate() {
            out.push('`');
            if i % 2 == 0 {
                out.push_str(&flag_terms(part, action));
            } else {
                out.push_str(part);
            }
        }
        self.message = out;
        self
    }
}

/// `Image or Url` → `--image or --url`; `Urls[2]` → `--urls[2]`; other text unchanged.
fn flag_terms(quoted: &str, action: &ActionEntry) -> String {
    let as_flag = |name: &str| {
        let top = name.find(['.', '[']).map_or(name, |end| &name[..end]);
        match action.params.iter().find(|p| p.api_name == top) {
            Some(param) => format!("--{}{}", param.flag, &name[top.len()..]),
            None => name.to_owned(),
        }
    };
    quoted
        .split(" or ")
        .map(|group| {
            group
                .split(", ")
                .map(as_flag)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// An error and its sources on one line, `a: b: c`, skipping a source whose text the line
/// already holds (wrappers often repeat their source's message in their own).
pub fn chain(error: &(dyn Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut next = error.source();
    while let Some(source) = next {
        let text = source.to_string();
        if !text.is_empty() && !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        next = source.source();
    }
    line
}

impl<E: ServiceError> From<SdkError<E>> for CliError {
    fn from(e: SdkError<E>) -> Self {
        match &e {
            SdkError::Service(service) => {
                let meta = service.metadata();
                let mut message = format!("{}: {}", meta.code, meta.message);
                if let Some(id) = &meta.request_id {
                    message.push_str(&format!(" (RequestId: {id})"));
                }
                // Which key pair to check, and where it is set (never a secret).
                if let Some(signed_by) = &meta.signed_by {
                    message.push_str(&format!("; {signed_by}"));
                }
                CliError::new(ExitCode::Failure, message)
            }
            SdkError::InvalidRequest(_) => CliError::new(ExitCode::Validation, chain(&e)),
            SdkError::Timeout(_) | SdkError::Transport(_) => {
                CliError::new(ExitCode::Transport, chain(&e))
            }
            SdkError::Credentials(_) | SdkError::Response(_) => {
                CliError::new(ExitCode::Failure, chain(&e))
            }
            // SdkError is non-exhaustive: a new kind is reported whole.
            #[allow(unreachable_patterns)]
            _ => CliError::new(ExitCode::Failure, chain(&e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl Error for Layer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn validation_errors_name_the_flags() {
        let action = crate::cli::table::find("DetectFace").unwrap();
        let err = CliError::new(
            ExitCode::Validation,
            "invalid request parameter `Image or Url`: give `Image` or `Url`; none is set",
        );
        assert_eq!(
            err.in_flag_terms(action).message,
            "invalid request parameter `--image or --url`: give `--image` or `--url`; none is set"
        );
        let nested = CliError::new(ExitCode::Validation, "bad `Image.X` and `Other`");
        assert_eq!(
            nested.in_flag_terms(action).message,
            "bad `--image.X` and `Other`"
        );
        let service = CliError::new(ExitCode::Failure, "MissingParameter: `Image`");
        assert_eq!(service.clone().in_flag_terms(action), service);
    }

    #[test]
    fn the_chain_is_one_line_without_repeats() {
        let error = Layer(
            "cannot connect to 127.0.0.1:9",
            Some(Box::new(Layer(
                "cannot connect to 127.0.0.1:9",
                Some(Box::new(Layer("connection refused", None))),
            ))),
        );
        assert_eq!(
            chain(&error),
            "cannot connect to 127.0.0.1:9: connection refused"
        );
        let already = Layer(
            "cannot connect: connection refused",
            Some(Box::new(Layer("connection refused", None))),
        );
        assert_eq!(chain(&already), "cannot connect: connection refused");
    }
}
