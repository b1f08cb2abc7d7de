//! Turning planned events into typed messages of the message layer.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use ketenzicht_message::codes::*;
use ketenzicht_message::leaf::*;
use ketenzicht_message::model::*;
use ketenzicht_message::vec1::Vec1;
use ketenzicht_message::{Message, Release, Wet};

use crate::event::{Client, Heen, Inhoud, PrestatieSpec, ToewijzingVersie};
use crate::world::ProductDef;

// The values below are built from the simulator's own valid data; a failure is a bug here.
fn text<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
    r.expect("the simulator builds valid values")
}

fn datum(d: NaiveDate) -> Datum {
    Datum(d)
}

fn xsd_versie() -> XsdVersie {
    XsdVersie { basisschema_xsd_versie: text(Versie::new("1.0.0")), bericht_xsd_versie: text(Versie::new("1.0.0")) }
}

fn identificatie(id: &str, dag: NaiveDate) -> BerichtIdentificatie {
    BerichtIdentificatie { identificatie: text(IdentificatieBericht::new(id)), dagtekening: datum(dag) }
}

fn header<A, O>(afzender: A, ontvanger: O, id: &str, dag: NaiveDate) -> Header<A, O> {
    Header {
        // Set by Message::fix_identity.
        bericht_code: text(BerichtCode::new("0")),
        bericht_versie: VersieNummer(3),
        bericht_subversie: VersieNummer(2),
        afzender,
        ontvanger,
        bericht_identificatie: identificatie(id, dag),
        xsd_versie: xsd_versie(),
    }
}

fn retour_header<A, O>(heen: Header<A, O>, id: &str, dag: NaiveDate, codes: Option<RetourCodes>) -> RetourHeader<A, O> {
    RetourHeader {
        bericht_code: heen.bericht_code,
        bericht_versie: heen.bericht_versie,
        bericht_subversie: heen.bericht_subversie,
        afzender: heen.afzender,
        ontvanger: heen.ontvanger,
        bericht_identificatie: heen.bericht_identificatie,
        xsd_versie: heen.xsd_versie,
        identificatie_retour: text(IdentificatieBericht::new(id)),
        dagtekening_retour: datum(dag),
        xslt_versie: None,
        xsd_versie_retour: xsd_versie(),
        retour_codes: codes,
    }
}

fn product(p: &ProductDef, wet: Wet) -> Product {
    Product {
        categorie: text(ProductCategorie::new(p.categorie, wet).ok_or("category")),
        code: Some(text(ProductCode::new(p.code))),
    }
}

fn omvang(p: &ProductDef) -> Omvang {
    Omvang {
        volume: Volume(p.volume),
        eenheid: text(Eenheid::from_code(p.eenheid).ok_or("eenheid")),
        frequentie: text(Frequentie::from_code(p.frequentie).ok_or("frequentie")),
    }
}

fn geslacht(c: &Client) -> Geslacht {
    Geslacht::from_code(c.geslacht).unwrap_or(Geslacht::Onbekend)
}

fn achternaam(c: &Client) -> Achternaam {
    Achternaam { achternaam: text(Naam::new(c.achternaam)), voorvoegsel: None }
}

fn verkorte_naam(c: &Client) -> VerkorteNaam {
    VerkorteNaam {
        geslachtsnaam: achternaam(c),
        voornamen: None,
        voorletters: Some(text(Voorletters::new(c.voorletters))),
    }
}

fn geboortedatum(c: &Client) -> Geboortedatum {
    Geboortedatum { datum: datum(c.geboortedatum), datum_gebruik: None }
}

fn toegewezen(v: &ToewijzingVersie, wet: Wet) -> ToegewezenProduct {
    let tijd = v.besluit.time();
    ToegewezenProduct {
        toewijzing_nummer: Nummer(v.nummer),
        referentie_aanbieder: v.referentie.as_deref().map(|r| text(Referentie::new(r))),
        product: Some(product(&v.product, wet)),
        toewijzingsdatum: datum(v.besluit.date()),
        toewijzingstijd: text(Tijd::hms(tijd.hour(), tijd.minute(), tijd.second()).ok_or("time")),
        ingangsdatum: datum(v.ingangsdatum),
        einddatum: Some(datum(v.einddatum)),
        reden_wijziging: v.reden_wijziging.and_then(RedenWijziging::from_code),
        omvang: Some(omvang(&v.product)),
        budget: None,
        commentaar: None,
        retour_codes: (),
    }
}

