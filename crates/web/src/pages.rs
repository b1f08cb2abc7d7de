//! The dashboards, rendered on the server in Dutch. Filters live in the URL; with htmx a
//! filter change or drill-down replaces only `main` (the server sees `HX-Request` and sends
//! the content without the frame). Every chart has a table next to it, and every table a
//! CSV export through the API.

use axum::extract::{Path, Query as QueryParams, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use ketenzicht_indicators::{Definitie, Dim, Report, Soort, Uitslag, defs, output};
use maud::{Markup, html};
use serde_json::{Value, json};

use crate::data;
use crate::error::{PageError, WebError};
use crate::layout::{self, dagen, getal, grafiek, procent};
use crate::query::Query;
use crate::scope::Scope;
use crate::state::AppState;

/// Answer with the whole page, or only the content for an htmx request.
fn respond(headers: &HeaderMap, titel: &str, pad: &str, scope: &Scope, inhoud: Markup) -> Response {
    if headers.contains_key("hx-request") {
        Html(inhoud.into_string()).into_response()
    } else {
        Html(layout::page(titel, pad, scope, inhoud).into_string()).into_response()
    }
}

fn filter_form(pad: &str, q: &Query, scope: &Scope, state: &AppState) -> Markup {
    let today = state.now().date();
    let (van, tot) = q.periode(today).unwrap_or((today, today));
    html! {
        form class="filters" method="get" action=(pad) hx-get=(pad) hx-target="#inhoud" hx-push-url="true" {
            div {
                label for="f-gemeente" { "Gemeente" }
                select id="f-gemeente" name="gemeente" {
                    option value="" { "Alle (" (scope.alle().len()) ")" }
                    @for g in scope.alle() {
                        option value=(g) selected[q.gemeente() == Some(g.as_str())] {
                            (g) " " (state.gemeenten.get(g).map_or("", |i| i.naam.as_str()))
                        }
                    }
                }
            }
            div { label for="f-van" { "Van" } input id="f-van" type="date" name="van" value=(van); }
            div { label for="f-tot" { "Tot en met (peildatum)" } input id="f-tot" type="date" name="tot" value=(tot); }
            div {
                label for="f-wet" { "Wet" }
                select id="f-wet" name="wet" {
                    option value="" { "Beide" }
                    option value="iJw" selected[q.wet.as_deref() == Some("iJw")] { "Jeugdwet (iJw)" }
                    option value="iWmo" selected[q.wet.as_deref() == Some("iWmo")] { "Wmo (iWmo)" }
                }
            }
            div { label for="f-aanbieder" { "Aanbieder (AGB)" } input id="f-aanbieder" name="aanbieder" value=(q.aanbieder.clone().unwrap_or_default()) inputmode="numeric"; }
            div { label for="f-product" { "Productcategorie" } input id="f-product" name="productcategorie" value=(q.productcategorie.clone().unwrap_or_default()); }
            div { button type="submit" { "Toepassen" } }
        }
    }
}

/// The Dutch header of a column of [`output::rows_json`].
fn kolomnaam(name: &str) -> String {
    match name {
        "n" => "Aantal".into(),
        "aandeel" => "Aandeel".into(),
        "gemiddelde" => "Gemiddelde".into(),
        "mediaan" => "Mediaan".into(),
        "p80" => "P80".into(),
        "p90" => "P90".into(),
        "max" => "Max".into(),
        other => {
            let s = other.replace('_', " ");
            let mut c = s.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
        }
    }
}

fn cel(name: &str, v: &Value) -> String {
    match (name, v) {
        ("aandeel", Value::Number(n)) => procent(n.as_f64()),
        ("gemiddelde", Value::Number(n)) => n.as_f64().map_or_else(String::new, dagen),
        (_, Value::Number(n)) => n.as_u64().map_or_else(|| n.to_string(), getal),
        (_, Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// The export link of an indicator for this filter and grouping.
fn export_link(def: &Definitie, q: &Query, per: &[Dim], formaat: &str) -> String {
    let per: Vec<&str> = per.iter().map(|d| d.name()).collect();
    let base = q.with("per", &per.join(","));
    let sep = if base.is_empty() { "?" } else { "&" };
    format!("/api/v1/indicatoren/{}{base}{sep}formaat={formaat}", def.id)
}

/// An indicator's rows as a table, with its definition and export link.
fn tabel(report: &Report, u: &Uitslag, q: &Query) -> Markup {
    let rows = output::rows_json(report, u);
    let columns: Vec<String> =
        rows.first().and_then(|r| r.as_object()).map(|o| o.keys().cloned().collect()).unwrap_or_default();
    html! {
        figure class="tabel" {
            table {
                caption {
                    (u.definitie.naam) " "
                    span class="regel" { "(" (u.definitie.regel) ")" }
                }
                thead { tr { @for c in &columns { th scope="col" { (kolomnaam(c)) } } } }
                tbody {
                    @for r in &rows {
                        tr { @for c in &columns { td { (cel(c, &r[c.as_str()])) } } }
                    }
                    @if rows.is_empty() { tr { td { "Geen gegevens voor dit filter." } } }
                }
            }
            figcaption {
                details { summary { "Definitie" } p { (u.definitie.definitie) } }
                a href=(export_link(u.definitie, q, &report.per, "csv")) download { "Exporteer als CSV" }
                " · "
                a href=(export_link(u.definitie, q, &report.per, "xlsx")) download { "Excel (XLSX)" }
            }
        }
    }
}

/// A line chart of the share per month, one line per indicator; a click on a month narrows
/// the period to that month, the legend toggles lines.
fn trend_chart(report: &Report) -> Value {
    let mut maanden: Vec<String> =
        report.uitslagen.iter().flat_map(|u| u.rijen.iter().map(|r| r.key[0].clone())).collect();
    maanden.sort();
    maanden.dedup();
    let series: Vec<Value> = report
        .uitslagen
        .iter()
        .filter(|u| !u.definitie.noemer.is_empty())
        .map(|u| {
            let data: Vec<Value> = maanden
                .iter()
                .map(|m| {
                    u.rijen
                        .iter()
                        .find(|r| &r.key[0] == m)
                        .and_then(|r| r.aandeel)
                        .map_or(Value::Null, |a| json!((a * 1000.0).round() / 10.0))
                })
                .collect();
            json!({"name": u.definitie.naam, "type": "line", "data": data, "connectNulls": true})
        })
        .collect();
    json!({
        "tooltip": {"trigger": "axis", "valueFormatter": "procent"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 48, "right": 16, "top": 16, "bottom": 64},
        "xAxis": {"type": "category", "data": maanden},
        "yAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": series,
        "ketenzicht": {"filter": "maand"},
    })
}

/// Stacked bars of the outcomes per value of the first dimension; clicking a bar filters on
/// it when the dimension is a filter (`filter` names the query field).
fn outcome_chart(u: &Uitslag, filter: Option<&str>) -> Value {
    let labels: Vec<&str> = u.rijen.iter().map(|r| r.key[0].as_str()).collect();
    let series: Vec<Value> = u
        .definitie
        .uitkomsten
        .iter()
        .enumerate()
        .map(|(i, naam)| {
            let data: Vec<u64> = u.rijen.iter().map(|r| r.uitkomsten.get(i).copied().unwrap_or(0)).collect();
            json!({"name": naam.replace('_', " "), "type": "bar", "stack": "uitkomst", "data": data})
        })
        .collect();
    json!({
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 56, "right": 16, "top": 16, "bottom": 64},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value"},
        "series": series,
        "ketenzicht": {"filter": filter},
    })
}

/// Bars of median, p80 and p90 per value of the first dimension (the largest groups).
fn duration_chart(u: &Uitslag, filter: Option<&str>, max: usize) -> Value {
    let mut rijen: Vec<_> = u.rijen.iter().filter(|r| r.stats.is_some()).collect();
    rijen.sort_by_key(|r| std::cmp::Reverse(r.n));
    rijen.truncate(max);
    let labels: Vec<&str> = rijen.iter().map(|r| r.key[0].as_str()).collect();
    let stat = |f: fn(&ketenzicht_indicators::Stats) -> i64| -> Vec<i64> {
        rijen.iter().filter_map(|r| r.stats.as_ref().map(f)).collect()
    };
    json!({
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 56, "right": 16, "top": 16, "bottom": 64},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 45}},
        "yAxis": {"type": "value", "name": "dagen"},
        "series": [
            {"name": "mediaan", "type": "bar", "data": stat(|s| s.mediaan)},
            {"name": "p80", "type": "bar", "data": stat(|s| s.p80)},
            {"name": "p90", "type": "bar", "data": stat(|s| s.p90)},
        ],
        "ketenzicht": {"filter": filter},
    })
}

