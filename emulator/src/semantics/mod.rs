//! What each action does to the account, by action name. Actions without modelled semantics
//! (e.g. one added to the spec later) answer their first successful spec example.

mod detect;
mod faces;
mod groups;
mod persons;
mod search;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::image::{ImageProblem, SeenImage};
use crate::state::State;

/// An API error answer: code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// The `Response` object of a successful call, without `RequestId`; or an error.
pub type Answer = Result<Map<String, Value>, ApiError>;

/// How an action with modelled semantics runs.
#[derive(Clone, Copy)]
pub enum Handler {
    /// Reads the account.
    Read(fn(&State, &Params) -> Answer),
    /// Changes the account; a successful answer is saved before it is sent.
    Write(fn(&mut State, &Params) -> Answer),
}

/// The modelled semantics of `action`, or `None` when it answers its spec example.
pub fn handler(action: &str) -> Option<Handler> {
    use Handler::{Read, Write};
    Some(match action {
        "CreateGroup" => Write(groups::create_group),
        "GetGroupInfo" => Read(groups::get_group_info),
        "GetGroupList" => Read(groups::get_group_list),
        "ModifyGroup" => Write(groups::modify_group),
        "DeleteGroup" => Write(groups::delete_group),
        "CreatePerson" => Write(persons::create_person),
        "GetPersonBaseInfo" => Read(persons::get_person_base_info),
        "GetPersonList" => Read(persons::get_person_list),
        "GetPersonListNum" => Read(persons::get_person_list_num),
        "GetPersonGroupInfo" => Read(persons::get_person_group_info),
        "CopyPerson" => Write(persons::copy_person),
        "ModifyPersonGroupInfo" => Write(persons::modify_person_group_info),
        "ModifyPersonBaseInfo" => Write(persons::modify_person_base_info),
        "DeletePersonFromGroup" => Write(persons::delete_person_from_group),
        "DeletePerson" => Write(persons::delete_person),
        "CreateFace" => Write(faces::create_face),
        "DeleteFace" => Write(faces::delete_face),
        "SearchFaces" => Read(search::search_faces),
        "SearchPersons" => Read(search::search_persons),
        "SearchFacesReturnsByGroup" => Read(search::search_faces_returns_by_group),
        "SearchPersonsReturnsByGroup" => Read(search::search_persons_returns_by_group),
        "VerifyFace" => Read(search::verify),
        "VerifyPerson" => Read(search::verify),
        "CompareFace" | "CompareMaskFace" => Read(search::compare_face),
        "DetectFaceSimilarity" => Read(search::detect_face_similarity),
        "DetectFace" => Read(detect::detect_face),
        "DetectFaceAttributes" => Read(detect::detect_face_attributes),
        "AnalyzeFace" => Read(detect::analyze_face),
        "AnalyzeDenseLandmarks" => Read(detect::analyze_dense_landmarks),
        "DetectLiveFaceAccurate" => Read(detect::detect_live_face_accurate),
        _ => return None,
    })
}

/// The names of every action with modelled semantics (for docs and the admin API).
pub const MODELLED: &[&str] = &[
    "AnalyzeDenseLandmarks",
    "AnalyzeFace",
    "CompareFace",
    "CompareMaskFace",
    "CopyPerson",
    "CreateFace",
    "CreateGroup",
    "CreatePerson",
    "DeleteFace",
    "DeleteGroup",
    "DeletePerson",
    "DeletePersonFromGroup",
    "DetectFace",
    "DetectFaceAttributes",
    "DetectFaceSimilarity",
    "DetectLiveFaceAccurate",
    "GetGroupInfo",
    "GetGroupList",
    "GetPersonBaseInfo",
    "GetPersonGroupInfo",
    "GetPersonList",
    "GetPersonListNum",
    "ModifyGroup",
    "ModifyPersonBaseInfo",
    "ModifyPersonGroupInfo",
    "SearchFaces",
    "SearchFacesReturnsByGroup",
    "SearchPersons",
    "SearchPersonsReturnsByGroup",
    "VerifyFace",
    "VerifyPerson",
];

/// The first successful example's response of an action without modelled semantics.
pub fn example_answer(entry: &tencentcloud_iai::runtime::action_table::ActionEntry) -> Answer {
    let example = entry.examples.iter().find(|e| !e.is_error).ok_or_else(|| {
        ApiError::new(
            "InternalError",
            format!(
                "the emulator has no semantics and the spec no example for {}",
                entry.name
            ),
        )
    })?;
    match serde_json::from_str(example.output_json) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::new(
            "InternalError",
            "the spec example is not a JSON object",
        )),
    }
}

/// Request parameters, already checked against the generated request type.
pub struct Params<'a>(pub &'a Map<String, Value>);

