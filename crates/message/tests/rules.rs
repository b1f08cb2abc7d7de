//! Level-2 rules: each is triggered by a hand-made violation and reported with its rule code
//! and element path; the examples give exactly the known findings.

use ketenzicht_testkit as support;

use ketenzicht_message::codes::*;
use ketenzicht_message::leaf::*;
use ketenzicht_message::model::*;
use ketenzicht_message::rules::{RULES, check};
use ketenzicht_message::{Message, read};

fn example(name: &str) -> Message {
    let path = support::examples().into_iter().find(|p| p.file_stem().is_some_and(|s| s == name)).expect(name);
    read(&std::fs::read(path).expect("readable")).expect("reads clean")
}

fn findings(m: &Message) -> Vec<(String, &'static str)> {
    check(m).into_iter().map(|f| (f.path, f.rule.expect("every level-2 finding has a rule"))).collect()
}

fn assert_finding(m: &Message, path: &str, rule: &str) {
    let found = findings(m);
    assert!(found.iter().any(|(p, r)| p == path && *r == rule), "expected {rule} at {path}, got {found:?}");
}

fn date(y: i32, m: u32, d: u32) -> Datum {
    Datum::ymd(y, m, d).expect("date")
}

macro_rules! with {
    ($name:literal, $variant:ident, |$b:ident| $edit:block) => {{
        let mut m = example($name);
        match &mut m.bericht {
            Bericht::$variant($b) => $edit,
            other => panic!("unexpected {other:?}"),
        }
        m
    }};
}

#[test]
fn examples_give_exactly_the_known_level_2_findings() {
    for path in support::examples() {
        let name = path.file_stem().and_then(|s| s.to_str()).expect("name").to_owned();
        let Ok(message) = read(&std::fs::read(&path).expect("readable")) else { continue };
        let expected: Vec<(String, &str)> = match name.as_str() {
            "JW317" => vec![("Client/Verzoek/NieuweProducten/NieuwProduct[1]/Einddatum".into(), "CS003")],
            "JW323" => vec![
                ("Declaratie/Clienten/Client[2]/Prestaties/Prestatie[3]/ProductPeriode".into(), "TR319"),
                (
                    "Declaratie/Clienten/Client[2]/Prestaties/Prestatie[3]/ProductReferentie/ReferentieNummer".into(),
                    "TR314",
                ),
            ],
            _ => vec![],
        };
        assert_eq!(findings(&message), expected, "{name}");
    }
}

#[test]
fn toewijzing_rules() {
    let p = "Client/ToegewezenProducten/ToegewezenProduct[1]";
    let m = with!("JW301", Toewijzing, |b| {
        b.client.toegewezen_producten.iter_mut().next().expect("p").einddatum = Some(date(2026, 3, 1))
    });
    assert_finding(&m, &format!("{p}/Einddatum"), "CS003");
    let m = with!("JW301", Toewijzing, |b| {
        let tp = b.client.toegewezen_producten.iter_mut().next().expect("p");
        tp.budget = Some(Budget(1000));
        tp.einddatum = None;
    });
    assert_finding(&m, &format!("{p}/Budget"), "CD077");
    assert_finding(&m, &format!("{p}/Einddatum"), "CD075");
    let m = with!("JW301", Toewijzing, |b| {
        b.client.toegewezen_producten.iter_mut().next().expect("p").einddatum = None
    });
    assert_finding(&m, &format!("{p}/Einddatum"), "CD076");
    let m =
        with!("JW301", Toewijzing, |b| { b.client.toegewezen_producten.iter_mut().next().expect("p").omvang = None });
    assert_finding(&m, &format!("{p}/Omvang"), "CD041");
    let m =
        with!("JW301", Toewijzing, |b| { b.client.toegewezen_producten.iter_mut().next().expect("p").product = None });
    assert_finding(&m, &format!("{p}/Product"), "CD079");
    let m = with!("JW301", Toewijzing, |b| {
        b.client.toegewezen_producten.iter_mut().next().expect("p").reden_wijziging =
            Some(RedenWijziging::AdministratieveCorrectieVervallen)
    });
    assert_finding(&m, &format!("{p}/RedenWijziging"), "CS336");
    let m = with!("JW301", Toewijzing, |b| {
        b.client.toegewezen_producten.iter_mut().next().expect("p").reden_wijziging = Some(RedenWijziging::Verwijderd)
    });
    assert_finding(&m, &format!("{p}/RedenWijziging"), "CS335");
    let m = with!("JW301", Toewijzing, |b| {
        let omvang = b.client.toegewezen_producten.iter_mut().next().expect("p").omvang.as_mut().expect("omvang");
        omvang.eenheid = Eenheid::Etmaal;
        omvang.frequentie = Frequentie::PerDag;
    });
    assert_finding(&m, &format!("{p}/Omvang/Frequentie"), "CS338");
    let m = with!("JW301", Toewijzing, |b| {
        let mut list = b.client.toegewezen_producten.clone().into_vec();
        list[1].toewijzing_nummer = list[0].toewijzing_nummer;
        b.client.toegewezen_producten = list.try_into().expect("non-empty");
    });
    assert_finding(&m, "Client/ToegewezenProducten/ToegewezenProduct[2]/ToewijzingNummer", "TR332");
    let m = with!("JW301", Toewijzing, |b| {
        let mut list = b.client.toegewezen_producten.clone().into_vec();
        list[1].product = list[0].product.clone();
        b.client.toegewezen_producten = list.try_into().expect("non-empty");
    });
    assert_finding(&m, "Client/ToegewezenProducten/ToegewezenProduct[2]", "TR302");
}

