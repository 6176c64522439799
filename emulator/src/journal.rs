//! The calls the emulator received, newest last, for tests that assert on what a client sent:
//! which headers, which body, whether the gateway accepted the signature, what it answered.
//! A call is recorded when its answer is ready, or when the client gives up on it first (a
//! timeout during a scripted delay): then without an error code.
//!
//! Bounded, so a long-running emulator does not grow without end: the oldest calls go first
//! once there are more than [`crate::EmulatorBuilder::journal_capacity`] calls (default
//! 1000) or more than 64 MiB of bodies.

use std::collections::VecDeque;
use std::sync::Mutex;

use bytes::Bytes;
use serde::Serialize;

/// Bodies kept at most, across all recorded calls.
const MAX_BODY_BYTES: usize = 64 << 20;

/// One call as received at `/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedCall {
    pub method: String,
    /// `X-TC-Action` (or `Action` of a legacy call), if sent.
    pub action: Option<String>,
    /// Headers in arrival order; names in lower case, as HTTP/1.1 servers see them.
    pub headers: Vec<(String, String)>,
    /// The query string of a GET call, empty otherwise.
    pub query: String,
    #[serde(serialize_with = "body_as_text")]
    pub body: Bytes,
    /// Whether the gateway admitted the call: known SecretId, signature, timestamp, token,
    /// version and action all fine.
    pub authenticated: bool,
    /// The `Error.Code` answered, if any (also for a scripted raw answer that carries one).
    pub error_code: Option<String>,
}

fn body_as_text<S: serde::Serializer>(body: &Bytes, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(body))
}

impl RecordedCall {
    /// The first header called `name`, whatever its case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The bounded list of recorded calls.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    inner: Mutex<Recorded>,
}

#[derive(Debug, Default)]
struct Recorded {
    calls: VecDeque<RecordedCall>,
    body_bytes: usize,
}

impl Journal {
    pub fn new(capacity: usize) -> Self {
        Journal {
            capacity,
            inner: Mutex::default(),
        }
    }

    /// Whether calls are recorded at all (capacity 0 turns the journal off).
    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    pub fn record(&self, call: RecordedCall) {
        if !self.enabled() {
            return;
        }
        let mut inner = self.lock();
        inner.body_bytes += call.body.len();
        inner.calls.push_back(call);
        while inner.calls.len() > self.capacity
            || (inner.body_bytes > MAX_BODY_BYTES && inner.calls.len() > 1)
        {
            let oldest = inner.calls.pop_front().expect("more than one call");
            inner.body_bytes -= oldest.body.len();
        }
    }

    pub fn calls(&self) -> Vec<RecordedCall> {
        self.lock().calls.iter().cloned().collect()
    }

    pub fn count(&self, action: &str) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.action.as_deref() == Some(action))
            .count()
    }

    pub fn clear(&self) {
        *self.lock() = Recorded::default();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recorded> {
        // Recording never panics half-way; keep serving after a poisoned lock.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(action: &str, body: usize) -> RecordedCall {
        RecordedCall {
            method: "POST".into(),
            action: Some(action.into()),
            headers: vec![("x-tc-action".into(), action.into())],
            query: String::new(),
            body: Bytes::from(vec![b'x'; body]),
            authenticated: true,
            error_code: None,
        }
    }

    #[test]
    fn oldest_calls_go_first_beyond_the_capacity() {
        let journal = Journal::new(2);
        for action in ["A", "B", "C"] {
            journal.record(call(action, 1));
        }
        let kept: Vec<_> = journal.calls().into_iter().map(|c| c.action).collect();
        assert_eq!(kept, [Some("B".into()), Some("C".into())]);
        assert_eq!(journal.count("C"), 1);
        assert_eq!(journal.count("A"), 0);
        assert_eq!(journal.calls()[0].header("X-TC-Action"), Some("B"));
    }

    #[test]
    fn bodies_are_bounded_but_the_newest_call_is_kept() {
        let journal = Journal::new(100);
        journal.record(call("A", MAX_BODY_BYTES / 2 + 1));
        journal.record(call("B", MAX_BODY_BYTES / 2 + 1));
        assert_eq!(journal.calls().len(), 1);
        journal.record(call("C", MAX_BODY_BYTES + 1));
        assert_eq!(
            journal.count("C"),
            1,
            "a single huge call is still recorded"
        );
    }

    #[test]
    fn capacity_zero_records_nothing() {
        let journal = Journal::new(0);
        journal.record(call("A", 1));
        assert!(journal.calls().is_empty());
    }
}
