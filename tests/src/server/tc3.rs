//! TC3-HMAC-SHA256, the Tencent Cloud API 3.0 request signature, split into the documented steps
//! so a verifier (the server) and a signer (the tests) share one implementation of each step.
//!
//! Reference: "Signature v3" in the Tencent Cloud API docs (e.g. cloud.tencent.com/document/api/213/30654).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::clock::utc_date;

/// The only algorithm API 3.0 accepts in the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// Last element of every credential scope.
pub const TERMINATOR: &str = "tc3_request";
/// `X-TC-Content-SHA256` value that makes the payload hash cover this literal instead of the body.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Lower-case hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Step 1, the CanonicalRequest.
///
/// `headers` are the signed headers as (name, value) in SignedHeaders order. Per the documentation,
/// names and values are lower-cased and trimmed (this is why a signed `x-tc-action` carries the
/// lower-cased action name).
pub fn canonical_request(
    method: &str,
    canonical_uri: &str,
    canonical_query: &str,
    headers: &[(&str, &str)],
    hashed_payload: &str,
) -> String {
    let canonical_headers: String = headers
        .iter()
        .map(|(name, value)| {
            format!(
                "{}:{}\n",
                name.trim().to_ascii_lowercase(),
                value.trim().to_ascii_lowercase()
            )
        })
        .collect();
    format!(
        "{method}\n{canonical_uri}\n{canonical_query}\n{canonical_headers}\n{}\n{hashed_payload}",
        signed_headers(headers)
    )
}

/// The `SignedHeaders` list for `headers`: lower-case names joined by `;`.
pub fn signed_headers(headers: &[(&str, &str)]) -> String {
    headers
        .iter()
        .map(|(name, _)| name.trim().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(";")
}

/// `<date>/<service>/tc3_request`.
pub fn credential_scope(date: &str, service: &str) -> String {
    format!("{date}/{service}/{TERMINATOR}")
}

/// Step 2, the StringToSign. `timestamp` is the `X-TC-Timestamp` text exactly as sent.
pub fn string_to_sign(
    timestamp: &str,
    date: &str,
    service: &str,
    canonical_request: &str,
) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{}\n{}",
        credential_scope(date, service),
        sha256_hex(canonical_request.as_bytes())
    )
}

/// Step 3, the Signature: the derived key chain, then HMAC of the StringToSign, in hex.
pub fn signature(secret_key: &str, date: &str, service: &str, string_to_sign: &str) -> String {
    let secret_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let secret_service = hmac_sha256(&secret_date, service.as_bytes());
    let secret_signing = hmac_sha256(&secret_service, TERMINATOR.as_bytes());
    hex(&hmac_sha256(&secret_signing, string_to_sign.as_bytes()))
}

/// Step 4, the `Authorization` header value.
pub fn authorization(
    secret_id: &str,
    date: &str,
    service: &str,
    signed_headers: &str,
    signature: &str,
) -> String {
    format!(
        "{ALGORITHM} Credential={secret_id}/{}, SignedHeaders={signed_headers}, Signature={signature}",
        credential_scope(date, service)
    )
}

/// Signs a `POST /` JSON request the way the official SDKs do (signed headers `content-type;host`)
/// and returns the `Authorization` value. A convenience for tests that talk raw HTTP.
pub fn sign_post(
    secret_id: &str,
    secret_key: &str,
    service: &str,
    timestamp: i64,
    content_type: &str,
    host: &str,
    body: &[u8],
) -> String {
    let headers = [("content-type", content_type), ("host", host)];
    let canonical = canonical_request("POST", "/", "", &headers, &sha256_hex(body));
    let date = utc_date(timestamp);
    let to_sign = string_to_sign(&timestamp.to_string(), &date, service, &canonical);
    let signature = signature(secret_key, &date, service, &to_sign);
    authorization(
        secret_id,
        &date,
        service,
        &signed_headers(&headers),
        &signature,
    )
}

/// The parts of an `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    pub algorithm: String,
    pub secret_id: String,
    pub date: String,
    pub service: String,
    pub terminator: String,
    /// Lower-case header names, in the order the client listed them.
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parses `<algorithm> Credential=<id>/<date>/<service>/<terminator>, SignedHeaders=a;b, Signature=<hex>`.
/// Returns `None` for anything that does not have that shape.
pub fn parse_authorization(value: &str) -> Option<ParsedAuthorization> {
    let (algorithm, fields) = value.trim().split_once(' ')?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for field in fields.split(',') {
        let (key, val) = field.trim().split_once('=')?;
        let slot = match key.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => return None,
        };
        if slot.replace(val.trim()).is_some() {
            return None; // a repeated field is as garbled as a missing one
        }
    }

    let mut scope = credential?.split('/');
    let (secret_id, date, service, terminator) =
        (scope.next()?, scope.next()?, scope.next()?, scope.next()?);
    if scope.next().is_some() || secret_id.is_empty() {
        return None;
    }
    let signed_headers: Vec<String> = signed?
        .split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let signature = signature?;
    if signed_headers.iter().any(String::is_empty) || signature.is_empty() {
        return None;
    }
    Some(ParsedAuthorization {
        algorithm: algorithm.to_owned(),
        secret_id: secret_id.to_owned(),
        date: date.to_owned(),
        service: service.to_owned(),
        terminator: terminator.to_owned(),
        signed_headers,
        signature: signature.to_owned(),
    })
}
