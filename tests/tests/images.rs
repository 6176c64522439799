//! Image parameters over real HTTP against the emulator: raw bytes go out as standard base64,
//! already-encoded text as is, a URL instead of an image works, and the API's 5 MB limit on the
//! encoded image is enforced before anything is sent. The emulator reads the images it gets
//! (format and size), so the images sent here are real PNG, JPEG and BMP files, and its journal
//! keeps each body as sent.

mod common;

use std::time::Duration;

use common::{bounded_by, client_for};
use iai_integration_tests::emulator::{RecordedCall, TestEmulator};
use serde_json::Value;
use tencentcloud_iai::operation::create_face::CreateFaceError;
use tencentcloud_iai::operation::detect_face::DetectFaceError;
use tencentcloud_iai::{Image, SdkError};
use tencentcloud_iai_emulator::testimage::{marked_jpeg, marked_png};
use tencentcloud_iai_emulator::Marker;

/// The API's limit on a base64-encoded image (5 MB), as the spec states it.
const LIMIT: usize = 5_242_880;

/// A 1×1 PNG (its chunk CRCs check) and its standard base64, worked out outside this crate
/// (70 bytes, so the text ends in `==`).
const ONE_PIXEL_PNG: [u8; 70] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f,
    0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47, 0xba, 0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];
const ONE_PIXEL_PNG_BASE64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// The BMP file header and info header.
const BMP_HEADER: usize = 54;

/// Larger than the usual deadline: these calls carry images of up to 5 MB.
const IMAGE_DEADLINE: Duration = Duration::from_secs(30);

/// A valid 24-bit BMP of exactly `len` bytes (at least 66): 4 pixels wide (rows of 12 bytes,
/// no row padding), as many rows as fit, and the few bytes left over as a gap between the
/// headers and the pixels (the header's pixel offset skips it). Every byte after the headers
/// is `fill(i)`, `i` its index in the file, so the pixels can be any bytes a test needs.
fn bmp_of_len(len: usize, fill: impl Fn(usize) -> u8) -> Vec<u8> {
    assert!(len >= BMP_HEADER + 12, "room for one row");
    let rows = (len - BMP_HEADER) / 12;
    let gap = (len - BMP_HEADER) % 12;
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&(len as u32).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&((BMP_HEADER + gap) as u32).to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&4i32.to_le_bytes());
    out.extend_from_slice(&(rows as i32).to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // planes
    out.extend_from_slice(&24u16.to_le_bytes()); // bits per pixel
    out.extend_from_slice(&0u32.to_le_bytes()); // no compression
    out.extend_from_slice(&((rows * 12) as u32).to_le_bytes());
    out.extend_from_slice(&[0; 16]); // default resolution, no palette
    assert_eq!(out.len(), BMP_HEADER);
    out.extend((BMP_HEADER..len).map(fill));
    out
}

/// The rows of a [`bmp_of_len`] image: what the emulator reports as its height.
fn bmp_rows(len: usize) -> i64 {
    ((len - BMP_HEADER) / 12) as i64
}

/// The one request the emulator received, checked as admitted and answered without an
/// error, as JSON.
fn only_body(server: &TestEmulator) -> (RecordedCall, Value) {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    let request = requests.into_iter().next().unwrap();
    assert!(request.authenticated, "the emulator rejected the signature");
    assert_eq!(request.error_code, None, "the emulator refused the request");
    let body = serde_json::from_slice(&request.body).expect("the body is JSON");
    (request, body)
}

/// Standard base64 (RFC 4648 alphabet `+/`, `=` padding), written here for the base64 text
/// the tests give the client, independently of the client's encoder.
fn encode_base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= group.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
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
    assert_eq!(encode_base64(b"hello"), "aGVsbG8=");
    assert_eq!(encode_base64(b"hi"), "aGk=");
    assert_eq!(encode_base64(&[0xfb, 0xff, 0xbf]), "+/+/");
    assert_eq!(encode_base64(b""), "");
    assert_eq!(encode_base64(&ONE_PIXEL_PNG), ONE_PIXEL_PNG_BASE64);
    let every_byte: Vec<u8> = (0..=255).collect();
    assert_eq!(decode_base64(&encode_base64(&every_byte)), every_byte);
}

