//! Every action in the spec, called once against the emulator through the generated action
//! table, with its documented example as input and (scripted) output. Adding an action to the spec adds it here.

use std::path::Path;

use iai_integration_tests::emulator::{FaultStep, RawReply, TestEmulator};
use tencentcloud_iai::cli::call::Mode;
use tencentcloud_iai::cli::output::{Format, Printer};
use tencentcloud_iai::cli::{dispatch, ACTIONS};

mod common;

#[tokio::test]
async fn every_action_round_trips_its_documented_example() {
    let spec = codegen::spec::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"))
        .expect("spec loads");
    assert_eq!(
        ACTIONS.len(),
        spec.actions.len(),
        "the CLI table lists every spec action"
    );
    assert!(ACTIONS.len() >= 28);

    let server = TestEmulator::start();
    let client = common::client_for(&server);
    let mut succeeded = 0;
    for file in &spec.actions {
        let action = &file.value;
        let example = action
            .examples
            .iter()
            .find(|e| !e.error)
            .or_else(|| action.examples.first());
        let Some(example) = example else {
            panic!("{} has no example", action.action)
        };
        let input = serde_json::to_value(&example.input).unwrap();
        let output = serde_json::to_value(&example.output).unwrap();
        server.script(
            &action.action,
            [FaultStep::Respond(RawReply::json(
                serde_json::json!({ "Response": output }).to_string(),
            ))],
        );

        let before = server.request_count(&action.action);
        let mut printed = Vec::new();
        let result = dispatch(
            &client,
            &action.action,
            input.clone(),
            Mode::Send,
            &mut Printer::new(&mut printed, Format::Json, None),
        )
        .await;
        if example.error && server.request_count(&action.action) == before {
            // A documented failure may be a request that breaks a documented rule: the client
            // refuses it before sending (GetGroupList with Limit=1001, for one).
            let err = result.expect_err("a refused request is an error");
            assert!(
                err.message.contains("invalid request parameter"),
                "{}: {err:?}",
                action.action
            );
            continue;
        }
        assert_eq!(
            server.request_count(&action.action),
            before + 1,
            "{} was not sent once",
            action.action
        );
        let sent = server
            .requests()
            .into_iter()
            .rev()
            .find(|r| r.action.as_deref() == Some(&action.action))
            .unwrap();
        assert!(sent.authenticated, "{}: signature rejected", action.action);
        let sent_body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
        assert_eq!(
            sent_body, input,
            "{}: the typed request changed the example input",
            action.action
        );

        if example.error {
            // Documented failures often show only a RequestId; a typed result of either kind will do.
            continue;
        }
        if let Err(e) = result {
            panic!(
                "{}: expected the documented response, got {e:?}",
                action.action
            );
        }
        let json: serde_json::Value = serde_json::from_slice(&printed)
            .unwrap_or_else(|e| panic!("{}: the printed response is not JSON: {e}", action.action));
        assert_eq!(json["RequestId"], output["RequestId"], "{}", action.action);
        succeeded += 1;
    }
    assert!(succeeded >= 27, "only {succeeded} actions succeeded");
}
