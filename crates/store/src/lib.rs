//! The embedded store of ketenzicht: one directory with
//!
//! ```text
//! ketenzicht.sqlite                                  the ledger (crate::ledger)
//! sleutels/pseudoniem.sleutel                        the pseudonym key (hex), unless configured
//! sleutels/gemeenten/G.sleutel                       the key that seals G's raw data (crate::keys)
//! lake/ruw/gemeente=G/jaar=Y/deel-B.kzs              raw messages, one row per stored message: a Parquet
//!                                                    file sealed whole with G's key (crate::keys)
//! lake/leveringen/gemeente=G/jaar=Y/deel-B.parquet   deliveries (routing data), one row each
//! lake/ketendata/T/gemeente=G/jaar=Y/data.parquet    the Ketendata tables (rebuilt per gemeente)
//! quarantaine/G/<sha256>.bin                         original bytes of quarantined input (sealed)
//! ```
//!
//! Lake files ending in `.kzs` are sealed Parquet ([`Lake::read_table`] opens them); the rest is
//! plain Parquet. Everything of one gemeente sits under a `gemeente=G` directory (or `quarantaine/G`), so
//! deleting a gemeente is removing those directories and its ledger rows. The lake is plain
//! Hive-partitioned Parquet: DuckDB reads it with
//! `read_parquet('lake/ketendata/berichten/*/*/*.parquet', hive_partitioning = true)`.

mod bytes_column;
pub mod csv;
mod durable;
pub mod keys;
pub mod ledger;
pub mod parquet_io;
pub mod prune;
pub mod pseudonym;
pub mod table;

pub use durable::Durable;

/// The names of the lake tables ingest writes.
pub mod lake {
    /// Raw messages: one row per stored message, with its XML.
    pub const RUW: &str = "ruw";
    /// Deliveries: one row per delivery of a stored message, with its routing data.
    pub const LEVERINGEN: &str = "leveringen";
    /// The directory of the Ketendata tables.
    pub const KETENDATA: &str = "ketendata";
}

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use keys::KeyVault;
pub use ledger::Ledger;
pub use pseudonym::Pseudonymizer;
pub use table::{Column, Kind, Table, Value};

/// The environment variable that names the store directory.
pub const STORE_ENV: &str = "KETENZICHT_STORE";
/// The environment variable that may hold the pseudonym key (64 hex digits).
pub const KEY_ENV: &str = "KETENZICHT_PSEUDONIEM_SLEUTEL";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("ledger {}: {message}", path.display())]
    Ledger { path: PathBuf, message: String },
    #[error("parquet {}: {message}", path.display())]
    Parquet { path: PathBuf, message: String },
    #[error("table shape: {0}")]
    Shape(String),
    #[error("store {} is in use by another ketenzicht process", path.display())]
    Locked { path: PathBuf },
    #[error("pseudonym key: {0}")]
    Key(String),
}

impl StoreError {
    pub fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
        move |source| StoreError::Io { path: path.to_owned(), source }
    }
}

/// The store directory from `--store`, else `KETENZICHT_STORE`, else `./data`.
pub fn store_dir(given: Option<&Path>) -> PathBuf {
    given
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(STORE_ENV).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("data"))
}

/// An open store, held exclusively by this process.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    pub ledger: Ledger,
    pseudonymizer: Pseudonymizer,
    keys: Arc<KeyVault>,
    _lock: File,
}

const TMP_SUFFIX: &str = ".tmp";

/// The Parquet lake of a store: paths only, so readers can share it across threads while the
/// store (and its ledger connection) stays with one.
#[derive(Debug, Clone)]
pub struct Lake {
    root: PathBuf,
    keys: Arc<KeyVault>,
}

/// The extension of a sealed lake file.
pub const SEALED: &str = "kzs";

