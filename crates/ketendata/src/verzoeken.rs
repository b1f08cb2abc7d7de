//! `verzoeken`: each requested product of a VOT (315) and each VOW (317), with its first
//! answer (301 or 319, by ReferentieAanbieder), "in onderzoek", and the final answer.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDateTime};
use ketenzicht_message::model::Bericht319;
use ketenzicht_message::{Bericht, Wet};
use ketenzicht_store::{Kind, Value};

use crate::load::{Inhoud, Interner, Tekst};
use crate::{Cx, Emit, KetendataError, Rows};

/// An answer to a request: a 319 (in onderzoek or afwijzing), or a toegewezen product of a
/// 301 with the request's ReferentieAanbieder.
#[derive(Debug, Clone)]
pub struct Reactie {
    referentie: Tekst,
    soort: &'static str,
    ontvangen: NaiveDateTime,
    in_onderzoek: bool,
    reden: Option<Tekst>,
}

/// The answer of a 319.
pub fn reactie_van(b: &Bericht319, ontvangen: NaiveDateTime, t: &mut Interner) -> Reactie {
    let a = &b.antwoord;
    let in_onderzoek = a.verzoek_antwoord.to_string() == "2";
    Reactie {
        referentie: t.of(&a.referentie_aanbieder),
        soort: if in_onderzoek { "in_onderzoek" } else { "afwijzing" },
        ontvangen,
        in_onderzoek,
        reden: a.reden_afwijzing_verzoek.map(|r| t.of(r)),
    }
}

/// Answers per (wet, aanbieder, ReferentieAanbieder), in receipt order.
fn reacties<'a>(cx: &Cx<'a>) -> HashMap<(Wet, &'a str, &'a str), Vec<Reactie>> {
    let mut out: HashMap<(Wet, &str, &str), Vec<Reactie>> = HashMap::new();
    for (i, m) in cx.msgs.iter().enumerate() {
        if !cx.links.telt(cx.msgs, i) {
            continue;
        }
        match &m.inhoud {
            Inhoud::Toewijzing(versies) => {
                for v in versies {
                    if let Some(r) = &v.referentie {
                        out.entry((m.wet, &v.aanbieder, r)).or_default().push(Reactie {
                            referentie: r.clone(),
                            soort: "toewijzing",
                            ontvangen: m.ontvangen,
                            in_onderzoek: false,
                            reden: None,
                        });
                    }
                }
            }
            Inhoud::Reactie(r) => out.entry((m.wet, &m.aanbieder, &r.referentie)).or_default().push((**r).clone()),
            _ => {}
        }
    }
    out
}

/// One request (a VOT product or a VOW).
#[derive(Debug)]
pub struct Verzoek {
    wet: Wet,
    soort: &'static str,
    aanbieder: Tekst,
    bsn: Tekst,
    referentie: Tekst,
    /// Of a VOT product; a VOW takes the product of the toewijzing it would change.
    categorie: Option<Tekst>,
    code: Option<Tekst>,
    nummer: Option<u32>,
    /// TypeVerwijzer of a VOT product (COD327); a VOW names none.
    verwijzer: Option<Tekst>,
    bericht_id: i64,
    dagtekening: chrono::NaiveDate,
    ontvangen: NaiveDateTime,
}

