//! The emulator as STS and as the CVM metadata server: issued credentials work for IAI calls
//! until they expire, then are refused with `AuthFailure.TokenFailure`; each STS refusal
//! carries STS's code and a RequestId; metadata answers its role and 404 otherwise; no issued
//! secret reaches the journal or Debug output.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use tencentcloud_iai::signing::{sign_request, RequestToSign};
use tencentcloud_iai::{Client, Config, Credentials, Endpoint};
use tencentcloud_iai_emulator::{
    CredentialSource, Emulator, EmulatorBuilder, RunningEmulator, TestCredentials,
};

use crate::code;

const ROLE: &str = "qcs::cam::uin/100000000001:roleName/ci-deployer";
const PROVIDER: &str = "tke-oidc-provider";
const WEB_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.web-identity-secret.sig";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn builder() -> EmulatorBuilder {
    Emulator::builder()
        .sts_role(ROLE)
        .oidc_provider(PROVIDER, WEB_TOKEN)
        .cvm_role("cvm-app")
}

/// A POST to STS: TC3-signed for service `sts` with `key`, or unsigned (`Authorization:
/// SKIP`) without. Returns the `Response` object.
async fn sts(
    emulator: &RunningEmulator,
    action: &str,
    params: Value,
    key: Option<(&str, &str, Option<&str>)>,
) -> Value {
    let host = emulator.addr().to_string();
    let body = params.to_string();
    let timestamp = now();
    let mut request = reqwest::Client::new().post(emulator.url() + "/");
    match key {
        Some((secret_id, secret_key, token)) => {
            for (name, value) in sign_request(&RequestToSign {
                secret_id,
                secret_key,
                token,
                service: "sts",
                host: &host,
                action,
                version: "2018-08-13",
                region: Some("ap-guangzhou"),
                language: None,
                content_type: "application/json",
                timestamp,
                payload: body.as_bytes(),
            }) {
                request = request.header(name, value);
            }
        }
        None => {
            request = request
                .header("Content-Type", "application/json")
                .header("X-TC-Action", action)
                .header("X-TC-Version", "2018-08-13")
                .header("X-TC-Region", "ap-guangzhou")
                .header("X-TC-Timestamp", timestamp.to_string())
                .header("Authorization", "SKIP");
        }
    }
    let response = request.body(body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    let value: Value = serde_json::from_slice(&bytes).unwrap();
    value["Response"].clone()
}

async fn assume_role(emulator: &RunningEmulator, params: Value) -> Value {
    let c = emulator.credentials().clone();
    sts(
        emulator,
        "AssumeRole",
        params,
        Some((&c.secret_id, &c.secret_key, None)),
    )
    .await
}

fn web_identity_params(token: &str) -> Value {
    json!({"ProviderId": PROVIDER, "WebIdentityToken": token, "RoleArn": ROLE,
           "RoleSessionName": "pod-session"})
}

/// The error code of an STS answer, after checking it has a RequestId.
fn sts_error(response: &Value) -> &str {
    assert!(
        response["RequestId"]
            .as_str()
            .is_some_and(|id| id.len() == 36),
        "{response}"
    );
    response["Error"]["Code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error: {response}"))
}

/// (TmpSecretId, TmpSecretKey, Token) of an STS answer.
fn issued(response: &Value) -> (String, String, String) {
    let c = &response["Credentials"];
    let field = |name: &str| {
        c[name]
            .as_str()
            .unwrap_or_else(|| panic!("no {name}: {response}"))
            .to_owned()
    };
    (field("TmpSecretId"), field("TmpSecretKey"), field("Token"))
}

fn client_with(emulator: &RunningEmulator, credentials: Credentials) -> Client {
    let config = Config::builder()
        .credentials(credentials)
        .endpoint(Endpoint::parse(&emulator.url()).unwrap())
        .max_attempts(1)
        .build()
        .unwrap();
    Client::new(config)
}

fn temporary(id: &str, key: &str, token: &str) -> Credentials {
    Credentials::new(id, key).with_session_token(token)
}

