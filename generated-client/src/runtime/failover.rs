//! Region failover, as the official SDKs' region breaker (tencentcloud-sdk-go's
//! `common/circuit_breaker.go`): when the endpoint's region stops answering, new calls go to a
//! backup endpoint for a while, then some go back to see whether it has recovered.
//!
//! The breaker only chooses where a call goes, once, before its first attempt; every attempt
//! of that call (and the retry policy's decision whether a write may be repeated) stays with
//! that endpoint. So failover never sends a write twice.
//!
//! States, as in the Go SDK: **closed** (calls go to the endpoint; its answers are counted in a
//! window that restarts every `window`), **open** (calls go to the backup, for `open_for`),
//! **half-open** (calls go to the endpoint again; one failure opens the breaker again,
//! `successes_to_close` successes close it). Each change of state, and each new window, starts
//! a new generation: an answer to a call made in an older one is not counted.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::config::Endpoint;

/// The defaults: the official SDKs' region breaker, with a five-minute window.
const FAILURES_TO_OPEN: u32 = 5;
const FAILURE_PERCENT_TO_OPEN: u32 = 75;
const WINDOW: Duration = Duration::from_secs(5 * 60);
const OPEN_FOR: Duration = Duration::from_secs(60);
const SUCCESSES_TO_CLOSE: u32 = 5;

/// Opt-in region failover ([`ConfigBuilder::region_failover`]): where calls go while the
/// endpoint's region fails, and when the client decides that it fails.
///
/// A call counts as a failure of the region when an attempt gets no answer (a transport error
/// or an attempt timeout) or an answer without a RequestId, or the service's `InternalError`
/// (which the service uses for a fault of its own, as the Go SDK counts it). Any other answer
/// with a RequestId, errors included, is a success: the region answered.
///
/// ```
/// use std::time::Duration;
/// use tencentcloud_iai::runtime::failover::RegionFailover;
/// use tencentcloud_iai::{Config, Credentials, Endpoint};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = Config::builder()
///     .credentials(Credentials::new("AKID...", "..."))
///     .region("ap-shanghai")
///     .endpoint(Endpoint::https("iai.ap-shanghai.tencentcloudapi.com"))
///     // Backup `iai.ap-guangzhou.tencentcloudapi.com`; the official SDKs' thresholds.
///     .region_failover(RegionFailover::new().open_for(Duration::from_secs(30)))
///     .build()?;
/// # Ok(())
/// # }
/// ```
///
/// [`ConfigBuilder::region_failover`]: crate::ConfigBuilder::region_failover
#[derive(Debug, Clone, PartialEq)]
pub struct RegionFailover {
    /// `None`: the service's `<service>.ap-guangzhou.tencentcloudapi.com`, filled in when
    /// the config is built (the service is known only then).
    backup: Option<Endpoint>,
    failures_to_open: u32,
    failure_percent_to_open: u32,
    window: Duration,
    open_for: Duration,
    successes_to_close: u32,
}

impl Default for RegionFailover {
    fn default() -> Self {
        RegionFailover::new()
    }
}

impl RegionFailover {
    /// The official SDKs' defaults: backup `<service>.ap-guangzhou.tencentcloudapi.com`; open
    /// after 5 failures that are at least 75% of the calls in a 5-minute window, or after 5
    /// failures in a row; stay open 60 s; close after 5 successes.
    pub fn new() -> Self {
        RegionFailover {
            backup: None,
            failures_to_open: FAILURES_TO_OPEN,
            failure_percent_to_open: FAILURE_PERCENT_TO_OPEN,
            window: WINDOW,
            open_for: OPEN_FOR,
            successes_to_close: SUCCESSES_TO_CLOSE,
        }
    }

    /// Where calls go while the breaker is open.
    pub fn backup(mut self, endpoint: Endpoint) -> Self {
        self.backup = Some(endpoint);
        self
    }

    /// Opens after `failures` failures that are at least `percent`% of the window's calls,
    /// or after `failures` failures in a row.
    pub fn open_after(mut self, failures: u32, percent: u32) -> Self {
        self.failures_to_open = failures.max(1);
        self.failure_percent_to_open = percent.min(100);
        self
    }

