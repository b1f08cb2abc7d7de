//! An item: one underlying thing an indicator counts or measures (a heenbericht, a start, a
//! requested product, a toewijzing), with every dimension and the references to drill down
//! to trajecten and messages. Items hold interned text ([`Sym`]) of their gemeente's input.

use chrono::NaiveDate;

use crate::defs::Definitie;
use crate::input::Input;
use crate::pool::Sym;

#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub indicator: &'static Definitie,
    pub wet: Sym,
    /// The aanbieder (AGB) on the other side of the gemeente.
    pub aanbieder: Sym,
    /// The message type the item is about (`JW301`), or empty.
    pub bericht: Sym,
    pub productcategorie: Sym,
    /// The day that puts the item in a month and week (see [`Definitie::datum`]).
    pub datum: NaiveDate,
    /// A further class: a RetourCode, RedenBeeindiging, RedenWijziging or RedenAfwijzing.
    pub klasse: Sym,
    /// One of the indicator's outcomes; empty for a duration.
    pub uitkomst: &'static str,
    /// For a duration: the days.
    pub waarde: Option<i64>,
    pub bericht_id: Option<i64>,
    /// The traject pseudonym as a number (0: none).
    pub traject: u128,
    pub toewijzing_nummer: Option<i64>,
}

impl Item {
    /// An item with the dimensions every item has; the rest empty.
    pub fn new(indicator: &'static Definitie, wet: Sym, aanbieder: Sym, datum: NaiveDate) -> Item {
        Item {
            indicator,
            wet,
            aanbieder,
            bericht: Sym::EMPTY,
            productcategorie: Sym::EMPTY,
            datum,
            klasse: Sym::EMPTY,
            uitkomst: "",
            waarde: None,
            bericht_id: None,
            traject: 0,
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

    pub fn bericht(mut self, bericht: Sym, bericht_id: i64) -> Item {
        self.bericht = bericht;
        self.bericht_id = Some(bericht_id);
        self
    }

    pub fn traject(mut self, traject: u128, productcategorie: Sym, toewijzing_nummer: Option<i64>) -> Item {
        self.traject = traject;
        self.productcategorie = productcategorie;
        self.toewijzing_nummer = toewijzing_nummer;
        self
    }

    pub fn klasse(mut self, klasse: Sym) -> Item {
        self.klasse = klasse;
        self
    }

    /// The item with its text, to keep beyond its gemeente's input.
    pub fn record(&self, input: &Input) -> ItemRecord {
        ItemRecord {
            indicator: self.indicator,
            gemeente: input.gemeente.clone(),
            wet: input.text(self.wet).to_owned(),
            aanbieder: input.text(self.aanbieder).to_owned(),
            bericht: input.text(self.bericht).to_owned(),
            productcategorie: input.text(self.productcategorie).to_owned(),
            datum: self.datum,
            klasse: input.text(self.klasse).to_owned(),
            uitkomst: self.uitkomst,
            waarde: self.waarde,
            bericht_id: self.bericht_id,
            traject_id: if self.traject == 0 { String::new() } else { format!("{:032x}", self.traject) },
            toewijzing_nummer: self.toewijzing_nummer,
        }
    }
}

/// An item with its text: what `--items`, the API and drill-down show.
#[derive(Debug, Clone)]
pub struct ItemRecord {
    pub indicator: &'static Definitie,
    pub gemeente: String,
    pub wet: String,
    pub aanbieder: String,
    pub bericht: String,
    pub productcategorie: String,
    pub datum: NaiveDate,
    pub klasse: String,
    pub uitkomst: &'static str,
    pub waarde: Option<i64>,
    pub bericht_id: Option<i64>,
    pub traject_id: String,
    pub toewijzing_nummer: Option<i64>,
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
