//! Groups: create, read, list, modify, delete.

use serde_json::{json, Value};

use super::{group_not_found, object, page, Answer, ApiError, Params};
use crate::state::{Group, State};

/// The API's limit on custom description fields per group.
const MAX_EX_DESCRIPTIONS: usize = 5;

pub fn create_group(state: &mut State, p: &Params) -> Answer {
    let id = p.required("GroupId");
    let name = p.required("GroupName");
    if state.groups.contains_key(id) {
        return Err(ApiError::new(
            "InvalidParameterValue.GroupIdAlreadyExist",
            format!("The group ID `{id}` already exists."),
        ));
    }
    check_unique_name(state, name, None)?;
    let ex_descriptions: Vec<String> = p
        .strings("GroupExDescriptions")
        .into_iter()
        .map(str::to_owned)
        .collect();
    check_ex_descriptions(&ex_descriptions)?;
    let version = p.str("FaceModelVersion").unwrap_or("3.0").to_owned();
    let group = Group {
        id: id.to_owned(),
        name: name.to_owned(),
        ex_descriptions,
        tag: p.str("Tag").unwrap_or_default().to_owned(),
        face_model_version: version.clone(),
        created_ms: state.timestamp_ms(),
        members: Vec::new(),
    };
    state.groups.insert(id.to_owned(), group);
    Ok(object(json!({"FaceModelVersion": version})))
}

pub fn get_group_info(state: &State, p: &Params) -> Answer {
    let id = p.required("GroupId");
    let group = state.groups.get(id).ok_or_else(|| group_not_found(id))?;
    Ok(object(group_json(group)))
}

pub fn get_group_list(state: &State, p: &Params) -> Answer {
    let mut groups: Vec<&Group> = state.groups.values().collect();
    groups.sort_by_key(|g| (g.created_ms, g.id.clone()));
    let infos: Vec<Value> = page(&groups, p.u64("Offset"), p.u64("Limit"), 10)
        .iter()
        .map(|g| group_json(g))
        .collect();
    Ok(object(
        json!({"GroupInfos": infos, "GroupNum": groups.len()}),
    ))
}

pub fn modify_group(state: &mut State, p: &Params) -> Answer {
    let id = p.required("GroupId");
    let mut group = state
        .groups
        .get(id)
        .cloned()
        .ok_or_else(|| group_not_found(id))?;
    if let Some(name) = p.str("GroupName") {
        check_unique_name(state, name, Some(id))?;
        group.name = name.to_owned();
    }
    for info in p.list("GroupExDescriptionInfos") {
        let index = info["GroupExDescriptionIndex"].as_u64().unwrap_or(0) as usize;
        let text = info["GroupExDescription"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if index < group.ex_descriptions.len() {
            group.ex_descriptions[index] = text;
        } else if index == group.ex_descriptions.len() {
            group.ex_descriptions.push(text);
            for member in &mut group.members {
                member.ex_descriptions.push(String::new());
            }
        } else {
            return Err(ApiError::new(
                "InvalidParameterValue.GroupExDescriptionsExceed",
                format!("GroupExDescriptionIndex {index} is beyond the group's fields."),
            ));
        }
    }
    check_ex_descriptions(&group.ex_descriptions)?;
    if let Some(tag) = p.str("Tag") {
        group.tag = tag.to_owned();
    }
    state.groups.insert(id.to_owned(), group);
    Ok(Default::default())
}

pub fn delete_group(state: &mut State, p: &Params) -> Answer {
    let id = p.required("GroupId");
    let group = state.groups.remove(id).ok_or_else(|| group_not_found(id))?;
    // A person in no other group goes with it, faces and all.
    for member in group.members {
        if state.groups_of(&member.person_id).next().is_none() {
            state.persons.remove(&member.person_id);
        }
    }
    Ok(Default::default())
}

fn check_unique_name(state: &State, name: &str, except: Option<&str>) -> Result<(), ApiError> {
    if state
        .groups
        .values()
        .any(|g| g.name == name && Some(g.id.as_str()) != except)
    {
        return Err(ApiError::new(
            "InvalidParameterValue.GroupNameAlreadyExist",
            format!("The group name `{name}` already exists."),
        ));
    }
    Ok(())
}

fn check_ex_descriptions(fields: &[String]) -> Result<(), ApiError> {
    if fields.len() > MAX_EX_DESCRIPTIONS {
        return Err(ApiError::new(
            "InvalidParameterValue.GroupExDescriptionsExceed",
            format!("A group has at most {MAX_EX_DESCRIPTIONS} custom description fields."),
        ));
    }
    for (i, a) in fields.iter().enumerate() {
        if fields[..i].contains(a) {
            return Err(ApiError::new(
                "InvalidParameterValue.GroupExDescriptionsNameIdentical",
                format!("The custom description field `{a}` is given twice."),
            ));
        }
    }
    Ok(())
}

fn group_json(g: &Group) -> Value {
    json!({
        "GroupName": g.name,
        "GroupId": g.id,
        "GroupExDescriptions": g.ex_descriptions,
        "Tag": g.tag,
        "FaceModelVersion": g.face_model_version,
        "CreationTimestamp": g.created_ms,
    })
}
