//! The HTTP seam: the client hands a fully signed request to an `HttpTransport` and gets bytes
//! back. The default is reqwest with rustls; hyper's client used directly is the leaner choice
//! (feature `hyper-transport`); tests and users can plug in their own.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;

pub use super::credentials::BoxFuture;
use super::error::TransportError;
use super::header_value::HeaderValue;

/// The HTTP method: API 3.0 calls are POSTs; the CVM metadata server is read with GETs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    Post,
    Get,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Get => "GET",
        }
    }
}

/// A signed request, ready to go on the wire.
///
/// The URL and the headers that are the same on every call a client makes (content type,
/// host, version, region, language, request client) are built once per client and shared;
/// a call adds only its own: action, timestamp, token and authorization.
#[derive(Clone)]
pub struct HttpRequest {
    method: Method,
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
            method: Method::Post,
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

    /// A GET of `url` without a body, such as a read from the CVM metadata server.
    pub fn get(url: impl Into<String>) -> Self {
        HttpRequest {
            method: Method::Get,
            ..HttpRequest::new(url, Vec::new(), Bytes::new())
        }
    }

    pub(crate) fn from_parts(
        shared: Arc<SharedParts>,
        headers: Vec<(&'static str, HeaderValue)>,
        body: Bytes,
    ) -> Self {
        HttpRequest {
            method: Method::Post,
            shared,
            headers,
            body,
        }
    }

    /// POST for API calls.
    pub fn method(&self) -> Method {
        self.method
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
            .field("method", &self.method)
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
    /// Header names in lower case. The built-in transports keep only the header the client
    /// reads, `date`, to correct its clock when the service says a signature has expired, and
    /// only from a response that may be such an error (a status other than 2xx, or a body that
    /// may hold an `Error` key).
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

/// What the config builder sets on a built-in transport.
#[cfg_attr(
    not(any(feature = "reqwest-transport", feature = "hyper-transport")),
    allow(dead_code)
)]
pub(crate) struct TransportSettings {
    /// Bounds TCP + TLS set-up.
    pub(crate) connect_timeout: std::time::Duration,
    /// Larger response bodies are refused.
    pub(crate) max_body_bytes: usize,
    /// PEM texts of certificates trusted beside the built-in webpki roots.
    pub(crate) extra_roots_pem: Vec<Vec<u8>>,
    /// Never through a proxy, whatever the environment says: for the CVM metadata server,
    /// which only answers on the instance's own link, and for the credential providers' calls.
    pub(crate) direct: bool,
}

#[cfg_attr(
    not(any(feature = "reqwest-transport", feature = "hyper-transport")),
    allow(dead_code)
)]
impl TransportSettings {
    /// Only webpki's roots trusted.
    pub(crate) fn new(connect_timeout: std::time::Duration, max_body_bytes: usize) -> Self {
        TransportSettings {
            connect_timeout,
            max_body_bytes,
            extra_roots_pem: Vec::new(),
            direct: false,
        }
    }
}

/// The built-in transport for credential providers (metadata server, STS): connections never
/// go through a proxy, and a connection attempt gives up after `connect_timeout`.
#[cfg(any(feature = "reqwest-transport", feature = "hyper-transport"))]
pub(crate) fn direct_transport(
    connect_timeout: std::time::Duration,
) -> Result<Arc<dyn HttpTransport>, TransportError> {
    // Credential answers are small; anything bigger is not one.
    let mut settings = TransportSettings::new(connect_timeout, 1024 * 1024);
    settings.direct = true;
    #[cfg(feature = "reqwest-transport")]
    {
        Ok(Arc::new(ReqwestTransport::with_settings(&settings)?))
    }
    #[cfg(not(feature = "reqwest-transport"))]
    {
        Ok(Arc::new(HyperTransport::with_settings(&settings)?))
    }
}

/// Without a built-in transport, providers need one given to them.
#[cfg(not(any(feature = "reqwest-transport", feature = "hyper-transport")))]
pub(crate) fn direct_transport(
    _connect_timeout: std::time::Duration,
) -> Result<Arc<dyn HttpTransport>, TransportError> {
    Err(TransportError::not_sent(
        "no built-in HTTP transport (features `reqwest-transport`, `hyper-transport`): \
         give the credentials provider one with `.transport(...)`",
    ))
}

/// Sends one HTTP request. Implementations should reuse connections across calls.
pub trait HttpTransport: Send + Sync + fmt::Debug {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

#[cfg(any(feature = "reqwest-transport", feature = "hyper-transport"))]
mod http_types;
#[cfg(feature = "hyper-transport")]
mod hyper_impl;
#[cfg(feature = "reqwest-transport")]
mod reqwest_impl;

#[cfg(feature = "hyper-transport")]
pub use hyper_impl::HyperTransport;
#[cfg(feature = "reqwest-transport")]
pub use reqwest_impl::ReqwestTransport;

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