fn woonadres(c: &Client) -> Contact {
    let postcode = 1000 + (c.bsn.value() % 8_999);
    Contact {
        soort: AdresSoort::BrpAdres,
        adres: Some(Adres {
            huis: Some(Huis {
                huisnummer: Huisnummer(1 + c.bsn.value() % 200),
                huisletter: None,
                huisnummer_toevoeging: None,
                aanduiding_woonadres: None,
            }),
            postcode: Some(text(Postcode::new(format!("{postcode}AB")))),
            straatnaam: Some(text(Straatnaam::new("Dorpsstraat"))),
            plaatsnaam: None,
            land_code: LandCode::new("NL", Wet::IJw),
        }),
        organisatie: None,
        telefoon: None,
        emailadres: None,
        periode: None,
        retour_codes: (),
    }
}

fn prestatie(p: &PrestatieSpec, wet: Wet) -> Prestatie {
    Prestatie {
        product_referentie: ProductReferentie {
            referentie_nummer: text(ReferentieNummer::new(p.referentie_nummer.clone())),
            vorig_referentie_nummer: p.credit_van.as_ref().map(|v| text(ReferentieNummer::new(v.clone()))),
        },
        toewijzing_nummer: Nummer(p.toewijzing_nummer),
        product_categorie: text(ProductCategorie::new(p.product.categorie, wet).ok_or("category")),
        product_code: text(ProductCode::new(p.product.code)),
        product_periode: GeslotenPeriode { begindatum: datum(p.begin), einddatum: datum(p.eind) },
        geleverd_volume: Volume(p.volume),
        eenheid: text(Eenheid::from_code(p.product.eenheid).ok_or("eenheid")),
        product_tarief: Some(Bedrag(p.product.tarief)),
        ingediend_bedrag: BedragMetDc {
            bedrag: Bedrag(p.volume * p.product.tarief),
            debet_credit: if p.credit_van.is_some() { DebetCredit::Credit } else { DebetCredit::Debet },
        },
        retour_codes: (),
    }
}

/// The signed amount of a prestatie: negative for a credit line.
fn bedrag(p: &PrestatieSpec) -> i64 {
    let b = i64::from(p.volume) * i64::from(p.product.tarief);
    if p.credit_van.is_some() { -b } else { b }
}

/// A signed total as amount and D/C; zero is D (CS325).
fn totaal_met_dc(totaal: i64) -> TotaalBedragMetDc {
    TotaalBedragMetDc {
        totaal_bedrag: TotaalBedrag(totaal.unsigned_abs()),
        debet_credit: if totaal < 0 { DebetCredit::Credit } else { DebetCredit::Debet },
    }
}

pub fn maand_eind(maand: NaiveDate) -> NaiveDate {
    crate::world::next_month(maand).pred_opt().unwrap_or(maand)
}

