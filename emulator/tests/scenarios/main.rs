//! Scenario tests of the emulator, one module per semantic area, driven through the
//! repository's client (and raw HTTP where the client would refuse to send).

mod credentials;
mod dashboard;
mod detection;
mod faces;
mod faults;
mod gateway;
mod groups;
mod inspection;
mod persons;
mod search;

use std::time::Duration;

use tencentcloud_iai::{Client, Image};
use tencentcloud_iai_emulator::testimage::marked_png;
use tencentcloud_iai_emulator::{Emulator, Marker, RunningEmulator};

/// An emulator on a free port and a client pointed at it (one attempt per call).
pub async fn start() -> (RunningEmulator, Client) {
    let emulator = Emulator::builder().start().await.expect("emulator starts");
    let client = client_for(&emulator, 1);
    (emulator, client)
}

pub fn client_for(emulator: &RunningEmulator, attempts: u32) -> Client {
    let config = emulator
        .client_config_builder()
        .expect("emulator URL")
        .max_attempts(attempts)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .build()
        .expect("valid config");
    Client::new(config)
}

/// A PNG of `person` (one face).
pub fn face_of(person: &str) -> Image {
    Image::from_bytes(marked_png(&Marker::person(person), 200, 160))
}

/// The error code of a failed call.
pub fn code<T: std::fmt::Debug, E: tencentcloud_iai::ServiceError + std::fmt::Debug>(
    result: Result<T, tencentcloud_iai::SdkError<E>>,
) -> String {
    match result {
        Err(e) => e
            .code()
            .unwrap_or_else(|| panic!("not a service error: {e:?}"))
            .to_owned(),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

/// Creates group `group` and person `person` (in it) with one face of `person`.
pub async fn person_in_group(client: &Client, group: &str, person: &str) -> String {
    if client
        .get_group_info()
        .group_id(group)
        .send()
        .await
        .is_err()
    {
        client
            .create_group()
            .group_name(format!("{group} name"))
            .group_id(group)
            .send()
            .await
            .expect("group created");
    }
    client
        .create_person()
        .group_id(group)
        .person_name(format!("{person} name"))
        .person_id(person)
        .image(face_of(person))
        .send()
        .await
        .expect("person created")
        .face_id
}
