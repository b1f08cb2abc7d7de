//! Grouping items by dimensions into counts per outcome, shares and duration statistics.

use std::collections::BTreeMap;

use chrono::Datelike;
use ketenzicht_gemeenten::Gemeenten;

use crate::defs::{Definitie, Soort};
use crate::item::Item;

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

impl Dim {
    pub const ALL: [Dim; 9] = [
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

    /// The value of this dimension for an item.
    pub fn value(self, item: &Item, gemeenten: &Gemeenten) -> String {
        match self {
            Dim::Gemeente => item.gemeente.clone(),
            Dim::Regio => gemeenten.regio(&item.gemeente).unwrap_or("onbekend").to_owned(),
            Dim::Wet => item.wet.clone(),
            Dim::Aanbieder => item.aanbieder.clone(),
            Dim::Bericht => item.bericht.clone(),
            Dim::Productcategorie => item.productcategorie.clone(),
            Dim::Maand => format!("{:04}-{:02}", item.datum.year(), item.datum.month()),
            Dim::Week => {
                let w = item.datum.iso_week();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            Dim::Klasse => item.klasse.clone(),
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
    pub uitkomsten: Vec<u64>,
    pub waarden: Vec<i64>,
}

impl Acc {
    pub fn add(&mut self, def: &Definitie, item: &Item) {
        self.n += 1;
        if self.uitkomsten.len() != def.uitkomsten.len() {
            self.uitkomsten.resize(def.uitkomsten.len(), 0);
        }
        if let Some(i) = def.uitkomsten.iter().position(|u| *u == item.uitkomst) {
            self.uitkomsten[i] += 1;
        }
        if let Some(w) = item.waarde {
            self.waarden.push(w);
        }
    }

    pub fn merge(&mut self, other: Acc) {
        self.n += other.n;
        if self.uitkomsten.len() < other.uitkomsten.len() {
            self.uitkomsten.resize(other.uitkomsten.len(), 0);
        }
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
        acc.uitkomsten.resize(def.uitkomsten.len(), 0);
        let sum = |names: &[&str]| -> u64 {
            def.uitkomsten.iter().zip(&acc.uitkomsten).filter(|(u, _)| names.contains(u)).map(|(_, n)| n).sum()
        };
        let noemer = sum(def.noemer);
        let aandeel = (!def.noemer.is_empty() && noemer > 0)
            .then(|| (sum(def.teller) as f64 / noemer as f64 * 10_000.0).round() / 10_000.0);
        let stats = if def.soort == Soort::Duur { Stats::of(&mut acc.waarden) } else { None };
        Rij { key, n: acc.n, uitkomsten: acc.uitkomsten, aandeel, stats }
    }
}

/// Groups per (indicator index, key).
pub type Groups = BTreeMap<(usize, Vec<String>), Acc>;

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