/// Who reads a lake file with extension `ext`, which decides how it is compressed: ketenzicht
/// alone when it is sealed, anyone otherwise. Rows encoded ahead of the write (a column of
/// [`parquet_io::BytesPages`]) are encoded for the readers of the file they go into.
pub fn readers_of(ext: &str) -> parquet_io::Readers {
    if ext == SEALED { parquet_io::Readers::Ketenzicht } else { parquet_io::Readers::Anyone }
}

impl Lake {
    /// `lake/{table}/gemeente={g}`: everything of one table for one gemeente.
    pub fn gemeente_dir(&self, table: &str, gemeente: &str) -> PathBuf {
        self.root.join(gemeente_rel(table, gemeente))
    }

    /// The Parquet files of one table for one gemeente, sorted (by year, then batch).
    pub fn files(&self, table: &str, gemeente: &str) -> Result<Vec<PathBuf>, StoreError> {
        let dir = self.gemeente_dir(table, gemeente);
        let mut out = Vec::new();
        if !dir.exists() {
            return Ok(out);
        }
        for year in read_dir_sorted(&dir)? {
            if year.is_dir() {
                out.extend(
                    read_dir_sorted(&year)?
                        .into_iter()
                        .filter(|p| p.extension().is_some_and(|e| e == "parquet" || e == SEALED)),
                );
            }
        }
        Ok(out)
    }

    /// The original bytes of a quarantine entry (its `bestand`), opened with its gemeente's key.
    pub fn quarantaine_original(&self, gemeente: Option<&str>, bestand: &str) -> Result<Vec<u8>, StoreError> {
        self.opened(&self.root.join(bestand), gemeente.unwrap_or(keys::ONBEKEND))
    }

    /// Read a lake file of `gemeente` (some columns, or all when `columns` is `None`),
    /// opening it with the gemeente's key when it is sealed.
    pub fn read_table(&self, path: &Path, gemeente: &str, columns: Option<&[&str]>) -> Result<Table, StoreError> {
        if path.extension().is_some_and(|e| e == SEALED) {
            parquet_io::read_parquet_bytes(self.opened(path, gemeente)?, path, columns)
        } else {
            parquet_io::read_parquet_columns(path, columns)
        }
    }

    /// [`Lake::read_table`] as Arrow record batches, `batch_rows` rows at a time, each decoded
    /// as it is taken: a reader of the raw XML holds one batch, not a whole file decoded.
    pub fn batch_iter(
        &self,
        path: &Path,
        gemeente: &str,
        columns: Option<&[&str]>,
        batch_rows: usize,
    ) -> Result<Box<dyn Iterator<Item = Result<arrow_array::RecordBatch, StoreError>>>, StoreError> {
        Ok(if path.extension().is_some_and(|e| e == SEALED) {
            Box::new(parquet_io::batch_iter_bytes(self.opened(path, gemeente)?, path, columns, batch_rows)?)
        } else {
            Box::new(parquet_io::batch_iter_file(path, columns, batch_rows)?)
        })
    }

    /// The bytes of a sealed file of the store, opened with the gemeente's key.
    fn opened(&self, path: &Path, gemeente: &str) -> Result<Vec<u8>, StoreError> {
        let sealed = std::fs::read(path).map_err(StoreError::io(path))?;
        self.keys.open(gemeente, &sealed).map_err(|e| StoreError::Key(format!("{}: {e}", path.display())))
    }

    /// [`Lake::write_table`] for rows gathered as an Arrow record batch already (of the types
    /// of [`parquet_io::schema`]), or with their bytes apart ([`parquet_io::BytesBatch`]),
    /// without waiting for the disk: the file is renamed into place whole, and the caller
    /// makes a batch of such files durable with [`Durable`] before it commits them.
    pub fn write_rows_unsynced(&self, path: &Path, gemeente: &str, rows: LakeRows) -> Result<(), StoreError> {
        write_bytes_renamed(path, &self.file_bytes(path, gemeente, rows)?)
    }

