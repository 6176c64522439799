//! Image parameters. The API takes base64 text; users hold raw bytes, an already-encoded string,
//! or (through the action's separate `Url` parameter) a URL.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An image sent as base64. Raw bytes are encoded once, straight into the request body.
#[derive(Clone, PartialEq, Eq)]
pub struct Image(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    Raw(Bytes),
    Encoded(String),
}

impl Image {
    /// Raw image file contents (JPG, PNG, BMP, ...). `Bytes` and `Vec<u8>` are taken without copying.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Image(Repr::Raw(bytes.into()))
    }

    /// Data that is already base64-encoded; sent as is.
    pub fn from_base64(encoded: impl Into<String>) -> Self {
        Image(Repr::Encoded(encoded.into()))
    }

    /// Length of the base64 text on the wire, which is what the API's size limit counts.
    pub fn encoded_len(&self) -> usize {
        match &self.0 {
            Repr::Raw(bytes) => bytes.len().div_ceil(3) * 4,
            Repr::Encoded(text) => text.len(),
        }
    }
}

impl From<Vec<u8>> for Image {
    fn from(bytes: Vec<u8>) -> Self {
        Image::from_bytes(bytes)
    }
}

impl From<Bytes> for Image {
    fn from(bytes: Bytes) -> Self {
        Image::from_bytes(bytes)
    }
}

impl From<&'static [u8]> for Image {
    fn from(bytes: &'static [u8]) -> Self {
        Image::from_bytes(Bytes::from_static(bytes))
    }
}

/// Image data is large and may be sensitive: show its size, never its contents.
impl fmt::Debug for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Raw(bytes) => write!(f, "Image({} raw bytes)", bytes.len()),
            Repr::Encoded(text) => write!(f, "Image({} base64 characters)", text.len()),
        }
    }
}

impl Serialize for Image {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            // serde_json streams `collect_str` into its output: no intermediate String.
            Repr::Raw(bytes) => serializer.collect_str(&Base64Display(bytes)),
            Repr::Encoded(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for Image {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Image::from_base64)
    }
}

/// Encodes in blocks through a stack buffer, so `Display` never allocates.
struct Base64Display<'a>(&'a [u8]);

impl fmt::Display for Base64Display<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const IN: usize = 12 * 1024; // a multiple of 3: no padding inside the stream
        let mut buf = [0u8; IN / 3 * 4];
        for chunk in self.0.chunks(IN) {
            let n = STANDARD
                .encode_slice(chunk, &mut buf)
                .map_err(|_| fmt::Error)?;
            f.write_str(std::str::from_utf8(&buf[..n]).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_bytes_encode_as_standard_base64() {
        for len in [
            0,
            1,
            2,
            3,
            4,
            12 * 1024 - 1,
            12 * 1024,
            12 * 1024 + 1,
            100_000,
        ] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let image = Image::from_bytes(data.clone());
            let json = serde_json::to_string(&image).unwrap();
            assert_eq!(
                json,
                format!("\"{}\"", STANDARD.encode(&data)),
                "length {len}"
            );
            assert_eq!(image.encoded_len(), STANDARD.encode(&data).len());
        }
    }

    #[test]
    fn encoded_text_is_sent_as_is_and_debug_hides_contents() {
        let image = Image::from_base64("aGVsbG8=");
        assert_eq!(serde_json::to_string(&image).unwrap(), "\"aGVsbG8=\"");
        assert_eq!(format!("{image:?}"), "Image(8 base64 characters)");
        assert_eq!(
            format!("{:?}", Image::from(b"secret".to_vec())),
            "Image(6 raw bytes)"
        );
    }
}
