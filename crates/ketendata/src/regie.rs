//! `regie`: every StartProduct and StopProduct of the 305s and 307s that count as sent, by
//! logical key (Bsn, ToewijzingNummer, Product, Begindatum). A StatusAanlevering 3 deletes
//! the earlier record with the same key: both are kept, marked not `geldig`.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use ketenzicht_message::{Bericht, Wet};
use ketenzicht_store::{Kind, Table, Value};

use crate::Cx;

#[derive(Debug, Clone)]
pub struct Regel {
    pub wet: Wet,
    pub start: bool,
    pub bsn: String,
    pub aanbieder: String,
    pub nummer: Option<u32>,
    pub categorie: Option<String>,
    pub code: Option<String>,
    pub toewijzing_ingangsdatum: Option<NaiveDate>,
    pub begindatum: NaiveDate,
    pub einddatum: Option<NaiveDate>,
    pub reden: Option<String>,
    pub status: String,
    pub geldig: bool,
    pub ontvangen: NaiveDateTime,
    pub bericht_id: i64,
}

impl Regel {
    /// The product: as written, else that of the toewijzing.
    pub fn product_key(&self, cx: &Cx<'_>) -> String {
        self.code
            .clone()
            .or_else(|| {
                let v = self.nummer.and_then(|n| cx.actueel.get(&(self.wet, n))).map(|&i| &cx.versies[i]);
                v.map(|v| v.product_key())
            })
            .or_else(|| self.categorie.clone())
            .unwrap_or_default()
    }
}

/// One StartProduct or StopProduct: ToewijzingNummer, Product, (ToewijzingIngangsdatum,
/// Begindatum, Einddatum of a stop), RedenBeeindiging, StatusAanlevering.
type Item<'a> = (
    Option<ketenzicht_message::leaf::Nummer>,
    &'a Option<ketenzicht_message::model::Product>,
    (Option<NaiveDate>, NaiveDate, Option<NaiveDate>),
    Option<String>,
    String,
);

pub fn regels(cx: &Cx<'_>) -> Vec<Regel> {
    let mut out: Vec<Regel> = Vec::new();
    for (i, m) in cx.msgs.iter().enumerate() {
        if !cx.links.telt(cx.msgs, i) {
            continue;
        }
        let wet = m.message.wet;
        let product = |p: &Option<ketenzicht_message::model::Product>| {
            (
                p.as_ref().map(|p| p.categorie.to_string()),
                p.as_ref().and_then(|p| p.code.as_ref()).map(ToString::to_string),
            )
        };
        let (bsn, aanbieder, items): (String, String, Vec<Item<'_>>) = match &m.message.bericht {
            Bericht::Start(b) => (
                b.client.bsn.to_string(),
                b.header.afzender.to_string(),
                b.client
                    .start_producten
                    .iter()
                    .map(|p| {
                        let dates = (p.toewijzing_ingangsdatum.map(|d| d.0), p.begindatum.0, None);
                        (p.toewijzing_nummer, &p.product, dates, None, p.status_aanlevering.to_string())
                    })
                    .collect(),
            ),
            Bericht::Stop(b) => (
                b.client.bsn.to_string(),
                b.header.afzender.to_string(),
                b.client
                    .stop_producten
                    .iter()
                    .map(|p| {
                        let dates = (p.toewijzing_ingangsdatum.map(|d| d.0), p.begindatum.0, Some(p.einddatum.0));
                        let reden = Some(p.reden_beeindiging.to_string());
                        (p.toewijzing_nummer, &p.product, dates, reden, p.status_aanlevering.to_string())
                    })
                    .collect(),
            ),
            _ => continue,
        };
        for (nummer, p, (ingang, begindatum, einddatum), reden, status) in items {
            let (categorie, code) = product(p);
            out.push(Regel {
                wet,
                start: einddatum.is_none(),
                bsn: bsn.clone(),
                aanbieder: aanbieder.clone(),
                nummer: nummer.map(|n| n.0),
                categorie,
                code,
                toewijzing_ingangsdatum: ingang,
                begindatum,
                einddatum,
                reden,
                status,
                geldig: true,
                ontvangen: m.ontvangen,
                bericht_id: m.id,
            });
        }
    }
    // A deletion (3) invalidates itself and the last valid record with the same key.
    type Key = (Wet, bool, String, Option<u32>, Option<String>, NaiveDate);
    let mut last: HashMap<Key, usize> = HashMap::new();
    for i in 0..out.len() {
        let r = &out[i];
        let key = (r.wet, r.start, r.bsn.clone(), r.nummer, r.code.clone(), r.begindatum);
        if r.status == "3" {
            out[i].geldig = false;
            if let Some(j) = last.remove(&key) {
                out[j].geldig = false;
            }
        } else {
            last.insert(key, i);
        }
    }
    out
}

pub fn build(cx: &Cx<'_>) -> Table {
    let mut table = crate::table_with_kop(&[
        ("soort", Kind::Text),
        ("toewijzing_nummer", Kind::Int),
        ("product_categorie", Kind::Text),
        ("product_code", Kind::Text),
        ("toewijzing_ingangsdatum", Kind::Date),
        ("begindatum", Kind::Date),
        ("einddatum", Kind::Date),
        ("reden_beeindiging", Kind::Text),
        ("status_aanlevering", Kind::Text),
        ("geldig", Kind::Bool),
        ("ontvangen", Kind::Timestamp),
        ("jaar", Kind::Int),
    ]);
    for r in &cx.regels {
        table.push(
            cx.kop(r.bericht_id, r.wet, &r.aanbieder, &r.bsn, &r.product_key(cx))
                .into_iter()
                .chain([
                    (if r.start { "start" } else { "stop" }).into(),
                    r.nummer.map(i64::from).into(),
                    r.categorie.clone().into(),
                    r.code.clone().into(),
                    r.toewijzing_ingangsdatum.into(),
                    r.begindatum.into(),
                    r.einddatum.into(),
                    r.reden.clone().into(),
                    r.status.clone().into(),
                    r.geldig.into(),
                    r.ontvangen.into(),
                    Value::Int(r.ontvangen.year().into()),
                ])
                .collect(),
        );
    }
    table
}
