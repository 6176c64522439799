//! When to try again, and how long to wait: exponential backoff with full jitter.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// Default number of attempts per call, the first included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Default base delay; attempt `n` waits up to `base * 2^(n-1)`.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(100);
/// Default cap on one delay.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(20);

/// What a retryable error code says about the failed request, and so when a retry is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryKind {
    /// The service refused the request without processing it (rate limits): a retry cannot
    /// repeat a write, so any action is retried.
    Throttling,
    /// The service failed while handling the request and may have applied it (backend
    /// timeouts, server errors): only idempotent actions are retried.
    Transient,
}

impl RetryKind {
    /// Whether an error of this kind may be retried for an action with the given idempotency.
    pub fn allows_retry(self, idempotent: bool) -> bool {
        match self {
            RetryKind::Throttling => true,
            RetryKind::Transient => idempotent,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
        }
    }
}

impl RetryPolicy {
    /// The delay before attempt `next_attempt` (2 for the first retry): uniform in
    /// `[0, min(max_backoff, initial_backoff * 2^(next_attempt - 2))]`.
    pub fn backoff(&self, next_attempt: u32) -> Duration {
        let exponent = next_attempt.saturating_sub(2).min(30);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random_u64() % (nanos + 1))
    }
}

/// A fresh random number from std's per-process SipHash keys; jitter needs no crypto RNG.
fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(super::time::unix_nanos());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_errors_are_retried_only_for_idempotent_actions() {
        assert!(RetryKind::Throttling.allows_retry(false));
        assert!(RetryKind::Throttling.allows_retry(true));
        assert!(!RetryKind::Transient.allows_retry(false));
        assert!(RetryKind::Transient.allows_retry(true));
    }

    #[test]
    fn backoff_stays_within_the_exponential_ceiling() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
        };
        for _ in 0..200 {
            assert!(policy.backoff(2) <= Duration::from_millis(100));
            assert!(policy.backoff(3) <= Duration::from_millis(200));
            assert!(
                policy.backoff(4) <= Duration::from_millis(350),
                "capped by max_backoff"
            );
            assert!(policy.backoff(40) <= Duration::from_millis(350));
        }
        // Full jitter: delays spread over the range instead of clustering at the ceiling.
        let distinct: std::collections::HashSet<_> = (0..50).map(|_| policy.backoff(3)).collect();
        assert!(distinct.len() > 10);
    }
}
