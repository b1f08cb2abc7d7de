//! `berichten`: one row per stored message, with routing, the link heen ↔ retour, the
//! response time and the verdict.

use chrono::Datelike;
use ketenzicht_store::{Kind, Table, Value};

use crate::link::retour_termijn;
use crate::{Cx, Emit, KetendataError, Rows};

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

/// The rows of `berichten`, handed to `emit` a chunk at a time.
pub fn build(cx: &Cx<'_>, emit: &mut Emit<'_>) -> Result<(), KetendataError> {
    let mut table = Rows::new(columns(), emit);
    for (i, m) in cx.msgs.iter().enumerate() {
        let t = m.bericht_type;
        let soort = if t.retour().is_some() { "heen" } else { "antwoord" };
        let antwoord = cx.links.antwoord_op(cx.msgs, i);
        let termijn = retour_termijn(t);
        let responstijd = antwoord.map(|(a, _)| cx.cal.working_days_between(m.ontvangen.date(), a.ontvangen.date()));
        let tijdig = match (termijn, antwoord) {
            (Some((_, n)), Some((a, _))) => Some(cx.cal.on_time(m.ontvangen.date(), a.ontvangen.date(), n)),
            _ => None,
        };
        table.push(vec![
            m.id.into(),
            cx.gemeente.into(),
            m.wet.as_str().into(),
            m.name().into(),
            soort.into(),
            (*m.aanbieder).into(),
            (*m.verzender).into(),
            (*m.identificatie).into(),
            m.dagtekening.into(),
            m.uuid.as_deref().into(),
            m.ontvangen.into(),
            m.t0_bron.as_str().into(),
            m.leveringen.into(),
            m.transport.as_deref().into(),
            m.transport_code.as_deref().into(),
            cx.links.heen[i].map(|h| cx.msgs[h].id).into(),
            antwoord.map(|(a, _)| a.id).into(),
            antwoord.map(|(a, _)| a.ontvangen).into(),
            termijn.map(|(r, _)| r).into(),
            responstijd.into(),
            tijdig.into(),
            antwoord.map(|(_, a)| a.oordeel.as_str()).into(),
            m.antwoord.as_ref().and_then(|a| a.retourcodes.as_deref()).into(),
            antwoord.and_then(|(_, a)| a.afwijzing.as_deref()).into(),
            cx.links.telt(cx.msgs, i).into(),
            m.regelcontrole.as_deref().into(),
            Value::Int(m.ontvangen.year().into()),
        ])?;
    }
    table.finish()
}
