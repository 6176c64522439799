//! Scripted misbehaviour, per action, for testing retry logic.
//!
//! A [`FaultPlan`] maps action names to a script of steps, consumed one per call of that
//! action (after authentication, before the parameters are looked at), and to a throttling
//! rate. When the script is used up, calls are answered normally. As JSON (the `--faults FILE`
//! format and the body of `PUT /_emulator/faults`):
//!
//! ```json
//! {"GetGroupInfo": {
//!    "script": [{"error": {"code": "FailedOperation.ServerError"}}, {"delay_ms": 200},
//!               "drop_connection", "apply_then_drop", {"http_status": 502}, "truncated_body",
//!               {"slow_body_ms": 3000},
//!               {"respond": {"status": 200, "content_type": "text/plain", "body": "OK"}},
//!               "pass"],
//!    "throttle_per_second": 5}}
//! ```
//!
//! `respond` answers exactly the given bytes (`body`, or `body_base64` for bytes that are not
//! UTF-8), for testing how a client copes with answers the service should never send:
//! malformed JSON, a wrong `Content-Type`, a response missing a field.
//!
//! `drop_connection` closes the connection before the action runs: nothing changes.
//! `apply_then_drop` runs the action (a write changes the account), then closes the connection
//! without a byte of answer: the case a client cannot tell from the first, and so the one where
//! it must not repeat a write (the service may have applied it).
//!
//! [`Faults::injected`] counts what was injected, by kind, over the emulator's whole life
//! (the journal forgets old calls; these counts do not).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// What one call of an action gets instead of (or before) its normal answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultStep {
    /// An API error envelope with this code (and message).
    Error {
        code: String,
        #[serde(default)]
        message: Option<String>,
    },
    /// Wait, then answer normally.
    DelayMs(u64),
    /// Close the connection without answering; the action does not run.
    DropConnection,
    /// Run the action (a write is applied), then close the connection without answering.
    ApplyThenDrop,
    /// This HTTP status with a plain-text body and no API envelope.
    HttpStatus(u16),
    /// Announce the full body length, send half of it, close the connection.
    TruncatedBody,
    /// Send the status and headers at once, the body (the normal answer) after this delay.
    SlowBodyMs(u64),
    /// Answer exactly this, instead of the action's answer.
    Respond(RawReply),
    /// Answer normally.
    Pass,
}

/// An answer given byte for byte: status, `Content-Type` and body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawReplySpelling", into = "RawReplySpelling")]
pub struct RawReply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl RawReply {
    /// HTTP 200, `application/json`, this text.
    pub fn json(body: impl Into<String>) -> Self {
        RawReply::new(200, "application/json", body.into().into_bytes())
    }

    pub fn new(status: u16, content_type: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        RawReply {
            status,
            content_type: content_type.into(),
            body: body.into(),
        }
    }
}

/// How a [`RawReply`] is written in JSON: text as `body`, other bytes as `body_base64`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReplySpelling {
    #[serde(default = "ok_status")]
    status: u16,
    #[serde(default = "json_content_type")]
    content_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
}

fn ok_status() -> u16 {
    200
}

fn json_content_type() -> String {
    "application/json".to_owned()
}

impl TryFrom<RawReplySpelling> for RawReply {
    type Error = String;

    fn try_from(raw: RawReplySpelling) -> Result<Self, String> {
        use base64::Engine as _;
        let body = match (raw.body, raw.body_base64) {
            (Some(_), Some(_)) => return Err("give `body` or `body_base64`, not both".into()),
            (Some(text), None) => text.into_bytes(),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| format!("`body_base64` is not base64: {e}"))?,
            (None, None) => Vec::new(),
        };
        if !(100..=999).contains(&raw.status) {
            return Err(format!("`status` {} is not an HTTP status", raw.status));
        }
        Ok(RawReply {
            status: raw.status,
            content_type: raw.content_type,
            body,
        })
    }
}

impl From<RawReply> for RawReplySpelling {
    fn from(reply: RawReply) -> Self {
        use base64::Engine as _;
        let (body, body_base64) = match String::from_utf8(reply.body) {
            Ok(text) => (Some(text), None),
            Err(e) => (
                None,
                Some(base64::engine::general_purpose::STANDARD.encode(e.into_bytes())),
            ),
        };
        RawReplySpelling {
            status: reply.status,
            content_type: reply.content_type,
            body,
            body_base64,
        }
    }
}

