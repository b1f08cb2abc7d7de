//! The HTTP intake: `POST /api/v1/aanleveringen` with an intake token (`Bearer kza_…`) takes
//! one message (bare or in its StUF-GGk envelope, `application/xml`) or an archive of them
//! (`application/gzip`), streams it into the store's inbox and answers 202 once it is durable.
//! A worker thread ingests what waits as the store's writer, exactly as `ketenzicht ingest`
//! does (orders, quarantine, exactly once), rebuilds the Ketendata it touched, and records
//! the outcome, which `GET /api/v1/aanleveringen/{id}` reports. While another process writes
//! the store, the worker waits. Intake tokens read nothing; sessions and API tokens deliver
//! nothing.

use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use ketenzicht_ingest::inbox::{Status, Vorm, outcome};
use serde_json::json;
use tokio::io::AsyncWriteExt;

use crate::error::{ApiError, WebError};
use crate::state::{AppState, Inner};

/// The largest message delivery: a 25 MB message in a base64 envelope, with room.
pub const MAX_XML: u64 = 48 * 1024 * 1024;

/// The largest archive, unless `KETENZICHT_AANLEVERING_MAX_MB` says otherwise.
pub const MAX_ARCHIEF_MB: u64 = 1024;

/// How often the worker looks in the inbox without being woken.
const POLL: Duration = Duration::from_secs(30);

fn max_archief() -> u64 {
    std::env::var("KETENZICHT_AANLEVERING_MAX_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(MAX_ARCHIEF_MB)
        * 1024
        * 1024
}

/// The name of the intake token in the request, or 401.
fn token_name(state: &AppState, headers: &HeaderMap) -> Result<String, WebError> {
    let token = crate::scope::bearer(headers).ok_or(WebError::Unauthorized)?;
    let accounts = state.accounts.lock().map_err(|_| WebError::internal("accounts lock"))?;
    accounts.aanlevertoken(token.trim()).map_err(WebError::internal)?.ok_or(WebError::Unauthorized)
}

fn vorm(headers: &HeaderMap) -> Result<Vorm, WebError> {
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let essence = kind.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/xml" | "text/xml" => Ok(Vorm::Xml),
        "application/gzip" | "application/x-gzip" | "application/x-tar+gzip" => Ok(Vorm::Archief),
        other => Err(WebError::UnsupportedMediaType(format!(
            "Content-Type {other:?}: lever application/xml (één bericht, ook in een StUF-GGk-envelop) of application/gzip (een .tar.gz-archief)"
        ))),
    }
}

/// A new delivery id: the time of receipt and 64 random bits.
fn new_id(state: &AppState) -> Result<String, WebError> {
    Ok(format!("{}-{}", state.now().format("%Y%m%dT%H%M%S"), crate::auth::random_hex(8)?))
}

/// `POST /api/v1/aanleveringen`.
pub async fn deliver(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let afzender = token_name(&state, &headers)?;
    let vorm = vorm(&headers)?;
    let max = if vorm == Vorm::Xml { MAX_XML } else { max_archief() };
    let announced = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    if announced.is_some_and(|n: u64| n > max) {
        return Err(WebError::TooLarge(format!("{} bytes; hoogstens {max}", announced.unwrap_or_default())).into());
    }
    let id = new_id(&state)?;
    let part = state.inbox.part_path(&id, vorm).map_err(WebError::internal)?;
    let received = receive(&part, body, max).await;
    let bytes = match received {
        Ok(0) => {
            state.inbox.discard(&id, vorm);
            return Err(WebError::BadRequest("lege aanlevering".into()).into());
        }
        Ok(n) => n,
        Err(e) => {
            state.inbox.discard(&id, vorm);
            return Err(e.into());
        }
    };
    let inbox = state.inbox.clone();
    let accept_id = id.clone();
    tokio::task::spawn_blocking(move || inbox.accept(&accept_id, vorm))
        .await
        .map_err(WebError::internal)?
        .map_err(WebError::internal)?;
    let detail = json!({"bytes": bytes, "vorm": if vorm == Vorm::Xml { "xml" } else { "archief" }});
    state.audit(&format!("aanlevertoken:{afzender}"), &[], ketenzicht_audit::Actie::Aanlevering, &id, detail).await?;
    state.wake_intake();
    let status = format!("/api/v1/aanleveringen/{id}");
    let body = json!({"id": id, "status": "wacht", "bytes": bytes, "volg": status});
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, status)], Json(body)).into_response())
}

