//! How generated structs become JSON objects and back. The generator emits, per struct, a
//! table of wire names and one `match` that reads a field by position; the loops that walk an
//! object live here, once. serde's derive expands about 200 lines per struct (a field enum, a
//! positional-array form the API never uses), which was most of the crate's debug build time.
//! Writing is `serialize_struct` field by field, as the derive writes it.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

/// A struct the generator described: its wire names, which of them must be present, and how
/// to read one of them into place.
pub(crate) trait WireStruct: Sized {
    /// What fields are read into: the struct itself when it has a `Default` (responses,
    /// objects), else its builder (requests with required parameters).
    type Partial: Default;
    /// The Rust name, for error messages ("... expected struct GetGroupInfoResponse").
    const NAME: &'static str;
    /// Wire names in declaration order; a field's position is its index here.
    const FIELDS: &'static [&'static str];
    /// Positions of the fields that are not `Option`s: absent, they are an error.
    const REQUIRED: &'static [usize];
    /// Refuse keys not in `FIELDS` (requests, and types only requests hold: a key nobody
    /// reads must not be dropped silently); otherwise skip them (responses may grow).
    const STRICT: bool;

    /// Reads the value of the field at `position` (an index into `FIELDS`) into `partial`.
    fn read_field<'de, A: MapAccess<'de>>(
        partial: &mut Self::Partial,
        position: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;

    /// The struct, or the wire name of a required field that was not read.
    fn finish(partial: Self::Partial) -> Result<Self, &'static str>;
}

/// `Deserialize::deserialize` of every generated struct.
pub(crate) fn deserialize<'de, T: WireStruct, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, StructVisitor(PhantomData))
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: WireStruct> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut partial = T::Partial::default();
        let mut seen = Seen::new(T::FIELDS.len());
        let key = FieldKey {
            fields: T::FIELDS,
            strict: T::STRICT,
        };
        while let Some(position) = map.next_key_seed(key)? {
            match position {
                Some(position) => {
                    if !seen.insert(position) {
                        return Err(de::Error::duplicate_field(T::FIELDS[position]));
                    }
                    T::read_field(&mut partial, position, &mut map)?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(&missing) = T::REQUIRED.iter().find(|&&p| !seen.contains(p)) {
            return Err(de::Error::missing_field(T::FIELDS[missing]));
        }
        T::finish(partial).map_err(de::Error::missing_field)
    }
}

/// Reads a key as its position in `fields`; `None` for a key to skip.
#[derive(Clone, Copy)]
struct FieldKey {
    fields: &'static [&'static str],
    strict: bool,
}

impl<'de> DeserializeSeed<'de> for FieldKey {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldKey {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        match self.fields.iter().position(|name| *name == key) {
            Some(position) => Ok(Some(position)),
            None if self.strict => Err(E::unknown_field(key, self.fields)),
            None => Ok(None),
        }
    }
}

/// The fields read so far: a bit per position (no struct of the API has 128 fields, but one
/// with more still works).
enum Seen {
    Few(u128),
    Many(Vec<bool>),
}

impl Seen {
    fn new(fields: usize) -> Self {
        if fields <= 128 {
            Seen::Few(0)
        } else {
            Seen::Many(vec![false; fields])
        }
    }

    /// Marks `position`; false if it was already marked.
    fn insert(&mut self, position: usize) -> bool {
        match self {
            Seen::Few(bits) => {
                let bit = 1u128 << position;
                let new = *bits & bit == 0;
                *bits |= bit;
                new
            }
            Seen::Many(marks) => !std::mem::replace(&mut marks[position], true),
        }
    }

    fn contains(&self, position: usize) -> bool {
        match self {
            Seen::Few(bits) => bits & (1u128 << position) != 0,
            Seen::Many(marks) => marks[position],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct as the generator describes one: a required field, an optional one, a list.
    #[derive(Debug, Default, PartialEq)]
    struct Sample {
        name: String,
        tag: Option<String>,
        ids: Vec<u64>,
    }

    impl WireStruct for Sample {
        type Partial = Self;
        const NAME: &'static str = "Sample";
        const FIELDS: &'static [&'static str] = &["Name", "Tag", "Ids"];
        const REQUIRED: &'static [usize] = &[0, 2];
        const STRICT: bool = false;
        fn read_field<'de, A: MapAccess<'de>>(
            partial: &mut Self,
            position: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match position {
                0 => partial.name = map.next_value()?,
                1 => partial.tag = map.next_value()?,
                _ => partial.ids = map.next_value()?,
            }
            Ok(())
        }
        fn finish(partial: Self) -> Result<Self, &'static str> {
            Ok(partial)
        }
    }

