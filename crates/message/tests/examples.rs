//! The 21 public example messages: 19 read clean, the two defective ones are refused with
//! precise findings, and what we write back is equal and XSD-valid.

use ketenzicht_testkit as support;

use ketenzicht_message::{Level, Message, WriteOptions, read, write};

fn example(name: &str) -> Vec<u8> {
    let path = support::examples().into_iter().find(|p| p.file_stem().is_some_and(|s| s == name)).expect(name);
    std::fs::read(path).expect("readable")
}

#[test]
fn nineteen_examples_read_clean_and_two_are_refused() {
    let examples = support::examples();
    assert_eq!(examples.len(), 21);
    let mut clean = Vec::new();
    for path in &examples {
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("name").to_owned();
        match read(&std::fs::read(path).expect("readable")) {
            Ok(message) => {
                assert_eq!(message.name(), stem, "law and type come from the namespace");
                clean.push(stem);
            }
            Err(err) => assert!(stem == "JW315" || stem == "JW318", "{stem} refused: {err}"),
        }
    }
    assert_eq!(clean.len(), 19, "{clean:?}");
}

#[test]
fn jw315_impossible_date_is_refused_at_both_products() {
    let err = read(&example("JW315")).expect_err("2027-06-31 does not exist");
    let found: Vec<(String, Option<&str>, String)> =
        err.findings.iter().map(|f| (f.path.clone(), f.rule, f.message.clone())).collect();
    assert_eq!(
        found,
        vec![
            (
                "Client/AangevraagdeProducten/AangevraagdProduct[1]/ToewijzingEinddatum".to_owned(),
                Some("LDT_Datum"),
                "not a real calendar date (\"2027-06-31\")".to_owned()
            ),
            (
                "Client/AangevraagdeProducten/AangevraagdProduct[2]/ToewijzingEinddatum".to_owned(),
                Some("LDT_Datum"),
                "not a real calendar date (\"2027-06-31\")".to_owned()
            ),
        ]
    );
    assert!(err.findings.iter().all(|f| f.level == Level::Schema));
}

#[test]
fn jw318_retourcode_outside_retourcodes_is_refused() {
    let err = read(&example("JW318")).expect_err("RetourCode directly under Verzoek");
    assert_eq!(err.findings.len(), 1, "{err}");
    let f = &err.findings[0];
    assert_eq!(f.path, "Client/Verzoek/RetourCode");
    assert_eq!(f.rule, Some("XSD"));
    assert!(f.message.contains("element RetourCode is not allowed here"), "{}", f.message);
}

fn clean_examples() -> Vec<(String, Message)> {
    support::examples()
        .into_iter()
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_owned();
            read(&std::fs::read(&p).ok()?).ok().map(|m| (name, m))
        })
        .collect()
}

#[test]
fn examples_survive_write_and_read_and_stay_xsd_valid() {
    let scratch = tempfile::tempdir().expect("tempdir");
    for (name, message) in clean_examples() {
        let bytes = write(&message, WriteOptions::default());
        assert_eq!(read(&bytes).expect("re-read"), message, "{name}");
        let dir = scratch.path().join(&name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let file = dir.join(format!("{name}.xml"));
        std::fs::write(&file, &bytes).expect("write");
        let xsd = support::xsd_for(message.wet, message.bericht_type(), &dir);
        support::xmllint(&xsd, &[file]).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn xmllint_harness_refuses_the_defective_example() {
    // The xmllint checks above would prove nothing if the harness accepted anything.
    let scratch = tempfile::tempdir().expect("tempdir");
    let file = support::examples().into_iter().find(|p| p.ends_with("JW315.xml")).expect("JW315");
    let xsd = support::xsd_for(ketenzicht_message::Wet::IJw, ketenzicht_message::BerichtType::T315, scratch.path());
    assert!(support::xmllint(&xsd, &[file]).is_err());
}

#[test]
fn inspect_json_mirrors_the_xml_tree() {
    let message = read(&example("JW301")).expect("JW301");
    let json = ketenzicht_message::json::to_json(&message);
    let keys: Vec<&String> = json.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["wet", "bericht", "Header", "Client"]);
    assert_eq!(json["wet"], "iJw");
    assert_eq!(json["bericht"], "JW301");
    assert_eq!(json["Header"]["BerichtCode"], "436");
    assert_eq!(json["Header"]["BerichtIdentificatie"]["Dagtekening"], "2026-04-01");
    let producten = json["Client"]["ToegewezenProducten"]["ToegewezenProduct"].as_array().expect("array");
    assert_eq!(producten.len(), 2);
    assert_eq!(producten[0]["ToewijzingNummer"], "300201");
    assert_eq!(producten[0]["Product"]["Code"], "55A11");
    assert_eq!(producten[1]["Omvang"]["Eenheid"], "16");
    // Repeating elements are arrays even when they occur once.
    let wmo = read(&example("WMO305")).expect("WMO305");
    let json = ketenzicht_message::json::to_json(&wmo);
    assert!(json["Client"]["StartProducten"]["StartProduct"].is_array());
    let retour = read(&example("JW325")).expect("JW325");
    let json = ketenzicht_message::json::to_json(&retour);
    assert_eq!(json["Header"]["RetourCodes"]["RetourCode"], serde_json::json!(["0200"]));
}
