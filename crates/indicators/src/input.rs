//! The Ketendata columns the indicators read, as typed rows: only the needed columns are read
//! from Parquet, and rows received after the peildatum are left out.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use ketenzicht_store::{Lake, Store, Table, Value};

use crate::IndicatorError;

/// Column access by name for one table, with an error that names the table and column.
struct Columns<'a> {
    table: &'a Table,
    name: &'static str,
}

impl<'a> Columns<'a> {
    fn index(&self, column: &str) -> Result<usize, IndicatorError> {
        self.table.column(column).ok_or_else(|| IndicatorError::Column { table: self.name, column: column.to_owned() })
    }
}

fn text(v: &Value) -> String {
    v.as_text().unwrap_or_default().to_owned()
}

fn read(lake: &Lake, name: &'static str, gemeente: &str, columns: &[&str]) -> Result<Table, IndicatorError> {
    Ok(ketenzicht_ketendata::read_columns(lake, name, gemeente, Some(columns))?)
}

/// Read the rows of one table into `T`, with a closure that gets a column lookup.
macro_rules! rows {
    ($store:expr, $table:literal, $gemeente:expr, [$($col:ident),* $(,)?], |$row:ident, $ix:ident| $make:expr) => {{
        let table = read($store, $table, $gemeente, &[$(stringify!($col)),*])?;
        let cols = Columns { table: &table, name: $table };
        #[allow(non_snake_case)]
        struct Ix { $($col: usize),* }
        let $ix = Ix { $($col: cols.index(stringify!($col))?),* };
        table.rows.iter().map(|$row| $make).collect::<Vec<_>>()
    }};
}

/// A row of `berichten`.
#[derive(Debug, Clone)]
pub struct Bericht {
    pub bericht_id: i64,
    pub wet: String,
    pub bericht: String,
    pub heen: bool,
    pub aanbieder: String,
    pub dagtekening: Option<NaiveDate>,
    pub ontvangen: NaiveDateTime,
    pub leveringen: i64,
    pub transport_afgewezen: bool,
    pub antwoord_ontvangen: Option<NaiveDateTime>,
    pub oordeel: Option<String>,
    pub afwijzingscodes: Vec<String>,
}

/// A version of a toewijzing (`toewijzingen`).
#[derive(Debug, Clone)]
pub struct Toewijzing {
    pub bericht_id: i64,
    pub wet: String,
    pub aanbieder: String,
    pub traject_id: String,
    pub nummer: i64,
    pub actueel: bool,
    pub vervallen: bool,
    pub categorie: String,
    pub referentie: Option<String>,
    pub ingangsdatum: Option<NaiveDate>,
    pub einddatum: Option<NaiveDate>,
    pub toewijzingsdatum: Option<NaiveDate>,
    pub reden_wijziging: Option<String>,
    pub ontvangen: NaiveDateTime,
}

/// A VOT product or a VOW (`verzoeken`).
#[derive(Debug, Clone)]
pub struct Verzoek {
    pub bericht_id: i64,
    pub wet: String,
    pub aanbieder: String,
    pub traject_id: String,
    pub vow: bool,
    pub referentie: String,
    pub categorie: String,
    pub ontvangen: NaiveDateTime,
    pub eerste_antwoord_ontvangen: Option<NaiveDateTime>,
    /// Receipt of the 319 "in onderzoek", when one came.
    pub in_onderzoek: Option<NaiveDateTime>,
    pub definitief_antwoord: Option<String>,
    pub definitief_antwoord_ontvangen: Option<NaiveDateTime>,
    pub reden_afwijzing: Option<String>,
}

