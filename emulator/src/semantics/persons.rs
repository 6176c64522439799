//! Persons: create (with a first face), read, list, count, group membership, modify, delete.

use serde_json::{json, Value};

use super::{group_not_found, object, page, person_not_found, score, Answer, ApiError, Params};
use crate::state::{Face, Membership, Person, State};

/// How many groups one person may join.
const MAX_GROUPS_PER_PERSON: usize = 100;

pub fn create_person(state: &mut State, p: &Params) -> Answer {
    let group_id = p.required("GroupId");
    let person_id = p.required("PersonId");
    let group = state
        .groups
        .get(group_id)
        .ok_or_else(|| group_not_found(group_id))?;
    if state.persons.contains_key(person_id) {
        return Err(ApiError::new(
            "InvalidParameterValue.PersonIdAlreadyExist",
            format!("The person ID `{person_id}` already exists."),
        ));
    }
    let ex_descriptions = ex_description_values(
        p.list("PersonExDescriptionInfos"),
        vec![String::new(); group.ex_descriptions.len()],
    )?;
    let seen = p.face_image("Image", "Url")?;
    let identity = seen.face_identity(0);
    if p.u64("UniquePersonControl").unwrap_or(0) > 0 {
        let similar = group.members.iter().find(|m| {
            state.persons.get(&m.person_id).is_some_and(|person| {
                person
                    .faces
                    .iter()
                    .any(|f| score((&f.identity, &f.digest), (&identity, &seen.digest)) >= 80.0)
            })
        });
        if let Some(similar) = similar {
            return Ok(object(json!({
                "FaceId": "", "FaceRect": null, "SimilarPersonId": similar.person_id,
                "FaceModelVersion": group.face_model_version,
            })));
        }
    }
    let version = group.face_model_version.clone();
    let face = Face {
        id: state.new_face_id(),
        identity,
        digest: seen.digest.clone(),
        rect: seen.face_rect(0),
    };
    let answer = json!({
        "FaceId": face.id, "FaceRect": super::rect_json(face.rect), "SimilarPersonId": "",
        "FaceModelVersion": version,
    });
    let person = Person {
        id: person_id.to_owned(),
        name: p.required("PersonName").to_owned(),
        gender: p.i64("Gender").unwrap_or(0),
        created_ms: state.timestamp_ms(),
        faces: vec![face],
    };
    state.persons.insert(person_id.to_owned(), person);
    if let Some(group) = state.groups.get_mut(group_id) {
        group.members.push(Membership {
            person_id: person_id.to_owned(),
            ex_descriptions,
        });
    }
    Ok(object(answer))
}

pub fn get_person_base_info(state: &State, p: &Params) -> Answer {
    let person = find_person(state, p.required("PersonId"))?;
    Ok(object(json!({
        "PersonName": person.name, "Gender": person.gender, "FaceIds": face_ids(person),
    })))
}

pub fn get_person_list(state: &State, p: &Params) -> Answer {
    let group_id = p.required("GroupId");
    let group = state
        .groups
        .get(group_id)
        .ok_or_else(|| group_not_found(group_id))?;
    let infos: Vec<Value> = page(&group.members, p.u64("Offset"), p.u64("Limit"), 10)
        .iter()
        .filter_map(|m| {
            let person = state.persons.get(&m.person_id)?;
            Some(json!({
                "PersonName": person.name, "PersonId": person.id, "Gender": person.gender,
                "PersonExDescriptions": m.ex_descriptions, "FaceIds": face_ids(person),
                "CreationTimestamp": person.created_ms,
            }))
        })
        .collect();
    let (persons, faces) = counts(state, group_id);
    Ok(object(json!({
        "PersonInfos": infos, "PersonNum": persons, "FaceNum": faces,
        "FaceModelVersion": group.face_model_version,
    })))
}

pub fn get_person_list_num(state: &State, p: &Params) -> Answer {
    let group_id = p.required("GroupId");
    if !state.groups.contains_key(group_id) {
        return Err(group_not_found(group_id));
    }
    let (persons, faces) = counts(state, group_id);
    Ok(object(json!({"PersonNum": persons, "FaceNum": faces})))
}

pub fn get_person_group_info(state: &State, p: &Params) -> Answer {
    let person_id = p.required("PersonId");
    find_person(state, person_id)?;
    let groups: Vec<Value> = state
        .groups_of(person_id)
        .map(|g| {
            let values = g
                .members
                .iter()
                .find(|m| m.person_id == person_id)
                .map(|m| m.ex_descriptions.clone())
                .unwrap_or_default();
            json!({"GroupId": g.id, "PersonExDescriptions": values})
        })
        .collect();
    let shown = page(&groups, p.u64("Offset"), p.u64("Limit"), 10);
    Ok(object(json!({
        "PersonGroupInfos": shown, "GroupNum": groups.len(), "FaceModelVersion": "3.0",
    })))
}

