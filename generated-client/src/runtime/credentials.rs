//! Credentials and where they come from. Secrets never appear in `Debug` output or errors.
//!
//! - [`Credentials`]: a key pair, optionally with a session token and an expiry.
//! - [`DefaultCredentialsChain`]: explicit credentials, else the environment, else the official
//!   SDKs' credentials file (see [`super::profile`]); what [`crate::Config::from_env`] uses.
//! - [`RefreshingCredentials`]: temporary credentials from your own async fetch function,
//!   cached and refreshed ahead of expiry, one refresh at a time.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, SystemTime};

use super::profile::{self, ProfileFile, DEFAULT_PROFILE, ENV_CREDENTIALS_FILE, ENV_PROFILE};

/// `SecretId` + `SecretKey`, and a session token for temporary credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    expiry: Option<SystemTime>,
}

impl Credentials {
    /// Long-term credentials.
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            token: None,
            expiry: None,
        }
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
}

pub(crate) const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
pub(crate) const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
pub(crate) const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";

pub(crate) fn non_empty_env(name: &str) -> Option<String> {
    Env::Process.get(name)
}

/// Where environment variables come from: the process, or a fixed map in unit tests (so they
/// never mutate the process environment, which other tests read concurrently).
#[derive(Clone)]
enum Env {
    Process,
    #[cfg_attr(not(test), allow(dead_code))]
    Fixed(Arc<HashMap<String, String>>),
}

impl Env {
    /// The variable's value, unless it is unset, empty or only whitespace.
    fn get(&self, name: &str) -> Option<String> {
        let value = match self {
            Env::Process => std::env::var(name).ok(),
            Env::Fixed(vars) => vars.get(name).cloned(),
        };
        value.filter(|v| !v.trim().is_empty())
    }

    fn home_dir(&self) -> Option<PathBuf> {
        let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
        self.get(var).map(PathBuf::from)
    }
}

/// `Ok(None)` when neither variable is set; an error when only one of them is.
fn from_env_vars(env: &Env) -> Result<Option<Credentials>, CredentialsError> {
    match (env.get(ENV_SECRET_ID), env.get(ENV_SECRET_KEY)) {
        (Some(id), Some(key)) => {
            let creds = Credentials::new(id, key);
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

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Credentials");
        s.field("secret_id", &self.secret_id)
            .field("secret_key", &"** redacted **")
            .field("token", &self.token.as_ref().map(|_| "** redacted **"));
        if let Some(expiry) = self.expiry {
            s.field("expiry", &expiry);
        }
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

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let creds = self.clone();
        Box::pin(async move { Ok(creds) })
    }

    fn fixed_credentials(&self) -> Option<&Credentials> {
        Some(self)
    }
}

/// Finds credentials the way Tencent Cloud's official SDKs do, first match wins:
///
/// 1. credentials given with [`DefaultCredentialsChain::credentials`];
/// 2. the environment: `TENCENTCLOUD_SECRET_ID` + `TENCENTCLOUD_SECRET_KEY` (+ optional
///    `TENCENTCLOUD_SESSION_TOKEN`); setting only one of the two is an error, not a fall-through;
/// 3. a credentials file in the official SDKs' INI format ([`super::profile`]): the file given
///    with [`DefaultCredentialsChain::profile_file`], else the one named by
///    `TENCENTCLOUD_CREDENTIALS_FILE` (either must exist), else the first that exists of
///    `~/.tencentcloud/credentials` and `/etc/tencentcloud/credentials`. The profile is the one
///    given with [`DefaultCredentialsChain::profile`], else `TENCENTCLOUD_PROFILE`, else
///    `default`. A file that is found but unusable is an error, not a fall-through.
///
/// If nothing matches, the error lists every place that was looked at. As a
/// [`ProvideCredentials`] the chain resolves once, on first use, and keeps the result.
#[derive(Clone)]
pub struct DefaultCredentialsChain {
    explicit: Option<Credentials>,
    profile: Option<String>,
    profile_file: Option<PathBuf>,
    env: Env,
    resolved: Arc<OnceLock<Credentials>>,
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        DefaultCredentialsChain {
            explicit: None,
            profile: None,
            profile_file: None,
            env: Env::Process,
            resolved: Arc::new(OnceLock::new()),
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

    #[cfg(test)]
    fn with_env(mut self, vars: &[(&str, &str)]) -> Self {
        let map = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.env = Env::Fixed(Arc::new(map));
        self
    }

    /// Runs the lookup now (reading the environment and at most one file), without caching.
    pub fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let mut looked = Vec::with_capacity(4);
        match &self.explicit {
            Some(credentials) => return Ok(credentials.clone()),
            None => looked.push("explicit credentials (none given)".to_owned()),
        }

        match from_env_vars(&self.env) {
            Ok(Some(credentials)) => {
                tracing::debug!("using credentials from the environment");
                return Ok(credentials);
            }
            Ok(None) => looked.push(format!(
                "environment ({ENV_SECRET_ID} and {ENV_SECRET_KEY} not set)"
            )),
            Err(e) => return Err(e),
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
                    return Err(not_found(&looked));
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
                        return Err(not_found(&looked));
                    }
                }
            }
        };
        let credentials = load_profile(&path, &profile)?;
        tracing::debug!(path = %path.display(), profile = %profile, "using credentials from a profile file");
        Ok(credentials)
    }
}

