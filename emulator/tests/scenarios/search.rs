//! SearchFaces, SearchPersons and their ReturnsByGroup forms, VerifyFace, VerifyPerson,
//! CompareFace, DetectFaceSimilarity; FaceMatchThreshold, MaxFaceNum, MaxPersonNum and
//! NeedPersonInfo honoured.

use tencentcloud_iai::Image;
use tencentcloud_iai_emulator::testimage::{marked_jpeg, marked_png};
use tencentcloud_iai_emulator::Marker;

use crate::{code, face_of, person_in_group, start};

/// Another picture of `person` (different bytes from `face_of`).
fn another_picture(person: &str) -> Image {
    Image::from_bytes(marked_jpeg(&Marker::person(person), 400, 300))
}

#[tokio::test]
async fn search_finds_the_same_person_and_nobody_else() {
    let (_emulator, client) = start().await;
    for p in ["frank", "grace", "heidi"] {
        person_in_group(&client, "staff", p).await;
    }
    let found = client
        .search_faces()
        .group_ids(vec!["staff".into()])
        .image(another_picture("grace"))
        .need_person_info(1)
        .send()
        .await
        .unwrap();
    assert_eq!(found.face_num, 3);
    let best = &found.results[0].candidates[0];
    assert_eq!(best.person_id, "grace");
    assert!(
        (99.0..100.0).contains(&best.score),
        "same person, other image: {}",
        best.score
    );
    assert!(!best.face_id.is_empty());
    assert_eq!(best.person_name.as_deref(), Some("grace name"));
    assert!(found.results[0].candidates[1..]
        .iter()
        .all(|c| c.score < 30.0));

    let strict = client
        .search_persons()
        .group_ids(vec!["staff".into()])
        .image(face_of("grace"))
        .face_match_threshold(80.0)
        .send()
        .await
        .unwrap();
    assert_eq!(strict.person_num, 3);
    let candidates = &strict.results[0].candidates;
    assert_eq!(candidates.len(), 1);
    assert_eq!(candidates[0].score, 100.0, "the very same image");
    assert_eq!(candidates[0].face_id, "", "person search fuses faces");
    assert_eq!(candidates[0].person_name, None, "NeedPersonInfo not set");

    let stranger = client
        .search_persons()
        .group_ids(vec!["staff".into()])
        .image(face_of("mallory"))
        .face_match_threshold(80.0)
        .send()
        .await
        .unwrap();
    assert!(stranger.results[0].candidates.is_empty());

    let capped = client
        .search_faces()
        .group_ids(vec!["staff".into()])
        .image(face_of("frank"))
        .max_person_num(2)
        .send()
        .await
        .unwrap();
    assert_eq!(capped.results[0].candidates.len(), 2);

    assert_eq!(
        code(
            client
                .search_faces()
                .group_ids(vec!["nope".into()])
                .image(face_of("x"))
                .send()
                .await
        ),
        "InvalidParameterValue.GroupIdNotExist"
    );
    client
        .create_group()
        .group_name("Empty")
        .group_id("empty")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(
            client
                .search_faces()
                .group_ids(vec!["empty".into()])
                .image(face_of("x"))
                .send()
                .await
        ),
        "InvalidParameterValue.NoFaceInGroups"
    );
}

#[tokio::test]
async fn several_faces_and_results_by_group() {
    let (_emulator, client) = start().await;
    person_in_group(&client, "a", "ivan").await;
    person_in_group(&client, "b", "judy").await;
    let crowd = Image::from_bytes(marked_png(&Marker::person("ivan").faces(3), 600, 200));
    let faces = client
        .search_faces()
        .group_ids(vec!["a".into(), "b".into()])
        .image(crowd.clone())
        .max_face_num(2)
        .send()
        .await
        .unwrap();
    assert_eq!(faces.results.len(), 2, "MaxFaceNum caps the faces searched");
    assert_ne!(faces.results[0].face_rect.x, faces.results[1].face_rect.x);

    let by_group = client
        .search_persons_returns_by_group()
        .group_ids(vec!["a".into(), "b".into()])
        .image(crowd.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(by_group.person_num, 2);
    let groups = &by_group.results_returns_by_group[0].group_candidates;
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].group_id, "a");
    assert_eq!(groups[0].candidates[0].person_id, "ivan");
    assert!(groups[0].candidates[0].score >= 99.0);
    assert!(groups[1].candidates[0].score < 30.0);

    let faces_by_group = client
        .search_faces_returns_by_group()
        .group_ids(vec!["b".into()])
        .image(crowd)
        .max_person_num_per_group(1)
        .send()
        .await
        .unwrap();
    assert_eq!(faces_by_group.face_num, 1);
    assert_eq!(
        faces_by_group.results_returns_by_group[0].group_candidates[0]
            .candidates
            .len(),
        1
    );
}

#[tokio::test]
async fn verify_and_compare() {
    let (_emulator, client) = start().await;
    person_in_group(&client, "g", "kim").await;
    let yes = client
        .verify_face()
        .person_id("kim")
        .image(another_picture("kim"))
        .send()
        .await
        .unwrap();
    assert!(yes.is_match && yes.score >= 99.0);
    let no = client
        .verify_person()
        .person_id("kim")
        .image(face_of("leo"))
        .send()
        .await
        .unwrap();
    assert!(!no.is_match && no.score < 30.0);
    assert_eq!(
        code(
            client
                .verify_face()
                .person_id("nobody")
                .image(face_of("kim"))
                .send()
                .await
        ),
        "InvalidParameterValue.PersonIdNotExist"
    );

    let same = client
        .compare_face()
        .image_a(face_of("kim"))
        .image_b(face_of("kim"))
        .send()
        .await
        .unwrap();
    assert_eq!(same.score, 100.0);
    let different = client
        .detect_face_similarity()
        .image_a(face_of("kim"))
        .image_b(face_of("leo"))
        .send()
        .await
        .unwrap();
    assert!(different.score < 30.0);
    let again = client
        .detect_face_similarity()
        .image_a(face_of("leo"))
        .image_b(face_of("kim"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.score, different.score, "deterministic and symmetric");
    // Without markers, equal bytes are the same person.
    let plain = tencentcloud_iai_emulator::testimage::png(64, 64);
    let by_bytes = client
        .compare_face()
        .image_a(Image::from_bytes(plain.clone()))
        .image_b(Image::from_bytes(plain))
        .send()
        .await
        .unwrap();
    assert_eq!(by_bytes.score, 100.0);
}

/// CompareMaskFace (mainland site) scores like CompareFace: the same person 100, others low.
#[tokio::test]
async fn masked_faces_are_compared_like_faces() {
    let (_emulator, client) = start().await;
    let same = client
        .compare_mask_face()
        .image_a(face_of("kim"))
        .image_b(face_of("kim"))
        .send()
        .await
        .unwrap();
    assert_eq!(same.score, 100.0);
    let different = client
        .compare_mask_face()
        .image_a(face_of("kim"))
        .image_b(face_of("leo"))
        .send()
        .await
        .unwrap();
    assert!(different.score < 30.0, "{}", different.score);
}
