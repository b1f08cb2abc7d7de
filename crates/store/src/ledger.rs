//! The ledger in SQLite: which messages and deliveries are stored (exactly once), which
//! batches of lake files are committed, and what is in quarantine.
//!
//! Commit protocol (crash-safe): a batch is registered as `bezig` with the files it will write
//! (committed), the files are written under temporary names, synced and renamed, and then one
//! transaction records the batch's messages, deliveries and quarantine entries and marks it
//! `klaar`. On open, every batch still `bezig` has its files removed and is forgotten, so a
//! `kill -9` at any moment leaves either all of a batch or none of it.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::StoreError;

/// A key of the ledger: a message identity (law, message, sender, Identificatie and
/// Dagtekening) or a delivery (its knooppunt UUID, or its content), hashed and dated with the
/// message's Dagtekening; see [`dated_key`].
pub type Sleutel = [u8; 16];

/// The month of a date as it leads a dated key: months since January 1900.
pub fn key_month(date: NaiveDate) -> u16 {
    let months = (date.year() - 1900) * 12 + date.month0() as i32;
    u16::try_from(months.max(0)).unwrap_or(u16::MAX)
}

/// An [`undated_key`] dated with `month` ([`key_month`]): the month, big-endian, and the
/// first 14 bytes of the undated key (of the SHA-256 of its text). The transport errors'
/// SQL (`refused_delivery`) dates keys the same way.
///
/// The month leads so that the keys of new traffic lie together at the end of the ledger's
/// indexes: a batch writes a few index pages instead of one page per message anywhere in the
/// index (into a two-year ledger, each batch rewrote about 400 MB of index pages through
/// the WAL). 112 bits of hash within one month keep keys apart.
pub fn dated_key(month: u16, undated: Sleutel) -> Sleutel {
    let mut key = [0u8; 16];
    key[..2].copy_from_slice(&month.to_be_bytes());
    key[2..].copy_from_slice(&undated[..14]);
    key
}

/// The key of `text` as ledgers wrote it before keys were dated: the first 16 bytes of its
/// SHA-256. Still the key of the tables that are not looked up by month (`zonder_opdracht`,
/// `transportfout`), and looked up as well in a ledger that holds such keys
/// ([`Ledger::undated_keys`]).
pub fn undated_key(text: &str) -> Sleutel {
    undated_key_of(&[text.as_bytes()])
}

/// [`undated_key`] of the text that `parts` make together, without putting it together.
pub fn undated_key_of(parts: &[&[u8]]) -> Sleutel {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    let hash = hasher.finalize();
    let mut key = [0u8; 16];
    key.copy_from_slice(&hash[..16]);
    key
}

/// SHA-256 of a message's bytes.
pub type Inhoud = [u8; 32];

/// A stored message.
#[derive(Debug, Clone)]
pub struct BerichtEntry {
    pub sleutel: Sleutel,
    pub id: i64,
    pub inhoud: Inhoud,
    pub gemeente: String,
    pub jaar: i32,
    /// The key of the delivery that brought the message, when the knooppunt accepted it: kept
    /// in the message's row, without an index. Any other delivery is a [`LeveringEntry`].
    pub levering: Option<Sleutel>,
}

/// A delivery of a stored message (a knooppunt UUID, or the content hash when there is no
/// routing), indexed by its key: every delivery but one the knooppunt accepted and that
/// brought its message (see [`BerichtEntry::levering`]).
///
/// Only the transport errors (Fo01) look deliveries up by key alone, and the knooppunt sends
/// those for deliveries it refused. The index of delivery keys, inserted at random places,
/// cost a new message more than a third of its ledger work (2 s of CPU for a national
/// Jan–Feb, 2026-12-05); accepted first deliveries, nearly all traffic, stay out of it.
#[derive(Debug, Clone)]
pub struct LeveringEntry {
    pub sleutel: Sleutel,
    pub bericht: i64,
    pub gemeente: String,
}

/// Input that could not be stored as a message, kept with its reason.
#[derive(Debug, Clone)]
pub struct QuarantaineEntry {
    pub inhoud: Inhoud,
    /// The input: a file, or `archive#member`.
    pub bron: String,
    pub gemeente: Option<String>,
    /// `onleesbaar` (not XML, or hostile), `ongeldig` (not a valid iWmo/iJw message) or
    /// `conflict` (the identity of a stored message with other content).
    pub soort: String,
    pub reden: String,
    pub pad: Option<String>,
    pub regel: Option<String>,
    /// Where the original bytes are kept, relative to the store.
    pub bestand: String,
    pub ontvangen: Option<String>,
    pub transport: Option<String>,
    /// The message type from the routing data (`JW301`), when known.
    pub bericht: Option<String>,
}

/// A transport error (Fo01) of the knooppunt: the delivery with this UUID was refused. Kept
/// whole (it holds no client data), tied to its gemeente once that delivery is known.
#[derive(Debug, Clone)]
pub struct TransportFoutEntry {
    /// The delivery key of the refused message (see [`LeveringEntry`]).
    pub sleutel: Sleutel,
    /// The UUID of the refused message (`crossRefnummer`).
    pub uuid: String,
    /// The Fo01's own UUID.
    pub referentienummer: String,
    pub tijdstip: String,
    pub code: String,
    pub plek: String,
    pub omschrijving: String,
    pub details: Option<String>,
    /// The input: a file, or `archive#member`.
    pub bron: String,
}

/// What one batch adds to the ledger.
#[derive(Debug, Default)]
pub struct Commit {
    pub berichten: Vec<BerichtEntry>,
    pub leveringen: Vec<LeveringEntry>,
    pub quarantaine: Vec<QuarantaineEntry>,
    /// (message id, content hash of the conflicting input)
    pub conflicten: Vec<(i64, Inhoud)>,
    /// Traffic without an order: counted by identity, its content discarded.
    pub zonder_opdracht: Vec<ZonderOpdracht>,
    pub transportfouten: Vec<TransportFoutEntry>,
}

impl Commit {
    /// An empty commit with room for as many messages and deliveries as `other` holds.
    pub fn like(other: &Commit) -> Commit {
        Commit {
            berichten: Vec::with_capacity(other.berichten.len()),
            leveringen: Vec::with_capacity(other.leveringen.len()),
            ..Commit::default()
        }
    }
}

/// A message of a gemeente and law without an order in force: only this is kept of it.
#[derive(Debug, Clone)]
pub struct ZonderOpdracht {
    /// The message identity, or the content hash for input that did not read.
    pub sleutel: Sleutel,
    pub gemeente: String,
    /// `iWmo`, `iJw`, or empty when the input did not tell.
    pub wet: String,
    /// `JJJJ-MM` of its registration.
    pub maand: String,
}

impl Commit {
    pub fn is_empty(&self) -> bool {
        self.berichten.is_empty()
            && self.leveringen.is_empty()
            && self.quarantaine.is_empty()
            && self.zonder_opdracht.is_empty()
            && self.transportfouten.is_empty()
    }
}

/// One quarantine row as listed by `ketenzicht quarantine list`.
#[derive(Debug, Clone)]
pub struct QuarantaineRow {
    pub tijdstip: String,
    pub soort: String,
    pub bron: String,
    pub gemeente: Option<String>,
    pub pad: Option<String>,
    pub regel: Option<String>,
    pub reden: String,
    pub bestand: String,
    pub transport: Option<String>,
    pub ontvangen: Option<String>,
    pub bericht: Option<String>,
}

#[derive(Debug)]
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
    /// The ledger holds undated keys (see [`Ledger::undated_keys`]).
    undated: bool,
}

