//! What each page shows, gathered from the shared state into plain structs, and the askama
//! templates that render them (escaping every value: names and descriptions come from API
//! calls and may hold HTML).

use askama::Template;
use serde_json::Value;

use super::chart::{self, Chart};
use super::{utc_time, PAGE_SIZE};
use crate::images::ImageStats;
use crate::journal::{Entry, Filter, REDACTED};
use crate::Shared;

// ---------------------------------------------------------------- faces

struct GroupView {
    id: String,
    name: String,
    tag: String,
    model: String,
    created: String,
    fields: String,
    persons: Vec<PersonView>,
}

struct PersonView {
    id: String,
    name: String,
    gender: i64,
    created: String,
    descriptions: Vec<(String, String)>,
    faces: Vec<FaceView>,
}

struct FaceView {
    id: String,
    digest: String,
    kept: bool,
    /// The marker's reading, or what the face is known as without one.
    reading: String,
    size: String,
}

#[derive(Template)]
#[template(path = "faces.html")]
struct FacesPage {
    nav: &'static str,
    groups: Vec<GroupView>,
    person_count: usize,
    face_count: usize,
    stats: ImageStats,
    kept_kib: String,
    cap_kib: String,
}

fn kib(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / 1024.0)
}

pub(super) fn faces(shared: &Shared) -> askama::Result<String> {
    let state = shared.read_state().clone();
    let stats = shared.images.stats();
    let face_view = |face: &crate::state::Face| {
        let kept = shared.images.get(&face.digest);
        let reading = match kept.as_ref().and_then(|k| k.marker.as_ref()) {
            Some(marker) => marker.to_text(),
            None => match face.identity.strip_prefix("person:") {
                Some(person) => format!("person={person} (image not kept)"),
                None if kept.is_some() => "no marker: known by its bytes".to_owned(),
                None => "no marker (image not kept)".to_owned(),
            },
        };
        let (x, y, w, h) = face.rect;
        FaceView {
            id: face.id.clone(),
            digest: face.digest.clone(),
            size: match &kept {
                Some(k) => format!("{}×{} image, face at {x},{y} {w}×{h}", k.width, k.height),
                None => format!("face at {x},{y} {w}×{h}"),
            },
            kept: kept.is_some(),
            reading,
        }
    };
    let groups: Vec<GroupView> = state
        .groups
        .values()
        .map(|g| GroupView {
            id: g.id.clone(),
            name: g.name.clone(),
            tag: g.tag.clone(),
            model: g.face_model_version.clone(),
            created: utc_time(g.created_ms),
            fields: g.ex_descriptions.join(", "),
            persons: g
                .members
                .iter()
                .filter_map(|m| {
                    let p = state.persons.get(&m.person_id)?;
                    Some(PersonView {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        gender: p.gender,
                        created: utc_time(p.created_ms),
                        descriptions: g
                            .ex_descriptions
                            .iter()
                            .cloned()
                            .zip(m.ex_descriptions.iter().cloned())
                            .filter(|(_, v)| !v.is_empty())
                            .collect(),
                        faces: p.faces.iter().map(face_view).collect(),
                    })
                })
                .collect(),
        })
        .collect();
    FacesPage {
        nav: "faces",
        person_count: state.persons.len(),
        face_count: state.persons.values().map(|p| p.faces.len()).sum(),
        groups,
        stats,
        kept_kib: kib(stats.kept_bytes),
        cap_kib: kib(stats.cap_bytes),
    }
    .render()
}

// ---------------------------------------------------------------- calls

pub(super) struct Row {
    seq: u64,
    time: String,
    action: String,
    outcome: String,
    ok: bool,
    latency: String,
    request_id: String,
    signing: &'static str,
    secret_id: String,
}

impl Row {
    fn of(entry: &Entry) -> Row {
        Row {
            seq: entry.seq,
            time: utc_time(entry.at_ms),
            action: entry
                .call
                .action
                .clone()
                .unwrap_or_else(|| entry.call.path.clone()),
            outcome: entry.outcome(),
            ok: entry.is_ok(),
            latency: format!("{:.1} ms", entry.latency_us as f64 / 1000.0),
            request_id: entry.request_id.clone().unwrap_or_default(),
            signing: entry.signing,
            secret_id: entry.secret_id.clone().unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "call_row.html")]
struct RowHtml<'a> {
    row: &'a Row,
}

