//! The older API 3.0 signature, `HmacSHA256` (what tccli sends): the common parameters
//! (`Action`, `Version`, `Timestamp`, `Nonce`, `SecretId`, `SignatureMethod`, `Signature`, ...)
//! travel with the request parameters in the query string (GET) or a form body (POST), and
//! the signature is `base64(HMAC-SHA256(key, METHOD + host + path + "?" + sorted k=v&...))`.

use base64::Engine;
use hmac::{Hmac, Mac};
use hyper::Method;
use serde_json::{Map, Value};
use sha2::Sha256;
use tencentcloud_iai::runtime::action_table::ActionEntry;

use crate::gateway::{check_timestamp, check_token, find_action, find_credential, missing, Call};
use crate::semantics::ApiError;
use crate::Shared;

/// Common parameters of the older signature; everything else is a request parameter.
const COMMON: &[&str] = &[
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "SignatureMethod",
    "Signature",
    "Token",
    "Language",
    "RequestClient",
];

/// Verifies an `HmacSHA256`-signed call; its action and request parameters (as text leaves).
pub fn admit(
    shared: &Shared,
    call: &Call<'_>,
) -> Result<(&'static ActionEntry, Map<String, Value>), ApiError> {
    let text = if call.method == Method::GET {
        call.query.to_owned()
    } else {
        String::from_utf8_lossy(&call.body).into_owned()
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let signature = get("Signature").ok_or_else(|| missing("Authorization"))?;
    let action = get("Action").ok_or_else(|| missing("Action"))?;
    let version = get("Version").ok_or_else(|| missing("Version"))?;
    let timestamp = get("Timestamp").ok_or_else(|| missing("Timestamp"))?;
    let secret_id = get("SecretId").ok_or_else(|| missing("SecretId"))?;
    get("Nonce").ok_or_else(|| missing("Nonce"))?;
    if get("SignatureMethod") != Some("HmacSHA256") {
        return Err(ApiError::new(
            "AuthFailure.InvalidAuthorization",
            "Only TC3-HMAC-SHA256 and SignatureMethod=HmacSHA256 signatures are supported.",
        ));
    }
    check_timestamp(shared, timestamp)?;
    let credential = find_credential(shared, secret_id)?;
    let host = call
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let mut signed: Vec<&(String, String)> =
        pairs.iter().filter(|(k, _)| k != "Signature").collect();
    signed.sort();
    let query: Vec<String> = signed.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let to_sign = format!("{}{host}/?{}", call.method, query.join("&"));
    let mut mac = Hmac::<Sha256>::new_from_slice(credential.secret_key().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(to_sign.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if !crate::tc3::same_signature(&expected, signature) {
        return Err(ApiError::new(
            "AuthFailure.SignatureFailure",
            "The HmacSHA256 signature does not match the request.",
        ));
    }
    check_token(shared, &credential, get("Token"))?;
    let entry = find_action(version, action)?;
    let params: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(k, _)| !COMMON.contains(&k.as_str())))
        .finish();
    Ok((entry, crate::query::to_json(&params)))
}
