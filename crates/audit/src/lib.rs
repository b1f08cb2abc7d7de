//! The audit log: who did what, in which scope, and when. Every login (and failed login), every
//! view of client-level data, every export, and every change to orders, consents and every
//! deletion is one entry. Entries hold no client data: an object is a gemeentecode, a
//! product, a request or an endpoint, never a BSN, pseudonym or ToewijzingNummer.
//!
//! The log is append-only and chained: each entry's `hash` is HMAC-SHA256, under the audit
//! key, over the previous entry's hash and the entry's own fields. Changing an entry breaks
//! its hash; removing or inserting one breaks the sequence and the chain; removing the last
//! entries is caught by the head file (`audit.kop`: the sequence number and hash of the last
//! entry, written with every append). Without the key, a rewritten chain cannot be made to
//! verify. The key is `sleutels/audit.sleutel` unless `KETENZICHT_AUDIT_SLEUTEL` gives one;
//! keep it away from those who can write the database.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDateTime;
use hmac::{Hmac, KeyInit, Mac};
use rusqlite::{Connection, TransactionBehavior, params};
use sha2::Sha256;

/// The environment variable that may hold the audit key (64 hex digits).
pub const KEY_ENV: &str = "KETENZICHT_AUDIT_SLEUTEL";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("audit log {}: {source}", path.display())]
    Sql { path: PathBuf, source: rusqlite::Error },
    #[error("audit {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("audit key: {0}")]
    Key(String),
}

/// What happened: the kinds of entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actie {
    Inloggen,
    InloggenMislukt,
    Uitloggen,
    /// A view of client-level data (items, a traject).
    Bekijken,
    Export,
    Opdracht,
    Toestemming,
    Onderzoek,
    Verwijdering,
    Retentie,
    Account,
    /// Traffic delivered through the HTTP intake.
    Aanlevering,
}

impl Actie {
    pub fn as_str(self) -> &'static str {
        match self {
            Actie::Inloggen => "inloggen",
            Actie::InloggenMislukt => "inloggen-mislukt",
            Actie::Uitloggen => "uitloggen",
            Actie::Bekijken => "bekijken",
            Actie::Export => "export",
            Actie::Opdracht => "opdracht",
            Actie::Toestemming => "toestemming",
            Actie::Onderzoek => "onderzoek",
            Actie::Verwijdering => "verwijdering",
            Actie::Retentie => "retentie",
            Actie::Account => "account",
            Actie::Aanlevering => "aanlevering",
        }
    }
}

/// One entry to append.
#[derive(Debug, Clone)]
pub struct Gebeurtenis<'a> {
    /// The account, `cli:<user>`, or `systeem`.
    pub actor: &'a str,
    /// The gemeenten the actor could see (comma separated), or `-`.
    pub scope: &'a str,
    pub actie: Actie,
    /// What it concerned: an endpoint, a gemeente, an order, a request.
    pub object: &'a str,
    /// More, as JSON; never client data.
    pub detail: serde_json::Value,
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub tijdstip: String,
    pub actor: String,
    pub scope: String,
    pub actie: String,
    pub object: String,
    pub detail: String,
    pub vorige: String,
    pub hash: String,
}

impl Entry {
    /// The entry as a JSON object (for exports).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "seq": self.seq, "tijdstip": self.tijdstip, "actor": self.actor, "scope": self.scope,
            "actie": self.actie, "object": self.object,
            "detail": serde_json::from_str::<serde_json::Value>(&self.detail).unwrap_or(serde_json::Value::Null),
            "vorige": self.vorige, "hash": self.hash,
        })
    }
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub entries: i64,
    /// Empty when the chain is intact.
    pub problems: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    tijdstip TEXT NOT NULL,
    actor TEXT NOT NULL,
    scope TEXT NOT NULL,
    actie TEXT NOT NULL,
    object TEXT NOT NULL,
    detail TEXT NOT NULL,
    vorige TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_geen_wijziging BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_geen_verwijdering BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

