//! The default chain: the places credentials are looked for, in order, narrowest identity
//! first.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use super::cvm_role::CvmRoleCredentials;
use super::environment::{from_env_vars, Env, ENV_SECRET_ID, ENV_SECRET_KEY};
use super::oidc::{OidcRoleArnCredentials, TKE_VARIABLES};
use super::profile::{load_profile, ProfileSource};
use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
use crate::runtime::config::Endpoint;
use crate::runtime::profile::{self, DEFAULT_PROFILE, ENV_CREDENTIALS_FILE, ENV_PROFILE};

/// Finds credentials where code runs, first match wins:
///
/// 1. credentials given with [`DefaultCredentialsChain::credentials`];
/// 2. the environment: `TENCENTCLOUD_SECRET_ID` + `TENCENTCLOUD_SECRET_KEY` (+ optional
///    `TENCENTCLOUD_SESSION_TOKEN`); setting only one of the two is an error, not a fall-through;
/// 3. a credentials file in the official SDKs' INI format ([`crate::runtime::profile`]): the
///    file given with [`DefaultCredentialsChain::profile_file`], else the one named by
///    `TENCENTCLOUD_CREDENTIALS_FILE` (either must exist), else the first that exists of
///    `~/.tencentcloud/credentials` and `/etc/tencentcloud/credentials`. The profile is the one
///    given with [`DefaultCredentialsChain::profile`], else `TENCENTCLOUD_PROFILE`, else
///    `default`. A profile with `role_arn` assumes that role with its own keys (STS
///    `AssumeRole`). A file that is found but unusable is an error, not a fall-through;
/// 4. TKE OIDC, when `TKE_REGION`, `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE` and
///    `TKE_ROLE_ARN` are set (some but not all is an error): the pod's own role, through
///    STS `AssumeRoleWithWebIdentity` ([`OidcRoleArnCredentials`]);
/// 5. the CVM instance's role, from the metadata server ([`CvmRoleCredentials`], short
///    timeouts).
///
/// TKE OIDC comes before the CVM role, unlike in the official SDKs: in a pod both answer,
/// and the pod's own role is the narrower identity; the node's role is a last resort.
///
/// The first three are read without any network call; the chain picks its source once, on
/// first use, and then asks that source every time (so temporary credentials refresh). If
/// nothing answers, the error lists every place that was looked at, including what the
/// metadata server did, and never a secret.
#[derive(Clone)]
pub struct DefaultCredentialsChain {
    explicit: Option<Credentials>,
    profile: Option<String>,
    profile_file: Option<PathBuf>,
    metadata_endpoint: Option<String>,
    sts_endpoint: Option<Endpoint>,
    env: Env,
    selected: Arc<OnceLock<Source>>,
}

/// Where the chain found credentials.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    /// Keys that do not change (explicit, environment, a profile's keys).
    Fixed(Credentials),
    /// A provider that fetches temporary credentials.
    Provider(Arc<dyn ProvideCredentials>),
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        DefaultCredentialsChain {
            explicit: None,
            profile: None,
            profile_file: None,
            metadata_endpoint: None,
            sts_endpoint: None,
            env: Env::Process,
            selected: Arc::new(OnceLock::new()),
        }
    }
}

impl DefaultCredentialsChain {
    pub fn new() -> Self {
        DefaultCredentialsChain::default()
    }

