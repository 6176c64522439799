//! DetectFace, DetectFaceAttributes, AnalyzeFace, AnalyzeDenseLandmarks, DetectLiveFaceAccurate: deterministic,
//! plausible values derived from the image.

use tencentcloud_iai::Image;
use tencentcloud_iai_emulator::testimage::{bmp, marked_jpeg, marked_png};
use tencentcloud_iai_emulator::Marker;

use crate::{code, start};

#[tokio::test]
async fn detection_uses_the_real_size_and_the_marker() {
    let (_emulator, client) = start().await;
    let picture = Image::from_bytes(marked_jpeg(
        &Marker::person("mia").faces(3).quality(75),
        900,
        300,
    ));
    let detected = client
        .detect_face()
        .image(picture.clone())
        .max_face_num(5)
        .need_face_attributes(1)
        .need_quality_detection(1)
        .send()
        .await
        .unwrap();
    assert_eq!((detected.image_width, detected.image_height), (900, 300));
    assert_eq!(detected.face_infos.len(), 3);
    for face in &detected.face_infos {
        let (x, y, w, h) = (face.x, face.y, face.width, face.height);
        assert!(
            x >= 0 && y >= 0 && x + w <= 900 && y + h <= 300,
            "inside the image"
        );
        let age = face.face_attributes_info.age;
        assert!((18..68).contains(&age), "a plausible age, got {age}");
        assert_eq!(face.face_quality_info.as_ref().unwrap().score, Some(75));
    }
    let again = client
        .detect_face()
        .image(picture)
        .max_face_num(5)
        .need_face_attributes(1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.face_infos[0].face_attributes_info, detected.face_infos[0].face_attributes_info,
        "deterministic"
    );

    let one = client
        .detect_face()
        .image(Image::from_bytes(bmp(320, 240)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (one.image_width, one.image_height, one.face_infos.len()),
        (320, 240, 1)
    );

    let attributes = client
        .detect_face_attributes()
        .image(Image::from_bytes(marked_png(
            &Marker::person("mia"),
            100,
            100,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(attributes.face_detail_infos.len(), 1);
    let age = attributes.face_detail_infos[0]
        .face_detail_attributes_info
        .age;
    assert!((18..68).contains(&age));

    let shape = client
        .analyze_face()
        .image(Image::from_bytes(marked_png(
            &Marker::person("mia").faces(2),
            400,
            200,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(shape.face_shape_set.len(), 2);
    assert_eq!(shape.face_shape_set[0].face_profile.len(), 21);
    assert_eq!(shape.face_shape_set[0].mouth.len(), 22);

    // Dense landmarks: up to 5 faces (1 with Mode 1), 888 points each, inside the face box.
    let seven_faces = marked_png(&Marker::person("mia").faces(7), 700, 200);
    let dense = client
        .analyze_dense_landmarks()
        .image(Image::from_bytes(seven_faces.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(dense.dense_face_shape_set.len(), 5);
    let face = &dense.dense_face_shape_set[0];
    let lists = [
        &face.left_eye,
        &face.right_eye,
        &face.left_eye_brow,
        &face.right_eye_brow,
        &face.mouth_outside,
        &face.mouth_inside,
        &face.nose,
        &face.left_pupil,
        &face.right_pupil,
        &face.central_axis,
        &face.chin,
        &face.left_eye_bags,
        &face.right_eye_bags,
        &face.forehead,
    ];
    assert_eq!(lists.iter().map(|l| l.len()).sum::<usize>(), 888);
    for point in lists.iter().flat_map(|l| l.iter()) {
        assert!(
            (face.x..=face.x + face.width).contains(&point.x),
            "{point:?}"
        );
        assert!(
            (face.y..=face.y + face.height).contains(&point.y),
            "{point:?}"
        );
    }
    let largest_only = client
        .analyze_dense_landmarks()
        .image(Image::from_bytes(seven_faces))
        .mode(1)
        .send()
        .await
        .unwrap();
    assert_eq!(largest_only.dense_face_shape_set.len(), 1);

    assert_eq!(
        code(
            client
                .detect_face()
                .image(Image::from_bytes(marked_png(
                    &Marker::person("x").faces(0),
                    10,
                    10
                )))
                .send()
                .await
        ),
        "InvalidParameterValue.NoFaceInPhoto"
    );
}

#[tokio::test]
async fn liveness_follows_the_marker() {
    let (_emulator, client) = start().await;
    let live = client
        .detect_live_face_accurate()
        .image(Image::from_bytes(marked_png(
            &Marker::person("n"),
            100,
            100,
        )))
        .send()
        .await
        .unwrap();
    assert!(live.score >= 90.0);
    let fake = client
        .detect_live_face_accurate()
        .image(Image::from_bytes(marked_png(
            &Marker::person("n").live(false),
            100,
            100,
        )))
        .send()
        .await
        .unwrap();
    assert!(fake.score < 10.0);
}
