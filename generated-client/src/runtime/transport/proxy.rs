//! Which requests go through an HTTP proxy, for both built-in transports: the proxy given to
//! the config builder, else the conventional variables (`HTTPS_PROXY`, `HTTP_PROXY`,
//! `ALL_PROXY`, `NO_PROXY`, upper or lower case), read as curl and reqwest read them. The rules
//! themselves are hyper-util's `Matcher` (reqwest's too); this module only chooses its inputs
//! and names a proxy in errors, without its password.

use std::fmt;

use http::uri::{Scheme, Uri};
use hyper_util::client::proxy::matcher::{Intercept, Matcher};

use super::TransportError;

/// The proxy part of a config: what `.proxy(..)`, `.no_proxy(..)`, `.no_env_proxy()` and
/// `.proxy_env_vars(..)` set.
#[derive(Clone, Default)]
pub(crate) struct ProxySettings {
    /// The proxy URL given to `.proxy(..)`, user info included.
    pub(crate) proxy: Option<String>,
    /// Hosts, domains and networks reached directly, in `NO_PROXY`'s syntax; replaces `NO_PROXY`.
    pub(crate) no_proxy: Option<String>,
    pub(crate) env: ProxyEnv,
}

/// Where the proxy variables are read from, when no proxy is given.
#[derive(Clone, Default)]
pub(crate) enum ProxyEnv {
    /// The process environment, when the transport is built.
    #[default]
    Process,
    /// These variables only (tests, or a program that keeps its own environment).
    Vars(Vec<(String, String)>),
    /// No proxy unless one is given.
    Ignored,
}

impl fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let env = match &self.env {
            ProxyEnv::Process => "process environment".to_owned(),
            ProxyEnv::Vars(vars) => format!("{} given variable(s)", vars.len()),
            ProxyEnv::Ignored => "ignored".to_owned(),
        };
        f.debug_struct("ProxySettings")
            .field("proxy", &self.proxy.as_deref().map(redacted))
            .field("no_proxy", &self.no_proxy)
            .field("env", &env)
            .finish()
    }
}

/// The variables read, in order of preference, as curl reads them.
const ALL: [&str; 2] = ["ALL_PROXY", "all_proxy"];
const HTTP: [&str; 2] = ["HTTP_PROXY", "http_proxy"];
const HTTPS: [&str; 2] = ["HTTPS_PROXY", "https_proxy"];
const NO: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// The proxy URLs for each kind of target, and the exceptions, as text: the inputs of both
/// transports' matchers.
#[derive(Default)]
pub(super) struct ProxyRules {
    pub(super) all: String,
    pub(super) http: String,
    pub(super) https: String,
    pub(super) no: String,
}

impl ProxySettings {
    /// A proxy URL the transports can use: `http://[user[:password]@]host[:port][/]`. The
    /// error shows the URL without its password.
    pub(crate) fn check(&self) -> Result<(), TransportError> {
        let Some(url) = &self.proxy else {
            return Ok(());
        };
        let refused = |why: &str| {
            TransportError::not_sent(format!("invalid proxy URL {}: {why}", redacted(url)))
        };
        let uri: Uri = url.parse().map_err(|_| refused("not a URL"))?;
        match uri.scheme() {
            Some(scheme) if *scheme == Scheme::HTTP => {}
            Some(_) => return Err(refused("only http:// proxies are supported")),
            None => return Err(refused("it must start with http://")),
        }
        let authority = uri
            .authority()
            .ok_or_else(|| refused("the host is missing"))?;
        if authority.host().is_empty() {
            return Err(refused("the host is missing"));
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(refused("only user info, host and port are allowed"));
        }
        Ok(())
    }

    /// The rules: the given proxy for every target, else the variables.
    pub(super) fn rules(&self) -> ProxyRules {
        let mut rules = match (&self.proxy, &self.env) {
            (Some(proxy), _) => ProxyRules {
                all: proxy.clone(),
                ..ProxyRules::default()
            },
            (None, ProxyEnv::Ignored) => ProxyRules::default(),
            (None, ProxyEnv::Process) => ProxyRules::from_vars(|name| std::env::var(name).ok()),
            (None, ProxyEnv::Vars(vars)) => ProxyRules::from_vars(|name| {
                vars.iter()
                    .find(|(key, _)| key == name)
                    .map(|(_, value)| value.clone())
            }),
        };
        if let Some(no_proxy) = &self.no_proxy {
            rules.no = no_proxy.clone();
        }
        rules
    }
}

