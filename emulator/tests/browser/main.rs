//! The dashboard in a real browser: headless Chromium driven through chromedriver.
//!
//! Ignored by a plain `cargo test` (a fresh machine has no Chromium): `cargo xtask test` runs
//! them when Chromium and chromedriver are installed and says why it skips them otherwise;
//! CI installs both. By hand:
//! `cargo test -p tencentcloud-iai-emulator --test browser -- --ignored`.
//! Each page's screenshot goes to `target/dashboard-screenshots/`.

mod webdriver;

use std::path::PathBuf;

use serde_json::Value;
use tencentcloud_iai::{Client, Image};
use tencentcloud_iai_emulator::testimage::{marked_jpeg, marked_png};
use tencentcloud_iai_emulator::{Emulator, Marker, RunningEmulator};

use webdriver::Browser;

fn screenshot_path(name: &str) -> PathBuf {
    // CARGO_TARGET_TMPDIR is `<target>/tmp`.
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("dashboard-screenshots")
        .join(format!("{name}.png"))
}

async fn emulator_and_client() -> (RunningEmulator, Client) {
    let emulator = Emulator::builder().start().await.expect("emulator starts");
    // One attempt per call: a retry would hide the fault a test sets.
    let config = emulator
        .client_config_builder()
        .expect("emulator URL")
        .max_attempts(1)
        .build()
        .expect("client config");
    (emulator, Client::new(config))
}