    /// Explicit credentials: used as they are, nothing else is consulted.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.explicit = Some(credentials);
        self
    }

    /// The profile (section) to read from the credentials file; overrides `TENCENTCLOUD_PROFILE`.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// The credentials file to read instead of `TENCENTCLOUD_CREDENTIALS_FILE` or the default
    /// locations; it must exist.
    pub fn profile_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.profile_file = Some(path.into());
        self
    }

    /// The metadata server, instead of `TENCENTCLOUD_METADATA_ENDPOINT` or
    /// `http://metadata.tencentyun.com`.
    pub fn metadata_endpoint(mut self, url: impl Into<String>) -> Self {
        self.metadata_endpoint = Some(url.into());
        self
    }

    /// STS, for a profile's role and TKE OIDC, instead of `TENCENTCLOUD_STS_ENDPOINT` or
    /// `https://sts.tencentcloudapi.com`.
    pub fn sts_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.sts_endpoint = Some(endpoint);
        self
    }

    /// Reads these variables instead of the process environment (all of them: the chain sees
    /// no other), e.g. to test a program's set-up without changing the process environment,
    /// which other threads read.
    pub fn environment<K, V>(mut self, vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let map = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self.env = Env::Fixed(Arc::new(map));
        self
    }

    #[cfg(test)]
    fn with_env(self, vars: &[(&str, &str)]) -> Self {
        self.environment(vars.iter().copied())
    }

    /// The sources read without a network call (explicit credentials, the environment, the
    /// credentials file), now and without caching. A profile with `role_arn` and the TKE and
    /// CVM sources need a call: for them, use the chain as a [`ProvideCredentials`].
    pub fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let mut looked = Vec::with_capacity(6);
        match self.select_local(&mut looked)? {
            Some(Source::Fixed(credentials)) => Ok(credentials),
            Some(Source::Provider(_)) => Err(CredentialsError::new(
                "the profile assumes a role (role_arn), which needs a call to STS: \
                 use the chain as a credentials provider",
            )),
            None => Err(not_found(&looked)),
        }
    }

    /// Whether the sources read without a call (explicit, environment, file) give credentials
    /// or fail; false when the chain would go on to TKE OIDC and the CVM role.
    #[cfg(feature = "cli")]
    pub(crate) fn found_locally(&self) -> bool {
        !matches!(self.select_local(&mut Vec::new()), Ok(None))
    }

    /// Picks the source now, reporting a broken environment or file at once; sources that
    /// need the network are asked at first use. Done once: later calls return at once.
    pub(crate) fn select(&self) -> Result<&Source, CredentialsError> {
        if let Some(source) = self.selected.get() {
            return Ok(source);
        }
        let source = self.select_uncached()?;
        Ok(self.selected.get_or_init(|| source))
    }

    fn select_uncached(&self) -> Result<Source, CredentialsError> {
        let mut looked = Vec::with_capacity(6);
        if let Some(source) = self.select_local(&mut looked)? {
            return Ok(source);
        }
        let tke_set: Vec<&str> = TKE_VARIABLES
            .iter()
            .copied()
            .filter(|name| self.env.get(name).is_some())
            .collect();
        if !tke_set.is_empty() {
            let oidc = OidcRoleArnCredentials::from_tke_env_in(
                self.env.clone(),
                self.sts_endpoint.as_ref(),
            )
            .map_err(|e| {
                CredentialsError::new(format!(
                    "TKE OIDC is partly configured (set: {}): {}",
                    tke_set.join(", "),
                    e.message()
                ))
            })?;
            tracing::debug!(role_arn = oidc.role_arn(), "using TKE OIDC credentials");
            return Ok(Source::Provider(Arc::new(oidc)));
        }
        looked.push(format!("TKE OIDC ({} not set)", TKE_VARIABLES.join(", ")));

        let mut cvm = CvmRoleCredentials::builder().env(self.env.clone());
        if let Some(url) = &self.metadata_endpoint {
            cvm = cvm.endpoint(url.clone());
        }
        let cvm = cvm.build()?;
        tracing::debug!(
            endpoint = cvm.endpoint(),
            "no local credentials; trying the CVM role"
        );
        Ok(Source::Provider(Arc::new(LastResort { cvm, looked })))
    }

    /// Explicit credentials, the environment, the credentials file.
    fn select_local(&self, looked: &mut Vec<String>) -> Result<Option<Source>, CredentialsError> {
        match &self.explicit {
            Some(credentials) => return Ok(Some(Source::Fixed(credentials.clone()))),
            None => looked.push("explicit credentials (none given)".to_owned()),
        }

        match from_env_vars(&self.env)? {
            Some(credentials) => {
                tracing::debug!("using credentials from the environment");
                return Ok(Some(Source::Fixed(credentials)));
            }
            None => looked.push(format!(
                "environment ({ENV_SECRET_ID} and {ENV_SECRET_KEY} not set)"
            )),
        }

        let profile = self
            .profile
            .clone()
            .or_else(|| self.env.get(ENV_PROFILE))
            .unwrap_or_else(|| DEFAULT_PROFILE.to_owned());
        let named = match (&self.profile_file, self.env.get(ENV_CREDENTIALS_FILE)) {
            (Some(path), _) => Some((path.clone(), "given to `profile_file`".to_owned())),
            (None, Some(path)) => {
                Some((PathBuf::from(path), format!("from {ENV_CREDENTIALS_FILE}")))
            }
            (None, None) => None,
        };
        let path = match named {
            Some((path, origin)) => {
                if !path.exists() {
                    looked.push(format!(
                        "credentials file {} ({origin}): not found",
                        path.display()
                    ));
                    return Err(not_found(looked));
                }
                path
            }
            None => {
                let home = self.env.home_dir();
                let candidates = profile::default_locations(home.as_deref());
                let found = candidates.iter().find(|p| p.exists()).cloned();
                if home.is_none() {
                    looked.push("~/.tencentcloud/credentials (home directory unknown)".to_owned());
                }
                match found {
                    Some(path) => path,
                    None => {
                        looked.extend(
                            candidates
                                .iter()
                                .map(|p| format!("{} (not found)", p.display())),
                        );
                        return Ok(None);
                    }
                }
            }
        };
        let source = match load_profile(&path, &profile, &self.env, self.sts_endpoint.as_ref())? {
            ProfileSource::Keys(credentials) => Source::Fixed(credentials),
            ProfileSource::Role(role) => Source::Provider(Arc::new(role)),
        };
        tracing::debug!(path = %path.display(), profile = %profile, "using credentials from a profile file");
        Ok(Some(source))
    }
}

