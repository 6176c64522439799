//! The default chain: the places credentials are looked for, in order.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use super::environment::{from_env_vars, Env, ENV_SECRET_ID, ENV_SECRET_KEY};
use super::profile::load_profile;
use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
use crate::runtime::profile::{self, DEFAULT_PROFILE, ENV_CREDENTIALS_FILE, ENV_PROFILE};

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
