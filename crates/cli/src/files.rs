//! The inputs behind the PATH arguments: message files, and the members of `.tar.gz` archives
//! (the simulator's archive layout), each unwrapped from its StUF-GGk envelope when it is one.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use ketenzicht_message::MAX_MESSAGE_BYTES;

/// One message input: its name (`file`, or `archive.tar.gz#member`) and its bytes, or why
/// they could not be had (a broken envelope).
pub struct Input {
    pub name: String,
    pub bytes: Result<Vec<u8>, String>,
}

/// Files as given, and the `.xml` and `.tar.gz` files below each directory (sorted).
fn expand(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry.with_context(|| format!("cannot list {}", dir.display()))?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) || is_archive(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_archive(path: &Path) -> bool {
    path.to_string_lossy().to_ascii_lowercase().ends_with(".tar.gz")
}

/// More than the limit: hand the message layer a buffer just over it, so that it words the refusal.
fn oversized() -> Vec<u8> {
    vec![b' '; MAX_MESSAGE_BYTES + 1]
}

/// A StUF-GGk envelope is opened; anything else is taken as the message itself.
fn unwrap(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    const GGK: &[u8] = b"http://www.stufstandaarden.nl/koppelvlak/ggk0210";
    let head = &bytes[..bytes.len().min(2048)];
    let is_envelope = head.windows(GGK.len()).any(|w| w == GGK);
    if !is_envelope {
        return Ok(bytes);
    }
    ketenzicht_envelope::read(&bytes).map(|e| e.bericht).map_err(|e| format!("StUF-GGk envelope: {e}"))
}

/// Call `each` for every input, in order, one at a time.
pub fn for_each_input(paths: &[PathBuf], mut each: impl FnMut(Input) -> anyhow::Result<()>) -> anyhow::Result<usize> {
    let mut count = 0;
    for path in expand(paths)? {
        if is_archive(&path) {
            let file = std::fs::File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
            let entries = archive.entries().with_context(|| format!("cannot read archive {}", path.display()))?;
            for entry in entries {
                let mut entry = entry.with_context(|| format!("cannot read archive {}", path.display()))?;
                let member = entry.path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
                let bytes = if entry.size() > MAX_MESSAGE_BYTES as u64 {
                    oversized()
                } else {
                    let mut buf = Vec::with_capacity(entry.size() as usize);
                    entry.read_to_end(&mut buf).with_context(|| format!("cannot read {}#{member}", path.display()))?;
                    buf
                };
                each(Input { name: format!("{}#{member}", path.display()), bytes: unwrap(bytes) })?;
                count += 1;
            }
        } else {
            let len = std::fs::metadata(&path).with_context(|| format!("cannot read {}", path.display()))?.len();
            let bytes = if len > MAX_MESSAGE_BYTES as u64 {
                oversized()
            } else {
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?
            };
            each(Input { name: path.display().to_string(), bytes: unwrap(bytes) })?;
            count += 1;
        }
    }
    Ok(count)
}
