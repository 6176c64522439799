//! STS (Security Token Service, API 2018-08-13) on the emulator's port: `AssumeRole`, signed
//! with TC3-HMAC-SHA256 for service `sts` by any key the gateway knows, and
//! `AssumeRoleWithWebIdentity`, sent unsigned (`Authorization: SKIP`, as the official SDKs
//! send it) with an OIDC token checked against a configured one. Both hand out temporary
//! credentials from [`crate::issued`], which the IAI gateway then accepts until they expire.
//!
//! A call is STS's when it names version 2018-08-13 or an STS action. Error codes are STS's own (tencentcloud-sdk-go `sts/v20180813/errors.go`):
//!
//! | Case | Code |
//! |---|---|
//! | role not in [`crate::EmulatorBuilder::sts_role`] | `ResourceNotFound.RoleNotFound` |
//! | `RoleSessionName` not 2–128 of `[\w+=,.@-]`, a parameter of the wrong type, unknown `ProviderId` | `InvalidParameter.ParamError` |
//! | `DurationSeconds` above 43200 | `InvalidParameter.OverTimeError` (below 1: `InvalidParameter.ParamError`) |
//! | web identity token that does not match, or marked expired | `InvalidParameter.WebIdentityTokenError` |
//! | a required parameter absent | `MissingParameter` |
//! | an STS action other than these two | `InvalidAction` |
//!
//! Signature failures are the gateway's (`AuthFailure.SignatureFailure`, ...). Faults
//! ([`crate::faults`]) apply by action name, as for IAI actions.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hyper::Method;
use serde_json::{json, Map, Value};

use crate::gateway::{self, header, missing, Call, Outcome, Progress};
use crate::issued::CredentialSource;
use crate::semantics::{Answer, ApiError};
use crate::Shared;

/// STS's API version.
pub const VERSION: &str = "2018-08-13";
/// The service name in STS credential scopes.
pub const SERVICE: &str = "sts";
/// `DurationSeconds` when not given.
pub const DEFAULT_DURATION_SECS: u64 = 7200;
/// The longest `DurationSeconds` STS grants.
pub const MAX_DURATION_SECS: u64 = 43200;

const ASSUME_ROLE: &str = "AssumeRole";
const WEB_IDENTITY: &str = "AssumeRoleWithWebIdentity";
/// STS actions that exist on the real service; only the first two are emulated.
const STS_ACTIONS: &[&str] = &[
    ASSUME_ROLE,
    WEB_IDENTITY,
    "AssumeRoleWithSAML",
    "GetCallerIdentity",
    "GetFederationToken",
    "QueryApiKey",
];

/// An OIDC identity provider and the one web identity token it accepts. Debug output hides
/// the token.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcProvider {
    pub provider_id: String,
    pub web_identity_token: String,
}

impl std::fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcProvider")
            .field("provider_id", &self.provider_id)
            .field("web_identity_token", &"** redacted **")
            .finish()
    }
}

/// What the emulated STS knows.
#[derive(Debug, Default)]
pub(crate) struct Sts {
    pub roles: Vec<String>,
    pub providers: Vec<OidcProvider>,
    /// Every web identity token is refused as expired.
    pub tokens_expired: AtomicBool,
}

impl Sts {
    pub fn set_tokens_expired(&self, expired: bool) {
        self.tokens_expired.store(expired, Ordering::SeqCst)
    }
}

/// Whether this call is for STS rather than IAI: STS's version or one of its actions. The
/// credential scope is not looked at here, so an IAI call signed for `sts` (or the reverse)
/// fails its signature check, as it would on the real endpoints.
pub(crate) fn is_sts_call(call: &Call<'_>) -> bool {
    header(call, "x-tc-version") == Some(VERSION)
        || header(call, "x-tc-action").is_some_and(|a| STS_ACTIONS.contains(&a))
}

