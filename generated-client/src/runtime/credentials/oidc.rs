//! Credentials of a CAM role assumed with an OIDC web identity token, from STS
//! `AssumeRoleWithWebIdentity`: what a TKE pod with a service account's role uses.
//!
//! The call is unsigned (`Authorization: SKIP`, as the official SDKs send it): the web identity
//! token is what proves the caller.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::environment::Env;
use super::refreshing::{FetchFn, RefreshingCredentials};
use super::sts::{assume, RoleRequest, StsSettings};
use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
use crate::runtime::config::Endpoint;
use crate::runtime::transport::HttpTransport;

/// The region of the STS call (TKE sets it in every pod with a role).
pub const ENV_TKE_REGION: &str = "TKE_REGION";
/// The OIDC identity provider's ID.
pub const ENV_TKE_PROVIDER_ID: &str = "TKE_PROVIDER_ID";
/// The file holding the web identity token; TKE rotates it, so it is read at every refresh.
pub const ENV_TKE_WEB_IDENTITY_TOKEN_FILE: &str = "TKE_WEB_IDENTITY_TOKEN_FILE";
/// The role to assume.
pub const ENV_TKE_ROLE_ARN: &str = "TKE_ROLE_ARN";
/// All four, in the order the default chain reports them.
pub(crate) const TKE_VARIABLES: [&str; 4] = [
    ENV_TKE_REGION,
    ENV_TKE_PROVIDER_ID,
    ENV_TKE_WEB_IDENTITY_TOKEN_FILE,
    ENV_TKE_ROLE_ARN,
];

/// Temporary credentials of a CAM role assumed with a web identity token (STS
/// `AssumeRoleWithWebIdentity`), refreshed ahead of expiry one fetch at a time.
///
/// In a TKE pod, [`OidcRoleArnCredentials::from_tke_env`] reads everything from the variables
/// TKE sets; the default chain does that by itself.
pub struct OidcRoleArnCredentials {
    role_arn: String,
    inner: RefreshingCredentials<FetchFn>,
}

/// Where the web identity token comes from.
#[derive(Clone)]
enum WebIdentityToken {
    Fixed(String),
    /// Read at every fetch.
    File(PathBuf),
}

impl fmt::Debug for WebIdentityToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebIdentityToken::Fixed(_) => f.write_str("Fixed(** redacted **)"),
            WebIdentityToken::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

impl WebIdentityToken {
    fn read(&self) -> Result<String, CredentialsError> {
        match self {
            WebIdentityToken::Fixed(token) => Ok(token.clone()),
            WebIdentityToken::File(path) => match std::fs::read_to_string(path) {
                Ok(token) if !token.trim().is_empty() => Ok(token.trim().to_owned()),
                Ok(_) => Err(CredentialsError::new(format!(
                    "the web identity token file {} is empty",
                    path.display()
                ))),
                Err(e) => Err(CredentialsError::new(format!(
                    "cannot read the web identity token file {}: {e}",
                    path.display()
                ))),
            },
        }
    }
}

/// Configures an [`OidcRoleArnCredentials`].
#[derive(Debug)]
pub struct OidcRoleArnCredentialsBuilder {
    provider_id: String,
    token: Option<WebIdentityToken>,
    role: RoleRequest,
    sts: StsSettings,
}

impl OidcRoleArnCredentials {
    /// Assumes `role_arn` with a token from the OIDC provider `provider_id`; give the token
    /// with [`web_identity_token`](OidcRoleArnCredentialsBuilder::web_identity_token) or
    /// [`web_identity_token_file`](OidcRoleArnCredentialsBuilder::web_identity_token_file).
    pub fn builder(
        provider_id: impl Into<String>,
        role_arn: impl Into<String>,
    ) -> OidcRoleArnCredentialsBuilder {
        OidcRoleArnCredentialsBuilder {
            provider_id: provider_id.into(),
            token: None,
            role: RoleRequest::new(role_arn.into(), default_session_name()),
            sts: StsSettings::default(),
        }
    }

    /// From the variables TKE sets in a pod whose service account has a role:
    /// `TKE_REGION`, `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE` and `TKE_ROLE_ARN`.
    /// The STS endpoint may be replaced with `TENCENTCLOUD_STS_ENDPOINT`.
    pub fn from_tke_env() -> Result<Self, CredentialsError> {
        Self::from_tke_env_in(Env::Process, None)
    }

