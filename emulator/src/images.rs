//! The images the emulator was sent, kept for the dashboard: face thumbnails and the images
//! of a recorded call. Bounded by a memory cap ([`crate::EmulatorBuilder::image_memory_cap_bytes`],
//! `--image-memory-cap-mb`); past it the images kept longest go first and the dashboard shows a
//! placeholder in their place. Keyed by the SHA-256 the faces in the state already carry.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use crate::image::{Marker, SeenImage};

/// Default cap: 64 MiB of image bytes.
pub const DEFAULT_MEMORY_CAP_BYTES: usize = 64 << 20;

/// One kept image and what the emulator read from it.
#[derive(Debug, Clone)]
pub struct KeptImage {
    pub bytes: Bytes,
    pub content_type: &'static str,
    pub width: u64,
    pub height: u64,
    /// The marker's reading, if the image had one.
    pub marker: Option<Marker>,
}

/// Counts for the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImageStats {
    pub kept: usize,
    pub kept_bytes: usize,
    pub dropped: usize,
    pub cap_bytes: usize,
}

#[derive(Debug)]
pub struct ImageStore {
    cap_bytes: usize,
    inner: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    by_digest: HashMap<String, Arc<KeptImage>>,
    /// Digests in the order they were first kept: the front goes first.
    order: VecDeque<String>,
    bytes: usize,
    dropped: usize,
}

impl ImageStore {
    pub fn new(cap_bytes: usize) -> Self {
        ImageStore {
            cap_bytes,
            inner: Mutex::default(),
        }
    }

    /// Keeps an image given as the base64 text of a request; returns its digest. Text that
    /// is not an accepted image is not kept (the call was refused anyway).
    pub fn keep_base64(&self, text: &str) -> Option<String> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()?;
        self.keep(Bytes::from(bytes))
    }

    /// Keeps image bytes; returns their digest. An image larger than the whole cap is not kept.
    pub fn keep(&self, bytes: Bytes) -> Option<String> {
        let seen = SeenImage::from_bytes(&bytes).ok()?;
        let content_type = content_type(&bytes)?;
        let digest = seen.digest.clone();
        if bytes.len() > self.cap_bytes {
            return Some(digest);
        }
        let mut kept = self.lock();
        if kept.by_digest.contains_key(&digest) {
            return Some(digest);
        }
        let marker = seen.identity.strip_prefix("person:").map(|person| Marker {
            person: person.to_owned(),
            faces: seen.faces,
            quality: seen.quality,
            live: seen.live,
        });
        kept.bytes += bytes.len();
        let image = KeptImage {
            bytes,
            content_type,
            width: seen.width,
            height: seen.height,
            marker,
        };
        kept.by_digest.insert(digest.clone(), Arc::new(image));
        kept.order.push_back(digest.clone());
        while kept.bytes > self.cap_bytes {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            if let Some(image) = kept.by_digest.remove(&oldest) {
                kept.bytes -= image.bytes.len();
                kept.dropped += 1;
            }
        }
        Some(digest)
    }

    pub fn get(&self, digest: &str) -> Option<Arc<KeptImage>> {
        self.lock().by_digest.get(digest).cloned()
    }

    pub fn stats(&self) -> ImageStats {
        let kept = self.lock();
        ImageStats {
            kept: kept.by_digest.len(),
            kept_bytes: kept.bytes,
            dropped: kept.dropped,
            cap_bytes: self.cap_bytes,
        }
    }

    pub fn clear(&self) {
        *self.lock() = Kept::default();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The digest an image sent as base64 is kept under.
pub fn digest_of_base64(text: &str) -> Option<String> {
    SeenImage::from_base64(text).ok().map(|seen| seen.digest)
}

/// The MIME type of an accepted image, from its first bytes.
pub fn content_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"BM") {
        Some("image/bmp")
    } else {
        None
    }
}

/// Whether `action` has an image parameter.
pub fn takes_images(action: &str) -> bool {
    use tencentcloud_iai::runtime::action_table::ParamKind;
    tencentcloud_iai::action_table::find(action)
        .is_some_and(|entry| entry.params.iter().any(|p| p.kind == ParamKind::Image))
}

/// The image parameters of a call (API names whose kind is an image, lists included), as
/// `(parameter, base64 text)`.
pub fn image_params<'a>(
    action: &str,
    params: &'a serde_json::Map<String, serde_json::Value>,
) -> Vec<(String, &'a str)> {
    use tencentcloud_iai::runtime::action_table::ParamKind;
    let Some(entry) = tencentcloud_iai::action_table::find(action) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for param in entry.params.iter().filter(|p| p.kind == ParamKind::Image) {
        match params.get(param.api_name) {
            Some(serde_json::Value::String(text)) if !text.is_empty() => {
                found.push((param.api_name.to_owned(), text.as_str()))
            }
            Some(serde_json::Value::Array(list)) => {
                for (i, item) in list.iter().enumerate() {
                    if let Some(text) = item.as_str().filter(|t| !t.is_empty()) {
                        found.push((format!("{}.{i}", param.api_name), text));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testimage::{marked_png, png};

    #[test]
    fn the_oldest_images_go_first_past_the_cap() {
        let a = marked_png(&Marker::person("a"), 8, 8);
        let b = marked_png(&Marker::person("b"), 8, 8);
        let c = marked_png(&Marker::person("c"), 8, 8);
        let store = ImageStore::new(a.len() + b.len() + c.len() - 1);
        let da = store.keep(Bytes::from(a)).unwrap();
        let db = store.keep(Bytes::from(b)).unwrap();
        assert!(store.get(&da).is_some());
        let dc = store.keep(Bytes::from(c)).unwrap();
        assert!(store.get(&da).is_none(), "the oldest went first");
        assert!(store.get(&db).is_some() && store.get(&dc).is_some());
        let stats = store.stats();
        assert_eq!((stats.kept, stats.dropped), (2, 1));
        assert!(stats.kept_bytes <= stats.cap_bytes);
        let kept = store.get(&dc).unwrap();
        assert_eq!(kept.content_type, "image/png");
        assert_eq!(kept.marker.as_ref().unwrap().person, "c");
    }

    #[test]
    fn unmarked_and_non_images() {
        let store = ImageStore::new(1 << 20);
        let digest = store.keep(Bytes::from(png(4, 4))).unwrap();
        assert!(store.get(&digest).unwrap().marker.is_none());
        assert_eq!(store.keep(Bytes::from_static(b"GIF89a")), None);
        assert_eq!(store.keep_base64("not base64!"), None);
    }
}
