//! 301 Toewijzing and 302 Retour toewijzing.

use ketenzicht_message_derive::Element;

use super::common::*;
use super::header::{Header, RetourHeader};
use crate::codes::*;
use crate::leaf::*;
use crate::vec1::Vec1;

/// The client of a 301 (with `R = ()`) or a 302 (with `R = RetourCodes`).
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct ToewijzingClient<R = ()> {
    pub bsn: Bsn,
    pub geboortedatum: Geboortedatum,
    pub geslacht: Geslacht,
    pub naam: VolledigeNaam,
    pub communicatie: Option<Communicatie>,
    pub juridische_status: Option<JuridischeStatus>,
    pub wettelijke_vertegenwoordiging: Option<WettelijkeVertegenwoordiging>,
    pub commentaar: Option<Commentaar>,
    #[xml(list = "Relatie")]
    pub relaties: Option<Vec1<Relatie<R>>>,
    #[xml(list = "Contact")]
    pub contactgegevens: Vec1<Contact<R>>,
    #[xml(list = "ToegewezenProduct")]
    pub toegewezen_producten: Vec1<ToegewezenProduct<R>>,
    #[xml(retour)]
    pub retour_codes: R,
}

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Relatie<R = ()> {
    pub nummer: Persoonsid,
    pub volgorde: Option<RelatieVolgorde>,
    pub soort: SoortRelatie,
    pub geboortedatum: Option<Geboortedatum>,
    pub geslacht: Option<Geslacht>,
    pub naam: VolledigeNaam,
    pub contact: Contact<R>,
    #[xml(retour)]
    pub retour_codes: R,
}

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Contact<R = ()> {
    pub soort: AdresSoort,
    pub adres: Option<Adres>,
    pub organisatie: Option<Organisatienaam>,
    pub telefoon: Option<Telefoonnummers>,
    pub emailadres: Option<Emailadres>,
    pub periode: Option<OpenPeriode>,
    #[xml(retour)]
    pub retour_codes: R,
}

/// One toewijzing. Its identity is (gemeente, ToewijzingNummer); the current version is the
/// one with the latest Toewijzingsdatum + Toewijzingstijd (IV013).
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct ToegewezenProduct<R = ()> {
    pub toewijzing_nummer: Nummer,
    pub referentie_aanbieder: Option<Referentie>,
    pub product: Option<Product>,
    pub toewijzingsdatum: Datum,
    pub toewijzingstijd: Tijd,
    pub ingangsdatum: Datum,
    pub einddatum: Option<Datum>,
    pub reden_wijziging: Option<RedenWijziging>,
    pub omvang: Option<Omvang>,
    pub budget: Option<Budget>,
    pub commentaar: Option<Commentaar>,
    #[xml(retour)]
    pub retour_codes: R,
}

/// 301 Toewijzing.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht301 {
    pub header: Header<Gemeente, AgbCode>,
    pub client: ToewijzingClient,
}

/// 302 Retour toewijzing.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht302 {
    pub header: RetourHeader<Gemeente, AgbCode>,
    pub client: Option<ToewijzingClient<RetourCodes>>,
}
