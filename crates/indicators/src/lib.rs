//! The monitor- and steering indicators, computed from Ketendata gemeente by gemeente.
//!
//! Every indicator is built from **items**: one per underlying thing (a heenbericht, a start,
//! a requested product, a toewijzing), carrying all dimensions and the references to drill
//! down to trajecten and messages. Items are grouped by the dimensions asked for into counts
//! per outcome, a share, or duration statistics. The definitions are in [`defs`] and
//! `docs/indicators.md`.
//!
//! Terms are judged at the **peildatum**: what was received after it is unknown, so an
//! answer that came later counts as missing (or open while its term runs).

pub mod aggregate;
mod declaratie;
pub mod defs;
pub mod input;
pub mod item;
pub mod output;
pub mod pool;
mod regie;
mod retour;
mod verzoek;

use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use ketenzicht_calendar::Calendar;
use ketenzicht_gemeenten::Gemeenten;
use ketenzicht_store::{Lake, Store, StoreError};

pub use aggregate::{Dim, Rij, Stats};
pub use defs::{Bron, Definitie, Soort};
pub use item::{Item, ItemRecord};

#[derive(Debug, thiserror::Error)]
pub enum IndicatorError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ketendata(#[from] ketenzicht_ketendata::KetendataError),
    #[error("Ketendata table {table} has no column {column:?}: rebuild it with this version (`ketenzicht ingest`)")]
    Column { table: &'static str, column: String },
}

/// Which items count.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub wet: Option<String>,
    pub aanbieder: Option<String>,
    pub productcategorie: Option<String>,
    /// The message type of the item (`JW301`); items without one do not match.
    pub bericht: Option<String>,
    /// The class of a retourcode (`Client`); it narrows only items that have a class (the
    /// retourcodes), so the other indicators beside them stay as they are.
    pub klasse: Option<String>,
}

impl Filter {
    /// The filter in the symbols of one input: `None` when a wanted value does not occur in
    /// it (so nothing of it can match).
    fn resolve(&self, input: &input::Input) -> Option<[Option<pool::Sym>; 4]> {
        let sym = |want: &Option<String>| match want {
            None => Some(None),
            Some(w) => input.sym(w).map(Some),
        };
        Some([sym(&self.wet)?, sym(&self.aanbieder)?, sym(&self.productcategorie)?, sym(&self.bericht)?])
    }

    /// Does an item's class pass? Items without a class always do.
    fn klasse_passes(&self, input: &input::Input, klasse: pool::Sym) -> bool {
        klasse.is_empty() || self.klasse.as_deref().is_none_or(|want| input.text(klasse) == want)
    }
}

/// What to compute.
#[derive(Debug, Clone)]
pub struct Options {
    /// Items dated before this day are left out (open lists are not: they hold at the peildatum).
    pub van: Option<NaiveDate>,
    /// The moment of measurement: the end of the period.
    pub peildatum: NaiveDate,
    /// The indicators (empty: all).
    pub indicators: Vec<&'static Definitie>,
    /// The dimensions to group by.
    pub per: Vec<Dim>,
    pub filter: Filter,
    /// Keep the underlying items for drill-down.
    pub items: bool,
    pub calendar: Calendar,
}

/// One indicator's result.
#[derive(Debug)]
pub struct Uitslag {
    pub definitie: &'static Definitie,
    pub rijen: Vec<Rij>,
    pub items: Vec<ItemRecord>,
}

/// The result of [`compute`].
#[derive(Debug)]
pub struct Report {
    pub van: Option<NaiveDate>,
    pub peildatum: NaiveDate,
    pub per: Vec<Dim>,
    pub gemeenten: Vec<String>,
    pub uitslagen: Vec<Uitslag>,
}

/// Which indicators are asked for (producers skip work for the others).
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a>(pub &'a [&'static Definitie]);

impl Wanted<'_> {
    pub fn has(&self, d: &Definitie) -> bool {
        self.0.iter().any(|w| std::ptr::eq(*w, d))
    }
}

