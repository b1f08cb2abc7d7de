//! Products and orders. An order is the history of its mutations; its periods follow from
//! them: an aanmelding opens a period on its date, a beëindiging closes it on its date, a
//! mutatie records a change (who is the contact, what was agreed) without changing the period.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};
use ketenzicht_message::Wet;
use rusqlite::params;

use crate::{Governance, GovernanceError, check_gemeente};

/// A product a gemeente can order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub code: String,
    pub naam: String,
    /// The laws whose traffic the product needs.
    pub wetten: Vec<Wet>,
    /// The parts it unlocks ([`crate::ONDERDELEN`]).
    pub onderdelen: Vec<String>,
}

/// The kind of an order mutation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Soort {
    Aanmelding,
    Mutatie,
    Beeindiging,
}

impl Soort {
    pub fn as_str(self) -> &'static str {
        match self {
            Soort::Aanmelding => "aanmelding",
            Soort::Mutatie => "mutatie",
            Soort::Beeindiging => "beeindiging",
        }
    }

    pub fn parse(text: &str) -> Option<Soort> {
        match text {
            "aanmelding" => Some(Soort::Aanmelding),
            "mutatie" => Some(Soort::Mutatie),
            "beeindiging" | "beëindiging" => Some(Soort::Beeindiging),
            _ => None,
        }
    }
}

/// One recorded mutation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutatie {
    pub id: i64,
    pub gemeente: String,
    pub product: String,
    pub soort: Soort,
    /// The date the mutation takes effect (the date of the order or of its end).
    pub datum: NaiveDate,
    /// Who gave it on the gemeente's behalf.
    pub gegeven_door: String,
    pub toelichting: String,
    /// The account that recorded it, and when.
    pub vastgelegd_door: String,
    pub vastgelegd_op: String,
}

/// A period in which an order is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periode {
    pub van: NaiveDate,
    /// The day it ended (exclusive), if it did.
    pub tot: Option<NaiveDate>,
    /// The first day of data it admits: none when given by the history deadline (all
    /// history), else its own date.
    pub historie_vanaf: Option<NaiveDate>,
}

impl Periode {
    pub fn in_force(&self, dag: NaiveDate) -> bool {
        self.van <= dag && self.tot.is_none_or(|t| dag < t)
    }
}

/// The order of one gemeente for one product, with its periods and history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opdracht {
    pub gemeente: String,
    pub product: String,
    pub perioden: Vec<Periode>,
    pub mutaties: Vec<Mutatie>,
}

impl Opdracht {
    /// The period in force on `dag`.
    pub fn in_force(&self, dag: NaiveDate) -> Option<&Periode> {
        self.perioden.iter().find(|p| p.in_force(dag))
    }
}

/// What the orders admit on one day: for each gemeente and law, the first day of data it may
/// store (`None`: all history). A gemeente and law that is absent has no order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Toelating {
    /// Per gemeente (looked up by `&str`, without an allocation per message) and law.
    admitted: BTreeMap<String, BTreeMap<Wet, Option<NaiveDate>>>,
    all: bool,
}

impl Toelating {
    /// Everything is admitted: for tools and tests that work without orders.
    pub fn alles() -> Self {
        Toelating { admitted: BTreeMap::new(), all: true }
    }

    /// Whether a message of `gemeente` and `wet` registered on `dag` may be stored.
    pub fn admits(&self, gemeente: &str, wet: Wet, dag: NaiveDate) -> bool {
        self.all || self.vanaf(gemeente, wet).is_some_and(|vanaf| vanaf.is_none_or(|v| dag >= v))
    }

    /// The first admitted day of a gemeente and law: `None` if it has no order, `Some(None)`
    /// for all history.
    pub fn vanaf(&self, gemeente: &str, wet: Wet) -> Option<Option<NaiveDate>> {
        if self.all {
            return Some(None);
        }
        self.admitted.get(gemeente).and_then(|laws| laws.get(&wet)).copied()
    }
}

