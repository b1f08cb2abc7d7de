//! Indicators on verzoeken om toewijzing (315) and om wijziging (317): answered in time
//! (OP274, OP346), "in onderzoek" closed within 8 weeks, woonplaatsbeginsel within 2 weeks
//! (OP359), the outcome, and the time from request to toewijzing.

use std::collections::HashMap;

use chrono::{Days, NaiveDate, NaiveDateTime};
use ketenzicht_calendar::Calendar;

use crate::defs;
use crate::input::Input;
use crate::item::{Item, bericht_naam, termijn};

/// OP274, OP346: the first answer is due within 5 working days.
const ANTWOORDTERMIJN: u32 = 5;
/// "In onderzoek": the final answer is due 8 weeks after the request's Dagtekening.
pub const ONDERZOEK_DAGEN: u64 = 56;
/// OP359: a rejection on woonplaatsbeginsel is due within 2 weeks of the request's receipt.
pub const WOONPLAATS_DAGEN: u64 = 14;

/// A toewijzing as the answer to a request: its receipt, Toewijzingsdatum and message.
type Besluit = (NaiveDateTime, Option<NaiveDate>, i64);

pub fn items(input: &Input, cal: &Calendar, peildatum: NaiveDate, out: &mut Vec<Item>) {
    let g = input.gemeente.as_str();
    let dagtekening: HashMap<i64, NaiveDate> =
        input.berichten.iter().filter_map(|b| Some((b.bericht_id, b.dagtekening?))).collect();
    // The first toewijzing (by receipt) that answers a request: (wet, aanbieder, referentie).
    let mut toewijzing: HashMap<(&str, &str, &str), Besluit> = HashMap::new();
    for t in &input.toewijzingen {
        let Some(referentie) = t.referentie.as_deref() else { continue };
        let entry = toewijzing.entry((&t.wet, &t.aanbieder, referentie)).or_insert((
            t.ontvangen,
            t.toewijzingsdatum,
            t.bericht_id,
        ));
        if (t.ontvangen, t.bericht_id) < (entry.0, entry.2) {
            *entry = (t.ontvangen, t.toewijzingsdatum, t.bericht_id);
        }
    }
    for v in &input.verzoeken {
        let ontvangen = v.ontvangen.date();
        let nummer = if v.vow { 317 } else { 315 };
        let item =
            |def, datum| {
                Item::new(def, g, &v.wet, &v.aanbieder, datum)
                    .bericht(&bericht_naam(&v.wet, nummer), v.bericht_id)
                    .traject(&v.traject_id, &v.categorie, None)
            };
        let def = if v.vow { &defs::VOW_TIJDIG } else { &defs::VOT_TIJDIG };
        if let Some(deadline) = cal.deadline(ontvangen, ANTWOORDTERMIJN) {
            let uitkomst = termijn(deadline, v.eerste_antwoord_ontvangen.map(|t| t.date()), peildatum);
            out.push(item(def, ontvangen).uitkomst(uitkomst));
        }
        let definitief = v.definitief_antwoord.as_deref().zip(v.definitief_antwoord_ontvangen);
        if let Some(sinds) = v.in_onderzoek {
            let gevraagd = dagtekening.get(&v.bericht_id).copied().unwrap_or(ontvangen);
            let deadline = gevraagd + Days::new(ONDERZOEK_DAGEN);
            let uitkomst = match termijn(deadline, definitief.map(|(_, t)| t.date()), peildatum) {
                "ontbreekt" => "te_lang_open",
                other => other,
            };
            out.push(item(&defs::ONDERZOEK_TERMIJN, sinds.date()).uitkomst(uitkomst));
        }
        if v.vow {
            continue;
        }
        let uitkomst = match definitief {
            Some(("toewijzing", _)) => "toegewezen",
            Some(_) => "afgewezen",
            None if v.in_onderzoek.is_some() => "in_onderzoek",
            None => "geen_antwoord",
        };
        let reden = v.reden_afwijzing.as_deref().unwrap_or_default();
        out.push(item(&defs::VOT_UITKOMST, ontvangen).uitkomst(uitkomst).klasse(reden));
        if let Some(("afwijzing", afgewezen)) = definitief
            && reden == "8"
            && v.wet == "iJw"
        {
            let op_tijd = afgewezen.date() <= ontvangen + Days::new(WOONPLAATS_DAGEN);
            out.push(item(&defs::WOONPLAATSBEGINSEL, ontvangen).uitkomst(if op_tijd { "op_tijd" } else { "te_laat" }));
        }
        if let Some(("toewijzing", _)) = definitief
            && let Some(&(t_ontvangen, Some(besluit), bericht_id)) =
                toewijzing.get(&(v.wet.as_str(), v.aanbieder.as_str(), v.referentie.as_str()))
        {
            let mut it = item(&defs::DOORLOOPTIJD_VERZOEK_TOEWIJZING, t_ontvangen.date())
                .waarde((besluit - ontvangen).num_days());
            it.bericht_id = Some(bericht_id);
            it.bericht = bericht_naam(&v.wet, 301);
            out.push(it);
        }
    }
}
