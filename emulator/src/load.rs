//! Calls and errors per second and per action over the last minutes, for the dashboard's
//! chart. Counted apart from the journal (whose capacity may be small or zero), in one bucket
//! per second, the oldest dropped past [`WINDOW_SECS`].

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

/// Seconds of history kept.
pub const WINDOW_SECS: u64 = 600;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Second {
    /// Unix seconds, system clock.
    pub at: u64,
    /// By action: (calls, errors). Calls without an action count as `(none)`.
    pub by_action: BTreeMap<String, (u32, u32)>,
}

impl Second {
    pub fn calls(&self) -> u32 {
        self.by_action.values().map(|(calls, _)| calls).sum()
    }

    pub fn errors(&self) -> u32 {
        self.by_action.values().map(|(_, errors)| errors).sum()
    }
}

#[derive(Debug, Default)]
pub struct Load {
    seconds: Mutex<VecDeque<Second>>,
}

impl Load {
    pub fn count(&self, at_secs: u64, action: Option<&str>, error: bool) {
        let mut seconds = self.lock();
        if seconds.back().is_none_or(|s| s.at < at_secs) {
            seconds.push_back(Second {
                at: at_secs,
                by_action: BTreeMap::new(),
            });
        }
        // A call finishing a little out of order lands in the newest second.
        let second = seconds.back_mut().expect("just pushed");
        let counts = second
            .by_action
            .entry(action.unwrap_or("(none)").to_owned())
            .or_default();
        counts.0 += 1;
        counts.1 += u32::from(error);
        while seconds
            .front()
            .is_some_and(|s| s.at + WINDOW_SECS <= at_secs)
        {
            seconds.pop_front();
        }
    }

    /// The seconds with calls in `(now - secs, now]`, oldest first.
    pub fn last(&self, now_secs: u64, secs: u64) -> Vec<Second> {
        self.lock()
            .iter()
            .filter(|s| s.at + secs > now_secs && s.at <= now_secs)
            .cloned()
            .collect()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Second>> {
        self.seconds.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_second_and_forgets_the_old() {
        let load = Load::default();
        load.count(100, Some("A"), false);
        load.count(100, Some("A"), true);
        load.count(101, None, false);
        let seconds = load.last(101, 60);
        assert_eq!(seconds.len(), 2);
        assert_eq!((seconds[0].calls(), seconds[0].errors()), (2, 1));
        assert_eq!(seconds[1].by_action["(none)"], (1, 0));
        load.count(100 + WINDOW_SECS, Some("B"), false);
        assert_eq!(load.last(100 + WINDOW_SECS, WINDOW_SECS).len(), 2);
        assert_eq!(load.last(100 + WINDOW_SECS, 1).len(), 1);
    }
}
