//! The Ketendata columns the indicators read, as typed rows: only the needed columns are read
//! from Parquet and converted straight from Arrow, text is interned (see [`Pool`]), and rows
//! received after the peildatum are left out.

use std::collections::HashMap;

use std::cell::OnceCell;

use arrow_array::types::Int32Type;
use arrow_array::{
    Array, BooleanArray, Date32Array, DictionaryArray, Int32Array, Int64Array, RecordBatch, StringArray,
    TimestampSecondArray,
};
use chrono::{NaiveDate, NaiveDateTime};
use ketenzicht_store::Lake;
use ketenzicht_store::ledger::QuarantaineRow;
use ketenzicht_store::parquet_io::{date32, read_batches_dictionary, timestamp_seconds};

use crate::IndicatorError;
use crate::defs::{Bron, Definitie};
pub use crate::pool::{Pool, Sym};

/// Typed access to the columns of one record batch, with errors that name table and column.
struct Batch<'b> {
    batch: &'b RecordBatch,
    table: &'static str,
}

impl<'b> Batch<'b> {
    fn column<T: 'static>(&self, name: &str) -> Result<&'b T, IndicatorError> {
        let missing = || IndicatorError::Column { table: self.table, column: name.to_owned() };
        self.batch.column_by_name(name).ok_or_else(missing)?.as_any().downcast_ref::<T>().ok_or_else(missing)
    }
    fn text(&self, name: &str) -> Result<Texts<'b>, IndicatorError> {
        if let Ok(dict) = self.column::<DictionaryArray<Int32Type>>(name)
            && let Some(values) = dict.values().as_any().downcast_ref::<StringArray>()
        {
            return Ok(Texts::Dictionary { keys: dict.keys(), values, syms: OnceCell::new() });
        }
        self.column::<StringArray>(name).map(Texts::Plain)
    }
    /// A text column that may have been left out of the read (`None` then).
    fn opt_text(&self, name: &str) -> Result<Option<Texts<'b>>, IndicatorError> {
        if self.batch.column_by_name(name).is_none() { Ok(None) } else { self.text(name).map(Some) }
    }
    fn int(&self, name: &str) -> Result<Ints<'b>, IndicatorError> {
        self.column::<Int64Array>(name).map(Ints)
    }
    fn date(&self, name: &str) -> Result<Dates<'b>, IndicatorError> {
        self.column::<Date32Array>(name).map(Dates)
    }
    fn time(&self, name: &str) -> Result<Times<'b>, IndicatorError> {
        self.column::<TimestampSecondArray>(name).map(Times)
    }
    fn flag(&self, name: &str) -> Result<Flags<'b>, IndicatorError> {
        self.column::<BooleanArray>(name).map(Flags)
    }
}

/// A text column: plain, or as Parquet's dictionary (each distinct value interned once).
enum Texts<'b> {
    Plain(&'b StringArray),
    Dictionary { keys: &'b Int32Array, values: &'b StringArray, syms: OnceCell<Vec<Sym>> },
}
impl Texts<'_> {
    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Texts::Plain(a) => (!a.is_null(i)).then(|| a.value(i)),
            Texts::Dictionary { keys, values, .. } => (!keys.is_null(i)).then(|| values.value(keys.value(i) as usize)),
        }
    }
    fn sym(&self, i: usize, pool: &mut Pool) -> Sym {
        match self {
            Texts::Plain(_) => self.get(i).map_or(Sym::EMPTY, |s| pool.intern(s)),
            Texts::Dictionary { keys, values, syms } => {
                if keys.is_null(i) {
                    return Sym::EMPTY;
                }
                let syms = syms.get_or_init(|| {
                    (0..values.len())
                        .map(|v| if values.is_null(v) { Sym::EMPTY } else { pool.intern(values.value(v)) })
                        .collect()
                });
                syms.get(keys.value(i) as usize).copied().unwrap_or(Sym::EMPTY)
            }
        }
    }
}
struct Ints<'b>(&'b Int64Array);
impl Ints<'_> {
    fn get(&self, i: usize) -> Option<i64> {
        (!self.0.is_null(i)).then(|| self.0.value(i))
    }
}
struct Dates<'b>(&'b Date32Array);
impl Dates<'_> {
    fn get(&self, i: usize) -> Option<NaiveDate> {
        if self.0.is_null(i) { None } else { date32(self.0.value(i)) }
    }
}
struct Times<'b>(&'b TimestampSecondArray);
impl Times<'_> {
    fn get(&self, i: usize) -> Option<NaiveDateTime> {
        if self.0.is_null(i) { None } else { timestamp_seconds(self.0.value(i)) }
    }
}
struct Flags<'b>(&'b BooleanArray);
impl Flags<'_> {
    fn get(&self, i: usize) -> bool {
        !self.0.is_null(i) && self.0.value(i)
    }
}