fn sql_error(path: &Path, e: rusqlite::Error) -> StoreError {
    StoreError::Ledger { path: path.to_owned(), message: e.to_string() }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS batch (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('bezig', 'klaar')),
    gestart TEXT NOT NULL,
    bestanden TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantaine (
    inhoud BLOB PRIMARY KEY,
    tijdstip TEXT NOT NULL,
    soort TEXT NOT NULL,
    bron TEXT NOT NULL,
    gemeente TEXT,
    pad TEXT,
    regel TEXT,
    reden TEXT NOT NULL,
    bestand TEXT NOT NULL,
    ontvangen TEXT,
    transport TEXT,
    batch INTEGER NOT NULL,
    bericht TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS verouderd (
    gemeente TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS zonder_opdracht (
    sleutel BLOB PRIMARY KEY,
    gemeente TEXT NOT NULL,
    wet TEXT NOT NULL,
    maand TEXT NOT NULL,
    batch INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS generatie (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    waarde INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS transportfout (
    sleutel BLOB PRIMARY KEY,
    uuid TEXT NOT NULL,
    referentienummer TEXT NOT NULL,
    tijdstip TEXT NOT NULL,
    code TEXT NOT NULL,
    plek TEXT NOT NULL,
    omschrijving TEXT NOT NULL,
    details TEXT,
    bron TEXT NOT NULL,
    gemeente TEXT,
    batch INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS transportfout_gemeente ON transportfout (gemeente);
CREATE TABLE IF NOT EXISTS sleutelvorm (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    ongedateerd INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS conflict (
    bericht INTEGER NOT NULL,
    inhoud BLOB NOT NULL,
    batch INTEGER NOT NULL,
    PRIMARY KEY (bericht, inhoud)
) WITHOUT ROWID;
";

/// The key table of `bericht` and the indexes of `bericht` and `levering` (see
/// [`LeveringEntry`] for which deliveries are where). Both tables are stored in the order
/// their rows are added (by rowid, the message id for `bericht`), so that a batch appends to
/// them and to the gemeente indexes. A message's identity is found through `berichtsleutel`,
/// stored by key, into which a batch inserts its keys in key order: each page of it that the
/// batch changes is visited once, in order. (Until the eighth session both tables were
/// stored by their hashed key, `WITHOUT ROWID`: every batch then wrote into pages all over
/// both tables and both gemeente indexes. Until the fifteenth, a unique index on
/// `bericht (sleutel)` took the keys in id order, each at a random place: 18% of a first
/// load's CPU time, 2026-12-06.) `bericht` keeps its key, so that forgetting a message
/// finds its row in `berichtsleutel`.
const BERICHT: &str = "(id INTEGER PRIMARY KEY, sleutel BLOB NOT NULL, inhoud BLOB NOT NULL, gemeente TEXT NOT NULL, jaar INTEGER NOT NULL, batch INTEGER NOT NULL, levering BLOB)";
const LEVERING: &str =
    "(sleutel BLOB NOT NULL, bericht INTEGER NOT NULL, gemeente TEXT NOT NULL, batch INTEGER NOT NULL)";
const LAYOUT_INDEXES: &str = "
CREATE TABLE IF NOT EXISTS berichtsleutel (sleutel BLOB PRIMARY KEY, bericht INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS bericht_gemeente ON bericht (gemeente);
CREATE UNIQUE INDEX IF NOT EXISTS levering_sleutel ON levering (sleutel);
CREATE INDEX IF NOT EXISTS levering_gemeente ON levering (gemeente);
";

/// Move `bericht` and `levering` of a ledger from the layout by hashed key into the layout of
/// [`LAYOUT_INDEXES`]: the rows copied in id order, the indexes built afterwards (sorted, not
/// inserted one by one). Run in one transaction with [`KEY_TABLE_UPGRADE`]: a crash leaves
/// the old layout whole.
fn layout_upgrade() -> String {
    format!(
        "CREATE TABLE bericht_nieuw {BERICHT};
         INSERT INTO bericht_nieuw (id, sleutel, inhoud, gemeente, jaar, batch)
             SELECT id, sleutel, inhoud, gemeente, jaar, batch FROM bericht ORDER BY id;
         DROP TABLE bericht;
         ALTER TABLE bericht_nieuw RENAME TO bericht;
         CREATE TABLE levering_nieuw {LEVERING};
         INSERT INTO levering_nieuw (sleutel, bericht, gemeente, batch)
             SELECT sleutel, bericht, gemeente, batch FROM levering ORDER BY bericht, batch;
         DROP TABLE levering;
         ALTER TABLE levering_nieuw RENAME TO levering;"
    )
}

/// From a unique index on `bericht (sleutel)` to the key table of [`LAYOUT_INDEXES`], filled
/// in key order, after [`LAYOUT_INDEXES`] has created it.
const KEY_TABLE_UPGRADE: &str = "
DROP INDEX IF EXISTS bericht_sleutel;
INSERT INTO berichtsleutel (sleutel, bericht) SELECT sleutel, id FROM bericht ORDER BY sleutel;
";

/// How a ledger stores `bericht`, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Stored by hashed key, `WITHOUT ROWID` (until the eighth session).
    ByKey,
    /// Stored by id, with a unique index on its key (until the fifteenth session).
    KeyIndex,
    /// Stored by id, its keys in `berichtsleutel` ([`LAYOUT_INDEXES`]).
    KeyTable,
}

fn layout(conn: &Connection) -> rusqlite::Result<Layout> {
    let exists = |kind: &str, name: &str, like: &str| -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = ?1 AND name = ?2 AND sql LIKE ?3",
            params![kind, name, like],
            |r| r.get(0),
        )
    };
    Ok(if exists("table", "bericht", "%WITHOUT ROWID%")? {
        Layout::ByKey
    } else if exists("index", "bericht_sleutel", "%")? {
        Layout::KeyIndex
    } else {
        Layout::KeyTable
    })
}

/// SQL: the `levering` row `l` is the delivery that the `transportfout` row refused. A
/// transport error's key is the undated key of the UUID it refers to; the delivery's key is
/// dated with its message's Dagtekening, in the error's month or one next to it (a refusal
/// comes on receipt), or undated (stored before keys were dated). Four lookups in the unique
/// index.
fn refused_delivery() -> String {
    let month = "((CAST(substr(transportfout.tijdstip, 1, 4) AS INTEGER) - 1900) * 12 \
                 + CAST(substr(transportfout.tijdstip, 6, 2) AS INTEGER) - 1)";
    let dated = |offset: i32| {
        // Built in hexadecimal: `||` would make text of the bytes, never equal to a blob.
        format!("unhex(printf('%04X', {month} + ({offset})) || hex(substr(transportfout.sleutel, 1, 14)))")
    };
    format!("l.sleutel IN (transportfout.sleutel, {}, {}, {})", dated(-1), dated(0), dated(1))
}

/// The time of a ledger entry, in UTC like the server's and the audit log's.
fn now() -> String {
    chrono::Utc::now().naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Columns added after a store could first be created, added to older ledgers on open.
const ADDED_COLUMNS: [(&str, &str, &str); 2] = [("quarantaine", "bericht", "TEXT"), ("bericht", "levering", "BLOB")];

fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    for (table, column, kind) in ADDED_COLUMNS {
        let exists: bool = conn.query_row(
            "SELECT COUNT(*) > 0 FROM pragma_table_info(?1) WHERE name = ?2",
            params![table, column],
            |r| r.get(0),
        )?;
        if !exists {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {kind}"))?;
        }
    }
    Ok(())
}

/// The page cache of a connection to the ledger, in MiB.
pub const CACHE_MIB: i64 = 64;

/// The page cache of the connection that commits an ingest's batches, in MiB.
pub const COMMITTER_CACHE_MIB: i64 = 16;

/// The pragma that gives a connection a page cache of `mib` MiB.
fn cache_pragma(mib: i64) -> String {
    format!("PRAGMA cache_size = -{};", mib * 1024)
}

impl Ledger {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let sql = |e| sql_error(path, e);
        let conn = ketenzicht_sqlite::open(path).map_err(sql)?;
        conn.execute_batch(&format!(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; {}",
            cache_pragma(CACHE_MIB)
        ))
        .map_err(sql)?;
        conn.execute_batch(SCHEMA).map_err(sql)?;
        conn.execute_batch(&format!(
            "CREATE TABLE IF NOT EXISTS bericht {BERICHT}; CREATE TABLE IF NOT EXISTS levering {LEVERING};"
        ))
        .map_err(sql)?;
        migrate(&conn).map_err(sql)?;
        // A ledger in an older layout keeps working as it is until its writer upgrades it
        // (its readers do not look up keys); a new one is created in the current layout.
        if layout(&conn).map_err(sql)? == Layout::KeyTable {
            conn.execute_batch(LAYOUT_INDEXES).map_err(sql)?;
        }
        // What a ledger holds when it is first opened by a version with dated keys was stored
        // with undated keys; recorded once (later opens only read it, so that a reader beside
        // a writer does not wait for the write lock).
        let recorded = |conn: &Connection| {
            conn.query_row("SELECT ongedateerd FROM sleutelvorm WHERE id = 1", [], |r| r.get::<_, bool>(0)).optional()
        };
        let undated = match recorded(&conn).map_err(sql)? {
            Some(undated) => undated,
            None => {
                conn.execute(
                    "INSERT OR IGNORE INTO sleutelvorm (id, ongedateerd)
                     VALUES (1, EXISTS (SELECT 1 FROM bericht) OR EXISTS (SELECT 1 FROM levering))",
                    [],
                )
                .map_err(sql)?;
                recorded(&conn).map_err(sql)?.unwrap_or(true)
            }
        };
        Ok(Ledger { conn, path: path.to_owned(), undated })
    }

    /// Another connection to the same ledger (for a thread of its own).
    pub fn reopen(&self) -> Result<Self, StoreError> {
        Ledger::open(&self.path)
    }

    /// [`Ledger::reopen`] for the thread that commits an ingest's batches, with a page cache of
    /// [`COMMITTER_CACHE_MIB`] instead of [`CACHE_MIB`]: it inserts into the pages of the months being
    /// ingested and looks nothing else up, and what a process touches first costs its time
    /// (`docs/performance.md`, 2026-12-07).
    pub fn reopen_for_commits(&self) -> Result<Self, StoreError> {
        let ledger = self.reopen()?;
        ledger.conn.execute_batch(&cache_pragma(COMMITTER_CACHE_MIB)).map_err(|e| sql_error(&self.path, e))?;
        Ok(ledger)
    }

    /// Bring a ledger of an older layout up to date (see [`LAYOUT_INDEXES`]). Called by the
    /// store's writer, which holds the store's lock; readers read either layout. Returns
    /// whether there was anything to do.
    pub fn upgrade(&mut self) -> Result<bool, StoreError> {
        let sql = |e| sql_error(&self.path, e);
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sql)?;
        let from = layout(&tx).map_err(sql)?;
        if from == Layout::KeyTable {
            return Ok(false);
        }
        // Minutes for a large ledger stored by key (5.4 for 20.8 million messages), a second
        // or so per million messages for one with a key index: said up front, once.
        let per_million = if from == Layout::ByKey { 16.0 } else { 1.3 };
        tracing::warn!(
            ledger = %self.path.display(),
            "the ledger is rewritten into its new layout, once (about {per_million} s per million messages)"
        );
        let started = std::time::Instant::now();
        if from == Layout::ByKey {
            tx.execute_batch(&layout_upgrade()).map_err(sql)?;
        }
        tx.execute_batch(LAYOUT_INDEXES).map_err(sql)?;
        tx.execute_batch(KEY_TABLE_UPGRADE).map_err(sql)?;
        tx.commit().map_err(sql)?;
        tracing::warn!(seconds = started.elapsed().as_secs(), "the ledger is in its new layout");
        Ok(true)
    }

    /// The store's generation: raised whenever a writer is done with the store, so that a
    /// server reading it knows to read again (see [`crate::StoreView`]).
    pub fn generatie(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT COALESCE((SELECT waarde FROM generatie WHERE id = 1), 0)", [], |r| r.get(0))
            .map_err(|e| sql_error(&self.path, e))
    }

    /// Raise the generation (see [`Ledger::generatie`]).
    pub fn raise_generatie(&self) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO generatie (id, waarde) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET waarde = waarde + 1",
                [],
            )
            .map(|_| ())
            .map_err(|e| sql_error(&self.path, e))
    }

    /// Hold one read transaction over the lookups that follow, until [`Ledger::end_reading`]
    /// or the next batch. Outside a transaction every lookup takes and releases SQLite's
    /// locks (two `fcntl` calls each, a sixth of an ingest's storing thread); inside one the
    /// lookups share a snapshot, which is exact while this connection is the store's only
    /// writer (the store's lock).
    pub fn begin_reading(&mut self) -> Result<(), StoreError> {
        if self.conn.is_autocommit() {
            self.conn.execute_batch("BEGIN").map_err(|e| sql_error(&self.path, e))?;
        }
        Ok(())
    }

    /// End the read transaction of [`Ledger::begin_reading`], if one is open.
    pub fn end_reading(&mut self) -> Result<(), StoreError> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT").map_err(|e| sql_error(&self.path, e))?;
        }
        Ok(())
    }

    /// The batches that were started and never finished, with their files (relative to the store).
    pub fn unfinished(&self) -> Result<Vec<(i64, Vec<String>)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, bestanden FROM batch WHERE status = 'bezig'")
            .map_err(|e| sql_error(&self.path, e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| sql_error(&self.path, e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sql_error(&self.path, e))?;
        Ok(rows
            .into_iter()
            .map(|(id, files)| (id, serde_json::from_str::<Vec<String>>(&files).unwrap_or_default()))
            .collect())
    }

    pub fn forget_batch(&self, id: i64) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM batch WHERE id = ?1 AND status = 'bezig'", [id])
            .map_err(|e| sql_error(&self.path, e))?;
        Ok(())
    }

    /// Register a new batch with the files it will write, named by `files` from the batch's
    /// id. Committed before any file is written; returns the id and the names.
    pub fn begin_batch(&mut self, files: impl FnOnce(i64) -> Vec<String>) -> Result<(i64, Vec<String>), StoreError> {
        self.end_reading()?;
        let tx = self.conn.transaction().map_err(|e| sql_error(&self.path, e))?;
        tx.execute("INSERT INTO batch (status, gestart, bestanden) VALUES ('bezig', ?1, '[]')", [now()])
            .map_err(|e| sql_error(&self.path, e))?;
        let id = tx.last_insert_rowid();
        let names = files(id);
        let listed = serde_json::to_string(&names).map_err(|e| StoreError::Shape(e.to_string()))?;
        tx.execute("UPDATE batch SET bestanden = ?1 WHERE id = ?2", params![listed, id])
            .map_err(|e| sql_error(&self.path, e))?;
        tx.commit().map_err(|e| sql_error(&self.path, e))?;
        Ok((id, names))
    }

    /// Record everything the batch stored and mark it finished, in one transaction.
    pub fn finish_batch(&mut self, batch: i64, commit: &Commit) -> Result<(), StoreError> {
        self.finish_batch_once(batch, commit, || Ok::<(), StoreError>(()))
    }

    /// [`Ledger::finish_batch`], committed only once `durable` says that the batch's files
    /// are: the rows are inserted meanwhile (while other threads write the files), and an
    /// error of `durable` rolls them back.
    pub fn finish_batch_once<E: From<StoreError>>(
        &mut self,
        batch: i64,
        commit: &Commit,
        durable: impl FnOnce() -> Result<(), E>,
    ) -> Result<(), E> {
        self.end_reading()?;
        let tx = self.conn.transaction().map_err(|e| sql_error(&self.path, e))?;
        {
            let mut bericht = tx
                .prepare_cached(
                    "INSERT INTO bericht (sleutel, id, inhoud, gemeente, jaar, batch, levering) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(|e| sql_error(&self.path, e))?;
            // In id order, so that the rows are appended to the table (in key order they landed
            // at random places among the batch's new pages and split them: 2,000 instructions
            // more per message into an empty store).
            let mut berichten: Vec<_> = commit.berichten.iter().collect();
            berichten.sort_unstable_by_key(|b| b.id);
            for b in berichten {
                bericht
                    .execute(params![&b.sleutel[..], b.id, &b.inhoud[..], b.gemeente, b.jaar, batch, b.levering])
                    .map_err(|e| sql_error(&self.path, e))?;
            }
            // In key order: see [`LAYOUT_INDEXES`].
            let mut sleutel = tx
                .prepare_cached("INSERT INTO berichtsleutel (sleutel, bericht) VALUES (?1, ?2)")
                .map_err(|e| sql_error(&self.path, e))?;
            let mut keys: Vec<_> = commit.berichten.iter().map(|b| (&b.sleutel, b.id)).collect();
            keys.sort_unstable();
            for (key, id) in keys {
                sleutel.execute(params![&key[..], id]).map_err(|e| sql_error(&self.path, e))?;
            }
            let mut levering = tx
                .prepare_cached("INSERT INTO levering (sleutel, bericht, gemeente, batch) VALUES (?1, ?2, ?3, ?4)")
                .map_err(|e| sql_error(&self.path, e))?;
            let mut leveringen: Vec<_> = commit.leveringen.iter().collect();
            leveringen.sort_unstable_by_key(|l| l.sleutel);
            for l in leveringen {
                levering
                    .execute(params![&l.sleutel[..], l.bericht, l.gemeente, batch])
                    .map_err(|e| sql_error(&self.path, e))?;
            }
            let mut quarantaine = tx
                .prepare_cached(
                    "INSERT INTO quarantaine (inhoud, tijdstip, soort, bron, gemeente, pad, regel, reden, bestand, ontvangen, transport, batch, bericht)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )
                .map_err(|e| sql_error(&self.path, e))?;
            let tijdstip = now();
            for q in &commit.quarantaine {
                quarantaine
                    .execute(params![
                        &q.inhoud[..],
                        tijdstip,
                        q.soort,
                        q.bron,
                        q.gemeente,
                        q.pad,
                        q.regel,
                        q.reden,
                        q.bestand,
                        q.ontvangen,
                        q.transport,
                        batch,
                        q.bericht
                    ])
                    .map_err(|e| sql_error(&self.path, e))?;
            }
            let mut conflict = tx
                .prepare_cached("INSERT OR IGNORE INTO conflict (bericht, inhoud, batch) VALUES (?1, ?2, ?3)")
                .map_err(|e| sql_error(&self.path, e))?;
            for (bericht, inhoud) in &commit.conflicten {
                conflict.execute(params![bericht, &inhoud[..], batch]).map_err(|e| sql_error(&self.path, e))?;
            }
            let mut zonder = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO zonder_opdracht (sleutel, gemeente, wet, maand, batch) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(|e| sql_error(&self.path, e))?;
            for z in &commit.zonder_opdracht {
                zonder
                    .execute(params![&z.sleutel[..], z.gemeente, z.wet, z.maand, batch])
                    .map_err(|e| sql_error(&self.path, e))?;
            }
            let mut fout = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO transportfout (sleutel, uuid, referentienummer, tijdstip, code, plek, omschrijving, details, bron, batch)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(|e| sql_error(&self.path, e))?;
            for f in &commit.transportfouten {
                fout.execute(params![
                    &f.sleutel[..],
                    f.uuid,
                    f.referentienummer,
                    f.tijdstip,
                    f.code,
                    f.plek,
                    f.omschrijving,
                    f.details,
                    f.bron,
                    batch
                ])
                .map_err(|e| sql_error(&self.path, e))?;
            }
            // A transport error and its delivery may come in either order: each batch ties the
            // errors whose delivery is now known to its gemeente, which is then stale.
            let tied: Vec<String> = tx
                .prepare_cached(&format!(
                    "UPDATE transportfout SET gemeente = (SELECT l.gemeente FROM levering l WHERE {refused})
                         WHERE gemeente IS NULL AND EXISTS (SELECT 1 FROM levering l WHERE {refused})
                         RETURNING gemeente",
                    refused = refused_delivery()
                ))
                .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect())
                .map_err(|e| sql_error(&self.path, e))?;
            // Derived data of these gemeenten is stale until their Ketendata is rebuilt; recorded
            // in the same transaction, so a crash before the rebuild cannot lose it.
            let mut verouderd = tx
                .prepare_cached("INSERT OR IGNORE INTO verouderd (gemeente) VALUES (?1)")
                .map_err(|e| sql_error(&self.path, e))?;
            let gemeenten: std::collections::BTreeSet<&str> = (commit.berichten.iter().map(|b| b.gemeente.as_str()))
                .chain(commit.leveringen.iter().map(|l| l.gemeente.as_str()))
                .chain(tied.iter().map(String::as_str))
                .collect();
            for gemeente in gemeenten {
                verouderd.execute([gemeente]).map_err(|e| sql_error(&self.path, e))?;
            }
            tx.execute("UPDATE batch SET status = 'klaar' WHERE id = ?1", [batch])
                .map_err(|e| sql_error(&self.path, e))?;
        }
        durable()?;
        Ok(tx.commit().map_err(|e| sql_error(&self.path, e))?)
    }

    /// Whether this ledger holds messages and deliveries stored before keys were dated
    /// ([`dated_key`]): their keys are [`undated_key`]s, and a lookup must try both.
    pub fn undated_keys(&self) -> bool {
        self.undated
    }

    /// The months ([`key_month`]) that the keys of stored messages lead with: one seek in the
    /// key index per month held (meaningful for dated keys only, see [`Ledger::undated_keys`]).
    pub fn bericht_months(&self) -> Result<Vec<u16>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT sleutel FROM berichtsleutel WHERE sleutel >= ?1 ORDER BY sleutel LIMIT 1")
            .map_err(|e| sql_error(&self.path, e))?;
        let mut months = Vec::new();
        let mut from = [0u8; 16];
        loop {
            let found: Option<Vec<u8>> =
                stmt.query_row([&from[..]], |r| r.get(0)).optional().map_err(|e| sql_error(&self.path, e))?;
            let Some(key) = found else { break };
            // A key shorter than two bytes (none is) counts as padded with zeros, so that the
            // next seek still passes it.
            let month = u16::from_be_bytes([key.first().copied().unwrap_or(0), key.get(1).copied().unwrap_or(0)]);
            months.push(month);
            let Some(next) = month.checked_add(1) else { break };
            from = [0u8; 16];
            from[..2].copy_from_slice(&next.to_be_bytes());
        }
        Ok(months)
    }

    /// The stored message with this identity: its id and content hash. Two lookups, not a
    /// join: SQLite prepared the join anew for every key (a third of the time of an ingest of
    /// messages stored already, 2026-12-06).
    pub fn bericht(&self, sleutel: &Sleutel) -> Result<Option<(i64, Inhoud)>, StoreError> {
        let sql = |e| sql_error(&self.path, e);
        let mut id = self.conn.prepare_cached("SELECT bericht FROM berichtsleutel WHERE sleutel = ?1").map_err(sql)?;
        let Some(id) = id.query_row([&sleutel[..]], |r| r.get::<_, i64>(0)).optional().map_err(sql)? else {
            return Ok(None);
        };
        let mut inhoud = self.conn.prepare_cached("SELECT inhoud FROM bericht WHERE id = ?1").map_err(sql)?;
        let inhoud: Vec<u8> = inhoud.query_row([id], |r| r.get(0)).map_err(sql)?;
        Ok(Some((id, inhoud.try_into().unwrap_or([0; 32]))))
    }

    /// The key of the accepted delivery that brought message `bericht`, kept in its row (see
    /// [`BerichtEntry::levering`]).
    pub fn levering_van(&self, bericht: i64) -> Result<Option<Sleutel>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT levering FROM bericht WHERE id = ?1")
            .map_err(|e| sql_error(&self.path, e))?;
        let key: Option<Option<Vec<u8>>> =
            stmt.query_row([bericht], |r| r.get(0)).optional().map_err(|e| sql_error(&self.path, e))?;
        Ok(key.flatten().and_then(|k| k.try_into().ok()))
    }

    /// Whether a delivery with this key is among the indexed ones (see [`LeveringEntry`]).
    pub fn has_levering(&self, sleutel: &Sleutel) -> Result<bool, StoreError> {
        self.exists("SELECT 1 FROM levering WHERE sleutel = ?1", &sleutel[..])
    }

    pub fn has_transportfout(&self, sleutel: &Sleutel) -> Result<bool, StoreError> {
        self.exists("SELECT 1 FROM transportfout WHERE sleutel = ?1", &sleutel[..])
    }

    /// The transport errors tied to one gemeente: the refused delivery's UUID and the IB code.
    pub fn transportfouten(&self, gemeente: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT uuid, code FROM transportfout WHERE gemeente = ?1 ORDER BY uuid")
            .map_err(|e| sql_error(&self.path, e))?;
        stmt.query_map([gemeente], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| sql_error(&self.path, e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sql_error(&self.path, e))
    }

    /// Forget the transport errors received before `grens` whose refused delivery never came
    /// into the store (they belong to no gemeente, so no gemeente's retention removes them).
    pub fn forget_transportfouten_zonder_levering(&self, grens: chrono::NaiveDate) -> Result<u64, StoreError> {
        self.conn
            .execute("DELETE FROM transportfout WHERE gemeente IS NULL AND tijdstip < ?1", [grens.to_string()])
            .map(|n| n as u64)
            .map_err(|e| sql_error(&self.path, e))
    }

    /// Every transport error: (tijdstip, uuid of the refused delivery, code, omschrijving,
    /// details, bron, gemeente once its delivery is known), in order of time.
    #[allow(clippy::type_complexity)]
    pub fn transportfouten_alle(
        &self,
    ) -> Result<Vec<(String, String, String, String, Option<String>, String, Option<String>)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT tijdstip, uuid, code, omschrijving, details, bron, gemeente FROM transportfout ORDER BY tijdstip, uuid",
            )
            .map_err(|e| sql_error(&self.path, e))?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
            .map_err(|e| sql_error(&self.path, e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sql_error(&self.path, e))
    }

    pub fn has_quarantaine(&self, inhoud: &Inhoud) -> Result<bool, StoreError> {
        self.exists("SELECT 1 FROM quarantaine WHERE inhoud = ?1", &inhoud[..])
    }

    pub fn has_zonder_opdracht(&self, sleutel: &Sleutel) -> Result<bool, StoreError> {
        self.exists("SELECT 1 FROM zonder_opdracht WHERE sleutel = ?1", &sleutel[..])
    }

    /// Traffic without an order, counted per gemeente, law and month.
    pub fn zonder_opdracht(&self) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT gemeente, wet, maand, COUNT(*) FROM zonder_opdracht GROUP BY gemeente, wet, maand
                 ORDER BY gemeente, wet, maand",
            )
            .map_err(|e| sql_error(&self.path, e))?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(|e| sql_error(&self.path, e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sql_error(&self.path, e))
    }

    /// The number of stored messages of one gemeente.
    pub fn count_berichten(&self, gemeente: &str) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM bericht WHERE gemeente = ?1", [gemeente], |r| r.get(0))
            .map_err(|e| sql_error(&self.path, e))
    }

    pub fn max_bericht_id(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM bericht", [], |r| r.get(0))
            .map_err(|e| sql_error(&self.path, e))
    }

    /// Quarantine entries, oldest first.
    pub fn quarantaine(&self) -> Result<Vec<QuarantaineRow>, StoreError> {
        self.quarantaine_where(None)
    }

    /// The quarantine entries of one gemeente, oldest first.
    pub fn quarantaine_van(&self, gemeente: &str) -> Result<Vec<QuarantaineRow>, StoreError> {
        self.quarantaine_where(Some(gemeente))
    }

    fn quarantaine_where(&self, gemeente: Option<&str>) -> Result<Vec<QuarantaineRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT tijdstip, soort, bron, gemeente, pad, regel, reden, bestand, transport, ontvangen, bericht
                 FROM quarantaine WHERE ?1 IS NULL OR gemeente = ?1 ORDER BY tijdstip, bron",
            )
            .map_err(|e| sql_error(&self.path, e))?;
        stmt.query_map([gemeente], |r| {
            Ok(QuarantaineRow {
                tijdstip: r.get(0)?,
                soort: r.get(1)?,
                bron: r.get(2)?,
                gemeente: r.get(3)?,
                pad: r.get(4)?,
                regel: r.get(5)?,
                reden: r.get(6)?,
                bestand: r.get(7)?,
                transport: r.get(8)?,
                ontvangen: r.get(9)?,
                bericht: r.get(10)?,
            })
        })
        .map_err(|e| sql_error(&self.path, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sql_error(&self.path, e))
    }

    /// Counts for a summary: stored messages, deliveries, quarantine entries, conflicts.
    pub fn counts(&self) -> Result<[i64; 4], StoreError> {
        let count = |table: &str| -> Result<i64, StoreError> {
            self.conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
                .map_err(|e| sql_error(&self.path, e))
        };
        let leveringen = count("levering")? + count("bericht WHERE levering IS NOT NULL")?;
        Ok([count("bericht")?, leveringen, count("quarantaine")?, count("conflict")?])
    }

    /// Does `query` (one key parameter) find a row? Prepared once per connection.
    fn exists(&self, query: &str, key: &[u8]) -> Result<bool, StoreError> {
        let mut stmt = self.conn.prepare_cached(query).map_err(|e| sql_error(&self.path, e))?;
        stmt.exists([key]).map_err(|e| sql_error(&self.path, e))
    }

    /// The values of a query with one text column.
    fn texts(&self, query: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare(query).map_err(|e| sql_error(&self.path, e))?;
        stmt.query_map([], |r| r.get(0))
            .map_err(|e| sql_error(&self.path, e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sql_error(&self.path, e))
    }

    /// The gemeenten with stored messages.
    pub fn gemeenten(&self) -> Result<Vec<String>, StoreError> {
        // One index seek per gemeente instead of a scan of every message.
        self.texts(
            "WITH RECURSIVE g(code) AS (
                 SELECT MIN(gemeente) FROM bericht
                 UNION ALL
                 SELECT (SELECT MIN(gemeente) FROM bericht WHERE gemeente > g.code) FROM g WHERE g.code IS NOT NULL
             )
             SELECT code FROM g WHERE code IS NOT NULL",
        )
    }

    /// Gemeenten whose Ketendata is older than their messages.
    pub fn verouderd(&self) -> Result<Vec<String>, StoreError> {
        self.texts("SELECT gemeente FROM verouderd ORDER BY gemeente")
    }

    /// The Ketendata of this gemeente is current.
    pub fn bijgewerkt(&self, gemeente: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM verouderd WHERE gemeente = ?1", [gemeente])
            .map_err(|e| sql_error(&self.path, e))?;
        Ok(())
    }

    /// Write what the WAL holds into the database as far as no reader still needs the older
    /// pages, without waiting. Once it is all written and no reader uses the WAL, the next
    /// commit starts the WAL from its beginning again; see `Ingester::settle` for why a long
    /// ingest depends on it. Returns whether all of it was written.
    pub fn checkpoint_passive(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                let (log, done): (i64, i64) = (r.get(1)?, r.get(2)?);
                Ok(log == done)
            })
            .map_err(|e| sql_error(&self.path, e))
    }

    /// Write the WAL into the database and truncate it, so deleted rows are in no file.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(|e| sql_error(&self.path, e))
    }

    /// Keep only the messages of `gemeente` in `kept` (and their deliveries and conflicts);
    /// returns how many were forgotten.
    pub fn retain_berichten(
        &mut self,
        gemeente: &str,
        kept: &std::collections::HashSet<i64>,
    ) -> Result<u64, StoreError> {
        let sql = |e| sql_error(&self.path, e);
        let tx = self.conn.transaction().map_err(sql)?;
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare("SELECT id FROM bericht WHERE gemeente = ?1").map_err(sql)?;
            stmt.query_map([gemeente], |r| r.get(0)).map_err(sql)?.collect::<Result<Vec<i64>, _>>().map_err(sql)?
        };
        let mut forgotten = 0;
        {
            // Prepared once: a gemeente may forget hundreds of thousands of messages.
            let mut key = tx
                .prepare("DELETE FROM berichtsleutel WHERE sleutel = (SELECT sleutel FROM bericht WHERE id = ?1)")
                .map_err(sql)?;
            let mut row = tx.prepare("DELETE FROM bericht WHERE id = ?1").map_err(sql)?;
            for id in ids.into_iter().filter(|id| !kept.contains(id)) {
                key.execute([id]).map_err(sql)?;
                row.execute([id]).map_err(sql)?;
                forgotten += 1;
            }
        }
        // Deliveries and conflicts of forgotten messages, in one pass over the gemeente's rows.
        tx.execute(
            "DELETE FROM levering WHERE gemeente = ?1 AND NOT EXISTS (SELECT 1 FROM bericht b WHERE b.id = levering.bericht)",
            [gemeente],
        )
        .map_err(sql)?;
        tx.execute("DELETE FROM conflict WHERE NOT EXISTS (SELECT 1 FROM bericht b WHERE b.id = conflict.bericht)", [])
            .map_err(sql)?;
        tx.execute(
            &format!(
                "DELETE FROM transportfout WHERE gemeente = ?1 AND NOT EXISTS (SELECT 1 FROM levering l WHERE {})",
                refused_delivery()
            ),
            [gemeente],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(forgotten)
    }

    pub fn delete_quarantaine(&self, bestand: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM quarantaine WHERE bestand = ?1", [bestand])
            .map_err(|e| sql_error(&self.path, e))?;
        Ok(())
    }

    /// The Ketendata of this gemeente must be rebuilt.
    pub fn mark_stale(&self, gemeente: &str) -> Result<(), StoreError> {
        self.conn
            .execute("INSERT OR IGNORE INTO verouderd (gemeente) VALUES (?1)", [gemeente])
            .map_err(|e| sql_error(&self.path, e))?;
        Ok(())
    }

    /// Forget every ledger row of one gemeente (its files are removed by the caller).
    pub fn delete_gemeente(&mut self, gemeente: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction().map_err(|e| sql_error(&self.path, e))?;
        tx.execute("DELETE FROM conflict WHERE bericht IN (SELECT id FROM bericht WHERE gemeente = ?1)", [gemeente])
            .map_err(|e| sql_error(&self.path, e))?;
        tx.execute(
            "DELETE FROM berichtsleutel WHERE sleutel IN (SELECT sleutel FROM bericht WHERE gemeente = ?1)",
            [gemeente],
        )
        .map_err(|e| sql_error(&self.path, e))?;
        for table in ["bericht", "levering", "quarantaine", "verouderd", "zonder_opdracht", "transportfout"] {
            tx.execute(&format!("DELETE FROM {table} WHERE gemeente = ?1"), [gemeente])
                .map_err(|e| sql_error(&self.path, e))?;
        }
        tx.commit().map_err(|e| sql_error(&self.path, e))
    }
}