#[test]
fn client_and_contact_rules() {
    let m = with!("JW301", Toewijzing, |b| { b.client.communicatie.as_mut().expect("c").taal = None });
    assert_finding(&m, "Client/Communicatie/Taal", "CD007");
    let m = with!("JW301", Toewijzing, |b| { b.client.naam.naam_gebruik = NaamGebruik::NietNatuurlijkPersoon });
    assert_finding(&m, "Client/Naam/NaamGebruik", "CS318");
    let m = with!("JW301", Toewijzing, |b| {
        for c in b.client.contactgegevens.iter_mut() {
            c.soort = AdresSoort::TijdelijkVerblijfadres;
        }
    });
    assert_finding(&m, "Client/Contactgegevens", "TR061");
    let m = with!("JW301", Toewijzing, |b| {
        let c = b.client.contactgegevens.iter_mut().next().expect("c");
        c.periode = Some(OpenPeriode { begindatum: Some(date(2020, 1, 1)), einddatum: None });
    });
    assert_finding(&m, "Client/Contactgegevens/Contact[1]/Periode", "CD009");
    let m = with!("JW301", Toewijzing, |b| {
        let c = b.client.contactgegevens.iter_mut().next().expect("c");
        c.telefoon = None;
        c.adres.as_mut().expect("adres").postcode = None;
    });
    assert_finding(&m, "Client/Contactgegevens/Contact[1]", "TR006");
    let m = with!("JW301", Toewijzing, |b| {
        let c = b.client.contactgegevens.iter_mut().next().expect("c");
        c.adres.as_mut().expect("adres").postcode = Some(Postcode::new("1234 ab").expect("postcode"));
    });
    assert_finding(&m, "Client/Contactgegevens/Contact[1]/Adres/Postcode", "CS089");
}

