//! 323 Declaratie and 325 Declaratie-antwoord. A 325 holds only the rejected prestaties.

use ketenzicht_message_derive::Element;

use super::common::*;
use super::header::{DeclaratieAntwoordHeader, Header};
use crate::codes::*;
use crate::leaf::*;
use crate::vec1::Vec1;

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Declaratie {
    pub declaratie_nummer: DeclaratieNummer,
    /// Exactly one calendar month (CS340).
    pub declaratie_periode: GeslotenPeriode,
    pub declaratie_dagtekening: Datum,
    /// Signed sum of the prestaties (TR358).
    pub totaal_ingediend_bedrag: TotaalBedragMetDc,
    #[xml(list = "Client")]
    pub clienten: Vec1<DeclaratieClient>,
}

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct DeclaratieClient<R = ()> {
    pub bsn: Bsn,
    #[xml(list = "Prestatie")]
    pub prestaties: Vec1<Prestatie<R>>,
    #[xml(retour)]
    pub retour_codes: R,
}

/// One product, one toewijzing, one ProductPeriode within one calendar month.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Prestatie<R = ()> {
    pub product_referentie: ProductReferentie,
    pub toewijzing_nummer: Nummer,
    pub product_categorie: ProductCategorie,
    pub product_code: ProductCode,
    pub product_periode: GeslotenPeriode,
    pub geleverd_volume: Volume,
    pub eenheid: Eenheid,
    /// Required unless Eenheid is 83 (CD087).
    pub product_tarief: Option<Bedrag>,
    pub ingediend_bedrag: BedragMetDc,
    #[xml(retour)]
    pub retour_codes: R,
}

#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct DeclaratieAntwoord {
    pub declaratie_nummer: IdentificatieDeclaratie,
    pub totaal_ingediend_bedrag: TotaalBedragMetDc,
    pub totaal_toegekend_bedrag: TotaalBedragMetDc,
    #[xml(list = "Client")]
    pub clienten: Option<Vec1<DeclaratieClient<RetourCodes>>>,
    pub retour_codes: RetourCodes,
}

/// 323 Declaratie.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht323 {
    pub header: Header<AgbCode, Gemeente>,
    pub declaratie: Declaratie,
}

/// 325 Declaratie-antwoord.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Bericht325 {
    pub header: DeclaratieAntwoordHeader,
    pub declaratie_antwoord: Option<DeclaratieAntwoord>,
}