/// One journal row, as the live page inserts it.
pub(super) fn row_html(entry: &Entry) -> String {
    RowHtml {
        row: &Row::of(entry),
    }
    .render()
    .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "calls.html")]
struct CallsPage {
    nav: &'static str,
    rows: Vec<Row>,
    /// Every action, and whether it is the filter's.
    actions: Vec<(&'static str, bool)>,
    filter_outcome: String,
    total: usize,
    /// Only the first page follows new calls.
    live: bool,
    events_href: String,
    older_href: Option<String>,
    newest_href: String,
}

pub(super) fn calls(
    shared: &Shared,
    filter: &Filter,
    before: Option<u64>,
) -> askama::Result<String> {
    let page = shared.journal.page(before, PAGE_SIZE, filter);
    let href = |path: &str, before: Option<u64>| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(action) = &filter.action {
            query.append_pair("action", action);
        }
        if let Some(outcome) = &filter.outcome {
            query.append_pair("outcome", outcome);
        }
        if let Some(before) = before {
            query.append_pair("before", &before.to_string());
        }
        format!("/_emulator/{path}?{}", query.finish())
    };
    CallsPage {
        nav: "calls",
        rows: page.calls.iter().map(|e| Row::of(e)).collect(),
        actions: tencentcloud_iai::action_table::ACTIONS
            .iter()
            .map(|a| (a.name, filter.action.as_deref() == Some(a.name)))
            .collect(),
        filter_outcome: filter.outcome.clone().unwrap_or_default(),
        total: page.total,
        live: before.is_none(),
        events_href: href("calls/events", None),
        older_href: page.older.map(|seq| href("calls", Some(seq))),
        newest_href: href("calls", None),
    }
    .render()
}

struct ImageView {
    param: String,
    digest: String,
    kept: bool,
}

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage {
    nav: &'static str,
    row: Row,
    method: String,
    path: String,
    status: u16,
    headers: Vec<(String, String)>,
    request: String,
    images: Vec<ImageView>,
    response: String,
}

/// Bytes of an answer shown at most.
const SHOWN_RESPONSE_BYTES: usize = 256 << 10;

pub(super) fn call(shared: &Shared, entry: &Entry) -> askama::Result<String> {
    let call = &entry.call;
    let legacy = entry.signing == "HmacSHA256";
    let mut params = if call.method == "GET" || legacy {
        let form = if call.method == "GET" {
            call.query.clone()
        } else {
            String::from_utf8_lossy(&call.body).into_owned()
        };
        crate::query::to_json(&form)
    } else {
        match serde_json::from_slice(&call.body) {
            Ok(Value::Object(map)) => map,
            _ => {
                let mut map = serde_json::Map::new();
                map.insert("(body)".into(), String::from_utf8_lossy(&call.body).into());
                map
            }
        }
    };
    // The older signature's secrets travel with the parameters.
    for secret in ["Signature", "Token"] {
        if let Some(value) = params.get_mut(secret) {
            *value = REDACTED.into();
        }
    }
    let mut images = Vec::new();
    if let Some(action) = &call.action {
        let found: Vec<(String, String)> = crate::images::image_params(action, &params)
            .into_iter()
            .map(|(name, text)| (name, text.to_owned()))
            .collect();
        for (name, text) in found {
            let digest = crate::images::digest_of_base64(&text);
            let placeholder = format!("[image, {} base64 characters: shown below]", text.len());
            replace_param(&mut params, &name, placeholder);
            images.push(ImageView {
                kept: digest
                    .as_deref()
                    .is_some_and(|d| shared.images.get(d).is_some()),
                digest: digest.unwrap_or_default(),
                param: name,
            });
        }
    }
    let response = match serde_json::from_slice::<Value>(&entry.response) {
        Ok(value) => serde_json::to_string_pretty(&value).unwrap_or_default(),
        Err(_) => {
            let shown = &entry.response[..entry.response.len().min(SHOWN_RESPONSE_BYTES)];
            String::from_utf8_lossy(shown).into_owned()
        }
    };
    CallPage {
        nav: "calls",
        row: Row::of(entry),
        method: call.method.clone(),
        path: call.path.clone(),
        status: entry.status,
        headers: call
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), shown_header(name, value)))
            .collect(),
        request: serde_json::to_string_pretty(&Value::Object(params)).unwrap_or_default(),
        images,
        response,
    }
    .render()
}

