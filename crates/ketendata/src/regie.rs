//! `regie`: every StartProduct and StopProduct of the 305s and 307s that count as sent, by
//! logical key (Bsn, ToewijzingNummer, Product, Begindatum). A StatusAanlevering 3 deletes
//! the earlier record with the same key: both are kept, marked not `geldig`.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use ketenzicht_message::codes::StatusAanlevering;
use ketenzicht_message::leaf::{AgbCode, Bsn, Nummer};
use ketenzicht_message::model::Product;
use ketenzicht_message::{Bericht, Wet};
use ketenzicht_store::{Kind, Value};

use crate::link::Links;
use crate::load::{Inhoud, Interner, Msg, Tekst};
use crate::{Cx, Emit, KetendataError, Rows};

/// One StartProduct or StopProduct, as read.
#[derive(Debug)]
pub struct Regel {
    pub wet: Wet,
    pub start: bool,
    pub bsn: Tekst,
    pub aanbieder: Tekst,
    pub nummer: Option<u32>,
    pub categorie: Option<Tekst>,
    pub code: Option<Tekst>,
    pub toewijzing_ingangsdatum: Option<NaiveDate>,
    pub begindatum: NaiveDate,
    pub einddatum: Option<NaiveDate>,
    pub reden: Option<Tekst>,
    pub status: Tekst,
    pub ontvangen: NaiveDateTime,
    pub bericht_id: i64,
}

impl Regel {
    /// The product: as written, else that of the toewijzing.
    pub fn product_key<'c>(&'c self, cx: &Cx<'c>) -> &'c str {
        self.code
            .as_deref()
            .or_else(|| {
                let v = self.nummer.and_then(|n| cx.actueel.get(&(self.wet, n))).map(|&i| cx.versies[i]);
                v.map(|v| v.product_key())
            })
            .or(self.categorie.as_deref())
            .unwrap_or_default()
    }
}

/// Every StartProduct of a 305 or StopProduct of a 307, as a record.
pub fn regels_van(
    bericht: &Bericht,
    wet: Wet,
    bericht_id: i64,
    ontvangen: NaiveDateTime,
    t: &mut Interner,
) -> Vec<Regel> {
    let regel = |t: &mut Interner,
                 bsn: Bsn,
                 aanbieder: AgbCode,
                 nummer: Option<Nummer>,
                 p: &Option<Product>,
                 status: StatusAanlevering| Regel {
        wet,
        start: true,
        bsn: t.of(bsn),
        aanbieder: t.of(aanbieder),
        nummer: nummer.map(|n| n.0),
        categorie: p.as_ref().map(|p| t.of(p.categorie)),
        code: p.as_ref().and_then(|p| p.code.as_ref()).map(|c| t.of(c)),
        toewijzing_ingangsdatum: None,
        begindatum: NaiveDate::MIN,
        einddatum: None,
        reden: None,
        status: t.of(status),
        ontvangen,
        bericht_id,
    };
    match bericht {
        Bericht::Start(b) => b
            .client
            .start_producten
            .iter()
            .map(|p| Regel {
                toewijzing_ingangsdatum: p.toewijzing_ingangsdatum.map(|d| d.0),
                begindatum: p.begindatum.0,
                ..regel(t, b.client.bsn, b.header.afzender, p.toewijzing_nummer, &p.product, p.status_aanlevering)
            })
            .collect(),
        Bericht::Stop(b) => b
            .client
            .stop_producten
            .iter()
            .map(|p| Regel {
                start: false,
                toewijzing_ingangsdatum: p.toewijzing_ingangsdatum.map(|d| d.0),
                begindatum: p.begindatum.0,
                einddatum: Some(p.einddatum.0),
                reden: Some(t.of(p.reden_beeindiging)),
                ..regel(t, b.client.bsn, b.header.afzender, p.toewijzing_nummer, &p.product, p.status_aanlevering)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The starts and stops of the 305s and 307s that count as sent, in receipt order, each
/// with whether it is valid: a deletion (3) invalidates itself and the last valid record with
/// the same key.
pub fn regels<'a>(msgs: &'a [Msg], links: &Links) -> Vec<(&'a Regel, bool)> {
    let mut out: Vec<(&Regel, bool)> = Vec::new();
    for (i, m) in msgs.iter().enumerate() {
        if let Inhoud::Regie(regels) = &m.inhoud
            && links.telt(msgs, i)
        {
            out.extend(regels.iter().map(|r| (r, true)));
        }
    }
    type Key<'r> = (Wet, bool, &'r str, Option<u32>, Option<&'r str>, NaiveDate);
    let mut last: HashMap<Key<'_>, usize> = HashMap::new();
    for i in 0..out.len() {
        let r = out[i].0;
        let key = (r.wet, r.start, &*r.bsn, r.nummer, r.code.as_deref(), r.begindatum);
        if &*r.status == "3" {
            out[i].1 = false;
            if let Some(j) = last.remove(&key) {
                out[j].1 = false;
            }
        } else {
            last.insert(key, i);
        }
    }
    out
}

pub fn build(cx: &Cx<'_>, emit: &mut Emit<'_>) -> Result<(), KetendataError> {
    let mut table = Rows::new(
        crate::table_with_kop(&[
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
        ]),
        emit,
    );
    for &(r, geldig) in &cx.regels {
        table.push(
            cx.kop(r.bericht_id, r.wet, &r.aanbieder, &r.bsn, r.product_key(cx))
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
                    geldig.into(),
                    r.ontvangen.into(),
                    Value::Int(r.ontvangen.year().into()),
                ])
                .collect(),
        )?;
    }
    table.finish()
}
