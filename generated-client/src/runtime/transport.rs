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
    /// Header names in lower case. [`ReqwestTransport`] keeps only the header the client
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

    use std::sync::{PoisonError, RwLock};

    use reqwest::header::{self, HeaderMap, HeaderName};

    use super::super::envelope;

    /// The default transport: reqwest over rustls with a connection pool.
    #[derive(Debug)]
    pub struct ReqwestTransport {
        client: reqwest::Client,
        max_body_bytes: usize,
        /// The shared parts of the last request sent, in reqwest's types: a client sends to
        /// one endpoint with the same shared headers every time, and parsing a URL (with IDNA
        /// host checks) costs about as much as signing the request.
        last_shared: RwLock<Option<Converted>>,
    }

    impl Clone for ReqwestTransport {
        fn clone(&self) -> Self {
            ReqwestTransport {
                client: self.client.clone(),
                max_body_bytes: self.max_body_bytes,
                last_shared: RwLock::new(None),
            }
        }
    }

    /// [`SharedParts`] as reqwest takes them: the URL parsed, the headers' names and values
    /// checked and converted once.
    struct Converted {
        parts: Arc<SharedParts>,
        url: reqwest::Url,
        headers: Vec<(HeaderName, header::HeaderValue)>,
    }

    impl fmt::Debug for Converted {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Converted")
                .field("url", &self.parts.url)
                .finish_non_exhaustive()
        }
    }

    impl Converted {
        fn new(parts: Arc<SharedParts>) -> Result<Self, TransportError> {
            let url = reqwest::Url::parse(&parts.url).map_err(|e| {
                TransportError::not_sent(format!("invalid URL {}", parts.url)).with_source(e)
            })?;
            let headers = parts
                .headers
                .iter()
                .map(|(name, value)| Ok((header_name(name)?, header_value(value.clone())?)))
                .collect::<Result<_, TransportError>>()?;
            Ok(Converted {
                parts,
                url,
                headers,
            })
        }

        /// Whether these are `parts`: the same ones, or equal ones (as every request built
        /// with [`HttpRequest::new`] to one URL has).
        fn converts(&self, parts: &Arc<SharedParts>) -> bool {
            Arc::ptr_eq(&self.parts, parts)
                || (self.parts.url == parts.url
                    && self.parts.headers.len() == parts.headers.len()
                    && self.parts.headers.iter().zip(&parts.headers).all(
                        |((name, value), (other_name, other_value))| {
                            name == other_name && value.as_str() == other_value.as_str()
                        },
                    ))
        }

        /// A POST with the shared headers, with room for `more` headers.
        fn request(&self, more: usize) -> reqwest::Request {
            let mut request = reqwest::Request::new(reqwest::Method::POST, self.url.clone());
            let headers: &mut HeaderMap = request.headers_mut();
            // One more for the `Accept` reqwest adds.
            headers.reserve(self.headers.len() + more + 1);
            for (name, value) in &self.headers {
                headers.append(name.clone(), value.clone());
            }
            request
        }
    }

    /// reqwest's names for the ones the client sends, the per-call ones first. A `static`: a
    /// `const` array would be built and dropped at every lookup.
    static KNOWN_NAMES: [(&str, HeaderName); 10] = [
        ("X-TC-Action", HeaderName::from_static("x-tc-action")),
        ("X-TC-Timestamp", HeaderName::from_static("x-tc-timestamp")),
        ("Authorization", header::AUTHORIZATION),
        ("X-TC-Token", HeaderName::from_static("x-tc-token")),
        ("Content-Type", header::CONTENT_TYPE),
        ("Host", header::HOST),
        ("X-TC-Version", HeaderName::from_static("x-tc-version")),
        ("X-TC-Region", HeaderName::from_static("x-tc-region")),
        ("X-TC-Language", HeaderName::from_static("x-tc-language")),
        (
            "X-TC-RequestClient",
            HeaderName::from_static("x-tc-requestclient"),
        ),
    ];

    /// reqwest's name for one of ours, without parsing or allocating for the names the client
    /// sends on every call.
    pub(super) fn header_name(name: &'static str) -> Result<HeaderName, TransportError> {
        match KNOWN_NAMES.iter().find(|(known, _)| *known == name) {
            Some((_, header_name)) => Ok(header_name.clone()),
            None => HeaderName::from_bytes(name.as_bytes()).map_err(|e| {
                TransportError::not_sent(format!("invalid header name {name}")).with_source(e)
            }),
        }
    }

    /// reqwest's value for one of ours, checked (as reqwest checks), without copying it.
    fn header_value(value: HeaderValue) -> Result<header::HeaderValue, TransportError> {
        header::HeaderValue::from_maybe_shared(value.into_bytes())
            .map_err(|e| TransportError::not_sent("invalid header value").with_source(e))
    }

    impl ReqwestTransport {
        /// `connect_timeout` bounds TCP + TLS set-up; bodies over `max_body_bytes` are refused.
        pub fn new(
            connect_timeout: Duration,
            max_body_bytes: usize,
        ) -> Result<Self, TransportError> {
            let client = reqwest::Client::builder()
                .connect_timeout(connect_timeout)
                // The client's own retry loop is the only one: it knows which actions are safe
                // to repeat. reqwest's default policy retries only HTTP/2 and HTTP/3 refusals
                // (not built here), yet copies every request's headers in case it would; with
                // no retries allowed it keeps no copy.
                .retry(reqwest::retry::never().max_retries_per_request(0))
                .build()
                .map_err(|e| {
                    TransportError::not_sent("cannot build the HTTP client").with_source(e)
                })?;
            Ok(ReqwestTransport {
                client,
                max_body_bytes,
                last_shared: RwLock::new(None),
            })
        }

        /// `request` in reqwest's types; the shared parts come converted from the last call.
        fn reqwest_request(
            &self,
            request: HttpRequest,
        ) -> Result<reqwest::Request, TransportError> {
            let HttpRequest {
                shared,
                headers: own_headers,
                body,
            } = request;
            let from_cache = self
                .last_shared
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .as_ref()
                .filter(|converted| converted.converts(&shared))
                .map(|converted| converted.request(own_headers.len()));
            let mut http_request = match from_cache {
                Some(http_request) => http_request,
                None => {
                    let converted = Converted::new(shared)?;
                    let http_request = converted.request(own_headers.len());
                    *self
                        .last_shared
                        .write()
                        .unwrap_or_else(PoisonError::into_inner) = Some(converted);
                    http_request
                }
            };
            let headers = http_request.headers_mut();
            for (name, value) in own_headers {
                let mut value = header_value(value)?;
                // Out of reqwest's and hyper's Debug output, as out of ours.
                value.set_sensitive(matches!(name, "Authorization" | "X-TC-Token"));
                headers.append(header_name(name)?, value);
            }
            *http_request.body_mut() = Some(body.into());
            Ok(http_request)
        }

        async fn send_inner(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            let http_request = self.reqwest_request(request)?;
            let response = self
                .client
                .execute(http_request)
                .await
                .map_err(send_failure)?;
            let status = response.status().as_u16();
            let date = response.headers().get(header::DATE).cloned();
            let body = self.read_body(response).await?;
            // Copied only when it may be needed: three allocations on every call otherwise.
            let headers = match date {
                Some(date) if envelope::may_be_error(status, &body) => vec![(
                    header::DATE.as_str().to_owned(),
                    String::from_utf8_lossy(date.as_bytes()).into_owned(),
                )],
                _ => Vec::new(),
            };
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        }

        /// The whole body, refused once it passes `max_body_bytes`.
        async fn read_body(
            &self,
            mut response: reqwest::Response,
        ) -> Result<Bytes, TransportError> {
            let too_large = || {
                TransportError::maybe_sent(format!(
                    "response body larger than the {} byte limit",
                    self.max_body_bytes
                ))
            };
            let reading_failed = |e: reqwest::Error| {
                TransportError::maybe_sent("reading the response body failed").with_source(e)
            };
            match response.content_length() {
                Some(len) if len > self.max_body_bytes as u64 => return Err(too_large()),
                // The length is known and allowed: usually one chunk, taken without a copy.
                // (hyper stops at the declared length.)
                Some(_) => return response.bytes().await.map_err(reading_failed),
                None => {}
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(reading_failed)? {
                if body.len() + chunk.len() > self.max_body_bytes {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Bytes::from(body))
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

    #[cfg(feature = "reqwest-transport")]
    #[test]
    fn header_names_map_to_reqwest_names_and_bad_ones_are_refused() {
        use reqwest_impl::header_name;
        for (ours, theirs) in [
            ("Content-Type", "content-type"),
            ("X-TC-Action", "x-tc-action"),
            ("X-TC-RequestClient", "x-tc-requestclient"),
            ("X-Custom", "x-custom"),
        ] {
            assert_eq!(header_name(ours).unwrap().as_str(), theirs);
        }
        let refused = header_name("bad name").unwrap_err();
        assert!(!refused.maybe_sent, "{refused:?}");
    }

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