/// Stream the body into `part`, refusing more than `max` bytes.
async fn receive(part: &std::path::Path, body: Body, max: u64) -> Result<u64, WebError> {
    let mut file = tokio::fs::File::create(part).await.map_err(WebError::internal)?;
    let mut body = body;
    let mut written = 0u64;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| WebError::BadRequest(format!("de aanlevering brak af: {e}")))?;
        if let Ok(chunk) = frame.into_data() {
            written += chunk.len() as u64;
            if written > max {
                return Err(WebError::TooLarge(format!("meer dan {max} bytes")));
            }
            file.write_all(&chunk).await.map_err(WebError::internal)?;
        }
    }
    file.flush().await.map_err(WebError::internal)?;
    Ok(written)
}

/// `GET /api/v1/aanleveringen/{id}`: waiting, or the outcome.
pub async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    token_name(&state, &headers)?;
    match state.inbox.status(&id).map_err(WebError::internal)? {
        Some(Status::Wacht) => Ok(Json(json!({"id": id, "status": "wacht"}))),
        Some(Status::Verwerkt(outcome)) => Ok(Json(outcome)),
        None => Err(WebError::NotFound.into()),
    }
}

/// Start the worker: it ingests what waits whenever a delivery is accepted, and every
/// [`POLL`] (deliveries accepted before a restart, or postponed while another process
/// wrote the store). It stops with the state.
pub fn start_worker(state: &AppState, wake: Receiver<()>) -> std::io::Result<()> {
    let weak: Weak<Inner> = Arc::downgrade(state.inner());
    std::thread::Builder::new().name("aanlevering".into()).spawn(move || {
        let mut first = true;
        loop {
            if !first && let Err(RecvTimeoutError::Disconnected) = wake.recv_timeout(POLL) {
                return;
            }
            first = false;
            let Some(inner) = weak.upgrade() else { return };
            if let Err(e) = work(&AppState::from_inner(inner)) {
                tracing::error!(error = %e, "intake run failed; the deliveries wait for the next one");
            }
        }
    })?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
enum IntakeError {
    #[error(transparent)]
    Ingest(#[from] ketenzicht_ingest::IngestError),
    #[error(transparent)]
    Store(#[from] ketenzicht_store::StoreError),
    #[error(transparent)]
    Ketendata(#[from] ketenzicht_ketendata::KetendataError),
    #[error(transparent)]
    Governance(#[from] ketenzicht_governance::GovernanceError),
    #[error("the orders register is locked by a failed thread")]
    Poisoned,
}

/// Ingest every waiting delivery, oldest first, then rebuild the Ketendata it touched.
fn work(state: &AppState) -> Result<(), IntakeError> {
    let pending = state.inbox.pending()?;
    if pending.is_empty() {
        return Ok(());
    }
    let toelating = {
        let governance = state.governance.lock().map_err(|_| IntakeError::Poisoned)?;
        governance.toelating(state.now().date())?
    };
    // A delivery is reported done once its data is in Ketendata; a crash before that ingests
    // it again, and its outcome then counts its messages as already stored (`al_bekend`).
    let ran = state.with_writer(|store| -> Result<(), IntakeError> {
        let mut done = Vec::with_capacity(pending.len());
        for (id, path) in &pending {
            let options = ketenzicht_ingest::Options { toelating: toelating.clone(), ..Default::default() };
            let summary = ketenzicht_ingest::ingest(store, std::slice::from_ref(path), options, &|_| {})?;
            tracing::info!(id, nieuw = summary.nieuw, quarantaine = summary.quarantaine, "delivery ingested");
            done.push((id, path, summary));
        }
        let verouderd = store.ledger.verouderd()?;
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        ketenzicht_ketendata::build_many(store, &verouderd, threads, &mut |_, _| {})?;
        let verwerkt = state.now().format("%Y-%m-%dT%H:%M:%S").to_string();
        for (id, path, summary) in done {
            state.inbox.finish(id, path, &outcome(id, &verwerkt, &summary))?;
        }
        Ok(())
    })?;
    match ran {
        Some(result) => result,
        None => {
            tracing::info!(waiting = pending.len(), "intake postponed: another process writes the store");
            Ok(())
        }
    }
}

/// The sending side of the worker's wake-up: one pending wake-up is enough.
pub fn wake(sender: &SyncSender<()>) {
    let _ = sender.try_send(());
}
