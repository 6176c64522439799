//! The emulator's clock: the system clock, optionally set off by a skew, so a test can check
//! how a client copes with a server whose time differs from its own (`SignatureExpire`, then
//! a retry signed with the time of the answer's `Date` header).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Default)]
pub struct Clock {
    skew_secs: AtomicI64,
}

impl Clock {
    pub fn new(skew_secs: i64) -> Self {
        Clock {
            skew_secs: AtomicI64::new(skew_secs),
        }
    }

    pub fn skew_secs(&self) -> i64 {
        self.skew_secs.load(Ordering::Relaxed)
    }

    pub fn set_skew_secs(&self, skew_secs: i64) {
        self.skew_secs.store(skew_secs, Ordering::Relaxed);
    }

    pub fn now(&self) -> SystemTime {
        let skew = self.skew_secs();
        let magnitude = Duration::from_secs(skew.unsigned_abs());
        let now = SystemTime::now();
        if skew >= 0 {
            now + magnitude
        } else {
            now - magnitude
        }
    }

    /// Unix seconds, skew included.
    pub fn now_secs(&self) -> u64 {
        self.now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_moves_the_clock_both_ways() {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let clock = Clock::new(3600);
        assert!(clock.now_secs().abs_diff(system + 3600) <= 2);
        clock.set_skew_secs(-3600);
        assert!(clock.now_secs().abs_diff(system - 3600) <= 2);
    }
}
