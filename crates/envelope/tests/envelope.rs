//! The StUF-GGk envelope: the public examples read, what we write reads back and validates
//! against the StUF-GGk XSD, and broken envelopes are refused with a clear error. The same for
//! the transport error `StUF:Fo01Bericht`.

use chrono::NaiveDate;
use ketenzicht_envelope::{
    Envelope, EnvelopeError, Foutbericht, Soort, Stuf, Systeem, read, read_any, write, write_fout,
};
use ketenzicht_testkit as testkit;

fn example(name: &str) -> Vec<u8> {
    std::fs::read(testkit::shared().join("stuf-ggk-2.1.04/voorbeelden").join(name)).expect("example")
}

#[test]
fn the_public_examples_read() {
    let di01 = read(&example("envelopHeenbericht-ggk_Di01_v21-xml.xml")).expect("Di01");
    assert_eq!(di01.soort, Soort::Di01);
    assert_eq!(di01.zender.organisatie, "0548");
    assert_eq!(di01.ontvanger.organisatie, "01023456");
    assert_eq!(di01.referentienummer, "9c0f7b90-5c69-41e5-a837-0800200c9a66");
    assert_eq!(di01.tijdstip, NaiveDate::from_ymd_opt(2016, 4, 21).and_then(|d| d.and_hms_opt(13, 25, 14)).expect("t"));
    assert_eq!(di01.functie, "WMO301");
    assert_eq!(di01.cross_ref, None);
    assert_eq!(String::from_utf8(di01.bericht).expect("text"), "Hier staat een iWmo/iJw-heenbericht.");

    let du01 = read(&example("envelopRetourbericht-ggk_Du01-v21.xml")).expect("Du01");
    assert_eq!(du01.soort, Soort::Du01);
    assert_eq!(du01.cross_ref.as_deref(), Some("9c0f7b90-5c69-41e5-a837-0800200c9a66"));
    assert_eq!(du01.functie, "WMO302");

    let tekst = read(&example("envelopHeenbericht-ggk_Di01_v21-tekst.xml")).expect("tekstBestand");
    assert!(!tekst.bericht.is_empty());
}

fn jw301() -> Vec<u8> {
    std::fs::read(testkit::shared().join("ijw-3.2/voorbeelden/JW301.xml")).expect("JW301")
}

fn envelope(soort: Soort) -> Envelope {
    Envelope {
        soort,
        zender: Systeem { organisatie: "0384".into(), applicatie: "Wmo & Jeugd <app>".into() },
        ontvanger: Systeem { organisatie: "42420001".into(), applicatie: "GGk".into() },
        referentienummer: "0b1c2d3e-4f50-4617-8899-aabbccddeeff".into(),
        tijdstip: NaiveDate::from_ymd_opt(2026, 4, 1).and_then(|d| d.and_hms_opt(9, 30, 5)).expect("t"),
        cross_ref: (soort == Soort::Du01).then(|| "9c0f7b90-5c69-41e5-a837-0800200c9a66".to_owned()),
        functie: "JW301".into(),
        bericht: jw301(),
    }
}

#[test]
fn what_we_write_reads_back_with_its_message() {
    for soort in [Soort::Di01, Soort::Du01] {
        let e = envelope(soort);
        let back = read(&write(&e)).expect("reads");
        assert_eq!(back, e);
        let message = ketenzicht_message::read(&back.bericht).expect("the message inside reads");
        assert_eq!(message.name(), "JW301");
    }
}

