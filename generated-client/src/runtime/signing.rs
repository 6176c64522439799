//! TC3-HMAC-SHA256 request signing, as specified by Tencent Cloud API 3.0.
//!
//! The signature covers the exact payload bytes that go on the wire, so callers serialize the
//! body once and pass the same slice here and to the transport.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::time::utc_date;

/// An HMAC-SHA256 that has absorbed its key (both pads hashed): cloning it and feeding only the
/// message is what the TC3 chain costs per call.
type HmacSha256 = Hmac<Sha256>;

fn keyed(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length")
}

/// The MAC of `parts`, concatenated, under an already keyed HMAC.
fn mac(keyed: &HmacSha256, parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = keyed.clone();
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

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
    sign_request_with_key(
        req,
        &SigningKey::derive(req.secret_key, req.timestamp, req.service),
    )
}

/// The date of a credential scope (`YYYY-MM-DD`, UTC) for an `X-TC-Timestamp`: what the
/// `Credential=<id>/<date>/<service>/tc3_request` part of a signature must name. Verifiers
/// (such as the local emulator) check it with the same calendar the client signs with.
pub fn scope_date(timestamp: u64) -> String {
    utc_date(timestamp)
}

/// [`sign_request`] with a key derived earlier; `key` must [`match`](SigningKey::matches) `req`.
pub fn sign_request_with_key(
    req: &RequestToSign<'_>,
    key: &SigningKey,
) -> Vec<(&'static str, String)> {
    debug_assert!(key.matches(req.secret_key, req.timestamp, req.service));
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
    headers.push(("Authorization", authorization_with_key(req, key)));
    headers
}

/// The `Authorization` header value.
pub fn authorization(req: &RequestToSign<'_>) -> String {
    authorization_with_key(
        req,
        &SigningKey::derive(req.secret_key, req.timestamp, req.service),
    )
}

/// [`authorization`] with a key derived earlier; `key` must [`match`](SigningKey::matches) `req`.
pub fn authorization_with_key(req: &RequestToSign<'_>, key: &SigningKey) -> String {
    authorization_with_payload_hash(req, key, &payload_hash(req.payload))
}

/// The hex SHA-256 of a payload, the part of a signature that does not need the key.
pub(crate) fn payload_hash(payload: &[u8]) -> [u8; 64] {
    hex32(&Sha256::digest(payload).into())
}

/// [`authorization_with_key`] with the payload already hashed by [`payload_hash`].
pub(crate) fn authorization_with_payload_hash(
    req: &RequestToSign<'_>,
    key: &SigningKey,
    payload_hash: &[u8; 64],
) -> String {
    debug_assert!(key.matches(req.secret_key, req.timestamp, req.service));
    let signature = signature(req, key, payload_hash);
    let mut out = String::with_capacity(
        AUTHORIZATION_HEAD.len() + req.secret_id.len() + key.authorization_tail.len() + 64,
    );
    out.push_str(AUTHORIZATION_HEAD);
    out.push_str(req.secret_id);
    out.push_str(&key.authorization_tail);
    out.push_str(std::str::from_utf8(&signature).expect("hex is ASCII"));
    out
}

/// How the `Authorization` value starts; the secret id follows.
const AUTHORIZATION_HEAD: &str = "TC3-HMAC-SHA256 Credential=";

/// The TC3 signing key of one secret key, UTC day and service: the HMAC chain
/// `TC3<key> → date → service → "tc3_request"`, kept with its pads hashed. It changes once a
/// day, so a client derives it once and reuses it; the official SDKs redo it on every call.
#[derive(Clone)]
pub struct SigningKey {
    day: u64,
    date: String,
    service: String,
    /// `\n<date>/<service>/tc3_request\n`: the string-to-sign's middle.
    scope_line: String,
    /// `/<date>/<service>/tc3_request, SignedHeaders=content-type;host, Signature=`: the
    /// `Authorization` value between the secret id and the signature.
    authorization_tail: String,
    secret_key: String,
    hmac: HmacSha256,
    canonical_head: Option<CanonicalHead>,
}

