//! TC3-HMAC-SHA256 request signing, as specified by Tencent Cloud API 3.0.
//!
//! The signature covers the exact payload bytes that go on the wire, so callers serialize the
//! body once and pass the same slice here and to the transport.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::time::utc_date;

const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// Only these two headers are signed; it is what every official SDK does.
const SIGNED_HEADERS: &str = "content-type;host";

/// Everything that goes into one signature.
#[derive(Clone, Copy)]
pub struct RequestToSign<'a> {
    pub secret_id: &'a str,
    pub secret_key: &'a str,
    pub token: Option<&'a str>,
    pub service: &'a str,
    pub host: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    pub region: Option<&'a str>,
    pub language: Option<&'a str>,
    pub content_type: &'a str,
    pub timestamp: u64,
    pub payload: &'a [u8],
}

impl std::fmt::Debug for RequestToSign<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestToSign")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"** redacted **")
            .field("token", &self.token.map(|_| "** redacted **"))
            .field("service", &self.service)
            .field("host", &self.host)
            .field("action", &self.action)
            .field("version", &self.version)
            .field("region", &self.region)
            .field("timestamp", &self.timestamp)
            .field("payload_len", &self.payload.len())
            .finish()
    }
}

/// Every header the request needs except `X-TC-RequestClient`, in a stable order:
/// Content-Type, Host, X-TC-Action, X-TC-Timestamp, X-TC-Version, X-TC-Region?, X-TC-Token?,
/// X-TC-Language?, Authorization.
pub fn sign_request(req: &RequestToSign<'_>) -> Vec<(&'static str, String)> {
    let mut headers = Vec::with_capacity(9);
    headers.push(("Content-Type", req.content_type.to_owned()));
    headers.push(("Host", req.host.to_owned()));
    headers.push(("X-TC-Action", req.action.to_owned()));
    headers.push(("X-TC-Timestamp", req.timestamp.to_string()));
    headers.push(("X-TC-Version", req.version.to_owned()));
    if let Some(region) = req.region {
        headers.push(("X-TC-Region", region.to_owned()));
    }
    if let Some(token) = req.token {
        headers.push(("X-TC-Token", token.to_owned()));
    }
    if let Some(language) = req.language {
        headers.push(("X-TC-Language", language.to_owned()));
    }
    headers.push(("Authorization", authorization(req)));
    headers
}

/// The `Authorization` header value.
pub fn authorization(req: &RequestToSign<'_>) -> String {
    let date = utc_date(req.timestamp);
    let signature = signature(req, &date);
    format!(
        "{ALGORITHM} Credential={}/{date}/{}/tc3_request, SignedHeaders={SIGNED_HEADERS}, Signature={signature}",
        req.secret_id, req.service
    )
}

fn signature(req: &RequestToSign<'_>, date: &str) -> String {
    let payload_hash = hex(&Sha256::digest(req.payload));
    let canonical_request = format!(
        "POST\n/\n\ncontent-type:{}\nhost:{}\n\n{SIGNED_HEADERS}\n{payload_hash}",
        req.content_type, req.host
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{}\n{date}/{}/tc3_request\n{}",
        req.timestamp,
        req.service,
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let mut date_key = Vec::with_capacity(3 + req.secret_key.len());
    date_key.extend_from_slice(b"TC3");
    date_key.extend_from_slice(req.secret_key.as_bytes());
    let k_date = hmac_sha256(&date_key, date.as_bytes());
    let k_service = hmac_sha256(&k_date, req.service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"tc3_request");
    hex(&hmac_sha256(&k_signing, string_to_sign.as_bytes()))
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}