#[tokio::test]
async fn assumed_role_credentials_work_until_they_expire() {
    let emulator = builder()
        .issued_credentials_lifetime(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let answer = assume_role(
        &emulator,
        json!({"RoleArn": ROLE, "RoleSessionName": "ci-run-1", "DurationSeconds": 3600}),
    )
    .await;
    assert!(answer.get("Error").is_none(), "{answer}");
    let (id, key, token) = issued(&answer);
    assert!(id.starts_with("AKID") && !key.is_empty() && !token.is_empty());
    let expired_time = answer["ExpiredTime"].as_u64().unwrap();
    assert!(
        expired_time.abs_diff(now() + 2) <= 1,
        "the lifetime overrides DurationSeconds: {answer}"
    );
    let expiration = answer["Expiration"].as_str().unwrap();
    assert!(
        expiration.ends_with('Z') && expiration.len() == 20,
        "{expiration}"
    );
    assert_eq!(emulator.request_count("AssumeRole"), 1);
    assert_eq!(
        emulator
            .issued_credentials_by_source()
            .from(CredentialSource::AssumeRole),
        1
    );

    let client = client_with(&emulator, temporary(&id, &key, &token));
    client
        .get_group_list()
        .send()
        .await
        .expect("accepted while valid");

    // The issued SecretId without its token, or with another, is refused too.
    let no_token = client_with(&emulator, Credentials::new(&id, &key));
    assert_eq!(
        code(no_token.get_group_list().send().await),
        "AuthFailure.TokenFailure"
    );
    let wrong_token = client_with(&emulator, temporary(&id, &key, "not-the-token"));
    assert_eq!(
        code(wrong_token.get_group_list().send().await),
        "AuthFailure.TokenFailure"
    );
    let wrong_key = client_with(&emulator, temporary(&id, "not-the-key", &token));
    assert_eq!(
        code(wrong_key.get_group_list().send().await),
        "AuthFailure.SignatureFailure"
    );

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = client.get_group_list().send().await.unwrap_err();
    assert_eq!(expired.code(), Some("AuthFailure.TokenFailure"));
    assert!(expired.request_id().is_some());
    assert!(expired.message().unwrap().contains("expired"), "{expired}");
}

#[tokio::test]
async fn expiry_can_be_forced_without_waiting() {
    let emulator = builder().start().await.unwrap();
    let answer = assume_role(
        &emulator,
        json!({"RoleArn": ROLE, "RoleSessionName": "ci-run-2"}),
    )
    .await;
    let expired_time = answer["ExpiredTime"].as_u64().unwrap();
    assert!(
        expired_time.abs_diff(now() + 7200) <= 1,
        "DurationSeconds defaults to 7200: {answer}"
    );
    let (id, key, token) = issued(&answer);
    let client = client_with(&emulator, temporary(&id, &key, &token));
    client.get_group_list().send().await.unwrap();
    emulator.expire_issued_credentials();
    assert_eq!(
        code(client.get_group_list().send().await),
        "AuthFailure.TokenFailure"
    );
}

#[tokio::test]
async fn assume_role_refusals_carry_sts_codes() {
    let emulator = builder().start().await.unwrap();
    let ask = |params: Value| assume_role(&emulator, params);
    let cases = [
        (
            json!({"RoleArn": "qcs::cam::uin/1:roleName/nobody", "RoleSessionName": "s1"}),
            "ResourceNotFound.RoleNotFound",
        ),
        (
            json!({"RoleArn": ROLE, "RoleSessionName": "s1", "DurationSeconds": 43201}),
            "InvalidParameter.OverTimeError",
        ),
        (
            json!({"RoleArn": ROLE, "RoleSessionName": "s1", "DurationSeconds": 0}),
            "InvalidParameter.ParamError",
        ),
        (
            json!({"RoleArn": ROLE, "RoleSessionName": "bad name!"}),
            "InvalidParameter.ParamError",
        ),
        (
            json!({"RoleArn": ROLE, "RoleSessionName": "x"}),
            "InvalidParameter.ParamError",
        ),
        (json!({"RoleArn": ROLE}), "MissingParameter"),
    ];
    for (params, expected) in cases {
        let answer = ask(params.clone()).await;
        assert_eq!(sts_error(&answer), expected, "{params}");
    }
    let c = emulator.credentials().clone();
    let params = json!({"RoleArn": ROLE, "RoleSessionName": "s1"});
    let wrong_key = sts(
        &emulator,
        "AssumeRole",
        params.clone(),
        Some((&c.secret_id, "not-the-key", None)),
    )
    .await;
    assert_eq!(sts_error(&wrong_key), "AuthFailure.SignatureFailure");
    let unknown_id = sts(
        &emulator,
        "AssumeRole",
        params.clone(),
        Some(("AKIDnobody", "key", None)),
    )
    .await;
    assert_eq!(sts_error(&unknown_id), "AuthFailure.SecretIdNotFound");
    let unsigned = sts(&emulator, "AssumeRole", params, None).await;
    assert_eq!(sts_error(&unsigned), "AuthFailure.InvalidAuthorization");
    let other = assume_role_action(&emulator, "GetFederationToken").await;
    assert_eq!(sts_error(&other), "InvalidAction");
    assert_eq!(emulator.issued_credentials_count(), 0);
    assert_eq!(emulator.request_count("AssumeRole"), 9);
}

async fn assume_role_action(emulator: &RunningEmulator, action: &str) -> Value {
    let c = emulator.credentials().clone();
    sts(
        emulator,
        action,
        json!({}),
        Some((&c.secret_id, &c.secret_key, None)),
    )
    .await
}

/// Credentials STS issued may themselves assume a role (real STS accepts temporary keys).
#[tokio::test]
async fn issued_credentials_can_assume_a_role_again() {
    let emulator = builder().start().await.unwrap();
    let first = assume_role(
        &emulator,
        json!({"RoleArn": ROLE, "RoleSessionName": "first"}),
    )
    .await;
    let (id, key, token) = issued(&first);
    let params = json!({"RoleArn": ROLE, "RoleSessionName": "second"});
    let chained = sts(
        &emulator,
        "AssumeRole",
        params.clone(),
        Some((&id, &key, Some(&token))),
    )
    .await;
    assert!(chained.get("Credentials").is_some(), "{chained}");
    let without_token = sts(&emulator, "AssumeRole", params, Some((&id, &key, None))).await;
    assert_eq!(sts_error(&without_token), "AuthFailure.TokenFailure");
}

#[tokio::test]
async fn web_identity_exchanges_the_token_unsigned() {
    let emulator = builder().start().await.unwrap();
    let answer = sts(
        &emulator,
        "AssumeRoleWithWebIdentity",
        web_identity_params(WEB_TOKEN),
        None,
    )
    .await;
    let (id, key, token) = issued(&answer);
    client_with(&emulator, temporary(&id, &key, &token))
        .get_group_list()
        .send()
        .await
        .expect("web identity credentials are accepted");
    assert_eq!(emulator.request_count("AssumeRoleWithWebIdentity"), 1);
    let counts = emulator.issued_credentials_by_source();
    assert_eq!((counts.web_identity, counts.total()), (1, 1));

    let wrong = sts(
        &emulator,
        "AssumeRoleWithWebIdentity",
        web_identity_params("eyJ.other.token"),
        None,
    )
    .await;
    assert_eq!(sts_error(&wrong), "InvalidParameter.WebIdentityTokenError");
    let mut unknown_role = web_identity_params(WEB_TOKEN);
    unknown_role["RoleArn"] = json!("qcs::cam::uin/1:roleName/nobody");
    let unknown_role = sts(&emulator, "AssumeRoleWithWebIdentity", unknown_role, None).await;
    assert_eq!(sts_error(&unknown_role), "ResourceNotFound.RoleNotFound");
    let mut long = web_identity_params(WEB_TOKEN);
    long["DurationSeconds"] = json!(50000);
    let long = sts(&emulator, "AssumeRoleWithWebIdentity", long, None).await;
    assert_eq!(sts_error(&long), "InvalidParameter.OverTimeError");
    let mut no_provider = web_identity_params(WEB_TOKEN);
    no_provider["ProviderId"] = json!("elsewhere");
    let no_provider = sts(&emulator, "AssumeRoleWithWebIdentity", no_provider, None).await;
    assert_eq!(sts_error(&no_provider), "InvalidParameter.ParamError");

    emulator.set_oidc_token_expired(true);
    let expired = sts(
        &emulator,
        "AssumeRoleWithWebIdentity",
        web_identity_params(WEB_TOKEN),
        None,
    )
    .await;
    assert_eq!(
        sts_error(&expired),
        "InvalidParameter.WebIdentityTokenError"
    );
    assert!(
        expired["Error"]["Message"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{expired}"
    );
    assert_eq!(emulator.issued_credentials_count(), 1);
}

#[tokio::test]
async fn an_expired_token_from_the_builder() {
    let emulator = builder().oidc_token_expired(true).start().await.unwrap();
    let answer = sts(
        &emulator,
        "AssumeRoleWithWebIdentity",
        web_identity_params(WEB_TOKEN),
        None,
    )
    .await;
    assert_eq!(sts_error(&answer), "InvalidParameter.WebIdentityTokenError");
}

#[tokio::test]
async fn faults_apply_to_sts_actions() {
    let emulator = builder().start().await.unwrap();
    emulator.faults().push(
        "AssumeRole",
        [tencentcloud_iai_emulator::FaultStep::Error {
            code: "InternalError.SystemError".into(),
            message: None,
        }],
    );
    let params = json!({"RoleArn": ROLE, "RoleSessionName": "s1"});
    let faulty = assume_role(&emulator, params.clone()).await;
    assert_eq!(sts_error(&faulty), "InternalError.SystemError");
    let fine = assume_role(&emulator, params).await;
    assert!(fine.get("Credentials").is_some(), "{fine}");
}

async fn get(emulator: &RunningEmulator, path: &str) -> (u16, String, String) {
    let response = reqwest::get(emulator.url() + path).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

const CREDENTIALS_PATH: &str = "/latest/meta-data/cam/security-credentials/";

#[tokio::test]
async fn metadata_serves_the_role_and_rotating_credentials() {
    let emulator = builder()
        .issued_credentials_lifetime(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let (status, content_type, role) = get(&emulator, CREDENTIALS_PATH).await;
    assert_eq!(
        (status, content_type.as_str(), role.as_str()),
        (200, "text/plain", "cvm-app")
    );

    let fetch = || async {
        let (status, _, body) = get(&emulator, &format!("{CREDENTIALS_PATH}cvm-app")).await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<Value>(&body).unwrap()
    };
    let first = fetch().await;
    assert_eq!(first["Code"], "Success");
    assert!(
        first["ExpiredTime"].as_u64().unwrap().abs_diff(now() + 2) <= 1,
        "{first}"
    );
    assert!(first["Expiration"].as_str().unwrap().ends_with('Z'));
    let field = |v: &Value, name: &str| v[name].as_str().unwrap().to_owned();
    let again = fetch().await;
    assert_eq!(
        field(&again, "TmpSecretId"),
        field(&first, "TmpSecretId"),
        "the same credentials until half their lifetime has passed"
    );
    let client = client_with(
        &emulator,
        temporary(
            &field(&first, "TmpSecretId"),
            &field(&first, "TmpSecretKey"),
            &field(&first, "Token"),
        ),
    );
    client
        .get_group_list()
        .send()
        .await
        .expect("metadata credentials accepted");
    assert_eq!(emulator.issued_credentials_by_source().metadata, 1);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let rotated = fetch().await;
    assert_ne!(field(&rotated, "TmpSecretId"), field(&first, "TmpSecretId"));
    assert_eq!(emulator.issued_credentials_by_source().metadata, 2);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        code(client.get_group_list().send().await),
        "AuthFailure.TokenFailure"
    );
    assert_eq!(emulator.metadata_request_count(), 4);
    let journal = emulator.requests();
    let metadata_calls: Vec<_> = journal
        .iter()
        .filter(|c| c.path.starts_with("/latest/"))
        .collect();
    assert_eq!(metadata_calls.len(), 4);
    assert!(metadata_calls
        .iter()
        .all(|c| c.method == "GET" && c.action.is_none()));
}

#[tokio::test]
async fn metadata_answers_404_for_another_role_or_without_one() {
    let emulator = builder().start().await.unwrap();
    let (status, _, _) = get(&emulator, &format!("{CREDENTIALS_PATH}someone-else")).await;
    assert_eq!(status, 404);
    let (status, _, _) = get(&emulator, "/latest/meta-data/placement/region").await;
    assert_eq!(status, 404);
    assert_eq!(emulator.issued_credentials_count(), 0);

    let plain = Emulator::builder().start().await.unwrap();
    for path in [
        CREDENTIALS_PATH.to_owned(),
        format!("{CREDENTIALS_PATH}cvm-app"),
    ] {
        let (status, _, _) = get(&plain, &path).await;
        assert_eq!(status, 404, "{path}");
    }
    assert_eq!(plain.metadata_request_count(), 2);
}

/// Signed calls never reach the admin API, whatever credentials signed them, and STS calls
/// are not admin calls.
#[tokio::test]
async fn signed_calls_cannot_reach_the_admin_api() {
    let emulator = builder().start().await.unwrap();
    let answer = assume_role(&emulator, json!({"RoleArn": ROLE, "RoleSessionName": "s1"})).await;
    let (id, key, token) = issued(&answer);
    let host = emulator.addr().to_string();
    let body = "{}";
    let headers = sign_request(&RequestToSign {
        secret_id: &id,
        secret_key: &key,
        token: Some(&token),
        service: "sts",
        host: &host,
        action: "AssumeRole",
        version: "2018-08-13",
        region: None,
        language: None,
        content_type: "application/json",
        timestamp: now(),
        payload: body.as_bytes(),
    });
    let mut request = reqwest::Client::new().post(emulator.url() + "/_emulator/reset");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request.body(body).send().await.unwrap();
    assert_eq!(response.status(), 403);
    let skip = reqwest::Client::new()
        .post(emulator.url() + "/_emulator/reset")
        .header("Authorization", "SKIP")
        .header("X-TC-Action", "AssumeRoleWithWebIdentity")
        .send()
        .await
        .unwrap();
    assert_eq!(skip.status(), 403);
}

/// No issued key or token, nor the web identity token, in the journal (also as served by
/// the admin API) or in Debug output.
#[tokio::test]
async fn issued_secrets_stay_out_of_the_journal_and_debug_output() {
    let builder = builder();
    let debug = format!("{builder:?}");
    assert!(!debug.contains(WEB_TOKEN), "{debug}");
    let emulator = builder.start().await.unwrap();
    let assumed = assume_role(&emulator, json!({"RoleArn": ROLE, "RoleSessionName": "s1"})).await;
    let web = sts(
        &emulator,
        "AssumeRoleWithWebIdentity",
        web_identity_params(WEB_TOKEN),
        None,
    )
    .await;
    let (_, _, metadata) = get(&emulator, &format!("{CREDENTIALS_PATH}cvm-app")).await;
    let metadata: Value = serde_json::from_str(&metadata).unwrap();
    let mut secrets = vec![WEB_TOKEN.to_owned()];
    for answer in [&assumed, &web] {
        let (id, key, token) = issued(answer);
        client_with(&emulator, temporary(&id, &key, &token))
            .get_group_list()
            .send()
            .await
            .unwrap();
        secrets.extend([key, token]);
    }
    for name in ["TmpSecretKey", "Token"] {
        secrets.push(metadata[name].as_str().unwrap().to_owned());
    }
    let journal = format!("{:?}", emulator.requests());
    let served = reqwest::get(emulator.url() + "/_emulator/requests")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for secret in &secrets {
        assert!(!journal.contains(secret.as_str()), "journal shows a secret");
        assert!(
            !served.contains(secret.as_str()),
            "admin journal shows a secret"
        );
    }
    assert!(journal.contains("** redacted **"));
    let web_call = emulator
        .requests()
        .into_iter()
        .find(|c| c.action.as_deref() == Some("AssumeRoleWithWebIdentity"))
        .unwrap();
    assert_eq!(web_call.header("Authorization"), Some("SKIP"));
    let body: Value = serde_json::from_slice(&web_call.body).unwrap();
    assert_eq!(body["ProviderId"], PROVIDER, "the rest of the body is kept");

    // Configured test credentials stay as they were (their token is the test's own).
    let configured = TestCredentials::new("AKIDtest", "key").with_token("tok");
    assert!(!format!("{configured:?}").contains("tok\""));
}

/// STS and IAI share the port but not their credential scopes: a call signed for the other
/// service fails its signature check, as it would on the real endpoints.
#[tokio::test]
async fn each_service_checks_its_own_credential_scope() {
    let emulator = builder().start().await.unwrap();
    let c = emulator.credentials().clone();
    let host = emulator.addr().to_string();
    let send = |service: &'static str, action: &'static str, version: &'static str| {
        let body = json!({"RoleArn": ROLE, "RoleSessionName": "s1"}).to_string();
        let headers = sign_request(&RequestToSign {
            secret_id: &c.secret_id,
            secret_key: &c.secret_key,
            token: None,
            service,
            host: &host,
            action,
            version,
            region: None,
            language: None,
            content_type: "application/json",
            timestamp: now(),
            payload: body.as_bytes(),
        });
        let mut request = reqwest::Client::new().post(emulator.url() + "/");
        for (name, value) in headers {
            request = request.header(name, value);
        }
        async move {
            let bytes = request
                .body(body)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            serde_json::from_slice::<Value>(&bytes).unwrap()["Response"].clone()
        }
    };
    let iai_for_sts = send("iai", "AssumeRole", "2018-08-13").await;
    assert_eq!(sts_error(&iai_for_sts), "AuthFailure.SignatureFailure");
    let sts_for_iai = send("sts", "GetGroupList", "2020-03-03").await;
    assert_eq!(sts_error(&sts_for_iai), "AuthFailure.SignatureFailure");
    let right = send("sts", "AssumeRole", "2018-08-13").await;
    assert!(right.get("Credentials").is_some(), "{right}");
}
