//! Indicators on heenberichten and their answers: retour on time (OP090, OP090x4),
//! rejections and their codes, double deliveries.

use chrono::NaiveDate;
use ketenzicht_calendar::Calendar;

use crate::defs;
use crate::input::Input;
use crate::item::{Item, termijn};

pub fn items(input: &Input, cal: &Calendar, peildatum: NaiveDate, out: &mut dyn FnMut(Item)) {
    let oordeel_text = |b: &crate::input::Bericht| match input.text(b.oordeel) {
        "technisch_afgekeurd" => "technisch_afgekeurd",
        "inhoudelijk_afgekeurd" => "inhoudelijk_afgekeurd",
        "" => "geen_antwoord",
        _ => "geaccepteerd",
    };
    for b in input.berichten.iter().filter(|b| b.heen) {
        let dag = b.ontvangen.date();
        let item = |def| Item::new(def, b.wet, b.aanbieder, dag).bericht(b.bericht, b.bericht_id);
        let oordeel = if b.transport_afgewezen { "transport_afgewezen" } else { oordeel_text(b) };
        out(item(&defs::AFWIJZINGEN).uitkomst(oordeel));
        if b.leveringen > 1 {
            out(item(&defs::DUBBELE_LEVERING).uitkomst("dubbel"));
        }
        if b.transport_afgewezen {
            // Refused at transport: no retour is due (the sender sends it again).
            continue;
        }
        for code in &b.afwijzingscodes {
            out(item(&defs::RETOURCODES).uitkomst("afgewezen").klasse(*code));
        }
        let is_323 = input.text(b.bericht).ends_with("323");
        let (def, n) = if is_323 { (&defs::DECLARATIE_ANTWOORD_TIJDIG, 10) } else { (&defs::RETOUR_TIJDIG, 3) };
        let Some(deadline) = cal.deadline(dag, n) else { continue };
        out(item(def).uitkomst(termijn(deadline, b.antwoord_ontvangen.map(|t| t.date()), peildatum)));
    }
    for (wet, bericht, ontvangen) in &input.onleesbaar {
        let mut item = Item::new(&defs::AFWIJZINGEN, *wet, crate::pool::Sym::EMPTY, ontvangen.date());
        item.bericht = *bericht;
        out(item.uitkomst("onleesbaar"));
    }
}