fn load_profile(path: &Path, profile: &str) -> Result<Credentials, CredentialsError> {
    ProfileFile::load(path)?
        .credentials(profile)
        .map_err(|e| CredentialsError::new(format!("credentials file {}: {e}", path.display())))
}

fn not_found(looked: &[String]) -> CredentialsError {
    CredentialsError::new(format!(
        "no credentials found; looked in: {}. Set {ENV_SECRET_ID} and {ENV_SECRET_KEY}, \
         or write a [default] profile with secret_id and secret_key to ~/.tencentcloud/credentials",
        looked.join("; ")
    ))
}

impl fmt::Debug for DefaultCredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultCredentialsChain")
            .field("explicit", &self.explicit)
            .field("profile", &self.profile)
            .field("profile_file", &self.profile_file)
            .field("resolved", &self.resolved.get())
            .finish()
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            if let Some(credentials) = self.resolved.get() {
                return Ok(credentials.clone());
            }
            let credentials = self.resolve()?;
            Ok(self.resolved.get_or_init(|| credentials).clone())
        })
    }

    fn fixed_credentials(&self) -> Option<&Credentials> {
        self.resolved.get()
    }
}

/// How long before expiry [`RefreshingCredentials`] fetches new credentials by default.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Temporary credentials from an async function of yours (an STS `AssumeRole` call, a
/// metadata service, a vault, ...), cached until `refresh_margin` before their
/// [`Credentials::expiry`], then fetched again.
///
/// Safe under concurrent calls: at most one fetch is in flight. While it runs, callers get the
/// cached credentials if they have not expired yet, and otherwise wait for the fetch. If a
/// refresh fails while the cached credentials are still valid, those are used and the next
/// call tries again. Credentials without an expiry are cached for good. Keep the margin shorter
/// than the credentials' lifetime, or every call fetches.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use tencentcloud_iai::{Config, Credentials, CredentialsError, RefreshingCredentials};
///
/// async fn assume_role() -> Result<Credentials, CredentialsError> {
///     // ... call STS ...
///     Ok(Credentials::new("AKIDtmp", "tmpKey")
///         .with_session_token("token")
///         .with_expiry(SystemTime::now() + Duration::from_secs(7200)))
/// }
///
/// let config = Config::builder()
///     .credentials_provider(RefreshingCredentials::new(assume_role))
///     .build();
/// ```
pub struct RefreshingCredentials<F> {
    fetch: F,
    margin: Duration,
    cached: RwLock<Option<Credentials>>,
    /// Held by the one caller that is fetching.
    refreshing: tokio::sync::Mutex<()>,
}

