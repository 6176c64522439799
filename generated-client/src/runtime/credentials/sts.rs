//! Credentials of an assumed role, from STS `AssumeRole`: the source credentials (any provider)
//! sign the call, and the role's temporary credentials come back.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::Deserialize;

use super::environment::Env;
use super::refreshing::{FetchFn, RefreshingCredentials};
use super::{BoxFuture, Credentials, CredentialsError, CredentialsSource, ProvideCredentials};
use crate::runtime::client::Client;
use crate::runtime::common_call::CommonError;
use crate::runtime::config::{ConfigBuilder, Endpoint};
use crate::runtime::error::SdkError;
use crate::runtime::service::ServiceIdentity;
use crate::runtime::transport::{provider_transport, HttpTransport};

/// Security Token Service, API 2018-08-13: the service that hands out role credentials.
pub static STS: ServiceIdentity =
    ServiceIdentity::new("sts", "2018-08-13", "sts.tencentcloudapi.com")
        .with_endpoint_env(ENV_STS_ENDPOINT);

/// A full URL replacing `https://sts.tencentcloudapi.com`.
pub const ENV_STS_ENDPOINT: &str = "TENCENTCLOUD_STS_ENDPOINT";
/// The region STS calls name unless told otherwise, as the official SDKs do.
pub const DEFAULT_STS_REGION: &str = "ap-guangzhou";
/// How long assumed-role credentials live unless told otherwise.
pub const DEFAULT_DURATION_SECONDS: u32 = 7200;
/// The longest lifetime STS grants.
pub const MAX_DURATION_SECONDS: u32 = 43200;
/// Limits on STS calls: they are small, and credentials are refreshed ahead of time.
const STS_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const STS_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
const STS_TIMEOUT: Duration = Duration::from_secs(20);

/// Temporary credentials of a CAM role, assumed with STS `AssumeRole` (TC3-signed for service
/// `sts` with the source credentials), refreshed ahead of expiry one fetch at a time.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use tencentcloud_iai::runtime::credentials::StsAssumeRoleCredentials;
/// use tencentcloud_iai::{Config, Credentials};
///
/// let source = Credentials::from_env()?;
/// let role = StsAssumeRoleCredentials::builder(
///     source,
///     "qcs::cam::uin/100000000001:roleName/ci",
///     "nightly-job",
/// )
/// .duration_seconds(3600)
/// .build()?;
/// let config = Config::builder().credentials_provider(role).build()?;
/// # Ok(())
/// # }
/// ```
pub struct StsAssumeRoleCredentials {
    role_arn: String,
    inner: RefreshingCredentials<FetchFn>,
}

/// Configures a [`StsAssumeRoleCredentials`].
#[derive(Debug)]
pub struct StsAssumeRoleCredentialsBuilder {
    source: Arc<dyn ProvideCredentials>,
    role: RoleRequest,
    sts: StsSettings,
}

/// What every role request names.
#[derive(Debug, Clone)]
pub(crate) struct RoleRequest {
    pub(crate) role_arn: String,
    pub(crate) session_name: String,
    pub(crate) duration_seconds: u32,
}

impl RoleRequest {
    pub(crate) fn new(role_arn: String, session_name: String) -> Self {
        RoleRequest {
            role_arn,
            session_name,
            duration_seconds: DEFAULT_DURATION_SECONDS,
        }
    }

    /// The limits STS states, checked before any call.
    pub(crate) fn validate(&self) -> Result<(), CredentialsError> {
        if self.role_arn.trim().is_empty() {
            return Err(CredentialsError::new("the RoleArn is empty"));
        }
        let name = &self.session_name;
        let name_ok = (2..=128).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
        if !name_ok {
            return Err(CredentialsError::new(format!(
                "RoleSessionName {name:?} must be 2 to 128 letters, digits or `_+=,.@-`"
            )));
        }
        if !(1..=MAX_DURATION_SECONDS).contains(&self.duration_seconds) {
            return Err(CredentialsError::new(format!(
                "DurationSeconds {} is out of range: STS grants 1 to {MAX_DURATION_SECONDS} seconds",
                self.duration_seconds
            )));
        }
        Ok(())
    }
}

/// Where STS is and how to reach it.
#[derive(Debug, Default)]
pub(crate) struct StsSettings {
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Option<Endpoint>,
    pub(crate) transport: Option<Arc<dyn HttpTransport>>,
    pub(crate) refresh_margin: Option<Duration>,
    pub(crate) env: Env,
}

