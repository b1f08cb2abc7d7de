//! Grouping items by dimensions into counts per outcome, shares and duration statistics.
//! Within a gemeente, groups are keyed by numbers (interned text, packed months), so grouping
//! allocates nothing per item; the text is filled in once per group.

use chrono::Datelike;
use ketenzicht_gemeenten::Gemeenten;

use crate::defs::{Definitie, Soort};
use crate::input::Input;
use crate::item::Item;
use crate::pool::Sym;

/// A dimension to group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Gemeente,
    Regio,
    Wet,
    Aanbieder,
    Bericht,
    Productcategorie,
    Maand,
    Week,
    Klasse,
}

/// The most dimensions a grouping can have (each once).
pub const MAX_DIMS: usize = 9;

/// The most outcomes an indicator can have.
pub const MAX_UITKOMSTEN: usize = 8;

/// The dimension values of an item as numbers, in the order asked for (unused: 0).
pub type Codes = [u64; MAX_DIMS];

impl Dim {
    pub const ALL: [Dim; MAX_DIMS] = [
        Dim::Gemeente,
        Dim::Regio,
        Dim::Wet,
        Dim::Aanbieder,
        Dim::Bericht,
        Dim::Productcategorie,
        Dim::Maand,
        Dim::Week,
        Dim::Klasse,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dim::Gemeente => "gemeente",
            Dim::Regio => "regio",
            Dim::Wet => "wet",
            Dim::Aanbieder => "aanbieder",
            Dim::Bericht => "bericht",
            Dim::Productcategorie => "productcategorie",
            Dim::Maand => "maand",
            Dim::Week => "week",
            Dim::Klasse => "klasse",
        }
    }

    pub fn parse(name: &str) -> Option<Dim> {
        Dim::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The value of this dimension for an item, as a number (gemeente and regio are the
    /// same for every item of one input: 0).
    pub fn code(self, item: &Item) -> u64 {
        let sym = |s: Sym| u64::from(s.0);
        match self {
            Dim::Gemeente | Dim::Regio => 0,
            Dim::Wet => sym(item.wet),
            Dim::Aanbieder => sym(item.aanbieder),
            Dim::Bericht => sym(item.bericht),
            Dim::Productcategorie => sym(item.productcategorie),
            Dim::Klasse => sym(item.klasse),
            Dim::Maand => (item.datum.year() as u64) * 100 + u64::from(item.datum.month()),
            Dim::Week => {
                let w = item.datum.iso_week();
                (w.year() as u64) * 100 + u64::from(w.week())
            }
        }
    }

    /// The text of a value from [`Dim::code`].
    pub fn text(self, code: u64, input: &Input, gemeenten: &Gemeenten) -> String {
        match self {
            Dim::Gemeente => input.gemeente.clone(),
            Dim::Regio => gemeenten.regio(&input.gemeente).unwrap_or("onbekend").to_owned(),
            Dim::Wet | Dim::Aanbieder | Dim::Bericht | Dim::Productcategorie | Dim::Klasse => {
                input.text(Sym(u32::try_from(code).unwrap_or(0))).to_owned()
            }
            Dim::Maand => format!("{:04}-{:02}", code / 100, code % 100),
            Dim::Week => format!("{:04}-W{:02}", code / 100, code % 100),
        }
    }
}

/// Duration statistics in days: the mean rounded to two decimals, percentiles by nearest
/// rank (the smallest value with at least p% of the values at or below it).
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub n: usize,
    pub gemiddelde: f64,
    pub mediaan: i64,
    pub p80: i64,
    pub p90: i64,
    pub max: i64,
}

impl Stats {
    /// `None` for no values.
    pub fn of(values: &mut [i64]) -> Option<Stats> {
        if values.is_empty() {
            return None;
        }
        values.sort_unstable();
        let n = values.len();
        let rank = |p: u64| values[((p * n as u64).div_ceil(100) as usize).clamp(1, n) - 1];
        let sum: i128 = values.iter().map(|&v| i128::from(v)).sum();
        Some(Stats {
            n,
            gemiddelde: (sum as f64 / n as f64 * 100.0).round() / 100.0,
            mediaan: rank(50),
            p80: rank(80),
            p90: rank(90),
            max: values[n - 1],
        })
    }
}

/// What is gathered for one group.
#[derive(Debug, Clone, Default)]
pub struct Acc {
    pub n: u64,
    /// Counts per outcome, in the order of [`Definitie::uitkomsten`].
    pub uitkomsten: [u64; MAX_UITKOMSTEN],
    pub waarden: Vec<i64>,
}

impl Acc {
    pub fn add(&mut self, def: &Definitie, item: &Item) {
        self.n += 1;
        if let Some(i) = def.uitkomsten.iter().position(|u| *u == item.uitkomst) {
            self.uitkomsten[i] += 1;
        }
        if let Some(w) = item.waarde {
            self.waarden.push(w);
        }
    }

    pub fn merge(&mut self, other: Acc) {
        self.n += other.n;
        for (a, b) in self.uitkomsten.iter_mut().zip(other.uitkomsten) {
            *a += b;
        }
        self.waarden.extend(other.waarden);
    }
}

/// One row of an indicator: the dimension values and the measures.
#[derive(Debug, Clone)]
pub struct Rij {
    pub key: Vec<String>,
    pub n: u64,
    /// Counts per outcome, in the order of [`Definitie::uitkomsten`].
    pub uitkomsten: Vec<u64>,
    /// teller / noemer, when the indicator has a share and the noemer is not zero.
    pub aandeel: Option<f64>,
    pub stats: Option<Stats>,
}

impl Rij {
    pub fn from_acc(def: &Definitie, key: Vec<String>, mut acc: Acc) -> Rij {
        let uitkomsten: Vec<u64> = acc.uitkomsten[..def.uitkomsten.len()].to_vec();
        let sum = |names: &[&str]| -> u64 {
            def.uitkomsten.iter().zip(&uitkomsten).filter(|(u, _)| names.contains(u)).map(|(_, n)| n).sum()
        };
        let noemer = sum(def.noemer);
        let aandeel = (!def.noemer.is_empty() && noemer > 0)
            .then(|| (sum(def.teller) as f64 / noemer as f64 * 10_000.0).round() / 10_000.0);
        let stats = if def.soort == Soort::Duur { Stats::of(&mut acc.waarden) } else { None };
        Rij { key, n: acc.n, uitkomsten, aandeel, stats }
    }
}

/// Groups per (indicator index, dimension values as text); sorted when the report is made.
pub type Groups = rustc_hash::FxHashMap<(usize, Vec<String>), Acc>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let s = Stats::of(&mut [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]).expect("values");
        assert_eq!((s.n, s.mediaan, s.p80, s.p90, s.max), (10, 5, 8, 9, 10));
        assert_eq!(s.gemiddelde, 5.5);
        let s = Stats::of(&mut [7]).expect("one value");
        assert_eq!((s.mediaan, s.p80, s.p90, s.max), (7, 7, 7, 7));
        let s = Stats::of(&mut [1, 2, 4]).expect("three values");
        assert_eq!((s.mediaan, s.p80, s.gemiddelde), (2, 4, 2.33));
        assert!(Stats::of(&mut []).is_none());
    }
}
