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
//! | `GET /_emulator/actions` | every spec action, and whether its semantics are modelled |

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::json;

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
            let body = match Limited::new(req.into_body(), 1 << 20).collect().await {
                Ok(body) => body.to_bytes(),
                Err(e) => {
                    return text(StatusCode::BAD_REQUEST, &format!("cannot read body: {e}\n"))
                }
            };
            match serde_json::from_slice::<FaultPlan>(&body) {
                Ok(plan) => {
                    shared.faults.set(&plan);
                    text(StatusCode::OK, "faults set\n")
                }
                Err(e) => text(StatusCode::BAD_REQUEST, &format!("not a fault plan: {e}\n")),
            }
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
