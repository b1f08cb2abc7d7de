//! The page frame (NL Design System conventions: a plain header, a skip link, a navigation
//! list, clear focus styles, tables with captions) and Dutch number formatting.

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, html};

use crate::scope::Scope;

/// The dashboards, in the order of the navigation: (path, title).
pub const DASHBOARDS: [(&str, &str); 7] = [
    ("/", "Overzicht"),
    ("/retourberichten", "Retourberichten"),
    ("/doorlooptijden", "Doorlooptijden"),
    ("/termijnen", "Termijnen"),
    ("/aanbieders", "Aanbieders"),
    ("/trajecten", "Trajecten"),
    ("/datakwaliteit", "Datakwaliteit"),
];

fn head(titel: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="htmx-config" content=r#"{"includeIndicatorStyles":false,"allowScriptTags":false}"#;
            title { (titel) " · ketenzicht" }
            link rel="stylesheet" href="/static/app.css";
            link rel="icon" href="data:,";
            script src="/static/htmx.min.js" defer {}
            script src="/static/echarts.min.js" defer {}
            script src="/static/app.js" defer {}
        }
    }
}

/// A full page for a logged-in user.
pub fn page(titel: &str, actief: &str, scope: &Scope, inhoud: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="nl" {
            (head(titel))
            body {
                a class="skiplink" href="#inhoud" { "Naar de inhoud" }
                header class="kop" {
                    span class="merk" { "ketenzicht" }
                    a class="wie" href="/account" { (scope.account.naam) " · " (scope.account.rol.naam()) }
                    form method="post" action="/logout" class="uitloggen" {
                        input type="hidden" name="csrf" value=(scope.csrf.clone().unwrap_or_default());
                        button type="submit" { "Uitloggen" }
                    }
                }
                nav aria-label="Dashboards" {
                    ul {
                        @for (pad, naam) in DASHBOARDS {
                            @if crate::scope::onderdeel(pad).is_some_and(|o| scope.onderdelen.contains(o)) {
                                li { a href=(pad) aria-current=[(pad == actief).then_some("page")] { (naam) } }
                            }
                        }
                        @match scope.account.rol {
                            ketenzicht_accounts::Rol::Beheerder => {
                                li { a href="/beheer" aria-current=[("/beheer" == actief).then_some("page")] { "Beheer" } }
                            }
                            ketenzicht_accounts::Rol::Gemeente(_) => {
                                li { a href="/toestemming" aria-current=[("/toestemming" == actief).then_some("page")] { "Toestemming" } }
                            }
                            ketenzicht_accounts::Rol::Regio(_) => {}
                        }
                    }
                }
                main id="inhoud" tabindex="-1" { (inhoud) }
            }
        }
    }
}

/// A page without a session (login, errors).
pub fn plain(titel: &str, inhoud: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="nl" {
            (head(titel))
            body {
                header class="kop" { span class="merk" { "ketenzicht" } }
                main id="inhoud" { (inhoud) }
            }
        }
    }
}

pub fn error_page(status: StatusCode, melding: &str) -> Markup {
    plain(
        "Fout",
        html! {
            h1 { (status.as_u16()) " · " (status.canonical_reason().unwrap_or("Fout")) }
            p { (melding) }
            p { a href="/" { "Terug naar het overzicht" } }
        },
    )
}

/// An integer with a dot for thousands: 12.345.
pub fn getal(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage with one decimal and a comma: 93,4%.
pub fn procent(aandeel: Option<f64>) -> String {
    aandeel.map_or_else(|| "–".to_owned(), |a| format!("{:.1}%", a * 100.0).replace('.', ","))
}

/// A number of days with up to two decimals and a comma.
pub fn dagen(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').replace('.', ",")
}

/// Embed a chart: the server writes the ECharts option as JSON; `app.js` draws it.
pub fn grafiek(label: &str, optie: &serde_json::Value) -> Markup {
    html! {
        div class="grafiek" role="img" aria-label=(label) data-optie=(optie.to_string()) {}
    }
}
