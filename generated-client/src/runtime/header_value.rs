//! Request header values that allocate only when they must.

use std::fmt;

use bytes::Bytes;

/// A request header's value: borrowed when it is a constant (action, version, ...), inline
/// when it is short (the timestamp), owned otherwise (the authorization).
#[derive(Clone)]
pub(crate) struct HeaderValue(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Owned(String),
    /// ASCII text of `len` bytes.
    Inline {
        len: u8,
        bytes: [u8; INLINE_CAPACITY],
    },
}

/// Enough for any `u64` in decimal; keeps `HeaderValue` no larger than a `String` + tag.
const INLINE_CAPACITY: usize = 22;

impl HeaderValue {
    pub(crate) const fn from_static(value: &'static str) -> Self {
        HeaderValue(Repr::Static(value))
    }

    /// `n` in decimal, without allocating.
    pub(crate) fn decimal(n: u64) -> Self {
        let mut digits = [0u8; 20];
        let digits = super::signing::decimal(n, &mut digits);
        let mut bytes = [0u8; INLINE_CAPACITY];
        bytes[..digits.len()].copy_from_slice(digits);
        HeaderValue(Repr::Inline {
            len: digits.len() as u8,
            bytes,
        })
    }

    pub(crate) fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(value) => value,
            Repr::Owned(value) => value,
            Repr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).expect("inline values are ASCII")
            }
        }
    }

    /// The value as bytes, without copying a `'static` or owned value: what a transport
    /// hands to its HTTP library.
    #[cfg_attr(
        not(any(feature = "reqwest-transport", feature = "hyper-transport")),
        allow(dead_code)
    )]
    pub(crate) fn into_bytes(self) -> Bytes {
        match self.0 {
            Repr::Static(value) => Bytes::from_static(value.as_bytes()),
            Repr::Owned(value) => Bytes::from(value),
            // One allocation that clones share: a copied slice would allocate again when
            // first cloned, and HTTP libraries clone header maps.
            Repr::Inline { len, bytes } => Bytes::from_owner(Inline { len, bytes }),
        }
    }
}

/// An inline value as the owner of a [`Bytes`].
#[cfg_attr(
    not(any(feature = "reqwest-transport", feature = "hyper-transport")),
    allow(dead_code)
)]
struct Inline {
    len: u8,
    bytes: [u8; INLINE_CAPACITY],
}

impl AsRef<[u8]> for Inline {
    fn as_ref(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl From<String> for HeaderValue {
    fn from(value: String) -> Self {
        HeaderValue(Repr::Owned(value))
    }
}

impl fmt::Debug for HeaderValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_the_same_however_they_are_kept() {
        let values = [
            HeaderValue::from_static("1700000000"),
            HeaderValue::from("1700000000".to_owned()),
            HeaderValue::decimal(1_700_000_000),
        ];
        for value in &values {
            assert_eq!(value.as_str(), "1700000000");
            assert_eq!(format!("{value:?}"), "\"1700000000\"");
        }
        for value in values {
            assert_eq!(value.into_bytes(), "1700000000");
        }
    }

    #[test]
    fn decimal_values_cover_the_whole_u64_range() {
        for n in [0, 7, 10, 1_551_113_065, u64::MAX] {
            assert_eq!(HeaderValue::decimal(n).as_str(), n.to_string());
        }
    }
}
