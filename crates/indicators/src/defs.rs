//! The indicator definitions: id, Dutch name and definition, rule, unit, and the outcomes
//! an item can have. `docs/indicators.md` documents the same list.

/// How an indicator is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Soort {
    /// Items counted per outcome; `aandeel` = teller / noemer.
    Telling,
    /// A duration per item (`waarde`, in days): n, mean, median, p80, p90, max.
    Duur,
    /// An open list at the peildatum: every item is one thing that needs attention.
    Lijst,
}

impl Soort {
    pub fn as_str(self) -> &'static str {
        match self {
            Soort::Telling => "telling",
            Soort::Duur => "duur",
            Soort::Lijst => "lijst",
        }
    }
}

/// The Ketendata an indicator is computed from (and so which tables are read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bron {
    /// `berichten` (and the quarantine).
    Berichten,
    /// `toewijzingen` and `regie`.
    Regie,
    /// `verzoeken` and `toewijzingen`.
    Verzoeken,
    /// `declaraties` and `prestaties`.
    Declaraties,
}

/// One indicator.
#[derive(Debug)]
pub struct Definitie {
    pub id: &'static str,
    pub bron: Bron,
    pub naam: &'static str,
    pub definitie: &'static str,
    /// The rule that sets the term, or the source of the measure.
    pub regel: &'static str,
    pub eenheid: &'static str,
    pub soort: Soort,
    /// The outcomes an item can have, in the order of the output columns.
    pub uitkomsten: &'static [&'static str],
    /// The outcomes in the numerator and the denominator of `aandeel` (empty: no share).
    pub teller: &'static [&'static str],
    pub noemer: &'static [&'static str],
    /// The day that puts an item in a month and week.
    pub datum: &'static str,
}

const TERMIJN: [&str; 4] = ["op_tijd", "te_laat", "ontbreekt", "open"];
const TERMIJN_NOEMER: [&str; 3] = ["op_tijd", "te_laat", "ontbreekt"];
const GEMELD: [&str; 3] = ["op_tijd", "te_laat", "niet_meetbaar"];

macro_rules! defs {
    ($($konst:ident = { $($field:ident : $value:expr),* $(,)? })*) => {
        $(pub static $konst: Definitie = Definitie { $($field: $value),* };)*
        /// Every indicator, in the order of the output.
        pub static ALLE: &[&Definitie] = &[$(&$konst),*];
    };
}

