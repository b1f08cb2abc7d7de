//! The regieberichten: 305 Start and 307 Stop, with their retours 306 and 308.

use ketenzicht_message_derive::Element;

use super::common::*;
use super::header::{Header, RetourHeader};
use crate::codes::*;
use crate::leaf::*;
use crate::vec1::Vec1;

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct StartClient<R = ()> {
    pub bsn: Bsn,
    pub geboortedatum: Geboortedatum,
    pub geslacht: Geslacht,
    pub naam: VerkorteNaam,
    #[xml(list = "StartProduct")]
    pub start_producten: Vec1<StartProduct<R>>,
    #[xml(retour)]
    pub retour_codes: R,
}

/// Logical key (IV008): Bsn + ToewijzingNummer + Product + Begindatum.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct StartProduct<R = ()> {
    /// Absent only for taakgericht delivery.
    pub toewijzing_nummer: Option<Nummer>,
    pub product: Option<Product>,
    pub toewijzing_ingangsdatum: Option<Datum>,
    /// The actual start of delivery.
    pub begindatum: Datum,
    /// 1 (new) or 3 (delete) only (CS058).
    pub status_aanlevering: StatusAanlevering,
    #[xml(retour)]
    pub retour_codes: R,
}

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct StopClient<R = ()> {
    pub bsn: Bsn,
    pub geboortedatum: Geboortedatum,
    pub geslacht: Geslacht,
    pub naam: VerkorteNaam,
    #[xml(list = "StopProduct")]
    pub stop_producten: Vec1<StopProduct<R>>,
    #[xml(retour)]
    pub retour_codes: R,
}

/// Logical key since 3.2: the start's key plus RedenBeeindiging (and Einddatum).
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct StopProduct<R = ()> {
    pub toewijzing_nummer: Option<Nummer>,
    pub product: Option<Product>,
    pub toewijzing_ingangsdatum: Option<Datum>,
    /// The Begindatum of the start being stopped (TR382).
    pub begindatum: Datum,
    pub reden_beeindiging: RedenBeeindiging,
    pub einddatum: Datum,
    pub status_aanlevering: StatusAanlevering,
    #[xml(retour)]
    pub retour_codes: R,
}

/// 305 Start.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht305 {
    pub header: Header<AgbCode, Gemeente>,
    pub client: StartClient,
}

/// 306 Retour start.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht306 {
    pub header: RetourHeader<AgbCode, Gemeente>,
    pub client: Option<StartClient<RetourCodes>>,
}

/// 307 Stop.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht307 {
    pub header: Header<AgbCode, Gemeente>,
    pub client: StopClient,
}

/// 308 Retour stop.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht308 {
    pub header: RetourHeader<AgbCode, Gemeente>,
    pub client: Option<StopClient<RetourCodes>>,
}
