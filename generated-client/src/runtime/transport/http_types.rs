//! What the built-in transports share, in the `http` crate's types (reqwest and hyper both use
//! them): the client's headers converted once per client, the response's `Date` kept only when
//! the client may need it, and failures named by what failed and where.

use std::sync::{Arc, PoisonError, RwLock};

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use super::super::envelope;
use super::super::error::{cause_of, root_cause, TransportError};
use super::super::header_value::HeaderValue;
use super::{HttpRequest, HttpResponse, SharedParts};

/// The shared parts of the last request sent, converted: a client sends to one endpoint with
/// the same shared headers every time, and parsing a URL (with IDNA host checks, for reqwest's
/// `Url`) costs about as much as signing the request. `U` is the transport's URL type.
pub(super) struct LastShared<U> {
    last: RwLock<Option<Converted<U>>>,
}

/// [`SharedParts`] in the `http` crate's types: the URL parsed, the headers' names and values
/// checked and converted once.
struct Converted<U> {
    parts: Arc<SharedParts>,
    url: U,
    headers: Vec<(HeaderName, header::HeaderValue)>,
}

/// A request taken apart for an HTTP library: its URL, all its headers and its body.
pub(super) struct RequestParts<U> {
    pub(super) url: U,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

impl<U> Clone for LastShared<U> {
    /// An empty cache: a clone of a transport may serve another client.
    fn clone(&self) -> Self {
        LastShared::new()
    }
}

impl<U> LastShared<U> {
    pub(super) fn new() -> Self {
        LastShared {
            last: RwLock::new(None),
        }
    }
}

impl<U: Clone> LastShared<U> {
    /// `request`'s URL (parsed with `parse_url` only when it differs from the last one), its
    /// headers, shared ones first, and its body.
    pub(super) fn convert(
        &self,
        request: HttpRequest,
        parse_url: fn(&str) -> Result<U, TransportError>,
    ) -> Result<RequestParts<U>, TransportError> {
        let HttpRequest {
            shared,
            headers: own_headers,
            body,
            method: _,
        } = request;
        let from_cache = self
            .last
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|converted| converted.converts(&shared))
            .map(|converted| {
                (
                    converted.url.clone(),
                    converted.header_map(own_headers.len()),
                )
            });
        let (url, mut headers) = match from_cache {
            Some(parts) => parts,
            None => {
                let converted = Converted {
                    url: parse_url(&shared.url)?,
                    headers: shared
                        .headers
                        .iter()
                        .map(|(name, value)| Ok((header_name(name)?, header_value(value.clone())?)))
                        .collect::<Result<_, TransportError>>()?,
                    parts: shared,
                };
                let parts = (
                    converted.url.clone(),
                    converted.header_map(own_headers.len()),
                );
                *self.last.write().unwrap_or_else(PoisonError::into_inner) = Some(converted);
                parts
            }
        };
        for (name, value) in own_headers {
            let mut value = header_value(value)?;
            // Out of the HTTP library's Debug output, as out of ours.
            value.set_sensitive(matches!(name, "Authorization" | "X-TC-Token"));
            headers.append(header_name(name)?, value);
        }
        Ok(RequestParts { url, headers, body })
    }
}

impl<U> Converted<U> {
    /// Whether these are `parts`: the same ones, or equal ones (as every request built with
    /// [`HttpRequest::new`] to one URL has).
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

    /// The shared headers, with room for `more` headers.
    fn header_map(&self, more: usize) -> HeaderMap {
        // One more for the `Accept` reqwest adds.
        let mut headers = HeaderMap::with_capacity(self.headers.len() + more + 1);
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        headers
    }
}

/// The `http` crate's names for the ones the client sends, the per-call ones first. A `static`:
/// a `const` array would be built and dropped at every lookup.
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

/// The `http` crate's name for one of ours, without parsing or allocating for the names the
/// client sends on every call.
pub(super) fn header_name(name: &'static str) -> Result<HeaderName, TransportError> {
    match KNOWN_NAMES.iter().find(|(known, _)| *known == name) {
        Some((_, header_name)) => Ok(header_name.clone()),
        None => HeaderName::from_bytes(name.as_bytes()).map_err(|e| {
            TransportError::not_sent(format!("invalid header name {name}")).with_source(e)
        }),
    }
}

/// The `http` crate's value for one of ours, checked, without copying it.
fn header_value(value: HeaderValue) -> Result<header::HeaderValue, TransportError> {
    header::HeaderValue::from_maybe_shared(value.into_bytes())
        .map_err(|e| TransportError::not_sent("invalid header value").with_source(e))
}

