//! Indicators on declarations: the time from the end of the period to the declaration, and
//! the credit rate.

use crate::defs;
use crate::input::Input;
use crate::item::Item;

pub fn items(input: &Input, out: &mut dyn FnMut(Item)) {
    for d in &input.declaraties {
        let (Some(eind), Some(dagtekening)) = (d.periode_eind, d.dagtekening) else { continue };
        out(Item::new(&defs::DECLARATIE_TERMIJN, d.wet, d.aanbieder, d.ontvangen.date())
            .bericht(input.naam(d.wet, 323), d.bericht_id)
            .waarde((dagtekening - eind).num_days()));
    }
    for p in &input.prestaties {
        out(Item::new(&defs::CREDITPERCENTAGE, p.wet, p.aanbieder, p.ontvangen.date())
            .bericht(input.naam(p.wet, 323), p.bericht_id)
            .traject(p.traject, p.categorie, p.nummer)
            .uitkomst(if p.credit { "credit" } else { "debet" }));
    }
}
