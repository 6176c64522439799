//! Client configuration: credentials, region, endpoint, language, timeouts and transport.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::credentials::{non_empty_env, Credentials, DefaultCredentialsChain, ProvideCredentials};
use super::error::ConfigError;
use super::retry::RetryPolicy;
use super::transport::{HttpTransport, TransportSettings};
use crate::generated::service;

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

impl Default for Endpoint {
    fn default() -> Self {
        Endpoint::https(service::DEFAULT_HOST)
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

/// Everything a `Client` needs. Build it with [`Config::builder`] or [`Config::from_env`].
#[derive(Clone, Debug)]
pub struct Config {
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
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Configuration from the environment: credentials from [`DefaultCredentialsChain`]
    /// (`TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and optional
    /// `TENCENTCLOUD_SESSION_TOKEN`, else the profile file `~/.tencentcloud/credentials`);
    /// region from `TENCENTCLOUD_REGION`; endpoint from the service's endpoint variable
    /// (`TENCENTCLOUD_IAI_ENDPOINT`, a full URL), else the default endpoint.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::builder().from_env()?.build()
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
#[derive(Default, Debug)]
pub struct ConfigBuilder {
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
    /// Fills whatever the environment provides (see [`Config::from_env`]); values already set win.
    pub fn from_env(mut self) -> Result<Self, ConfigError> {
        if self.credentials.is_none() {
            // Resolved now, so a missing credential is reported here rather than on first call.
            self.credentials = Some(Arc::new(DefaultCredentialsChain::new().resolve()?));
        }
        if self.region.is_none() {
            self.region = non_empty_env(ENV_REGION);
        }
        if self.endpoint.is_none() {
            if let Some(url) = non_empty_env(service::ENDPOINT_ENV) {
                self.endpoint = Some(endpoint_from_env(&url)?);
            }
        }
        Ok(self)
    }

    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Arc::new(credentials));
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
    #[cfg_attr(docsrs, doc(cfg(feature = "hyper-transport")))]
    pub fn hyper_transport(mut self) -> Self {
        self.hyper = true;
        self
    }

    /// Replaces the built-in HTTP transport.
    pub fn transport(mut self, transport: impl HttpTransport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    pub fn build(self) -> Result<Config, ConfigError> {
        let credentials = self.credentials.ok_or_else(|| {
            ConfigError::new("no credentials: call `.credentials(...)` or use `Config::from_env()`")
        })?;
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
                },
            )?,
        };
        Ok(Config {
            credentials,
            region: self.region,
            endpoint: self.endpoint.unwrap_or_default(),
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
fn endpoint_from_env(url: &str) -> Result<Endpoint, ConfigError> {
    Endpoint::parse(url.trim()).map_err(|e| e.context(service::ENDPOINT_ENV))
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
        let builder = Config::builder().add_root_certificates_pem("-----BEGIN CERTIFICATE-----");
        let shown = format!("{builder:?}");
        assert!(shown.contains("extra_roots_pem: 1 PEM text(s)"), "{shown}");
        assert!(!shown.contains("45, 45"), "{shown}");
    }

    #[test]
    fn an_endpoint_variable_error_has_one_prefix() {
        let shown = endpoint_from_env("http://127.0.0.1:abc")
            .unwrap_err()
            .to_string();
        assert_eq!(
            shown,
            format!(
                "configuration error: {}: invalid endpoint URL \"http://127.0.0.1:abc\": \
                 the port \"abc\" is not a number from 1 to 65535",
                service::ENDPOINT_ENV
            )
        );
        assert!(endpoint_from_env(" http://127.0.0.1:8080 ").is_ok());
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
