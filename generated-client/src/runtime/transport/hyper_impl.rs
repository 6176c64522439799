//! The default transport: hyper's pooled HTTP/1.1 client (hyper-util's, the one reqwest is
//! built on) used directly, over rustls, through an HTTP proxy where the config or the
//! environment names one. reqwest copies every request's header map twice, for
//! redirects it may follow, and adds its redirect, cookie and retry layers; an API 3.0 call
//! never needs them, and its seven headers make the copies dear. The whole-call bench
//! (tests/bench/whole_call.rs) measures both.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::uri::{Scheme, Uri};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::legacy::Client;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::TcpStream;
use tower_service::Service;

use super::http_types::{self, LastShared, RequestParts};
use super::proxy::{self, Route};
use super::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError, TransportSettings,
};

/// hyper's pooled HTTP/1.1 client over rustls (webpki roots), without reqwest's layers: the
/// highest throughput of the built-in transports, and the default; clones share the
/// connection pool. It honours the proxy variables as curl and reqwest do (or the proxy the
/// config gives), tunnelling https:// with CONNECT, and follows no redirects (the API sends
/// none).
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
    client: Client<Connector, Full<Bytes>>,
    /// Which targets go through which proxy; `None` when none does.
    proxies: Option<Arc<Matcher>>,
    max_body_bytes: usize,
    last_shared: LastShared<Uri>,
}

impl fmt::Debug for HyperTransport {
    // hyper-util's matcher shows proxies without their user info.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("proxies", &self.proxies)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl HyperTransport {
    /// `connect_timeout` bounds TCP set-up (TLS included); bodies over `max_body_bytes` are
    /// refused. Proxies come from the environment variables.
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
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| TransportError::not_sent("cannot set up TLS").with_source(e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        settings.proxy.check()?;
        let proxies = settings.proxy.rules().matcher().map(Arc::new);
        let connector = Connector {
            tls: Arc::new(tls),
            tcp,
            proxies: proxies.clone(),
        };
        let client = Client::builder(TokioExecutor::new())
            // Without a timer the pool would never close idle connections.
            .pool_timer(TokioTimer::new())
            // Header names as curl writes them (`Proxy-Authorization`) when a proxy may read
            // them: some (pproxy among them) match names case-sensitively.
            .http1_title_case_headers(proxies.is_some())
            .build(connector);
        Ok(HyperTransport {
            client,
            proxies,
            max_body_bytes: settings.max_body_bytes,
            last_shared: LastShared::new(),
        })
    }

    async fn send_inner(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = match request.method() {
            super::Method::Get => http::Method::GET,
            _ => http::Method::POST,
        };
        let RequestParts {
            url,
            mut headers,
            body,
        } = self.last_shared.convert(request, parse_uri)?;
        let route = Route::of(self.proxies.as_deref(), &url);
        if let Some(route) = &route {
            route.check_scheme()?;
            // A plain-HTTP request goes to the proxy itself, which reads its credentials from
            // the request; a tunnel's CONNECT carries them instead.
            if url.scheme() != Some(&Scheme::HTTPS) {
                if let Some(auth) = route.proxy.basic_auth() {
                    headers.insert(http::header::PROXY_AUTHORIZATION, auth.clone());
                }
            }
        }
        let mut http_request = http::Request::new(Full::new(body));
        *http_request.method_mut() = method;
        *http_request.uri_mut() = url.clone();
        *http_request.headers_mut() = headers;
        let response = self
            .client
            .request(http_request)
            .await
            .map_err(|e| send_failure(&url, route.as_ref(), e))?;
        let status = response.status().as_u16();
        if let Some(refused) = route.as_ref().and_then(|r| proxy::refusal(r, status)) {
            return Err(refused);
        }
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
fn send_failure(
    url: &Uri,
    route: Option<&Route>,
    e: hyper_util::client::legacy::Error,
) -> TransportError {
    let https = url.scheme() == Some(&Scheme::HTTPS);
    let host = url.host().unwrap_or_default();
    let port = url.port_u16().unwrap_or(if https { 443 } else { 80 });
    let host = format!("{host}:{port}");
    let err = if e.is_connect() {
        match route {
            Some(route) => proxy::connect_failure(route, &host, https, &e),
            None => http_types::connect_failure(&host, https, &e),
        }
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

/// Connects to the target directly, or through the proxy the matcher names: a CONNECT tunnel
/// (hyper-util's) for https://, the proxy itself for http:// (hyper then sends the request's
/// absolute URL, as a proxy needs).
#[derive(Clone)]
struct Connector {
    tls: Arc<rustls::ClientConfig>,
    tcp: HttpConnector,
    proxies: Option<Arc<Matcher>>,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl Service<Uri> for Connector {
    type Response = ProxiedStream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<ProxiedStream, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        // `HttpConnector` is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, target: Uri) -> Self::Future {
        let proxy = self.proxies.as_deref().and_then(|m| m.intercept(&target));
        let tls = self.tls.clone();
        let mut tcp = self.tcp.clone();
        Box::pin(async move {
            let Some(proxy) = proxy else {
                let stream = HttpsConnector::from((tcp, tls)).call(target).await?;
                return Ok(ProxiedStream {
                    stream,
                    proxied: false,
                });
            };
            if target.scheme() == Some(&Scheme::HTTPS) {
                let mut tunnel = Tunnel::new(proxy.uri().clone(), tcp);
                if let Some(auth) = proxy.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                let stream = HttpsConnector::from((tunnel, tls)).call(target).await?;
                Ok(ProxiedStream {
                    stream,
                    proxied: false,
                })
            } else {
                let stream = tcp.call(proxy.uri().clone()).await?;
                Ok(ProxiedStream {
                    stream: MaybeHttpsStream::Http(stream),
                    proxied: true,
                })
            }
        })
    }
}

/// A connection, and whether it goes to a proxy that forwards plain-HTTP requests (which need
/// the absolute URL in their request line).
struct ProxiedStream {
    stream: MaybeHttpsStream<TokioIo<TcpStream>>,
    proxied: bool,
}

impl Connection for ProxiedStream {
    fn connected(&self) -> Connected {
        self.stream.connected().proxy(self.proxied)
    }
}

impl hyper::rt::Read for ProxiedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for ProxiedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }
}