pub(crate) async fn handle(
    shared: &Shared,
    call: &Call<'_>,
    progress: &mut Progress,
    request_id: &str,
) -> Outcome {
    let action = match admit(shared, call) {
        Ok(action) => action,
        Err(e) => return gateway::refusal(e, request_id),
    };
    progress.action = Some(action.to_owned());
    progress.authenticated = true;
    let delivery = match gateway::apply_faults(shared, action, request_id).await {
        Ok(delivery) => delivery,
        Err(outcome) => return outcome,
    };
    let answer = gateway::parameters(call).and_then(|params| {
        let params = Params(&params);
        if action == ASSUME_ROLE {
            assume_role(shared, &params)
        } else {
            assume_role_with_web_identity(shared, &params)
        }
    });
    let answer = answer.map(|mut map| {
        map.insert("RequestId".into(), json!(request_id));
        map
    });
    gateway::deliver(answer, request_id, delivery)
}

/// Method, action and version; the signature, except for the unsigned web identity call.
fn admit(shared: &Shared, call: &Call<'_>) -> Result<&'static str, ApiError> {
    if call.method != Method::POST && call.method != Method::GET {
        return Err(ApiError::new(
            "UnsupportedProtocol",
            format!(
                "HTTP method {} is not supported; use POST or GET.",
                call.method
            ),
        ));
    }
    let action = header(call, "x-tc-action")
        .filter(|a| !a.is_empty())
        .ok_or_else(|| missing("X-TC-Action"))?;
    let version = header(call, "x-tc-version")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing("X-TC-Version"))?;
    if version != VERSION {
        return Err(ApiError::new(
            "NoSuchVersion",
            format!("The API version `{version}` does not exist; STS has {VERSION}."),
        ));
    }
    // Sent with `Authorization: SKIP`: the web identity token is the proof, not a key.
    if action == WEB_IDENTITY {
        return Ok(WEB_IDENTITY);
    }
    gateway::authenticate(shared, call, SERVICE)?;
    if action == ASSUME_ROLE {
        return Ok(ASSUME_ROLE);
    }
    Err(ApiError::new(
        "InvalidAction",
        format!("The STS action `{action}` does not exist or is not emulated (only {ASSUME_ROLE} and {WEB_IDENTITY} are)."),
    ))
}

fn assume_role(shared: &Shared, params: &Params<'_>) -> Answer {
    let role_arn = params.required_str("RoleArn")?;
    let session_name = params.required_str("RoleSessionName")?;
    check_session_name(session_name)?;
    let duration = params.duration_seconds()?;
    find_role(shared, role_arn)?;
    Ok(issue(shared, CredentialSource::AssumeRole, duration))
}

