//! HTTP on hyper: one task per connection, the API at `/`, the admin API under `/_emulator/`.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, DATE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::gateway::{self, Call, Outcome, Progress, Reply};
use crate::journal::{self, RecordedCall, REDACTED};
use crate::Shared;

/// Connection counts, and the connection-level fault: close the next few at once.
#[derive(Debug, Default)]
pub struct Connections {
    accepted: AtomicUsize,
    to_refuse: AtomicUsize,
    refused: AtomicUsize,
}

impl Connections {
    pub fn refuse_next(&self, n: usize) {
        self.to_refuse.store(n, Ordering::SeqCst);
    }

    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }

    pub fn to_refuse(&self) -> usize {
        self.to_refuse.load(Ordering::SeqCst)
    }

    /// Counts a new connection; whether to close it unread.
    fn admit(&self) -> bool {
        self.accepted.fetch_add(1, Ordering::SeqCst);
        let refuse = self
            .to_refuse
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if refuse {
            self.refused.fetch_add(1, Ordering::SeqCst);
        }
        !refuse
    }
}

/// Accepts connections until the task is aborted; with `tls`, each speaks HTTPS.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>, tls: Option<TlsAcceptor>) {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of file descriptors and the like: wait a little rather than spin.
            Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        if !shared.connections.admit() {
            drop(stream);
            continue;
        }
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve_connection(TokioIo::new(stream), shared).await,
                // A failed handshake is the client's problem; drop the connection.
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve_connection(TokioIo::new(stream), shared).await
                    }
                }
            }
        });
    }
}

async fn serve_connection<I>(io: I, shared: Arc<Shared>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req| {
        let shared = shared.clone();
        async move { respond(&shared, req).await }
    });
    // Errors here are the client's (reset, garbage) or an emulated dropped connection.
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, service)
        .await;
}

/// A TLS acceptor from PEM files: a certificate chain and its private key.
pub fn tls_acceptor(cert: &std::path::Path, key: &std::path::Path) -> Result<TlsAcceptor, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    use tokio_rustls::rustls;
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read certificates from {}: {e}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read a private key from {}: {e}", key.display()))?;
    // rustls 0.23.48 deprecates ring's provider (no post-quantum key exchange) while keeping
    // it; the allow keeps builds on either side of that release quiet.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("the certificate and key do not make a TLS identity: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Why a connection is closed on purpose (the emulated dropped connection).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an emulated fault")
    }
}

impl std::error::Error for Dropped {}

async fn respond(shared: &Shared, req: Request<Incoming>) -> Result<Response<ReplyBody>, Dropped> {
    let started = Instant::now();
    let path = req.uri().path().to_owned();
    if path == "/_emulator" {
        return Ok(crate::dashboard::redirect("/_emulator/"));
    }
    if let Some(admin_path) = path.strip_prefix("/_emulator/") {
        return Ok(crate::admin::handle(shared, req, admin_path).await);
    }
    if crate::metadata::is_metadata_path(&path) {
        let response = crate::metadata::handle(shared, req.method(), &path);
        let (parts, _) = req.into_parts();
        let entry = JournalEntry {
            shared,
            parts: &parts,
            body: Bytes::new(),
            progress: Progress::default(),
            error_code: None,
            started,
            status: response.status().as_u16(),
            response: Bytes::new(),
        };
        drop(entry);
        return Ok(response);
    }
    if path != "/" {
        return Ok(text(StatusCode::NOT_FOUND, "not found: the API is at /\n"));
    }
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, gateway::MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            let too_large = e
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some();
            if !too_large {
                return Err(Dropped); // the client went away mid-body
            }
            let id = shared.request_ids.next();
            let body = json!({"Response": {"Error": {"Code": "RequestSizeLimitExceeded",
                "Message": format!("The request body exceeds {} bytes.", gateway::MAX_BODY_BYTES)},
                "RequestId": id}});
            return Ok(json_response(body.to_string().into_bytes()));
        }
    };
    let call = Call {
        method: &parts.method,
        query: parts.uri.query().unwrap_or(""),
        headers: &parts.headers,
        body: body.clone(),
    };
    // Recorded when this function ends or is dropped (the client gave up), whichever first.
    let mut entry = JournalEntry {
        shared,
        parts: &parts,
        body,
        progress: Progress::default(),
        error_code: None,
        started,
        status: 0,
        response: Bytes::new(),
    };
    let Outcome { reply, error_code } = gateway::handle(shared, call, &mut entry.progress).await;
    entry.error_code = error_code;
    (entry.status, entry.response) = match &reply {
        Reply::Json(body) | Reply::Truncated(body) | Reply::SlowBody(body, _) => {
            (200, Bytes::copy_from_slice(body))
        }
        Reply::Status(status, message) => (*status, Bytes::from(message.clone())),
        Reply::Raw(raw) => (raw.status, Bytes::copy_from_slice(&raw.body)),
        Reply::Drop => (0, Bytes::new()),
    };
    drop(entry);
    let mut response = match reply {
        Reply::Json(body) => json_response(body),
        Reply::Status(status, message) => text(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &message,
        ),
        Reply::Drop => return Err(Dropped),
        Reply::Truncated(body) => {
            let full_len = body.len();
            let half = Bytes::from(body).slice(..full_len / 2);
            json_announcing(ReplyBody::Truncated(Some(half)), full_len)
        }
        Reply::SlowBody(body, delay) => {
            let len = body.len();
            let slow = ReplyBody::Slow {
                sleep: Box::pin(tokio::time::sleep(delay)),
                body: Some(Bytes::from(body)),
            };
            json_announcing(slow, len)
        }
        Reply::Raw(raw) => {
            let mut response = Response::new(ReplyBody::Full(Full::new(Bytes::from(raw.body))));
            *response.status_mut() =
                StatusCode::from_u16(raw.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if let Ok(content_type) = HeaderValue::from_str(&raw.content_type) {
                response.headers_mut().insert(CONTENT_TYPE, content_type);
            }
            response
        }
    };
    // hyper sets `Date` from the system clock; a skewed emulator says its own time.
    if shared.clock.skew_secs() != 0 {
        let date = httpdate::fmt_http_date(shared.clock.now());
        if let Ok(date) = HeaderValue::from_str(&date) {
            response.headers_mut().insert(DATE, date);
        }
    }
    Ok(response)
}

