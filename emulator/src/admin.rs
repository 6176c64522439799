//! The admin API under `/_emulator/`, on the same port as the API. Signed API calls never
//! reach it (the API lives at `/`, and requests with `Authorization` or `X-TC-Action` are
//! refused here).
//!
//! | Route | What it does |
//! |---|---|
//! | `GET /_emulator/state` | the whole account as JSON |
//! | `POST /_emulator/reset` | empties the account (saved with `--state`) and clears faults |
//! | `GET /_emulator/faults` | the faults still to come |
//! | `PUT /_emulator/faults` | replaces the faults (a fault plan, see [`crate::faults`]) |
//! | `DELETE /_emulator/faults` | clears the faults |
//! | `GET /_emulator/faults/injected` | faults injected so far, by kind: `{"apply_then_drop": N, "error InternalError": N, "throttled": N, ...}` (see [`crate::Faults::injected`]) |
//! | `GET /_emulator/actions` | every spec action, and whether its semantics are modelled |
//! | `GET /_emulator/requests` | the recorded calls, oldest first (see [`crate::journal`]) |
//! | `DELETE /_emulator/requests` | forgets the recorded calls |
//! | `GET`/`PUT /_emulator/clock` | `{"skew_secs": N}`: the clock's offset from the system's |
//! | `GET`/`PUT /_emulator/connections` | `{"accepted": N, "refused": R, "refuse_next": M}`; PUT sets `refuse_next`: close the next M connections unread |
//! | `GET /_emulator/credentials` | temporary credentials issued so far, by source, and metadata requests: `{"assume_role": N, "web_identity": N, "metadata": N, "metadata_requests": N}` |
//! | `POST /_emulator/credentials/expire` | every credential issued so far expires now |
//! | `PUT /_emulator/throttle` | `{"action": "...", "per_second": N}` (`null` lifts it): throttle one action, other faults kept |
//!
//! The dashboard's pages share the prefix (`GET /_emulator/` in a browser): faces, calls,
//! load, faults and clock, actions. See the repository's `docs/dashboard.md`.

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::json;

use serde::Deserialize;

use crate::faults::FaultPlan;
use crate::server::{is_signed_call, json_response, text, ReplyBody};
use crate::Shared;

pub(crate) async fn handle(
    shared: &Shared,
    req: Request<Incoming>,
    path: &str,
) -> Response<ReplyBody> {
    if is_signed_call(&req) {
        return text(
            StatusCode::FORBIDDEN,
            "the admin API does not take signed API calls\n",
        );
    }
    let method = req.method().clone();
    if crate::dashboard::is_route(&method, path) {
        return crate::dashboard::handle(shared, req, path).await;
    }
    match (method, path) {
        (Method::GET, "state") => {
            let state = shared.read_state();
            json_response(serde_json::to_vec_pretty(&*state).expect("state serialises"))
        }
        (Method::POST, "reset") => match shared.reset().await {
            Ok(()) => text(StatusCode::OK, "reset\n"),
            Err(e) => text(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("reset, but saving the state file failed: {e}\n"),
            ),
        },
        (Method::GET, "faults") => json_response(
            serde_json::to_vec_pretty(&shared.faults.plan()).expect("plan serialises"),
        ),
        (Method::PUT, "faults") | (Method::POST, "faults") => {
            match read_json::<FaultPlan>(req, "a fault plan").await {
                Ok(plan) => {
                    shared.faults.set(&plan);
                    text(StatusCode::OK, "faults set\n")
                }
                Err(refusal) => refusal,
            }
        }
        (Method::GET, "faults/injected") => json_response(
            serde_json::to_vec_pretty(&shared.faults.injected()).expect("counts serialise"),
        ),
        (Method::GET, "requests") => json_response(
            serde_json::to_vec_pretty(&shared.journal.calls()).expect("calls serialise"),
        ),
        (Method::DELETE, "requests") => {
            shared.journal.clear();
            text(StatusCode::OK, "requests cleared\n")
        }
        (Method::GET, "clock") => clock(shared),
        (Method::PUT, "clock") => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Clock {
                skew_secs: i64,
            }
            match read_json::<Clock>(req, r#"{"skew_secs": N}"#).await {
                Ok(Clock { skew_secs }) => {
                    shared.clock.set_skew_secs(skew_secs);
                    clock(shared)
                }
                Err(refusal) => refusal,
            }
        }
        (Method::PUT, "throttle") => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Throttle {
                action: String,
                per_second: Option<u32>,
            }
            let expected = r#"{"action": "...", "per_second": N or null}"#;
            match read_json::<Throttle>(req, expected).await {
                Ok(t) => {
                    shared.faults.throttle(&t.action, t.per_second);
                    json_response(
                        serde_json::to_vec_pretty(&shared.faults.plan()).expect("plan serialises"),
                    )
                }
                Err(refusal) => refusal,
            }
        }
        (Method::GET, "connections") => connections(shared),
        (Method::PUT, "connections") => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Refuse {
                refuse_next: usize,
            }
            match read_json::<Refuse>(req, r#"{"refuse_next": N}"#).await {
                Ok(Refuse { refuse_next }) => {
                    shared.connections.refuse_next(refuse_next);
                    connections(shared)
                }
                Err(refusal) => refusal,
            }
        }
        (Method::GET, "credentials") => {
            let counts = shared.issued.counts();
            let body = json!({"assume_role": counts.assume_role,
                              "web_identity": counts.web_identity,
                              "metadata": counts.metadata,
                              "metadata_requests": shared.metadata.request_count()});
            json_response(body.to_string().into_bytes())
        }
        (Method::POST, "credentials/expire") => {
            shared.issued.expire_all(shared.clock.now());
            text(StatusCode::OK, "issued credentials expired\n")
        }
        (Method::DELETE, "faults") => {
            shared.faults.clear();
            text(StatusCode::OK, "faults cleared\n")
        }
        (Method::GET, "actions") => {
            let actions: Vec<_> = tencentcloud_iai::action_table::ACTIONS
                .iter()
                .map(|a| {
                    json!({"Action": a.name,
                           "Semantics": if crate::semantics::handler(a.name).is_some() { "modelled" } else { "example" }})
                })
                .collect();
            json_response(serde_json::to_vec_pretty(&actions).expect("JSON"))
        }
        _ => text(StatusCode::NOT_FOUND, "unknown admin route\n"),
    }
}

fn clock(shared: &Shared) -> Response<ReplyBody> {
    let body = json!({"skew_secs": shared.clock.skew_secs(), "now": shared.clock.now_secs()});
    json_response(body.to_string().into_bytes())
}

fn connections(shared: &Shared) -> Response<ReplyBody> {
    let body = json!({"accepted": shared.connections.accepted(),
                      "refused": shared.connections.refused(),
                      "refuse_next": shared.connections.to_refuse()});
    json_response(body.to_string().into_bytes())
}

/// The request body as `T`, or the 400 answer that says what was expected.
async fn read_json<T: serde::de::DeserializeOwned>(
    req: Request<Incoming>,
    expected: &str,
) -> Result<T, Response<ReplyBody>> {
    let body = Limited::new(req.into_body(), 1 << 20)
        .collect()
        .await
        .map_err(|e| text(StatusCode::BAD_REQUEST, &format!("cannot read body: {e}\n")))?
        .to_bytes();
    serde_json::from_slice(&body).map_err(|e| {
        text(
            StatusCode::BAD_REQUEST,
            &format!("expected {expected}: {e}\n"),
        )
    })
}
