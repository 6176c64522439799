//! Unit tests: the verifier against Tencent's published example, then the server over raw TCP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::clock::system_unix_secs;
use super::gateway::{self, Config, Credential};
use super::http::Request;
use super::*;

const JSON: &str = "application/json";
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------------------------
// Tencent's documented example ("Signature v3", CVM DescribeInstances), published values.

const DOC_SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const DOC_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const DOC_CONTENT_TYPE: &str = "application/json; charset=utf-8";
const DOC_HOST: &str = "cvm.tencentcloudapi.com";
const DOC_TIMESTAMP: i64 = 1551113065;
/// `json.dumps` output: the `\u` escapes are literal characters of the payload.
const DOC_BODY: &str =
    r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
const DOC_HASHED_PAYLOAD: &str = "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064";
const DOC_AUTHORIZATION: &str = "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";

fn doc_config() -> Config {
    let mut credentials = HashMap::new();
    credentials.insert(
        DOC_SECRET_ID.to_owned(),
        Credential {
            secret_key: DOC_SECRET_KEY.to_owned(),
            token: None,
        },
    );
    Config {
        service: "cvm".to_owned(),
        version: "2017-03-12".to_owned(),
        credentials,
    }
}

fn doc_request(authorization: &str, body: &str) -> Request {
    let headers = [
        ("Authorization", authorization),
        ("Content-Type", DOC_CONTENT_TYPE),
        ("Host", DOC_HOST),
        ("X-TC-Action", "DescribeInstances"),
        ("X-TC-Timestamp", "1551113065"),
        ("X-TC-Version", "2017-03-12"),
        ("X-TC-Region", "ap-guangzhou"),
    ];
    Request {
        method: "POST".to_owned(),
        target: "/".to_owned(),
        version: "HTTP/1.1".to_owned(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn signer_reproduces_the_documented_example() {
    assert_eq!(tc3::sha256_hex(DOC_BODY.as_bytes()), DOC_HASHED_PAYLOAD);
    let authorization = tc3::sign_post(
        DOC_SECRET_ID,
        DOC_SECRET_KEY,
        "cvm",
        DOC_TIMESTAMP,
        DOC_CONTENT_TYPE,
        DOC_HOST,
        DOC_BODY.as_bytes(),
    );
    assert_eq!(authorization, DOC_AUTHORIZATION);
}

#[test]
fn verifier_accepts_the_documented_example_and_nothing_else() {
    let config = doc_config();
    let accepted = gateway::authenticate(
        &config,
        &doc_request(DOC_AUTHORIZATION, DOC_BODY),
        DOC_TIMESTAMP,
    );
    assert!(accepted.signature_ok);
    assert_eq!(accepted.error, None);

    // One byte of body changed: the payload hash no longer matches.
    let tampered = DOC_BODY.replace("1,", "2,");
    let rejected = gateway::authenticate(
        &config,
        &doc_request(DOC_AUTHORIZATION, &tampered),
        DOC_TIMESTAMP,
    );
    assert!(!rejected.signature_ok);
    assert_eq!(rejected.error.unwrap().code, "AuthFailure.SignatureFailure");

    // Same request six minutes later: still a valid signature, but expired.
    let late = gateway::authenticate(
        &config,
        &doc_request(DOC_AUTHORIZATION, DOC_BODY),
        DOC_TIMESTAMP + 301,
    );
    assert!(late.signature_ok);
    assert_eq!(late.error.unwrap().code, "AuthFailure.SignatureExpire");
    let edge = gateway::authenticate(
        &config,
        &doc_request(DOC_AUTHORIZATION, DOC_BODY),
        DOC_TIMESTAMP - 300,
    );
    assert_eq!(edge.error, None);

    // A scope naming another service cannot verify, even with the right key.
    let other_service = DOC_AUTHORIZATION.replace("/cvm/", "/iai/");
    let rejected = gateway::authenticate(
        &config,
        &doc_request(&other_service, DOC_BODY),
        DOC_TIMESTAMP,
    );
    assert!(!rejected.signature_ok);
}

#[test]
fn extra_signed_headers_are_lowercased_as_documented() {
    // The documented variant that also signs x-tc-action uses the lower-cased action name.
    let headers = [
        ("content-type", DOC_CONTENT_TYPE),
        ("host", DOC_HOST),
        ("x-tc-action", "describeinstances"),
    ];
    let canonical = tc3::canonical_request("POST", "/", "", &headers, DOC_HASHED_PAYLOAD);
    let date = utc_date(DOC_TIMESTAMP);
    let to_sign = tc3::string_to_sign("1551113065", &date, "cvm", &canonical);
    let signature = tc3::signature(DOC_SECRET_KEY, &date, "cvm", &to_sign);
    let authorization = tc3::authorization(
        DOC_SECRET_ID,
        &date,
        "cvm",
        &tc3::signed_headers(&headers),
        &signature,
    );
    let outcome = gateway::authenticate(
        &doc_config(),
        &doc_request(&authorization, DOC_BODY),
        DOC_TIMESTAMP,
    );
    assert!(outcome.signature_ok, "{:?}", outcome.error);
}

#[test]
fn dates_are_formatted_in_utc() {
    assert_eq!(utc_date(DOC_TIMESTAMP), "2019-02-25");
    assert_eq!(utc_date(0), "1970-01-01");
    assert_eq!(utc_date(951_782_400), "2000-02-29");
    assert_eq!(utc_date(-1), "1969-12-31");
    assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_eq!(http_date(DOC_TIMESTAMP), "Mon, 25 Feb 2019 16:44:25 GMT");
}

#[test]
fn authorization_parsing_rejects_garbled_headers() {
    let parsed = tc3::parse_authorization(DOC_AUTHORIZATION).unwrap();
    assert_eq!(parsed.secret_id, DOC_SECRET_ID);
    assert_eq!(parsed.date, "2019-02-25");
    assert_eq!(parsed.service, "cvm");
    assert_eq!(parsed.signed_headers, ["content-type", "host"]);
    for garbled in [
        "",
        "TC3-HMAC-SHA256",
        "Bearer abc",
        "TC3-HMAC-SHA256 Credential=a/b/c, SignedHeaders=host, Signature=00",
        "TC3-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00",
        "TC3-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host",
        "TC3-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host, Signature=00, Signature=00",
        "TC3-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=;, Signature=00",
    ] {
        assert_eq!(tc3::parse_authorization(garbled), None, "{garbled:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// A raw HTTP client.

/// One API call as raw HTTP, signed with the test keys unless told otherwise.
#[derive(Clone)]
struct Call {
    action: Option<String>,
    version: Option<String>,
    body: String,
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    timestamp: i64,
    /// Replaces the computed Authorization; `Some("")` omits the header.
    authorization: Option<String>,
    close: bool,
}

impl Call {
    fn new(action: &str, body: &str) -> Call {
        Call {
            action: Some(action.to_owned()),
            version: Some(DEFAULT_VERSION.to_owned()),
            body: body.to_owned(),
            secret_id: TEST_SECRET_ID.to_owned(),
            secret_key: TEST_SECRET_KEY.to_owned(),
            token: None,
            timestamp: system_unix_secs(),
            authorization: None,
            close: false,
        }
    }

    fn get_group_info() -> Call {
        Call::new("GetGroupInfo", r#"{"GroupId":"aaa"}"#)
    }

    fn keys(mut self, secret_id: &str, secret_key: &str, token: Option<&str>) -> Call {
        self.secret_id = secret_id.to_owned();
        self.secret_key = secret_key.to_owned();
        self.token = token.map(str::to_owned);
        self
    }

    fn bytes(&self, host: &str) -> Vec<u8> {
        let authorization = self.authorization.clone().unwrap_or_else(|| {
            tc3::sign_post(
                &self.secret_id,
                &self.secret_key,
                DEFAULT_SERVICE,
                self.timestamp,
                JSON,
                host,
                self.body.as_bytes(),
            )
        });
        let mut head = format!("POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: {JSON}\r\n");
        if !authorization.is_empty() {
            head += &format!("Authorization: {authorization}\r\n");
        }
        if let Some(action) = &self.action {
            head += &format!("X-TC-Action: {action}\r\n");
        }
        if let Some(version) = &self.version {
            head += &format!("X-TC-Version: {version}\r\n");
        }
        if let Some(token) = &self.token {
            head += &format!("X-TC-Token: {token}\r\n");
        }
        if self.close {
            head += "Connection: close\r\n";
        }
        head += &format!(
            "X-TC-Timestamp: {}\r\nX-TC-Region: ap-guangzhou\r\nContent-Length: {}\r\n\r\n",
            self.timestamp,
            self.body.len()
        );
        [head.as_bytes(), self.body.as_bytes()].concat()
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        http::header_value(&self.headers, name)
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    fn error_code(&self) -> Option<String> {
        self.json()
            .pointer("/Response/Error/Code")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    fn request_id(&self) -> String {
        self.json()["Response"]["RequestId"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

struct Client {
    host: String,
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(server: &TestServer) -> Client {
        let stream = TcpStream::connect(server.addr()).unwrap();
        stream.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
        Client {
            host: server.host(),
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
    }

    fn call(&mut self, call: &Call) -> Response {
        let bytes = call.bytes(&self.host);
        self.send_raw(&bytes);
        self.read_response()
    }

    fn read_head(&mut self) -> (u16, Vec<(String, String)>) {
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line).unwrap();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                return (status, headers);
            }
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
    }

    fn read_response(&mut self) -> Response {
        let (status, headers) = self.read_head();
        let length: usize = http::header_value(&headers, "content-length")
            .unwrap()
            .parse()
            .unwrap();
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        Response {
            status,
            headers,
            body,
        }
    }

    /// Everything until the server closes (or an error such as a reset).
    fn read_to_close(&mut self) -> Vec<u8> {
        let mut rest = Vec::new();
        let _ = self.reader.read_to_end(&mut rest);
        rest
    }
}

fn call_once(server: &TestServer, call: &Call) -> Response {
    Client::connect(server).call(call)
}

// ---------------------------------------------------------------------------------------------
// Authentication over the wire.

#[test]
fn correctly_signed_request_gets_the_default_route() {
    let server = TestServer::start();
    let response = call_once(&server, &Call::get_group_info());
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some(JSON));
    assert!(response.header("date").is_some());
    assert_eq!(response.body, GET_GROUP_INFO_EXAMPLE.as_bytes());

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].action.as_deref(), Some("GetGroupInfo"));
    assert!(requests[0].signature_ok);
    assert_eq!(requests[0].verdict, None);
    assert_eq!(requests[0].header("x-tc-region"), Some("ap-guangzhou"));
    assert_eq!(requests[0].body, br#"{"GroupId":"aaa"}"#);
    assert_eq!(server.request_count("GetGroupInfo"), 1);
}

#[test]
fn wrong_signature_is_rejected() {
    let server = TestServer::start();
    let call = Call::get_group_info().keys(TEST_SECRET_ID, "notTheKey", None);
    let response = call_once(&server, &call);
    assert_eq!(response.status, 200);
    assert_eq!(
        response.error_code().as_deref(),
        Some("AuthFailure.SignatureFailure")
    );
    assert!(!response.request_id().is_empty());

    let recorded = &server.requests()[0];
    assert!(!recorded.signature_ok);
    assert_eq!(
        recorded.verdict.as_deref(),
        Some("AuthFailure.SignatureFailure")
    );
}

#[test]
fn signature_over_a_different_host_is_rejected() {
    let server = TestServer::start();
    let mut call = Call::get_group_info();
    call.authorization = Some(tc3::sign_post(
        TEST_SECRET_ID,
        TEST_SECRET_KEY,
        DEFAULT_SERVICE,
        call.timestamp,
        JSON,
        "iai.tencentcloudapi.com",
        call.body.as_bytes(),
    ));
    let response = call_once(&server, &call);
    assert_eq!(
        response.error_code().as_deref(),
        Some("AuthFailure.SignatureFailure")
    );
}

#[test]
fn authorization_header_problems_have_their_own_codes() {
    let server = TestServer::start();
    let cases = [
        (Some(""), TEST_SECRET_ID, "AuthFailure.SignatureFailure"),
        (
            Some("Bearer abc"),
            TEST_SECRET_ID,
            "AuthFailure.InvalidAuthorization",
        ),
        (None, "AKIDunknownEXAMPLE", "AuthFailure.SecretIdNotFound"),
    ];
    for (authorization, secret_id, expected) in cases {
        let mut call = Call::get_group_info().keys(secret_id, TEST_SECRET_KEY, None);
        call.authorization = authorization.map(str::to_owned);
        let response = call_once(&server, &call);
        assert_eq!(
            response.error_code().as_deref(),
            Some(expected),
            "{authorization:?}"
        );
    }
}

#[test]
fn stale_timestamp_expires_and_date_header_follows_the_server_clock() {
    let server = TestServer::start();
    let mut call = Call::get_group_info();
    call.timestamp -= 301;
    let response = call_once(&server, &call);
    assert_eq!(
        response.error_code().as_deref(),
        Some("AuthFailure.SignatureExpire")
    );
    assert!(response.header("date").unwrap().ends_with(" GMT"));
    assert!(
        server.requests()[0].signature_ok,
        "expired but correctly signed"
    );

    // Server clock an hour ahead: a client on the real clock is expired, one that adopts the
    // server's Date is accepted.
    server.set_clock_offset_secs(3600);
    let before = system_unix_secs() + 3600;
    let response = call_once(&server, &Call::get_group_info());
    assert_eq!(
        response.error_code().as_deref(),
        Some("AuthFailure.SignatureExpire")
    );
    let date = response.header("date").unwrap().to_owned();
    let after = system_unix_secs() + 3600;
    assert!(
        (before..=after).any(|t| http_date(t) == date),
        "Date {date} not from the shifted clock"
    );

    let mut adjusted = Call::get_group_info();
    adjusted.timestamp = system_unix_secs() + 3600;
    assert_eq!(call_once(&server, &adjusted).error_code(), None);
}

#[test]
fn builder_clock_offset_applies_from_the_start() {
    let server = TestServer::builder().clock_offset_secs(-1000).build();
    let response = call_once(&server, &Call::get_group_info());
    assert_eq!(
        response.error_code().as_deref(),
        Some("AuthFailure.SignatureExpire")
    );
}

#[test]
fn temporary_keys_need_their_token() {
    let server = TestServer::start();
    let cases = [
        (
            TEMP_SECRET_ID,
            TEMP_SECRET_KEY,
            None,
            Some("AuthFailure.TokenFailure"),
        ),
        (
            TEMP_SECRET_ID,
            TEMP_SECRET_KEY,
            Some("wrongToken"),
            Some("AuthFailure.TokenFailure"),
        ),
        (TEMP_SECRET_ID, TEMP_SECRET_KEY, Some(TEMP_TOKEN), None),
        (
            TEST_SECRET_ID,
            TEST_SECRET_KEY,
            Some(TEMP_TOKEN),
            Some("AuthFailure.TokenFailure"),
        ),
    ];
    for (id, key, token, expected) in cases {
        let response = call_once(&server, &Call::get_group_info().keys(id, key, token));
        assert_eq!(response.error_code().as_deref(), expected, "{id} {token:?}");
    }
}

#[test]
fn builder_credentials_and_service_are_honoured() {
    let server = TestServer::builder()
        .service("cvm")
        .credential("AKIDotherEXAMPLE", "otherKey", None)
        .build();
    // Signed for "iai" while the server expects "cvm".
    let response = call_once(&server, &Call::get_group_info());
    assert_eq!(
        response.error_code().as_deref(),
        Some("AuthFailure.SignatureFailure")
    );

    let mut call = Call::get_group_info().keys("AKIDotherEXAMPLE", "otherKey", None);
    call.authorization = Some(tc3::sign_post(
        "AKIDotherEXAMPLE",
        "otherKey",
        "cvm",
        call.timestamp,
        JSON,
        &server.host(),
        call.body.as_bytes(),
    ));
    assert_eq!(call_once(&server, &call).error_code(), None);
}

// ---------------------------------------------------------------------------------------------
// Common parameters and routing.

#[test]
fn common_parameter_errors() {
    let server = TestServer::start();
    server.script(
        "DetectFace",
        vec![Reply::json(r#"{"Response":{"RequestId":"x"}}"#)],
    );

    let mut no_action = Call::get_group_info();
    no_action.action = None;
    let mut no_version = Call::get_group_info();
    no_version.version = None;
    let mut old_version = Call::get_group_info();
    old_version.version = Some("2018-03-01".to_owned());
    let unknown_action = Call::new("NoSuchThing", "{}");
    let bad_json = Call::new("DetectFace", "{not json");
    let not_an_object = Call::new("DetectFace", "[1]");

    for (call, expected) in [
        (no_action, "MissingParameter"),
        (no_version, "MissingParameter"),
        (old_version, "InvalidParameterValue"),
        (unknown_action, "InvalidAction"),
        (bad_json, "InvalidParameter"),
        (not_an_object, "InvalidParameter"),
    ] {
        let response = call_once(&server, &call);
        assert_eq!(
            response.error_code().as_deref(),
            Some(expected),
            "{:?}",
            call.action
        );
    }
}

#[test]
fn scripted_replies_run_in_order_and_the_last_repeats() {
    let server = TestServer::start();
    let ok = r#"{"Response":{"FaceNum":1,"RequestId":"r"}}"#;
    server.script(
        "DetectFace",
        vec![
            Reply::error("RequestLimitExceeded", "Too many requests."),
            Reply::json(ok),
        ],
    );
    let mut client = Client::connect(&server);
    let first = client.call(&Call::new("DetectFace", "{}"));
    assert_eq!(first.error_code().as_deref(), Some("RequestLimitExceeded"));
    assert_eq!(
        first.json()["Response"]["Error"]["Message"],
        "Too many requests."
    );
    for _ in 0..2 {
        assert_eq!(
            client.call(&Call::new("DetectFace", "{}")).body,
            ok.as_bytes()
        );
    }
    assert_eq!(server.request_count("DetectFace"), 3);
    let verdicts: Vec<_> = server.requests().into_iter().map(|r| r.verdict).collect();
    assert_eq!(
        verdicts,
        [Some("RequestLimitExceeded".to_owned()), None, None]
    );

    // Scripting the default route overrides it; an empty script removes it.
    server.script(
        "GetGroupInfo",
        vec![Reply::Json {
            status: 500,
            body: "{}".into(),
        }],
    );
    assert_eq!(client.call(&Call::get_group_info()).status, 500);
    server.script("GetGroupInfo", vec![]);
    assert_eq!(
        client.call(&Call::get_group_info()).error_code().as_deref(),
        Some("InvalidAction")
    );
}

#[test]
fn api_replies_are_signature_checked_but_raw_replies_are_not() {
    let server = TestServer::start();
    server.script("DetectFace", vec![Reply::json("{}")]);
    server.script(
        "SearchFaces",
        vec![Reply::Raw {
            status: 502,
            content_type: "text/html".into(),
            body: b"<html>bad gateway</html>".to_vec(),
        }],
    );
    let unsigned = |action: &str| {
        let mut call = Call::new(action, "{}");
        call.authorization = Some(String::new());
        call
    };
    let response = call_once(&server, &unsigned("DetectFace"));
    assert_eq!(
        response.error_code().as_deref(),
        Some("AuthFailure.SignatureFailure")
    );

    let response = call_once(&server, &unsigned("SearchFaces"));
    assert_eq!(response.status, 502);
    assert_eq!(response.header("content-type"), Some("text/html"));
    assert_eq!(response.body, b"<html>bad gateway</html>");
}

#[test]
fn request_ids_are_unique() {
    let server = TestServer::start();
    let mut client = Client::connect(&server);
    let mut call = Call::new("NoSuchThing", "{}");
    let first = client.call(&call).request_id();
    call.action = Some("AlsoMissing".into());
    let second = client.call(&call).request_id();
    assert_ne!(first, second);
    assert_eq!(first.len(), 36);
}

#[test]
fn non_post_methods_are_refused() {
    let server = TestServer::start();
    let mut client = Client::connect(&server);
    client.send_raw(format!("GET / HTTP/1.1\r\nHost: {}\r\n\r\n", server.host()).as_bytes());
    assert_eq!(client.read_response().status, 405);
}

// ---------------------------------------------------------------------------------------------
// Connection handling.

#[test]
fn keep_alive_serves_several_requests_then_honours_close() {
    let server = TestServer::start();
    let mut client = Client::connect(&server);
    for _ in 0..2 {
        let response = client.call(&Call::get_group_info());
        assert_eq!(response.error_code(), None);
        assert_eq!(response.header("connection"), Some("keep-alive"));
    }
    let mut last = Call::get_group_info();
    last.close = true;
    let response = client.call(&last);
    assert_eq!(response.header("connection"), Some("close"));
    assert!(client.read_to_close().is_empty());
    assert_eq!(server.request_count("GetGroupInfo"), 3);
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = TestServer::start();
    let mut client = Client::connect(&server);
    let both = [
        Call::get_group_info().bytes(&server.host()),
        Call::new("Nope", "{}").bytes(&server.host()),
    ]
    .concat();
    client.send_raw(&both);
    assert_eq!(client.read_response().error_code(), None);
    assert_eq!(
        client.read_response().error_code().as_deref(),
        Some("InvalidAction")
    );
}

#[test]
fn chunked_request_bodies_are_decoded() {
    let server = TestServer::start();
    let call = Call::get_group_info();
    let host = server.host();
    let signed = String::from_utf8(call.bytes(&host)).unwrap();
    let head = signed.split("\r\n\r\n").next().unwrap().replace(
        &format!("Content-Length: {}", call.body.len()),
        "Transfer-Encoding: chunked",
    );
    let (a, b) = call.body.split_at(5);
    let chunked = format!(
        "{head}\r\n\r\n{:x}\r\n{a}\r\n{:x};ext=1\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    );
    let mut client = Client::connect(&server);
    client.send_raw(chunked.as_bytes());
    assert_eq!(client.read_response().error_code(), None);
    assert!(server.requests()[0].signature_ok);
}

#[test]
fn truncated_reply_declares_more_than_it_sends() {
    let server = TestServer::start();
    server.script(
        "DetectFace",
        vec![Reply::Truncated {
            declared_len: 100,
            body: br#"{"Response":{"#.to_vec(),
        }],
    );
    let mut client = Client::connect(&server);
    client.send_raw(&Call::new("DetectFace", "{}").bytes(&server.host()));
    let (status, headers) = client.read_head();
    assert_eq!(status, 200);
    assert_eq!(http::header_value(&headers, "content-length"), Some("100"));
    assert_eq!(client.read_to_close(), br#"{"Response":{"#);
}

#[test]
fn delayed_headers_and_slow_bodies_take_their_time() {
    let server = TestServer::start();
    let body = r#"{"Response":{"RequestId":"slow"}}"#;
    server.script(
        "DetectFace",
        vec![Reply::DelayHeaders {
            delay: Duration::from_millis(120),
            then: Box::new(Reply::json(body)),
        }],
    );
    server.script(
        "SearchFaces",
        vec![Reply::SlowBody {
            delay: Duration::from_millis(120),
            body: body.to_owned(),
        }],
    );
    let mut client = Client::connect(&server);
    for action in ["DetectFace", "SearchFaces"] {
        let started = Instant::now();
        let response = client.call(&Call::new(action, "{}"));
        assert!(
            started.elapsed() >= Duration::from_millis(100),
            "{action} was too quick"
        );
        assert_eq!(response.body, body.as_bytes());
    }
}

#[test]
fn close_after_request_reads_then_hangs_up() {
    let server = TestServer::start();
    server.script("DetectFace", vec![Reply::CloseAfterRequest]);
    let mut client = Client::connect(&server);
    client.send_raw(&Call::new("DetectFace", "{}").bytes(&server.host()));
    assert!(client.read_to_close().is_empty());
    assert_eq!(server.request_count("DetectFace"), 1);
}

#[test]
fn refused_connections_close_before_any_reply() {
    let server = TestServer::start();
    server.refuse_next_connections(2);
    for _ in 0..2 {
        let mut client = Client::connect(&server);
        let _ = client
            .writer
            .write_all(&Call::get_group_info().bytes(&server.host()));
        assert!(client.read_to_close().is_empty());
    }
    assert_eq!(
        call_once(&server, &Call::get_group_info()).error_code(),
        None
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn garbage_never_takes_the_server_down() {
    let server = TestServer::start();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut random_bytes = |len: usize| -> Vec<u8> {
        (0..len)
            .map(|_| {
                // xorshift64: deterministic, so a failure reproduces.
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect()
    };
    let mut inputs: Vec<Vec<u8>> = (0..12).map(|i| random_bytes(1 << (i % 12))).collect();
    inputs.extend(
        [
            &b"\r\n\r\n"[..],
            b"POST / HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
            b"POST / HTTP/1.1\r\n folded: header\r\n\r\n",
            b"POST /\xff HTTP/1.1\r\n\r\n",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
            b"POST / HTTP/1.1\r\nAuthorization: TC3-HMAC-SHA256 \xe6\x9c\xaa\r\n\r\n",
            b"POST / HTTP/1.1\r\nAuthorization: TC3-HMAC-SHA256 Credential=////, SignedHeaders=;;, Signature=\r\nX-TC-Timestamp: -99999999999999999\r\nX-TC-Action: GetGroupInfo\r\nContent-Length: 0\r\n\r\n",
        ]
        .map(<[u8]>::to_vec),
    );
    inputs.push(
        [
            &b"POST / HTTP/1.1\r\nX-Junk: "[..],
            &random_bytes(3000),
            b"\r\n\r\n",
        ]
        .concat(),
    );

    for input in &inputs {
        let mut client = Client::connect(&server);
        let _ = client.writer.write_all(input);
        let _ = client.writer.shutdown(Shutdown::Write);
        let reply = client.read_to_close();
        if !reply.is_empty() {
            assert!(
                reply.starts_with(b"HTTP/1.1 "),
                "{:?}",
                String::from_utf8_lossy(&reply)
            );
        }
    }
    assert_eq!(
        call_once(&server, &Call::get_group_info()).error_code(),
        None
    );
}

#[test]
fn dropping_the_server_stops_it() {
    let server = TestServer::start();
    let addr = server.addr();
    let mut idle = Client::connect(&server);
    assert_eq!(idle.call(&Call::get_group_info()).error_code(), None);
    let started = Instant::now();
    drop(server);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        idle.read_to_close().is_empty(),
        "kept-alive connection is closed"
    );
    assert!(TcpStream::connect(addr).is_err(), "listener is gone");
}

#[test]
fn server_binds_loopback_only() {
    let server = TestServer::start();
    assert!(server.addr().ip().is_loopback());
    assert_eq!(
        server.url(),
        format!("http://127.0.0.1:{}", server.addr().port())
    );
    assert_eq!(server.host(), format!("127.0.0.1:{}", server.addr().port()));
}