#[cfg(test)]
mod transportfout_tests {
    use super::*;

    fn fout(sleutel: Sleutel, uuid: &str) -> TransportFoutEntry {
        TransportFoutEntry {
            sleutel,
            uuid: uuid.to_owned(),
            referentienummer: format!("fo01-{uuid}"),
            tijdstip: "2024-03-01T10:00:02".to_owned(),
            code: "IB014".to_owned(),
            plek: "client".to_owned(),
            omschrijving: "XSD".to_owned(),
            details: None,
            bron: "test".to_owned(),
        }
    }

    fn delivery(sleutel: Sleutel, id: i64, gemeente: &str) -> Commit {
        Commit {
            berichten: vec![BerichtEntry {
                sleutel: [id as u8; 16],
                id,
                inhoud: [0; 32],
                gemeente: gemeente.into(),
                jaar: 2024,
                levering: None,
            }],
            leveringen: vec![LeveringEntry { sleutel, bericht: id, gemeente: gemeente.into() }],
            ..Commit::default()
        }
    }

    fn commit(ledger: &mut Ledger, commit: &Commit) {
        let (batch, _) = ledger.begin_batch(|_| Vec::new()).expect("begin");
        ledger.finish_batch(batch, commit).expect("finish");
    }

    /// The keys of a Fo01 about this UUID and of the delivery it refused, dated `day`.
    fn keys(uuid: &str, day: NaiveDate) -> (Sleutel, Sleutel) {
        let text = format!("uuid|{uuid}");
        (undated_key(&text), dated_key(key_month(day), undated_key(&text)))
    }

