//! Image parameters. The API takes base64 text; users hold raw bytes, an already-encoded string,
//! or (through the action's separate `Url` parameter) a URL.

use std::cell::RefCell;
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

    /// Data that is already standard base64 (RFC 4648 alphabet, `=` padding), sent as is.
    /// Anything else is refused here, before it could reach the network.
    pub fn from_base64(encoded: impl Into<String>) -> Result<Self, ImageError> {
        let encoded = encoded.into();
        check_base64(&encoded)?;
        Ok(Image(Repr::Encoded(encoded)))
    }

    /// Whether the image has no data at all; the API refuses such images, and so does
    /// `validate()`.
    pub fn is_empty(&self) -> bool {
        self.encoded_len() == 0
    }

    /// Length of the base64 text on the wire, which is what the API's size limit counts.
    pub fn encoded_len(&self) -> usize {
        match &self.0 {
            Repr::Raw(bytes) => base64_len(bytes.len()),
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
            Repr::Raw(bytes) => {
                let deferred = DEFERRED.with(|deferred| {
                    let mut deferred = deferred.borrow_mut();
                    let list = deferred.as_mut()?;
                    list.push(bytes.clone());
                    Some(list.len() - 1)
                });
                match deferred {
                    Some(index) => serializer.serialize_str(&marker(index)),
                    // serde_json streams `collect_str` into its output: no intermediate String.
                    None => serializer.collect_str(&Base64Display(bytes)),
                }
            }
            Repr::Encoded(text) => serializer.serialize_str(text),
        }
    }
}

thread_local! {
    /// While [`to_json_placing_images`] encodes a body on this thread, raw images wait here and leave a
    /// marker in the JSON instead.
    static DEFERRED: RefCell<Option<Vec<Bytes>>> = const { RefCell::new(None) };
}

/// What a deferred image leaves in the JSON text: a NUL (which JSON can only write escaped)
/// and the image's position.
fn marker(index: usize) -> String {
    format!("\0tencentcloud-image-{index}")
}

/// `marker(index)` as serde_json writes it, quotes included.
fn marker_json(index: usize) -> String {
    format!("\"\\u0000tencentcloud-image-{index}\"")
}

/// `value` as a JSON body with its raw images base64-encoded straight into place: serde_json
/// would scan every character of their text for escapes, which base64 never needs and which
/// cost as much as the encoding. The rest is serialized first, with a marker where each image
/// goes; the images are put in their places by [`JsonBody::into_bytes`], which needs nothing
/// borrowed, so large bodies can be finished off the async workers. `None` when a string in
/// `value` spells a marker: the caller then encodes the plain way.
pub(crate) fn to_json_placing_images<T: Serialize>(
    value: &T,
) -> serde_json::Result<Option<JsonBody>> {
    /// Ends the deferral however serialization ends, so no later serialization on this
    /// thread leaves markers.
    struct Deferral;
    impl Drop for Deferral {
        fn drop(&mut self) {
            DEFERRED.with(|deferred| deferred.borrow_mut().take());
        }
    }

    let deferral = Deferral;
    DEFERRED.with(|deferred| *deferred.borrow_mut() = Some(Vec::new()));
    let mut skeleton = Vec::with_capacity(1024);
    let written = serde_json::to_writer(&mut skeleton, value);
    let images = DEFERRED
        .with(|deferred| deferred.borrow_mut().take())
        .unwrap_or_default();
    drop(deferral);
    written?;
    if images.is_empty() {
        return Ok(Some(JsonBody::Ready(Bytes::from(skeleton))));
    }
    Ok(ImagesToPlace::new(skeleton, images).map(JsonBody::WithImages))
}

/// A request's JSON body: complete, or a skeleton whose images are still to be encoded.
pub(crate) enum JsonBody {
    Ready(Bytes),
    WithImages(ImagesToPlace),
}

impl JsonBody {
    /// The body's length once complete.
    pub(crate) fn len(&self) -> usize {
        match self {
            JsonBody::Ready(body) => body.len(),
            JsonBody::WithImages(images) => images.len,
        }
    }

    /// The complete body; encoding the images is most of a large request's CPU work.
    pub(crate) fn into_bytes(self) -> Bytes {
        match self {
            JsonBody::Ready(body) => body,
            JsonBody::WithImages(images) => images.place(),
        }
    }
}

