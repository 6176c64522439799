//! Just enough HTTP/1.1 for an API endpoint: reading requests (Content-Length or chunked bodies,
//! keep-alive, pipelining) and writing response heads. Anything unexpected is reported, not panicked on.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Request heads larger than this are refused; real clients send well under 8 KiB.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Face images travel base64-encoded in the body, so allow generously more than the API's 5 MB limit.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// Chunk-size and trailer lines longer than this are garbage.
const MAX_LINE_BYTES: usize = 8 * 1024;
/// How long a connection may sit without sending a byte before the server drops it.
const IDLE_LIMIT: Duration = Duration::from_secs(120);
/// How often a blocked read wakes to notice the server is stopping.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// A fully read request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    pub target: String,
    pub version: String,
    /// Names as sent, values trimmed, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// First header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// Whether the client is willing to send another request on this connection.
    pub fn keep_alive(&self) -> bool {
        let has_token = |token: &str| {
            self.headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
                .flat_map(|(_, v)| v.split(','))
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        if has_token("close") {
            return false;
        }
        self.version != "HTTP/1.0" || has_token("keep-alive")
    }

    /// The request target split into path and query (query without the `?`).
    pub fn path_and_query(&self) -> (&str, &str) {
        self.target.split_once('?').unwrap_or((&self.target, ""))
    }
}

/// Case-insensitive header lookup shared by live and recorded requests.
pub(crate) fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why no request could be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed, went idle too long, or the server is stopping: just drop the connection.
    Closed,
    /// Not HTTP we understand: answer 400 and close.
    Malformed(String),
    /// Head or body over the limits: answer 413 (431 for heads) and close.
    TooLarge(u16),
}

/// The read side of one client connection, buffering bytes that belong to the next request.
pub(crate) struct Connection<'a> {
    stream: TcpStream,
    buffer: Vec<u8>,
    stopping: &'a AtomicBool,
}

impl<'a> Connection<'a> {
    /// `stream` must already have a read timeout of about [`POLL_INTERVAL`].
    pub(crate) fn new(stream: TcpStream, stopping: &'a AtomicBool) -> Connection<'a> {
        Connection {
            stream,
            buffer: Vec::new(),
            stopping,
        }
    }

    pub(crate) fn stream(&mut self) -> &mut TcpStream {
        &mut self.stream
    }

    pub(crate) fn read_request(&mut self) -> Result<Request, ReadError> {
        let head = self.read_head()?;
        let mut request = parse_head(&head)?;

        let expects_continue = request
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
        if expects_continue && self.buffer.is_empty() {
            // The client waits for this before sending the body.
            let _ = self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }

        request.body = if let Some(coding) = request.header("transfer-encoding") {
            if !coding
                .rsplit(',')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("chunked")
            {
                return Err(ReadError::Malformed(format!(
                    "unsupported Transfer-Encoding `{coding}`"
                )));
            }
            self.read_chunked_body()?
        } else {
            let length = content_length(&request.headers)?;
            if length > MAX_BODY_BYTES {
                return Err(ReadError::TooLarge(413));
            }
            self.take_exact(length)?
        };
        Ok(request)
    }

    /// Bytes up to and excluding the blank line that ends the head.
    fn read_head(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut searched: usize = 0;
        loop {
            // Robust servers ignore empty lines before a request line (RFC 9112 §2.2).
            while self.buffer.starts_with(b"\r\n") {
                self.buffer.drain(..2);
            }
            // Resume the search just before the old end, in case CRLFCRLF straddles two reads.
            let resume = searched.saturating_sub(3).min(self.buffer.len());
            if let Some(end) = find(&self.buffer[resume..], b"\r\n\r\n") {
                let end = end + resume;
                let head = self.buffer[..end].to_vec();
                self.buffer.drain(..end + 4);
                return Ok(head);
            }
            searched = self.buffer.len();
            if searched > MAX_HEAD_BYTES {
                return Err(ReadError::TooLarge(431));
            }
            self.fill()?;
        }
    }

    fn read_chunked_body(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut body = Vec::new();
        loop {
            let line = self.take_line()?;
            let size_text = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| ReadError::Malformed(format!("bad chunk size `{size_text}`")))?;
            if size == 0 {
                // Trailer fields, then the final blank line.
                while !self.take_line()?.is_empty() {}
                return Ok(body);
            }
            if body.len().saturating_add(size) > MAX_BODY_BYTES {
                return Err(ReadError::TooLarge(413));
            }
            body.extend(self.take_exact(size)?);
            if self.take_exact(2)? != b"\r\n" {
                return Err(ReadError::Malformed("chunk not followed by CRLF".into()));
            }
        }
    }