/// The audit log of one store.
#[derive(Debug)]
pub struct AuditLog {
    conn: Mutex<Connection>,
    path: PathBuf,
    head: PathBuf,
    key: Vec<u8>,
    appended: AtomicU64,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

fn load_key(store: &Path) -> Result<Vec<u8>, AuditError> {
    if let Ok(text) = std::env::var(KEY_ENV) {
        return unhex(text.trim())
            .filter(|k| k.len() >= 16)
            .ok_or_else(|| AuditError::Key(format!("{KEY_ENV} must hold at least 32 hex digits")));
    }
    let path = store.join("sleutels").join("audit.sleutel");
    let io = |source| AuditError::Io { path: path.clone(), source };
    if path.exists() {
        let text = std::fs::read_to_string(&path).map_err(io)?;
        return unhex(text.trim())
            .filter(|k| k.len() >= 16)
            .ok_or_else(|| AuditError::Key(format!("{} does not hold a hex key", path.display())));
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| AuditError::Key(format!("no randomness for a new key: {e}")))?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(&path, hex(&key)).map_err(io)?;
    Ok(key.to_vec())
}

/// Copies the write-ahead log back into the database without blocking appends (a passive
/// checkpoint on a connection of its own); see [`AuditLog::defer_checkpoints`].
#[derive(Debug)]
pub struct Checkpointer {
    conn: Connection,
    path: PathBuf,
}

impl Checkpointer {
    /// One passive checkpoint: the frames committed so far, as far as readers allow.
    pub fn run(&self) -> Result<(), AuditError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(|source| AuditError::Sql { path: self.path.clone(), source })
    }
}

impl AuditLog {
    /// Open the audit log in the SQLite file `{store}/ketenzicht.sqlite`.
    pub fn open(store: &Path) -> Result<Self, AuditError> {
        std::fs::create_dir_all(store).map_err(|e| AuditError::Io { path: store.to_owned(), source: e })?;
        let path = store.join("ketenzicht.sqlite");
        let sql = |source| AuditError::Sql { path: path.clone(), source };
        let conn = ketenzicht_sqlite::open(&path).map_err(sql)?;
        conn.execute_batch("PRAGMA synchronous = FULL;").map_err(sql)?;
        conn.execute_batch(SCHEMA).map_err(sql)?;
        let key = load_key(store)?;
        Ok(AuditLog { conn: Mutex::new(conn), head: store.join("audit.kop"), path, key, appended: AtomicU64::new(0) })
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> AuditError + '_ {
        |source| AuditError::Sql { path: self.path.clone(), source }
    }

    /// How many entries this handle has appended since it was opened.
    pub fn appended(&self) -> u64 {
        self.appended.load(Ordering::Relaxed)
    }

