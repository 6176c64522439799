//! What the emulator reads from an image: its format, its size and an optional marker that
//! says who is in it. There is no face model; see the crate docs for the contract.

use sha2::{Digest, Sha256};

/// The keyword of the PNG `tEXt` chunk, and the prefix (followed by `: `) of the JPEG comment.
pub const MARKER_KEYWORD: &str = "iai-emulator";

/// Width and height assumed for an image given by URL (it is never fetched).
pub const URL_IMAGE_SIZE: (u64, u64) = (640, 480);

/// Who is in an image, as written in its marker: `person=<name>[; faces=<n>][; quality=<0-100>]
/// [; live=<true|false>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub person: String,
    /// Number of faces in the picture; the first is `person`, the others are strangers.
    pub faces: u32,
    pub quality: u8,
    pub live: bool,
}

impl Marker {
    /// One face of `person`, quality 90, live.
    pub fn person(name: impl Into<String>) -> Self {
        Marker {
            person: name.into(),
            faces: 1,
            quality: 90,
            live: true,
        }
    }

    pub fn faces(mut self, faces: u32) -> Self {
        self.faces = faces;
        self
    }

    pub fn quality(mut self, quality: u8) -> Self {
        self.quality = quality.min(100);
        self
    }

    pub fn live(mut self, live: bool) -> Self {
        self.live = live;
        self
    }

    /// The marker text, e.g. `person=alice; faces=1; quality=90; live=true`.
    pub fn to_text(&self) -> String {
        format!(
            "person={}; faces={}; quality={}; live={}",
            self.person, self.faces, self.quality, self.live
        )
    }

    /// Parses marker text; unknown keys and bad values make it `None` (the image then counts
    /// as unmarked).
    pub fn parse(text: &str) -> Option<Marker> {
        let mut marker = Marker::person("");
        let mut has_person = false;
        for part in text.split(';') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (key, value) = part.split_once('=')?;
            let value = value.trim();
            match key.trim() {
                "person" => {
                    marker.person = value.to_owned();
                    has_person = !value.is_empty();
                }
                "faces" => marker.faces = value.parse().ok()?,
                "quality" => marker.quality = value.parse::<u8>().ok().filter(|q| *q <= 100)?,
                "live" => marker.live = value.parse().ok()?,
                _ => return None,
            }
        }
        has_person.then_some(marker)
    }
}

/// The image formats the service accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Bmp,
}

/// An image as the emulator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenImage {
    pub width: u64,
    pub height: u64,
    /// Who the first face is: `person:<name>` for a marked image, else a digest of the bytes
    /// (or of the URL).
    pub identity: String,
    /// SHA-256 of the bytes (or of the URL), hex: equal images score 100.
    pub digest: String,
    pub faces: u32,
    pub quality: u8,
    pub live: bool,
}

/// Why an image cannot be used; each maps to the service's error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageProblem {
    /// Neither image nor URL, or zero bytes.
    Empty,
    /// Not PNG, JPEG or BMP, or a broken header (or bad base64).
    Undecodable(String),
}

impl SeenImage {
    /// Reads base64 image data as sent in a request.
    pub fn from_base64(text: &str) -> Result<SeenImage, ImageProblem> {
        use base64::Engine;
        if text.is_empty() {
            return Err(ImageProblem::Empty);
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| {
                ImageProblem::Undecodable(format!("the image is not valid base64: {e}"))
            })?;
        SeenImage::from_bytes(&bytes)
    }

    /// Reads an image file's bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<SeenImage, ImageProblem> {
        if bytes.is_empty() {
            return Err(ImageProblem::Empty);
        }
        let (format, width, height, marker_text) = sniff(bytes).ok_or_else(|| {
            ImageProblem::Undecodable(
                "not a PNG, JPEG or BMP image, or its header is broken".into(),
            )
        })?;
        let _ = format;
        let digest = hex_digest(bytes);
        let marker = marker_text.as_deref().and_then(Marker::parse);
        Ok(SeenImage::new(width, height, digest, marker))
    }

    /// An image given by URL: the URL string stands for the image, which is never fetched.
    pub fn from_url(url: &str) -> Result<SeenImage, ImageProblem> {
        if url.is_empty() {
            return Err(ImageProblem::Empty);
        }
        let (width, height) = URL_IMAGE_SIZE;
        Ok(SeenImage::new(
            width,
            height,
            hex_digest(url.as_bytes()),
            None,
        ))
    }

    fn new(width: u64, height: u64, digest: String, marker: Option<Marker>) -> SeenImage {
        match marker {
            Some(m) => SeenImage {
                width,
                height,
                identity: format!("person:{}", m.person),
                digest,
                faces: m.faces,
                quality: m.quality,
                live: m.live,
            },
            None => SeenImage {
                width,
                height,
                identity: format!("image:{digest}"),
                digest,
                faces: 1,
                quality: 90,
                live: true,
            },
        }
    }

    /// The identity of face `index` (0 is the marked person; others are strangers unique to
    /// this image).
    pub fn face_identity(&self, index: u32) -> String {
        if index == 0 {
            self.identity.clone()
        } else {
            format!("stranger:{}:{index}", self.digest)
        }
    }

    /// Box of face `index`: faces side by side in one row, inside the real width and height.
    pub fn face_rect(&self, index: u32) -> (i64, i64, u64, u64) {
        let n = u64::from(self.faces.max(1));
        let cell = (self.width / n).max(1);
        let side = (cell.min(self.height) * 3 / 5).max(1);
        let x = u64::from(index) * cell + (cell.saturating_sub(side)) / 2;
        let y = self.height.saturating_sub(side) / 2;
        (x as i64, y as i64, side, side)
    }
}

