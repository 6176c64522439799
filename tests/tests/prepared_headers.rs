//! The client assembles its headers itself (sharing those that never change between calls);
//! they must be exactly what the signer proven against the official Python SDK produces.

use tencentcloud_iai::operation::get_group_info::GetGroupInfoRequest;
use tencentcloud_iai::runtime::client::REQUEST_CLIENT;
use tencentcloud_iai::signing::{sign_request, RequestToSign};
use tencentcloud_iai::{Client, Config, Credentials, Endpoint, Language};

#[tokio::test]
async fn prepared_headers_match_the_vector_tested_signer() {
    for (token, region, language) in [
        (None, None, None),
        (
            Some("session-token"),
            Some("ap-guangzhou"),
            Some(Language::EnUs),
        ),
    ] {
        let mut creds = Credentials::new("AKIDexample", "secret-key");
        if let Some(token) = token {
            creds = creds.with_session_token(token);
        }
        let mut builder = Config::builder()
            .credentials(creds)
            .endpoint(Endpoint::parse("http://127.0.0.1:9").unwrap());
        if let Some(region) = region {
            builder = builder.region(region);
        }
        if let Some(language) = language {
            builder = builder.language(language);
        }
        let client = Client::new(builder.build().unwrap());
        let prepared = client
            .prepare(
                &GetGroupInfoRequest::builder()
                    .group_id("aaa")
                    .build()
                    .expect("every required parameter is set"),
            )
            .await
            .unwrap();
        let timestamp: u64 = prepared.header("X-TC-Timestamp").unwrap().parse().unwrap();
        let expected = sign_request(&RequestToSign {
            secret_id: "AKIDexample",
            secret_key: "secret-key",
            token,
            service: "iai",
            host: "127.0.0.1:9",
            action: "GetGroupInfo",
            version: "2020-03-03",
            region,
            language: language.map(Language::as_str),
            content_type: "application/json",
            timestamp,
            payload: prepared.body(),
        });
        // The same set; the client lists the headers it shares between calls first.
        let mut got: Vec<(&str, &str)> = prepared
            .headers()
            .filter(|(name, _)| *name != "X-TC-RequestClient")
            .collect();
        let mut expected: Vec<(&str, &str)> =
            expected.iter().map(|(n, v)| (*n, v.as_str())).collect();
        got.sort_unstable();
        expected.sort_unstable();
        assert_eq!(got, expected);
        assert_eq!(prepared.header("x-tc-requestclient"), Some(REQUEST_CLIENT));
        assert_eq!(prepared.url(), "http://127.0.0.1:9/");
        assert_eq!(prepared.body(), br#"{"GroupId":"aaa"}"#.as_slice());
    }
}
