//! The calls the emulator received, newest last, for tests that assert on what a client sent:
//! which headers, which body, whether the gateway accepted the signature, what it answered.
//! A call is recorded when its answer is ready, or when the client gives up on it first (a
//! timeout during a scripted delay): then without an error code.
//!
//! Bounded, so a long-running emulator does not grow without end: the oldest calls go first
//! once there are more than [`crate::EmulatorBuilder::journal_capacity`] calls (default
//! 1000) or more than 64 MiB of bodies (requests and, for the dashboard, answers).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

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

/// A recorded call with what the dashboard shows of it beyond [`RecordedCall`].
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Numbers calls from 1, in the order they were recorded; never reused (not even after a
    /// clear), so a page link stays meaningful.
    pub seq: u64,
    /// When the answer was ready: Unix milliseconds, system clock.
    pub at_ms: u64,
    pub latency_us: u64,
    pub request_id: Option<String>,
    /// `TC3-HMAC-SHA256`, `HmacSHA256` (the older method) or `none`.
    pub signing: &'static str,
    /// The SecretId the call named (never its key, token or signature).
    pub secret_id: Option<String>,
    /// The answer's HTTP status; 0 when the connection was dropped or the client gave up.
    pub status: u16,
    pub response: Bytes,
    pub call: RecordedCall,
}

impl Entry {
    pub fn is_ok(&self) -> bool {
        self.call.error_code.is_none() && self.status == 200
    }

    /// `ok`, the error code, `HTTP 502`, or `no answer` (dropped or given up).
    pub fn outcome(&self) -> String {
        match (&self.call.error_code, self.status) {
            (Some(code), _) => code.clone(),
            (None, 200) => "ok".to_owned(),
            (None, 0) => "no answer".to_owned(),
            (None, status) => format!("HTTP {status}"),
        }
    }
}

/// Which calls a journal page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Filter {
    pub action: Option<String>,
    /// `ok`, `error` (anything else), or an exact outcome such as an error code.
    pub outcome: Option<String>,
}

impl Filter {
    pub fn matches(&self, entry: &Entry) -> bool {
        if let Some(action) = &self.action {
            if entry.call.action.as_deref() != Some(action.as_str()) {
                return false;
            }
        }
        match self.outcome.as_deref() {
            None => true,
            Some("ok") => entry.is_ok(),
            Some("error") => !entry.is_ok(),
            Some(outcome) => entry.outcome() == outcome,
        }
    }
}

/// One page of calls, newest first.
pub(crate) struct Page {
    pub calls: Vec<Arc<Entry>>,
    /// The `before` of the next (older) page, if there is one.
    pub older: Option<u64>,
    /// Calls recorded in all (not only those matching).
    pub total: usize,
}

/// The bounded list of recorded calls.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    inner: Mutex<Recorded>,
}

#[derive(Debug, Default)]
struct Recorded {
    /// Consecutive `seq` numbers, oldest first.
    calls: VecDeque<Arc<Entry>>,
    body_bytes: usize,
    next_seq: u64,
    /// Live pages (server-sent events) waiting for new calls.
    subscribers: Vec<tokio::sync::mpsc::Sender<Arc<Entry>>>,
}

