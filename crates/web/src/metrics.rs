//! Request counts and latencies per route, for Prometheus (`/metrics`), and one structured
//! log line per request.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// Latency bucket bounds in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Debug, Default)]
struct Route {
    by_status: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Debug, Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<String, Route>>,
}

impl Metrics {
    fn record(&self, route: &str, status: u16, seconds: f64) {
        let Ok(mut routes) = self.routes.lock() else { return };
        let r = routes.entry(route.to_owned()).or_default();
        *r.by_status.entry(status).or_default() += 1;
        for (bucket, bound) in r.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        r.count += 1;
        r.sum += seconds;
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# HELP ketenzicht_requests_total Requests by route and status.\n# TYPE ketenzicht_requests_total counter\n",
        );
        let Ok(routes) = self.routes.lock() else { return out };
        for (route, r) in routes.iter() {
            for (status, n) in &r.by_status {
                out.push_str(&format!("ketenzicht_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}\n"));
            }
        }
        out.push_str("# HELP ketenzicht_request_seconds Request latency by route.\n# TYPE ketenzicht_request_seconds histogram\n");
        for (route, r) in routes.iter() {
            for (bound, n) in BUCKETS.iter().zip(r.buckets) {
                out.push_str(&format!("ketenzicht_request_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}\n"));
            }
            out.push_str(&format!("ketenzicht_request_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n", r.count));
            out.push_str(&format!("ketenzicht_request_seconds_sum{{route=\"{route}\"}} {}\n", r.sum));
            out.push_str(&format!("ketenzicht_request_seconds_count{{route=\"{route}\"}} {}\n", r.count));
        }
        out
    }
}

/// Middleware: time the request, count it, log it.
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request.extensions().get::<MatchedPath>().map_or("(geen route)", |p| p.as_str()).to_owned();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state.metrics.record(&route, status, seconds);
    tracing::info!(%method, %path, %route, status, ms = seconds * 1000.0, "request");
    response
}