impl<F, Fut> RefreshingCredentials<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<Credentials, CredentialsError>> + Send,
{
    /// Fetches on first use; refreshes [`DEFAULT_REFRESH_MARGIN`] before expiry.
    pub fn new(fetch: F) -> Self {
        RefreshingCredentials {
            fetch,
            margin: DEFAULT_REFRESH_MARGIN,
            cached: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// How long before expiry to fetch new credentials.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Valid credentials: cached ones while they are fresh, else the result of a fetch.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let current = self.cached();
        if let Some(fresh) = current.as_ref().filter(|c| self.is_fresh(c)) {
            return Ok(fresh.clone());
        }
        let _guard = match self.refreshing.try_lock() {
            Ok(guard) => guard,
            Err(_busy) => {
                // Someone is fetching: still-valid credentials beat waiting for them.
                if let Some(valid) = current.filter(|c| !is_expired(c)) {
                    return Ok(valid);
                }
                self.refreshing.lock().await
            }
        };
        // Whoever held the lock before us may have refreshed already.
        let current = self.cached();
        if let Some(fresh) = current.as_ref().filter(|c| self.is_fresh(c)) {
            return Ok(fresh.clone());
        }
        match (self.fetch)().await {
            Ok(new) if is_expired(&new) => Err(CredentialsError::new(
                "the credentials provider returned credentials that have already expired",
            )),
            Ok(new) => {
                *self.cached.write().unwrap_or_else(|p| p.into_inner()) = Some(new.clone());
                Ok(new)
            }
            Err(e) => match current.filter(|c| !is_expired(c)) {
                Some(valid) => {
                    tracing::warn!(error = %e, "refreshing credentials failed; using the cached ones until they expire");
                    Ok(valid)
                }
                None => Err(e),
            },
        }
    }

    fn cached(&self) -> Option<Credentials> {
        self.cached
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn is_fresh(&self, credentials: &Credentials) -> bool {
        match credentials.expiry {
            None => true,
            Some(expiry) => SystemTime::now()
                .checked_add(self.margin)
                .is_some_and(|refresh_at| refresh_at < expiry),
        }
    }
}

fn is_expired(credentials: &Credentials) -> bool {
    credentials
        .expiry
        .is_some_and(|expiry| SystemTime::now() >= expiry)
}

impl<F> fmt::Debug for RefreshingCredentials<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        f.debug_struct("RefreshingCredentials")
            .field("refresh_margin", &self.margin)
            .field("cached", &*cached)
            .finish()
    }
}