#[test]
fn the_test_images_are_bmp_files_of_the_asked_length() {
    for len in [66, 67, 77, 78, 1000] {
        let bmp = bmp_of_len(len, |_| 0xAB);
        assert_eq!(bmp.len(), len);
        assert_eq!(&bmp[..2], b"BM");
        let offset = u32::from_le_bytes(bmp[10..14].try_into().unwrap()) as usize;
        let rows = i32::from_le_bytes(bmp[22..26].try_into().unwrap()) as usize;
        assert_eq!(offset + rows * 12, len, "the pixels end the file");
        assert_eq!(rows as i64, bmp_rows(len));
    }
}

#[tokio::test]
async fn raw_bytes_are_sent_as_standard_base64() {
    // Lengths with 0, 1 and 2 padding characters (66, 67, 68: the smallest images), and one
    // past the encoder's block size; from 310 on, the bytes after the headers cover every
    // value, so `+` and `/` occur.
    for len in [66usize, 67, 68, 310, 12 * 1024 + 1, 100_000] {
        let bytes = bmp_of_len(len, |i| (i * 131 % 256) as u8);
        let server = TestEmulator::start();
        let response = bounded_by(
            IMAGE_DEADLINE,
            client_for(&server)
                .detect_face()
                .image(Image::from_bytes(bytes.clone()))
                .send(),
        )
        .await
        .unwrap_or_else(|e| panic!("length {len}: {e:?}"));
        // The emulator read the image it received.
        assert_eq!(
            (response.image_width, response.image_height),
            (4, bmp_rows(len)),
            "length {len}"
        );

        let (request, body) = only_body(&server);
        assert_eq!(request.header("X-TC-Action"), Some("DetectFace"));
        let sent = body["Image"].as_str().expect("Image is a string");
        assert_eq!(sent.len(), Image::from_bytes(bytes.clone()).encoded_len());
        assert_eq!(decode_base64(sent), bytes, "length {len}");
        assert_eq!(body.as_object().unwrap().len(), 1, "only Image: {body}");
        if len - BMP_HEADER >= 256 {
            assert!(
                sent.contains('+') && sent.contains('/'),
                "standard alphabet"
            );
        }
    }
}

#[tokio::test]
async fn a_known_image_encodes_as_expected() {
    let server = TestEmulator::start();
    let response = bounded_by(
        IMAGE_DEADLINE,
        client_for(&server)
            .detect_face()
            .image(ONE_PIXEL_PNG.to_vec())
            .send(),
    )
    .await
    .expect("success");
    assert_eq!((response.image_width, response.image_height), (1, 1));
    let (_, body) = only_body(&server);
    assert_eq!(body["Image"], ONE_PIXEL_PNG_BASE64);
}

