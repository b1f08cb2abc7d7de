//! `declaraties` (one row per 323 that counts as sent, with its 325) and `prestaties` (one row
//! per prestatie, with the 325 verdict and the credit ↔ debit link).

use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use chrono::NaiveDate;
use ketenzicht_message::model::{BedragMetDc, Bericht323, Bericht325, TotaalBedragMetDc};
use ketenzicht_store::{Kind, Table, Value};

use crate::load::{Inhoud, Interner, Msg, Tekst};
use crate::{Cx, Emit, KetendataError, Rows};

fn signed(b: &BedragMetDc) -> i64 {
    let cents = i64::from(b.bedrag.0);
    if b.debet_credit.to_string() == "C" { -cents } else { cents }
}

fn signed_totaal(b: &TotaalBedragMetDc) -> i64 {
    let cents = i64::try_from(b.totaal_bedrag.0).unwrap_or(i64::MAX);
    if b.debet_credit.to_string() == "C" { -cents } else { cents }
}

/// What `declaraties` and `prestaties` need of a 323.
#[derive(Debug)]
pub struct Declaratie {
    aanbieder: Tekst,
    nummer: Tekst,
    periode: (NaiveDate, NaiveDate),
    dagtekening: NaiveDate,
    totaal_ingediend: i64,
    prestaties: Vec<Prestatie>,
}

#[derive(Debug)]
struct Prestatie {
    bsn: Tekst,
    referentie: Tekst,
    vorig: Option<Tekst>,
    debet_credit: Tekst,
    toewijzing_nummer: u32,
    categorie: Tekst,
    code: Tekst,
    periode: (NaiveDate, NaiveDate),
    volume: i64,
    eenheid: Tekst,
    tarief: Option<i64>,
    ingediend: i64,
}

pub fn declaratie_van(b: &Bericht323, t: &mut Interner) -> Declaratie {
    let d = &b.declaratie;
    let prestaties = d
        .clienten
        .iter()
        .flat_map(|c| c.prestaties.iter().map(move |p| (c.bsn, p)))
        .map(|(bsn, p)| Prestatie {
            bsn: t.of(bsn),
            referentie: t.of(&p.product_referentie.referentie_nummer),
            vorig: p.product_referentie.vorig_referentie_nummer.as_ref().map(|v| t.of(v)),
            debet_credit: t.of(p.ingediend_bedrag.debet_credit),
            toewijzing_nummer: p.toewijzing_nummer.0,
            categorie: t.of(p.product_categorie),
            code: t.of(&p.product_code),
            periode: (p.product_periode.begindatum.0, p.product_periode.einddatum.0),
            volume: i64::from(p.geleverd_volume.0),
            eenheid: t.of(p.eenheid),
            tarief: p.product_tarief.map(|t| i64::from(t.0)),
            ingediend: signed(&p.ingediend_bedrag),
        })
        .collect();
    Declaratie {
        aanbieder: t.of(b.header.afzender),
        nummer: t.of(&d.declaratie_nummer),
        periode: (d.declaratie_periode.begindatum.0, d.declaratie_periode.einddatum.0),
        dagtekening: d.declaratie_dagtekening.0,
        totaal_ingediend: signed_totaal(&d.totaal_ingediend_bedrag),
        prestaties,
    }
}

/// What a 325 says: the amount granted, and per rejected prestatie (by ReferentieNummer) its codes.
#[derive(Debug, Default)]
pub struct Beoordeling {
    toegekend: Option<i64>,
    afgewezen: HashMap<Tekst, Vec<Tekst>>,
}

pub fn beoordeling_van(b: &Bericht325, t: &mut Interner) -> Beoordeling {
    let mut out = Beoordeling::default();
    if let Some(da) = &b.declaratie_antwoord {
        out.toegekend = Some(signed_totaal(&da.totaal_toegekend_bedrag));
        for c in da.clienten.iter().flat_map(|c| c.iter()) {
            for p in c.prestaties.iter() {
                let codes = p.retour_codes.codes().iter().map(|c| t.of(c)).collect();
                out.afgewezen.insert(t.of(&p.product_referentie.referentie_nummer), codes);
            }
        }
    }
    out
}

/// The 323s that count as sent, each with its answer if there is one, and what that answer
/// says when it is a 325.
fn declaraties<'a>(
    cx: &'a Cx<'_>,
) -> impl Iterator<Item = (&'a Msg, &'a Declaratie, Option<(&'a Msg, Option<&'a Beoordeling>)>)> {
    cx.msgs.iter().enumerate().filter_map(move |(i, m)| {
        let Inhoud::Declaratie(d) = &m.inhoud else { return None };
        if !cx.links.telt(cx.msgs, i) {
            return None;
        }
        let antwoord = cx.links.antwoord[i].map(|a| &cx.msgs[a]).map(|a| match &a.inhoud {
            Inhoud::Beoordeling(b) => (a, Some(&**b)),
            _ => (a, None),
        });
        Some((m, &**d, antwoord))
    })
}

