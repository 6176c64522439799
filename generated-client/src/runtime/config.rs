//! Client configuration: credentials, region, endpoint, language, timeouts and transport.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::credentials::{non_empty_env, Credentials, DefaultCredentialsChain, ProvideCredentials};
use super::error::ConfigError;
use super::retry::RetryPolicy;
use super::service::ServiceIdentity;
use super::transport::{HttpTransport, TransportSettings};

/// Default time limit for a whole call, retries and backoff included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time limit for one attempt, as the official SDKs' request timeout.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time limit for TCP + TLS connection set-up.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Responses larger than this are refused rather than buffered.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

const ENV_REGION: &str = "TENCENTCLOUD_REGION";

/// Where requests go: a scheme and a host (with optional port). The signed path is always `/`.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    authority: String,
    /// `scheme://authority/`.
    url: String,
}

impl Endpoint {
    /// `https://<host>/`.
    pub fn https(host: impl Into<String>) -> Self {
        Endpoint::new("https", host.into())
    }

    fn new(scheme: &'static str, authority: String) -> Self {
        Endpoint {
            url: format!("{scheme}://{authority}/"),
            authority,
        }
    }

    /// Parses a full URL such as `https://iai.tencentcloudapi.com` or `http://127.0.0.1:8080/`.
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let bad = |why: &str| ConfigError::new(format!("invalid endpoint URL {url:?}: {why}"));
        let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
            ("https", rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            ("http", rest)
        } else {
            return Err(bad("it must start with http:// or https://"));
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty() {
            return Err(bad("the host is missing"));
        }
        if let Some(c) = authority
            .chars()
            .find(|c| matches!(c, '/' | '?' | '#' | '@') || c.is_whitespace())
        {
            return Err(bad(&format!(
                "only scheme, host and port are allowed (found {c:?}); API 3.0 always posts to `/`"
            )));
        }
        check_host_and_port(authority).map_err(|why| bad(&why))?;
        Ok(Endpoint::new(scheme, authority.to_owned()))
    }

    /// The `Host` header value, which is also signed.
    pub fn host(&self) -> &str {
        &self.authority
    }

    /// The URL requests are posted to.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`, with a port from 1 to 65535: anything else
/// would fail on every attempt, so it is refused here rather than sent and retried.
fn check_host_and_port(authority: &str) -> Result<(), String> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let (v6, after) = rest
                .split_once(']')
                .ok_or("an IPv6 address needs its closing `]`")?;
            let port = match after {
                "" => None,
                _ => Some(
                    after
                        .strip_prefix(':')
                        .ok_or("only `:port` may follow `]`")?,
                ),
            };
            (v6, port)
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Err("the host is missing".to_owned());
    }
    let v6 = authority.starts_with('[');
    if let Some(c) = host
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') || (v6 && c == ':')))
    {
        return Err(format!("the host has {c:?}, which a host name cannot have"));
    }
    if let Some(port) = port {
        match port.parse::<u16>() {
            Ok(1..) => {}
            _ => return Err(format!("the port {port:?} is not a number from 1 to 65535")),
        }
    }
    Ok(())
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({})", self.url())
    }
}

/// Language of error messages (`X-TC-Language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Language {
    EnUs,
    ZhCn,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::EnUs => "en-US",
            Language::ZhCn => "zh-CN",
        }
    }
}

/// Everything a `Client` needs. Build it with `Config::builder()` or `Config::from_env()`
/// (generated for the crate's service), or with [`ConfigBuilder::for_service`] for another.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) service: &'static ServiceIdentity,
    /// Requests carry `Authorization: SKIP` instead of a signature (STS's
    /// `AssumeRoleWithWebIdentity`, which the web identity token authenticates).
    pub(crate) unsigned: bool,
    pub(crate) credentials: Arc<dyn ProvideCredentials>,
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Endpoint,
    pub(crate) language: Option<Language>,
    pub(crate) timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) transport: Arc<dyn HttpTransport>,
}

impl Config {
    /// The service the client talks to.
    pub fn service(&self) -> &'static ServiceIdentity {
        self.service
    }

    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub fn attempt_timeout(&self) -> Duration {
        self.attempt_timeout
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }
}

/// Builder for [`Config`]; only credentials are required.
#[derive(Debug)]
pub struct ConfigBuilder {
    service: &'static ServiceIdentity,
    unsigned: bool,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    region: Option<String>,
    endpoint: Option<Endpoint>,
    language: Option<Language>,
    timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    max_response_bytes: Option<usize>,
    transport: Option<Arc<dyn HttpTransport>>,
    extra_roots_pem: PemTexts,
    /// `.hyper_transport()` was called.
    #[cfg(feature = "hyper-transport")]
    hyper: bool,
}

/// PEM texts, shown in `Debug` by their number rather than as byte lists.
#[derive(Default)]
struct PemTexts(Vec<Vec<u8>>);

impl fmt::Debug for PemTexts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} PEM text(s)", self.0.len())
    }
}