/// The faults of one action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionFaults {
    #[serde(default)]
    pub script: Vec<FaultStep>,
    /// Calls per second above which `RequestLimitExceeded` is answered (a one-second window).
    #[serde(default)]
    pub throttle_per_second: Option<u32>,
}

/// Faults by action name.
pub type FaultPlan = BTreeMap<String, ActionFaults>;

impl FaultStep {
    /// The step's kind as spelled in JSON (`drop_connection`, `error`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            FaultStep::Error { .. } => "error",
            FaultStep::DelayMs(_) => "delay_ms",
            FaultStep::DropConnection => "drop_connection",
            FaultStep::ApplyThenDrop => "apply_then_drop",
            FaultStep::HttpStatus(_) => "http_status",
            FaultStep::TruncatedBody => "truncated_body",
            FaultStep::SlowBodyMs(_) => "slow_body_ms",
            FaultStep::Respond(_) => "respond",
            FaultStep::Pass => "pass",
        }
    }

    /// The key of [`Faults::injected`]: the kind, with the code of an error and the status
    /// of an HTTP answer (`error RequestLimitExceeded`, `http_status 502`, `respond 200`).
    pub fn label(&self) -> String {
        match self {
            FaultStep::Error { code, .. } => format!("error {code}"),
            FaultStep::HttpStatus(status) => format!("http_status {status}"),
            FaultStep::Respond(raw) => format!("respond {}", raw.status),
            other => other.kind().to_owned(),
        }
    }
}

/// The key of [`Faults::injected`] for calls refused by throttling.
pub const THROTTLED: &str = "throttled";

/// What the gateway does with the call.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Proceed,
    Step(FaultStep),
    Throttled,
}

/// The live fault state, shared by all connections.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<Live>,
}

#[derive(Debug, Default)]
struct Live {
    scripts: HashMap<String, VecDeque<FaultStep>>,
    throttles: HashMap<String, (u32, Instant, u32)>,
    /// Faults injected so far, by kind; kept across `set` and `clear`.
    injected: BTreeMap<String, u64>,
}

impl Faults {
    /// Replaces every fault with `plan`.
    pub fn set(&self, plan: &FaultPlan) {
        let mut live = self.lock();
        live.scripts.clear();
        live.throttles.clear();
        for (action, faults) in plan {
            live.scripts
                .insert(action.clone(), faults.script.iter().cloned().collect());
            if let Some(rate) = faults.throttle_per_second {
                live.throttles
                    .insert(action.clone(), (rate, Instant::now(), 0));
            }
        }
    }

    /// Appends steps to an action's script.
    pub fn push(&self, action: &str, steps: impl IntoIterator<Item = FaultStep>) {
        self.lock()
            .scripts
            .entry(action.to_owned())
            .or_default()
            .extend(steps);
    }

    /// Throttles an action to `per_second` calls per second (`None` lifts it).
    pub fn throttle(&self, action: &str, per_second: Option<u32>) {
        let mut live = self.lock();
        match per_second {
            Some(rate) => {
                live.throttles
                    .insert(action.to_owned(), (rate, Instant::now(), 0));
            }
            None => {
                live.throttles.remove(action);
            }
        }
    }

    /// Removes every scripted step and throttle (the counts of [`Self::injected`] stay).
    pub fn clear(&self) {
        let mut live = self.lock();
        live.scripts.clear();
        live.throttles.clear();
    }

    /// Forgets the plan and the counts.
    pub(crate) fn reset(&self) {
        *self.lock() = Live::default();
    }

    /// How many faults were injected so far, by [`FaultStep::label`] (or [`THROTTLED`] for
    /// calls refused by a throttle); `pass` steps are not faults and are not counted.
    pub fn injected(&self) -> BTreeMap<String, u64> {
        self.lock().injected.clone()
    }

    /// What remains: unconsumed steps and throttles.
    pub fn plan(&self) -> FaultPlan {
        let live = self.lock();
        let mut plan = FaultPlan::new();
        for (action, steps) in &live.scripts {
            if !steps.is_empty() {
                plan.entry(action.clone()).or_default().script = steps.iter().cloned().collect();
            }
        }
        for (action, (rate, ..)) in &live.throttles {
            plan.entry(action.clone()).or_default().throttle_per_second = Some(*rate);
        }
        plan
    }

