//! Level-2 validation: the rules that can be checked inside one message (the conditions CD,
//! constraints CS and the in-message TR rules that the official XSLTs check, retourcode 0001,
//! plus a few in-message parts of level-3 rules). The list with rule codes is in
//! `docs/validation.md`; [`RULES`] is the same list in code.
//!
//! The rules apply to heenberichten (301, 305, 307, 315, 317, 319, 323) and to the totals of
//! the 325. A retour message copies its heenbericht; re-judging that copy would only repeat
//! the heenbericht's findings.

use chrono::{Datelike, NaiveDate};

use crate::Wet;
use crate::codes::*;
use crate::finding::{Finding, Level};
use crate::leaf::Datum;
use crate::model::*;

/// Every level-2 rule this module checks: (rule code, what it says).
pub const RULES: &[(&str, &str)] = &[
    ("CS003", "Einddatum is not before the begin date (toewijzing, aanvraag, verzoek, stop, periods)"),
    ("CD007", "Communicatie: Taal is filled when Vorm is 1 (tolk taal)"),
    ("CD009", "Contact: Periode only for AdresSoort 04 (tijdelijk verblijf)"),
    ("TR006", "Contact: Telefoon, or Huis with Postcode, is filled"),
    ("TR061", "Client (301): at least one Contact with AdresSoort 01, 02 or 03"),
    ("CS089", "Postcode has the Dutch format 1234AB when LandCode is NL"),
    ("CS318", "Client naam (301): NaamGebruik 6 (niet-natuurlijk persoon) is not allowed"),
    ("CD041", "Omvang is filled when Product/Code is filled (301, 315)"),
    ("CD075", "Einddatum is filled when Budget is filled"),
    ("CD076", "Einddatum is filled when Frequentie is 2 (per week)"),
    ("CD077", "Omvang and Budget are not both filled"),
    ("CD079", "Product is filled when Budget is empty (301, 315)"),
    ("CS338", "Eenheid 14, 16, 83 or 84 has Frequentie 2, 4 or 6"),
    ("CS335", "RedenWijziging 13 (verwijderd) only with Einddatum equal to Ingangsdatum"),
    ("CS336", "RedenWijziging 01 is not used"),
    ("TR302", "A product appears more than once in a 301 only with non-overlapping periods"),
    ("TR332", "A ToewijzingNummer appears once in a 301 (in-message part)"),
    ("TR383", "ReferentieAanbieder is unique within a 315"),
    ("CD043", "BeschikkingIngangsdatum is filled when BeschikkingNummer is filled"),
    ("CD066", "Verwijzer: ZorgverlenerCode only for Type 02, 03, 04, 05"),
    ("CD067", "Verwijzer with Type 02, 03, 04 or 05: ZorgverlenerCode or Naam is filled"),
    ("TR352", "VOW: at least one OngewijzigdProduct or TeWijzigenProduct"),
    ("TR353", "VOW: at least one TeWijzigenProduct or NieuwProduct"),
    ("TR361", "VOW: a NieuwProduct appears more than once only with non-overlapping periods"),
    ("CD085", "Antwoord: RedenAfwijzingVerzoek is filled when VerzoekAntwoord is 1"),
    ("CD086", "Antwoord: RedenAfwijzingVerzoek is empty when VerzoekAntwoord is 2"),
    ("TR377", "Antwoord (iJw): Woonplaatsbeginsel is filled when RedenAfwijzingVerzoek is 8"),
    ("TR409", "Antwoord (iJw): Woonplaatsbeginsel only when RedenAfwijzingVerzoek is 8"),
    ("CS058", "StatusAanlevering is 1 or 3 in 305 and 307"),
    ("CS340", "DeclaratiePeriode is exactly one calendar month, from 2021-01-01 on"),
    ("CS337", "ProductPeriode lies within one calendar month"),
    ("TR319", "ProductPeriode lies within the DeclaratiePeriode (in-message part)"),
    ("CD087", "ProductTarief is filled unless Eenheid is 83"),
    ("TR346", "IngediendBedrag equals GeleverdVolume x ProductTarief (for Eenheid 83: GeleverdVolume)"),
    ("TR358", "TotaalIngediendBedrag equals the signed sum of the prestaties"),
    ("CD060", "VorigReferentieNummer is filled on a credit line"),
    ("CS325", "An amount of 0 is Debet"),
    ("TR314", "ReferentieNummer is unique within a 323 (in-message part)"),
];

