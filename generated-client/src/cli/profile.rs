//! Profiles: the official SDKs' `~/.tencentcloud/credentials` (INI, through the library) and
//! tccli's own files, `~/.tccli/<profile>.credential` (JSON with `secretId`, `secretKey`,
//! optional `token`) and `~/.tccli/<profile>.configure` (`_sys_param.region`), so a tccli
//! user's set-up works unchanged. `iai configure` writes tccli's format.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::error::{CliError, ExitCode};
use crate::runtime::profile::{
    default_locations, ProfileFile, DEFAULT_PROFILE, ENV_CREDENTIALS_FILE, ENV_PROFILE,
};
use std::sync::Arc;

use crate::runtime::credentials::environment::Env;
use crate::runtime::credentials::profile::{load_profile, ProfileSource};
use crate::runtime::credentials::CredentialsSource;
use crate::{Credentials, DefaultCredentialsChain, ProvideCredentials};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn home() -> Option<PathBuf> {
    env(if cfg!(windows) { "USERPROFILE" } else { "HOME" }).map(PathBuf::from)
}

fn tccli_file(profile: &str, extension: &str) -> Option<PathBuf> {
    home().map(|h| h.join(".tccli").join(format!("{profile}.{extension}")))
}

/// The profile `--profile` names, else `TENCENTCLOUD_PROFILE`, else `default`.
pub fn profile_name(flag: Option<&str>) -> String {
    flag.map(str::to_owned)
        .or_else(|| env(ENV_PROFILE))
        .unwrap_or_else(|| DEFAULT_PROFILE.to_owned())
}

/// Credentials for a call. With `--profile` the profile wins over the environment; without
/// it the library's chain (environment, then the SDK file), then tccli's file, then the rest of
/// the library's chain (TKE OIDC, the CVM role), whose failure lists every place looked.
pub fn credentials(flag: Option<&str>) -> Result<Arc<dyn ProvideCredentials>, CliError> {
    let config_error =
        |e: &(dyn std::error::Error + 'static)| CliError::failure(super::error::chain(e));
    let Some(profile) = flag else {
        let chain = DefaultCredentialsChain::new();
        if let Ok(credentials) = chain.resolve() {
            return Ok(Arc::new(credentials));
        }
        let name = profile_name(None);
        if let Some(path) = tccli_file(&name, "credential").filter(|p| p.exists()) {
            if !chain.found_locally() {
                return Ok(Arc::new(read_tccli_credentials(&path)?));
            }
        }
        // A profile's role, TKE OIDC or the CVM role: asked at the call.
        chain.select().map_err(|e| config_error(&e))?;
        return Ok(Arc::new(chain));
    };
    let sdk_file = match env(ENV_CREDENTIALS_FILE) {
        Some(path) => Some(PathBuf::from(path)),
        None => default_locations(home().as_deref())
            .into_iter()
            .find(|p| p.exists()),
    };
    if let Some(path) = sdk_file.filter(|p| p.exists()) {
        let file = ProfileFile::load(&path).map_err(|e| config_error(&e))?;
        if file.profile_names().any(|n| n == profile) {
            return match load_profile(&path, profile, &Env::Process, None) {
                Ok(ProfileSource::Keys(credentials)) => Ok(Arc::new(credentials)),
                Ok(ProfileSource::Role(role)) => Ok(Arc::new(role)),
                Err(e) => Err(CliError::failure(super::error::chain(&e))),
            };
        }
    }
    match tccli_file(profile, "credential").filter(|p| p.exists()) {
        Some(path) => Ok(Arc::new(read_tccli_credentials(&path)?)),
        None => Err(CliError::failure(format!(
            "profile `{profile}` not found: neither in the SDK credentials file (~/.tencentcloud/credentials or {ENV_CREDENTIALS_FILE}) nor ~/.tccli/{profile}.credential"
        ))),
    }
}

fn read_json(path: &Path) -> Result<Map<String, Value>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::caused(
            ExitCode::Failure,
            &format!("cannot read {}", path.display()),
            &e,
        )
    })?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        // The parser's message quotes no content, so no secret leaks through it.
        Ok(_) => Err(CliError::failure(format!(
            "{}: not a JSON object",
            path.display()
        ))),
        Err(e) => Err(CliError::failure(format!(
            "{}: not valid JSON: {e}",
            path.display()
        ))),
    }
}