    /// Consumes the next step for one call of `action`.
    pub fn decide(&self, action: &str) -> Decision {
        let mut live = self.lock();
        if let Some((rate, window, count)) = live.throttles.get_mut(action) {
            if window.elapsed() >= Duration::from_secs(1) {
                *window = Instant::now();
                *count = 0;
            }
            *count += 1;
            if *count > *rate {
                *live.injected.entry(THROTTLED.to_owned()).or_default() += 1;
                return Decision::Throttled;
            }
        }
        match live.scripts.get_mut(action).and_then(VecDeque::pop_front) {
            Some(step) => {
                if step != FaultStep::Pass {
                    *live.injected.entry(step.label()).or_default() += 1;
                }
                Decision::Step(step)
            }
            None => Decision::Proceed,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Live> {
        // A panic elsewhere never leaves this state half-updated; keep serving.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_json_and_script_order() {
        let plan: FaultPlan = serde_json::from_str(
            r#"{"GetGroupInfo": {"script": [{"error": {"code": "InternalError"}}, {"delay_ms": 5},
                "drop_connection", "apply_then_drop", {"http_status": 502}, "truncated_body",
                {"slow_body_ms": 7},
                {"respond": {"status": 502, "content_type": "text/html", "body": "<html>"}},
                {"respond": {"body_base64": "//4A"}}, "pass"]}}"#,
        )
        .unwrap();
        let faults = Faults::default();
        faults.set(&plan);
        assert_eq!(faults.plan(), plan);
        let steps: Vec<Decision> = (0..11).map(|_| faults.decide("GetGroupInfo")).collect();
        assert_eq!(
            steps,
            [
                Decision::Step(FaultStep::Error {
                    code: "InternalError".into(),
                    message: None
                }),
                Decision::Step(FaultStep::DelayMs(5)),
                Decision::Step(FaultStep::DropConnection),
                Decision::Step(FaultStep::ApplyThenDrop),
                Decision::Step(FaultStep::HttpStatus(502)),
                Decision::Step(FaultStep::TruncatedBody),
                Decision::Step(FaultStep::SlowBodyMs(7)),
                Decision::Step(FaultStep::Respond(RawReply::new(
                    502,
                    "text/html",
                    "<html>"
                ))),
                Decision::Step(FaultStep::Respond(RawReply::new(
                    200,
                    "application/json",
                    vec![0xff, 0xfe, 0]
                ))),
                Decision::Step(FaultStep::Pass),
                Decision::Proceed,
            ]
        );
        assert_eq!(faults.decide("CreateGroup"), Decision::Proceed);
        let injected = faults.injected();
        assert_eq!(injected["respond 502"], 1);
        assert_eq!(injected["error InternalError"], 1);
        assert_eq!(injected["apply_then_drop"], 1);
        assert_eq!(injected.values().sum::<u64>(), 9, "every step but `pass`");
        faults.clear();
        assert_eq!(faults.injected(), injected, "counts outlive the plan");
    }

    #[test]
    fn throttling_counts_calls_per_second() {
        let faults = Faults::default();
        faults.throttle("GetGroupList", Some(2));
        let decisions: Vec<Decision> = (0..3).map(|_| faults.decide("GetGroupList")).collect();
        assert_eq!(decisions[..2], [Decision::Proceed, Decision::Proceed]);
        assert_eq!(decisions[2], Decision::Throttled);
        assert_eq!(faults.injected()[THROTTLED], 1);
    }

    #[test]
    fn unknown_steps_are_refused() {
        assert!(serde_json::from_str::<FaultPlan>(r#"{"A": {"script": ["explode"]}}"#).is_err());
    }

    #[test]
    fn raw_replies_spell_text_as_text_and_bytes_as_base64() {
        let text = FaultStep::Respond(RawReply::json("{}"));
        let bytes = FaultStep::Respond(RawReply::new(200, "text/plain", vec![0xff]));
        assert_eq!(
            serde_json::to_string(&[&text, &bytes]).unwrap(),
            r#"[{"respond":{"status":200,"content_type":"application/json","body":"{}"}},{"respond":{"status":200,"content_type":"text/plain","body_base64":"/w=="}}]"#
        );
        let both = r#"{"respond": {"body": "a", "body_base64": "YQ=="}}"#;
        let err = serde_json::from_str::<FaultStep>(both).unwrap_err();
        assert!(err.to_string().contains("not both"), "{err}");
        let bad_status = r#"{"respond": {"status": 20}}"#;
        assert!(serde_json::from_str::<FaultStep>(bad_status).is_err());
    }
}
