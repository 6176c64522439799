//! Property-based robustness test of response decoding: whatever bytes arrive, with whatever
//! HTTP status, `envelope::decode` must return the output or a typed error, never panic.
//!
//! The inputs mix arbitrary bytes with JSON that is structured but wrong: `Response` objects
//! with random keys, values and nesting; error objects with a missing or ill-typed `Code`;
//! the action's own fields with random types or left out; huge numbers; deep nesting; and
//! truncated or corrupted copies of a response that does decode. The budget and the seed are
//! fixed, so every run checks the same cases.

use std::fmt;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

use crate::runtime::envelope::decode;
use crate::runtime::error::{SdkError, ServiceError};

/// Cases per call of [`fuzz_decode`].
pub(crate) const FUZZ_CASES: u32 = 256;

/// The envelope's own keys, which every input may use.
const ENVELOPE_KEYS: [&str; 5] = ["Response", "Error", "Code", "Message", "RequestId"];

/// Feeds [`FUZZ_CASES`] generated bodies to `decode::<T, E>` and panics, with the smallest
/// failing body, if one makes it panic or return anything but the output or a typed error.
pub(crate) fn fuzz_decode<T: DeserializeOwned, E: ServiceError>() {
    let outcomes = run::<T, E>();
    assert_eq!(outcomes.total(), FUZZ_CASES as usize);
}

/// How the generated cases ended, for tests of the generator itself.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Outcomes {
    pub ok: usize,
    pub service: usize,
    pub response: usize,
}

impl Outcomes {
    fn total(&self) -> usize {
        self.ok + self.service + self.response
    }
}

pub(crate) fn run<T: DeserializeOwned, E: ServiceError>() -> Outcomes {
    let fields = field_names::<T>();
    let seed = valid_seed::<T>(&fields);
    let config = Config {
        cases: FUZZ_CASES,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let outcomes = std::cell::Cell::new(Outcomes::default());
    let result = runner.run(&(status(), body(&fields, seed)), |(status, body)| {
        let mut counts = outcomes.get();
        check::<T, E>(status, &body.0, &mut counts)?;
        outcomes.set(counts);
        Ok(())
    });
    if let Err(failure) = result {
        panic!(
            "decoding into {} misbehaved: {failure}",
            std::any::type_name::<T>()
        );
    }
    outcomes.get()
}

fn check<T: DeserializeOwned, E: ServiceError>(
    status: u16,
    body: &[u8],
    counts: &mut Outcomes,
) -> Result<(), TestCaseError> {
    match decode::<T, E>(status, body, 1) {
        Ok(_) => {
            prop_assert!((200..300).contains(&status), "success from HTTP {status}");
            counts.ok += 1;
        }
        Err(SdkError::Service(e)) => {
            let meta = e.metadata();
            prop_assert_eq!(meta.http_status, status);
            prop_assert_eq!(meta.attempts, 1);
            let shown = e.to_string();
            prop_assert!(shown.contains(&meta.code), "{shown}");
            counts.service += 1;
        }
        Err(SdkError::Response(e)) => {
            prop_assert_eq!(e.http_status, status);
            prop_assert_eq!(e.attempts, 1);
            prop_assert!(!e.problem.is_empty());
            prop_assert!(
                e.body_excerpt.chars().count() <= 257,
                "excerpt of {} chars",
                e.body_excerpt.chars().count()
            );
            let _ = e.to_string();
            counts.response += 1;
        }
        Err(other) => prop_assert!(false, "decode returned a non-response error: {other}"),
    }
    Ok(())
}

/// A response body; `Debug` shows it as (lossy) text so failures are readable.
#[derive(Clone)]
struct Body(Vec<u8>);

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(&self.0))
    }
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => Just(200u16),
        1 => Just(400u16),
        1 => Just(500u16),
        1 => Just(502u16),
        1 => 100u16..600,
    ]
}

/// A JSON tree whose numbers keep their text, so they can be out of range for any Rust type.
#[derive(Clone, Debug)]
enum Json {
    Null,
    Bool(bool),
    /// Number text as written, e.g. `1e400`.
    Num(String),
    Str(String),
    /// Text inserted as-is: invalid escapes, bare words.
    Raw(&'static str),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn render(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(n),
            Json::Str(s) => out.push_str(&quote(s)),
            Json::Raw(r) => out.push_str(r),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.render(out);
                }
                out.push(']');
            }
            Json::Obj(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quote(key));
                    out.push(':');
                    value.render(out);
                }
                out.push('}');
            }
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        self.render(&mut out);
        out
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings encode")
}

fn envelope(response: Json) -> Json {
    Json::Obj(vec![("Response".to_owned(), response)])
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        "-?[1-9][0-9]{18,60}",
        prop::sample::select(vec![
            "1e400",
            "-1e400",
            "18446744073709551616",
            "-9223372036854775809",
            "123456789012345678901234567890.5",
            "0.0000000000000000000000000000000000001",
            "1E+2",
            "-0",
            "4.9e-324",
        ])
        .prop_map(str::to_owned),
    ]
}

