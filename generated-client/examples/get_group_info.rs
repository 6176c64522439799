//! Fetches one group and prints it as JSON.
//!
//! ```text
//! TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... \
//!     cargo run --example get_group_info -- <GroupId>
//! ```
//!
//! Configured only by the environment: `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`,
//! optional `TENCENTCLOUD_SESSION_TOKEN`, `TENCENTCLOUD_REGION` and `TENCENTCLOUD_IAI_ENDPOINT`
//! (a full URL, e.g. `http://127.0.0.1:8080`).

use std::process::ExitCode;

use tencentcloud_iai::{Client, Config, SdkError};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(group_id), None) = (args.next(), args.next()) else {
        eprintln!("usage: get_group_info <GroupId>");
        return ExitCode::from(2);
    };
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let client = Client::new(config);
    match client.get_group_info().group_id(group_id).send().await {
        Ok(group) => {
            let json =
                serde_json::to_string_pretty(&group).expect("responses always encode as JSON");
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(SdkError::Service(e)) => {
            eprintln!("error: {}", e.code());
            eprintln!("message: {}", e.message());
            eprintln!("RequestId: {}", e.request_id().unwrap_or("-"));
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(id) = e.request_id() {
                eprintln!("RequestId: {id}");
            }
            ExitCode::FAILURE
        }
    }
}
