//! `declaraties` (one row per 323 that counts as sent, with its 325) and `prestaties` (one row
//! per prestatie, with the 325 verdict and the credit ↔ debit link).

use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use ketenzicht_message::Bericht;
use ketenzicht_message::model::{BedragMetDc, TotaalBedragMetDc};
use ketenzicht_store::{Kind, Table, Value};

use crate::Cx;

fn signed(b: &BedragMetDc) -> i64 {
    let cents = i64::from(b.bedrag.0);
    if b.debet_credit.to_string() == "C" { -cents } else { cents }
}

fn signed_totaal(b: &TotaalBedragMetDc) -> i64 {
    let cents = i64::try_from(b.totaal_bedrag.0).unwrap_or(i64::MAX);
    if b.debet_credit.to_string() == "C" { -cents } else { cents }
}

pub fn build(cx: &Cx<'_>) -> (Table, Table) {
    let mut declaraties = Table::new(&[
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
    ]);
    let mut prestaties = crate::table_with_kop(&[
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
    ]);
    // Debit lines credited later (VorigReferentieNummer of a credit line), per wet and aanbieder.
    let mut gecrediteerd: HashSet<(ketenzicht_message::Wet, String, String)> = HashSet::new();
    for (i, m) in cx.msgs.iter().enumerate() {
        if let Bericht::Declaratie(b) = &m.message.bericht
            && cx.links.telt(cx.msgs, i)
        {
            for c in b.declaratie.clienten.iter() {
                for p in c.prestaties.iter() {
                    if let Some(vorig) = &p.product_referentie.vorig_referentie_nummer {
                        gecrediteerd.insert((m.message.wet, b.header.afzender.to_string(), vorig.to_string()));
                    }
                }
            }
        }
    }
    for (i, m) in cx.msgs.iter().enumerate() {
        let Bericht::Declaratie(b) = &m.message.bericht else { continue };
        if !cx.links.telt(cx.msgs, i) {
            continue;
        }
        let d = &b.declaratie;
        let aanbieder = b.header.afzender.to_string();
        let antwoord = cx.links.antwoord[i].map(|a| &cx.msgs[a]);
        let mut afgewezen: HashMap<String, Vec<String>> = HashMap::new();
        let mut toegekend = None;
        if let Some(Bericht::DeclaratieAntwoord(a)) = antwoord.map(|a| &a.message.bericht)
            && let Some(da) = &a.declaratie_antwoord
        {
            toegekend = Some(signed_totaal(&da.totaal_toegekend_bedrag));
            for c in da.clienten.iter().flat_map(|c| c.iter()) {
                for p in c.prestaties.iter() {
                    let codes = p.retour_codes.codes().iter().map(ToString::to_string).collect();
                    afgewezen.insert(p.product_referentie.referentie_nummer.to_string(), codes);
                }
            }
        }
        let mut n = 0i64;
        for c in d.clienten.iter() {
            let bsn = c.bsn.to_string();
            for p in c.prestaties.iter() {
                n += 1;
                let referentie = p.product_referentie.referentie_nummer.to_string();
                let codes = afgewezen.get(&referentie);
                let status = match (antwoord, codes) {
                    (None, _) => "geen_antwoord",
                    (Some(_), Some(_)) => "afgewezen",
                    (Some(_), None) => "toegekend",
                };
                let code = p.product_code.to_string();
                prestaties.push(
                    cx.kop(m.id, m.message.wet, &aanbieder, &bsn, &code)
                        .into_iter()
                        .chain([
                            d.declaratie_nummer.to_string().into(),
                            referentie.clone().into(),
                            p.product_referentie.vorig_referentie_nummer.as_ref().map(ToString::to_string).into(),
                            p.ingediend_bedrag.debet_credit.to_string().into(),
                            gecrediteerd.contains(&(m.message.wet, aanbieder.clone(), referentie)).into(),
                            i64::from(p.toewijzing_nummer.0).into(),
                            p.product_categorie.to_string().into(),
                            code.into(),
                            p.product_periode.begindatum.0.into(),
                            p.product_periode.einddatum.0.into(),
                            i64::from(p.geleverd_volume.0).into(),
                            p.eenheid.to_string().into(),
                            p.product_tarief.map(|t| i64::from(t.0)).into(),
                            signed(&p.ingediend_bedrag).into(),
                            status.into(),
                            codes.map(|c| c.join(" ")).into(),
                            m.ontvangen.into(),
                            Value::Int(m.ontvangen.year().into()),
                        ])
                        .collect(),
                );
            }
        }
        declaraties.push(vec![
            m.id.into(),
            cx.gemeente.into(),
            m.message.wet.as_str().into(),
            aanbieder.into(),
            d.declaratie_nummer.to_string().into(),
            d.declaratie_periode.begindatum.0.into(),
            d.declaratie_periode.einddatum.0.into(),
            d.declaratie_dagtekening.0.into(),
            m.ontvangen.into(),
            signed_totaal(&d.totaal_ingediend_bedrag).into(),
            n.into(),
            antwoord.map(|a| a.id).into(),
            antwoord.map(|a| a.ontvangen).into(),
            antwoord.map(|a| cx.cal.working_days_between(m.ontvangen.date(), a.ontvangen.date())).into(),
            toegekend.into(),
            (antwoord.is_some().then_some(afgewezen.len() as i64)).into(),
            Value::Int(m.ontvangen.year().into()),
        ]);
    }
    (declaraties, prestaties)
}