    /// One CRLF-terminated line (without the CRLF) as text.
    fn take_line(&mut self) -> Result<String, ReadError> {
        loop {
            if let Some(end) = find(&self.buffer, b"\r\n") {
                let line = String::from_utf8(self.buffer[..end].to_vec())
                    .map_err(|_| ReadError::Malformed("line is not UTF-8".into()))?;
                self.buffer.drain(..end + 2);
                return Ok(line);
            }
            if self.buffer.len() > MAX_LINE_BYTES {
                return Err(ReadError::Malformed("line too long".into()));
            }
            self.fill()?;
        }
    }

    fn take_exact(&mut self, len: usize) -> Result<Vec<u8>, ReadError> {
        while self.buffer.len() < len {
            self.fill()?;
        }
        Ok(self.buffer.drain(..len).collect())
    }

    /// Appends at least one byte to the buffer, or reports why that will never happen.
    fn fill(&mut self) -> Result<(), ReadError> {
        let idle_since = Instant::now();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if self.stopping.load(Ordering::SeqCst) {
                return Err(ReadError::Closed);
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(ReadError::Closed),
                Ok(n) => {
                    self.buffer.extend_from_slice(&chunk[..n]);
                    return Ok(());
                }
                Err(e) if is_timeout(&e) => {
                    if idle_since.elapsed() > IDLE_LIMIT {
                        return Err(ReadError::Closed);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Err(ReadError::Closed),
            }
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_head(head: &[u8]) -> Result<Request, ReadError> {
    let text =
        std::str::from_utf8(head).map_err(|_| ReadError::Malformed("head is not UTF-8".into()))?;
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed(format!(
            "bad request line `{}`",
            request_line.escape_debug()
        )));
    };
    let token_ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic());
    if !token_ok(method) || !token_ok(target) || !version.starts_with("HTTP/1.") {
        return Err(ReadError::Malformed(format!(
            "bad request line `{}`",
            request_line.escape_debug()
        )));
    }

    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Malformed(format!(
                "bad header line `{}`",
                line.escape_debug()
            )));
        };
        // A name with whitespace (including obsolete line folding) is a framing hazard: reject it.
        if !token_ok(name) {
            return Err(ReadError::Malformed(format!(
                "bad header name `{}`",
                name.escape_debug()
            )));
        }
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    Ok(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        version: version.to_owned(),
        headers,
        body: Vec::new(),
    })
}

/// The declared body length; disagreeing duplicates are a smuggling hazard, so they are malformed.
fn content_length(headers: &[(String, String)]) -> Result<usize, ReadError> {
    let mut length = None;
    for (_, value) in headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        let parsed: usize = value
            .parse()
            .map_err(|_| ReadError::Malformed(format!("bad Content-Length `{value}`")))?;
        if length.is_some_and(|l| l != parsed) {
            return Err(ReadError::Malformed(
                "conflicting Content-Length headers".into(),
            ));
        }
        length = Some(parsed);
    }
    Ok(length.unwrap_or(0))
}

/// Writes a status line, `Date`, the given headers and the blank line.
pub(crate) fn write_head(
    stream: &mut TcpStream,
    status: u16,
    date: &str,
    headers: &[(&str, String)],
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nDate: {date}\r\nServer: mock-iai\r\n",
        reason(status)
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
