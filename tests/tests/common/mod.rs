//! Shared set-up for the client's integration tests.
#![allow(dead_code)]

use std::time::Duration;

use iai_integration_tests::server::{TestServer, TEST_SECRET_ID, TEST_SECRET_KEY};
use tencentcloud_iai::{Client, Config, ConfigBuilder, Credentials, Endpoint};

/// A config pointing at `server` with the test key pair and a short timeout.
pub fn config_for(server: &TestServer) -> ConfigBuilder {
    Config::builder()
        .credentials(Credentials::new(TEST_SECRET_ID, TEST_SECRET_KEY))
        .endpoint(Endpoint::parse(&server.url()).expect("the server URL is valid"))
        .timeout(Duration::from_secs(5))
}

pub fn client_for(server: &TestServer) -> Client {
    Client::new(config_for(server).build().expect("valid config"))
}
