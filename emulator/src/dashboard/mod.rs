//! The dashboard: server-rendered HTML pages under `/_emulator/`, beside the admin API and
//! behind the same refusal of signed calls. Templates are compiled into the binary (askama,
//! `emulator/templates/`, escaping on); the stylesheet, the small script (live journal, fault
//! plan check, chart refresh) and the placeholder image are embedded with `include_str!`.
//!
//! | Page | Shows |
//! |---|---|
//! | `/_emulator/` | groups → persons → faces, with thumbnails and each marker's reading |
//! | `/_emulator/calls` | the journal, newest first, paged, filtered, live (`calls/events`) |
//! | `/_emulator/calls/N` | one call: request (images as thumbnails) and answer |
//! | `/_emulator/load` | calls per second and errors per action (SVG, also `load.svg`) |
//! | `/_emulator/controls` | fault plan, throttles, clock skew, refused connections, reset |
//! | `/_emulator/semantics` | which actions are modelled, which answer their spec example |
//!
//! Controls are plain HTML forms (POST, then a redirect); a form from another origin is
//! refused, so a web page the user visits cannot drive the emulator.

mod chart;
mod views;

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use hyper::{Method, Request, Response, StatusCode};

use crate::faults::FaultPlan;
use crate::journal::{Entry, Filter};
use crate::server::{text, ReplyBody};
use crate::Shared;

/// Calls on one journal page.
pub const PAGE_SIZE: usize = 50;

const CSS: &str = include_str!("../../templates/assets/dashboard.css");
const JS: &str = include_str!("../../templates/assets/dashboard.js");
const PLACEHOLDER_SVG: &str = include_str!("../../templates/assets/placeholder.svg");

/// Whether `path` (after `/_emulator/`) is a dashboard route rather than an admin one.
pub(crate) fn is_route(method: &Method, path: &str) -> bool {
    let page = path.split('/').next().unwrap_or("");
    match *method {
        Method::GET => matches!(
            page,
            "" | "calls" | "load" | "load.svg" | "controls" | "semantics" | "images" | "assets"
        ),
        Method::POST => page == "controls",
        _ => false,
    }
}

pub(crate) async fn handle(
    shared: &Shared,
    req: Request<Incoming>,
    path: &str,
) -> Response<ReplyBody> {
    let query = req.uri().query().unwrap_or("").to_owned();
    if req.method() == Method::POST {
        if !same_origin(&req) {
            return text(
                StatusCode::FORBIDDEN,
                "the dashboard takes forms from its own pages only\n",
            );
        }
        return control(shared, req, path).await;
    }
    match path {
        "" => html(views::faces(shared)),
        "calls" => html(views::calls(shared, &filter_of(&query), before_of(&query))),
        "calls/events" => events(shared, filter_of(&query)),
        "load" => html(views::load(shared)),
        "load.svg" => with_type(views::load_svg(shared), "image/svg+xml"),
        "controls" => html(views::controls(shared, param(&query, "done"), None)),
        "semantics" => html(views::semantics()),
        "assets/dashboard.css" => asset(CSS, "text/css; charset=utf-8"),
        "assets/dashboard.js" => asset(JS, "text/javascript; charset=utf-8"),
        "assets/placeholder.svg" => asset(PLACEHOLDER_SVG, "image/svg+xml"),
        _ => {
            if let Some(seq) = path.strip_prefix("calls/") {
                let call = seq.parse().ok().and_then(|seq| shared.journal.entry(seq));
                return match call {
                    Some(entry) => html(views::call(shared, &entry)),
                    None => not_found("no such call (it may have left the journal)"),
                };
            }
            if let Some(digest) = path.strip_prefix("images/") {
                return match shared.images.get(digest) {
                    Some(image) => {
                        let mut response =
                            Response::new(ReplyBody::Full(Full::new(image.bytes.clone())));
                        let headers = response.headers_mut();
                        headers.insert(CONTENT_TYPE, HeaderValue::from_static(image.content_type));
                        // Keyed by content: the bytes behind a digest never change.
                        headers.insert(
                            CACHE_CONTROL,
                            HeaderValue::from_static("max-age=31536000, immutable"),
                        );
                        response
                    }
                    None => not_found("image not kept (never sent, or dropped by the memory cap)"),
                };
            }
            not_found("no such dashboard page")
        }
    }
}

