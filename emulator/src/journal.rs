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

/// What a recorded secret reads as.
pub const REDACTED: &str = "** redacted **";

/// Bodies kept at most, across all recorded calls.
const MAX_BODY_BYTES: usize = 64 << 20;

/// One call as received at `/` (the API and STS) or at a metadata path.
///
/// Secrets the emulator handed out are not kept: an issued token in `X-TC-Token` and the
/// `WebIdentityToken` of an `AssumeRoleWithWebIdentity` call read [`REDACTED`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedCall {
    pub method: String,
    /// `/` for API calls, e.g. `/latest/meta-data/cam/security-credentials/` for metadata.
    pub path: String,
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

    /// How many recorded calls asked for `path` or a path under it.
    pub fn count_under(&self, path: &str) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.path.starts_with(path))
            .count()
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

/// A JSON object body with `field` replaced by [`REDACTED`]; other bodies as they are.
pub(crate) fn redact_json_field(body: Bytes, field: &str) -> Bytes {
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(serde_json::Value::Object(mut map)) if map.contains_key(field) => {
            map.insert(field.to_owned(), REDACTED.into());
            Bytes::from(serde_json::Value::Object(map).to_string())
        }
        _ => body,
    }
}

/// A query string with the value of `field` replaced by [`REDACTED`].
pub(crate) fn redact_query_field(query: &str, field: &str) -> String {
    if query.is_empty() {
        return String::new();
    }
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form_urlencoded::parse(query.as_bytes()).map(|(k, v)| {
            let v = if k == field { REDACTED.into() } else { v };
            (k, v)
        }))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(action: &str, body: usize) -> RecordedCall {
        RecordedCall {
            method: "POST".into(),
            path: "/".into(),
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
    fn secrets_are_redacted_from_bodies_and_queries() {
        let body = Bytes::from(r#"{"ProviderId":"p","WebIdentityToken":"eyJ.secret"}"#);
        let redacted = redact_json_field(body, "WebIdentityToken");
        let text = String::from_utf8_lossy(&redacted);
        assert!(
            !text.contains("secret") && text.contains(REDACTED),
            "{text}"
        );
        assert!(text.contains(r#""ProviderId":"p""#), "{text}");
        let query = redact_query_field(
            "ProviderId=p&WebIdentityToken=eyJ.secret",
            "WebIdentityToken",
        );
        assert!(
            !query.contains("secret") && query.starts_with("ProviderId=p&"),
            "{query}"
        );
        let not_json = Bytes::from_static(b"not json");
        assert_eq!(
            redact_json_field(not_json.clone(), "WebIdentityToken"),
            not_json
        );
    }

    #[test]
    fn capacity_zero_records_nothing() {
        let journal = Journal::new(0);
        journal.record(call("A", 1));
        assert!(journal.calls().is_empty());
    }
}