async fn report(
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

fn uitslag<'a>(report: &'a Report, id: &str) -> Option<&'a Uitslag> {
    report.uitslagen.iter().find(|u| u.definitie.id == id)
}

type PageResult = Result<Response, PageError>;

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
            (grafiek("Uitkomst van heenberichten per berichttype", &outcome_chart(u, None)))
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

const DUREN: [&str; 4] =
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
    let r = report(&state, &scope, &q, &["toewijzing_zonder_start", "open_trajecten"], &[], true).await?;
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
    let codes = report(&state, &scope, &q, &["retourcodes"], &[Dim::Klasse], false).await?;
    let per_bericht = report(&state, &scope, &q, &["afwijzingen", "dubbele_levering"], &[Dim::Bericht], false).await?;
    let inhoud = html! {
        h1 { "Datakwaliteit" }
        (filter_form("/datakwaliteit", &q, &scope, &state))
        @if let Some(u) = uitslag(&codes, "retourcodes") {
            h2 { "Afwijzende retourcodes" }
            (grafiek("Afwijzende retourcodes", &outcome_chart(u, None)))
            (tabel(&codes, u, &q))
        }
        @for u in &per_bericht.uitslagen { (tabel(&per_bericht, u, &q)) }
        h2 { "Quarantaine" }
        table {
            caption { "Invoer die niet kon worden verwerkt, per gemeente en soort" }
            thead { tr { th scope="col" { "Gemeente" } th scope="col" { "Soort" } th scope="col" { "Aantal" } } }
            tbody {
                @for g in &gemeenten {
                    @for (soort, n) in state.quarantaine.get(g).into_iter().flatten() {
                        tr { td { (g) } td { (soort) } td { (getal(*n)) } }
                    }
                }
            }
        }
    };
    Ok(respond(&headers, "Datakwaliteit", "/datakwaliteit", &scope, inhoud))
}

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
    if scope.account.rol != ketenzicht_accounts::Rol::Beheerder {
        return Err(WebError::Forbidden.into());
    }
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
            Ok(axum::response::Redirect::to("/account").into_response())
        }
        Err(e @ (ketenzicht_accounts::AccountError::Exists(_) | ketenzicht_accounts::AccountError::Invalid(_))) => {
            Err(WebError::BadRequest(e.to_string()).into())
        }
        Err(e) => Err(WebError::from(e).into()),
    }
}
