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
mod regie;
mod retour;
mod verzoek;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use ketenzicht_calendar::Calendar;
use ketenzicht_gemeenten::Gemeenten;
use ketenzicht_store::{Store, StoreError};

pub use aggregate::{Dim, Rij, Stats};
pub use defs::{Definitie, Soort};
pub use item::Item;

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
}

impl Filter {
    fn keeps(&self, item: &Item) -> bool {
        let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        eq(&self.wet, &item.wet)
            && eq(&self.aanbieder, &item.aanbieder)
            && eq(&self.productcategorie, &item.productcategorie)
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
    pub items: Vec<Item>,
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

/// All items of one gemeente, before filtering.
pub fn items_of(input: &input::Input, cal: &Calendar, peildatum: NaiveDate) -> Vec<Item> {
    let mut out = Vec::new();
    retour::items(input, cal, peildatum, &mut out);
    regie::items(input, cal, peildatum, &mut out);
    verzoek::items(input, cal, peildatum, &mut out);
    declaratie::items(input, &mut out);
    out
}

/// Compute the indicators over the gemeenten in `scope` (each read from the store on its
/// own, on as many threads as there are cores).
pub fn compute(
    store: &Store,
    gemeenten: &Gemeenten,
    scope: &[String],
    options: &Options,
) -> Result<Report, IndicatorError> {
    let selected: Vec<&'static Definitie> =
        if options.indicators.is_empty() { defs::ALLE.to_vec() } else { options.indicators.clone() };
    let onleesbaar = Mutex::new(input::onleesbaar(store)?);
    let lake = store.lake();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(scope.len()).max(1);
    let results: Vec<Result<(aggregate::Groups, Vec<Item>), IndicatorError>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut groups = aggregate::Groups::new();
                    let mut kept = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(gemeente) = scope.get(i) else { break };
                        let q = onleesbaar.lock().map(|mut m| m.remove(gemeente)).unwrap_or_default();
                        let input = input::load(&lake, gemeente, q.unwrap_or_default(), options.peildatum)?;
                        for item in items_of(&input, &options.calendar, options.peildatum) {
                            let Some(index) = selected.iter().position(|d| std::ptr::eq(*d, item.indicator)) else {
                                continue;
                            };
                            if !keeps(options, &item) {
                                continue;
                            }
                            let key = options.per.iter().map(|d| d.value(&item, gemeenten)).collect();
                            groups.entry((index, key)).or_default().add(item.indicator, &item);
                            if options.items {
                                kept.push(item);
                            }
                        }
                    }
                    Ok((groups, kept))
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    let mut groups = aggregate::Groups::new();
    let mut items = Vec::new();
    for result in results {
        let (g, i) = result?;
        for (key, acc) in g {
            groups.entry(key).or_default().merge(acc);
        }
        items.extend(i);
    }
    items.sort_by(|a, b| (&a.gemeente, a.datum, a.bericht_id).cmp(&(&b.gemeente, b.datum, b.bericht_id)));
    let mut uitslagen: Vec<Uitslag> =
        selected.iter().map(|d| Uitslag { definitie: d, rijen: Vec::new(), items: Vec::new() }).collect();
    for ((index, key), acc) in groups {
        let def = selected[index];
        uitslagen[index].rijen.push(Rij::from_acc(def, key, acc));
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
    let in_period = item.indicator.soort == Soort::Lijst || options.van.is_none_or(|van| item.datum >= van);
    in_period && options.filter.keeps(item)
}
