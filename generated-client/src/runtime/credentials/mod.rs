//! Credentials and where they come from. Secrets never appear in `Debug` output or errors.
//!
//! - [`Credentials`]: a key pair, optionally with a session token and an expiry.
//! - [`DefaultCredentialsChain`]: explicit credentials, else the environment, else the official
//!   SDKs' credentials file (see [`super::profile`]), else TKE OIDC, else the CVM role; what
//!   `Config::from_env()` uses.
//! - [`RefreshingCredentials`]: temporary credentials from your own async fetch function,
//!   cached and refreshed ahead of expiry, one refresh at a time.
//!
//! - [`CvmRoleCredentials`], [`StsAssumeRoleCredentials`], [`OidcRoleArnCredentials`]: the
//!   role credentials of a CVM instance, of an assumed role and of a TKE pod.
//!
//! One module per source: [`environment`], [`profile`], [`cvm_role`], [`sts`], [`oidc`],
//! [`chain`], and [`refreshing`], the cache they share.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

pub mod chain;
pub mod cvm_role;
pub mod environment;
pub mod oidc;
pub mod profile;
pub mod refreshing;
pub mod source;
pub mod sts;

pub use chain::DefaultCredentialsChain;
pub use cvm_role::{CvmRoleCredentials, CvmRoleCredentialsBuilder};
pub(crate) use environment::non_empty_env;
pub use oidc::{OidcRoleArnCredentials, OidcRoleArnCredentialsBuilder};
pub use refreshing::{
    RefreshingCredentials, DEFAULT_FAILED_REFRESH_BACKOFF, DEFAULT_REFRESH_MARGIN,
};
pub use source::{CredentialsSource, SignedBy};
pub use sts::{StsAssumeRoleCredentials, StsAssumeRoleCredentialsBuilder};

use environment::{from_env_vars, Env, ENV_SECRET_ID, ENV_SECRET_KEY};

/// `SecretId` + `SecretKey`, and a session token for temporary credentials; and where they
/// came from, which an `AuthFailure` error names.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    expiry: Option<SystemTime>,
    source: CredentialsSource,
}

impl Credentials {
    /// Long-term credentials.
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            token: None,
            expiry: None,
            source: CredentialsSource::Code,
        }
    }

    /// Says where the keys came from (the built-in providers set it; the default is
    /// [`CredentialsSource::Code`]).
    pub fn with_source(mut self, source: CredentialsSource) -> Self {
        self.source = source;
        self
    }

    /// Temporary credentials: adds the session token sent as `X-TC-Token`.
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// When temporary credentials stop working (e.g. STS `ExpiredTime`). Used by
    /// [`RefreshingCredentials`] to refresh ahead of time; the client itself does not check it.
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// Reads `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and optional
    /// `TENCENTCLOUD_SESSION_TOKEN`. See [`DefaultCredentialsChain`] for the full lookup.
    pub fn from_env() -> Result<Self, CredentialsError> {
        match from_env_vars(&Env::Process)? {
            Some(credentials) => Ok(credentials),
            None => Err(CredentialsError::new(format!(
                "no credentials: set {ENV_SECRET_ID} and {ENV_SECRET_KEY}"
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

    /// See [`Credentials::with_expiry`]; `None` means the credentials do not expire.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// Where the keys came from.
    pub fn source(&self) -> &CredentialsSource {
        &self.source
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Credentials");
        s.field("secret_id", &self.secret_id)
            .field("secret_key", &"** redacted **")
            .field("token", &self.token.as_ref().map(|_| "** redacted **"));
        if let Some(expiry) = self.expiry {
            s.field("expiry", &expiry);
        }
        s.field("source", &self.source);
        s.finish()
    }
}

/// A boxed future, so providers can be stored as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Supplies credentials for each request attempt. Implement it for credentials that rotate.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;

    /// Credentials that will not change, if the provider already holds them: the client then
    /// borrows them instead of awaiting and copying on every call. Rotating providers keep the
    /// default, `None`.
    fn fixed_credentials(&self) -> Option<&Credentials> {
        None
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for std::sync::Arc<T> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide_credentials()
    }

    fn fixed_credentials(&self) -> Option<&Credentials> {
        (**self).fixed_credentials()
    }
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let creds = self.clone();
        Box::pin(async move { Ok(creds) })
    }

    fn fixed_credentials(&self) -> Option<&Credentials> {
        Some(self)
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

impl CredentialsError {
    /// The problem without the `credentials error:` prefix.
    pub fn message(&self) -> &str {
        &self.message
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
        let creds = Credentials::new("AKIDvisible", "super-secret-key")
            .with_session_token("tok-123")
            .with_expiry(SystemTime::UNIX_EPOCH);
        let shown = format!("{creds:?}");
        assert!(shown.contains("AKIDvisible") && shown.contains("expiry"));
        assert!(!shown.contains("super-secret-key"));
        assert!(!shown.contains("tok-123"));
    }
}
