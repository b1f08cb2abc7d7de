//! The account page: who you are, what you may see, API tokens; for a beheerder the
//! accounts and a form to add one.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use maud::html;

use super::{PageResult, respond};
use crate::error::WebError;
use crate::scope::Scope;
use crate::state::AppState;

/// The account page: who you are, what you may see, API tokens; for a beheerder the accounts.
pub async fn account(State(state): State<AppState>, scope: Result<Scope, WebError>, headers: HeaderMap) -> PageResult {
    let scope = scope?;
    let beheer = scope.account.rol == ketenzicht_accounts::Rol::Beheerder;
    let accounts = if beheer {
        state.accounts.lock().map_err(|_| WebError::internal("accounts lock"))?.list()?
    } else {
        Vec::new()
    };
    let inhoud = html! {
        h1 { "Account" }
        dl {
            dt { "Gebruikersnaam" } dd { (scope.account.naam) }
            dt { "Rol" } dd { (scope.account.rol.naam()) }
            dt { "Gemeenten in beeld" }
            dd {
                @if scope.alle().is_empty() { "Geen: deze rol ziet geen cliëntgegevens." }
                @for g in scope.alle() { (g) " " (state.gemeenten.get(g).map_or("", |i| i.naam.as_str())) br; }
            }
        }
        @if !scope.alle().is_empty() {
            h2 { "API-token voor Power BI of DuckDB" }
            p { "Een token kan alleen lezen en ziet dezelfde gemeenten als dit account. Gebruik het als "
                code { "Authorization: Bearer …" } "." }
            form method="post" action="/api/v1/tokens" hx-post="/api/v1/tokens" hx-target="#nieuw-token" {
                input type="hidden" name="csrf" value=(scope.csrf.clone().unwrap_or_default());
                label for="omschrijving" { "Omschrijving" }
                input id="omschrijving" name="omschrijving" required maxlength="200";
                button type="submit" { "Maak token" }
            }
            pre id="nieuw-token" aria-live="polite" {}
        }
        @if beheer {
            h2 { "Accounts" }
            table {
                caption { "Alle accounts" }
                thead { tr { th scope="col" { "Naam" } th scope="col" { "Rol" } th scope="col" { "Gemeente of regio" } } }
                tbody {
                    @for a in &accounts {
                        tr {
                            td { (a.naam) } td { (a.rol.naam()) }
                            td { @match &a.rol { ketenzicht_accounts::Rol::Gemeente(g) => (g), ketenzicht_accounts::Rol::Regio(r) => (r), ketenzicht_accounts::Rol::Beheerder => "" } }
                        }
                    }
                }
            }
            h2 { "Account toevoegen" }
            form method="post" action="/account/nieuw" class="inloggen" {
                input type="hidden" name="csrf" value=(scope.csrf.clone().unwrap_or_default());
                div { label for="n-naam" { "Gebruikersnaam" } input id="n-naam" name="naam" required maxlength="100"; }
                div { label for="n-wachtwoord" { "Wachtwoord (minstens 12 tekens)" } input id="n-wachtwoord" name="wachtwoord" type="password" autocomplete="new-password" required minlength="12"; }
                div {
                    label for="n-rol" { "Rol" }
                    select id="n-rol" name="rol" {
                        option value="gemeente" { "gemeente" }
                        option value="regio" { "regio" }
                        option value="beheerder" { "beheerder" }
                    }
                }
                div { label for="n-gemeente" { "Gemeente (CBS-code, bij rol gemeente)" } input id="n-gemeente" name="gemeente" inputmode="numeric" maxlength="4"; }
                div { label for="n-regio" { "Regio (bij rol regio)" } input id="n-regio" name="regio"; }
                div { button type="submit" { "Toevoegen" } }
            }
            p { "Of op de opdrachtregel: " code { "ketenzicht accounts add --naam … --rol gemeente --gemeente 0363" } }
        }
    };
    Ok(respond(&headers, "Account", "/account", &scope, inhoud))
}

#[derive(Debug, serde::Deserialize)]
pub struct NieuwAccount {
    pub csrf: String,
    pub naam: String,
    pub wachtwoord: String,
    pub rol: String,
    #[serde(default)]
    pub gemeente: String,
    #[serde(default)]
    pub regio: String,
}

/// A beheerder adds an account (with the session's CSRF token).
pub async fn account_toevoegen(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    axum::Form(form): axum::Form<NieuwAccount>,
) -> PageResult {
    let scope = scope?;
    scope.check_csrf(&form.csrf)?;
    scope.require_beheerder()?;
    let rol = match form.rol.as_str() {
        "gemeente" if state.gemeenten.get(form.gemeente.trim()).is_some() => {
            ketenzicht_accounts::Rol::Gemeente(form.gemeente.trim().to_owned())
        }
        "gemeente" => return Err(WebError::BadRequest(format!("onbekende gemeente {:?}", form.gemeente)).into()),
        "regio" if !state.gemeenten.leden(form.regio.trim()).is_empty() => {
            ketenzicht_accounts::Rol::Regio(form.regio.trim().to_owned())
        }
        "regio" => return Err(WebError::BadRequest(format!("onbekende regio {:?}", form.regio)).into()),
        "beheerder" => ketenzicht_accounts::Rol::Beheerder,
        other => return Err(WebError::BadRequest(format!("onbekende rol {other:?}")).into()),
    };
    let added = {
        let accounts = state.accounts.lock().map_err(|_| WebError::internal("accounts lock"))?;
        accounts.add(form.naam.trim(), &form.wachtwoord, &rol, state.now())
    };
    match added {
        Ok(a) => {
            tracing::info!(door = %scope.account.naam, naam = %a.naam, rol = a.rol.naam(), "account added");
            scope
                .audit(&state, ketenzicht_audit::Actie::Account, &a.naam, serde_json::json!({"rol": a.rol.naam()}))
                .await?;
            Ok(axum::response::Redirect::to("/account").into_response())
        }
        Err(e @ (ketenzicht_accounts::AccountError::Exists(_) | ketenzicht_accounts::AccountError::Invalid(_))) => {
            Err(WebError::BadRequest(e.to_string()).into())
        }
        Err(e) => Err(WebError::from(e).into()),
    }
}
