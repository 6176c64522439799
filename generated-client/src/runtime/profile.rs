//! The credentials file the official Tencent Cloud SDKs read: an INI file, by default
//! `~/.tencentcloud/credentials`, else `/etc/tencentcloud/credentials`:
//!
//! ```ini
//! # comments start with `#` or `;`
//! [default]
//! secret_id = AKID...
//! secret_key = ...
//!
//! [ci]
//! secret_id = AKID...
//! secret_key = ...
//! token = ...          ; optional session token (not read by the Python SDK)
//! ```
//!
//! The syntax is the part of Python's `configparser` that the official Python SDK
//! (`tencentcloud-sdk-python-common`, `ProfileCredential`) relies on: `key = value` or
//! `key: value`, keys case-insensitive, keys and values trimmed, whole-line comments, no inline
//! comments (a `#` after a value is part of the value). Duplicate sections or keys and lines
//! outside a section are errors, as in `configparser`. Two things are more lenient than
//! Python: section names are trimmed, a leading byte order mark is skipped, and one pair of
//! quotes around a value is removed (the Python SDK's own docstring shows `secret_id=""`,
//! which `configparser` would keep verbatim).
//!
//! Why not an INI crate: `rust-ini` 0.21 and `configparser` 3 were tried on the cases below and
//! each misses Python behaviour the official SDK users rely on. Both accept duplicate sections
//! and keys silently (Python refuses them), and a key before any section (Python refuses it);
//! `rust-ini` takes an indented `# comment` for a key and a leading BOM for part of a name;
//! `configparser` cuts values at an inline `#` or `;` and accepts a line with no `=` or `:`.
//! Each case has a test here (`..._as_in_configparser`, `syntax_errors_...`,
//! `a_byte_order_mark_...`), so a crate can replace this parser once it passes them.

use std::fmt;
use std::path::{Path, PathBuf};

use super::credentials::{Credentials, CredentialsError};

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";
/// Names the profile to use instead of `default`.
pub const ENV_PROFILE: &str = "TENCENTCLOUD_PROFILE";
/// Names the credentials file to use instead of the default locations.
pub const ENV_CREDENTIALS_FILE: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
/// Where the official SDKs look, relative to the home directory, before [`SYSTEM_CREDENTIALS_FILE`].
pub const HOME_CREDENTIALS_FILE: &str = ".tencentcloud/credentials";
/// The system-wide credentials file, used when there is none in the home directory.
pub const SYSTEM_CREDENTIALS_FILE: &str = "/etc/tencentcloud/credentials";

/// A parsed credentials file: sections of `key = value` pairs, in file order.
#[derive(Clone, PartialEq, Eq)]
pub struct ProfileFile {
    sections: Vec<Section>,
}

#[derive(Clone, PartialEq, Eq)]
struct Section {
    name: String,
    /// Lower-cased keys with their values and line numbers.
    entries: Vec<(String, String, usize)>,
}

