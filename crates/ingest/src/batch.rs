//! Batches: what the storing thread has taken but the ledger does not hold yet, and the
//! thread that writes a batch's files while the storing thread goes on with the next one.
//!
//! The commit protocol stays the ledger's (see `ketenzicht_store::ledger`): the storing thread
//! registers the batch with its files; the writer thread writes and syncs the files and only
//! then records the batch's messages in the ledger, through a connection of its own. One batch
//! is in flight at a time; its identities stay in [`Pending`] until the ledger holds them and
//! the storing thread's lookups see that (a new read transaction), so that the next batch
//! finds them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};

use arrow_array::RecordBatch;
use ketenzicht_store::ledger::{Commit, Inhoud, Sleutel};
use ketenzicht_store::{Lake, Ledger};

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

/// What the writer thread does with a batch: write its files, then commit it.
#[derive(Debug)]
pub(crate) struct Job {
    /// The batch's id in the ledger, registered with the names of its files.
    pub batch: i64,
    pub files: Files,
    pub commit: Commit,
}

/// The storing thread's end of the writer thread.
#[derive(Debug)]
pub(crate) struct Writer {
    jobs: SyncSender<Job>,
    done: Receiver<Result<(), IngestError>>,
}

impl Writer {
    /// Start the writer thread in `scope`, committing through `ledger` (a connection of its
    /// own); it ends when the [`Writer`] is dropped.
    pub fn spawn<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        root: PathBuf,
        lake: Lake,
        mut ledger: Ledger,
    ) -> Writer {
        let (jobs, inbox) = std::sync::mpsc::sync_channel::<Job>(1);
        let (outbox, done) = std::sync::mpsc::channel();
        scope.spawn(move || {
            for job in inbox {
                let written =
                    write(&root, &lake, job.files).and_then(|()| Ok(ledger.finish_batch(job.batch, &job.commit)?));
                if outbox.send(written).is_err() {
                    break;
                }
            }
        });
        Writer { jobs, done }
    }

    /// Hand a batch to the writer thread.
    pub fn send(&self, job: Job) -> Result<(), IngestError> {
        self.jobs.send(job).map_err(|_| IngestError::Stopped)
    }

    /// Wait until the batch handed over last is written, durable and committed.
    pub fn wait(&self) -> Result<(), IngestError> {
        self.done.recv().map_err(|_| IngestError::Stopped)?
    }
}
