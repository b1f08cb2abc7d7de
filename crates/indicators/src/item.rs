//! An item: one underlying thing an indicator counts or measures (a heenbericht, a start, a
//! requested product, a toewijzing), with every dimension and the references to drill down
//! to trajecten and messages.

use chrono::NaiveDate;

use crate::defs::Definitie;

#[derive(Debug, Clone)]
pub struct Item {
    pub indicator: &'static Definitie,
    pub gemeente: String,
    pub wet: String,
    /// The aanbieder (AGB) on the other side of the gemeente.
    pub aanbieder: String,
    /// The message type the item is about (`JW301`), or empty.
    pub bericht: String,
    pub productcategorie: String,
    /// The day that puts the item in a month and week (see [`Definitie::datum`]).
    pub datum: NaiveDate,
    /// A further class: a RetourCode, RedenBeeindiging, RedenWijziging or RedenAfwijzing.
    pub klasse: String,
    /// One of the indicator's outcomes; empty for a duration.
    pub uitkomst: &'static str,
    /// For a duration: the days.
    pub waarde: Option<i64>,
    pub bericht_id: Option<i64>,
    pub traject_id: String,
    pub toewijzing_nummer: Option<i64>,
}

impl Item {
    /// An item with the dimensions every item has; the rest empty.
    pub fn new(indicator: &'static Definitie, gemeente: &str, wet: &str, aanbieder: &str, datum: NaiveDate) -> Item {
        Item {
            indicator,
            gemeente: gemeente.to_owned(),
            wet: wet.to_owned(),
            aanbieder: aanbieder.to_owned(),
            bericht: String::new(),
            productcategorie: String::new(),
            datum,
            klasse: String::new(),
            uitkomst: "",
            waarde: None,
            bericht_id: None,
            traject_id: String::new(),
            toewijzing_nummer: None,
        }
    }

    pub fn uitkomst(mut self, uitkomst: &'static str) -> Item {
        self.uitkomst = uitkomst;
        self
    }

    pub fn waarde(mut self, days: i64) -> Item {
        self.waarde = Some(days);
        self
    }

    pub fn bericht(mut self, bericht: &str, bericht_id: i64) -> Item {
        self.bericht = bericht.to_owned();
        self.bericht_id = Some(bericht_id);
        self
    }

    pub fn traject(mut self, traject_id: &str, productcategorie: &str, toewijzing_nummer: Option<i64>) -> Item {
        self.traject_id = traject_id.to_owned();
        self.productcategorie = productcategorie.to_owned();
        self.toewijzing_nummer = toewijzing_nummer;
        self
    }

    pub fn klasse(mut self, klasse: &str) -> Item {
        self.klasse = klasse.to_owned();
        self
    }
}

/// The message name of a type number in a law: `JW305`, `WMO305`.
pub fn bericht_naam(wet: &str, nummer: u16) -> String {
    let prefix = if wet == "iJw" { "JW" } else { "WMO" };
    format!("{prefix}{nummer}")
}

/// The outcome of a term with a deadline, judged at the peildatum: answered on or before the
/// deadline, later, not answered with the deadline passed, or not answered yet.
pub fn termijn(deadline: NaiveDate, antwoord: Option<NaiveDate>, peildatum: NaiveDate) -> &'static str {
    match antwoord {
        Some(a) if a <= deadline => "op_tijd",
        Some(_) => "te_laat",
        None if deadline < peildatum => "ontbreekt",
        None => "open",
    }
}