/// The response as the client takes it. `date` is copied only when the client may need it:
/// three allocations on every call otherwise.
pub(super) fn response(
    status: u16,
    date: Option<header::HeaderValue>,
    body: Bytes,
) -> HttpResponse {
    let headers = match date {
        Some(date) if envelope::may_be_error(status, &body) => vec![(
            header::DATE.as_str().to_owned(),
            String::from_utf8_lossy(date.as_bytes()).into_owned(),
        )],
        _ => Vec::new(),
    };
    HttpResponse {
        status,
        headers,
        body,
    }
}

/// The certificates in `pems` (PEM texts, each with one or more), for the trusted roots. A
/// text without a certificate, or with a broken one, is refused by its position.
pub(super) fn extra_roots(
    pems: &[Vec<u8>],
) -> Result<Vec<CertificateDer<'static>>, TransportError> {
    let mut roots = Vec::new();
    for (n, pem) in pems.iter().enumerate() {
        let refused = |why: String| {
            TransportError::not_sent(format!("root certificate PEM #{}: {why}", n + 1))
        };
        let before = roots.len();
        for certificate in CertificateDer::pem_slice_iter(pem) {
            roots.push(certificate.map_err(|e| refused(pem_problem(e)))?);
        }
        if roots.len() == before {
            return Err(refused(
                "no `-----BEGIN CERTIFICATE-----` block in it".to_owned(),
            ));
        }
    }
    Ok(roots)
}

/// What is wrong with a PEM text, with its markers as text (the parser's own message shows
/// them as byte lists).
fn pem_problem(error: rustls_pki_types::pem::Error) -> String {
    use rustls_pki_types::pem::Error;
    match error {
        Error::MissingSectionEnd { end_marker } => format!(
            "no `-----END {}-----` line after its BEGIN line",
            String::from_utf8_lossy(&end_marker)
        ),
        Error::IllegalSectionStart { line } => format!(
            "a malformed BEGIN line `{}`",
            String::from_utf8_lossy(&line)
        ),
        other => other.to_string(),
    }
}

/// A response body over `limit` bytes, refused.
pub(super) fn body_too_large(limit: usize) -> TransportError {
    TransportError::maybe_sent(format!("response body larger than the {limit} byte limit"))
}

/// A failed connection to `host` (`name:port`): nothing reached the server. Says whether TLS
/// failed, and suggests http:// when an https:// endpoint answered in plain HTTP.
pub(super) fn connect_failure(
    host: &str,
    https: bool,
    error: &(dyn std::error::Error + 'static),
) -> TransportError {
    if !(https && is_tls_failure(error)) {
        return TransportError::not_sent(format!("cannot connect to {host}"));
    }
    let failure = TransportError::not_sent(format!("TLS handshake with {host} failed"));
    // What rustls says when the server answers in plain HTTP.
    if root_cause(error).to_string().contains("InvalidContentType") {
        failure.with_hint("is the endpoint http? (then write http:// in its URL)")
    } else {
        failure
    }
}

/// rustls reports handshake failures as an `io::ErrorKind::InvalidData` error wrapping its
/// own; network failures (refused, unreachable) are operating-system errors.
fn is_tls_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData)
        {
            return true;
        }
        cause = cause_of(error);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_map_to_http_names_and_bad_ones_are_refused() {
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
    fn secrets_are_sensitive_and_shared_parts_are_converted_once() {
        let last = LastShared::<String>::new();
        let request = || {
            HttpRequest::new(
                "http://127.0.0.1:9/",
                vec![
                    ("X-TC-Action", "GetGroupInfo".to_owned()),
                    ("Authorization", "TC3-HMAC-SHA256 Signature=abc".to_owned()),
                ],
                Bytes::from_static(b"{}"),
            )
        };
        fn parse(url: &str) -> Result<String, TransportError> {
            Ok(format!("parsed {url}"))
        }
        fn refuse(_: &str) -> Result<String, TransportError> {
            Err(TransportError::not_sent("parsed again"))
        }
        let first = last.convert(request(), parse).unwrap();
        assert_eq!(first.url, "parsed http://127.0.0.1:9/");
        assert!(first.headers[header::AUTHORIZATION].is_sensitive());
        assert!(!first.headers["x-tc-action"].is_sensitive());
        // Equal shared parts come from the cache: the URL is not parsed again.
        let again = last.convert(request(), refuse).unwrap();
        assert_eq!(again.url, first.url);
        assert_eq!(again.body.as_ref(), b"{}");
    }
}
