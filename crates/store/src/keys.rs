//! Keys per gemeente for data at rest. Raw messages (each `ruw` Parquet file, sealed whole
//! after Parquet compressed it) and quarantined input are sealed with AES-256-GCM under the
//! key of their gemeente (the gemeente code is the associated data, so a
//! sealed value moved to another gemeente does not open). Destroying a gemeente's key makes
//! every copy of its sealed data that is left anywhere (a backup, a file a deletion missed)
//! unreadable: crypto-shredding.
//!
//! Keys are 32 random bytes in hex, one file per gemeente under `sleutels/gemeenten/`. A
//! deployment that keeps keys in a key management service replaces this directory; nothing
//! else reads it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use aes_gcm::aead::{Aead, AeadInOut, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};

use crate::StoreError;
use crate::pseudonym::{hex, unhex};

/// The first bytes of a sealed value: format 1 seals the bytes as they are (for input that is
/// compressed already, such as a whole Parquet file), format 2 seals them Snappy-compressed
/// (encrypted bytes do not compress, so compression must come first). `open` reads both.
const MAGIC: &[u8; 4] = b"KZS2";
const MAGIC_PLAIN: &[u8; 4] = b"KZS1";
const NONCE_LEN: usize = 12;
/// The length of an AES-GCM tag, appended to what is sealed.
const TAG_LEN: usize = 16;

/// The gemeente used for input that names none (unreadable files without routing data).
pub const ONBEKEND: &str = "onbekend";

/// The keys of one store.
#[derive(Debug)]
pub struct KeyVault {
    dir: PathBuf,
    ciphers: Mutex<HashMap<String, Arc<Aes256Gcm>>>,
}

fn valid_name(gemeente: &str) -> bool {
    gemeente == ONBEKEND || (gemeente.len() == 4 && gemeente.bytes().all(|b| b.is_ascii_digit()))
}

impl KeyVault {
    /// The keys under `{store}/sleutels/gemeenten`.
    pub fn new(store: &Path) -> Self {
        KeyVault { dir: store.join("sleutels").join("gemeenten"), ciphers: Mutex::new(HashMap::new()) }
    }

    fn path(&self, gemeente: &str) -> Result<PathBuf, StoreError> {
        if !valid_name(gemeente) {
            return Err(StoreError::Key(format!("{gemeente:?} is not a gemeentecode")));
        }
        Ok(self.dir.join(format!("{gemeente}.sleutel")))
    }

    /// Whether this gemeente has a key.
    pub fn exists(&self, gemeente: &str) -> bool {
        self.path(gemeente).is_ok_and(|p| p.exists())
    }

    fn cipher(&self, gemeente: &str, create: bool) -> Result<Arc<Aes256Gcm>, StoreError> {
        let mut ciphers = self.ciphers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = ciphers.get(gemeente) {
            return Ok(c.clone());
        }
        let path = self.path(gemeente)?;
        let key = if path.exists() {
            let text = std::fs::read_to_string(&path).map_err(StoreError::io(&path))?;
            unhex(text.trim())
                .filter(|k| k.len() == 32)
                .ok_or_else(|| StoreError::Key(format!("{} does not hold a 256-bit hex key", path.display())))?
        } else if create {
            let mut key = vec![0u8; 32];
            getrandom::fill(&mut key).map_err(|e| StoreError::Key(format!("no randomness for a new key: {e}")))?;
            crate::write_bytes_atomic(&path, hex(&key).as_bytes())?;
            key
        } else {
            return Err(StoreError::Key(format!(
                "gemeente {gemeente} has no key (destroyed, or never used): its sealed data cannot be read"
            )));
        };
        let cipher = Arc::new(
            Aes256Gcm::new_from_slice(&key).map_err(|_| StoreError::Key("AES-256 needs a 32-byte key".into()))?,
        );
        ciphers.insert(gemeente.to_owned(), cipher.clone());
        Ok(cipher)
    }

    /// Seal `plain` under the key of `gemeente`, making the key when it has none yet.
    pub fn seal(&self, gemeente: &str, plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        // Compressed straight behind the room for the header, where it is sealed.
        let mut buffer = vec![0; Self::HEADER_LEN + snap::raw::max_compress_len(plain.len())];
        buffer.reserve_exact(TAG_LEN);
        let compressed = snap::raw::Encoder::new()
            .compress(plain, &mut buffer[Self::HEADER_LEN..])
            .map_err(|e| StoreError::Key(format!("compression before sealing: {e}")))?;
        buffer.truncate(Self::HEADER_LEN + compressed);
        self.seal_behind_header(gemeente, buffer, MAGIC)
    }

    /// The room [`KeyVault::seal_in_place`] needs before the bytes it seals.
    pub const HEADER_LEN: usize = MAGIC_PLAIN.len() + NONCE_LEN;

    /// Seal `buffer[HEADER_LEN..]`, compressed already (a Parquet file), in place: the header
    /// is written into the room left for it and the tag appended, so that a large file is not
    /// copied twice more (into the ciphertext and behind the header). [`KeyVault::open`] opens it.
    pub fn seal_in_place(&self, gemeente: &str, buffer: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        self.seal_behind_header(gemeente, buffer, MAGIC_PLAIN)
    }

