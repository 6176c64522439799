//! Rules the README promises are checked before any network call, for the gaps issue 12
//! found: an empty image, an image action given neither `Image` nor `Url` (the spec's
//! `at_least_one_of`), and text that is not base64 given as an image. Each request goes to a
//! recording emulator, which must receive nothing.

mod common;

use std::future::Future;
use std::time::Duration;

use common::client_for;
use iai_integration_tests::emulator::TestEmulator;
use tencentcloud_iai::operation::detect_face::DetectFaceRequest;
use tencentcloud_iai::{Image, SdkError, ValidationError};

async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), future)
        .await
        .expect("the call must finish, not hang")
}

/// The call's `InvalidRequest` error; also checks that the server saw nothing.
fn refused<T: std::fmt::Debug, E: std::fmt::Debug>(
    server: &TestEmulator,
    result: Result<T, SdkError<E>>,
) -> ValidationError {
    assert!(server.requests().is_empty(), "nothing may be sent");
    assert_eq!(server.connection_count(), 0, "not even a connection");
    match result {
        Err(SdkError::InvalidRequest(e)) => e,
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn detect_face_without_image_or_url_is_refused() {
    let server = TestEmulator::start();
    let client = client_for(&server);
    let err = refused(&server, bounded(client.detect_face().send()).await);
    assert_eq!(err.parameter(), "Image or Url");
    assert_eq!(
        err.to_string(),
        "invalid request parameter `Image or Url`: give `Image` or `Url`; none is set"
    );
    // An empty URL says nothing either.
    let err = refused(&server, bounded(client.detect_face().url("").send()).await);
    assert_eq!(err.parameter(), "Image or Url");
}

#[tokio::test]
async fn each_image_of_a_pair_is_required() {
    let server = TestEmulator::start();
    let client = client_for(&server);
    let face = Image::from_bytes(vec![0xff, 0xd8, 0xff]);
    let err = refused(
        &server,
        bounded(client.compare_face().image_a(face.clone()).send()).await,
    );
    assert_eq!(err.parameter(), "ImageB or UrlB");
    let err = refused(
        &server,
        bounded(
            client
                .detect_face_similarity()
                .url_b("https://example.com/b.jpg")
                .send(),
        )
        .await,
    );
    assert_eq!(err.parameter(), "ImageA or UrlA");
}

#[tokio::test]
async fn create_face_with_empty_lists_is_refused() {
    let server = TestEmulator::start();
    let client = client_for(&server);
    let err = refused(
        &server,
        bounded(
            client
                .create_face()
                .person_id("person-1")
                .images(vec![])
                .urls(vec![])
                .send(),
        )
        .await,
    );
    assert_eq!(err.parameter(), "Images or Urls");
    let err = refused(
        &server,
        bounded(
            client
                .create_face()
                .person_id("person-1")
                .images(vec![
                    Image::from_bytes(vec![1u8]),
                    Image::from_bytes(Vec::new()),
                ])
                .send(),
        )
        .await,
    );
    assert_eq!(err.parameter(), "Images[1]");
    assert_eq!(err.problem(), "image is empty (0 bytes)");
}

#[tokio::test]
async fn an_empty_image_is_refused() {
    for (what, image) in [
        ("raw bytes", Image::from_bytes(Vec::new())),
        (
            "base64 text",
            Image::from_base64("").expect("empty text is base64"),
        ),
    ] {
        let server = TestEmulator::start();
        let err = refused(
            &server,
            bounded(client_for(&server).detect_face().image(image).send()).await,
        );
        assert_eq!(err.parameter(), "Image", "{what}");
        assert_eq!(err.problem(), "image is empty (0 bytes)", "{what}");
    }
}

#[test]
fn text_that_is_not_base64_never_becomes_an_image() {
    // Nothing can be sent: there is no `Image` to send.
    let err = Image::from_base64("not base64!").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the image text is not base64: byte 3 (' ') is not in the standard base64 alphabet (A-Z a-z 0-9 + /)"
    );
    // Nor through a request read from JSON (the CLI's input, a request kept on disk).
    let err = serde_json::from_str::<DetectFaceRequest>(r#"{"Image":"aGVsbG8"}"#).unwrap_err();
    assert!(err.to_string().contains("not base64"), "{err}");
    let ok = serde_json::from_str::<DetectFaceRequest>(r#"{"Image":"aGVsbG8="}"#).unwrap();
    assert!(ok.validate().is_ok());
}
