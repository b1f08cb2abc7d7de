//! Batches: what the storing thread has taken but the ledger does not hold yet, and the
//! thread that writes a batch's files while the storing thread goes on with the next one.
//!
//! The commit protocol stays the ledger's (see `ketenzicht_store::ledger`): the batch is
//! registered with its files, the files are written and synced (here, on the writer thread),
//! and only then does the storing thread record the batch's messages in the ledger. One batch
//! is in flight at a time; its identities stay in [`Pending`] until the ledger holds them, so
//! that the next batch finds them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};

use arrow_array::RecordBatch;
use ketenzicht_store::Lake;
use ketenzicht_store::ledger::{Commit, Inhoud, Sleutel};

use crate::IngestError;

/// The identities of a batch that the ledger does not hold yet.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    pub berichten: HashMap<Sleutel, (i64, Inhoud)>,
    pub leveringen: HashSet<Sleutel>,
    pub quarantaine: HashSet<Inhoud>,
    pub zonder_opdracht: HashSet<Sleutel>,
    pub transportfouten: HashSet<Sleutel>,
}

/// The files of one batch, named relative to the store: first one Parquet file per table
/// (with the gemeente whose key seals it), then the quarantined inputs, sealed already.
#[derive(Debug)]
pub(crate) struct Files {
    pub tables: Vec<(String, String, RecordBatch)>,
    pub quarantine: Vec<(String, Vec<u8>)>,
}

impl Files {
    /// The names of every file, in the order they are written.
    pub fn names(&self) -> Vec<String> {
        self.tables
            .iter()
            .map(|(name, ..)| name.clone())
            .chain(self.quarantine.iter().map(|(n, _)| n.clone()))
            .collect()
    }
}

/// Write every file of a batch under a temporary name, rename it into place, and make all of
/// them durable together (a crash before the ledger commits the batch removes them again:
/// `Store::recover`).
pub(crate) fn write(root: &Path, lake: &Lake, files: Files) -> Result<(), IngestError> {
    let mut written = Vec::with_capacity(files.tables.len() + files.quarantine.len());
    for (name, gemeente, table) in files.tables {
        let path = root.join(name);
        lake.write_batch_unsynced(&path, &gemeente, &table)?;
        written.push(path);
    }
    for (name, bytes) in files.quarantine {
        let path = root.join(name);
        ketenzicht_store::write_bytes_renamed(&path, &bytes)?;
        written.push(path);
    }
    ketenzicht_store::sync_paths(&written)?;
    Ok(())
}

/// A batch registered in the ledger whose files are being written.
#[derive(Debug)]
pub(crate) struct InFlight {
    pub batch: i64,
    pub commit: Commit,
    pub pending: Pending,
}

/// The storing thread's end of the writer thread.
#[derive(Debug)]
pub(crate) struct Writer {
    jobs: SyncSender<Files>,
    done: Receiver<Result<(), IngestError>>,
}

impl Writer {
    /// Start the writer thread in `scope`; it ends when the [`Writer`] is dropped.
    pub fn spawn<'scope>(scope: &'scope std::thread::Scope<'scope, '_>, root: PathBuf, lake: Lake) -> Writer {
        let (jobs, inbox) = std::sync::mpsc::sync_channel::<Files>(1);
        let (outbox, done) = std::sync::mpsc::channel();
        scope.spawn(move || {
            for files in inbox {
                if outbox.send(write(&root, &lake, files)).is_err() {
                    break;
                }
            }
        });
        Writer { jobs, done }
    }

    /// Hand a batch's files to the writer thread.
    pub fn send(&self, files: Files) -> Result<(), IngestError> {
        self.jobs.send(files).map_err(|_| IngestError::Stopped)
    }

    /// Wait until the files handed over last are written and durable.
    pub fn wait(&self) -> Result<(), IngestError> {
        self.done.recv().map_err(|_| IngestError::Stopped)?
    }
}
