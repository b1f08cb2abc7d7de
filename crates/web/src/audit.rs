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
