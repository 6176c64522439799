//! A leaner transport: hyper's pooled HTTP/1.1 client (hyper-util's, the one reqwest is built
//! on) used directly, over rustls. reqwest copies every request's header map twice, for
//! redirects it may follow, and adds its redirect, cookie and retry layers; an API 3.0 call
//! never needs them, and its seven headers make the copies dear. The whole-call bench
//! (tests/bench/whole_call.rs) measures both.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::uri::{Scheme, Uri};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::http_types::{self, LastShared, RequestParts};
use super::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError, TransportSettings,
};

/// hyper's pooled HTTP/1.1 client over rustls (ring, webpki roots), without reqwest's layers:
/// the highest throughput of the built-in transports; clones share the connection pool.
/// Unlike [`ReqwestTransport`], it ignores `HTTPS_PROXY` and the other proxy variables, and
/// follows no redirects (the API sends none).
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use tencentcloud_iai::runtime::transport::HyperTransport;
/// use tencentcloud_iai::runtime::config::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES};
/// use tencentcloud_iai::Config;
///
/// let transport = HyperTransport::new(DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES)?;
/// let config = Config::builder().region("ap-guangzhou").transport(transport).build()?;
/// # Ok(())
/// # }
/// ```
///
/// [`ReqwestTransport`]: super::ReqwestTransport
#[derive(Clone)]
pub struct HyperTransport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    max_body_bytes: usize,
    last_shared: LastShared<Uri>,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl HyperTransport {
    /// `connect_timeout` bounds TCP set-up (TLS included); bodies over `max_body_bytes` are
    /// refused.
    pub fn new(connect_timeout: Duration, max_body_bytes: usize) -> Result<Self, TransportError> {
        Self::with_settings(&TransportSettings::new(connect_timeout, max_body_bytes))
    }

    pub(crate) fn with_settings(settings: &TransportSettings) -> Result<Self, TransportError> {
        let mut tcp = HttpConnector::new();
        // https:// URLs pass through to the TLS layer.
        tcp.enforce_http(false);
        tcp.set_connect_timeout(Some(settings.connect_timeout));
        tcp.set_nodelay(true);
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for root in http_types::extra_roots(&settings.extra_roots_pem)? {
            roots.add(root).map_err(|e| {
                TransportError::not_sent("unusable root certificate").with_source(e)
            })?;
        }
        // The provider named, not taken from the process default: another crate in the
        // program may have installed a different one, or enabled two.
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| TransportError::not_sent("cannot set up TLS").with_source(e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        let client = Client::builder(TokioExecutor::new())
            // Without a timer the pool would never close idle connections.
            .pool_timer(TokioTimer::new())
            .build(connector);
        Ok(HyperTransport {
            client,
            max_body_bytes: settings.max_body_bytes,
            last_shared: LastShared::new(),
        })
    }

    async fn send_inner(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = match request.method() {
            super::Method::Get => http::Method::GET,
            _ => http::Method::POST,
        };
        let RequestParts { url, headers, body } = self.last_shared.convert(request, parse_uri)?;
        let mut http_request = http::Request::new(Full::new(body));
        *http_request.method_mut() = method;
        *http_request.uri_mut() = url.clone();
        *http_request.headers_mut() = headers;
        let response = self
            .client
            .request(http_request)
            .await
            .map_err(|e| send_failure(&url, e))?;
        let status = response.status().as_u16();
        let date = response.headers().get(http::header::DATE).cloned();
        let declared_len = response
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|len| len.to_str().ok()?.parse::<u64>().ok());
        if declared_len.is_some_and(|len| len > self.max_body_bytes as u64) {
            return Err(http_types::body_too_large(self.max_body_bytes));
        }
        // One chunk (the usual case) is taken without a copy.
        let body = Limited::new(response.into_body(), self.max_body_bytes)
            .collect()
            .await
            .map_err(|e| {
                if e.is::<LengthLimitError>() {
                    http_types::body_too_large(self.max_body_bytes)
                } else {
                    TransportError::maybe_sent("reading the response body failed")
                        .with_boxed_source(e)
                }
            })?
            .to_bytes();
        Ok(http_types::response(status, date, body))
    }
}

/// An absolute URL, as hyper's client needs it.
fn parse_uri(url: &str) -> Result<Uri, TransportError> {
    let invalid = || TransportError::not_sent(format!("invalid URL {url}"));
    let uri: Uri = url.parse().map_err(|e| invalid().with_source(e))?;
    if uri.scheme().is_none() || uri.authority().is_none() {
        return Err(invalid());
    }
    Ok(uri)
}

/// A failed send, named by what failed and where. A connect error (TLS included) means nothing
/// reached the server; anything later might have. (A pooled connection found closed before the
/// request was written is retried by hyper itself.)
fn send_failure(url: &Uri, e: hyper_util::client::legacy::Error) -> TransportError {
    let https = url.scheme() == Some(&Scheme::HTTPS);
    let host = url.host().unwrap_or_default();
    let port = url.port_u16().unwrap_or(if https { 443 } else { 80 });
    let host = format!("{host}:{port}");
    let err = if e.is_connect() {
        http_types::connect_failure(&host, https, &e)
    } else {
        TransportError::maybe_sent(format!("request to {host} failed"))
    };
    err.with_source(e)
}

impl HttpTransport for HyperTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(self.send_inner(request))
    }
}
