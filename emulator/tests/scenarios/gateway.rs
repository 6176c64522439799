//! The gateway: TC3 verification, version and action checks, parameter checks, GET, body
//! limit, RequestId and Date, header case, and the admin API's separation.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use tencentcloud_iai::signing::{sign_request, RequestToSign};
use tencentcloud_iai::{Client, Config, Credentials, Endpoint};
use tencentcloud_iai_emulator::tc3::{expected_signature, utc_date, SignedParts};
use tencentcloud_iai_emulator::{Emulator, RunningEmulator, TestCredentials};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{code, start};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A signed call written by hand, for bodies our client refuses to send.
pub(crate) struct Raw<'a> {
    action: &'a str,
    version: &'a str,
    body: &'a str,
    timestamp: u64,
    secret_id: &'a str,
    secret_key: &'a str,
    token: Option<&'a str>,
}

impl<'a> Raw<'a> {
    pub(crate) fn new(emulator: &'a RunningEmulator, action: &'a str, body: &'a str) -> Self {
        let c = emulator.credentials();
        Raw {
            action,
            version: "2020-03-03",
            body,
            timestamp: now(),
            secret_id: &c.secret_id,
            secret_key: &c.secret_key,
            token: None,
        }
    }

    /// Signs and POSTs; returns the status, headers and JSON body.
    pub(crate) async fn send(
        &self,
        emulator: &RunningEmulator,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let host = emulator.addr().to_string();
        let headers = sign_request(&RequestToSign {
            secret_id: self.secret_id,
            secret_key: self.secret_key,
            token: self.token,
            service: "iai",
            host: &host,
            action: self.action,
            version: self.version,
            region: None,
            language: None,
            content_type: "application/json",
            timestamp: self.timestamp,
            payload: self.body.as_bytes(),
        });
        let mut request = reqwest::Client::new().post(emulator.url() + "/");
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.body(self.body.to_owned()).send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = json(response).await;
        (status, headers, body)
    }
}

