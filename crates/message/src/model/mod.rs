//! The typed model of all 28 messages: 14 shapes, each valid in both laws. iJw-only elements
//! are optional fields that the reader accepts only in iJw messages.
//!
//! A retour message reuses the classes of its heenbericht with `R = RetourCodes`, so a 302's
//! client is a `ToewijzingClient<RetourCodes>`.

pub mod antwoord;
pub mod common;
pub mod declaratie;
pub mod header;
pub mod regie;
pub mod toewijzing;
pub mod verzoek;

pub use antwoord::*;
pub use common::*;
pub use declaratie::*;
pub use header::*;
pub use regie::*;
pub use toewijzing::*;
pub use verzoek::*;

use crate::leaf::{AgbCode, BerichtCode, Gemeente, VersieNummer};
use crate::wet::{BerichtType, Release, Wet};

/// One message of either law.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub wet: Wet,
    pub release: Release,
    pub bericht: Bericht,
}

/// The content of a message, by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bericht {
    /// 301
    Toewijzing(Bericht301),
    /// 302
    ToewijzingRetour(Bericht302),
    /// 305
    Start(Bericht305),
    /// 306
    StartRetour(Bericht306),
    /// 307
    Stop(Bericht307),
    /// 308
    StopRetour(Bericht308),
    /// 315
    VerzoekOmToewijzing(Bericht315),
    /// 316
    VerzoekOmToewijzingRetour(Bericht316),
    /// 317
    VerzoekOmWijziging(Bericht317),
    /// 318
    VerzoekOmWijzigingRetour(Bericht318),
    /// 319
    Antwoord(Bericht319),
    /// 320
    AntwoordRetour(Bericht320),
    /// 323
    Declaratie(Bericht323),
    /// 325
    DeclaratieAntwoord(Bericht325),
}

/// Run the same expression on whichever message a [`Bericht`] holds.
macro_rules! each_bericht {
    ($value:expr, $b:ident => $body:expr) => {
        match $value {
            $crate::model::Bericht::Toewijzing($b) => $body,
            $crate::model::Bericht::ToewijzingRetour($b) => $body,
            $crate::model::Bericht::Start($b) => $body,
            $crate::model::Bericht::StartRetour($b) => $body,
            $crate::model::Bericht::Stop($b) => $body,
            $crate::model::Bericht::StopRetour($b) => $body,
            $crate::model::Bericht::VerzoekOmToewijzing($b) => $body,
            $crate::model::Bericht::VerzoekOmToewijzingRetour($b) => $body,
            $crate::model::Bericht::VerzoekOmWijziging($b) => $body,
            $crate::model::Bericht::VerzoekOmWijzigingRetour($b) => $body,
            $crate::model::Bericht::Antwoord($b) => $body,
            $crate::model::Bericht::AntwoordRetour($b) => $body,
            $crate::model::Bericht::Declaratie($b) => $body,
            $crate::model::Bericht::DeclaratieAntwoord($b) => $body,
        }
    };
}
pub(crate) use each_bericht;

/// A party in a header: a gemeente (CBS code) or an aanbieder (AGB code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Partij {
    Gemeente(Gemeente),
    Aanbieder(AgbCode),
}

impl std::fmt::Display for Partij {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Partij::Gemeente(g) => g.fmt(f),
            Partij::Aanbieder(a) => a.fmt(f),
        }
    }
}

impl Partij {
    /// The code as [`Display`](std::fmt::Display) writes it (`0363`, `12345678`), without the
    /// formatting machinery.
    pub fn code(&self) -> String {
        match self {
            Partij::Gemeente(g) => g.code(),
            Partij::Aanbieder(a) => a.code(),
        }
    }

    /// Append the code as [`Display`](std::fmt::Display) writes it, without the formatting
    /// machinery.
    pub fn write_text(&self, buf: &mut Vec<u8>) {
        use crate::xml::element::Leaf;
        match self {
            Partij::Gemeente(g) => g.write_text(buf),
            Partij::Aanbieder(a) => a.write_text(buf),
        }
    }
}

impl From<Gemeente> for Partij {
    fn from(g: Gemeente) -> Self {
        Partij::Gemeente(g)
    }
}

impl From<AgbCode> for Partij {
    fn from(a: AgbCode) -> Self {
        Partij::Aanbieder(a)
    }
}

/// The header fields every message has, whatever its shape.
#[derive(Debug, Clone, Copy)]
pub struct Kop<'a> {
    pub bericht_code: &'a BerichtCode,
    pub bericht_versie: VersieNummer,
    pub bericht_subversie: VersieNummer,
    /// As written in the header. In a retour this is still the heenbericht's sender (IV028).
    pub afzender: Partij,
    pub ontvanger: Partij,
    pub bericht_identificatie: &'a BerichtIdentificatie,
    pub xsd_versie: &'a XsdVersie,
}

impl Bericht {
    pub fn bericht_type(&self) -> BerichtType {
        match self {
            Bericht::Toewijzing(_) => BerichtType::T301,
            Bericht::ToewijzingRetour(_) => BerichtType::T302,
            Bericht::Start(_) => BerichtType::T305,
            Bericht::StartRetour(_) => BerichtType::T306,
            Bericht::Stop(_) => BerichtType::T307,
            Bericht::StopRetour(_) => BerichtType::T308,
            Bericht::VerzoekOmToewijzing(_) => BerichtType::T315,
            Bericht::VerzoekOmToewijzingRetour(_) => BerichtType::T316,
            Bericht::VerzoekOmWijziging(_) => BerichtType::T317,
            Bericht::VerzoekOmWijzigingRetour(_) => BerichtType::T318,
            Bericht::Antwoord(_) => BerichtType::T319,
            Bericht::AntwoordRetour(_) => BerichtType::T320,
            Bericht::Declaratie(_) => BerichtType::T323,
            Bericht::DeclaratieAntwoord(_) => BerichtType::T325,
        }
    }