    #[test]
    fn a_transport_error_is_tied_to_its_delivery_in_either_order_and_goes_with_its_gemeente() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut ledger = Ledger::open(&dir.path().join("ledger.sqlite")).expect("ledger");
        let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).expect("date");
        // The Fo01 (of 1 March) first: kept, tied to no gemeente yet.
        let (early, early_levering) = keys("u-early", day(2, 29));
        commit(&mut ledger, &Commit { transportfouten: vec![fout(early, "u-early")], ..Commit::default() });
        assert!(ledger.has_transportfout(&early).expect("has"));
        assert!(ledger.transportfouten("0363").expect("list").is_empty());
        // Its delivery comes, dated the day before, in February: tied to its gemeente.
        commit(&mut ledger, &delivery(early_levering, 1, "0363"));
        assert_eq!(ledger.transportfouten("0363").expect("list"), vec![("u-early".to_owned(), "IB014".to_owned())]);

        // The delivery first, the Fo01 later: tied, and the gemeente is stale again.
        let (late, late_levering) = keys("u-late", day(3, 1));
        commit(&mut ledger, &delivery(late_levering, 2, "0599"));
        for g in ["0363", "0599"] {
            ledger.bijgewerkt(g).expect("rebuilt");
        }
        commit(&mut ledger, &Commit { transportfouten: vec![fout(late, "u-late")], ..Commit::default() });
        assert_eq!(ledger.verouderd().expect("stale"), vec!["0599".to_owned()]);
        assert_eq!(ledger.transportfouten("0599").expect("list").len(), 1);
        // The same Fo01 again is no new row.
        commit(&mut ledger, &Commit { transportfouten: vec![fout(late, "u-late")], ..Commit::default() });
        assert_eq!(ledger.transportfouten("0599").expect("list").len(), 1);
        // A delivery stored with an undated key (an older ledger) is found too; one received
        // two months from the Fo01 is not the delivery it refused.
        let (old, _) = keys("u-old", day(3, 1));
        let (far, far_levering) = keys("u-far", day(5, 2));
        commit(&mut ledger, &delivery(old, 3, "0599"));
        commit(&mut ledger, &delivery(far_levering, 4, "0599"));
        commit(
            &mut ledger,
            &Commit { transportfouten: vec![fout(old, "u-old"), fout(far, "u-far")], ..Commit::default() },
        );
        let tied: Vec<String> = ledger.transportfouten("0599").expect("list").into_iter().map(|(u, _)| u).collect();
        assert_eq!(tied, vec!["u-late".to_owned(), "u-old".to_owned()]);

        // Deleting a gemeente takes its transport errors along.
        ledger.delete_gemeente("0363").expect("delete");
        assert!(!ledger.has_transportfout(&early).expect("has"));
        assert!(ledger.has_transportfout(&late).expect("has"));

        // One whose delivery never comes is forgotten after the retention period, not before.
        let (orphan, _) = keys("u-orphan", day(3, 1));
        commit(&mut ledger, &Commit { transportfouten: vec![fout(orphan, "u-orphan")], ..Commit::default() });
        assert_eq!(ledger.forget_transportfouten_zonder_levering(day(3, 1)).expect("forget"), 0);
        assert_eq!(ledger.forget_transportfouten_zonder_levering(day(3, 2)).expect("forget"), 2, "and u-far's");
        assert!(!ledger.has_transportfout(&orphan).expect("has"));
        assert!(ledger.has_transportfout(&late).expect("tied ones stay"));
    }

    /// The rows of a batch are committed only when its files are durable: when making them
    /// durable fails, the batch stays unfinished (for recovery to remove its files) and the
    /// ledger holds none of its messages.
    #[test]
    fn a_batch_whose_files_failed_is_not_committed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut ledger = Ledger::open(&dir.path().join("ledger.sqlite")).expect("ledger");
        let (failed, _) = ledger.begin_batch(|b| vec![format!("deel-{b}")]).expect("begin");
        let result = ledger.finish_batch_once(failed, &delivery([7; 16], 1, "0363"), || {
            Err(StoreError::Shape("the disk is full".into()))
        });
        assert!(matches!(result, Err(StoreError::Shape(_))), "{result:?}");
        assert_eq!(ledger.count_berichten("0363").expect("count"), 0);
        assert_eq!(ledger.unfinished().expect("unfinished"), vec![(failed, vec![format!("deel-{failed}")])]);
        // The same messages in the next batch, whose files are durable: committed.
        let (done, _) = ledger.begin_batch(|_| Vec::new()).expect("begin");
        ledger.finish_batch_once(done, &delivery([7; 16], 1, "0363"), || Ok::<(), StoreError>(())).expect("finish");
        assert_eq!(ledger.count_berichten("0363").expect("count"), 1);
        assert_eq!(ledger.unfinished().expect("unfinished").len(), 1, "only the failed batch");
    }

    #[test]
    fn dated_keys_lead_with_their_month_and_keep_the_hash() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(key_month(day(1900, 1, 1)), 0);
        assert_eq!(key_month(day(2024, 3, 31)), 124 * 12 + 2);
        assert_eq!(key_month(day(1850, 6, 1)), 0, "before 1900: the first month");
        assert_eq!(key_month(day(9999, 12, 31)), u16::MAX, "beyond the last month: the last");
        let text = "ijw|JW301|0363|1|2024-03-31";
        let (dated, undated) = (dated_key(key_month(day(2024, 3, 31)), undated_key(text)), undated_key(text));
        assert_eq!(dated[..2], (124u16 * 12 + 2).to_be_bytes());
        assert_eq!(dated[2..], undated[..14], "the same hash");
        assert!(
            dated_key(key_month(day(2024, 3, 1)), undated_key("a"))
                < dated_key(key_month(day(2024, 4, 1)), undated_key("0")),
            "by month first"
        );
    }

    #[test]
    fn a_forgotten_message_takes_its_key_along_and_can_be_stored_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut ledger = Ledger::open(&dir.path().join("ledger.sqlite")).expect("ledger");
        let entry = |i: i64, gemeente: &str| BerichtEntry {
            sleutel: dated_key(1484, undated_key(&format!("bericht {i}"))),
            id: i,
            inhoud: [i as u8; 32],
            gemeente: gemeente.into(),
            jaar: 2023,
            levering: None,
        };
        let berichten = vec![entry(1, "0363"), entry(2, "0363"), entry(3, "0599"), entry(4, "0599")];
        commit(&mut ledger, &Commit { berichten: berichten.clone(), ..Commit::default() });
        let found = |ledger: &Ledger| -> Vec<Option<i64>> {
            berichten.iter().map(|b| ledger.bericht(&b.sleutel).expect("lookup").map(|(id, _)| id)).collect()
        };
        assert_eq!(found(&ledger), [Some(1), Some(2), Some(3), Some(4)]);

        ledger.delete_gemeente("0599").expect("deleted");
        assert_eq!(found(&ledger), [Some(1), Some(2), None, None]);
        let kept = std::collections::HashSet::from([2]);
        assert_eq!(ledger.retain_berichten("0363", &kept).expect("retained"), 1);
        assert_eq!(found(&ledger), [None, Some(2), None, None]);

        // Stored again under their keys, with new ids: the key table holds no stale rows.
        let again = vec![entry(5, "0363"), entry(6, "0599")];
        let again = again
            .into_iter()
            .zip([&berichten[0], &berichten[2]])
            .map(|(e, b)| BerichtEntry { sleutel: b.sleutel, ..e });
        commit(&mut ledger, &Commit { berichten: again.collect(), ..Commit::default() });
        assert_eq!(found(&ledger), [Some(5), Some(2), Some(6), None]);
    }

    #[test]
    fn the_committing_connection_has_a_smaller_page_cache_than_the_others() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ledger = Ledger::open(&dir.path().join("ledger.sqlite")).expect("ledger");
        let cache = |l: &Ledger| l.conn.query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0)).expect("cache size");
        assert_eq!(cache(&ledger), -65536);
        assert_eq!(cache(&ledger.reopen().expect("reader")), -65536);
        assert_eq!(cache(&ledger.reopen_for_commits().expect("committer")), -COMMITTER_CACHE_MIB * 1024);
    }

    #[test]
    fn the_months_held_are_those_the_message_keys_lead_with() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut ledger = Ledger::open(&dir.path().join("ledger.sqlite")).expect("ledger");
        assert_eq!(ledger.bericht_months().expect("months"), Vec::<u16>::new());
        let months = [0u16, 1484, 1484, 1485, 1500, u16::MAX];
        let berichten = months
            .iter()
            .enumerate()
            .map(|(i, &month)| BerichtEntry {
                sleutel: dated_key(month, undated_key(&format!("bericht {i}"))),
                id: i as i64 + 1,
                inhoud: [0; 32],
                gemeente: "0363".into(),
                jaar: 2024,
                levering: None,
            })
            .collect();
        commit(&mut ledger, &Commit { berichten, ..Commit::default() });
        assert_eq!(ledger.bericht_months().expect("months"), vec![0, 1484, 1485, 1500, u16::MAX]);
    }

    #[test]
    fn a_ledger_knows_whether_it_holds_undated_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ledger.sqlite");
        let mut fresh = Ledger::open(&path).expect("ledger");
        assert!(!fresh.undated_keys(), "a new ledger");
        commit(&mut fresh, &delivery([7; 16], 1, "0363"));
        drop(fresh);
        assert!(!Ledger::open(&path).expect("again").undated_keys(), "its rows are dated: recorded once");

        // A ledger with rows, opened for the first time by a version with dated keys.
        let older = dir.path().join("older.sqlite");
        let mut ledger = Ledger::open(&older).expect("ledger");
        commit(&mut ledger, &delivery([7; 16], 1, "0363"));
        ledger.conn.execute("DELETE FROM sleutelvorm", []).expect("as before dated keys");
        drop(ledger);
        assert!(Ledger::open(&older).expect("reopened").undated_keys());
        assert!(Ledger::open(&older).expect("and again").undated_keys());
    }
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    /// The two tables as the ledger stored them before the eighth session.
    const OLD: &str = "
    CREATE TABLE bericht (
        sleutel BLOB PRIMARY KEY, id INTEGER NOT NULL UNIQUE, inhoud BLOB NOT NULL,
        gemeente TEXT NOT NULL, jaar INTEGER NOT NULL, batch INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX bericht_gemeente ON bericht (gemeente);
    CREATE TABLE levering (
        sleutel BLOB PRIMARY KEY, bericht INTEGER NOT NULL, gemeente TEXT NOT NULL, batch INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX levering_gemeente ON levering (gemeente);
    INSERT INTO bericht VALUES (KEY2, 7, x'aa', '0363', 2023, 1), (KEY1, 8, x'bb', '0599', 2024, 1);
    INSERT INTO levering VALUES (KEYF2, 7, '0363', 1), (KEYF1, 8, '0599', 1), (KEYF3, 8, '0599', 2);
    ";

    /// The same rows as the ledger stored them until the fifteenth session: by id, with a
    /// unique index on the key.
    const KEY_INDEX: &str = "
    CREATE TABLE bericht (
        id INTEGER PRIMARY KEY, sleutel BLOB NOT NULL, inhoud BLOB NOT NULL, gemeente TEXT NOT NULL,
        jaar INTEGER NOT NULL, batch INTEGER NOT NULL, levering BLOB
    );
    CREATE TABLE levering (sleutel BLOB NOT NULL, bericht INTEGER NOT NULL, gemeente TEXT NOT NULL, batch INTEGER NOT NULL);
    CREATE UNIQUE INDEX bericht_sleutel ON bericht (sleutel);
    CREATE INDEX bericht_gemeente ON bericht (gemeente);
    CREATE UNIQUE INDEX levering_sleutel ON levering (sleutel);
    CREATE INDEX levering_gemeente ON levering (gemeente);
    INSERT INTO bericht VALUES (7, KEY2, x'aa', '0363', 2023, 1, NULL), (8, KEY1, x'bb', '0599', 2024, 1, NULL);
    INSERT INTO levering VALUES (KEYF2, 7, '0363', 1), (KEYF1, 8, '0599', 1), (KEYF3, 8, '0599', 2);
    ";

    fn key(byte: u8) -> Sleutel {
        [byte; 16]
    }

    fn old_ledger(path: &Path, schema: &str) {
        let mut sql = schema.to_owned();
        for byte in [0xf1u8, 0xf2, 0xf3, 1, 2] {
            let name = if byte > 0xf0 { format!("KEYF{}", byte - 0xf0) } else { format!("KEY{byte}") };
            sql = sql.replace(&name, &format!("x'{}'", crate::pseudonym::hex(&key(byte))));
        }
        Connection::open(path).expect("old ledger").execute_batch(&sql).expect("old layout");
    }

    fn indexes(ledger: &Ledger) -> Vec<String> {
        let mut stmt = ledger
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .expect("prepare");
        stmt.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("names")
    }

    fn lookups(ledger: &Ledger) -> (Option<(i64, Inhoud)>, bool, bool) {
        let found = ledger.bericht(&key(1)).expect("lookup");
        (found, ledger.has_levering(&key(0xf3)).expect("has"), ledger.has_levering(&key(0xf4)).expect("has"))
    }

    #[test]
    fn a_ledger_stored_by_hashed_key_is_upgraded_once_with_every_row() {
        upgraded_once_with_every_row(OLD, Layout::ByKey);
    }

    #[test]
    fn a_ledger_with_a_key_index_is_upgraded_once_with_every_row() {
        upgraded_once_with_every_row(KEY_INDEX, Layout::KeyIndex);
    }

    fn upgraded_once_with_every_row(schema: &str, old: Layout) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ledger.sqlite");
        old_ledger(&path, schema);

        let mut ledger = Ledger::open(&path).expect("opens in the old layout");
        assert_eq!(layout(&ledger.conn).expect("layout"), old);
        // The months of KEY1 and KEY2; message 8 (its one-byte content hash reads as zeros);
        // KEYF3 is a delivery, KEYF4 none.
        let before = (vec![0x0101, 0x0202], (Some((8, [0; 32])), true, false));

        assert!(ledger.upgrade().expect("upgrade"), "there was work");
        assert_eq!(layout(&ledger.conn).expect("layout"), Layout::KeyTable);
        assert!(!ledger.upgrade().expect("again"), "nothing the second time");
        assert_eq!((ledger.bericht_months().expect("months"), lookups(&ledger)), before, "the same answers");
        assert_eq!(
            indexes(&ledger),
            ["bericht_gemeente", "levering_gemeente", "levering_sleutel", "transportfout_gemeente"].map(String::from)
        );
        assert_eq!(ledger.counts().expect("counts")[..2], [2, 3], "every message and delivery kept");
        assert_eq!(ledger.max_bericht_id().expect("max"), 8);
        assert_eq!(ledger.count_berichten("0599").expect("count"), 1);
        let ids: Vec<i64> = ledger
            .conn
            .prepare("SELECT rowid FROM bericht ORDER BY rowid")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(ids, vec![7, 8], "stored by id, the rowid");
        // The identity stays unique in the new layout.
        let again = ledger.conn.execute("INSERT INTO berichtsleutel (sleutel, bericht) VALUES (?1, 9)", [&key(1)[..]]);
        assert!(again.is_err(), "a second row with the same sleutel is refused");
        // A fresh ledger is created in the new layout.
        let fresh = Ledger::open(&dir.path().join("fresh.sqlite")).expect("fresh");
        assert_eq!(layout(&fresh.conn).expect("layout"), Layout::KeyTable);
        assert_eq!(indexes(&fresh), indexes(&ledger));
    }
}