/// The orders that mutations (oldest first) make, with their periods: an order given after
/// the history `deadline` admits data from its own date only.
fn fold(mutaties: Vec<Mutatie>, deadline: Option<NaiveDate>) -> Vec<Opdracht> {
    let mut out: BTreeMap<(String, String), Opdracht> = BTreeMap::new();
    for m in mutaties {
        let o = out.entry((m.gemeente.clone(), m.product.clone())).or_insert_with(|| Opdracht {
            gemeente: m.gemeente.clone(),
            product: m.product.clone(),
            perioden: Vec::new(),
            mutaties: Vec::new(),
        });
        match m.soort {
            Soort::Aanmelding => o.perioden.push(Periode {
                van: m.datum,
                tot: None,
                historie_vanaf: deadline.filter(|d| m.datum > *d).map(|_| m.datum),
            }),
            Soort::Beeindiging => {
                if let Some(p) = o.perioden.last_mut() {
                    p.tot = Some(m.datum);
                }
            }
            Soort::Mutatie => {}
        }
        o.mutaties.push(m);
    }
    out.into_values().collect()
}

fn wetten(text: &str) -> Vec<Wet> {
    text.split(',').filter_map(|w| Wet::parse(w.trim())).collect()
}

impl Governance {
    pub fn products(&self) -> Result<Vec<Product>, GovernanceError> {
        let mut stmt = self
            .conn
            .prepare("SELECT code, naam, wetten, onderdelen FROM product ORDER BY code")
            .map_err(self.sql())?;
        stmt.query_map([], |r| {
            Ok(Product {
                code: r.get(0)?,
                naam: r.get(1)?,
                wetten: wetten(&r.get::<_, String>(2)?),
                onderdelen: r.get::<_, String>(3)?.split(',').filter(|o| !o.is_empty()).map(str::to_owned).collect(),
            })
        })
        .map_err(self.sql())?
        .collect::<Result<Vec<_>, _>>()
        .map_err(self.sql())
    }

