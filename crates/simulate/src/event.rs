//! The event model: what happens in the chain, before it becomes XML.

use chrono::{NaiveDate, NaiveDateTime};
use ketenzicht_message::leaf::{AgbCode, Bsn, Gemeente};
use ketenzicht_message::{BerichtType, Wet};

use crate::world::ProductDef;

/// A client, as the messages name them.
#[derive(Debug, Clone, Copy)]
pub struct Client {
    pub bsn: Bsn,
    pub geboortedatum: NaiveDate,
    /// COD046 code: 1 man, 2 vrouw.
    pub geslacht: &'static str,
    pub achternaam: &'static str,
    pub voorletters: &'static str,
}

/// One version of a toewijzing as a 301 carries it.
#[derive(Debug, Clone)]
pub struct ToewijzingVersie {
    pub nummer: u32,
    pub product: ProductDef,
    pub referentie: Option<String>,
    /// The decision moment (Toewijzingsdatum + Toewijzingstijd).
    pub besluit: NaiveDateTime,
    pub ingangsdatum: NaiveDate,
    pub einddatum: NaiveDate,
    /// RedenWijziging code, empty on the first version.
    pub reden_wijziging: Option<&'static str>,
}

/// A prestatie in a declaration.
#[derive(Debug, Clone)]
pub struct PrestatieSpec {
    pub client: Client,
    pub referentie_nummer: String,
    pub toewijzing_nummer: u32,
    pub product: ProductDef,
    pub begin: NaiveDate,
    pub eind: NaiveDate,
    pub volume: u32,
    /// RetourCode when the 325 rejects this prestatie.
    pub afgewezen: Option<&'static str>,
    /// For a credit line: the ReferentieNummer of the debit it credits (VorigReferentieNummer).
    pub credit_van: Option<String>,
}

/// What a heenbericht (or 323) says.
#[derive(Debug, Clone)]
pub enum Inhoud {
    Vot {
        referentie: String,
        ingang: NaiveDate,
        eind: NaiveDate,
        product: ProductDef,
    },
    Toewijzing(ToewijzingVersie),
    Antwoord {
        referentie: String,
        in_onderzoek: bool,
        reden: Option<&'static str>,
        woonplaats: Option<Gemeente>,
    },
    /// `status`: StatusAanlevering, `1` (new) or `3` (delete the start with this key).
    Start {
        nummer: u32,
        product: ProductDef,
        ingang: NaiveDate,
        begindatum: NaiveDate,
        status: &'static str,
    },
    /// A VOW: the one current toewijzing to change (a later Einddatum, from `gewenst`).
    Vow {
        referentie: String,
        nummer: u32,
        product: ProductDef,
        gewenst: NaiveDate,
        einddatum: NaiveDate,
    },
    Stop {
        nummer: u32,
        product: ProductDef,
        ingang: NaiveDate,
        begindatum: NaiveDate,
        reden: &'static str,
        einddatum: NaiveDate,
    },
    Declaratie {
        nummer: String,
        maand: NaiveDate,
        prestaties: Vec<PrestatieSpec>,
    },
}

impl Inhoud {
    pub fn bericht_type(&self) -> BerichtType {
        match self {
            Inhoud::Vot { .. } => BerichtType::T315,
            Inhoud::Toewijzing(_) => BerichtType::T301,
            Inhoud::Antwoord { .. } => BerichtType::T319,
            Inhoud::Start { .. } => BerichtType::T305,
            Inhoud::Vow { .. } => BerichtType::T317,
            Inhoud::Stop { .. } => BerichtType::T307,
            Inhoud::Declaratie { .. } => BerichtType::T323,
        }
    }
}

/// A heenbericht crossing the knooppunt, with when its answer comes (if it does).
#[derive(Debug, Clone)]
pub struct Heen {
    pub wet: Wet,
    pub gemeente: Gemeente,
    pub aanbieder: AgbCode,
    pub client: Client,
    /// Receipt at the knooppunt; the Dagtekening is its date.
    pub ontvangen: NaiveDateTime,
    pub inhoud: Inhoud,
    /// Receipt of the retour (or 325); `None` when it never comes.
    pub antwoord: Option<NaiveDateTime>,
    /// What went wrong with this delivery, if anything.
    pub fout: Fout,
}

/// Faults of one delivery. A message with a transport rejection or a technical rejection
/// counts as not sent (OP286); the planner then plans a resend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fout {
    #[default]
    Geen,
    /// Refused by the knooppunt with this IB code; no retour. `onleesbaar`: the file is
    /// truncated, not XML.
    Transport { code: &'static str, onleesbaar: bool },
    /// The retour carries 0001 (level 2).
    Technisch,
    /// Rejected on content (level 3): the retour copies the client's classes with 0200 and
    /// this code on the product.
    Inhoudelijk(&'static str),
    /// Delivered twice: the same bytes again at this moment, with a new UUID.
    Dubbel(NaiveDateTime),
}

impl Fout {
    /// Does the message count as sent for the process (not rejected, first delivery)?
    pub fn telt(self) -> bool {
        matches!(self, Fout::Geen | Fout::Dubbel(_))
    }
}

/// The Fo01 omschrijving of a transport error code the simulator draws.
pub fn transport_reden(code: &str) -> &'static str {
    match code {
        "IB014" => "Het bericht voldoet niet aan het XSD-schema van de berichtstandaard.",
        _ => "Het bericht is door het knooppunt geweigerd.",
    }
}

impl Heen {
    pub fn afzender_is_gemeente(&self) -> bool {
        self.inhoud.bericht_type().afzender_is_gemeente()
    }
}