/// Run every level-2 rule on a message.
pub fn check(message: &Message) -> Vec<Finding> {
    let mut c = Checker { wet: message.wet, findings: Vec::new() };
    match &message.bericht {
        Bericht::Toewijzing(b) => c.toewijzing(&b.client),
        Bericht::Start(b) => c.start(&b.client),
        Bericht::Stop(b) => c.stop(&b.client),
        Bericht::VerzoekOmToewijzing(b) => c.vot(&b.client),
        Bericht::VerzoekOmWijziging(b) => c.vow(&b.client),
        Bericht::Antwoord(b) => c.antwoord(&b.antwoord),
        Bericht::Declaratie(b) => c.declaratie(&b.declaratie),
        Bericht::DeclaratieAntwoord(b) => {
            if let Some(da) = &b.declaratie_antwoord {
                c.cs325(
                    &"DeclaratieAntwoord/TotaalIngediendBedrag",
                    da.totaal_ingediend_bedrag.totaal_bedrag.0,
                    da.totaal_ingediend_bedrag.debet_credit,
                );
                c.cs325(
                    &"DeclaratieAntwoord/TotaalToegekendBedrag",
                    da.totaal_toegekend_bedrag.totaal_bedrag.0,
                    da.totaal_toegekend_bedrag.debet_credit,
                );
            }
        }
        Bericht::ToewijzingRetour(_)
        | Bericht::StartRetour(_)
        | Bericht::StopRetour(_)
        | Bericht::VerzoekOmToewijzingRetour(_)
        | Bericht::VerzoekOmWijzigingRetour(_)
        | Bericht::AntwoordRetour(_) => {}
    }
    c.findings
}

struct Checker {
    wet: Wet,
    findings: Vec<Finding>,
}

fn join(base: &str, child: &str) -> String {
    format!("{base}/{child}")
}

fn indexed(base: &str, name: &str, i: usize) -> String {
    format!("{base}/{name}[{}]", i + 1)
}

fn overlaps(a: (Datum, Option<Datum>), b: (Datum, Option<Datum>)) -> bool {
    let end = |e: Option<Datum>| e.map_or(NaiveDate::MAX, |d| d.0);
    a.0.0 <= end(b.1) && b.0.0 <= end(a.1)
}

