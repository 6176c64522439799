//! The CVM instance metadata server's role credentials, on the emulator's port (in reality
//! `http://metadata.tencentyun.com`, unsigned GETs):
//!
//! - `GET /latest/meta-data/cam/security-credentials/` answers the role name (`text/plain`);
//! - `GET /latest/meta-data/cam/security-credentials/<role>` answers
//!   `{"TmpSecretId", "TmpSecretKey", "Token", "ExpiredTime", "Expiration", "Code": "Success"}`.
//!
//! Without [`crate::EmulatorBuilder::cvm_role`], or for another role, both answer 404.
//!
//! Rotation, as the real server does it: the same credentials are answered until half their
//! lifetime has passed, then new ones (each new set counts as one issue in
//! [`crate::RunningEmulator::issued_credentials_by_source`]). The lifetime is 6 hours, or
//! [`crate::EmulatorBuilder::issued_credentials_lifetime`].

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use hyper::{Method, Response, StatusCode};
use serde_json::json;

use crate::issued::{CredentialSource, IssuedCredentials};
use crate::server::{json_response, text, ReplyBody};
use crate::Shared;

/// Every path the metadata server serves starts with this.
pub const PATH_PREFIX: &str = "/latest/";
/// Where the role name is, and under which the role's credentials are.
pub const CREDENTIALS_PATH: &str = "/latest/meta-data/cam/security-credentials/";
/// The lifetime of metadata credentials without an override.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(6 * 3600);

/// The role, the credentials currently handed out, and how many GETs arrived.
#[derive(Debug, Default)]
pub(crate) struct Metadata {
    pub role: Option<String>,
    current: Mutex<Option<(SystemTime, IssuedCredentials)>>,
    requests: AtomicUsize,
}

impl Metadata {
    pub fn new(role: Option<String>) -> Self {
        Metadata {
            role,
            ..Metadata::default()
        }
    }

    pub fn request_count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

pub fn is_metadata_path(path: &str) -> bool {
    path.starts_with(PATH_PREFIX)
}

/// Answers one request to a metadata path.
pub(crate) fn handle(shared: &Shared, method: &Method, path: &str) -> Response<ReplyBody> {
    let metadata = &shared.metadata;
    metadata.requests.fetch_add(1, Ordering::SeqCst);
    if method != Method::GET && method != Method::HEAD {
        return text(
            StatusCode::METHOD_NOT_ALLOWED,
            "the metadata server answers GET only\n",
        );
    }
    let not_found = || text(StatusCode::NOT_FOUND, "404 - Not Found\n");
    let (Some(role), Some(asked)) = (&metadata.role, path.strip_prefix(CREDENTIALS_PATH)) else {
        return not_found();
    };
    if asked.is_empty() {
        return text(StatusCode::OK, role);
    }
    if asked != role {
        return not_found();
    }
    let credentials = current_credentials(shared);
    let body = json!({
        "TmpSecretId": credentials.secret_id,
        "TmpSecretKey": credentials.secret_key,
        "ExpiredTime": credentials.expired_time(),
        "Expiration": credentials.expiration(),
        "Token": credentials.token,
        "Code": "Success",
    });
    json_response(body.to_string().into_bytes())
}

/// The credentials to answer: the current ones until half their lifetime has passed.
fn current_credentials(shared: &Shared) -> IssuedCredentials {
    let now = shared.clock.now();
    let mut current = shared
        .metadata
        .current
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some((issued_at, credentials)) = &*current {
        let lifetime = credentials
            .expires_at
            .duration_since(*issued_at)
            .unwrap_or_default();
        let age = now.duration_since(*issued_at).unwrap_or_default();
        // The store's copy, which RunningEmulator::expire_issued_credentials may have expired.
        let valid = shared
            .issued
            .find(&credentials.secret_id)
            .is_some_and(|c| !c.is_expired_at(now));
        if age < lifetime / 2 && valid {
            return credentials.clone();
        }
    }
    let fresh = shared
        .issued
        .issue(CredentialSource::Metadata, DEFAULT_LIFETIME, now);
    *current = Some((now, fresh.clone()));
    fresh
}
