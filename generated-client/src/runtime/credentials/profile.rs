//! Credentials from a profile of the official SDKs' credentials file (see
//! [`crate::runtime::profile`] for the format).

use std::path::Path;

use super::{Credentials, CredentialsError};
use crate::runtime::profile::ProfileFile;

pub(crate) fn load_profile(path: &Path, profile: &str) -> Result<Credentials, CredentialsError> {
    ProfileFile::load(path)?
        .credentials(profile)
        .map_err(|e| CredentialsError::new(format!("credentials file {}: {e}", path.display())))
}