/// A StartProduct or StopProduct (`regie`).
#[derive(Debug, Clone)]
pub struct Regie {
    pub bericht_id: i64,
    pub wet: String,
    pub aanbieder: String,
    pub traject_id: String,
    pub stop: bool,
    pub nummer: i64,
    pub categorie: String,
    pub toewijzing_ingangsdatum: Option<NaiveDate>,
    pub begindatum: Option<NaiveDate>,
    pub einddatum: Option<NaiveDate>,
    pub reden_beeindiging: Option<String>,
    /// StatusAanlevering 3: deletes the record with the same key.
    pub verwijdering: bool,
    pub geldig: bool,
    pub ontvangen: NaiveDateTime,
}

/// A 323 (`declaraties`).
#[derive(Debug, Clone)]
pub struct Declaratie {
    pub bericht_id: i64,
    pub wet: String,
    pub aanbieder: String,
    pub periode_eind: Option<NaiveDate>,
    pub dagtekening: Option<NaiveDate>,
    pub ontvangen: NaiveDateTime,
}

/// A Prestatie of a 323 (`prestaties`).
#[derive(Debug, Clone)]
pub struct Prestatie {
    pub bericht_id: i64,
    pub wet: String,
    pub aanbieder: String,
    pub traject_id: String,
    pub credit: bool,
    pub categorie: String,
    pub nummer: Option<i64>,
    pub ontvangen: NaiveDateTime,
}

/// An unreadable file refused at transport, kept in quarantine: (wet, bericht, receipt) from
/// the routing data.
pub type Onleesbaar = (String, String, NaiveDateTime);

/// The unreadable files refused at transport per gemeente, from the quarantine.
pub fn onleesbaar(store: &Store) -> Result<HashMap<String, Vec<Onleesbaar>>, IndicatorError> {
    let mut out: HashMap<String, Vec<Onleesbaar>> = HashMap::new();
    for q in store.ledger.quarantaine()? {
        let refused = q.transport.as_deref().is_some_and(|t| t != "geaccepteerd");
        let (Some(gemeente), Some(bericht), Some(ontvangen), true, "onleesbaar") =
            (q.gemeente, q.bericht, q.ontvangen, refused, q.soort.as_str())
        else {
            continue;
        };
        let Ok(ontvangen) = NaiveDateTime::parse_from_str(&ontvangen, "%Y-%m-%dT%H:%M:%S") else { continue };
        let wet = if bericht.starts_with("JW") { "iJw" } else { "iWmo" };
        out.entry(gemeente).or_default().push((wet.to_owned(), bericht, ontvangen));
    }
    Ok(out)
}

/// The Ketendata of one gemeente as far as the indicators need it.
#[derive(Debug, Default)]
pub struct Input {
    pub gemeente: String,
    pub berichten: Vec<Bericht>,
    pub toewijzingen: Vec<Toewijzing>,
    pub verzoeken: Vec<Verzoek>,
    pub regie: Vec<Regie>,
    pub declaraties: Vec<Declaratie>,
    pub prestaties: Vec<Prestatie>,
    /// Unreadable files refused at transport (in quarantine).
    pub onleesbaar: Vec<Onleesbaar>,
}

