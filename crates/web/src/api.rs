//! The JSON API (`/api/v1/...`), documented in `/openapi.json`. Every data endpoint goes
//! through the [`Scope`]; read-only API tokens (`Authorization: Bearer kz_...`) work like the
//! session of the account that made them.

use axum::Json;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ketenzicht_audit::Actie;
use ketenzicht_indicators::{Dim, defs, output};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::data;
use crate::error::{ApiError, WebError};
use crate::query::Query;
use crate::scope::Scope;
use crate::state::AppState;

pub async fn gemeenten(State(state): State<AppState>, scope: Scope) -> Result<Json<Value>, ApiError> {
    let list: Vec<Value> = scope
        .alle()
        .iter()
        .map(|g| {
            let info = state.gemeenten.get(g);
            json!({"code": g, "naam": info.map(|i| i.naam.as_str()), "regio": info.map(|i| i.jeugdzorgregio.as_str())})
        })
        .collect();
    Ok(Json(json!({ "account": scope.account.naam, "rol": scope.account.rol.naam(), "gemeenten": list })))
}

pub async fn definities(_scope: Scope) -> Json<Value> {
    let list: Vec<Value> = defs::ALLE.iter().map(|d| Value::Object(output::definitie_json(d))).collect();
    Json(json!({ "indicatoren": list }))
}

fn definitie(id: &str) -> Result<&'static ketenzicht_indicators::Definitie, WebError> {
    defs::by_id(id).ok_or(WebError::NotFound)
}

fn xlsx_response(name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.xlsx\"")),
        ],
        body,
    )
        .into_response()
}

fn csv_response(name: &str, write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<Response, WebError> {
    let mut body = Vec::new();
    write(&mut body).map_err(WebError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.csv\"")),
        ],
        body,
    )
        .into_response())
}

pub async fn indicator(
    State(state): State<AppState>,
    scope: Scope,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let def = definitie(&id)?;
    let gemeenten = scope.gemeenten(q.gemeente())?;
    let options = q.options(state.now().date(), vec![def], q.per(&[Dim::Gemeente, Dim::Maand])?, false)?;
    let report = data::indicators(&state, gemeenten, options).await?;
    if q.csv() || q.xlsx() {
        scope
            .audit(&state, Actie::Export, &format!("/api/v1/indicatoren/{}", def.id), json!({"gemeente": q.gemeente()}))
            .await?;
    }
    if q.csv() {
        return Ok(csv_response(def.id, |w| output::write_csv(w, &report, true))?);
    }
    if q.xlsx() {
        let u = report.uitslagen.first().ok_or(WebError::NotFound)?;
        return Ok(xlsx_response(def.id, crate::xlsx::rows(&report, u)?));
    }
    let mut doc = output::to_json(&report);
    let first = doc["indicatoren"][0].take();
    doc["indicator"] = first;
    if let Some(o) = doc.as_object_mut() {
        o.remove("indicatoren");
    }
    Ok(Json(doc).into_response())
}

pub async fn items(
    State(state): State<AppState>,
    scope: Scope,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<Query>,
) -> Result<Response, ApiError> {
    let def = definitie(&id)?;
    let gemeenten = scope.gemeenten(q.gemeente())?;
    let options = q.options(state.now().date(), vec![def], Vec::new(), true)?;
    let report = data::indicators(&state, gemeenten, options).await?;
    let wanted = |i: &&ketenzicht_indicators::ItemRecord| q.uitkomst().is_none_or(|u| i.uitkomst == u);
    let vorm = if q.csv() {
        "csv"
    } else if q.xlsx() {
        "xlsx"
    } else {
        "json"
    };
    scope
        .audit(
            &state,
            if vorm == "json" { Actie::Bekijken } else { Actie::Export },
            &format!("/api/v1/indicatoren/{}/items", def.id),
            json!({"vorm": vorm, "gemeente": q.gemeente()}),
        )
        .await?;
    if q.csv() {
        return Ok(csv_response(&format!("{}-items", def.id), |w| {
            output::write_items_csv_filtered(w, &report, true, &|i| wanted(&i))
        })?);
    }
    if q.xlsx() {
        let all = report.uitslagen.iter().flat_map(|u| u.items.iter().filter(wanted));
        return Ok(xlsx_response(&format!("{}-items", def.id), crate::xlsx::items(def.id, all)?));
    }
    let items: Vec<Value> =
        report.uitslagen.iter().flat_map(|u| u.items.iter().filter(wanted).map(output::item_json)).collect();
    Ok(Json(json!({ "indicator": def.id, "items": items })).into_response())
}

pub async fn traject(
    State(state): State<AppState>,
    scope: Scope,
    Path(traject_id): Path<String>,
    QueryParams(q): QueryParams<Query>,
) -> Result<Json<Value>, ApiError> {
    let gemeente = q.gemeente().ok_or_else(|| WebError::BadRequest("gemeente ontbreekt".into()))?;
    let gemeente = scope.gemeenten(Some(gemeente))?.remove(0);
    scope.audit(&state, Actie::Bekijken, "/api/v1/trajecten", json!({"gemeente": gemeente})).await?;
    let events = data::traject(&state, gemeente, traject_id.clone()).await?;
    let list: Vec<Value> =
        events.into_iter().map(|e| json!({"tabel": e.tabel, "ontvangen": e.ontvangen, "velden": e.velden})).collect();
    Ok(Json(json!({ "traject_id": traject_id, "gebeurtenissen": list })))
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    pub csrf: String,
    pub omschrijving: String,
}

/// Create a read-only API token (from a logged-in session, with its CSRF token).
pub async fn create_token(
    State(state): State<AppState>,
    scope: Scope,
    axum::Form(form): axum::Form<TokenForm>,
) -> Result<Json<Value>, ApiError> {
    scope.check_csrf(&form.csrf)?;
    let omschrijving = form.omschrijving.trim();
    if omschrijving.is_empty() || omschrijving.len() > 200 {
        return Err(WebError::BadRequest("omschrijving van 1 tot 200 tekens".into()).into());
    }
    let accounts = state.accounts.lock().map_err(|_| WebError::internal("accounts lock"))?;
    let token = accounts.create_token(&scope.account, omschrijving, state.now())?;
    Ok(Json(json!({ "token": token, "let_op": "Bewaar dit token: het wordt niet nog eens getoond." })))
}

pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render())
}