fn not_found(looked: &[String]) -> CredentialsError {
    CredentialsError::new(format!(
        "no credentials found; looked in: {}. Set {ENV_SECRET_ID} and {ENV_SECRET_KEY}, \
         or write a [default] profile with secret_id and secret_key to ~/.tencentcloud/credentials",
        looked.join("; ")
    ))
}

/// The CVM role, tried when nothing else was found: its failure is reported with every place
/// looked before it.
struct LastResort {
    cvm: CvmRoleCredentials,
    looked: Vec<String>,
}

impl fmt::Debug for LastResort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.cvm.fmt(f)
    }
}

impl ProvideCredentials for LastResort {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            self.cvm.provide_credentials().await.map_err(|e| {
                let mut looked = self.looked.clone();
                looked.push(format!("CVM role: {}", e.message()));
                not_found(&looked)
            })
        })
    }
}

impl fmt::Debug for DefaultCredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultCredentialsChain")
            .field("explicit", &self.explicit)
            .field("profile", &self.profile)
            .field("profile_file", &self.profile_file)
            .field("metadata_endpoint", &self.metadata_endpoint)
            .field("sts_endpoint", &self.sts_endpoint)
            .field("selected", &self.selected.get())
            .finish()
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            match self.select()? {
                Source::Fixed(credentials) => Ok(credentials.clone()),
                Source::Provider(provider) => provider.provide_credentials().await,
            }
        })
    }

    fn fixed_credentials(&self) -> Option<&Credentials> {
        match self.selected.get()? {
            Source::Fixed(credentials) => Some(credentials),
            Source::Provider(provider) => provider.fixed_credentials(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::environment::ENV_SESSION_TOKEN;
    use super::*;
    use std::path::Path;

    const FILE: &str = "[default]\nsecret_id = AKIDfile\nsecret_key = fileKey\n\n\
                        [ci]\nsecret_id = AKIDci\nsecret_key = ciKey\ntoken = ciToken\n";

    /// A temporary home directory with `~/.tencentcloud/credentials`, and a separate file.
    struct Files {
        home: tempfile::TempDir,
        other: PathBuf,
    }

    fn files() -> Files {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".tencentcloud")).unwrap();
        std::fs::write(home.path().join(".tencentcloud/credentials"), FILE).unwrap();
        let other = home.path().join("other.ini");
        std::fs::write(
            &other,
            "[default]\nsecret_id=AKIDother\nsecret_key=otherKey\n",
        )
        .unwrap();
        Files { home, other }
    }

    fn home(files: &Files) -> String {
        files.home.path().to_str().unwrap().to_owned()
    }

    fn home_var() -> &'static str {
        if cfg!(windows) {
            "USERPROFILE"
        } else {
            "HOME"
        }
    }

    #[test]
    fn explicit_credentials_win() {
        let f = files();
        let chain = DefaultCredentialsChain::new()
            .credentials(Credentials::new("AKIDexplicit", "k"))
            .with_env(&[
                (ENV_SECRET_ID, "AKIDenv"),
                (ENV_SECRET_KEY, "envKey"),
                (home_var(), &home(&f)),
            ]);
        assert_eq!(chain.resolve().unwrap().secret_id(), "AKIDexplicit");
    }

    #[test]
    fn environment_comes_before_the_profile_file() {
        let f = files();
        let chain = DefaultCredentialsChain::new().with_env(&[
            (ENV_SECRET_ID, "AKIDenv"),
            (ENV_SECRET_KEY, "envKey"),
            (ENV_SESSION_TOKEN, "envToken"),
            (home_var(), &home(&f)),
        ]);
        let creds = chain.resolve().unwrap();
        assert_eq!(creds.secret_id(), "AKIDenv");
        assert_eq!(creds.secret_key(), "envKey");
        assert_eq!(creds.session_token(), Some("envToken"));
    }

    #[test]
    fn half_set_environment_is_an_error_that_names_the_missing_variable() {
        let f = files();
        let chain = DefaultCredentialsChain::new().with_env(&[
            (ENV_SECRET_KEY, "envSecretValue"),
            (ENV_SECRET_ID, "   "),
            (home_var(), &home(&f)),
        ]);
        let shown = chain.resolve().unwrap_err().to_string();
        assert!(
            shown.contains("TENCENTCLOUD_SECRET_ID is missing"),
            "{shown}"
        );
        assert!(!shown.contains("envSecretValue"), "{shown}");
    }

    #[test]
    fn profile_file_in_the_home_directory_and_named_profiles() {
        let f = files();
        let env_home = [(home_var(), home(&f))];
        let env: Vec<(&str, &str)> = env_home.iter().map(|(k, v)| (*k, v.as_str())).collect();

        let default = DefaultCredentialsChain::new()
            .with_env(&env)
            .resolve()
            .unwrap();
        assert_eq!(default.secret_id(), "AKIDfile");
        assert_eq!(default.secret_key(), "fileKey");
        assert_eq!(default.session_token(), None);

        let ci = DefaultCredentialsChain::new()
            .profile("ci")
            .with_env(&env)
            .resolve()
            .unwrap();
        assert_eq!(
            (ci.secret_id(), ci.session_token()),
            ("AKIDci", Some("ciToken"))
        );

        let mut with_profile_var = env.clone();
        with_profile_var.push((ENV_PROFILE, "ci"));
        let from_var = DefaultCredentialsChain::new().with_env(&with_profile_var);
        assert_eq!(from_var.resolve().unwrap().secret_id(), "AKIDci");
        let api_wins = from_var.profile("default");
        assert_eq!(api_wins.resolve().unwrap().secret_id(), "AKIDfile");

        let missing = DefaultCredentialsChain::new()
            .profile("prod")
            .with_env(&env)
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains("no profile [prod]") && missing.contains("default, ci"),
            "{missing}"
        );
        assert!(!missing.contains("fileKey"), "{missing}");
    }

    #[test]
    fn an_explicit_file_replaces_the_default_locations() {
        let f = files();
        let other = f.other.to_str().unwrap();
        let h = home(&f);
        // TENCENTCLOUD_CREDENTIALS_FILE beats ~/.tencentcloud/credentials ...
        let chain = DefaultCredentialsChain::new()
            .with_env(&[(home_var(), &h), (ENV_CREDENTIALS_FILE, other)]);
        assert_eq!(chain.resolve().unwrap().secret_id(), "AKIDother");
        // ... and `profile_file` beats TENCENTCLOUD_CREDENTIALS_FILE.
        let home_file = f.home.path().join(".tencentcloud/credentials");
        let chain = chain.profile_file(&home_file);
        assert_eq!(chain.resolve().unwrap().secret_id(), "AKIDfile");

        // A named file must exist: no silent fall-back to the default locations.
        let gone = f.home.path().join("nope.ini");
        let err = DefaultCredentialsChain::new()
            .profile_file(&gone)
            .with_env(&[(home_var(), &h)])
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("nope.ini") && err.contains("not found"),
            "{err}"
        );
        let err = DefaultCredentialsChain::new()
            .with_env(&[
                (home_var(), &h),
                (ENV_CREDENTIALS_FILE, gone.to_str().unwrap()),
            ])
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(err.contains("from TENCENTCLOUD_CREDENTIALS_FILE"), "{err}");
    }

    #[test]
    fn a_broken_file_is_reported_with_path_and_line_but_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        std::fs::write(
            &path,
            "[default]\nsecret_id = AKIDx\nsecret_key topSecretValue\n",
        )
        .unwrap();
        let err = DefaultCredentialsChain::new()
            .profile_file(&path)
            .with_env(&[])
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(path.to_str().unwrap()) && err.contains("line 3"),
            "{err}"
        );
        assert!(!err.contains("topSecretValue"), "{err}");
    }

    #[test]
    fn nothing_found_lists_every_place_looked() {
        let empty_home = tempfile::tempdir().unwrap();
        let h = empty_home.path().to_str().unwrap().to_owned();
        let result = DefaultCredentialsChain::new()
            .with_env(&[(home_var(), &h)])
            .resolve();
        if Path::new(profile::SYSTEM_CREDENTIALS_FILE).exists() {
            // This machine has a system-wide file; the chain must have used it (or reported it).
            if let Err(e) = result {
                assert!(
                    e.to_string().contains(profile::SYSTEM_CREDENTIALS_FILE),
                    "{e}"
                );
            }
            return;
        }
        let shown = result.unwrap_err().to_string();
        let expected_home = empty_home.path().join(".tencentcloud/credentials");
        for place in [
            "explicit credentials (none given)",
            "TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY not set",
            &format!("{} (not found)", expected_home.display()),
            "/etc/tencentcloud/credentials (not found)",
        ] {
            assert!(shown.contains(place), "missing {place:?} in {shown}");
        }
        let without_home = DefaultCredentialsChain::new().with_env(&[]).resolve();
        assert!(without_home
            .unwrap_err()
            .to_string()
            .contains("home directory unknown"));
    }

    #[tokio::test]
    async fn as_a_provider_the_chain_resolves_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        std::fs::write(&path, FILE).unwrap();
        let chain = DefaultCredentialsChain::new()
            .profile_file(&path)
            .with_env(&[]);
        assert_eq!(
            chain.provide_credentials().await.unwrap().secret_id(),
            "AKIDfile"
        );
        std::fs::remove_file(&path).unwrap();
        assert!(chain.resolve().is_err(), "the file is gone");
        assert_eq!(
            chain.provide_credentials().await.unwrap().secret_id(),
            "AKIDfile",
            "the first result is kept"
        );
        let shown = format!("{chain:?}");
        assert!(!shown.contains("fileKey"), "{shown}");
    }
}