    /// Add a product (a new service), without a schema change.
    pub fn add_product(&self, p: &Product) -> Result<(), GovernanceError> {
        if p.code.is_empty() || !p.code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(GovernanceError::Invalid(format!(
                "product code {:?}: lower case letters, digits and -",
                p.code
            )));
        }
        if p.wetten.is_empty() {
            return Err(GovernanceError::Invalid("a product needs at least one law".into()));
        }
        if let Some(o) = p.onderdelen.iter().find(|o| !crate::ONDERDELEN.contains(&o.as_str())) {
            return Err(GovernanceError::Invalid(format!(
                "unknown part {o:?}; the parts are {}",
                crate::ONDERDELEN.join(", ")
            )));
        }
        let wetten = p.wetten.iter().map(|w| w.as_str()).collect::<Vec<_>>().join(",");
        self.conn
            .execute(
                "INSERT INTO product (code, naam, wetten, onderdelen) VALUES (?1, ?2, ?3, ?4)",
                params![p.code, p.naam, wetten, p.onderdelen.join(",")],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// Record a mutation of the order of `gemeente` for `product`. An aanmelding needs no
    /// order in force on its date, a mutatie and a beëindiging need one.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        gemeente: &str,
        product: &str,
        soort: Soort,
        datum: NaiveDate,
        gegeven_door: &str,
        toelichting: &str,
        vastgelegd_door: &str,
        nu: NaiveDateTime,
    ) -> Result<Mutatie, GovernanceError> {
        check_gemeente(gemeente)?;
        if !self.products()?.iter().any(|p| p.code == product) {
            return Err(GovernanceError::Invalid(format!(
                "unknown product {product:?} (see `ketenzicht orders products`)"
            )));
        }
        if gegeven_door.trim().is_empty() {
            return Err(GovernanceError::Invalid("who gave the order on the gemeente's behalf is required".into()));
        }
        let current = self.order(gemeente, product)?;
        let open = current.as_ref().and_then(|o| o.perioden.last()).is_some_and(|p| p.tot.is_none());
        match soort {
            Soort::Aanmelding if open => {
                return Err(GovernanceError::Invalid(format!(
                    "gemeente {gemeente} already has an order for {product}; record a mutatie or a beeindiging"
                )));
            }
            Soort::Mutatie | Soort::Beeindiging if !open => {
                return Err(GovernanceError::Invalid(format!(
                    "gemeente {gemeente} has no order for {product} in force"
                )));
            }
            Soort::Beeindiging if current.and_then(|o| o.perioden.last().copied()).is_some_and(|p| datum < p.van) => {
                return Err(GovernanceError::Invalid(format!("the end {datum} lies before the order's start")));
            }
            _ => {}
        }
        let vastgelegd_op = nu.format("%Y-%m-%dT%H:%M:%S").to_string();
        self.conn
            .execute(
                "INSERT INTO opdracht_mutatie (gemeente, product, soort, datum, gegeven_door, toelichting, vastgelegd_door, vastgelegd_op)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    gemeente,
                    product,
                    soort.as_str(),
                    datum.to_string(),
                    gegeven_door,
                    toelichting,
                    vastgelegd_door,
                    vastgelegd_op
                ],
            )
            .map_err(self.sql())?;
        Ok(Mutatie {
            id: self.conn.last_insert_rowid(),
            gemeente: gemeente.to_owned(),
            product: product.to_owned(),
            soort,
            datum,
            gegeven_door: gegeven_door.to_owned(),
            toelichting: toelichting.to_owned(),
            vastgelegd_door: vastgelegd_door.to_owned(),
            vastgelegd_op,
        })
    }

    /// Every mutation, oldest first, optionally of one gemeente.
    pub fn mutaties(&self, gemeente: Option<&str>) -> Result<Vec<Mutatie>, GovernanceError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, gemeente, product, soort, datum, gegeven_door, toelichting, vastgelegd_door, vastgelegd_op
                 FROM opdracht_mutatie WHERE ?1 IS NULL OR gemeente = ?1 ORDER BY id",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([gemeente], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                ))
            })
            .map_err(self.sql())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql())?;
        rows.into_iter()
            .map(|(id, gemeente, product, soort, datum, gegeven_door, toelichting, vastgelegd_door, vastgelegd_op)| {
                Ok(Mutatie {
                    id,
                    soort: Soort::parse(&soort)
                        .ok_or_else(|| GovernanceError::Invalid(format!("mutation {id}: kind {soort:?}")))?,
                    datum: crate::parse_date(&datum, "opdracht_mutatie.datum")?,
                    gemeente,
                    product,
                    gegeven_door,
                    toelichting,
                    vastgelegd_door,
                    vastgelegd_op,
                })
            })
            .collect()
    }

    /// Every order (gemeente, product) with its periods, from the mutations.
    pub fn orders(&self) -> Result<Vec<Opdracht>, GovernanceError> {
        Ok(fold(self.mutaties(None)?, self.deadline()?))
    }

    pub fn order(&self, gemeente: &str, product: &str) -> Result<Option<Opdracht>, GovernanceError> {
        let mutaties = self.mutaties(Some(gemeente))?.into_iter().filter(|m| m.product == product).collect();
        Ok(fold(mutaties, self.deadline()?).pop())
    }

    /// What the orders in force on `dag` admit.
    pub fn toelating(&self, dag: NaiveDate) -> Result<Toelating, GovernanceError> {
        let products = self.products()?;
        let mut t = Toelating::default();
        for o in self.orders()? {
            let (Some(p), Some(product)) = (o.in_force(dag), products.iter().find(|p| p.code == o.product)) else {
                continue;
            };
            for &wet in &product.wetten {
                let slot = t.admitted.entry(o.gemeente.clone()).or_default().entry(wet).or_insert(p.historie_vanaf);
                // The widest admission of the orders that need this law.
                *slot = match (*slot, p.historie_vanaf) {
                    (None, _) | (_, None) => None,
                    (Some(a), Some(b)) => Some(a.min(b)),
                };
            }
        }
        Ok(t)
    }

    /// The products in force on `dag` per gemeente.
    pub fn ordered_products(&self, dag: NaiveDate) -> Result<BTreeMap<String, BTreeSet<String>>, GovernanceError> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for o in self.orders()? {
            if o.in_force(dag).is_some() {
                out.entry(o.gemeente).or_default().insert(o.product);
            }
        }
        Ok(out)
    }

    /// Per gemeente, the parts its products in force on `dag` unlock, with the laws of those
    /// products.
    pub fn onderdelen(&self, dag: NaiveDate) -> Result<BTreeMap<String, Parts>, GovernanceError> {
        let products = self.products()?;
        let mut out: BTreeMap<String, Parts> = BTreeMap::new();
        for (gemeente, ordered) in self.ordered_products(dag)? {
            let parts = out.entry(gemeente).or_default();
            for p in products.iter().filter(|p| ordered.contains(&p.code)) {
                for o in &p.onderdelen {
                    parts.entry(o.clone()).or_default().extend(p.wetten.iter().copied());
                }
            }
        }
        Ok(out)
    }
}