fn assume_role_with_web_identity(shared: &Shared, params: &Params<'_>) -> Answer {
    let provider_id = params.required_str("ProviderId")?;
    let token = params.required_str("WebIdentityToken")?;
    let role_arn = params.required_str("RoleArn")?;
    let session_name = params.required_str("RoleSessionName")?;
    check_session_name(session_name)?;
    let duration = params.duration_seconds()?;
    let provider = shared
        .sts
        .providers
        .iter()
        .find(|p| p.provider_id == provider_id)
        .ok_or_else(|| {
            param_error(format!(
                "There is no OIDC identity provider `{provider_id}` (the emulator knows {}).",
                shared
                    .sts
                    .providers
                    .iter()
                    .map(|p| format!("`{}`", p.provider_id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    let token_error = |why: &str| ApiError::new("InvalidParameter.WebIdentityTokenError", why);
    if !crate::tc3::same_signature(token, &provider.web_identity_token) {
        return Err(token_error(
            "The WebIdentityToken is not valid for this identity provider.",
        ));
    }
    if shared.sts.tokens_expired.load(Ordering::SeqCst) {
        return Err(token_error("The WebIdentityToken has expired."));
    }
    find_role(shared, role_arn)?;
    Ok(issue(shared, CredentialSource::WebIdentity, duration))
}

fn find_role(shared: &Shared, role_arn: &str) -> Result<(), ApiError> {
    if shared.sts.roles.iter().any(|r| r == role_arn) {
        return Ok(());
    }
    Err(ApiError::new(
        "ResourceNotFound.RoleNotFound",
        format!("The role `{role_arn}` does not exist (give it to the emulator with --sts-role or EmulatorBuilder::sts_role)."),
    ))
}

/// New credentials and the answer's fields (all but `RequestId`).
fn issue(shared: &Shared, source: CredentialSource, duration: Duration) -> Map<String, Value> {
    let issued = shared.issued.issue(source, duration, shared.clock.now());
    let answer = json!({
        "Credentials": {
            "Token": issued.token,
            "TmpSecretId": issued.secret_id,
            "TmpSecretKey": issued.secret_key,
        },
        "ExpiredTime": issued.expired_time(),
        "Expiration": issued.expiration(),
    });
    match answer {
        Value::Object(map) => map,
        _ => unreachable!("built as an object"),
    }
}

/// 2 to 128 characters of `[\w+=,.@-]`, as STS documents `RoleSessionName`.
fn check_session_name(name: &str) -> Result<(), ApiError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
    let length = name.chars().count();
    if !(2..=128).contains(&length) || !name.chars().all(allowed) {
        return Err(param_error(format!(
            "RoleSessionName `{name}` must be 2 to 128 characters of letters, digits and =,.@_-+."
        )));
    }
    Ok(())
}

fn param_error(message: String) -> ApiError {
    ApiError::new("InvalidParameter.ParamError", message)
}

/// The parameters of an STS call (JSON body, or query string with every value as text).
struct Params<'a>(&'a Map<String, Value>);

impl Params<'_> {
    fn required_str(&self, name: &str) -> Result<&str, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Err(ApiError::new(
                "MissingParameter",
                format!("The required parameter `{name}` is missing."),
            )),
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(param_error(format!("`{name}` must be a string."))),
        }
    }

    /// `DurationSeconds`: default 7200, at most 43200.
    fn duration_seconds(&self) -> Result<Duration, ApiError> {
        let secs = match self.0.get("DurationSeconds") {
            None | Some(Value::Null) => DEFAULT_DURATION_SECS,
            Some(Value::Number(n)) => n.as_i64().ok_or_else(not_an_integer)?.max(0) as u64,
            Some(Value::String(s)) => s
                .trim()
                .parse::<i64>()
                .map_err(|_| not_an_integer())?
                .max(0) as u64,
            Some(_) => return Err(not_an_integer()),
        };
        if secs == 0 {
            return Err(param_error(
                "DurationSeconds must be at least 1.".to_owned(),
            ));
        }
        if secs > MAX_DURATION_SECS {
            return Err(ApiError::new(
                "InvalidParameter.OverTimeError",
                format!("DurationSeconds {secs} exceeds the maximum of {MAX_DURATION_SECS}."),
            ));
        }
        Ok(Duration::from_secs(secs))
    }
}

fn not_an_integer() -> ApiError {
    param_error("DurationSeconds must be an integer number of seconds.".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_follow_the_documented_pattern() {
        for good in ["ab", "ci-run.42@example_=,+", &"x".repeat(128)] {
            assert!(check_session_name(good).is_ok(), "{good}");
        }
        for bad in ["a", "", "has space", "slash/", &"x".repeat(129)] {
            let e = check_session_name(bad).unwrap_err();
            assert_eq!(e.code, "InvalidParameter.ParamError", "{bad}");
        }
    }

    #[test]
    fn duration_defaults_and_bounds() {
        let duration = |v: Value| {
            let mut map = Map::new();
            if !v.is_null() {
                map.insert("DurationSeconds".into(), v);
            }
            Params(&map).duration_seconds().map_err(|e| e.code)
        };
        assert_eq!(duration(Value::Null), Ok(Duration::from_secs(7200)));
        assert_eq!(duration(json!(43200)), Ok(Duration::from_secs(43200)));
        assert_eq!(duration(json!("900")), Ok(Duration::from_secs(900)));
        assert_eq!(
            duration(json!(43201)),
            Err("InvalidParameter.OverTimeError".into())
        );
        for bad in [json!(0), json!(-5), json!(1.5), json!("soon"), json!(true)] {
            assert_eq!(
                duration(bad.clone()),
                Err("InvalidParameter.ParamError".into()),
                "{bad}"
            );
        }
    }

    #[test]
    fn providers_hide_their_token() {
        let p = OidcProvider {
            provider_id: "tke-oidc".into(),
            web_identity_token: "eyJhbGciOiJSUzI1NiJ9.secret".into(),
        };
        let debug = format!("{p:?}");
        assert!(
            debug.contains("tke-oidc") && !debug.contains("secret"),
            "{debug}"
        );
    }
}
