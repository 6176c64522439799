// Create a group, enrol a person, verify a new picture of her: against the emulator.
use tencentcloud_iai::{Client, Config, Credentials, Endpoint};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The emulator's address (another one may be given as the first argument).
    let url = std::env::args().nth(1);
    let config = Config::builder()
        .endpoint(Endpoint::parse(
            url.as_deref().unwrap_or("http://127.0.0.1:8080"),
        )?)
        .credentials(Credentials::new(
            "AKIDiaiEmulatorTestOnly0000000000000", // the emulator's test key pair
            "iaiEmulatorTestOnlySecretKey00000",
        ))
        .build()?;
    let client = Client::new(config);

    client
        .create_group()
        .group_id("rust")
        .group_name("Rust")
        .send()
        .await?;
    client
        .create_person()
        .group_id("rust")
        .person_id("ada")
        .person_name("Ada")
        .image(std::fs::read("samples/alice.png")?)
        .send()
        .await?;
    let verdict = client
        .verify_person()
        .person_id("ada")
        .image(std::fs::read("samples/alice-2.jpg")?)
        .send()
        .await?;
    println!(
        "same person: {} (score {})",
        verdict.is_match, verdict.score
    );
    Ok(())
}