impl ProxyRules {
    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let first = |names: [&str; 2]| names.into_iter().find_map(&var).unwrap_or_default();
        ProxyRules {
            all: first(ALL),
            // In a CGI program `HTTP_PROXY` comes from a request header ("httpoxy"): ignored,
            // as curl and reqwest do.
            http: if var("REQUEST_METHOD").is_some() {
                String::new()
            } else {
                first(HTTP)
            },
            https: first(HTTPS),
            no: first(NO),
        }
    }

    /// Whether no target goes through a proxy.
    pub(super) fn is_empty(&self) -> bool {
        self.all.is_empty() && self.http.is_empty() && self.https.is_empty()
    }

    /// hyper-util's matcher for these rules, or `None` when nothing goes through a proxy.
    pub(super) fn matcher(&self) -> Option<Matcher> {
        if self.is_empty() {
            return None;
        }
        Some(
            Matcher::builder()
                .all(self.all.clone())
                .http(self.http.clone())
                .https(self.https.clone())
                .no(self.no.clone())
                .build(),
        )
    }
}

/// The proxy a request goes through, as hyper-util matched it.
pub(super) struct Route {
    pub(super) proxy: Intercept,
}

impl Route {
    /// The proxy for `target`, if any.
    pub(super) fn of(matcher: Option<&Matcher>, target: &Uri) -> Option<Route> {
        matcher?.intercept(target).map(|proxy| Route { proxy })
    }

    /// `host:port` of the proxy: what errors name (hyper-util keeps the user info apart).
    pub(super) fn name(&self) -> String {
        let uri = self.proxy.uri();
        let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
            Some("https") => 443,
            _ => 80,
        });
        format!("{}:{port}", uri.host().unwrap_or_default())
    }

    /// Refused unless the proxy is reached over plain HTTP: the only kind the transports speak.
    pub(super) fn check_scheme(&self) -> Result<(), TransportError> {
        match self.proxy.uri().scheme() {
            Some(scheme) if *scheme == Scheme::HTTP => Ok(()),
            _ => Err(TransportError::not_sent(format!(
                "proxy {}://{}: only http:// proxies are supported",
                self.proxy.uri().scheme_str().unwrap_or_default(),
                self.name(),
            ))),
        }
    }
}

/// A connection through `route` to `target` (`host:port`) failed: says whether the proxy could
/// not be reached, asked for credentials (407) or refused the tunnel, and never shows the
/// proxy's password. `error` is the HTTP library's error, whose chain is searched.
pub(super) fn connect_failure(
    route: &Route,
    target: &str,
    https: bool,
    error: &(dyn std::error::Error + 'static),
) -> TransportError {
    let proxy = route.name();
    let chain = error_chain(error);
    if chain.contains("proxy authorization required") {
        TransportError::not_sent(format!(
            "proxy {proxy} refused the tunnel to {target}: 407 Proxy Authentication Required"
        ))
        .with_hint("check the user and password in the proxy URL")
    } else if chain.contains("tunnel error: unsuccessful") || chain.contains("unsuccessful tunnel")
    {
        TransportError::not_sent(format!(
            "proxy {proxy} refused the tunnel to {target}: it answered CONNECT with an error status"
        ))
    } else if chain.contains("tunnel error") || !https {
        TransportError::not_sent(format!("cannot connect to proxy {proxy}"))
    } else {
        let direct = super::http_types::connect_failure(target, https, error);
        TransportError::not_sent(format!("{} (through proxy {proxy})", direct.message()))
    }
}

/// A response that the proxy, not the service, sent: 407 (it wants credentials) or 403 (it
/// refused the destination), to a plain-HTTP request sent through it.
pub(super) fn refusal(route: &Route, status: u16) -> Option<TransportError> {
    let proxy = route.name();
    match status {
        // Only a proxy sends 407: the request went no further.
        407 => Some(
            TransportError::not_sent(format!(
                "proxy {proxy} answered 407 Proxy Authentication Required"
            ))
            .with_hint("check the user and password in the proxy URL"),
        ),
        // The service never answers 403, yet it cannot be told apart from a proxy that forwarded.
        403 => Some(TransportError::maybe_sent(format!(
            "proxy {proxy} answered 403 Forbidden"
        ))),
        _ => None,
    }
}

/// Every message in `error`'s chain, joined.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut cause = Some(error);
    while let Some(error) = cause {
        text.push_str(&error.to_string());
        text.push('\n');
        cause = super::super::error::cause_of(error);
    }
    text
}