fn read_tccli_credentials(path: &Path) -> Result<Credentials, CliError> {
    let map = read_json(path)?;
    let field = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let (Some(id), Some(key)) = (field("secretId"), field("secretKey")) else {
        return Err(CliError::failure(format!(
            "{}: `secretId` and `secretKey` are required",
            path.display()
        )));
    };
    let credentials = Credentials::new(id, key).with_source(CredentialsSource::ProfileFile {
        path: path.to_owned(),
        profile: path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default(),
    });
    Ok(match field("token") {
        Some(token) => credentials.with_session_token(token),
        None => credentials,
    })
}

/// The region of tccli's `<profile>.configure`, if there is one.
pub fn configured_region(profile: &str) -> Option<String> {
    let path = tccli_file(profile, "configure").filter(|p| p.exists())?;
    let map = read_json(&path).ok()?;
    map.get("_sys_param")?
        .get("region")?
        .as_str()
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

/// `iai configure`: asks for the key pair and writes the profile in tccli's format.
pub fn configure(
    profile: &str,
    region: Option<&str>,
    stdin: &mut dyn BufRead,
    stdin_is_terminal: bool,
    stderr: &mut dyn Write,
) -> Result<String, CliError> {
    let dir = home()
        .map(|h| h.join(".tccli"))
        .ok_or_else(|| CliError::failure("cannot configure: the home directory is unknown"))?;
    let mut ask = |prompt: &str, secret: bool| -> Result<String, CliError> {
        let answer = if secret && stdin_is_terminal {
            rpassword::prompt_password(prompt)
                .map_err(|e| CliError::caused(ExitCode::Failure, "cannot read the answer", &e))?
        } else {
            if stdin_is_terminal {
                let _ = write!(stderr, "{prompt}");
                let _ = stderr.flush();
            }
            let mut line = String::new();
            stdin
                .read_line(&mut line)
                .map_err(|e| CliError::caused(ExitCode::Failure, "cannot read stdin", &e))?;
            line
        };
        let answer = answer.trim().to_owned();
        if answer.is_empty() {
            return Err(CliError::usage(format!(
                "{} must not be empty",
                prompt.trim_end_matches([':', ' '])
            )));
        }
        Ok(answer)
    };
    let secret_id = ask("SecretId: ", false)?;
    let secret_key = ask("SecretKey: ", true)?;

    let io_error = |path: &Path, e: std::io::Error| {
        CliError::caused(
            ExitCode::Failure,
            &format!("cannot write {}", path.display()),
            &e,
        )
    };
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
    let credential_path = dir.join(format!("{profile}.credential"));
    let mut credential = Map::new();
    credential.insert("secretId".into(), secret_id.into());
    credential.insert("secretKey".into(), secret_key.into());
    write_private(&credential_path, &Value::Object(credential))
        .map_err(|e| io_error(&credential_path, e))?;

    if let Some(region) = region {
        let path = dir.join(format!("{profile}.configure"));
        // Keep whatever else tccli stored there.
        let mut config = if path.exists() {
            read_json(&path)?
        } else {
            Map::new()
        };
        let sys = config
            .entry("_sys_param")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(sys) = sys {
            sys.insert("region".into(), region.into());
        }
        let text = serde_json::to_string_pretty(&Value::Object(config)).unwrap_or_default();
        std::fs::write(&path, text + "\n").map_err(|e| io_error(&path, e))?;
    }
    Ok(credential_path.display().to_string())
}

/// Writes `value` readable by the owner only; an existing file is narrowed to that too.
fn write_private(path: &Path, value: &Value) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let mut file = options.open(path)?;
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}