/// A JSON skeleton with a marker for each raw image, the markers already found: one per
/// image, in order.
pub(crate) struct ImagesToPlace {
    skeleton: Vec<u8>,
    /// Each image with where its marker (quotes included) starts and ends in the skeleton.
    images: Vec<(usize, usize, Bytes)>,
    /// The length of the complete body.
    len: usize,
}

impl ImagesToPlace {
    /// `None` if the markers are not exactly one per image, in order (a string in the
    /// request spells one).
    fn new(skeleton: Vec<u8>, images: Vec<Bytes>) -> Option<Self> {
        let mut placed = Vec::with_capacity(images.len());
        let mut len = skeleton.len();
        let mut from = 0;
        for (index, image) in images.into_iter().enumerate() {
            let marker = marker_json(index);
            let at = from + memchr::memmem::find(&skeleton[from..], marker.as_bytes())?;
            let end = at + marker.len();
            if memchr::memmem::find(&skeleton[end..], marker.as_bytes()).is_some() {
                return None;
            }
            len = len - marker.len() + base64_len(image.len()) + 2;
            placed.push((at, end, image));
            from = end;
        }
        if memchr::memmem::find(&skeleton[from..], b"\\u0000tencentcloud-image-").is_some() {
            return None;
        }
        Some(ImagesToPlace {
            skeleton,
            images: placed,
            len,
        })
    }

    /// The skeleton with each marker replaced by its image's base64 text, in one allocation.
    fn place(self) -> Bytes {
        let mut body = Vec::with_capacity(self.len);
        let mut rest_from = 0;
        for (at, end, image) in &self.images {
            body.extend_from_slice(&self.skeleton[rest_from..*at]);
            body.push(b'"');
            let start = body.len();
            body.resize(start + base64_len(image.len()), 0);
            let written = STANDARD
                .encode_slice(image, &mut body[start..])
                .expect("the buffer is sized for the base64 text");
            debug_assert_eq!(start + written, body.len());
            body.push(b'"');
            rest_from = *end;
        }
        body.extend_from_slice(&self.skeleton[rest_from..]);
        debug_assert_eq!(body.len(), self.len);
        Bytes::from(body)
    }
}

impl<'de> Deserialize<'de> for Image {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Image::from_base64(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// Text given as a base64 image that is not standard base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageError {
    problem: String,
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the image text is not base64: {}", self.problem)
    }
}

impl std::error::Error for ImageError {}

/// Decodes `text` in blocks into a stack buffer, keeping nothing: the check costs no
/// allocation however large the image. Errors name the offending position, never the data.
fn check_base64(text: &str) -> Result<(), ImageError> {
    const CHUNK: usize = 16 * 1024; // a multiple of 4: padding is only valid in the last block
    let fail = |problem: String| Err(ImageError { problem });
    if let Some(comma) = text.strip_prefix("data:").and_then(|rest| rest.find(',')) {
        return fail(format!(
            "it starts with a data URL header; give only the text after `,` (byte {})",
            comma + 6
        ));
    }
    let mut buf = [0u8; CHUNK / 4 * 3];
    for (index, chunk) in text.as_bytes().chunks(CHUNK).enumerate() {
        let start = index * CHUNK;
        if let Err(e) = STANDARD.decode_slice(chunk, &mut buf) {
            use base64::DecodeError;
            let problem = match e {
                // Cannot happen (3 bytes out per 4 in); said plainly rather than a panic.
                base64::DecodeSliceError::OutputSliceTooSmall => {
                    "a block decoded to more bytes than base64 allows".to_owned()
                }
                base64::DecodeSliceError::DecodeError(e) => match e {
                    DecodeError::InvalidByte(at, b'=') => {
                        format!("`=` padding at byte {} before the end", start + at)
                    }
                    DecodeError::InvalidByte(at, byte) => format!(
                        "byte {} ({:?}) is not in the standard base64 alphabet (A-Z a-z 0-9 + /)",
                        start + at,
                        char::from(byte)
                    ),
                    DecodeError::InvalidLength(_) | DecodeError::InvalidPadding => format!(
                        "its length {} is not a multiple of 4 with `=` padding",
                        text.len()
                    ),
                    DecodeError::InvalidLastSymbol(at, _) => {
                        format!("the last symbol (byte {}) is not canonical", start + at)
                    }
                },
            };
            return fail(problem);
        }
    }
    Ok(())
}

