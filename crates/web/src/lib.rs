//! The ketenzicht server: a JSON API with its OpenAPI document, and Dutch dashboards rendered
//! on the server with htmx for partial updates and ECharts for charts. Every data request
//! passes through one [`scope::Scope`]: which gemeenten the session or API token may see.

mod api;
mod assets;
mod audit;
mod auth;
mod data;
pub mod error;
mod intake;
mod layout;
mod metrics;
mod openapi;
mod pages;
pub mod query;
pub mod scope;
pub mod state;
mod xlsx;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

pub use state::AppState;

/// The current local time, without a zone (UTC on a server without one).
pub fn now() -> chrono::NaiveDateTime {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0).map(|t| t.naive_utc()).unwrap_or_default()
}

/// Security headers on every response: no inline scripts or styles, no framing, no sniffing.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Every route of the server.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::overzicht))
        .route("/retourberichten", get(pages::retourberichten))
        .route("/doorlooptijden", get(pages::doorlooptijden))
        .route("/termijnen", get(pages::termijnen))
        .route("/aanbieders", get(pages::aanbieders))
        .route("/trajecten", get(pages::trajecten))
        .route("/trajecten/{traject_id}", get(pages::traject))
        .route("/datakwaliteit", get(pages::datakwaliteit))
        .route("/account", get(pages::account))
        .route("/account/nieuw", post(pages::account_toevoegen))
        .route("/beheer", get(pages::beheer))
        .route("/beheer/opdracht", post(pages::opdracht))
        .route("/beheer/audit.csv", get(pages::audit_csv))
        .route("/toestemming", get(pages::toestemming).post(pages::toestemming_zetten))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/api/v1/gemeenten", get(api::gemeenten))
        .route("/api/v1/indicatoren", get(api::definities))
        .route("/api/v1/indicatoren/{id}", get(api::indicator))
        .route("/api/v1/indicatoren/{id}/items", get(api::items))
        .route("/api/v1/trajecten/{traject_id}", get(api::traject))
        .route("/api/v1/tokens", post(api::create_token))
        .route("/api/v1/aanleveringen", post(intake::deliver))
        .route("/api/v1/aanleveringen/{id}", get(intake::status))
        .route("/openapi.json", get(openapi::document))
        .route("/metrics", get(api::metrics))
        .route("/static/{name}", get(assets::file))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::observe))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Serve until Ctrl-C.
pub async fn serve(state: AppState, bind: SocketAddr, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    // Writers (`ketenzicht ingest`, the intake, the retention run) work beside the server.
    state.watch(std::time::Duration::from_secs(1))?;
    state.start_intake()?;
    ready(listener.local_addr()?);
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