/// A call in the journal-to-be; recorded on drop. Also counted for the load chart, and its
/// images kept for the dashboard.
struct JournalEntry<'a> {
    shared: &'a Shared,
    parts: &'a hyper::http::request::Parts,
    body: Bytes,
    progress: Progress,
    error_code: Option<String>,
    started: Instant,
    /// 0 until there is an answer (a client that gives up first gets none).
    status: u16,
    response: Bytes,
}

impl Drop for JournalEntry<'_> {
    fn drop(&mut self) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let ok = self.error_code.is_none() && self.status == 200;
        self.shared
            .load
            .count(now.as_secs(), self.progress.action.as_deref(), !ok);
        if self.progress.authenticated {
            if let Some(action) = &self.progress.action {
                keep_images(self.shared, action, self.parts, &self.body);
            }
        }
        if !self.shared.journal.enabled() {
            return;
        }
        let parts = self.parts;
        let (signing, secret_id) = signer(parts, &self.body);
        let request_id = request_id_in(&self.response);
        let action = self.progress.action.take();
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                // Tokens the emulator issued are secrets; configured test tokens are not.
                if name == "x-tc-token" && self.shared.issued.is_issued_token(value.trim()) {
                    return (name.to_string(), REDACTED.to_owned());
                }
                (name.to_string(), value)
            })
            .collect();
        let mut query = parts.uri.query().unwrap_or("").to_owned();
        let mut body = std::mem::take(&mut self.body);
        if action.as_deref() == Some("AssumeRoleWithWebIdentity") {
            query = journal::redact_query_field(&query, "WebIdentityToken");
            body = journal::redact_json_field(body, "WebIdentityToken");
        }
        let call = RecordedCall {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            action,
            headers,
            query,
            body,
            authenticated: self.progress.authenticated,
            error_code: self.error_code.take(),
        };
        self.shared.journal.record_entry(journal::Entry {
            seq: 0,
            at_ms: u64::try_from(now.as_millis()).unwrap_or(u64::MAX),
            latency_us: u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX),
            request_id,
            signing,
            secret_id,
            status: self.status,
            response: std::mem::take(&mut self.response),
            call,
        });
    }
}

/// The `RequestId` of an answer, found without parsing it: it comes last in the envelope.
fn request_id_in(body: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"\"RequestId\"";
    let at = body.windows(KEY.len()).rposition(|w| w == KEY)?;
    let value = body[at + KEY.len()..]
        .trim_ascii_start()
        .strip_prefix(b":")?
        .trim_ascii_start()
        .strip_prefix(b"\"")?;
    let end = value.iter().position(|&b| b == b'"')?;
    std::str::from_utf8(&value[..end]).ok().map(str::to_owned)
}

/// How a call was signed and the SecretId it named: from `Authorization` (TC3), or from the
/// common parameters of the older `HmacSHA256` method.
fn signer(parts: &hyper::http::request::Parts, body: &[u8]) -> (&'static str, Option<String>) {
    if let Some(authorization) = parts.headers.get("authorization") {
        let parsed = authorization
            .to_str()
            .ok()
            .and_then(crate::tc3::parse_authorization);
        return match parsed {
            Some(auth) => ("TC3-HMAC-SHA256", Some(auth.secret_id)),
            None => ("unreadable Authorization", None),
        };
    }
    let form = match parts.uri.query() {
        Some(query) if parts.method == hyper::Method::GET => query.as_bytes(),
        _ => body,
    };
    form_urlencoded::parse(form)
        .find(|(k, _)| k == "SecretId")
        .map_or(("none", None), |(_, id)| {
            ("HmacSHA256", Some(id.into_owned()))
        })
}

