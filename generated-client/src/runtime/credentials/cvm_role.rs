//! Credentials of the CAM role attached to a CVM instance, from the instance metadata server.
//!
//! `GET <metadata>/latest/meta-data/cam/security-credentials/` answers the role's name, and
//! `GET .../security-credentials/<role>` its temporary credentials. Off Tencent Cloud nothing
//! answers there, so the timeouts are short by default (connect 1 s, each request 2 s): the
//! default chain gives up in seconds rather than minutes.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::Deserialize;

use super::environment::Env;
use super::refreshing::{FetchFn, RefreshingCredentials};
use super::{BoxFuture, Credentials, CredentialsError, CredentialsSource, ProvideCredentials};
use crate::runtime::transport::{provider_transport, HttpRequest, HttpTransport};

/// Replaces [`DEFAULT_METADATA_ENDPOINT`] (scheme, host and optional port).
pub const ENV_METADATA_ENDPOINT: &str = "TENCENTCLOUD_METADATA_ENDPOINT";
/// Where CVM instances reach their metadata server.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://metadata.tencentyun.com";
/// Default limit on connection set-up with the metadata server.
pub const DEFAULT_METADATA_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Default limit on each request to the metadata server, connection included.
pub const DEFAULT_METADATA_TIMEOUT: Duration = Duration::from_secs(2);

const CREDENTIALS_PATH: &str = "/latest/meta-data/cam/security-credentials/";

/// Temporary credentials of the instance's CAM role, refreshed ahead of expiry (one fetch at a
/// time, see [`RefreshingCredentials`]). The metadata server is reached directly, never
/// through a proxy.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use tencentcloud_iai::runtime::credentials::CvmRoleCredentials;
/// use tencentcloud_iai::Config;
///
/// let config = Config::builder()
///     .credentials_provider(CvmRoleCredentials::builder().build()?)
///     .build()?;
/// # Ok(())
/// # }
/// ```
pub struct CvmRoleCredentials {
    endpoint: String,
    inner: RefreshingCredentials<FetchFn>,
}

/// Configures a [`CvmRoleCredentials`].
#[derive(Debug)]
pub struct CvmRoleCredentialsBuilder {
    endpoint: Option<String>,
    role: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    refresh_margin: Option<Duration>,
    transport: Option<Arc<dyn HttpTransport>>,
    env: Env,
}

impl CvmRoleCredentials {
    pub fn builder() -> CvmRoleCredentialsBuilder {
        CvmRoleCredentialsBuilder {
            endpoint: None,
            role: None,
            connect_timeout: DEFAULT_METADATA_CONNECT_TIMEOUT,
            timeout: DEFAULT_METADATA_TIMEOUT,
            refresh_margin: None,
            transport: None,
            env: Env::Process,
        }
    }

    /// The metadata server's base URL, e.g. `http://metadata.tencentyun.com`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl CvmRoleCredentialsBuilder {
    /// The metadata server, instead of `TENCENTCLOUD_METADATA_ENDPOINT` or
    /// `http://metadata.tencentyun.com`.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The role's name, instead of asking the metadata server for it.
    pub fn role_name(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// Limit on connection set-up (default 1 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Limit on each request, connection included (default 2 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long before expiry new credentials are fetched (default 5 minutes).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = Some(margin);
        self
    }

    /// The HTTP transport, instead of a built-in one that bypasses proxies.
    pub fn transport(mut self, transport: impl HttpTransport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    pub(crate) fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    pub fn build(self) -> Result<CvmRoleCredentials, CredentialsError> {
        let endpoint = self
            .endpoint
            .or_else(|| self.env.get(ENV_METADATA_ENDPOINT))
            .unwrap_or_else(|| DEFAULT_METADATA_ENDPOINT.to_owned());
        let endpoint = endpoint.trim().trim_end_matches('/').to_owned();
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(CredentialsError::new(format!(
                "metadata server endpoint {endpoint:?} must start with http:// or https://"
            )));
        }
        let transport = match self.transport {
            Some(transport) => transport,
            None => provider_transport(self.connect_timeout, true)
                .map_err(|e| CredentialsError::new(format!("metadata server client: {e}")))?,
        };
        let server = Arc::new(MetadataServer {
            endpoint: endpoint.clone(),
            role: self.role,
            timeout: self.timeout,
            transport,
        });
        let fetch: FetchFn = Box::new(move || {
            let server = Arc::clone(&server);
            Box::pin(async move { server.fetch().await })
        });
        let mut inner = RefreshingCredentials::new(fetch);
        if let Some(margin) = self.refresh_margin {
            inner = inner.refresh_margin(margin);
        }
        Ok(CvmRoleCredentials { endpoint, inner })
    }
}