fn hex_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Format, width, height and marker text, read from the headers only.
fn sniff(bytes: &[u8]) -> Option<(Format, u64, u64, Option<String>)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return sniff_png(bytes);
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        return sniff_jpeg(bytes);
    }
    if bytes.starts_with(b"BM") && bytes.len() >= 26 {
        let width = i32::from_le_bytes(bytes[18..22].try_into().ok()?);
        let height = i32::from_le_bytes(bytes[22..26].try_into().ok()?);
        if width <= 0 || height == 0 {
            return None;
        }
        return Some((
            Format::Bmp,
            width as u64,
            height.unsigned_abs().into(),
            None,
        ));
    }
    None
}

fn sniff_png(bytes: &[u8]) -> Option<(Format, u64, u64, Option<String>)> {
    let mut at = 8;
    let mut size = None;
    let mut marker = None;
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().ok()?) as usize;
        let kind = &bytes[at + 4..at + 8];
        let data = bytes.get(at + 8..at.checked_add(8 + len)?)?;
        match kind {
            b"IHDR" if data.len() >= 8 => {
                let w = u32::from_be_bytes(data[0..4].try_into().ok()?);
                let h = u32::from_be_bytes(data[4..8].try_into().ok()?);
                size = Some((u64::from(w), u64::from(h)));
            }
            b"tEXt" => {
                if let Some(text) = data
                    .strip_prefix(MARKER_KEYWORD.as_bytes())
                    .and_then(|rest| rest.strip_prefix(b"\0"))
                {
                    marker = Some(String::from_utf8_lossy(text).into_owned());
                }
            }
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    let (w, h) = size.filter(|(w, h)| *w > 0 && *h > 0)?;
    Some((Format::Png, w, h, marker))
}

fn sniff_jpeg(bytes: &[u8]) -> Option<(Format, u64, u64, Option<String>)> {
    let prefix = format!("{MARKER_KEYWORD}: ");
    let mut at = 2;
    let mut marker = None;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let kind = bytes[at + 1];
        if kind == 0xD8 || (0xD0..=0xD7).contains(&kind) || kind == 0x01 || kind == 0xFF {
            at += if kind == 0xFF { 1 } else { 2 };
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let data = bytes.get(at + 4..(at + 2).checked_add(len)?)?;
        match kind {
            0xFE => {
                if let Some(text) = data.strip_prefix(prefix.as_bytes()) {
                    marker = Some(String::from_utf8_lossy(text).into_owned());
                }
            }
            0xC0..=0xCF if !matches!(kind, 0xC4 | 0xC8 | 0xCC) => {
                if data.len() < 5 {
                    return None;
                }
                let h = u64::from(u16::from_be_bytes([data[1], data[2]]));
                let w = u64::from(u16::from_be_bytes([data[3], data[4]]));
                if w == 0 || h == 0 {
                    return None;
                }
                return Some((Format::Jpeg, w, h, marker));
            }
            0xDA | 0xD9 => return None,
            _ => {}
        }
        at += 2 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testimage::{bmp, marked_jpeg, marked_png, png};

    #[test]
    fn markers_round_trip_through_png_and_jpeg() {
        let marker = Marker::person("alice").faces(3).quality(40).live(false);
        for bytes in [
            marked_png(&marker, 320, 200),
            marked_jpeg(&marker, 320, 200),
        ] {
            let seen = SeenImage::from_bytes(&bytes).unwrap();
            assert_eq!((seen.width, seen.height), (320, 200));
            assert_eq!(seen.identity, "person:alice");
            assert_eq!((seen.faces, seen.quality, seen.live), (3, 40, false));
            for i in 0..3 {
                let (x, y, w, h) = seen.face_rect(i);
                assert!(x >= 0 && y >= 0 && x as u64 + w <= 320 && y as u64 + h <= 200);
            }
        }
    }

    #[test]
    fn unmarked_images_are_known_by_their_bytes() {
        let a = SeenImage::from_bytes(&png(10, 20)).unwrap();
        assert_eq!((a.width, a.height, a.faces), (10, 20, 1));
        assert!(a.identity.starts_with("image:"));
        let b = SeenImage::from_bytes(&bmp(7, 9)).unwrap();
        assert_eq!((b.width, b.height), (7, 9));
        assert_ne!(a.identity, b.identity);
    }

    #[test]
    fn other_formats_and_empty_images_are_refused() {
        assert_eq!(SeenImage::from_bytes(b""), Err(ImageProblem::Empty));
        assert!(matches!(
            SeenImage::from_bytes(b"GIF89a...."),
            Err(ImageProblem::Undecodable(_))
        ));
        assert!(matches!(
            SeenImage::from_base64("not base64!"),
            Err(ImageProblem::Undecodable(_))
        ));
        let truncated = &png(10, 10)[..12];
        assert!(SeenImage::from_bytes(truncated).is_err());
    }

    #[test]
    fn marker_text_parsing() {
        assert_eq!(Marker::parse("person=bob"), Some(Marker::person("bob")));
        assert_eq!(Marker::parse("person=bob; faces=0").unwrap().faces, 0);
        assert_eq!(Marker::parse("faces=2"), None);
        assert_eq!(Marker::parse("person=bob; quality=101"), None);
        assert_eq!(Marker::parse("person=bob; colour=red"), None);
    }
}
