//! Archives for tests of reading `.tar.gz` input: a tar of given members, and gzip.

use std::io::Write;

/// A tar archive (GNU headers, mode 0644) of these members, in order.
pub fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (name, bytes) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, *bytes).expect("a member in memory");
    }
    tar.into_inner().expect("a tar in memory")
}

/// `bytes` as one gzip member, compressed at the fastest level.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).expect("gzip in memory");
    gz.finish().expect("gzip in memory")
}
