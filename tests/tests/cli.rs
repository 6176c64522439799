//! The `iai` command line end to end: this package's `iai-cli-under-test` binary (built by
//! cargo with the tests, no nested build) against the emulator, with the groups and persons
//! each test needs created in it first.
//!
//! Help and skeleton outputs are golden files in `tests/snapshots/cli/`; after an intended
//! change, refresh them with
//! `UPDATE_SNAPSHOTS=1 cargo test -p iai-integration-tests --test cli`.

use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use iai_integration_tests::emulator::{
    same_as_example_group, FaultStep, TestEmulator, TEST_SECRET_ID, TEST_SECRET_KEY,
};
use serde_json::{json, Value};
use tencentcloud_iai::{Client, Image};
use tencentcloud_iai_emulator::testimage::{jpeg, marked_png};
use tencentcloud_iai_emulator::Marker;

const IAI: &str = env!("CARGO_BIN_EXE_iai-cli-under-test");

/// `iai` with a clean environment: an empty home, the test key pair, and `server` as endpoint.
struct Iai {
    home: tempfile::TempDir,
    endpoint: Option<String>,
    keys: bool,
}

impl Iai {
    fn new(server: Option<&TestEmulator>) -> Iai {
        Iai {
            home: tempfile::tempdir().unwrap(),
            endpoint: server.map(TestEmulator::url),
            keys: true,
        }
    }

