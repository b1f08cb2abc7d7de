//! Indicators on toewijzingen and the starts and stops of care: start and stop reported on
//! time (OP271, OP272), waiting times, trajectduur, toewijzingen without a start, open
//! trajecten, stops and changes per reason.
//!
//! The regieberichten of each toewijzing are replayed in order of receipt, as the chain saw
//! them: a StatusAanlevering 3 deletes the start with the same Begindatum, and the start
//! that follows it is its correction.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};

use chrono::{NaiveDate, NaiveDateTime};
use ketenzicht_calendar::Calendar;

use crate::Wanted;
use crate::defs;
use crate::input::{Input, Regie, Toewijzing};
use crate::item::Item;
use crate::pool::Sym;

/// OP271, OP272: a start or stop is due within 5 working days.
const MELDTERMIJN: u32 = 5;
/// A toewijzing without a start is listed this many working days after its Ingangsdatum.
pub const ZONDER_START_WERKDAGEN: u32 = 10;
/// A temporary stop with no follow-up is open this many calendar days after its Einddatum (OP377).
pub const TIJDELIJK_ZONDER_VERVOLG_DAGEN: u64 = 56;

/// Where a toewijzing stands after its last valid start or stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fase {
    Lopend,
    Tijdelijk(NaiveDate),
    Gestopt,
}

type Key = (Sym, i64);

pub fn items(input: &Input, wanted: Wanted<'_>, cal: &Calendar, peildatum: NaiveDate, out: &mut dyn FnMut(Item)) {
    let (zonder_start, open) = (wanted.has(&defs::TOEWIJZING_ZONDER_START), wanted.has(&defs::OPEN_TRAJECTEN));
    let gemeld = Gemeld { start: wanted.has(&defs::START_TIJDIG), stop: wanted.has(&defs::STOP_TIJDIG) };
    // Versions per toewijzing: the first receipt of a 301, and the current version.
    let mut eerste_301: FxHashMap<Key, NaiveDateTime> = FxHashMap::default();
    let mut actueel: BTreeMap<Key, &Toewijzing> = BTreeMap::new();
    for t in &input.toewijzingen {
        let key = (t.wet, t.nummer);
        let first = eerste_301.entry(key).or_insert(t.ontvangen);
        *first = (*first).min(t.ontvangen);
        if t.actueel {
            actueel.insert(key, t);
        }
        if !t.reden_wijziging.is_empty() {
            let item = Item::new(&defs::TOEWIJZING_WIJZIGINGEN, t.wet, t.aanbieder, t.ontvangen.date())
                .bericht(input.naam(t.wet, 301), t.bericht_id)
                .traject(t.traject, t.categorie, Some(t.nummer))
                .uitkomst("gewijzigd")
                .klasse(t.reden_wijziging);
            out(item);
        }
    }
    // The starts and stops of each toewijzing in order of receipt: one sort, then runs.
    let mut rows: Vec<&Regie> = input.regie.iter().collect();
    rows.sort_unstable_by_key(|r| (r.wet, r.nummer, r.ontvangen, r.bericht_id));
    let mut valid_start: FxHashSet<Key> = FxHashSet::default();
    let mut gestart: FxHashMap<Key, Fase> = FxHashMap::default();
    for run in rows.chunk_by(|a, b| (a.wet, a.nummer) == (b.wet, b.nummer)) {
        let key = (run[0].wet, run[0].nummer);
        if run.iter().any(|r| !r.stop && !r.verwijdering && r.geldig) {
            valid_start.insert(key);
        }
        if let Some(fase) = replay(input, cal, gemeld, run, eerste_301.get(&key).copied(), out) {
            gestart.insert(key, fase);
        }
    }
    if !zonder_start && !open {
        return;
    }
    for (key, t) in actueel {
        let has_valid_start = valid_start.contains(&key);
        let item = |def, datum| {
            Item::new(def, t.wet, t.aanbieder, datum).bericht(input.naam(t.wet, 301), t.bericht_id).traject(
                t.traject,
                t.categorie,
                Some(t.nummer),
            )
        };
        if let Some(ingang) = t.ingangsdatum
            && zonder_start
            && !t.vervallen
            && !has_valid_start
            && cal.deadline(ingang, ZONDER_START_WERKDAGEN).is_some_and(|due| due < peildatum)
        {
            out(item(&defs::TOEWIJZING_ZONDER_START, ingang).uitkomst("zonder_start"));
        }
        let Some(einddatum) = t.einddatum.filter(|_| open) else { continue };
        match gestart.get(&key) {
            Some(Fase::Lopend) if cal.deadline(einddatum, MELDTERMIJN).is_some_and(|due| due < peildatum) => {
                out(item(&defs::OPEN_TRAJECTEN, einddatum).uitkomst("geen_stop"));
            }
            Some(Fase::Tijdelijk(eind)) if *eind + chrono::Days::new(TIJDELIJK_ZONDER_VERVOLG_DAGEN) < peildatum => {
                out(item(&defs::OPEN_TRAJECTEN, *eind).uitkomst("tijdelijk_zonder_vervolg"));
            }
            _ => {}
        }
    }
}