impl ProfileFile {
    /// Parses the text of a credentials file. Errors name the line and never quote a value.
    pub fn parse(text: &str) -> Result<ProfileFile, ProfileError> {
        let mut sections: Vec<Section> = Vec::new();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (index, raw) in text.lines().enumerate() {
            let line_no = index + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                let Some(close) = rest.rfind(']') else {
                    return Err(ProfileError::syntax(line_no, "section header without `]`"));
                };
                if !rest[close + 1..].trim().is_empty() {
                    return Err(ProfileError::syntax(
                        line_no,
                        "text after the section header's `]`",
                    ));
                }
                let name = rest[..close].trim();
                if name.is_empty() {
                    return Err(ProfileError::syntax(line_no, "empty section name `[]`"));
                }
                if sections.iter().any(|s| s.name == name) {
                    return Err(ProfileError::syntax(
                        line_no,
                        format!("section [{name}] appears twice"),
                    ));
                }
                sections.push(Section {
                    name: name.to_owned(),
                    entries: Vec::new(),
                });
                continue;
            }
            let Some(split) = line.find(['=', ':']) else {
                return Err(ProfileError::syntax(
                    line_no,
                    "expected `[section]`, `key = value` or a comment",
                ));
            };
            let key = line[..split].trim().to_ascii_lowercase();
            let value = unquote(line[split + 1..].trim());
            if key.is_empty() {
                return Err(ProfileError::syntax(line_no, "a value without a key"));
            }
            let Some(section) = sections.last_mut() else {
                return Err(ProfileError::syntax(
                    line_no,
                    format!("`{key}` comes before any `[section]` header"),
                ));
            };
            if section.entries.iter().any(|(k, _, _)| *k == key) {
                return Err(ProfileError::syntax(
                    line_no,
                    format!("`{key}` appears twice in [{}]", section.name),
                ));
            }
            section.entries.push((key, value.to_owned(), line_no));
        }
        Ok(ProfileFile { sections })
    }

    /// Reads and parses a file; errors name the path.
    pub fn load(path: &Path) -> Result<ProfileFile, CredentialsError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CredentialsError::new(format!(
                "cannot read credentials file {}: {e}",
                path.display()
            ))
        })?;
        ProfileFile::parse(&text)
            .map_err(|e| CredentialsError::new(format!("{}: {e}", path.display())))
    }

    /// Section names, in file order.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|s| s.name.as_str())
    }

    /// A value by section and (case-insensitive) key.
    pub fn get(&self, profile: &str, key: &str) -> Option<&str> {
        self.section(profile)?
            .entries
            .iter()
            .find(|(k, _, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v, _)| v.as_str())
    }

    fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The credentials of one profile: `secret_id`, `secret_key` and optional `token`.
    pub fn credentials(&self, profile: &str) -> Result<Credentials, ProfileError> {
        let Some(_) = self.section(profile) else {
            let known: Vec<&str> = self.profile_names().collect();
            return Err(ProfileError::MissingProfile {
                profile: profile.to_owned(),
                known: known.join(", "),
            });
        };
        let missing = |key: &'static str| match self.misspelling_of(profile, key) {
            Some(found) => ProfileError::MisspelledKey {
                profile: profile.to_owned(),
                found: found.to_owned(),
                expected: key,
            },
            None => ProfileError::MissingKey {
                profile: profile.to_owned(),
                key,
                empty: false,
            },
        };
        let required = |key: &'static str| match self.get(profile, key) {
            Some(v) if !v.is_empty() => Ok(v),
            Some(_) => Err(ProfileError::MissingKey {
                profile: profile.to_owned(),
                key,
                empty: true,
            }),
            None => Err(missing(key)),
        };
        let credentials = Credentials::new(required("secret_id")?, required("secret_key")?);
        // A misspelled optional token would otherwise be dropped, and the call fail later.
        if self.get(profile, "token").is_none() {
            if let err @ ProfileError::MisspelledKey { .. } = missing("token") {
                return Err(err);
            }
        }
        Ok(match self.get(profile, "token").filter(|t| !t.is_empty()) {
            Some(token) => credentials.with_session_token(token),
            None => credentials,
        })
    }
}

impl ProfileFile {
    /// A key of `profile` that is not one the file format knows but looks like `expected`:
    /// the same letters once case, `_`, `-` and spaces are ignored (`SecretId`, `secret-id`),
    /// or at most two edits away (`secert_id`).
    fn misspelling_of(&self, profile: &str, expected: &str) -> Option<&str> {
        let squash = |key: &str| -> String {
            key.chars()
                .filter(|c| !matches!(c, '_' | '-' | ' '))
                .flat_map(char::to_lowercase)
                .collect()
        };
        let wanted = squash(expected);
        self.section(profile)?
            .entries
            .iter()
            .map(|(key, _, _)| key.as_str())
            .filter(|key| !KNOWN_KEYS.contains(key))
            .find(|key| strsim::damerau_levenshtein(&squash(key), &wanted) <= 2)
    }
}

/// The keys a profile may hold.
const KNOWN_KEYS: [&str; 6] = [
    "secret_id",
    "secret_key",
    "token",
    "role_arn",
    "role_session_name",
    "duration_seconds",
];

impl fmt::Debug for ProfileFile {
    // Names and keys only: values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.sections.iter().map(|s| {
                let keys: Vec<&str> = s.entries.iter().map(|(k, _, _)| k.as_str()).collect();
                (s.name.as_str(), keys)
            }))
            .finish()
    }
}

/// Removes one pair of matching quotes around a value.
fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// What is wrong with a credentials file. Never contains a value from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileError {
    /// The file is not valid INI.
    Syntax { line: usize, problem: String },
    /// The file has no section with this name.
    MissingProfile {
        profile: String,
        /// The sections it does have, comma-separated.
        known: String,
    },
    /// The profile lacks a required key, or its value is empty.
    MissingKey {
        profile: String,
        key: &'static str,
        empty: bool,
    },
    /// The profile lacks a key but has one that looks like a misspelling of it.
    MisspelledKey {
        profile: String,
        /// The key as written in the file.
        found: String,
        expected: &'static str,
    },
}

