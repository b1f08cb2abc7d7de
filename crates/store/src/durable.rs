//! Making a batch of files durable at once, after they have been written and renamed into
//! place without waiting for the disk ([`crate::write_bytes_renamed`],
//! [`crate::Lake::write_rows_unsynced`]).
//!
//! On Linux this is one `syncfs(2)` of the store's file system: a single journal commit for
//! all the files of a batch and their names. Synced one by one, each file cost a commit of
//! its own (2,346 fsyncs and 1.8 s under strace for a national January–February, 2026-12-06).
//! `syncfs` also writes out what other programs left unwritten on that file system, which is
//! nothing on a volume of the store's own. The file system is opened before the batch's
//! files are written, so that a write-back error of any of them is reported by the sync
//! (Linux 5.8 and later report such errors through `syncfs`). Elsewhere each file and then
//! each directory is synced.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::StoreError;

/// Taken before a batch's files are written; [`Durable::sync`] makes them durable.
#[derive(Debug)]
pub struct Durable {
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    root: PathBuf,
    #[cfg(target_os = "linux")]
    file_system: File,
}

impl Durable {
    /// For files written under `root` from now on.
    pub fn begin(root: &Path) -> Result<Durable, StoreError> {
        #[cfg(target_os = "linux")]
        let file_system = File::open(root).map_err(StoreError::io(root))?;
        #[cfg(not(target_os = "linux"))]
        std::fs::metadata(root).map_err(StoreError::io(root))?;
        Ok(Durable {
            root: root.to_owned(),
            #[cfg(target_os = "linux")]
            file_system,
        })
    }

    /// Make the files `written` since [`Durable::begin`] durable, their names included.
    #[cfg(target_os = "linux")]
    pub fn sync(self, _written: &[PathBuf]) -> Result<(), StoreError> {
        rustix::fs::syncfs(&self.file_system).map_err(|e| StoreError::io(&self.root)(e.into()))
    }

    /// Make the files `written` since [`Durable::begin`] durable, their names included.
    #[cfg(not(target_os = "linux"))]
    pub fn sync(self, written: &[PathBuf]) -> Result<(), StoreError> {
        for path in written {
            File::open(path).and_then(|f| f.sync_all()).map_err(StoreError::io(path))?;
        }
        let dirs: std::collections::BTreeSet<&Path> = written.iter().filter_map(|p| p.parent()).collect();
        dirs.into_iter().for_each(crate::sync_dir);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a batch wrote is on disk after the sync, under its final name, and a store that
    /// is gone cannot be made durable (the error names it).
    #[test]
    fn a_batch_is_synced_with_its_names_and_a_missing_store_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let durable = Durable::begin(dir.path()).expect("begin");
        let path = dir.path().join("gemeente=0363").join("deel-00000001.parquet");
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        crate::write_bytes_renamed(&path, b"PAR1").expect("written");
        durable.sync(std::slice::from_ref(&path)).expect("synced");
        assert_eq!(std::fs::read(&path).expect("read"), b"PAR1");

        let gone = dir.path().join("weg");
        let error = Durable::begin(&gone).expect_err("no such store");
        assert!(error.to_string().contains("weg"), "{error}");
    }
}
