//! Small, valid PNG, JPEG and BMP files for tests, optionally carrying a [`Marker`] that says
//! who is in the picture (a PNG `tEXt` chunk or a JPEG `COM` segment).

use crate::image::{Marker, MARKER_KEYWORD};

/// A grey PNG of `width` × `height` pixels whose `tEXt` chunk carries `marker`.
pub fn marked_png(marker: &Marker, width: u32, height: u32) -> Vec<u8> {
    png_with(Some(marker), width, height)
}

/// A grey baseline JPEG of `width` × `height` pixels (at most 65535 each) whose `COM` segment
/// carries `marker`.
pub fn marked_jpeg(marker: &Marker, width: u16, height: u16) -> Vec<u8> {
    jpeg_with(Some(marker), width, height)
}

/// An unmarked grey PNG.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    png_with(None, width, height)
}

/// An unmarked grey JPEG.
pub fn jpeg(width: u16, height: u16) -> Vec<u8> {
    jpeg_with(None, width, height)
}

/// An unmarked grey 24-bit BMP (BMP has no place for a marker).
pub fn bmp(width: u32, height: u32) -> Vec<u8> {
    let row = (width as usize * 3).div_ceil(4) * 4;
    let pixels = row * height as usize;
    let mut out = Vec::with_capacity(54 + pixels);
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&(54 + pixels as u32).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&54u32.to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&(width as i32).to_le_bytes());
    out.extend_from_slice(&(height as i32).to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // planes
    out.extend_from_slice(&24u16.to_le_bytes()); // bits per pixel
    out.extend_from_slice(&[0; 24]); // no compression, default resolution and palette
    out.resize(54 + pixels, 0x80);
    out
}

fn png_with(marker: Option<&Marker>, width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale, no interlace
    chunk(&mut out, b"IHDR", &ihdr);
    if let Some(marker) = marker {
        let text = [
            MARKER_KEYWORD.as_bytes(),
            b"\0",
            marker.to_text().as_bytes(),
        ]
        .concat();
        chunk(&mut out, b"tEXt", &text);
    }
    // Each row: filter type 0, then mid-grey pixels.
    let mut raw = Vec::with_capacity((width as usize + 1) * height as usize);
    for _ in 0..height {
        raw.push(0);
        raw.resize(raw.len() + width as usize, 0x80);
    }
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of uncompressed deflate blocks: valid, and needs no compressor.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(65_535).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(block) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

fn jpeg_with(marker: Option<&Marker>, width: u16, height: u16) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    if let Some(marker) = marker {
        let text = format!("{MARKER_KEYWORD}: {}", marker.to_text());
        segment(&mut out, 0xFE, text.as_bytes());
    }
    // One quantisation table of ones.
    segment(&mut out, 0xDB, &[[0u8].as_slice(), &[1u8; 64]].concat());
    let [h1, h0] = height.to_be_bytes();
    let [w1, w0] = width.to_be_bytes();
    segment(&mut out, 0xC0, &[8, h1, h0, w1, w0, 1, 1, 0x11, 0]);
    // Huffman tables with one code each ("0"): DC category 0, and AC end-of-block.
    let one_code = |class: u8| {
        let mut t = vec![class, 1];
        t.extend_from_slice(&[0; 15]);
        t.push(0);
        t
    };
    segment(&mut out, 0xC4, &one_code(0x00));
    segment(&mut out, 0xC4, &one_code(0x10));
    segment(&mut out, 0xDA, &[1, 1, 0x00, 0, 63, 0]);
    // Every 8×8 block is flat grey: two zero bits (DC diff 0, end of block); pad with ones.
    let blocks = usize::from(width).div_ceil(8) * usize::from(height).div_ceil(8);
    let bits = blocks * 2;
    out.resize(out.len() + bits / 8, 0);
    if bits % 8 != 0 {
        out.push(0xFF >> (bits % 8));
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

fn segment(out: &mut Vec<u8>, kind: u8, data: &[u8]) {
    out.extend_from_slice(&[0xFF, kind]);
    out.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(data);
}
