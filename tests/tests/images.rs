//! Image parameters over real HTTP against the signature-checking loopback server: raw bytes go
//! out as standard base64, already-encoded text as is, a URL instead of an image works, and the
//! API's 5 MB limit on the encoded image is enforced before anything is sent.

mod common;

use std::future::Future;
use std::time::Duration;

use common::client_for;
use iai_integration_tests::server::{RecordedRequest, Reply, TestServer};
use serde_json::Value;
use tencentcloud_iai::operation::create_face::CreateFaceError;
use tencentcloud_iai::operation::detect_face::DetectFaceError;
use tencentcloud_iai::{Image, SdkError};

/// The API's limit on a base64-encoded image (5 MB), as the spec states it.
const LIMIT: usize = 5_242_880;

const DETECT_FACE_REPLY: &str = r#"{"Response":{"ImageWidth":640,"ImageHeight":480,"FaceInfos":[],"FaceModelVersion":"3.0","RequestId":"img-1"}}"#;

const DEADLINE: Duration = Duration::from_secs(30);

async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(DEADLINE, future)
        .await
        .expect("the call must finish, not hang")
}

fn detect_face_server() -> TestServer {
    let server = TestServer::start();
    server.script("DetectFace", vec![Reply::json(DETECT_FACE_REPLY)]);
    server
}

/// The one request the server received, checked for a valid signature, as JSON.
fn only_body(server: &TestServer) -> (RecordedRequest, Value) {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    let request = requests.into_iter().next().unwrap();
    assert!(request.signature_ok, "the server rejected the signature");
    assert_eq!(request.verdict, None, "the server refused the request");
    let body = serde_json::from_slice(&request.body).expect("the body is JSON");
    (request, body)
}

/// Standard base64 (RFC 4648 alphabet `+/`, `=` padding) decoded strictly, independently of
/// the client's encoder.
fn decode_base64(text: &str) -> Vec<u8> {
    fn value(c: u8) -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            other => panic!("{:?} is not in the standard base64 alphabet", other as char),
        }
    }
    let bytes = text.as_bytes();
    assert_eq!(
        bytes.len() % 4,
        0,
        "standard base64 is padded to 4 characters"
    );
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (i, quad) in bytes.chunks(4).enumerate() {
        let last = i + 1 == bytes.len() / 4;
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        assert!(pad <= 2 && (pad == 0 || last), "misplaced padding");
        let mut n = 0u32;
        for &c in &quad[..4 - pad] {
            n = (n << 6) | value(c);
        }
        n <<= 6 * pad as u32;
        let group = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&group[..3 - pad]);
    }
    out
}

#[test]
fn the_test_decoder_knows_standard_base64() {
    assert_eq!(decode_base64("aGVsbG8="), b"hello");
    assert_eq!(decode_base64("aGk="), b"hi");
    assert_eq!(decode_base64("+/+/"), [0xfb, 0xff, 0xbf]);
    assert_eq!(decode_base64(""), b"");
}

#[tokio::test]
async fn raw_bytes_are_sent_as_standard_base64() {
    // Lengths with 0, 1 and 2 padding characters, and one past the encoder's block size;
    // the bytes cover every value, so `+` and `/` occur.
    for len in [3usize, 4, 5, 256, 12 * 1024 + 1, 100_000] {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 131 % 256) as u8).collect();
        let server = detect_face_server();
        let response = bounded(
            client_for(&server)
                .detect_face()
                .image(Image::from_bytes(bytes.clone()))
                .send(),
        )
        .await
        .unwrap_or_else(|e| panic!("length {len}: {e:?}"));
        assert_eq!(response.image_width, 640);

        let (request, body) = only_body(&server);
        assert_eq!(request.header("X-TC-Action"), Some("DetectFace"));
        let sent = body["Image"].as_str().expect("Image is a string");
        assert_eq!(sent.len(), Image::from_bytes(bytes.clone()).encoded_len());
        assert_eq!(decode_base64(sent), bytes, "length {len}");
        assert_eq!(body.as_object().unwrap().len(), 1, "only Image: {body}");
        if len >= 256 {
            assert!(
                sent.contains('+') && sent.contains('/'),
                "standard alphabet"
            );
        }
    }
}

#[tokio::test]
async fn a_known_image_encodes_as_expected() {
    let server = detect_face_server();
    bounded(
        client_for(&server)
            .detect_face()
            .image(b"hello".to_vec())
            .send(),
    )
    .await
    .expect("success");
    let (_, body) = only_body(&server);
    assert_eq!(body["Image"], "aGVsbG8=");
}

#[tokio::test]
async fn base64_text_is_sent_as_is() {
    // Checked once when given, never re-encoded: the caller's text goes out verbatim.
    let encoded = "/9j/4AAQSkZJRgABAQ==";
    let server = detect_face_server();
    bounded(
        client_for(&server)
            .detect_face()
            .image(Image::from_base64(encoded).expect("valid base64"))
            .max_face_num(3)
            .send(),
    )
    .await
    .expect("success");
    let (_, body) = only_body(&server);
    assert_eq!(body["Image"], encoded);
    assert_eq!(body["MaxFaceNum"], 3);
}

