//! `toewijzingen`: every version of every toegewezen product, with the current version by
//! IV013 (latest Toewijzingsdatum + Toewijzingstijd) and deletions (RedenWijziging 13).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use ketenzicht_message::Wet;
use ketenzicht_message::model::Bericht301;
use ketenzicht_store::{Kind, Value};

use crate::link::Links;
use crate::load::{Inhoud, Interner, Msg, Tekst};
use crate::{Cx, Emit, KetendataError, Rows};

/// One version of one toewijzing, as the other tables need it.
#[derive(Debug, Clone)]
pub struct Versie {
    pub wet: Wet,
    pub nummer: u32,
    pub bsn: Tekst,
    pub aanbieder: Tekst,
    pub categorie: Option<Tekst>,
    pub code: Option<Tekst>,
    pub referentie: Option<Tekst>,
    pub ingangsdatum: NaiveDate,
    pub einddatum: Option<NaiveDate>,
    pub toewijzingsdatum: NaiveDate,
    pub toewijzingstijd: Tekst,
    pub reden_wijziging: Option<Tekst>,
    pub ontvangen: NaiveDateTime,
    pub bericht_id: i64,
    pub omvang: Option<(i64, Tekst, Tekst)>,
    pub budget: Option<i64>,
    /// Only the year: the birth date itself is not needed for any purpose.
    pub geboortejaar: i32,
}

impl Versie {
    pub fn product_key(&self) -> &str {
        self.code.as_deref().or(self.categorie.as_deref()).unwrap_or_default()
    }
}

/// Every toegewezen product of one 301, as a version.
pub fn versies_van(
    b: &Bericht301,
    wet: Wet,
    bericht_id: i64,
    ontvangen: NaiveDateTime,
    t: &mut Interner,
) -> Vec<Versie> {
    b.client
        .toegewezen_producten
        .iter()
        .map(|p| Versie {
            wet,
            nummer: p.toewijzing_nummer.0,
            bsn: t.of(b.client.bsn),
            aanbieder: t.of(b.header.ontvanger),
            categorie: p.product.as_ref().map(|p| t.of(p.categorie)),
            code: p.product.as_ref().and_then(|p| p.code.as_ref()).map(|c| t.of(c)),
            referentie: p.referentie_aanbieder.as_ref().map(|r| t.of(r)),
            ingangsdatum: p.ingangsdatum.0,
            einddatum: p.einddatum.map(|d| d.0),
            toewijzingsdatum: p.toewijzingsdatum.0,
            toewijzingstijd: t.of(p.toewijzingstijd),
            reden_wijziging: p.reden_wijziging.map(|r| t.of(r)),
            ontvangen,
            bericht_id,
            omvang: p.omvang.as_ref().map(|o| (o.volume.0.into(), t.of(o.eenheid), t.of(o.frequentie))),
            budget: p.budget.map(|b| b.0.into()),
            geboortejaar: b.client.geboortedatum.datum.0.year(),
        })
        .collect()
}

/// All versions of the 301s that count as sent, in receipt order.
pub fn versies<'a>(msgs: &'a [Msg], links: &Links) -> Vec<&'a Versie> {
    let mut out = Vec::new();
    for (i, m) in msgs.iter().enumerate() {
        if let Inhoud::Toewijzing(versies) = &m.inhoud
            && links.telt(msgs, i)
        {
            out.extend(versies);
        }
    }
    out
}

/// Per (wet, ToewijzingNummer): the index of the current version (IV013).
pub fn actueel(versies: &[&Versie]) -> HashMap<(Wet, u32), usize> {
    let mut out: HashMap<(Wet, u32), usize> = HashMap::new();
    for (i, v) in versies.iter().enumerate() {
        let order = |v: &Versie| (v.toewijzingsdatum, v.toewijzingstijd.clone(), v.ontvangen, v.bericht_id);
        out.entry((v.wet, v.nummer))
            .and_modify(|cur| {
                if order(v) >= order(versies[*cur]) {
                    *cur = i;
                }
            })
            .or_insert(i);
    }
    out
}

pub fn build(cx: &Cx<'_>, emit: &mut Emit<'_>) -> Result<(), KetendataError> {
    let mut table = Rows::new(
        crate::table_with_kop(&[
            ("toewijzing_nummer", Kind::Int),
            ("versie", Kind::Int),
            ("actueel", Kind::Bool),
            ("vervallen", Kind::Bool),
            ("product_categorie", Kind::Text),
            ("product_code", Kind::Text),
            ("referentie_aanbieder", Kind::Text),
            ("ingangsdatum", Kind::Date),
            ("einddatum", Kind::Date),
            ("toewijzingsdatum", Kind::Date),
            ("toewijzingstijd", Kind::Text),
            ("reden_wijziging", Kind::Text),
            ("omvang_volume", Kind::Int),
            ("omvang_eenheid", Kind::Text),
            ("omvang_frequentie", Kind::Text),
            ("budget", Kind::Int),
            ("geboortejaar", Kind::Int),
            ("ontvangen", Kind::Timestamp),
            ("jaar", Kind::Int),
        ]),
        emit,
    );
    let versies = &cx.versies;
    let mut volgnummer: HashMap<(Wet, u32), i64> = HashMap::new();
    let mut order: Vec<usize> = (0..versies.len()).collect();
    order.sort_by_key(|&i| {
        let v = &versies[i];
        (v.toewijzingsdatum, v.toewijzingstijd.clone(), v.ontvangen, v.bericht_id)
    });
    let mut versie_of = vec![0i64; versies.len()];
    for i in order {
        let n = volgnummer.entry((versies[i].wet, versies[i].nummer)).or_default();
        *n += 1;
        versie_of[i] = *n;
    }
    for (i, v) in versies.iter().enumerate() {
        let current = cx.actueel.get(&(v.wet, v.nummer)).copied();
        let vervallen = current.is_some_and(|c| versies[c].reden_wijziging.as_deref() == Some("13"));
        table.push(
            cx.kop(v.bericht_id, v.wet, &v.aanbieder, &v.bsn, v.product_key())
                .into_iter()
                .chain([
                    i64::from(v.nummer).into(),
                    versie_of[i].into(),
                    (current == Some(i)).into(),
                    vervallen.into(),
                    v.categorie.clone().into(),
                    v.code.clone().into(),
                    v.referentie.clone().into(),
                    v.ingangsdatum.into(),
                    v.einddatum.into(),
                    v.toewijzingsdatum.into(),
                    v.toewijzingstijd.clone().into(),
                    v.reden_wijziging.clone().into(),
                    v.omvang.as_ref().map(|o| o.0).into(),
                    v.omvang.as_ref().map(|o| o.1.clone()).into(),
                    v.omvang.as_ref().map(|o| o.2.clone()).into(),
                    v.budget.into(),
                    i64::from(v.geboortejaar).into(),
                    v.ontvangen.into(),
                    Value::Int(v.ontvangen.year().into()),
                ])
                .collect(),
        )?;
    }
    table.finish()
}