/// Read what the indicators need of one gemeente, leaving out rows received after `peildatum`.
pub fn load(
    store: &Lake,
    gemeente: &str,
    onleesbaar: Vec<Onleesbaar>,
    peildatum: NaiveDate,
) -> Result<Input, IndicatorError> {
    let g = gemeente;
    let ts = |v: &Value| v.as_timestamp().unwrap_or_default();
    let berichten = rows!(
        store,
        "berichten",
        g,
        [
            bericht_id,
            wet,
            bericht,
            soort,
            aanbieder,
            dagtekening,
            ontvangen,
            leveringen,
            transport,
            antwoord_ontvangen,
            retour_oordeel,
            afwijzingscodes
        ],
        |r, i| Bericht {
            bericht_id: r[i.bericht_id].as_int().unwrap_or_default(),
            wet: text(&r[i.wet]),
            bericht: text(&r[i.bericht]),
            heen: r[i.soort].as_text() == Some("heen"),
            aanbieder: text(&r[i.aanbieder]),
            dagtekening: r[i.dagtekening].as_date(),
            ontvangen: ts(&r[i.ontvangen]),
            leveringen: r[i.leveringen].as_int().unwrap_or(1),
            transport_afgewezen: r[i.transport].as_text() == Some("afgewezen"),
            antwoord_ontvangen: r[i.antwoord_ontvangen].as_timestamp(),
            oordeel: r[i.retour_oordeel].as_text().map(str::to_owned),
            afwijzingscodes: r[i.afwijzingscodes]
                .as_text()
                .map(|c| c.split(' ').map(str::to_owned).collect())
                .unwrap_or_default(),
        }
    );
    let toewijzingen = rows!(
        store,
        "toewijzingen",
        g,
        [
            bericht_id,
            wet,
            aanbieder,
            traject_id,
            toewijzing_nummer,
            actueel,
            vervallen,
            product_categorie,
            referentie_aanbieder,
            ingangsdatum,
            einddatum,
            toewijzingsdatum,
            reden_wijziging,
            ontvangen
        ],
        |r, i| Toewijzing {
            bericht_id: r[i.bericht_id].as_int().unwrap_or_default(),
            wet: text(&r[i.wet]),
            aanbieder: text(&r[i.aanbieder]),
            traject_id: text(&r[i.traject_id]),
            nummer: r[i.toewijzing_nummer].as_int().unwrap_or_default(),
            actueel: r[i.actueel].as_bool().unwrap_or(false),
            vervallen: r[i.vervallen].as_bool().unwrap_or(false),
            categorie: text(&r[i.product_categorie]),
            referentie: r[i.referentie_aanbieder].as_text().map(str::to_owned),
            ingangsdatum: r[i.ingangsdatum].as_date(),
            einddatum: r[i.einddatum].as_date(),
            toewijzingsdatum: r[i.toewijzingsdatum].as_date(),
            reden_wijziging: r[i.reden_wijziging].as_text().map(str::to_owned),
            ontvangen: ts(&r[i.ontvangen]),
        }
    );
    let verzoeken = rows!(
        store,
        "verzoeken",
        g,
        [
            bericht_id,
            wet,
            aanbieder,
            traject_id,
            soort,
            referentie_aanbieder,
            product_categorie,
            ontvangen,
            eerste_antwoord_ontvangen,
            in_onderzoek_ontvangen,
            definitief_antwoord,
            definitief_antwoord_ontvangen,
            reden_afwijzing
        ],
        |r, i| Verzoek {
            bericht_id: r[i.bericht_id].as_int().unwrap_or_default(),
            wet: text(&r[i.wet]),
            aanbieder: text(&r[i.aanbieder]),
            traject_id: text(&r[i.traject_id]),
            vow: r[i.soort].as_text() == Some("VOW"),
            referentie: text(&r[i.referentie_aanbieder]),
            categorie: text(&r[i.product_categorie]),
            ontvangen: ts(&r[i.ontvangen]),
            eerste_antwoord_ontvangen: r[i.eerste_antwoord_ontvangen].as_timestamp(),
            in_onderzoek: r[i.in_onderzoek_ontvangen].as_timestamp(),
            definitief_antwoord: r[i.definitief_antwoord].as_text().map(str::to_owned),
            definitief_antwoord_ontvangen: r[i.definitief_antwoord_ontvangen].as_timestamp(),
            reden_afwijzing: r[i.reden_afwijzing].as_text().map(str::to_owned),
        }
    );
    let regie = rows!(
        store,
        "regie",
        g,
        [
            bericht_id,
            wet,
            aanbieder,
            traject_id,
            soort,
            toewijzing_nummer,
            product_categorie,
            toewijzing_ingangsdatum,
            begindatum,
            einddatum,
            reden_beeindiging,
            status_aanlevering,
            geldig,
            ontvangen
        ],
        |r, i| Regie {
            bericht_id: r[i.bericht_id].as_int().unwrap_or_default(),
            wet: text(&r[i.wet]),
            aanbieder: text(&r[i.aanbieder]),
            traject_id: text(&r[i.traject_id]),
            stop: r[i.soort].as_text() == Some("stop"),
            nummer: r[i.toewijzing_nummer].as_int().unwrap_or_default(),
            categorie: text(&r[i.product_categorie]),
            toewijzing_ingangsdatum: r[i.toewijzing_ingangsdatum].as_date(),
            begindatum: r[i.begindatum].as_date(),
            einddatum: r[i.einddatum].as_date(),
            reden_beeindiging: r[i.reden_beeindiging].as_text().map(str::to_owned),
            verwijdering: r[i.status_aanlevering].as_text() == Some("3"),
            geldig: r[i.geldig].as_bool().unwrap_or(false),
            ontvangen: ts(&r[i.ontvangen]),
        }
    );
    let declaraties = rows!(
        store,
        "declaraties",
        g,
        [bericht_id, wet, aanbieder, periode_eind, declaratie_dagtekening, ontvangen],
        |r, i| Declaratie {
            bericht_id: r[i.bericht_id].as_int().unwrap_or_default(),
            wet: text(&r[i.wet]),
            aanbieder: text(&r[i.aanbieder]),
            periode_eind: r[i.periode_eind].as_date(),
            dagtekening: r[i.declaratie_dagtekening].as_date(),
            ontvangen: ts(&r[i.ontvangen]),
        }
    );
    let prestaties = rows!(
        store,
        "prestaties",
        g,
        [bericht_id, wet, aanbieder, traject_id, debet_credit, product_categorie, toewijzing_nummer, ontvangen],
        |r, i| Prestatie {
            bericht_id: r[i.bericht_id].as_int().unwrap_or_default(),
            wet: text(&r[i.wet]),
            aanbieder: text(&r[i.aanbieder]),
            traject_id: text(&r[i.traject_id]),
            credit: r[i.debet_credit].as_text() == Some("C"),
            categorie: text(&r[i.product_categorie]),
            nummer: r[i.toewijzing_nummer].as_int(),
            ontvangen: ts(&r[i.ontvangen]),
        }
    );
    let mut input = Input {
        gemeente: gemeente.to_owned(),
        berichten,
        toewijzingen,
        verzoeken,
        regie,
        declaraties,
        prestaties,
        onleesbaar,
    };
    input.retain_until(peildatum);
    Ok(input)
}

