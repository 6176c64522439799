//! Credentials from the environment: `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and
//! optional `TENCENTCLOUD_SESSION_TOKEN`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::{Credentials, CredentialsError, CredentialsSource};

pub(crate) const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
pub(crate) const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
pub(crate) const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";

pub(crate) fn non_empty_env(name: &str) -> Option<String> {
    Env::Process.get(name)
}

/// Where environment variables come from: the process, or a fixed map in unit tests (so they
/// never mutate the process environment, which other tests read concurrently).
#[derive(Clone, Default)]
pub(crate) enum Env {
    #[default]
    Process,
    Fixed(Arc<HashMap<String, String>>),
}

/// Names only: the values may be secrets.
impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Env::Process => f.write_str("Process"),
            Env::Fixed(vars) => f.debug_set().entries(vars.keys()).finish(),
        }
    }
}

impl Env {
    /// The variable's value, unless it is unset, empty or only whitespace.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        let value = match self {
            Env::Process => std::env::var(name).ok(),
            Env::Fixed(vars) => vars.get(name).cloned(),
        };
        value.filter(|v| !v.trim().is_empty())
    }

    pub(crate) fn home_dir(&self) -> Option<PathBuf> {
        let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
        self.get(var).map(PathBuf::from)
    }
}

/// `Ok(None)` when neither variable is set; an error when only one of them is.
pub(crate) fn from_env_vars(env: &Env) -> Result<Option<Credentials>, CredentialsError> {
    match (env.get(ENV_SECRET_ID), env.get(ENV_SECRET_KEY)) {
        (Some(id), Some(key)) => {
            let creds = Credentials::new(id, key).with_source(CredentialsSource::Environment);
            Ok(Some(match env.get(ENV_SESSION_TOKEN) {
                Some(token) => creds.with_session_token(token),
                None => creds,
            }))
        }
        (None, None) => Ok(None),
        (None, Some(_)) => Err(CredentialsError::new(format!(
            "{ENV_SECRET_KEY} is set but {ENV_SECRET_ID} is missing or empty"
        ))),
        (Some(_), None) => Err(CredentialsError::new(format!(
            "{ENV_SECRET_ID} is set but {ENV_SECRET_KEY} is missing or empty"
        ))),
    }
}
