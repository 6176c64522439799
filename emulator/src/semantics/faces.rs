//! Faces of a person: add (up to the per-person limit), delete (never the last one).

use serde_json::{json, Value};

use super::{image_error, min_quality, object, person_not_found, score, Answer, ApiError, Params};
use crate::image::SeenImage;
use crate::state::{Face, State};

/// The API's limit of faces per person.
pub const MAX_FACES_PER_PERSON: usize = 5;
/// `RetCode`s of CreateFace, per image, as documented.
const RET_OK: i64 = 0;
const RET_NO_FACE: i64 = -1101;
const RET_QUALITY: i64 = -1601;
const RET_NOT_SIMILAR: i64 = -1604;

pub fn create_face(state: &mut State, p: &Params) -> Answer {
    let person_id = p.required("PersonId");
    let person = state
        .persons
        .get(person_id)
        .ok_or_else(|| person_not_found(person_id))?;
    // Urls win over Images when both are given, as for every image parameter.
    let urls = p.strings("Urls");
    let images: Vec<Result<SeenImage, _>> = if urls.is_empty() {
        p.strings("Images")
            .into_iter()
            .map(SeenImage::from_base64)
            .collect()
    } else {
        urls.into_iter().map(SeenImage::from_url).collect()
    };
    if images.is_empty() {
        return Err(image_error(crate::image::ImageProblem::Empty));
    }
    if person.faces.len() + images.len() > MAX_FACES_PER_PERSON {
        return Err(ApiError::new(
            "InvalidParameterValue.PersonFaceNumExceed",
            format!(
                "A person has at most {MAX_FACES_PER_PERSON} faces; {} has {}.",
                person_id,
                person.faces.len()
            ),
        ));
    }
    let threshold = p.f64("FaceMatchThreshold").unwrap_or(60.0);
    let quality = min_quality(p.u64("QualityControl"));
    let existing: Vec<(String, String)> = person
        .faces
        .iter()
        .map(|f| (f.identity.clone(), f.digest.clone()))
        .collect();
    let mut ret_codes = Vec::new();
    let mut added = Vec::new();
    for (index, image) in images.into_iter().enumerate() {
        let seen = image.map_err(image_error)?;
        let identity = seen.face_identity(0);
        let best = existing
            .iter()
            .map(|(i, d)| score((i, d), (&identity, &seen.digest)))
            .fold(0.0, f64::max);
        let code = if seen.faces == 0 {
            RET_NO_FACE
        } else if seen.quality < quality {
            RET_QUALITY
        } else if best < threshold {
            RET_NOT_SIMILAR
        } else {
            RET_OK
        };
        ret_codes.push(code);
        if code == RET_OK {
            added.push((index, identity, seen.digest.clone(), seen.face_rect(0)));
        }
    }
    let mut faces = Vec::new();
    for (index, identity, digest, rect) in added {
        faces.push((
            index,
            Face {
                id: state.new_face_id(),
                identity,
                digest,
                rect,
            },
        ));
    }
    let answer = json!({
        "SucFaceNum": faces.len(),
        "SucFaceIds": faces.iter().map(|(_, f)| f.id.clone()).collect::<Vec<_>>(),
        "RetCode": ret_codes,
        "SucIndexes": faces.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        "SucFaceRects": faces.iter().map(|(_, f)| super::rect_json(f.rect)).collect::<Vec<Value>>(),
        "FaceModelVersion": "3.0",
    });
    if let Some(person) = state.persons.get_mut(person_id) {
        person.faces.extend(faces.into_iter().map(|(_, f)| f));
    }
    Ok(object(answer))
}

pub fn delete_face(state: &mut State, p: &Params) -> Answer {
    let person_id = p.required("PersonId");
    let person = state
        .persons
        .get_mut(person_id)
        .ok_or_else(|| person_not_found(person_id))?;
    // Faces of this person, each once; other IDs are ignored.
    let mut doomed: Vec<String> = Vec::new();
    for id in p.strings("FaceIds") {
        if person.faces.iter().any(|f| f.id == id) && !doomed.iter().any(|d| d == id) {
            doomed.push(id.to_owned());
        }
    }
    let left = person
        .faces
        .iter()
        .filter(|f| !doomed.contains(&f.id))
        .count();
    if left == 0 {
        return Err(ApiError::new(
            "InvalidParameterValue.DeleteFaceNumExceed",
            "A person keeps at least one face; delete the person instead.",
        ));
    }
    person.faces.retain(|f| !doomed.contains(&f.id));
    Ok(object(
        json!({"SucDeletedNum": doomed.len(), "SucFaceIds": doomed}),
    ))
}
