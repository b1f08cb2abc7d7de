//! The static files, embedded in the binary: htmx and ECharts from npm (see `build.rs`), and
//! our own small script and style sheet.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const FILES: [(&str, &str, &[u8]); 4] = [
    ("htmx.min.js", "text/javascript", include_bytes!(concat!(env!("OUT_DIR"), "/htmx.min.js"))),
    ("echarts.min.js", "text/javascript", include_bytes!(concat!(env!("OUT_DIR"), "/echarts.min.js"))),
    ("app.js", "text/javascript", include_bytes!("static/app.js")),
    ("app.css", "text/css", include_bytes!("static/app.css")),
];

pub async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, body)) => {
            ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=3600")], *body).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
