//! What a test can script the server to do ([`Reply`]), and the resolved wire behaviour
//! ([`Plan`]) the connection loop carries out once the gateway checks have run.

use std::io::{self, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::clock::{http_date, Clock};
use super::http::{write_head, POLL_INTERVAL};

/// A scripted response to one request. See [`super::TestServer::script`].
///
/// `Json`, `Error` and `SlowBody` are "API replies": the server first runs the same checks the
/// real gateway does (signature, expiry, token, version, JSON body) and answers with that error
/// instead if one fails. The other variants model transport faults and skip those checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Checks the signature first; if it fails, replies with the auth error instead.
    Json { status: u16, body: String },
    /// Signature-checked; then replies with HTTP 200 and the envelope
    /// `{"Response":{"Error":{"Code":code,"Message":message},"RequestId":...}}`.
    Error { code: String, message: String },
    /// Raw bytes written as-is after reading the request (for non-JSON bodies, wrong Content-Type, garbage).
    Raw {
        status: u16,
        content_type: String,
        body: Vec<u8>,
    },
    /// Sends headers with a Content-Length larger than the bytes it writes, then closes (truncated body).
    /// If `body` is not shorter than `declared_len`, only its first `declared_len - 1` bytes are sent.
    Truncated { declared_len: usize, body: Vec<u8> },
    /// Waits before sending the status line (slow headers), then sends `then`.
    DelayHeaders { delay: Duration, then: Box<Reply> },
    /// Sends headers at once, then dribbles the body slowly over `delay`.
    SlowBody { delay: Duration, body: String },
    /// Closes the connection without replying, after reading the request.
    CloseAfterRequest,
    /// When scripted for an action it can only act like [`Reply::CloseAfterRequest`], because the
    /// action is known only once the request has been read. To close connections before reading
    /// anything, use [`super::TestServer::refuse_next_connections`].
    CloseBeforeRequest,
}

impl Reply {
    /// A signature-checked HTTP 200 JSON reply.
    pub fn json(body: &str) -> Reply {
        Reply::Json {
            status: 200,
            body: body.to_owned(),
        }
    }

    /// A signature-checked API error envelope.
    pub fn error(code: &str, message: &str) -> Reply {
        Reply::Error {
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }
}

/// What to put on the wire for one request, after all decisions are made.
#[derive(Debug)]
pub(crate) enum Plan {
    Respond {
        status: u16,
        content_type: String,
        body: Vec<u8>,
    },
    Truncated {
        declared_len: usize,
        body: Vec<u8>,
    },
    SlowBody {
        delay: Duration,
        body: Vec<u8>,
    },
    DelayHeaders {
        delay: Duration,
        then: Box<Plan>,
    },
    Close,
}

/// Everything a plan needs besides the socket.
pub(crate) struct WireContext<'a> {
    pub keep_alive: bool,
    pub clock: &'a Clock,
    pub stopping: &'a AtomicBool,
}

impl WireContext<'_> {
    fn date(&self) -> String {
        http_date(self.clock.now())
    }

    fn connection_header(&self) -> (&'static str, String) {
        let value = if self.keep_alive {
            "keep-alive"
        } else {
            "close"
        };
        ("Connection", value.to_owned())
    }
}

impl Plan {
    pub(crate) fn json(status: u16, body: impl Into<Vec<u8>>) -> Plan {
        Plan::Respond {
            status,
            content_type: "application/json".to_owned(),
            body: body.into(),
        }
    }

    /// Carries the plan out. `Ok(true)` means the connection may serve another request.
    pub(crate) fn execute(self, stream: &mut TcpStream, wire: &WireContext) -> io::Result<bool> {
        match self {
            Plan::Respond {
                status,
                content_type,
                body,
            } => {
                let headers = [
                    ("Content-Type", content_type),
                    ("Content-Length", body.len().to_string()),
                    wire.connection_header(),
                ];
                write_head(stream, status, &wire.date(), &headers)?;
                stream.write_all(&body)?;
                stream.flush()?;
                Ok(wire.keep_alive)
            }
            Plan::Truncated {
                declared_len,
                mut body,
            } => {
                body.truncate(declared_len.saturating_sub(1));
                let headers = [
                    ("Content-Type", "application/json".to_owned()),
                    ("Content-Length", declared_len.to_string()),
                ];
                write_head(stream, 200, &wire.date(), &headers)?;
                stream.write_all(&body)?;
                stream.flush()?;
                // Half-close so the client sees EOF right after the short body.
                let _ = stream.shutdown(Shutdown::Write);
                Ok(false)
            }
            Plan::SlowBody { delay, body } => {
                let headers = [
                    ("Content-Type", "application/json".to_owned()),
                    ("Content-Length", body.len().to_string()),
                    wire.connection_header(),
                ];
                write_head(stream, 200, &wire.date(), &headers)?;
                stream.flush()?;
                let pieces = body.len().clamp(1, 10);
                let interval = delay / pieces as u32;
                for piece in body.chunks(body.len().div_ceil(pieces).max(1)) {
                    if !pause(interval, wire.stopping) {
                        return Ok(false);
                    }
                    stream.write_all(piece)?;
                    stream.flush()?;
                }
                if body.is_empty() && !pause(delay, wire.stopping) {
                    return Ok(false);
                }
                Ok(wire.keep_alive)
            }
            Plan::DelayHeaders { delay, then } => {
                if !pause(delay, wire.stopping) {
                    return Ok(false);
                }
                then.execute(stream, wire)
            }
            Plan::Close => {
                let _ = stream.shutdown(Shutdown::Both);
                Ok(false)
            }
        }
    }
}

/// Sleeps for `delay` unless the server starts stopping; returns whether the full delay passed.
fn pause(delay: Duration, stopping: &AtomicBool) -> bool {
    let deadline = Instant::now() + delay;
    loop {
        if stopping.load(Ordering::SeqCst) {
            return false;
        }
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        thread::sleep((deadline - now).min(POLL_INTERVAL));
    }
}
