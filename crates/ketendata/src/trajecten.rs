//! `zorgtrajecten`: all messages of one client for one product at one aanbieder (the
//! Ketendata traject), folded from the `verzoeken`, `toewijzingen` and `regie` tables.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use ketenzicht_store::{Kind, Table, Value};

use crate::{Emit, KetendataError, Rows};

#[derive(Debug, Default)]
struct Acc {
    ids: [Option<Value>; 6],
    eerste: Option<NaiveDateTime>,
    laatste: Option<NaiveDateTime>,
    berichten: BTreeSet<i64>,
    toewijzingen: BTreeSet<i64>,
    actief: bool,
    verzoek: Option<NaiveDateTime>,
    afgewezen: bool,
    toewijzing: Option<NaiveDateTime>,
    ingangsdatum: Option<NaiveDate>,
    begindatum: Option<NaiveDate>,
    /// The last valid start or stop: (receipt, start?, reden, einddatum).
    laatste_regie: Option<(NaiveDateTime, bool, Option<String>, Option<NaiveDate>)>,
}

fn earliest(a: Option<NaiveDateTime>, b: Option<NaiveDateTime>) -> Option<NaiveDateTime> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

struct Cols<'t> {
    table: &'t Table,
}

impl Cols<'_> {
    fn get<'r>(&self, row: &'r [Value], name: &str) -> &'r Value {
        self.table.column(name).map_or(&Value::Null, |i| &row[i])
    }
}

fn fold<'a>(accs: &'a mut BTreeMap<String, Acc>, c: &Cols<'_>, row: &[Value]) -> Option<&'a mut Acc> {
    let id = c.get(row, "traject_id").as_text()?.to_owned();
    let acc = accs.entry(id).or_default();
    if acc.ids[0].is_none() {
        acc.ids = ["gemeente", "wet", "aanbieder", "client", "product_categorie", "product_code"]
            .map(|n| Some(c.get(row, n).clone()));
    }
    let t = c.get(row, "ontvangen").as_timestamp();
    acc.eerste = earliest(acc.eerste, t);
    acc.laatste = acc.laatste.max(t);
    if let Some(id) = c.get(row, "bericht_id").as_int() {
        acc.berichten.insert(id);
    }
    Some(acc)
}

/// The trajecten, folded from the rows of `verzoeken`, `toewijzingen` and `regie` (in that
/// order, a chunk at a time) as they go to the lake.
#[derive(Debug, Default)]
pub struct Trajecten {
    accs: BTreeMap<String, Acc>,
}

impl Trajecten {
    pub fn verzoeken(&mut self, verzoeken: &Table) {
        let accs = &mut self.accs;
        let c = Cols { table: verzoeken };
        for row in &verzoeken.rows {
            let Some(acc) = fold(accs, &c, row) else { continue };
            let t = c.get(row, "ontvangen").as_timestamp();
            acc.verzoek = earliest(acc.verzoek, t);
            acc.afgewezen |= c.get(row, "definitief_antwoord").as_text() == Some("afwijzing");
        }
    }

    pub fn toewijzingen(&mut self, toewijzingen: &Table) {
        let accs = &mut self.accs;
        let c = Cols { table: toewijzingen };
        for row in &toewijzingen.rows {
            let Some(acc) = fold(accs, &c, row) else { continue };
            let t = c.get(row, "ontvangen").as_timestamp();
            if let Some(n) = c.get(row, "toewijzing_nummer").as_int() {
                acc.toewijzingen.insert(n);
            }
            if c.get(row, "actueel").as_bool() == Some(true) && c.get(row, "vervallen").as_bool() == Some(false) {
                acc.actief = true;
            }
            if acc.toewijzing.is_none_or(|cur| t.is_some_and(|t| t < cur)) {
                acc.toewijzing = t;
                acc.ingangsdatum = c.get(row, "ingangsdatum").as_date();
            }
        }
    }

