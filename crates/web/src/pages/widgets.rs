//! The building blocks of the dashboards: the filter form, tables with their export links,
//! and the ECharts options of the three kinds of chart.

use ketenzicht_indicators::{Definitie, Dim, Report, Uitslag, output};
use maud::{Markup, html};
use serde_json::{Value, json};

use crate::layout::{dagen, getal, procent};
use crate::query::Query;
use crate::scope::Scope;
use crate::state::AppState;

pub(crate) fn filter_form(pad: &str, q: &Query, scope: &Scope, state: &AppState) -> Markup {
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
            div {
                label for="f-bericht" { "Berichttype" }
                input id="f-bericht" name="bericht" list="berichttypen" value=(q.bericht.clone().unwrap_or_default());
                datalist id="berichttypen" {
                    @for wet in ["JW", "WMO"] {
                        @for code in [301, 302, 305, 306, 307, 308, 315, 316, 317, 318, 319, 320, 323, 325] {
                            option value=(format!("{wet}{code}")) {}
                        }
                    }
                }
            }
            @if pad == "/datakwaliteit" || q.klasse.is_some() {
                div { label for="f-klasse" { "Retourcode (klasse)" } input id="f-klasse" name="klasse" value=(q.klasse.clone().unwrap_or_default()); }
            }
            div { button type="submit" { "Toepassen" } }
        }
    }
}

/// The Dutch header of a column of [`output::rows_json`].
pub(crate) fn kolomnaam(name: &str) -> String {
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

pub(crate) fn cel(name: &str, v: &Value) -> String {
    match (name, v) {
        ("aandeel", Value::Number(n)) => procent(n.as_f64()),
        ("gemiddelde", Value::Number(n)) => n.as_f64().map_or_else(String::new, dagen),
        (_, Value::Number(n)) => n.as_u64().map_or_else(|| n.to_string(), getal),
        (_, Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// The export link of an indicator for this filter and grouping.
pub(crate) fn export_link(def: &Definitie, q: &Query, per: &[Dim], formaat: &str) -> String {
    let per: Vec<&str> = per.iter().map(|d| d.name()).collect();
    let base = q.with("per", &per.join(","));
    let sep = if base.is_empty() { "?" } else { "&" };
    format!("/api/v1/indicatoren/{}{base}{sep}formaat={formaat}", def.id)
}

/// An indicator's rows as a table, with its definition and export link.
pub(crate) fn tabel(report: &Report, u: &Uitslag, q: &Query) -> Markup {
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
pub(crate) fn trend_chart(report: &Report) -> Value {
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
pub(crate) fn outcome_chart(u: &Uitslag, filter: Option<&str>) -> Value {
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

/// Lines of median, p80 and p90 per month, in order; a click on a month narrows the period.
pub(crate) fn duration_trend_chart(u: &Uitslag) -> Value {
    let mut rijen: Vec<_> = u.rijen.iter().filter(|r| r.stats.is_some()).collect();
    rijen.sort_by(|a, b| a.key.cmp(&b.key));
    percentiles_chart(&rijen, "line", Some("maand"))
}

/// Bars of median, p80 and p90 per value of the first dimension (the largest groups).
pub(crate) fn duration_chart(u: &Uitslag, filter: Option<&str>, max: usize) -> Value {
    let mut rijen: Vec<_> = u.rijen.iter().filter(|r| r.stats.is_some()).collect();
    rijen.sort_by_key(|r| std::cmp::Reverse(r.n));
    rijen.truncate(max);
    percentiles_chart(&rijen, "bar", filter)
}

/// Median, p80 and p90 of these rows, one category per row, as `kind` (bar or line).
fn percentiles_chart(rijen: &[&ketenzicht_indicators::Rij], kind: &str, filter: Option<&str>) -> Value {
    let labels: Vec<&str> = rijen.iter().map(|r| r.key[0].as_str()).collect();
    let stat = |f: fn(&ketenzicht_indicators::Stats) -> i64| -> Vec<i64> {
        rijen.iter().filter_map(|r| r.stats.as_ref().map(f)).collect()
    };
    let rotate = if kind == "bar" { 45 } else { 0 };
    json!({
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 56, "right": 16, "top": 16, "bottom": 64},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": rotate}},
        "yAxis": {"type": "value", "name": "dagen"},
        "series": [
            {"name": "mediaan", "type": kind, "data": stat(|s| s.mediaan)},
            {"name": "p80", "type": kind, "data": stat(|s| s.p80)},
            {"name": "p90", "type": kind, "data": stat(|s| s.p90)},
        ],
        "ketenzicht": {"filter": filter},
    })
}
