//! The store's one SQLite database (`ketenzicht.sqlite`), opened alike by every crate that
//! keeps state in it: the ledger (`ketenzicht-store`), orders and consents
//! (`ketenzicht-governance`), accounts (`ketenzicht-accounts`) and the audit log
//! (`ketenzicht-audit`). Whichever of them opens a new store first creates the file, so each
//! opens it here, with the settings that must hold from the first write on.
//!
//! * **Pages of [`PAGE_SIZE`] bytes**, not SQLite's 4 KiB. Most of the database is the ingest
//!   ledger: a row and a key for every message (about 130 bytes each). With 16 KiB pages a
//!   batch's inserts touch and balance fewer pages and a lookup descends fewer levels: the
//!   ledger's writer took 0.25–0.3 s less of its 1.55 s in a regio ingest of 750,000
//!   messages, and the storing thread's lookups 0.1–0.4 s less (2026-12-06,
//!   `docs/performance.md`). The page size is fixed when the file is created; a store made
//!   with 4 KiB pages keeps them.
//! * **Write-ahead log**, so that readers (the web server, the storing thread's lookups) do
//!   not wait for a writer, and a writer not for them.
//! * **A busy timeout** of [`BUSY_TIMEOUT_MS`]: a second writer (an ingest beside the web
//!   server's audit log) waits for the first instead of failing.

use std::path::Path;

pub use rusqlite::{Connection, Error};

/// The page size of a new database, in bytes.
pub const PAGE_SIZE: u32 = 16 * 1024;

/// How long a connection waits for another's write lock, in milliseconds.
pub const BUSY_TIMEOUT_MS: u32 = 10_000;

/// Open (or create) the database at `path`: a new one with pages of [`PAGE_SIZE`] bytes, any
/// one with a write-ahead log and a busy timeout of [`BUSY_TIMEOUT_MS`].
pub fn open(path: &Path) -> Result<Connection, Error> {
    let conn = Connection::open(path)?;
    // The page size first: it only counts before the first write, and switching to a
    // write-ahead log writes.
    conn.execute_batch(&format!(
        "PRAGMA page_size = {PAGE_SIZE}; PRAGMA journal_mode = WAL; PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"
    ))?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(conn: &Connection) -> (u32, String, u32) {
        let page: u32 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).expect("page size");
        let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("journal mode");
        let busy: u32 = conn.query_row("PRAGMA busy_timeout", [], |r| r.get(0)).expect("busy timeout");
        (page, journal, busy)
    }

    #[test]
    fn a_new_database_gets_large_pages_a_log_and_a_timeout() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("ketenzicht.sqlite");
        let conn = open(&path).expect("created");
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").expect("written");
        assert_eq!(settings(&conn), (PAGE_SIZE, "wal".to_owned(), BUSY_TIMEOUT_MS));
        drop(conn);
        let again = open(&path).expect("opened again");
        assert_eq!(settings(&again), (PAGE_SIZE, "wal".to_owned(), BUSY_TIMEOUT_MS));
        let x: i64 = again.query_row("SELECT x FROM t", [], |r| r.get(0)).expect("the row");
        assert_eq!(x, 1);
    }

    #[test]
    fn a_database_made_with_small_pages_keeps_them_and_its_rows() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("ketenzicht.sqlite");
        let old = Connection::open(&path).expect("created");
        old.execute_batch("PRAGMA page_size = 4096; CREATE TABLE t (x); INSERT INTO t VALUES (7);").expect("old");
        drop(old);
        let conn = open(&path).expect("opened");
        assert_eq!(settings(&conn), (4096, "wal".to_owned(), BUSY_TIMEOUT_MS));
        let x: i64 = conn.query_row("SELECT x FROM t", [], |r| r.get(0)).expect("the row");
        assert_eq!(x, 7);
    }
}