    /// Leave checkpoints of the write-ahead log to a [`Checkpointer`] on another thread, so
    /// that an append never waits for pages to be copied back into the database (a server
    /// appending thousands of entries a second would otherwise stall every few seconds).
    pub fn defer_checkpoints(&self) -> Result<Checkpointer, AuditError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute_batch("PRAGMA wal_autocheckpoint = 0;").map_err(self.sql())?;
        let own = ketenzicht_sqlite::open(&self.path).map_err(self.sql())?;
        Ok(Checkpointer { conn: own, path: self.path.clone() })
    }

    fn mac(&self, vorige: &str, e: &Entry) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        for field in [vorige, &e.seq.to_string(), &e.tijdstip, &e.actor, &e.scope, &e.actie, &e.object, &e.detail] {
            mac.update(&(field.len() as u64).to_le_bytes());
            mac.update(field.as_bytes());
        }
        hex(&mac.finalize().into_bytes())
    }

    /// Append one entry at `nu`; returns its sequence number.
    pub fn append(&self, g: &Gebeurtenis<'_>, nu: NaiveDateTime) -> Result<i64, AuditError> {
        Ok(self.append_many(std::slice::from_ref(g), nu)?.first().copied().unwrap_or_default())
    }

    /// Append entries at `nu` in one transaction (one sync of the database and one of the head
    /// file for all of them: a server records many views a second this way); returns their
    /// sequence numbers.
    pub fn append_many(&self, entries: &[Gebeurtenis<'_>], nu: NaiveDateTime) -> Result<Vec<i64>, AuditError> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(self.sql())?;
        let (mut seq, mut vorige): (i64, String) = tx
            .query_row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok((0, GENESIS.to_owned())),
                e => Err(e),
            })
            .map_err(self.sql())?;
        let tijdstip = nu.format("%Y-%m-%dT%H:%M:%S").to_string();
        let mut out = Vec::with_capacity(entries.len());
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO audit (seq, tijdstip, actor, scope, actie, object, detail, vorige, hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(self.sql())?;
            for g in entries {
                let mut entry = Entry {
                    seq: seq + 1,
                    tijdstip: tijdstip.clone(),
                    actor: g.actor.to_owned(),
                    scope: g.scope.to_owned(),
                    actie: g.actie.as_str().to_owned(),
                    object: g.object.to_owned(),
                    detail: g.detail.to_string(),
                    vorige: vorige.clone(),
                    hash: String::new(),
                };
                entry.hash = self.mac(&vorige, &entry);
                insert
                    .execute(params![
                        entry.seq,
                        entry.tijdstip,
                        entry.actor,
                        entry.scope,
                        entry.actie,
                        entry.object,
                        entry.detail,
                        entry.vorige,
                        entry.hash
                    ])
                    .map_err(self.sql())?;
                seq = entry.seq;
                vorige = entry.hash;
                out.push(seq);
            }
        }
        if !entries.is_empty() {
            // Written while the write lock is held, so concurrent appenders cannot reorder heads.
            self.write_head(seq, &vorige)?;
        }
        tx.commit().map_err(self.sql())?;
        self.appended.fetch_add(out.len() as u64, Ordering::Relaxed);
        Ok(out)
    }

    fn write_head(&self, seq: i64, hash: &str) -> Result<(), AuditError> {
        let io = |source| AuditError::Io { path: self.head.clone(), source };
        let tmp = self.head.with_extension("kop.tmp");
        let mut file = std::fs::File::create(&tmp).map_err(io)?;
        std::io::Write::write_all(&mut file, format!("{seq} {hash}\n").as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&tmp, &self.head).map_err(io)
    }

    /// Entries in order, optionally only those from `van` (a date or time prefix) and of one actie.
    pub fn list(&self, van: Option<&str>, actie: Option<&str>, limit: usize) -> Result<Vec<Entry>, AuditError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let mut stmt = conn
            .prepare(
                "SELECT seq, tijdstip, actor, scope, actie, object, detail, vorige, hash FROM audit
                 WHERE (?1 IS NULL OR tijdstip >= ?1) AND (?2 IS NULL OR actie = ?2)
                 ORDER BY seq DESC LIMIT ?3",
            )
            .map_err(self.sql())?;
        let mut rows = stmt
            .query_map(params![van, actie, limit as i64], row_entry)
            .map_err(self.sql())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql())?;
        rows.reverse();
        Ok(rows)
    }

    /// Walk the whole chain and compare its end with the head file.
    pub fn verify(&self) -> Result<Verification, AuditError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let mut stmt = conn
            .prepare("SELECT seq, tijdstip, actor, scope, actie, object, detail, vorige, hash FROM audit ORDER BY seq")
            .map_err(self.sql())?;
        let mut problems = Vec::new();
        let (mut expected_seq, mut vorige, mut entries) = (1i64, GENESIS.to_owned(), 0i64);
        let rows = stmt.query_map([], row_entry).map_err(self.sql())?;
        for row in rows {
            let e = row.map_err(self.sql())?;
            entries += 1;
            if e.seq != expected_seq {
                problems.push(format!("entry {expected_seq} is missing (the next is {})", e.seq));
            }
            if e.vorige != vorige {
                problems.push(format!("entry {}: does not follow the hash of the entry before it", e.seq));
            }
            if self.mac(&e.vorige, &e) != e.hash {
                problems.push(format!("entry {}: its content does not match its hash (changed)", e.seq));
            }
            expected_seq = e.seq + 1;
            vorige = e.hash;
        }
        let last = (expected_seq - 1, vorige);
        match std::fs::read_to_string(&self.head) {
            Ok(text) => {
                let mut parts = text.split_whitespace();
                let seq = parts.next().and_then(|s| s.parse::<i64>().ok());
                let hash = parts.next().unwrap_or_default();
                if seq != Some(last.0) || hash != last.1 {
                    problems.push(format!(
                        "the head file names entry {} but the log ends at entry {}: entries at the end were removed or added",
                        seq.unwrap_or(-1),
                        last.0
                    ));
                }
            }
            Err(_) if entries == 0 => {}
            Err(e) => problems.push(format!("head file {}: {e}", self.head.display())),
        }
        Ok(Verification { entries, problems })
    }
}