/// Call `out` with the items of one gemeente's input for the wanted indicators (and perhaps
/// others from the same source), before filtering.
pub fn for_each_item(
    input: &input::Input,
    wanted: Wanted<'_>,
    cal: &Calendar,
    peildatum: NaiveDate,
    out: &mut dyn FnMut(Item),
) {
    for bron in [Bron::Berichten, Bron::Regie, Bron::Verzoeken, Bron::Declaraties] {
        if !wanted.0.iter().any(|d| d.bron == bron) {
            continue;
        }
        match bron {
            Bron::Berichten => retour::items(input, cal, peildatum, out),
            Bron::Regie => regie::items(input, wanted, cal, peildatum, out),
            Bron::Verzoeken => verzoek::items(input, cal, peildatum, out),
            Bron::Declaraties => declaratie::items(input, out),
        }
    }
}

/// Every item of one gemeente's input, before filtering.
pub fn items_of(input: &input::Input, cal: &Calendar, peildatum: NaiveDate) -> Vec<Item> {
    let mut items = Vec::new();
    for_each_item(input, Wanted(defs::ALLE), cal, peildatum, &mut |i| items.push(i));
    items
}

/// What one worker gathers.
#[derive(Default)]
struct Partial {
    /// Groups that may continue in another gemeente (the grouping has no gemeente).
    groups: aggregate::Groups,
    /// Rows of groups that are complete, one block per gemeente: the grouping has the
    /// gemeente, so no other gemeente adds to them. Made (statistics included) and sorted on
    /// the worker's thread.
    complete: Vec<Vec<(usize, Rij)>>,
    items: Vec<ItemRecord>,
}

/// Rows in report order: by indicator, then by their key.
fn row_order(a: &(usize, Rij), b: &(usize, Rij)) -> std::cmp::Ordering {
    (a.0, &a.1.key).cmp(&(b.0, &b.1.key))
}

