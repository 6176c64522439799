//! A small application built on `tencentcloud-iai`, standing in for a user's code: its tests
//! (`tests/`) check it against the typed mock (feature `test-util`), through the public API only.

use std::fmt;

use tencentcloud_iai::operation::create_person::CreatePersonError;
use tencentcloud_iai::operation::get_group_info::GetGroupInfoError;
use tencentcloud_iai::{Client, SdkError};

/// A face directory over one Face Recognition account.
#[derive(Debug, Clone)]
pub struct FaceDirectory {
    client: Client,
}

/// Where a face was found in a picture, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceBox {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
}

/// What the application reports; service details are kept for the log.
#[derive(Debug)]
pub enum DirectoryError {
    /// The group does not exist (the service's `InvalidParameterValue.GroupIdNotExist`).
    UnknownGroup {
        group_id: String,
        request_id: Option<String>,
    },
    /// Any other failure of the call.
    Call(String),
}

impl fmt::Display for DirectoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DirectoryError::UnknownGroup { group_id, .. } => write!(f, "no group {group_id:?}"),
            DirectoryError::Call(problem) => write!(f, "face service call failed: {problem}"),
        }
    }
}

impl std::error::Error for DirectoryError {}

impl FaceDirectory {
    pub fn new(client: Client) -> Self {
        FaceDirectory { client }
    }

    /// `Staff (staff): 2 description fields, model 3.0`.
    pub async fn describe_group(&self, group_id: &str) -> Result<String, DirectoryError> {
        match self.client.get_group_info().group_id(group_id).send().await {
            Ok(group) => Ok(format!(
                "{} ({}): {} description fields, model {}",
                group.group_name,
                group.group_id,
                group.group_ex_descriptions.len(),
                group.face_model_version
            )),
            Err(SdkError::Service(GetGroupInfoError::InvalidParameterValueGroupIdNotExist(
                meta,
            ))) => Err(DirectoryError::UnknownGroup {
                group_id: group_id.to_owned(),
                request_id: meta.request_id,
            }),
            Err(other) => Err(DirectoryError::Call(other.to_string())),
        }
    }

    /// The faces in the picture at `url`, largest first, at most 5.
    pub async fn faces_in(&self, url: &str) -> Result<Vec<FaceBox>, DirectoryError> {
        let detected = self
            .client
            .detect_face()
            .url(url)
            .max_face_num(5)
            .send()
            .await
            .map_err(|e| DirectoryError::Call(e.to_string()))?;
        let mut faces: Vec<FaceBox> = detected
            .face_infos
            .iter()
            .map(|face| FaceBox {
                x: face.x,
                y: face.y,
                width: face.width,
                height: face.height,
            })
            .collect();
        faces.sort_by_key(|face| std::cmp::Reverse(face.width * face.height));
        Ok(faces)
    }

    /// Enrolls a person from the picture at `url`; returns the new face's id.
    pub async fn enroll(
        &self,
        group_id: &str,
        person_id: &str,
        name: &str,
        url: &str,
    ) -> Result<String, SdkError<CreatePersonError>> {
        let created = self
            .client
            .create_person()
            .group_id(group_id)
            .person_name(name)
            .person_id(person_id)
            .url(url)
            .send()
            .await?;
        Ok(created.face_id)
    }
}