/// A 32-hex-digit pseudonym as a number (0 when absent or malformed).
fn hex128(s: Option<&str>) -> u128 {
    s.and_then(|s| u128::from_str_radix(s, 16).ok()).unwrap_or(0)
}

/// A row of `berichten`.
#[derive(Debug, Clone)]
pub struct Bericht {
    pub bericht_id: i64,
    pub wet: Sym,
    pub bericht: Sym,
    pub heen: bool,
    pub aanbieder: Sym,
    pub dagtekening: Option<NaiveDate>,
    pub ontvangen: NaiveDateTime,
    pub leveringen: i64,
    pub transport_afgewezen: bool,
    pub antwoord_ontvangen: Option<NaiveDateTime>,
    pub oordeel: Sym,
    pub afwijzingscodes: Vec<Sym>,
}

/// A version of a toewijzing (`toewijzingen`).
#[derive(Debug, Clone)]
pub struct Toewijzing {
    pub bericht_id: i64,
    pub wet: Sym,
    pub aanbieder: Sym,
    pub traject: u128,
    pub nummer: i64,
    pub actueel: bool,
    pub vervallen: bool,
    pub categorie: Sym,
    pub referentie: Sym,
    pub ingangsdatum: Option<NaiveDate>,
    pub einddatum: Option<NaiveDate>,
    pub toewijzingsdatum: Option<NaiveDate>,
    pub reden_wijziging: Sym,
    pub ontvangen: NaiveDateTime,
}

/// A VOT product or a VOW (`verzoeken`).
#[derive(Debug, Clone)]
pub struct Verzoek {
    pub bericht_id: i64,
    pub wet: Sym,
    pub aanbieder: Sym,
    pub traject: u128,
    pub vow: bool,
    pub referentie: Sym,
    pub categorie: Sym,
    /// The request's Dagtekening (the 8 weeks of "in onderzoek" run from it).
    pub dagtekening: Option<NaiveDate>,
    pub ontvangen: NaiveDateTime,
    pub eerste_antwoord_ontvangen: Option<NaiveDateTime>,
    /// Receipt of the 319 "in onderzoek", when one came.
    pub in_onderzoek: Option<NaiveDateTime>,
    /// `toewijzing` or `afwijzing`.
    pub definitief_antwoord: Sym,
    pub definitief_antwoord_ontvangen: Option<NaiveDateTime>,
    pub reden_afwijzing: Sym,
}

/// A StartProduct or StopProduct (`regie`).
#[derive(Debug, Clone)]
pub struct Regie {
    pub bericht_id: i64,
    pub wet: Sym,
    pub aanbieder: Sym,
    pub traject: u128,
    pub stop: bool,
    pub nummer: i64,
    pub categorie: Sym,
    pub toewijzing_ingangsdatum: Option<NaiveDate>,
    pub begindatum: Option<NaiveDate>,
    pub einddatum: Option<NaiveDate>,
    pub reden_beeindiging: Sym,
    /// StatusAanlevering 3: deletes the record with the same key.
    pub verwijdering: bool,
    pub geldig: bool,
    pub ontvangen: NaiveDateTime,
}

