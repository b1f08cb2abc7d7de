//! The composite datatypes (`CDT_*`) of the basisschema, and `RetourCodes`.
//! Their child elements are in the basisschema namespace.

use ketenzicht_message_derive::Element;

use crate::codes::*;
use crate::leaf::*;
use crate::vec1::Vec1;
use crate::xml::element::{Element, read_list};
use crate::xml::input::{Ns, ReadCx, ReadResult, XmlIn};
use crate::xml::output::XmlOut;

/// CDT_BerichtIdentificatie: Identificatie (unique per berichtsoort per sender, TR056) and Dagtekening.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Element)]
#[xml(ns = "basis")]
pub struct BerichtIdentificatie {
    pub identificatie: IdentificatieBericht,
    pub dagtekening: Datum,
}

/// CDT_XsdVersie.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct XsdVersie {
    pub basisschema_xsd_versie: Versie,
    pub bericht_xsd_versie: Versie,
}

/// CDT_Geboortedatum (DatumGebruik tells which parts are known, CS139).
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct Geboortedatum {
    pub datum: Datum,
    pub datum_gebruik: Option<DatumGebruik>,
}

/// CDT_Achternaam.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct Achternaam {
    pub achternaam: Naam,
    pub voorvoegsel: Option<Voorvoegsel>,
}

/// CDT_VolledigeNaam.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct VolledigeNaam {
    pub geslachtsnaam: Achternaam,
    pub partnernaam: Option<Achternaam>,
    pub voornamen: Option<Naam>,
    pub voorletters: Option<Voorletters>,
    pub naam_gebruik: NaamGebruik,
}

/// CDT_VerkorteNaam.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct VerkorteNaam {
    pub geslachtsnaam: Achternaam,
    pub voornamen: Option<Naam>,
    pub voorletters: Option<Voorletters>,
}

/// CDT_Product: specifiek (categorie + code), aspecifiek (categorie only).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Element)]
#[xml(ns = "basis")]
pub struct Product {
    pub categorie: ProductCategorie,
    pub code: Option<ProductCode>,
}

/// CDT_Omvang.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct Omvang {
    pub volume: Volume,
    pub eenheid: Eenheid,
    pub frequentie: Frequentie,
}

/// CDT_Verwijzer.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct Verwijzer {
    pub r#type: TypeVerwijzer,
    pub naam: Option<NaamVerwijzer>,
    pub zorgverlener_code: Option<AgbCode>,
}

/// CDT_GeslotenPeriode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct GeslotenPeriode {
    pub begindatum: Datum,
    pub einddatum: Datum,
}

/// CDT_OpenPeriode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct OpenPeriode {
    pub begindatum: Option<Datum>,
    pub einddatum: Option<Datum>,
}

/// CDT_Referentie (named after its use, ProductReferentie): a credit line points back with
/// VorigReferentieNummer (CD060).
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct ProductReferentie {
    pub referentie_nummer: ReferentieNummer,
    pub vorig_referentie_nummer: Option<ReferentieNummer>,
}

/// CDT_BedragMetDC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct BedragMetDc {
    pub bedrag: Bedrag,
    pub debet_credit: DebetCredit,
}

/// CDT_TotaalBedragMetDC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct TotaalBedragMetDc {
    pub totaal_bedrag: TotaalBedrag,
    pub debet_credit: DebetCredit,
}

/// CDT_Huis.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct Huis {
    pub huisnummer: Huisnummer,
    pub huisletter: Option<Huisletter>,
    pub huisnummer_toevoeging: Option<HuisnummerToevoeging>,
    pub aanduiding_woonadres: Option<AanduidingWoonadres>,
}

/// CDT_Adres.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct Adres {
    pub huis: Option<Huis>,
    pub postcode: Option<Postcode>,
    pub straatnaam: Option<Straatnaam>,
    pub plaatsnaam: Option<Plaatsnaam>,
    pub land_code: Option<LandCode>,
}

/// CDT_Telefoon.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct Telefoon {
    pub telefoonnummer: Telefoonnummer,
    pub landnummer: Landnummer,
}

/// CDT_Telefoonnummers.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct Telefoonnummers {
    pub telefoon01: Telefoon,
    pub telefoon02: Option<Telefoon>,
}

/// CDT_Communicatie (Taal is required when Vorm is 1, CD007).
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "basis")]
pub struct Communicatie {
    pub vorm: Communicatievorm,
    pub taal: Option<Taal>,
}

/// `RetourCodes`: the verdict on one class of a retour message, `RetourCode[1..n]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetourCodes(pub Vec1<RetourCode>);

impl RetourCodes {
    pub fn codes(&self) -> &[RetourCode] {
        &self.0
    }

    /// Did this class pass (only 0200, 0233 or 8001)?
    pub fn is_goedgekeurd(&self) -> bool {
        self.0.iter().all(RetourCode::is_goedkeuring)
    }
}

impl Element for RetourCodes {
    fn read(input: &mut XmlIn<'_>, cx: &mut ReadCx) -> ReadResult<Self> {
        Ok(read_list(input, cx, "RetourCode", Ns::Msg)?.map(RetourCodes))
    }

    fn write(&self, out: &mut XmlOut, ns: Ns, name: &str) {
        out.start(ns, name);
        for code in self.0.iter() {
            code.write(out, Ns::Msg, "RetourCode");
        }
        out.end(ns, name);
    }

    fn to_json(&self) -> serde_json::Value {
        let codes = self.0.iter().map(Element::to_json).collect();
        serde_json::json!({ "RetourCode": serde_json::Value::Array(codes) })
    }

    #[cfg(feature = "proptest")]
    fn strategy(wet: crate::Wet) -> proptest::strategy::BoxedStrategy<Self> {
        use proptest::strategy::Strategy;
        crate::vec1::strategy(<RetourCode as Element>::strategy(wet), 3).prop_map(RetourCodes).boxed()
    }

    fn describe(wet: crate::Wet, prefix: &str, out: &mut Vec<crate::xml::element::SchemaEntry>) {
        crate::xml::element::describe_child::<RetourCode>(wet, prefix, "RetourCode", 1, None, out);
    }
}
