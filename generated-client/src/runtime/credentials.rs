//! Credentials and where they come from. Secrets never appear in `Debug` output.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// `SecretId` + `SecretKey`, and a session token for temporary credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
}

impl Credentials {
    /// Long-term credentials.
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            token: None,
        }
    }

    /// Temporary credentials: adds the session token sent as `X-TC-Token`.
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Reads `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and optional
    /// `TENCENTCLOUD_SESSION_TOKEN`.
    pub fn from_env() -> Result<Self, CredentialsError> {
        let id = non_empty_env(ENV_SECRET_ID);
        let key = non_empty_env(ENV_SECRET_KEY);
        match (id, key) {
            (Some(id), Some(key)) => {
                let creds = Credentials::new(id, key);
                Ok(match non_empty_env(ENV_SESSION_TOKEN) {
                    Some(token) => creds.with_session_token(token),
                    None => creds,
                })
            }
            (None, None) => Err(CredentialsError::new(format!(
                "no credentials: set {ENV_SECRET_ID} and {ENV_SECRET_KEY}"
            ))),
            (None, Some(_)) => Err(CredentialsError::new(format!(
                "{ENV_SECRET_KEY} is set but {ENV_SECRET_ID} is missing or empty"
            ))),
            (Some(_), None) => Err(CredentialsError::new(format!(
                "{ENV_SECRET_ID} is set but {ENV_SECRET_KEY} is missing or empty"
            ))),
        }
    }

    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    pub fn session_token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}

pub(crate) const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
pub(crate) const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
pub(crate) const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";

pub(crate) fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"** redacted **")
            .field("token", &self.token.as_ref().map(|_| "** redacted **"))
            .finish()
    }
}

/// A boxed future, so providers can be stored as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Supplies credentials for each request attempt. Implement it for credentials that rotate.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let creds = self.clone();
        Box::pin(async move { Ok(creds) })
    }
}

/// Credentials could not be found or loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    message: String,
}

impl CredentialsError {
    pub fn new(message: impl Into<String>) -> Self {
        CredentialsError {
            message: message.into(),
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "credentials error: {}", self.message)
    }
}

impl std::error::Error for CredentialsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let creds =
            Credentials::new("AKIDvisible", "super-secret-key").with_session_token("tok-123");
        let shown = format!("{creds:?}");
        assert!(shown.contains("AKIDvisible"));
        assert!(!shown.contains("super-secret-key"));
        assert!(!shown.contains("tok-123"));
    }
}
