//! `verzoeken`: each requested product of a VOT (315) and each VOW (317), with its first
//! answer (301 or 319, by ReferentieAanbieder), "in onderzoek", and the final answer.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDateTime};
use ketenzicht_message::{Bericht, Wet};
use ketenzicht_store::{Kind, Table, Value};

use crate::Cx;

#[derive(Debug, Clone)]
struct Antwoord {
    soort: &'static str,
    ontvangen: NaiveDateTime,
    in_onderzoek: bool,
    reden: Option<String>,
}

/// Answers per (wet, aanbieder, ReferentieAanbieder), in receipt order.
fn antwoorden(cx: &Cx<'_>) -> HashMap<(Wet, String, String), Vec<Antwoord>> {
    let mut out: HashMap<(Wet, String, String), Vec<Antwoord>> = HashMap::new();
    for (i, m) in cx.msgs.iter().enumerate() {
        if !cx.links.telt(cx.msgs, i) {
            continue;
        }
        let wet = m.message.wet;
        match &m.message.bericht {
            Bericht::Toewijzing(b) => {
                for p in b.client.toegewezen_producten.iter() {
                    if let Some(r) = &p.referentie_aanbieder {
                        out.entry((wet, b.header.ontvanger.to_string(), r.to_string())).or_default().push(Antwoord {
                            soort: "toewijzing",
                            ontvangen: m.ontvangen,
                            in_onderzoek: false,
                            reden: None,
                        });
                    }
                }
            }
            Bericht::Antwoord(b) => {
                let a = &b.antwoord;
                let in_onderzoek = a.verzoek_antwoord.to_string() == "2";
                out.entry((wet, b.header.ontvanger.to_string(), a.referentie_aanbieder.to_string())).or_default().push(
                    Antwoord {
                        soort: if in_onderzoek { "in_onderzoek" } else { "afwijzing" },
                        ontvangen: m.ontvangen,
                        in_onderzoek,
                        reden: a.reden_afwijzing_verzoek.map(|r| r.to_string()),
                    },
                );
            }
            _ => {}
        }
    }
    out
}

/// One request (a VOT product or a VOW).
struct Verzoek {
    wet: Wet,
    soort: &'static str,
    aanbieder: String,
    bsn: String,
    referentie: String,
    categorie: Option<String>,
    code: Option<String>,
    nummer: Option<u32>,
    /// TypeVerwijzer of a VOT product (COD327); a VOW names none.
    verwijzer: Option<String>,
    bericht_id: i64,
    dagtekening: chrono::NaiveDate,
    ontvangen: NaiveDateTime,
}

fn verzoeken(cx: &Cx<'_>) -> Vec<Verzoek> {
    let mut out = Vec::new();
    for (i, m) in cx.msgs.iter().enumerate() {
        if !cx.links.telt(cx.msgs, i) {
            continue;
        }
        let wet = m.message.wet;
        match &m.message.bericht {
            Bericht::VerzoekOmToewijzing(b) => {
                for p in b.client.aangevraagde_producten.iter() {
                    out.push(Verzoek {
                        wet,
                        soort: "VOT",
                        aanbieder: b.header.afzender.to_string(),
                        bsn: b.client.bsn.to_string(),
                        referentie: p.referentie_aanbieder.to_string(),
                        categorie: p.product.as_ref().map(|p| p.categorie.to_string()),
                        code: p.product.as_ref().and_then(|p| p.code.as_ref()).map(ToString::to_string),
                        nummer: None,
                        verwijzer: Some(p.verwijzer.r#type.to_string()),
                        bericht_id: m.id,
                        dagtekening: b.header.bericht_identificatie.dagtekening.0,
                        ontvangen: m.ontvangen,
                    });
                }
            }
            Bericht::VerzoekOmWijziging(b) => {
                let v = &b.client.verzoek;
                let nummer =
                    v.te_wijzigen_producten.as_ref().and_then(|p| p.iter().next()).map(|p| p.toewijzing_nummer.0);
                let huidig = nummer.and_then(|n| cx.actueel.get(&(wet, n))).map(|&i| &cx.versies[i]);
                out.push(Verzoek {
                    wet,
                    soort: "VOW",
                    aanbieder: b.header.afzender.to_string(),
                    bsn: b.client.bsn.to_string(),
                    referentie: v.referentie_aanbieder.to_string(),
                    categorie: huidig.and_then(|h| h.categorie.clone()),
                    code: huidig.and_then(|h| h.code.clone()),
                    nummer,
                    verwijzer: None,
                    bericht_id: m.id,
                    dagtekening: b.header.bericht_identificatie.dagtekening.0,
                    ontvangen: m.ontvangen,
                });
            }
            _ => {}
        }
    }
    out
}

pub fn build(cx: &Cx<'_>) -> Table {
    let mut table = crate::table_with_kop(&[
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
    ]);
    let antwoorden = antwoorden(cx);
    for v in verzoeken(cx) {
        let found = antwoorden.get(&(v.wet, v.aanbieder.clone(), v.referentie.clone()));
        // Every answer with the request's reference counts, also one that came before this
        // copy of the request (the gemeente answered an earlier sending that was refused).
        let na: Vec<&Antwoord> = found.map(|a| a.iter().collect()).unwrap_or_default();
        let eerste = na.first();
        let definitief = na.iter().find(|a| !a.in_onderzoek);
        let onderzoek = na.iter().find(|a| a.in_onderzoek);
        let product = v.code.clone().or_else(|| v.categorie.clone()).unwrap_or_default();
        table.push(
            cx.kop(v.bericht_id, v.wet, &v.aanbieder, &v.bsn, &product)
                .into_iter()
                .chain([
                    v.soort.into(),
                    v.referentie.clone().into(),
                    v.categorie.clone().into(),
                    v.code.clone().into(),
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
        );
    }
    table
}
