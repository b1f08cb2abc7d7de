//! 319 Antwoordbericht and 320 Retour antwoordbericht. A 319 carries no client: it links to the
//! request only through ReferentieAanbieder.

use ketenzicht_message_derive::Element;

use super::common::*;
use super::header::{Header, RetourHeader};
use crate::codes::*;
use crate::leaf::*;

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Antwoord<R = ()> {
    pub referentie_aanbieder: Referentie,
    pub verzoek_antwoord: VerzoekAntwoord,
    /// Required when VerzoekAntwoord is 1, absent when 2 (CD085/CD086).
    pub reden_afwijzing_verzoek: Option<RedenAfwijzingVerzoek>,
    /// iJw only, with reden 8 (TR377/TR409): the gemeente that is responsible.
    #[xml(ijw_only)]
    pub woonplaatsbeginsel: Option<Woonplaatsbeginsel<R>>,
    #[xml(retour)]
    pub retour_codes: R,
}

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Woonplaatsbeginsel<R = ()> {
    pub gemeente: Gemeente,
    #[xml(retour)]
    pub retour_codes: R,
}

/// 319 Antwoordbericht.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht319 {
    pub header: Header<Gemeente, AgbCode>,
    pub antwoord: Antwoord,
}

/// 320 Retour antwoordbericht.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht320 {
    pub header: RetourHeader<Gemeente, AgbCode>,
    pub antwoord: Option<Antwoord<RetourCodes>>,
}