impl ConfigBuilder {
    /// A builder for a client of `service`. The generated `Config::builder()` calls this with
    /// the crate's own service.
    pub fn for_service(service: &'static ServiceIdentity) -> Self {
        ConfigBuilder {
            service,
            unsigned: false,
            credentials: None,
            region: None,
            endpoint: None,
            language: None,
            timeout: None,
            attempt_timeout: None,
            connect_timeout: None,
            retry: RetryPolicy::default(),
            max_response_bytes: None,
            transport: None,
            extra_roots_pem: PemTexts::default(),
            #[cfg(feature = "hyper-transport")]
            hyper: false,
        }
    }

    /// Fills whatever the environment provides; values already set win. Credentials come from
    /// [`DefaultCredentialsChain`] (`TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and
    /// optional `TENCENTCLOUD_SESSION_TOKEN`, else the profile file
    /// `~/.tencentcloud/credentials`, else TKE OIDC, else the CVM role): a broken variable or
    /// file is an error here, while TKE OIDC and the CVM role are asked at the first call,
    /// whose [`SdkError::Credentials`](crate::SdkError::Credentials) then lists every place
    /// looked. The region comes from `TENCENTCLOUD_REGION`; the endpoint from
    /// the service's endpoint variable (such as `TENCENTCLOUD_IAI_ENDPOINT`, a full URL), else
    /// the service's default host.
    pub fn from_env(mut self) -> Result<Self, ConfigError> {
        if self.credentials.is_none() {
            // The sources read without a call are chosen now, so a broken environment or file
            // is reported here; the metadata server and STS are asked at the first call.
            let chain = DefaultCredentialsChain::new();
            chain.select()?;
            self.credentials = Some(Arc::new(chain));
        }
        if self.region.is_none() {
            self.region = non_empty_env(ENV_REGION);
        }
        if self.endpoint.is_none() {
            if let Some(variable) = self.service.endpoint_env() {
                if let Some(url) = non_empty_env(variable) {
                    self.endpoint = Some(endpoint_from_env(variable, &url)?);
                }
            }
        }
        Ok(self)
    }

    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Arc::new(credentials));
        self
    }

    pub(crate) fn shared_credentials_provider(
        mut self,
        provider: Arc<dyn ProvideCredentials>,
    ) -> Self {
        self.credentials = Some(provider);
        self
    }

    pub(crate) fn shared_transport(mut self, transport: Arc<dyn HttpTransport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// A provider asked before every attempt, for credentials that rotate.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Region such as `ap-guangzhou`; sent as `X-TC-Region`. Optional for actions that don't need it.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Time limit for a whole call, retries and backoff included (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time limit for one attempt (default [`DEFAULT_ATTEMPT_TIMEOUT`], never more than `timeout`).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Attempts per call, the first included (default 3); `1` disables retries.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts.max(1);
        self
    }

    /// Backoff between attempts: full jitter over `initial * 2^n`, capped at `max`.
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.retry.initial_backoff = initial;
        self.retry.max_backoff = max;
        self
    }

    /// Time limit for connection set-up with the built-in transport (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Largest response body accepted by the built-in transport (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Trusts the certificates in `pem` (PEM text holding one or more) beside the built-in
    /// transport's webpki roots: for an endpoint behind a private certificate authority or a
    /// TLS-inspecting proxy. May be called more than once; a text without a certificate, or
    /// with a broken one, fails `.build()`.
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_roots_pem.0.push(pem.into());
        self
    }

    /// Makes hyper's client, used directly, the built-in transport
    /// ([`HyperTransport`](super::transport::HyperTransport), feature `hyper-transport`): the
    /// higher throughput, without reqwest's proxy variables. `.connect_timeout(..)` and
    /// `.max_response_bytes(..)` apply to it. (Without the `reqwest-transport` feature it is
    /// the built-in transport anyway.)
    #[cfg(feature = "hyper-transport")]
    pub fn hyper_transport(mut self) -> Self {
        self.hyper = true;
        self
    }

    /// Replaces the built-in HTTP transport.
    pub fn transport(mut self, transport: impl HttpTransport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Sends requests unsigned, with `Authorization: SKIP`, as the official SDKs send STS's
    /// `AssumeRoleWithWebIdentity`; no credentials are needed.
    pub(crate) fn unsigned(mut self) -> Self {
        self.unsigned = true;
        self
    }

    pub fn build(self) -> Result<Config, ConfigError> {
        let credentials = match (self.credentials, self.unsigned) {
            (Some(credentials), _) => credentials,
            (None, true) => Arc::new(Credentials::new("", "")),
            (None, false) => {
                return Err(ConfigError::new(
                    "no credentials: call `.credentials(...)` or use `Config::from_env()`",
                ))
            }
        };
        if let Some(region) = &self.region {
            if region.is_empty()
                || !region
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                return Err(ConfigError::new(format!(
                    "invalid region {region:?}: expected something like `ap-guangzhou`"
                )));
            }
        }
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let transport = match self.transport {
            Some(transport) => transport,
            None => built_in_transport(
                #[cfg(feature = "hyper-transport")]
                self.hyper,
                TransportSettings {
                    connect_timeout: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
                    max_body_bytes: self
                        .max_response_bytes
                        .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                    extra_roots_pem: self.extra_roots_pem.0,
                    direct: false,
                },
            )?,
        };
        Ok(Config {
            service: self.service,
            unsigned: self.unsigned,
            credentials,
            region: self.region,
            endpoint: self
                .endpoint
                .unwrap_or_else(|| Endpoint::https(self.service.default_host())),
            language: self.language,
            timeout,
            attempt_timeout: self
                .attempt_timeout
                .unwrap_or(DEFAULT_ATTEMPT_TIMEOUT)
                .min(timeout),
            retry: self.retry,
            transport,
        })
    }
}