/// A header as the dashboard shows it: no signature, no token.
fn shown_header(name: &str, value: &str) -> String {
    match name {
        "authorization" => match value.find("Signature=") {
            Some(at) => format!("{}Signature={REDACTED}", &value[..at]),
            None => REDACTED.to_owned(),
        },
        "x-tc-token" => REDACTED.to_owned(),
        _ => value.to_owned(),
    }
}

/// Replaces `Name` or `Name.i` in the parameters.
fn replace_param(params: &mut serde_json::Map<String, Value>, name: &str, with: String) {
    match name.split_once('.') {
        None => {
            params.insert(name.to_owned(), with.into());
        }
        Some((list, index)) => {
            let slot = index
                .parse::<usize>()
                .ok()
                .and_then(|i| params.get_mut(list)?.as_array_mut()?.get_mut(i));
            if let Some(slot) = slot {
                *slot = with.into();
            }
        }
    }
}

// ---------------------------------------------------------------- load

#[derive(Template)]
#[template(path = "load.html")]
struct LoadPage {
    nav: &'static str,
    chart: String,
    rows: Vec<chart::ActionTotals>,
}

#[derive(Template)]
#[template(path = "chart.svg", escape = "html")]
struct ChartSvg {
    chart: Chart,
}

/// The chart's window of load, read once per page: at one instant, so the chart and the
/// totals beside it count the same seconds.
fn load_window(shared: &Shared) -> (Vec<crate::load::Second>, u64) {
    let now = super::now_secs();
    (shared.load.last(now, chart::WINDOW_SECS), now)
}

fn chart_svg(seconds: &[crate::load::Second], now: u64) -> askama::Result<String> {
    ChartSvg {
        chart: Chart::of(seconds, now),
    }
    .render()
}

pub(super) fn load_svg(shared: &Shared) -> askama::Result<String> {
    let (seconds, now) = load_window(shared);
    chart_svg(&seconds, now)
}

pub(super) fn load(shared: &Shared) -> askama::Result<String> {
    let (seconds, now) = load_window(shared);
    LoadPage {
        nav: "load",
        chart: chart_svg(&seconds, now)?,
        rows: chart::totals(&seconds),
    }
    .render()
}

// ---------------------------------------------------------------- controls

#[derive(Template)]
#[template(path = "controls.html")]
struct ControlsPage {
    nav: &'static str,
    /// What the form shows: the active plan, or a refused plan as it was typed.
    plan: String,
    active_plan: String,
    error: Option<String>,
    done: Option<String>,
    throttles: Vec<(String, u32)>,
    actions: Vec<&'static str>,
    skew_secs: i64,
    emulator_time: String,
    accepted: usize,
    refuse_next: usize,
}

pub(super) fn controls(
    shared: &Shared,
    done: Option<String>,
    refused: Option<(String, Option<String>)>,
) -> askama::Result<String> {
    let plan = shared.faults.plan();
    let active_plan = serde_json::to_string_pretty(&plan).unwrap_or_default();
    let (error, submitted) = match refused {
        Some((error, submitted)) => (Some(error), submitted),
        None => (None, None),
    };
    ControlsPage {
        nav: "controls",
        plan: submitted.unwrap_or_else(|| active_plan.clone()),
        active_plan,
        error,
        done,
        throttles: plan
            .iter()
            .filter_map(|(action, f)| Some((action.clone(), f.throttle_per_second?)))
            .collect(),
        actions: tencentcloud_iai::action_table::ACTIONS
            .iter()
            .map(|a| a.name)
            .collect(),
        skew_secs: shared.clock.skew_secs(),
        emulator_time: utc_time(shared.clock.now_secs() * 1000),
        accepted: shared.connections.accepted(),
        refuse_next: shared.connections.to_refuse(),
    }
    .render()
}

// ---------------------------------------------------------------- semantics

#[derive(Template)]
#[template(path = "semantics.html")]
struct SemanticsPage {
    nav: &'static str,
    /// (action, title, modelled)
    actions: Vec<(&'static str, &'static str, bool)>,
    modelled: usize,
}

pub(super) fn semantics() -> askama::Result<String> {
    let actions: Vec<_> = tencentcloud_iai::action_table::ACTIONS
        .iter()
        .map(|a| {
            let modelled = crate::semantics::handler(a.name).is_some();
            (a.name, a.title, modelled)
        })
        .collect();
    SemanticsPage {
        nav: "semantics",
        modelled: actions.iter().filter(|a| a.2).count(),
        actions,
    }
    .render()
}