pub fn copy_person(state: &mut State, p: &Params) -> Answer {
    let person_id = p.required("PersonId");
    find_person(state, person_id)?;
    let targets = p.strings("GroupIds");
    if let Some(missing) = targets.iter().find(|g| !state.groups.contains_key(**g)) {
        return Err(group_not_found(missing));
    }
    let already = state.groups_of(person_id).count();
    let new: Vec<&str> = {
        let mut new: Vec<&str> = Vec::new();
        for g in &targets {
            let group = &state.groups[*g];
            if state.group_of_person(group, person_id).is_none() && !new.contains(g) {
                new.push(g);
            }
        }
        new
    };
    if already + new.len() > MAX_GROUPS_PER_PERSON {
        return Err(ApiError::new(
            "InvalidParameterValue.GroupNumPerPersonExceed",
            format!("A person can be in at most {MAX_GROUPS_PER_PERSON} groups."),
        ));
    }
    for g in &new {
        if let Some(group) = state.groups.get_mut(*g) {
            let fields = group.ex_descriptions.len();
            group.members.push(Membership {
                person_id: person_id.to_owned(),
                ex_descriptions: vec![String::new(); fields],
            });
        }
    }
    Ok(object(
        json!({"SucGroupNum": new.len(), "SucGroupIds": new}),
    ))
}

pub fn modify_person_group_info(state: &mut State, p: &Params) -> Answer {
    let (group_id, person_id) = (p.required("GroupId"), p.required("PersonId"));
    let position = membership(state, group_id, person_id)?;
    let group = state.groups.get_mut(group_id).expect("membership checked");
    let current = group.members[position].ex_descriptions.clone();
    let values = ex_description_values(p.list("PersonExDescriptionInfos"), current)?;
    group.members[position].ex_descriptions = values;
    Ok(Default::default())
}

pub fn modify_person_base_info(state: &mut State, p: &Params) -> Answer {
    let person_id = p.required("PersonId");
    let person = state
        .persons
        .get_mut(person_id)
        .ok_or_else(|| person_not_found(person_id))?;
    if let Some(name) = p.str("PersonName") {
        person.name = name.to_owned();
    }
    if let Some(gender) = p.i64("Gender") {
        person.gender = gender;
    }
    Ok(Default::default())
}

pub fn delete_person_from_group(state: &mut State, p: &Params) -> Answer {
    let (group_id, person_id) = (p.required("GroupId"), p.required("PersonId"));
    let position = membership(state, group_id, person_id)?;
    if let Some(group) = state.groups.get_mut(group_id) {
        group.members.remove(position);
    }
    // Only in this group: the person is deleted with its faces.
    if state.groups_of(person_id).next().is_none() {
        state.persons.remove(person_id);
    }
    Ok(Default::default())
}

pub fn delete_person(state: &mut State, p: &Params) -> Answer {
    let person_id = p.required("PersonId");
    state
        .persons
        .remove(person_id)
        .ok_or_else(|| person_not_found(person_id))?;
    for group in state.groups.values_mut() {
        group.members.retain(|m| m.person_id != person_id);
    }
    Ok(Default::default())
}

fn find_person<'a>(state: &'a State, id: &str) -> Result<&'a Person, ApiError> {
    state.persons.get(id).ok_or_else(|| person_not_found(id))
}

fn face_ids(person: &Person) -> Vec<&str> {
    person.faces.iter().map(|f| f.id.as_str()).collect()
}

/// Persons and faces in a group.
fn counts(state: &State, group_id: &str) -> (usize, usize) {
    let group = &state.groups[group_id];
    let faces = group
        .members
        .iter()
        .filter_map(|m| state.persons.get(&m.person_id))
        .map(|p| p.faces.len())
        .sum();
    (group.members.len(), faces)
}

/// Index of the person's membership in the group, with the documented errors.
fn membership(state: &State, group_id: &str, person_id: &str) -> Result<usize, ApiError> {
    let group = state
        .groups
        .get(group_id)
        .ok_or_else(|| group_not_found(group_id))?;
    find_person(state, person_id)?;
    state.group_of_person(group, person_id).ok_or_else(|| {
        ApiError::new(
            "FailedOperation.GroupPersonMapNotExist",
            format!("The person `{person_id}` is not in the group `{group_id}`."),
        )
    })
}

/// Applies `PersonExDescriptionInfos` (index → value) to the current values.
fn ex_description_values(
    infos: &[Value],
    mut values: Vec<String>,
) -> Result<Vec<String>, ApiError> {
    for info in infos {
        let index = info["PersonExDescriptionIndex"].as_u64().unwrap_or(0) as usize;
        let text = info["PersonExDescription"].as_str().unwrap_or_default();
        let slot = values.get_mut(index).ok_or_else(|| {
            ApiError::new(
                "InvalidParameterValue.PersonExDescriptionInfosExceed",
                format!("PersonExDescriptionIndex {index} is beyond the group's fields."),
            )
        })?;
        *slot = text.to_owned();
    }
    Ok(values)
}
