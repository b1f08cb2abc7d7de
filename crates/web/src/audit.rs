//! The server's audit writer: requests hand their entries to one thread that appends whatever
//! has arrived in one transaction (group commit) and then answers each request. A request that
//! shows client-level data waits for its entry to be durable; a view that cannot be recorded
//! is refused.

use std::sync::Arc;

use ketenzicht_audit::{Actie, AuditLog, Gebeurtenis};
use tokio::sync::{mpsc, oneshot};

use crate::error::WebError;

/// At most this many entries go in one transaction.
const BATCH: usize = 1024;

/// Under steady load, checkpoint the log after this many entries (some 25 MB of log).
const CHECKPOINT_AFTER: u64 = 50_000;

/// One entry on its way to the log.
#[derive(Debug)]
struct Pending {
    actor: String,
    scope: String,
    actie: Actie,
    object: String,
    detail: serde_json::Value,
    done: oneshot::Sender<Result<(), String>>,
}

/// The sending side, held in the state.
#[derive(Debug, Clone)]
pub struct AuditWriter {
    tx: mpsc::UnboundedSender<Pending>,
}

impl AuditWriter {
    /// Start the writer thread on `log`; `now` gives the time of each batch.
    pub fn start(log: Arc<AuditLog>, now: fn() -> chrono::NaiveDateTime) -> std::io::Result<AuditWriter> {
        let (tx, mut rx) = mpsc::unbounded_channel::<Pending>();
        // Checkpoints run beside the appends: in a quiet second, or after many entries. A
        // checkpoint syncs the database file, which slows the appends' syncs while it runs, so
        // under load it happens every CHECKPOINT_AFTER entries, not every second.
        let checkpointer = log.defer_checkpoints().map_err(std::io::Error::other)?;
        let weak = Arc::downgrade(&log);
        std::thread::Builder::new().name("auditcheckpoint".into()).spawn(move || {
            let (mut seen, mut checkpointed) = (0, 0);
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
                let Some(appended) = weak.upgrade().map(|log| log.appended()) else { return };
                let waiting = appended - checkpointed;
                if waiting > 0 && (appended == seen || waiting >= CHECKPOINT_AFTER) {
                    match checkpointer.run() {
                        Ok(()) => checkpointed = appended,
                        Err(e) => tracing::warn!(error = %e, "audit log checkpoint failed"),
                    }
                }
                seen = appended;
            }
        })?;
        std::thread::Builder::new().name("auditlog".into()).spawn(move || {
            while let Some(first) = rx.blocking_recv() {
                let mut batch = vec![first];
                while batch.len() < BATCH {
                    match rx.try_recv() {
                        Ok(p) => batch.push(p),
                        Err(_) => break,
                    }
                }
                let entries: Vec<Gebeurtenis<'_>> = batch
                    .iter()
                    .map(|p| Gebeurtenis {
                        actor: &p.actor,
                        scope: &p.scope,
                        actie: p.actie,
                        object: &p.object,
                        detail: p.detail.clone(),
                    })
                    .collect();
                let result = log.append_many(&entries, now()).map(|_| ()).map_err(|e| e.to_string());
                if let Err(e) = &result {
                    tracing::error!(error = %e, entries = batch.len(), "audit log append failed");
                }
                for p in batch {
                    let _ = p.done.send(result.clone());
                }
            }
        })?;
        Ok(AuditWriter { tx })
    }

    /// Append one entry and wait until it is committed.
    pub async fn append(
        &self,
        actor: &str,
        scope: &[String],
        actie: Actie,
        object: &str,
        detail: serde_json::Value,
    ) -> Result<(), WebError> {
        let (done, answer) = oneshot::channel();
        let scope = if scope.is_empty() { "-".to_owned() } else { scope.join(",") };
        self.tx
            .send(Pending { actor: actor.to_owned(), scope, actie, object: object.to_owned(), detail, done })
            .map_err(|_| WebError::internal("the audit writer stopped"))?;
        answer
            .await
            .map_err(|_| WebError::internal("the audit writer stopped"))?
            .map_err(|e| WebError::internal(format!("audit log: {e}")))
    }
}
