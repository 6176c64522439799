//! Credentials from a profile of the official SDKs' credentials file (see
//! [`crate::runtime::profile`] for the format): its keys, or the role it names (`role_arn`,
//! optional `role_session_name` and `duration_seconds`), assumed with its keys.

use std::path::Path;

use super::environment::Env;
use super::sts::{StsAssumeRoleCredentials, DEFAULT_DURATION_SECONDS};
use super::{Credentials, CredentialsError, CredentialsSource};
use crate::runtime::config::Endpoint;
use crate::runtime::profile::ProfileFile;

/// What a profile gives.
pub(crate) enum ProfileSource {
    Keys(Credentials),
    /// The profile names a role; its keys assume it.
    Role(StsAssumeRoleCredentials),
}

pub(crate) fn load_profile(
    path: &Path,
    profile: &str,
    env: &Env,
    sts_endpoint: Option<&Endpoint>,
) -> Result<ProfileSource, CredentialsError> {
    let in_file = |e: &dyn std::fmt::Display| {
        CredentialsError::new(format!("credentials file {}: {e}", path.display()))
    };
    let file = ProfileFile::load(path)?;
    let keys = file
        .credentials(profile)
        .map_err(|e| in_file(&e))?
        .with_source(CredentialsSource::ProfileFile {
            path: path.to_owned(),
            profile: profile.to_owned(),
        });
    let Some(role_arn) = file.get(profile, "role_arn").filter(|v| !v.is_empty()) else {
        return Ok(ProfileSource::Keys(keys));
    };
    let session_name = file
        .get(profile, "role_session_name")
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("tencentcloud-rs-profile-{profile}"));
    let duration = match file.get(profile, "duration_seconds") {
        None | Some("") => DEFAULT_DURATION_SECONDS,
        Some(text) => text.parse().map_err(|_| {
            in_file(&format!(
                "[{profile}] duration_seconds {text:?} is not a whole number of seconds"
            ))
        })?,
    };
    let mut role = StsAssumeRoleCredentials::builder(keys, role_arn, session_name)
        .duration_seconds(duration)
        .env(env.clone());
    if let Some(endpoint) = sts_endpoint {
        role = role.endpoint(endpoint.clone());
    }
    let role = role
        .build()
        .map_err(|e| in_file(&format!("[{profile}] role_arn: {}", e.message())))?;
    tracing::debug!(profile, role_arn, "the profile assumes a role");
    Ok(ProfileSource::Role(role))
}
