//! The dashboard without a browser: its pages as HTML over HTTP (routes, escaping, the image
//! cap, paging, the live journal's event stream, the control forms, no secret on any page).
//! What needs a browser (thumbnails decoding, live rows appearing, forms clicked) is in
//! `tests/browser.rs`.

use std::time::Duration;

use tencentcloud_iai::types::PersonExDescriptionInfo;
use tencentcloud_iai_emulator::testimage::marked_png;
use tencentcloud_iai_emulator::{Emulator, Marker, RunningEmulator, TestCredentials};

use crate::{client_for, code, face_of, person_in_group, start};

async fn page(emulator: &RunningEmulator, path: &str) -> (u16, String, String) {
    let answer = reqwest::get(format!("{}/_emulator/{path}", emulator.url()))
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let content_type = answer
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, answer.text().await.unwrap())
}

async fn html(emulator: &RunningEmulator, path: &str) -> String {
    let (status, content_type, body) = page(emulator, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    assert!(
        content_type.starts_with("text/html"),
        "{path}: {content_type}"
    );
    body
}

async fn post_form(emulator: &RunningEmulator, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let answer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/_emulator/{path}", emulator.url()))
        .form(form)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

/// The `src` of every thumbnail in a page.
fn thumbnails(html: &str) -> Vec<&str> {
    html.split("<img class=\"thumb")
        .skip(1)
        .filter_map(|img| img.split("src=\"").nth(1)?.split('"').next())
        .collect()
}

#[tokio::test]
async fn every_page_answers_and_the_root_redirects() {
    let (emulator, _client) = start().await;
    for path in ["", "calls", "load", "controls", "semantics"] {
        let body = html(&emulator, path).await;
        assert!(
            body.contains("IAI emulator") && body.contains("</html>"),
            "{path}"
        );
    }
    let (status, content_type, svg) = page(&emulator, "load.svg").await;
    assert_eq!((status, content_type.as_str()), (200, "image/svg+xml"));
    assert!(svg.starts_with("<svg"), "{svg}");
    for (asset, expected_type) in [
        ("assets/dashboard.css", "text/css"),
        ("assets/dashboard.js", "text/javascript"),
        ("assets/placeholder.svg", "image/svg+xml"),
    ] {
        let (status, content_type, body) = page(&emulator, asset).await;
        assert_eq!(status, 200, "{asset}");
        assert!(
            content_type.starts_with(expected_type),
            "{asset}: {content_type}"
        );
        assert!(!body.is_empty());
    }
    for missing in ["calls/999", "images/00", "nothing-here"] {
        assert_eq!(page(&emulator, missing).await.0, 404, "{missing}");
    }
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/_emulator", emulator.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status().as_u16(), 302);
    assert_eq!(bare.headers()["location"], "/_emulator/");
    // The admin API's JSON routes are untouched by the pages beside them.
    let (status, content_type, _) = page(&emulator, "actions").await;
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
}

#[tokio::test]
async fn the_faces_page_shows_persons_with_their_images_and_marker_readings() {
    let (emulator, client) = start().await;
    person_in_group(&client, "staff", "alice").await;
    let body = html(&emulator, "").await;
    assert!(body.contains("alice name"), "{body}");
    assert!(body.contains("staff name"));
    assert!(body.contains("person=alice; faces=1; quality=90; live=true"));
    let thumbs = thumbnails(&body);
    assert_eq!(thumbs.len(), 1, "{body}");
    assert!(thumbs[0].starts_with("/_emulator/images/"), "{thumbs:?}");
    let image = reqwest::get(format!("{}{}", emulator.url(), thumbs[0]))
        .await
        .unwrap();
    assert_eq!(image.headers()["content-type"], "image/png");
    let sent = marked_png(&Marker::person("alice"), 200, 160);
    assert_eq!(image.bytes().await.unwrap(), sent, "the very bytes sent");
}

#[tokio::test]
async fn html_sent_through_the_api_is_escaped_on_every_page() {
    let (emulator, client) = start().await;
    let evil = "<script>alert(1)</script>";
    client
        .create_group()
        .group_name(evil)
        .group_id("evil")
        .group_ex_descriptions(vec![format!("<b>{evil}")])
        .tag("<i onmouseover=x><script>")
        .send()
        .await
        .unwrap();
    let mut description = PersonExDescriptionInfo::default();
    description.person_ex_description_index = 0;
    description.person_ex_description = format!("\"><img src=x onerror=alert(2)>{evil}");
    client
        .create_person()
        .group_id("evil")
        .person_name(format!("<img src=x onerror=alert(3)>{evil}"))
        .person_id("p1")
        .person_ex_description_infos(vec![description])
        .image(face_of("<script>marker</script>"))
        .send()
        .await
        .unwrap();
    let mut pages = vec![html(&emulator, "").await, html(&emulator, "calls").await];
    for call in 1..=2 {
        pages.push(html(&emulator, &format!("calls/{call}")).await);
    }
    pages.push(html(&emulator, "load").await);
    for body in &pages {
        assert!(!body.contains("<script>"), "unescaped: {body}");
        assert!(!body.contains("<img src=x"), "unescaped: {body}");
        assert!(!body.contains("<i onmouseover"), "unescaped: {body}");
    }
    assert!(
        pages[0].contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || pages[0].contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{}",
        pages[0]
    );
    assert!(
        pages[0].contains("onerror=alert(2)"),
        "the description is shown, escaped"
    );
    assert!(
        pages[0].contains("marker"),
        "the marker reading is shown, escaped"
    );
}

#[tokio::test]
async fn past_the_image_cap_the_oldest_image_shows_a_placeholder() {
    let one_image = marked_png(&Marker::person("a"), 200, 160).len();
    let emulator = Emulator::builder()
        .image_memory_cap_bytes(one_image * 3 / 2)
        .start()
        .await
        .unwrap();
    let client = client_for(&emulator, 1);
    person_in_group(&client, "staff", "a").await;
    person_in_group(&client, "staff", "b").await;
    let body = html(&emulator, "").await;
    let thumbs = thumbnails(&body);
    assert_eq!(
        thumbs.iter().filter(|t| t.contains("placeholder")).count(),
        1,
        "{thumbs:?}"
    );
    assert_eq!(thumbs.iter().filter(|t| t.contains("/images/")).count(), 1);
    // The newest stays: b's face is the thumbnail.
    let b_section = body.split("b name").nth(1).unwrap();
    assert!(thumbnails(b_section)[0].contains("/images/"), "{b_section}");
    assert!(body.contains("1 dropped by the cap"), "{body}");
    assert!(body.contains("person=a (image not kept)"));
}

#[tokio::test]
async fn the_journal_pages_newest_first_and_filters_by_action_and_outcome() {
    let (emulator, client) = start().await;
    for i in 0..60 {
        if i % 3 == 0 {
            let missing = client.get_group_info().group_id("missing").send().await;
            assert_eq!(code(missing), "InvalidParameterValue.GroupIdNotExist");
        } else {
            client.get_group_list().send().await.unwrap();
        }
    }
    let first = html(&emulator, "calls").await;
    let rows = first.matches("<tr class=\"call").count();
    assert_eq!(rows, 50, "one page");
    assert!(first.contains("<span id=\"total\">60</span> calls recorded"));
    let seq_of_first_row = first
        .split("data-seq=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_eq!(seq_of_first_row, "60", "newest first");
    assert!(first.contains("data-events="), "the first page is live");
    let older = first
        .split("id=\"older\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let second = html(&emulator, older.trim_start_matches("/_emulator/")).await;
    assert_eq!(second.matches("<tr class=\"call").count(), 10);
    assert!(second.contains("data-seq=\"10\"") && second.contains("data-seq=\"1\""));
    assert!(!second.contains("id=\"older\""));
    assert!(!second.contains("data-events="), "older pages stay still");

    let errors = html(&emulator, "calls?action=GetGroupInfo&outcome=error").await;
    assert_eq!(errors.matches("<tr class=\"call error").count(), 20);
    assert_eq!(errors.matches("<tr class=\"call").count(), 20);
    let by_code = html(
        &emulator,
        "calls?outcome=InvalidParameterValue.GroupIdNotExist",
    )
    .await;
    assert_eq!(by_code.matches("<tr class=\"call").count(), 20);
    let ok = html(&emulator, "calls?outcome=ok").await;
    assert_eq!(ok.matches("<tr class=\"call ok").count(), 40);

    // One call in full: request, answer, RequestId, signing and SecretId.
    let detail = html(&emulator, "calls/1").await;
    assert!(detail.contains("GetGroupInfo") && detail.contains("GroupIdNotExist"));
    assert!(detail.contains("TC3-HMAC-SHA256"));
    assert!(detail.contains(&emulator.credentials().secret_id));
    let request_id = &emulator.requests()[0];
    assert!(request_id.authenticated);
}

#[tokio::test]
async fn a_call_s_images_show_as_thumbnails_not_base64() {
    let (emulator, client) = start().await;
    person_in_group(&client, "staff", "alice").await;
    let create_person = html(&emulator, "calls/3").await;
    assert!(create_person.contains("CreatePerson"), "{create_person}");
    assert_eq!(thumbnails(&create_person).len(), 1);
    assert!(create_person.contains("base64 characters: shown below"));
    use base64::Engine;
    let base64 = base64::engine::general_purpose::STANDARD.encode(marked_png(
        &Marker::person("alice"),
        200,
        160,
    ));
    assert!(
        !create_person.contains(&base64[..40]),
        "no base64 on the page"
    );
}

#[tokio::test]
async fn new_calls_arrive_as_server_sent_events() {
    let (emulator, client) = start().await;
    let mut events = reqwest::get(format!(
        "{}/_emulator/calls/events?action=GetGroupList",
        emulator.url()
    ))
    .await
    .unwrap();
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    // Filtered out: not GetGroupList.
    let _ = client.get_group_info().group_id("x").send().await;
    client.get_group_list().send().await.unwrap();
    let mut event = String::new();
    while !event.contains("\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), events.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .unwrap();
        event.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        event.starts_with("id: 2\nevent: call\ndata: <tr"),
        "{event}"
    );
    assert!(event.contains("GetGroupList") && !event.contains("GetGroupInfo"));
}

#[tokio::test]
async fn the_fault_form_applies_a_plan_and_refuses_one_that_does_not_parse() {
    let (emulator, client) = start().await;
    let plan = r#"{"GetGroupList": {"script": [{"error": {"code": "InternalError"}}]}}"#;
    let (status, _) = post_form(&emulator, "controls/faults", &[("plan", plan)]).await;
    assert_eq!(status, 303);
    let active = || async {
        let text = reqwest::get(format!("{}/_emulator/faults", emulator.url()))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    let before = active().await;
    assert_eq!(
        before["GetGroupList"]["script"][0]["error"]["code"],
        "InternalError"
    );
    for bad in ["{not json", r#"{"GetGroupList": {"script": ["explode"]}}"#] {
        let (status, body) = post_form(&emulator, "controls/faults", &[("plan", bad)]).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("the active plan is kept"), "{body}");
        assert!(body.contains("id=\"refused\""));
        assert_eq!(active().await, before, "the active plan is kept");
    }
    let (_, body) = post_form(&emulator, "controls/faults", &[("plan", "{not json")]).await;
    assert!(
        body.contains("{not json"),
        "the refused text stays in the editor"
    );
    assert_eq!(code(client.get_group_list().send().await), "InternalError");
    client.get_group_list().send().await.unwrap();
}

#[tokio::test]
async fn throttle_clock_connections_and_reset_forms() {
    let (emulator, client) = start().await;
    let form = [("action", "GetGroupList"), ("per_second", "1")];
    assert_eq!(
        post_form(&emulator, "controls/throttle", &form).await.0,
        303
    );
    client.get_group_list().send().await.unwrap();
    assert_eq!(
        code(client.get_group_list().send().await),
        "RequestLimitExceeded"
    );
    let form = [("action", "GetGroupList"), ("per_second", "")];
    assert_eq!(
        post_form(&emulator, "controls/throttle", &form).await.0,
        303
    );
    client.get_group_list().send().await.unwrap();
    let form = [("action", "NoSuchAction"), ("per_second", "1")];
    assert_eq!(
        post_form(&emulator, "controls/throttle", &form).await.0,
        400
    );

    assert_eq!(
        post_form(&emulator, "controls/clock", &[("skew_secs", "-3600")])
            .await
            .0,
        303
    );
    // (The client corrects its own clock from the answers' `Date`, so ask the admin API.)
    let clock = page(&emulator, "clock").await.2;
    assert!(clock.contains("\"skew_secs\":-3600"), "{clock}");
    assert_eq!(
        post_form(&emulator, "controls/clock", &[("skew_secs", "soon")])
            .await
            .0,
        400
    );
    assert_eq!(
        post_form(&emulator, "controls/clock", &[("skew_secs", "0")])
            .await
            .0,
        303
    );

    assert_eq!(
        post_form(&emulator, "controls/connections", &[("refuse_next", "1")])
            .await
            .0,
        303
    );
    // The client keeps its connection; a new one is closed unread, the one after served.
    let url = format!("{}/_emulator/connections", emulator.url());
    assert!(
        reqwest::get(&url).await.is_err(),
        "the next connection is refused"
    );
    assert!(page(&emulator, "connections")
        .await
        .2
        .contains("\"refuse_next\":0"));

    person_in_group(&client, "staff", "alice").await;
    let (status, body) = post_form(&emulator, "controls/reset", &[]).await;
    assert_eq!(status, 400, "no confirmation: {body}");
    assert_eq!(emulator.state().persons.len(), 1);
    assert_eq!(
        post_form(&emulator, "controls/reset", &[("confirm", "yes")])
            .await
            .0,
        303
    );
    assert!(emulator.state().persons.is_empty());
    let page = html(&emulator, "controls?done=reset").await;
    assert!(page.contains("id=\"done\""));
}

#[tokio::test]
async fn forms_from_another_origin_are_refused() {
    let (emulator, _client) = start().await;
    let answer = reqwest::Client::new()
        .post(format!("{}/_emulator/controls/reset", emulator.url()))
        .header("origin", "https://somewhere.example")
        .form(&[("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 403);
    // Signed calls never reach the pages.
    let signed = reqwest::Client::new()
        .get(format!("{}/_emulator/", emulator.url()))
        .header("authorization", "TC3-HMAC-SHA256 x")
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status().as_u16(), 403);
}

#[tokio::test]
async fn the_load_chart_draws_calls_and_errors_per_action() {
    let (emulator, client) = start().await;
    client.get_group_list().send().await.unwrap();
    let _ = client.get_group_info().group_id("missing").send().await;
    let (_, _, svg) = page(&emulator, "load.svg").await;
    assert!(svg.contains("class=\"calls bar\""), "{svg}");
    assert!(svg.contains("class=\"errors\""), "{svg}");
    assert!(svg.contains(">GetGroupInfo<") && svg.contains(">GetGroupList<"));
    let load = html(&emulator, "load").await;
    assert!(load.contains("<svg"));
}

#[tokio::test]
async fn the_actions_page_tells_modelled_from_example() {
    let (emulator, _client) = start().await;
    let body = html(&emulator, "semantics").await;
    let modelled = body.matches("<tr class=\"modelled\">").count();
    let example = body.matches("<tr class=\"example\">").count();
    assert_eq!(
        modelled,
        tencentcloud_iai_emulator::semantics::MODELLED.len()
    );
    assert_eq!(
        modelled + example,
        tencentcloud_iai::action_table::ACTIONS.len()
    );
    assert!(body.contains("<td>CreatePerson</td>"));
}

#[tokio::test]
async fn no_page_shows_a_secret_key_a_token_or_a_signature() {
    let secret_key = "dashboardSecretKeyNeverShown0000";
    let token = "dashboardTokenNeverShown0000";
    let emulator = Emulator::builder()
        .credentials(
            TestCredentials::new("AKIDdashboardTest000000000000000000", secret_key)
                .with_token(token),
        )
        .start()
        .await
        .unwrap();
    let client = tencentcloud_iai::Client::new(emulator.client_config().unwrap());
    person_in_group(&client, "staff", "alice").await;
    let _ = client.get_group_info().group_id("missing").send().await;
    let signatures: Vec<String> = emulator
        .requests()
        .iter()
        .filter_map(|c| {
            let auth = c.header("authorization")?;
            Some(auth.split("Signature=").nth(1)?.to_owned())
        })
        .collect();
    assert!(!signatures.is_empty());
    let mut paths: Vec<String> = ["", "calls", "load", "load.svg", "controls", "semantics"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    for call in 1..=emulator.requests().len() {
        paths.push(format!("calls/{call}"));
    }
    for path in &paths {
        let (status, _, body) = page(&emulator, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains(secret_key), "secret key on {path}");
        assert!(!body.contains(token), "token on {path}");
        for signature in &signatures {
            assert!(!body.contains(signature.as_str()), "signature on {path}");
        }
    }
    let detail = html(&emulator, "calls/1").await;
    assert!(
        detail.contains("AKIDdashboardTest000000000000000000"),
        "the SecretId is shown"
    );
    assert!(detail.contains("Signature=** redacted **"));
}