    impl<'de> serde::Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize(d)
        }
    }

    /// A request: strict, read into a builder whose `finish` checks the required field.
    #[derive(Debug)]
    struct Strict {
        name: String,
    }

    #[derive(Default)]
    struct StrictBuilder {
        name: Option<String>,
        rest: Sample,
    }

    impl WireStruct for Strict {
        type Partial = StrictBuilder;
        const NAME: &'static str = "Strict";
        const FIELDS: &'static [&'static str] = Sample::FIELDS;
        const REQUIRED: &'static [usize] = &[];
        const STRICT: bool = true;
        fn read_field<'de, A: MapAccess<'de>>(
            partial: &mut StrictBuilder,
            position: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match position {
                0 => partial.name = Some(map.next_value()?),
                _ => Sample::read_field(&mut partial.rest, position, map)?,
            }
            Ok(())
        }
        fn finish(partial: StrictBuilder) -> Result<Self, &'static str> {
            Ok(Strict {
                name: partial.name.ok_or("Name")?,
            })
        }
    }

    impl<'de> serde::Deserialize<'de> for Strict {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize(d)
        }
    }

    fn error<T: serde::de::DeserializeOwned + fmt::Debug>(json: &str) -> String {
        serde_json::from_str::<T>(json).unwrap_err().to_string()
    }

    #[test]
    fn fields_in_any_order_with_unknown_keys_skipped_and_null_as_none() {
        let value: Sample =
            serde_json::from_str(r#"{"Ids":[1,2],"Extra":{"a":[1]},"Tag":null,"Name":"n"}"#)
                .unwrap();
        assert_eq!(
            value,
            Sample {
                name: "n".into(),
                tag: None,
                ids: vec![1, 2]
            }
        );
        let value: Sample = serde_json::from_str(r#"{"Name":"n","Ids":[],"Tag":"t"}"#).unwrap();
        assert_eq!(value.tag.as_deref(), Some("t"));
    }

    #[test]
    fn a_missing_required_field_a_duplicate_and_a_wrong_type_are_errors_that_name_the_field() {
        assert!(error::<Sample>(r#"{"Name":"n"}"#).contains("missing field `Ids`"));
        assert!(error::<Sample>(r#"{"Name":"n","Ids":[],"Name":"m"}"#)
            .contains("duplicate field `Name`"));
        assert!(error::<Sample>(r#"{"Name":1,"Ids":[]}"#).contains("invalid type: integer"));
        assert!(error::<Sample>(r#"{"Name":null,"Ids":[]}"#).contains("invalid type: null"));
        assert!(error::<Sample>(r#"["n",null,[]]"#).contains("expected struct Sample"));
        assert!(error::<Sample>("7").contains("expected struct Sample"));
    }

    #[test]
    fn a_strict_struct_refuses_an_unknown_key_and_lists_the_known_ones() {
        let message = error::<Strict>(r#"{"Name":"n","Ids":[],"Nme":"x"}"#);
        assert!(
            message.contains("unknown field `Nme`, expected one of `Name`, `Tag`, `Ids`"),
            "{message}"
        );
        let message = error::<Strict>(r#"{"Ids":[]}"#);
        assert!(message.contains("missing field `Name`"), "{message}");
        let value: Strict = serde_json::from_str(r#"{"Name":"n","Ids":[]}"#).unwrap();
        assert_eq!(value.name, "n");
    }

    #[test]
    fn decodes_from_a_json_value_too() {
        let value: Sample =
            serde_json::from_value(serde_json::json!({"Name": "n", "Ids": [3]})).unwrap();
        assert_eq!(value.ids, vec![3]);
    }

    #[test]
    fn the_seen_set_works_past_128_fields() {
        let mut seen = Seen::new(200);
        assert!(seen.insert(150));
        assert!(!seen.insert(150));
        assert!(seen.contains(150) && !seen.contains(149));
        let mut few = Seen::new(128);
        assert!(few.insert(127) && !few.insert(127) && few.contains(127));
    }
}