/// The endpoint variable's value; errors name the variable once, inside one prefix.
fn endpoint_from_env(variable: &str, url: &str) -> Result<Endpoint, ConfigError> {
    Endpoint::parse(url.trim()).map_err(|e| e.context(variable))
}

/// The transport `.build()` makes when none is given: reqwest's unless hyper's is asked for
/// (or is the only one built).
fn built_in_transport(
    #[cfg(feature = "hyper-transport")] hyper: bool,
    settings: TransportSettings,
) -> Result<Arc<dyn HttpTransport>, ConfigError> {
    let failed = |e: super::error::TransportError| ConfigError::new(e.to_string());
    #[cfg(feature = "hyper-transport")]
    if hyper || cfg!(not(feature = "reqwest-transport")) {
        let transport = super::transport::HyperTransport::with_settings(&settings);
        return Ok(Arc::new(transport.map_err(failed)?));
    }
    #[cfg(feature = "reqwest-transport")]
    {
        let transport = super::transport::ReqwestTransport::with_settings(&settings);
        Ok(Arc::new(transport.map_err(failed)?))
    }
    #[cfg(not(feature = "reqwest-transport"))]
    {
        let _ = (settings, failed);
        Err(ConfigError::new(
            "no HTTP transport: enable the `reqwest-transport` or `hyper-transport` feature, \
             or call `.transport(...)`",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_builder_shows_how_many_root_certificates_it_holds_not_their_bytes() {
        static SERVICE: ServiceIdentity = ServiceIdentity::new("x", "2020-01-01", "x.example");
        let builder = ConfigBuilder::for_service(&SERVICE)
            .add_root_certificates_pem("-----BEGIN CERTIFICATE-----");
        let shown = format!("{builder:?}");
        assert!(shown.contains("extra_roots_pem: 1 PEM text(s)"), "{shown}");
        assert!(!shown.contains("45, 45"), "{shown}");
    }

    #[test]
    fn an_endpoint_variable_error_has_one_prefix() {
        let shown = endpoint_from_env("TENCENTCLOUD_X_ENDPOINT", "http://127.0.0.1:abc")
            .unwrap_err()
            .to_string();
        assert_eq!(
            shown,
            "configuration error: TENCENTCLOUD_X_ENDPOINT: invalid endpoint URL \
             \"http://127.0.0.1:abc\": the port \"abc\" is not a number from 1 to 65535"
        );
        assert!(endpoint_from_env("TENCENTCLOUD_X_ENDPOINT", " http://127.0.0.1:8080 ").is_ok());
    }

    #[test]
    fn endpoint_parsing() {
        let e = Endpoint::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(e.host(), "127.0.0.1:8080");
        assert_eq!(e.url(), "http://127.0.0.1:8080/");
        assert_eq!(
            Endpoint::parse("https://iai.tencentcloudapi.com/")
                .unwrap()
                .host(),
            "iai.tencentcloudapi.com"
        );
        for bad in [
            "ftp://x",
            "iai.tencentcloudapi.com",
            "http://",
            "http://h/path",
            "http://u@h",
            "http://127.0.0.1:abc",
            "http://127.0.0.1:",
            "http://127.0.0.1:0",
            "http://127.0.0.1:65536",
            "http://h:80:81",
            "http://:8080",
            "http://[::1",
            "http://[::1]x",
            "http://ex^ample.com",
            "http://exa%20mple.com",
            "http://h:p:80",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad} should be refused");
        }
        for good in [
            "http://[::1]:8080",
            "https://[::1]",
            "http://h:65535",
            "https://iai.ap-guangzhou.tencentcloudapi.com",
            "http://my_host-1.internal:80",
        ] {
            assert!(Endpoint::parse(good).is_ok(), "{good} should be accepted");
        }
        assert_eq!(
            Endpoint::parse("http://127.0.0.1:abc")
                .unwrap_err()
                .to_string(),
            "configuration error: invalid endpoint URL \"http://127.0.0.1:abc\": \
             the port \"abc\" is not a number from 1 to 65535"
        );
    }
}