impl<F, Fut> ProvideCredentials for RefreshingCredentials<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<Credentials, CredentialsError>> + Send + 'static,
{
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.credentials())
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
    use std::sync::atomic::{AtomicUsize, Ordering};

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

    /// A fetch function that counts calls, labels credentials with the call number and can be
    /// held at a gate.
    #[derive(Default)]
    struct Fetcher {
        calls: AtomicUsize,
        lifetime_secs: AtomicUsize,
        fail: std::sync::atomic::AtomicBool,
        gated: std::sync::atomic::AtomicBool,
        started: tokio::sync::Notify,
        gate: tokio::sync::Notify,
    }

    impl Fetcher {
        fn new(lifetime: Duration) -> Arc<Self> {
            let f = Fetcher::default();
            f.lifetime_secs
                .store(lifetime.as_secs() as usize, Ordering::SeqCst);
            Arc::new(f)
        }

        fn provider(
            self: &Arc<Self>,
            margin: Duration,
        ) -> RefreshingCredentials<
            impl Fn() -> BoxFuture<'static, Result<Credentials, CredentialsError>> + Send + Sync,
        > {
            let me = Arc::clone(self);
            RefreshingCredentials::new(move || {
                let me = Arc::clone(&me);
                Box::pin(async move { me.fetch().await })
                    as BoxFuture<'static, Result<Credentials, CredentialsError>>
            })
            .refresh_margin(margin)
        }

        async fn fetch(&self) -> Result<Credentials, CredentialsError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if self.gated.load(Ordering::SeqCst) {
                self.started.notify_one();
                self.gate.notified().await;
            }
            if self.fail.load(Ordering::SeqCst) {
                return Err(CredentialsError::new("STS is down"));
            }
            let lifetime = Duration::from_secs(self.lifetime_secs.load(Ordering::SeqCst) as u64);
            Ok(Credentials::new(format!("AKIDv{n}"), "k")
                .with_session_token("t")
                .with_expiry(SystemTime::now() + lifetime))
        }

        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }
    }

    const MARGIN: Duration = Duration::from_secs(300);

    #[tokio::test]
    async fn fresh_credentials_are_cached() {
        let fetcher = Fetcher::new(Duration::from_secs(3600));
        let provider = fetcher.provider(MARGIN);
        for _ in 0..10 {
            assert_eq!(provider.credentials().await.unwrap().secret_id(), "AKIDv1");
        }
        assert_eq!(fetcher.calls(), 1);
    }

    #[tokio::test]
    async fn credentials_within_the_margin_are_refreshed_before_they_expire() {
        // Valid for 3 more minutes: not expired, but inside the 5 minute margin.
        let fetcher = Fetcher::new(Duration::from_secs(180));
        let provider = fetcher.provider(MARGIN);
        assert_eq!(provider.credentials().await.unwrap().secret_id(), "AKIDv1");
        assert_eq!(provider.credentials().await.unwrap().secret_id(), "AKIDv2");
        assert_eq!(fetcher.calls(), 2);
        // With a shorter margin the same credentials count as fresh.
        let relaxed = fetcher.provider(Duration::from_secs(60));
        relaxed.credentials().await.unwrap();
        relaxed.credentials().await.unwrap();
        assert_eq!(fetcher.calls(), 3);
    }

    #[tokio::test]
    async fn credentials_without_expiry_are_kept() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let provider = RefreshingCredentials::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Ok(Credentials::new("AKIDforever", "k")) }
        });
        for _ in 0..5 {
            provider.provide_credentials().await.unwrap();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn failed_refresh_falls_back_to_still_valid_credentials_only() {
        let fetcher = Fetcher::new(Duration::from_secs(180));
        let provider = fetcher.provider(MARGIN);
        provider.credentials().await.unwrap();
        fetcher.fail.store(true, Ordering::SeqCst);
        assert_eq!(
            provider.credentials().await.unwrap().secret_id(),
            "AKIDv1",
            "the cached credentials have 3 minutes left"
        );
        assert_eq!(fetcher.calls(), 2, "a refresh was attempted");

        let nothing_cached = fetcher.provider(MARGIN);
        let err = nothing_cached.credentials().await.unwrap_err();
        assert!(err.to_string().contains("STS is down"), "{err}");

        fetcher.fail.store(false, Ordering::SeqCst);
        fetcher.lifetime_secs.store(0, Ordering::SeqCst);
        let expired = fetcher.provider(MARGIN).credentials().await.unwrap_err();
        assert!(expired.to_string().contains("already expired"), "{expired}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn fifty_concurrent_callers_share_one_fetch() {
        let fetcher = Fetcher::new(Duration::from_secs(3600));
        fetcher.gated.store(true, Ordering::SeqCst);
        let provider = Arc::new(fetcher.provider(MARGIN));
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let provider = Arc::clone(&provider);
                tokio::spawn(async move { provider.credentials().await })
            })
            .collect();
        tokio::time::timeout(Duration::from_secs(10), fetcher.started.notified())
            .await
            .expect("a fetch starts");
        // Let the other callers pile up behind the one fetch before it completes.
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        fetcher.gate.notify_one();
        for task in tasks {
            let creds = tokio::time::timeout(Duration::from_secs(10), task)
                .await
                .expect("no caller hangs")
                .unwrap()
                .unwrap();
            assert_eq!(creds.secret_id(), "AKIDv1");
        }
        assert_eq!(fetcher.calls(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn callers_use_still_valid_credentials_while_a_refresh_is_in_flight() {
        let fetcher = Fetcher::new(Duration::from_secs(180));
        let provider = Arc::new(fetcher.provider(MARGIN));
        assert_eq!(provider.credentials().await.unwrap().secret_id(), "AKIDv1");

        fetcher.gated.store(true, Ordering::SeqCst);
        let refresher = {
            let provider = Arc::clone(&provider);
            tokio::spawn(async move { provider.credentials().await })
        };
        tokio::time::timeout(Duration::from_secs(10), fetcher.started.notified())
            .await
            .expect("the refresh starts");
        // The refresh is held at the gate; nobody else waits for it or starts another.
        for _ in 0..20 {
            let creds = tokio::time::timeout(Duration::from_secs(10), provider.credentials())
                .await
                .expect("served without waiting for the refresh")
                .unwrap();
            assert_eq!(creds.secret_id(), "AKIDv1");
        }
        fetcher.gate.notify_one();
        let refreshed = refresher.await.unwrap().unwrap();
        assert_eq!(refreshed.secret_id(), "AKIDv2");
        assert_eq!(fetcher.calls(), 2);
    }
}
