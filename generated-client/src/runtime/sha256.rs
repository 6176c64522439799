//! SHA-256 and HMAC-SHA256 over `sha2`'s block function, for hashing known prefixes once.
//!
//! TC3 hashes short messages whose beginnings repeat on every call: the HMAC key pads, the
//! canonical request's head. Keeping the 32-byte state after those blocks (a midstate) lets a
//! call pay only for its own blocks, without copying hasher structs or buffering. Payloads,
//! which can be megabytes, go through `sha2`'s own streaming hasher.

use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};

const BLOCK: usize = 64;

/// SHA-256's initial hash value (FIPS 180-4, 5.3.3).
const INITIAL_STATE: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The SHA-256 state after some whole 64-byte blocks.
#[derive(Clone, Copy)]
pub(crate) struct Midstate {
    state: [u32; 8],
    /// Bytes absorbed so far, always a multiple of 64.
    absorbed: u64,
}

impl Midstate {
    /// Nothing hashed yet.
    pub(crate) const INITIAL: Midstate = Midstate {
        state: INITIAL_STATE,
        absorbed: 0,
    };

    /// Hashes the whole blocks at the start of `data` and returns the rest (under 64 bytes),
    /// which the caller passes on to [`finish`](Self::finish) later.
    pub(crate) fn absorb<'a>(&mut self, data: &'a [u8]) -> &'a [u8] {
        let mut blocks = data.chunks_exact(BLOCK);
        for block in &mut blocks {
            self.compress(block);
        }
        self.absorbed += (data.len() - blocks.remainder().len()) as u64;
        blocks.remainder()
    }

    /// The digest of everything absorbed followed by `parts`, concatenated.
    pub(crate) fn finish(mut self, parts: &[&[u8]]) -> [u8; 32] {
        let mut block = [0u8; BLOCK];
        let mut filled = 0;
        let mut total = self.absorbed;
        for part in parts {
            total += part.len() as u64;
            let mut part = *part;
            if filled == 0 {
                part = self.absorb(part);
            }
            while !part.is_empty() {
                let take = part.len().min(BLOCK - filled);
                block[filled..filled + take].copy_from_slice(&part[..take]);
                filled += take;
                part = &part[take..];
                if filled == BLOCK {
                    self.compress(&block);
                    filled = 0;
                    part = self.absorb(part);
                }
            }
        }
        // Padding: 0x80, zeros, then the message length in bits, big-endian.
        block[filled] = 0x80;
        block[filled + 1..].fill(0);
        if filled + 1 > BLOCK - 8 {
            self.compress(&block);
            block.fill(0);
        }
        block[BLOCK - 8..].copy_from_slice(&(total * 8).to_be_bytes());
        self.compress(&block);
        self.digest()
    }

    fn digest(&self) -> [u8; 32] {
        let mut digest = [0u8; 32];
        for (out, word) in digest.chunks_exact_mut(4).zip(self.state) {
            out.copy_from_slice(&word.to_be_bytes());
        }
        digest
    }

    fn compress(&mut self, block: &[u8]) {
        sha2::compress256(
            &mut self.state,
            std::slice::from_ref(GenericArray::from_slice(block)),
        );
    }
}

/// An HMAC-SHA256 key with both pads already hashed (RFC 2104): each MAC then costs only the
/// message's blocks and one more.
#[derive(Clone, Copy)]
pub(crate) struct HmacKey {
    inner: Midstate,
    outer: Midstate,
}

impl HmacKey {
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut padded = [0u8; BLOCK];
        if key.len() > BLOCK {
            padded[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            padded[..key.len()].copy_from_slice(key);
        }
        let pad = |byte: u8| {
            let mut state = Midstate::INITIAL;
            let block = padded.map(|k| k ^ byte);
            state.absorb(&block);
            state
        };
        HmacKey {
            inner: pad(0x36),
            outer: pad(0x5c),
        }
    }

    /// The MAC of `parts`, concatenated.
    pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let inner = self.inner.finish(parts);
        self.outer.finish(&[&inner])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};

    fn bytes(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 + 7) as u8).collect()
    }

    #[test]
    fn digests_match_sha2_for_every_length_and_split() {
        // Lengths around each padding edge (55/56, 63/64, 119/120, ...), split every way.
        for len in 0..200 {
            let data = bytes(len);
            let expected: [u8; 32] = Sha256::digest(&data).into();
            assert_eq!(Midstate::INITIAL.finish(&[&data]), expected, "length {len}");
            for split in 0..=len {
                let (head, tail) = data.split_at(split);
                let mut state = Midstate::INITIAL;
                let rest = state.absorb(head);
                assert_eq!(
                    state.finish(&[rest, tail]),
                    expected,
                    "{len} split at {split}"
                );
                let (a, b) = tail.split_at(tail.len() / 3);
                assert_eq!(
                    Midstate::INITIAL.finish(&[head, a, &[], b]),
                    expected,
                    "{len} in parts"
                );
            }
        }
    }

    #[test]
    fn macs_match_the_hmac_crate_for_short_and_long_keys() {
        for key_len in [0, 1, 32, 35, 63, 64, 65, 200] {
            let key = bytes(key_len);
            for len in [0, 1, 55, 56, 64, 118, 119, 120, 300] {
                let message = bytes(len);
                let mut reference = Hmac::<Sha256>::new_from_slice(&key).unwrap();
                reference.update(&message);
                let expected: [u8; 32] = reference.finalize().into_bytes().into();
                assert_eq!(
                    HmacKey::new(&key).mac(&[&message]),
                    expected,
                    "key {key_len}, message {len}"
                );
            }
        }
    }

    #[test]
    fn rfc_4231_test_case_2() {
        let mac = HmacKey::new(b"Jefe").mac(&[b"what do ya want ", b"for nothing?"]);
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