/// `url` with its password (if any) replaced, for messages.
pub(crate) fn redacted(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let shown = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{user_info}@{host}"),
        },
        None => authority.to_owned(),
    };
    if scheme.is_empty() && !url.contains("://") {
        format!("{shown}{path}")
    } else {
        format!("{scheme}://{shown}{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(proxy: Option<&str>, env: ProxyEnv) -> ProxySettings {
        ProxySettings {
            proxy: proxy.map(str::to_owned),
            no_proxy: None,
            env,
        }
    }

    fn vars(pairs: &[(&str, &str)]) -> ProxyEnv {
        ProxyEnv::Vars(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn proxy_for(settings: &ProxySettings, target: &str) -> Option<String> {
        let matcher = settings.rules().matcher();
        Route::of(matcher.as_ref(), &target.parse().unwrap()).map(|route| route.name())
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redacted("http://alice:s3cret@proxy.corp:3128"),
            "http://alice:***@proxy.corp:3128"
        );
        assert_eq!(
            redacted("http://alice@proxy.corp"),
            "http://alice@proxy.corp"
        );
        assert_eq!(redacted("proxy.corp:3128/"), "proxy.corp:3128/");
        let shown = format!(
            "{:?}",
            settings(
                Some("http://alice:s3cret@proxy.corp:3128"),
                ProxyEnv::Process
            )
        );
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("alice:***@proxy.corp:3128"), "{shown}");
    }

    #[test]
    fn only_plain_http_proxy_urls_are_accepted() {
        for good in [
            "http://proxy:3128",
            "http://a:b@proxy",
            "http://[::1]:8080/",
        ] {
            assert!(
                settings(Some(good), ProxyEnv::Ignored).check().is_ok(),
                "{good}"
            );
        }
        for (bad, why) in [
            ("https://a:s3cret@proxy:3128", "only http:// proxies"),
            ("socks5://proxy:1080", "only http:// proxies"),
            ("proxy:3128", "must start with http://"),
            ("http://proxy:3128/path", "only user info, host and port"),
            ("http://a:s3cret@", "not a URL"),
        ] {
            let err = settings(Some(bad), ProxyEnv::Ignored)
                .check()
                .unwrap_err()
                .to_string();
            assert!(err.contains(why), "{bad}: {err}");
            assert!(!err.contains("s3cret"), "{bad}: {err}");
        }
    }

    #[test]
    fn variables_are_read_as_curl_reads_them() {
        let env = vars(&[
            ("https_proxy", "http://tls-proxy:1"),
            ("HTTP_PROXY", "http://plain-proxy:2"),
            ("ALL_PROXY", "http://fallback:3"),
            ("no_proxy", "internal.corp, 10.0.0.0/8"),
        ]);
        let settings = settings(None, env);
        assert_eq!(
            proxy_for(&settings, "https://iai.tencentcloudapi.com/").as_deref(),
            Some("tls-proxy:1")
        );
        assert_eq!(
            proxy_for(&settings, "http://iai.tencentcloudapi.com/").as_deref(),
            Some("plain-proxy:2")
        );
        assert_eq!(proxy_for(&settings, "https://api.internal.corp/"), None);
        assert_eq!(proxy_for(&settings, "http://10.1.2.3:8080/"), None);

        let only_all = ProxySettings {
            env: vars(&[("all_proxy", "http://fallback:3")]),
            ..ProxySettings::default()
        };
        assert_eq!(
            proxy_for(&only_all, "https://h/").as_deref(),
            Some("fallback:3")
        );
        let cgi = ProxySettings {
            env: vars(&[("HTTP_PROXY", "http://evil:1"), ("REQUEST_METHOD", "GET")]),
            ..ProxySettings::default()
        };
        assert_eq!(proxy_for(&cgi, "http://h/"), None);
    }

    #[test]
    fn a_given_proxy_replaces_the_variables_and_no_proxy_replaces_theirs() {
        let mut given = settings(
            Some("http://alice:s3cret@given:8080"),
            vars(&[("HTTPS_PROXY", "http://from-env:1"), ("NO_PROXY", "h")]),
        );
        assert_eq!(
            proxy_for(&given, "https://h/"),
            Some("given:8080".to_owned())
        );
        assert_eq!(
            proxy_for(&given, "http://other/"),
            Some("given:8080".to_owned())
        );
        given.no_proxy = Some("other".to_owned());
        assert_eq!(proxy_for(&given, "http://other/"), None);

        let ignored = settings(None, ProxyEnv::Ignored);
        assert!(ignored.rules().matcher().is_none());
    }
}