    /// The header fields common to all messages.
    pub fn kop(&self) -> Kop<'_> {
        each_bericht!(self, b => Kop {
            bericht_code: &b.header.bericht_code,
            bericht_versie: b.header.bericht_versie,
            bericht_subversie: b.header.bericht_subversie,
            afzender: b.header.afzender.into(),
            ontvanger: b.header.ontvanger.into(),
            bericht_identificatie: &b.header.bericht_identificatie,
            xsd_versie: &b.header.xsd_versie,
        })
    }
}

/// Who really sent a message and how it identifies itself: for a retour the receiver of its
/// heenbericht and the IdentificatieRetour/DagtekeningRetour (IV028); otherwise the header's
/// Afzender and BerichtIdentificatie. Identificatie is unique per message type per sender (TR056).
#[derive(Debug, Clone, Copy)]
pub struct EigenIdentiteit<'a> {
    pub verzender: Partij,
    pub identificatie: &'a crate::leaf::IdentificatieBericht,
    pub dagtekening: crate::leaf::Datum,
}

impl Bericht {
    /// The sender and identification of this message itself (see [`EigenIdentiteit`]).
    pub fn eigen_identiteit(&self) -> EigenIdentiteit<'_> {
        /// A retour's real sender is its heenbericht's receiver.
        fn retour<A, O: Copy + Into<Partij>>(h: &RetourHeader<A, O>) -> EigenIdentiteit<'_> {
            EigenIdentiteit {
                verzender: h.ontvanger.into(),
                identificatie: &h.identificatie_retour,
                dagtekening: h.dagtekening_retour,
            }
        }
        match self {
            Bericht::ToewijzingRetour(b) => retour(&b.header),
            Bericht::StartRetour(b) => retour(&b.header),
            Bericht::StopRetour(b) => retour(&b.header),
            Bericht::VerzoekOmToewijzingRetour(b) => retour(&b.header),
            Bericht::VerzoekOmWijzigingRetour(b) => retour(&b.header),
            Bericht::AntwoordRetour(b) => retour(&b.header),
            other => {
                let kop = other.kop();
                EigenIdentiteit {
                    verzender: kop.afzender,
                    identificatie: &kop.bericht_identificatie.identificatie,
                    dagtekening: kop.bericht_identificatie.dagtekening,
                }
            }
        }
    }

    /// The gemeente and the aanbieder of the exchange, whichever way it goes.
    pub fn partijen(&self) -> (Gemeente, AgbCode) {
        let kop = self.kop();
        match (kop.afzender, kop.ontvanger) {
            (Partij::Gemeente(g), Partij::Aanbieder(a)) | (Partij::Aanbieder(a), Partij::Gemeente(g)) => (g, a),
            _ => unreachable!("every message is between a gemeente and an aanbieder"),
        }
    }
}

impl Message {
    pub fn bericht_type(&self) -> BerichtType {
        self.bericht.bericht_type()
    }

    /// `JW301`, `WMO325`.
    pub fn name(&self) -> String {
        self.bericht_type().name(self.wet)
    }

    /// Set BerichtCode, BerichtVersie and BerichtSubversie to what the law, release and
    /// message type require. Builders and generators call this so that they cannot get the
    /// fixed header values wrong.
    pub fn fix_identity(&mut self) {
        let code = self.bericht_type().bericht_code(self.wet).to_string();
        let code = BerichtCode::new(code).unwrap_or_else(|_| unreachable!("bericht codes are three digits"));
        let versie = VersieNummer(self.release.versie());
        let subversie = VersieNummer(self.release.subversie());
        each_bericht!(&mut self.bericht, b => {
            b.header.bericht_code = code;
            b.header.bericht_versie = versie;
            b.header.bericht_subversie = subversie;
        })
    }
}

/// The element tree the model declares for one message type in one law, in document order.
/// Tests compare it with the tree expanded from the XSDs.
pub fn schema_tree(wet: Wet, t: BerichtType) -> Vec<crate::xml::element::SchemaEntry> {
    use crate::xml::element::Element;
    let mut out = Vec::new();
    let describe = match t {
        BerichtType::T301 => Bericht301::describe,
        BerichtType::T302 => Bericht302::describe,
        BerichtType::T305 => Bericht305::describe,
        BerichtType::T306 => Bericht306::describe,
        BerichtType::T307 => Bericht307::describe,
        BerichtType::T308 => Bericht308::describe,
        BerichtType::T315 => Bericht315::describe,
        BerichtType::T316 => Bericht316::describe,
        BerichtType::T317 => Bericht317::describe,
        BerichtType::T318 => Bericht318::describe,
        BerichtType::T319 => Bericht319::describe,
        BerichtType::T320 => Bericht320::describe,
        BerichtType::T323 => Bericht323::describe,
        BerichtType::T325 => Bericht325::describe,
    };
    describe(wet, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partys_code_is_written_as_display_writes_it() {
        for (partij, code) in
            [(Partij::Gemeente(Gemeente(14)), "0014"), (Partij::Aanbieder(AgbCode(1234567)), "01234567")]
        {
            assert_eq!(partij.code(), code);
            assert_eq!(partij.to_string(), code);
        }
    }
}
