//! Reading for a request, off the async threads: indicators through the scope, and the
//! timeline of one traject from Ketendata.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use tokio::sync::OnceCell;

use ketenzicht_indicators::{Options, Report};
use ketenzicht_store::{Table, Value};
use serde_json::{Map, json};

use crate::error::WebError;
use crate::state::{AppState, Snapshot};

/// The key of a computation in the cache: everything that decides its result.
fn cache_key(gemeenten: &[String], o: &Options) -> String {
    let ids: Vec<&str> = o.indicators.iter().map(|d| d.id).collect();
    let per: Vec<&str> = o.per.iter().map(|d| d.name()).collect();
    format!("{gemeenten:?}|{ids:?}|{per:?}|{:?}|{}|{:?}|{}", o.van, o.peildatum, o.filter, o.items)
}

/// Reports computed from one snapshot of the store, dropped with it when a writer has changed
/// the store (see [`crate::state::AppState::refresh`]). Bounded; the oldest entries go first. Each entry is a cell
/// that the first request fills while the others with the same key wait for it, so that
/// simultaneous first requests compute once.
#[derive(Debug, Default)]
pub struct Cache {
    entries: HashMap<String, Arc<OnceCell<Arc<Report>>>>,
    order: VecDeque<String>,
}

impl Cache {
    const MAX: usize = 512;

    /// The cell for a key, created when missing.
    fn cell(&mut self, key: &str) -> Arc<OnceCell<Arc<Report>>> {
        if let Some(cell) = self.entries.get(key) {
            return cell.clone();
        }
        let cell = Arc::new(OnceCell::new());
        self.entries.insert(key.to_owned(), cell.clone());
        self.order.push_back(key.to_owned());
        while self.order.len() > Self::MAX {
            if let Some(old) = self.order.pop_front() {
                self.entries.remove(&old);
            }
        }
        cell
    }
}

async fn compute(
    state: &AppState,
    snapshot: Arc<Snapshot>,
    gemeenten: Vec<String>,
    options: Options,
) -> Result<Arc<Report>, WebError> {
    let _turn = state.rekenplaatsen.acquire().await.map_err(WebError::internal)?;
    let st = state.clone();
    let report = tokio::task::spawn_blocking(move || {
        ketenzicht_indicators::compute_from(&snapshot.source, &st.gemeenten, &gemeenten, &options, 1)
    })
    .await
    .map_err(WebError::internal)?
    .map_err(WebError::from)?;
    Ok(Arc::new(report))
}

/// Compute indicators for `gemeenten` (already checked against the scope) on a blocking
/// thread, or take them from the cache.
pub async fn indicators(state: &AppState, gemeenten: Vec<String>, options: Options) -> Result<Arc<Report>, WebError> {
    let snapshot = state.snapshot();
    let Some(cache) = &snapshot.cache else { return compute(state, snapshot.clone(), gemeenten, options).await };
    let key = cache_key(&gemeenten, &options);
    let cell = cache.lock().map_err(|_| WebError::internal("cache lock"))?.cell(&key);
    cell.get_or_try_init(|| compute(state, snapshot.clone(), gemeenten, options)).await.cloned()
}

/// One event of a traject: a row of `verzoeken`, `toewijzingen`, `regie` or `prestaties`.
#[derive(Debug, Clone)]
pub struct Gebeurtenis {
    pub tabel: &'static str,
    pub ontvangen: String,
    pub velden: Map<String, serde_json::Value>,
}

fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Text(s) => json!(s),
        Value::Int(i) => json!(i),
        Value::Float(f) => json!(f),
        Value::Bool(b) => json!(b),
        Value::Date(d) => json!(d.to_string()),
        Value::Timestamp(t) => json!(t.format("%Y-%m-%dT%H:%M:%S").to_string()),
        Value::Binary(_) => serde_json::Value::Null,
    }
}

/// The rows of one traject in one gemeente, in order of receipt. Not found when there are none.
pub async fn traject(state: &AppState, gemeente: String, traject_id: String) -> Result<Vec<Gebeurtenis>, WebError> {
    if traject_id.len() != 32 || !traject_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebError::NotFound);
    }
    let _turn = state.rekenplaatsen.acquire().await.map_err(WebError::internal)?;
    let st = state.clone();
    let events = tokio::task::spawn_blocking(move || -> Result<Vec<Gebeurtenis>, WebError> {
        let mut out = Vec::new();
        for tabel in ["verzoeken", "toewijzingen", "regie", "prestaties"] {
            let table: Table = ketenzicht_ketendata::read_columns(&st.snapshot().source.lake, tabel, &gemeente, None)
                .map_err(WebError::internal)?;
            let (Some(t), Some(o)) = (table.column("traject_id"), table.column("ontvangen")) else { continue };
            for row in table.rows.iter().filter(|r| r[t].as_text() == Some(traject_id.as_str())) {
                let velden: Map<String, serde_json::Value> = table
                    .columns
                    .iter()
                    .zip(row)
                    .filter(|(c, _)| !matches!(c.name.as_str(), "client" | "jaar"))
                    .map(|(c, v)| (c.name.clone(), json_value(v)))
                    .collect();
                let ontvangen = json_value(&row[o]).as_str().unwrap_or_default().to_owned();
                out.push(Gebeurtenis { tabel, ontvangen, velden });
            }
        }
        out.sort_by(|a, b| a.ontvangen.cmp(&b.ontvangen));
        Ok(out)
    })
    .await
    .map_err(WebError::internal)??;
    if events.is_empty() { Err(WebError::NotFound) } else { Ok(events) }
}