/// The parts one gemeente's orders unlock, each with the laws of the products that unlock it.
pub type Parts = BTreeMap<String, BTreeSet<Wet>>;

/// Whether `parts` unlock `onderdeel`, or any dashboard when `onderdeel` is `None`.
pub fn unlocks(parts: &Parts, onderdeel: Option<&str>) -> bool {
    match onderdeel {
        Some(o) => parts.contains_key(o),
        None => dashboards(parts).next().is_some(),
    }
}

/// The dashboards among `parts`: every part but the Ketendata export.
pub fn dashboards(parts: &Parts) -> impl Iterator<Item = &String> {
    parts.keys().filter(|o| *o != crate::KETENDATA)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn nu() -> NaiveDateTime {
        d(2026, 11, 28).and_hms_opt(12, 0, 0).expect("time")
    }

    #[test]
    fn orders_admit_their_laws_and_the_deadline_limits_late_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let g = Governance::open(dir.path()).expect("open");
        g.set_setting(crate::HISTORIE_DEADLINE, "2025-01-01").expect("deadline");
        g.record("0363", "ketendata-ijw", Soort::Aanmelding, d(2024, 6, 1), "wethouder", "", "beheer", nu())
            .expect("order");
        g.record("0518", "monitor-stuurinformatie", Soort::Aanmelding, d(2025, 3, 1), "CIO", "", "beheer", nu())
            .expect("late order");
        let t = g.toelating(d(2025, 6, 1)).expect("toelating");
        assert!(t.admits("0363", Wet::IJw, d(2020, 1, 1)), "an order by the deadline admits all history");
        assert!(!t.admits("0363", Wet::IWmo, d(2025, 1, 1)), "no order for iWmo");
        assert!(t.admits("0518", Wet::IWmo, d(2025, 3, 1)));
        assert!(!t.admits("0518", Wet::IWmo, d(2025, 2, 28)), "a late order starts with no history");
        assert!(!t.admits("0599", Wet::IJw, d(2025, 3, 1)));
        assert!(g.record("0363", "ketendata-ijw", Soort::Aanmelding, d(2025, 1, 1), "x", "", "b", nu()).is_err());
        g.record("0363", "ketendata-ijw", Soort::Beeindiging, d(2025, 7, 1), "wethouder", "", "beheer", nu())
            .expect("end");
        assert!(!g.toelating(d(2025, 7, 1)).expect("t").admits("0363", Wet::IJw, d(2024, 1, 1)));
        assert!(g.toelating(d(2025, 6, 30)).expect("t").admits("0363", Wet::IJw, d(2024, 1, 1)));
        assert_eq!(g.order("0363", "ketendata-ijw").expect("o").map(|o| o.mutaties.len()), Some(2));
        let met = |onderdeel: Option<&str>| -> Vec<String> {
            let parts = g.onderdelen(d(2025, 6, 1)).expect("parts");
            parts.into_iter().filter(|(_, p)| unlocks(p, onderdeel)).map(|(g, _)| g).collect()
        };
        assert_eq!(met(None), ["0518"]);
        g.record("0599", "procesinformatie-jeugdzorg", Soort::Aanmelding, d(2024, 1, 1), "x", "", "b", nu())
            .expect("o");
        assert_eq!(met(Some("doorlooptijden")), ["0518", "0599"]);
        assert_eq!(met(Some("termijnen")), ["0518"]);
        let ketendata = g.onderdelen(d(2025, 6, 1)).expect("o");
        assert_eq!(ketendata["0363"]["ketendata"].iter().copied().collect::<Vec<_>>(), [Wet::IJw]);
        assert!(g.record("0363", "bestaat-niet", Soort::Aanmelding, d(2025, 1, 1), "x", "", "b", nu()).is_err());
        let benchmark = |o: &str| Product {
            code: "benchmark".into(),
            naam: "Benchmark".into(),
            wetten: vec![Wet::IJw],
            onderdelen: vec![o.into()],
        };
        assert!(g.add_product(&benchmark("nergens")).is_err());
        g.add_product(&benchmark("overzicht")).expect("a new product without a schema change");
        assert!(g.products().expect("p").iter().any(|p| p.code == "benchmark"));
    }
}
