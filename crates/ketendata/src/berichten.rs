//! `berichten`: one row per stored message, with routing, the link heen ↔ retour, the
//! response time and the verdict.

use chrono::Datelike;
use ketenzicht_store::{Kind, Table, Value};

use crate::Cx;
use crate::link::retour_termijn;

pub fn columns() -> Table {
    Table::new(&[
        ("bericht_id", Kind::Int),
        ("gemeente", Kind::Text),
        ("wet", Kind::Text),
        ("bericht", Kind::Text),
        ("soort", Kind::Text),
        ("aanbieder", Kind::Text),
        ("verzender", Kind::Text),
        ("identificatie", Kind::Text),
        ("dagtekening", Kind::Date),
        ("uuid", Kind::Text),
        ("ontvangen", Kind::Timestamp),
        ("t0_bron", Kind::Text),
        ("leveringen", Kind::Int),
        ("transport", Kind::Text),
        ("transport_code", Kind::Text),
        ("heen_bericht_id", Kind::Int),
        ("antwoord_bericht_id", Kind::Int),
        ("antwoord_ontvangen", Kind::Timestamp),
        ("retour_regel", Kind::Text),
        ("responstijd_werkdagen", Kind::Int),
        ("retour_tijdig", Kind::Bool),
        ("retour_oordeel", Kind::Text),
        ("retourcodes", Kind::Text),
        ("afwijzingscodes", Kind::Text),
        ("telt_als_verzonden", Kind::Bool),
        ("regelcontrole", Kind::Text),
        ("jaar", Kind::Int),
    ])
}

pub fn build(cx: &Cx<'_>) -> Table {
    let mut table = columns();
    for (i, m) in cx.msgs.iter().enumerate() {
        let t = m.message.bericht_type();
        let (_, aanbieder) = m.message.bericht.partijen();
        let eigen = m.message.bericht.eigen_identiteit();
        let soort = if t.retour().is_some() { "heen" } else { "antwoord" };
        let antwoord = cx.links.antwoord[i].map(|a| &cx.msgs[a]);
        let termijn = retour_termijn(t);
        let responstijd = antwoord.map(|a| cx.cal.working_days_between(m.ontvangen.date(), a.ontvangen.date()));
        let tijdig = match (termijn, antwoord) {
            (Some((_, n)), Some(a)) => Some(cx.cal.on_time(m.ontvangen.date(), a.ontvangen.date(), n)),
            _ => None,
        };
        let codes: Vec<&str> = cx.links.codes[i].iter().map(|(_, c)| c.as_str()).collect();
        let regels: Vec<String> = ketenzicht_message::rules::check(&m.message)
            .iter()
            .map(|f| format!("{}@{}", f.rule.unwrap_or("?"), f.path))
            .collect();
        table.push(vec![
            m.id.into(),
            cx.gemeente.into(),
            m.message.wet.as_str().into(),
            m.name.clone().into(),
            soort.into(),
            aanbieder.to_string().into(),
            eigen.verzender.to_string().into(),
            eigen.identificatie.to_string().into(),
            eigen.dagtekening.0.into(),
            m.uuid.clone().into(),
            m.ontvangen.into(),
            m.t0_bron.into(),
            m.leveringen.into(),
            m.transport.clone().into(),
            m.transport_code.clone().into(),
            cx.links.heen[i].map(|h| cx.msgs[h].id).into(),
            antwoord.map(|a| a.id).into(),
            antwoord.map(|a| a.ontvangen).into(),
            termijn.map(|(r, _)| r).into(),
            responstijd.into(),
            tijdig.into(),
            cx.links.oordeel[i].map(|o| o.as_str()).into(),
            (!codes.is_empty()).then(|| codes.join(" ")).into(),
            (!cx.links.afwijzing[i].is_empty()).then(|| cx.links.afwijzing[i].join(" ")).into(),
            cx.links.telt(cx.msgs, i).into(),
            (!regels.is_empty()).then(|| regels.join(" ")).into(),
            Value::Int(m.ontvangen.year().into()),
        ]);
    }
    table
}
