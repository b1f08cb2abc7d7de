//! Logging in and out. The login form is protected by a double-submit token (a cookie and a
//! hidden field that must match) and by the rate limiter; a session cookie is Secure,
//! HttpOnly and SameSite=Strict; logging out needs the session's CSRF token.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use ketenzicht_audit::Actie;
use maud::html;
use serde::Deserialize;

use crate::error::{PageError, WebError};
use crate::layout;
use crate::scope::{SESSION_COOKIE, Scope, constant_time_eq};
use crate::state::AppState;

const LOGIN_COOKIE: &str = "ketenzicht_login";

/// `n` random bytes in hex.
pub(crate) fn random_hex(n: usize) -> Result<String, WebError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(WebError::internal)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn cookie(state: &AppState, name: &str, value: &str, path: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn login_page(token: &str, melding: Option<&str>) -> maud::Markup {
    layout::plain(
        "Inloggen",
        html! {
            h1 { "Inloggen" }
            @if let Some(m) = melding { p class="melding" role="alert" { (m) } }
            form method="post" action="/login" class="inloggen" {
                input type="hidden" name="csrf" value=(token);
                div { label for="naam" { "Gebruikersnaam" } input id="naam" name="naam" autocomplete="username" required; }
                div { label for="wachtwoord" { "Wachtwoord" } input id="wachtwoord" name="wachtwoord" type="password" autocomplete="current-password" required; }
                div { button type="submit" { "Inloggen" } }
            }
        },
    )
}

pub async fn login_form(State(state): State<AppState>) -> Result<Response, PageError> {
    let token = random_hex(32)?;
    let mut response = Html(login_page(&token, None).into_string()).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie(&state, LOGIN_COOKIE, &token, "/login", 3600));
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub naam: String,
    pub wachtwoord: String,
    pub csrf: String,
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LoginForm>,
) -> Result<Response, PageError> {
    let cookie_token = crate::scope::cookie(&headers, LOGIN_COOKIE);
    if !cookie_token.is_some_and(|c| constant_time_eq(c.as_bytes(), form.csrf.as_bytes())) {
        return Err(WebError::Forbidden.into());
    }
    let naam = form.naam.trim().to_owned();
    let allowed = state.limiter.lock().map(|mut l| l.allowed(&naam, addr.ip())).unwrap_or(false);
    if !allowed {
        let page = login_page(&form.csrf, Some("Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw."));
        return Ok((StatusCode::TOO_MANY_REQUESTS, Html(page.into_string())).into_response());
    }
    let found = state.accounts.lock().map_err(|_| WebError::internal("accounts lock"))?.password_hash(&naam)?;
    let wachtwoord = form.wachtwoord.clone();
    // An unknown name is checked against a dummy hash, so it takes as long as a wrong password.
    let hash = found.as_ref().map_or_else(|| state.dummy_hash.clone(), |(_, h)| h.clone());
    let ok = tokio::task::spawn_blocking(move || ketenzicht_accounts::verify_password(&wachtwoord, &hash))
        .await
        .map_err(WebError::internal)?;
    let Some((account, _)) = found.filter(|_| ok) else {
        if let Ok(mut l) = state.limiter.lock() {
            l.failed(&naam, addr.ip());
        }
        tracing::warn!(naam = %naam, address = %addr.ip(), "failed login");
        state
            .audit(&naam, &[], Actie::InloggenMislukt, "/login", serde_json::json!({"adres": addr.ip().to_string()}))
            .await?;
        let page = login_page(&form.csrf, Some("Onbekende gebruikersnaam of onjuist wachtwoord."));
        return Ok((StatusCode::UNAUTHORIZED, Html(page.into_string())).into_response());
    };
    let token =
        state.accounts.lock().map_err(|_| WebError::internal("accounts lock"))?.start_session(&account, state.now())?;
    tracing::info!(naam = %account.naam, rol = account.rol.naam(), "login");
    state
        .audit(
            &account.naam,
            &[],
            Actie::Inloggen,
            "/login",
            serde_json::json!({"rol": account.rol.naam(), "adres": addr.ip().to_string()}),
        )
        .await?;
    let mut response = Redirect::to("/").into_response();
    let max_age = ketenzicht_accounts::SESSIE_DUUR.num_seconds();
    response.headers_mut().append(header::SET_COOKIE, cookie(&state, SESSION_COOKIE, &token, "/", max_age));
    response.headers_mut().append(header::SET_COOKIE, cookie(&state, LOGIN_COOKIE, "", "/login", 0));
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    pub csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LogoutForm>,
) -> Result<Response, PageError> {
    let scope = scope?;
    scope.check_csrf(&form.csrf)?;
    let token = crate::scope::cookie(&headers, SESSION_COOKIE).unwrap_or_default().to_owned();
    state.accounts.lock().map_err(|_| WebError::internal("accounts lock"))?.end_session(&token)?;
    scope.audit(&state, Actie::Uitloggen, "/logout", serde_json::json!({})).await?;
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie(&state, SESSION_COOKIE, "", "/", 0));
    Ok(response)
}