/// The groups and kept items of one gemeente.
fn gemeente_partial(
    input: &input::Input,
    gemeenten: &Gemeenten,
    selected: &[&'static Definitie],
    options: &Options,
    partial: &mut Partial,
) {
    let Some([wet, aanbieder, categorie, bericht]) = options.filter.resolve(input) else { return };
    let mut local: FxHashMap<(usize, aggregate::Codes), aggregate::Acc> = FxHashMap::default();
    let per = &options.per;
    for_each_item(input, Wanted(selected), &options.calendar, options.peildatum, &mut |item| {
        let Some(index) = selected.iter().position(|d| std::ptr::eq(*d, item.indicator)) else { return };
        let matches = |want: Option<pool::Sym>, have| want.is_none_or(|w| w == have);
        if !keeps(options, &item)
            || !matches(wet, item.wet)
            || !matches(aanbieder, item.aanbieder)
            || !matches(categorie, item.productcategorie)
            || !matches(bericht, item.bericht)
            || !options.filter.klasse_passes(input, item.klasse)
        {
            return;
        }
        let mut codes = [0; aggregate::MAX_DIMS];
        for (code, dim) in codes.iter_mut().zip(per) {
            *code = dim.code(&item);
        }
        local.entry((index, codes)).or_default().add(item.indicator, &item);
        if options.items {
            partial.items.push(item.record(input));
        }
    });
    let mut block = Vec::new();
    for ((index, codes), acc) in local {
        let key = per.iter().zip(codes).map(|(dim, code)| dim.text(code, input, gemeenten)).collect();
        if per.contains(&Dim::Gemeente) {
            block.push((index, Rij::from_acc(selected[index], key, acc)));
        } else {
            partial.groups.entry((index, key)).or_default().merge(acc);
        }
    }
    if !block.is_empty() {
        block.sort_unstable_by(row_order);
        partial.complete.push(block);
    }
}

/// What the indicators read: the lake, and the unreadable files from the quarantine. It can
/// be shared between threads (a server keeps one).
#[derive(Debug, Clone)]
pub struct Source {
    pub lake: Lake,
    pub onleesbaar: std::collections::HashMap<String, Vec<input::Onleesbaar>>,
}

impl Source {
    /// A source over a store's lake, with the quarantine from its ledger (of a [`Store`] or,
    /// beside a writer, a [`ketenzicht_store::StoreView`]).
    pub fn of(lake: Lake, ledger: &ketenzicht_store::ledger::Ledger) -> Result<Source, IndicatorError> {
        Ok(Source::with_quarantaine(lake, &ledger.quarantaine()?))
    }

    /// A source with what `options` need: the quarantine (the unreadable files refused at
    /// transport) is read only for indicators on `berichten`.
    pub fn for_options(
        lake: Lake,
        ledger: &ketenzicht_store::ledger::Ledger,
        options: &Options,
    ) -> Result<Source, IndicatorError> {
        if input::Need::of(&options.selected()).berichten {
            Source::of(lake, ledger)
        } else {
            Ok(Source::with_quarantaine(lake, &[]))
        }
    }

    /// A source over `lake` with the quarantine entries the caller has read already.
    pub fn with_quarantaine(lake: Lake, quarantaine: &[ketenzicht_store::ledger::QuarantaineRow]) -> Source {
        Source { lake, onleesbaar: input::onleesbaar(quarantaine) }
    }
}

/// Compute the indicators over the gemeenten in `scope` (each read from the store on its
/// own, on as many threads as there are cores).
pub fn compute(
    store: &Store,
    gemeenten: &Gemeenten,
    scope: &[String],
    options: &Options,
) -> Result<Report, IndicatorError> {
    compute_from(&Source::for_options(store.lake(), &store.ledger, options)?, gemeenten, scope, options, usize::MAX)
}

/// [`compute`] from a [`Source`], on at most `max_threads` threads.
pub fn compute_from(
    source: &Source,
    gemeenten: &Gemeenten,
    scope: &[String],
    options: &Options,
    max_threads: usize,
) -> Result<Report, IndicatorError> {
    let selected = options.selected();
    let need = input::Need { trajecten: options.items, ..input::Need::of(&selected) };
    let lake = &source.lake;
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(scope.len()).min(max_threads).max(1);
    let results: Vec<Result<Partial, IndicatorError>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut partial = Partial::default();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(gemeente) = scope.get(i) else { break };
                        let q = if need.berichten { source.onleesbaar.get(gemeente).cloned() } else { None };
                        let input = input::Input::load(lake, gemeente, need, q.unwrap_or_default(), options.peildatum)?;
                        gemeente_partial(&input, gemeenten, &selected, options, &mut partial);
                    }
                    Ok(partial)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    let mut groups = aggregate::Groups::default();
    let mut blocks: Vec<Vec<(usize, Rij)>> = Vec::new();
    let mut items = Vec::new();
    for result in results {
        let partial = result?;
        for (key, acc) in partial.groups {
            groups.entry(key).or_default().merge(acc);
        }
        blocks.extend(partial.complete);
        items.extend(partial.items);
    }
    items.sort_by(|a, b| (&a.gemeente, a.datum, a.bericht_id).cmp(&(&b.gemeente, b.datum, b.bericht_id)));
    let mut uitslagen: Vec<Uitslag> =
        selected.iter().map(|d| Uitslag { definitie: d, rijen: Vec::new(), items: Vec::new() }).collect();
    let merged = groups.into_iter().map(|((index, key), acc)| (index, Rij::from_acc(selected[index], key, acc)));
    if options.per.first() == Some(&Dim::Gemeente) {
        // Grouped by gemeente first: each gemeente's block is sorted already, and the blocks
        // in order of gemeente give every indicator its rows in order (no other groups).
        blocks.sort_unstable_by(|a, b| a[0].1.key[0].cmp(&b[0].1.key[0]));
        for (index, rij) in blocks.into_iter().flatten().chain(merged) {
            uitslagen[index].rijen.push(rij);
        }
    } else {
        let mut rows: Vec<(usize, Rij)> = blocks.into_iter().flatten().chain(merged).collect();
        rows.sort_unstable_by(row_order);
        for (index, rij) in rows {
            uitslagen[index].rijen.push(rij);
        }
    }
    for item in items {
        if let Some(u) = uitslagen.iter_mut().find(|u| std::ptr::eq(u.definitie, item.indicator)) {
            u.items.push(item);
        }
    }
    Ok(Report {
        van: options.van,
        peildatum: options.peildatum,
        per: options.per.clone(),
        gemeenten: scope.to_vec(),
        uitslagen,
    })
}

/// Does an item fall in the period and the filter? Everything was received by the
/// peildatum; an item's day may lie after it (a start reported before its Begindatum).
fn keeps(options: &Options, item: &Item) -> bool {
    item.indicator.soort == Soort::Lijst || options.van.is_none_or(|van| item.datum >= van)
}

impl Options {
    /// The indicators asked for: all of them when none are named.
    pub fn selected(&self) -> Vec<&'static Definitie> {
        if self.indicators.is_empty() { defs::ALLE.to_vec() } else { self.indicators.clone() }
    }
}