    pub fn regie(&mut self, regie: &Table) {
        let accs = &mut self.accs;
        let c = Cols { table: regie };
        for row in &regie.rows {
            if c.get(row, "geldig").as_bool() != Some(true) {
                continue;
            }
            let Some(acc) = fold(accs, &c, row) else { continue };
            let Some(t) = c.get(row, "ontvangen").as_timestamp() else { continue };
            let start = c.get(row, "soort").as_text() == Some("start");
            if start && acc.begindatum.is_none() {
                acc.begindatum = c.get(row, "begindatum").as_date();
            }
            if acc.laatste_regie.as_ref().is_none_or(|(cur, ..)| t >= *cur) {
                let reden = c.get(row, "reden_beeindiging").as_text().map(str::to_owned);
                acc.laatste_regie = Some((t, start, reden, c.get(row, "einddatum").as_date()));
            }
        }
    }

    /// `zorgtrajecten`, handed to `emit` a chunk at a time.
    pub fn build(self, emit: &mut Emit<'_>) -> Result<(), KetendataError> {
        let mut table = Rows::new(
            Table::new(&[
                ("traject_id", Kind::Text),
                ("gemeente", Kind::Text),
                ("wet", Kind::Text),
                ("aanbieder", Kind::Text),
                ("client", Kind::Text),
                ("product_categorie", Kind::Text),
                ("product_code", Kind::Text),
                ("status", Kind::Text),
                ("regiestatus", Kind::Text),
                ("eerste_bericht", Kind::Timestamp),
                ("laatste_bericht", Kind::Timestamp),
                ("berichten", Kind::Int),
                ("toewijzingen", Kind::Int),
                ("verzoek_ontvangen", Kind::Timestamp),
                ("toewijzing_ontvangen", Kind::Timestamp),
                ("ingangsdatum", Kind::Date),
                ("begindatum", Kind::Date),
                ("einddatum", Kind::Date),
                ("doorlooptijd_verzoek_toewijzing_dagen", Kind::Int),
                ("wachttijd_dagen", Kind::Int),
                ("trajectduur_dagen", Kind::Int),
                ("jaar", Kind::Int),
            ]),
            emit,
        );
        for (id, acc) in self.accs {
            let regiestatus = acc.laatste_regie.as_ref().map(|(_, start, reden, _)| match (start, reden.as_deref()) {
                (true, _) => "gestart",
                (false, Some("20")) => "tijdelijk_gestopt",
                (false, _) => "gestopt",
            });
            let einddatum = acc
                .laatste_regie
                .as_ref()
                .filter(|(_, start, reden, _)| !start && reden.as_deref() != Some("20"))
                .and_then(|r| r.3);
            let status = match (regiestatus, acc.toewijzingen.is_empty(), acc.actief) {
                (Some(r), ..) => r,
                (None, false, true) => "toegewezen",
                (None, false, false) => "vervallen",
                (None, true, _) if acc.afgewezen => "afgewezen",
                (None, true, _) => "aangevraagd",
            };
            let [g, w, a, cl, cat, code] = acc.ids.map(Option::unwrap_or_default);
            table.push(vec![
                id.into(),
                g,
                w,
                a,
                cl,
                cat,
                code,
                status.into(),
                regiestatus.map(|r| if r == "gestart" { "gestart" } else { "gestopt" }).into(),
                acc.eerste.into(),
                acc.laatste.into(),
                (acc.berichten.len() as i64).into(),
                (acc.toewijzingen.len() as i64).into(),
                acc.verzoek.into(),
                acc.toewijzing.into(),
                acc.ingangsdatum.into(),
                acc.begindatum.into(),
                einddatum.into(),
                acc.verzoek.zip(acc.toewijzing).map(|(v, t)| (t.date() - v.date()).num_days()).into(),
                acc.ingangsdatum.zip(acc.begindatum).map(|(i, b)| (b - i).num_days()).into(),
                acc.begindatum.zip(einddatum).map(|(b, e)| (e - b).num_days()).into(),
                acc.eerste.map(|t| Value::Int(t.year().into())).unwrap_or(Value::Null),
            ])?;
        }
        table.finish()
    }
}