    /// Encrypt `buffer[HEADER_LEN..]` where it lies, write `magic` and the nonce into the
    /// header's room and append the tag: the layout [`KeyVault::open`] reads.
    fn seal_behind_header(&self, gemeente: &str, mut buffer: Vec<u8>, magic: &[u8; 4]) -> Result<Vec<u8>, StoreError> {
        let Some((header, plain)) = buffer.split_at_mut_checked(Self::HEADER_LEN) else {
            return Err(StoreError::Key("no room for the header of a sealed value".into()));
        };
        let cipher = self.cipher(gemeente, true)?;
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| StoreError::Key(format!("no randomness for a nonce: {e}")))?;
        let tag = cipher
            .encrypt_inout_detached(&Nonce::from(nonce), gemeente.as_bytes(), plain.into())
            .map_err(|_| StoreError::Key("encryption failed".into()))?;
        header[..magic.len()].copy_from_slice(magic);
        header[magic.len()..].copy_from_slice(&nonce);
        buffer.extend_from_slice(&tag);
        Ok(buffer)
    }

    /// Open a value sealed under the key of `gemeente`.
    pub fn open(&self, gemeente: &str, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        let (compressed, body) =
            match (sealed.strip_prefix(MAGIC.as_slice()), sealed.strip_prefix(MAGIC_PLAIN.as_slice())) {
                (Some(body), _) => (true, body),
                (None, Some(body)) => (false, body),
                (None, None) => return Err(StoreError::Key("not a sealed value (no KZS1 or KZS2 header)".into())),
            };
        if body.len() < NONCE_LEN {
            return Err(StoreError::Key("sealed value cut short".into()));
        }
        let (nonce, data) = body.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().unwrap_or([0; NONCE_LEN]);
        let opened = self
            .cipher(gemeente, false)?
            .decrypt(&Nonce::from(nonce), Payload { msg: data, aad: gemeente.as_bytes() })
            .map_err(|_| StoreError::Key(format!("sealed value does not open with the key of gemeente {gemeente}")))?;
        if !compressed {
            return Ok(opened);
        }
        snap::raw::Decoder::new()
            .decompress_vec(&opened)
            .map_err(|e| StoreError::Key(format!("sealed value of gemeente {gemeente} does not decompress: {e}")))
    }

    /// Destroy the key of `gemeente`: overwrite the file, sync, remove. Returns whether there was one.
    pub fn destroy(&self, gemeente: &str) -> Result<bool, StoreError> {
        let path = self.path(gemeente)?;
        self.ciphers.lock().unwrap_or_else(|p| p.into_inner()).remove(gemeente);
        if !path.exists() {
            return Ok(false);
        }
        let len = std::fs::metadata(&path).map_err(StoreError::io(&path))?.len() as usize;
        let mut file = std::fs::File::options().write(true).open(&path).map_err(StoreError::io(&path))?;
        std::io::Write::write_all(&mut file, &vec![0u8; len]).map_err(StoreError::io(&path))?;
        file.sync_all().map_err(StoreError::io(&path))?;
        drop(file);
        std::fs::remove_file(&path).map_err(StoreError::io(&path))?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_sealed_in_place_opens_to_what_followed_the_room_for_its_header() {
        let dir = tempfile::tempdir().expect("tempdir");
        let vault = KeyVault::new(dir.path());
        let plain = b"PAR1 ... BSN 123456782 ... PAR1";
        let mut buffer = vec![0xee; KeyVault::HEADER_LEN];
        buffer.extend_from_slice(plain);
        let sealed = vault.seal_in_place("0363", buffer).expect("seal");
        assert!(sealed.starts_with(MAGIC_PLAIN), "a header, not the room's filler");
        assert!(!sealed.windows(9).any(|w| w == b"123456782"), "plain text in the sealed value");
        assert_eq!(vault.open("0363", &sealed).expect("open"), plain);
        assert!(vault.open("0518", &sealed).is_err(), "opened with another gemeente's key");
        let short = vec![0; KeyVault::HEADER_LEN - 1];
        assert!(vault.seal_in_place("0363", short).is_err(), "no room for the header");
    }

    #[test]
    fn sealed_values_open_only_with_their_gemeentes_key_and_not_after_it_is_destroyed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let vault = KeyVault::new(dir.path());
        let sealed = vault.seal("0363", b"<xml>BSN 123456782</xml>").expect("seal");
        assert!(!sealed.windows(9).any(|w| w == b"123456782"), "plain text in the sealed value");
        assert_eq!(vault.open("0363", &sealed).expect("open"), b"<xml>BSN 123456782</xml>");
        vault.seal("0518", b"other").expect("seal");
        assert!(vault.open("0518", &sealed).is_err(), "opened with another gemeente's key");
        let again = KeyVault::new(dir.path());
        assert_eq!(again.open("0363", &sealed).expect("open from the key file"), b"<xml>BSN 123456782</xml>");
        assert!(vault.destroy("0363").expect("destroy"));
        assert!(!vault.exists("0363"));
        let err = KeyVault::new(dir.path()).open("0363", &sealed).expect_err("opened after destroy");
        assert!(err.to_string().contains("no key"), "{err}");
        assert!(vault.seal("../x", b"").is_err());
    }
}
