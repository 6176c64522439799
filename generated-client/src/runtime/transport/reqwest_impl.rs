//! The default transport: reqwest over rustls with a connection pool.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;

use super::http_types::{self, LastShared, RequestParts};
use super::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError, TransportSettings,
};

/// The default transport: reqwest over rustls with a connection pool, which clones share. It
/// also honours the `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` environment variables, as reqwest
/// does.
#[derive(Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_body_bytes: usize,
    last_shared: LastShared<reqwest::Url>,
}

impl fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("client", &self.client)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl ReqwestTransport {
    /// `connect_timeout` bounds TCP + TLS set-up; bodies over `max_body_bytes` are refused.
    pub fn new(connect_timeout: Duration, max_body_bytes: usize) -> Result<Self, TransportError> {
        Self::with_settings(&TransportSettings::new(connect_timeout, max_body_bytes))
    }

    pub(crate) fn with_settings(settings: &TransportSettings) -> Result<Self, TransportError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            // The client's own retry loop is the only one: it knows which actions are safe
            // to repeat. reqwest's default policy retries only HTTP/2 and HTTP/3 refusals
            // (not built here), yet copies every request's headers in case it would; with
            // no retries allowed it keeps no copy.
            .retry(reqwest::retry::never().max_retries_per_request(0));
        if settings.direct {
            builder = builder.no_proxy();
        }
        for root in http_types::extra_roots(&settings.extra_roots_pem)? {
            let root = reqwest::Certificate::from_der(&root).map_err(|e| {
                TransportError::not_sent("unusable root certificate").with_source(e)
            })?;
            builder = builder.add_root_certificate(root);
        }
        let client = builder
            .build()
            .map_err(|e| TransportError::not_sent("cannot build the HTTP client").with_source(e))?;
        Ok(ReqwestTransport {
            client,
            max_body_bytes: settings.max_body_bytes,
            last_shared: LastShared::new(),
        })
    }

    /// `request` in reqwest's types; the shared parts come converted from the last call.
    fn reqwest_request(&self, request: HttpRequest) -> Result<reqwest::Request, TransportError> {
        let method = match request.method() {
            super::Method::Get => reqwest::Method::GET,
            _ => reqwest::Method::POST,
        };
        let RequestParts { url, headers, body } = self.last_shared.convert(request, parse_url)?;
        let mut http_request = reqwest::Request::new(method, url);
        *http_request.headers_mut() = headers;
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
        let date = response.headers().get(http::header::DATE).cloned();
        let body = self.read_body(response).await?;
        Ok(http_types::response(status, date, body))
    }

    /// The whole body, refused once it passes `max_body_bytes`.
    async fn read_body(&self, mut response: reqwest::Response) -> Result<Bytes, TransportError> {
        let reading_failed = |e: reqwest::Error| {
            TransportError::maybe_sent("reading the response body failed").with_source(e)
        };
        match response.content_length() {
            Some(len) if len > self.max_body_bytes as u64 => {
                return Err(http_types::body_too_large(self.max_body_bytes))
            }
            // The length is known and allowed: usually one chunk, taken without a copy.
            // (hyper stops at the declared length.)
            Some(_) => return response.bytes().await.map_err(reading_failed),
            None => {}
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(reading_failed)? {
            if body.len() + chunk.len() > self.max_body_bytes {
                return Err(http_types::body_too_large(self.max_body_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(body))
    }
}

fn parse_url(url: &str) -> Result<reqwest::Url, TransportError> {
    reqwest::Url::parse(url)
        .map_err(|e| TransportError::not_sent(format!("invalid URL {url}")).with_source(e))
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
    } else if e.is_connect() {
        http_types::connect_failure(&host, https, &e)
    } else if e.is_timeout() {
        TransportError::maybe_sent(format!("request to {host} timed out"))
    } else {
        TransportError::maybe_sent(format!("request to {host} failed"))
    };
    err.with_source(e)
}

impl HttpTransport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(self.send_inner(request))
    }
}
