//! TLS on both built-in transports, against the emulator over HTTPS with a self-signed
//! certificate: refused before anything is sent unless trusted, accepted once the caller adds
//! it with `add_root_certificates_pem`, and a PEM text that holds no certificate refused when
//! the config is built.

use std::time::Duration;

use tencentcloud_iai::{Client, Config, ConfigBuilder, Credentials, Endpoint, SdkError};
use tencentcloud_iai_emulator::{Emulator, RunningEmulator};

/// The emulator over HTTPS, and its certificate (PEM), made for 127.0.0.1.
async fn https_emulator() -> (RunningEmulator, String) {
    let dir = tempfile::tempdir().unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let emulator = Emulator::builder().tls(&cert, &key).start().await.unwrap();
    assert!(emulator.url().starts_with("https://"), "{}", emulator.url());
    (emulator, generated.cert.pem())
}

/// A builder for `emulator` on each built-in transport, by name.
fn builders(emulator: &RunningEmulator) -> [(&'static str, ConfigBuilder); 2] {
    let builder = || {
        let credentials = emulator.credentials();
        Config::builder()
            .credentials(Credentials::new(
                credentials.secret_id.clone(),
                credentials.secret_key.clone(),
            ))
            .endpoint(Endpoint::parse(&emulator.url()).unwrap())
            .timeout(Duration::from_secs(10))
            .max_attempts(1)
    };
    [
        ("reqwest", builder().reqwest_transport()),
        ("hyper", builder().hyper_transport()),
    ]
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_before_anything_is_sent() {
    let (emulator, _) = https_emulator().await;
    for (name, builder) in builders(&emulator) {
        let client = Client::new(builder.build().unwrap());
        let err = client
            .get_group_info()
            .group_id("g")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, SdkError::Transport(e) if !e.maybe_sent),
            "{name}: {err:?}"
        );
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("TLS handshake with {} failed: ", emulator.addr())),
            "{name}: {shown}"
        );
        assert!(shown.contains("UnknownIssuer"), "{name}: {shown}");
    }
    assert!(
        emulator.requests().is_empty(),
        "nothing reached the emulator"
    );
}

#[tokio::test]
async fn a_certificate_added_as_a_root_is_trusted() {
    let (emulator, cert_pem) = https_emulator().await;
    for (name, builder) in builders(&emulator) {
        let client = Client::new(
            builder
                .add_root_certificates_pem(cert_pem.clone())
                .build()
                .unwrap(),
        );
        client
            .create_group()
            .group_name(format!("Over TLS ({name})"))
            .group_id(format!("over-tls-{name}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let requests = emulator.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.authenticated), "{requests:?}");
}

#[tokio::test]
async fn a_pem_text_without_a_certificate_fails_the_build() {
    let (emulator, cert_pem) = https_emulator().await;
    let key_only =
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n";
    let broken = cert_pem.replace("-----END CERTIFICATE-----", "");
    for (name, builder) in builders(&emulator) {
        let err = builder
            .add_root_certificates_pem(cert_pem.clone())
            .add_root_certificates_pem(key_only)
            .build()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("root certificate PEM #2: no `-----BEGIN CERTIFICATE-----` block"),
            "{name}: {err}"
        );
    }
    for (name, builder) in builders(&emulator) {
        let err = builder
            .add_root_certificates_pem(broken.clone())
            .build()
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with(
                "root certificate PEM #1: no `-----END CERTIFICATE-----` line after its BEGIN line"
            ),
            "{name}: {err}"
        );
    }
}
