//! The HTTP seam: the client hands a fully signed request to an `HttpTransport` and gets bytes
//! back. The default is reqwest with rustls; tests and users can plug in their own.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;

pub use super::credentials::BoxFuture;
use super::error::TransportError;
use super::header_value::HeaderValue;

/// A signed request, ready to go on the wire.
///
/// The URL and the headers that are the same on every call a client makes (content type,
/// host, version, region, language, request client) are built once per client and shared;
/// a call adds only its own: action, timestamp, token and authorization.
#[derive(Clone)]
pub struct HttpRequest {
    shared: Arc<SharedParts>,
    headers: Vec<(&'static str, HeaderValue)>,
    body: Bytes,
}

/// What every request to one endpoint from one client has in common.
#[derive(Debug)]
pub(crate) struct SharedParts {
    pub(crate) url: String,
    pub(crate) headers: Vec<(&'static str, HeaderValue)>,
}

impl HttpRequest {
    /// A request to `url` with `headers` and `body`, e.g. to test an [`HttpTransport`].
    pub fn new(url: impl Into<String>, headers: Vec<(&'static str, String)>, body: Bytes) -> Self {
        HttpRequest {
            shared: Arc::new(SharedParts {
                url: url.into(),
                headers: Vec::new(),
            }),
            headers: headers
                .into_iter()
                .map(|(name, value)| (name, HeaderValue::from(value)))
                .collect(),
            body,
        }
    }

    pub(crate) fn from_parts(
        shared: Arc<SharedParts>,
        headers: Vec<(&'static str, HeaderValue)>,
        body: Bytes,
    ) -> Self {
        HttpRequest {
            shared,
            headers,
            body,
        }
    }

    /// Absolute URL, e.g. `https://iai.intl.tencentcloudapi.com/`.
    pub fn url(&self) -> &str {
        &self.shared.url
    }

    /// Every header, the shared ones first.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.header_values()
            .map(|(name, value)| (name, value.as_str()))
    }

    /// A header's value by (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }

    /// The exact bytes the signature covers.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    pub fn into_body(self) -> Bytes {
        self.body
    }