/// `declaraties`: one row per 323 that counts as sent.
pub fn build_declaraties(cx: &Cx<'_>, emit: &mut Emit<'_>) -> Result<(), KetendataError> {
    let mut table = Rows::new(
        Table::new(&[
            ("bericht_id", Kind::Int),
            ("gemeente", Kind::Text),
            ("wet", Kind::Text),
            ("aanbieder", Kind::Text),
            ("declaratie_nummer", Kind::Text),
            ("periode_begin", Kind::Date),
            ("periode_eind", Kind::Date),
            ("declaratie_dagtekening", Kind::Date),
            ("ontvangen", Kind::Timestamp),
            ("totaal_ingediend", Kind::Int),
            ("prestaties", Kind::Int),
            ("antwoord_bericht_id", Kind::Int),
            ("antwoord_ontvangen", Kind::Timestamp),
            ("antwoord_werkdagen", Kind::Int),
            ("totaal_toegekend", Kind::Int),
            ("prestaties_afgewezen", Kind::Int),
            ("jaar", Kind::Int),
        ]),
        emit,
    );
    for (m, d, antwoord) in declaraties(cx) {
        table.push(vec![
            m.id.into(),
            cx.gemeente.into(),
            m.wet.as_str().into(),
            d.aanbieder.as_ref().into(),
            d.nummer.as_ref().into(),
            d.periode.0.into(),
            d.periode.1.into(),
            d.dagtekening.into(),
            m.ontvangen.into(),
            d.totaal_ingediend.into(),
            (d.prestaties.len() as i64).into(),
            antwoord.map(|(a, _)| a.id).into(),
            antwoord.map(|(a, _)| a.ontvangen).into(),
            antwoord.map(|(a, _)| cx.cal.working_days_between(m.ontvangen.date(), a.ontvangen.date())).into(),
            antwoord.and_then(|(_, b)| b?.toegekend).into(),
            antwoord.map(|(_, b)| b.map_or(0, |b| b.afgewezen.len() as i64)).into(),
            Value::Int(m.ontvangen.year().into()),
        ])?;
    }
    table.finish()
}

/// `prestaties`: one row per prestatie of a 323 that counts as sent, with the 325's verdict.
pub fn build_prestaties(cx: &Cx<'_>, emit: &mut Emit<'_>) -> Result<(), KetendataError> {
    // Debit lines credited later (VorigReferentieNummer of a credit line), per wet and aanbieder.
    let mut gecrediteerd: HashSet<(ketenzicht_message::Wet, &str, &str)> = HashSet::new();
    for (m, d, _) in declaraties(cx) {
        for p in &d.prestaties {
            if let Some(vorig) = &p.vorig {
                gecrediteerd.insert((m.wet, &d.aanbieder, vorig));
            }
        }
    }
    let mut table = Rows::new(
        crate::table_with_kop(&[
            ("declaratie_nummer", Kind::Text),
            ("referentie_nummer", Kind::Text),
            ("vorig_referentie_nummer", Kind::Text),
            ("debet_credit", Kind::Text),
            ("gecrediteerd", Kind::Bool),
            ("toewijzing_nummer", Kind::Int),
            ("product_categorie", Kind::Text),
            ("product_code", Kind::Text),
            ("periode_begin", Kind::Date),
            ("periode_eind", Kind::Date),
            ("geleverd_volume", Kind::Int),
            ("eenheid", Kind::Text),
            ("product_tarief", Kind::Int),
            ("ingediend_bedrag", Kind::Int),
            ("status", Kind::Text),
            ("retourcodes", Kind::Text),
            ("ontvangen", Kind::Timestamp),
            ("jaar", Kind::Int),
        ]),
        emit,
    );
    for (m, d, antwoord) in declaraties(cx) {
        for p in &d.prestaties {
            let codes = antwoord.and_then(|(_, b)| b?.afgewezen.get(&p.referentie));
            let status = match (antwoord, codes) {
                (None, _) => "geen_antwoord",
                (Some(_), Some(_)) => "afgewezen",
                (Some(_), None) => "toegekend",
            };
            table.push(
                cx.kop(m.id, m.wet, &d.aanbieder, &p.bsn, &p.code)
                    .into_iter()
                    .chain([
                        d.nummer.as_ref().into(),
                        p.referentie.as_ref().into(),
                        p.vorig.as_deref().into(),
                        p.debet_credit.as_ref().into(),
                        gecrediteerd.contains(&(m.wet, d.aanbieder.as_ref(), p.referentie.as_ref())).into(),
                        i64::from(p.toewijzing_nummer).into(),
                        p.categorie.as_ref().into(),
                        p.code.as_ref().into(),
                        p.periode.0.into(),
                        p.periode.1.into(),
                        p.volume.into(),
                        p.eenheid.as_ref().into(),
                        p.tarief.into(),
                        p.ingediend.into(),
                        status.into(),
                        codes.map(|c| c.join(" ")).into(),
                        m.ontvangen.into(),
                        Value::Int(m.ontvangen.year().into()),
                    ])
                    .collect(),
            )?;
        }
    }
    table.finish()
}
