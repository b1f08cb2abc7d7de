//! Governance on screen: the beheerder manages orders and reads (and exports) the audit log;
//! a gemeente account gives or revokes its consent for research requests.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use ketenzicht_accounts::Rol;
use ketenzicht_audit::Actie;
use ketenzicht_governance::Soort;
use maud::html;
use serde::Deserialize;

use super::{PageResult, respond};
use crate::error::WebError;
use crate::scope::Scope;
use crate::state::AppState;

/// `/beheer`: orders with their periods and history, a form for a mutation, the audit log.
pub async fn beheer(State(state): State<AppState>, scope: Result<Scope, WebError>, headers: HeaderMap) -> PageResult {
    let scope = scope?;
    scope.require_beheerder()?;
    let (orders, products, deadline) = {
        let g = state.governance.lock().map_err(|_| WebError::internal("governance lock"))?;
        (g.orders()?, g.products()?, g.deadline()?)
    };
    let log = state.audit.list(None, None, 100).map_err(WebError::internal)?;
    let zonder = state.read_store(|s| s.ledger.zonder_opdracht()).map_err(WebError::internal)?;
    let wachtend = state.inbox.pending().map_err(WebError::internal)?.len();
    let verwerkt = state.inbox.recent(20).map_err(WebError::internal)?;
    let tokens = state.accounts.lock().map_err(|_| WebError::internal("accounts lock"))?.aanlevertokens()?;
    let csrf = scope.csrf.clone().unwrap_or_default();
    let inhoud = html! {
        h1 { "Beheer" }
        h2 { "Opdrachten" }
        p { "Verkeer van een gemeente en wet zonder geldende opdracht wordt geteld en niet bewaard. "
            @match deadline { Some(d) => { "Historie-deadline: " (d) "." } None => { "Geen historie-deadline ingesteld." } } }
        table {
            caption { "Opdrachten per gemeente en product" }
            thead { tr { th scope="col" { "Gemeente" } th scope="col" { "Product" } th scope="col" { "Van" } th scope="col" { "Tot" } th scope="col" { "Historie" } th scope="col" { "Laatst gegeven door" } } }
            tbody {
                @for o in &orders {
                    @for p in &o.perioden {
                        tr {
                            td { (o.gemeente) " " (state.gemeenten.get(&o.gemeente).map_or("", |i| i.naam.as_str())) }
                            td { (o.product) } td { (p.van) } td { (p.tot.map_or("-".to_owned(), |t| t.to_string())) }
                            td { (p.historie_vanaf.map_or("alle historie".to_owned(), |v| format!("vanaf {v}"))) }
                            td { (o.mutaties.last().map_or("", |m| m.gegeven_door.as_str())) }
                        }
                    }
                }
            }
        }
        h2 { "Verkeer zonder opdracht" }
        @if zonder.is_empty() { p { "Geen: al het verkeer viel onder een opdracht." } } @else {
            table {
                caption { "Geteld en niet bewaard, per gemeente, wet en maand" }
                thead { tr { th scope="col" { "Gemeente" } th scope="col" { "Wet" } th scope="col" { "Maand" } th scope="col" { "Berichten" } } }
                tbody {
                    @for (g, wet, maand, n) in &zonder {
                        tr { td { (g) " " (state.gemeenten.get(g).map_or("", |i| i.naam.as_str())) } td { (if wet.is_empty() { "?" } else { wet }) } td { (maand) } td { (n) } }
                    }
                }
            }
        }
        h2 { "Aanleveringen (HTTP)" }
        p { (wachtend) " wachtend op verwerking. Aanlevertokens: "
            @if tokens.is_empty() { "geen (maak er een met " code { "ketenzicht accounts intake-token" } ")." }
            @for (i, t) in tokens.iter().enumerate() {
                @if i > 0 { ", " }
                (t.omschrijving) @if let Some(d) = &t.ingetrokken { " (ingetrokken " (d) ")" }
            }
        }
        @if !verwerkt.is_empty() {
            table {
                caption { "De laatste 20 verwerkte aanleveringen" }
                thead { tr { @for k in ["Id", "Verwerkt", "Berichten", "Nieuw", "Dubbel", "Al bekend", "Conflicten", "Quarantaine", "Zonder opdracht"] { th scope="col" { (k) } } } }
                tbody {
                    @for o in &verwerkt {
                        tr {
                            td { (o["id"].as_str().unwrap_or_default()) } td { (o["verwerkt"].as_str().unwrap_or_default()) }
                            @for k in ["berichten", "nieuw", "dubbel", "al_bekend", "conflicten", "quarantaine", "zonder_opdracht"] {
                                td { (o[k].as_u64().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Opdracht vastleggen" }
        form method="post" action="/beheer/opdracht" {
            input type="hidden" name="csrf" value=(csrf);
            label for="o-gemeente" { "Gemeente (CBS-code)" } input id="o-gemeente" name="gemeente" required pattern="[0-9]{4}";
            label for="o-product" { "Product" }
            select id="o-product" name="product" { @for p in &products { option value=(p.code) { (p.naam) } } }
            label for="o-soort" { "Soort" }
            select id="o-soort" name="soort" { option value="aanmelding" { "Aanmelding" } option value="mutatie" { "Mutatie" } option value="beeindiging" { "Beëindiging" } }
            label for="o-datum" { "Datum" } input id="o-datum" name="datum" type="date" required;
            label for="o-door" { "Gegeven door (namens de gemeente)" } input id="o-door" name="door" required maxlength="200";
            label for="o-toelichting" { "Toelichting" } input id="o-toelichting" name="toelichting" maxlength="500";
            button type="submit" { "Vastleggen" }
        }
        h2 { "Auditlog" }
        p { a href="/beheer/audit.csv" { "Download het hele auditlog (CSV)" } }
        table {
            caption { "De laatste 100 regels" }
            thead { tr { th scope="col" { "#" } th scope="col" { "Tijdstip" } th scope="col" { "Wie" } th scope="col" { "Actie" } th scope="col" { "Wat" } th scope="col" { "Bereik" } } }
            tbody {
                @for e in log.iter().rev() {
                    tr { td { (e.seq) } td { (e.tijdstip) } td { (e.actor) } td { (e.actie) } td { (e.object) } td { (e.scope) } }
                }
            }
        }
    };
    Ok(respond(&headers, "Beheer", "/beheer", &scope, inhoud))
}

#[derive(Debug, Deserialize)]
pub struct OpdrachtForm {
    pub csrf: String,
    pub gemeente: String,
    pub product: String,
    pub soort: String,
    pub datum: String,
    pub door: String,
    #[serde(default)]
    pub toelichting: String,
}

pub async fn opdracht(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    axum::Form(form): axum::Form<OpdrachtForm>,
) -> PageResult {
    let scope = scope?;
    scope.check_csrf(&form.csrf)?;
    scope.require_beheerder()?;
    let soort = Soort::parse(&form.soort).ok_or_else(|| WebError::BadRequest(format!("soort {:?}", form.soort)))?;
    let datum = NaiveDate::parse_from_str(&form.datum, "%Y-%m-%d")
        .map_err(|_| WebError::BadRequest(format!("datum {:?}", form.datum)))?;
    let m = state.governance.lock().map_err(|_| WebError::internal("governance lock"))?.record(
        form.gemeente.trim(),
        &form.product,
        soort,
        datum,
        form.door.trim(),
        form.toelichting.trim(),
        &scope.account.naam,
        state.now(),
    )?;
    state.orders_changed();
    scope.audit(
        &state,
        Actie::Opdracht,
        &format!("{} {}", m.gemeente, m.product),
        serde_json::json!({"soort": soort.as_str(), "datum": datum.to_string(), "gegeven_door": m.gegeven_door, "mutatie": m.id}),
    ).await?;
    Ok(axum::response::Redirect::to("/beheer").into_response())
}

/// `/beheer/audit.csv`: the whole audit log; the export itself is recorded.
pub async fn audit_csv(State(state): State<AppState>, scope: Result<Scope, WebError>) -> PageResult {
    let scope = scope?;
    scope.require_beheerder()?;
    let entries = state.audit.list(None, None, usize::MAX >> 1).map_err(WebError::internal)?;
    scope.audit(&state, Actie::Export, "/beheer/audit.csv", serde_json::json!({"regels": entries.len()})).await?;
    let names = ["seq", "tijdstip", "actor", "scope", "actie", "object", "detail", "vorige", "hash"];
    let mut body = Vec::new();
    let dialect = ketenzicht_store::csv::Dialect::Plain;
    ketenzicht_store::csv::write_header(&mut body, &names, dialect).map_err(WebError::internal)?;
    for e in &entries {
        let row: Vec<ketenzicht_store::Value> = vec![
            ketenzicht_store::Value::Int(e.seq),
            e.tijdstip.clone().into(),
            e.actor.clone().into(),
            e.scope.clone().into(),
            e.actie.clone().into(),
            e.object.clone().into(),
            e.detail.clone().into(),
            e.vorige.clone().into(),
            e.hash.clone().into(),
        ];
        ketenzicht_store::csv::write_row(&mut body, &row, dialect).map_err(WebError::internal)?;
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"auditlog.csv\""),
        ],
        body,
    )
        .into_response())
}

/// `/toestemming`: a gemeente account sees the research requests and gives or revokes consent.
pub async fn toestemming(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    headers: HeaderMap,
) -> PageResult {
    let scope = scope?;
    let Rol::Gemeente(gemeente) = &scope.account.rol else { return Err(WebError::Forbidden.into()) };
    let rows = {
        let g = state.governance.lock().map_err(|_| WebError::internal("governance lock"))?;
        let mut rows = Vec::new();
        for o in g.onderzoeken()? {
            let gegeven = g.toestemming(&o.code, gemeente)?;
            rows.push((o, gegeven));
        }
        rows
    };
    let csrf = scope.csrf.clone().unwrap_or_default();
    let inhoud = html! {
        h1 { "Toestemming voor onderzoek" }
        p { "Gegevens gaan alleen naar onderzoek met toestemming van de gemeente (of waar een wettelijke grondslag toestemming overbodig maakt), en dan gepseudonimiseerd: een sleutel per onderzoek, alleen geboortejaar, geen namen, adressen of Commentaar, kleine aantallen onderdrukt." }
        table {
            caption { "Onderzoeksaanvragen voor gemeente " (gemeente) }
            thead { tr { th scope="col" { "Onderzoek" } th scope="col" { "Aanvrager" } th scope="col" { "Doel" } th scope="col" { "Grondslag" } th scope="col" { "Velden" } th scope="col" { "Toestemming" } } }
            tbody {
                @for (o, gegeven) in &rows {
                    tr {
                        td { (o.code) } td { (o.aanvrager) } td { (o.doel) } td { (o.grondslag) } td { (o.velden.join(", ")) }
                        td {
                            @if !o.toestemming_nodig { "Niet nodig (wettelijke grondslag)" } @else {
                                form method="post" action="/toestemming" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="onderzoek" value=(o.code);
                                    input type="hidden" name="gegeven" value=(if *gegeven { "nee" } else { "ja" });
                                    (if *gegeven { "Gegeven " } else { "Niet gegeven " })
                                    button type="submit" { (if *gegeven { "Trek in" } else { "Geef toestemming" }) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(respond(&headers, "Toestemming", "/toestemming", &scope, inhoud))
}

#[derive(Debug, Deserialize)]
pub struct ToestemmingForm {
    pub csrf: String,
    pub onderzoek: String,
    pub gegeven: String,
}

pub async fn toestemming_zetten(
    State(state): State<AppState>,
    scope: Result<Scope, WebError>,
    axum::Form(form): axum::Form<ToestemmingForm>,
) -> PageResult {
    let scope = scope?;
    scope.check_csrf(&form.csrf)?;
    let Rol::Gemeente(gemeente) = &scope.account.rol else { return Err(WebError::Forbidden.into()) };
    let gegeven = form.gegeven == "ja";
    state.governance.lock().map_err(|_| WebError::internal("governance lock"))?.set_toestemming(
        &form.onderzoek,
        gemeente,
        gegeven,
        &scope.account.naam,
        state.now(),
    )?;
    scope
        .audit(
            &state,
            Actie::Toestemming,
            &format!("{} {gemeente}", form.onderzoek),
            serde_json::json!({"gegeven": gegeven}),
        )
        .await?;
    Ok(axum::response::Redirect::to("/toestemming").into_response())
}