/// POSTed forms of the controls page.
async fn control(shared: &Shared, req: Request<Incoming>, path: &str) -> Response<ReplyBody> {
    let path = path.to_owned();
    let form = match Limited::new(req.into_body(), 1 << 20).collect().await {
        Ok(body) => body.to_bytes(),
        Err(e) => return text(StatusCode::BAD_REQUEST, &format!("cannot read form: {e}\n")),
    };
    let field = |name: &str| {
        form_urlencoded::parse(&form)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let refused = |error: String, submitted: Option<String>| {
        let page = views::controls(shared, None, Some((error, submitted)));
        let mut response = html(page);
        *response.status_mut() = StatusCode::BAD_REQUEST;
        response
    };
    let done = match path.as_str() {
        "controls/faults" => {
            let submitted = field("plan").unwrap_or_default();
            // The admin API's rule: a plan that does not parse is refused, the active one kept.
            match serde_json::from_str::<FaultPlan>(&submitted) {
                Ok(plan) => {
                    shared.faults.set(&plan);
                    "fault plan applied"
                }
                Err(e) => {
                    return refused(
                        format!("the fault plan was refused (the active plan is kept): {e}"),
                        Some(submitted),
                    )
                }
            }
        }
        "controls/throttle" => {
            let action = field("action").unwrap_or_default();
            if tencentcloud_iai::action_table::find(&action).is_none() {
                return refused(format!("no action named `{action}`"), None);
            }
            let rate = field("per_second").unwrap_or_default();
            match rate.trim() {
                "" => {
                    shared.faults.throttle(&action, None);
                    "throttle lifted"
                }
                rate => match rate.parse::<u32>() {
                    Ok(rate) => {
                        shared.faults.throttle(&action, Some(rate));
                        "throttle set"
                    }
                    Err(e) => {
                        return refused(
                            format!("calls per second `{rate}` is not a whole number: {e}"),
                            None,
                        )
                    }
                },
            }
        }
        "controls/clock" => match field("skew_secs").unwrap_or_default().trim().parse() {
            Ok(skew) => {
                shared.clock.set_skew_secs(skew);
                "clock skew set"
            }
            Err(e) => return refused(format!("the skew is not a whole number: {e}"), None),
        },
        "controls/connections" => match field("refuse_next").unwrap_or_default().trim().parse() {
            Ok(n) => {
                shared.connections.refuse_next(n);
                "connections to refuse set"
            }
            Err(e) => return refused(format!("not a number of connections: {e}"), None),
        },
        "controls/reset" => {
            if field("confirm").as_deref() != Some("yes") {
                return refused("reset needs its confirmation box ticked".into(), None);
            }
            match shared.reset().await {
                Ok(()) => "reset: the account, faults, calls and images are empty",
                Err(e) => {
                    return refused(
                        format!("reset, but saving the state file failed: {e}"),
                        None,
                    )
                }
            }
        }
        _ => return not_found("no such control"),
    };
    let location = format!(
        "/_emulator/controls?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("done", done)
            .finish()
    );
    let mut response = redirect(&location);
    *response.status_mut() = StatusCode::SEE_OTHER;
    response
}

/// A browser's form POST names its origin; it must be this emulator's.
fn same_origin<B>(req: &Request<B>) -> bool {
    let Some(origin) = req.headers().get("origin") else {
        return true; // not a browser (curl, a test): no cross-site risk
    };
    let host = req.headers().get("host").and_then(|h| h.to_str().ok());
    let origin = origin.to_str().ok();
    match (origin, host) {
        (Some(origin), Some(host)) => {
            origin == format!("http://{host}") || origin == format!("https://{host}")
        }
        _ => false,
    }
}

/// The live journal: server-sent events, each a rendered row for the page's filter.
fn events(shared: &Shared, filter: Filter) -> Response<ReplyBody> {
    let live = shared.journal.subscribe();
    let render = move |entry: &Entry| {
        if !filter.matches(entry) {
            return None;
        }
        let row = views::row_html(entry);
        let mut event = format!("id: {}\nevent: call\n", entry.seq);
        for line in row.lines() {
            event.push_str("data: ");
            event.push_str(line);
            event.push('\n');
        }
        event.push('\n');
        Some(Bytes::from(event))
    };
    let every = std::time::Duration::from_secs(15);
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut response = Response::new(ReplyBody::Events {
        live,
        render: Box::new(render),
        heartbeat: Box::pin(heartbeat),
    });
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn filter_of(query: &str) -> Filter {
    let nonempty = |name| param(query, name).filter(|v| !v.is_empty());
    Filter {
        action: nonempty("action"),
        outcome: nonempty("outcome"),
    }
}

fn before_of(query: &str) -> Option<u64> {
    param(query, "before").and_then(|b| b.parse().ok())
}

fn param(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn html(page: Result<String, askama::Error>) -> Response<ReplyBody> {
    with_type(page, "text/html; charset=utf-8")
}

fn with_type(
    page: Result<String, askama::Error>,
    content_type: &'static str,
) -> Response<ReplyBody> {
    match page {
        Ok(body) => {
            let mut response = Response::new(ReplyBody::Full(Full::new(Bytes::from(body))));
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("the dashboard could not render this page: {e}\n"),
        ),
    }
}

fn asset(body: &'static str, content_type: &'static str) -> Response<ReplyBody> {
    let mut response = Response::new(ReplyBody::Full(Full::new(Bytes::from_static(
        body.as_bytes(),
    ))));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn not_found(why: &str) -> Response<ReplyBody> {
    text(StatusCode::NOT_FOUND, &format!("{why}\n"))
}

pub(crate) fn redirect(location: &str) -> Response<ReplyBody> {
    let mut response = text(StatusCode::FOUND, "");
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, location);
    }
    response
}

/// `YYYY-MM-DD HH:MM:SS.mmm` (UTC) of Unix milliseconds.
pub(crate) fn utc_time(ms: u64) -> String {
    let secs = ms / 1000;
    let day = secs % 86_400;
    format!(
        "{} {:02}:{:02}:{:02}.{:03}",
        crate::tc3::utc_date(secs),
        day / 3600,
        day / 60 % 60,
        day % 60,
        ms % 1000
    )
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc() {
        assert_eq!(utc_time(0), "1970-01-01 00:00:00.000");
        assert_eq!(utc_time(1_700_000_000_123), "2023-11-14 22:13:20.123");
    }

    #[test]
    fn forms_from_other_origins_are_refused() {
        let req = |origin: Option<&str>| {
            let mut builder = Request::builder().header("host", "127.0.0.1:9");
            if let Some(origin) = origin {
                builder = builder.header("origin", origin);
            }
            builder.body(()).unwrap()
        };
        assert!(same_origin(&req(None)));
        assert!(same_origin(&req(Some("http://127.0.0.1:9"))));
        assert!(!same_origin(&req(Some("https://evil.example"))));
        assert!(!same_origin(&req(Some("null"))));
    }

    #[test]
    fn dashboard_routes_leave_admin_routes_alone() {
        assert!(is_route(&Method::GET, ""));
        assert!(is_route(&Method::GET, "calls/12"));
        assert!(is_route(&Method::POST, "controls/faults"));
        for admin in ["state", "faults", "requests", "actions", "clock"] {
            assert!(!is_route(&Method::GET, admin), "{admin}");
        }
        assert!(!is_route(&Method::PUT, "controls"));
    }
}
