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
    /// The dashboards any gemeente of the account has ordered (for the menu).
    pub onderdelen: std::collections::BTreeSet<String>,
}

impl Scope {
    /// Record a view of client-level data or an export in the audit log.
    pub async fn audit(
        &self,
        state: &AppState,
        actie: ketenzicht_audit::Actie,
        object: &str,
        detail: serde_json::Value,
    ) -> Result<(), WebError> {
        state.audit(&self.account.naam, &self.gemeenten, actie, object, detail).await
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

    /// Only a beheerder may manage accounts and orders and read the audit log.
    pub fn require_beheerder(&self) -> Result<(), WebError> {
        if self.account.rol == ketenzicht_accounts::Rol::Beheerder { Ok(()) } else { Err(WebError::Forbidden) }
    }

    /// Check a form's CSRF token against the session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), WebError> {
        match &self.csrf {
            Some(c) if constant_time_eq(c.as_bytes(), token.as_bytes()) => Ok(()),
            _ => Err(WebError::Forbidden),
        }
    }
}

/// The part of ketenzicht a request reads (a dashboard, by the products that unlock it; see
/// `ketenzicht_governance::ONDERDELEN`), or `None` for what any dashboard product allows
/// (the list of gemeenten, the definitions, the account page).
pub fn onderdeel(path: &str) -> Option<&'static str> {
    let mut segments = path.trim_start_matches('/').split('/');
    match (segments.next(), segments.next(), segments.next(), segments.next()) {
        (Some(""), ..) => Some("overzicht"),
        (Some("api"), Some("v1"), Some("trajecten"), _) => Some("trajecten"),
        (Some("api"), Some("v1"), Some("indicatoren"), Some(id)) => Some(indicator_onderdeel(id)),
        (Some(page), ..) => ketenzicht_governance::ONDERDELEN
            .iter()
            .copied()
            .find(|o| *o == page && *o != ketenzicht_governance::KETENDATA),
        _ => None,
    }
}

/// The dashboard that shows an indicator (its API endpoints are unlocked with it).
fn indicator_onderdeel(id: &str) -> &'static str {
    if crate::pages::DUREN.contains(&id) {
        "doorlooptijden"
    } else if crate::pages::TRAJECTEN.contains(&id) {
        "trajecten"
    } else {
        "overzicht"
    }
}

/// Compare two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of a cookie in the request.
/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
}

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
        let bearer = bearer(&parts.headers).map(str::to_owned);
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
        // that unlocks the part of ketenzicht this request reads, are in any scope.
        let ordered = state.onderdelen()?;
        let wanted = onderdeel(parts.uri.path());
        let mut zichtbaar = std::collections::BTreeSet::new();
        let mut in_scope = Vec::new();
        let present = &state.snapshot().present;
        for g in gemeenten.into_iter().filter(|g| present.contains(g)) {
            let Some(unlocked) = ordered.get(&g) else { continue };
            zichtbaar.extend(ketenzicht_governance::dashboards(unlocked).cloned());
            if ketenzicht_governance::unlocks(unlocked, wanted) {
                in_scope.push(g);
            }
        }
        let gemeenten = in_scope;
        Ok(Scope { account, gemeenten, csrf, onderdelen: zichtbaar })
    }
}

impl axum::response::IntoResponse for WebError {
    fn into_response(self) -> axum::response::Response {
        crate::error::ApiError(self).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::onderdeel;

    #[test]
    fn each_request_reads_one_part() {
        assert_eq!(onderdeel("/"), Some("overzicht"));
        assert_eq!(onderdeel("/doorlooptijden"), Some("doorlooptijden"));
        assert_eq!(onderdeel("/trajecten/abc"), Some("trajecten"));
        assert_eq!(onderdeel("/api/v1/trajecten/abc"), Some("trajecten"));
        assert_eq!(onderdeel("/api/v1/indicatoren/trajectduur/items"), Some("doorlooptijden"));
        assert_eq!(onderdeel("/api/v1/indicatoren/retour_tijdig"), Some("overzicht"));
        assert_eq!(onderdeel("/api/v1/indicatoren"), None);
        assert_eq!(onderdeel("/api/v1/gemeenten"), None);
        assert_eq!(onderdeel("/account"), None);
        assert_eq!(onderdeel("/ketendata"), None);
    }
}