defs! {
    RETOUR_TIJDIG = {
        id: "retour_tijdig",
        bron: Bron::Berichten,
        naam: "Retourbericht op tijd",
        definitie: "Heenberichten (301, 305, 307, 315, 317, 319) die bij het knooppunt zijn geaccepteerd, naar hun retourbericht: binnen 3 werkdagen na ontvangst (op_tijd), later (te_laat), niet ontvangen terwijl de termijn voorbij is (ontbreekt) of nog niet (open). Aandeel = op_tijd / (op_tijd + te_laat + ontbreekt). Werkdag 1 is de eerste werkdag na de dag van ontvangst.",
        regel: "OP090",
        eenheid: "heenberichten",
        soort: Soort::Telling,
        uitkomsten: &TERMIJN,
        teller: &["op_tijd"],
        noemer: &TERMIJN_NOEMER,
        datum: "ontvangst van het heenbericht",
    }
    DECLARATIE_ANTWOORD_TIJDIG = {
        id: "declaratie_antwoord_tijdig",
        bron: Bron::Berichten,
        naam: "Declaratie-antwoord op tijd",
        definitie: "Declaraties (323) die bij het knooppunt zijn geaccepteerd, naar hun declaratie-antwoord (325): binnen 10 werkdagen na ontvangst (op_tijd), later, ontbrekend of open. Aandeel = op_tijd / (op_tijd + te_laat + ontbreekt).",
        regel: "OP090x4",
        eenheid: "declaraties",
        soort: Soort::Telling,
        uitkomsten: &TERMIJN,
        teller: &["op_tijd"],
        noemer: &TERMIJN_NOEMER,
        datum: "ontvangst van de 323",
    }
    AFWIJZINGEN = {
        id: "afwijzingen",
        bron: Bron::Berichten,
        naam: "Afgewezen heenberichten",
        definitie: "Alle heenberichten naar het oordeel erover: afgewezen bij transport (transport_afgewezen; onleesbaar: een onleesbaar bestand, in quarantaine), technisch afgekeurd door hun retour (0001), inhoudelijk afgekeurd (een afwijzende code in een klasse), geaccepteerd, of nog zonder antwoord. Aandeel = afgekeurd (technisch + inhoudelijk) / beantwoord.",
        regel: "IV028, IV032, OP286",
        eenheid: "heenberichten",
        soort: Soort::Telling,
        uitkomsten: &["geaccepteerd", "technisch_afgekeurd", "inhoudelijk_afgekeurd", "geen_antwoord", "transport_afgewezen", "onleesbaar"],
        teller: &["technisch_afgekeurd", "inhoudelijk_afgekeurd"],
        noemer: &["geaccepteerd", "technisch_afgekeurd", "inhoudelijk_afgekeurd"],
        datum: "ontvangst van het heenbericht",
    }
    RETOURCODES = {
        id: "retourcodes",
        bron: Bron::Berichten,
        naam: "Afwijzende retourcodes",
        definitie: "Per afgewezen heenbericht elke code waarmee het antwoord het afwees (0001 in de header, of een afwijzende code in een klasse; niet 0200, 0233, 8001 en niet de afwijzing van losse prestaties in een 325). De klasse is de retourcode.",
        regel: "IV028, IV032",
        eenheid: "codes",
        soort: Soort::Telling,
        uitkomsten: &["afgewezen"],
        teller: &[],
        noemer: &[],
        datum: "ontvangst van het heenbericht",
    }
    DUBBELE_LEVERING = {
        id: "dubbele_levering",
        bron: Bron::Berichten,
        naam: "Dubbel afgeleverde heenberichten",
        definitie: "Heenberichten die meer dan eens zijn afgeleverd (zelfde afzender, berichttype, Identificatie en Dagtekening, met dezelfde inhoud). Ze tellen één keer mee in alle andere indicatoren.",
        regel: "TR056",
        eenheid: "heenberichten",
        soort: Soort::Telling,
        uitkomsten: &["dubbel"],
        teller: &[],
        noemer: &[],
        datum: "eerste ontvangst",
    }
    START_TIJDIG = {
        id: "start_tijdig",
        bron: Bron::Regie,
        naam: "Start zorg op tijd gemeld",
        definitie: "Startberichten (StartProduct in een 305 dat als verzonden telt, StatusAanlevering 1) binnen 5 werkdagen na de Begindatum, of na de ontvangst van de eerste 301 met hetzelfde ToewijzingNummer als die later is (met terugwerkende kracht toegewezen; alleen een 301 die vóór de start binnen was telt). Een start die een verwijderde start corrigeert (StatusAanlevering 3 gevolgd door 1) is niet meetbaar en telt nooit als te laat. Aandeel = op_tijd / (op_tijd + te_laat).",
        regel: "OP271",
        eenheid: "startberichten",
        soort: Soort::Telling,
        uitkomsten: &GEMELD,
        teller: &["op_tijd"],
        noemer: &["op_tijd", "te_laat"],
        datum: "ontvangst van de 305",
    }
    STOP_TIJDIG = {
        id: "stop_tijdig",
        bron: Bron::Regie,
        naam: "Stop zorg op tijd gemeld",
        definitie: "Stopberichten (StopProduct in een 307 dat als verzonden telt) binnen 5 werkdagen na de Einddatum. Een definitieve stop die direct volgt op een tijdelijke stop (RedenBeeindiging 20) zonder start ertussen is niet meetbaar: het moment waarop bekend werd dat de zorg niet hervat, staat niet in de berichten. Aandeel = op_tijd / (op_tijd + te_laat).",
        regel: "OP272",
        eenheid: "stopberichten",
        soort: Soort::Telling,
        uitkomsten: &GEMELD,
        teller: &["op_tijd"],
        noemer: &["op_tijd", "te_laat"],
        datum: "ontvangst van de 307",
    }
    TOEWIJZING_ZONDER_START = {
        id: "toewijzing_zonder_start",
        bron: Bron::Regie,
        naam: "Toewijzing zonder start",
        definitie: "Open lijst op de peildatum: geldende toewijzingen (niet vervallen met RedenWijziging 13) zonder geldige start (305 met StatusAanlevering 1, niet verwijderd), waarvan werkdag 10 na de Ingangsdatum voor de peildatum ligt.",
        regel: "OP271, OP363",
        eenheid: "toewijzingen",
        soort: Soort::Lijst,
        uitkomsten: &["zonder_start"],
        teller: &[],
        noemer: &[],
        datum: "Ingangsdatum van de toewijzing",
    }
    VOT_TIJDIG = {
        id: "vot_tijdig",
        bron: Bron::Verzoeken,
        naam: "Verzoek om toewijzing op tijd beantwoord",
        definitie: "Per aangevraagd product van een 315 (ReferentieAanbieder): het eerste antwoord (een 301 of 319 met die referentie, ook 'in onderzoek') binnen 5 werkdagen na ontvangst van de 315 (op_tijd), later, ontbrekend of open. Aandeel = op_tijd / (op_tijd + te_laat + ontbreekt).",
        regel: "OP274",
        eenheid: "aangevraagde producten",
        soort: Soort::Telling,
        uitkomsten: &TERMIJN,
        teller: &["op_tijd"],
        noemer: &TERMIJN_NOEMER,
        datum: "ontvangst van de 315",
    }
    VOW_TIJDIG = {
        id: "vow_tijdig",
        bron: Bron::Verzoeken,
        naam: "Verzoek om wijziging op tijd beantwoord",
        definitie: "Per 317 als geheel: het eerste antwoord (301 of 319 met de ReferentieAanbieder van het verzoek) binnen 5 werkdagen na ontvangst (op_tijd), later, ontbrekend of open. Aandeel = op_tijd / (op_tijd + te_laat + ontbreekt).",
        regel: "OP346",
        eenheid: "verzoeken om wijziging",
        soort: Soort::Telling,
        uitkomsten: &TERMIJN,
        teller: &["op_tijd"],
        noemer: &TERMIJN_NOEMER,
        datum: "ontvangst van de 317",
    }
    ONDERZOEK_TERMIJN = {
        id: "onderzoek_termijn",
        bron: Bron::Verzoeken,
        naam: "'In onderzoek' binnen 8 weken afgerond",
        definitie: "Per 319 met VerzoekAntwoord 2 (in onderzoek): het definitieve antwoord (301 of 319 met VerzoekAntwoord 1 en dezelfde referentie) uiterlijk 8 weken (56 kalenderdagen) na de Dagtekening van het verzoek (op_tijd), later (te_laat), niet gekomen terwijl de 8 weken voorbij zijn (te_lang_open) of nog niet (open). Aandeel = op_tijd / (op_tijd + te_laat + te_lang_open).",
        regel: "OP274, OP346",
        eenheid: "verzoeken in onderzoek",
        soort: Soort::Telling,
        uitkomsten: &["op_tijd", "te_laat", "te_lang_open", "open"],
        teller: &["op_tijd"],
        noemer: &["op_tijd", "te_laat", "te_lang_open"],
        datum: "ontvangst van de 319 'in onderzoek'",
    }
    WOONPLAATSBEGINSEL = {
        id: "woonplaatsbeginsel",
        bron: Bron::Verzoeken,
        naam: "Afwijzing op woonplaatsbeginsel binnen 2 weken",
        definitie: "Per aangevraagd product (iJw) dat definitief is afgewezen met RedenAfwijzingVerzoek 8 (woonplaatsbeginsel): de afwijzing uiterlijk 14 kalenderdagen na ontvangst van de 315 (op_tijd) of later. Aandeel = op_tijd / alle.",
        regel: "OP359",
        eenheid: "afwijzingen",
        soort: Soort::Telling,
        uitkomsten: &["op_tijd", "te_laat"],
        teller: &["op_tijd"],
        noemer: &["op_tijd", "te_laat"],
        datum: "ontvangst van de 315",
    }
    VOT_UITKOMST = {
        id: "vot_uitkomst",
        bron: Bron::Verzoeken,
        naam: "Uitkomst van verzoeken om toewijzing",
        definitie: "Per aangevraagd product van een 315 het definitieve antwoord: toegewezen (301), afgewezen (319 met VerzoekAntwoord 1; de klasse is de RedenAfwijzingVerzoek, WJ759), nog in onderzoek, of nog geen antwoord. Aandeel = toegewezen / (toegewezen + afgewezen).",
        regel: "OP274, OP344",
        eenheid: "aangevraagde producten",
        soort: Soort::Telling,
        uitkomsten: &["toegewezen", "afgewezen", "in_onderzoek", "geen_antwoord"],
        teller: &["toegewezen"],
        noemer: &["toegewezen", "afgewezen"],
        datum: "ontvangst van de 315",
    }
    DOORLOOPTIJD_VERZOEK_TOEWIJZING = {
        id: "doorlooptijd_verzoek_toewijzing",
        bron: Bron::Verzoeken,
        naam: "Doorlooptijd verzoek → toewijzing",
        definitie: "Per aangevraagd product dat is toegewezen: kalenderdagen van de ontvangst van de 315 tot de Toewijzingsdatum van de eerste 301 met dezelfde ReferentieAanbieder. Kwam die 301 vóór deze 315 binnen (een antwoord op een eerdere, afgewezen verzending), dan telt het product niet mee: het begin is dan niet bekend.",
        regel: "Regiemonitor",
        eenheid: "kalenderdagen",
        soort: Soort::Duur,
        uitkomsten: &[],
        teller: &[],
        noemer: &[],
        datum: "ontvangst van de 301",
    }
    WACHTTIJD_TOEWIJZING_START = {
        id: "wachttijd_toewijzing_start",
        bron: Bron::Regie,
        naam: "Wachttijd toewijzing → start (vanaf Ingangsdatum)",
        definitie: "Per toewijzing met een geldige start: kalenderdagen van de ToewijzingIngangsdatum tot de Begindatum van de eerste geldige start (StatusAanlevering 1, niet later verwijderd).",
        regel: "Ketendata wachttijd",
        eenheid: "kalenderdagen",
        soort: Soort::Duur,
        uitkomsten: &[],
        teller: &[],
        noemer: &[],
        datum: "Begindatum",
    }
    WACHTTIJD_ONTVANGST_START = {
        id: "wachttijd_ontvangst_start",
        bron: Bron::Regie,
        naam: "Wachttijd toewijzing → start (vanaf ontvangst 301)",
        definitie: "Per toewijzing met een geldige start: kalenderdagen van de ontvangst van de eerste 301 met dat ToewijzingNummer tot de Begindatum van de eerste geldige start. Negatief bij een toewijzing met terugwerkende kracht.",
        regel: "Ketendata doorlooptijd",
        eenheid: "kalenderdagen",
        soort: Soort::Duur,
        uitkomsten: &[],
        teller: &[],
        noemer: &[],
        datum: "Begindatum",
    }
    TRAJECTDUUR = {
        id: "trajectduur",
        bron: Bron::Regie,
        naam: "Trajectduur start → stop",
        definitie: "Per definitieve stop (RedenBeeindiging anders dan 20) van een toewijzing met een geldige start: kalenderdagen van de Begindatum van de eerste geldige start tot de Einddatum van de stop. Een tijdelijke stop en herstart ertussen splitsen het traject niet.",
        regel: "Regiemonitor",
        eenheid: "kalenderdagen",
        soort: Soort::Duur,
        uitkomsten: &[],
        teller: &[],
        noemer: &[],
        datum: "ontvangst van de stop",
    }
    OPEN_TRAJECTEN = {
        id: "open_trajecten",
        bron: Bron::Regie,
        naam: "Open trajecten",
        definitie: "Open lijst op de peildatum van gestarte toewijzingen, naar hun laatste geldige start of stop: de laatste is een start en werkdag 5 na de Einddatum van de geldende toewijzing ligt voor de peildatum (geen_stop, OP288), of de laatste is een tijdelijke stop (reden 20) waarvan de Einddatum meer dan 8 weken (56 dagen) voor de peildatum ligt, zonder herstart of definitieve stop (tijdelijk_zonder_vervolg, OP377).",
        regel: "OP288, OP377",
        eenheid: "toewijzingen",
        soort: Soort::Lijst,
        uitkomsten: &["geen_stop", "tijdelijk_zonder_vervolg"],
        teller: &[],
        noemer: &[],
        datum: "Einddatum",
    }
    STOPS_PER_REDEN = {
        id: "stops_per_reden",
        bron: Bron::Regie,
        naam: "Uitstroom en wisselingen: definitieve stops per reden",
        definitie: "Definitieve stops (RedenBeeindiging anders dan 20) per RedenBeeindiging (de klasse): onder meer 38 wisseling van aanbieder en 39 uitstroom naar een ander domein (iJw); 31–35 betekenen per wet iets anders.",
        regel: "Regiemonitor (WJ588, WMO588)",
        eenheid: "stops",
        soort: Soort::Telling,
        uitkomsten: &["gestopt"],
        teller: &[],
        noemer: &[],
        datum: "ontvangst van de stop",
    }
    TOEWIJZING_WIJZIGINGEN = {
        id: "toewijzing_wijzigingen",
        bron: Bron::Regie,
        naam: "Wijzigingen van toewijzingen per reden",
        definitie: "Versies van toewijzingen met een RedenWijziging (de klasse): 04 verlenging, 05 verkorting, 06 uitstroom, 09 andere aanbieder, 12 op verzoek (VOW), 13 verwijderd, enzovoort.",
        regel: "Regiemonitor (COD588)",
        eenheid: "toewijzingsversies",
        soort: Soort::Telling,
        uitkomsten: &["gewijzigd"],
        teller: &[],
        noemer: &[],
        datum: "ontvangst van de 301",
    }
    DECLARATIE_TERMIJN = {
        id: "declaratie_termijn",
        bron: Bron::Declaraties,
        naam: "Declaratietermijn",
        definitie: "Per declaratie (323): kalenderdagen van het einde van de declaratieperiode tot de DeclaratieDagtekening. De standaard kent geen algemene termijn (OP354); het SAP-GI noemt de laatste dag van de maand na de periode.",
        regel: "OP354",
        eenheid: "kalenderdagen",
        soort: Soort::Duur,
        uitkomsten: &[],
        teller: &[],
        noemer: &[],
        datum: "ontvangst van de 323",
    }
    CREDITPERCENTAGE = {
        id: "creditpercentage",
        bron: Bron::Declaraties,
        naam: "Creditpercentage",
        definitie: "Prestaties in declaraties die als verzonden tellen, naar debet of credit. Aandeel = credit / alle prestaties.",
        regel: "OP354, TR323",
        eenheid: "prestaties",
        soort: Soort::Telling,
        uitkomsten: &["debet", "credit"],
        teller: &["credit"],
        noemer: &["debet", "credit"],
        datum: "ontvangst van de 323",
    }
}

/// The definition with this id.
pub fn by_id(id: &str) -> Option<&'static Definitie> {
    ALLE.iter().copied().find(|d| d.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_indicator_is_documented() {
        let doc = include_str!("../../../docs/indicators.md");
        for (i, d) in ALLE.iter().enumerate() {
            assert!(ALLE[..i].iter().all(|o| o.id != d.id), "{} twice", d.id);
            assert!(d.uitkomsten.len() <= crate::aggregate::MAX_UITKOMSTEN, "{}: too many outcomes", d.id);
            assert!(
                doc.contains(&format!("| `{}` | {} | {} |", d.id, d.naam, d.regel)),
                "{} in docs/indicators.md",
                d.id
            );
            assert!(doc.contains(d.definitie), "the definition of {} in docs/indicators.md", d.id);
            for u in d.teller.iter().chain(d.noemer) {
                assert!(d.uitkomsten.contains(u), "{}: {u} is not an outcome", d.id);
            }
        }
    }
}