impl StsSettings {
    /// A client of STS; `unsigned` for `AssumeRoleWithWebIdentity`.
    pub(crate) fn client(
        &self,
        credentials: Option<Arc<dyn ProvideCredentials>>,
    ) -> Result<Client, CredentialsError> {
        let endpoint = match (&self.endpoint, self.env.get(ENV_STS_ENDPOINT)) {
            (Some(endpoint), _) => endpoint.clone(),
            (None, Some(url)) => Endpoint::parse(url.trim()).map_err(|e| {
                CredentialsError::new(format!("{ENV_STS_ENDPOINT}: {}", e.message()))
            })?,
            (None, None) => Endpoint::https(STS.default_host()),
        };
        let transport = match &self.transport {
            Some(transport) => Arc::clone(transport),
            None => provider_transport(STS_CONNECT_TIMEOUT, false)
                .map_err(|e| CredentialsError::new(format!("STS client: {e}")))?,
        };
        let mut builder = ConfigBuilder::for_service(&STS)
            .region(self.region.as_deref().unwrap_or(DEFAULT_STS_REGION))
            .endpoint(endpoint)
            .timeout(STS_TIMEOUT)
            .attempt_timeout(STS_ATTEMPT_TIMEOUT)
            .shared_transport(transport);
        builder = match credentials {
            Some(credentials) => builder.shared_credentials_provider(credentials),
            None => builder.unsigned(),
        };
        let config = builder
            .build()
            .map_err(|e| CredentialsError::new(format!("STS client: {}", e.message())))?;
        Ok(Client::new(config))
    }

    pub(crate) fn refreshing(&self, fetch: FetchFn) -> RefreshingCredentials<FetchFn> {
        let inner = RefreshingCredentials::new(fetch);
        match self.refresh_margin {
            Some(margin) => inner.refresh_margin(margin),
            None => inner,
        }
    }
}

impl StsAssumeRoleCredentials {
    /// Assumes `role_arn` (e.g. `qcs::cam::uin/100000000001:roleName/ci`) as session
    /// `role_session_name`, with credentials from `source`.
    pub fn builder(
        source: impl ProvideCredentials + 'static,
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
    ) -> StsAssumeRoleCredentialsBuilder {
        StsAssumeRoleCredentialsBuilder {
            source: Arc::new(source),
            role: RoleRequest::new(role_arn.into(), role_session_name.into()),
            sts: StsSettings::default(),
        }
    }

    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }
}

impl StsAssumeRoleCredentialsBuilder {
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

    /// The HTTP transport, instead of a built-in one that honours the proxy variables.
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
    pub fn build(self) -> Result<StsAssumeRoleCredentials, CredentialsError> {
        self.role.validate()?;
        let client = self.sts.client(Some(self.source))?;
        let role = Arc::new(self.role);
        let role_arn = role.role_arn.clone();
        let fetch: FetchFn = Box::new(move || {
            let (client, role) = (client.clone(), Arc::clone(&role));
            Box::pin(async move {
                let parameters = serde_json::json!({
                    "RoleArn": role.role_arn,
                    "RoleSessionName": role.session_name,
                    "DurationSeconds": role.duration_seconds,
                });
                assume(&client, "AssumeRole", &role.role_arn, parameters).await
            })
        });
        Ok(StsAssumeRoleCredentials {
            role_arn,
            inner: self.sts.refreshing(fetch),
        })
    }
}

/// STS's answer to `AssumeRole` and `AssumeRoleWithWebIdentity`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AssumedRole {
    credentials: TemporaryCredentials,
    expired_time: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TemporaryCredentials {
    tmp_secret_id: String,
    tmp_secret_key: String,
    token: String,
}

/// Calls `action` and turns its answer into credentials; errors name STS, the action, the
/// role and the cause (code, message and RequestId for an error answer).
pub(crate) async fn assume(
    client: &Client,
    action: &str,
    role_arn: &str,
    parameters: serde_json::Value,
) -> Result<Credentials, CredentialsError> {
    let host = client.config().endpoint().host().to_owned();
    let failed = |problem: String| {
        CredentialsError::new(format!(
            "STS {action} for role {role_arn} at {host}: {problem}"
        ))
    };
    let response = client
        .call_json(action, parameters)
        .await
        .map_err(|e: SdkError<CommonError>| failed(e.to_string()))?;
    let request_id = response
        .get("RequestId")
        .and_then(|id| id.as_str())
        .unwrap_or("none")
        .to_owned();
    let answer: AssumedRole = serde_json::from_value(response).map_err(|e| {
        failed(format!(
            "the answer is not the expected credentials ({e}) (RequestId: {request_id})"
        ))
    })?;
    tracing::debug!(
        action,
        role_arn,
        expired_time = answer.expired_time,
        "assumed a role"
    );
    let TemporaryCredentials {
        tmp_secret_id,
        tmp_secret_key,
        token,
    } = answer.credentials;
    let source = match action {
        "AssumeRoleWithWebIdentity" => CredentialsSource::OidcRole {
            role_arn: role_arn.to_owned(),
        },
        _ => CredentialsSource::StsAssumeRole {
            role_arn: role_arn.to_owned(),
        },
    };
    Ok(Credentials::new(tmp_secret_id, tmp_secret_key)
        .with_session_token(token)
        .with_expiry(SystemTime::UNIX_EPOCH + Duration::from_secs(answer.expired_time))
        .with_source(source))
}

impl fmt::Debug for StsAssumeRoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsAssumeRoleCredentials")
            .field("role_arn", &self.role_arn)
            .field("credentials", &self.inner)
            .finish()
    }
}

impl ProvideCredentials for StsAssumeRoleCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.inner.provide_credentials()
    }
}