impl SigningKey {
    pub fn derive(secret_key: &str, timestamp: u64, service: &str) -> Self {
        let date = utc_date(timestamp);
        let k_date = mac(
            &keyed(&[b"TC3", secret_key.as_bytes()].concat()),
            &[date.as_bytes()],
        );
        let k_service = mac(&keyed(&k_date), &[service.as_bytes()]);
        let k_signing = mac(&keyed(&k_service), &[b"tc3_request"]);
        let scope = format!("{date}/{service}/tc3_request");
        SigningKey {
            day: timestamp / 86_400,
            scope_line: format!("\n{scope}\n"),
            authorization_tail: format!("/{scope}, SignedHeaders={SIGNED_HEADERS}, Signature="),
            date,
            service: service.to_owned(),
            secret_key: secret_key.to_owned(),
            hmac: keyed(&k_signing),
            canonical_head: None,
        }
    }

    /// Also hashes the canonical request's constant head for requests to `host` with
    /// `content_type`, which a client sends every time.
    pub fn for_host(mut self, content_type: &str, host: &str) -> Self {
        self.canonical_head = Some(CanonicalHead::new(content_type, host));
        self
    }

    /// Whether this key signs requests with these credentials, time and service.
    pub fn matches(&self, secret_key: &str, timestamp: u64, service: &str) -> bool {
        self.day == timestamp / 86_400 && self.service == service && self.secret_key == secret_key
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("date", &self.date)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

/// Hex signature. The canonical request's constant head (method, path, content type, host,
/// signed headers) comes from the key when it was derived for this content type and host;
/// then nothing is allocated.
fn signature(req: &RequestToSign<'_>, key: &SigningKey, payload_hash: &[u8; 64]) -> [u8; 64] {
    let fresh_head;
    let head = match &key.canonical_head {
        Some(head) if head.content_type == req.content_type && head.host == req.host => head,
        _ => {
            fresh_head = CanonicalHead::new(req.content_type, req.host);
            &fresh_head
        }
    };
    let canonical_hash: [u8; 32] = head
        .state
        .clone()
        .chain_update(payload_hash)
        .finalize()
        .into();
    let mut timestamp = [0u8; 20];
    let string_to_sign: [&[u8]; 4] = [
        b"TC3-HMAC-SHA256\n", // the algorithm
        decimal(req.timestamp, &mut timestamp),
        key.scope_line.as_bytes(),
        &hex32(&canonical_hash),
    ];
    hex32(&mac(&key.hmac, &string_to_sign))
}

/// A SHA-256 that has absorbed
/// `POST\n/\n\ncontent-type:<ct>\nhost:<host>\n\ncontent-type;host\n`; a call clones it and adds
/// only the payload hash.
#[derive(Clone)]
struct CanonicalHead {
    content_type: String,
    host: String,
    state: Sha256,
}

impl CanonicalHead {
    fn new(content_type: &str, host: &str) -> Self {
        let mut state = Sha256::new();
        for part in [
            "POST\n/\n\ncontent-type:",
            content_type,
            "\nhost:",
            host,
            "\n\n",
            SIGNED_HEADERS,
            "\n",
        ] {
            state.update(part.as_bytes());
        }
        CanonicalHead {
            content_type: content_type.to_owned(),
            host: host.to_owned(),
            state,
        }
    }
}

/// Lower-case hex of a digest: one table lookup per byte.
fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (&byte, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(byte)]);
    }
    out
}

/// The two hex digits of every byte value.
static HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut pairs = [[0u8; 2]; 256];
    let mut byte = 0;
    while byte < 256 {
        pairs[byte] = [DIGITS[byte >> 4], DIGITS[byte & 0x0f]];
        byte += 1;
    }
    pairs
};