    /// No credentials in the environment: only profile files.
    fn without_env_keys(mut self) -> Iai {
        self.keys = false;
        self
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(IAI);
        cmd.args(args).env_clear().env("HOME", self.home.path());
        if self.keys {
            cmd.env("TENCENTCLOUD_SECRET_ID", TEST_SECRET_ID)
                .env("TENCENTCLOUD_SECRET_KEY", TEST_SECRET_KEY);
        }
        if let Some(url) = &self.endpoint {
            cmd.env("TENCENTCLOUD_IAI_ENDPOINT", url);
        }
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("iai runs")
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("iai runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    stdout(o)
}

fn sent_body(server: &TestEmulator, index: usize) -> Value {
    serde_json::from_slice(&server.requests()[index].body).unwrap()
}

/// Compares `actual` with the golden file, or rewrites it with `UPDATE_SNAPSHOTS=1`.
fn assert_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots/cli")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with UPDATE_SNAPSHOTS=1 cargo test -p iai-integration-tests --test cli",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{} is out of date (refresh with UPDATE_SNAPSHOTS=1 cargo test -p iai-integration-tests --test cli):\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// Makes set-up calls with the client (test key pair), then forgets them in the journal, so
/// `requests()` shows only what `iai` sent.
fn prepare<F>(server: &TestEmulator, calls: impl FnOnce(Client) -> F)
where
    F: Future<Output = ()> + Send + 'static,
{
    let client = Client::new(server.config().build().expect("valid config"));
    server.run(calls(client));
    server.emulator().clear_requests();
}

/// Creates groups named as their IDs, in this order (GetGroupList lists the oldest first).
fn create_groups(server: &TestEmulator, ids: &[&str]) {
    let ids: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
    prepare(server, |client| async move {
        for id in ids {
            client
                .create_group()
                .group_name(&id)
                .group_id(&id)
                .send()
                .await
                .unwrap_or_else(|e| panic!("group {id}: {e:?}"));
        }
    });
}

// --- calls -------------------------------------------------------------------------------

#[test]
fn flags_call_the_action_and_print_json_in_api_order() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let iai = Iai::new(Some(&server));
    for args in [
        &["get-group-info", "--group-id", "aaa"][..],
        &["get-group-info", "--group-id=aaa"][..],
        &["GetGroupInfo", "--group-id", "aaa"][..],
    ] {
        let text = ok(&iai.run(args));
        let printed: Value = serde_json::from_str(&text).expect("stdout is JSON");
        // The documented example, but for what the emulator makes fresh.
        assert!(same_as_example_group(&printed), "{args:?}: {printed}");
        assert!(printed["CreationTimestamp"].is_u64(), "{printed}");
        assert!(printed["RequestId"].is_string(), "{printed}");
        assert_eq!(printed.as_object().unwrap().len(), 7, "{printed}");
        // Keys in the API's order (the spec's), not sorted: GroupName comes before GroupId.
        let name = text.find("\"GroupName\"").unwrap();
        let id = text.find("\"GroupId\"").unwrap();
        let request_id = text.find("\"RequestId\"").unwrap();
        assert!(name < id && id < request_id, "{text}");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for sent in requests {
        assert!(sent.authenticated);
        assert_eq!(&sent.body[..], br#"{"GroupId":"aaa"}"#);
    }
}

#[test]
fn typed_flags_lists_and_input_json_are_merged() {
    // Every group searched exists and holds a face (a search needs both); the images are
    // URLs, which the emulator never fetches.
    let server = TestEmulator::start();
    let groups = ["g1", "g2", "a", "b", "c", "stdin"];
    create_groups(&server, &groups);
    prepare(&server, |client| async move {
        for group in groups {
            client
                .create_person()
                .group_id(group)
                .person_name("someone")
                .person_id(format!("person-{group}"))
                .url(format!("https://example.com/{group}.jpg"))
                .send()
                .await
                .unwrap_or_else(|e| panic!("person in {group}: {e:?}"));
        }
    });
    let iai = Iai::new(Some(&server));
    let input = iai.home.path().join("input.json");
    std::fs::write(&input, r#"{"GroupIds":["from-file"],"MaxPersonNum":3}"#).unwrap();
    let out = iai.run(&[
        "search-faces",
        "--input-json",
        &format!("@{}", input.display()),
        "--url",
        "https://example.com/face.jpg",
        "--max-face-num",
        "2",
        "--group-ids",
        "g1",
        "--group-ids",
        "g2",
    ]);
    let found: Value = serde_json::from_str(&ok(&out)).expect("stdout is JSON");
    assert!(found["Results"].is_array(), "{found}");
    let body = sent_body(&server, 0);
    assert_eq!(body["MaxFaceNum"], 2, "numbers are typed, not strings");
    assert_eq!(body["MaxPersonNum"], 3, "--input-json values are kept");
    assert_eq!(
        body["GroupIds"],
        json!(["g1", "g2"]),
        "flags win over the file"
    );
    assert_eq!(body["Url"], "https://example.com/face.jpg");

    // Several values after one flag, as tccli takes them.
    ok(&iai.run(&["search-faces", "--url", "u", "--group-ids", "a", "b", "c"]));
    assert_eq!(sent_body(&server, 1)["GroupIds"], json!(["a", "b", "c"]));

    // `--input-json -` reads stdin.
    let out = iai.run_with_stdin(
        &["search-faces", "--input-json", "-"],
        r#"{"GroupIds":["stdin"],"Url":"u"}"#,
    );
    ok(&out);
    assert_eq!(sent_body(&server, 2)["GroupIds"], json!(["stdin"]));
    assert!(server.requests().iter().all(|r| r.error_code.is_none()));
}

#[test]
fn value_set_flags_take_raw_values_and_help_lists_the_known_ones() {
    let server = TestEmulator::start();
    create_groups(&server, &["staff"]);
    let iai = Iai::new(Some(&server));
    ok(&iai.run(&[
        "create-person",
        "--group-id",
        "staff",
        "--person-name",
        "Alice",
        "--person-id",
        "alice",
        "--gender",
        "7",
        "--quality-control",
        "0",
        "--url",
        "https://example.com/alice.jpg",
    ]));
    let body = sent_body(&server, 0);
    assert_eq!(
        (&body["Gender"], &body["QualityControl"]),
        (&json!(7), &json!(0)),
        "a value the spec does not list is sent as given"
    );
    let help = ok(&iai.run(&["help", "create-person"]));
    assert!(
        help.contains(
            "Known values: 0 (EMPTY), 1 (MALE), 2 (FEMALE); others are passed on as given."
        ),
        "{help}"
    );
}

#[test]
fn image_flags_read_and_encode_files() {
    // A real (grey, 8×8) JPEG, which the emulator decodes: an unmarked face counts as live.
    let server = TestEmulator::start();
    let iai = Iai::new(Some(&server));
    let image = iai.home.path().join("face.jpg");
    let bytes = jpeg(8, 8);
    std::fs::write(&image, &bytes).unwrap();
    let out = ok(&iai.run(&[
        "detect-live-face-accurate",
        "--image",
        &format!("@{}", image.display()),
    ]));
    let answer: Value = serde_json::from_str(&out).expect("stdout is JSON");
    assert!(answer["Score"].as_f64().unwrap() >= 90.0, "{answer}");
    let expected = base64::engine::general_purpose::STANDARD.encode(&bytes);
    assert_eq!(sent_body(&server, 0)["Image"], expected.as_str());

    let missing = iai.run(&["detect-live-face-accurate", "--image", "@/no/such/file.jpg"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("cannot read /no/such/file.jpg: No such file"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn dry_run_prints_the_signed_request_without_sending_or_leaking_secrets() {
    let server = TestEmulator::start();
    let out = Command::new(IAI)
        .args([
            "--dry-run",
            "get-group-info",
            "--group-id",
            "aaa",
            "--region",
            "ap-guangzhou",
            "--language",
            "zh-CN",
        ])
        .env_clear()
        .env("TENCENTCLOUD_SECRET_ID", "AKIDdryrun")
        .env("TENCENTCLOUD_SECRET_KEY", "dry-run-secret-key")
        .env("TENCENTCLOUD_SESSION_TOKEN", "dry-run-session-token")
        .env("TENCENTCLOUD_IAI_ENDPOINT", server.url())
        .output()
        .unwrap();
    let text = ok(&out);
    assert!(
        text.starts_with(&format!("POST {}/", server.url())),
        "{text}"
    );
    assert!(text.contains("X-TC-Action: GetGroupInfo"));
    assert!(text.contains("X-TC-Region: ap-guangzhou"));
    assert!(text.contains("X-TC-Language: zh-CN"), "{text}");
    assert!(text.contains("Authorization: TC3-HMAC-SHA256 Credential=AKIDdryrun/"));
    assert!(text.contains(r#"{"GroupId":"aaa"}"#));
    assert!(
        !text.contains("dry-run-secret-key") && !text.contains("dry-run-session-token"),
        "{text}"
    );
    assert!(server.requests().is_empty(), "a dry run sends nothing");
}

// --- output ------------------------------------------------------------------------------

#[test]
fn query_filters_and_output_formats_render() {
    let server = TestEmulator::start();
    create_groups(&server, &["g1", "g2"]);
    let iai = Iai::new(Some(&server));
    let ids = ok(&iai.run(&["get-group-list", "--query", "GroupInfos[].GroupId"]));
    assert_eq!(
        serde_json::from_str::<Value>(&ids).unwrap(),
        json!(["g1", "g2"])
    );

    let text = ok(&iai.run(&[
        "get-group-list",
        "--query",
        "GroupInfos[].GroupId",
        "--output",
        "text",
    ]));
    assert_eq!(
        text, "g1\tg2\n",
        "a bare list of scalars is one row, as in the AWS CLI"
    );

    let table = ok(&iai.run(&[
        "--output",
        "table",
        "get-group-list",
        "--query",
        "GroupInfos[].{Id: GroupId, Name: GroupName}",
    ]));
    assert_eq!(
        table,
        "+----+------+\n| Id | Name |\n+----+------+\n| g1 | g1   |\n| g2 | g2   |\n+----+------+\n"
    );
}

#[test]
fn table_shows_the_only_list_as_columns_and_text_follows_the_aws_cli() {
    let server = TestEmulator::start();
    create_groups(&server, &["g1", "g2"]);
    let iai = Iai::new(Some(&server));
    let table = ok(&iai.run(&["get-group-list", "--output", "table"]));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "GroupInfos", "{table}");
    let header: Vec<&str> = lines[2].split('|').map(str::trim).collect();
    assert_eq!(&header[1..3], ["GroupName", "GroupId"], "{table}");
    assert!(
        lines[4].starts_with("| g1 ") && lines[5].starts_with("| g2 "),
        "{table}"
    );
    assert!(
        !table.contains("\"GroupId\""),
        "no JSON of the list in a cell: {table}"
    );
    // The other fields after it, as keys and values.
    assert!(table.contains("| GroupNum  | 2 "), "{table}");
    assert!(table.contains("| RequestId | "), "{table}");

    // `--query` names another list; nested values are summarised in cells.
    prepare(&server, |client| async move {
        client
            .create_person()
            .group_id("g1")
            .person_name("Alice")
            .person_id("alice")
            .image(Image::from_bytes(marked_png(
                &Marker::person("alice"),
                64,
                64,
            )))
            .send()
            .await
            .unwrap();
    });
    let persons = ok(&iai.run(&[
        "get-person-list",
        "--group-id",
        "g1",
        "--output",
        "table",
        "--query",
        "PersonInfos",
    ]));
    assert!(persons.contains("| Alice "), "{persons}");
    assert!(
        persons.contains("[\""),
        "a short list of face IDs shows whole: {persons}"
    );

    let text = ok(&iai.run(&["get-group-list", "--output", "text"]));
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows[0][0], "2", "top-level scalars first: {text}");
    let groups: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "GROUPINFOS").collect();
    assert_eq!(groups.len(), 2, "{text}");
    assert_eq!((groups[0][1], groups[0][2]), ("g1", "g1"), "{text}");
    assert!(!text.contains('{'), "no JSON fragments: {text}");
}

#[test]
fn all_pages_streams_items_across_three_pages() {
    // Five groups: pages of two are full, full, short.
    let server = TestEmulator::start();
    create_groups(&server, &["a", "b", "c", "d", "e"]);
    let iai = Iai::new(Some(&server));
    let json_out = ok(&iai.run(&["get-group-list", "--all-pages", "--limit", "2"]));
    let items: Value = serde_json::from_str(&json_out).expect("one JSON array");
    let ids: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["GroupId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let offsets: Vec<Value> = (0..3)
        .map(|i| sent_body(&server, i)["Offset"].clone())
        .collect();
    assert_eq!(offsets, [Value::Null, json!(2), json!(4)]);
    assert_eq!(server.request_count("GetGroupList"), 3);

    let lines = ok(&iai.run(&[
        "get-group-list",
        "--all-pages",
        "--limit",
        "2",
        "--output",
        "text",
        "--query",
        "GroupId",
    ]));
    assert_eq!(lines, "a\nb\nc\nd\ne\n", "one line per item");

    let rows = ok(&iai.run(&[
        "get-group-list",
        "--all-pages",
        "--limit",
        "2",
        "--output",
        "text",
    ]));
    // Each item's scalars on one tab-separated row (GroupName, GroupId, ...), nested lists on
    // rows of their own under their upper-cased name.
    let ids: Vec<&str> = rows
        .lines()
        .filter(|line| !line.starts_with(char::is_uppercase))
        .map(|line| line.split('\t').nth(1).expect("tab-separated"))
        .collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"], "{rows}");
    assert_eq!(
        server.request_count("GetGroupList"),
        9,
        "three pages each time"
    );
}

#[test]
fn a_full_disk_is_an_error_and_a_closed_pipe_is_quiet() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let iai = Iai::new(Some(&server));
    let full = std::fs::File::create("/dev/full").expect("/dev/full exists on Linux");
    let out = iai
        .command(&["get-group-info", "--group-id", "aaa"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot write the output: No space left on device"),
        "{}",
        stderr(&out)
    );

    let mut child = iai
        .command(&["completion", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, as `| head` does
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

// --- errors ------------------------------------------------------------------------------

#[test]
fn service_errors_print_code_message_and_request_id_on_one_line() {
    // There is no group `nope`: the emulator's real error.
    let server = TestEmulator::start();
    let out = Iai::new(Some(&server)).run(&["get-group-info", "--group-id", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(
            "error: InvalidParameterValue.GroupIdNotExist: The group ID `nope` does not exist. (RequestId: "
        ),
        "{err}"
    );
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].error_code.as_deref(),
        Some("InvalidParameterValue.GroupIdNotExist")
    );
}

#[test]
fn a_wrong_secret_key_names_the_masked_secret_id_and_where_it_was_set() {
    let server = TestEmulator::start();
    let wrong_key = "wrong-secret-key-typed-by-hand";
    let iai = Iai::new(Some(&server));
    let out = iai
        .command(&["get-group-info", "--group-id", "aaa"])
        .env("TENCENTCLOUD_SECRET_KEY", wrong_key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: AuthFailure.SignatureFailure: "),
        "{err}"
    );
    assert!(
        err.trim_end().ends_with(
            "; signed with SecretId AKID…0000 from the environment variables \
             TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY"
        ),
        "{err}"
    );
    for secret in [wrong_key, TEST_SECRET_KEY, TEST_SECRET_ID] {
        assert!(!err.contains(secret), "{secret:?} shown in {err}");
    }

    // The same key pair from a profile of the SDK file names the file and the profile.
    let iai = iai.without_env_keys();
    let file = iai.home.path().join(".tencentcloud/credentials");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(
        &file,
        format!("[dev]\nsecret_id = {TEST_SECRET_ID}\nsecret_key = {wrong_key}\n"),
    )
    .unwrap();
    let out = iai.run(&["--profile", "dev", "get-group-info", "--group-id", "aaa"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.trim_end().ends_with(&format!(
            "; signed with SecretId AKID…0000 from profile `dev` of {}",
            file.display()
        )),
        "{err}"
    );
    for secret in [wrong_key, TEST_SECRET_ID] {
        assert!(!err.contains(secret), "{secret:?} shown in {err}");
    }
}

#[test]
fn transport_errors_print_the_whole_cause_chain_and_exit_3() {
    // A port with nothing listening: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = Iai::new(None).run(&[
        "--endpoint",
        &format!("http://127.0.0.1:{port}"),
        "get-group-info",
        "--group-id",
        "aaa",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.to_lowercase().contains("connection refused"),
        "the root cause is printed: {err}"
    );
}

#[test]
fn timeouts_exit_3() {
    let server = TestEmulator::start();
    server.seed_example_group();
    server.script("GetGroupInfo", [FaultStep::DelayMs(5000)]);
    let out =
        Iai::new(Some(&server)).run(&["get-group-info", "--group-id", "aaa", "--timeout", "0.3"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
}

#[test]
fn validation_errors_exit_4_before_any_request() {
    let server = TestEmulator::start();
    let out = Iai::new(Some(&server)).run(&["get-group-info", "--group-id", "bad/id"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    // The flag as typed, not the API name.
    assert!(stderr(&out).contains("`--group-id`"), "{}", stderr(&out));
    assert!(server.requests().is_empty());
}

#[test]
fn cli_errors_name_flags_as_typed() {
    let server = TestEmulator::start();
    let iai = Iai::new(Some(&server));
    let out = iai.run(&["detect-face"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("give `--image` or `--url`"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("`Image`"), "{}", stderr(&out));

    // A file's name without `@`.
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("photo.png");
    std::fs::write(&photo, marked_png(&Marker::person("a"), 8, 8)).unwrap();
    let photo = photo.to_str().unwrap();
    let out = iai.run(&["detect-face", "--image", photo]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("give `@{photo}`")),
        "{}",
        stderr(&out)
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_mistyped_action_suggests_the_closest_first_in_one_spelling() {
    let out = Iai::new(None).run(&["creat-group"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let suggested: Vec<&str> = err
        .split("did you mean ")
        .nth(1)
        .expect("suggestions")
        .split('?')
        .next()
        .unwrap()
        .split(", ")
        .map(|s| s.trim_matches('`'))
        .collect();
    assert_eq!(suggested[0], "create-group", "{err}");
    assert!(!err.contains("CreateGroup"), "one spelling: {err}");
    let mut unique = suggested.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), suggested.len(), "{err}");
}

#[test]
fn every_usage_error_exits_2_before_any_request() {
    let server = TestEmulator::start();
    let iai = Iai::new(Some(&server));
    for (args, expected) in [
        (&[][..], "Usage: iai"),
        (&["get-grup-info"][..], "did you mean `get-group-info`"),
        (&["get-group-info"][..], "needs --group-id"),
        (
            &["get-group-info", "--grup-id", "a"][..],
            "a similar argument exists: '--group-id'",
        ),
        (
            &["get-group-info", "--group-id", "a", "--group-id", "b"][..],
            "cannot be used multiple times",
        ),
        (&["get-group-info", "--group-id"][..], "a value is required"),
        (
            &["detect-face", "--max-face-num", "many"][..],
            "invalid value 'many'",
        ),
        (
            &["get-group-info", "--input-json", "{not json"][..],
            "not valid JSON",
        ),
        (
            &["get-group-info", "--input-json", "[1]"][..],
            "must be a JSON object",
        ),
        (
            &[
                "get-group-info",
                "--input-json",
                r#"{"GroupId":"a","Bogus":1}"#,
            ][..],
            "unknown field `Bogus`",
        ),
        (
            &["get-group-info", "--group-id", "a", "--output", "yaml"][..],
            "invalid value 'yaml'",
        ),
        (
            &["get-group-info", "--group-id", "a", "--query", "[?"][..],
            "invalid --query",
        ),
        (
            &["get-group-info", "--group-id", "a", "--timeout", "0"][..],
            "--timeout",
        ),
        (
            &["get-group-info", "--group-id", "a", "--all-pages"][..],
            "unexpected argument '--all-pages'",
        ),
        (
            &["get-group-list", "--all-pages", "--dry-run"][..],
            "cannot be used with",
        ),
        (
            &["get-group-info", "--group-id", "a", "--endpoint", "ftp://x"][..],
            "--endpoint",
        ),
        (
            &["completion", "powershell"][..],
            "invalid value 'powershell'",
        ),
        (
            &["help", "no-such-action"][..],
            "unknown action `no-such-action`",
        ),
    ] {
        let out = iai.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(
        server.requests().is_empty(),
        "no usage error reached the server"
    );
}

// --- configuration -----------------------------------------------------------------------

#[test]
fn endpoint_flag_wins_over_a_malformed_environment_variable() {
    let server = TestEmulator::start();
    server.seed_example_group();
    let iai = Iai::new(None);
    let out = iai
        .command(&[
            "get-group-info",
            "--group-id",
            "aaa",
            "--endpoint",
            &server.url(),
        ])
        .env("TENCENTCLOUD_IAI_ENDPOINT", "not a url")
        .output()
        .unwrap();
    ok(&out);
    assert_eq!(server.request_count("GetGroupInfo"), 1);

    let refused = iai
        .command(&["get-group-info", "--group-id", "aaa"])
        .env("TENCENTCLOUD_IAI_ENDPOINT", "not a url")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("TENCENTCLOUD_IAI_ENDPOINT"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn profiles_come_from_the_sdk_file_and_from_tccli_files() {
    let server = TestEmulator::builder()
        .credential("AKIDprofile", "profile-secret", None)
        .start();
    create_groups(&server, &["a"]);
    let iai = Iai::new(Some(&server)).without_env_keys();
    let home = iai.home.path();

    // The official SDKs' INI file.
    std::fs::create_dir_all(home.join(".tencentcloud")).unwrap();
    std::fs::write(
        home.join(".tencentcloud/credentials"),
        "[default]\nsecret_id = AKIDwrong\nsecret_key = wrong\n\n[sdk]\nsecret_id = AKIDprofile\nsecret_key = profile-secret\n",
    )
    .unwrap();
    ok(&iai.run(&["--profile", "sdk", "get-group-info", "--group-id", "a"]));

    // tccli's JSON files, with the region from its configure file.
    std::fs::create_dir_all(home.join(".tccli")).unwrap();
    std::fs::write(
        home.join(".tccli/work.credential"),
        r#"{"secretId": "AKIDprofile", "secretKey": "profile-secret"}"#,
    )
    .unwrap();
    std::fs::write(
        home.join(".tccli/work.configure"),
        r#"{"_sys_param": {"region": "ap-singapore", "output": "json"}, "iai": {"endpoint": "iai.tencentcloudapi.com"}}"#,
    )
    .unwrap();
    ok(&iai.run(&["get-group-info", "--group-id", "a", "--profile", "work"]));

    // A named profile wins over keys in the environment.
    let out = iai
        .command(&["get-group-info", "--group-id", "a", "--profile", "work"])
        .env("TENCENTCLOUD_SECRET_ID", "AKIDenv")
        .env("TENCENTCLOUD_SECRET_KEY", "env-secret")
        .output()
        .unwrap();
    ok(&out);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests.iter().all(|r| r.authenticated),
        "signed with the profile's key"
    );
    assert!(
        requests.iter().all(|r| r
            .header("Authorization")
            .is_some_and(|a| a.contains("Credential=AKIDprofile/"))),
        "{requests:?}"
    );
    assert_eq!(requests[0].header("X-TC-Region"), None);
    assert_eq!(requests[1].header("X-TC-Region"), Some("ap-singapore"));

    let missing = iai.run(&["--profile", "nobody", "get-group-info", "--group-id", "a"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("profile `nobody` not found"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn configure_writes_a_private_tccli_profile_without_echoing_the_secret() {
    let server = TestEmulator::builder()
        .credential("AKIDconfigured", "configured-secret", None)
        .start();
    create_groups(&server, &["a"]);
    let iai = Iai::new(Some(&server)).without_env_keys();
    let out = iai.run_with_stdin(
        &["configure", "--profile", "dev", "--region", "ap-guangzhou"],
        "AKIDconfigured\nconfigured-secret\n",
    );
    let text = ok(&out);
    assert!(text.contains("saved profile `dev`"), "{text}");
    assert!(
        !text.contains("configured-secret") && !stderr(&out).contains("configured-secret"),
        "the secret is never echoed"
    );
    let credential: PathBuf = iai.home.path().join(".tccli/dev.credential");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&credential).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(&credential).unwrap()).unwrap();
    assert_eq!(saved["secretId"], "AKIDconfigured");

    ok(&iai.run(&["--profile", "dev", "get-group-info", "--group-id", "a"]));
    let sent = &server.requests()[0];
    assert!(sent.authenticated);
    assert!(sent
        .header("Authorization")
        .is_some_and(|a| a.contains("Credential=AKIDconfigured/")));
    assert_eq!(sent.header("X-TC-Region"), Some("ap-guangzhou"));

    let empty = iai.run_with_stdin(&["configure"], "\n");
    assert_eq!(empty.status.code(), Some(2));
}

// --- help, completion, snapshots ---------------------------------------------------------

#[test]
fn version_and_help_forms() {
    let iai = Iai::new(None);
    let version = ok(&iai.run(&["--version"]));
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/Cargo.toml"),
    )
    .unwrap();
    let client_version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .unwrap()
        .trim_matches('"');
    assert_eq!(version, format!("iai {client_version}\n"));
    let by_help = ok(&iai.run(&["help", "get-group-info"]));
    assert_eq!(by_help, ok(&iai.run(&["get-group-info", "--help"])));
    assert_eq!(by_help, ok(&iai.run(&["help", "GetGroupInfo"])));
    let overview = ok(&iai.run(&["-h"]));
    assert!(overview.contains("Exit codes:"), "{overview}");
}

#[test]
fn help_and_skeletons_match_their_snapshots() {
    let iai = Iai::new(None);
    assert_snapshot("help.txt", &ok(&iai.run(&["--help"])));
    for action in [
        "get-group-info",
        "create-group",
        "search-faces",
        "get-group-list",
        "compare-face",
        "upgrade-group-face-model-version",
    ] {
        assert_snapshot(
            &format!("help-{action}.txt"),
            &ok(&iai.run(&["help", action])),
        );
    }
    for action in [
        "get-group-info",
        "create-group",
        "search-faces",
        "create-person",
    ] {
        let skeleton = ok(&iai.run(&[action, "--generate-skeleton"]));
        serde_json::from_str::<Value>(&skeleton).expect("a skeleton is JSON");
        assert_snapshot(&format!("skeleton-{action}.json"), &skeleton);
    }
}

#[test]
fn action_help_shows_sites_and_deprecation() {
    let iai = Iai::new(None);
    let upgrade = ok(&iai.run(&["help", "upgrade-group-face-model-version"]));
    assert!(
        upgrade.contains("Deprecated: the service marks"),
        "{upgrade}"
    );
    assert!(
        upgrade.contains("Offered only on the mainland_china endpoint(s)"),
        "{upgrade}"
    );
    // A member that only the mainland site documents is marked on its flag.
    let compare = ok(&iai.run(&["help", "compare-face"]));
    assert!(!compare.contains("Deprecated"), "{compare}");
    let strategy = compare
        .lines()
        .skip_while(|l| !l.contains("--face-matching-strategy"))
        .nth(1)
        .unwrap_or_default();
    assert!(strategy.contains("mainland_china only"), "{compare}");
    // Actions offered everywhere say nothing about sites.
    let info = ok(&iai.run(&["help", "get-group-info"]));
    assert!(!info.contains("Offered only"), "{info}");
}

#[test]
fn action_help_shows_types_constraints_docs_and_runnable_examples() {
    let help = ok(&Iai::new(None).run(&["help", "create-group"]));
    assert!(help.contains("--group-name <STRING>"), "{help}");
    assert!(
        help.contains("[string, required, 1 to 60 characters]"),
        "{help}"
    );
    assert!(
        help.contains("[list<string>, 1 to 30 characters]"),
        "{help}"
    );
    assert!(help.contains("Examples:\n"), "{help}");
    assert!(
        help.contains(
            "  iai create-group --group-name 'Tencent Shenzhen Employee Group' --group-id "
        ),
        "{help}"
    );
}

/// Words of a POSIX shell line as `help::quote` writes them: plain words and '...' quotes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    w.push(q);
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

#[test]
fn every_help_example_is_one_line_that_runs_as_pasted() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let files = codegen::spec::load(&spec).unwrap();
    let service = codegen::model::resolve(&files).unwrap();
    let iai = Iai::new(None);
    let (mut checked, mut longest) = (0, 0);
    for action in &service.actions {
        let command = action.snake_name.replace('_', "-");
        let help = ok(&iai.run(&["help", &command]));
        let examples: Vec<_> = action.examples.iter().filter(|e| !e.is_error).collect();
        let section = help.split("Examples:\n").nth(1).unwrap_or_default();
        let lines: Vec<&str> = section.lines().take_while(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 2 * examples.len(), "{command}: {section}");
        for (pair, example) in lines.chunks(2).zip(&examples) {
            assert_eq!(
                pair[0],
                format!("  # {}", example.title.trim()),
                "{command}"
            );
            let line = pair[1];
            let start = format!("  iai {command}");
            assert!(
                line == start || line.starts_with(&format!("{start} ")),
                "{line}"
            );
            assert!(!line.ends_with('\\'), "{line}");
            longest = longest.max(line.len());
            // Pasted as is (plus --dry-run), it sends exactly the example's parameters.
            let words = shell_words(line);
            let mut args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
            args.extend(["--dry-run", "--region", "ap-guangzhou"]);
            let printed = ok(&iai.run(&args));
            let body = printed
                .lines()
                .find(|l| l.starts_with('{'))
                .unwrap_or_else(|| panic!("{line}: no body in {printed}"));
            let sent: Value = serde_json::from_str(body).unwrap();
            let expected: Value = serde_json::from_str(&example.input_json).unwrap();
            assert_eq!(sent, expected, "{line}");
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} examples");
    // Longer than clap's 100 columns: clap would have wrapped it.
    assert!(longest > 100, "{longest}");
}

#[test]
fn skeletons_list_every_parameter_in_api_order() {
    let text = ok(&Iai::new(None).run(&["create-group", "--generate-skeleton"]));
    let skeleton: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(skeleton.as_object().unwrap().len(), 5);
    let positions: Vec<usize> = [
        "GroupName",
        "GroupId",
        "GroupExDescriptions",
        "Tag",
        "FaceModelVersion",
    ]
    .iter()
    .map(|key| text.find(&format!("\"{key}\"")).unwrap())
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn completion_scripts_parse() {
    let iai = Iai::new(None);
    let bash = ok(&iai.run(&["completion", "bash"]));
    assert!(bash.contains("get-group-info") && bash.contains("--group-id"));
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("iai.bash");
    std::fs::write(&script, &bash).unwrap();
    let check = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let zsh = ok(&iai.run(&["completion", "zsh"]));
    assert!(zsh.starts_with("#compdef iai"), "{zsh}");
    let fish = ok(&iai.run(&["completion", "fish"]));
    assert!(fish.contains("complete -c iai"), "{fish}");
    // The shells themselves check the syntax where they are installed.
    for (shell, text) in [("zsh", &zsh), ("fish", &fish)] {
        let file = dir.path().join(format!("iai.{shell}"));
        std::fs::write(&file, text).unwrap();
        if let Ok(check) = Command::new(shell).arg("-n").arg(&file).output() {
            assert!(
                check.status.success(),
                "{shell}: {}",
                String::from_utf8_lossy(&check.stderr)
            );
        }
    }
}

// --- the common call ---------------------------------------------------------------------

#[test]
fn call_sends_any_action_by_name_and_prints_through_query() {
    let server = TestEmulator::start();
    create_groups(&server, &["g1", "g2"]);
    let iai = Iai::new(Some(&server));
    let out = iai.run(&[
        "call",
        "GetGroupList",
        "--input-json",
        r#"{"Limit": 10}"#,
        "--query",
        "GroupInfos[].GroupId",
    ]);
    assert_eq!(
        serde_json::from_str::<Value>(&ok(&out)).unwrap(),
        json!(["g1", "g2"])
    );
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].authenticated, "{:?}", sent[0]);
    assert_eq!(sent[0].header("X-TC-Action"), Some("GetGroupList"));
    assert_eq!(sent_body(&server, 0), json!({"Limit": 10}));

    // The whole Response object without --query, RequestId included.
    let whole: Value = serde_json::from_str(&ok(&iai.run(&["call", "GetGroupList"]))).unwrap();
    assert_eq!(whole["GroupNum"], 2);
    assert!(whole["RequestId"].is_string(), "{whole}");
    assert_eq!(sent_body(&server, 1), json!({}));
}

#[test]
fn call_errors_exit_like_any_action_and_bad_input_sends_nothing() {
    let server = TestEmulator::start();
    let iai = Iai::new(Some(&server));
    let out = iai.run(&[
        "call",
        "GetGroupInfo",
        "--input-json",
        r#"{"GroupId":"nope"}"#,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: InvalidParameterValue.GroupIdNotExist: ")
            && err.contains("(RequestId: "),
        "{err}"
    );
    assert_eq!(server.requests().len(), 1);

    for args in [
        &["call", "GetGroupInfo", "--input-json", "[1]"][..],
        &["call", "GetGroupInfo", "--input-json", "{"][..],
        &["call"][..],
    ] {
        let out = iai.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    let out = iai.run(&["call", "Get Group"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 1, "nothing more was sent");

    let dry = ok(&iai.run(&["call", "GetGroupList", "--dry-run"]));
    assert!(dry.contains("X-TC-Action: GetGroupList"), "{dry}");
    assert!(!dry.contains(TEST_SECRET_KEY), "{dry}");
    assert_eq!(server.requests().len(), 1, "a dry run sends nothing");
}
