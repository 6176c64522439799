//! The client: validate → serialize once → sign → send → decode.

use std::sync::Arc;

use bytes::Bytes;

use super::action::Action;
use super::config::Config;
use super::envelope;
use super::error::{SdkError, TimeoutError, ValidationError};
use super::signing::{sign_request, RequestToSign};
use super::time::unix_now;
use super::transport::HttpRequest;
use crate::generated::service;

const CONTENT_TYPE: &str = "application/json";
const REQUEST_CLIENT: &str = concat!("tencentcloud-iai-rs/", env!("CARGO_PKG_VERSION"));

/// A Tencent Cloud Face Recognition client. Cheap to clone; clones share connections.
#[derive(Clone, Debug)]
pub struct Client {
    config: Arc<Config>,
}

impl Client {
    pub fn new(config: Config) -> Self {
        Client {
            config: Arc::new(config),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Sends any action's request; the per-action methods (`get_group_info`, ...) end here.
    pub async fn send<A: Action>(&self, request: &A) -> Result<A::Output, SdkError<A::Error>> {
        request.validate().map_err(SdkError::InvalidRequest)?;
        if A::REGION_REQUIRED && self.config.region.is_none() {
            return Err(SdkError::InvalidRequest(ValidationError {
                parameter: "Region".to_owned(),
                problem: format!("{} needs a region; set it with `Config::builder().region(...)` or TENCENTCLOUD_REGION", A::NAME),
            }));
        }
        let body = Bytes::from(serde_json::to_vec(request).map_err(|e| {
            SdkError::InvalidRequest(ValidationError {
                parameter: A::NAME.to_owned(),
                problem: format!("cannot be encoded as JSON: {e}"),
            })
        })?);
        let credentials = self
            .config
            .credentials
            .provide_credentials()
            .await
            .map_err(SdkError::Credentials)?;

        let host = self.config.endpoint.host();
        let mut headers = sign_request(&RequestToSign {
            secret_id: credentials.secret_id(),
            secret_key: credentials.secret_key(),
            token: credentials.session_token(),
            service: service::SERVICE,
            host,
            action: A::NAME,
            version: service::VERSION,
            region: self.config.region.as_deref(),
            language: self.config.language.map(|l| l.as_str()),
            content_type: CONTENT_TYPE,
            timestamp: unix_now(),
            payload: &body,
        });
        headers.push(("X-TC-RequestClient", REQUEST_CLIENT.to_owned()));
        let http_request = HttpRequest {
            url: self.config.endpoint.url(),
            headers,
            body,
        };

        let attempts = 1;
        let response = match tokio::time::timeout(
            self.config.timeout,
            self.config.transport.send(http_request),
        )
        .await
        {
            Err(_elapsed) => {
                return Err(SdkError::Timeout(TimeoutError {
                    after: self.config.timeout,
                    attempts,
                }))
            }
            Ok(Err(mut e)) => {
                e.attempts = attempts;
                return Err(SdkError::Transport(e));
            }
            Ok(Ok(response)) => response,
        };
        envelope::decode(response.status, &response.body, attempts)
    }
}