fn last_of_month(d: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

impl Checker {
    fn add(&mut self, path: impl Into<String>, rule: &'static str, message: impl Into<String>) {
        self.findings.push(Finding::new(Level::Rule, path, Some(rule), message));
    }

    fn end_not_before(&mut self, path: &str, begin: Datum, end: Option<Datum>) {
        if let Some(end) = end
            && end < begin
        {
            self.add(path, "CS003", format!("end date {end} lies before the begin date {begin}"));
        }
    }

    fn omvang(&mut self, path: &str, omvang: &Omvang) {
        let needs_period =
            matches!(omvang.eenheid, Eenheid::Etmaal | Eenheid::Dagdeel | Eenheid::Euros | Eenheid::StuksInspanning);
        if needs_period && omvang.frequentie == Frequentie::PerDag {
            self.add(
                join(path, "Frequentie"),
                "CS338",
                format!("Eenheid {} needs Frequentie 2, 4 or 6, not 1", omvang.eenheid.code()),
            );
        }
    }

    /// The product/omvang/budget/einddatum conditions shared by ToegewezenProduct and AangevraagdProduct.
    #[allow(clippy::too_many_arguments)]
    fn product_conditions(
        &mut self,
        path: &str,
        product: Option<&Product>,
        omvang: Option<&Omvang>,
        budget: bool,
        einddatum: Option<Datum>,
        einddatum_name: &str,
    ) {
        if let Some(omvang) = omvang {
            self.omvang(&join(path, "Omvang"), omvang);
        }
        if budget && omvang.is_some() {
            self.add(join(path, "Budget"), "CD077", "Omvang and Budget are both filled");
        }
        if budget && einddatum.is_none() {
            self.add(
                join(path, einddatum_name),
                "CD075",
                format!("{einddatum_name} is required when Budget is filled"),
            );
        }
        if omvang.is_some_and(|o| o.frequentie == Frequentie::PerWeek) && einddatum.is_none() {
            self.add(
                join(path, einddatum_name),
                "CD076",
                format!("{einddatum_name} is required when Frequentie is 2 (per week)"),
            );
        }
        if !budget && product.is_none() {
            self.add(join(path, "Product"), "CD079", "Product is required when Budget is empty");
        }
        if product.is_some_and(|p| p.code.is_some()) && omvang.is_none() {
            self.add(join(path, "Omvang"), "CD041", "Omvang is required when Product/Code is filled");
        }
    }

    fn communicatie(&mut self, path: &str, communicatie: &Communicatie) {
        if communicatie.vorm == Communicatievorm::TolkTaal && communicatie.taal.is_none() {
            self.add(join(path, "Taal"), "CD007", "Taal is required when Vorm is 1 (tolk taal)");
        }
    }

    fn contact<R>(&mut self, path: &str, contact: &Contact<R>) {
        if contact.periode.is_some() && contact.soort != AdresSoort::TijdelijkVerblijfadres {
            self.add(join(path, "Periode"), "CD009", "Periode is only allowed for AdresSoort 04 (tijdelijk verblijf)");
        }
        if let Some(periode) = &contact.periode
            && let (Some(b), Some(e)) = (periode.begindatum, periode.einddatum)
        {
            self.end_not_before(&join(path, "Periode/Einddatum"), b, Some(e));
        }
        let huis_en_postcode = contact.adres.as_ref().is_some_and(|a| a.huis.is_some() && a.postcode.is_some());
        if contact.telefoon.is_none() && !huis_en_postcode {
            self.add(path, "TR006", "a Contact needs Telefoon, or an Adres with Huis and Postcode");
        }
        if let Some(adres) = &contact.adres
            && let (Some(postcode), Some(land)) = (&adres.postcode, &adres.land_code)
            && land.code() == "NL"
            && !is_dutch_postcode(postcode.as_str())
        {
            self.add(
                join(path, "Adres/Postcode"),
                "CS089",
                format!("{:?} is not a Dutch postcode (1234AB)", postcode.as_str()),
            );
        }
    }

    fn verwijzer(&mut self, path: &str, verwijzer: &Verwijzer) {
        let zorgverlener = matches!(
            verwijzer.r#type,
            TypeVerwijzer::Huisarts
                | TypeVerwijzer::Jeugdarts
                | TypeVerwijzer::GecertificeerdeInstelling
                | TypeVerwijzer::MedischSpecialist
        );
        if verwijzer.zorgverlener_code.is_some() && !zorgverlener {
            self.add(
                join(path, "ZorgverlenerCode"),
                "CD066",
                format!("ZorgverlenerCode is only allowed for Type 02, 03, 04 or 05, not {}", verwijzer.r#type.code()),
            );
        }
        if zorgverlener && verwijzer.zorgverlener_code.is_none() && verwijzer.naam.is_none() {
            self.add(path, "CD067", format!("Type {} needs ZorgverlenerCode or Naam", verwijzer.r#type.code()));
        }
    }

    fn toewijzing(&mut self, client: &ToewijzingClient) {
        if let Some(communicatie) = &client.communicatie {
            self.communicatie("Client/Communicatie", communicatie);
        }
        if client.naam.naam_gebruik == NaamGebruik::NietNatuurlijkPersoon {
            self.add(
                "Client/Naam/NaamGebruik",
                "CS318",
                "NaamGebruik 6 (niet-natuurlijk persoon) is not allowed for a client",
            );
        }
        if let Some(relaties) = &client.relaties {
            for (i, relatie) in relaties.iter().enumerate() {
                let path = indexed("Client/Relaties", "Relatie", i);
                self.contact(&join(&path, "Contact"), &relatie.contact);
            }
        }
        for (i, contact) in client.contactgegevens.iter().enumerate() {
            self.contact(&indexed("Client/Contactgegevens", "Contact", i), contact);
        }
        let has_home = client.contactgegevens.iter().any(|c| {
            matches!(c.soort, AdresSoort::BrpAdres | AdresSoort::Correspondentieadres | AdresSoort::Verblijfadres)
        });
        if !has_home {
            self.add("Client/Contactgegevens", "TR061", "at least one Contact needs AdresSoort 01, 02 or 03");
        }
        let producten = &client.toegewezen_producten;
        for (i, p) in producten.iter().enumerate() {
            let path = indexed("Client/ToegewezenProducten", "ToegewezenProduct", i);
            self.end_not_before(&join(&path, "Einddatum"), p.ingangsdatum, p.einddatum);
            self.product_conditions(
                &path,
                p.product.as_ref(),
                p.omvang.as_ref(),
                p.budget.is_some(),
                p.einddatum,
                "Einddatum",
            );
            match p.reden_wijziging {
                Some(RedenWijziging::AdministratieveCorrectieVervallen) => {
                    self.add(join(&path, "RedenWijziging"), "CS336", "RedenWijziging 01 is no longer used");
                }
                Some(RedenWijziging::Verwijderd) if p.einddatum != Some(p.ingangsdatum) => {
                    self.add(
                        join(&path, "RedenWijziging"),
                        "CS335",
                        "RedenWijziging 13 needs Einddatum equal to Ingangsdatum",
                    );
                }
                _ => {}
            }
            for (j, q) in producten.iter().enumerate().take(i) {
                if q.toewijzing_nummer == p.toewijzing_nummer {
                    self.add(
                        join(&path, "ToewijzingNummer"),
                        "TR332",
                        format!(
                            "ToewijzingNummer {} also appears in ToegewezenProduct[{}]",
                            p.toewijzing_nummer,
                            j + 1
                        ),
                    );
                } else if p.product.is_some()
                    && q.product == p.product
                    && !is_deleted(p)
                    && !is_deleted(q)
                    && overlaps((p.ingangsdatum, p.einddatum), (q.ingangsdatum, q.einddatum))
                {
                    self.add(
                        path.clone(),
                        "TR302",
                        format!("the same product overlaps with ToegewezenProduct[{}]", j + 1),
                    );
                }
            }
        }
    }

    fn status(&mut self, path: &str, status: StatusAanlevering) {
        if !matches!(status, StatusAanlevering::EersteAanlevering | StatusAanlevering::VerwijderenAanlevering) {
            self.add(
                join(path, "StatusAanlevering"),
                "CS058",
                format!("StatusAanlevering {} is not allowed; use 1 or 3", status.code()),
            );
        }
    }

    fn start(&mut self, client: &StartClient) {
        for (i, p) in client.start_producten.iter().enumerate() {
            self.status(&indexed("Client/StartProducten", "StartProduct", i), p.status_aanlevering);
        }
    }

    fn stop(&mut self, client: &StopClient) {
        for (i, p) in client.stop_producten.iter().enumerate() {
            let path = indexed("Client/StopProducten", "StopProduct", i);
            self.status(&path, p.status_aanlevering);
            self.end_not_before(&join(&path, "Einddatum"), p.begindatum, Some(p.einddatum));
        }
    }

    fn vot(&mut self, client: &VotClient) {
        let producten = &client.aangevraagde_producten;
        for (i, p) in producten.iter().enumerate() {
            let path = indexed("Client/AangevraagdeProducten", "AangevraagdProduct", i);
            if let Some(j) = producten.iter().take(i).position(|q| q.referentie_aanbieder == p.referentie_aanbieder) {
                self.add(
                    join(&path, "ReferentieAanbieder"),
                    "TR383",
                    format!(
                        "ReferentieAanbieder {} also appears in AangevraagdProduct[{}]",
                        p.referentie_aanbieder,
                        j + 1
                    ),
                );
            }
            if p.beschikking_nummer.is_some() && p.beschikking_ingangsdatum.is_none() {
                self.add(
                    join(&path, "BeschikkingIngangsdatum"),
                    "CD043",
                    "BeschikkingIngangsdatum is required with a BeschikkingNummer",
                );
            }
            self.end_not_before(&join(&path, "ToewijzingEinddatum"), p.toewijzing_ingangsdatum, p.toewijzing_einddatum);
            self.product_conditions(
                &path,
                p.product.as_ref(),
                p.omvang.as_ref(),
                p.budget.is_some(),
                p.toewijzing_einddatum,
                "ToewijzingEinddatum",
            );
            self.verwijzer(&join(&path, "Verwijzer"), &p.verwijzer);
        }
    }

    fn vow(&mut self, client: &VowClient) {
        let v = &client.verzoek;
        let path = "Client/Verzoek";
        if v.ongewijzigde_producten.is_none() && v.te_wijzigen_producten.is_none() {
            self.add(path, "TR352", "a VOW needs at least one OngewijzigdProduct or TeWijzigenProduct");
        }
        if v.te_wijzigen_producten.is_none() && v.nieuwe_producten.is_none() {
            self.add(path, "TR353", "a VOW needs at least one TeWijzigenProduct or NieuwProduct");
        }
        for (i, p) in v.te_wijzigen_producten.iter().flat_map(|l| l.iter()).enumerate() {
            let path = indexed("Client/Verzoek/TeWijzigenProducten", "TeWijzigenProduct", i);
            self.gewenst(&path, p.gewenste_ingangsdatum, p.einddatum, p.omvang.as_ref(), p.budget.is_some());
        }
        let nieuw: Vec<&NieuwProduct> = v.nieuwe_producten.iter().flat_map(|l| l.iter()).collect();
        for (i, p) in nieuw.iter().enumerate() {
            let path = indexed("Client/Verzoek/NieuweProducten", "NieuwProduct", i);
            self.gewenst(&path, p.gewenste_ingangsdatum, p.einddatum, p.omvang.as_ref(), p.budget.is_some());
            if let Some(j) = nieuw.iter().take(i).position(|q| {
                p.product.is_some()
                    && q.product == p.product
                    && overlaps((p.gewenste_ingangsdatum, p.einddatum), (q.gewenste_ingangsdatum, q.einddatum))
            }) {
                self.add(path, "TR361", format!("the same product overlaps with NieuwProduct[{}]", j + 1));
            }
        }
    }

    /// The checks a TeWijzigenProduct and a NieuwProduct of a VOW share.
    fn gewenst(&mut self, path: &str, ingang: Datum, einde: Option<Datum>, omvang: Option<&Omvang>, budget: bool) {
        self.end_not_before(&join(path, "Einddatum"), ingang, einde);
        if let Some(omvang) = omvang {
            self.omvang(&join(path, "Omvang"), omvang);
        }
        if omvang.is_some() && budget {
            self.add(join(path, "Budget"), "CD077", "Omvang and Budget are both filled");
        }
    }

    fn antwoord(&mut self, a: &Antwoord) {
        let reden = a.reden_afwijzing_verzoek;
        match (a.verzoek_antwoord, reden) {
            (VerzoekAntwoord::Afgewezen, None) => self.add(
                "Antwoord/RedenAfwijzingVerzoek",
                "CD085",
                "RedenAfwijzingVerzoek is required when VerzoekAntwoord is 1",
            ),
            (VerzoekAntwoord::InOnderzoek, Some(_)) => self.add(
                "Antwoord/RedenAfwijzingVerzoek",
                "CD086",
                "RedenAfwijzingVerzoek must be empty when VerzoekAntwoord is 2",
            ),
            _ => {}
        }
        if self.wet == Wet::IJw {
            let woonplaats = reden == Some(RedenAfwijzingVerzoek::Woonplaatsbeginsel);
            if woonplaats && a.woonplaatsbeginsel.is_none() {
                self.add(
                    "Antwoord/Woonplaatsbeginsel",
                    "TR377",
                    "RedenAfwijzingVerzoek 8 needs Woonplaatsbeginsel/Gemeente",
                );
            }
            if !woonplaats && a.woonplaatsbeginsel.is_some() {
                self.add(
                    "Antwoord/Woonplaatsbeginsel",
                    "TR409",
                    "Woonplaatsbeginsel is only allowed with RedenAfwijzingVerzoek 8",
                );
            }
        }
    }

    fn cs325(&mut self, path: &dyn AsRef<str>, amount: u64, dc: DebetCredit) {
        if amount == 0 && dc == DebetCredit::Credit {
            self.add(join(path.as_ref(), "DebetCredit"), "CS325", "an amount of 0 must be Debet (D)");
        }
    }

    fn declaratie(&mut self, d: &Declaratie) {
        let periode = d.declaratie_periode;
        let begin = periode.begindatum.0;
        let month_ok = begin.day() == 1 && last_of_month(begin) == Some(periode.einddatum.0);
        if !month_ok {
            self.add(
                "Declaratie/DeclaratiePeriode",
                "CS340",
                format!("{} to {} is not one calendar month", periode.begindatum, periode.einddatum),
            );
        }
        if begin < NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or(NaiveDate::MIN) {
            self.add("Declaratie/DeclaratiePeriode/Begindatum", "CS340", "DeclaratiePeriode starts before 2021-01-01");
        }
        let mut sum: i128 = 0;
        let mut referenties: Vec<(&str, String)> = Vec::new();
        for (ci, client) in d.clienten.iter().enumerate() {
            let cpath = indexed("Declaratie/Clienten", "Client", ci);
            for (pi, p) in client.prestaties.iter().enumerate() {
                let path = indexed(&join(&cpath, "Prestaties"), "Prestatie", pi);
                self.prestatie(&path, p, periode);
                let bedrag = i128::from(p.ingediend_bedrag.bedrag.0);
                sum += if p.ingediend_bedrag.debet_credit == DebetCredit::Debet { bedrag } else { -bedrag };
                let nummer = p.product_referentie.referentie_nummer.as_str();
                if let Some((_, other)) = referenties.iter().find(|(n, _)| *n == nummer) {
                    self.add(
                        join(&path, "ProductReferentie/ReferentieNummer"),
                        "TR314",
                        format!("ReferentieNummer {nummer} is also used at {other}"),
                    );
                } else {
                    referenties.push((nummer, path.clone()));
                }
            }
        }
        let totaal = &d.totaal_ingediend_bedrag;
        self.cs325(&"Declaratie/TotaalIngediendBedrag", totaal.totaal_bedrag.0, totaal.debet_credit);
        let declared =
            i128::from(totaal.totaal_bedrag.0) * if totaal.debet_credit == DebetCredit::Debet { 1 } else { -1 };
        if declared != sum {
            self.add(
                "Declaratie/TotaalIngediendBedrag",
                "TR358",
                format!("total is {declared} cents, the prestaties add up to {sum} cents"),
            );
        }
    }

    fn prestatie(&mut self, path: &str, p: &Prestatie, declaratie: GeslotenPeriode) {
        let pp = p.product_periode;
        self.end_not_before(&join(path, "ProductPeriode/Einddatum"), pp.begindatum, Some(pp.einddatum));
        let same_month =
            pp.begindatum.0.year() == pp.einddatum.0.year() && pp.begindatum.0.month() == pp.einddatum.0.month();
        if !same_month {
            self.add(
                join(path, "ProductPeriode"),
                "CS337",
                format!("{} to {} spans more than one calendar month", pp.begindatum, pp.einddatum),
            );
        }
        if pp.begindatum < declaratie.begindatum || pp.einddatum > declaratie.einddatum {
            self.add(join(path, "ProductPeriode"), "TR319", "ProductPeriode lies outside the DeclaratiePeriode");
        }
        let volume = u64::from(p.geleverd_volume.0);
        let bedrag = u64::from(p.ingediend_bedrag.bedrag.0);
        if p.eenheid == Eenheid::Euros {
            if bedrag != volume {
                self.add(
                    join(path, "IngediendBedrag/Bedrag"),
                    "TR346",
                    format!("{bedrag} differs from GeleverdVolume {volume} (Eenheid 83)"),
                );
            }
        } else {
            match p.product_tarief {
                None => {
                    self.add(join(path, "ProductTarief"), "CD087", "ProductTarief is required unless Eenheid is 83")
                }
                Some(tarief) => {
                    let expected = volume * u64::from(tarief.0);
                    if bedrag != expected {
                        self.add(
                            join(path, "IngediendBedrag/Bedrag"),
                            "TR346",
                            format!(
                                "{bedrag} differs from GeleverdVolume x ProductTarief = {volume} x {} = {expected}",
                                tarief.0
                            ),
                        );
                    }
                }
            }
        }
        if p.ingediend_bedrag.debet_credit == DebetCredit::Credit
            && p.product_referentie.vorig_referentie_nummer.is_none()
        {
            self.add(
                join(path, "ProductReferentie/VorigReferentieNummer"),
                "CD060",
                "a credit line needs VorigReferentieNummer",
            );
        }
        self.cs325(&join(path, "IngediendBedrag"), bedrag, p.ingediend_bedrag.debet_credit);
    }
}

fn is_deleted<R>(p: &ToegewezenProduct<R>) -> bool {
    p.reden_wijziging == Some(RedenWijziging::Verwijderd)
}

fn is_dutch_postcode(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 6
        && (b'1'..=b'9').contains(&b[0])
        && b[1..4].iter().all(u8::is_ascii_digit)
        && b[4..6].iter().all(u8::is_ascii_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_unique_code() {
        let mut codes: Vec<&str> = RULES.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RULES.len());
    }

    #[test]
    fn months_and_postcodes() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN);
        assert_eq!(last_of_month(d(2024, 2, 1)), Some(d(2024, 2, 29)));
        assert_eq!(last_of_month(d(2023, 12, 1)), Some(d(2023, 12, 31)));
        assert!(is_dutch_postcode("9999XX"));
        assert!(!is_dutch_postcode("0999XX"));
        assert!(!is_dutch_postcode("1234 AB"));
    }
}