struct MetadataServer {
    endpoint: String,
    role: Option<String>,
    timeout: Duration,
    transport: Arc<dyn HttpTransport>,
}

/// The role's credentials as the metadata server answers them.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleCredentials {
    code: Option<String>,
    tmp_secret_id: Option<String>,
    tmp_secret_key: Option<String>,
    token: Option<String>,
    expired_time: Option<u64>,
}

impl MetadataServer {
    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let role = match &self.role {
            Some(role) => role.clone(),
            None => {
                let body = self.get(CREDENTIALS_PATH, "the role name").await?;
                let text = String::from_utf8_lossy(&body);
                match text.lines().map(str::trim).find(|line| !line.is_empty()) {
                    Some(role) => role.to_owned(),
                    None => {
                        return Err(self.failed(
                            "the role name",
                            "answered no role name (is a CAM role attached to the instance?)",
                        ))
                    }
                }
            }
        };
        let what = format!("the credentials of role `{role}`");
        let body = self
            .get(&format!("{CREDENTIALS_PATH}{role}"), &what)
            .await?;
        let answer: RoleCredentials = serde_json::from_slice(&body).map_err(|e| {
            // serde's message names the position, never the content.
            self.failed(
                &what,
                &format!("answered something that is not the expected JSON ({e})"),
            )
        })?;
        if answer.code.as_deref() != Some("Success") {
            let code = answer.code.as_deref().unwrap_or("(none)");
            return Err(self.failed(&what, &format!("answered Code {code:?}, not \"Success\"")));
        }
        let (Some(id), Some(key), Some(token), Some(expired)) = (
            answer.tmp_secret_id,
            answer.tmp_secret_key,
            answer.token,
            answer.expired_time,
        ) else {
            return Err(self.failed(
                &what,
                "answered without TmpSecretId, TmpSecretKey, Token or ExpiredTime",
            ));
        };
        tracing::debug!(role = %role, expired_time = expired, "fetched CVM role credentials");
        Ok(Credentials::new(id, key)
            .with_session_token(token)
            .with_expiry(SystemTime::UNIX_EPOCH + Duration::from_secs(expired))
            .with_source(CredentialsSource::CvmRole { role }))
    }

    /// The body of a 2xx answer to `GET <endpoint><path>`.
    async fn get(&self, path: &str, what: &str) -> Result<bytes::Bytes, CredentialsError> {
        let request = HttpRequest::get(format!("{}{path}", self.endpoint));
        let response = match tokio::time::timeout(self.timeout, self.transport.send(request)).await
        {
            Err(_elapsed) => {
                return Err(self.failed(
                    what,
                    &format!("did not answer within {}", seconds(self.timeout)),
                ))
            }
            Ok(Err(e)) => return Err(self.failed(what, &format!("could not be reached: {e}"))),
            Ok(Ok(response)) => response,
        };
        match response.status {
            200..=299 => Ok(response.body),
            404 => Err(self.failed(
                what,
                "answered HTTP 404 (no CAM role attached to the instance, or another role name)",
            )),
            status => Err(self.failed(what, &format!("answered HTTP {status}"))),
        }
    }

    fn failed(&self, what: &str, problem: &str) -> CredentialsError {
        CredentialsError::new(format!(
            "metadata server at {} {problem} (asked for {what})",
            self.endpoint
        ))
    }
}

/// `1 s`, `2 s`, `0.5 s`.
pub(crate) fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs} s")
    }
}

impl fmt::Debug for CvmRoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CvmRoleCredentials")
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.inner)
            .finish()
    }
}

impl ProvideCredentials for CvmRoleCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.inner.provide_credentials()
    }
}