    pub(crate) fn from_tke_env_in(
        env: Env,
        sts_endpoint: Option<&Endpoint>,
    ) -> Result<Self, CredentialsError> {
        let mut values = Vec::with_capacity(4);
        let mut missing = Vec::new();
        for name in TKE_VARIABLES {
            match env.get(name) {
                Some(value) => values.push(value),
                None => missing.push(name),
            }
        }
        if !missing.is_empty() {
            return Err(CredentialsError::new(format!(
                "TKE OIDC: {} not set",
                missing.join(", ")
            )));
        }
        let [region, provider_id, token_file, role_arn] =
            <[String; 4]>::try_from(values).expect("four values");
        let mut builder = Self::builder(provider_id, role_arn)
            .web_identity_token_file(token_file)
            .region(region)
            .env(env);
        if let Some(endpoint) = sts_endpoint {
            builder = builder.endpoint(endpoint.clone());
        }
        builder.build()
    }

    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }
}

/// Unique per session, as the official SDKs name theirs.
fn default_session_name() -> String {
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_micros();
    format!("tencentcloud-rs-{micros}")
}

impl OidcRoleArnCredentialsBuilder {
    /// The web identity token itself.
    pub fn web_identity_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(WebIdentityToken::Fixed(token.into()));
        self
    }

    /// A file holding the token, read again at every refresh (TKE rotates it).
    pub fn web_identity_token_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.token = Some(WebIdentityToken::File(path.into()));
        self
    }

    /// The session's name (default `tencentcloud-rs-<microseconds since 1970>`).
    pub fn role_session_name(mut self, name: impl Into<String>) -> Self {
        self.role.session_name = name.into();
        self
    }

    /// Lifetime of the credentials asked for (default 7200, at most 43200).
    pub fn duration_seconds(mut self, seconds: u32) -> Self {
        self.role.duration_seconds = seconds;
        self
    }

    /// The region the call names (default `ap-guangzhou`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.sts.region = Some(region.into());
        self
    }

    /// STS's endpoint, instead of `TENCENTCLOUD_STS_ENDPOINT` or `https://sts.tencentcloudapi.com`.
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.sts.endpoint = Some(endpoint);
        self
    }

    /// The HTTP transport, instead of a built-in one that bypasses proxies.
    pub fn transport(mut self, transport: impl HttpTransport + 'static) -> Self {
        self.sts.transport = Some(Arc::new(transport));
        self
    }

    /// How long before expiry new credentials are fetched (default 5 minutes).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.sts.refresh_margin = Some(margin);
        self
    }

    pub(crate) fn env(mut self, env: Env) -> Self {
        self.sts.env = env;
        self
    }

    /// Checks the request (nothing is sent yet): the first call assumes the role.
    pub fn build(self) -> Result<OidcRoleArnCredentials, CredentialsError> {
        self.role.validate()?;
        if self.provider_id.trim().is_empty() {
            return Err(CredentialsError::new("the OIDC ProviderId is empty"));
        }
        let token = self.token.ok_or_else(|| {
            CredentialsError::new(
                "no web identity token: give `web_identity_token` or `web_identity_token_file`",
            )
        })?;
        let client = self.sts.client(None)?;
        let role = Arc::new(self.role);
        let provider_id: Arc<str> = self.provider_id.into();
        let role_arn = role.role_arn.clone();
        let fetch: FetchFn = Box::new(move || {
            let (client, role, token, provider_id) = (
                client.clone(),
                Arc::clone(&role),
                token.clone(),
                Arc::clone(&provider_id),
            );
            Box::pin(async move {
                let web_identity_token = token.read().map_err(|e| {
                    CredentialsError::new(format!("TKE OIDC for role {}: {e}", role.role_arn))
                })?;
                let parameters = serde_json::json!({
                    "ProviderId": &*provider_id,
                    "WebIdentityToken": web_identity_token,
                    "RoleArn": role.role_arn,
                    "RoleSessionName": role.session_name,
                    "DurationSeconds": role.duration_seconds,
                });
                assume(
                    &client,
                    "AssumeRoleWithWebIdentity",
                    &role.role_arn,
                    parameters,
                )
                .await
            })
        });
        Ok(OidcRoleArnCredentials {
            role_arn,
            inner: self.sts.refreshing(fetch),
        })
    }
}

impl fmt::Debug for OidcRoleArnCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcRoleArnCredentials")
            .field("role_arn", &self.role_arn)
            .field("credentials", &self.inner)
            .finish()
    }
}

impl ProvideCredentials for OidcRoleArnCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.inner.provide_credentials()
    }
}
