//! Just enough W3C WebDriver to drive headless Chromium through chromedriver: a session,
//! navigation, elements (find, click, type), scripts and screenshots.
//!
//! Why not fantoccini: its `webdriver` dependency brings a second `http` (0.2), a second
//! `cookie` and the ICU 1.x crates beside the 2.x ones `url` uses, so the workspace test build
//! would compile some twenty crates twice (`cargo tree -d`). chromiumoxide brings second
//! `rand`, `rustix` and `heck` and a very large generated protocol crate. WebDriver is JSON
//! over HTTP, and reqwest is already here.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The flags Chromium needs in a container as root and without a network.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
];

pub const INSTALL: &str = "apt-get install chromium chromium-driver";

/// Chromium's binary and chromedriver: `CHROMIUM`/`CHROMEDRIVER`, else Debian's paths.
pub fn browser_binaries() -> Result<(PathBuf, PathBuf), String> {
    let find = |var: &str, candidates: &[&str]| -> Option<PathBuf> {
        if let Some(path) = std::env::var_os(var) {
            return Some(PathBuf::from(path));
        }
        candidates.iter().map(PathBuf::from).find(|p| p.exists())
    };
    let chromium = find(
        "CHROMIUM",
        &["/usr/lib/chromium/chromium", "/usr/bin/chromium"],
    );
    let driver = find("CHROMEDRIVER", &["/usr/bin/chromedriver"]);
    match (chromium, driver) {
        (Some(chromium), Some(driver)) => Ok((chromium, driver)),
        _ => Err(format!(
            "the browser tests need Chromium and chromedriver ({INSTALL}, or set CHROMIUM and CHROMEDRIVER)"
        )),
    }
}

pub struct Browser {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT/session/ID`
    session: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium session with a fresh profile.
    pub async fn start() -> Browser {
        let (chromium, driver_path) = browser_binaries().unwrap_or_else(|e| panic!("{e}"));
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_path.display()));
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(answer) = http.get(format!("{base}/status")).send().await {
                if answer.status().is_success() {
                    break;
                }
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| f.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args}
        }}});
        let mut browser = Browser {
            http,
            session: String::new(),
            driver,
            _profile: profile,
        };
        let created = browser
            .command(
                reqwest::Method::POST,
                &format!("{base}/session"),
                capabilities,
            )
            .await;
        let id = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"));
        browser.session = format!("{base}/session/{id}");
        browser
    }

    async fn command(&self, method: reqwest::Method, url: &str, body: Value) -> Value {
        let request = self.http.request(method.clone(), url);
        let request = if method == reqwest::Method::GET || method == reqwest::Method::DELETE {
            request
        } else {
            request
                .header("content-type", "application/json")
                .body(body.to_string())
        };
        let answer = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("WebDriver {url}: {e}"));
        let status = answer.status();
        let bytes = answer.bytes().await.expect("WebDriver answers");
        let value: Value = serde_json::from_slice(&bytes).expect("WebDriver answers JSON");
        assert!(
            status.is_success(),
            "WebDriver {method} {url}: {status}: {value}"
        );
        value["value"].clone()
    }

    async fn session_command(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/{path}", self.session);
        self.command(method, &url, body).await
    }

    pub async fn goto(&self, url: &str) {
        self.session_command(reqwest::Method::POST, "url", json!({"url": url}))
            .await;
    }

    /// Runs `script` (a function body; `return` gives the value) in the page.
    pub async fn eval(&self, script: &str) -> Value {
        self.session_command(
            reqwest::Method::POST,
            "execute/sync",
            json!({"script": script, "args": []}),
        )
        .await
    }

    /// Waits until `script` returns `true`, or panics after 10 s saying what it waited for.
    pub async fn wait_for(&self, what: &str, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.eval(script).await != Value::Bool(true) {
            assert!(Instant::now() < deadline, "waited 10 s for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The first element matching a CSS selector.
    pub async fn find(&self, css: &str) -> Element<'_> {
        let found = self
            .session_command(
                reqwest::Method::POST,
                "element",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        let id = found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {found}"))
            .to_owned();
        Element { browser: self, id }
    }

    /// Saves a PNG of the window.
    pub async fn screenshot(&self, path: &Path) {
        use base64::Engine;
        let png = self
            .session_command(reqwest::Method::GET, "screenshot", Value::Null)
            .await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().expect("base64 PNG"))
            .expect("base64 PNG");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends Chromium through chromedriver, then chromedriver itself.
        if !self.session.is_empty() {
            let session = self.session.clone();
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async {
                        let _ = reqwest::Client::new().delete(&session).send().await;
                    });
                }
            })
            .join();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

impl Element<'_> {
    pub async fn click(&self) {
        let path = format!("element/{}/click", self.id);
        self.browser
            .session_command(reqwest::Method::POST, &path, json!({}))
            .await;
    }

    pub async fn clear(&self) {
        let path = format!("element/{}/clear", self.id);
        self.browser
            .session_command(reqwest::Method::POST, &path, json!({}))
            .await;
    }

    pub async fn type_text(&self, text: &str) {
        let path = format!("element/{}/value", self.id);
        self.browser
            .session_command(reqwest::Method::POST, &path, json!({"text": text}))
            .await;
    }
}