#[tokio::test]
async fn an_image_over_the_limit_is_refused_before_sending() {
    let raw_over = LIMIT / 4 * 3 + 1; // encodes to LIMIT + 4 characters
    for (what, image) in [
        ("raw bytes", Image::from_bytes(vec![7u8; raw_over])),
        (
            "base64 text",
            Image::from_base64("QUJD".repeat(LIMIT / 4 + 1)).expect("valid base64"),
        ),
    ] {
        assert!(image.encoded_len() > LIMIT);
        let server = detect_face_server();
        let result = bounded(client_for(&server).detect_face().image(image).send()).await;
        match result {
            Err(SdkError::InvalidRequest(e)) => {
                assert_eq!(e.parameter, "Image", "{what}");
                assert!(e.problem.contains(&LIMIT.to_string()), "{what}: {e}");
                let text = e.to_string();
                assert!(text.contains("Image") && text.contains("5242880"), "{text}");
            }
            other => panic!("{what}: expected InvalidRequest, got {other:?}"),
        }
        assert!(server.requests().is_empty(), "{what}: nothing may be sent");
    }
}

#[tokio::test]
async fn an_image_exactly_at_the_limit_is_sent() {
    let bytes: Vec<u8> = (0..LIMIT / 4 * 3).map(|i| (i % 251) as u8).collect();
    let image = Image::from_bytes(bytes.clone());
    assert_eq!(image.encoded_len(), LIMIT);
    let server = detect_face_server();
    bounded(client_for(&server).detect_face().image(image).send())
        .await
        .expect("at the limit is allowed");
    let (_, body) = only_body(&server);
    let sent = body["Image"].as_str().unwrap();
    assert_eq!(sent.len(), LIMIT);
    assert!(decode_base64(sent) == bytes, "the image arrived intact");

    // Base64 text of exactly the limit passes too.
    let server = detect_face_server();
    bounded(
        client_for(&server)
            .detect_face()
            .image(Image::from_base64("QUJD".repeat(LIMIT / 4)).expect("valid base64"))
            .send(),
    )
    .await
    .expect("at the limit is allowed");
    let (_, body) = only_body(&server);
    assert_eq!(body["Image"].as_str().unwrap().len(), LIMIT);
}

#[tokio::test]
async fn a_url_instead_of_an_image() {
    let server = detect_face_server();
    bounded(
        client_for(&server)
            .detect_face()
            .url("https://example.com/face.jpg")
            .send(),
    )
    .await
    .expect("success");
    let (_, body) = only_body(&server);
    assert_eq!(
        body,
        serde_json::json!({"Url": "https://example.com/face.jpg"})
    );
}

#[tokio::test]
async fn a_service_error_about_the_image_is_typed() {
    let server = TestServer::start();
    server.script(
        "DetectFace",
        vec![Reply::error(
            "FailedOperation.ImageDecodeFailed",
            "image decode failed",
        )],
    );
    let result = bounded(
        client_for(&server)
            .detect_face()
            .image(vec![1u8, 2, 3])
            .send(),
    )
    .await;
    assert!(
        matches!(
            result,
            Err(SdkError::Service(
                DetectFaceError::FailedOperationImageDecodeFailed(_)
            ))
        ),
        "{result:?}"
    );
    assert_eq!(server.request_count("DetectFace"), 1);
}

#[tokio::test]
async fn each_image_of_a_list_is_encoded_and_checked() {
    let server = TestServer::start();
    server.script(
        "CreateFace",
        vec![Reply::json(
            r#"{"Response":{"SucFaceNum":2,"SucFaceIds":["f1","f2"],"RetCode":[0,0],"SucIndexes":[0,1],"SucFaceRects":[],"FaceModelVersion":"3.0","RequestId":"cf"}}"#,
        )],
    );
    let client = client_for(&server);
    let first = vec![0xfbu8, 0xff, 0xbf, 1];
    let second = b"hello".to_vec();
    let response = bounded(
        client
            .create_face("person-1")
            .images(vec![
                Image::from_bytes(first.clone()),
                Image::from_base64("aGVsbG8=").expect("valid base64"),
            ])
            .send(),
    )
    .await
    .expect("success");
    assert_eq!(response.suc_face_num, 2);
    let (request, body) = only_body(&server);
    assert_eq!(request.header("X-TC-Action"), Some("CreateFace"));
    let images: Vec<Vec<u8>> = body["Images"]
        .as_array()
        .expect("Images is a list")
        .iter()
        .map(|v| decode_base64(v.as_str().unwrap()))
        .collect();
    assert_eq!(images, [first, second]);
    assert_eq!(body["PersonId"], "person-1");

    // The second image is too large: the error names it by index, and nothing is sent.
    let result = bounded(
        client
            .create_face("person-1")
            .images(vec![
                Image::from_bytes(vec![1u8; 10]),
                Image::from_bytes(vec![1u8; LIMIT / 4 * 3 + 1]),
            ])
            .send(),
    )
    .await;
    match result {
        Err(SdkError::<CreateFaceError>::InvalidRequest(e)) => {
            assert_eq!(e.parameter, "Images[1]");
            assert!(e.problem.contains("5242880"), "{e}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert_eq!(
        server.request_count("CreateFace"),
        1,
        "the second call sent nothing"
    );
}

#[tokio::test]
async fn a_string_that_spells_the_image_placeholder_leaves_the_image_in_place() {
    // Large raw images are encoded into the body after the rest of the request, at a
    // placeholder; a parameter that spells that placeholder must not capture the image.
    let bytes: Vec<u8> = (0..40_000).map(|i| (i * 7 % 256) as u8).collect();
    let forged = "\u{0}tencentcloud-image-0";
    let server = detect_face_server();
    bounded(
        client_for(&server)
            .detect_face()
            .url(forged)
            .image(Image::from_bytes(bytes.clone()))
            .send(),
    )
    .await
    .expect("sent");
    let (_, body) = only_body(&server);
    assert_eq!(body["Url"], forged);
    assert_eq!(decode_base64(body["Image"].as_str().unwrap()), bytes);
}