/// A 323 (`declaraties`).
#[derive(Debug, Clone)]
pub struct Declaratie {
    pub bericht_id: i64,
    pub wet: Sym,
    pub aanbieder: Sym,
    pub periode_eind: Option<NaiveDate>,
    pub dagtekening: Option<NaiveDate>,
    pub ontvangen: NaiveDateTime,
}

/// A Prestatie of a 323 (`prestaties`).
#[derive(Debug, Clone)]
pub struct Prestatie {
    pub bericht_id: i64,
    pub wet: Sym,
    pub aanbieder: Sym,
    pub traject: u128,
    pub credit: bool,
    pub categorie: Sym,
    pub nummer: Option<i64>,
    pub ontvangen: NaiveDateTime,
}

/// An unreadable file refused at transport, kept in quarantine: (wet, bericht, receipt) from
/// the routing data.
pub type Onleesbaar = (String, String, NaiveDateTime);

/// The unreadable files refused at transport per gemeente, from the quarantine entries.
pub fn onleesbaar(quarantaine: &[QuarantaineRow]) -> HashMap<String, Vec<Onleesbaar>> {
    let mut out: HashMap<String, Vec<Onleesbaar>> = HashMap::new();
    for q in quarantaine {
        let refused = q.transport.as_deref().is_some_and(|t| t != "geaccepteerd");
        let (Some(gemeente), Some(bericht), Some(ontvangen), true, "onleesbaar") =
            (&q.gemeente, &q.bericht, &q.ontvangen, refused, q.soort.as_str())
        else {
            continue;
        };
        let Ok(ontvangen) = NaiveDateTime::parse_from_str(ontvangen, "%Y-%m-%dT%H:%M:%S") else { continue };
        let wet = if bericht.starts_with("JW") { "iJw" } else { "iWmo" };
        out.entry(gemeente.clone()).or_default().push((wet.to_owned(), bericht.clone(), ontvangen));
    }
    out
}

/// Which tables to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Need {
    /// Read the traject ids (to keep items for drill-down).
    pub trajecten: bool,
    pub berichten: bool,
    pub toewijzingen: bool,
    pub verzoeken: bool,
    pub regie: bool,
    pub declaraties: bool,
}

impl Need {
    /// The tables these indicators read.
    pub fn of(indicators: &[&Definitie]) -> Need {
        let mut need = Need::default();
        for d in indicators {
            match d.bron {
                Bron::Berichten => need.berichten = true,
                Bron::Regie => {
                    need.regie = true;
                    // These follow the starts and stops alone; the others need the 301s.
                    let regie_alone = ["wachttijd_toewijzing_start", "trajectduur", "stop_tijdig", "stops_per_reden"];
                    need.toewijzingen |= !regie_alone.contains(&d.id);
                }
                Bron::Verzoeken => {
                    need.verzoeken = true;
                    need.toewijzingen |= d.id == "doorlooptijd_verzoek_toewijzing";
                }
                Bron::Declaraties => need.declaraties = true,
            }
        }
        need
    }
}

/// The Ketendata of one gemeente as far as the indicators need it.
#[derive(Debug, Default)]
pub struct Input {
    pub gemeente: String,
    pub pool: Pool,
    pub berichten: Vec<Bericht>,
    pub toewijzingen: Vec<Toewijzing>,
    pub verzoeken: Vec<Verzoek>,
    pub regie: Vec<Regie>,
    pub declaraties: Vec<Declaratie>,
    pub prestaties: Vec<Prestatie>,
    /// Unreadable files refused at transport (in quarantine): (wet, bericht, receipt).
    pub onleesbaar: Vec<(Sym, Sym, NaiveDateTime)>,
    /// The interned names of the heenberichten: (wet, number, name).
    namen: Vec<(Sym, u16, Sym)>,
}

/// The heenbericht numbers items refer to by name.
const HEEN: [u16; 6] = [301, 305, 307, 315, 317, 323];