fn row_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        seq: r.get(0)?,
        tijdstip: r.get(1)?,
        actor: r.get(2)?,
        scope: r.get(3)?,
        actie: r.get(4)?,
        object: r.get(5)?,
        detail: r.get(6)?,
        vorige: r.get(7)?,
        hash: r.get(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 28).and_then(|d| d.and_hms_opt(h, 0, 0)).expect("time")
    }

    fn log_of_three(dir: &Path) -> AuditLog {
        let log = AuditLog::open(dir).expect("open");
        for (i, object) in ["0363", "0518", "0599"].into_iter().enumerate() {
            let g = Gebeurtenis {
                actor: "beheer",
                scope: "-",
                actie: Actie::Opdracht,
                object,
                detail: serde_json::json!({"product": "ketendata-ijw"}),
            };
            assert_eq!(log.append(&g, at(i as u32 + 1)).expect("append"), i as i64 + 1);
        }
        log
    }

    /// Tampering as someone who can write the database: drop the triggers first.
    fn tamper(dir: &Path, sql: &str) {
        let conn = Connection::open(dir.join("ketenzicht.sqlite")).expect("open");
        conn.execute_batch(&format!("DROP TRIGGER audit_geen_wijziging; DROP TRIGGER audit_geen_verwijdering; {sql}"))
            .expect("tamper");
    }

    #[test]
    fn an_intact_log_verifies_and_updates_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = log_of_three(dir.path());
        let v = log.verify().expect("verify");
        assert!(v.ok(), "{:?}", v.problems);
        assert_eq!(v.entries, 3);
        let conn = Connection::open(dir.path().join("ketenzicht.sqlite")).expect("open");
        assert!(conn.execute("UPDATE audit SET actor = 'x'", []).is_err());
        assert!(conn.execute("DELETE FROM audit", []).is_err());
        assert_eq!(
            log.list(None, Some("opdracht"), 2).expect("list").iter().map(|e| e.seq).collect::<Vec<_>>(),
            [2, 3]
        );
    }

    #[test]
    fn entries_appended_together_chain_like_single_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = log_of_three(dir.path());
        let g = |object| Gebeurtenis {
            actor: "a",
            scope: "0363",
            actie: Actie::Bekijken,
            object,
            detail: serde_json::json!({}),
        };
        assert_eq!(log.append_many(&[g("/x"), g("/y")], at(5)).expect("many"), [4, 5]);
        let v = log.verify().expect("verify");
        assert!(v.ok(), "{:?}", v.problems);
        assert_eq!(v.entries, 5);
    }

    #[test]
    fn a_changed_entry_shows() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = log_of_three(dir.path());
        tamper(dir.path(), "UPDATE audit SET object = '0000' WHERE seq = 2");
        let v = log.verify().expect("verify");
        assert!(v.problems.iter().any(|p| p.contains("entry 2") && p.contains("changed")), "{:?}", v.problems);
    }

    #[test]
    fn a_removed_entry_shows_in_the_middle_and_at_the_end() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = log_of_three(dir.path());
        tamper(dir.path(), "DELETE FROM audit WHERE seq = 2");
        let v = log.verify().expect("verify");
        assert!(v.problems.iter().any(|p| p.contains("entry 2 is missing")), "{:?}", v.problems);

        let dir = tempfile::tempdir().expect("tempdir");
        let log = log_of_three(dir.path());
        tamper(dir.path(), "DELETE FROM audit WHERE seq = 3");
        let v = log.verify().expect("verify");
        assert!(v.problems.iter().any(|p| p.contains("head file")), "{:?}", v.problems);
    }

    #[test]
    fn a_rewritten_chain_without_the_key_does_not_verify() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = log_of_three(dir.path());
        // A forger recomputes plain SHA-256 hashes: the keyed check still fails.
        tamper(dir.path(), "UPDATE audit SET actor = 'iemand' WHERE seq = 1");
        assert!(!log.verify().expect("verify").ok());
    }
}
