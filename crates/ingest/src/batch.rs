//! Batches: what the storing thread has taken but the ledger does not hold yet, and the
//! thread that writes a batch's files while the storing thread goes on with the next one.
//!
//! The commit protocol stays the ledger's (see `ketenzicht_store::ledger`), all of it on the
//! writer thread, through a connection of its own: the batch is registered with its files, the
//! files are written and synced, and only then are the batch's messages recorded. The storing
//! thread only reads the ledger. One batch is in flight at a time; its identities stay in
//! [`Pending`] until the ledger holds them and the storing thread's lookups see that (a new
//! read transaction), so that the next batch finds them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};

use foldhash::fast::RandomState;
use ketenzicht_store::ledger::{Commit, Inhoud, Sleutel};
use ketenzicht_store::{Durable, Lake, LakeRows, Ledger};

use crate::IngestError;

/// The identities of a batch that the ledger does not hold yet. Hashed with foldhash, seeded
/// at random per process: the keys are hashes already, and SipHash, the standard library's,
/// was most of the time these sets took.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    pub berichten: HashMap<Sleutel, (i64, Inhoud), RandomState>,
    pub leveringen: HashSet<Sleutel, RandomState>,
    pub quarantaine: HashSet<Inhoud, RandomState>,
    pub zonder_opdracht: HashSet<Sleutel, RandomState>,
    pub transportfouten: HashSet<Sleutel, RandomState>,
}

impl Pending {
    /// Empty, with room for as many messages and deliveries as `other` holds (the next batch
    /// is about as large: it does not grow into it by rehashing).
    pub fn like(other: &Pending) -> Pending {
        Pending {
            berichten: HashMap::with_capacity_and_hasher(other.berichten.len(), RandomState::default()),
            leveringen: HashSet::with_capacity_and_hasher(other.leveringen.len(), RandomState::default()),
            ..Pending::default()
        }
    }
}

/// A lake file of a batch: its partition directory (relative to the store) and extension,
/// the gemeente whose key seals it, and its rows. Named after the batch when the writer
/// registers it (`deel-00000012.kzs`).
#[derive(Debug)]
pub(crate) struct LakeFile {
    pub dir: String,
    pub ext: &'static str,
    pub gemeente: String,
    pub rows: LakeRows,
}

/// The files of one batch: first the lake files, then the quarantined inputs (named relative
/// to the store, sealed already).
#[derive(Debug)]
pub(crate) struct Files {
    pub tables: Vec<LakeFile>,
    pub quarantine: Vec<(String, Vec<u8>)>,
}

impl Files {
    /// The name of every file of batch `batch`, in the order they are written.
    fn names(&self, batch: i64) -> Vec<String> {
        self.tables.iter().map(|t| t.name(batch)).chain(self.quarantine.iter().map(|(n, _)| n.clone())).collect()
    }
}

impl LakeFile {
    fn name(&self, batch: i64) -> String {
        format!("{}/deel-{batch:08}.{}", self.dir, self.ext)
    }
}

/// Write every file of a batch under a temporary name, rename it into place, and make all of
/// them durable (a crash before the ledger commits the batch removes them again:
/// `Store::recover`).
///
/// The lake files are encoded on two threads, each taking every other file from the largest
/// down: the last batch of a run is written while nothing else is left to do. All of them,
/// and their names, are then made durable at once ([`Durable`]: on Linux one `syncfs` of the
/// store's file system instead of an fsync for every file and directory).
fn write(root: &Path, lake: &Lake, batch: i64, files: Files) -> Result<(), IngestError> {
    let durable = Durable::begin(root)?;
    let mut written = Vec::with_capacity(files.tables.len() + files.quarantine.len());
    let mut tables = files.tables;
    tables.sort_by_key(|t| std::cmp::Reverse(t.rows.memory_size()));
    let (mine, helpers): (Vec<_>, Vec<_>) = tables.into_iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let write_all = |tables: Vec<(usize, LakeFile)>| -> Result<Vec<PathBuf>, IngestError> {
        let mut paths = Vec::with_capacity(tables.len());
        for (_, table) in tables {
            let path = root.join(table.name(batch));
            lake.write_rows_unsynced(&path, &table.gemeente, table.rows)?;
            paths.push(path);
        }
        Ok(paths)
    };
    let (mine, helpers) = std::thread::scope(|s| {
        let helper = s.spawn(|| write_all(helpers));
        let mine = write_all(mine);
        (mine, helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    written.extend(mine?);
    written.extend(helpers?);
    for (name, bytes) in files.quarantine {
        let path = root.join(name);
        ketenzicht_store::write_bytes_renamed(&path, &bytes)?;
        written.push(path);
    }
    Ok(durable.sync(&written)?)
}

/// A batch for the writer thread: its files and what the ledger records of it.
#[derive(Debug)]
pub(crate) struct Job {
    pub files: Files,
    pub commit: Commit,
}

/// Register the batch with the names of its files, write and sync them, and commit the batch.
///
/// The ledger's rows of the batch are inserted while two other threads write its files, and
/// committed once these are durable: the last batch of a run, written while nothing else is
/// left to do, then keeps both cores busy (its rows alone took the writer a third of a second
/// after its files, 2026-12-06).
fn store(root: &Path, lake: &Lake, ledger: &mut Ledger, job: Job) -> Result<(), IngestError> {
    let Job { files, commit } = job;
    let (batch, _) = ledger.begin_batch(|batch| files.names(batch))?;
    std::thread::scope(|s| {
        let files = s.spawn(|| write(root, lake, batch, files));
        ledger
            .finish_batch_once(batch, &commit, || files.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
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
                if outbox.send(store(&root, &lake, &mut ledger, job)).is_err() {
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
