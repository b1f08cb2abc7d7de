//! The three header shapes: heenbericht, retour (the heen header copied unchanged, plus the
//! retour's own identification, IV028) and the 325 declaratie-antwoord header.
//!
//! `A` and `O` are the Afzender and Ontvanger types: [`Gemeente`] or [`AgbCode`], fixed per
//! message. In a retour the Afzender is still the heenbericht's sender.

use ketenzicht_message_derive::Element;

use super::common::{BerichtIdentificatie, RetourCodes, XsdVersie};
use crate::leaf::*;

/// Header of a heenbericht (301, 305, 307, 315, 317, 319, 323).
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct Header<A, O> {
    pub bericht_code: BerichtCode,
    pub bericht_versie: VersieNummer,
    pub bericht_subversie: VersieNummer,
    pub afzender: A,
    pub ontvanger: O,
    pub bericht_identificatie: BerichtIdentificatie,
    pub xsd_versie: XsdVersie,
}

/// Header of a retour message (302, 306, 308, 316, 318, 320).
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct RetourHeader<A, O> {
    pub bericht_code: BerichtCode,
    pub bericht_versie: VersieNummer,
    pub bericht_subversie: VersieNummer,
    pub afzender: A,
    pub ontvanger: O,
    pub bericht_identificatie: BerichtIdentificatie,
    pub xsd_versie: XsdVersie,
    pub identificatie_retour: IdentificatieBericht,
    pub dagtekening_retour: Datum,
    pub xslt_versie: Option<Versie>,
    pub xsd_versie_retour: XsdVersie,
    /// Header-level verdict; absent when the message was accepted without remarks.
    pub retour_codes: Option<RetourCodes>,
}

/// Header of the 325 declaratie-antwoord.
#[derive(Debug, Clone, PartialEq, Eq, Element)]
#[xml(ns = "msg")]
pub struct DeclaratieAntwoordHeader {
    pub bericht_code: BerichtCode,
    pub bericht_versie: VersieNummer,
    pub bericht_subversie: VersieNummer,
    pub afzender: Gemeente,
    pub ontvanger: AgbCode,
    pub bericht_identificatie: BerichtIdentificatie,
    pub xsd_versie: XsdVersie,
    /// The BerichtIdentificatie of the 323 being answered (TR337).
    pub declaratie_identificatie: BerichtIdentificatie,
    pub xslt_versie: Option<Versie>,
    pub xsd_versie_declaratie: XsdVersie,
    pub retour_codes: RetourCodes,
}
