//! Runs the loopback Tencent Cloud API 3.0 (iai) stand-in until killed, for trying the client by hand:
//!
//! ```text
//! cargo run -p iai-integration-tests --bin mock_iai_server -- --port 8080
//! TENCENTCLOUD_IAI_ENDPOINT=http://127.0.0.1:8080 TENCENTCLOUD_SECRET_ID=AKIDtestEXAMPLE \
//!   TENCENTCLOUD_SECRET_KEY=testSecretKeyEXAMPLE cargo run -p tencentcloud-iai --example get_group_info -- aaa
//! ```

use std::process::ExitCode;

use iai_integration_tests::server::{
    TestServer, TEMP_SECRET_ID, TEMP_SECRET_KEY, TEMP_TOKEN, TEST_SECRET_ID, TEST_SECRET_KEY,
};

const USAGE: &str = "usage: mock_iai_server [--port N]   (N = 0, the default, picks a free port)";

fn main() -> ExitCode {
    let port = match parse_port(std::env::args().skip(1)) {
        Ok(Some(port)) => port,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("mock_iai_server: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let server = match TestServer::builder()
        .port(port)
        .log_requests(true)
        .try_build()
    {
        Ok(server) => server,
        Err(e) => {
            eprintln!("mock_iai_server: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", server.url());
    println!("credentials: TENCENTCLOUD_SECRET_ID={TEST_SECRET_ID} TENCENTCLOUD_SECRET_KEY={TEST_SECRET_KEY}");
    println!(
        "temporary:   TENCENTCLOUD_SECRET_ID={TEMP_SECRET_ID} TENCENTCLOUD_SECRET_KEY={TEMP_SECRET_KEY} \
         TENCENTCLOUD_SESSION_TOKEN={TEMP_TOKEN}"
    );
    println!(
        "try:         TENCENTCLOUD_IAI_ENDPOINT={} TENCENTCLOUD_SECRET_ID={TEST_SECRET_ID} \
         TENCENTCLOUD_SECRET_KEY={TEST_SECRET_KEY} cargo run -p tencentcloud-iai --example get_group_info -- aaa",
        server.url()
    );

    // The server runs on its own threads; keep it alive until the process is killed.
    loop {
        std::thread::park();
    }
}

/// `Ok(None)` means help was requested.
fn parse_port(mut args: impl Iterator<Item = String>) -> Result<Option<u16>, String> {
    let mut port = 0;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" | "-p" => {
                let value = args.next().ok_or("--port needs a value")?;
                port = value
                    .parse()
                    .map_err(|_| format!("invalid port `{value}`"))?;
            }
            "--help" | "-h" => return Ok(None),
            other => match other.strip_prefix("--port=") {
                Some(value) => {
                    port = value
                        .parse()
                        .map_err(|_| format!("invalid port `{value}`"))?
                }
                None => return Err(format!("unknown argument `{other}`")),
            },
        }
    }
    Ok(Some(port))
}
