//! Turning the PATH arguments into a sorted list of files.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// Files as given, and the `.xml` files below each directory (recursively, sorted).
pub fn expand(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
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
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) {
            out.push(path);
        }
    }
    Ok(())
}

/// Read a file, refusing anything over the message size limit before reading it whole.
pub fn read_limited(path: &Path) -> anyhow::Result<Vec<u8>> {
    let len = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len();
    if len > ketenzicht_message::MAX_MESSAGE_BYTES as u64 {
        // Let the message layer word the refusal; hand it a buffer just over the limit.
        return Ok(vec![b' '; ketenzicht_message::MAX_MESSAGE_BYTES + 1]);
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}