/// A group with two persons: Alice from a marked PNG (and a second face from a JPEG), Bob from
/// a marked JPEG.
async fn staff(client: &Client) {
    client
        .create_group()
        .group_name("Staff")
        .group_id("staff")
        .group_ex_descriptions(vec!["Team".into()])
        .send()
        .await
        .unwrap();
    let alice = Marker::person("alice");
    client
        .create_person()
        .group_id("staff")
        .person_name("Alice Liddell")
        .person_id("alice")
        .image(Image::from_bytes(marked_png(&alice, 240, 180)))
        .send()
        .await
        .unwrap();
    client
        .create_face()
        .person_id("alice")
        .images(vec![Image::from_bytes(marked_jpeg(
            &alice.quality(70),
            200,
            200,
        ))])
        .send()
        .await
        .unwrap();
    client
        .create_person()
        .group_id("staff")
        .person_name("Bob Marley")
        .person_id("bob")
        .image(Image::from_bytes(marked_jpeg(
            &Marker::person("bob"),
            160,
            200,
        )))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
#[ignore = "needs Chromium and chromedriver (apt-get install chromium chromium-driver); cargo xtask test runs it when they are installed"]
async fn faces_show_names_and_decoded_thumbnails() {
    let (emulator, client) = emulator_and_client().await;
    staff(&client).await;
    let browser = Browser::start().await;
    browser.goto(&emulator.dashboard_url()).await;
    browser
        .wait_for(
            "every thumbnail to load",
            "return [...document.images].every(i => i.complete)",
        )
        .await;
    let names = browser
        .eval("return [...document.querySelectorAll('.person-name')].map(e => e.textContent)")
        .await;
    assert_eq!(names, serde_json::json!(["Alice Liddell", "Bob Marley"]));
    let widths = browser
        .eval(
            "return [...document.querySelectorAll('img.thumb:not(.placeholder)')]
                .map(i => [i.getAttribute('src'), i.naturalWidth])",
        )
        .await;
    let widths = widths.as_array().unwrap();
    assert_eq!(widths.len(), 3, "three faces: {widths:?}");
    for image in widths {
        assert!(image[1].as_u64().unwrap() > 0, "not decoded: {image}");
    }
    // The PNG's real width: the browser decoded the very image that was sent.
    assert_eq!(widths[0][1], 240, "{widths:?}");
    let reading = browser
        .eval("return document.querySelector('figure.face figcaption').textContent")
        .await;
    assert!(
        reading.as_str().unwrap().contains("person=alice"),
        "{reading}"
    );
    browser.screenshot(&screenshot_path("faces")).await;

    // A call's page shows its image as a thumbnail too.
    browser
        .goto(&format!("{}calls/2", emulator.dashboard_url()))
        .await;
    browser
        .wait_for(
            "the call's thumbnail",
            "const i = document.querySelector('img.thumb'); return !!i && i.complete && i.naturalWidth > 0",
        )
        .await;
    browser.screenshot(&screenshot_path("call")).await;
    browser
        .goto(&format!("{}semantics", emulator.dashboard_url()))
        .await;
    let rows = browser
        .eval("return document.querySelectorAll('tr.modelled').length")
        .await;
    assert!(rows.as_u64().unwrap() > 10, "{rows}");
    browser.screenshot(&screenshot_path("actions")).await;
}

#[tokio::test]
#[ignore = "needs Chromium and chromedriver (apt-get install chromium chromium-driver); cargo xtask test runs it when they are installed"]
async fn a_new_call_appears_in_the_journal_without_a_reload() {
    let (emulator, client) = emulator_and_client().await;
    staff(&client).await;
    let browser = Browser::start().await;
    browser
        .goto(&format!("{}calls", emulator.dashboard_url()))
        .await;
    browser
        .wait_for(
            "the live stream to open",
            "return document.getElementById('live').textContent === 'live'",
        )
        .await;
    // Marks the page: a reload would lose it.
    browser.eval("window.notReloaded = true; return null").await;
    let rows_before = browser
        .eval("return document.querySelectorAll('#calls tr').length")
        .await;
    assert_eq!(rows_before, 4);
    let _ = client.get_group_info().group_id("nobody").send().await;
    browser
        .wait_for(
            "the new call's row",
            "const row = document.querySelector('#calls tr');
             return row.querySelector('.action').textContent === 'GetGroupInfo'",
        )
        .await;
    let row = browser
        .eval(
            "const row = document.querySelector('#calls tr');
             return [window.notReloaded === true, row.querySelector('.outcome').textContent,
                     document.querySelectorAll('#calls tr').length]",
        )
        .await;
    assert_eq!(
        row,
        serde_json::json!([true, "InvalidParameterValue.GroupIdNotExist", 5])
    );
    browser.screenshot(&screenshot_path("calls")).await;
}

#[tokio::test]
#[ignore = "needs Chromium and chromedriver (apt-get install chromium chromium-driver); cargo xtask test runs it when they are installed"]
async fn a_fault_set_in_the_page_fails_the_next_call_with_its_code() {
    let (emulator, client) = emulator_and_client().await;
    let browser = Browser::start().await;
    browser
        .goto(&format!("{}controls", emulator.dashboard_url()))
        .await;
    let plan = browser.find("#plan").await;
    plan.clear().await;
    plan.type_text(r#"{"GetGroupList": {"script": [{"error""#)
        .await;
    // Checked as it is typed: broken JSON cannot be applied.
    let check = browser
        .eval(
            "return [document.getElementById('plan-check').className,
                     document.getElementById('apply-plan').disabled]",
        )
        .await;
    assert_eq!(check, serde_json::json!(["bad", true]));
    plan.type_text(r#": {"code": "FailedOperation.ServerError"}}]}}"#)
        .await;
    browser.find("#apply-plan").await.click().await;
    browser
        .wait_for(
            "the plan to be applied",
            "const done = document.getElementById('done'); return !!done && done.textContent === 'fault plan applied'",
        )
        .await;
    let active = browser
        .eval("return document.getElementById('active-plan').textContent")
        .await;
    assert!(
        active
            .as_str()
            .unwrap()
            .contains("FailedOperation.ServerError"),
        "{active}"
    );
    browser.screenshot(&screenshot_path("controls")).await;
    let failed = client.get_group_list().send().await.unwrap_err();
    assert_eq!(failed.code(), Some("FailedOperation.ServerError"));
    client
        .get_group_list()
        .send()
        .await
        .expect("the script is used up");
}

#[tokio::test]
#[ignore = "needs Chromium and chromedriver (apt-get install chromium chromium-driver); cargo xtask test runs it when they are installed"]
async fn the_load_chart_renders() {
    let (emulator, client) = emulator_and_client().await;
    staff(&client).await;
    for _ in 0..5 {
        let _ = client.get_group_info().group_id("nobody").send().await;
        client.get_group_list().send().await.unwrap();
    }
    let browser = Browser::start().await;
    browser
        .goto(&format!("{}load", emulator.dashboard_url()))
        .await;
    let drawn = browser
        .eval(
            "const svg = document.querySelector('#chart svg.chart');
             const box = svg.getBoundingClientRect();
             return [box.width > 0 && box.height > 0,
                     svg.querySelectorAll('rect.bar').length > 0,
                     [...svg.querySelectorAll('rect.errors')].some(r => r.getBBox().width > 0 && r.getBBox().height > 0),
                     [...svg.querySelectorAll('.action-bar text')].map(t => t.textContent)]",
        )
        .await;
    assert_eq!(drawn[0], Value::Bool(true), "{drawn}");
    assert_eq!(drawn[1], Value::Bool(true), "{drawn}");
    assert_eq!(drawn[2], Value::Bool(true), "errors drawn: {drawn}");
    let actions = drawn[3].as_array().unwrap();
    assert!(
        actions.contains(&Value::from("GetGroupInfo"))
            && actions.contains(&Value::from("CreatePerson")),
        "{drawn}"
    );
    // The chart refreshes itself (every 2 s) with the calls made since the page opened.
    let _ = client
        .detect_face()
        .image(Image::from_bytes(marked_png(&Marker::person("x"), 64, 64)))
        .send()
        .await;
    browser
        .wait_for(
            "the refreshed chart",
            "return [...document.querySelectorAll('#chart .action-bar text')].some(t => t.textContent === 'DetectFace')",
        )
        .await;
    browser.screenshot(&screenshot_path("load")).await;
}
