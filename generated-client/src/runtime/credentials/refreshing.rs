//! Temporary credentials from an async fetch, cached and refreshed ahead of expiry.

use std::fmt;
use std::future::Future;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};

/// The fetch function of the built-in providers.
pub(crate) type FetchFn =
    Box<dyn Fn() -> BoxFuture<'static, Result<Credentials, CredentialsError>> + Send + Sync>;

/// How long before expiry [`RefreshingCredentials`] fetches new credentials by default.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// How long [`RefreshingCredentials`] keeps using still-valid credentials after a failed
/// refresh before it tries again, by default.
pub const DEFAULT_FAILED_REFRESH_BACKOFF: Duration = Duration::from_secs(30);

/// Temporary credentials from an async function of yours (an STS `AssumeRole` call, a
/// metadata service, a vault, ...), cached until `refresh_margin` before their
/// [`Credentials::expiry`], then fetched again.
///
/// Safe under concurrent calls: at most one fetch is in flight. While it runs, callers get the
/// cached credentials if they have not expired yet, and otherwise wait for the fetch. If a
/// refresh fails while the cached credentials are still valid, those are used, and no call
/// tries again for [`failed_refresh_backoff`](Self::failed_refresh_backoff) (30 s by default):
/// otherwise, with STS or the metadata server down, every call would wait for a fetch that
/// fails. Credentials without an expiry are cached for good. Keep the margin shorter than the
/// credentials' lifetime, or every call fetches.
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
    backoff: Duration,
    /// When the last refresh failed while the cached credentials were still valid.
    failed_at: Mutex<Option<Instant>>,
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
            backoff: DEFAULT_FAILED_REFRESH_BACKOFF,
            failed_at: Mutex::new(None),
        }
    }

    /// How long before expiry to fetch new credentials.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// After a failed refresh, how long to keep using the cached credentials (while they are
    /// still valid) before fetching again. Expired credentials are never used: once they
    /// expire, every call fetches.
    pub fn failed_refresh_backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// Valid credentials: cached ones while they are fresh, else the result of a fetch.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let current = self.cached();
        if let Some(fresh) = current.as_ref().filter(|c| self.is_fresh(c)) {
            return Ok(fresh.clone());
        }
        if let Some(valid) = current.as_ref().filter(|c| !is_expired(c)) {
            if self.backing_off() {
                return Ok(valid.clone());
            }
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
                *self.failed_at.lock().unwrap_or_else(|p| p.into_inner()) = None;
                Ok(new)
            }
            Err(e) => match current.filter(|c| !is_expired(c)) {
                Some(valid) => {
                    tracing::warn!(error = %e, backoff = ?self.backoff, "refreshing credentials failed; using the cached ones until they expire, trying again after the backoff");
                    *self.failed_at.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(Instant::now());
                    Ok(valid)
                }
                None => Err(e),
            },
        }
    }

    /// A refresh failed less than the backoff ago.
    fn backing_off(&self) -> bool {
        self.failed_at
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|at| at.elapsed() < self.backoff)
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
            .field("failed_refresh_backoff", &self.backoff)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

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

    #[tokio::test]
    async fn after_a_failed_refresh_calls_use_the_valid_credentials_without_fetching_until_the_backoff_ends(
    ) {
        // Valid for 3 more minutes, inside the 5 minute margin; STS then goes down.
        let fetcher = Fetcher::new(Duration::from_secs(180));
        let provider = fetcher
            .provider(MARGIN)
            .failed_refresh_backoff(Duration::from_millis(200));
        provider.credentials().await.unwrap();
        fetcher.fail.store(true, Ordering::SeqCst);
        for _ in 0..10 {
            assert_eq!(provider.credentials().await.unwrap().secret_id(), "AKIDv1");
        }
        assert_eq!(
            fetcher.calls(),
            2,
            "one failed refresh, then none during the backoff"
        );

        // After the backoff, one more try; STS is back, so new credentials.
        tokio::time::sleep(Duration::from_millis(250)).await;
        fetcher.fail.store(false, Ordering::SeqCst);
        assert_eq!(provider.credentials().await.unwrap().secret_id(), "AKIDv3");
        assert_eq!(fetcher.calls(), 3);

        // Without a backoff, each call tries again.
        let eager = fetcher
            .provider(MARGIN)
            .failed_refresh_backoff(Duration::ZERO);
        eager.credentials().await.unwrap();
        fetcher.fail.store(true, Ordering::SeqCst);
        eager.credentials().await.unwrap();
        eager.credentials().await.unwrap();
        assert_eq!(fetcher.calls(), 6);
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