    /// How long the counts of a closed breaker last before they start again.
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// How long calls go to the backup before the endpoint is tried again.
    pub fn open_for(mut self, duration: Duration) -> Self {
        self.open_for = duration;
        self
    }

    /// Successes on the endpoint, after it is tried again, that close the breaker.
    pub fn close_after(mut self, successes: u32) -> Self {
        self.successes_to_close = successes.max(1);
        self
    }

    /// The backup set with [`backup`](Self::backup). Without one, building the config fills
    /// in the service's default, so a [`Config::region_failover`](crate::Config::region_failover)
    /// always has one.
    pub fn backup_endpoint(&self) -> Option<&Endpoint> {
        self.backup.as_ref()
    }

    /// These settings with the default backup of the service named `service` where none is set.
    pub(crate) fn for_service(mut self, service: &str) -> Self {
        self.backup.get_or_insert_with(|| {
            Endpoint::https(format!("{service}.ap-guangzhou.tencentcloudapi.com"))
        });
        self
    }
}

/// Where a call goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Destination {
    Endpoint,
    Backup,
}

/// The breaker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls go to the endpoint.
    Closed,
    /// Calls go to the backup.
    Open,
    /// Calls go to the endpoint, to see whether it has recovered.
    HalfOpen,
}

/// The breaker of one client (and its clones).
#[derive(Debug)]
pub(crate) struct RegionBreaker {
    settings: RegionFailover,
    state: Mutex<Tally>,
}

#[derive(Debug)]
struct Tally {
    state: BreakerState,
    /// End of the window (closed) or of the open time (open); none when half-open.
    expiry: Option<Instant>,
    generation: u64,
    calls: u32,
    failures: u32,
    failures_in_a_row: u32,
}

impl RegionBreaker {
    pub(crate) fn new(settings: RegionFailover) -> Self {
        let expiry = Some(Instant::now() + settings.window);
        RegionBreaker {
            settings,
            state: Mutex::new(Tally {
                state: BreakerState::Closed,
                expiry,
                generation: 0,
                calls: 0,
                failures: 0,
                failures_in_a_row: 0,
            }),
        }
    }

    pub(crate) fn settings(&self) -> &RegionFailover {
        &self.settings
    }

    /// Where a new call goes, and the generation its outcome belongs to.
    pub(crate) fn route(&self) -> (Destination, u64) {
        let mut tally = self.tally();
        let (state, generation) = tally.current(&self.settings, Instant::now());
        let destination = match state {
            BreakerState::Open => Destination::Backup,
            BreakerState::Closed | BreakerState::HalfOpen => Destination::Endpoint,
        };
        (destination, generation)
    }

    /// Counts an attempt's outcome: whether the region answered.
    pub(crate) fn record(&self, generation: u64, answered: bool) {
        let settings = &self.settings;
        let now = Instant::now();
        let mut tally = self.tally();
        let (state, current) = tally.current(settings, now);
        if current != generation {
            return;
        }
        match (state, answered) {
            (BreakerState::Open, _) => {}
            (BreakerState::Closed, true) => tally.count(true),
            (BreakerState::HalfOpen, true) => {
                tally.count(true);
                if tally.calls - tally.failures >= settings.successes_to_close {
                    tally.set(settings, BreakerState::Closed, now);
                }
            }
            (BreakerState::Closed, false) => {
                tally.count(false);
                let rate_reached = u64::from(tally.failures) * 100
                    >= u64::from(settings.failure_percent_to_open) * u64::from(tally.calls);
                if (tally.failures >= settings.failures_to_open && rate_reached)
                    || tally.failures_in_a_row >= settings.failures_to_open
                {
                    tracing::warn!(
                        backup = settings.backup.as_ref().map_or("", Endpoint::host),
                        failures = tally.failures,
                        calls = tally.calls,
                        "the endpoint's region is failing: new calls go to the backup endpoint"
                    );
                    tally.set(settings, BreakerState::Open, now);
                }
            }
            (BreakerState::HalfOpen, false) => tally.set(settings, BreakerState::Open, now),
        }
    }

    /// The state now.
    pub(crate) fn state(&self) -> BreakerState {
        self.tally().current(&self.settings, Instant::now()).0
    }

