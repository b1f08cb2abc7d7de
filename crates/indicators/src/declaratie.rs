//! Indicators on declarations: the time from the end of the period to the declaration, and
//! the credit rate.

use crate::defs;
use crate::input::Input;
use crate::item::{Item, bericht_naam};

pub fn items(input: &Input, out: &mut Vec<Item>) {
    let g = input.gemeente.as_str();
    for d in &input.declaraties {
        let (Some(eind), Some(dagtekening)) = (d.periode_eind, d.dagtekening) else { continue };
        out.push(
            Item::new(&defs::DECLARATIE_TERMIJN, g, &d.wet, &d.aanbieder, d.ontvangen.date())
                .bericht(&bericht_naam(&d.wet, 323), d.bericht_id)
                .waarde((dagtekening - eind).num_days()),
        );
    }
    for p in &input.prestaties {
        out.push(
            Item::new(&defs::CREDITPERCENTAGE, g, &p.wet, &p.aanbieder, p.ontvangen.date())
                .bericht(&bericht_naam(&p.wet, 323), p.bericht_id)
                .traject(&p.traject_id, &p.categorie, p.nummer)
                .uitkomst(if p.credit { "credit" } else { "debet" }),
        );
    }
}
