//! Errors of the web layer and how they are shown: JSON for the API, a Dutch page for people.
//! A request outside the scope is *not found*: it does not reveal whether the data exists.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("niet gevonden")]
    NotFound,
    #[error("geen toegang tot cliëntgegevens met deze rol")]
    Forbidden,
    #[error("niet ingelogd")]
    Unauthorized,
    #[error("ongeldige aanvraag: {0}")]
    BadRequest(String),
    #[error("te veel pogingen; probeer het over enkele minuten opnieuw")]
    TooMany,
    #[error("te groot: {0}")]
    TooLarge(String),
    #[error("niet ondersteund: {0}")]
    UnsupportedMediaType(String),
    #[error("interne fout")]
    Internal(String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::TooMany => StatusCode::TOO_MANY_REQUESTS,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> WebError {
        WebError::Internal(e.to_string())
    }
}

/// An error answered as JSON: `{"fout": "..."}`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let WebError::Internal(detail) = &self.0 {
            tracing::error!(%detail, "request failed");
        }
        (self.0.status(), axum::Json(serde_json::json!({ "fout": self.0.to_string() }))).into_response()
    }
}

/// An error answered as a page.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl<E: Into<WebError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let WebError::Internal(detail) = &self.0 {
            tracing::error!(%detail, "request failed");
        }
        if self.0 == WebError::Unauthorized {
            return axum::response::Redirect::to("/login").into_response();
        }
        let body = crate::layout::error_page(self.0.status(), &self.0.to_string());
        (self.0.status(), axum::response::Html(body.into_string())).into_response()
    }
}

impl PartialEq for WebError {
    fn eq(&self, other: &Self) -> bool {
        self.status() == other.status()
    }
}

impl From<ketenzicht_accounts::AccountError> for WebError {
    fn from(e: ketenzicht_accounts::AccountError) -> Self {
        WebError::internal(e)
    }
}

impl From<ketenzicht_indicators::IndicatorError> for WebError {
    fn from(e: ketenzicht_indicators::IndicatorError) -> Self {
        WebError::internal(e)
    }
}

impl From<ketenzicht_governance::GovernanceError> for WebError {
    fn from(e: ketenzicht_governance::GovernanceError) -> Self {
        match e {
            ketenzicht_governance::GovernanceError::Invalid(m) => WebError::BadRequest(m),
            e => WebError::internal(e),
        }
    }
}
