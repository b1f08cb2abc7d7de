//! Indicators on heenberichten and their answers: retour on time (OP090, OP090x4),
//! rejections and their codes, double deliveries.

use ketenzicht_calendar::Calendar;

use crate::defs;
use crate::input::Input;
use crate::item::{Item, termijn};

pub fn items(input: &Input, cal: &Calendar, peildatum: chrono::NaiveDate, out: &mut Vec<Item>) {
    let g = input.gemeente.as_str();
    for b in input.berichten.iter().filter(|b| b.heen) {
        let dag = b.ontvangen.date();
        let item = |def| Item::new(def, g, &b.wet, &b.aanbieder, dag).bericht(&b.bericht, b.bericht_id);
        let is_323 = b.bericht.ends_with("323");
        let oordeel = match (b.transport_afgewezen, b.oordeel.as_deref()) {
            (true, _) => "transport_afgewezen",
            (false, None) => "geen_antwoord",
            (false, Some(o)) => match o {
                "technisch_afgekeurd" => "technisch_afgekeurd",
                "inhoudelijk_afgekeurd" => "inhoudelijk_afgekeurd",
                _ => "geaccepteerd",
            },
        };
        out.push(item(&defs::AFWIJZINGEN).uitkomst(oordeel));
        if b.leveringen > 1 {
            out.push(item(&defs::DUBBELE_LEVERING).uitkomst("dubbel"));
        }
        if b.transport_afgewezen {
            // Refused at transport: no retour is due (the sender sends it again).
            continue;
        }
        for code in &b.afwijzingscodes {
            out.push(item(&defs::RETOURCODES).uitkomst("afgewezen").klasse(code));
        }
        let (def, n) = if is_323 { (&defs::DECLARATIE_ANTWOORD_TIJDIG, 10) } else { (&defs::RETOUR_TIJDIG, 3) };
        let Some(deadline) = cal.deadline(dag, n) else { continue };
        let uitkomst = termijn(deadline, b.antwoord_ontvangen.map(|t| t.date()), peildatum);
        out.push(item(def).uitkomst(uitkomst));
    }
    for (wet, bericht, ontvangen) in &input.onleesbaar {
        let mut item = Item::new(&defs::AFWIJZINGEN, g, wet, "", ontvangen.date()).uitkomst("onleesbaar");
        item.bericht.clone_from(bericht);
        out.push(item);
    }
}