/// Events a slow live page may fall behind by before it misses some.
const SUBSCRIBER_BACKLOG: usize = 256;

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
        self.record_entry(Entry {
            seq: 0,
            at_ms: 0,
            latency_us: 0,
            request_id: None,
            signing: "none",
            secret_id: None,
            status: 200,
            response: Bytes::new(),
            call,
        });
    }

    /// Records a call with its dashboard details (`seq` is assigned here) and tells the
    /// live pages.
    pub(crate) fn record_entry(&self, mut entry: Entry) {
        if !self.enabled() {
            return;
        }
        let mut inner = self.lock();
        inner.next_seq += 1;
        entry.seq = inner.next_seq;
        inner.body_bytes += entry.call.body.len() + entry.response.len();
        let entry = Arc::new(entry);
        inner.calls.push_back(entry.clone());
        while inner.calls.len() > self.capacity
            || (inner.body_bytes > MAX_BODY_BYTES && inner.calls.len() > 1)
        {
            let oldest = inner.calls.pop_front().expect("more than one call");
            inner.body_bytes -= oldest.call.body.len() + oldest.response.len();
        }
        // A page that went away is forgotten; one that cannot keep up misses events.
        inner.subscribers.retain(|live| {
            !matches!(
                live.try_send(entry.clone()),
                Err(tokio::sync::mpsc::error::TrySendError::Closed(_))
            )
        });
    }

    /// New calls as they are recorded.
    pub(crate) fn subscribe(&self) -> tokio::sync::mpsc::Receiver<Arc<Entry>> {
        let (sender, receiver) = tokio::sync::mpsc::channel(SUBSCRIBER_BACKLOG);
        self.lock().subscribers.push(sender);
        receiver
    }

    /// Up to `limit` calls matching `filter`, newest first, recorded before call `before`
    /// (all when `None`). Costs the page and the calls skipped by the filter, never the
    /// whole journal: `before` finds its place by arithmetic, as `seq` numbers are consecutive.
    pub(crate) fn page(&self, before: Option<u64>, limit: usize, filter: &Filter) -> Page {
        let inner = self.lock();
        let total = inner.calls.len();
        let end = match (before, inner.calls.front()) {
            (Some(before), Some(first)) => {
                usize::try_from(before.saturating_sub(first.seq)).map_or(total, |i| i.min(total))
            }
            _ => total,
        };
        let mut calls = Vec::with_capacity(limit.min(end));
        let mut older = None;
        for entry in inner.calls.range(..end).rev() {
            if !filter.matches(entry) {
                continue;
            }
            if calls.len() == limit {
                older = calls.last().map(|last: &Arc<Entry>| last.seq);
                break;
            }
            calls.push(entry.clone());
        }
        Page {
            calls,
            older,
            total,
        }
    }

    /// The call numbered `seq`, if still kept.
    pub(crate) fn entry(&self, seq: u64) -> Option<Arc<Entry>> {
        let inner = self.lock();
        let first = inner.calls.front()?.seq;
        let index = usize::try_from(seq.checked_sub(first)?).ok()?;
        inner.calls.get(index).cloned()
    }

    pub fn calls(&self) -> Vec<RecordedCall> {
        self.lock().calls.iter().map(|e| e.call.clone()).collect()
    }

    /// How many recorded calls asked for `path` or a path under it.
    pub fn count_under(&self, path: &str) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.call.path.starts_with(path))
            .count()
    }

    pub fn count(&self, action: &str) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.call.action.as_deref() == Some(action))
            .count()
    }

    /// Forgets the calls; numbering goes on and live pages stay subscribed.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.calls.clear();
        inner.body_bytes = 0;
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
    fn pages_go_back_from_the_newest_and_filter() {
        let journal = Journal::new(10);
        for i in 0..12 {
            let mut c = call(if i % 2 == 0 { "A" } else { "B" }, 1);
            if i % 3 == 0 {
                c.error_code = Some("InternalError".into());
            }
            journal.record(c);
        }
        // Calls 3..=12 are kept (capacity 10).
        let all = Filter::default();
        let first = journal.page(None, 4, &all);
        let seqs: Vec<u64> = first.calls.iter().map(|e| e.seq).collect();
        assert_eq!(
            (seqs, first.older, first.total),
            (vec![12, 11, 10, 9], Some(9), 10)
        );
        let last = journal.page(Some(5), 4, &all);
        let seqs: Vec<u64> = last.calls.iter().map(|e| e.seq).collect();
        assert_eq!((seqs, last.older), (vec![4, 3], None));
        let errors_of_a = Filter {
            action: Some("A".into()),
            outcome: Some("error".into()),
        };
        // Errors at i = 0, 3, 6, 9 (seq 1, 4, 7, 10); of A (even i): seq 1 (gone), 7.
        let page = journal.page(None, 10, &errors_of_a);
        let seqs: Vec<u64> = page.calls.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![7]);
        let by_code = Filter {
            action: None,
            outcome: Some("InternalError".into()),
        };
        assert_eq!(journal.page(None, 10, &by_code).calls.len(), 3);
        assert_eq!(journal.entry(12).unwrap().seq, 12);
        assert!(journal.entry(2).is_none() && journal.entry(13).is_none());
    }

    #[test]
    fn live_subscribers_see_new_calls() {
        let journal = Journal::new(10);
        let mut live = journal.subscribe();
        journal.record(call("A", 1));
        assert_eq!(live.try_recv().unwrap().call.action.as_deref(), Some("A"));
    }

    #[test]
    fn capacity_zero_records_nothing() {
        let journal = Journal::new(0);
        journal.record(call("A", 1));
        assert!(journal.calls().is_empty());
    }
}
