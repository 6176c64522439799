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
//!               "drop_connection", {"http_status": 502}, "truncated_body", "pass"],
//!    "throttle_per_second": 5}}
//! ```

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
    /// Close the connection without answering.
    DropConnection,
    /// This HTTP status with a plain-text body and no API envelope.
    HttpStatus(u16),
    /// Announce the full body length, send half of it, close the connection.
    TruncatedBody,
    /// Answer normally.
    Pass,
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
}

impl Faults {
    /// Replaces every fault with `plan`.
    pub fn set(&self, plan: &FaultPlan) {
        let mut live = self.lock();
        *live = Live::default();
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

    pub fn clear(&self) {
        *self.lock() = Live::default();
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
                return Decision::Throttled;
            }
        }
        match live.scripts.get_mut(action).and_then(VecDeque::pop_front) {
            Some(step) => Decision::Step(step),
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
                "drop_connection", {"http_status": 502}, "truncated_body", "pass"]}}"#,
        )
        .unwrap();
        let faults = Faults::default();
        faults.set(&plan);
        assert_eq!(faults.plan(), plan);
        let steps: Vec<Decision> = (0..7).map(|_| faults.decide("GetGroupInfo")).collect();
        assert_eq!(
            steps,
            [
                Decision::Step(FaultStep::Error {
                    code: "InternalError".into(),
                    message: None
                }),
                Decision::Step(FaultStep::DelayMs(5)),
                Decision::Step(FaultStep::DropConnection),
                Decision::Step(FaultStep::HttpStatus(502)),
                Decision::Step(FaultStep::TruncatedBody),
                Decision::Step(FaultStep::Pass),
                Decision::Proceed,
            ]
        );
        assert_eq!(faults.decide("CreateGroup"), Decision::Proceed);
    }

    #[test]
    fn throttling_counts_calls_per_second() {
        let faults = Faults::default();
        faults.throttle("GetGroupList", Some(2));
        let decisions: Vec<Decision> = (0..3).map(|_| faults.decide("GetGroupList")).collect();
        assert_eq!(decisions[..2], [Decision::Proceed, Decision::Proceed]);
        assert_eq!(decisions[2], Decision::Throttled);
    }

    #[test]
    fn unknown_steps_are_refused() {
        assert!(serde_json::from_str::<FaultPlan>(r#"{"A": {"script": ["explode"]}}"#).is_err());
    }
}
