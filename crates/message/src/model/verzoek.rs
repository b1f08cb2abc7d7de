//! 315 Verzoek om toewijzing (VOT) and 317 Verzoek om wijziging (VOW), with retours 316 and 318.

use ketenzicht_message_derive::Element;

use super::common::*;
use super::header::{Header, RetourHeader};
use crate::codes::*;
use crate::leaf::*;
use crate::vec1::Vec1;

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct VotClient<R = ()> {
    pub bsn: Bsn,
    pub geboortedatum: Geboortedatum,
    pub geslacht: Geslacht,
    pub naam: VerkorteNaam,
    /// iJw only (OP002x1).
    #[xml(ijw_only)]
    pub gezagsdrager_bekend: Option<JaNee>,
    pub commentaar: Option<Commentaar>,
    #[xml(list = "AangevraagdProduct")]
    pub aangevraagde_producten: Vec1<AangevraagdProduct<R>>,
    #[xml(retour)]
    pub retour_codes: R,
}

/// One requested product; the gemeente answers per ReferentieAanbieder (OP274).
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct AangevraagdProduct<R = ()> {
    pub referentie_aanbieder: Referentie,
    pub beschikking_nummer: Option<Nummer>,
    pub product: Option<Product>,
    pub beschikking_ingangsdatum: Option<Datum>,
    pub toewijzing_ingangsdatum: Datum,
    pub toewijzing_einddatum: Option<Datum>,
    pub omvang: Option<Omvang>,
    pub budget: Option<Budget>,
    pub verwijzer: Verwijzer,
    pub raamcontract: Option<JaNee>,
    pub commentaar: Option<Commentaar>,
    #[xml(retour)]
    pub retour_codes: R,
}

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct VowClient<R = ()> {
    pub bsn: Bsn,
    pub verzoek: Verzoek<R>,
    #[xml(retour)]
    pub retour_codes: R,
}

/// The whole requested situation; the gemeente grants or rejects it as a whole (OP346).
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Verzoek<R = ()> {
    pub referentie_aanbieder: Referentie,
    pub reden_verzoek: RedenVerzoek,
    #[xml(list = "OngewijzigdProduct")]
    pub ongewijzigde_producten: Option<Vec1<OngewijzigdProduct<R>>>,
    #[xml(list = "TeWijzigenProduct")]
    pub te_wijzigen_producten: Option<Vec1<TeWijzigenProduct<R>>>,
    #[xml(list = "NieuwProduct")]
    pub nieuwe_producten: Option<Vec1<NieuwProduct<R>>>,
    #[xml(retour)]
    pub retour_codes: R,
}

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct OngewijzigdProduct<R = ()> {
    pub toewijzing_nummer: Nummer,
    #[xml(retour)]
    pub retour_codes: R,
}

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct TeWijzigenProduct<R = ()> {
    pub toewijzing_nummer: Nummer,
    pub gewenste_ingangsdatum: Datum,
    pub einddatum: Option<Datum>,
    pub omvang: Option<Omvang>,
    pub budget: Option<Budget>,
    #[xml(retour)]
    pub retour_codes: R,
}

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct NieuwProduct<R = ()> {
    pub product: Option<Product>,
    pub gewenste_ingangsdatum: Datum,
    pub einddatum: Option<Datum>,
    pub omvang: Option<Omvang>,
    pub budget: Option<Budget>,
    #[xml(retour)]
    pub retour_codes: R,
}

/// 315 Verzoek om toewijzing.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht315 {
    pub header: Header<AgbCode, Gemeente>,
    pub client: VotClient,
}

/// 316 Retour verzoek om toewijzing.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht316 {
    pub header: RetourHeader<AgbCode, Gemeente>,
    pub client: Option<VotClient<RetourCodes>>,
}

/// 317 Verzoek om wijziging.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht317 {
    pub header: Header<AgbCode, Gemeente>,
    pub client: VowClient,
}

/// 318 Retour verzoek om wijziging.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht318 {
    pub header: RetourHeader<AgbCode, Gemeente>,
    pub client: Option<VowClient<RetourCodes>>,
}
