//! The report as JSON (one document) or as CSV in long form (one measure per line, for
//! Excel pivots and Power BI), and the items as CSV.

use std::io::Write;

use serde_json::{Map, Value, json};

use crate::defs::Soort;
use ketenzicht_store::Value as StoreValue;
use ketenzicht_store::csv::{self, Dialect};

use crate::{Definitie, ItemRecord, Report, Rij, Uitslag};

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

/// A JSON object written into a buffer, field by field.
struct JsonObject<'b> {
    buf: &'b mut Vec<u8>,
    first: bool,
}

impl<'b> JsonObject<'b> {
    fn open(buf: &'b mut Vec<u8>) -> Self {
        buf.push(b'{');
        JsonObject { buf, first: true }
    }
    fn key(&mut self, name: &str) -> &mut Vec<u8> {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        self.buf.push(b'"');
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.extend_from_slice(b"\":");
        self.buf
    }
    fn text(&mut self, name: &str, value: &str) -> std::io::Result<()> {
        serde_json::to_writer(self.key(name), value).map_err(std::io::Error::from)
    }
    fn int(&mut self, name: &str, value: impl itoa::Integer) {
        let mut digits = itoa::Buffer::new();
        let text = digits.format(value);
        self.key(name).extend_from_slice(text.as_bytes());
    }
    /// A float as serde_json writes it (`null` when absent or not finite).
    fn float(&mut self, name: &str, value: Option<f64>) -> std::io::Result<()> {
        let buf = self.key(name);
        match value {
            Some(v) => serde_json::to_writer(buf, &v).map_err(std::io::Error::from),
            None => {
                buf.extend_from_slice(b"null");
                Ok(())
            }
        }
    }
    fn opt_int(&mut self, name: &str, value: Option<i64>) {
        match value {
            Some(v) => self.int(name, v),
            None => self.key(name).extend_from_slice(b"null"),
        }
    }
    fn close(self) {
        self.buf.push(b'}');
    }
}

/// The rows of one indicator as JSON text (`\n        {…},\n        {…}`), field by field:
/// the same objects as `rows_json`, without building them. A national report has
/// 100,000s of rows: they are formatted in parts on every core, in order.
fn rows_json_text(report: &Report, u: &Uitslag) -> std::io::Result<Vec<Vec<u8>>> {
    let format = |start: usize, rows: &[Rij]| -> std::io::Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(rows.len() * 160);
        for (j, r) in rows.iter().enumerate() {
            buf.extend_from_slice(if start + j == 0 { b"\n        " } else { b",\n        " });
            write_row(&mut buf, report, u, r)?;
        }
        Ok(buf)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || u.rijen.len() < 20_000 {
        return Ok(vec![format(0, &u.rijen)?]);
    }
    let size = u.rijen.len().div_ceil(threads);
    std::thread::scope(|s| {
        let parts: Vec<_> =
            u.rijen.chunks(size).enumerate().map(|(i, rows)| s.spawn(move || format(i * size, rows))).collect();
        parts.into_iter().map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

/// One row of an indicator as JSON: its dimensions, then the measures of [`measures`].
fn write_row(buf: &mut Vec<u8>, report: &Report, u: &Uitslag, r: &Rij) -> std::io::Result<()> {
    let mut o = JsonObject::open(buf);
    for (dim, value) in report.per.iter().zip(&r.key) {
        o.text(dim.name(), value)?;
    }
    o.int("n", r.n);
    for (name, n) in u.definitie.uitkomsten.iter().zip(&r.uitkomsten) {
        o.int(name, *n);
    }
    if !u.definitie.noemer.is_empty() {
        o.float("aandeel", r.aandeel)?;
    }
    if u.definitie.soort == Soort::Duur {
        let s = r.stats.as_ref();
        o.float("gemiddelde", s.map(|s| s.gemiddelde))?;
        o.opt_int("mediaan", s.map(|s| s.mediaan));
        o.opt_int("p80", s.map(|s| s.p80));
        o.opt_int("p90", s.map(|s| s.p90));
        o.opt_int("max", s.map(|s| s.max));
    }
    o.close();
    Ok(())
}

/// An indicator's definition as a JSON object (without rows).
pub fn definitie_json(d: &Definitie) -> Map<String, Value> {
    let v = json!({
        "id": d.id, "naam": d.naam, "definitie": d.definitie, "regel": d.regel, "eenheid": d.eenheid,
        "soort": d.soort.as_str(), "uitkomsten": d.uitkomsten, "teller": d.teller, "noemer": d.noemer,
        "datum": d.datum,
    });
    match v {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The fields of an item, in the order of [`item_json`] and of the item exports.
pub const ITEM_COLUMNS: [&str; 12] = [
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
            let mut obj = definitie_json(u.definitie);
            obj.insert("rijen".into(), Value::Array(rows_json(report, u)));
            if !u.items.is_empty() {
                obj.insert("items".into(), Value::Array(u.items.iter().map(item_json).collect()));
            }
            Value::Object(obj)
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
        let head = Value::Object(definitie_json(u.definitie)).to_string();
        // The definition's fields, then the rows (and items) streamed.
        write!(out, "    {},\n      \"rijen\": [", &head[..head.len() - 1])?;
        for chunk in rows_json_text(report, u)? {
            out.write_all(&chunk)?;
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

/// A JSON number or text as a CSV cell; numbers with a decimal comma for Excel-NL.
fn value_text(v: &Value, decimal_comma: bool) -> StoreValue {
    match v {
        Value::Null => StoreValue::Null,
        Value::String(s) => StoreValue::Text(s.clone()),
        Value::Number(n) if decimal_comma => StoreValue::Text(n.to_string().replace('.', ",")),
        other => StoreValue::Text(other.to_string()),
    }
}

fn dialect(excel_nl: bool) -> Dialect {
    if excel_nl { Dialect::ExcelNl } else { Dialect::Plain }
}

/// The report in long form: `indicator, regel, <dimensions>, maat, waarde`. With
/// `excel_nl`: `;` separators, a byte order mark and comma decimals.
pub fn write_csv(out: &mut impl Write, report: &Report, excel_nl: bool) -> std::io::Result<()> {
    let mut header = vec!["indicator", "regel"];
    header.extend(report.per.iter().map(|d| d.name()));
    header.extend(["maat", "waarde"]);
    csv::write_header(out, &header, dialect(excel_nl))?;
    for u in &report.uitslagen {
        for r in &u.rijen {
            for (name, value) in measures(u, r) {
                let mut line: Vec<StoreValue> = vec![u.definitie.id.into(), u.definitie.regel.into()];
                line.extend(r.key.iter().map(|k| StoreValue::from(k.as_str())));
                line.push(name.into());
                line.push(value_text(&value, excel_nl));
                csv::write_row(out, &line, dialect(excel_nl))?;
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
    let mut header = vec!["indicator"];
    header.extend(ITEM_COLUMNS);
    csv::write_header(out, &header, dialect(excel_nl))?;
    for u in &report.uitslagen {
        for i in u.items.iter().filter(|i| keep(i)) {
            let j = item_json(i);
            let mut line: Vec<StoreValue> = vec![u.definitie.id.into()];
            line.extend(ITEM_COLUMNS.iter().map(|c| value_text(&j[*c], excel_nl)));
            csv::write_row(out, &line, dialect(excel_nl))?;
        }
    }
    Ok(())
}