/// The heenbericht, with Identificatie `id`.
pub fn heen(h: &Heen, id: &str) -> Message {
    let wet = h.wet;
    let dag = h.ontvangen.date();
    let c = &h.client;
    let bericht = match &h.inhoud {
        Inhoud::Toewijzing(v) => Bericht::Toewijzing(Bericht301 {
            header: header(h.gemeente, h.aanbieder, id, dag),
            client: ToewijzingClient {
                bsn: c.bsn,
                geboortedatum: geboortedatum(c),
                geslacht: geslacht(c),
                naam: VolledigeNaam {
                    geslachtsnaam: achternaam(c),
                    partnernaam: None,
                    voornamen: None,
                    voorletters: Some(text(Voorletters::new(c.voorletters))),
                    naam_gebruik: NaamGebruik::EigenNaam,
                },
                communicatie: None,
                juridische_status: None,
                wettelijke_vertegenwoordiging: None,
                commentaar: None,
                relaties: None,
                contactgegevens: Vec1::new(woonadres(c)),
                toegewezen_producten: Vec1::new(toegewezen(v, wet)),
                retour_codes: (),
            },
        }),
        Inhoud::Vot { referentie, ingang, eind, product: p } => Bericht::VerzoekOmToewijzing(Bericht315 {
            header: header(h.aanbieder, h.gemeente, id, dag),
            client: VotClient {
                bsn: c.bsn,
                geboortedatum: geboortedatum(c),
                geslacht: geslacht(c),
                naam: verkorte_naam(c),
                gezagsdrager_bekend: (wet == Wet::IJw).then_some(JaNee::Nee),
                commentaar: None,
                aangevraagde_producten: Vec1::new(AangevraagdProduct {
                    referentie_aanbieder: text(Referentie::new(referentie.clone())),
                    beschikking_nummer: None,
                    product: Some(product(p, wet)),
                    beschikking_ingangsdatum: None,
                    toewijzing_ingangsdatum: datum(*ingang),
                    toewijzing_einddatum: Some(datum(*eind)),
                    omvang: Some(omvang(p)),
                    budget: None,
                    verwijzer: match wet {
                        Wet::IWmo => Verwijzer { r#type: TypeVerwijzer::Gemeente, naam: None, zorgverlener_code: None },
                        Wet::IJw => Verwijzer {
                            r#type: TypeVerwijzer::Huisarts,
                            naam: None,
                            zorgverlener_code: Some(AgbCode(1_000_000 + c.bsn.value() % 900_000)),
                        },
                    },
                    raamcontract: None,
                    commentaar: None,
                    retour_codes: (),
                }),
                retour_codes: (),
            },
        }),
        Inhoud::Antwoord { referentie, in_onderzoek, reden, woonplaats } => Bericht::Antwoord(Bericht319 {
            header: header(h.gemeente, h.aanbieder, id, dag),
            antwoord: Antwoord {
                referentie_aanbieder: text(Referentie::new(referentie.clone())),
                verzoek_antwoord: if *in_onderzoek { VerzoekAntwoord::InOnderzoek } else { VerzoekAntwoord::Afgewezen },
                reden_afwijzing_verzoek: reden.and_then(RedenAfwijzingVerzoek::from_code),
                woonplaatsbeginsel: woonplaats.map(|g| Woonplaatsbeginsel { gemeente: g, retour_codes: () }),
                retour_codes: (),
            },
        }),
        Inhoud::Start { nummer, product: p, ingang, begindatum, status } => Bericht::Start(Bericht305 {
            header: header(h.aanbieder, h.gemeente, id, dag),
            client: StartClient {
                bsn: c.bsn,
                geboortedatum: geboortedatum(c),
                geslacht: geslacht(c),
                naam: verkorte_naam(c),
                start_producten: Vec1::new(StartProduct {
                    toewijzing_nummer: Some(Nummer(*nummer)),
                    product: Some(product(p, wet)),
                    toewijzing_ingangsdatum: Some(datum(*ingang)),
                    begindatum: datum(*begindatum),
                    status_aanlevering: text(StatusAanlevering::from_code(status).ok_or("status")),
                    retour_codes: (),
                }),
                retour_codes: (),
            },
        }),
        Inhoud::Vow { referentie, nummer, product: p, gewenst, einddatum } => Bericht::VerzoekOmWijziging(Bericht317 {
            header: header(h.aanbieder, h.gemeente, id, dag),
            client: VowClient {
                bsn: c.bsn,
                verzoek: Verzoek {
                    referentie_aanbieder: text(Referentie::new(referentie.clone())),
                    reden_verzoek: RedenVerzoek::WijzigingZorgplan,
                    ongewijzigde_producten: None,
                    te_wijzigen_producten: Some(Vec1::new(TeWijzigenProduct {
                        toewijzing_nummer: Nummer(*nummer),
                        gewenste_ingangsdatum: datum(*gewenst),
                        einddatum: Some(datum(*einddatum)),
                        omvang: Some(omvang(p)),
                        budget: None,
                        retour_codes: (),
                    })),
                    nieuwe_producten: None,
                    retour_codes: (),
                },
                retour_codes: (),
            },
        }),
        Inhoud::Stop { nummer, product: p, ingang, begindatum, reden, einddatum } => Bericht::Stop(Bericht307 {
            header: header(h.aanbieder, h.gemeente, id, dag),
            client: StopClient {
                bsn: c.bsn,
                geboortedatum: geboortedatum(c),
                geslacht: geslacht(c),
                naam: verkorte_naam(c),
                stop_producten: Vec1::new(StopProduct {
                    toewijzing_nummer: Some(Nummer(*nummer)),
                    product: Some(product(p, wet)),
                    toewijzing_ingangsdatum: Some(datum(*ingang)),
                    begindatum: datum(*begindatum),
                    reden_beeindiging: text(RedenBeeindiging::new(reden, wet).ok_or("reden")),
                    einddatum: datum(*einddatum),
                    status_aanlevering: StatusAanlevering::EersteAanlevering,
                    retour_codes: (),
                }),
                retour_codes: (),
            },
        }),
        Inhoud::Declaratie { nummer, maand, prestaties } => {
            let mut clienten: Vec<DeclaratieClient> = Vec::new();
            for p in prestaties {
                let bsn = p.client.bsn;
                match clienten.iter_mut().find(|dc| dc.bsn == bsn) {
                    Some(dc) => dc.prestaties.push(prestatie(p, wet)),
                    None => clienten.push(DeclaratieClient {
                        bsn,
                        prestaties: Vec1::new(prestatie(p, wet)),
                        retour_codes: (),
                    }),
                }
            }
            let totaal: i64 = prestaties.iter().map(bedrag).sum();
            Bericht::Declaratie(Bericht323 {
                header: header(h.aanbieder, h.gemeente, id, dag),
                declaratie: Declaratie {
                    declaratie_nummer: text(DeclaratieNummer::new(nummer.clone())),
                    declaratie_periode: GeslotenPeriode {
                        begindatum: datum(*maand),
                        einddatum: datum(maand_eind(*maand)),
                    },
                    declaratie_dagtekening: datum(dag),
                    totaal_ingediend_bedrag: totaal_met_dc(totaal),
                    clienten: text(Vec1::try_from(clienten)),
                },
            })
        }
    };
    let mut m = Message { wet, release: Release::R3_2, bericht };
    m.fix_identity();
    m
}

fn codes(list: &[&str], wet: Wet) -> RetourCodes {
    let codes: Vec<RetourCode> = list.iter().filter_map(|c| RetourCode::new(c, wet)).collect();
    RetourCodes(text(Vec1::try_from(codes)))
}

/// How a heenbericht was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oordeel {
    Goed,
    /// Level 2: header only, 0001.
    Technisch,
    /// Level 3 on a start or stop: header 0200, the client's classes copied with 0200 and
    /// the product with this code.
    Inhoudelijk(&'static str),
}

/// The answer to a heenbericht: its retour (header only when accepted) or, for a 323, the 325.
pub fn antwoord(heen: &Message, h: &Heen, id: &str, at: NaiveDateTime, oordeel: Oordeel) -> Message {
    let wet = heen.wet;
    let dag = at.date();
    let afkeur = match oordeel {
        Oordeel::Goed => None,
        Oordeel::Technisch => Some(codes(&["0001"], wet)),
        Oordeel::Inhoudelijk(_) => Some(codes(&["0200"], wet)),
    };
    let klasse = |code| codes(&[code], wet);
    let bericht = match &heen.bericht {
        Bericht::Toewijzing(b) => Bericht::ToewijzingRetour(Bericht302 {
            header: retour_header(b.header.clone(), id, dag, afkeur.clone()),
            client: None,
        }),
        Bericht::Start(b) => Bericht::StartRetour(Bericht306 {
            header: retour_header(b.header.clone(), id, dag, afkeur.clone()),
            client: match oordeel {
                Oordeel::Inhoudelijk(code) => Some(StartClient {
                    bsn: b.client.bsn,
                    geboortedatum: b.client.geboortedatum.clone(),
                    geslacht: b.client.geslacht,
                    naam: b.client.naam.clone(),
                    start_producten: text(Vec1::try_from(
                        b.client
                            .start_producten
                            .iter()
                            .map(|p| StartProduct {
                                toewijzing_nummer: p.toewijzing_nummer,
                                product: p.product.clone(),
                                toewijzing_ingangsdatum: p.toewijzing_ingangsdatum,
                                begindatum: p.begindatum,
                                status_aanlevering: p.status_aanlevering,
                                retour_codes: klasse(code),
                            })
                            .collect::<Vec<_>>(),
                    )),
                    retour_codes: klasse("0200"),
                }),
                _ => None,
            },
        }),
        Bericht::Stop(b) => Bericht::StopRetour(Bericht308 {
            header: retour_header(b.header.clone(), id, dag, afkeur.clone()),
            client: match oordeel {
                Oordeel::Inhoudelijk(code) => Some(StopClient {
                    bsn: b.client.bsn,
                    geboortedatum: b.client.geboortedatum.clone(),
                    geslacht: b.client.geslacht,
                    naam: b.client.naam.clone(),
                    stop_producten: text(Vec1::try_from(
                        b.client
                            .stop_producten
                            .iter()
                            .map(|p| StopProduct {
                                toewijzing_nummer: p.toewijzing_nummer,
                                product: p.product.clone(),
                                toewijzing_ingangsdatum: p.toewijzing_ingangsdatum,
                                begindatum: p.begindatum,
                                reden_beeindiging: p.reden_beeindiging,
                                einddatum: p.einddatum,
                                status_aanlevering: p.status_aanlevering,
                                retour_codes: klasse(code),
                            })
                            .collect::<Vec<_>>(),
                    )),
                    retour_codes: klasse("0200"),
                }),
                _ => None,
            },
        }),
        Bericht::VerzoekOmToewijzing(b) => Bericht::VerzoekOmToewijzingRetour(Bericht316 {
            header: retour_header(b.header.clone(), id, dag, afkeur.clone()),
            client: None,
        }),
        Bericht::VerzoekOmWijziging(b) => Bericht::VerzoekOmWijzigingRetour(Bericht318 {
            header: retour_header(b.header.clone(), id, dag, afkeur.clone()),
            client: None,
        }),
        Bericht::Antwoord(b) => Bericht::AntwoordRetour(Bericht320 {
            header: retour_header(b.header.clone(), id, dag, afkeur.clone()),
            antwoord: None,
        }),
        Bericht::Declaratie(b) => {
            let mut answer = declaratie_antwoord(b, h, id, dag, wet);
            if let Some(afkeur) = afkeur.clone() {
                // Rejected at level 2: the header only, with 0001.
                answer.header.retour_codes = afkeur;
                answer.declaratie_antwoord = None;
            }
            Bericht::DeclaratieAntwoord(answer)
        }
        other => unreachable!("{:?} is not a heenbericht", other.bericht_type()),
    };
    let mut m = Message { wet, release: Release::R3_2, bericht };
    m.fix_identity();
    m
}

fn declaratie_antwoord(b: &Bericht323, h: &Heen, id: &str, dag: NaiveDate, wet: Wet) -> Bericht325 {
    let Inhoud::Declaratie { prestaties, .. } = &h.inhoud else { unreachable!("a 325 answers a 323") };
    let mut afgewezen: Vec<DeclaratieClient<RetourCodes>> = Vec::new();
    let mut afgewezen_bedrag = 0i64;
    for p in prestaties.iter().filter(|p| p.afgewezen.is_some()) {
        let mut pr = prestatie(p, wet);
        afgewezen_bedrag += bedrag(p);
        let pr = Prestatie {
            product_referentie: pr.product_referentie,
            toewijzing_nummer: pr.toewijzing_nummer,
            product_categorie: pr.product_categorie,
            product_code: pr.product_code.clone(),
            product_periode: pr.product_periode,
            geleverd_volume: pr.geleverd_volume,
            eenheid: pr.eenheid,
            product_tarief: pr.product_tarief.take(),
            ingediend_bedrag: pr.ingediend_bedrag,
            retour_codes: codes(&[p.afgewezen.unwrap_or("0611")], wet),
        };
        let bsn = p.client.bsn;
        match afgewezen.iter_mut().find(|c| c.bsn == bsn) {
            Some(c) => c.prestaties.push(pr),
            None => {
                afgewezen.push(DeclaratieClient { bsn, prestaties: Vec1::new(pr), retour_codes: codes(&["0200"], wet) })
            }
        }
    }
    let ingediend = b.declaratie.totaal_ingediend_bedrag;
    let toegekend = prestaties.iter().map(bedrag).sum::<i64>() - afgewezen_bedrag;
    let geheel = afgewezen.is_empty();
    Bericht325 {
        header: DeclaratieAntwoordHeader {
            bericht_code: b.header.bericht_code.clone(),
            bericht_versie: VersieNummer(3),
            bericht_subversie: VersieNummer(2),
            afzender: b.header.ontvanger,
            ontvanger: b.header.afzender,
            bericht_identificatie: identificatie(id, dag),
            xsd_versie: xsd_versie(),
            declaratie_identificatie: b.header.bericht_identificatie.clone(),
            xslt_versie: None,
            xsd_versie_declaratie: b.header.xsd_versie.clone(),
            retour_codes: codes(&["0200"], wet),
        },
        declaratie_antwoord: Some(DeclaratieAntwoord {
            declaratie_nummer: text(IdentificatieDeclaratie::new(b.declaratie.declaratie_nummer.as_str())),
            totaal_ingediend_bedrag: ingediend,
            totaal_toegekend_bedrag: totaal_met_dc(toegekend),
            clienten: Vec1::try_from(afgewezen).ok(),
            retour_codes: codes(&[if geheel { "8001" } else { "0200" }], wet),
        }),
    }
}

/// `2024-03`
pub fn maand(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}