/// Read the named columns of one table into rows: `load_table!((lake, skip), "regie", gemeente,
/// [wet: text, begindatum: date], |i| push(...))` reads the columns as typed arrays named
/// after them, then runs the body for every row index `i`.
macro_rules! load_table {
    ($lake:expr, $table:literal, $gemeente:expr, [$($name:ident: $kind:ident),* $(,)?], |$i:ident| $body:block) => {
        each_batch($lake, $table, $gemeente, &[$(stringify!($name)),*], |b| {
            $(let $name = b.$kind(stringify!($name))?;)*
            for $i in 0..b.batch.num_rows() $body
            Ok(())
        })
    };
}

/// Call `each` for every record batch of every file of one table, with typed column access.
fn each_batch(
    (lake, skip): (&Lake, &[&str]),
    table: &'static str,
    gemeente: &str,
    columns: &[&str],
    mut each: impl FnMut(&Batch<'_>) -> Result<(), IndicatorError>,
) -> Result<(), IndicatorError> {
    let columns: Vec<&str> = columns.iter().copied().filter(|c| !skip.contains(c)).collect();
    for file in ketenzicht_ketendata::files(lake, table, gemeente)? {
        let (_, batches) = read_batches_dictionary(&file, Some(&columns))?;
        for batch in &batches {
            each(&Batch { batch, table })?;
        }
    }
    Ok(())
}

impl Input {
    /// An empty input for one gemeente.
    pub fn new(gemeente: &str) -> Input {
        let mut input = Input { gemeente: gemeente.to_owned(), ..Input::default() };
        for (wet, prefix) in [("iJw", "JW"), ("iWmo", "WMO")] {
            let w = input.pool.intern(wet);
            for nummer in HEEN {
                let naam = input.pool.intern(&format!("{prefix}{nummer}"));
                input.namen.push((w, nummer, naam));
            }
        }
        input
    }

    /// The name of a heenbericht in a law: `JW305`, `WMO305` (empty for another number).
    pub fn naam(&self, wet: Sym, nummer: u16) -> Sym {
        self.namen.iter().find(|(w, n, _)| *w == wet && *n == nummer).map_or(Sym::EMPTY, |(_, _, s)| *s)
    }

    /// The interned text, if it occurs in this input (for comparisons without interning).
    pub fn sym(&self, text: &str) -> Option<Sym> {
        self.pool.find(text)
    }

    pub fn text(&self, sym: Sym) -> &str {
        self.pool.get(sym)
    }

    /// Read what the indicators need of one gemeente, leaving out rows received after
    /// `peildatum`.
    pub fn load(
        lake: &Lake,
        gemeente: &str,
        need: Need,
        onleesbaar: Vec<Onleesbaar>,
        peildatum: NaiveDate,
    ) -> Result<Input, IndicatorError> {
        let mut inp = Input::new(gemeente);
        // Traject ids are only for drill-down.
        let skip: Vec<&str> = if need.trajecten { Vec::new() } else { vec!["traject_id"] };
        if need.berichten {
            inp.load_berichten(lake, &skip)?;
            for (wet, bericht, ontvangen) in onleesbaar {
                let entry = (inp.pool.intern(&wet), inp.pool.intern(&bericht), ontvangen);
                inp.onleesbaar.push(entry);
            }
        }
        if need.toewijzingen {
            inp.load_toewijzingen(lake, &skip)?;
        }
        if need.verzoeken {
            inp.load_verzoeken(lake, &skip)?;
        }
        if need.regie {
            inp.load_regie(lake, &skip)?;
        }
        if need.declaraties {
            inp.load_declaraties(lake, &skip)?;
        }
        inp.retain_until(peildatum);
        Ok(inp)
    }

    fn load_berichten(&mut self, lake: &Lake, skip: &[&str]) -> Result<(), IndicatorError> {
        let (pool, out) = (&mut self.pool, &mut self.berichten);
        load_table!((lake, skip), "berichten", &self.gemeente, [
            bericht_id: int, wet: text, bericht: text, soort: text, aanbieder: text, dagtekening: date,
            ontvangen: time, leveringen: int, transport: text, antwoord_ontvangen: time,
            retour_oordeel: text, afwijzingscodes: text,
        ], |i| {
            out.push(Bericht {
                bericht_id: bericht_id.get(i).unwrap_or_default(),
                wet: wet.sym(i, pool),
                bericht: bericht.sym(i, pool),
                heen: soort.get(i) == Some("heen"),
                aanbieder: aanbieder.sym(i, pool),
                dagtekening: dagtekening.get(i),
                ontvangen: ontvangen.get(i).unwrap_or_default(),
                leveringen: leveringen.get(i).unwrap_or(1),
                transport_afgewezen: transport.get(i) == Some("afgewezen"),
                antwoord_ontvangen: antwoord_ontvangen.get(i),
                oordeel: retour_oordeel.sym(i, pool),
                afwijzingscodes: afwijzingscodes
                    .get(i)
                    .map(|c| c.split(' ').map(|c| pool.intern(c)).collect())
                    .unwrap_or_default(),
        });
        })
    }

    fn load_toewijzingen(&mut self, lake: &Lake, skip: &[&str]) -> Result<(), IndicatorError> {
        let (pool, out) = (&mut self.pool, &mut self.toewijzingen);
        load_table!((lake, skip), "toewijzingen", &self.gemeente, [
            bericht_id: int, wet: text, aanbieder: text, traject_id: opt_text, toewijzing_nummer: int,
            actueel: flag, vervallen: flag, product_categorie: text, referentie_aanbieder: text,
            ingangsdatum: date, einddatum: date, toewijzingsdatum: date, reden_wijziging: text,
            ontvangen: time,
        ], |i| {
            out.push(Toewijzing {
                bericht_id: bericht_id.get(i).unwrap_or_default(),
                wet: wet.sym(i, pool),
                aanbieder: aanbieder.sym(i, pool),
                traject: hex128(traject_id.as_ref().and_then(|c| c.get(i))),
                nummer: toewijzing_nummer.get(i).unwrap_or_default(),
                actueel: actueel.get(i),
                vervallen: vervallen.get(i),
                categorie: product_categorie.sym(i, pool),
                referentie: referentie_aanbieder.sym(i, pool),
                ingangsdatum: ingangsdatum.get(i),
                einddatum: einddatum.get(i),
                toewijzingsdatum: toewijzingsdatum.get(i),
                reden_wijziging: reden_wijziging.sym(i, pool),
                ontvangen: ontvangen.get(i).unwrap_or_default(),
        });
        })
    }

    fn load_verzoeken(&mut self, lake: &Lake, skip: &[&str]) -> Result<(), IndicatorError> {
        let (pool, out) = (&mut self.pool, &mut self.verzoeken);
        load_table!((lake, skip), "verzoeken", &self.gemeente, [
            bericht_id: int, wet: text, aanbieder: text, traject_id: opt_text, soort: text,
            referentie_aanbieder: text, product_categorie: text, dagtekening: date, ontvangen: time,
            eerste_antwoord_ontvangen: time, in_onderzoek_ontvangen: time, definitief_antwoord: text,
            definitief_antwoord_ontvangen: time, reden_afwijzing: text,
        ], |i| {
            out.push(Verzoek {
                bericht_id: bericht_id.get(i).unwrap_or_default(),
                wet: wet.sym(i, pool),
                aanbieder: aanbieder.sym(i, pool),
                traject: hex128(traject_id.as_ref().and_then(|c| c.get(i))),
                vow: soort.get(i) == Some("VOW"),
                referentie: referentie_aanbieder.sym(i, pool),
                categorie: product_categorie.sym(i, pool),
                dagtekening: dagtekening.get(i),
                ontvangen: ontvangen.get(i).unwrap_or_default(),
                eerste_antwoord_ontvangen: eerste_antwoord_ontvangen.get(i),
                in_onderzoek: in_onderzoek_ontvangen.get(i),
                definitief_antwoord: definitief_antwoord.sym(i, pool),
                definitief_antwoord_ontvangen: definitief_antwoord_ontvangen.get(i),
                reden_afwijzing: reden_afwijzing.sym(i, pool),
        });
        })
    }

    fn load_regie(&mut self, lake: &Lake, skip: &[&str]) -> Result<(), IndicatorError> {
        let (pool, out) = (&mut self.pool, &mut self.regie);
        load_table!((lake, skip), "regie", &self.gemeente, [
            bericht_id: int, wet: text, aanbieder: text, traject_id: opt_text, soort: text,
            toewijzing_nummer: int, product_categorie: text, toewijzing_ingangsdatum: date, begindatum: date,
            einddatum: date, reden_beeindiging: text, status_aanlevering: text, geldig: flag,
            ontvangen: time,
        ], |i| {
            out.push(Regie {
                bericht_id: bericht_id.get(i).unwrap_or_default(),
                wet: wet.sym(i, pool),
                aanbieder: aanbieder.sym(i, pool),
                traject: hex128(traject_id.as_ref().and_then(|c| c.get(i))),
                stop: soort.get(i) == Some("stop"),
                nummer: toewijzing_nummer.get(i).unwrap_or_default(),
                categorie: product_categorie.sym(i, pool),
                toewijzing_ingangsdatum: toewijzing_ingangsdatum.get(i),
                begindatum: begindatum.get(i),
                einddatum: einddatum.get(i),
                reden_beeindiging: reden_beeindiging.sym(i, pool),
                verwijdering: status_aanlevering.get(i) == Some("3"),
                geldig: geldig.get(i),
                ontvangen: ontvangen.get(i).unwrap_or_default(),
        });
        })
    }

    fn load_declaraties(&mut self, lake: &Lake, skip: &[&str]) -> Result<(), IndicatorError> {
        let (pool, out) = (&mut self.pool, &mut self.declaraties);
        load_table!((lake, skip), "declaraties", &self.gemeente, [
            bericht_id: int, wet: text, aanbieder: text, periode_eind: date, declaratie_dagtekening: date,
            ontvangen: time,
        ], |i| {
            out.push(Declaratie {
                bericht_id: bericht_id.get(i).unwrap_or_default(),
                wet: wet.sym(i, pool),
                aanbieder: aanbieder.sym(i, pool),
                periode_eind: periode_eind.get(i),
                dagtekening: declaratie_dagtekening.get(i),
                ontvangen: ontvangen.get(i).unwrap_or_default(),
        });
        })?;
        let (pool, out) = (&mut self.pool, &mut self.prestaties);
        load_table!((lake, skip), "prestaties", &self.gemeente, [
            bericht_id: int, wet: text, aanbieder: text, traject_id: opt_text, debet_credit: text,
            product_categorie: text, toewijzing_nummer: int, ontvangen: time,
        ], |i| {
            out.push(Prestatie {
                bericht_id: bericht_id.get(i).unwrap_or_default(),
                wet: wet.sym(i, pool),
                aanbieder: aanbieder.sym(i, pool),
                traject: hex128(traject_id.as_ref().and_then(|c| c.get(i))),
                credit: debet_credit.get(i) == Some("C"),
                categorie: product_categorie.sym(i, pool),
                nummer: toewijzing_nummer.get(i),
                ontvangen: ontvangen.get(i).unwrap_or_default(),
        });
        })
    }

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
                b.oordeel = Sym::EMPTY;
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
                v.definitief_antwoord = Sym::EMPTY;
                v.reden_afwijzing = Sym::EMPTY;
            }
        }
        self.regie.retain(|r| known(&r.ontvangen));
        self.declaraties.retain(|d| known(&d.ontvangen));
        self.prestaties.retain(|p| known(&p.ontvangen));
        self.onleesbaar.retain(|(_, _, t)| known(t));
    }
}
