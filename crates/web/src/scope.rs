//! **Tenancy lives here.** Every request that reads data extracts a [`Scope`]: the account
//! (from the session cookie, or a read-only API token) and the gemeenten it may see, from
//! [`ketenzicht_accounts::Accounts::scope`]. Handlers never build their own filter: they ask
//! the scope for the gemeenten of a request, and a gemeente outside it is *not found*.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use ketenzicht_accounts::Account;

use crate::error::WebError;
use crate::state::AppState;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "ketenzicht_sessie";

#[derive(Debug, Clone)]
pub struct Scope {
    pub account: Account,
    gemeenten: Vec<String>,
    /// The session's CSRF token (none for an API token, which cannot change anything).
    pub csrf: Option<String>,
}

impl Scope {
    /// Record a view of client-level data or an export in the audit log.
    pub fn audit(
        &self,
        state: &AppState,
        actie: ketenzicht_audit::Actie,
        object: &str,
        detail: serde_json::Value,
    ) -> Result<(), WebError> {
        state.audit(&self.account.naam, &self.gemeenten, actie, object, detail)
    }

    /// The gemeenten a request reads: the one asked for, if it is in the scope (else not
    /// found), or the whole scope. An account whose scope is empty (a beheerder) gets no
    /// client data at all.
    pub fn gemeenten(&self, gevraagd: Option<&str>) -> Result<Vec<String>, WebError> {
        match gevraagd {
            Some(g) if self.gemeenten.iter().any(|s| s == g) => Ok(vec![g.to_owned()]),
            Some(_) => Err(WebError::NotFound),
            None if self.gemeenten.is_empty() => Err(WebError::Forbidden),
            None => Ok(self.gemeenten.clone()),
        }
    }

    /// Every gemeente in scope (for menus).
    pub fn alle(&self) -> &[String] {
        &self.gemeenten
    }

    /// Check a form's CSRF token against the session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), WebError> {
        match &self.csrf {
            Some(c) if constant_time_eq(c.as_bytes(), token.as_bytes()) => Ok(()),
            _ => Err(WebError::Forbidden),
        }
    }
}

/// Compare two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of a cookie in the request.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for Scope {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let nu = state.now();
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let session = cookie(&parts.headers, SESSION_COOKIE).map(str::to_owned);
        let accounts = state.accounts.lock().map_err(|_| WebError::internal("accounts lock"))?;
        let (account, csrf) = if let Some(token) = bearer {
            (accounts.token(&token)?.ok_or(WebError::Unauthorized)?, None)
        } else if let Some(token) = session {
            let s = accounts.session(&token, nu)?.ok_or(WebError::Unauthorized)?;
            (s.account, Some(s.csrf))
        } else {
            return Err(WebError::Unauthorized);
        };
        let gemeenten = accounts.scope(&account, nu.date())?;
        drop(accounts);
        // Only gemeenten with data in the store, and with an order in force for a product
        // that unlocks the dashboards, are in any scope.
        let ordered = state
            .governance
            .lock()
            .map_err(|_| WebError::internal("governance lock"))?
            .dashboard_gemeenten(nu.date())
            .map_err(WebError::internal)?;
        let gemeenten = gemeenten.into_iter().filter(|g| state.present.contains(g) && ordered.contains(g)).collect();
        Ok(Scope { account, gemeenten, csrf })
    }
}

impl axum::response::IntoResponse for WebError {
    fn into_response(self) -> axum::response::Response {
        crate::error::ApiError(self).into_response()
    }
}
