//! The dashboards, rendered on the server in Dutch. Filters live in the URL; with htmx a
//! filter change or drill-down replaces only `main` (the server sees `HX-Request` and sends
//! the content without the frame). Every chart has a table next to it, and every table a
//! CSV and XLSX export through the API.

mod account;
mod beheer;
mod dashboards;
mod widgets;

use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use ketenzicht_indicators::{Definitie, Dim, Report, Uitslag, defs};
use maud::Markup;

pub use account::{account, account_toevoegen};
pub use beheer::{audit_csv, beheer, opdracht, toestemming, toestemming_zetten};
pub use dashboards::{
    DUREN, TRAJECTEN, aanbieders, datakwaliteit, doorlooptijden, overzicht, retourberichten, termijnen, traject,
    trajecten,
};

use crate::data;
use crate::error::{PageError, WebError};
use crate::layout;
use crate::query::Query;
use crate::scope::Scope;
use crate::state::AppState;

/// Answer with the whole page, or only the content for an htmx request.
pub(crate) fn respond(headers: &HeaderMap, titel: &str, pad: &str, scope: &Scope, inhoud: Markup) -> Response {
    if headers.contains_key("hx-request") {
        Html(inhoud.into_string()).into_response()
    } else {
        Html(layout::page(titel, pad, scope, inhoud).into_string()).into_response()
    }
}

pub(crate) async fn report(
    state: &AppState,
    scope: &Scope,
    q: &Query,
    ids: &[&str],
    per: &[Dim],
    items: bool,
) -> Result<std::sync::Arc<Report>, WebError> {
    let gemeenten = scope.gemeenten(q.gemeente())?;
    let defs: Vec<&'static Definitie> = ids.iter().filter_map(|id| defs::by_id(id)).collect();
    let options = q.options(state.now().date(), defs, per.to_vec(), items)?;
    data::indicators(state, gemeenten, options).await
}

pub(crate) fn uitslag<'a>(report: &'a Report, id: &str) -> Option<&'a Uitslag> {
    report.uitslagen.iter().find(|u| u.definitie.id == id)
}

pub(crate) type PageResult = Result<Response, PageError>;