/// Length of the padded standard base64 text of `raw` bytes.
fn base64_len(raw: usize) -> usize {
    raw.div_ceil(3) * 4
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

    #[derive(Serialize)]
    struct TwoImages {
        #[serde(rename = "Note")]
        note: String,
        #[serde(rename = "ImageA")]
        a: Image,
        #[serde(rename = "Tags")]
        tags: Vec<String>,
        #[serde(rename = "ImageB")]
        b: Option<Image>,
        #[serde(rename = "Last")]
        last: u32,
    }

    fn two_images(note: &str, tag: &str) -> TwoImages {
        let data = |seed: usize, len: usize| -> Vec<u8> {
            (0..len).map(|i| ((i + seed) * 31 % 256) as u8).collect()
        };
        TwoImages {
            note: note.to_owned(),
            a: Image::from_bytes(data(1, 40_001)),
            tags: vec![tag.to_owned()],
            b: Some(Image::from_bytes(data(2, 3))),
            last: 7,
        }
    }

    #[test]
    fn spliced_bodies_equal_plain_serialization() {
        let request = two_images("a \"quoted\" note", "x");
        let body = to_json_placing_images(&request).unwrap().unwrap();
        assert_eq!(body.len(), serde_json::to_vec(&request).unwrap().len());
        let body = body.into_bytes();
        assert!(body == serde_json::to_vec(&request).unwrap());
        // Deferral ended with the call: plain serialization still writes the images.
        assert!(serde_json::to_string(&request.a).unwrap().len() > 50_000);
    }

    #[test]
    fn a_string_that_spells_a_marker_cannot_move_an_image() {
        for forged in [marker(0), marker(1), marker(7), format!("x{}y", marker(0))] {
            for (note, tag) in [(forged.as_str(), "t"), ("n", forged.as_str())] {
                let request = two_images(note, tag);
                let plain = serde_json::to_vec(&request).unwrap();
                // Either the images land where they belong, or the caller is told to encode
                // the plain way (`None`); never a body with an image out of place.
                if let Some(body) = to_json_placing_images(&request).unwrap() {
                    let body = body.into_bytes();
                    assert!(body == plain, "note {note:?}, tag {tag:?}");
                }
            }
        }
    }

    #[test]
    fn only_standard_base64_is_taken_as_encoded_text() {
        let long_valid = "QUJD".repeat(10_000); // spans several check blocks
        for good in [
            "",
            "aGVsbG8=",
            "aGk=",
            "/9j/4AAQSkZJRgABAQ==",
            long_valid.as_str(),
        ] {
            assert!(Image::from_base64(good).is_ok(), "{good:?}");
        }
        let mut late_bad = long_valid.clone();
        late_bad.replace_range(20_000..20_001, "!");
        let cases = [
            ("hello world", "byte 5 (' ')"),
            ("aGVsbG8", "not a multiple of 4"),
            ("aGVs\nbG8=", "byte 4 ('\\n')"),
            ("aG=sbG8=", "`=` padding at byte 2"),
            ("aGVsbG8-", "byte 7 ('-')"),
            ("data:image/png;base64,aGVsbG8=", "data URL"),
            (late_bad.as_str(), "byte 20000 ('!')"),
        ];
        for (text, words) in cases {
            let err = Image::from_base64(text).unwrap_err();
            let shown = err.to_string();
            assert!(shown.contains(words), "{text:?}: {shown}");
            assert!(
                shown.starts_with("the image text is not base64: "),
                "{shown}"
            );
        }
    }

    #[test]
    fn deserializing_refuses_text_that_is_not_base64() {
        let err = serde_json::from_str::<Image>("\"not base64!\"").unwrap_err();
        assert!(err.to_string().contains("not base64"), "{err}");
        assert!(serde_json::from_str::<Image>("\"aGVsbG8=\"").is_ok());
    }

    #[test]
    fn emptiness() {
        assert!(Image::from_bytes(Vec::new()).is_empty());
        assert!(Image::from_base64("").unwrap().is_empty());
        assert!(!Image::from_base64("aGk=").unwrap().is_empty());
    }

    #[test]
    fn encoded_text_is_sent_as_is_and_debug_hides_contents() {
        let image = Image::from_base64("aGVsbG8=").unwrap();
        assert_eq!(serde_json::to_string(&image).unwrap(), "\"aGVsbG8=\"");
        assert_eq!(format!("{image:?}"), "Image(8 base64 characters)");
        assert_eq!(
            format!("{:?}", Image::from(b"secret".to_vec())),
            "Image(6 raw bytes)"
        );
    }
}
