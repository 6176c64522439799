//! Temporary credentials the emulator hands out (STS `AssumeRole`, STS
//! `AssumeRoleWithWebIdentity`, the CVM metadata server), kept so the gateway can accept
//! them while they are valid and refuse them, with `AuthFailure.TokenFailure`, once expired
//! or when sent without their token.
//!
//! Each issue is counted by source, so a test can assert how many times a client fetched
//! credentials ("exactly one fetch per refresh").

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

/// Expired credentials are remembered this long (so they are refused as expired, not as
/// unknown), then forgotten, so a long-running emulator does not grow without end.
const KEEP_EXPIRED: Duration = Duration::from_secs(3600);

/// Where a temporary credential came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialSource {
    /// STS `AssumeRole`.
    AssumeRole,
    /// STS `AssumeRoleWithWebIdentity` (TKE OIDC).
    WebIdentity,
    /// The CVM metadata server's role credentials.
    Metadata,
}

/// How many credentials were issued, by source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IssuedCredentialCounts {
    pub assume_role: usize,
    pub web_identity: usize,
    pub metadata: usize,
}

impl IssuedCredentialCounts {
    pub fn total(&self) -> usize {
        self.assume_role + self.web_identity + self.metadata
    }

    pub fn from(&self, source: CredentialSource) -> usize {
        match source {
            CredentialSource::AssumeRole => self.assume_role,
            CredentialSource::WebIdentity => self.web_identity,
            CredentialSource::Metadata => self.metadata,
        }
    }
}

/// One issued temporary credential. Debug output shows neither key nor token.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedCredentials {
    pub secret_id: String,
    pub secret_key: String,
    pub token: String,
    /// When the emulator stops accepting them (by its own clock).
    pub expires_at: SystemTime,
    pub source: CredentialSource,
}

impl IssuedCredentials {
    /// `ExpiredTime` on the wire: Unix seconds.
    pub fn expired_time(&self) -> u64 {
        unix_secs(self.expires_at)
    }

    /// `Expiration` on the wire: RFC 3339 in UTC, e.g. `2026-12-07T03:00:00Z`.
    pub fn expiration(&self) -> String {
        rfc3339_utc(self.expired_time())
    }

    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        now >= self.expires_at
    }
}

impl std::fmt::Debug for IssuedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCredentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"** redacted **")
            .field("token", &"** redacted **")
            .field("expires_at", &self.expired_time())
            .field("source", &self.source)
            .finish()
    }
}

/// Every credential issued and not yet forgotten, and the counts.
pub struct IssuedStore {
    /// Overrides every requested lifetime (`DurationSeconds`, the metadata default).
    lifetime: Option<Duration>,
    seed: [u8; 32],
    serial: AtomicU64,
    inner: Mutex<Issued>,
    assume_role: AtomicUsize,
    web_identity: AtomicUsize,
    metadata: AtomicUsize,
}

#[derive(Default)]
struct Issued {
    by_secret_id: HashMap<String, IssuedCredentials>,
    tokens: HashSet<String>,
}

impl std::fmt::Debug for IssuedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedStore")
            .field("lifetime", &self.lifetime)
            .field("counts", &self.counts())
            .finish_non_exhaustive()
    }
}

