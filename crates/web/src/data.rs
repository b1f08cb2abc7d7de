//! Reading for a request, off the async threads: indicators through the scope, and the
//! timeline of one traject from Ketendata.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use ketenzicht_indicators::{Options, Report};
use ketenzicht_store::{Table, Value};
use serde_json::{Map, json};

use crate::error::WebError;
use crate::state::AppState;

/// The key of a computation in the cache: everything that decides its result.
fn cache_key(gemeenten: &[String], o: &Options) -> String {
    let ids: Vec<&str> = o.indicators.iter().map(|d| d.id).collect();
    let per: Vec<&str> = o.per.iter().map(|d| d.name()).collect();
    format!(
        "{gemeenten:?}|{ids:?}|{per:?}|{:?}|{}|{:?}|{:?}|{:?}|{}",
        o.van, o.peildatum, o.filter.wet, o.filter.aanbieder, o.filter.productcategorie, o.items
    )
}

/// Computed reports, kept while the server runs: the server holds the store's lock, so the
/// data cannot change under it. Bounded; the oldest entries go first.
#[derive(Debug, Default)]
pub struct Cache {
    entries: HashMap<String, Arc<Report>>,
    order: VecDeque<String>,
}

impl Cache {
    const MAX: usize = 512;

    fn get(&self, key: &str) -> Option<Arc<Report>> {
        self.entries.get(key).cloned()
    }

    fn put(&mut self, key: String, report: Arc<Report>) {
        if self.entries.insert(key.clone(), report).is_none() {
            self.order.push_back(key);
        }
        while self.order.len() > Self::MAX {
            if let Some(old) = self.order.pop_front() {
                self.entries.remove(&old);
            }
        }
    }
}

/// Compute indicators for `gemeenten` (already checked against the scope) on a blocking
/// thread, or take them from the cache.
pub async fn indicators(state: &AppState, gemeenten: Vec<String>, options: Options) -> Result<Arc<Report>, WebError> {
    let key = cache_key(&gemeenten, &options);
    if let Some(hit) = state.cache.as_ref().and_then(|c| c.lock().ok()).and_then(|c| c.get(&key)) {
        return Ok(hit);
    }
    let st = state.clone();
    let report = tokio::task::spawn_blocking(move || {
        ketenzicht_indicators::compute_from(&st.source, &st.gemeenten, &gemeenten, &options, 1)
    })
    .await
    .map_err(WebError::internal)?
    .map_err(WebError::from)?;
    let report = Arc::new(report);
    if let Some(mut c) = state.cache.as_ref().and_then(|c| c.lock().ok()) {
        c.put(key, report.clone());
    }
    Ok(report)
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
    let st = state.clone();
    let events = tokio::task::spawn_blocking(move || -> Result<Vec<Gebeurtenis>, WebError> {
        let mut out = Vec::new();
        for tabel in ["verzoeken", "toewijzingen", "regie", "prestaties"] {
            let table: Table = ketenzicht_ketendata::read_columns(&st.source.lake, tabel, &gemeente, None)
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
