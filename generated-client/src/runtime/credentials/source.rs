//! Where a key pair came from, and which one signed a call: what an `AuthFailure` error says
//! so that its reader knows which key to check and where it is set. Never a secret.

use std::fmt;
use std::path::PathBuf;

use super::environment::{ENV_SECRET_ID, ENV_SECRET_KEY};
use super::Credentials;

/// Which source gave a [`Credentials`] value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CredentialsSource {
    /// Given in code ([`Credentials::new`]), or by a provider of your own.
    #[default]
    Code,
    /// `TENCENTCLOUD_SECRET_ID` and `TENCENTCLOUD_SECRET_KEY`.
    Environment,
    /// A profile of a credentials file: the official SDKs' INI file or tccli's
    /// `~/.tccli/<profile>.credential`.
    ProfileFile { path: PathBuf, profile: String },
    /// The CVM instance's role, from the metadata server.
    CvmRole { role: String },
    /// A role assumed with STS `AssumeRole` (also a profile's `role_arn`).
    StsAssumeRole { role_arn: String },
    /// A role assumed with an OIDC token through STS `AssumeRoleWithWebIdentity` (TKE).
    OidcRole { role_arn: String },
}

impl fmt::Display for CredentialsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsSource::Code => f.write_str("credentials given in code"),
            CredentialsSource::Environment => write!(
                f,
                "the environment variables {ENV_SECRET_ID} and {ENV_SECRET_KEY}"
            ),
            CredentialsSource::ProfileFile { path, profile } => {
                write!(f, "profile `{profile}` of {}", path.display())
            }
            CredentialsSource::CvmRole { role } => {
                write!(f, "the CVM role `{role}` (instance metadata server)")
            }
            CredentialsSource::StsAssumeRole { role_arn } => {
                write!(f, "role {role_arn} (STS AssumeRole)")
            }
            CredentialsSource::OidcRole { role_arn } => {
                write!(f, "role {role_arn} (OIDC, STS AssumeRoleWithWebIdentity)")
            }
        }
    }
}

/// Which credentials signed a call the service refused: the SecretId, masked, and the source
/// that gave it. Carried by `AuthFailure.*` and `UnauthorizedOperation*` errors (the
/// `signed_by` of [`ErrorMetadata`](crate::runtime::error::ErrorMetadata), and `signed_by()`
/// on every error type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBy(Box<Signer>);

/// Boxed: every error carries an `Option<SignedBy>`, which stays one pointer wide.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Signer {
    masked_secret_id: String,
    source: CredentialsSource,
}

impl SignedBy {
    pub fn new(credentials: &Credentials) -> Self {
        SignedBy(Box::new(Signer {
            masked_secret_id: mask_secret_id(credentials.secret_id()),
            source: credentials.source().clone(),
        }))
    }

    /// The SecretId with all but its first and last four characters hidden: `AKID…0000`.
    pub fn masked_secret_id(&self) -> &str {
        &self.0.masked_secret_id
    }

    pub fn source(&self) -> &CredentialsSource {
        &self.0.source
    }
}

impl fmt::Display for SignedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "signed with SecretId {} from {}",
            self.0.masked_secret_id, self.0.source
        )
    }
}

/// A SecretId with its middle hidden: the first and last four characters of a long one
/// (`AKIDiai…0000`-style, enough to tell two keys apart), less of a short one, and nothing
/// of one so short that showing any would show most of it.
pub fn mask_secret_id(secret_id: &str) -> String {
    let chars: Vec<char> = secret_id.chars().collect();
    let shown = match chars.len() {
        0 => return "(empty)".to_owned(),
        n if n >= 16 => 4,
        n if n >= 8 => 2,
        _ => 0,
    };
    let head: String = chars[..shown].iter().collect();
    let tail: String = chars[chars.len() - shown..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_secret_id_shows_only_its_ends() {
        let id = "AKIDiaiEmulatorTestOnly0000000000000";
        assert_eq!(mask_secret_id(id), "AKID…0000");
        assert_eq!(mask_secret_id("AKIDshort"), "AK…rt");
        assert_eq!(mask_secret_id("AKID123"), "…");
        assert_eq!(mask_secret_id(""), "(empty)");
        // Characters, not bytes: no panic in the middle of a multi-byte one.
        assert_eq!(mask_secret_id("ééééééééééééééééé"), "éééé…éééé");
    }

    #[test]
    fn signed_by_names_the_source_and_hides_the_secrets() {
        let credentials = Credentials::new("AKIDabcdefghijklmnop1234", "the-secret-key")
            .with_session_token("the-token")
            .with_source(CredentialsSource::ProfileFile {
                path: PathBuf::from("/home/u/.tencentcloud/credentials"),
                profile: "ci".to_owned(),
            });
        let signed_by = SignedBy::new(&credentials);
        let shown = format!("{signed_by} {signed_by:?}");
        assert!(shown.contains("AKID…1234"), "{shown}");
        assert!(shown.contains("profile `ci` of /home/u/.tencentcloud/credentials"));
        for secret in ["AKIDabcdefghijklmnop1234", "the-secret-key", "the-token"] {
            assert!(!shown.contains(secret), "{secret} shown in {shown}");
        }
    }
}