/// `n` in decimal, written into `buf`.
pub(crate) fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh HMAC per message, independent of the cloned keyed states.
    fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
        let mut mac = HmacSha256::new_from_slice(key).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn hex_matches_format_for_every_byte() {
        for first in 0..=255u8 {
            let bytes: [u8; 32] = std::array::from_fn(|i| first.wrapping_add(i as u8 * 8));
            let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(std::str::from_utf8(&hex32(&bytes)).unwrap(), expected);
        }
    }

    #[test]
    fn decimal_digits() {
        let mut buf = [0u8; 20];
        assert_eq!(decimal(0, &mut buf), b"0");
        assert_eq!(decimal(1_551_113_065, &mut buf), b"1551113065");
        assert_eq!(decimal(u64::MAX, &mut buf), u64::MAX.to_string().as_bytes());
    }

    /// The TC3 steps written out plainly, to check the optimised paths against.
    fn naive_signature(req: &RequestToSign<'_>) -> String {
        let to_hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let date = utc_date(req.timestamp);
        let canonical = format!(
            "POST\n/\n\ncontent-type:{}\nhost:{}\n\ncontent-type;host\n{}",
            req.content_type,
            req.host,
            to_hex(&Sha256::digest(req.payload))
        );
        let to_sign = format!(
            "TC3-HMAC-SHA256\n{}\n{date}/{}/tc3_request\n{}",
            req.timestamp,
            req.service,
            to_hex(&Sha256::digest(canonical.as_bytes()))
        );
        let k = hmac_sha256(format!("TC3{}", req.secret_key).as_bytes(), date.as_bytes());
        let k = hmac_sha256(&k, req.service.as_bytes());
        let k = hmac_sha256(&k, b"tc3_request");
        to_hex(&hmac_sha256(&k, to_sign.as_bytes()))
    }

    #[test]
    fn cached_heads_and_long_service_names_sign_like_the_plain_steps() {
        let long_service = "s".repeat(300);
        for service in ["iai", long_service.as_str()] {
            for host in ["iai.tencentcloudapi.com", "127.0.0.1:8080"] {
                let req = RequestToSign {
                    secret_id: "AKID",
                    secret_key: "key",
                    token: None,
                    service,
                    host,
                    action: "GetGroupInfo",
                    version: "2020-03-03",
                    region: None,
                    language: None,
                    content_type: "application/json",
                    timestamp: 1_704_067_199,
                    payload: br#"{"GroupId":"aaa"}"#,
                };
                let expected = naive_signature(&req);
                // A head for this host, for another host (ignored), and none.
                for key in [
                    SigningKey::derive("key", req.timestamp, service)
                        .for_host("application/json", host),
                    SigningKey::derive("key", req.timestamp, service)
                        .for_host("application/json", "other.host"),
                    SigningKey::derive("key", req.timestamp, service),
                ] {
                    assert_eq!(
                        std::str::from_utf8(&signature(&req, &key, &payload_hash(req.payload)))
                            .unwrap(),
                        expected
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// Cloning a keyed HMAC and a SHA-256 that absorbed the canonical head (with keys,
        /// hosts and payloads of any length, across block edges) signs like the plain steps.
        #[test]
        fn cloned_states_sign_like_fresh_hmacs(
            secret_key in "[ -~]{0,150}",
            service in "[a-z]{1,80}",
            host in "[a-z0-9.:-]{1,120}",
            content_type in "[ -~]{0,80}",
            payload in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
            timestamp in 0u64..4_102_444_800,
        ) {
            let req = RequestToSign {
                secret_id: "AKID",
                secret_key: &secret_key,
                token: None,
                service: &service,
                host: &host,
                action: "A",
                version: "2020-03-03",
                region: None,
                language: None,
                content_type: &content_type,
                timestamp,
                payload: &payload,
            };
            let key = SigningKey::derive(&secret_key, timestamp, &service)
                .for_host(&content_type, &host);
            let signed = signature(&req, &key, &payload_hash(&payload));
            proptest::prop_assert_eq!(std::str::from_utf8(&signed).unwrap(), naive_signature(&req));
        }

        /// A keyed state reused for many messages given in parts equals a fresh HMAC each time.
        #[test]
        fn a_reused_keyed_hmac_equals_a_fresh_one(
            key in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
            prefix in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
            messages in proptest::collection::vec(
                proptest::collection::vec(proptest::num::u8::ANY, 0..200), 1..4),
        ) {
            let state = keyed(&key);
            for message in &messages {
                let expected = hmac_sha256(&key, &[prefix.as_slice(), message].concat());
                proptest::prop_assert_eq!(mac(&state, &[&prefix, message]), expected);
            }
        }
    }

    #[test]
    fn rfc_4231_test_case_2() {
        let signed = mac(&keyed(b"Jefe"), &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex32(&signed),
            *b"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_key_matches_only_its_day_secret_and_service() {
        let key = SigningKey::derive("secret", 1_704_067_199, "iai");
        assert!(key.matches("secret", 1_704_067_100, "iai"));
        assert!(
            !key.matches("secret", 1_704_067_200, "iai"),
            "the next UTC day needs a new key"
        );
        assert!(!key.matches("other", 1_704_067_100, "iai"));
        assert!(!key.matches("secret", 1_704_067_100, "cvm"));
        assert!(!format!("{key:?}").contains("secret"));
    }
}