    fn tally(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Tally {
    /// The state at `now`: a closed breaker past its window starts a new one; an open one
    /// past its time turns half-open.
    fn current(&mut self, settings: &RegionFailover, now: Instant) -> (BreakerState, u64) {
        let expired = self.expiry.is_some_and(|expiry| expiry <= now);
        match self.state {
            BreakerState::Closed if expired => self.new_generation(settings, now),
            BreakerState::Open if expired => self.set(settings, BreakerState::HalfOpen, now),
            _ => {}
        }
        (self.state, self.generation)
    }

    fn set(&mut self, settings: &RegionFailover, state: BreakerState, now: Instant) {
        if self.state != state {
            self.state = state;
            self.new_generation(settings, now);
        }
    }

    fn new_generation(&mut self, settings: &RegionFailover, now: Instant) {
        self.generation += 1;
        self.calls = 0;
        self.failures = 0;
        self.failures_in_a_row = 0;
        self.expiry = match self.state {
            BreakerState::Closed => Some(now + settings.window),
            BreakerState::Open => Some(now + settings.open_for),
            BreakerState::HalfOpen => None,
        };
    }

    fn count(&mut self, answered: bool) {
        self.calls += 1;
        if answered {
            self.failures_in_a_row = 0;
        } else {
            self.failures += 1;
            self.failures_in_a_row += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker() -> RegionBreaker {
        RegionBreaker::new(RegionFailover::new())
    }

    fn record(breaker: &RegionBreaker, outcomes: &str) {
        for outcome in outcomes.chars() {
            let (_, generation) = breaker.route();
            breaker.record(generation, outcome == '+');
        }
    }

    #[tokio::test(start_paused = true)]
    async fn five_failures_in_a_row_open_it_and_sixty_seconds_later_it_probes() {
        let breaker = breaker();
        record(&breaker, "++++++++++++++++++++++++++++++++++++++++----");
        assert_eq!(
            breaker.state(),
            BreakerState::Closed,
            "4 in a row, 4/44 of calls"
        );
        record(&breaker, "-");
        assert_eq!(breaker.state(), BreakerState::Open);
        assert_eq!(breaker.route().0, Destination::Backup);
        tokio::time::advance(Duration::from_secs(59)).await;
        assert_eq!(breaker.route().0, Destination::Backup);
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(breaker.state(), BreakerState::HalfOpen);
        assert_eq!(breaker.route().0, Destination::Endpoint);
        record(&breaker, "++++");
        assert_eq!(breaker.state(), BreakerState::HalfOpen);
        record(&breaker, "+");
        assert_eq!(breaker.state(), BreakerState::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_rate_of_75_percent_opens_it_and_a_probe_failure_reopens_it() {
        let breaker = breaker();
        // 5 failures of 6 calls, never 5 in a row.
        record(&breaker, "--+---");
        assert_eq!(breaker.state(), BreakerState::Open);
        let breaker = RegionBreaker::new(RegionFailover::new());
        // 5 failures of 7 calls: 71%, not enough.
        record(&breaker, "-+-+---");
        assert_eq!(breaker.state(), BreakerState::Closed);
        record(&breaker, "-");
        assert_eq!(breaker.state(), BreakerState::Open, "6 in a row");

        tokio::time::advance(Duration::from_secs(60)).await;
        record(&breaker, "++-");
        assert_eq!(
            breaker.state(),
            BreakerState::Open,
            "a failed probe reopens it"
        );
        assert_eq!(breaker.route().0, Destination::Backup);
    }

    #[tokio::test(start_paused = true)]
    async fn the_window_starts_again_and_old_outcomes_are_not_counted() {
        let breaker = breaker();
        record(&breaker, "+----");
        tokio::time::advance(Duration::from_secs(5 * 60)).await;
        // A new window: the four failures before it are forgotten.
        record(&breaker, "-");
        assert_eq!(breaker.state(), BreakerState::Closed);

        // A call routed before the breaker opened does not count after.
        let (_, stale) = breaker.route();
        record(&breaker, "----");
        assert_eq!(breaker.state(), BreakerState::Open);
        tokio::time::advance(Duration::from_secs(60)).await;
        assert_eq!(breaker.state(), BreakerState::HalfOpen);
        breaker.record(stale, false);
        assert_eq!(breaker.state(), BreakerState::HalfOpen);
    }
}
