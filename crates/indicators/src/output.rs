//! The report as JSON (one document) or as CSV in long form (one measure per line, for
//! Excel pivots and Power BI), and the items as CSV.

use std::io::Write;

use serde_json::{Map, Value, json};

use crate::defs::Soort;
use crate::{ItemRecord, Report, Rij, Uitslag};

fn measures(u: &Uitslag, r: &Rij) -> Vec<(&'static str, Value)> {
    let mut out: Vec<(&'static str, Value)> = vec![("n", json!(r.n))];
    for (name, n) in u.definitie.uitkomsten.iter().zip(&r.uitkomsten) {
        out.push((name, json!(n)));
    }
    if !u.definitie.noemer.is_empty() {
        out.push(("aandeel", r.aandeel.map_or(Value::Null, |a| json!(a))));
    }
    if u.definitie.soort == Soort::Duur {
        let s = r.stats.as_ref();
        out.push(("gemiddelde", s.map_or(Value::Null, |s| json!(s.gemiddelde))));
        out.push(("mediaan", s.map_or(Value::Null, |s| json!(s.mediaan))));
        out.push(("p80", s.map_or(Value::Null, |s| json!(s.p80))));
        out.push(("p90", s.map_or(Value::Null, |s| json!(s.p90))));
        out.push(("max", s.map_or(Value::Null, |s| json!(s.max))));
    }
    out
}

/// One item as a JSON object.
pub fn item_json(item: &ItemRecord) -> Value {
    json!({
        "gemeente": item.gemeente, "wet": item.wet, "aanbieder": item.aanbieder, "bericht": item.bericht,
        "productcategorie": item.productcategorie, "datum": item.datum.to_string(), "klasse": item.klasse,
        "uitkomst": item.uitkomst, "waarde": item.waarde, "bericht_id": item.bericht_id,
        "traject_id": item.traject_id, "toewijzing_nummer": item.toewijzing_nummer,
    })
}

/// The rows of one indicator as JSON objects: the dimension values, then the measures.
pub fn rows_json(report: &Report, u: &Uitslag) -> Vec<Value> {
    u.rijen
        .iter()
        .map(|r| {
            let mut row = Map::new();
            for (dim, value) in report.per.iter().zip(&r.key) {
                row.insert(dim.name().to_owned(), json!(value));
            }
            for (name, value) in measures(u, r) {
                row.insert(name.to_owned(), value);
            }
            Value::Object(row)
        })
        .collect()
}

/// The whole report as one JSON document.
pub fn to_json(report: &Report) -> Value {
    let indicatoren: Vec<Value> = report
        .uitslagen
        .iter()
        .map(|u| {
            let d = u.definitie;
            let mut obj = json!({
                "id": d.id, "naam": d.naam, "definitie": d.definitie, "regel": d.regel, "eenheid": d.eenheid,
                "soort": d.soort.as_str(), "uitkomsten": d.uitkomsten, "teller": d.teller, "noemer": d.noemer,
                "datum": d.datum, "rijen": rows_json(report, u),
            });
            if !u.items.is_empty()
                && let Some(o) = obj.as_object_mut()
            {
                o.insert("items".into(), Value::Array(u.items.iter().map(item_json).collect()));
            }
            obj
        })
        .collect();
    json!({
        "van": report.van.map(|d| d.to_string()),
        "peildatum": report.peildatum.to_string(),
        "per": report.per.iter().map(|d| d.name()).collect::<Vec<_>>(),
        "gemeenten": report.gemeenten,
        "indicatoren": indicatoren,
    })
}

/// The whole report as JSON, written as it goes (one row per line), without building the
/// document in memory: the same content as [`to_json`].
pub fn write_json(out: &mut impl Write, report: &Report) -> std::io::Result<()> {
    let text = |v: &Value| v.to_string();
    writeln!(out, "{{")?;
    writeln!(out, "  \"van\": {},", text(&json!(report.van.map(|d| d.to_string()))))?;
    writeln!(out, "  \"peildatum\": {},", text(&json!(report.peildatum.to_string())))?;
    writeln!(out, "  \"per\": {},", text(&json!(report.per.iter().map(|d| d.name()).collect::<Vec<_>>())))?;
    writeln!(out, "  \"gemeenten\": {},", text(&json!(report.gemeenten)))?;
    writeln!(out, "  \"indicatoren\": [")?;
    for (i, u) in report.uitslagen.iter().enumerate() {
        let d = u.definitie;
        let head = json!({
            "id": d.id, "naam": d.naam, "definitie": d.definitie, "regel": d.regel, "eenheid": d.eenheid,
            "soort": d.soort.as_str(), "uitkomsten": d.uitkomsten, "teller": d.teller, "noemer": d.noemer,
            "datum": d.datum,
        });
        let head = head.to_string();
        // The definition's fields, then the rows (and items) streamed.
        write!(out, "    {},\n      \"rijen\": [", &head[..head.len() - 1])?;
        for (j, r) in u.rijen.iter().enumerate() {
            // Written field by field: the same object as `rows_json`, without building it.
            write!(out, "{}\n        {{", if j == 0 { "" } else { "," })?;
            let mut first = true;
            for (dim, value) in report.per.iter().zip(&r.key) {
                write!(out, "{}\"{}\":", if first { "" } else { "," }, dim.name())?;
                serde_json::to_writer(&mut *out, value)?;
                first = false;
            }
            for (name, value) in measures(u, r) {
                write!(out, "{}\"{name}\":{value}", if first { "" } else { "," })?;
                first = false;
            }
            write!(out, "}}")?;
        }
        write!(out, "\n      ]")?;
        if !u.items.is_empty() {
            write!(out, ",\n      \"items\": [")?;
            for (j, item) in u.items.iter().enumerate() {
                write!(out, "{}\n        {}", if j == 0 { "" } else { "," }, item_json(item))?;
            }
            write!(out, "\n      ]")?;
        }
        writeln!(out, "\n    }}{}", if i + 1 == report.uitslagen.len() { "" } else { "," })?;
    }
    writeln!(out, "  ]\n}}")
}

/// CSV quoting: fields with the separator, a quote or a line break are quoted.
fn field(value: &str, sep: char) -> String {
    if value.contains([sep, '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn value_text(v: &Value, decimal_comma: bool) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) if decimal_comma => n.to_string().replace('.', ","),
        other => other.to_string(),
    }
}

/// The report in long form: `indicator, regel, <dimensions>, maat, waarde`. With
/// `excel_nl`: `;` separators, a byte order mark and comma decimals.
pub fn write_csv(out: &mut impl Write, report: &Report, excel_nl: bool) -> std::io::Result<()> {
    let sep = if excel_nl { ';' } else { ',' };
    if excel_nl {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let mut header = vec!["indicator".to_owned(), "regel".to_owned()];
    header.extend(report.per.iter().map(|d| d.name().to_owned()));
    header.extend(["maat".to_owned(), "waarde".to_owned()]);
    writeln!(out, "{}", header.join(&sep.to_string()))?;
    for u in &report.uitslagen {
        for r in &u.rijen {
            for (name, value) in measures(u, r) {
                let mut line = vec![field(u.definitie.id, sep), field(u.definitie.regel, sep)];
                line.extend(r.key.iter().map(|k| field(k, sep)));
                line.push(name.to_owned());
                line.push(field(&value_text(&value, excel_nl), sep));
                writeln!(out, "{}", line.join(&sep.to_string()))?;
            }
        }
    }
    Ok(())
}

/// The items of the report, one line each.
pub fn write_items_csv(out: &mut impl Write, report: &Report, excel_nl: bool) -> std::io::Result<()> {
    write_items_csv_filtered(out, report, excel_nl, &|_| true)
}

/// The items of the report for which `keep` holds, one line each.
pub fn write_items_csv_filtered(
    out: &mut impl Write,
    report: &Report,
    excel_nl: bool,
    keep: &dyn Fn(&ItemRecord) -> bool,
) -> std::io::Result<()> {
    let sep = if excel_nl { ';' } else { ',' };
    if excel_nl {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let columns = [
        "indicator",
        "gemeente",
        "wet",
        "aanbieder",
        "bericht",
        "productcategorie",
        "datum",
        "klasse",
        "uitkomst",
        "waarde",
        "bericht_id",
        "traject_id",
        "toewijzing_nummer",
    ];
    writeln!(out, "{}", columns.join(&sep.to_string()))?;
    for u in &report.uitslagen {
        for i in u.items.iter().filter(|i| keep(i)) {
            let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
            let cells = [
                u.definitie.id.to_owned(),
                i.gemeente.clone(),
                i.wet.clone(),
                i.aanbieder.clone(),
                i.bericht.clone(),
                i.productcategorie.clone(),
                i.datum.to_string(),
                i.klasse.clone(),
                i.uitkomst.to_owned(),
                opt(i.waarde),
                opt(i.bericht_id),
                i.traject_id.clone(),
                opt(i.toewijzing_nummer),
            ];
            writeln!(out, "{}", cells.iter().map(|c| field(c, sep)).collect::<Vec<_>>().join(&sep.to_string()))?;
        }
    }
    Ok(())
}