    /// Write a lake file of `gemeente` atomically, sealed when its name ends in `.kzs`.
    pub fn write_table(&self, path: &Path, gemeente: &str, table: &Table) -> Result<(), StoreError> {
        let rows = LakeRows::Batch(parquet_io::record_batch(table)?);
        write_bytes_atomic(path, &self.file_bytes(path, gemeente, rows)?)
    }

    /// The bytes of a lake file: Parquet, sealed with the gemeente's key when the name ends
    /// in `.kzs` (after Parquet's own compression, so that sealing costs no size). Written
    /// into a buffer with room for the file ([`LakeRows::file_size_hint`]), so that it seldom
    /// grows, and sealed in place behind the room left for the header.
    fn file_bytes(&self, path: &Path, gemeente: &str, rows: LakeRows) -> Result<Vec<u8>, StoreError> {
        let readers = readers_of(&path.extension().unwrap_or_default().to_string_lossy());
        let sealed = readers == parquet_io::Readers::Ketenzicht;
        let header = if sealed { KeyVault::HEADER_LEN } else { 0 };
        let mut out = Vec::with_capacity(header + rows.file_size_hint());
        out.resize(header, 0);
        let out = rows.write_to(out, path, readers)?;
        if sealed { self.keys.seal_in_place(gemeente, out) } else { Ok(out) }
    }
}

/// The rows of one lake file, as [`Lake::write_rows_unsynced`] takes them.
#[derive(Debug)]
pub enum LakeRows {
    Batch(arrow_array::RecordBatch),
    WithBytes(parquet_io::BytesBatch),
}

impl LakeRows {
    /// The memory the rows hold.
    pub fn memory_size(&self) -> usize {
        match self {
            LakeRows::Batch(batch) => batch.get_array_memory_size(),
            LakeRows::WithBytes(batch) => batch.memory_size(),
        }
    }

    /// About the size of the rows as a Parquet file: as raw messages compress (to about a
    /// sixth, with room to spare), or as they were compressed already.
    pub fn file_size_hint(&self) -> usize {
        match self {
            LakeRows::Batch(batch) => batch.get_array_memory_size() / 4,
            LakeRows::WithBytes(batch) => batch.memory_size(),
        }
    }

    /// Write the rows as Parquet into `out` (see [`parquet_io::Readers`]); `path` names it in errors.
    pub fn write_to<W: std::io::Write + Send>(
        self,
        out: W,
        path: &Path,
        readers: parquet_io::Readers,
    ) -> Result<W, StoreError> {
        match self {
            LakeRows::Batch(batch) => parquet_io::write_batch_to(out, &batch, path, readers),
            LakeRows::WithBytes(batch) => batch.write_to(out, path, readers),
        }
    }
}

impl Drop for Store {
    /// A writer that is done raises the generation, so that readers ([`StoreView`]) take a
    /// new snapshot once, after the whole run (ingest and Ketendata rebuild), not halfway.
    fn drop(&mut self) {
        if let Err(e) = self.ledger.raise_generatie() {
            tracing::warn!(error = %e, "the store's generation could not be raised");
        }
    }
}

/// A store opened for reading beside a writer: no lock, no recovery. The server reads through
/// one while `ketenzicht ingest`, the HTTP intake or the retention run writes. Lake files are
/// replaced by atomic renames, so every file read is whole; the ledger is read in SQLite
/// transactions. [`Ledger::generatie`] tells when a writer has finished.
#[derive(Debug)]
pub struct StoreView {
    root: PathBuf,
    pub ledger: Ledger,
    keys: Arc<KeyVault>,
}

