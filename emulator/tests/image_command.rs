//! `iai-emulator image`: the bytes it writes (stdout or `--out`), its refusals, and the sample
//! images in `samples/`, which must be exactly what the commands in `samples/README.md` write
//! and which the emulator must read as the people they are named after.

use std::path::PathBuf;
use std::process::{Command, Output};

use tencentcloud_iai::{Client, Config, Credentials, Endpoint, Image};
use tencentcloud_iai_emulator::image::SeenImage;
use tencentcloud_iai_emulator::testimage::{marked_jpeg, marked_png};
use tencentcloud_iai_emulator::{Emulator, Marker};

/// Each sample and the arguments of `iai-emulator image` that write it.
const SAMPLES: &[(&str, &[&str])] = &[
    ("alice.png", &["--person", "alice"]),
    (
        "alice-2.jpg",
        &["--person", "alice", "--format", "jpeg", "--size", "160x120"],
    ),
    ("bob.png", &["--person", "bob"]),
    (
        "group.jpg",
        &[
            "--person", "carol", "--faces", "3", "--format", "jpeg", "--size", "192x64",
        ],
    ),
];

fn image(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iai-emulator"))
        .arg("image")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../samples")
}

fn sample(name: &str) -> Vec<u8> {
    let path = samples_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn stdout_gets_the_marked_image_testimage_makes() {
    let out = image(&[
        "--person",
        "dave",
        "--faces",
        "2",
        "--quality",
        "40",
        "--live",
        "false",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let marker = Marker::person("dave").faces(2).quality(40).live(false);
    assert_eq!(out.stdout, marked_png(&marker, 64, 64));
    let seen = SeenImage::from_bytes(&out.stdout).unwrap();
    assert_eq!(seen.identity, "person:dave");
    assert_eq!((seen.faces, seen.quality, seen.live), (2, 40, false));

    let jpeg = image(&["--person", "erin", "--format", "jpeg", "--size", "33x17"]);
    assert!(jpeg.status.success());
    assert_eq!(jpeg.stdout, marked_jpeg(&Marker::person("erin"), 33, 17));
}

#[test]
fn out_writes_a_file_and_its_extension_picks_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("frank.jpeg");
    let out = image(&["--person", "frank", "--out", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        marked_jpeg(&Marker::person("frank"), 64, 64)
    );
}

#[test]
fn bad_arguments_are_refused_with_the_flag_named() {
    for (args, flag) in [
        (&["--faces", "2"][..], "--person"),
        (&["--person", "a", "--quality", "101"][..], "--quality"),
        (&["--person", "a", "--size", "64"][..], "--size"),
        (&["--person", "a", "--format", "gif"][..], "--format"),
        (&["--person", "a", "--live", "maybe"][..], "--live"),
    ] {
        let out = image(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn samples_are_what_the_documented_commands_write() {
    let readme = std::fs::read_to_string(samples_dir().join("README.md")).unwrap();
    for (name, args) in SAMPLES {
        let command = format!("iai-emulator image {} > {name}", args.join(" "));
        assert!(
            readme.contains(&command),
            "samples/README.md should document `{command}`"
        );
        let out = image(args);
        assert!(out.status.success());
        assert!(
            out.stdout == sample(name),
            "samples/{name} differs from `{command}`; rewrite it with that command"
        );
        assert!(out.stdout.len() <= 8 * 1024, "samples/{name} is not small");
    }
}

#[tokio::test]
async fn the_emulator_knows_who_is_in_each_sample() {
    let emulator = Emulator::builder().start().await.unwrap();
    let creds = emulator.credentials();
    let client = Client::new(
        Config::builder()
            .credentials(Credentials::new(
                creds.secret_id.clone(),
                creds.secret_key.clone(),
            ))
            .endpoint(Endpoint::parse(&emulator.url()).unwrap())
            .max_attempts(1)
            .build()
            .unwrap(),
    );
    client
        .create_group()
        .group_name("Staff")
        .group_id("staff")
        .send()
        .await
        .unwrap();
    for (name, file) in [("alice", "alice.png"), ("bob", "bob.png")] {
        client
            .create_person()
            .group_id("staff")
            .person_name(name)
            .person_id(name)
            .image(Image::from_bytes(sample(file)))
            .send()
            .await
            .unwrap();
    }
    let found = client
        .search_persons()
        .group_ids(vec!["staff".into()])
        .image(Image::from_bytes(sample("alice-2.jpg")))
        .send()
        .await
        .unwrap();
    let best = &found.results[0].candidates[0];
    assert_eq!(best.person_id, "alice");
    assert!(best.score > 90.0, "{best:?}");

    let group = client
        .detect_face()
        .image(Image::from_bytes(sample("group.jpg")))
        .max_face_num(5)
        .send()
        .await
        .unwrap();
    assert_eq!((group.image_width, group.image_height), (192, 64));
    assert_eq!(group.face_infos.len(), 3);
}