#[test]
fn what_we_write_validates_against_the_stuf_ggk_xsd() {
    let dir = tempfile::tempdir().expect("tempdir");
    let xsd = testkit::shared().join("stuf-ggk-2.1.04/xsd/ggk0210/ggkberichten/ggk0210_msg_ggkberichten.xsd");
    let mut files = Vec::new();
    for soort in [Soort::Di01, Soort::Du01] {
        let path = dir.path().join(format!("{soort:?}.xml"));
        std::fs::write(&path, write(&envelope(soort))).expect("write");
        files.push(path);
    }
    testkit::xmllint(&xsd, &files).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn broken_envelopes_are_refused() {
    let good = String::from_utf8(write(&envelope(Soort::Du01))).expect("utf8");
    let cases: Vec<(String, &str)> = vec![
        (good.replacen("<GGK:", "<!DOCTYPE x [<!ENTITY a 'b'>]><GGK:", 1), "DOCTYPE"),
        (String::from_utf8(jw301()).expect("utf8"), "not a StUF-GGk envelope"),
        (
            good.replace(r#"<StUF:crossRefnummer>9c0f7b90-5c69-41e5-a837-0800200c9a66</StUF:crossRefnummer>"#, ""),
            "crossRefnummer",
        ),
        (good.replacen("<GGK:xmlBestand>", "<GGK:xmlBestand>!!", 1), "not base64"),
        (good.replace("<StUF:tijdstipBericht>20260401093005<", "<StUF:tijdstipBericht>2026-04-01<"), "tijdstipBericht"),
        (good.replace("<StUF:functie>JW301</StUF:functie>", ""), "stuurgegevens/functie"),
        (good[..good.len() / 2].to_owned(), "malformed XML"),
        // Found by fuzzing: a payload of whitespace only was accepted as an empty message.
        (
            good.replacen(
                &good[good.find("<GGK:xmlBestand>").expect("payload")..good.find("</GGK:xmlBestand>").expect("end")],
                "<GGK:xmlBestand> \n\t",
                1,
            ),
            "holds no message",
        ),
        (good.replacen("<GGK:bericht>", "<GGK:bericht x y=\"1\">", 1), "malformed attribute"),
        // Also found by fuzzing: a missing applicatie was read as empty and written otherwise.
        (good.replacen("<StUF:applicatie>GGk</StUF:applicatie>", "", 1), "stuurgegevens/ontvanger/applicatie"),
    ];
    for (input, says) in cases {
        let err = read(input.as_bytes()).expect_err(says);
        assert!(err.to_string().contains(says), "expected {says:?}, got {err}");
    }
    let big = vec![b' '; ketenzicht_envelope::MAX_ENVELOPE_BYTES + 1];
    assert!(matches!(read(&big), Err(EnvelopeError::TooLarge(_))));
}

#[test]
fn the_public_fo01_reads_and_is_no_envelope() {
    let bytes = example("Fo01.xml");
    let Stuf::Fout(fout) = read_any(&bytes).expect("Fo01") else { panic!("a Fo01 is a Fout") };
    assert_eq!(fout.zender.organisatie, "IB");
    assert_eq!(fout.ontvanger.organisatie, "54540051");
    assert_eq!(fout.referentienummer, "78002f23-5bc5-4e3e-96ad-1d209d32a5d5");
    assert_eq!(fout.cross_ref, "9c0f7b90-5c69-11e5-a837-0800200c9a66");
    assert_eq!(fout.tijdstip, NaiveDate::from_ymd_opt(2016, 4, 21).and_then(|d| d.and_hms_opt(14, 45, 34)).expect("t"));
    assert_eq!((fout.code.as_str(), fout.plek.as_str()), ("IB210", "client"));
    assert_eq!(fout.omschrijving, "Ontvangende organisatie onbekend. Organisatie 99999");
    assert_eq!(fout.details.as_deref(), Some("JW315-00010004"));
    let err = read(&bytes).expect_err("read wants an envelope");
    assert!(err.to_string().contains("Fo01Bericht"), "{err}");
    assert!(matches!(read_any(&write(&envelope(Soort::Di01))), Ok(Stuf::Envelope(_))));
}

fn fout() -> Foutbericht {
    Foutbericht {
        zender: Systeem { organisatie: "IB".into(), applicatie: "GGK".into() },
        ontvanger: Systeem { organisatie: "98000001".into(), applicatie: "Zorg & <app>".into() },
        referentienummer: "11111111-2222-4333-8444-555555555555".into(),
        tijdstip: NaiveDate::from_ymd_opt(2026, 4, 1).and_then(|d| d.and_hms_opt(9, 30, 7)).expect("t"),
        cross_ref: "0b1c2d3e-4f50-4617-8899-aabbccddeeff".into(),
        code: "IB014".into(),
        plek: "client".into(),
        omschrijving: "Het bericht voldoet niet aan het XSD.".into(),
        details: Some("JW315-000100000004".into()),
    }
}

#[test]
fn a_written_fo01_reads_back_and_validates_against_the_stuf_xsd() {
    let f = fout();
    assert_eq!(read_any(&write_fout(&f)).expect("reads"), Stuf::Fout(f.clone()));
    let without = Foutbericht { details: None, ..f };
    assert_eq!(read_any(&write_fout(&without)).expect("reads"), Stuf::Fout(without.clone()));
    let dir = tempfile::tempdir().expect("tempdir");
    let xsd = testkit::shared().join("stuf-ggk-2.1.04/xsd/0301/stuf0301.xsd");
    let files: Vec<_> = [("met", fout()), ("zonder", without)]
        .into_iter()
        .map(|(name, f)| {
            let path = dir.path().join(format!("{name}.xml"));
            std::fs::write(&path, write_fout(&f)).expect("write");
            path
        })
        .collect();
    testkit::xmllint(&xsd, &files).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn broken_fo01s_are_refused() {
    let good = String::from_utf8(write_fout(&fout())).expect("utf8");
    let cases = [
        (good.replace("<StUF:code>IB014</StUF:code>", "<StUF:code>IB0140000</StUF:code>"), "body/code"),
        (good.replace("<StUF:plek>client</StUF:plek>", "<StUF:plek>ergens</StUF:plek>"), "body/plek"),
        (
            good.replace("<StUF:crossRefnummer>0b1c2d3e-4f50-4617-8899-aabbccddeeff</StUF:crossRefnummer>", ""),
            "stuurgegevens/crossRefnummer",
        ),
        (
            good.replace("<StUF:omschrijving>Het bericht voldoet niet aan het XSD.</StUF:omschrijving>", ""),
            "body/omschrijving",
        ),
        (good.replace("<StUF:body>", "<StUF:body><x:y xmlns:x=\"urn:elders\"/>"), "unknown namespace"),
    ];
    for (input, says) in cases {
        let err = read_any(input.as_bytes()).expect_err(says);
        assert!(err.to_string().contains(says), "expected {says:?}, got {err}");
    }
}
