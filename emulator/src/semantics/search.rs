//! Search, verify and compare: scores from the image contract (same person 100 or 99.x,
//! different people below 30).

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::{
    group_not_found, object, person_not_found, rect_json, score, Answer, ApiError, Params,
};
use crate::image::SeenImage;
use crate::state::{Person, State};

/// `RetCode` of a searched face below `QualityControl`.
const RET_LOW_QUALITY: i64 = -1601;
/// `IsMatch` of VerifyFace/VerifyPerson: the documented fixed threshold.
const MATCH_THRESHOLD: f64 = 60.0;

/// One candidate person for one face of the query image.
struct Hit<'a> {
    person: &'a Person,
    face_id: &'a str,
    score: f64,
}

/// Which kind of search: by faces (FaceId filled) or by persons (fused, FaceId empty).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Faces,
    Persons,
}

pub fn search_faces(state: &State, p: &Params) -> Answer {
    search(state, p, Kind::Faces, false)
}

pub fn search_persons(state: &State, p: &Params) -> Answer {
    search(state, p, Kind::Persons, false)
}

pub fn search_faces_returns_by_group(state: &State, p: &Params) -> Answer {
    search(state, p, Kind::Faces, true)
}

pub fn search_persons_returns_by_group(state: &State, p: &Params) -> Answer {
    search(state, p, Kind::Persons, true)
}

fn search(state: &State, p: &Params, kind: Kind, by_group: bool) -> Answer {
    let group_ids = p.strings("GroupIds");
    if let Some(missing) = group_ids.iter().find(|g| !state.groups.contains_key(**g)) {
        return Err(group_not_found(missing));
    }
    let persons_in = |groups: &[&str]| -> Vec<&Person> {
        let ids: BTreeSet<&str> = groups
            .iter()
            .flat_map(|g| {
                state.groups[*g]
                    .members
                    .iter()
                    .map(|m| m.person_id.as_str())
            })
            .collect();
        ids.iter().filter_map(|id| state.persons.get(*id)).collect()
    };
    let everyone = persons_in(&group_ids);
    let face_total: usize = everyone.iter().map(|p| p.faces.len()).sum();
    if face_total == 0 {
        return Err(ApiError::new(
            "InvalidParameterValue.NoFaceInGroups",
            "There are no faces in the groups searched.",
        ));
    }
    // A face below QualityControl is answered per face (RetCode -1601, no candidates), as
    // documented for the search actions.
    let seen = p.image_with_faces("Image", "Url")?;
    let (ret_code, threshold_for_quality) = if p.quality_ok(&seen) {
        (0, None)
    } else {
        (RET_LOW_QUALITY, Some(f64::INFINITY))
    };
    let face_count = seen
        .faces
        .min(p.u64("MaxFaceNum").unwrap_or(1).max(1) as u32);
    let threshold = threshold_for_quality.unwrap_or(p.f64("FaceMatchThreshold").unwrap_or(0.0));
    let person_info = p.i64("NeedPersonInfo").unwrap_or(0) == 1;
    let per_face = |index: u32, pool: &[&Person], limit: u64| -> Vec<Value> {
        let hits = ranked(&seen, index, pool, threshold);
        hits.iter()
            .take(limit as usize)
            .map(|hit| candidate(state, hit, kind, person_info))
            .collect()
    };
    let mut results = Vec::new();
    for index in 0..face_count {
        let rect = rect_json(seen.face_rect(index));
        if by_group {
            let limit = p.u64("MaxPersonNumPerGroup").unwrap_or(5);
            let groups: Vec<Value> = group_ids
                .iter()
                .map(|g| {
                    let pool = persons_in(&[g]);
                    json!({"GroupId": g, "Candidates": per_face(index, &pool, limit)})
                })
                .collect();
            results.push(json!({"FaceRect": rect, "GroupCandidates": groups, "RetCode": ret_code}));
        } else {
            let limit = p.u64("MaxPersonNum").unwrap_or(5);
            let candidates = per_face(index, &everyone, limit);
            results.push(json!({"Candidates": candidates, "FaceRect": rect, "RetCode": ret_code}));
        }
    }
    let mut answer = Map::new();
    answer.insert(
        if by_group {
            "ResultsReturnsByGroup"
        } else {
            "Results"
        }
        .into(),
        Value::Array(results),
    );
    match kind {
        Kind::Faces => answer.insert("FaceNum".into(), json!(face_total)),
        Kind::Persons => answer.insert("PersonNum".into(), json!(everyone.len())),
    };
    answer.insert("FaceModelVersion".into(), json!("3.0"));
    Ok(answer)
}

/// Persons of `pool` by their best face's score against face `index`, best first.
fn ranked<'a>(seen: &SeenImage, index: u32, pool: &[&'a Person], threshold: f64) -> Vec<Hit<'a>> {
    let identity = seen.face_identity(index);
    let mut hits: Vec<Hit<'a>> = pool
        .iter()
        .filter_map(|person| {
            person
                .faces
                .iter()
                .map(|f| {
                    (
                        f.id.as_str(),
                        score((&f.identity, &f.digest), (&identity, &seen.digest)),
                    )
                })
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(face_id, score)| Hit {
                    person,
                    face_id,
                    score,
                })
        })
        .filter(|hit| hit.score >= threshold)
        .collect();
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.person.id.cmp(&b.person.id))
    });
    hits
}

fn candidate(state: &State, hit: &Hit<'_>, kind: Kind, person_info: bool) -> Value {
    let face_id = if kind == Kind::Faces { hit.face_id } else { "" };
    let (name, gender, groups) = if person_info {
        let groups: Vec<Value> = state
            .groups_of(&hit.person.id)
            .map(|g| {
                let values = g
                    .members
                    .iter()
                    .find(|m| m.person_id == hit.person.id)
                    .map(|m| m.ex_descriptions.clone())
                    .unwrap_or_default();
                json!({"GroupId": g.id, "PersonExDescriptions": values})
            })
            .collect();
        (
            json!(hit.person.name),
            json!(hit.person.gender),
            json!(groups),
        )
    } else {
        (Value::Null, Value::Null, Value::Null)
    };
    json!({
        "PersonId": hit.person.id, "FaceId": face_id, "Score": hit.score,
        "PersonName": name, "Gender": gender, "PersonGroupInfos": groups,
    })
}

/// VerifyFace and VerifyPerson: the image against one person's faces.
pub fn verify(state: &State, p: &Params) -> Answer {
    let person_id = p.required("PersonId");
    let person = state
        .persons
        .get(person_id)
        .ok_or_else(|| person_not_found(person_id))?;
    let seen = p.face_image("Image", "Url")?;
    let best = ranked(&seen, 0, &[person], 0.0)
        .first()
        .map_or(0.0, |hit| hit.score);
    Ok(object(json!({
        "Score": best, "IsMatch": best >= MATCH_THRESHOLD, "FaceModelVersion": "3.0",
    })))
}

pub fn compare_face(_: &State, p: &Params) -> Answer {
    let score = pair_score(p)?;
    Ok(object(json!({"Score": score, "FaceModelVersion": "3.0"})))
}

pub fn detect_face_similarity(_: &State, p: &Params) -> Answer {
    let score = pair_score(p)?;
    Ok(object(json!({"Score": score})))
}

fn pair_score(p: &Params) -> Result<f64, ApiError> {
    let a = p.face_image("ImageA", "UrlA")?;
    let b = p.face_image("ImageB", "UrlB")?;
    Ok(score(
        (&a.face_identity(0), &a.digest),
        (&b.face_identity(0), &b.digest),
    ))
}
