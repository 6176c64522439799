//! The emulated account: groups, persons and faces, and how they reach the disk.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Everything the account holds. Serialised as is into the state file and the admin dump.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// By group ID.
    pub groups: BTreeMap<String, Group>,
    /// By person ID (unique in the account).
    pub persons: BTreeMap<String, Person>,
    /// Numbers the next face ID.
    pub next_face: u64,
    /// Milliseconds handed out as the last creation time, so times strictly increase.
    pub last_timestamp_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub name: String,
    /// Names of the custom description fields persons in this group may fill.
    pub ex_descriptions: Vec<String>,
    pub tag: String,
    pub face_model_version: String,
    pub created_ms: u64,
    /// Members in the order they joined.
    pub members: Vec<Membership>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub person_id: String,
    /// Values of the group's description fields, index for index.
    pub ex_descriptions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub gender: i64,
    pub created_ms: u64,
    pub faces: Vec<Face>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Face {
    pub id: String,
    /// Who the face shows (see `image::SeenImage::identity`).
    pub identity: String,
    /// SHA-256 of the image it came from.
    pub digest: String,
    pub rect: (i64, i64, u64, u64),
}

impl State {
    pub fn group_of_person(&self, group: &Group, person_id: &str) -> Option<usize> {
        group.members.iter().position(|m| m.person_id == person_id)
    }

    /// Groups the person belongs to, in group ID order.
    pub fn groups_of<'a>(&'a self, person_id: &'a str) -> impl Iterator<Item = &'a Group> + 'a {
        self.groups
            .values()
            .filter(move |g| g.members.iter().any(|m| m.person_id == person_id))
    }

    pub fn new_face_id(&mut self) -> String {
        self.next_face += 1;
        format!("face-{:016x}", self.next_face)
    }

    /// A creation time in milliseconds, strictly after every earlier one.
    pub fn timestamp_ms(&mut self) -> u64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        self.last_timestamp_ms = now.max(self.last_timestamp_ms + 1);
        self.last_timestamp_ms
    }
}

/// Where the state lives on disk; writes are atomic and durable.
#[derive(Debug, Clone)]
pub struct StateFile {
    path: PathBuf,
}

/// The state file exists but cannot be used; it is left as it is.
#[derive(Debug)]
pub struct StateFileError {
    pub path: PathBuf,
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl std::fmt::Display for StateFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "state file {} cannot be used (it was left untouched): {}",
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for StateFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

impl StateFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StateFile { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved state; a missing file is an empty account.
    pub fn load(&self) -> Result<State, StateFileError> {
        let fail = |source: Box<dyn std::error::Error + Send + Sync>| StateFileError {
            path: self.path.clone(),
            source,
        };
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| fail(e.into())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(fail(e.into())),
        }
    }

    /// Writes a temporary file beside the target, syncs it, renames it over the target and
    /// syncs the directory: after a crash the file holds either the old or the new state.
    pub fn save(&self, state: &State) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(state).map_err(std::io::Error::other)?;
        let mut temp = self.path.clone().into_os_string();
        temp.push(".tmp");
        let temp = PathBuf::from(temp);
        {
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
        }
        std::fs::rename(&temp, &self.path)?;
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        // Directories cannot be opened for syncing on every platform; the rename is then as
        // durable as the platform makes it.
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_and_refuses_corrupt_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::new(dir.path().join("state.json"));
        assert_eq!(
            file.load().unwrap(),
            State::default(),
            "missing file: empty"
        );
        let state = State {
            next_face: 7,
            ..State::default()
        };
        file.save(&state).unwrap();
        assert_eq!(file.load().unwrap(), state);
        std::fs::write(file.path(), b"{not json").unwrap();
        let err = file.load().unwrap_err();
        assert!(err.to_string().contains("left untouched"), "{err}");
        assert_eq!(std::fs::read(file.path()).unwrap(), b"{not json");
    }
}
