//! The seven dashboards and the timeline of one traject.

use axum::extract::{Path, Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use ketenzicht_indicators::{Dim, Soort, defs};
use maud::html;

use super::widgets::{cel, duration_chart, duration_trend_chart, filter_form, outcome_chart, tabel, trend_chart};
use super::{PageResult, report, respond, uitslag};
use crate::data;
use crate::error::WebError;
use crate::layout::{getal, grafiek, procent};
use crate::query::Query;
use crate::scope::Scope;
use crate::state::AppState;

const KERN: [&str; 9] = [
    "retour_tijdig",
    "declaratie_antwoord_tijdig",
    "start_tijdig",
    "stop_tijdig",
    "vot_tijdig",
    "vow_tijdig",
    "wachttijd_toewijzing_start",
    "toewijzing_zonder_start",
    "open_trajecten",
];

pub async fn overzicht(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    headers: HeaderMap,
    QueryParams(q): QueryParams<Query>,
) -> PageResult {
    let scope = scope?;
    if scope.alle().is_empty() && q.gemeente().is_none() {
        // A beheerder sees no client data: their start page is the account page.
        return Ok(axum::response::Redirect::to("/account").into_response());
    }
    let totaal = report(&state, &scope, &q, &KERN, &[], false).await?;
    let trend = report(&state, &scope, &q, &KERN, &[Dim::Maand], false).await?;
    let inhoud = html! {
        h1 { "Overzicht" }
        (filter_form("/", &q, &scope, &state))
        section aria-labelledby="kern" {
            h2 id="kern" { "Kerncijfers" }
            ul class="kaarten" {
                @for u in &totaal.uitslagen {
                    @let rij = u.rijen.first();
                    li class="kaart" {
                        span class="kaart-naam" { (u.definitie.naam) }
                        span class="kaart-waarde" {
                            @match (u.definitie.soort, rij) {
                                (Soort::Duur, Some(r)) => { (r.stats.as_ref().map_or(0, |s| s.mediaan)) " dagen (mediaan)" }
                                (Soort::Lijst, Some(r)) => { (getal(r.n)) }
                                (Soort::Telling, Some(r)) => { (procent(r.aandeel)) }
                                (_, None) => { "–" }
                            }
                        }
                        span class="kaart-regel" { (u.definitie.regel) " · n = " (rij.map_or(0, |r| r.n)) }
                    }
                }
            }
        }
        section aria-labelledby="trend" {
            h2 id="trend" { "Trend per maand" }
            (grafiek("Aandeel op tijd per maand per indicator", &trend_chart(&trend)))
            @for u in trend.uitslagen.iter().filter(|u| !u.definitie.noemer.is_empty()) {
                details { summary { "Tabel: " (u.definitie.naam) } (tabel(&trend, u, &q)) }
            }
        }
    };
    Ok(respond(&headers, "Overzicht", "/", &scope, inhoud))
}

pub async fn retourberichten(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    headers: HeaderMap,
    QueryParams(q): QueryParams<Query>,
) -> PageResult {
    let scope = scope?;
    let ids = ["retour_tijdig", "declaratie_antwoord_tijdig", "afwijzingen"];
    let per_bericht = report(&state, &scope, &q, &ids, &[Dim::Bericht], false).await?;
    let per_aanbieder = report(&state, &scope, &q, &["retour_tijdig"], &[Dim::Aanbieder], false).await?;
    let open = report(&state, &scope, &q, &["retour_tijdig"], &[], true).await?;
    let ontbreekt: Vec<_> =
        open.uitslagen.iter().flat_map(|u| u.items.iter()).filter(|i| i.uitkomst == "ontbreekt").collect();
    let inhoud = html! {
        h1 { "Retourberichten" }
        (filter_form("/retourberichten", &q, &scope, &state))
        @if let Some(u) = uitslag(&per_bericht, "retour_tijdig") {
            h2 { "Retour binnen 3 werkdagen, per berichttype" }
            (grafiek("Uitkomst van heenberichten per berichttype", &outcome_chart(u, Some("bericht"))))
            (tabel(&per_bericht, u, &q))
        }
        @for id in ["declaratie_antwoord_tijdig", "afwijzingen"] {
            @if let Some(u) = uitslag(&per_bericht, id) { (tabel(&per_bericht, u, &q)) }
        }
        @if let Some(u) = uitslag(&per_aanbieder, "retour_tijdig") {
            h2 { "Per ketenpartner" }
            (tabel(&per_aanbieder, u, &q))
        }
        h2 { "Open lijst: ontbrekende retourberichten" }
        p { (getal(ontbreekt.len() as u64)) " heenberichten zonder retour terwijl de termijn voorbij is. "
            a href=(format!("/api/v1/indicatoren/retour_tijdig/items{}&formaat=csv", q.with("uitkomst", "ontbreekt"))) download { "Exporteer als CSV" } }
        table {
            caption { "Ontbrekende retourberichten (eerste 200)" }
            thead { tr { th scope="col" { "Gemeente" } th scope="col" { "Bericht" } th scope="col" { "Aanbieder" } th scope="col" { "Ontvangen" } th scope="col" { "Bericht-id" } } }
            tbody {
                @for i in ontbreekt.iter().take(200) {
                    tr { td { (i.gemeente) } td { (i.bericht) } td { (i.aanbieder) } td { (i.datum) } td { (i.bericht_id.unwrap_or_default()) } }
                }
            }
        }
    };
    Ok(respond(&headers, "Retourberichten", "/retourberichten", &scope, inhoud))
}

/// The indicators of the Trajecten dashboard.
pub const TRAJECTEN: [&str; 2] = ["toewijzing_zonder_start", "open_trajecten"];

/// The indicators of the Doorlooptijden dashboard.
pub const DUREN: [&str; 4] =
    ["doorlooptijd_verzoek_toewijzing", "wachttijd_toewijzing_start", "wachttijd_ontvangst_start", "trajectduur"];

pub async fn doorlooptijden(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    headers: HeaderMap,
    QueryParams(q): QueryParams<Query>,
) -> PageResult {
    let scope = scope?;
    let per_aanbieder = report(&state, &scope, &q, &DUREN, &[Dim::Aanbieder], false).await?;
    let per_maand = report(&state, &scope, &q, &DUREN, &[Dim::Maand], false).await?;
    let inhoud = html! {
        h1 { "Doorlooptijden" }
        (filter_form("/doorlooptijden", &q, &scope, &state))
        @for u in &per_aanbieder.uitslagen {
            section {
                h2 { (u.definitie.naam) }
                p class="uitleg" { (u.definitie.definitie) }
                (grafiek(&format!("{} per aanbieder: mediaan, p80 en p90", u.definitie.naam), &duration_chart(u, Some("aanbieder"), 20)))
                (tabel(&per_aanbieder, u, &q))
                @if let Some(m) = uitslag(&per_maand, u.definitie.id) {
                    (grafiek(&format!("{} per maand: mediaan, p80 en p90", u.definitie.naam), &duration_trend_chart(m)))
                    details { summary { "Per maand" } (tabel(&per_maand, m, &q)) }
                }
            }
        }
    };
    Ok(respond(&headers, "Doorlooptijden", "/doorlooptijden", &scope, inhoud))
}

pub async fn termijnen(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    headers: HeaderMap,
    QueryParams(q): QueryParams<Query>,
) -> PageResult {
    let scope = scope?;
    let ids: Vec<&str> =
        defs::ALLE.iter().filter(|d| d.soort == Soort::Telling && !d.noemer.is_empty()).map(|d| d.id).collect();
    let per_maand = report(&state, &scope, &q, &ids, &[Dim::Maand], false).await?;
    let inhoud = html! {
        h1 { "Termijnen" }
        (filter_form("/termijnen", &q, &scope, &state))
        (grafiek("Aandeel binnen de termijn per maand", &trend_chart(&per_maand)))
        @for u in &per_maand.uitslagen {
            section {
                h2 { (u.definitie.naam) " " span class="regel" { (u.definitie.regel) } }
                p class="uitleg" { (u.definitie.definitie) }
                (tabel(&per_maand, u, &q))
            }
        }
    };
    Ok(respond(&headers, "Termijnen", "/termijnen", &scope, inhoud))
}

/// The columns of the comparison of aanbieders: (indicator, header).
const VERGELIJK: [(&str, &str); 7] = [
    ("start_tijdig", "Start op tijd"),
    ("stop_tijdig", "Stop op tijd"),
    ("vot_tijdig", "VOT op tijd beantwoord"),
    ("wachttijd_toewijzing_start", "Wachttijd (mediaan, dagen)"),
    ("toewijzing_zonder_start", "Toewijzingen zonder start"),
    ("open_trajecten", "Open trajecten"),
    ("creditpercentage", "Creditpercentage"),
];

pub async fn aanbieders(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    headers: HeaderMap,
    QueryParams(q): QueryParams<Query>,
) -> PageResult {
    let scope = scope?;
    let ids: Vec<&str> = VERGELIJK.iter().map(|(id, _)| *id).collect();
    let r = report(&state, &scope, &q, &ids, &[Dim::Aanbieder], false).await?;
    // One row per aanbieder: (AGB, per column (sort value, text)).
    let mut rows: std::collections::BTreeMap<String, Vec<(f64, String)>> = std::collections::BTreeMap::new();
    for (col, (id, _)) in VERGELIJK.iter().enumerate() {
        let Some(u) = uitslag(&r, id) else { continue };
        for rij in &u.rijen {
            let row = rows.entry(rij.key[0].clone()).or_insert_with(|| vec![(f64::NAN, "–".into()); VERGELIJK.len()]);
            row[col] = match u.definitie.soort {
                Soort::Duur => {
                    rij.stats.as_ref().map_or((f64::NAN, "–".into()), |s| (s.mediaan as f64, s.mediaan.to_string()))
                }
                Soort::Lijst => (rij.n as f64, getal(rij.n)),
                Soort::Telling => (rij.aandeel.unwrap_or(f64::NAN), procent(rij.aandeel)),
            };
        }
    }
    let sorteer = q.sorteer.as_deref().and_then(|s| VERGELIJK.iter().position(|(id, _)| *id == s));
    let mut rows: Vec<(String, Vec<(f64, String)>)> = rows.into_iter().collect();
    if let Some(col) = sorteer {
        rows.sort_by(|a, b| b.1[col].0.partial_cmp(&a.1[col].0).unwrap_or(std::cmp::Ordering::Less));
    }
    let inhoud = html! {
        h1 { "Aanbieders" }
        (filter_form("/aanbieders", &q, &scope, &state))
        table class="vergelijk" {
            caption { "Aanbieders vergeleken (klik op een kolomkop om te sorteren, aflopend)" }
            thead {
                tr {
                    th scope="col" { a href=(format!("/aanbieders{}", q.with("sorteer", ""))) { "Aanbieder (AGB)" } }
                    @for (id, kop) in VERGELIJK {
                        th scope="col" aria-sort=[(q.sorteer.as_deref() == Some(id)).then_some("descending")] {
                            a href=(format!("/aanbieders{}", q.with("sorteer", id))) hx-get=(format!("/aanbieders{}", q.with("sorteer", id))) hx-target="#inhoud" hx-push-url="true" { (kop) }
                        }
                    }
                }
            }
            tbody {
                @for (agb, cols) in &rows {
                    tr {
                        th scope="row" { a href=(format!("/termijnen{}", q.with("aanbieder", agb))) { (agb) } }
                        @for (_, text) in cols { td { (text) } }
                    }
                }
            }
        }
    };
    Ok(respond(&headers, "Aanbieders", "/aanbieders", &scope, inhoud))
}

pub async fn trajecten(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    headers: HeaderMap,
    QueryParams(q): QueryParams<Query>,
) -> PageResult {
    let scope = scope?;
    scope
        .audit(&state, ketenzicht_audit::Actie::Bekijken, "/trajecten", serde_json::json!({"gemeente": q.gemeente()}))
        .await?;
    let r = report(&state, &scope, &q, &TRAJECTEN, &[], true).await?;
    let inhoud = html! {
        h1 { "Trajecten" }
        (filter_form("/trajecten", &q, &scope, &state))
        @for u in &r.uitslagen {
            section {
                h2 { (u.definitie.naam) " " span class="regel" { (u.definitie.regel) } }
                p class="uitleg" { (u.definitie.definitie) }
                table {
                    caption { (u.definitie.naam) ": " (getal(u.items.len() as u64)) " (eerste 200)" }
                    thead { tr { th scope="col" { "Gemeente" } th scope="col" { "Aanbieder" } th scope="col" { "Toewijzing" } th scope="col" { "Product" } th scope="col" { "Datum" } th scope="col" { "Soort" } th scope="col" { "Traject" } } }
                    tbody {
                        @for i in u.items.iter().take(200) {
                            tr {
                                td { (i.gemeente) } td { (i.aanbieder) } td { (i.toewijzing_nummer.unwrap_or_default()) }
                                td { (i.productcategorie) } td { (i.datum) } td { (i.uitkomst.replace('_', " ")) }
                                td { a href=(format!("/trajecten/{}?gemeente={}", i.traject_id, i.gemeente)) { "Bekijk" } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(respond(&headers, "Trajecten", "/trajecten", &scope, inhoud))
}

pub async fn traject(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    headers: HeaderMap,
    Path(traject_id): Path<String>,
    QueryParams(q): QueryParams<Query>,
) -> PageResult {
    let scope = scope?;
    let gemeente = q.gemeente().ok_or(WebError::NotFound)?;
    let gemeente = scope.gemeenten(Some(gemeente))?.remove(0);
    scope
        .audit(
            &state,
            ketenzicht_audit::Actie::Bekijken,
            "/trajecten/{traject_id}",
            serde_json::json!({"gemeente": gemeente}),
        )
        .await?;
    let events = data::traject(&state, gemeente.clone(), traject_id.clone()).await?;
    let veld = |e: &data::Gebeurtenis, k: &str| e.velden.get(k).map(|v| cel(k, v)).unwrap_or_default();
    let inhoud = html! {
        h1 { "Traject" }
        p { "Gemeente " (gemeente) " · traject " code { (traject_id) } }
        ol class="tijdlijn" {
            @for e in &events {
                li {
                    span class="tijd" { (e.ontvangen.replace('T', " ")) }
                    span class="wat" {
                        @match e.tabel {
                            "verzoeken" => { "Verzoek (" (veld(e, "soort")) ") " (veld(e, "referentie_aanbieder")) ": " (veld(e, "eerste_antwoord")) }
                            "toewijzingen" => { "Toewijzing " (veld(e, "toewijzing_nummer")) " versie " (veld(e, "versie")) ": " (veld(e, "ingangsdatum")) " t/m " (veld(e, "einddatum")) " reden " (veld(e, "reden_wijziging")) }
                            "regie" => { (veld(e, "soort")) " " (veld(e, "begindatum")) (veld(e, "einddatum")) " reden " (veld(e, "reden_beeindiging")) " status " (veld(e, "status_aanlevering")) }
                            _ => { "Prestatie " (veld(e, "periode_begin")) " – " (veld(e, "periode_eind")) ": " (veld(e, "status")) }
                        }
                    }
                    span class="bericht" { "bericht " (veld(e, "bericht_id")) " · aanbieder " (veld(e, "aanbieder")) }
                }
            }
        }
    };
    Ok(respond(&headers, "Traject", "/trajecten", &scope, inhoud))
}

pub async fn datakwaliteit(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    headers: HeaderMap,
    QueryParams(q): QueryParams<Query>,
) -> PageResult {
    let scope = scope?;
    let gemeenten = scope.gemeenten(q.gemeente())?;
    let snapshot = state.snapshot();
    let codes = report(&state, &scope, &q, &["retourcodes"], &[Dim::Klasse], false).await?;
    let per_bericht = report(&state, &scope, &q, &["afwijzingen", "dubbele_levering"], &[Dim::Bericht], false).await?;
    let inhoud = html! {
        h1 { "Datakwaliteit" }
        (filter_form("/datakwaliteit", &q, &scope, &state))
        @if let Some(u) = uitslag(&codes, "retourcodes") {
            h2 { "Afwijzende retourcodes" }
            (grafiek("Afwijzende retourcodes", &outcome_chart(u, Some("klasse"))))
            (tabel(&codes, u, &q))
        }
        @for u in &per_bericht.uitslagen { (tabel(&per_bericht, u, &q)) }
        h2 { "Quarantaine" }
        table {
            caption { "Invoer die niet kon worden verwerkt, per gemeente en soort" }
            thead { tr { th scope="col" { "Gemeente" } th scope="col" { "Soort" } th scope="col" { "Aantal" } } }
            tbody {
                @for g in &gemeenten {
                    @for (soort, n) in snapshot.quarantaine.get(g).into_iter().flatten() {
                        tr { td { (g) } td { (soort) } td { (getal(*n)) } }
                    }
                }
            }
        }
    };
    Ok(respond(&headers, "Datakwaliteit", "/datakwaliteit", &scope, inhoud))
}