    fn header_values(&self) -> impl Iterator<Item = (&'static str, &HeaderValue)> + '_ {
        self.shared
            .headers
            .iter()
            .chain(&self.headers)
            .map(|(name, value)| (*name, value))
    }
}

impl fmt::Debug for HttpRequest {
    // The Authorization header and session token stay out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers()
            .map(|(name, value)| match name {
                "Authorization" | "X-TC-Token" => (name, "** redacted **"),
                _ => (name, value),
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("url", &self.url())
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// What came back.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl HttpResponse {
    /// A header's value by (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP request. Implementations should reuse connections across calls.
pub trait HttpTransport: Send + Sync + fmt::Debug {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

#[cfg(feature = "reqwest-transport")]
pub use reqwest_impl::ReqwestTransport;

#[cfg(feature = "reqwest-transport")]
mod reqwest_impl {
    use super::*;
    use std::time::Duration;

    /// The default transport: reqwest over rustls with a connection pool.
    #[derive(Debug, Clone)]
    pub struct ReqwestTransport {
        client: reqwest::Client,
        max_body_bytes: usize,
    }

    impl ReqwestTransport {
        /// `connect_timeout` bounds TCP + TLS set-up; bodies over `max_body_bytes` are refused.
        pub fn new(
            connect_timeout: Duration,
            max_body_bytes: usize,
        ) -> Result<Self, TransportError> {
            let client = reqwest::Client::builder()
                .connect_timeout(connect_timeout)
                .build()
                .map_err(|e| {
                    TransportError::not_sent("cannot build the HTTP client").with_source(e)
                })?;
            Ok(ReqwestTransport {
                client,
                max_body_bytes,
            })
        }

        async fn send_inner(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            let mut builder = self.client.post(request.url());
            for (name, value) in request.header_values() {
                let value = match value.as_static() {
                    // `from_static` panics on what `try_from` refuses, so check first.
                    Some(text)
                        if text
                            .bytes()
                            .all(|b| b == b'\t' || (0x20..0x7f).contains(&b)) =>
                    {
                        reqwest::header::HeaderValue::from_static(text)
                    }
                    _ => reqwest::header::HeaderValue::try_from(value.as_str()).map_err(|e| {
                        TransportError::not_sent("invalid header value").with_source(e)
                    })?,
                };
                builder = builder.header(name, value);
            }
            builder = builder.body(request.into_body());
            let mut response = builder.send().await.map_err(send_failure)?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let too_large = || {
                TransportError::maybe_sent(format!(
                    "response body larger than the {} byte limit",
                    self.max_body_bytes
                ))
            };
            if response
                .content_length()
                .is_some_and(|len| len > self.max_body_bytes as u64)
            {
                return Err(too_large());
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| {
                TransportError::maybe_sent("reading the response body failed").with_source(e)
            })? {
                if body.len() + chunk.len() > self.max_body_bytes {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(HttpResponse {
                status,
                headers,
                body: Bytes::from(body),
            })
        }
    }

    /// A failed send, named by what failed and where. A connect error (TLS included) or a
    /// request reqwest could not build means nothing reached the server; anything later might have.
    fn send_failure(e: reqwest::Error) -> TransportError {
        let url = e.url();
        let host = url
            .map(|u| {
                let host = u.host_str().unwrap_or_default();
                match u.port_or_known_default() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                }
            })
            .unwrap_or_default();
        let https = url.is_some_and(|u| u.scheme() == "https");
        let err = if e.is_builder() {
            TransportError::not_sent(format!("cannot build a request to {host}"))
        } else if e.is_connect() && https && is_tls_failure(&e) {
            let err = TransportError::not_sent(format!("TLS handshake with {host} failed"));
            // What rustls says when the server answers in plain HTTP.
            if super::super::error::root_cause(&e)
                .to_string()
                .contains("InvalidContentType")
            {
                err.with_hint("is the endpoint http? (then write http:// in its URL)")
            } else {
                err
            }
        } else if e.is_connect() {
            TransportError::not_sent(format!("cannot connect to {host}"))
        } else if e.is_timeout() {
            TransportError::maybe_sent(format!("request to {host} timed out"))
        } else {
            TransportError::maybe_sent(format!("request to {host} failed"))
        };
        err.with_source(e)
    }

    /// rustls reports handshake failures as an `io::ErrorKind::InvalidData` error wrapping its
    /// own; network failures (refused, unreachable) are operating-system errors.
    fn is_tls_failure(e: &reqwest::Error) -> bool {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(error) = cause {
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData)
            {
                return true;
            }
            cause = super::super::error::cause_of(error);
        }
        false
    }

    impl HttpTransport for ReqwestTransport {
        fn send(
            &self,
            request: HttpRequest,
        ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
            Box::pin(self.send_inner(request))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_built_by_hand_reads_back_and_hides_its_secrets() {
        let request = HttpRequest::new(
            "http://127.0.0.1:9/",
            vec![
                ("X-TC-Action", "GetGroupInfo".to_owned()),
                ("Authorization", "TC3-HMAC-SHA256 Signature=abc".to_owned()),
                ("X-TC-Token", "session-secret".to_owned()),
            ],
            Bytes::from_static(b"{}"),
        );
        assert_eq!(request.url(), "http://127.0.0.1:9/");
        assert_eq!(request.header("x-tc-action"), Some("GetGroupInfo"));
        assert_eq!(request.header("Host"), None);
        assert_eq!(request.headers().count(), 3);
        assert_eq!(request.body().as_ref(), b"{}");
        let shown = format!("{request:?}");
        assert!(shown.contains("GetGroupInfo"), "{shown}");
        assert!(
            !shown.contains("abc") && !shown.contains("session-secret"),
            "{shown}"
        );
        assert_eq!(request.into_body(), Bytes::from_static(b"{}"));
    }
}
