//! The inbox of the HTTP intake: a delivery is written to `inbox/{id}.{xml|tar.gz}.deel`,
//! synced and renamed to its final name before the sender hears "accepted", so an accepted
//! delivery survives a crash. A worker ingests what waits, oldest first, writes the outcome
//! to `inbox/verwerkt/{id}.json` and only then removes the delivery. A crash in between
//! ingests it again, which changes nothing (exactly once is the ledger's job).

use std::fs::File;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::{IngestError, Summary};

/// What a delivery holds, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vorm {
    /// One message, bare or in its StUF-GGk envelope.
    Xml,
    /// A gzip-compressed tar archive of messages.
    Archief,
}

impl Vorm {
    fn extension(self) -> &'static str {
        match self {
            Vorm::Xml => "xml",
            Vorm::Archief => "tar.gz",
        }
    }
}

const PART: &str = ".deel";

/// Where a delivery stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Accepted and waiting for the worker.
    Wacht,
    /// Ingested, with its outcome.
    Verwerkt(serde_json::Value),
}

/// The inbox directory of a store.
#[derive(Debug, Clone)]
pub struct Inbox {
    dir: PathBuf,
}

/// A delivery id: `yyyymmddThhmmss-` and 16 hex digits, so that ids sort by time and never
/// name anything outside the inbox.
pub fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 32
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'T'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'-'
        && b[16..].iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
}

impl Inbox {
    /// The inbox of the store at `store_root`, created when missing. Parts of deliveries that
    /// were being received when the previous server stopped are removed: their senders never
    /// heard "accepted".
    pub fn open(store_root: &Path) -> Result<Inbox, IngestError> {
        let dir = store_root.join("inbox");
        let done = dir.join("verwerkt");
        std::fs::create_dir_all(&done).map_err(IngestError::io(&done))?;
        for path in ketenzicht_store::read_dir_sorted(&dir)? {
            if path.to_string_lossy().ends_with(PART) {
                std::fs::remove_file(&path).map_err(IngestError::io(&path))?;
            }
        }
        Ok(Inbox { dir })
    }

    fn path(&self, id: &str, vorm: Vorm) -> PathBuf {
        self.dir.join(format!("{id}.{}", vorm.extension()))
    }

    /// Where a delivery is written while it arrives.
    pub fn part_path(&self, id: &str, vorm: Vorm) -> Result<PathBuf, IngestError> {
        if !valid_id(id) {
            return Err(IngestError::DeliveryId(id.to_owned()));
        }
        let mut p = self.path(id, vorm).into_os_string();
        p.push(PART);
        Ok(PathBuf::from(p))
    }

    /// Accept a delivery whose bytes are complete in its part file: synced, renamed, the
    /// directory synced.
    pub fn accept(&self, id: &str, vorm: Vorm) -> Result<(), IngestError> {
        let part = self.part_path(id, vorm)?;
        File::open(&part).and_then(|f| f.sync_all()).map_err(IngestError::io(&part))?;
        let path = self.path(id, vorm);
        std::fs::rename(&part, &path).map_err(IngestError::io(&path))?;
        File::open(&self.dir).and_then(|d| d.sync_all()).map_err(IngestError::io(&self.dir))
    }

    /// Drop a delivery that was not accepted (too large, the connection broke).
    pub fn discard(&self, id: &str, vorm: Vorm) {
        if let Ok(part) = self.part_path(id, vorm) {
            let _ = std::fs::remove_file(part);
        }
    }

    /// The deliveries waiting, oldest first.
    pub fn pending(&self) -> Result<Vec<(String, PathBuf)>, IngestError> {
        let mut out = Vec::new();
        for path in ketenzicht_store::read_dir_sorted(&self.dir)? {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
            let id = name.strip_suffix(".xml").or_else(|| name.strip_suffix(".tar.gz"));
            if let Some(id) = id.filter(|id| valid_id(id)) {
                out.push((id.to_owned(), path));
            }
        }
        Ok(out)
    }