impl ProfileError {
    fn syntax(line: usize, problem: impl Into<String>) -> Self {
        ProfileError::Syntax {
            line,
            problem: problem.into(),
        }
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileError::Syntax { line, problem } => write!(f, "line {line}: {problem}"),
            ProfileError::MissingProfile { profile, known } if known.is_empty() => {
                write!(f, "no profile [{profile}] (the file has no sections)")
            }
            ProfileError::MissingProfile { profile, known } => {
                write!(f, "no profile [{profile}] (profiles in the file: {known})")
            }
            ProfileError::MissingKey {
                profile,
                key,
                empty: true,
            } => write!(f, "profile [{profile}] has an empty `{key}`"),
            ProfileError::MissingKey { profile, key, .. } => {
                write!(f, "profile [{profile}] has no `{key}`")
            }
            ProfileError::MisspelledKey {
                profile,
                found,
                expected,
            } => write!(
                f,
                "profile [{profile}] has `{found}`, which is not a known key: did you mean `{expected}`?"
            ),
        }
    }
}

impl std::error::Error for ProfileError {}

/// The credentials files to try, in order, for a given home directory (`None` if unknown).
pub(crate) fn default_locations(home: Option<&Path>) -> Vec<PathBuf> {
    let mut paths = Vec::with_capacity(2);
    if let Some(home) = home {
        paths.push(home.join(HOME_CREDENTIALS_FILE));
    }
    paths.push(PathBuf::from(SYSTEM_CREDENTIALS_FILE));
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_official_sdk_format() {
        let file = ProfileFile::parse(
            "# Tencent Cloud credentials\n\
             ; another comment\n\
             \n\
             [default]\n\
             secret_id = AKIDdefault\n\
             secret_key=keyDefault\n\
             \n\
             [ci]\n\
               # indented comment\n\
             SECRET_ID : AKIDci  \r\n\
             Secret_Key =\t\"keyCi\"\n\
             token = 'tokCi'\n",
        )
        .unwrap();
        assert_eq!(file.profile_names().collect::<Vec<_>>(), ["default", "ci"]);

        let default = file.credentials("default").unwrap();
        assert_eq!(default.secret_id(), "AKIDdefault");
        assert_eq!(default.secret_key(), "keyDefault");
        assert_eq!(default.session_token(), None);

        let ci = file.credentials("ci").unwrap();
        assert_eq!(
            ci.secret_id(),
            "AKIDci",
            "`:` delimiter, case-insensitive key, CRLF"
        );
        assert_eq!(ci.secret_key(), "keyCi", "quotes removed");
        assert_eq!(ci.session_token(), Some("tokCi"));
    }

    #[test]
    fn a_hash_after_a_value_is_part_of_it_as_in_configparser() {
        // `configparser` (the crate) cuts both values at the comment sign.
        let file =
            ProfileFile::parse("[default]\nsecret_id = a # b\nsecret_key = k ; l\n").unwrap();
        assert_eq!(file.get("default", "secret_id"), Some("a # b"));
        assert_eq!(file.get("default", "SECRET_ID"), Some("a # b"));
        assert_eq!(file.get("default", "secret_key"), Some("k ; l"));
    }

    #[test]
    fn an_indented_comment_is_a_comment_as_in_configparser() {
        // `rust-ini` reads `# c` here as the start of a key.
        let file = ProfileFile::parse("[default]\n   # c\n\t; d\nsecret_id = a\n").unwrap();
        assert_eq!(file.sections[0].entries.len(), 1);
        assert_eq!(file.get("default", "secret_id"), Some("a"));
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        // Windows editors write one. Python refuses such a file (no section header); both
        // crates keep the BOM as part of the first name, so `[default]` would not be found.
        let file = ProfileFile::parse("\u{feff}[default]\nsecret_id = a\n").unwrap();
        assert_eq!(file.profile_names().collect::<Vec<_>>(), ["default"]);
    }

    #[test]
    fn missing_and_empty_keys_are_named() {
        let file =
            ProfileFile::parse("[default]\nsecret_id = AKID\n[empty]\nsecret_id=\nsecret_key=k\n")
                .unwrap();
        let err = file.credentials("default").unwrap_err();
        assert_eq!(
            err,
            ProfileError::MissingKey {
                profile: "default".into(),
                key: "secret_key",
                empty: false
            }
        );
        assert_eq!(err.to_string(), "profile [default] has no `secret_key`");
        assert_eq!(
            file.credentials("empty").unwrap_err().to_string(),
            "profile [empty] has an empty `secret_id`"
        );
    }

    #[test]
    fn misspelled_keys_are_named_with_the_expected_key() {
        let cases = [
            (
                "secretid = AKIDx\nsecret_key = hush\n",
                "secretid",
                "secret_id",
            ),
            (
                "SecretId = AKIDx\nsecret_key = hush\n",
                "secretid",
                "secret_id",
            ),
            (
                "secret-id = AKIDx\nsecret_key = hush\n",
                "secret-id",
                "secret_id",
            ),
            (
                "secert_id = AKIDx\nsecret_key = hush\n",
                "secert_id",
                "secret_id",
            ),
            (
                "secret_id = AKIDx\nsecretkey = hush\n",
                "secretkey",
                "secret_key",
            ),
            (
                "secret_id = AKIDx\nsecret_key = hush\ntokne = tok\n",
                "tokne",
                "token",
            ),
        ];
        for (body, found, expected) in cases {
            let file = ProfileFile::parse(&format!("[default]\n{body}")).unwrap();
            let err = file.credentials("default").unwrap_err();
            assert_eq!(
                err,
                ProfileError::MisspelledKey {
                    profile: "default".into(),
                    found: found.into(),
                    expected,
                },
                "{body:?}"
            );
            let shown = err.to_string();
            assert!(
                shown.contains(&format!("`{found}`"))
                    && shown.contains(&format!("did you mean `{expected}`")),
                "{shown}"
            );
            assert!(
                !shown.contains("AKIDx") && !shown.contains("hush"),
                "{shown}"
            );
        }
        // Unrelated extra keys stay allowed, as in the official SDKs.
        let file =
            ProfileFile::parse("[default]\nsecret_id=a\nsecret_key=b\nregion=ap-guangzhou\n")
                .unwrap();
        assert!(file.credentials("default").is_ok());
    }

    #[test]
    fn missing_profile_lists_the_known_ones() {
        let file = ProfileFile::parse("[default]\nsecret_id=a\nsecret_key=b\n[ci]\n").unwrap();
        let err = file.credentials("prod").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no profile [prod] (profiles in the file: default, ci)"
        );
        let empty = ProfileFile::parse("# nothing\n").unwrap();
        assert!(empty
            .credentials("default")
            .unwrap_err()
            .to_string()
            .contains("has no sections"));
    }

    #[test]
    fn section_names_are_case_sensitive_as_in_configparser() {
        let file = ProfileFile::parse("[Default]\nsecret_id=a\nsecret_key=b\n").unwrap();
        assert!(matches!(
            file.credentials("default"),
            Err(ProfileError::MissingProfile { .. })
        ));
        assert!(file.credentials("Default").is_ok());
    }

    /// Duplicates, a key outside any section and a line without a delimiter are errors in
    /// Python's `configparser`; `rust-ini` and `configparser` (the crate) accept the first
    /// three silently, `configparser` also the last.
    #[test]
    fn syntax_errors_name_the_line_and_never_the_value() {
        let cases = [
            ("secret_id = AKIDsecret\n", 1, "before any `[section]`"),
            (
                "[default]\nsecret_id AKIDsecret\n",
                2,
                "expected `[section]`",
            ),
            ("[default\nsecret_id = x\n", 1, "without `]`"),
            ("[a]\n[b]\n[a]\n", 3, "[a] appears twice"),
            ("[a]\nk=1\nK=2\n", 3, "`k` appears twice"),
            ("[a]\n= AKIDsecret\n", 2, "without a key"),
            ("[]\n", 1, "empty section name"),
            ("[a] x\n", 1, "after the section header"),
        ];
        for (text, line, words) in cases {
            let err = ProfileFile::parse(text).unwrap_err();
            let ProfileError::Syntax { line: at, .. } = &err else {
                panic!("{text:?}: {err:?}")
            };
            assert_eq!(*at, line, "{text:?}");
            let shown = err.to_string();
            assert!(shown.contains(words), "{text:?}: {shown}");
            assert!(!shown.contains("AKIDsecret"), "{shown}");
        }
    }

    #[test]
    fn debug_shows_keys_not_values() {
        let file = ProfileFile::parse("[default]\nsecret_id=AKIDx\nsecret_key=hush\n").unwrap();
        let shown = format!("{file:?}");
        assert!(shown.contains("secret_key"), "{shown}");
        assert!(
            !shown.contains("hush") && !shown.contains("AKIDx"),
            "{shown}"
        );
    }

    #[test]
    fn default_locations_follow_the_official_sdk() {
        assert_eq!(
            default_locations(Some(Path::new("/home/u"))),
            [
                PathBuf::from("/home/u/.tencentcloud/credentials"),
                PathBuf::from("/etc/tencentcloud/credentials")
            ]
        );
        assert_eq!(
            default_locations(None),
            [PathBuf::from("/etc/tencentcloud/credentials")]
        );
    }
}