impl Params<'_> {
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// A parameter the generated type requires (so present once checked).
    pub fn required(&self, name: &str) -> &str {
        self.str(name).unwrap_or_default()
    }

    pub fn u64(&self, name: &str) -> Option<u64> {
        self.0.get(name).and_then(Value::as_u64)
    }

    pub fn i64(&self, name: &str) -> Option<i64> {
        self.0.get(name).and_then(Value::as_i64)
    }

    pub fn f64(&self, name: &str) -> Option<f64> {
        self.0.get(name).and_then(Value::as_f64)
    }

    pub fn strings(&self, name: &str) -> Vec<&str> {
        self.list(name).iter().filter_map(Value::as_str).collect()
    }

    pub fn list(&self, name: &str) -> &[Value] {
        self.0
            .get(name)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The image given by `url` (which wins, as documented) or `image`.
    pub fn image(&self, image: &str, url: &str) -> Result<SeenImage, ApiError> {
        let seen = match (self.str(url).filter(|u| !u.is_empty()), self.str(image)) {
            (Some(url), _) => SeenImage::from_url(url),
            (None, Some(data)) => SeenImage::from_base64(data),
            (None, None) => Err(ImageProblem::Empty),
        };
        seen.map_err(image_error)
    }

    /// [`Params::image`] that must show at least one face.
    pub fn image_with_faces(&self, image: &str, url: &str) -> Result<SeenImage, ApiError> {
        let seen = self.image(image, url)?;
        if seen.faces == 0 {
            return Err(ApiError::new(
                "InvalidParameterValue.NoFaceInPhoto",
                "There is no face in the image.",
            ));
        }
        Ok(seen)
    }

    /// Whether the image's face quality meets `QualityControl`.
    pub fn quality_ok(&self, seen: &SeenImage) -> bool {
        seen.quality >= min_quality(self.u64("QualityControl"))
    }

    /// [`Params::image_with_faces`] whose face also meets `QualityControl`.
    pub fn face_image(&self, image: &str, url: &str) -> Result<SeenImage, ApiError> {
        let seen = self.image_with_faces(image, url)?;
        if !self.quality_ok(&seen) {
            return Err(ApiError::new(
                "FailedOperation.FaceQualityNotQualified",
                format!(
                    "The face quality {} does not meet QualityControl {}.",
                    seen.quality,
                    self.u64("QualityControl").unwrap_or(0)
                ),
            ));
        }
        Ok(seen)
    }
}

pub fn image_error(problem: ImageProblem) -> ApiError {
    match problem {
        ImageProblem::Empty => {
            ApiError::new("InvalidParameterValue.ImageEmpty", "The image is empty.")
        }
        ImageProblem::Undecodable(why) => ApiError::new(
            "FailedOperation.ImageDecodeFailed",
            format!("Image decoding failed: {why}."),
        ),
    }
}

/// The lowest marker quality each `QualityControl` level accepts.
pub fn min_quality(level: Option<u64>) -> u8 {
    match level.unwrap_or(0) {
        0 => 0,
        1 => 30,
        2 => 50,
        3 => 70,
        _ => 90,
    }
}

/// Similarity of two faces: 100 for the same image, 99.x for the same person in another
/// image, a deterministic score below 30 for different people.
pub fn score(a: (&str, &str), b: (&str, &str)) -> f64 {
    let (identity_a, digest_a) = a;
    let (identity_b, digest_b) = b;
    if identity_a == identity_b {
        if digest_a == digest_b {
            100.0
        } else {
            99.0 + (pair_hash(digest_a, digest_b) % 10) as f64 / 10.0
        }
    } else {
        (pair_hash(identity_a, identity_b) % 300) as f64 / 10.0
    }
}

/// Order-independent hash of two strings.
fn pair_hash(a: &str, b: &str) -> u64 {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    hash_of(&[lo, "\n", hi])
}

/// A stable number from text, for deterministic "measurements".
pub fn hash_of(parts: &[&str]) -> u64 {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

pub fn rect_json(rect: (i64, i64, u64, u64)) -> Value {
    serde_json::json!({"X": rect.0, "Y": rect.1, "Width": rect.2, "Height": rect.3})
}

/// Builds a `Map` from `json!({...})`.
pub fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `items[offset..offset+limit]`, clamped.
pub fn page<T>(items: &[T], offset: Option<u64>, limit: Option<u64>, default_limit: u64) -> &[T] {
    let start = (offset.unwrap_or(0) as usize).min(items.len());
    let len = limit.unwrap_or(default_limit) as usize;
    &items[start..items.len().min(start.saturating_add(len))]
}

pub fn group_not_found(id: &str) -> ApiError {
    ApiError::new(
        "InvalidParameterValue.GroupIdNotExist",
        format!("The group ID `{id}` does not exist."),
    )
}

pub fn person_not_found(id: &str) -> ApiError {
    ApiError::new(
        "InvalidParameterValue.PersonIdNotExist",
        format!("The person ID `{id}` does not exist."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_follow_the_contract() {
        assert_eq!(score(("person:a", "d1"), ("person:a", "d1")), 100.0);
        let same = score(("person:a", "d1"), ("person:a", "d2"));
        assert!((99.0..100.0).contains(&same), "{same}");
        let other = score(("person:a", "d1"), ("person:b", "d2"));
        assert!(other < 30.0);
        assert_eq!(other, score(("person:b", "d9"), ("person:a", "d7")));
    }

    /// What an action without modelled semantics answers: its first successful example,
    /// which must decode as the generated response (so a spec-only addition is served).
    #[test]
    fn every_spec_example_is_a_valid_answer() {
        for entry in tencentcloud_iai::action_table::ACTIONS {
            if !entry.examples.iter().any(|e| !e.is_error) {
                continue;
            }
            let mut answer = example_answer(entry).unwrap();
            answer.insert("RequestId".into(), Value::from("r"));
            (entry.check_response)(&Value::Object(answer))
                .unwrap_or_else(|e| panic!("{}: {e}", entry.name));
        }
    }

    #[test]
    fn every_modelled_action_has_a_handler() {
        for name in MODELLED {
            assert!(handler(name).is_some(), "{name}");
        }
    }
}
