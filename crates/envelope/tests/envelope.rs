//! The StUF-GGk envelope: the public examples read, what we write reads back and validates
//! against the StUF-GGk XSD, and broken envelopes are refused with a clear error.

use chrono::NaiveDate;
use ketenzicht_envelope::{Envelope, EnvelopeError, Soort, Systeem, read, write};
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