/// Replay the starts and stops of one toewijzing in order of receipt; returns where it
/// stands at the end (`None`: never validly started).
/// Which timeliness judgements to make (they cost calendar work).
#[derive(Debug, Clone, Copy)]
struct Gemeld {
    start: bool,
    stop: bool,
}

fn replay(
    input: &Input,
    cal: &Calendar,
    judge: Gemeld,
    rows: &[&Regie],
    eerste_301: Option<NaiveDateTime>,
    out: &mut dyn FnMut(Item),
) -> Option<Fase> {
    let mut verloop = Verloop::default();
    let mut gecorrigeerd = false;
    for r in rows {
        let dag = r.ontvangen.date();
        let item = |def| {
            Item::new(def, r.wet, r.aanbieder, dag)
                .bericht(input.naam(r.wet, if r.stop { 307 } else { 305 }), r.bericht_id)
                .traject(r.traject, r.categorie, Some(r.nummer))
        };
        let gemeld = |t0: Option<NaiveDate>| match t0 {
            None => "niet_meetbaar",
            Some(t0) if cal.on_time(t0, dag, MELDTERMIJN) => "op_tijd",
            Some(_) => "te_laat",
        };
        match (r.stop, r.verwijdering) {
            (false, true) => {
                if let Some(begin) = r.begindatum {
                    verloop.verwijder_start(begin);
                }
                gecorrigeerd = true;
            }
            (false, false) => {
                let Some(begin) = r.begindatum else { continue };
                verloop.stappen.push(Stap::Start(begin));
                // Retroactive: the 301 known when the start came was received after the Begindatum.
                let known_301 = eerste_301.filter(|t| *t <= r.ontvangen).map(|t| t.date());
                let t0 = (!gecorrigeerd).then(|| known_301.map_or(begin, |t| begin.max(t)));
                gecorrigeerd = false;
                if judge.start {
                    out(item(&defs::START_TIJDIG).uitkomst(gemeld(t0)));
                }
            }
            (true, true) => {}
            (true, false) => {
                let Some(eind) = r.einddatum else { continue };
                let tijdelijk = input.text(r.reden_beeindiging) == "20";
                let na_tijdelijk = matches!(verloop.fase(), Some(Fase::Tijdelijk(_)));
                let t0 = (tijdelijk || !na_tijdelijk).then_some(eind);
                if judge.stop {
                    out(item(&defs::STOP_TIJDIG).uitkomst(gemeld(t0)));
                }
                if !tijdelijk {
                    out(item(&defs::STOPS_PER_REDEN).uitkomst("gestopt").klasse(r.reden_beeindiging));
                    if let Some(begin) = verloop.eerste_start() {
                        out(item(&defs::TRAJECTDUUR).waarde((eind - begin).num_days()));
                    }
                }
                verloop.stappen.push(Stap::Stop(if tijdelijk { Fase::Tijdelijk(eind) } else { Fase::Gestopt }));
            }
        }
    }
    // The waiting time: from the first start that is still valid (not deleted since).
    let eerste_geldige = rows.iter().find(|r| !r.stop && !r.verwijdering && r.geldig);
    if let Some((r, begin)) = eerste_geldige.and_then(|r| Some((r, r.begindatum?))) {
        let item = |def| {
            Item::new(def, r.wet, r.aanbieder, begin).bericht(input.naam(r.wet, 305), r.bericht_id).traject(
                r.traject,
                r.categorie,
                Some(r.nummer),
            )
        };
        if let Some(ingang) = r.toewijzing_ingangsdatum {
            out(item(&defs::WACHTTIJD_TOEWIJZING_START).waarde((begin - ingang).num_days()));
        }
        if let Some(t301) = eerste_301 {
            out(item(&defs::WACHTTIJD_ONTVANGST_START).waarde((begin - t301.date()).num_days()));
        }
    }
    verloop.fase()
}

/// A valid start (its Begindatum) or stop (where it leaves the toewijzing).
#[derive(Debug, Clone, Copy)]
enum Stap {
    Start(NaiveDate),
    Stop(Fase),
}

/// The valid starts and stops of one toewijzing so far, in order of receipt. A deletion
/// (StatusAanlevering 3) removes the start with its Begindatum, wherever it stands.
#[derive(Debug, Default)]
struct Verloop {
    stappen: Vec<Stap>,
}

impl Verloop {
    /// The Begindatum of the first start that is still valid.
    fn eerste_start(&self) -> Option<NaiveDate> {
        self.stappen.iter().find_map(|s| match s {
            Stap::Start(begin) => Some(*begin),
            Stap::Stop(_) => None,
        })
    }

    /// Where the toewijzing stands after its last valid start or stop (`None`: not started).
    fn fase(&self) -> Option<Fase> {
        self.eerste_start()?;
        self.stappen.last().map(|s| match s {
            Stap::Start(_) => Fase::Lopend,
            Stap::Stop(fase) => *fase,
        })
    }

    fn verwijder_start(&mut self, begindatum: NaiveDate) {
        if let Some(i) = self.stappen.iter().rposition(|s| matches!(s, Stap::Start(b) if *b == begindatum)) {
            self.stappen.remove(i);
        }
    }
}