fn key(fields: &[&'static str]) -> BoxedStrategy<String> {
    let mut known: Vec<&'static str> = ENVELOPE_KEYS.to_vec();
    known.extend_from_slice(fields);
    prop_oneof![
        3 => prop::sample::select(known).prop_map(str::to_owned),
        1 => "[A-Za-z]{0,10}",
        1 => any::<String>(),
    ]
    .boxed()
}

fn json(fields: &[&'static str]) -> BoxedStrategy<Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number().prop_map(Json::Num),
        "[ -~]{0,12}".prop_map(Json::Str),
        any::<String>().prop_map(Json::Str),
        prop::sample::select(vec![
            r#""\ud800""#,
            r#""\x""#,
            "NaN",
            "undefined",
            r#""unterminated"#,
        ])
        .prop_map(Json::Raw),
    ];
    let key = key(fields);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Arr),
            prop::collection::vec((key.clone(), inner), 0..6).prop_map(Json::Obj),
        ]
    })
    .boxed()
}

/// `Error` objects as the gateway sends them, and as it never should.
fn error_response(fields: &[&'static str]) -> impl Strategy<Value = Json> {
    let any_json = json(fields);
    let code = prop_oneof![
        3 => "[A-Z][A-Za-z]{0,15}(\\.[A-Z][A-Za-z]{0,15})?".prop_map(Json::Str),
        1 => prop::sample::select(vec!["", " ", ".", "AuthFailure.", "\u{0}"])
            .prop_map(|c| Json::Str(c.to_owned())),
        1 => any_json.clone(),
    ];
    let message = prop_oneof![
        3 => any::<String>().prop_map(Json::Str),
        1 => any_json.clone(),
    ];
    let error_object = (
        prop::option::weighted(0.85, code),
        prop::option::weighted(0.85, message),
        prop::collection::vec((key(fields), any_json.clone()), 0..2),
    )
        .prop_map(|(code, message, extra)| {
            let mut entries = Vec::new();
            if let Some(code) = code {
                entries.push(("Code".to_owned(), code));
            }
            if let Some(message) = message {
                entries.push(("Message".to_owned(), message));
            }
            entries.extend(extra);
            Json::Obj(entries)
        });
    let error = prop_oneof![4 => error_object, 1 => any_json.clone()];
    (
        error,
        prop::option::weighted(
            0.85,
            prop_oneof![
                3 => "[0-9a-f-]{36}".prop_map(Json::Str),
                1 => any_json,
            ],
        ),
    )
        .prop_map(|(error, request_id)| {
            let mut entries = vec![("Error".to_owned(), error)];
            if let Some(id) = request_id {
                entries.push(("RequestId".to_owned(), id));
            }
            envelope(Json::Obj(entries))
        })
}

/// The action's own fields, each left out or given a random value.
fn fields_response(fields: &[&'static str]) -> impl Strategy<Value = Json> {
    let value = json(fields);
    let entries: Vec<_> = fields
        .iter()
        .map(|name| (Just(name.to_string()), prop::option::of(value.clone())))
        .collect();
    entries.prop_map(|entries| {
        envelope(Json::Obj(
            entries
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect(),
        ))
    })
}

/// A body that decodes, then damaged: one field replaced or removed, extra keys added, or its
/// text truncated or overwritten at one byte.
fn seed_mutations(seed: Vec<(String, Json)>, fields: &[&'static str]) -> BoxedStrategy<Vec<u8>> {
    let field_count = seed.len();
    let text = envelope(Json::Obj(seed.clone())).text().into_bytes();
    let replaced = {
        let seed = seed.clone();
        (any::<Index>(), json(fields)).prop_map(move |(at, value)| {
            let mut entries = seed.clone();
            entries[at.index(field_count)].1 = value;
            envelope(Json::Obj(entries)).text().into_bytes()
        })
    };
    let removed = {
        let seed = seed.clone();
        any::<Index>().prop_map(move |at| {
            let mut entries = seed.clone();
            entries.remove(at.index(field_count));
            envelope(Json::Obj(entries)).text().into_bytes()
        })
    };
    let extended = {
        let seed = seed.clone();
        prop::collection::vec((key(fields), json(fields)), 1..4).prop_map(move |extra| {
            let mut entries = seed.clone();
            entries.extend(extra);
            envelope(Json::Obj(entries)).text().into_bytes()
        })
    };
    let truncated = {
        let text = text.clone();
        any::<Index>().prop_map(move |at| text[..at.index(text.len())].to_vec())
    };
    let overwritten = {
        let text = text.clone();
        (any::<Index>(), any::<u8>()).prop_map(move |(at, byte)| {
            let mut bytes = text.clone();
            let i = at.index(bytes.len());
            bytes[i] = byte;
            bytes
        })
    };
    prop_oneof![
        2 => Just(text),
        3 => replaced,
        2 => removed,
        2 => extended,
        2 => truncated,
        2 => overwritten,
    ]
    .boxed()
}

fn deep_nesting() -> impl Strategy<Value = Vec<u8>> {
    (1usize..3000, 0u8..3).prop_map(|(depth, style)| {
        let (open, close) = match style {
            0 => ("[", "]"),
            1 => ("{\"a\":", "}"),
            _ => ("{\"Response\":", "}"),
        };
        let mut text = String::from("{\"Response\":{\"Nested\":");
        text.push_str(&open.repeat(depth));
        text.push('1');
        text.push_str(&close.repeat(depth));
        text.push_str("}}");
        text.into_bytes()
    })
}

fn body(fields: &[&'static str], seed: Option<Vec<(String, Json)>>) -> impl Strategy<Value = Body> {
    let any_json = json(fields);
    let mut choices: Vec<(u32, BoxedStrategy<Vec<u8>>)> = vec![
        (2, prop::collection::vec(any::<u8>(), 0..256).boxed()),
        (
            2,
            any_json.clone().prop_map(|j| j.text().into_bytes()).boxed(),
        ),
        (
            2,
            prop::collection::vec((key(fields), any_json), 0..8)
                .prop_map(|entries| envelope(Json::Obj(entries)).text().into_bytes())
                .boxed(),
        ),
        (
            4,
            error_response(fields)
                .prop_map(|j| j.text().into_bytes())
                .boxed(),
        ),
        (
            3,
            fields_response(fields)
                .prop_map(|j| j.text().into_bytes())
                .boxed(),
        ),
        (1, deep_nesting().boxed()),
    ];
    if let Some(seed) = seed.filter(|s| !s.is_empty()) {
        choices.push((6, seed_mutations(seed, fields)));
    }
    prop::strategy::Union::new_weighted(choices).prop_map(Body)
}

/// The field names of `T`'s top-level struct, read from its `Deserialize` impl (empty if `T`
/// is not a plain struct).
pub(crate) fn field_names<T: DeserializeOwned>() -> Vec<&'static str> {
    let mut names = Vec::new();
    let _ = T::deserialize(FieldNames(&mut names));
    names
}

struct FieldNames<'a>(&'a mut Vec<&'static str>);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("only structs are introspected"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.extend_from_slice(fields);
        Err(de::Error::custom("field names recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// Finds a response that decodes into `T` by trying simple values field by field, in order:
/// a value is kept when decoding then fails only for a field not yet filled in. Fields of
/// nested struct types usually defeat this; then there is no seed and the other shapes remain.
fn valid_seed<T: DeserializeOwned>(fields: &[&'static str]) -> Option<Vec<(String, Json)>> {
    let candidates = || {
        [
            Json::Str("x".into()),
            Json::Num("1".into()),
            Json::Arr(vec![]),
            Json::Bool(true),
            Json::Num("1.5".into()),
            Json::Obj(vec![]),
            Json::Arr(vec![Json::Str("x".into())]),
            Json::Arr(vec![Json::Num("1".into())]),
            Json::Null,
        ]
    };
    let mut entries: Vec<(String, Json)> = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let later = &fields[i + 1..];
        let accepted = candidates().into_iter().find(|candidate| {
            let mut trial = entries.clone();
            trial.push((field.to_string(), candidate.clone()));
            match serde_json::from_str::<T>(&Json::Obj(trial).text()) {
                Ok(_) => true,
                Err(e) => later
                    .iter()
                    .any(|f| e.to_string().starts_with(&format!("missing field `{f}`"))),
            }
        })?;
        entries.push((field.to_string(), accepted));
    }
    serde_json::from_str::<T>(&Json::Obj(entries.clone()).text())
        .ok()
        .map(|_| entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::testing::AnyServiceError;

    // Stand-ins with the shape of a generated action (GetGroupInfo's fields), so these tests
    // do not depend on which actions the spec has.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct GroupInfo {
        #[serde(rename = "GroupName")]
        group_name: String,
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "GroupExDescriptions")]
        group_ex_descriptions: Vec<String>,
        #[serde(rename = "Tag")]
        tag: String,
        #[serde(rename = "CreationTimestamp")]
        creation_timestamp: u64,
        #[serde(rename = "RequestId")]
        request_id: String,
    }

    #[test]
    fn decoding_never_panics() {
        // The path generated tests use.
        crate::runtime::testing::fuzz_decode::<GroupInfo, AnyServiceError>();
    }

    #[test]
    fn the_generator_reaches_every_outcome() {
        let fields = field_names::<GroupInfo>();
        assert_eq!(
            fields,
            [
                "GroupName",
                "GroupId",
                "GroupExDescriptions",
                "Tag",
                "CreationTimestamp",
                "RequestId"
            ]
        );
        assert!(
            valid_seed::<GroupInfo>(&fields).is_some(),
            "a flat response gets a decodable seed"
        );
        let outcomes = run::<GroupInfo, AnyServiceError>();
        assert!(
            outcomes.ok > 0 && outcomes.service > 0 && outcomes.response > 0,
            "{outcomes:?}"
        );
    }
}