impl IssuedStore {
    pub fn new(lifetime: Option<Duration>) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let seed = Sha256::digest(format!("issued/{nanos}/{}", std::process::id())).into();
        IssuedStore {
            lifetime,
            seed,
            serial: AtomicU64::new(0),
            inner: Mutex::default(),
            assume_role: AtomicUsize::new(0),
            web_identity: AtomicUsize::new(0),
            metadata: AtomicUsize::new(0),
        }
    }

    /// The lifetime of a new credential: the configured override, else what was asked for.
    pub fn lifetime_for(&self, requested: Duration) -> Duration {
        self.lifetime.unwrap_or(requested)
    }

    /// Issues fresh credentials valid from `now` for [`Self::lifetime_for`] `requested`.
    pub fn issue(
        &self,
        source: CredentialSource,
        requested: Duration,
        now: SystemTime,
    ) -> IssuedCredentials {
        let n = self.serial.fetch_add(1, Ordering::Relaxed);
        let material = |label: &str| {
            let mut hasher = Sha256::new();
            hasher.update(self.seed);
            hasher.update(n.to_be_bytes());
            hasher.update(label.as_bytes());
            hasher.finalize()
        };
        let alnum = |bytes: &[u8], len: usize| -> String {
            const ALPHABET: &[u8] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
            bytes
                .iter()
                .cycle()
                .take(len)
                .enumerate()
                .map(|(i, b)| ALPHABET[(*b as usize + i * 7) % ALPHABET.len()] as char)
                .collect()
        };
        let token_bytes: Vec<u8> = ["token-1", "token-2", "token-3"]
            .iter()
            .flat_map(|label| material(label))
            .collect();
        use base64::Engine as _;
        let credentials = IssuedCredentials {
            secret_id: format!("AKIDemuTmp{}", alnum(&material("id"), 26)),
            secret_key: alnum(&material("key"), 32),
            token: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(token_bytes),
            expires_at: now + self.lifetime_for(requested),
            source,
        };
        let counter = match source {
            CredentialSource::AssumeRole => &self.assume_role,
            CredentialSource::WebIdentity => &self.web_identity,
            CredentialSource::Metadata => &self.metadata,
        };
        counter.fetch_add(1, Ordering::SeqCst);
        let mut inner = self.lock();
        inner.forget_expired_before(now.checked_sub(KEEP_EXPIRED).unwrap_or(UNIX_EPOCH));
        inner.tokens.insert(credentials.token.clone());
        inner
            .by_secret_id
            .insert(credentials.secret_id.clone(), credentials.clone());
        credentials
    }

    pub fn find(&self, secret_id: &str) -> Option<IssuedCredentials> {
        self.lock().by_secret_id.get(secret_id).cloned()
    }

    /// Whether `token` is the token of an issued credential (for redacting the journal).
    pub fn is_issued_token(&self, token: &str) -> bool {
        self.lock().tokens.contains(token)
    }

    /// Makes every credential issued so far expire at `now`.
    pub fn expire_all(&self, now: SystemTime) {
        for credentials in self.lock().by_secret_id.values_mut() {
            credentials.expires_at = credentials.expires_at.min(now);
        }
    }

    pub fn counts(&self) -> IssuedCredentialCounts {
        IssuedCredentialCounts {
            assume_role: self.assume_role.load(Ordering::SeqCst),
            web_identity: self.web_identity.load(Ordering::SeqCst),
            metadata: self.metadata.load(Ordering::SeqCst),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Issued> {
        // Nothing panics while holding the lock; keep serving after a poisoned one.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Issued {
    fn forget_expired_before(&mut self, cutoff: SystemTime) {
        let tokens = &mut self.tokens;
        self.by_secret_id.retain(|_, c| {
            let keep = c.expires_at >= cutoff;
            if !keep {
                tokens.remove(&c.token);
            }
            keep
        });
    }
}

pub fn unix_secs(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time, with the client's own calendar for the date.
pub fn rfc3339_utc(unix: u64) -> String {
    let of_day = unix % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        tencentcloud_iai::signing::scope_date(unix),
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_in_utc() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_551_113_065), "2019-02-25T16:44:25Z");
    }

    #[test]
    fn issued_credentials_are_unique_counted_and_expire() {
        let store = IssuedStore::new(Some(Duration::from_secs(2)));
        let now = SystemTime::now();
        let a = store.issue(CredentialSource::AssumeRole, Duration::from_secs(7200), now);
        let b = store.issue(CredentialSource::Metadata, Duration::from_secs(7200), now);
        assert_ne!(a.secret_id, b.secret_id);
        assert_ne!(a.secret_key, b.secret_key);
        assert_ne!(a.token, b.token);
        assert!(a.secret_id.starts_with("AKID"));
        assert_eq!(
            a.expires_at,
            now + Duration::from_secs(2),
            "the override wins"
        );
        assert!(!a.is_expired_at(now));
        assert!(a.is_expired_at(now + Duration::from_secs(2)));
        assert_eq!(store.find(&a.secret_id), Some(a.clone()));
        assert!(store.is_issued_token(&b.token));
        let counts = store.counts();
        assert_eq!(
            (counts.assume_role, counts.metadata, counts.total()),
            (1, 1, 2)
        );
        store.expire_all(now);
        assert!(store.find(&b.secret_id).unwrap().is_expired_at(now));
    }

    #[test]
    fn long_expired_credentials_are_forgotten() {
        let store = IssuedStore::new(None);
        let then = SystemTime::now() - Duration::from_secs(10_000);
        let old = store.issue(CredentialSource::WebIdentity, Duration::from_secs(60), then);
        store.issue(
            CredentialSource::WebIdentity,
            Duration::from_secs(60),
            SystemTime::now(),
        );
        assert_eq!(store.find(&old.secret_id), None);
        assert!(!store.is_issued_token(&old.token));
        assert_eq!(store.counts().web_identity, 2);
    }

    #[test]
    fn debug_shows_no_secret() {
        let store = IssuedStore::new(None);
        let c = store.issue(
            CredentialSource::AssumeRole,
            Duration::from_secs(60),
            SystemTime::now(),
        );
        let debug = format!("{c:?} {store:?}");
        assert!(
            !debug.contains(&c.secret_key) && !debug.contains(&c.token),
            "{debug}"
        );
        assert!(debug.contains(&c.secret_id));
    }
}