#[test]
fn verzoek_rules() {
    let p = "Client/AangevraagdeProducten/AangevraagdProduct[2]";
    let m = with!("WMO315", VerzoekOmToewijzing, |b| {
        let mut list = b.client.aangevraagde_producten.clone().into_vec();
        if list.len() < 2 {
            list.push(list[0].clone());
        }
        list[1].referentie_aanbieder = list[0].referentie_aanbieder.clone();
        list[1].beschikking_nummer = Some(Nummer(5));
        list[1].beschikking_ingangsdatum = None;
        list[1].verwijzer = Verwijzer { r#type: TypeVerwijzer::Huisarts, naam: None, zorgverlener_code: None };
        b.client.aangevraagde_producten = list.try_into().expect("non-empty");
    });
    assert_finding(&m, &format!("{p}/ReferentieAanbieder"), "TR383");
    assert_finding(&m, &format!("{p}/BeschikkingIngangsdatum"), "CD043");
    assert_finding(&m, &format!("{p}/Verwijzer"), "CD067");
    let m = with!("WMO315", VerzoekOmToewijzing, |b| {
        let p = b.client.aangevraagde_producten.iter_mut().next().expect("p");
        p.verwijzer =
            Verwijzer { r#type: TypeVerwijzer::Gemeente, naam: None, zorgverlener_code: Some(AgbCode(12345678)) };
    });
    assert_finding(&m, "Client/AangevraagdeProducten/AangevraagdProduct[1]/Verwijzer/ZorgverlenerCode", "CD066");
    let m = with!("WMO317", VerzoekOmWijziging, |b| {
        b.client.verzoek.ongewijzigde_producten = None;
        b.client.verzoek.te_wijzigen_producten = None;
        b.client.verzoek.nieuwe_producten = None;
    });
    assert_finding(&m, "Client/Verzoek", "TR352");
    assert_finding(&m, "Client/Verzoek", "TR353");
}

#[test]
fn antwoord_rules() {
    let m = with!("JW319", Antwoord, |b| { b.antwoord.reden_afwijzing_verzoek = None });
    assert_finding(&m, "Antwoord/RedenAfwijzingVerzoek", "CD085");
    assert_finding(&m, "Antwoord/Woonplaatsbeginsel", "TR409");
    let m = with!("JW319", Antwoord, |b| { b.antwoord.woonplaatsbeginsel = None });
    assert_finding(&m, "Antwoord/Woonplaatsbeginsel", "TR377");
    let m = with!("JW319", Antwoord, |b| {
        b.antwoord.verzoek_antwoord = VerzoekAntwoord::InOnderzoek;
    });
    assert_finding(&m, "Antwoord/RedenAfwijzingVerzoek", "CD086");
}

#[test]
fn regie_rules() {
    let m = with!("JW305", Start, |b| {
        b.client.start_producten.iter_mut().next().expect("p").status_aanlevering =
            StatusAanlevering::GewijzigdeAanlevering
    });
    assert_finding(&m, "Client/StartProducten/StartProduct[1]/StatusAanlevering", "CS058");
    let m = with!("JW307", Stop, |b| {
        let p = b.client.stop_producten.iter_mut().next().expect("p");
        p.einddatum = Datum(p.begindatum.0.pred_opt().expect("date"));
    });
    assert_finding(&m, "Client/StopProducten/StopProduct[1]/Einddatum", "CS003");
}

#[test]
fn declaratie_rules() {
    let p = "Declaratie/Clienten/Client[1]/Prestaties/Prestatie[1]";
    let m = with!("WMO323", Declaratie, |b| {
        b.declaratie.declaratie_periode.einddatum =
            Datum(b.declaratie.declaratie_periode.einddatum.0.pred_opt().expect("d"));
    });
    assert_finding(&m, "Declaratie/DeclaratiePeriode", "CS340");
    let m = with!("WMO323", Declaratie, |b| {
        let prestatie = b.declaratie.clienten.iter_mut().next().expect("c").prestaties.iter_mut().next().expect("p");
        prestatie.ingediend_bedrag.bedrag = Bedrag(prestatie.ingediend_bedrag.bedrag.0 + 1);
        prestatie.product_tarief = prestatie.product_tarief.or(Some(Bedrag(1)));
        if prestatie.eenheid == Eenheid::Euros {
            prestatie.eenheid = Eenheid::Uur;
        }
    });
    assert_finding(&m, &format!("{p}/IngediendBedrag/Bedrag"), "TR346");
    assert_finding(&m, "Declaratie/TotaalIngediendBedrag", "TR358");
    let m = with!("WMO323", Declaratie, |b| {
        let prestatie = b.declaratie.clienten.iter_mut().next().expect("c").prestaties.iter_mut().next().expect("p");
        prestatie.eenheid = Eenheid::Uur;
        prestatie.product_tarief = None;
    });
    assert_finding(&m, &format!("{p}/ProductTarief"), "CD087");
    let m = with!("WMO323", Declaratie, |b| {
        let prestatie = b.declaratie.clienten.iter_mut().next().expect("c").prestaties.iter_mut().next().expect("p");
        prestatie.ingediend_bedrag.debet_credit = DebetCredit::Credit;
        prestatie.product_referentie.vorig_referentie_nummer = None;
        prestatie.product_periode.einddatum = date(2099, 1, 1);
    });
    assert_finding(&m, &format!("{p}/ProductReferentie/VorigReferentieNummer"), "CD060");
    assert_finding(&m, &format!("{p}/ProductPeriode"), "CS337");
    assert_finding(&m, &format!("{p}/ProductPeriode"), "TR319");
    let m = with!("WMO323", Declaratie, |b| {
        b.declaratie.totaal_ingediend_bedrag =
            TotaalBedragMetDc { totaal_bedrag: TotaalBedrag(0), debet_credit: DebetCredit::Credit };
    });
    assert_finding(&m, "Declaratie/TotaalIngediendBedrag/DebetCredit", "CS325");
}

#[test]
fn the_documented_rule_list_matches_the_code() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/validation.md"))
        .expect("docs/validation.md");
    for (code, _) in RULES {
        assert!(doc.contains(&format!("| {code} |")), "docs/validation.md does not list {code}");
    }
}