    /// Record the outcome of a delivery, then remove it.
    pub fn finish(&self, id: &str, path: &Path, outcome: &serde_json::Value) -> Result<(), IngestError> {
        let done = self.dir.join("verwerkt").join(format!("{id}.json"));
        ketenzicht_store::write_bytes_atomic(&done, outcome.to_string().as_bytes())?;
        std::fs::remove_file(path).map_err(IngestError::io(path))
    }

    /// The outcomes of the last `n` deliveries processed, newest first.
    pub fn recent(&self, n: usize) -> Result<Vec<serde_json::Value>, IngestError> {
        let done = self.dir.join("verwerkt");
        let mut out = Vec::new();
        for path in ketenzicht_store::read_dir_sorted(&done)?.into_iter().rev() {
            if out.len() >= n {
                break;
            }
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).map_err(IngestError::io(&path))?;
                out.extend(serde_json::from_str::<serde_json::Value>(&text).ok());
            }
        }
        Ok(out)
    }

    /// Where a delivery stands; `None` for an id the inbox never accepted.
    pub fn status(&self, id: &str) -> Result<Option<Status>, IngestError> {
        if !valid_id(id) {
            return Ok(None);
        }
        let done = self.dir.join("verwerkt").join(format!("{id}.json"));
        if done.exists() {
            let text = std::fs::read_to_string(&done).map_err(IngestError::io(&done))?;
            let value = serde_json::from_str(&text).map_err(|e| IngestError::Io {
                path: done.clone(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
            })?;
            return Ok(Some(Status::Verwerkt(value)));
        }
        let waiting = [Vorm::Xml, Vorm::Archief].into_iter().any(|v| self.path(id, v).exists());
        Ok(waiting.then_some(Status::Wacht))
    }
}

/// The outcome of one delivery, as the intake reports it.
pub fn outcome(id: &str, verwerkt: &str, s: &Summary) -> serde_json::Value {
    json!({
        "id": id,
        "status": "verwerkt",
        "verwerkt": verwerkt,
        "berichten": s.deliveries,
        "nieuw": s.nieuw,
        "per_type": s.per_type,
        "dubbel": s.dubbel,
        "al_bekend": s.al_bekend,
        "conflicten": s.conflicten,
        "quarantaine": s.quarantaine,
        "transport_afgewezen": s.transport_afgewezen,
        "fo01": s.fo01,
        "zonder_opdracht": s.zonder_opdracht,
        "gemeenten": s.gemeenten,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "20261129T003000-0123456789abcdef";

    #[test]
    fn ids_name_nothing_outside_the_inbox() {
        assert!(valid_id(ID));
        for bad in ["../../etc/passwd", "20261129T003000-0123456789abcdeF", "20261129T003000/0123456789abcdef", ""] {
            assert!(!valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn a_delivery_waits_until_finished_and_parts_do_not_survive_a_restart() {
        let store = tempfile::tempdir().expect("tempdir");
        let inbox = Inbox::open(store.path()).expect("inbox");
        assert_eq!(inbox.status(ID).expect("status"), None);
        std::fs::write(inbox.part_path(ID, Vorm::Xml).expect("part"), b"<x/>").expect("write");
        assert_eq!(inbox.status(ID).expect("status"), None, "a part is not accepted yet");
        assert!(inbox.pending().expect("pending").is_empty());
        inbox.accept(ID, Vorm::Xml).expect("accept");
        assert_eq!(inbox.status(ID).expect("status"), Some(Status::Wacht));
        let pending = inbox.pending().expect("pending");
        assert_eq!(pending.len(), 1);
        inbox.finish(ID, &pending[0].1, &json!({"nieuw": 1})).expect("finish");
        assert_eq!(inbox.status(ID).expect("status"), Some(Status::Verwerkt(json!({"nieuw": 1}))));
        assert!(inbox.pending().expect("pending").is_empty());

        let other = "20261129T003001-0123456789abcdef";
        std::fs::write(inbox.part_path(other, Vorm::Archief).expect("part"), b"half").expect("write");
        let inbox = Inbox::open(store.path()).expect("reopen");
        assert!(!inbox.part_path(other, Vorm::Archief).expect("part").exists());
    }
}