/// The response body as JSON.
async fn json(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

pub(crate) fn error_code(body: &Value) -> &str {
    body["Response"]["Error"]["Code"]
        .as_str()
        .unwrap_or("<none>")
}

#[tokio::test]
async fn signatures_are_verified() {
    let (emulator, _client) = start().await;
    let body = r#"{"GroupId":"g"}"#;
    let (status, headers, ok) = Raw::new(&emulator, "GetGroupInfo", body)
        .send(&emulator)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        error_code(&ok),
        "InvalidParameterValue.GroupIdNotExist",
        "{ok}"
    );
    assert!(headers.contains_key("date"), "Date header set");

    let mut raw = Raw::new(&emulator, "GetGroupInfo", body);
    raw.secret_id = "AKIDunknown";
    assert_eq!(
        error_code(&raw.send(&emulator).await.2),
        "AuthFailure.SecretIdNotFound"
    );
    let mut raw = Raw::new(&emulator, "GetGroupInfo", body);
    raw.secret_key = "wrong";
    assert_eq!(
        error_code(&raw.send(&emulator).await.2),
        "AuthFailure.SignatureFailure"
    );
    let mut raw = Raw::new(&emulator, "GetGroupInfo", body);
    raw.timestamp = now() - 301;
    assert_eq!(
        error_code(&raw.send(&emulator).await.2),
        "AuthFailure.SignatureExpire"
    );
    let mut raw = Raw::new(&emulator, "GetGroupInfo", body);
    raw.version = "2018-03-01";
    assert_eq!(error_code(&raw.send(&emulator).await.2), "NoSuchVersion");
    let raw = Raw::new(&emulator, "GetGroupInfoo", body);
    assert_eq!(error_code(&raw.send(&emulator).await.2), "InvalidAction");
    // The admin API is not an action.
    let raw = Raw::new(&emulator, "_emulator/reset", body);
    assert_eq!(error_code(&raw.send(&emulator).await.2), "InvalidAction");

    // A body changed after signing.
    let host = emulator.addr().to_string();
    let c = emulator.credentials();
    let headers = sign_request(&RequestToSign {
        secret_id: &c.secret_id,
        secret_key: &c.secret_key,
        token: None,
        service: "iai",
        host: &host,
        action: "GetGroupInfo",
        version: "2020-03-03",
        region: None,
        language: None,
        content_type: "application/json",
        timestamp: now(),
        payload: body.as_bytes(),
    });
    let mut request = reqwest::Client::new().post(emulator.url());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let tampered: Value = json(request.body(r#"{"GroupId":"h"}"#).send().await.unwrap()).await;
    assert_eq!(error_code(&tampered), "AuthFailure.SignatureFailure");
}

#[tokio::test]
async fn temporary_credentials_need_their_token() {
    let emulator = Emulator::builder()
        .credentials(TestCredentials::new("AKIDtemp", "tempKey").with_token("session-1"))
        .start()
        .await
        .unwrap();
    let client_with = |creds: Credentials| {
        Client::new(
            Config::builder()
                .credentials(creds)
                .endpoint(Endpoint::parse(&emulator.url()).unwrap())
                .max_attempts(1)
                .build()
                .unwrap(),
        )
    };
    let without = client_with(Credentials::new("AKIDtemp", "tempKey"));
    assert_eq!(
        code(without.get_group_list().send().await),
        "AuthFailure.TokenFailure"
    );
    let with = client_with(Credentials::new("AKIDtemp", "tempKey").with_session_token("session-1"));
    assert!(with.get_group_list().send().await.is_ok());
}

#[tokio::test]
async fn parameters_are_checked_by_the_generated_types() {
    let (emulator, _client) = start().await;
    let cases = [
        ("{}", "MissingParameter"),
        (r#"{"GroupId":"g","Unknown":1}"#, "InvalidParameter"),
        (r#"{"GroupId":5}"#, "InvalidParameter"),
        (r#"{"GroupId":"bad id!"}"#, "InvalidParameterValue"),
        ("[1]", "InvalidParameter"),
        ("{not json", "InvalidParameter"),
    ];
    for (body, expected) in cases {
        let (_, _, answer) = Raw::new(&emulator, "GetGroupInfo", body)
            .send(&emulator)
            .await;
        assert_eq!(error_code(&answer), expected, "{body}: {answer}");
        assert!(
            answer["Response"]["Error"]["Message"]
                .as_str()
                .unwrap()
                .len()
                > 5
        );
    }
}

#[tokio::test]
async fn request_ids_are_fresh_and_bodies_limited() {
    let (emulator, client) = start().await;
    let a = client.get_group_list().send().await.unwrap().request_id;
    let b = client.get_group_list().send().await.unwrap().request_id;
    assert_ne!(a, b);
    assert_eq!(a.len(), 36);

    let huge = format!(r#"{{"GroupId":"{}"}}"#, "a".repeat(11 * 1024 * 1024));
    let (_, _, answer) = Raw::new(&emulator, "GetGroupInfo", &huge)
        .send(&emulator)
        .await;
    assert_eq!(error_code(&answer), "RequestSizeLimitExceeded");
}

#[tokio::test]
async fn get_with_query_string_and_header_names_in_any_case() {
    let (emulator, client) = start().await;
    client
        .create_group()
        .group_name("G")
        .group_id("g")
        .send()
        .await
        .unwrap();
    let c = emulator.credentials();
    let host = emulator.addr().to_string();
    let query = "Offset=0&Limit=5";
    let timestamp = now();
    let content_type = "application/x-www-form-urlencoded";
    let parts = SignedParts {
        method: "GET",
        query,
        headers: vec![
            ("content-type".into(), content_type.into()),
            ("host".into(), host.clone()),
        ],
        timestamp: &timestamp.to_string(),
        payload: Some(b""),
    };
    let date = utc_date(timestamp);
    let signature = expected_signature(&parts, &c.secret_key, &date, "iai");
    let authorization = format!(
        "TC3-HMAC-SHA256 Credential={}/{date}/iai/tc3_request, SignedHeaders=content-type;host, Signature={signature}",
        c.secret_id
    );
    // Raw HTTP, so header names keep the odd case we give them.
    let request = format!(
        "GET /?{query} HTTP/1.1\r\nHOST: {host}\r\ncontent-TYPE: {content_type}\r\nX-Tc-AcTiOn: GetGroupList\r\n\
         x-tc-version: 2020-03-03\r\nX-TC-TIMESTAMP: {timestamp}\r\nauthorization: {authorization}\r\n\
         Connection: close\r\n\r\n"
    );
    let mut stream = tokio::net::TcpStream::connect(emulator.addr())
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{response}"));
    assert!(
        response.to_ascii_lowercase().contains("content-length:"),
        "{response}"
    );
    let answer: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {response}"));
    assert_eq!(answer["Response"]["GroupNum"], json!(1), "{answer}");
    assert_eq!(answer["Response"]["GroupInfos"][0]["GroupId"], json!("g"));
}

#[tokio::test]
async fn admin_api_is_separate_from_signed_calls() {
    let (emulator, client) = start().await;
    client
        .create_group()
        .group_name("G")
        .group_id("g")
        .send()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let state: Value = json(
        http.get(emulator.url() + "/_emulator/state")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(state["groups"]["g"].is_object(), "{state}");
    let signed = http
        .post(emulator.url() + "/_emulator/reset")
        .header(
            "Authorization",
            "TC3-HMAC-SHA256 Credential=x/y/iai/tc3_request",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status().as_u16(), 403);
    assert!(emulator.state().groups.contains_key("g"), "not reset");
    let actions: Value = json(
        http.get(emulator.url() + "/_emulator/actions")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        actions.as_array().unwrap().len(),
        tencentcloud_iai::action_table::ACTIONS.len()
    );
    let reset = http
        .post(emulator.url() + "/_emulator/reset")
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status().as_u16(), 200);
    assert!(emulator.state().groups.is_empty());
}

#[tokio::test]
async fn garbage_on_the_socket_never_takes_the_emulator_down() {
    let (emulator, client) = start().await;
    for garbage in [
        &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"[..], // a TLS hello on the HTTP port
        b"GARBAGE / HTTP/9.9\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nshort",
    ] {
        let mut stream = tokio::net::TcpStream::connect(emulator.addr())
            .await
            .unwrap();
        stream.write_all(garbage).await.unwrap();
        let _ = stream.shutdown().await;
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    }
    // Still serving, several calls over one kept-alive connection.
    for _ in 0..3 {
        client.get_group_list().send().await.unwrap();
    }
    assert_eq!(emulator.request_count("GetGroupList"), 3);
    assert_eq!(
        emulator.connection_count(),
        5,
        "four garbage connections, then one kept alive for three calls"
    );
}