impl StoreView {
    /// Open the store at `root` for reading (created when missing, like [`Store::open`]).
    pub fn open(root: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(root).map_err(StoreError::io(root))?;
        let ledger = Ledger::open(&root.join("ketenzicht.sqlite"))?;
        Ok(StoreView { root: root.to_owned(), ledger, keys: Arc::new(KeyVault::new(root)) })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The lake of this store, for readers on other threads.
    pub fn lake(&self) -> Lake {
        Lake { root: self.root.clone(), keys: self.keys.clone() }
    }
}

impl Store {
    /// Open (or create) the store at `root`, take its lock, and undo any batch a crash left unfinished.
    pub fn open(root: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(root).map_err(StoreError::io(root))?;
        let lock_path = root.join("ketenzicht.lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(StoreError::io(&lock_path))?;
        lock.try_lock().map_err(|_| StoreError::Locked { path: root.to_owned() })?;
        let mut ledger = Ledger::open(&root.join("ketenzicht.sqlite"))?;
        ledger.upgrade()?;
        let pseudonymizer = Pseudonymizer::new(&load_key(root)?);
        let keys = Arc::new(KeyVault::new(root));
        let store = Store { root: root.to_owned(), ledger, pseudonymizer, keys, _lock: lock };
        store.recover()?;
        // Recovery may have undone a batch that a reader's snapshot counted.
        store.ledger.raise_generatie()?;
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn pseudonymizer(&self) -> &Pseudonymizer {
        &self.pseudonymizer
    }

    /// The keys that seal each gemeente's raw data.
    pub fn keys(&self) -> &KeyVault {
        &self.keys
    }

    /// Remove the files of unfinished batches and any temporary file left by a crash.
    fn recover(&self) -> Result<(), StoreError> {
        for (batch, files) in self.ledger.unfinished()? {
            tracing::warn!(batch, files = files.len(), "undoing an unfinished batch");
            for file in files {
                for path in [self.root.join(&file), self.root.join(format!("{file}{TMP_SUFFIX}"))] {
                    remove_if_exists(&path)?;
                }
            }
            self.ledger.forget_batch(batch)?;
        }
        // Batch files were removed above; Ketendata is written outside batches.
        for dir in ["lake/ketendata", "quarantaine"] {
            remove_tmp_files(&self.root.join(dir))?;
        }
        Ok(())
    }

    /// The lake of this store, for readers on other threads.
    pub fn lake(&self) -> Lake {
        Lake { root: self.root.clone(), keys: self.keys.clone() }
    }

    /// `lake/{table}/gemeente={g}`: everything of one table for one gemeente.
    pub fn gemeente_dir(&self, table: &str, gemeente: &str) -> PathBuf {
        self.lake().gemeente_dir(table, gemeente)
    }

    /// The Parquet files of one table for one gemeente, sorted (by year, then batch).
    pub fn files(&self, table: &str, gemeente: &str) -> Result<Vec<PathBuf>, StoreError> {
        self.lake().files(table, gemeente)
    }

    /// Remove everything of one gemeente: its lake partitions, quarantine and ledger rows, and
    /// its key, so that any copy of its sealed data left elsewhere cannot be read either.
    /// Deleted ledger rows are overwritten (`secure_delete`) and the WAL is checkpointed, so no
    /// file of the store keeps them.
    pub fn delete_gemeente(&mut self, gemeente: &str) -> Result<(), StoreError> {
        for dir in self.gemeente_dirs(gemeente)? {
            remove_dir_if_exists(&dir)?;
        }
        remove_dir_if_exists(&self.root.join("quarantaine").join(gemeente))?;
        self.ledger.delete_gemeente(gemeente)?;
        self.keys.destroy(gemeente)?;
        self.ledger.checkpoint()
    }

    /// Every lake directory `lake/{table}/gemeente=G` of one gemeente that exists.
    fn gemeente_dirs(&self, gemeente: &str) -> Result<Vec<PathBuf>, StoreError> {
        let lake = self.root.join("lake");
        let mut tables = Vec::new();
        if lake.exists() {
            for table in read_dir_sorted(&lake)? {
                if table.file_name().is_some_and(|n| n == "ketendata") {
                    tables.extend(read_dir_sorted(&table)?);
                } else {
                    tables.push(table);
                }
            }
        }
        Ok(tables.into_iter().map(|t| t.join(format!("gemeente={gemeente}"))).filter(|d| d.exists()).collect())
    }
}

/// `lake/{table}/gemeente={g}`, relative to the store.
fn gemeente_rel(table: &str, gemeente: &str) -> String {
    format!("lake/{table}/gemeente={gemeente}")
}

/// `lake/{table}/gemeente={g}/jaar={y}`, relative to the store.
pub fn partition_rel(table: &str, gemeente: &str, jaar: i32) -> String {
    format!("{}/jaar={jaar}", gemeente_rel(table, gemeente))
}

/// Write a file atomically: to `path.tmp`, synced, then renamed over `path`.
pub fn write_atomic(path: &Path, write: impl FnOnce(&Path) -> Result<(), StoreError>) -> Result<(), StoreError> {
    write_renamed(path, write)?;
    sync_parent(path);
    Ok(())
}

/// Write `path` under its temporary name (its directory created) and rename it into place.
fn write_renamed(path: &Path, write: impl FnOnce(&Path) -> Result<(), StoreError>) -> Result<(), StoreError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(StoreError::io(parent))?;
    }
    let tmp = tmp_path(path);
    write(&tmp)?;
    std::fs::rename(&tmp, path).map_err(StoreError::io(path))
}

/// The temporary name under which `path` is written before it is renamed into place; a
/// leftover after a crash is removed when the store is next opened for writing.
pub fn tmp_path(path: &Path) -> PathBuf {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(TMP_SUFFIX);
    PathBuf::from(tmp)
}

/// Make a rename in `path`'s directory durable (best effort: not every file system allows it).
pub fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent() {
        sync_dir(parent);
    }
}

pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Write bytes under a temporary name and rename them into place, without waiting for the
/// disk (see [`Durable`]).
pub fn write_bytes_renamed(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_renamed(path, |tmp| std::fs::write(tmp, bytes).map_err(StoreError::io(tmp)))
}

/// Write bytes atomically and durably.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_atomic(path, |tmp| {
        let mut file = File::create(tmp).map_err(StoreError::io(tmp))?;
        std::io::Write::write_all(&mut file, bytes).map_err(StoreError::io(tmp))?;
        file.sync_all().map_err(StoreError::io(tmp))
    })
}

fn load_key(root: &Path) -> Result<Vec<u8>, StoreError> {
    if let Ok(hex) = std::env::var(KEY_ENV) {
        return pseudonym::unhex(hex.trim())
            .filter(|k| k.len() >= 16)
            .ok_or_else(|| StoreError::Key(format!("{KEY_ENV} must hold at least 32 hex digits")));
    }
    let path = root.join("sleutels").join("pseudoniem.sleutel");
    if path.exists() {
        let text = std::fs::read_to_string(&path).map_err(StoreError::io(&path))?;
        return pseudonym::unhex(text.trim())
            .filter(|k| k.len() >= 16)
            .ok_or_else(|| StoreError::Key(format!("{} does not hold a hex key", path.display())));
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| StoreError::Key(format!("no randomness for a new key: {e}")))?;
    write_bytes_atomic(&path, pseudonym::hex(&key).as_bytes())?;
    Ok(key.to_vec())
}

pub fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(StoreError::io(dir))? {
        out.push(entry.map_err(StoreError::io(dir))?.path());
    }
    out.sort();
    Ok(out)
}

fn remove_if_exists(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::Io { path: path.to_owned(), source: e }),
        _ => Ok(()),
    }
}

fn remove_dir_if_exists(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::Io { path: path.to_owned(), source: e }),
        _ => Ok(()),
    }
}

fn remove_tmp_files(dir: &Path) -> Result<(), StoreError> {
    if !dir.exists() {
        return Ok(());
    }
    for path in read_dir_sorted(dir)? {
        if path.is_dir() {
            remove_tmp_files(&path)?;
        } else if path.to_string_lossy().ends_with(TMP_SUFFIX) {
            remove_if_exists(&path)?;
        }
    }
    Ok(())
}