#[tokio::test]
async fn base64_text_is_sent_as_is() {
    // Checked once when given, never re-encoded: the caller's text goes out verbatim.
    let encoded = ONE_PIXEL_PNG_BASE64;
    let server = TestEmulator::start();
    let response = bounded_by(
        IMAGE_DEADLINE,
        client_for(&server)
            .detect_face()
            .image(Image::from_base64(encoded).expect("valid base64"))
            .max_face_num(3)
            .send(),
    )
    .await
    .expect("success");
    assert_eq!((response.image_width, response.image_height), (1, 1));
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
        let server = TestEmulator::start();
        let result = bounded_by(
            IMAGE_DEADLINE,
            client_for(&server).detect_face().image(image).send(),
        )
        .await;
        match result {
            Err(SdkError::InvalidRequest(e)) => {
                assert_eq!(e.parameter(), "Image", "{what}");
                assert!(e.problem().contains(&LIMIT.to_string()), "{what}: {e}");
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
    let bytes = bmp_of_len(LIMIT / 4 * 3, |i| (i % 251) as u8);
    let image = Image::from_bytes(bytes.clone());
    assert_eq!(image.encoded_len(), LIMIT);
    let server = TestEmulator::start();
    let response = bounded_by(
        IMAGE_DEADLINE,
        client_for(&server).detect_face().image(image).send(),
    )
    .await
    .expect("at the limit is allowed");
    assert_eq!(response.image_height, bmp_rows(LIMIT / 4 * 3));
    let (_, body) = only_body(&server);
    let sent = body["Image"].as_str().unwrap();
    assert_eq!(sent.len(), LIMIT);
    assert!(decode_base64(sent) == bytes, "the image arrived intact");

    // Base64 text of exactly the limit passes too.
    let text = encode_base64(&bmp_of_len(LIMIT / 4 * 3, |i| b"ABC"[i % 3]));
    assert_eq!(text.len(), LIMIT);
    let server = TestEmulator::start();
    bounded_by(
        IMAGE_DEADLINE,
        client_for(&server)
            .detect_face()
            .image(Image::from_base64(text.clone()).expect("valid base64"))
            .send(),
    )
    .await
    .expect("at the limit is allowed");
    let (_, body) = only_body(&server);
    assert_eq!(body["Image"].as_str().unwrap().len(), LIMIT);
    assert!(body["Image"] == text.as_str(), "the text arrived as given");
}

#[tokio::test]
async fn a_url_instead_of_an_image() {
    let server = TestEmulator::start();
    let response = bounded_by(
        IMAGE_DEADLINE,
        client_for(&server)
            .detect_face()
            .url("https://example.com/face.jpg")
            .send(),
    )
    .await
    .expect("success");
    // The emulator's contract for an image given by URL (never fetched): 640×480.
    assert_eq!((response.image_width, response.image_height), (640, 480));
    let (_, body) = only_body(&server);
    assert_eq!(
        body,
        serde_json::json!({"Url": "https://example.com/face.jpg"})
    );
}

#[tokio::test]
async fn a_service_error_about_the_image_is_typed() {
    // Three bytes are no PNG, JPEG or BMP: the emulator cannot decode them, as the service.
    let server = TestEmulator::start();
    let result = bounded_by(
        IMAGE_DEADLINE,
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
    let sent = &server.requests()[0];
    assert_eq!(
        sent.error_code.as_deref(),
        Some("FailedOperation.ImageDecodeFailed")
    );
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["Image"], "AQID");
}

#[tokio::test]
async fn each_image_of_a_list_is_encoded_and_checked() {
    // person-1 is alice; both new faces are alice too (marked images), so both are added.
    let server = TestEmulator::start();
    let client = client_for(&server);
    let alice = Marker::person("alice");
    bounded_by(
        IMAGE_DEADLINE,
        client
            .create_group()
            .group_name("Images")
            .group_id("images")
            .send(),
    )
    .await
    .expect("group created");
    bounded_by(
        IMAGE_DEADLINE,
        client
            .create_person()
            .group_id("images")
            .person_name("Alice")
            .person_id("person-1")
            .image(marked_png(&alice, 32, 32))
            .send(),
    )
    .await
    .expect("person created");
    server.emulator().clear_requests();

    let first = marked_jpeg(&alice, 16, 16);
    let second = marked_png(&alice, 8, 8);
    let response = bounded_by(
        IMAGE_DEADLINE,
        client
            .create_face()
            .person_id("person-1")
            .images(vec![
                Image::from_bytes(first.clone()),
                Image::from_base64(encode_base64(&second)).expect("valid base64"),
            ])
            .send(),
    )
    .await
    .expect("success");
    assert_eq!(response.suc_face_num, 2);
    assert_eq!(response.ret_code, [0, 0]);
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
    let result = bounded_by(
        IMAGE_DEADLINE,
        client
            .create_face()
            .person_id("person-1")
            .images(vec![
                Image::from_bytes(vec![1u8; 10]),
                Image::from_bytes(vec![1u8; LIMIT / 4 * 3 + 1]),
            ])
            .send(),
    )
    .await;
    match result {
        Err(SdkError::<CreateFaceError>::InvalidRequest(e)) => {
            assert_eq!(e.parameter(), "Images[1]");
            assert!(e.problem().contains("5242880"), "{e}");
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
    let bytes = bmp_of_len(40_000, |i| (i * 7 % 256) as u8);
    let forged = "\u{0}tencentcloud-image-0";
    let server = TestEmulator::start();
    bounded_by(
        IMAGE_DEADLINE,
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