/// Keeps the images of an admitted call for the dashboard.
fn keep_images(shared: &Shared, action: &str, parts: &hyper::http::request::Parts, body: &[u8]) {
    if !crate::images::takes_images(action) {
        return; // no need to read the parameters again
    }
    let params = match parts.method {
        hyper::Method::GET => crate::query::to_json(parts.uri.query().unwrap_or("")),
        _ => match serde_json::from_slice(body) {
            Ok(serde_json::Value::Object(map)) => map,
            // The older signature's form body.
            _ => crate::query::to_json(&String::from_utf8_lossy(body)),
        },
    };
    for (_, text) in crate::images::image_params(action, &params) {
        shared.images.keep_base64(text);
    }
}

/// A JSON answer whose body is sent in its own way, announcing `len` bytes.
fn json_announcing(body: ReplyBody, len: usize) -> Response<ReplyBody> {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    response
}

pub fn json_response(body: Vec<u8>) -> Response<ReplyBody> {
    let mut response = Response::new(ReplyBody::Full(Full::new(Bytes::from(body))));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

pub fn text(status: StatusCode, message: &str) -> Response<ReplyBody> {
    let mut response = Response::new(ReplyBody::Full(Full::new(Bytes::from(message.to_owned()))));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    response
}

/// Turns a new journal entry into an event, or `None` when the page does not want it.
pub type RenderEvent = Box<dyn Fn(&journal::Entry) -> Option<Bytes> + Send + Sync>;

/// A whole body; the first part of one followed by an error (which makes hyper close the
/// connection short of the announced length); or a whole body sent after a delay.
pub enum ReplyBody {
    Full(Full<Bytes>),
    /// Server-sent events: one frame per new journal entry the page wants, and a comment
    /// now and then so a page that went away is noticed.
    Events {
        live: tokio::sync::mpsc::Receiver<Arc<journal::Entry>>,
        render: RenderEvent,
        heartbeat: Pin<Box<tokio::time::Interval>>,
    },
    Truncated(Option<Bytes>),
    Slow {
        sleep: Pin<Box<tokio::time::Sleep>>,
        body: Option<Bytes>,
    },
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.get_mut() {
            ReplyBody::Full(full) => Pin::new(full)
                .poll_frame(cx)
                .map_err(|never: Infallible| match never {}),
            ReplyBody::Events {
                live,
                render,
                heartbeat,
            } => loop {
                match live.poll_recv(cx) {
                    Poll::Ready(Some(entry)) => {
                        if let Some(event) = render(&entry) {
                            return Poll::Ready(Some(Ok(Frame::data(event))));
                        }
                    }
                    Poll::Ready(None) => return Poll::Ready(None),
                    Poll::Pending => {
                        return match heartbeat.as_mut().poll_tick(cx) {
                            Poll::Ready(_) => {
                                Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b": -\n\n")))))
                            }
                            Poll::Pending => Poll::Pending,
                        }
                    }
                }
            },
            ReplyBody::Truncated(first) => match first.take() {
                Some(bytes) => Poll::Ready(Some(Ok(Frame::data(bytes)))),
                None => Poll::Ready(Some(Err(Box::new(Dropped)))),
            },
            ReplyBody::Slow { sleep, body } => {
                if body.is_none() {
                    return Poll::Ready(None);
                }
                match sleep.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => Poll::Ready(body.take().map(|b| Ok(Frame::data(b)))),
                }
            }
        }
    }

    /// An exact size for whole bodies, so hyper sends `Content-Length`, not chunks.
    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            ReplyBody::Full(full) => full.size_hint(),
            ReplyBody::Truncated(_) | ReplyBody::Events { .. } => hyper::body::SizeHint::default(),
            ReplyBody::Slow { body, .. } => {
                hyper::body::SizeHint::with_exact(body.as_ref().map_or(0, |b| b.len() as u64))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ReplyBody::Full(full) => full.is_end_stream(),
            ReplyBody::Truncated(_) | ReplyBody::Events { .. } => false,
            ReplyBody::Slow { body, .. } => body.is_none(),
        }
    }
}

/// For admin routes: whether a request looks like a signed API call, which never reaches them.
pub fn is_signed_call<B>(req: &Request<B>) -> bool {
    req.headers().contains_key("authorization") || req.headers().contains_key("x-tc-action")
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_ids_are_found_in_envelopes() {
        let body = br#"{"Response":{"GroupNum":0,"RequestId":"abc-1"}}"#;
        assert_eq!(super::request_id_in(body).as_deref(), Some("abc-1"));
        let spaced = b"{\"Response\": {\"RequestId\" : \"x\"}}";
        assert_eq!(super::request_id_in(spaced).as_deref(), Some("x"));
        assert_eq!(super::request_id_in(b"emulated fault: HTTP 502"), None);
    }
}
