//! TC3-HMAC-SHA256 verification, as Tencent Cloud's gateway does it: rebuild the canonical
//! request from what arrived (method, query, the headers the client says it signed, the body
//! bytes) and compare signatures.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The only algorithm API 3.0 accepts in the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The parts of an `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    pub secret_id: String,
    pub date: String,
    pub service: String,
    /// Lower-case header names, in the order the client listed them.
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parses `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=a;b,
/// Signature=<hex>`; `None` for anything else.
pub fn parse_authorization(value: &str) -> Option<ParsedAuthorization> {
    let (algorithm, fields) = value.trim().split_once(' ')?;
    if algorithm != ALGORITHM {
        return None;
    }
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
            return None;
        }
    }
    let mut scope = credential?.split('/');
    let (secret_id, date, service, terminator) =
        (scope.next()?, scope.next()?, scope.next()?, scope.next()?);
    if scope.next().is_some() || secret_id.is_empty() || terminator != "tc3_request" {
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
        secret_id: secret_id.to_owned(),
        date: date.to_owned(),
        service: service.to_owned(),
        signed_headers,
        signature: signature.to_owned(),
    })
}

/// What the signature must cover, as received.
pub struct SignedParts<'a> {
    pub method: &'a str,
    /// The raw query string (GET) or empty (POST).
    pub query: &'a str,
    /// (lower-case name, value) for each signed header, in SignedHeaders order.
    pub headers: Vec<(String, String)>,
    /// `X-TC-Timestamp` exactly as sent.
    pub timestamp: &'a str,
    /// The body, or `None` when `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` says it is not signed.
    pub payload: Option<&'a [u8]>,
}

/// The hex signature the client should have sent with `secret_key`.
pub fn expected_signature(
    parts: &SignedParts<'_>,
    secret_key: &str,
    date: &str,
    service: &str,
) -> String {
    let canonical_headers: String = parts
        .headers
        .iter()
        .map(|(name, value)| format!("{name}:{}\n", value.trim().to_ascii_lowercase()))
        .collect();
    let signed: Vec<&str> = parts.headers.iter().map(|(n, _)| n.as_str()).collect();
    let payload_hash = match parts.payload {
        Some(body) => sha256_hex(body),
        None => "UNSIGNED-PAYLOAD".to_owned(),
    };
    let canonical = format!(
        "{}\n/\n{}\n{canonical_headers}\n{}\n{payload_hash}",
        parts.method,
        parts.query,
        signed.join(";")
    );
    let to_sign = format!(
        "{ALGORITHM}\n{}\n{date}/{service}/tc3_request\n{}",
        parts.timestamp,
        sha256_hex(canonical.as_bytes())
    );
    let k_date = hmac(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac(&k_date, service.as_bytes());
    let k_signing = hmac(&k_service, b"tc3_request");
    hex(&hmac(&k_signing, to_sign.as_bytes()))
}

/// Compares in time independent of where the strings differ.
pub fn same_signature(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `YYYY-MM-DD` in UTC of a Unix time: the date of a credential scope, by the client's own
/// calendar (`httpdate`), so signer and verifier cannot disagree about a day.
pub fn utc_date(unix_secs: u64) -> String {
    tencentcloud_iai::signing::scope_date(unix_secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tencentcloud_iai::signing::{authorization, RequestToSign};

    #[test]
    fn dates_in_utc() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(1_551_113_065), "2019-02-25");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
    }

    /// The client's signer and this verifier agree byte for byte.
    #[test]
    fn verifies_what_the_client_signs() {
        let body = br#"{"GroupId":"g"}"#;
        let req = RequestToSign {
            secret_id: "AKIDx",
            secret_key: "key",
            token: None,
            service: "iai",
            host: "127.0.0.1:9",
            action: "GetGroupInfo",
            version: "2020-03-03",
            region: None,
            language: None,
            content_type: "application/json",
            timestamp: 1_551_113_065,
            payload: body,
        };
        let parsed = parse_authorization(&authorization(&req)).unwrap();
        assert_eq!(parsed.signed_headers, ["content-type", "host"]);
        let mut parts = SignedParts {
            method: "POST",
            query: "",
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("host".into(), "127.0.0.1:9".into()),
            ],
            timestamp: "1551113065",
            payload: Some(body),
        };
        let expected = expected_signature(&parts, "key", &parsed.date, &parsed.service);
        assert!(same_signature(&expected, &parsed.signature));
        parts.payload = Some(b"{}");
        let tampered = expected_signature(&parts, "key", &parsed.date, &parsed.service);
        assert!(!same_signature(&tampered, &parsed.signature));
    }

    /// Tencent's published "Signature v3" example (CVM DescribeInstances): the verifier
    /// accepts it as published, independently of this repository's signer, and nothing else.
    #[test]
    fn verifies_the_documented_example_and_nothing_else() {
        const AUTHORIZATION: &str = "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";
        const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
        // `json.dumps` output: the `\u` escapes are literal characters of the payload.
        let body = br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
        let parsed = parse_authorization(AUTHORIZATION).unwrap();
        assert_eq!(parsed.secret_id, "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE");
        assert_eq!(
            (parsed.date.as_str(), parsed.service.as_str()),
            ("2019-02-25", "cvm")
        );
        let parts = |body: &'static [u8], host: &str| SignedParts {
            method: "POST",
            query: "",
            headers: vec![
                (
                    "content-type".into(),
                    "application/json; charset=utf-8".into(),
                ),
                ("host".into(), host.into()),
            ],
            timestamp: "1551113065",
            payload: Some(body),
        };
        let verify = |parts: &SignedParts<'_>, key: &str| {
            let expected = expected_signature(parts, key, &parsed.date, &parsed.service);
            same_signature(&expected, &parsed.signature)
        };
        assert!(verify(&parts(body, "cvm.tencentcloudapi.com"), KEY));
        assert!(!verify(
            &parts(body, "cvm.tencentcloudapi.com"),
            "another key"
        ));
        assert!(!verify(&parts(body, "iai.tencentcloudapi.com"), KEY));
        let tampered: &'static [u8] = br#"{"Limit": 2, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
        assert!(!verify(&parts(tampered, "cvm.tencentcloudapi.com"), KEY));
    }

    #[test]
    fn garbled_authorization_is_refused() {
        assert!(parse_authorization("HMAC-SHA1 Credential=a/b/c/tc3_request").is_none());
        assert!(parse_authorization(
            "TC3-HMAC-SHA256 Credential=a/b/c/x, SignedHeaders=h, Signature=s"
        )
        .is_none());
        assert!(parse_authorization(
            "TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, SignedHeaders=h"
        )
        .is_none());
    }
}
