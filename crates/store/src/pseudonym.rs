//! The keyed pseudonym that replaces the BSN in every analytical table: HMAC-SHA256 with the
//! store's key, the first 16 bytes in hex. The same BSN gives the same pseudonym within one
//! store, so trajecten link; without the key it cannot be reversed by trying all BSNs.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// A key for [`Pseudonymizer`]: 32 random bytes, kept as hex in the store or given in configuration.
#[derive(Clone)]
pub struct Pseudonymizer {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymizer(<key hidden>)")
    }
}

impl Pseudonymizer {
    pub fn new(key: &[u8]) -> Self {
        Pseudonymizer {
            mac: Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length")),
        }
    }

    /// The pseudonym of a BSN (or any identifier), 32 hex digits.
    pub fn pseudonym(&self, value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        hex(&digest[..16])
    }
}

/// Lower-case hexadecimal, two digits per byte (a table, not `fmt`: ingest writes two keys per
/// message this way).
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    // Writing into a `String` cannot fail.
    let _ = write_hex(&mut out, bytes);
    out
}

/// [`hex`] written into `out` (an Arrow string builder, say), 32 bytes per write.
pub fn write_hex(out: &mut impl std::fmt::Write, bytes: &[u8]) -> std::fmt::Result {
    let mut digits = [0u8; 64];
    for chunk in bytes.chunks(32) {
        let used = &mut digits[..2 * chunk.len()];
        hex_digits(chunk, used);
        out.write_str(std::str::from_utf8(used).map_err(|_| std::fmt::Error)?)?;
    }
    Ok(())
}

/// The lower-case hexadecimal digits of `bytes` into `digits`, two per byte, as far as
/// `digits` reaches.
pub fn hex_digits(bytes: &[u8], digits: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (pair, b) in digits.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0x0f)];
    }
}

pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonym_is_keyed_and_stable() {
        let a = Pseudonymizer::new(b"key one");
        let b = Pseudonymizer::new(b"key two");
        assert_eq!(a.pseudonym("123456782"), a.pseudonym("123456782"));
        assert_ne!(a.pseudonym("123456782"), b.pseudonym("123456782"));
        assert_ne!(a.pseudonym("123456782"), a.pseudonym("123456794"));
        assert_eq!(a.pseudonym("123456782").len(), 32);
        assert_eq!(hex(&[0, 1, 0x9a, 0xab, 254, 255]), "00019aabfeff");
        // Longer than one write of `write_hex` (32 bytes).
        let long: Vec<u8> = (0..=70).collect();
        assert_eq!(hex(&long), long.iter().map(|b| format!("{b:02x}")).collect::<String>());
        assert_eq!(unhex(&hex(&[0, 1, 254, 255])), Some(vec![0, 1, 254, 255]));
    }
}
