//! Archives inflated whole, in one call of libdeflate, when they are small enough to hold.
//!
//! libdeflate inflates a buffer into a buffer: with all of the input and room for all of the
//! output it needs no window and no state between calls. On the simulator's regio archives
//! (2.2 GB inflated) it took 0.68 s against 1.8 s for streaming inflate (flate2 with
//! zlib-rs); in a whole ingest, where streaming inflate's output was still in the cache when
//! tar copied it, the reading thread's CPU time fell by 0.25–0.35 s of about 2.5 s
//! (2026-12-06, `docs/performance.md`). The gzip trailer gives the inflated size, so the
//! output is allocated once and kept for the next archive.
//!
//! An archive that is larger than [`WHOLE_LIMIT`], whose trailer gives no plausible size, or
//! that libdeflate cannot inflate is read by the streaming path instead, from its first byte;
//! that path words the reason when the archive is broken. So is one whose trailer is not that
//! of what libdeflate inflated (its size and CRC): libdeflate inflates the first gzip member
//! only, and the trailer at the end of the file is then another member's. The streaming path
//! reads the first member and reports the rest.

use std::io::Read;
use std::path::Path;

use crate::IngestError;

/// The largest archive, compressed or inflated, that is inflated whole. The buffers are kept
/// between archives at the size of the largest so far, so this bounds their memory.
pub const WHOLE_LIMIT: usize = 64 << 20;

/// gzip's own header and trailer take 18 bytes; the trailer is the CRC-32 and the inflated
/// size modulo 2³², little-endian.
const GZIP_MINIMUM: usize = 18;

/// A decompressor and its two buffers, kept from one archive to the next.
pub struct Gunzip {
    /// [`WHOLE_LIMIT`], but for tests of the streaming path.
    limit: usize,
    decompressor: libdeflater::Decompressor,
    packed: Vec<u8>,
    plain: Vec<u8>,
}

impl std::fmt::Debug for Gunzip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gunzip").field("packed", &self.packed.capacity()).field("plain", &self.plain.len()).finish()
    }
}

impl Default for Gunzip {
    fn default() -> Self {
        Gunzip {
            limit: WHOLE_LIMIT,
            decompressor: libdeflater::Decompressor::new(),
            packed: Vec::new(),
            plain: Vec::new(),
        }
    }
}

impl Gunzip {
    /// One that inflates whole only archives of at most `limit` bytes, compressed and inflated.
    #[cfg(test)]
    pub fn with_limit(limit: usize) -> Gunzip {
        Gunzip { limit, ..Gunzip::default() }
    }

    /// The inflated bytes of the gzip file at `path`, or `None` when it is to be streamed
    /// instead (too large, or not inflated here; see the module documentation).
    pub fn whole(&mut self, path: &Path) -> Result<Option<&[u8]>, IngestError> {
        let mut file = std::fs::File::open(path).map_err(IngestError::io(path))?;
        let len = file.metadata().map_err(IngestError::io(path))?.len();
        if len > self.limit as u64 {
            return Ok(None);
        }
        self.packed.clear();
        file.read_to_end(&mut self.packed).map_err(IngestError::io(path))?;
        Ok(self.inflate())
    }

    /// Inflate `packed` into `plain`, if its trailer's size is plausible and it inflates to
    /// exactly that size.
    fn inflate(&mut self) -> Option<&[u8]> {
        let packed = &self.packed[..];
        if packed.len() < GZIP_MINIMUM {
            return None;
        }
        let trailer = &packed[packed.len() - 8..];
        let crc = u32::from_le_bytes(trailer[..4].try_into().ok()?);
        let size = u32::from_le_bytes(trailer[4..].try_into().ok()?) as usize;
        if size > self.limit {
            return None;
        }
        // Grown, never shrunk nor cleared: libdeflate writes every byte it reports.
        if self.plain.len() < size {
            self.plain.resize(size, 0);
        }
        let out = &mut self.plain[..size];
        // libdeflate checked the first member's CRC against that member's trailer; the CRC here
        // is in the file's last trailer, which is another member's when there are more.
        match self.decompressor.gzip_decompress(packed, out) {
            Ok(n) if n == size && libdeflater::crc32(&self.plain[..size]) == crc => Some(&self.plain[..size]),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ketenzicht_testkit::archive::gzip;

    fn inflate(packed: Vec<u8>) -> Option<Vec<u8>> {
        let mut gunzip = Gunzip { packed, ..Gunzip::default() };
        gunzip.inflate().map(<[u8]>::to_vec)
    }

    #[test]
    fn an_archive_inflates_whole_to_the_size_its_trailer_gives() {
        let text: Vec<u8> = b"<Bericht>0014</Bericht>\n".repeat(5000);
        assert_eq!(inflate(gzip(&text)), Some(text.clone()));
        // A smaller archive after a larger one: the buffer is reused, not read past.
        let mut gunzip = Gunzip { packed: gzip(&text), ..Gunzip::default() };
        assert!(gunzip.inflate().is_some());
        gunzip.packed = gzip(b"kort");
        assert_eq!(gunzip.inflate(), Some(&b"kort"[..]));
        assert_eq!(inflate(gzip(b"")), Some(Vec::new()), "an empty archive");
    }

    #[test]
    fn what_does_not_inflate_cleanly_is_left_to_the_streaming_path() {
        let good = gzip(&b"regel\n".repeat(1000));
        let mut wrong_size = good.clone();
        let at = wrong_size.len() - 4;
        wrong_size[at..].copy_from_slice(&5999u32.to_le_bytes());
        let mut too_large = good.clone();
        too_large[at..].copy_from_slice(&(WHOLE_LIMIT as u32 + 1).to_le_bytes());
        let mut corrupt = good.clone();
        corrupt[20] ^= 0xff;
        for (bad, why) in [
            (good[..good.len() - 1].to_vec(), "truncated"),
            (wrong_size, "a trailer size one short"),
            (too_large, "a trailer size over the limit"),
            (corrupt, "a flipped byte"),
            (b"not gzip at all, but long enough".to_vec(), "no gzip"),
            (Vec::new(), "empty"),
        ] {
            assert_eq!(inflate(bad), None, "{why}");
        }
    }
}