impl Input {
    /// Leave out everything received after `peildatum`, and answers received after it.
    pub fn retain_until(&mut self, peildatum: NaiveDate) {
        let known = |t: &NaiveDateTime| t.date() <= peildatum;
        let known_opt = |t: &mut Option<NaiveDateTime>| {
            if t.is_some_and(|t| t.date() > peildatum) {
                *t = None;
            }
        };
        self.berichten.retain(|b| known(&b.ontvangen));
        for b in &mut self.berichten {
            known_opt(&mut b.antwoord_ontvangen);
            if b.antwoord_ontvangen.is_none() {
                b.oordeel = None;
                b.afwijzingscodes.clear();
            }
        }
        self.toewijzingen.retain(|t| known(&t.ontvangen));
        self.verzoeken.retain(|v| known(&v.ontvangen));
        for v in &mut self.verzoeken {
            known_opt(&mut v.eerste_antwoord_ontvangen);
            known_opt(&mut v.in_onderzoek);
            known_opt(&mut v.definitief_antwoord_ontvangen);
            if v.definitief_antwoord_ontvangen.is_none() {
                v.definitief_antwoord = None;
                v.reden_afwijzing = None;
            }
        }
        self.regie.retain(|r| known(&r.ontvangen));
        self.declaraties.retain(|d| known(&d.ontvangen));
        self.prestaties.retain(|p| known(&p.ontvangen));
        self.onleesbaar.retain(|(_, _, t)| known(t));
    }
}