/// The requests of a 315 (one per aangevraagd product) or a 317 (one).
pub fn verzoeken_van(
    bericht: &Bericht,
    wet: Wet,
    bericht_id: i64,
    ontvangen: NaiveDateTime,
    t: &mut Interner,
) -> Vec<Verzoek> {
    match bericht {
        Bericht::VerzoekOmToewijzing(b) => b
            .client
            .aangevraagde_producten
            .iter()
            .map(|p| Verzoek {
                wet,
                soort: "VOT",
                aanbieder: t.of(b.header.afzender),
                bsn: t.of(b.client.bsn),
                referentie: t.of(&p.referentie_aanbieder),
                categorie: p.product.as_ref().map(|p| t.of(p.categorie)),
                code: p.product.as_ref().and_then(|p| p.code.as_ref()).map(|c| t.of(c)),
                nummer: None,
                verwijzer: Some(t.of(p.verwijzer.r#type)),
                bericht_id,
                dagtekening: b.header.bericht_identificatie.dagtekening.0,
                ontvangen,
            })
            .collect(),
        Bericht::VerzoekOmWijziging(b) => {
            let v = &b.client.verzoek;
            vec![Verzoek {
                wet,
                soort: "VOW",
                aanbieder: t.of(b.header.afzender),
                bsn: t.of(b.client.bsn),
                referentie: t.of(&v.referentie_aanbieder),
                categorie: None,
                code: None,
                nummer: v.te_wijzigen_producten.as_ref().and_then(|p| p.iter().next()).map(|p| p.toewijzing_nummer.0),
                verwijzer: None,
                bericht_id,
                dagtekening: b.header.bericht_identificatie.dagtekening.0,
                ontvangen,
            }]
        }
        _ => Vec::new(),
    }
}

/// The requests of the 315s and 317s that count as sent, in receipt order.
fn verzoeken<'a>(cx: &Cx<'a>) -> impl Iterator<Item = &'a Verzoek> {
    cx.msgs.iter().enumerate().filter(|(i, _)| cx.links.telt(cx.msgs, *i)).flat_map(|(_, m)| match &m.inhoud {
        Inhoud::Verzoeken(v) => v.as_slice(),
        _ => &[],
    })
}

pub fn build(cx: &Cx<'_>, emit: &mut Emit<'_>) -> Result<(), KetendataError> {
    let mut table = Rows::new(
        crate::table_with_kop(&[
            ("soort", Kind::Text),
            ("referentie_aanbieder", Kind::Text),
            ("product_categorie", Kind::Text),
            ("product_code", Kind::Text),
            ("toewijzing_nummer", Kind::Int),
            ("verwijzer_type", Kind::Text),
            ("dagtekening", Kind::Date),
            ("ontvangen", Kind::Timestamp),
            ("eerste_antwoord", Kind::Text),
            ("eerste_antwoord_ontvangen", Kind::Timestamp),
            ("antwoord_werkdagen", Kind::Int),
            ("in_onderzoek", Kind::Bool),
            ("in_onderzoek_ontvangen", Kind::Timestamp),
            ("definitief_antwoord", Kind::Text),
            ("definitief_antwoord_ontvangen", Kind::Timestamp),
            ("reden_afwijzing", Kind::Text),
            ("jaar", Kind::Int),
        ]),
        emit,
    );
    let reacties = reacties(cx);
    for v in verzoeken(cx) {
        let found = reacties.get(&(v.wet, &*v.aanbieder, &*v.referentie));
        // Every answer with the request's reference counts, also one that came before this
        // copy of the request (the gemeente answered an earlier sending that was refused).
        let na: &[Reactie] = found.map_or(&[], Vec::as_slice);
        let eerste = na.first();
        let definitief = na.iter().find(|a| !a.in_onderzoek);
        let onderzoek = na.iter().find(|a| a.in_onderzoek);
        // A VOW: the product of the current version of the toewijzing it would change.
        let (categorie, code) = if v.soort == "VOW" {
            let huidig = v.nummer.and_then(|n| cx.actueel.get(&(v.wet, n))).map(|&i| cx.versies[i]);
            (huidig.and_then(|h| h.categorie.clone()), huidig.and_then(|h| h.code.clone()))
        } else {
            (v.categorie.clone(), v.code.clone())
        };
        let product = code.as_deref().or(categorie.as_deref()).unwrap_or_default();
        table.push(
            cx.kop(v.bericht_id, v.wet, &v.aanbieder, &v.bsn, product)
                .into_iter()
                .chain([
                    v.soort.into(),
                    v.referentie.clone().into(),
                    categorie.into(),
                    code.into(),
                    v.nummer.map(i64::from).into(),
                    v.verwijzer.clone().into(),
                    v.dagtekening.into(),
                    v.ontvangen.into(),
                    eerste.map(|a| a.soort).into(),
                    eerste.map(|a| a.ontvangen).into(),
                    eerste.map(|a| cx.cal.working_days_between(v.ontvangen.date(), a.ontvangen.date()).max(0)).into(),
                    onderzoek.is_some().into(),
                    onderzoek.map(|a| a.ontvangen).into(),
                    definitief.map(|a| a.soort).into(),
                    definitief.map(|a| a.ontvangen).into(),
                    definitief.and_then(|a| a.reden.clone()).into(),
                    Value::Int(v.ontvangen.year().into()),
                ])
                .collect(),
        )?;
    }
    table.finish()
}
