//! Indicators on verzoeken om toewijzing (315) and om wijziging (317): answered in time
//! (OP274, OP346), "in onderzoek" closed within 8 weeks, woonplaatsbeginsel within 2 weeks
//! (OP359), the outcome, and the time from request to toewijzing.

use rustc_hash::FxHashMap;

use chrono::{Days, NaiveDate, NaiveDateTime};
use ketenzicht_calendar::Calendar;

use crate::defs;
use crate::input::Input;
use crate::item::{Item, termijn};
use crate::pool::Sym;

/// OP274, OP346: the first answer is due within 5 working days.
const ANTWOORDTERMIJN: u32 = 5;
/// "In onderzoek": the final answer is due 8 weeks after the request's Dagtekening.
pub const ONDERZOEK_DAGEN: u64 = 56;
/// OP359: a rejection on woonplaatsbeginsel is due within 2 weeks of the request's receipt.
pub const WOONPLAATS_DAGEN: u64 = 14;

/// A toewijzing as the answer to a request: its receipt, Toewijzingsdatum and message.
type Besluit = (NaiveDateTime, Option<NaiveDate>, i64);

pub fn items(input: &Input, cal: &Calendar, peildatum: NaiveDate, out: &mut dyn FnMut(Item)) {
    // The first toewijzing (by receipt) that answers a request: (wet, aanbieder, referentie).
    let mut toewijzing: FxHashMap<(Sym, Sym, Sym), Besluit> = FxHashMap::default();
    for t in input.toewijzingen.iter().filter(|t| !t.referentie.is_empty()) {
        let entry = toewijzing.entry((t.wet, t.aanbieder, t.referentie)).or_insert((
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
        let item = |def, datum| {
            Item::new(def, v.wet, v.aanbieder, datum).bericht(input.naam(v.wet, nummer), v.bericht_id).traject(
                v.traject,
                v.categorie,
                None,
            )
        };
        let def = if v.vow { &defs::VOW_TIJDIG } else { &defs::VOT_TIJDIG };
        if let Some(deadline) = cal.deadline(ontvangen, ANTWOORDTERMIJN) {
            let uitkomst = termijn(deadline, v.eerste_antwoord_ontvangen.map(|t| t.date()), peildatum);
            out(item(def, ontvangen).uitkomst(uitkomst));
        }
        let definitief = v.definitief_antwoord_ontvangen.map(|t| (input.text(v.definitief_antwoord), t));
        if let Some(sinds) = v.in_onderzoek {
            let gevraagd = v.dagtekening.unwrap_or(ontvangen);
            let deadline = gevraagd + Days::new(ONDERZOEK_DAGEN);
            let uitkomst = match termijn(deadline, definitief.map(|(_, t)| t.date()), peildatum) {
                "ontbreekt" => "te_lang_open",
                other => other,
            };
            out(item(&defs::ONDERZOEK_TERMIJN, sinds.date()).uitkomst(uitkomst));
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
        out(item(&defs::VOT_UITKOMST, ontvangen).uitkomst(uitkomst).klasse(v.reden_afwijzing));
        if let Some(("afwijzing", afgewezen)) = definitief
            && input.text(v.reden_afwijzing) == "8"
            && input.text(v.wet) == "iJw"
        {
            let op_tijd = afgewezen.date() <= ontvangen + Days::new(WOONPLAATS_DAGEN);
            out(item(&defs::WOONPLAATSBEGINSEL, ontvangen).uitkomst(if op_tijd { "op_tijd" } else { "te_laat" }));
        }
        if let Some(("toewijzing", _)) = definitief
            && let Some(&(t_ontvangen, Some(besluit), bericht_id)) = toewijzing.get(&(v.wet, v.aanbieder, v.referentie))
            && t_ontvangen >= v.ontvangen
        {
            let it = item(&defs::DOORLOOPTIJD_VERZOEK_TOEWIJZING, t_ontvangen.date())
                .bericht(input.naam(v.wet, 301), bericht_id)
                .waarde((besluit - ontvangen).num_days());
            out(it);
        }
    }
}
